"""How good a set of predicted probabilities is: ranking, threshold, lift and calibration.

Customers are ordered by predicted probability, highest first, ties by `customer_key`, so the
same predictions always give the same deciles, lifts and thresholds.

- **Deciles** are equal-mass bins of that order (`numpy.array_split`, like SQL `ntile(10)`: the
  first bins take one extra customer when the count does not divide by ten); decile 1 holds
  the highest probabilities.
- **Expected calibration error (ECE)**: over those ten equal-mass bins, the mean absolute gap
  between the mean predicted probability and the observed rate, weighted by bin size:
  `sum_b n_b / n * |mean(p)_b - mean(y)_b|`.
- **Lift at top k %**: the observed rate among the first `ceil(k % of n)` customers divided
  by the observed rate among all.
- **Threshold**: a customer is predicted to buy when its probability is at least the
  threshold. `max_f1` picks, among the distinct predicted probabilities, the one with the
  highest F1 (the higher threshold on a tie); with a target precision, the lowest threshold
  whose precision reaches the target (most recall at that precision), else the one with the
  highest precision.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score, roc_auc_score

DECILES = 10


def ranked(probability: np.ndarray, keys: np.ndarray | None = None) -> np.ndarray:
    """Indices ordering customers by probability, highest first, ties by key (else position)."""
    probability = np.asarray(probability, dtype=float)
    tie = np.asarray(keys) if keys is not None else np.arange(len(probability))
    return np.lexsort((tie, -probability))


def decile_of(probability: np.ndarray, keys: np.ndarray | None = None) -> np.ndarray:
    """Decile (1 = highest probabilities) of every customer, equal-mass like `ntile(10)`."""
    order = ranked(probability, keys)
    decile = np.empty(len(order), dtype=np.int64)
    for number, part in enumerate(np.array_split(order, DECILES), start=1):
        decile[part] = number
    return decile


def calibration_bins(
    probability: np.ndarray, outcome: np.ndarray, keys: np.ndarray | None = None
) -> pd.DataFrame:
    """One row per decile: customers, mean predicted probability, observed rate, range."""
    probability = np.asarray(probability, dtype=float)
    outcome = np.asarray(outcome, dtype=float)
    frame = pd.DataFrame(
        {"decile": decile_of(probability, keys), "probability": probability, "y": outcome}
    )
    bins = (
        frame.groupby("decile")
        .agg(
            customers=("y", "size"),
            mean_predicted_probability=("probability", "mean"),
            observed_rate=("y", "mean"),
            buyers=("y", "sum"),
            min_probability=("probability", "min"),
            max_probability=("probability", "max"),
        )
        .reset_index()
    )
    bins["buyers"] = bins["buyers"].astype(np.int64)
    base_rate = outcome.mean() if len(outcome) else float("nan")
    bins["lift"] = bins["observed_rate"] / base_rate if base_rate > 0 else float("nan")
    return bins


def expected_calibration_error(
    probability: np.ndarray, outcome: np.ndarray, keys: np.ndarray | None = None
) -> float:
    """ECE over ten equal-mass bins (see the module docstring)."""
    bins = calibration_bins(probability, outcome, keys)
    gap = (bins["mean_predicted_probability"] - bins["observed_rate"]).abs()
    return float((bins["customers"] * gap).sum() / bins["customers"].sum())


def lift_at(
    probability: np.ndarray, outcome: np.ndarray, share: float, keys: np.ndarray | None = None
) -> float:
    """Observed rate in the top `share` of customers over the observed rate in all."""
    outcome = np.asarray(outcome, dtype=float)
    base = outcome.mean()
    if len(outcome) == 0 or base == 0:
        return float("nan")
    top = ranked(probability, keys)[: max(1, math.ceil(share * len(outcome)))]
    return float(outcome[top].mean() / base)


def choose_threshold(
    probability: np.ndarray, outcome: np.ndarray, target_precision: float | None = None
) -> float:
    """The decision threshold by the rule in the module docstring."""
    probability = np.asarray(probability, dtype=float)
    outcome = np.asarray(outcome, dtype=float)
    order = np.argsort(-probability, kind="stable")
    p_sorted, y_sorted = probability[order], outcome[order]
    true_positives = np.cumsum(y_sorted)
    flagged = np.arange(1, len(p_sorted) + 1)
    # a threshold at a distinct probability flags every customer at or above it
    last = np.r_[p_sorted[1:] != p_sorted[:-1], True]
    thresholds = p_sorted[last]
    tp, n_flagged = true_positives[last], flagged[last]
    positives = outcome.sum()
    precision = tp / n_flagged
    recall = tp / positives if positives > 0 else np.zeros_like(tp)
    with np.errstate(invalid="ignore", divide="ignore"):
        f1 = np.where(precision + recall > 0, 2 * precision * recall / (precision + recall), 0)
    if target_precision is None:
        # thresholds run from high to low: argmax takes the first, the higher one on a tie
        return float(thresholds[int(np.argmax(f1))])
    reaching = np.flatnonzero(precision >= target_precision)
    if len(reaching):
        return float(thresholds[reaching[-1]])
    return float(thresholds[int(np.argmax(precision))])


def classification_metrics(
    probability: np.ndarray,
    outcome: np.ndarray,
    threshold: float,
    keys: np.ndarray | None = None,
) -> dict[str, float]:
    """Ranking, threshold, lift and calibration metrics of one set of predictions."""
    probability = np.asarray(probability, dtype=float)
    outcome = np.asarray(outcome, dtype=float)
    flagged = probability >= threshold
    positives = outcome == 1
    tp = float(np.sum(flagged & positives))
    precision = tp / flagged.sum() if flagged.any() else 0.0
    recall = tp / positives.sum() if positives.any() else 0.0
    both_classes = 0 < positives.sum() < len(outcome)
    return {
        "customers": len(outcome),
        "buyers": int(positives.sum()),
        "base_rate": float(outcome.mean()),
        "roc_auc": float(roc_auc_score(outcome, probability)) if both_classes else float("nan"),
        "pr_auc": (
            float(average_precision_score(outcome, probability)) if both_classes else float("nan")
        ),
        "threshold": float(threshold),
        "accuracy_at_threshold": float(np.mean(flagged == positives)),
        "precision_at_threshold": float(precision),
        "recall_at_threshold": float(recall),
        "f1_at_threshold": float(2 * precision * recall / (precision + recall))
        if precision + recall
        else 0.0,
        "predicted_buyer_share": float(flagged.mean()),
        "lift_top_10_percent": lift_at(probability, outcome, 0.10, keys),
        "lift_top_20_percent": lift_at(probability, outcome, 0.20, keys),
        "brier_score": float(np.mean((probability - outcome) ** 2)),
        "expected_calibration_error": expected_calibration_error(probability, outcome, keys),
        "mean_predicted_probability": float(probability.mean()),
    }
