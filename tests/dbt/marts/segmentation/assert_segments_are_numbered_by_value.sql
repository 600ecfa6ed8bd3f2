-- Segments are numbered 1, 2, ... within each business line in order of value: a segment's
-- median adjusted revenue is never above the one before it (on equal medians, the mean).
with

profiles as (
    select
        business_line,
        segment_id,
        median_adjusted_revenue,
        mean_adjusted_revenue
    from {{ ref('segment_profiles') }}
),

ordered as (
    select
        business_line,
        segment_id,
        median_adjusted_revenue,
        mean_adjusted_revenue,
        row_number() over (partition by business_line order by segment_id) as expected_segment_id,
        lag(median_adjusted_revenue) over (
            partition by business_line order by segment_id
        ) as previous_median,
        lag(mean_adjusted_revenue) over (
            partition by business_line order by segment_id
        ) as previous_mean
    from profiles
),

final as (
    select *
    from ordered
    where
        segment_id <> expected_segment_id
        or median_adjusted_revenue > previous_median
        or (
            median_adjusted_revenue = previous_median
            and mean_adjusted_revenue > previous_mean
        )
)

select * from final
