"""The tables the CLV dbt models return: column lists, Arrow schemas, and the summary columns
read from `int_clv__customer_summaries`."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

PARAMETER_COLUMNS = [
    "business_line",
    "model",
    "parameter",
    "parameter_index",
    "estimate",
    "standard_error",
    "ci_lower_95",
    "ci_upper_95",
    "lower_bound",
    "upper_bound",
    "is_at_bound",
    "log_estimate",
    "log_covariance",
    "log_likelihood",
    "fitted_customers",
    "is_converged",
]

PREDICTION_COLUMNS = [
    "customer_key",
    "business_line",
    "probability_alive",
    "expected_purchases_30_days",
    "expected_purchases_90_days",
    "expected_purchases_180_days",
    "expected_order_value",
    "expected_revenue_90_days",
    "expected_revenue_90_days_lower",
    "expected_revenue_90_days_upper",
    "clv_12_months",
    "clv_12_months_lower",
    "clv_12_months_upper",
]

FORECAST_COLUMNS = [
    "segment",
    "month_number",
    "period_start_date",
    "period_end_date",
    "customers",
    "expected_purchases",
    "expected_revenue",
    "expected_revenue_lower",
    "expected_revenue_upper",
    "realised_revenue_lower",
    "realised_revenue_upper",
]

BACKTEST_COLUMNS = [
    "business_line",
    "method",
    "calibration_end_date",
    "holdout_days",
    "customers",
    "actual_purchases",
    "predicted_purchases",
    "predicted_purchases_lower",
    "predicted_purchases_upper",
    "actual_revenue",
    "predicted_revenue",
    "predicted_revenue_lower",
    "predicted_revenue_upper",
    "realised_purchases_lower",
    "realised_purchases_upper",
    "realised_revenue_lower",
    "realised_revenue_upper",
    "purchases_mae",
    "purchases_rmse",
    "purchases_correlation",
    "revenue_mae",
    "revenue_rmse",
    "revenue_correlation",
    "is_converged",
    "parameters_at_bound",
]

_F64 = pa.float64()

PARAMETER_SCHEMA = pa.schema(
    [
        ("business_line", pa.string()),
        ("model", pa.string()),
        ("parameter", pa.string()),
        ("parameter_index", pa.int64()),
        ("estimate", _F64),
        ("standard_error", _F64),
        ("ci_lower_95", _F64),
        ("ci_upper_95", _F64),
        ("lower_bound", _F64),
        ("upper_bound", _F64),
        ("is_at_bound", pa.bool_()),
        ("log_estimate", _F64),
        ("log_covariance", pa.list_(_F64)),
        ("log_likelihood", _F64),
        ("fitted_customers", pa.int64()),
        ("is_converged", pa.bool_()),
    ]
)

PREDICTION_SCHEMA = pa.schema(
    [("customer_key", pa.string()), ("business_line", pa.string())]
    + [(c, _F64) for c in PREDICTION_COLUMNS[2:]]
)

FORECAST_SCHEMA = pa.schema(
    [
        ("segment", pa.string()),
        ("month_number", pa.int64()),
        ("period_start_date", pa.date32()),
        ("period_end_date", pa.date32()),
        ("customers", pa.int64()),
    ]
    + [(c, _F64) for c in FORECAST_COLUMNS[5:]]
)

BACKTEST_SCHEMA = pa.schema(
    [
        ("business_line", pa.string()),
        ("method", pa.string()),
        ("calibration_end_date", pa.date32()),
        ("holdout_days", pa.int64()),
        ("customers", pa.int64()),
    ]
    + [(c, _F64) for c in BACKTEST_COLUMNS[5:-2]]
    + [("is_converged", pa.bool_()), ("parameters_at_bound", pa.string())]
)


def customer_arrays(rows: pd.DataFrame) -> tuple[np.ndarray, ...]:
    """Frequency x, recency t_x, age T and mean repeat spend (NaN where null) of a summary."""
    return (
        rows["frequency"].to_numpy(dtype=float),
        rows["recency_days"].to_numpy(dtype=float),
        rows["age_days"].to_numpy(dtype=float),
        pd.to_numeric(rows["mean_repeat_purchase_amount"]).to_numpy(dtype=float, na_value=np.nan),
    )


def empty_frame(columns: list[str]) -> pd.DataFrame:
    """A frame with these columns and no rows (object columns: the Arrow schema types them)."""
    return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
