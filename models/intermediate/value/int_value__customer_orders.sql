-- One row per customer with at least one order: purchases, money and timing.
with

orders as (
    select
        order_id,
        customer_key,
        ordered_at,
        is_return,
        item_quantity,
        gross_amount,
        refund_amount,
        net_amount,
        highest_license_tier
    from {{ ref('orders') }}
),

order_lines as (
    select
        order_id,
        customer_key,
        product_id,
        is_return
    from {{ ref('order_lines') }}
),

as_of as (
    select {{ as_of() }} as as_of_at
),

order_totals as (
    select
        customer_key,
        count(*) filter (where not is_return) as order_count,
        count(*) filter (where is_return) as return_count,
        -- a refunded payment or a return invoice: money went back
        count(*) filter (where refund_amount > 0) as refunded_order_count,
        count(
            distinct {{ dbt.date_trunc('month', 'ordered_at') }}
        ) filter (where not is_return) as active_month_count,
        sum(gross_amount) as gross_revenue,
        sum(refund_amount) as refund_amount,
        sum(net_amount) as net_revenue,
        coalesce(sum(item_quantity) filter (where not is_return), 0) as item_count,
        min(ordered_at) filter (where not is_return) as first_order_at,
        max(ordered_at) filter (where not is_return) as last_order_at,
        min(ordered_at) as first_activity_at,
        max(ordered_at) as last_activity_at,
        max(highest_license_tier) as highest_license_tier,
        bool_or(order_id like 'edd:%') as has_shop_orders
    from orders
    group by customer_key
),

products as (
    select
        customer_key,
        -- ids are per shop: qualify them with the order's source
        count(distinct split_part(order_id, ':', 1) || ':' || product_id) as distinct_product_count
    from order_lines
    where not is_return
    group by customer_key
),

final as (
    select
        order_totals.customer_key,
        order_totals.order_count,
        order_totals.return_count,
        order_totals.refunded_order_count,
        order_totals.active_month_count,
        cast(order_totals.gross_revenue as decimal(18, 2)) as gross_revenue,
        cast(order_totals.refund_amount as decimal(18, 2)) as refund_amount,
        cast(order_totals.net_revenue as decimal(18, 2)) as net_revenue,
        cast(order_totals.item_count as bigint) as item_count,
        coalesce(products.distinct_product_count, 0) as distinct_product_count,
        order_totals.first_order_at,
        order_totals.last_order_at,
        {{ dbt.datediff(
            'coalesce(order_totals.first_order_at, order_totals.first_activity_at)',
            'as_of.as_of_at',
            'day'
        ) }} as tenure_days,
        {{ dbt.datediff(
            'coalesce(order_totals.last_order_at, order_totals.last_activity_at)',
            'as_of.as_of_at',
            'day'
        ) }} as recency_days,
        order_totals.highest_license_tier,
        case
            when order_totals.highest_license_tier is not null
                then 'license_' || order_totals.highest_license_tier
            when order_totals.has_shop_orders then 'none'
            else 'retail'
        end as license_group
    from order_totals
    cross join as_of
    left join products on order_totals.customer_key = products.customer_key
)

select * from final
