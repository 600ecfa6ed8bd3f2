with

scores as (
    select
        business_line,
        method,
        calibration_end_date,
        holdout_days,
        customers,
        actual_purchases,
        predicted_purchases,
        predicted_purchases_lower,
        predicted_purchases_upper,
        actual_revenue,
        predicted_revenue,
        predicted_revenue_lower,
        predicted_revenue_upper,
        realised_purchases_lower,
        realised_purchases_upper,
        realised_revenue_lower,
        realised_revenue_upper,
        purchases_mae,
        purchases_rmse,
        purchases_correlation,
        revenue_mae,
        revenue_rmse,
        revenue_correlation,
        is_converged,
        parameters_at_bound
    from {{ ref('int_clv__backtest') }}
),

purchase_days as (
    select
        customer_key,
        purchase_date,
        business_line,
        first_purchase_date,
        purchase_amount
    from {{ ref('int_clv__purchase_days') }}
),

windows as (
    select distinct
        business_line,
        calibration_end_date,
        holdout_days,
        cast(
            {{ dbt.dateadd('day', 'holdout_days', 'calibration_end_date') }} as date
        ) as holdout_end_date
    from scores
),

-- customers who first bought in the holdout: no calibration history, not predicted
new_customers as (
    select
        windows.business_line,
        count(distinct purchase_days.customer_key) as new_customers,
        count(*) as new_customer_purchases,
        sum(purchase_days.purchase_amount) as new_customer_revenue
    from purchase_days
    inner join windows
        on
            purchase_days.business_line = windows.business_line
            and purchase_days.first_purchase_date > windows.calibration_end_date
            and purchase_days.purchase_date <= windows.holdout_end_date
    group by windows.business_line
),

final as (
    select
        scores.business_line,
        scores.method,
        scores.calibration_end_date,
        windows.holdout_end_date,
        scores.holdout_days,
        scores.customers as customer_count,
        scores.actual_purchases,
        scores.predicted_purchases,
        scores.predicted_purchases_lower,
        scores.predicted_purchases_upper,
        scores.predicted_purchases / nullif(scores.actual_purchases, 0) - 1
            as purchases_relative_error,
        cast(scores.actual_revenue as decimal(18, 2)) as actual_revenue,
        cast(scores.predicted_revenue as decimal(18, 2)) as predicted_revenue,
        cast(scores.predicted_revenue_lower as decimal(18, 2)) as predicted_revenue_lower,
        cast(scores.predicted_revenue_upper as decimal(18, 2)) as predicted_revenue_upper,
        scores.realised_purchases_lower,
        scores.realised_purchases_upper,
        -- an end beyond what decimal(18, 2) holds (a simulated spend that overflows on a
        -- parameter draw far out on an ill-determined fit) is unbounded: null, as an infinite
        -- end is
        try_cast(scores.realised_revenue_lower as decimal(18, 2)) as realised_revenue_lower,
        try_cast(scores.realised_revenue_upper as decimal(18, 2)) as realised_revenue_upper,
        scores.predicted_revenue / nullif(scores.actual_revenue, 0) - 1
            as revenue_relative_error,
        scores.purchases_mae,
        scores.purchases_rmse,
        scores.purchases_correlation,
        scores.revenue_mae,
        scores.revenue_rmse,
        scores.revenue_correlation,
        scores.is_converged,
        scores.parameters_at_bound,
        coalesce(new_customers.new_customers, 0) as new_customer_count,
        coalesce(new_customers.new_customer_purchases, 0) as new_customer_purchases,
        cast(coalesce(new_customers.new_customer_revenue, 0) as decimal(18, 2))
            as new_customer_revenue
    from scores
    inner join windows on scores.business_line = windows.business_line
    left join new_customers on scores.business_line = new_customers.business_line
)

select * from final
