with

customer_patterns as (
    select
        purchase_pattern,
        net_revenue,
        support_cost,
        adjusted_revenue,
        median_order_count,
        median_average_order_value,
        median_support_cost
    from {{ ref('int_value__customer_purchase_patterns') }}
),

purchase_count_groups as (
    select purchase_count_values.purchase_count_group
    from (values ('many'), ('few')) as purchase_count_values (purchase_count_group)
),

order_size_groups as (
    select order_size_values.order_size_group
    from (values ('small'), ('large')) as order_size_values (order_size_group)
),

support_groups as (
    select support_values.support_group
    from (values ('little'), ('much')) as support_values (support_group)
),

-- all eight combinations, so an empty one shows as zero customers
patterns as (
    select
        purchase_count_groups.purchase_count_group,
        order_size_groups.order_size_group,
        support_groups.support_group,
        purchase_count_groups.purchase_count_group || ' '
        || order_size_groups.order_size_group || ' purchases, '
        || support_groups.support_group || ' support' as purchase_pattern
    from purchase_count_groups
    cross join order_size_groups
    cross join support_groups
),

totals as (
    select
        purchase_pattern,
        count(*) as customer_count,
        sum(net_revenue) as net_revenue,
        sum(support_cost) as support_cost,
        sum(adjusted_revenue) as adjusted_revenue
    from customer_patterns
    group by purchase_pattern
),

thresholds as (
    select
        max(median_order_count) as median_order_count,
        max(median_average_order_value) as median_average_order_value,
        max(median_support_cost) as median_support_cost
    from customer_patterns
),

final as (
    select
        patterns.purchase_pattern,
        patterns.purchase_count_group,
        patterns.order_size_group,
        patterns.support_group,
        coalesce(totals.customer_count, 0) as customer_count,
        cast(coalesce(totals.net_revenue, 0) as decimal(18, 2)) as net_revenue,
        cast(coalesce(totals.support_cost, 0) as decimal(18, 2)) as support_cost,
        cast(coalesce(totals.adjusted_revenue, 0) as decimal(18, 2)) as adjusted_revenue,
        cast(
            totals.adjusted_revenue / nullif(totals.customer_count, 0) as decimal(18, 2)
        ) as adjusted_revenue_per_customer,
        thresholds.median_order_count,
        thresholds.median_average_order_value,
        thresholds.median_support_cost
    from patterns
    cross join thresholds
    left join totals on patterns.purchase_pattern = totals.purchase_pattern
)

select * from final
