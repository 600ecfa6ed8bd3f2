-- Model selection chooses exactly one candidate for every business line it scored, and every
-- segmented customer's candidate is the chosen one of their line.
with

candidates as (
    select
        business_line,
        candidate_id,
        is_chosen
    from {{ ref('segmentation_model_selection') }}
),

segments as (
    select
        business_line,
        segmentation_candidate
    from {{ ref('customer_segments') }}
),

chosen_counts as (
    select
        business_line,
        count(*) filter (where is_chosen) as chosen_count
    from candidates
    group by business_line
),

wrong_counts as (
    select
        business_line,
        'chosen candidates: ' || cast(chosen_count as varchar) as problem
    from chosen_counts
    where chosen_count <> 1
),

wrong_candidates as (
    select distinct
        segments.business_line,
        'customers segmented by a candidate that was not chosen' as problem
    from segments
    left join candidates
        on
            segments.business_line = candidates.business_line
            and segments.segmentation_candidate = candidates.candidate_id
            and candidates.is_chosen
    where candidates.candidate_id is null
),

final as (
    select
        business_line,
        problem
    from wrong_counts
    union all
    select
        business_line,
        problem
    from wrong_candidates
)

select * from final
