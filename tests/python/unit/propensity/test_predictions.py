"""hvc.propensity predictions, metrics, calibration and coefficients on small frames built in
the test (no dbt)."""

from __future__ import annotations

import dataclasses

import duckdb
import numpy as np
import pandas as pd
import pytest

from helpers.propensity_facts import SMALL, make_facts
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
    PropensitySettings,
    fit_final_model,
    predict_propensity,
    propensity_calibration,
    propensity_coefficients,
    propensity_metrics,
)
from hvc.propensity.features import FeatureSpec


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


def test_the_coefficients_reuse_the_scoring_model_instead_of_fitting_it_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    facts = make_facts(800, seed=3)
    predictions = predict_propensity(facts, SMALL)
    refitted = propensity_coefficients(facts, SMALL)

    def no_second_fit(*_args, **_kwargs):
        raise AssertionError("the scoring model was fitted a second time")

    monkeypatch.setattr("hvc.propensity.coefficients.fit_final_model", no_second_fit)
    reused = propensity_coefficients(facts, SMALL, predictions)
    pd.testing.assert_frame_equal(reused, refitted, check_exact=True)
    final = predictions[predictions.evaluation == "final"]
    assert final.scoring_features.nunique() == 1
    assert predictions[predictions.evaluation != "final"].scoring_features.isna().all()


def test_too_few_buyers_give_empty_tables_of_the_right_types() -> None:
    """A warehouse without shop data (or too small) still builds: the tables are empty."""
    facts = make_facts(200)
    facts["has_license_3"] = False
    facts.loc[:5, "has_license_3"] = True  # 6 buyers: fewer than 2 per fold for 5 folds
    settings = PropensitySettings.from_project()
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
        assert text == [
            column for column, kind in expected[name].items() if kind in ("str", "string")
        ], name


def test_too_few_buyers_write_one_metrics_row_saying_why() -> None:
    """The build goes on, and the metrics table says the model was not fitted and why,
    rather than being empty without a word."""
    facts = make_facts(200)
    facts["has_license_3"] = False
    facts.loc[:5, "has_license_3"] = True
    settings = PropensitySettings.from_project()
    metrics = propensity_metrics(predict_propensity(facts, settings), settings, facts)
    assert list(metrics.columns) == list(METRIC_TYPES)
    assert len(metrics) == 1
    row = metrics.iloc[0]
    assert row["evaluation"] == "not_fitted" and row["is_scoring_model"]
    assert (row["customers"], row["buyers"]) == (200, 6)
    assert row["fit_status"].startswith("not fitted: 6 buyers and 194 non-buyers")
    assert np.isnan(row["roc_auc"])
    # enough buyers: every row was fitted
    facts.loc[:60, "has_license_3"] = True
    fitted = propensity_metrics(predict_propensity(facts, SMALL), SMALL, facts)
    assert (fitted["fit_status"] == "fitted").all() and len(fitted) > 1


def test_any_feature_table_is_fitted_from_its_declared_columns() -> None:
    """Another table: its own id and outcome names, a whole-number categorical, a plain
    numeric column and a yes/no one; no CRM or email columns at all. The planted effects are
    found, the outputs use the table's names, and a missing column is named."""
    rng = np.random.default_rng(12)
    n = 900
    plan = rng.choice([1, 2, 3], n, p=[0.5, 0.3, 0.2])  # whole numbers; 1 most frequent
    seats = rng.gamma(2.0, 5.0, n)
    trial = rng.random(n) < 0.4
    logit = -1.5 + 1.2 * (plan == 3) + 0.08 * seats + 0.7 * trial
    table = pd.DataFrame(
        {
            "account_id": [f"acct-{i:04d}" for i in range(n)],
            "upgraded": rng.random(n) < 1 / (1 + np.exp(-logit)),
            "plan": plan,
            "seats": seats,
            "had_trial": trial,
        }
    )
    spec = FeatureSpec.from_config(
        {
            "id_column": "account_id",
            "target": "upgraded",
            "categorical": {"plan": "level"},
            "indicators": {"had_trial": "the account had a trial"},
            "numeric": {"seats": "seats bought"},
        }
    )
    settings = dataclasses.replace(SMALL, features=spec, max_features=4)
    predictions = predict_propensity(table, settings)
    assert {"account_id", "upgraded"} <= set(predictions.columns)
    assert "customer_key" not in predictions.columns
    metrics = propensity_metrics(predictions, settings)
    assert (
        metrics.set_index(["model_name", "evaluation"]).loc[
            ("logistic_regression", "out_of_fold"), "roc_auc"
        ]
        > 0.65
    )
    calibration = propensity_calibration(predictions, settings)
    assert len(calibration) == 10
    coefficients = propensity_coefficients(table, settings, predictions).set_index("feature")
    assert coefficients.loc["plan=3", "coefficient"] > 0.6
    assert coefficients.loc["seats", "coefficient"] > 0
    assert coefficients.loc["had_trial", "coefficient"] > 0.3
    assert coefficients.loc["plan=3", "reference_level"] == "1"
    with pytest.raises(ValueError, match=r"lacks columns \['seats'\]"):
        predict_propensity(table.drop(columns="seats"), settings)


def test_above_max_fit_customers_the_models_fit_a_stratified_sample_and_score_everyone() -> None:
    facts = make_facts(1500)
    capped = dataclasses.replace(SMALL, max_fit_customers=400)
    predictions = predict_propensity(facts, capped)
    oof = predictions[predictions["evaluation"] == "out_of_fold"]
    final = predictions[predictions["evaluation"] == "final"]
    # every customer scored; the out-of-fold evaluation only on the sample, the same for each
    # model, about max_fit_customers, with the population's share of buyers
    assert sorted(final["customer_key"]) == sorted(facts["customer_key"])
    sample = set(oof["customer_key"])
    assert oof.groupby("model_name")["customer_key"].apply(set).map(sample.__eq__).all()
    assert abs(len(sample) - 400) <= 2
    in_sample = facts[facts["customer_key"].isin(sample)]
    assert in_sample["has_license_3"].mean() == pytest.approx(
        facts["has_license_3"].mean(), abs=0.005
    )
    # a customer outside the sample has no fold and is no holdout
    outside = final[~final["customer_key"].isin(sample)]
    assert len(outside) == 1500 - len(sample)
    assert outside["cv_fold"].isna().all() and not outside["is_holdout"].any()
    assert final[final["customer_key"].isin(sample)]["cv_fold"].notna().all()
    # the same sample whatever the rows' order, and mostly the same with more customers
    shuffled = predict_propensity(facts.sample(frac=1, random_state=3), capped)
    pd.testing.assert_frame_equal(predictions, shuffled)
    more = predict_propensity(make_facts(1500).iloc[:1400], capped)
    kept_again = set(more.loc[more["evaluation"] == "out_of_fold", "customer_key"]) & sample
    assert len(kept_again) >= 0.85 * len(sample)
    # the fit on 400 still finds the strongest planted driver; the coefficients refit the
    # scoring model's columns on the same sample
    coefficients = propensity_coefficients(facts, capped, predictions).set_index("feature")
    assert coefficients.loc["industry=Retail", "odds_ratio"] > 2
    metrics = propensity_metrics(predictions, capped)
    assert (metrics["customers"] <= len(sample)).all() and (metrics["roc_auc"] > 0.6).all()
    # at or under the cap nothing changes: every customer is fitted
    uncapped = predict_propensity(facts.iloc[:400], capped)
    assert (uncapped.loc[uncapped["evaluation"] == "final", "cv_fold"].notna()).all()
