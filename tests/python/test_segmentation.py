"""hvc.segmentation and hvc.segmentation_insights on small synthetic frames (no dbt)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy.cluster.hierarchy import cut_tree, linkage
from sklearn.datasets import make_blobs
from sklearn.metrics import adjusted_rand_score, pairwise_distances, silhouette_score

from hvc.segmentation import (
    INPUT_COLUMNS,
    INSIDERS,
    SEGMENT_COLUMNS,
    SELECTION_COLUMNS,
    SINGLE_SEGMENT,
    SegmentationConfig,
    choose_candidate,
    cut_tree_at,
    insider_flags,
    name_segments,
    segment_and_select,
    segment_customers,
    select_models,
    silhouette_from_distances,
)
from hvc.segmentation_insights import (
    BACKTEST_COLUMNS,
    SUMMARY_COLUMNS,
    backtest_insiders,
    compare_revenue,
    eligibility_rule,
    summarise_insiders,
)

BLOB_FEATURES = ("recency_days", "order_count", "adjusted_revenue")
# Small and quick: two methods, few resamples; the size rules do not bind on equal blobs.
BLOB_CONFIG = SegmentationConfig(
    features=BLOB_FEATURES,
    methods=("kmeans", "ward"),
    k_max=7,
    stability_resamples=3,
    max_top_segment_share=0.5,
    bootstrap_resamples=200,
)


def blob_customers(k: int, n: int = 1200, seed: int = 3, line: str = "retail") -> pd.DataFrame:
    """Customers in `k` well-separated groups of the log-features; group `g` is worth more
    the higher `g` (its revenue centre grows with it). `true_group` is the answer key."""
    centers = np.column_stack(
        [
            np.linspace(5.0, 1.0, k),  # log1p(recency): valuable groups are recent
            np.linspace(0.5, 3.0, k) + np.tile([0.0, 1.2], k)[:k],  # log1p(purchases)
            np.linspace(4.0, 9.0, k),  # log1p(revenue)
        ]
    )
    x, group = make_blobs(n_samples=n, centers=centers, cluster_std=0.18, random_state=seed)
    values = np.expm1(x)
    revenue = np.round(values[:, 2], 2)
    orders = np.maximum(1, np.round(values[:, 1]))
    return pd.DataFrame(
        {
            "customer_key": [f"{line}-{i:05d}" for i in range(n)],
            "business_line": line,
            "net_revenue": revenue,
            "adjusted_revenue": revenue,
            "order_count": orders,
            "average_order_value": revenue / orders,
            "recency_days": np.round(values[:, 0]),
            "tenure_days": np.round(values[:, 0]) + 30,
            "distinct_product_count": orders,
            "item_count": orders * 2,
            "purchase_frequency": 1.0,
            "return_rate": 0.0,
            "ticket_open_days": 0.0,
            "true_group": group,
        }
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


def test_segments_are_numbered_by_value_and_segment_one_is_the_insiders() -> None:
    customers = blob_customers(4)
    _, segments = segment_and_select(customers[INPUT_COLUMNS], BLOB_CONFIG)
    merged = customers.merge(segments, on="customer_key")
    medians = merged.groupby("segment_id")["adjusted_revenue"].median()
    assert list(medians.index) == [1, 2, 3, 4]
    assert medians.is_monotonic_decreasing and medians.is_unique
    # the planted most valuable group is segment 1, and it is the Insiders
    top_group = merged.loc[merged["segment_id"] == 1, "true_group"].mode().iloc[0]
    assert top_group == 3
    assert (merged["is_insider"] == (merged["segment_id"] == 1)).all()
    assert set(merged.loc[merged["segment_id"] == 1, "segment_name"]) == {INSIDERS}
    names = merged.groupby("segment_id")["segment_name"].first()
    assert names.is_unique


def test_same_data_gives_the_same_segments_whatever_the_row_order() -> None:
    customers = blob_customers(4)[INPUT_COLUMNS]
    first_selection, first = segment_and_select(customers, BLOB_CONFIG)
    second_selection, second = segment_and_select(customers, BLOB_CONFIG)
    shuffled = customers.sample(frac=1.0, random_state=11)
    third_selection, third = segment_and_select(shuffled, BLOB_CONFIG)
    pd.testing.assert_frame_equal(first, second)
    pd.testing.assert_frame_equal(first, third)
    pd.testing.assert_frame_equal(first_selection, second_selection)
    pd.testing.assert_frame_equal(first_selection, third_selection)


def test_two_step_path_reproduces_the_one_pass_segments() -> None:
    # The dbt models select first, then refit the chosen candidate in another process.
    customers = blob_customers(3)[INPUT_COLUMNS]
    selection, one_pass = segment_and_select(customers, BLOB_CONFIG)
    pd.testing.assert_frame_equal(select_models(customers, BLOB_CONFIG), selection)
    pd.testing.assert_frame_equal(segment_customers(customers, selection, BLOB_CONFIG), one_pass)


def test_every_customer_gets_exactly_one_segment_in_its_own_line() -> None:
    customers = pd.concat(
        [blob_customers(3, line="retail"), blob_customers(4, n=800, seed=5, line="software")]
    )[INPUT_COLUMNS]
    selection, segments = segment_and_select(customers, BLOB_CONFIG)
    assert list(segments.columns) == SEGMENT_COLUMNS
    assert list(selection.columns) == SELECTION_COLUMNS
    assert segments["customer_key"].is_unique
    assert set(segments["customer_key"]) == set(customers["customer_key"])
    lines = customers.set_index("customer_key")["business_line"]
    assert (segments.set_index("customer_key")["business_line"] == lines).all()
    assert selection.groupby("business_line")["is_chosen"].sum().to_dict() == {
        "retail": 1,
        "software": 1,
    }
    chosen = selection[selection["is_chosen"]].set_index("business_line")["n_clusters"]
    assert chosen.to_dict() == {"retail": 3, "software": 4}


def test_a_line_too_small_to_segment_is_one_segment_without_insiders() -> None:
    customers = blob_customers(3, n=30)[INPUT_COLUMNS]
    selection, segments = segment_and_select(customers, BLOB_CONFIG)
    assert selection["candidate_id"].tolist() == ["single_segment"]
    assert set(segments["segment_id"]) == {1}
    assert set(segments["segment_name"]) == {SINGLE_SEGMENT}
    assert not segments["is_insider"].any()


def test_empty_input_gives_empty_typed_outputs() -> None:
    empty = pd.DataFrame({column: [] for column in INPUT_COLUMNS})
    selection, segments = segment_and_select(empty, BLOB_CONFIG)
    assert selection.empty and list(selection.columns) == SELECTION_COLUMNS
    assert segments.empty and list(segments.columns) == SEGMENT_COLUMNS


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


def test_cut_tree_at_matches_scipy() -> None:
    rng = np.random.default_rng(1)
    x = rng.normal(size=(400, 3))
    x[:20] = 0.0  # ties
    tree = linkage(x, method="ward")
    cuts = cut_tree_at(tree, [2, 5, 9, 400])
    assert sorted(cuts) == [2, 5, 9]
    for k in (2, 5, 9):
        assert len(np.unique(cuts[k])) == k
        assert adjusted_rand_score(cut_tree(tree, n_clusters=k)[:, 0], cuts[k]) == 1.0


def test_top_share_rule_takes_the_most_valuable_customers_rounded_up() -> None:
    frame = pd.DataFrame(
        {"customer_key": ["d", "c", "b", "a"], "adjusted_revenue": [10.0, 50.0, 50.0, 5.0]}
    )
    config = SegmentationConfig(insiders_rule="top_share", insiders_top_share=0.3)
    flags = insider_flags(frame, np.array([1, 1, 2, 2]), config)
    # ceil(0.3 * 4) = 2; b and c tie on value
    assert flags.tolist() == [False, True, True, False]
    config = SegmentationConfig(insiders_rule="top_share", insiders_top_share=0.2)
    assert insider_flags(frame, np.ones(4), config).tolist() == [False, False, True, False]


def test_segment_names_come_from_profiles_and_repeat_names_are_numbered() -> None:
    frame = pd.DataFrame(
        {
            "adjusted_revenue": [900, 800, 100, 90, 95, 85, 10, 12],
            "order_count": [9, 8, 1, 1, 1, 1, 1, 1],
            "recency_days": [5, 6, 300, 310, 305, 290, 400, 420],
        }
    )
    ids = np.array([1, 1, 2, 2, 3, 3, 4, 4])
    names = name_segments(frame, ids, top_is_insiders=True)
    assert names[1] == INSIDERS
    # days since the last purchase: segments 2 and 3 sit in the middle third, 4 in the last
    assert names[2] == "Cooling one-time buyers, mid spend 1"
    assert names[3] == "Cooling one-time buyers, mid spend 2"
    assert names[4] == "Lapsed one-time buyers, low spend"
    assert name_segments(frame, ids, top_is_insiders=False)[1] == "Active regulars, high spend"


def test_config_reads_dbt_strings_and_rejects_nonsense() -> None:
    config = SegmentationConfig.from_mapping(
        {
            "features": "['order_count', 'recency_days']",
            "k_max": "6",
            "use_pca": "True",
            "methods": "kmeans, ward",
            "min_stability": "0.7",
            "insiders_rule": None,
        }
    )
    assert config.features == ("order_count", "recency_days")
    assert (config.k_max, config.use_pca, config.min_stability) == (6, True, 0.7)
    assert config.methods == ("kmeans", "ward")
    assert config.insiders_rule == "top_segment"
    with pytest.raises(ValueError):
        SegmentationConfig.from_mapping({"methods": "kmeans,dbscan"})
    with pytest.raises(ValueError):
        SegmentationConfig.from_mapping({"k_min": "1"})
    with pytest.raises(ValueError):
        SegmentationConfig.from_mapping({"unknown_setting": "1"})
    with pytest.raises(ValueError):
        SegmentationConfig.from_mapping({"features": "order_count,shoe_size"})


def test_pca_space_adds_candidates_scored_in_the_feature_space() -> None:
    customers = blob_customers(3)[INPUT_COLUMNS]
    config = SegmentationConfig(
        features=BLOB_FEATURES, methods=("kmeans",), k_max=4, use_pca=True, pca_variance=0.99
    )
    selection = select_models(customers, config)
    assert set(selection["fit_space"]) == {"features", "pca"}
    by_id = selection.set_index("candidate_id")["silhouette"]
    # three well-separated blobs: both spaces find the same partition, so the same silhouette
    assert by_id["kmeans_k3_pca"] == pytest.approx(by_id["kmeans_k3_features"], abs=1e-9)


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
    rule = eligibility_rule(frame, is_insider, SegmentationConfig())
    assert rule["accuracy"] > 0.99
    assert rule["baseline_accuracy"] < 0.9
    assert "purchases >= 6" in rule["rule"]
    assert "revenue > 1,0" in rule["rule"] or "revenue > 99" in rule["rule"]


def test_rule_text_reads_whole_numbers_and_money() -> None:
    from hvc.segmentation_insights import _describe

    text = _describe({"order_count": [3.5, 4.5], "net_revenue": [1234.5, math.inf]})
    assert text == "purchases = 4 and net revenue > 1,234.50"
    text = _describe({"recency_days": [-math.inf, 29.5], "return_rate": [0.015, 0.5]})
    assert (
        text == "days since the last purchase <= 29 and return rate > 1.5% and return rate <= 50.0%"
    )


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


def backtest_frame(n: int = 1500, seed: int = 8) -> pd.DataFrame:
    customers = blob_customers(3, n=n, seed=seed)
    rng = np.random.default_rng(seed)
    # future revenue follows past revenue, with noise; some customers do not come back
    future = customers["net_revenue"] * rng.uniform(0.0, 0.6, n) * (rng.random(n) < 0.7)
    return customers[INPUT_COLUMNS].assign(
        future_net_revenue=np.round(future, 2),
        future_order_count=(future > 0).astype(int),
        cutoff_date=pd.Timestamp("2011-09-10"),
        horizon_end_date=pd.Timestamp("2011-12-09"),
    )


def test_backtest_measures_insiders_against_the_top_past_spenders() -> None:
    frame = backtest_frame()
    backtest, selection = backtest_insiders(frame, BLOB_CONFIG)
    assert list(backtest.columns) == BACKTEST_COLUMNS
    assert backtest["selection"].tolist() == ["segment_insiders", "top_past_spend"]
    insiders, naive = backtest.iloc[0], backtest.iloc[1]
    assert insiders["selected_customers"] == naive["selected_customers"] > 0
    # the baseline recomputed by hand: as many customers, the highest past net revenue
    top = frame.sort_values(["net_revenue", "customer_key"], ascending=[False, True]).head(
        int(naive["selected_customers"])
    )
    assert naive["future_revenue_selected"] == pytest.approx(top["future_net_revenue"].sum())
    assert naive["share_of_future_revenue"] == pytest.approx(
        top["future_net_revenue"].sum() / frame["future_net_revenue"].sum()
    )
    assert naive["share_ci_lower"] <= naive["share_of_future_revenue"] <= naive["share_ci_upper"]
    assert insiders["share_difference_vs_baseline"] == pytest.approx(
        insiders["share_of_future_revenue"] - naive["share_of_future_revenue"]
    )
    assert math.isnan(naive["share_difference_vs_baseline"])
    assert insiders["cutoff_date"] == pd.Timestamp("2011-09-10")
    assert selection["is_chosen"].sum() == 1


def test_backtest_of_no_customers_is_empty() -> None:
    frame = backtest_frame().head(0)
    backtest, _ = backtest_insiders(frame, BLOB_CONFIG)
    assert backtest.empty and list(backtest.columns) == BACKTEST_COLUMNS
