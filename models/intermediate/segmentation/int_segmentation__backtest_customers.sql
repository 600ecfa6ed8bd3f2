-- One row per customer with a purchase before the backtest cutoff: the segmentation features
-- measured at the cutoff, and the net revenue from the cutoff to the horizon end.
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
        customer_key,
        order_id,
        ordered_at,
        product_id,
        is_return
    from {{ ref('order_lines') }}
),

support_tickets as (
    select
        customer_key,
        opened_at,
        closed_at
    from {{ ref('support_tickets') }}
),

as_of as (
    select {{ as_of() }} as as_of_at
),

backtest_window as (
    select
        {% if var('segmentation_backtest_cutoff_date', none) -%}
            cast('{{ var("segmentation_backtest_cutoff_date") }}' as timestamp)
        {%- else -%}
            cast(
                {{ dbt.dateadd(
                    'day',
                    -1 * var('segmentation_backtest_horizon_days', 90),
                    'cast(as_of_at as date)'
                ) }} as timestamp
            )
        {%- endif %} as cutoff_at,
        -- the horizon ends with its last day (exclusive bound: the next midnight)
        cast(
            {{ dbt.dateadd(
                'day',
                1,
                "cast('" ~ var('segmentation_backtest_end_date') ~ "' as date)"
                if var('segmentation_backtest_end_date', none)
                else 'cast(as_of_at as date)'
            ) }} as timestamp
        ) as horizon_end_at
    from as_of
),

past_orders as (
    select
        orders.customer_key,
        count(*) filter (where not orders.is_return) as order_count,
        count(
            distinct {{ dbt.date_trunc('month', 'orders.ordered_at') }}
        ) filter (where not orders.is_return) as active_month_count,
        sum(orders.gross_amount) as gross_revenue,
        sum(orders.refund_amount) as refund_amount,
        sum(orders.net_amount) as net_revenue,
        coalesce(
            sum(orders.item_quantity) filter (where not orders.is_return), 0
        ) as item_count,
        min(orders.ordered_at) filter (where not orders.is_return) as first_order_at,
        max(orders.ordered_at) filter (where not orders.is_return) as last_order_at,
        -- shop orders or licenses make a software customer, as in customer_value
        bool_or(orders.order_id like 'edd:%') as has_shop_orders
    from orders
    cross join backtest_window
    where orders.ordered_at < backtest_window.cutoff_at
    group by orders.customer_key
),

past_products as (
    select
        order_lines.customer_key,
        count(
            distinct split_part(order_lines.order_id, ':', 1) || ':' || order_lines.product_id
        ) as distinct_product_count
    from order_lines
    cross join backtest_window
    where
        order_lines.ordered_at < backtest_window.cutoff_at
        and not order_lines.is_return
    group by order_lines.customer_key
),

past_support as (
    select
        support_tickets.customer_key,
        sum(
            {{ dbt.datediff(
                'support_tickets.opened_at',
                'least(coalesce(support_tickets.closed_at, backtest_window.cutoff_at), '
                ~ 'backtest_window.cutoff_at)',
                'second'
            ) }} / 86400.0
        ) as ticket_open_days
    from support_tickets
    cross join backtest_window
    where support_tickets.opened_at < backtest_window.cutoff_at
    group by support_tickets.customer_key
),

future_orders as (
    select
        orders.customer_key,
        sum(orders.net_amount) as future_net_revenue,
        count(*) filter (where not orders.is_return) as future_order_count
    from orders
    cross join backtest_window
    where
        orders.ordered_at >= backtest_window.cutoff_at
        and orders.ordered_at < backtest_window.horizon_end_at
    group by orders.customer_key
),

features as (
    select
        past_orders.customer_key,
        case when past_orders.has_shop_orders then 'software' else 'retail' end
            as business_line,
        cast(past_orders.net_revenue as double) as net_revenue,
        cast(past_orders.net_revenue as double)
        - coalesce(past_support.ticket_open_days, 0)
        * {{ var('support_cost_per_open_day') }} as adjusted_revenue,
        past_orders.order_count,
        cast(past_orders.net_revenue as double) / past_orders.order_count
            as average_order_value,
        {{ dbt.datediff('past_orders.last_order_at', 'backtest_window.cutoff_at', 'day') }}
            as recency_days,
        {{ dbt.datediff('past_orders.first_order_at', 'backtest_window.cutoff_at', 'day') }}
            as tenure_days,
        coalesce(past_products.distinct_product_count, 0) as distinct_product_count,
        cast(past_orders.item_count as bigint) as item_count,
        cast(past_orders.order_count as double) / past_orders.active_month_count
            as purchase_frequency,
        cast(past_orders.refund_amount as double)
        / nullif(past_orders.gross_revenue, 0) as return_rate,
        coalesce(past_support.ticket_open_days, 0) as ticket_open_days,
        coalesce(cast(future_orders.future_net_revenue as double), 0) as future_net_revenue,
        coalesce(future_orders.future_order_count, 0) as future_order_count,
        cast(backtest_window.cutoff_at as date) as cutoff_date,
        cast({{ dbt.dateadd('day', -1, 'backtest_window.horizon_end_at') }} as date)
            as horizon_end_date
    from past_orders
    cross join backtest_window
    left join past_products on past_orders.customer_key = past_products.customer_key
    left join past_support on past_orders.customer_key = past_support.customer_key
    left join future_orders on past_orders.customer_key = future_orders.customer_key
    -- customers with only returns before the cutoff have nothing to segment on
    where past_orders.order_count > 0
),

final as (
    select * from features
)

select * from final
