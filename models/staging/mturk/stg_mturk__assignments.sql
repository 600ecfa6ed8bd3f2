with

assignments as (
    select
        assignment_id,
        hit_id,
        hit_type_id,
        title,
        reward_amount,
        created_at,
        accepted_at,
        submitted_at,
        max_assignments,
        worker_id,
        assignment_status,
        work_time_seconds,
        website_url,
        category
    from {{ ref('base_mturk__batch_results') }}
    where row_status = 'staged'
),

final as (
    select * from assignments
)

select * from final
