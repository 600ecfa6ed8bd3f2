with

scores as (
    select
        customer_key,
        probability,
        has_license_3,
        model_version
    from {{ ref('int_propensity__predictions') }}
    -- the scoring model refitted on every customer; the other rows are out-of-fold checks
    where evaluation = 'final'
),

metrics as (
    select threshold
    from {{ ref('int_propensity__metrics') }}
    where is_scoring_model and evaluation = 'out_of_fold'
),

ranked as (
    select
        scores.customer_key,
        scores.probability,
        scores.has_license_3,
        scores.model_version,
        metrics.threshold,
        -- highest probability first; equal probabilities ordered by customer_key
        ntile(10) over (
            order by scores.probability desc, scores.customer_key asc
        ) as propensity_decile,
        row_number() over (
            order by scores.probability desc, scores.customer_key asc
        ) as propensity_rank
    from scores
    cross join metrics
),

final as (
    select
        customer_key,
        cast(probability as double) as license_3_probability,
        cast(propensity_decile as integer) as propensity_decile,
        cast(propensity_rank as bigint) as propensity_rank,
        probability >= threshold as is_predicted_buyer,
        cast(threshold as double) as decision_threshold,
        has_license_3,
        model_version,
        cast({{ as_of('software') }} as date) as as_of_date
    from ranked
)

select * from final
