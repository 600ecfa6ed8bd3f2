-- One row per business line, period end and customer with a purchase by then: the
-- segmentation features measured at the end of that day (the macro customer_activity, as
-- customer_value measures them at the as-of time). The period ends are the last
-- var `insiders_history_periods` (12) complete months (var `insiders_period`: month, or
-- quarter) of each line, up to its as-of day.
{%- set period = var('insiders_period') %}
{%- set step = 3 if period == 'quarter' else 1 %}
{%- if period not in ('month', 'quarter') %}
    {{ exceptions.raise_compiler_error(
        "var insiders_period is " ~ period ~ "; set it to month or quarter") }}
{%- endif %}
with

line_as_of as (
    select
        business_line,
        cast(as_of_at as date) as as_of_date
    from {{ ref('int_value__as_of') }}
    where as_of_at is not null
),

-- the last complete period: the one ending on the as-of day, else the one before it
last_periods as (
    select
        business_line,
        case
            when
                as_of_date
                = cast(date_trunc('{{ period }}', as_of_date) as date)
                + to_months({{ step }}) - interval 1 day
                then cast(date_trunc('{{ period }}', as_of_date) as date)
            else cast(date_trunc('{{ period }}', as_of_date) as date) - to_months({{ step }})
        end as last_period_start
    from line_as_of
),

period_ends as (
    select
        last_periods.business_line,
        cast(
            last_periods.last_period_start
            - to_months(periods.period_index * {{ step }})
            + to_months({{ step }})
            - interval 1 day
            as date
        ) as period_end_date
    from last_periods
    cross join
        range(0, {{ number_var('insiders_history_periods') | int }}) as periods (period_index)
),

customer_lines as (
    select
        customer_number,
        customer_key,
        business_line
    from {{ ref('int_value__customer_as_of') }}
),

cutoffs as (
    select
        customer_lines.customer_number,
        customer_lines.customer_key,
        period_ends.business_line,
        period_ends.period_end_date,
        -- facts strictly before the next midnight: the period end's own day included
        cast(period_ends.period_end_date + interval 1 day as timestamp) as cutoff_at
    from customer_lines
    inner join period_ends on customer_lines.business_line = period_ends.business_line
),

activity as (
    {{ customer_activity('cutoffs', ['orders', 'support']) }}
),

final as (
    select
        activity.customer_key,
        cutoffs.business_line,
        cutoffs.period_end_date,
        {{ segmentation_features('activity') }}
    from activity
    inner join cutoffs
        on
            activity.customer_number = cutoffs.customer_number
            and activity.cutoff_at = cutoffs.cutoff_at
    -- customers with no purchase (or only returns) by the period end have nothing to segment on
    where activity.order_count > 0
)

select * from final
