"""The license-3 propensity package on small frames built in the test (no dbt)."""

from __future__ import annotations

import threading

import duckdb
import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score
from threadpoolctl import threadpool_limits

from hvc.propensity import (
    CALIBRATION_COLUMNS,
    CALIBRATION_TYPES,
    COEFFICIENT_COLUMNS,
    COEFFICIENT_TYPES,
    INTERCEPT,
    METRIC_COLUMNS,
    METRIC_TYPES,
    MODEL_NAMES,
    PREDICTION_COLUMNS,
    PREDICTION_TYPES,
    LassoSelection,
    PropensitySettings,
    build_model,
    fit_final_model,
    fold_numbers,
    model_version,
    predict_propensity,
    propensity_calibration,
    propensity_coefficients,
    propensity_metrics,
)
from hvc.propensity_features import CandidateFeatures
from hvc.propensity_metrics import (
    calibration_bins,
    choose_threshold,
    classification_metrics,
    decile_of,
    expected_calibration_error,
    lift_at,
)

INDUSTRIES = ["Retail", "Software", "Education", "Media"]
REGIONS = ["US Eastern", "Brazil", "Germany", "India"]


def make_facts(n: int = 800, seed: int = 0) -> pd.DataFrame:
    """Customers whose license-3 odds rise for Retail and engaged readers, fall in Brazil."""
    rng = np.random.default_rng(seed)
    industry = rng.choice(INDUSTRIES, n)
    region = rng.choice(REGIONS, n)
    engagement = rng.normal(size=n)
    logit = -1.2 + 1.5 * (industry == "Retail") - 1.5 * (region == "Brazil") + 0.8 * engagement
    bought = rng.random(n) < 1 / (1 + np.exp(-logit))
    received = rng.poisson(6, n)
    opens = rng.binomial(received, 1 / (1 + np.exp(-(-0.4 + 1.2 * engagement))))
    closed = rng.poisson(1.0, n)
    business = rng.random(n) < 0.7
    return pd.DataFrame(
        {
            "customer_key": [f"c{i:05d}" for i in range(n)],
            "has_license_3": bought,
            "industry": np.where(business, industry, None),
            "region": region,
            "territory": np.select(
                [region == "Germany", region == "India"], ["EMEA", "APAC"], "Americas"
            ),
            "employee_range": np.where(business, rng.choice(["1-10", "11-50", "51-200"], n), None),
            "acquisition_source": np.where(
                rng.random(n) < 0.7, rng.choice(["google", "facebook", "youtube"], n), None
            ),
            "employee_count": np.where(business, rng.integers(2, 500, n), np.nan),
            "is_business": business,
            "email_received_count": received,
            "email_open_count": opens,
            "email_click_count": rng.binomial(opens, 0.2),
            "closed_ticket_count": closed,
            "closed_ticket_log_hours": closed * np.log(6.0) + rng.normal(0, 0.5, n),
            "closed_ticket_thread_count": closed * 2,
        }
    )


SMALL = PropensitySettings(
    max_features=6, folds=3, random_state=7, min_level_count=10, penalties=(0.03, 0.3, 3.0)
)


# --- metrics ------------------------------------------------------------------------------


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


# --- features -----------------------------------------------------------------------------


def test_customers_without_evidence_get_the_population_ratio() -> None:
    facts = make_facts(400)
    facts.loc[:9, ["email_received_count", "email_open_count", "email_click_count"]] = 0
    features = CandidateFeatures(min_level_count=10).fit(facts)
    design = features.transform(facts)
    population = facts.email_open_count.sum() / facts.email_received_count.sum()
    assert features.population_ratios_["email_open_rate"] == pytest.approx(population)
    silent = design.loc[:9, "email_open_rate"]
    expected = (population - features.numeric_means_[1]) / features.numeric_sds_[1]
    assert np.allclose(silent, expected)
    # standardised numeric columns, 0/1 indicators
    assert design["email_open_rate"].mean() == pytest.approx(0.0, abs=1e-9)
    assert set(design["is_business"].unique()) <= {0.0, 1.0}


def test_rare_levels_pool_and_missing_values_are_unknown_or_shares() -> None:
    facts = make_facts(400)
    facts.loc[:4, "industry"] = "Zoology"
    features = CandidateFeatures(min_level_count=10).fit(facts)
    design = features.transform(facts)
    assert "industry=Zoology" not in design.columns
    assert (design.loc[:4, "industry=other"] == 1).all()
    assert "industry=unknown" in design.columns
    # acquisition: a customer without a first visit gets the population's shares
    sources = [column for column in design.columns if column.startswith("acquisition_source=")]
    missing = facts.acquisition_source.isna().to_numpy()
    assert "acquisition_source=unknown" not in design.columns
    assert np.allclose(design.loc[missing, sources].sum(axis=1), 1.0)
    assert np.allclose(design.loc[missing, sources].mean(), design.loc[~missing, sources].mean())


