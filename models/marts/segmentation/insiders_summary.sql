with

summary as (
    select
        business_line,
        question_order,
        question,
        metric,
        metric_value,
        ci_lower,
        ci_upper,
        p_value,
        answer
    from {{ ref('int_segmentation__insiders_summary') }}
),

final as (
    select
        cast(business_line as varchar) as business_line,
        cast(question_order as integer) as question_order,
        cast(question as varchar) as question,
        cast(metric as varchar) as metric,
        cast(metric_value as double) as metric_value,
        cast(ci_lower as double) as ci_lower,
        cast(ci_upper as double) as ci_upper,
        cast(p_value as double) as p_value,
        cast(answer as varchar) as answer
    from summary
)

select * from final
