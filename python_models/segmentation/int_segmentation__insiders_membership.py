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
    segments = dbt.ref("int_segmentation__period_segments")
    # only the customers eligible at some period end: the others are never Insiders and give
    # no row (membership_history), and they are most of the ten million rows at 1 M customers
    eligible = (
        segments.filter("is_eligible")
        .select("business_line, customer_key")
        .distinct()
        .set_alias("ever_eligible")
    )
    candidates = segments.join(eligible, "business_line, customer_key", how="semi")
    return as_arrow(membership_history(candidates.df(), settings), MEMBERSHIP_SCHEMA)
