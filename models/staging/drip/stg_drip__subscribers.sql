with

subscribers as (
    select
        subscriber_id,
        subscriber_status,
        email_raw,
        email,
        first_name,
        last_name,
        time_zone,
        utc_offset_minutes,
        created_at,
        tags,
        lead_score
    from {{ ref('base_drip__subscribers') }}
    where row_status = 'staged'
),

final as (
    select * from subscribers
)

select * from final
