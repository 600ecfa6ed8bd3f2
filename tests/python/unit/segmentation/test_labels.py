"""hvc.segmentation.labels: segments numbered by value and named; who the Insiders are."""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.segmentation_customers import BLOB_CONFIG, blob_customers
from hvc.segmentation import (
    INPUT_COLUMNS,
    INSIDERS,
    SegmentationSettings,
    insider_flags,
    name_segments,
    segment_and_select,
)
from hvc.segmentation.labels import map_labels


def test_segments_are_numbered_by_value_and_segment_one_is_the_insiders() -> None:
    customers = blob_customers(4)
    _, segments = segment_and_select(customers[INPUT_COLUMNS], BLOB_CONFIG)
    merged = customers.merge(segments, on="customer_key")
    medians = merged.groupby("segment_id")["adjusted_revenue"].median()
    assert list(medians.index) == [1, 2, 3, 4]
    assert medians.is_monotonic_decreasing and medians.is_unique
    # the planted most valuable group is segment 1, and it is the Insiders
    top_group = merged.loc[merged["segment_id"] == 1, "true_group"].mode().iloc[0]
    assert top_group == 3
    assert (merged["is_insider"] == (merged["segment_id"] == 1)).all()
    assert set(merged.loc[merged["segment_id"] == 1, "segment_name"]) == {INSIDERS}
    names = merged.groupby("segment_id")["segment_name"].first()
    assert names.is_unique


def test_top_share_rule_takes_the_most_valuable_customers_rounded_up() -> None:
    frame = pd.DataFrame(
        {"customer_key": ["d", "c", "b", "a"], "adjusted_revenue": [10.0, 50.0, 50.0, 5.0]}
    )
    config = SegmentationSettings.from_project(insiders_rule="top_share", insiders_top_share=0.3)
    flags = insider_flags(frame, np.array([1, 1, 2, 2]), config)
    # ceil(0.3 * 4) = 2; b and c tie on value
    assert flags.tolist() == [False, True, True, False]
    config = SegmentationSettings.from_project(insiders_rule="top_share", insiders_top_share=0.2)
    assert insider_flags(frame, np.ones(4), config).tolist() == [False, False, True, False]


def test_segment_names_come_from_profiles_and_repeat_names_are_numbered() -> None:
    frame = pd.DataFrame(
        {
            "adjusted_revenue": [900, 800, 100, 90, 95, 85, 10, 12],
            "order_count": [9, 8, 1, 1, 1, 1, 1, 1],
            "recency_days": [5, 6, 300, 310, 305, 290, 400, 420],
        }
    )
    ids = np.array([1, 1, 2, 2, 3, 3, 4, 4])
    names = name_segments(frame, ids, top_is_insiders=True)
    assert names[1] == INSIDERS
    # days since the last purchase: segments 2 and 3 sit in the middle third, 4 in the last
    assert names[2] == "Cooling one-time buyers, mid spend 1"
    assert names[3] == "Cooling one-time buyers, mid spend 2"
    assert names[4] == "Lapsed one-time buyers, low spend"
    assert name_segments(frame, ids, top_is_insiders=False)[1] == "Active regulars, high spend"


def test_labels_map_per_customer_in_their_order() -> None:
    mapping = {0: 2, 1: 3, 7: 1}
    labels = np.array([7, 1, 7, 0, 1], dtype=np.int32)
    mapped = map_labels(labels, mapping)
    assert mapped.dtype == np.int64
    assert mapped.tolist() == [1, 3, 1, 2, 3]
    assert map_labels(np.array([], dtype=np.int64), mapping).tolist() == []
