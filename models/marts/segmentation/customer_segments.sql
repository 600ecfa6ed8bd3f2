with

segments as (
    select
        customer_key,
        business_line,
        segment_id,
        segment_name,
        is_insider,
        membership_probability,
        centroid_distance,
        candidate_id
    from {{ ref('int_segmentation__customer_segments') }}
),

as_of as (
    select
        business_line,
        as_of_at
    from {{ ref('int_value__as_of') }}
),

final as (
    select
        cast(segments.customer_key as varchar) as customer_key,
        cast(segments.business_line as varchar) as business_line,
        cast(segments.segment_id as integer) as segment_id,
        cast(segments.segment_name as varchar) as segment_name,
        cast(segments.is_insider as boolean) as is_insider,
        cast(segments.membership_probability as double) as membership_probability,
        cast(segments.centroid_distance as double) as centroid_distance,
        cast(segments.candidate_id as varchar) as segmentation_candidate,
        cast(as_of.as_of_at as date) as as_of_date
    from segments
    inner join as_of on segments.business_line = as_of.business_line
)

select * from final
