"""One row per business line and metric: the business questions about the Insiders answered."""

from hvc.segmentation import (
    RULE_FEATURES,
    SUMMARY_COLUMNS,
    SegmentationSettings,
    summarise_insiders,
)


def model(dbt, session):
    dbt.config(materialized="table")
    settings = SegmentationSettings.from_dbt(dbt.config.get("settings"))
    columns = ["customer_key", "business_line", *RULE_FEATURES]
    customers = dbt.ref("int_segmentation__customer_features").select(", ".join(columns)).df()
    segments = dbt.ref("int_segmentation__customer_segments").df()
    backtest = dbt.ref("int_segmentation__insiders_backtest").df()
    return summarise_insiders(customers, segments, settings, backtest)[SUMMARY_COLUMNS]
