with

conversations as (
    select
        conversation_id,
        conversation_number,
        thread_count,
        channel,
        status,
        state,
        subject,
        mailbox_id,
        created_at,
        closed_at,
        updated_at,
        is_closed_before_created,
        customer_id,
        customer_first_name,
        customer_last_name,
        email_raw,
        email,
        tags,
        source_type,
        source_via
    from {{ ref('base_helpscout__conversations') }}
    where row_status = 'staged'
),

final as (
    select * from conversations
)

select * from final
