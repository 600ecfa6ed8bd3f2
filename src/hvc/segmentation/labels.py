"""Segments numbered by value and named from their profiles; who the Insiders are."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from hvc.segmentation.candidates import Candidate, FittedSegmenter
from hvc.segmentation.features import VALUE_COLUMN, PreparedLine
from hvc.segmentation.settings import SegmentationSettings

INSIDERS = "Insiders"
SINGLE_SEGMENT = "All customers"


def order_segments(values: np.ndarray, labels: np.ndarray) -> dict[int, int]:
    """Map raw labels to segment ids 1..k by value: highest median first (ties: higher mean,
    then more customers, then the smaller raw label)."""
    keys = []
    for label in np.unique(labels):
        member = values[labels == label]
        keys.append((-float(np.median(member)), -float(member.mean()), -len(member), int(label)))
    return {key[3]: rank for rank, key in enumerate(sorted(keys), start=1)}


def map_labels(labels: np.ndarray, mapping: dict[int, int]) -> np.ndarray:
    """Each raw label's value in `mapping` (int64): one lookup per distinct label, not one per
    customer."""
    distinct, inverse = np.unique(labels, return_inverse=True)
    return np.array([mapping[int(label)] for label in distinct], dtype=np.int64)[inverse]


def name_segments(frame: pd.DataFrame, segment_ids: np.ndarray, top_is_insiders: bool) -> dict:
    """Name each segment from its profile against the rest of its business line.

    Segment 1 is `Insiders` when the Insiders are the top segment. Every other name reads
    `<activity> <buying>, <spend> spend`, from the segment's medians against the line's
    terciles: activity from days since the last purchase (`Active` in the most recent third,
    `Lapsed` in the least recent, else `Cooling`); buying `one-time buyers` when most bought
    once, `regulars` when the median purchases reach the line's upper tercile, else
    `occasional buyers`; spend from value (`high`, `mid`, `low` third). A name that occurs
    more than once gets a number, in value order.
    """
    recency = frame["recency_days"].astype(float).to_numpy()
    orders = frame["order_count"].astype(float).to_numpy()
    value = frame[VALUE_COLUMN].astype(float).to_numpy()
    terciles = {
        "recency": np.quantile(recency, [1 / 3, 2 / 3]),
        "orders": np.quantile(orders, [1 / 3, 2 / 3]),
        "value": np.quantile(value, [1 / 3, 2 / 3]),
    }

    def third(median: float, cuts: np.ndarray, labels: tuple[str, str, str]) -> str:
        """The label of the third a median falls in."""
        return labels[0] if median <= cuts[0] else labels[2] if median >= cuts[1] else labels[1]

    names = {}
    for segment_id in np.unique(segment_ids):
        member = segment_ids == segment_id
        if segment_id == 1 and top_is_insiders:
            names[segment_id] = INSIDERS
            continue
        activity = third(
            float(np.median(recency[member])), terciles["recency"], ("Active", "Cooling", "Lapsed")
        )
        if (orders[member] <= 1).mean() > 0.5:
            buying = "one-time buyers"
        elif np.median(orders[member]) >= max(terciles["orders"][1], 2):
            buying = "regulars"
        else:
            buying = "occasional buyers"
        spend = third(float(np.median(value[member])), terciles["value"], ("low", "mid", "high"))
        names[segment_id] = f"{activity} {buying}, {spend} spend"
    counts = pd.Series(list(names.values())).value_counts()
    seen: dict[str, int] = {}
    for segment_id in sorted(names):
        name = names[segment_id]
        if counts[name] > 1:
            seen[name] = seen.get(name, 0) + 1
            names[segment_id] = f"{name} {seen[name]}"
    return names


def insider_flags(frame: pd.DataFrame, segment_ids: np.ndarray, settings: SegmentationSettings):
    """Who is an Insider: segment 1 (`top_segment`), or the `insiders_top_share` of customers
    with the highest value, rounded up, ties by `customer_key` (`top_share`)."""
    if settings.insiders_rule == "top_segment":
        return segment_ids == 1
    count = math.ceil(settings.insiders_top_share * len(frame))
    ranked = frame.assign(_value=frame[VALUE_COLUMN].astype(float)).sort_values(
        ["_value", "customer_key"], ascending=[False, True], kind="stable"
    )
    flags = pd.Series(False, index=frame.index)
    flags.loc[ranked.index[:count]] = True
    return flags.to_numpy()


def label_line(
    line: PreparedLine,
    candidate: Candidate | None,
    segmenter: FittedSegmenter | None,
    business_line: str,
    settings: SegmentationSettings,
) -> pd.DataFrame:
    """Assign every customer of a prepared line, number segments by value, name them and flag
    the Insiders."""
    frame = line.frame
    n = len(frame)
    if segmenter is None:
        segment_ids = np.ones(n, dtype=np.int64)
        probability = np.full(n, np.nan)
        distance = np.linalg.norm(line.scaled - line.scaled.mean(axis=0), axis=1)
        names = {1: SINGLE_SEGMENT}
        candidate_id = "single_segment"
        insiders = (
            insider_flags(frame, segment_ids, settings)
            if settings.insiders_rule == "top_share"
            else np.zeros(n, dtype=bool)
        )
    else:
        labels, probability, distance = segmenter.assign(line.spaces[candidate.space])
        mapping = order_segments(frame[VALUE_COLUMN].astype(float).to_numpy(), labels)
        segment_ids = map_labels(labels, mapping)
        top_is_insiders = settings.insiders_rule == "top_segment"
        names = name_segments(frame, segment_ids, top_is_insiders)
        candidate_id = candidate.candidate_id
        insiders = insider_flags(frame, segment_ids, settings)
        if probability is None:
            probability = np.full(n, np.nan)
    return pd.DataFrame(
        {
            "customer_key": frame["customer_key"].astype("string").to_numpy(),
            "business_line": business_line,
            "segment_id": segment_ids.astype(np.int32),
            "segment_name": [names[s] for s in segment_ids],
            "is_insider": np.asarray(insiders, dtype=bool),
            "membership_probability": probability.astype(float),
            "centroid_distance": distance.astype(float),
            "candidate_id": candidate_id,
        }
    )
