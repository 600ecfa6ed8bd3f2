-- One row per calibration and customer who bought by its end: the BG/NBD and Gamma-Gamma
-- inputs, in days. `current` ends on the last day before the as-of time of the customer's
-- business line; `backtest` ends var `clv_holdout_days` days earlier and carries what the
-- customer bought in those days; `insiders_backtest_<n>` ends the day before the Insiders
-- backtest's cutoff n.
with

purchase_days as (
    select
        customer_number,
        purchase_date,
        business_line,
        purchase_amount
    from {{ ref('int_clv__purchase_days') }}
),

customer_as_of as (
    select
        customer_key,
        customer_number,
        as_of_at
    from {{ ref('int_value__customer_as_of') }}
),

-- the last whole or partial day before the as-of time (the as-of day itself when as-of is
-- the latest event, the day before when it is the start of var `as_of_date`)
observed_until as (
    select
        customer_key,
        customer_number,
        cast({{ dbt.dateadd('microsecond', -1, 'as_of_at') }} as date) as last_observed_date
    from customer_as_of
),

insiders_backtest_windows as (
    {{ insiders_backtest_windows('customer_as_of') }}
),

calibrations as (
    select
        customer_key,
        customer_number,
        'current' as calibration,
        last_observed_date as calibration_end_date,
        0 as holdout_days
    from observed_until
    union all
    select
        customer_key,
        customer_number,
        'backtest' as calibration,
        cast(
            {{ dbt.dateadd(
                'day', -(number_var('clv_holdout_days') | int), 'last_observed_date'
            ) }} as date
        ) as calibration_end_date,
        {{ number_var('clv_holdout_days') }} as holdout_days
    from observed_until
    union all
    -- the Insiders backtest's cutoffs (it ranks customers by their expected revenue): observed
    -- to the day before each cutoff, the holdout is the backtest's horizon
    select
        customer_key,
        customer_number,
        'insiders_backtest_' || cast(cutoff_number as varchar) as calibration,
        cast({{ dbt.dateadd('day', -1, 'cutoff_at') }} as date) as calibration_end_date,
        cast({{ dbt.datediff(
            'cutoff_at', 'horizon_end_at', 'day'
        ) }} as bigint) as holdout_days
    from insiders_backtest_windows
),

calibration_days as (
    select
        calibrations.calibration,
        calibrations.calibration_end_date,
        calibrations.holdout_days,
        calibrations.customer_key,
        purchase_days.customer_number,
        purchase_days.purchase_date,
        purchase_days.business_line,
        purchase_days.purchase_amount,
        row_number() over (
            partition by calibrations.calibration, purchase_days.customer_number
            order by purchase_days.purchase_date
        ) as purchase_number
    from purchase_days
    inner join calibrations
        on
            purchase_days.customer_number = calibrations.customer_number
            and purchase_days.purchase_date <= calibrations.calibration_end_date
),

holdout as (
    select
        calibrations.calibration,
        purchase_days.customer_number,
        count(*) as holdout_purchases,
        sum(purchase_days.purchase_amount) as holdout_purchase_amount
    from purchase_days
    inner join calibrations
        on
            purchase_days.customer_number = calibrations.customer_number
            and purchase_days.purchase_date > calibrations.calibration_end_date
            and purchase_days.purchase_date <= {{ dbt.dateadd(
                'day', 'calibrations.holdout_days', 'calibrations.calibration_end_date'
            ) }}
    group by calibrations.calibration, purchase_days.customer_number
),

summaries as (
    select
        calibration,
        customer_number,
        any_value(customer_key) as customer_key,
        min(business_line) as business_line,
        min(calibration_end_date) as calibration_end_date,
        min(holdout_days) as holdout_days,
        min(purchase_date) as first_purchase_date,
        max(purchase_date) as last_purchase_date,
        count(*) - 1 as frequency,
        avg(purchase_amount) filter (where purchase_number > 1) as mean_repeat_purchase_amount,
        sum(purchase_amount) as purchase_amount
    from calibration_days
    group by calibration, customer_number
),

final as (
    select
        summaries.calibration,
        summaries.customer_key,
        summaries.business_line,
        summaries.calibration_end_date,
        summaries.first_purchase_date,
        summaries.last_purchase_date,
        cast(summaries.frequency as bigint) as frequency,
        cast({{ dbt.datediff(
            'summaries.first_purchase_date', 'summaries.last_purchase_date', 'day'
        ) }} as bigint) as recency_days,
        cast({{ dbt.datediff(
            'summaries.first_purchase_date', 'summaries.calibration_end_date', 'day'
        ) }} as bigint) as age_days,
        cast(summaries.mean_repeat_purchase_amount as double) as mean_repeat_purchase_amount,
        cast(summaries.purchase_amount as decimal(18, 2)) as purchase_amount,
        cast(summaries.holdout_days as bigint) as holdout_days,
        cast(
            case
                when summaries.calibration = 'backtest'
                    then coalesce(holdout.holdout_purchases, 0)
            end as bigint
        ) as holdout_purchases,
        cast(
            case
                when summaries.calibration = 'backtest'
                    then coalesce(holdout.holdout_purchase_amount, 0)
            end as decimal(18, 2)
        ) as holdout_purchase_amount
    from summaries
    left join holdout
        on
            summaries.calibration = holdout.calibration
            and summaries.customer_number = holdout.customer_number
)

select * from final
