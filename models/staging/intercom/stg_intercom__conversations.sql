with

conversations as (
    select
        conversation_id,
        created_at,
        updated_at,
        state,
        is_open,
        channel,
        delivered_as,
        author_type,
        author_id,
        author_email_raw,
        author_email,
        contact_ids,
        contact_external_ids,
        primary_contact_id
    from {{ ref('base_intercom__conversations') }}
    where row_status = 'staged'
),

final as (
    select * from conversations
)

select * from final
