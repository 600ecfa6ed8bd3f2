-- One row per customer with at least one purchase: the features segmentation reads.
with

customer_value as (
    select
        customer_key,
        license_group,
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
    from {{ ref('customer_value') }}
    -- customers whose only orders are returns have nothing to segment on
    where order_count > 0
),

final as (
    select
        customer_key,
        case when license_group = 'retail' then 'retail' else 'software' end as business_line,
        cast(net_revenue as double) as net_revenue,
        cast(adjusted_revenue as double) as adjusted_revenue,
        order_count,
        cast(average_order_value as double) as average_order_value,
        recency_days,
        tenure_days,
        distinct_product_count,
        item_count,
        purchase_frequency,
        return_rate,
        cast(ticket_open_days as double) as ticket_open_days
    from customer_value
)

select * from final
