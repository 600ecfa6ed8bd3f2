-- One row per customer with at least one purchase: the features segmentation reads, as of the
-- as-of time (int_value__customer_activity, the same figures customer_value shows).
with

customer_activity as (
    select
        customer_key,
        business_line,
        net_revenue,
        adjusted_revenue,
        order_count,
        average_order_value,
        recency_days,
        tenure_days,
        distinct_product_count,
        item_count,
        purchase_frequency,
        return_rate,
        ticket_open_days
    from {{ ref('int_value__customer_activity') }}
    -- customers whose only orders are returns have nothing to segment on
    where order_count > 0
),

final as (
    select
        customer_activity.customer_key,
        customer_activity.business_line,
        {{ segmentation_features('customer_activity') }}
    from customer_activity
)

select * from final
