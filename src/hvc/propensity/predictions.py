"""Out-of-fold and final probabilities, and how good they are: metrics and calibration."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning

from hvc.propensity.features import CandidateFeatures
from hvc.propensity.metrics import calibration_bins, choose_threshold, classification_metrics
from hvc.propensity.models import (
    MIN_PER_CLASS_PER_FOLD,
    MODEL_NAMES,
    SCORING_MODEL,
    _one_thread,
    _prepare,
    build_model,
    can_fit,
    canonical,
    configured,
    fit_final_model,
    fit_sample,
    fold_numbers,
    model_version,
)
from hvc.propensity.settings import PropensitySettings
from hvc.propensity.tables import (
    CALIBRATION_TYPES,
    METRIC_COLUMNS,
    METRIC_TYPES,
    PREDICTION_TYPES,
    _typed,
)


def predict_propensity(facts: pd.DataFrame, settings: PropensitySettings) -> pd.DataFrame:
    """Out-of-fold probabilities of every model, and the scoring model's final scores.

    One row per customer and model with `evaluation = 'out_of_fold'` (from the model fitted
    without the customer's fold), plus one row per customer for the scoring model with
    `evaluation = 'final'` (fitted on everyone): the score. The final rows carry the scoring
    model's design columns (`scoring_features`, a JSON list), which `propensity_coefficients`
    reuses instead of fitting the model again. Columns `PREDICTION_COLUMNS`, the id and the
    outcome named as configured (`settings.features`).
    """
    if not can_fit(facts, settings):
        return configured(_typed(None, PREDICTION_TYPES), settings)
    everyone, everyone_outcome = _prepare(facts, settings)
    kept = fit_sample(everyone, everyone_outcome, settings)
    ordered, outcome = everyone[kept].reset_index(drop=True), everyone_outcome[kept]
    folds = fold_numbers(outcome, settings)
    final = fit_final_model(ordered, settings)
    candidate_count = len(
        CandidateFeatures(settings.min_level_count, settings.features).fit(ordered).feature_names_
    )
    frames = []
    for name in MODEL_NAMES:
        probability = np.empty(len(ordered))
        for number in range(settings.folds):
            test = folds == number
            model = clone(build_model(name, settings))
            with _one_thread(), warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                model.fit(ordered[~test], outcome[~test])
                probability[test] = model.predict_proba(ordered[test])[:, 1]
        if name == SCORING_MODEL:
            version, feature_count = final.version, len(final.selected)
        else:
            version, feature_count = model_version(name, settings), candidate_count
        frames.append(
            _prediction_frame(
                ordered, name, "out_of_fold", folds, outcome, probability, feature_count, version
            )
        )
    # every customer is scored; those outside the fit sample have no fold
    everyone_folds = pd.array(np.full(len(everyone), pd.NA), dtype="Int64")
    everyone_folds[kept] = folds
    frames.append(
        _prediction_frame(
            everyone,
            SCORING_MODEL,
            "final",
            everyone_folds,
            everyone_outcome,
            final.predict(everyone),
            len(final.selected),
            final.version,
        ).assign(scoring_features=json.dumps(final.selected))
    )
    return configured(_typed(pd.concat(frames, ignore_index=True), PREDICTION_TYPES), settings)


def _prediction_frame(
    ordered: pd.DataFrame,
    name: str,
    evaluation: str,
    folds: np.ndarray | pd.api.extensions.ExtensionArray,
    outcome: np.ndarray,
    probability: np.ndarray,
    feature_count: int,
    version: str,
) -> pd.DataFrame:
    """One model's probabilities as rows of the predictions table (`folds`: null for a
    customer outside the fit sample)."""
    folds = pd.array(folds, dtype="Int64")
    return pd.DataFrame(
        {
            "customer_key": ordered["customer_key"].astype(str).to_numpy(),
            "model_name": name,
            "evaluation": evaluation,
            "cv_fold": folds,
            "is_holdout": (folds == 0).fillna(False).to_numpy(dtype=bool),
            "has_license_3": outcome.astype(bool),
            "probability": probability.astype(float),
            "feature_count": np.int64(feature_count),
            "model_version": version,
            "scoring_features": None,
        }
    )


def propensity_metrics(
    predictions: pd.DataFrame, settings: PropensitySettings, facts: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Per model: metrics on all out-of-fold predictions and on the holdout (fold 0).

    The out-of-fold threshold is chosen on all out-of-fold predictions (it is the one the
    scores use); the holdout's on the other folds' predictions only. Columns `METRIC_COLUMNS`,
    `fit_status` = `fitted`. With no predictions, `facts` (the customers the models would
    fit, with `has_license_3`) give one row `evaluation = 'not_fitted'` saying why: a build
    without enough buyers goes on, and its metrics table says so rather than being empty.
    """
    predictions = canonical(predictions, settings)
    if predictions.empty and facts is not None:
        return _not_fitted(canonical(facts, settings), settings)
    rows = []
    for name in MODEL_NAMES:
        oof = predictions[
            (predictions["model_name"] == name) & (predictions["evaluation"] == "out_of_fold")
        ].sort_values("customer_key", kind="stable")
        if oof.empty:
            continue
        holdout = oof["is_holdout"].to_numpy(dtype=bool)
        cases = [("out_of_fold", np.ones(len(oof), bool), np.ones(len(oof), bool))]
        cases.append(("holdout", ~holdout, holdout))
        for evaluation, tuned_on, measured_on in cases:
            tune, measure = oof[tuned_on], oof[measured_on]
            threshold = choose_threshold(
                tune["probability"].to_numpy(),
                tune["has_license_3"].to_numpy(dtype=float),
                settings.target_precision,
            )
            metrics = classification_metrics(
                measure["probability"].to_numpy(),
                measure["has_license_3"].to_numpy(dtype=float),
                threshold,
                measure["customer_key"].to_numpy(),
            )
            rows.append(
                {
                    "model_name": name,
                    "evaluation": evaluation,
                    "threshold_rule": settings.threshold_rule,
                    "feature_count": int(oof["feature_count"].iloc[0]),
                    "is_scoring_model": name == SCORING_MODEL,
                    "fit_status": "fitted",
                    "model_version": oof["model_version"].iloc[0],
                    **metrics,
                }
            )
    return _typed(pd.DataFrame(rows, columns=METRIC_COLUMNS) if rows else None, METRIC_TYPES)


