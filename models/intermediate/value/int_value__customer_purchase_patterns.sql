-- One row per valued customer: its purchase-count, order-size and support group.
with

customer_value as (
    select
        customer_key,
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

grouped as (
    select
        customer_value.customer_key,
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
        end as support_group,
        cast(thresholds.median_order_count as double) as median_order_count,
        cast(thresholds.median_average_order_value as double) as median_average_order_value,
        cast(thresholds.median_support_cost as double) as median_support_cost
    from customer_value
    cross join thresholds
),

final as (
    select
        customer_key,
        purchase_count_group || ' ' || order_size_group || ' purchases, '
        || support_group || ' support' as purchase_pattern,
        purchase_count_group,
        order_size_group,
        support_group,
        net_revenue,
        support_cost,
        adjusted_revenue,
        median_order_count,
        median_average_order_value,
        median_support_cost
    from grouped
)

select * from final
