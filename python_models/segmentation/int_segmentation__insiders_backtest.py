"""One row per business line and selection: Insiders chosen at a cutoff, measured after it."""

from hvc.segmentation import BACKTEST_COLUMNS, SegmentationSettings, backtest_insiders


def model(dbt, session):
    dbt.config(materialized="table")
    settings = SegmentationSettings.from_dbt(dbt.config.get("settings"))
    customers = dbt.ref("int_segmentation__backtest_customers").df()
    backtest, _ = backtest_insiders(customers, settings)
    return backtest[BACKTEST_COLUMNS]
