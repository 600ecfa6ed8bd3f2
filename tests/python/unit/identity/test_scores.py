"""hvc.identity.scores: pairwise precision, recall and F1 of a clustering against the truth."""

from __future__ import annotations

import pandas as pd
import pytest

from hvc.identity import pairwise_scores


def test_pairwise_scores_perfect():
    scores = pairwise_scores(["A", "A", "B", "B", "B"], [1, 1, 2, 2, 2])
    assert scores == {
        "precision": 1.0,
        "recall": 1.0,
        "f1": 1.0,
        "exact_share": 1.0,
        "items": 5,
        "true_clusters": 2,
        "predicted_clusters": 2,
        "true_pairs": 4,
        "predicted_pairs": 4,
        "correct_pairs": 4,
    }


def test_pairwise_scores_one_wrong_merge():
    # True pairs: A 1 + B 1 = 2. Predicted {A,A,B,B}: 6 pairs, 2 of them right.
    scores = pairwise_scores(["A", "A", "B", "B", "C"], [1, 1, 1, 1, 2])
    assert scores["precision"] == pytest.approx(2 / 6)
    assert scores["recall"] == 1.0
    assert scores["f1"] == pytest.approx(0.5)
    assert scores["exact_share"] == pytest.approx(1 / 3)
    assert (scores["true_pairs"], scores["predicted_pairs"], scores["correct_pairs"]) == (2, 6, 2)
    assert (scores["true_clusters"], scores["predicted_clusters"]) == (3, 2)


def test_pairwise_scores_one_split():
    # True pairs: A 3 + B 1 = 4. A split 2 + 1: 1 predicted pair in A, 1 in B.
    scores = pairwise_scores(["A", "A", "A", "B", "B"], [1, 1, 2, 3, 3])
    assert scores["precision"] == 1.0
    assert scores["recall"] == 0.5
    assert scores["f1"] == pytest.approx(2 / 3)
    assert scores["exact_share"] == 0.5
    assert (scores["true_clusters"], scores["predicted_clusters"]) == (2, 3)


def test_pairwise_scores_skip_items_without_truth_and_split_unassigned_items():
    truth = pd.Series(["A", "A", "A", None, "B", "B"])
    predicted = pd.array([1, 1, pd.NA, 1, pd.NA, pd.NA], dtype="Int64")
    scores = pairwise_scores(truth, predicted)
    # Scored: A = {1, 1, own}, B = {own, own}: 1 correct pair of 4 true, 1 predicted.
    assert scores["items"] == 5
    assert scores["true_pairs"] == 4
    assert scores["predicted_pairs"] == 1
    assert scores["correct_pairs"] == 1
    assert scores["precision"] == 1.0
    assert scores["recall"] == 0.25
    assert scores["predicted_clusters"] == 4
    assert scores["exact_share"] == 0.0


def test_pairwise_scores_reject_different_lengths():
    with pytest.raises(ValueError, match="length"):
        pairwise_scores(["A", "B"], [1])
