-- One row per backtest cutoff and customer with a purchase before it: the segmentation
-- features measured at the cutoff (the macro customer_activity, as customer_value measures
-- them at the as-of time), the CLV inputs at the cutoff, and the net revenue from the cutoff
-- to the horizon end. Cutoffs and horizon ends follow the as-of day of the customer's business
-- line (macro insiders_backtest_windows).
with

orders as (
    select
        customer_number,
        ordered_at,
        is_return,
        net_amount
    from {{ ref('int_sales__orders') }}
),

customer_as_of as (
    select
        customer_key,
        customer_number,
        as_of_at
    from {{ ref('int_value__customer_as_of') }}
),

backtest_windows as (
    {{ insiders_backtest_windows('customer_as_of') }}
),

past_activity as (
    {{ customer_activity('backtest_windows', ['orders', 'support']) }}
),

future_orders as (
    select
        orders.customer_number,
        backtest_windows.cutoff_number,
        sum(orders.net_amount) as future_net_revenue,
        count(*) filter (where not orders.is_return) as future_order_count
    from orders
    inner join backtest_windows
        on
            orders.customer_number = backtest_windows.customer_number
            and orders.ordered_at >= backtest_windows.cutoff_at
            and orders.ordered_at < backtest_windows.horizon_end_at
    group by orders.customer_number, backtest_windows.cutoff_number
),

-- BG/NBD and Gamma-Gamma inputs at each cutoff (int_clv__customer_summaries computes them
-- for the backtest's windows too), for the selection by predicted value
clv_summaries as (
    select
        customer_key,
        calibration,
        frequency,
        recency_days,
        age_days,
        mean_repeat_purchase_amount
    from {{ ref('int_clv__customer_summaries') }}
    where calibration like 'insiders_backtest_%'
),

features as (
    select
        past_activity.customer_key,
        past_activity.business_line,
        {{ segmentation_features('past_activity') }},
        coalesce(cast(future_orders.future_net_revenue as double), 0) as future_net_revenue,
        coalesce(future_orders.future_order_count, 0) as future_order_count,
        backtest_windows.cutoff_number,
        cast(backtest_windows.cutoff_at as date) as cutoff_date,
        cast({{ dbt.dateadd('day', -1, 'backtest_windows.horizon_end_at') }} as date)
            as horizon_end_date,
        clv_summaries.frequency as clv_frequency,
        clv_summaries.recency_days as clv_recency_days,
        clv_summaries.age_days as clv_age_days,
        clv_summaries.mean_repeat_purchase_amount as clv_mean_repeat_purchase_amount
    from past_activity
    inner join backtest_windows
        on
            past_activity.customer_number = backtest_windows.customer_number
            and past_activity.cutoff_at = backtest_windows.cutoff_at
    left join future_orders
        on
            past_activity.customer_number = future_orders.customer_number
            and backtest_windows.cutoff_number = future_orders.cutoff_number
    left join clv_summaries
        on
            past_activity.customer_key = clv_summaries.customer_key
            and clv_summaries.calibration
            = 'insiders_backtest_' || cast(backtest_windows.cutoff_number as varchar)
    -- customers with only returns before the cutoff have nothing to segment on
    where past_activity.order_count > 0
),

final as (
    select * from features
)

select * from final
