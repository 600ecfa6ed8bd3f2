"""Every customer assigned to one segment of its business line."""

from __future__ import annotations

import pandas as pd
from threadpoolctl import threadpool_limits

from hvc.segmentation.candidates import refit
from hvc.segmentation.features import prepare_line, split_lines
from hvc.segmentation.labels import label_line
from hvc.segmentation.selection import (
    SELECTION_COLUMNS,
    _typed_selection,
    chosen_candidate,
    select_line,
)
from hvc.segmentation.settings import SegmentationSettings

SEGMENT_COLUMNS = [
    "customer_key",
    "business_line",
    "segment_id",
    "segment_name",
    "is_insider",
    "membership_probability",
    "centroid_distance",
    "candidate_id",
]


def segment_customers(
    customers: pd.DataFrame, selection: pd.DataFrame, settings: SegmentationSettings
) -> pd.DataFrame:
    """Assign every customer to one segment of its business line with the candidate chosen in
    `selection` (the output of `select_models` on the same customers and settings).

    Returns one row per customer, `SEGMENT_COLUMNS`, ordered by business line and key.
    """
    frames = []
    with threadpool_limits(limits=1):
        for name, group in split_lines(customers):
            line = prepare_line(group, settings)
            candidate = chosen_candidate(selection, name)
            segmenter = None if candidate is None else refit(line, candidate, settings)
            frames.append(label_line(line, candidate, segmenter, name, settings))
    return _typed_segments(frames)


def segment_and_select(
    customers: pd.DataFrame, settings: SegmentationSettings
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Model selection and segments in one pass (no refit): `(selection, segments)`."""
    selections, frames = [], []
    with threadpool_limits(limits=1):
        for name, group in split_lines(customers):
            chosen = select_line(group, name, settings)
            selections.append(chosen.metrics)
            frames.append(label_line(chosen.line, chosen.chosen, chosen.segmenter, name, settings))
    selection = _typed_selection(
        pd.concat(selections, ignore_index=True)
        if selections
        else pd.DataFrame(columns=SELECTION_COLUMNS)
    )
    return selection, _typed_segments(frames)


def _typed_segments(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """The line frames as one table of `SEGMENT_COLUMNS` with fixed types."""
    if not frames:
        frames = [pd.DataFrame(columns=SEGMENT_COLUMNS)]
    out = pd.concat(frames, ignore_index=True)[SEGMENT_COLUMNS]
    return out.astype(
        {
            "customer_key": "string",
            "business_line": "string",
            "segment_id": "int32",
            "segment_name": "string",
            "is_insider": "bool",
            "membership_probability": "float64",
            "centroid_distance": "float64",
            "candidate_id": "string",
        }
    )
