"""One row per business line and selection: Insiders chosen at a cutoff, measured after it."""

from hvc.relations import frames_by
from hvc.segmentation import BACKTEST_COLUMNS, SegmentationSettings, backtest_insiders


def model(dbt, session):
    dbt.config(materialized="table")
    settings = SegmentationSettings.from_dbt(dbt.config.get("settings"))
    # read a cutoff at a time, the latest first: each is every customer who had bought by then
    cutoffs = frames_by(dbt.ref("int_segmentation__backtest_customers"), ["cutoff_number"])
    backtest, _ = backtest_insiders(cutoffs, settings)
    return backtest[BACKTEST_COLUMNS]
