-- One row per staged HubSpot company-month of social impressions with a customer.
with

social_impressions as (
    {{ keyed_records(
        'hubspot', 'social_impressions',
        [
            'social_impression_id', 'month_start_date', 'facebook_impressions',
            'instagram_impressions', 'x_impressions'
        ]
    ) }}
),

final as (
    select
        social_impression_id,
        customer_key,
        customer_number,
        month_start_date,
        facebook_impressions,
        instagram_impressions,
        x_impressions
    from social_impressions
)

select * from final
