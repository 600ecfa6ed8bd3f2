with

calibration as (
    select
        model_name,
        evaluation,
        decile,
        customers,
        buyers,
        mean_predicted_probability,
        observed_rate,
        min_probability,
        max_probability,
        lift,
        model_version
    from {{ ref('int_propensity__calibration') }}
),

final as (
    select
        model_name,
        evaluation,
        cast(decile as integer) as decile,
        cast(customers as bigint) as customer_count,
        cast(buyers as bigint) as buyer_count,
        cast(mean_predicted_probability as double) as mean_predicted_probability,
        cast(observed_rate as double) as observed_rate,
        cast(mean_predicted_probability - observed_rate as double) as calibration_gap,
        cast(min_probability as double) as min_probability,
        cast(max_probability as double) as max_probability,
        cast(lift as double) as lift,
        model_version,
        cast({{ as_of('software') }} as date) as as_of_date
    from calibration
)

select * from final
