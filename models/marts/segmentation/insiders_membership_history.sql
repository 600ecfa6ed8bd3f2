-- The Insiders' membership at every period end, as first published. Incremental (append): a
-- build adds the period ends after the last one it holds for each business line and never
-- rewrites those it holds, so a dashboard's history does not change behind its back when data
-- arrive late or clusters are refitted; the first build backfills var insiders_history_periods
-- periods, and `dbt build --full-refresh` recomputes the whole history on purpose.
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail') }}
with

membership as (
    select
        customer_key,
        business_line,
        period_end_date,
        segment_id,
        is_insider,
        event,
        reason,
        periods_out_of_segment,
        net_revenue
    from {{ ref('int_segmentation__insiders_membership') }}
),

{% if is_incremental() %}
    published as (
        select
            business_line,
            max(period_end_date) as last_period_end_date
        from {{ this }}
        group by business_line
    ),
{% endif %}

final as (
    select
        membership.customer_key,
        {{ customer_number('membership.customer_key') }} as customer_number,
        membership.business_line,
        membership.period_end_date,
        membership.segment_id,
        membership.is_insider,
        membership.event,
        membership.reason,
        cast(membership.periods_out_of_segment as integer) as periods_out_of_segment,
        cast(membership.net_revenue as decimal(18, 2)) as net_revenue,
        cast('{{ invocation_id }}' as varchar) as published_by_build_id
    from membership
    {% if is_incremental() %}
        left join published on membership.business_line = published.business_line
        where
            published.last_period_end_date is null
            or membership.period_end_date > published.last_period_end_date
    {% endif %}
)

select * from final
