with

parameters as (
    select
        business_line,
        model,
        parameter,
        parameter_index,
        estimate,
        standard_error,
        ci_lower_95,
        ci_upper_95,
        is_at_bound,
        log_likelihood,
        fitted_customers,
        is_converged
    from {{ ref('int_clv__parameters') }}
),

final as (
    select
        business_line,
        model,
        parameter,
        parameter_index,
        estimate,
        standard_error,
        ci_lower_95,
        ci_upper_95,
        is_at_bound,
        log_likelihood,
        fitted_customers,
        is_converged
    from parameters
)

select * from final
