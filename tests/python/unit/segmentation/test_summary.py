"""hvc.segmentation.summary: every business question answered for each line."""

from __future__ import annotations

import pandas as pd

from helpers.segmentation_customers import BLOB_CONFIG, blob_customers
from hvc.segmentation import (
    INPUT_COLUMNS,
    SUMMARY_COLUMNS,
    segment_and_select,
    summarise_insiders,
)


def test_summary_answers_every_question_for_each_line() -> None:
    customers = pd.concat(
        [blob_customers(3, line="retail"), blob_customers(4, n=800, seed=5, line="software")]
    )[INPUT_COLUMNS]
    _, segments = segment_and_select(customers, BLOB_CONFIG)
    summary = summarise_insiders(customers, segments, BLOB_CONFIG)
    assert list(summary.columns) == SUMMARY_COLUMNS
    for line, group in summary.groupby("business_line"):
        metrics = group.set_index("metric")
        assert set(range(1, 9)) == set(group["question_order"])
        expected = int(segments.loc[segments["business_line"] == line, "is_insider"].sum())
        assert metrics.loc["insider_count", "metric_value"] == expected
        assert 0 < metrics.loc["share_of_net_revenue", "metric_value"] <= 1
        assert metrics.loc["net_revenue_ratio", "ci_lower"] > 1
        assert metrics.loc["eligibility_rule", "metric_value"] > 0.9
        assert metrics.loc["out_of_time_share_of_future_revenue", "answer"].startswith(
            "not measured"
        )
