"""hvc.segmentation.history: segment ids that follow groups over periods, and the membership
rules with hysteresis, on small frames."""

from __future__ import annotations

import datetime as dt

import duckdb
import numpy as np
import pandas as pd
import pytest

from helpers.segmentation_customers import BLOB_CONFIG, blob_customers
from hvc.segmentation import (
    PERIOD_SEGMENT_SCHEMA,
    InsidersHistorySettings,
    match_segments,
    membership_history,
    period_frames,
    period_segments,
    select_models,
)

ENDS = [dt.date(2011, month, 28) for month in range(1, 8)]


def settings(**overrides) -> InsidersHistorySettings:
    return InsidersHistorySettings.from_project(**overrides)


def periods(customer: str, eligible: list[bool], recency: list[int] | None = None) -> pd.DataFrame:
    recency = recency or [10] * len(eligible)
    return pd.DataFrame(
        {
            "customer_key": customer,
            "business_line": "retail",
            "period_end_date": ENDS[: len(eligible)],
            "segment_id": [1 if flag else 2 for flag in eligible],
            "is_eligible": eligible,
            "net_revenue": 100.0,
            "adjusted_revenue": 100.0,
            "recency_days": recency,
        }
    )


def events(history: pd.DataFrame, customer: str) -> list[tuple[str, bool]]:
    rows = history[history["customer_key"] == customer]
    return list(zip(rows["event"], rows["is_insider"], strict=True))


def test_an_insider_stays_through_one_period_out_and_leaves_at_the_second() -> None:
    frame = periods("a", [False, True, False, True, False, False, True])
    history = membership_history(frame, settings(exit_periods=2))
    assert events(history, "a") == [
        ("entered", True),
        ("stayed", True),  # one period end out: fewer than 2
        ("stayed", True),
        ("stayed", True),
        ("removed", False),  # the second consecutive one
        ("entered", True),  # eligible again
    ]
    assert history["period_end_date"].tolist() == ENDS[1:]
    removed = history[history["event"] == "removed"].iloc[0]
    assert removed["periods_out_of_segment"] == 2
    assert "2 consecutive" in removed["reason"]


def test_an_insider_without_a_purchase_for_too_long_is_removed_at_once() -> None:
    frame = periods("b", [True, False, False], recency=[10, 400, 430])
    history = membership_history(frame, settings(exit_periods=3, exit_inactive_days=365))
    assert events(history, "b") == [("entered", True), ("removed", False)]
    assert "365 days" in history["reason"].iloc[-1]


def test_a_big_spender_who_stopped_buying_is_removed_in_segment_1_and_cannot_enter() -> None:
    """Segment 1 is measured on what customers did to date, so a past big spender can sit in
    it long after their last purchase: inactivity removes them all the same, and keeps an
    inactive customer from entering."""
    stopped = periods("e", [True, True, True, True], recency=[200, 330, 370, 400])
    dormant = periods("f", [True, True], recency=[500, 530])
    history = membership_history(
        pd.concat([stopped, dormant]), settings(exit_periods=2, exit_inactive_days=365)
    )
    assert events(history, "e") == [("entered", True), ("stayed", True), ("removed", False)]
    removed = history[history["event"] == "removed"].iloc[0]
    assert "365 days" in removed["reason"] and removed["periods_out_of_segment"] == 0
    assert "f" not in set(history["customer_key"])


def test_customers_never_eligible_have_no_rows_and_rules_are_per_customer() -> None:
    frame = pd.concat([periods("c", [False, False, False]), periods("d", [True, True, True])])
    history = membership_history(frame, settings())
    assert set(history["customer_key"]) == {"d"}
    assert events(history, "d") == [("entered", True), ("stayed", True), ("stayed", True)]
    # so the model may read only customers eligible at some period end
    only_eligible = membership_history(frame[frame["customer_key"] == "d"], settings())
    pd.testing.assert_frame_equal(history, only_eligible)


def test_settings_reject_an_unknown_period() -> None:
    with pytest.raises(ValueError, match="insiders_period"):
        settings(period="week")


def test_segment_ids_follow_the_groups_not_their_order_by_value() -> None:
    """The most valuable cluster is segment 1; two other groups swap which is worth more,
    and each keeps its id, matched by where its previous members sit now."""
    rng = np.random.default_rng(0)
    scaled = np.vstack(
        [rng.normal(centre, 0.1, size=(20, 2)) for centre in ([0, 0], [5, 5], [10, 0])]
    )
    keys = [f"k{i:02d}" for i in range(60)]
    labels = np.array([7] * 20 + [3] * 20 + [5] * 20)
    # group c (keys 40-59) is the most valuable; b is now worth more than a
    value = [1.0] * 20 + [5.0] * 20 + [9.0] * 20
    frame = pd.DataFrame({"customer_key": keys, "adjusted_revenue": value})
    fresh = match_segments(scaled, labels, frame, None)
    assert [set(fresh[i : i + 20]) for i in (0, 20, 40)] == [{3}, {2}, {1}]  # by value
    previous = pd.Series([2] * 20 + [3] * 20 + [1] * 20, index=keys)  # a was 2, b was 3
    matched = match_segments(scaled, labels, frame, previous)
    assert [set(matched[i : i + 20]) for i in (0, 20, 40)] == [{2}, {3}, {1}]
    # the top cluster is segment 1 even when its customers were elsewhere before
    moved = pd.Series([1] * 20 + [3] * 20 + [2] * 20, index=keys)
    matched = match_segments(scaled, labels, frame, moved)
    assert set(matched[40:]) == {1} and set(matched[:20]) | set(matched[20:40]) == {2, 3}
    # a cluster with no previous group takes the next free id
    split = np.array([7] * 20 + [3] * 10 + [4] * 10 + [5] * 20)
    matched = match_segments(scaled, split, frame, previous)
    assert set(matched[40:]) == {1} and set(matched[:40]) == {2, 3, 4}


def period_features() -> pd.DataFrame:
    """Two lines at three period ends each, a line's customers growing over the periods."""
    frames = []
    for line, k, seed in (("retail", 3, 3), ("software", 4, 5)):
        for number, end in enumerate(ENDS[:3]):
            customers = blob_customers(k, n=300 + 150 * number, seed=seed + number, line=line)
            frames.append(customers.assign(period_end_date=end).drop(columns="true_group"))
    return pd.concat(frames, ignore_index=True).sort_values(
        ["business_line", "period_end_date", "customer_key"], ignore_index=True
    )


def test_period_segments_read_a_period_at_a_time_are_the_segments_of_the_whole_frame() -> None:
    """The model reads the features from the warehouse one period at a time: the segments are
    those of the whole frame, whatever order the table holds its rows in."""
    features = period_features()
    latest = features[features["period_end_date"] == ENDS[2]]
    selection = select_models(latest.drop(columns="period_end_date"), BLOB_CONFIG)
    whole = period_segments(features, selection, BLOB_CONFIG)
    assert whole.schema == PERIOD_SEGMENT_SCHEMA
    assert whole.num_rows == len(features)
    assert len(set(whole["segment_id"].to_pylist())) > 2
    connection = duckdb.connect()
    shuffled = features.sample(frac=1.0, random_state=7)  # noqa: F841 (read by DuckDB)
    connection.execute("create table features as select * from shuffled")
    frames = period_frames(connection.table("features"))
    assert period_segments(frames, selection, BLOB_CONFIG).equals(whole)
