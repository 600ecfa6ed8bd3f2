"""One row per business line, period end and customer: the segment at that period end (today's
chosen clustering refitted on what customers had done by then, matched to the period before)
and whether the customer was eligible for the Insiders."""

from hvc.segmentation import SegmentationSettings, period_frames, period_segments


def model(dbt, session):
    dbt.config(materialized="table")
    settings = SegmentationSettings.from_dbt(dbt.config.get("settings"))
    selection = dbt.ref("int_segmentation__model_selection").df()
    # read a period at a time: every period's features are ten million rows at 1 M customers
    features = period_frames(dbt.ref("int_segmentation__period_features"))
    return period_segments(features, selection, settings)
