"""One row per segmented customer: segment (1 = most valuable), name, Insider flag."""

from hvc.segmentation import INPUT_COLUMNS, SEGMENT_COLUMNS, SegmentationSettings, segment_customers


def model(dbt, session):
    dbt.config(materialized="table")
    settings = SegmentationSettings.from_dbt(dbt.config.get("settings"))
    customers = dbt.ref("int_segmentation__customer_features").select(", ".join(INPUT_COLUMNS))
    selection = dbt.ref("int_segmentation__model_selection").df()
    return segment_customers(customers.df(), selection, settings)[SEGMENT_COLUMNS]
