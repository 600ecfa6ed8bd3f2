with

order_lines as (
    select
        order_line_id,
        order_id,
        customer_key,
        ordered_at,
        product_id,
        product_name,
        license_tier,
        quantity,
        line_amount,
        is_refund,
        is_return
    from {{ ref('int_sales__order_lines_classified') }}
    where exclusion_reason is null
),

final as (
    select
        {{ surrogate_key('order_line_id') }} as order_line_key,
        {{ surrogate_key('order_id') }} as order_key,
        order_line_id,
        order_id,
        customer_key,
        ordered_at,
        product_id,
        product_name,
        license_tier,
        quantity,
        line_amount,
        is_refund,
        is_return
    from order_lines
)

select * from final
