"""hvc.segmentation.selection: candidates scored, and the rule that chooses one."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score, pairwise_distances, silhouette_score

from helpers.segmentation_customers import BLOB_CONFIG, BLOB_FEATURES, blob_customers
from hvc.segmentation import (
    INPUT_COLUMNS,
    SegmentationSettings,
    choose_candidate,
    segment_and_select,
    select_models,
    silhouette_from_distances,
)


@pytest.mark.parametrize("k", [3, 5])
def test_selection_finds_the_planted_number_of_groups(k: int) -> None:
    customers = blob_customers(k)
    selection, segments = segment_and_select(customers[INPUT_COLUMNS], BLOB_CONFIG)
    chosen = selection[selection["is_chosen"]]
    assert len(chosen) == 1
    assert chosen["n_clusters"].iloc[0] == k
    assert chosen["is_eligible"].iloc[0]
    merged = customers.merge(segments, on="customer_key")
    assert adjusted_rand_score(merged["true_group"], merged["segment_id"]) > 0.95


def metrics_frame(rows: list[dict]) -> pd.DataFrame:
    base = {
        "n_clusters": 3,
        "smallest_segment_share": 0.1,
        "top_segment_share": 0.2,
        "stability_ari_mean": None,
        "stability_ari_min": None,
    }
    frame = pd.DataFrame.from_records(
        [base | {"candidate_order": i, "candidate_id": f"c{i}"} | row for i, row in enumerate(rows)]
    )
    return frame.astype({"stability_ari_mean": float, "stability_ari_min": float})


def test_rule_takes_the_best_silhouette_among_stable_candidates_measuring_only_what_it_needs():
    metrics = metrics_frame(
        [
            {"silhouette": 0.30},
            {"silhouette": 0.50},  # best, but unstable
            {"silhouette": 0.45},  # chosen
            {"silhouette": 0.40},
            {"silhouette": 0.90, "top_segment_share": 0.6},  # top segment too large
            {"silhouette": 0.80, "smallest_segment_share": 0.001},  # a segment too small
            {"silhouette": None, "n_clusters": 1},
        ]
    )
    stability = {0: 0.95, 1: 0.50, 2: 0.90, 3: 0.99}
    asked: list[int] = []

    def measure(order: int) -> list[float]:
        asked.append(order)
        return [stability[order]] * 3

    chosen = choose_candidate(metrics, BLOB_CONFIG, measure)
    assert chosen.loc[chosen["is_chosen"], "candidate_id"].tolist() == ["c2"]
    assert asked == [1, 2]  # in silhouette order, stopping at the first stable candidate
    reasons = chosen.set_index("candidate_id")["ineligible_reason"]
    assert reasons["c1"].startswith("stability below")
    assert reasons["c4"].startswith("top segment above")
    assert reasons["c5"].startswith("a segment below")
    assert reasons["c6"] == "fewer than 2 segments"
    assert reasons["c0"].startswith("stability not measured")
    assert chosen["selection_reason"].notna().sum() == 1


def test_rule_breaks_silhouette_ties_by_stability_then_fewer_segments() -> None:
    metrics = metrics_frame(
        [
            {"silhouette": 0.5, "n_clusters": 4, "stability_ari_mean": 0.9},
            {"silhouette": 0.5, "n_clusters": 3, "stability_ari_mean": 0.9},
            {"silhouette": 0.5, "n_clusters": 5, "stability_ari_mean": 0.95},
        ]
    )
    chosen = choose_candidate(metrics, BLOB_CONFIG)
    assert chosen.loc[chosen["is_chosen"], "candidate_id"].tolist() == ["c2"]
    metrics.loc[2, "stability_ari_mean"] = 0.9
    chosen = choose_candidate(metrics, BLOB_CONFIG)
    assert chosen.loc[chosen["is_chosen"], "candidate_id"].tolist() == ["c1"]


def test_rule_relaxes_to_the_most_stable_when_nothing_is_stable_enough() -> None:
    metrics = metrics_frame(
        [
            {"silhouette": 0.5, "stability_ari_mean": 0.6},
            {"silhouette": 0.4, "stability_ari_mean": 0.7},
            {"silhouette": 0.9, "stability_ari_mean": 0.99, "top_segment_share": 0.9},
        ]
    )
    chosen = choose_candidate(metrics, BLOB_CONFIG)
    row = chosen[chosen["is_chosen"]].iloc[0]
    assert row["candidate_id"] == "c1"
    assert row["selection_reason"].startswith("no candidate met the rule")
    assert not chosen["is_eligible"].any()


def test_silhouette_from_distances_is_sklearns() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(300, 3))
    labels = rng.integers(0, 4, 300)
    labels[0] = 9  # a singleton scores 0
    expected = silhouette_score(x, labels)
    assert silhouette_from_distances(pairwise_distances(x), labels) == pytest.approx(expected)


def test_pca_space_adds_candidates_scored_in_the_feature_space() -> None:
    customers = blob_customers(3)[INPUT_COLUMNS]
    config = SegmentationSettings.from_project(
        features=BLOB_FEATURES, methods=("kmeans",), k_max=4, use_pca=True, pca_variance=0.99
    )
    selection = select_models(customers, config)
    assert set(selection["fit_space"]) == {"features", "pca"}
    by_id = selection.set_index("candidate_id")["silhouette"]
    # three well-separated blobs: both spaces find the same partition, so the same silhouette
    assert by_id["kmeans_k3_pca"] == pytest.approx(by_id["kmeans_k3_features"], abs=1e-9)


def test_silhouette_is_the_same_bits_on_one_or_two_blas_threads() -> None:
    """A dbt thread cannot always limit BLAS threads, so no sum over customers may go
    through a BLAS product (one did, and the silhouettes of one build differed from the
    next in their last bits)."""
    from threadpoolctl import threadpool_limits

    rng = np.random.default_rng(0)
    x = rng.normal(size=(3000, 8))
    labels = rng.integers(0, 6, 3000)
    scores = []
    for threads in (1, 2):
        with threadpool_limits(limits=threads):
            scores.append(silhouette_from_distances(pairwise_distances(x), labels))
    assert scores[0] == scores[1]
