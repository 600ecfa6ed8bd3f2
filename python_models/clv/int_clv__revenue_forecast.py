"""One row per segment and calendar month ahead: the revenue today's customers are expected to
bring, with an interval, from the fitted BG/NBD and Gamma-Gamma parameters."""

import pyarrow as pa

from hvc.clv import FORECAST_SCHEMA, ClvSettings, forecast_revenue

SUMMARY_COLUMNS = (
    "customer_key, business_line, frequency, recency_days, age_days, "
    "mean_repeat_purchase_amount, calibration_end_date"
)


def model(dbt, session):
    dbt.config(materialized="table")
    settings = ClvSettings.from_dbt(dbt.config.get("settings"))
    summary = (
        dbt.ref("int_clv__customer_summaries")
        .filter("calibration = 'current'")
        .select(SUMMARY_COLUMNS)
        .order("customer_key")
        .df()
    )
    parameters = dbt.ref("int_clv__parameters").df()
    segments = dbt.ref("int_clv__forecast_segments").select("customer_key, segment").df()
    forecast = forecast_revenue(summary, parameters, segments, settings)
    return pa.Table.from_pandas(forecast, schema=FORECAST_SCHEMA, preserve_index=False)
