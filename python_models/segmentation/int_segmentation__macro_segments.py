"""One row per customer: the purchase tier, the loyalty, engagement, interest and value scores,
and the segment within each macro-segment (tier first, then KMeans levels within it)."""

from hvc.segmentation import MACRO_SEGMENT_COLUMNS, SegmentationSettings, macro_segments


def model(dbt, session):
    dbt.config(materialized="table")
    settings = SegmentationSettings.from_dbt(dbt.config.get("settings"))
    kpis = dbt.ref("int_segmentation__macro_kpis").order("customer_key").df()
    segments = macro_segments(
        kpis, random_state=settings.random_state, fit_sample_size=settings.fit_sample_size
    )
    return segments[MACRO_SEGMENT_COLUMNS]
