with

events as (
    select
        event_id,
        event_name,
        event_type,
        subscriber_id,
        subscriber_email_raw,
        subscriber_email,
        account_id,
        delivery_id,
        email_id,
        email_subject,
        url,
        occurred_at
    from {{ ref('base_drip__events') }}
    where row_status = 'staged'
),

final as (
    select * from events
)

select * from final
