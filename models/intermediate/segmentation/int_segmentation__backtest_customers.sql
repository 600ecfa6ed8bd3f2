-- One row per customer with a purchase before the backtest cutoff: the segmentation features
-- measured at the cutoff (the macro customer_activity, as customer_value measures them at the
-- as-of time), and the net revenue from the cutoff to the horizon end. Cutoff and horizon end
-- follow the as-of day of the customer's business line.
with

orders as (
    select
        customer_key,
        ordered_at,
        is_return,
        net_amount
    from {{ ref('int_sales__orders') }}
),

customer_as_of as (
    select
        customer_key,
        as_of_at
    from {{ ref('int_value__customer_as_of') }}
),

backtest_windows as (
    select
        customer_key,
        {% if date_var('segmentation_backtest_cutoff_date') -%}
            cast({{ date_var('segmentation_backtest_cutoff_date') }} as timestamp)
        {%- else -%}
            cast(
                {{ dbt.dateadd(
                    'day',
                    -1 * number_var('segmentation_backtest_horizon_days') | int,
                    'cast(as_of_at as date)'
                ) }} as timestamp
            )
        {%- endif %} as cutoff_at,
        -- the horizon ends with its last day (exclusive bound: the next midnight)
        cast(
            {{ dbt.dateadd(
                'day',
                1,
                date_var('segmentation_backtest_end_date')
                if date_var('segmentation_backtest_end_date')
                else 'cast(as_of_at as date)'
            ) }} as timestamp
        ) as horizon_end_at
    from customer_as_of
),

past_activity as (
    {{ customer_activity('backtest_windows', ['orders', 'support'], per_customer=true) }}
),

future_orders as (
    select
        orders.customer_key,
        sum(orders.net_amount) as future_net_revenue,
        count(*) filter (where not orders.is_return) as future_order_count
    from orders
    inner join backtest_windows
        on
            orders.customer_key = backtest_windows.customer_key
            and orders.ordered_at >= backtest_windows.cutoff_at
            and orders.ordered_at < backtest_windows.horizon_end_at
    group by orders.customer_key
),

features as (
    select
        past_activity.customer_key,
        past_activity.business_line,
        {{ segmentation_features('past_activity') }},
        coalesce(cast(future_orders.future_net_revenue as double), 0) as future_net_revenue,
        coalesce(future_orders.future_order_count, 0) as future_order_count,
        cast(backtest_windows.cutoff_at as date) as cutoff_date,
        cast({{ dbt.dateadd('day', -1, 'backtest_windows.horizon_end_at') }} as date)
            as horizon_end_date
    from past_activity
    inner join backtest_windows on past_activity.customer_key = backtest_windows.customer_key
    left join future_orders on past_activity.customer_key = future_orders.customer_key
    -- customers with only returns before the cutoff have nothing to segment on
    where past_activity.order_count > 0
),

final as (
    select * from features
)

select * from final
