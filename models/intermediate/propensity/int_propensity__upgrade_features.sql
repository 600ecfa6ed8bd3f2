-- One row per software customer whose first order was a License 1 or 2 and who was watched
-- for var propensity_upgrade_days after it: whether they bought License 3 within those days,
-- and what was known at that first order (the cutoff): industry, territory, employee range
-- and the social impressions of the whole months before it. A customer whose window had not
-- ended by the as-of time is left out (the outcome is not known yet). A second propensity
-- model reads it through var propensity_upgrade_features: the configuration at work.
with

order_lines as (
    select
        customer_key,
        ordered_at,
        license_tier
    from {{ ref('int_sales__order_lines_classified') }}
    where exclusion_reason is null
),

firmographics as (
    select
        customer_key,
        industry,
        territory,
        employee_range
    from {{ ref('int_value__customer_firmographics') }}
),

social_impressions as (
    select
        customer_key,
        month_start_date,
        coalesce(facebook_impressions, 0)
        + coalesce(instagram_impressions, 0)
        + coalesce(x_impressions, 0) as impressions
    from {{ ref('int_engagement__social_impressions') }}
),

first_orders as (
    select
        customer_key,
        min(ordered_at) as cutoff_at
    from order_lines
    group by customer_key
),

-- the license of the first order (its highest, when it held several)
first_licenses as (
    select
        first_orders.customer_key,
        first_orders.cutoff_at,
        max(order_lines.license_tier) as first_license_tier
    from first_orders
    inner join order_lines
        on
            first_orders.customer_key = order_lines.customer_key
            and first_orders.cutoff_at = order_lines.ordered_at
    group by first_orders.customer_key, first_orders.cutoff_at
),

population as (
    select
        customer_key,
        cutoff_at,
        first_license_tier
    from first_licenses
    where
        first_license_tier in (1, 2)
        and {{ dbt.dateadd(
            'day', number_var('propensity_upgrade_days') | int, 'cutoff_at'
        ) }} <= {{ as_of('software') }}
),

upgrades as (
    select
        population.customer_key,
        min(order_lines.ordered_at) as first_license_3_at
    from population
    inner join order_lines
        on
            population.customer_key = order_lines.customer_key
            and order_lines.license_tier = 3
            and population.cutoff_at < order_lines.ordered_at
            and {{ dbt.dateadd(
                'day', number_var('propensity_upgrade_days') | int, 'population.cutoff_at'
            ) }} >= order_lines.ordered_at
    group by population.customer_key
),

-- whole months that ended before the cutoff
social_before as (
    select
        population.customer_key,
        sum(social_impressions.impressions) as social_impressions
    from population
    inner join social_impressions
        on
            population.customer_key = social_impressions.customer_key
            and {{ dbt.dateadd('month', 1, 'social_impressions.month_start_date') }}
            <= population.cutoff_at
    group by population.customer_key
),

final as (
    select
        population.customer_key,
        upgrades.first_license_3_at is not null as upgraded_to_license_3,
        population.cutoff_at,
        population.first_license_tier,
        firmographics.industry,
        firmographics.territory,
        firmographics.employee_range,
        cast(
            ln(1 + coalesce(social_before.social_impressions, 0)) as double
        ) as log_social_impressions
    from population
    left join upgrades on population.customer_key = upgrades.customer_key
    left join firmographics on population.customer_key = firmographics.customer_key
    left join social_before on population.customer_key = social_before.customer_key
)

select * from final
