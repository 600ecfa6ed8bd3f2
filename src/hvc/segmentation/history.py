"""The Insiders over time: segments at every period end, matched to the period before, and
membership rules with hysteresis (who enters, stays and is removed).

At each period end a business line's customers are segmented from what they did up to it, by
the candidate chosen today (refitted on that period's customers). Segment 1 is always the most
valuable cluster (the Insiders' segment under the `top_segment` rule, as today); the other ids
follow the groups, not their order by value: such a cluster takes the id of the previous
period's segment whose customers, measured now, sit closest to it (Hungarian assignment on
centroid distance), so "segment 3" keeps meaning the same group while values drift. The first
period, and a cluster left unmatched, are numbered by value (`order_segments`).

Membership (`membership_history`) has hysteresis: a customer enters the Insiders at a period
end where they are eligible (in segment 1, or in the top share by value under the
`top_share` rule) and bought within the last `exit_inactive_days` days; an Insider stays while
eligible, and stays through fewer than `exit_periods` consecutive period ends out of it; they
are removed at the `exit_periods`-th, or at the first period end with no purchase in the last
`exit_inactive_days` days (in segment 1 or not: a past big spender who stopped buying is no
Insider), whichever comes first. A removed customer re-enters only by being eligible and
active again.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import ClassVar

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
from scipy.optimize import linear_sum_assignment
from threadpoolctl import threadpool_limits

from hvc.relations import frames_by, groups_of
from hvc.segmentation.candidates import Candidate, refit
from hvc.segmentation.features import VALUE_COLUMN, prepare_line
from hvc.segmentation.labels import insider_flags, map_labels, order_segments
from hvc.segmentation.selection import chosen_candidate
from hvc.segmentation.settings import SegmentationSettings
from hvc.settings import Settings, var

PERIODS = ("month", "quarter")

#: The Arrow types of the two tables (dates as dates, whatever pandas made of them).
PERIOD_SEGMENT_SCHEMA = pa.schema(
    [
        ("customer_key", pa.string()),
        ("business_line", pa.string()),
        ("period_end_date", pa.date32()),
        ("segment_id", pa.int32()),
        ("is_eligible", pa.bool_()),
        ("net_revenue", pa.float64()),
        ("adjusted_revenue", pa.float64()),
        ("recency_days", pa.int64()),
    ]
)
MEMBERSHIP_SCHEMA = pa.schema(
    [
        ("customer_key", pa.string()),
        ("business_line", pa.string()),
        ("period_end_date", pa.date32()),
        ("segment_id", pa.int32()),
        ("is_insider", pa.bool_()),
        ("event", pa.string()),
        ("reason", pa.string()),
        ("periods_out_of_segment", pa.int64()),
        ("net_revenue", pa.float64()),
    ]
)

#: Their column names, in order.
PERIOD_SEGMENT_COLUMNS = PERIOD_SEGMENT_SCHEMA.names
MEMBERSHIP_COLUMNS = MEMBERSHIP_SCHEMA.names

ENTERED, STAYED, REMOVED = "entered", "stayed", "removed"


def as_arrow(frame: pd.DataFrame, schema: pa.Schema) -> pa.Table:
    """A frame of one of the tables as Arrow with its schema (dates made dates)."""
    frame = frame.assign(period_end_date=pd.to_datetime(frame["period_end_date"]).dt.date)
    return pa.Table.from_pandas(frame[schema.names], schema=schema, preserve_index=False)


@dataclass(frozen=True, kw_only=True)
class InsidersHistorySettings(Settings):
    """The Insiders' rules over time (vars `insiders_*`; meanings in dbt_project.yml).

    Attributes
    ----------
    period : `month` or `quarter`: how often membership is decided.
    history_periods : how many of the latest period ends are scored.
    exit_periods : consecutive period ends out of segment 1 that remove an Insider.
    exit_inactive_days : days without a purchase that remove an Insider at a period end.
    """

    PREFIX: ClassVar[str] = "insiders"

    period: str
    history_periods: int
    exit_periods: int
    exit_inactive_days: int = var("insiders_exit_inactive_days")

    def __post_init__(self) -> None:
        if self.period not in PERIODS:
            raise ValueError(f"insiders_period must be one of {PERIODS}, got {self.period!r}")
        if self.history_periods < 1 or self.exit_periods < 1 or self.exit_inactive_days < 1:
            raise ValueError(
                "insiders_history_periods, insiders_exit_periods and "
                "insiders_exit_inactive_days must be at least 1"
            )


def period_segments(
    features: pd.DataFrame | Iterable[pd.DataFrame],
    selection: pd.DataFrame,
    settings: SegmentationSettings,
) -> pa.Table:
    """Every customer's segment at every period end of their business line.

    Parameters
    ----------
    features : one row per business line, period end (`period_end_date`) and customer with a
        purchase by then: the segmentation inputs measured at the period end. Either a frame,
        or one frame per line and period end in line and period order (`period_frames`): then
        only one period's rows are in memory at a time (every period's rows are ten million at
        1 M customers).
    selection : today's model selection (`select_models`); its chosen candidate is refitted
        at each period end. A line without one, or a period whose refit finds fewer than two
        segments, has one segment.
    settings : the segmentation settings (the Insider rule among them).

    Returns
    -------
    Arrow table of `PERIOD_SEGMENT_SCHEMA`, ordered by line, period end and customer.
    """
    tables = []
    line_name, candidate = None, None
    previous: pd.Series | None = None
    with threadpool_limits(limits=1):
        for rows in groups_of(features, ["business_line", "period_end_date"]):
            if rows.empty:
                continue
            if rows["business_line"].iloc[0] != line_name:
                line_name = rows["business_line"].iloc[0]
                candidate = chosen_candidate(selection, str(line_name))
                previous = None
            frame = _segment_period(rows, candidate, previous, settings)
            frame["period_end_date"] = rows["period_end_date"].iloc[0]
            tables.append(as_arrow(frame, PERIOD_SEGMENT_SCHEMA))
            previous = frame.set_index("customer_key")["segment_id"]
    if not tables:
        return PERIOD_SEGMENT_SCHEMA.empty_table()
    # each period's customers are in key order (prepare_line), the periods in line and period
    # order: the concatenation is ordered
    return pa.concat_tables(tables)


def period_frames(features: duckdb.DuckDBPyRelation) -> Iterator[pd.DataFrame]:
    """The rows of `features` (a relation with `business_line` and `period_end_date`), one
    frame per line and period end, in line and period order, each ordered by customer key
    (`hvc.relations.frames_by`): neither DuckDB nor pandas holds every period at once. Rows
    without a line are left out, as a group-by leaves them out."""
    return frames_by(features, ["business_line", "period_end_date"])


def _segment_period(
    rows: pd.DataFrame,
    candidate: Candidate | None,
    previous: pd.Series | None,
    settings: SegmentationSettings,
) -> pd.DataFrame:
    """One line's customers at one period end, with segment ids matched to `previous`."""
    line = prepare_line(rows, settings)
    frame = line.frame
    segment_ids = np.ones(len(frame), dtype=np.int64)
    if candidate is not None and len(frame) >= max(10, 2 * (candidate.n_clusters or 2)):
        try:
            segmenter = refit(line, candidate, settings)
        except ValueError:
            segmenter = None
        if segmenter is not None:
            labels, _, _ = segmenter.assign(line.spaces[candidate.space])
            segment_ids = match_segments(line.scaled, labels, frame, previous)
    eligible = insider_flags(frame, segment_ids, settings)
    if settings.insiders_rule == "top_segment" and len(np.unique(segment_ids)) < 2:
        eligible = np.zeros(len(frame), dtype=bool)
    return pd.DataFrame(
        {
            "customer_key": frame["customer_key"].astype("string").to_numpy(),
            "business_line": frame["business_line"].astype("string").to_numpy(),
            "segment_id": segment_ids.astype(np.int32),
            "is_eligible": np.asarray(eligible, dtype=bool),
            "net_revenue": frame["net_revenue"].astype(float).to_numpy(),
            "adjusted_revenue": frame[VALUE_COLUMN].astype(float).to_numpy(),
            "recency_days": frame["recency_days"].astype("int64").to_numpy(),
        }
    )


