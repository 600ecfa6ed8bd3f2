with

summaries as (
    select
        customer_key,
        calibration_end_date,
        first_purchase_date,
        last_purchase_date,
        frequency,
        recency_days,
        age_days,
        mean_repeat_purchase_amount
    from {{ ref('int_clv__customer_summaries') }}
    where calibration = 'current'
),

predictions as (
    select
        customer_key,
        business_line,
        probability_alive,
        expected_purchases_30_days,
        expected_purchases_90_days,
        expected_purchases_180_days,
        expected_order_value,
        expected_revenue_90_days,
        expected_revenue_90_days_lower,
        expected_revenue_90_days_upper,
        clv_12_months,
        clv_12_months_lower,
        clv_12_months_upper
    from {{ ref('int_clv__predictions') }}
),

final as (
    select
        predictions.customer_key,
        predictions.business_line,
        summaries.calibration_end_date,
        summaries.first_purchase_date,
        summaries.last_purchase_date,
        summaries.frequency as repeat_purchase_count,
        summaries.recency_days as first_to_last_purchase_days,
        summaries.age_days as days_since_first_purchase,
        cast(summaries.mean_repeat_purchase_amount as decimal(18, 2))
            as mean_repeat_purchase_amount,
        predictions.probability_alive,
        predictions.expected_purchases_30_days,
        predictions.expected_purchases_90_days,
        predictions.expected_purchases_180_days,
        cast(predictions.expected_order_value as decimal(18, 2)) as expected_order_value,
        cast(predictions.expected_revenue_90_days as decimal(18, 2)) as expected_revenue_90_days,
        cast(predictions.expected_revenue_90_days_lower as decimal(18, 2))
            as expected_revenue_90_days_lower,
        cast(predictions.expected_revenue_90_days_upper as decimal(18, 2))
            as expected_revenue_90_days_upper,
        cast(predictions.clv_12_months as decimal(18, 2)) as clv_12_months,
        cast(predictions.clv_12_months_lower as decimal(18, 2)) as clv_12_months_lower,
        cast(predictions.clv_12_months_upper as decimal(18, 2)) as clv_12_months_upper
    from predictions
    inner join summaries on predictions.customer_key = summaries.customer_key
)

select * from final
