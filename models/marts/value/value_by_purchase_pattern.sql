-- One row per purchase pattern (8): the valued customers split at the medians of their order
-- count, average order value and support cost, with their revenue.
with

customer_value as (
    select
        order_count,
        average_order_value,
        support_cost,
        net_revenue,
        adjusted_revenue
    from {{ ref('customer_value') }}
),

thresholds as (
    select
        median(order_count) as median_order_count,
        median(average_order_value) as median_average_order_value,
        median(support_cost) as median_support_cost
    from customer_value
),

customer_groups as (
    select
        customer_value.net_revenue,
        customer_value.support_cost,
        customer_value.adjusted_revenue,
        -- above the median is "many" / "large" / "much"; at or below it the other group
        case
            when customer_value.order_count > thresholds.median_order_count then 'many'
            else 'few'
        end as purchase_count_group,
        case
            when
                coalesce(customer_value.average_order_value, 0)
                > thresholds.median_average_order_value
                then 'large'
            else 'small'
        end as order_size_group,
        case
            when customer_value.support_cost > thresholds.median_support_cost then 'much'
            else 'little'
        end as support_group
    from customer_value
    cross join thresholds
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
        purchase_count_group,
        order_size_group,
        support_group,
        count(*) as customer_count,
        sum(net_revenue) as net_revenue,
        sum(support_cost) as support_cost,
        sum(adjusted_revenue) as adjusted_revenue
    from customer_groups
    group by purchase_count_group, order_size_group, support_group
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
        cast(thresholds.median_order_count as double) as median_order_count,
        cast(thresholds.median_average_order_value as double) as median_average_order_value,
        cast(thresholds.median_support_cost as double) as median_support_cost
    from patterns
    cross join thresholds
    left join totals
        on
            patterns.purchase_count_group = totals.purchase_count_group
            and patterns.order_size_group = totals.order_size_group
            and patterns.support_group = totals.support_group
)

select * from final
