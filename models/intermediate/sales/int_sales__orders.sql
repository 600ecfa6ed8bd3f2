-- One row per order with at least one line that is revenue: its amounts from its kept lines.
with

order_lines as (
    select
        order_id,
        source_name,
        customer_key,
        customer_number,
        ordered_at,
        license_tier,
        quantity,
        line_amount,
        is_refund,
        is_return,
        currency
    from {{ ref('int_sales__order_lines_classified') }}
    where exclusion_reason is null
),

per_order as (
    select
        order_id,
        min(source_name) as source_name,
        min(customer_key) as customer_key,
        min(customer_number) as customer_number,
        min(ordered_at) as ordered_at,
        bool_or(is_refund) as is_refund,
        bool_or(is_return) as is_return,
        count(*) as line_count,
        sum(quantity) as item_quantity,
        coalesce(sum(line_amount) filter (where line_amount > 0), 0) as gross_amount,
        -- a return line gives its (negative) amount back
        -coalesce(sum(line_amount) filter (where line_amount < 0), 0) as returned_amount,
        min(currency) as currency,
        max(license_tier) as highest_license_tier
    from order_lines
    group by order_id
),

amounts as (
    select
        order_id,
        source_name,
        customer_key,
        customer_number,
        ordered_at,
        is_refund,
        is_return,
        line_count,
        item_quantity,
        gross_amount,
        -- a refunded or revoked payment gives back everything it counted as gross
        case when is_refund then gross_amount else 0 end + returned_amount as refund_amount,
        currency,
        highest_license_tier
    from per_order
),

final as (
    select
        order_id,
        source_name,
        customer_key,
        customer_number,
        ordered_at,
        is_refund,
        is_return,
        cast(line_count as bigint) as line_count,
        cast(item_quantity as bigint) as item_quantity,
        cast(gross_amount as decimal(18, 2)) as gross_amount,
        cast(refund_amount as decimal(18, 2)) as refund_amount,
        cast(gross_amount - refund_amount as decimal(18, 2)) as net_amount,
        currency,
        cast(highest_license_tier as integer) as highest_license_tier
    from amounts
)

select * from final
