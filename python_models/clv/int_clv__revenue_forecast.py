"""One row per segment and calendar month ahead: the revenue today's customers are expected to
bring, with an interval, from the fitted BG/NBD and Gamma-Gamma parameters."""

import pyarrow as pa

from hvc.clv import FORECAST_SCHEMA, forecast_revenue

SUMMARY_COLUMNS = (
    "customer_key, business_line, frequency, recency_days, age_days, "
    "mean_repeat_purchase_amount, calibration_end_date"
)


def model(dbt, session):
    dbt.config(materialized="table")
    # Config values set from vars in YAML arrive as strings.
    months = int(dbt.config.get("months", 6))
    n_draws = int(dbt.config.get("n_draws", 100))
    interval = float(dbt.config.get("interval", 0.8))
    random_state = int(dbt.config.get("random_state", 42))
    summary = (
        dbt.ref("int_clv__customer_summaries")
        .filter("calibration = 'current'")
        .select(SUMMARY_COLUMNS)
        .order("customer_key")
        .df()
    )
    parameters = dbt.ref("int_clv__parameters").df()
    segments = dbt.ref("int_clv__forecast_segments").select("customer_key, segment").df()
    forecast = forecast_revenue(
        summary,
        parameters,
        segments,
        months=months,
        n_draws=n_draws,
        interval=interval,
        random_state=random_state,
    )
    return pa.Table.from_pandas(forecast, schema=FORECAST_SCHEMA, preserve_index=False)
