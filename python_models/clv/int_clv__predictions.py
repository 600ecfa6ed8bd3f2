"""One row per customer with a purchase: P(alive), expected purchases, order value, revenue and
12-month CLV with intervals, from the fitted BG/NBD and Gamma-Gamma parameters."""

import pyarrow as pa

from hvc.clv import PREDICTION_SCHEMA, ClvSettings, predict_customers

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
    predictions = predict_customers(summary, parameters, settings)
    return pa.Table.from_pandas(predictions, schema=PREDICTION_SCHEMA, preserve_index=False)
