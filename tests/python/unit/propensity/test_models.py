"""hvc.propensity.models: folds, model versions, and class weighting."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score
from threadpoolctl import threadpool_limits

from helpers.propensity_facts import SMALL, make_facts
from hvc.propensity import (
    PropensitySettings,
    build_model,
    fit_final_model,
    fold_numbers,
    model_version,
)
from hvc.propensity.metrics import expected_calibration_error


def test_folds_are_stratified_and_fixed_by_the_random_state() -> None:
    outcome = np.array([1] * 30 + [0] * 90)
    folds = fold_numbers(outcome, SMALL)
    assert np.array_equal(folds, fold_numbers(outcome, SMALL))
    other = PropensitySettings(**{**SMALL.__dict__, "random_state": 8})
    assert not np.array_equal(folds, fold_numbers(outcome, other))
    for number in range(SMALL.folds):
        assert outcome[folds == number].mean() == pytest.approx(0.25, abs=0.02)


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
