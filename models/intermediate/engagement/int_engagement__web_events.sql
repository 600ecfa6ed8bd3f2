-- One row per staged GA4 web event with a customer.
with

web_events as (
    {{ keyed_records(
        'google_analytics', 'events',
        ['event_id', 'event_at', 'event_name', 'user_pseudo_id', 'session_id', 'traffic_source']
    ) }}
),

final as (
    select
        event_id,
        customer_key,
        customer_number,
        event_at,
        event_name,
        user_pseudo_id,
        session_id,
        traffic_source
    from web_events
)

select * from final
