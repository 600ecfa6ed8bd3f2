"""The tables the propensity dbt models return: their columns and pandas types."""

from __future__ import annotations

import pandas as pd

#: Output columns and their pandas types (DuckDB: str -> VARCHAR, int64 -> BIGINT, ...).
PREDICTION_TYPES = {
    "customer_key": "str",
    "model_name": "str",
    "evaluation": "str",
    "cv_fold": "Int64",
    "is_holdout": "bool",
    "has_license_3": "bool",
    "probability": "float64",
    "feature_count": "int64",
    "model_version": "str",
    "scoring_features": "string",
}

METRIC_TYPES = {
    "model_name": "str",
    "evaluation": "str",
    "customers": "int64",
    "buyers": "int64",
    "base_rate": "float64",
    "roc_auc": "float64",
    "pr_auc": "float64",
    "threshold": "float64",
    "threshold_rule": "str",
    "accuracy_at_threshold": "float64",
    "precision_at_threshold": "float64",
    "recall_at_threshold": "float64",
    "f1_at_threshold": "float64",
    "predicted_buyer_share": "float64",
    "lift_top_10_percent": "float64",
    "lift_top_20_percent": "float64",
    "brier_score": "float64",
    "expected_calibration_error": "float64",
    "mean_predicted_probability": "float64",
    "feature_count": "int64",
    "is_scoring_model": "bool",
    "fit_status": "str",
    "model_version": "str",
}

COEFFICIENT_TYPES = {
    "feature": "str",
    "feature_group": "str",
    "feature_level": "str",
    "reference_level": "string",
    "meaning": "str",
    "coefficient": "float64",
    "standard_error": "float64",
    "odds_ratio": "float64",
    "odds_ratio_lower_95": "float64",
    "odds_ratio_upper_95": "float64",
    "p_value": "float64",
    "standardised_importance": "float64",
    "importance_rank": "Int64",
    "model_version": "str",
}

CALIBRATION_TYPES = {
    "model_name": "str",
    "evaluation": "str",
    "decile": "int64",
    "customers": "int64",
    "buyers": "int64",
    "mean_predicted_probability": "float64",
    "observed_rate": "float64",
    "min_probability": "float64",
    "max_probability": "float64",
    "lift": "float64",
    "model_version": "str",
}

PREDICTION_COLUMNS = list(PREDICTION_TYPES)
METRIC_COLUMNS = list(METRIC_TYPES)
COEFFICIENT_COLUMNS = list(COEFFICIENT_TYPES)
CALIBRATION_COLUMNS = list(CALIBRATION_TYPES)


def _typed(frame: pd.DataFrame | None, types: dict[str, str]) -> pd.DataFrame:
    """`frame` with exactly the columns of `types`, in order and of those types; an empty
    frame of them when `frame` is None."""
    if frame is None:
        return pd.DataFrame({column: pd.Series(dtype=kind) for column, kind in types.items()})
    return frame[list(types)].astype(types).reset_index(drop=True)