def match_segments(
    scaled: np.ndarray,
    labels: np.ndarray,
    frame: pd.DataFrame,
    previous: pd.Series | None,
) -> np.ndarray:
    """Segment ids for this period's cluster `labels`.

    Without a previous period, clusters are numbered by value. Otherwise the most valuable
    cluster is segment 1, and each previous segment but 1 is located in this period's space
    (its customers' centroid now): the other clusters take the ids of the previous segments
    closest to them, one to one (Hungarian assignment); clusters left over take the next free
    ids in value order.
    """
    by_value = order_segments(frame[VALUE_COLUMN].astype(float).to_numpy(), labels)
    if previous is None or previous.empty:
        return map_labels(labels, by_value)
    top = next(label for label, rank in by_value.items() if rank == 1)
    clusters = np.array([label for label in np.unique(labels) if label != top])
    before = previous.reindex(frame["customer_key"].astype(str).to_numpy()).to_numpy()
    known = ~pd.isna(before)
    old_ids = np.unique(before[known].astype(np.int64)) if known.any() else np.array([], int)
    old_ids = old_ids[old_ids != 1]
    mapping: dict[int, int] = {int(top): 1}
    new_centroids = np.array([scaled[labels == label].mean(axis=0) for label in clusters])
    if len(old_ids) and len(clusters):
        old_centroids = np.array(
            [scaled[known & (before == old_id)].mean(axis=0) for old_id in old_ids]
        )
        cost = np.linalg.norm(new_centroids[:, None, :] - old_centroids[None, :, :], axis=2)
        rows, cols = linear_sum_assignment(cost)
        mapping |= {int(clusters[r]): int(old_ids[c]) for r, c in zip(rows, cols, strict=True)}
    used = set(mapping.values())
    next_id = max([*used, *previous.astype(int).tolist(), 0]) + 1
    for label in sorted(clusters.tolist(), key=lambda label: by_value[label]):
        if int(label) not in mapping:
            while next_id in used:
                next_id += 1
            mapping[int(label)] = next_id
            used.add(next_id)
    return map_labels(labels, mapping)


