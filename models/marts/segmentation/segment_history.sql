-- Each segment at each period end: its size, its Insider-eligible customers and where its
-- centre lies (medians of the features it is clustered on), so drift is visible.
with

segments as (
    select
        customer_key,
        business_line,
        period_end_date,
        segment_id,
        is_eligible
    from {{ ref('int_segmentation__period_segments') }}
),

features as (
    select
        customer_key,
        business_line,
        period_end_date,
        net_revenue,
        adjusted_revenue,
        order_count,
        average_order_value,
        recency_days,
        tenure_days
    from {{ ref('int_segmentation__period_features') }}
),

final as (
    select
        segments.business_line,
        segments.period_end_date,
        cast(segments.segment_id as integer) as segment_id,
        count(*) as customer_count,
        count(*) filter (where segments.is_eligible) as eligible_count,
        cast(
            count(*) / sum(count(*)) over (
                partition by segments.business_line, segments.period_end_date
            ) as double
        ) as share_of_customers,
        cast(sum(features.net_revenue) as decimal(18, 2)) as net_revenue,
        cast(median(features.adjusted_revenue) as decimal(18, 2)) as median_adjusted_revenue,
        cast(median(features.order_count) as double) as median_order_count,
        cast(median(features.average_order_value) as decimal(18, 2))
            as median_average_order_value,
        cast(median(features.recency_days) as double) as median_recency_days,
        cast(median(features.tenure_days) as double) as median_tenure_days
    from segments
    inner join features
        on
            segments.customer_key = features.customer_key
            and segments.business_line = features.business_line
            and segments.period_end_date = features.period_end_date
    group by segments.business_line, segments.period_end_date, segments.segment_id
    order by segments.business_line, segments.period_end_date, segments.segment_id
)

select * from final
