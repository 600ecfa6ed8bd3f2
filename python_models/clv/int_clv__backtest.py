"""One row per business line and method: BG/NBD + Gamma-Gamma fitted on all but the last
`clv_holdout_days` days and a naive baseline, each scored on those days."""

import pyarrow as pa

from hvc.clv import BACKTEST_SCHEMA, ClvSettings, backtest

SUMMARY_COLUMNS = (
    "customer_key, business_line, frequency, recency_days, age_days, "
    "mean_repeat_purchase_amount, calibration_end_date, holdout_days, holdout_purchases, "
    "holdout_purchase_amount"
)


def model(dbt, session):
    dbt.config(materialized="table")
    settings = ClvSettings.from_dbt(dbt.config.get("settings"))
    summary = (
        dbt.ref("int_clv__customer_summaries")
        .filter("calibration = 'backtest'")
        .select(SUMMARY_COLUMNS)
        .order("customer_key")
        .df()
    )
    scores = backtest(summary, settings)
    return pa.Table.from_pandas(scores, schema=BACKTEST_SCHEMA, preserve_index=False)
