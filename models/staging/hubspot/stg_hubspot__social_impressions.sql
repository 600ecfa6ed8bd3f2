with

social_impressions as (
    select
        social_impression_id,
        company_id,
        month_start_date,
        facebook_impressions,
        instagram_impressions,
        x_impressions
    from {{ ref('base_hubspot__social_impressions') }}
    where row_status = 'staged'
),

final as (
    select * from social_impressions
)

select * from final
