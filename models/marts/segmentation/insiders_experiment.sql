-- The Insiders programme as an experiment: for each business line and period, the new
-- Insiders in the programme and in the held-out control group (insiders_experiment_groups),
-- the sample size needed to detect var insiders_experiment_lift (20 %) in the next period's
-- net revenue per customer (two-sided 5 %, 80 % power, with the line's observed spread), and,
-- once that next period has passed, the observed difference with its 95 % interval (Welch;
-- read out when each group holds at least 10 customers).
-- On past periods nobody was treated differently, so the readout measures what chance alone
-- gives (an A/A test); from the first period the programme serves only the treatment group,
-- the same rows read out its effect.
{%- set z_alpha = 1.959964 %}
{%- set z_power = 0.841621 %}
{%- set share = number_var('insiders_control_share') %}
with

groups as (
    select
        customer_key,
        business_line,
        period_end_date,
        experiment_group
    from {{ ref('insiders_experiment_groups') }}
),

period_ends as (
    select distinct
        business_line,
        period_end_date
    from {{ ref('insiders_membership_history') }}
),

-- the outcome period: from the day after the period end to the next period end
outcome_windows as (
    select
        business_line,
        period_end_date,
        lead(period_end_date) over (
            partition by business_line order by period_end_date
        ) as outcome_end_date
    from period_ends
),

orders as (
    select
        customer_key,
        ordered_at,
        net_amount
    from {{ ref('int_sales__orders') }}
),

outcomes as (
    select
        groups.business_line,
        groups.period_end_date,
        outcome_windows.outcome_end_date,
        groups.customer_key,
        groups.experiment_group,
        cast(coalesce(sum(orders.net_amount), 0) as double) as outcome_revenue
    from groups
    inner join outcome_windows
        on
            groups.business_line = outcome_windows.business_line
            and groups.period_end_date = outcome_windows.period_end_date
    left join orders
        on
            groups.customer_key = orders.customer_key
            and orders.ordered_at >= cast(groups.period_end_date + interval 1 day as timestamp)
            and orders.ordered_at
            < cast(outcome_windows.outcome_end_date + interval 1 day as timestamp)
    group by all
),

arms as (
    select
        business_line,
        period_end_date,
        any_value(outcome_end_date) as outcome_end_date,
        count(*) filter (where experiment_group = 'treatment') as treatment_count,
        count(*) filter (where experiment_group = 'control') as control_count,
        avg(outcome_revenue) filter (where experiment_group = 'treatment') as treatment_mean,
        avg(outcome_revenue) filter (where experiment_group = 'control') as control_mean,
        var_samp(outcome_revenue) filter (where experiment_group = 'treatment')
            as treatment_variance,
        var_samp(outcome_revenue) filter (where experiment_group = 'control')
            as control_variance
    from outcomes
    group by business_line, period_end_date
),

-- the spread and mean of new Insiders' next-period revenue, over the periods read out
line_spread as (
    select
        business_line,
        stddev_samp(outcome_revenue) as outcome_sd,
        avg(outcome_revenue) as outcome_mean
    from outcomes
    where outcome_end_date is not null
    group by business_line
),

readout as (
    select
        arms.*,
        arms.treatment_mean - arms.control_mean as difference,
        {{ z_alpha }} * sqrt(
            arms.treatment_variance / arms.treatment_count
            + arms.control_variance / arms.control_count
        ) as margin,
        case
            when arms.outcome_end_date is null then 'waiting for the outcome period'
            when arms.control_count < 10 or arms.treatment_count < 10 then 'too few customers'
            else 'read out'
        end as status
    from arms
),

final as (
    select
        readout.business_line,
        readout.period_end_date,
        readout.outcome_end_date,
        readout.treatment_count + readout.control_count as new_insider_count,
        readout.treatment_count,
        readout.control_count,
        cast({{ share }} as double) as control_share,
        cast({{ number_var('insiders_experiment_lift') }} as double) as target_lift,
        cast(
            ceil(
                power({{ z_alpha }} + {{ z_power }}, 2)
                * power(line_spread.outcome_sd, 2)
                * (1 / {{ share }} + 1 / (1 - {{ share }}))
                / nullif(
                    power(
                        {{ number_var('insiders_experiment_lift') }} * line_spread.outcome_mean, 2
                    ),
                    0
                )
            ) as bigint
        ) as required_new_insider_count,
        readout.status,
        cast(
            case when readout.status = 'read out' then readout.treatment_mean end as decimal(18, 2)
        ) as treatment_mean_revenue,
        cast(
            case when readout.status = 'read out' then readout.control_mean end as decimal(18, 2)
        ) as control_mean_revenue,
        cast(
            case when readout.status = 'read out' then readout.difference end as decimal(18, 2)
        ) as revenue_difference,
        cast(
            case
                when readout.status = 'read out' then readout.difference - readout.margin
            end as decimal(18, 2)
        ) as difference_ci_lower,
        cast(
            case
                when readout.status = 'read out' then readout.difference + readout.margin
            end as decimal(18, 2)
        ) as difference_ci_upper
    from readout
    left join line_spread on readout.business_line = line_spread.business_line
    order by readout.business_line, readout.period_end_date
)

select * from final
