-- One row per staged Drip email event with a customer.
with

email_events as (
    {{ keyed_records('drip', 'events', ['event_id', 'event_type', 'occurred_at']) }}
),

final as (
    select
        event_id,
        customer_key,
        customer_number,
        event_type,
        occurred_at
    from email_events
)

select * from final
