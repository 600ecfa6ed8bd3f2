"""Revenue per customer of two groups compared: bootstrap intervals, rank and t tests."""

from __future__ import annotations

import math

import numpy as np
from scipy import stats

# Groups larger than this are subsampled (fixed seed) before bootstrapping: wider, not
# narrower, intervals, at a bounded cost.
BOOTSTRAP_CAP = 20_000


def compare_revenue(
    selected: np.ndarray, other: np.ndarray, resamples: int, random_state: int
) -> dict[str, float]:
    """Revenue per customer of two groups: means, difference and ratio of means with
    percentile bootstrap intervals (each group resampled on its own), Mann-Whitney U and
    Welch t p-values (two-sided), Cohen's d and the rank-biserial correlation."""
    selected = np.asarray(selected, dtype=float)
    other = np.asarray(other, dtype=float)
    out = {
        "mean_selected": _mean(selected),
        "mean_other": _mean(other),
        "median_selected": float(np.median(selected)) if len(selected) else math.nan,
        "median_other": float(np.median(other)) if len(other) else math.nan,
    }
    out["difference"] = out["mean_selected"] - out["mean_other"]
    out["ratio"] = _ratio(out["mean_selected"], out["mean_other"])
    nan = dict.fromkeys(
        [
            "difference_low",
            "difference_high",
            "ratio_low",
            "ratio_high",
            "mann_whitney_p",
            "mann_whitney_u",
            "welch_t",
            "welch_p",
            "cohens_d",
            "rank_biserial",
        ],
        math.nan,
    )
    out |= nan
    if len(selected) < 2 or len(other) < 2:
        return out
    test = stats.mannwhitneyu(selected, other, alternative="two-sided")
    welch = stats.ttest_ind(selected, other, equal_var=False)
    pooled = math.sqrt((selected.var(ddof=1) + other.var(ddof=1)) / 2)
    out |= {
        "mann_whitney_u": float(test.statistic),
        "mann_whitney_p": float(test.pvalue),
        "welch_t": float(welch.statistic),
        "welch_p": float(welch.pvalue),
        "cohens_d": out["difference"] / pooled if pooled > 0 else math.nan,
        "rank_biserial": 2 * float(test.statistic) / (len(selected) * len(other)) - 1,
    }
    rng = np.random.default_rng(random_state)
    a = _cap(selected, rng)
    b = _cap(other, rng)
    means_a = np.array([a[rng.integers(0, len(a), len(a))].mean() for _ in range(resamples)])
    means_b = np.array([b[rng.integers(0, len(b), len(b))].mean() for _ in range(resamples)])
    if resamples:
        out["difference_low"], out["difference_high"] = np.percentile(
            means_a - means_b, [2.5, 97.5]
        )
        ratios = np.divide(means_a, means_b, out=np.full(resamples, np.nan), where=means_b != 0)
        if np.isfinite(ratios).all():
            out["ratio_low"], out["ratio_high"] = np.percentile(ratios, [2.5, 97.5])
    return {key: float(value) for key, value in out.items()}


def _mean(values: np.ndarray) -> float:
    """The mean, NaN when empty."""
    return float(values.mean()) if len(values) else math.nan


def _ratio(a: float, b: float) -> float:
    """a / b, NaN when b is 0 or NaN."""
    return a / b if b and not math.isnan(b) else math.nan


def _cap(values: np.ndarray, rng: np.random.Generator, cap: int = BOOTSTRAP_CAP) -> np.ndarray:
    """At most `cap` values, a fixed random subsample when there are more."""
    if len(values) <= cap:
        return values
    return values[np.sort(rng.choice(len(values), cap, replace=False))]