# --- models -------------------------------------------------------------------------------


def test_lasso_keeps_at_most_the_limit_and_no_collinear_column() -> None:
    rng = np.random.default_rng(3)
    x = pd.DataFrame(rng.normal(size=(500, 6)), columns=list("abcdef"))
    x["copy_of_a"] = 2 * x["a"]
    y = (x["a"] + x["b"] + rng.normal(size=500) > 0).astype(int)
    selection = LassoSelection(max_features=3, random_state=0).fit(x, y)
    assert len(selection.selected_) <= 3
    assert "a" in selection.selected_ or "copy_of_a" in selection.selected_
    assert not {"a", "copy_of_a"} <= set(selection.selected_)


def test_lasso_weights_are_the_same_when_fits_overlap_on_threads() -> None:
    # dbt runs the predictions and coefficients models on two threads of one process
    rng = np.random.default_rng(5)
    x = pd.DataFrame(rng.normal(size=(2000, 30)), columns=[f"x{j:02d}" for j in range(30)])
    y = (x.iloc[:, :8].sum(axis=1) + rng.normal(size=2000) > 0).astype(int)
    alone = LassoSelection(max_features=12, random_state=0).fit(x, y).lasso_weights_
    start = threading.Barrier(2)
    weights: list[dict[str, float]] = []

    def fit_three_times() -> None:
        start.wait()
        for _ in range(3):
            weights.append(LassoSelection(max_features=12, random_state=0).fit(x, y).lasso_weights_)

    threads = [threading.Thread(target=fit_three_times) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(weights) == 6
    assert all(overlapped == alone for overlapped in weights)


def test_settings_read_dbt_config_strings() -> None:
    settings = PropensitySettings.from_config(
        max_features="12", class_weight="none", target_precision="0.7", random_state="3"
    )
    assert settings.max_features == 12 and settings.class_weight is None
    assert settings.target_precision == 0.7 and settings.threshold_rule == "precision>=0.7"
    assert PropensitySettings.from_config(target_precision="").threshold_rule == "max_f1"
    with pytest.raises(ValueError):
        PropensitySettings.from_config(class_weight="heavy")


def test_predictions_cover_every_customer_and_are_identical_on_the_same_data() -> None:
    facts = make_facts(600)
    first = predict_propensity(facts, SMALL)
    # same data in another row order: same scores, same version
    second = predict_propensity(facts.sample(frac=1, random_state=5), SMALL)
    pd.testing.assert_frame_equal(first, second)
    assert list(first.columns) == PREDICTION_COLUMNS
    out_of_fold = first[first.evaluation == "out_of_fold"]
    assert sorted(out_of_fold.model_name.unique()) == sorted(MODEL_NAMES)
    assert (out_of_fold.groupby("model_name").size() == len(facts)).all()
    final = first[first.evaluation == "final"]
    assert final.customer_key.is_unique and len(final) == len(facts)
    assert first.probability.between(0, 1).all()
    assert (first.is_holdout == (first.cv_fold == 0)).all()


def test_folds_are_stratified_and_fixed_by_the_random_state() -> None:
    outcome = np.array([1] * 30 + [0] * 90)
    folds = fold_numbers(outcome, SMALL)
    assert np.array_equal(folds, fold_numbers(outcome, SMALL))
    other = PropensitySettings(**{**SMALL.__dict__, "random_state": 8})
    assert not np.array_equal(folds, fold_numbers(outcome, other))
    for number in range(SMALL.folds):
        assert outcome[folds == number].mean() == pytest.approx(0.25, abs=0.02)


def test_the_scoring_model_finds_the_planted_drivers() -> None:
    facts = make_facts(1500, seed=2)
    predictions = predict_propensity(facts, SMALL)
    metrics = propensity_metrics(predictions, SMALL).set_index(["model_name", "evaluation"])
    assert list(metrics.reset_index().columns) == METRIC_COLUMNS
    scoring = metrics.loc[("logistic_regression", "out_of_fold")]
    assert scoring["roc_auc"] > 0.7 and scoring["feature_count"] <= SMALL.max_features
    assert scoring["expected_calibration_error"] < 0.05
    assert scoring["mean_predicted_probability"] == pytest.approx(scoring["base_rate"], abs=0.02)
    coefficients = propensity_coefficients(facts, SMALL).set_index("feature")
    assert list(coefficients.reset_index().columns) == COEFFICIENT_COLUMNS
    assert coefficients.loc["industry=Retail", "coefficient"] > 0.8
    assert coefficients.loc["region=Brazil", "coefficient"] < -0.8
    assert coefficients.loc["email_open_rate", "coefficient"] > 0
    assert np.allclose(coefficients.odds_ratio, np.exp(coefficients.coefficient))
    assert (coefficients.odds_ratio_lower_95 < coefficients.odds_ratio).all()
    assert (coefficients.odds_ratio < coefficients.odds_ratio_upper_95).all()
    ranked = coefficients.drop(INTERCEPT).sort_values("importance_rank")
    assert ranked.standardised_importance.is_monotonic_decreasing
    assert set(ranked.index[:3]) >= {"industry=Retail", "region=Brazil"}
    # the coefficients describe the model that scored
    final = fit_final_model(facts, SMALL)
    assert set(coefficients.index) - {INTERCEPT} == set(final.selected)
    assert (coefficients.model_version == final.version).all()
    assert (
        predictions.model_version[predictions.model_name == "logistic_regression"] == final.version
    ).all()
    calibration = propensity_calibration(predictions)
    assert list(calibration.columns) == CALIBRATION_COLUMNS and len(calibration) == 10
    assert calibration.observed_rate.iloc[0] > calibration.observed_rate.iloc[-1]


def out_of_fold(facts: pd.DataFrame, settings: PropensitySettings) -> np.ndarray:
    """The scoring model's out-of-fold probabilities, in customer_key order."""
    ordered = facts.sort_values("customer_key").reset_index(drop=True)
    outcome = ordered.has_license_3.to_numpy(dtype=int)
    folds = fold_numbers(outcome, settings)
    probability = np.empty(len(ordered))
    with threadpool_limits(limits=1):
        for number in range(settings.folds):
            test = folds == number
            model = build_model("logistic_regression", settings)
            model.fit(ordered[~test], outcome[~test])
            probability[test] = model.predict_proba(ordered[test])[:, 1]
    return probability


def test_class_weighting_ranks_alike_and_stays_calibrated() -> None:
    facts = make_facts(1200, seed=4)
    outcome = facts.sort_values("customer_key").has_license_3.to_numpy(dtype=int)
    weighted = PropensitySettings(**{**SMALL.__dict__, "class_weight": "balanced"})
    plain = out_of_fold(facts, SMALL)
    balanced = out_of_fold(facts, weighted)
    # a balanced fit's raw probabilities centre near 0.5; recalibrated they follow the outcome
    assert balanced.mean() == pytest.approx(outcome.mean(), abs=0.03)
    assert expected_calibration_error(balanced, outcome) < 0.06
    assert roc_auc_score(outcome, balanced) == pytest.approx(
        roc_auc_score(outcome, plain), abs=0.03
    )
    raw = build_model("logistic_regression", weighted).estimator.fit(
        facts, facts.has_license_3.astype(int)
    )
    assert raw.predict_proba(facts)[:, 1].mean() > outcome.mean() + 0.1
    assert fit_final_model(facts, weighted).version != fit_final_model(facts, SMALL).version


def test_model_version_names_features_settings_and_package() -> None:
    a = model_version("logistic_regression", SMALL, features=["x", "y"], penalty="0.1")
    assert a == model_version("logistic_regression", SMALL, features=["x", "y"], penalty="0.1")
    assert a != model_version("logistic_regression", SMALL, features=["x"], penalty="0.1")
    assert a != model_version("logistic_regression", SMALL, features=["x", "y"], penalty="1")
    assert a.startswith("0.") and "+" in a


def test_too_few_buyers_give_empty_tables_of_the_right_types() -> None:
    """A warehouse without shop data (or too small) still builds: the tables are empty."""
    facts = make_facts(200)
    facts["has_license_3"] = False
    facts.loc[:5, "has_license_3"] = True  # 6 buyers: fewer than 2 per fold for 5 folds
    settings = PropensitySettings()
    predictions = predict_propensity(facts, settings)
    outputs = {
        "predictions": predictions,
        "metrics": propensity_metrics(predictions, settings),
        "calibration": propensity_calibration(predictions),
        "coefficients": propensity_coefficients(facts, settings),
        "no rows": predict_propensity(facts.iloc[:0], settings),
    }
    expected = {
        "predictions": PREDICTION_TYPES,
        "metrics": METRIC_TYPES,
        "calibration": CALIBRATION_TYPES,
        "coefficients": COEFFICIENT_TYPES,
        "no rows": PREDICTION_TYPES,
    }
    for name, output in outputs.items():
        assert output.empty and list(output.columns) == list(expected[name]), name
        # DuckDB reads an empty untyped text column as INTEGER; these stay VARCHAR
        types = duckdb.sql("select * from output").types
        text = [
            column for column, kind in zip(output.columns, types, strict=True) if kind == "VARCHAR"
        ]
        assert text == [column for column, kind in expected[name].items() if kind == "str"], name
