with

orders as (
    select
        order_id,
        source_name,
        customer_key,
        ordered_at,
        is_refund,
        is_return,
        line_count,
        item_quantity,
        gross_amount,
        refund_amount,
        net_amount,
        currency,
        highest_license_tier
    from {{ ref('int_sales__orders') }}
),

final as (
    select
        {{ surrogate_key('order_id') }} as order_key,
        *
    from orders
)

select * from final
