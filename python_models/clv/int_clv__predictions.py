"""One row per customer with a purchase: P(alive), expected purchases, order value, revenue and
12-month CLV with intervals, from the fitted BG/NBD and Gamma-Gamma parameters."""

import pyarrow as pa

from hvc.clv import PREDICTION_SCHEMA, predict_customers

SUMMARY_COLUMNS = (
    "customer_key, business_line, frequency, recency_days, age_days, "
    "mean_repeat_purchase_amount, calibration_end_date"
)


def model(dbt, session):
    dbt.config(materialized="table")
    # Config values set from vars in YAML arrive as strings.
    n_draws = int(dbt.config.get("n_draws", 100))
    interval = float(dbt.config.get("interval", 0.8))
    discount_rate = float(dbt.config.get("annual_discount_rate", 0.1))
    random_state = int(dbt.config.get("random_state", 42))
    summary = (
        dbt.ref("int_clv__customer_summaries")
        .filter("calibration = 'current'")
        .select(SUMMARY_COLUMNS)
        .order("customer_key")
        .df()
    )
    parameters = dbt.ref("int_clv__parameters").df()
    predictions = predict_customers(
        summary,
        parameters,
        annual_discount_rate=discount_rate,
        n_draws=n_draws,
        interval=interval,
        random_state=random_state,
    )
    return pa.Table.from_pandas(predictions, schema=PREDICTION_SCHEMA, preserve_index=False)
