with

excluded as (
    select
        source_name,
        record_id,
        customer_key,
        exclusion_reason
    from {{ ref('int_support__tickets_classified') }}
    where exclusion_reason is not null
),

final as (
    select
        source_name,
        record_id,
        customer_key,
        exclusion_reason
    from excluded
)

select * from final
