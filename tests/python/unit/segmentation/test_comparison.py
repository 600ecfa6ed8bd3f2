"""hvc.segmentation.comparison: revenue per customer of two groups compared."""

from __future__ import annotations

import numpy as np

from hvc.segmentation import compare_revenue


def test_compare_revenue_finds_a_real_difference_and_none_where_there_is_none() -> None:
    rng = np.random.default_rng(5)
    high = rng.lognormal(7.0, 0.5, 400)
    low = rng.lognormal(6.0, 0.5, 3000)
    result = compare_revenue(high, low, resamples=500, random_state=1)
    assert result["difference_low"] < high.mean() - low.mean() < result["difference_high"]
    assert result["difference_low"] > 0 and result["ratio_low"] > 1
    assert result["mann_whitney_p"] < 1e-10 and result["welch_p"] < 1e-10
    assert 0.5 < result["rank_biserial"] <= 1
    same = compare_revenue(low[:1500], low[1500:], resamples=500, random_state=1)
    assert same["difference_low"] < 0 < same["difference_high"]
    assert same["mann_whitney_p"] > 0.01
