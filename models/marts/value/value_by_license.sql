with

customer_value as (
    select
        license_group,
        net_revenue,
        support_cost,
        adjusted_revenue
    from {{ ref('customer_value') }}
),

final as (
    select
        license_group,
        count(*) as customer_count,
        cast(sum(net_revenue) as decimal(18, 2)) as net_revenue,
        cast(sum(support_cost) as decimal(18, 2)) as support_cost,
        cast(sum(adjusted_revenue) as decimal(18, 2)) as adjusted_revenue,
        cast(avg(adjusted_revenue) as decimal(18, 2)) as mean_adjusted_revenue,
        cast(median(adjusted_revenue) as decimal(18, 2)) as median_adjusted_revenue
    from customer_value
    group by license_group
)

select * from final
