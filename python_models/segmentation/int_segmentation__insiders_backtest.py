"""One row per business line and selection: Insiders chosen at a cutoff, measured after it."""

from hvc.segmentation import BACKTEST_COLUMNS, SegmentationConfig, backtest_insiders


def model(dbt, session):
    dbt.config(materialized="table")
    # Settings set from vars in YAML arrive as strings.
    config = SegmentationConfig.from_mapping(dbt.config.get("segmentation", {}))
    customers = dbt.ref("int_segmentation__backtest_customers").df()
    backtest, _ = backtest_insiders(customers, config)
    return backtest[BACKTEST_COLUMNS]
