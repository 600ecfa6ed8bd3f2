"""One row per business line, period end and customer: the segment at that period end (today's
chosen clustering refitted on what customers had done by then, matched to the period before)
and whether the customer was eligible for the Insiders."""

from hvc.segmentation import PERIOD_SEGMENT_SCHEMA, SegmentationSettings, as_arrow, period_segments


def model(dbt, session):
    dbt.config(materialized="table")
    settings = SegmentationSettings.from_dbt(dbt.config.get("settings"))
    features = dbt.ref("int_segmentation__period_features").order(
        "business_line, period_end_date, customer_key"
    )
    selection = dbt.ref("int_segmentation__model_selection").df()
    return as_arrow(period_segments(features.df(), selection, settings), PERIOD_SEGMENT_SCHEMA)
