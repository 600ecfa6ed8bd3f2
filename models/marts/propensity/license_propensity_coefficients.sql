with

coefficients as (
    select
        feature,
        feature_group,
        feature_level,
        reference_level,
        meaning,
        coefficient,
        standard_error,
        odds_ratio,
        odds_ratio_lower_95,
        odds_ratio_upper_95,
        p_value,
        standardised_importance,
        importance_rank,
        model_version
    from {{ ref('int_propensity__coefficients') }}
),

final as (
    select
        feature,
        feature_group,
        feature_level,
        reference_level,
        meaning,
        cast(coefficient as double) as coefficient,
        cast(standard_error as double) as standard_error,
        cast(odds_ratio as double) as odds_ratio,
        cast(odds_ratio_lower_95 as double) as odds_ratio_lower_95,
        cast(odds_ratio_upper_95 as double) as odds_ratio_upper_95,
        cast(p_value as double) as p_value,
        cast(standardised_importance as double) as standardised_importance,
        cast(importance_rank as integer) as importance_rank,
        model_version,
        cast({{ as_of('software') }} as date) as as_of_date
    from coefficients
)

select * from final