def _not_fitted(facts: pd.DataFrame, settings: PropensitySettings) -> pd.DataFrame:
    """The one metrics row of a build whose customers are too few to fit: how many buyers
    and non-buyers there are, and how many each side needs."""
    outcome = (
        facts["has_license_3"].astype(bool).to_numpy()
        if "has_license_3" in facts.columns
        else np.zeros(0, dtype=bool)
    )
    buyers, customers = int(outcome.sum()), len(outcome)
    least = MIN_PER_CLASS_PER_FOLD * settings.folds
    status = (
        f"not fitted: {buyers:,} buyers and {customers - buyers:,} non-buyers; each side needs "
        f"{least:,} ({MIN_PER_CLASS_PER_FOLD} per fold x {settings.folds} folds)"
    )
    row = dict.fromkeys(METRIC_COLUMNS, np.nan) | {
        "model_name": SCORING_MODEL,
        "evaluation": "not_fitted",
        "customers": customers,
        "buyers": buyers,
        "base_rate": buyers / customers if customers else np.nan,
        "threshold_rule": settings.threshold_rule,
        "feature_count": 0,
        "is_scoring_model": True,
        "fit_status": status,
        "model_version": "",
    }
    return _typed(pd.DataFrame([row], columns=METRIC_COLUMNS), METRIC_TYPES)


def propensity_calibration(
    predictions: pd.DataFrame, settings: PropensitySettings | None = None
) -> pd.DataFrame:
    """Per decile of the scoring model's out-of-fold probabilities: mean predicted probability
    against the observed rate (`settings` name the id and outcome columns; default: the
    License-3 model's). Columns `CALIBRATION_COLUMNS`."""
    if settings is not None:
        predictions = canonical(predictions, settings)
    oof = predictions[
        (predictions["model_name"] == SCORING_MODEL) & (predictions["evaluation"] == "out_of_fold")
    ]
    if oof.empty:
        return _typed(None, CALIBRATION_TYPES)
    bins = calibration_bins(
        oof["probability"].to_numpy(),
        oof["has_license_3"].to_numpy(dtype=float),
        oof["customer_key"].to_numpy(),
    )
    bins["model_name"] = SCORING_MODEL
    bins["evaluation"] = "out_of_fold"
    bins["model_version"] = oof["model_version"].iloc[0]
    return _typed(bins, CALIBRATION_TYPES)
