with

events as (
    select
        event_id,
        event_date,
        event_at,
        event_name,
        user_pseudo_id,
        user_id,
        session_id,
        page_location,
        page_path,
        geo_country,
        traffic_source,
        traffic_medium
    from {{ ref('base_google_analytics__events') }}
    where row_status = 'staged'
),

final as (
    select * from events
)

select * from final
