with

excluded as (
    select
        source_name,
        record_id,
        order_id,
        customer_key,
        line_amount,
        exclusion_reason
    from {{ ref('int_sales__order_lines_classified') }}
    where exclusion_reason is not null
),

final as (
    select
        source_name,
        record_id,
        order_id,
        customer_key,
        line_amount,
        exclusion_reason
    from excluded
)

select * from final
