"""One row per business line and clustering candidate: its scores, and the one chosen."""

from hvc.segmentation import INPUT_COLUMNS, SELECTION_COLUMNS, SegmentationSettings, select_models


def model(dbt, session):
    dbt.config(materialized="table")
    settings = SegmentationSettings.from_dbt(dbt.config.get("settings"))
    customers = dbt.ref("int_segmentation__customer_features").select(", ".join(INPUT_COLUMNS))
    return select_models(customers.df(), settings)[SELECTION_COLUMNS]
