"""One row per business line and clustering candidate: its scores, and the one chosen."""

from hvc.segmentation import INPUT_COLUMNS, SELECTION_COLUMNS, SegmentationConfig, select_models


def model(dbt, session):
    dbt.config(materialized="table")
    # Settings set from vars in YAML arrive as strings.
    config = SegmentationConfig.from_mapping(dbt.config.get("segmentation", {}))
    customers = dbt.ref("int_segmentation__customer_features").select(", ".join(INPUT_COLUMNS))
    return select_models(customers.df(), config)[SELECTION_COLUMNS]
