with

forecast as (
    select
        segment,
        month_number,
        period_start_date,
        period_end_date,
        customers,
        expected_purchases,
        expected_revenue,
        expected_revenue_lower,
        expected_revenue_upper,
        realised_revenue_lower,
        realised_revenue_upper
    from {{ ref('int_clv__revenue_forecast') }}
),

final as (
    select
        segment,
        month_number,
        period_start_date,
        period_end_date,
        customers as customer_count,
        expected_purchases,
        cast(expected_revenue as decimal(18, 2)) as expected_revenue,
        cast(expected_revenue_lower as decimal(18, 2)) as expected_revenue_lower,
        cast(expected_revenue_upper as decimal(18, 2)) as expected_revenue_upper,
        -- an end beyond decimal(18, 2) (a simulated spend that overflows on a draw far out on
        -- an ill-determined fit) is unbounded: null, as an infinite end is
        try_cast(realised_revenue_lower as decimal(18, 2)) as realised_revenue_lower,
        try_cast(realised_revenue_upper as decimal(18, 2)) as realised_revenue_upper
    from forecast
)

select * from final
