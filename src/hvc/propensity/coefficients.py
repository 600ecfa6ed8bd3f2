"""The scoring model explained: its features refitted with statsmodels for odds ratios."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import statsmodels.api as sm

from hvc.propensity.features import CandidateFeatures, split_column
from hvc.propensity.models import _prepare, can_fit, fit_final_model, fit_rows
from hvc.propensity.settings import PropensitySettings
from hvc.propensity.tables import COEFFICIENT_TYPES, _typed

INTERCEPT = "(intercept)"


def _meaning(column: str, features: CandidateFeatures) -> str:
    """What a design column of the scoring model means, in words."""
    group, level = split_column(column)
    if column == INTERCEPT:
        return "log-odds of a customer with every indicator 0 and every numeric feature average"
    spec = features.spec
    if level is None and group in spec.indicators:
        return f"1 if {spec.description(group)}, else 0"
    if level is None:
        scale = features.numeric_scale(group)
        return f"{spec.description(group)}, per standard deviation ({scale:.3g})"
    label = group.replace("_", " ")
    if level == "other":
        text = f"1 if the {label} is a rare one (pooled), else 0"
    elif level == "unknown":
        text = f"1 if the {label} is unknown, else 0"
    else:
        text = f"1 if the {label} is {level}, else 0"
    reference = features.reference_level(group)
    if reference is not None:
        text += f"; against {_level_words(reference, label)}"
    if spec.categorical.get(group) == "shares":
        text += " (population shares when unknown before the cutoff)"
    return text


def _level_words(level: str, label: str) -> str:
    """A reference level in words."""
    if level == "other":
        return f"a rare {label} (pooled)"
    if level == "unknown":
        return f"an unknown {label}"
    return f"{label} {level}"


def propensity_coefficients(
    facts: pd.DataFrame, settings: PropensitySettings, predictions: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The scoring model's features refitted with statsmodels' unpenalised Logit.

    The scoring model's design columns and version come from its final rows in `predictions`
    (`predict_propensity`: the model is fitted once); without them it is fitted here.
    Indicator features are 0/1 (odds ratio: a customer with it against one without, all else
    equal); numeric features are standardised (odds ratio per standard deviation).
    Standardised importance is |coefficient| x the feature's standard deviation among the
    customers. Columns `COEFFICIENT_COLUMNS`; the intercept comes first, unranked.
    """
    if not can_fit(facts, settings):
        return _typed(None, COEFFICIENT_TYPES)
    # the customers the scoring model was fitted on (all of them, up to max_fit_customers)
    ordered, outcome = fit_rows(*_prepare(facts, settings), settings)
    selected, version = _scoring_model(ordered, settings, predictions)
    # the scoring model's own first step, fitted on the same customers: the same columns
    features = CandidateFeatures(settings.min_level_count, settings.features).fit(ordered)
    design = features.transform(ordered)[selected]
    exog = sm.add_constant(design, has_constant="add").rename(columns={"const": INTERCEPT})
    with warnings.catch_warnings():
        # near-separation warns; the estimates and their wide intervals are still reported
        warnings.simplefilter("ignore")
        try:
            fit = sm.Logit(outcome, exog).fit(method="newton", maxiter=200, disp=False)
        except np.linalg.LinAlgError:
            fit = sm.Logit(outcome, exog).fit(method="bfgs", maxiter=1000, disp=False)
    interval = fit.conf_int(alpha=0.05)
    sd = exog.std(ddof=0)
    frame = pd.DataFrame(
        {
            "feature": exog.columns,
            "coefficient": fit.params.to_numpy(),
            "standard_error": fit.bse.to_numpy(),
            "odds_ratio": np.exp(fit.params.to_numpy()),
            "odds_ratio_lower_95": np.exp(interval[0].to_numpy()),
            "odds_ratio_upper_95": np.exp(interval[1].to_numpy()),
            "p_value": fit.pvalues.to_numpy(),
        }
    )
    frame["feature_group"] = [
        None if column == INTERCEPT else split_column(column)[0] for column in frame["feature"]
    ]
    frame["feature_level"] = [split_column(column)[1] for column in frame["feature"]]
    frame["reference_level"] = pd.array(
        [
            features.reference_level(group) if level is not None else None
            for group, level in (split_column(column) for column in frame["feature"])
        ],
        dtype="string",
    )
    frame["meaning"] = [_meaning(column, features) for column in frame["feature"]]
    importance = (frame["coefficient"].abs() * sd.reindex(frame["feature"]).to_numpy()).where(
        frame["feature"] != INTERCEPT
    )
    frame["standardised_importance"] = importance
    ranks = importance.rank(ascending=False, method="first")
    frame["importance_rank"] = ranks.astype("Int64")
    frame["model_version"] = version
    order = frame.assign(_rank=frame["importance_rank"].fillna(0)).sort_values(
        ["_rank", "feature"], kind="stable"
    )
    return _typed(order, COEFFICIENT_TYPES)


def scoring_model_rows(predictions) -> pd.DataFrame:
    """The scoring model's description from a predictions relation (a DuckDB relation of
    `predict_propensity`'s output): one final row, for `propensity_coefficients`."""
    return (
        predictions.filter("evaluation = 'final'")
        .select("evaluation, model_version, scoring_features")
        .limit(1)
        .df()
    )


def _scoring_model(
    ordered: pd.DataFrame, settings: PropensitySettings, predictions: pd.DataFrame | None
) -> tuple[list[str], str]:
    """The scoring model's design columns and version: from its final predictions when they
    are given, else from a fit."""
    if predictions is not None and "scoring_features" in predictions.columns:
        final = predictions[predictions["evaluation"] == "final"]
        if not final.empty:
            row = final.iloc[0]
            return json.loads(row["scoring_features"]), str(row["model_version"])
    model = fit_final_model(ordered, settings)
    return model.selected, model.version
