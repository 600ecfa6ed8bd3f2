"""One row per business line and method: BG/NBD + Gamma-Gamma fitted on all but the last
`clv_holdout_days` days and a naive baseline, each scored on those days."""

import pyarrow as pa

from hvc.clv import BACKTEST_SCHEMA, backtest

SUMMARY_COLUMNS = (
    "customer_key, business_line, frequency, recency_days, age_days, "
    "mean_repeat_purchase_amount, calibration_end_date, holdout_days, holdout_purchases, "
    "holdout_purchase_amount"
)


def model(dbt, session):
    dbt.config(materialized="table")
    # Config values set from vars in YAML arrive as strings.
    n_draws = int(dbt.config.get("n_draws", 100))
    interval = float(dbt.config.get("interval", 0.8))
    random_state = int(dbt.config.get("random_state", 42))
    summary = (
        dbt.ref("int_clv__customer_summaries")
        .filter("calibration = 'backtest'")
        .select(SUMMARY_COLUMNS)
        .order("customer_key")
        .df()
    )
    scores = backtest(summary, n_draws=n_draws, interval=interval, random_state=random_state)
    return pa.Table.from_pandas(scores, schema=BACKTEST_SCHEMA, preserve_index=False)
