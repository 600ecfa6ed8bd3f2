"""hvc.segmentation.eligibility: the decision tree's rule, in the features' own units."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from hvc.segmentation import SegmentationSettings, eligibility_rule


def test_eligibility_rule_recovers_planted_thresholds() -> None:
    rng = np.random.default_rng(4)
    n = 3000
    orders = rng.integers(1, 12, n)
    revenue = np.round(rng.lognormal(6.5, 1.0, n), 2)
    frame = pd.DataFrame(
        {
            "adjusted_revenue": revenue,
            "net_revenue": revenue,
            "order_count": orders,
            "average_order_value": revenue / orders,
            "recency_days": rng.integers(0, 365, n),
            "tenure_days": rng.integers(365, 700, n),
            "distinct_product_count": orders * 3,
            "item_count": orders * 5,
            "purchase_frequency": 1.0,
            "return_rate": 0.0,
            "ticket_open_days": 0.0,
        }
    )
    is_insider = (orders >= 6) & (revenue > 1000)
    rule = eligibility_rule(frame, is_insider, SegmentationSettings.from_project())
    assert rule["accuracy"] > 0.99
    assert rule["baseline_accuracy"] < 0.9
    assert "purchases >= 6" in rule["rule"]
    assert "revenue > 1,0" in rule["rule"] or "revenue > 99" in rule["rule"]


def test_rule_text_reads_whole_numbers_and_money() -> None:
    from hvc.segmentation.eligibility import _describe

    text = _describe({"order_count": [3.5, 4.5], "net_revenue": [1234.5, math.inf]})
    assert text == "purchases = 4 and net revenue > 1,234.50"
    text = _describe({"recency_days": [-math.inf, 29.5], "return_rate": [0.015, 0.5]})
    assert (
        text == "days since the last purchase <= 29 and return rate > 1.5% and return rate <= 50.0%"
    )
