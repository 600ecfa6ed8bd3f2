with

metrics as (
    select
        model_name,
        evaluation,
        customers,
        buyers,
        base_rate,
        roc_auc,
        pr_auc,
        threshold,
        threshold_rule,
        accuracy_at_threshold,
        precision_at_threshold,
        recall_at_threshold,
        f1_at_threshold,
        predicted_buyer_share,
        lift_top_10_percent,
        lift_top_20_percent,
        brier_score,
        expected_calibration_error,
        mean_predicted_probability,
        feature_count,
        is_scoring_model,
        fit_status,
        model_version
    from {{ ref('int_propensity__metrics') }}
),

final as (
    select
        model_name,
        evaluation,
        cast(customers as bigint) as customer_count,
        cast(buyers as bigint) as buyer_count,
        cast(base_rate as double) as base_rate,
        cast(roc_auc as double) as roc_auc,
        cast(pr_auc as double) as pr_auc,
        cast(threshold as double) as threshold,
        threshold_rule,
        cast(accuracy_at_threshold as double) as accuracy_at_threshold,
        cast(precision_at_threshold as double) as precision_at_threshold,
        cast(recall_at_threshold as double) as recall_at_threshold,
        cast(f1_at_threshold as double) as f1_at_threshold,
        cast(predicted_buyer_share as double) as predicted_buyer_share,
        cast(lift_top_10_percent as double) as lift_top_10_percent,
        cast(lift_top_20_percent as double) as lift_top_20_percent,
        cast(brier_score as double) as brier_score,
        cast(expected_calibration_error as double) as expected_calibration_error,
        cast(mean_predicted_probability as double) as mean_predicted_probability,
        cast(feature_count as bigint) as feature_count,
        is_scoring_model,
        fit_status,
        model_version,
        cast({{ as_of('software') }} as date) as as_of_date
    from metrics
)

select * from final
