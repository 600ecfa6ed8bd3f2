{#-
    The Insiders backtest's windows: one row per customer and cutoff (`customer_key`,
    `customer_number`, `cutoff_number`, `cutoff_at`, `horizon_end_at`: exclusive, the midnight
    after the horizon's last day), from a relation with `customer_key`, `customer_number` and
    `as_of_at`. Without the date
    vars, var `segmentation_backtest_cutoffs` cutoffs, each var
    `segmentation_backtest_horizon_days` days before the previous one: cutoff 1 is that many
    days before the as-of day of the customer's business line and its horizon ends on that
    day, cutoff 2's horizon ends on cutoff 1's day (every horizon as long), and so on. With var
    `segmentation_backtest_cutoff_date` one cutoff, on that date, up to var
    `segmentation_backtest_end_date` (or the as-of day). The segmentation backtest and the CLV
    summaries it ranks by read the same windows.
-#}
{% macro insiders_backtest_windows(customer_as_of) -%}
    {%- set horizon = number_var('segmentation_backtest_horizon_days') | int -%}
    {%- set cutoff_date = date_var('segmentation_backtest_cutoff_date') -%}
    {%- set end_date = date_var('segmentation_backtest_end_date') -%}
    {%- set cutoffs = 1 if cutoff_date else number_var('segmentation_backtest_cutoffs') | int -%}
    select
        windows.customer_key,
        windows.customer_number,
        windows.cutoff_number,
        {% if cutoff_date -%}
            cast({{ cutoff_date }} as timestamp)
        {%- else -%}
            cast(
                {{ dbt.dateadd(
                    'day',
                    '-' ~ horizon ~ ' * windows.cutoff_number',
                    'cast(windows.as_of_at as date)'
                ) }} as timestamp
            )
        {%- endif %} as cutoff_at,
        cast(
            {% if end_date and cutoff_date -%}
                {{ dbt.dateadd('day', 1, end_date) }}
            {%- elif end_date -%}
                {{ dbt.dateadd(
                    'day', '1 - ' ~ horizon ~ ' * (windows.cutoff_number - 1)', end_date
                ) }}
            {%- else -%}
                {{ dbt.dateadd(
                    'day',
                    '1 - ' ~ horizon ~ ' * (windows.cutoff_number - 1)',
                    'cast(windows.as_of_at as date)'
                ) }}
            {%- endif %} as timestamp
        ) as horizon_end_at
    from (
        select
            {{ customer_as_of }}.customer_key,
            {{ customer_as_of }}.customer_number,
            {{ customer_as_of }}.as_of_at,
            unnest(generate_series(1, {{ cutoffs }})) as cutoff_number
        from {{ customer_as_of }}
    ) as windows
{%- endmacro %}
