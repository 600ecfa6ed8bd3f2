"""hvc.propensity.metrics: deciles, calibration error, lift and the threshold rule."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from hvc.propensity.metrics import (
    calibration_bins,
    choose_threshold,
    classification_metrics,
    decile_of,
    expected_calibration_error,
    lift_at,
)


def test_deciles_are_equal_mass_like_ntile_highest_first() -> None:
    probability = np.linspace(0.0, 1.0, 23)
    decile = decile_of(probability)
    assert decile[np.argmax(probability)] == 1 and decile[np.argmin(probability)] == 10
    sizes = np.bincount(decile)[1:]
    # ntile(10) of 23 rows: the first three groups take the extra rows
    assert sizes.tolist() == [3, 3, 3, 2, 2, 2, 2, 2, 2, 2]
    # ties are ordered by key, so a tie at a bin edge is split the same way every time
    tied = decile_of(np.full(20, 0.5), np.array([f"k{i:02d}" for i in range(20)][::-1]))
    assert tied[-1] == 1 and tied[0] == 10


def test_expected_calibration_error_is_the_weighted_gap_per_decile() -> None:
    rng = np.random.default_rng(1)
    probability = rng.random(1000)
    outcome = (rng.random(1000) < probability).astype(float)
    bins = calibration_bins(probability, outcome)
    by_hand = sum(
        len(rows) / 1000 * abs(probability[rows].mean() - outcome[rows].mean())
        for rows in np.array_split(np.argsort(-probability, kind="stable"), 10)
    )
    assert expected_calibration_error(probability, outcome) == pytest.approx(by_hand)
    assert bins["customers"].sum() == 1000
    # a model that says 0.5 to everyone where half buy is calibrated; doubling it is not
    half = np.full(1000, 0.5)
    coin = np.tile([0.0, 1.0], 500)
    assert expected_calibration_error(half, coin) == pytest.approx(0.0)
    assert expected_calibration_error(np.clip(2 * probability, 0, 1), outcome) > 0.15


def test_lift_counts_buyers_in_the_top_share() -> None:
    probability = np.arange(10, 0, -1) / 10
    outcome = np.array([1, 1, 0, 0, 0, 0, 0, 0, 0, 0], dtype=float)
    assert lift_at(probability, outcome, 0.2) == pytest.approx(1.0 / 0.2)
    assert lift_at(probability, outcome, 0.1) == pytest.approx(5.0)
    assert lift_at(probability, outcome[::-1], 0.2) == 0.0


def test_threshold_maximises_f1_or_reaches_the_target_precision() -> None:
    probability = np.array([0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2])
    outcome = np.array([1, 1, 0, 1, 0, 0, 1, 0], dtype=float)
    # flag the top 4: precision 3/4, recall 3/4, F1 0.75, the best
    assert choose_threshold(probability, outcome) == 0.6
    assert choose_threshold(probability, outcome, target_precision=1.0) == 0.8
    assert choose_threshold(probability, outcome, target_precision=0.7) == 0.6
    metrics = classification_metrics(probability, outcome, 0.6)
    assert metrics["precision_at_threshold"] == 0.75 and metrics["recall_at_threshold"] == 0.75
    assert metrics["f1_at_threshold"] == pytest.approx(0.75)
    assert metrics["accuracy_at_threshold"] == pytest.approx(6 / 8)
    assert metrics["roc_auc"] == pytest.approx(roc_auc_score(outcome, probability))
