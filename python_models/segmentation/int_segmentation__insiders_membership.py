"""One row per business line, period end and customer who is an Insider then or was just
removed: the event (entered, stayed, removed) and its reason, by the membership rules."""

from hvc.segmentation import (
    MEMBERSHIP_SCHEMA,
    InsidersHistorySettings,
    as_arrow,
    membership_history,
)


def model(dbt, session):
    dbt.config(materialized="table")
    settings = InsidersHistorySettings.from_dbt(dbt.config.get("settings"))
    segments = dbt.ref("int_segmentation__period_segments").df()
    return as_arrow(membership_history(segments, settings), MEMBERSHIP_SCHEMA)