def membership_history(segments: pd.DataFrame, settings: InsidersHistorySettings) -> pd.DataFrame:
    """Who is an Insider at each period end, and why: the rules of the module docstring.

    Parameters
    ----------
    segments : `period_segments` output (one row per customer and period end present).
    settings : the exit rules.

    Returns
    -------
    DataFrame of `MEMBERSHIP_COLUMNS`: a row per customer and period end where the customer
    is an Insider or has just been removed (event `entered`, `stayed` or `removed`, with its
    reason), ordered by line, period end and customer.
    """
    ordered = segments.sort_values(
        ["business_line", "customer_key", "period_end_date"], kind="stable"
    ).reset_index(drop=True)
    eligible = ordered["is_eligible"].to_numpy(dtype=bool)
    inactive = ordered["recency_days"].to_numpy() > settings.exit_inactive_days
    customer = (
        ordered["business_line"].astype(str) + "\x1f" + ordered["customer_key"].astype(str)
    ).to_numpy()
    n = len(ordered)
    member = np.zeros(n, dtype=bool)
    event = np.full(n, "", dtype=object)
    reason = np.full(n, "", dtype=object)
    out_count = np.zeros(n, dtype=np.int64)
    was_member, streak = False, 0
    for i in range(n):
        if i == 0 or customer[i] != customer[i - 1]:
            was_member, streak = False, 0
        if inactive[i]:
            if was_member:
                event[i] = REMOVED
                reason[i] = f"no purchase in the last {settings.exit_inactive_days} days"
                out_count[i] = 0 if eligible[i] else streak + 1
            was_member, streak = False, 0
        elif eligible[i]:
            event[i] = STAYED if was_member else ENTERED
            reason[i] = "in segment 1 at the period end"
            member[i], was_member, streak = True, True, 0
        elif was_member:
            streak += 1
            out_count[i] = streak
            if streak >= settings.exit_periods:
                event[i] = REMOVED
                reason[i] = f"out of segment 1 for {streak} consecutive period ends"
                was_member = False
            else:
                event[i] = STAYED
                reason[i] = (
                    f"out of segment 1 for {streak} period end(s), fewer than "
                    f"{settings.exit_periods}"
                )
                member[i] = True
    history = ordered.assign(
        is_insider=member, event=event, reason=reason, periods_out_of_segment=out_count
    )
    history = history[history["event"] != ""]
    return history.sort_values(
        ["business_line", "period_end_date", "customer_key"], kind="stable"
    ).reset_index(drop=True)[MEMBERSHIP_COLUMNS]
