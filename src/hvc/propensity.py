"""License-3 propensity: who among the software customers buys the most expensive license.

Input: one row per customer from `int_propensity__customer_features` (what was known before
the customer's cutoff, the first license-3 order or else the as-of time, and
`has_license_3`). Features: `hvc.propensity_features`. Three models are fitted and compared:

- `logistic_regression`, the scoring model: candidate features standardised, then an L1
  (lasso) logistic regression keeps at most `max_features` columns (at the weakest penalty
  that keeps no more, found by bisection on a log scale; taken in order of the size of their
  weight, skipping a column that is a linear combination of those already kept and the
  intercept), then an L2 logistic regression whose penalty `C` is chosen from `penalties` by
  stratified cross-validated log loss (`LogisticRegressionCV`);
- `logistic_regression_all_features`: the same without the selection (what selection costs);
- `gradient_boosting`: scikit-learn's HistGradientBoostingClassifier on all candidate columns,
  a non-linear benchmark.

With `class_weight="balanced"` each model is fitted with balanced class weights and its
probabilities are recalibrated (Platt scaling on 3-fold cross-validated predictions,
`CalibratedClassifierCV(method="sigmoid")`), so they stay probabilities.

Evaluation: stratified `folds`-fold cross-validation (shuffled with `random_state`) gives
every customer an out-of-fold probability from a model that never saw them, selection and
penalty choice included (nested). Fold 0 is the holdout: its predictions come from the model
fitted on the other folds, and its threshold is chosen on the other folds' predictions.
The scoring model is then refitted on all customers; its probabilities are the scores, and
the same features refitted with statsmodels' unpenalised Logit give coefficients, odds ratios,
95 % intervals and p-values.

With fewer than `MIN_PER_CLASS_PER_FOLD x folds` buyers or non-buyers (a warehouse without
shop data) nothing is fitted and every output is an empty frame of the usual columns and types.
"""

from __future__ import annotations

import hashlib
import json
import math
import threading
import warnings
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd
import statsmodels.api as sm
from sklearn.base import BaseEstimator, TransformerMixin, clone
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression, LogisticRegressionCV
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import l1_min_c
from threadpoolctl import threadpool_limits

from hvc import __version__
from hvc.propensity_features import (
    CATEGORICAL_FEATURES,
    FACT_COLUMNS,
    INDICATOR_FEATURES,
    RATIOS,
    CandidateFeatures,
    feature_description,
    split_column,
)
from hvc.propensity_metrics import calibration_bins, choose_threshold, classification_metrics

SCORING_MODEL = "logistic_regression"
MODEL_NAMES = [SCORING_MODEL, "logistic_regression_all_features", "gradient_boosting"]

#: Gradient-boosting benchmark settings (fixed; no early stopping, so no random split).
GRADIENT_BOOSTING = {
    "learning_rate": 0.05,
    "max_iter": 200,
    "max_leaf_nodes": 15,
    "min_samples_leaf": 40,
    "l2_regularization": 1.0,
}

#: Output columns and their pandas types (DuckDB: str -> VARCHAR, int64 -> BIGINT, ...).
PREDICTION_TYPES = {
    "customer_key": "str",
    "model_name": "str",
    "evaluation": "str",
    "cv_fold": "int64",
    "is_holdout": "bool",
    "has_license_3": "bool",
    "probability": "float64",
    "feature_count": "int64",
    "model_version": "str",
}

METRIC_TYPES = {
    "model_name": "str",
    "evaluation": "str",
    "customers": "int64",
    "buyers": "int64",
    "base_rate": "float64",
    "roc_auc": "float64",
    "pr_auc": "float64",
    "threshold": "float64",
    "threshold_rule": "str",
    "accuracy_at_threshold": "float64",
    "precision_at_threshold": "float64",
    "recall_at_threshold": "float64",
    "f1_at_threshold": "float64",
    "predicted_buyer_share": "float64",
    "lift_top_10_percent": "float64",
    "lift_top_20_percent": "float64",
    "brier_score": "float64",
    "expected_calibration_error": "float64",
    "mean_predicted_probability": "float64",
    "feature_count": "int64",
    "is_scoring_model": "bool",
    "model_version": "str",
}

COEFFICIENT_TYPES = {
    "feature": "str",
    "feature_group": "str",
    "feature_level": "str",
    "meaning": "str",
    "coefficient": "float64",
    "standard_error": "float64",
    "odds_ratio": "float64",
    "odds_ratio_lower_95": "float64",
    "odds_ratio_upper_95": "float64",
    "p_value": "float64",
    "standardised_importance": "float64",
    "importance_rank": "Int64",
    "model_version": "str",
}

CALIBRATION_TYPES = {
    "model_name": "str",
    "evaluation": "str",
    "decile": "int64",
    "customers": "int64",
    "buyers": "int64",
    "mean_predicted_probability": "float64",
    "observed_rate": "float64",
    "min_probability": "float64",
    "max_probability": "float64",
    "lift": "float64",
    "model_version": "str",
}

PREDICTION_COLUMNS = list(PREDICTION_TYPES)
METRIC_COLUMNS = list(METRIC_TYPES)
COEFFICIENT_COLUMNS = list(COEFFICIENT_TYPES)
CALIBRATION_COLUMNS = list(CALIBRATION_TYPES)

#: Fewer buyers or non-buyers than this per fold and no model is fitted: the outputs are
#: empty (a warehouse without shop data, or too small to learn from).
MIN_PER_CLASS_PER_FOLD = 2

INTERCEPT = "(intercept)"


@dataclass(frozen=True)
class PropensitySettings:
    """What the fit can be told from dbt vars (see `from_config`)."""

    max_features: int = 20
    folds: int = 5
    class_weight: str | None = None
    target_precision: float | None = None
    random_state: int = 42
    min_level_count: int = 25
    penalties: tuple[float, ...] = field(
        default=(0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
    )

    def __post_init__(self) -> None:
        if self.class_weight not in (None, "balanced"):
            raise ValueError(f"class_weight must be None or 'balanced', not {self.class_weight!r}")
        if self.folds < 2:
            raise ValueError("folds must be at least 2")
        if self.max_features < 1:
            raise ValueError("max_features must be at least 1")

    @classmethod
    def from_config(cls, **values: object) -> PropensitySettings:
        """Settings from dbt config values, which arrive as strings ('none' or '' = unset)."""

        def unset(value: object) -> bool:
            return value is None or str(value).strip().lower() in ("", "none", "null")

        kinds = {
            "max_features": int,
            "folds": int,
            "random_state": int,
            "min_level_count": int,
            "target_precision": float,
            "class_weight": str,
        }
        parsed = {}
        for key, value in values.items():
            if key not in kinds:
                raise ValueError(f"unknown propensity setting {key!r}")
            parsed[key] = None if unset(value) else kinds[key](str(value).strip())
        for key in ("max_features", "folds", "random_state", "min_level_count"):
            if parsed.get(key, 0) is None:
                parsed.pop(key)
        return cls(**parsed)

    @property
    def threshold_rule(self) -> str:
        if self.target_precision is None:
            return "max_f1"
        return f"precision>={self.target_precision:g}"


#: liblinear draws its coordinate order from one random generator per process, seeded at the
#: start of each fit: two fits on two threads at once draw from it in turn and stop (at a loose
#: tolerance) at other weights. dbt runs Python models on threads of one process: the
#: predictions and coefficients models, fitting the same customers at once, named two model
#: versions. One liblinear fit at a time.
_LIBLINEAR = threading.Lock()


class LassoSelection(TransformerMixin, BaseEstimator):
    """Keep at most `max_features` columns of a standardised frame (see the module docstring)."""

    def __init__(
        self, max_features: int = 20, class_weight: str | None = None, random_state: int = 0
    ):
        self.max_features = max_features
        self.class_weight = class_weight
        self.random_state = random_state

    def fit(self, design: pd.DataFrame, y) -> LassoSelection:
        y = np.asarray(y)
        values = design.to_numpy(dtype=float)

        def weights_at(strength: float) -> np.ndarray:
            lasso = LogisticRegression(
                l1_ratio=1.0,
                solver="liblinear",
                C=float(strength),
                class_weight=self.class_weight,
                random_state=self.random_state,
                max_iter=1000,
                # only which weights are zero matters here
                tol=1e-3,
            )
            with _LIBLINEAR, warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                return lasso.fit(values, y).coef_[0]

        def count_kept(weights: np.ndarray) -> int:
            return int(np.sum(np.abs(weights) > 1e-10))

        # below l1_min_c every weight is zero; step up by half a decade until too many
        # columns enter, then bisect (on a log scale, to a factor of 1.1) for the weakest
        # penalty that keeps at most max_features
        low = l1_min_c(values, y, loss="log") * 1.01
        chosen = weights_at(low)
        high = None
        for _ in range(12):
            candidate = low * 10**0.5
            weights = weights_at(candidate)
            if count_kept(weights) > self.max_features:
                high = candidate
                break
            low, chosen = candidate, weights
        while high is not None and high / low > 1.1:
            middle = math.sqrt(low * high)
            weights = weights_at(middle)
            if count_kept(weights) > self.max_features:
                high = middle
            else:
                low, chosen = middle, weights
        order = [
            int(j) for j in np.argsort(-np.abs(chosen), kind="stable") if abs(chosen[j]) > 1e-10
        ][: self.max_features]
        kept: list[int] = []
        basis = np.ones((len(values), 1))
        rank = 1
        for j in order:
            candidate = np.column_stack([basis, values[:, j]])
            candidate_rank = np.linalg.matrix_rank(candidate)
            if candidate_rank > rank:
                kept.append(j)
                basis, rank = candidate, candidate_rank
        self.selected_ = [design.columns[j] for j in kept]
        self.lasso_weights_ = {design.columns[j]: float(chosen[j]) for j in kept}
        return self

    def transform(self, design: pd.DataFrame) -> pd.DataFrame:
        return design[self.selected_]

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        return np.array(self.selected_, dtype=object)


def _one_thread():
    """Fit and predict on one thread: on a shared machine, OpenMP and BLAS threads waiting on
    each other cost more than they save at this size (gradient boosting on two busy cores:
    fitting 5,000 customers 11 s against 1 s on one thread; predicting 120 held-out customers
    through 200 trees 1.8 s against under 0.1 s), and one thread sums in one order.

    OpenMP limits are per thread. OpenBLAS has one limit per process, and threadpoolctl lets
    only the first Python thread that sets it change it: on dbt's other thread this limit is
    ignored, and BLAS runs on as many threads as that first thread last left it. The scores
    come out the same to the bit on one or two BLAS threads."""
    return threadpool_limits(limits=1)


def _inner_folds(settings: PropensitySettings) -> StratifiedKFold:
    return StratifiedKFold(settings.folds, shuffle=True, random_state=settings.random_state)


def build_model(name: str, settings: PropensitySettings):
    """An unfitted estimator for one of `MODEL_NAMES` taking the per-customer facts."""
    features = ("features", CandidateFeatures(min_level_count=settings.min_level_count))
    if name == "gradient_boosting":
        estimator = Pipeline(
            [
                features,
                (
                    "model",
                    HistGradientBoostingClassifier(
                        **GRADIENT_BOOSTING,
                        early_stopping=False,
                        class_weight=settings.class_weight,
                        random_state=settings.random_state,
                    ),
                ),
            ]
        )
    else:
        steps = [features, ("scale", StandardScaler())]
        if name == SCORING_MODEL:
            steps.append(
                (
                    "select",
                    LassoSelection(
                        settings.max_features, settings.class_weight, settings.random_state
                    ),
                )
            )
        elif name != "logistic_regression_all_features":
            raise ValueError(f"unknown model {name!r}")
        steps.append(
            (
                "model",
                LogisticRegressionCV(
                    Cs=list(settings.penalties),
                    l1_ratios=(0.0,),
                    scoring="neg_log_loss",
                    cv=_inner_folds(settings),
                    class_weight=settings.class_weight,
                    max_iter=5000,
                    use_legacy_attributes=False,
                ),
            )
        )
        estimator = Pipeline(steps)
    estimator.set_output(transform="pandas")
    if settings.class_weight == "balanced":
        estimator = CalibratedClassifierCV(
            estimator,
            method="sigmoid",
            cv=StratifiedKFold(3, shuffle=True, random_state=settings.random_state),
            ensemble=False,
        )
    return estimator


def _pipeline_of(estimator) -> Pipeline:
    """The fitted pipeline inside an estimator from `build_model`."""
    if isinstance(estimator, CalibratedClassifierCV):
        return estimator.calibrated_classifiers_[0].estimator
    return estimator


def _typed(frame: pd.DataFrame | None, types: dict[str, str]) -> pd.DataFrame:
    """`frame` with exactly the columns of `types`, in order and of those types; an empty
    frame of them when `frame` is None."""
    if frame is None:
        return pd.DataFrame({column: pd.Series(dtype=kind) for column, kind in types.items()})
    return frame[list(types)].astype(types).reset_index(drop=True)


def can_fit(facts: pd.DataFrame, settings: PropensitySettings) -> bool:
    """Whether there are enough buyers and non-buyers of License 3 to fit and evaluate."""
    if "has_license_3" not in facts.columns or facts.empty:
        return False
    buyers = int(facts["has_license_3"].astype(bool).sum())
    least = MIN_PER_CLASS_PER_FOLD * settings.folds
    return buyers >= least and len(facts) - buyers >= least


def _prepare(facts: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    missing = {"customer_key", "has_license_3", *FACT_COLUMNS} - set(facts.columns)
    if missing:
        raise ValueError(f"customer features lack columns {sorted(missing)}")
    ordered = facts.sort_values("customer_key", kind="stable").reset_index(drop=True)
    outcome = ordered["has_license_3"].astype(bool).to_numpy().astype(np.int64)
    if outcome.min() == outcome.max():
        raise ValueError("both buyers and non-buyers of license 3 are needed to fit a model")
    return ordered, outcome


def fold_numbers(outcome: np.ndarray, settings: PropensitySettings) -> np.ndarray:
    """Cross-validation fold of every row (0 is the holdout), stratified on the outcome."""
    folds = np.empty(len(outcome), dtype=np.int64)
    splitter = StratifiedKFold(settings.folds, shuffle=True, random_state=settings.random_state)
    for number, (_, test) in enumerate(splitter.split(np.zeros(len(outcome)), outcome)):
        folds[test] = number
    return folds


def model_version(name: str, settings: PropensitySettings, **fitted: object) -> str:
    """`<hvc version>+<12 hex digits>`: a hash of the model, its settings and what was fitted."""
    spec = {
        "model": name,
        "settings": asdict(settings),
        "gradient_boosting": GRADIENT_BOOSTING if name == "gradient_boosting" else None,
        "ratios": {key: asdict(ratio) for key, ratio in RATIOS.items()},
        "categorical": CATEGORICAL_FEATURES,
        "hvc": __version__,
        **fitted,
    }
    text = json.dumps(spec, sort_keys=True, default=str)
    return f"{__version__}+{hashlib.sha256(text.encode()).hexdigest()[:12]}"


@dataclass
class FinalModel:
    """The scoring model fitted on every customer."""

    estimator: object
    pipeline: Pipeline
    selected: list[str]
    penalty: float
    version: str

    def predict(self, facts: pd.DataFrame) -> np.ndarray:
        with _one_thread():
            return self.estimator.predict_proba(facts)[:, 1]


def fit_final_model(facts: pd.DataFrame, settings: PropensitySettings) -> FinalModel:
    """Fit the scoring model on all customers; its version names its features and penalty."""
    ordered, outcome = _prepare(facts)
    with _one_thread():
        estimator = build_model(SCORING_MODEL, settings).fit(ordered, outcome)
    pipeline = _pipeline_of(estimator)
    selected = list(pipeline.named_steps["select"].selected_)
    penalty = float(pipeline.named_steps["model"].C_)
    version = model_version(SCORING_MODEL, settings, features=selected, penalty=f"{penalty:.6g}")
    return FinalModel(estimator, pipeline, selected, penalty, version)


def predict_propensity(facts: pd.DataFrame, settings: PropensitySettings) -> pd.DataFrame:
    """Out-of-fold probabilities of every model, and the scoring model's final scores.

    One row per customer and model with `evaluation = 'out_of_fold'` (from the model fitted
    without the customer's fold), plus one row per customer for the scoring model with
    `evaluation = 'final'` (fitted on everyone): the score. Columns `PREDICTION_COLUMNS`.
    """
    if not can_fit(facts, settings):
        return _typed(None, PREDICTION_TYPES)
    ordered, outcome = _prepare(facts)
    folds = fold_numbers(outcome, settings)
    final = fit_final_model(ordered, settings)
    candidate_count = len(CandidateFeatures(settings.min_level_count).fit(ordered).feature_names_)
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
    frames.append(
        _prediction_frame(
            ordered,
            SCORING_MODEL,
            "final",
            folds,
            outcome,
            final.predict(ordered),
            len(final.selected),
            final.version,
        )
    )
    return _typed(pd.concat(frames, ignore_index=True), PREDICTION_TYPES)


def _prediction_frame(
    ordered: pd.DataFrame,
    name: str,
    evaluation: str,
    folds: np.ndarray,
    outcome: np.ndarray,
    probability: np.ndarray,
    feature_count: int,
    version: str,
) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_key": ordered["customer_key"].astype(str).to_numpy(),
            "model_name": name,
            "evaluation": evaluation,
            "cv_fold": folds.astype(np.int64),
            "is_holdout": folds == 0,
            "has_license_3": outcome.astype(bool),
            "probability": probability.astype(float),
            "feature_count": np.int64(feature_count),
            "model_version": version,
        }
    )


def propensity_metrics(predictions: pd.DataFrame, settings: PropensitySettings) -> pd.DataFrame:
    """Per model: metrics on all out-of-fold predictions and on the holdout (fold 0).

    The out-of-fold threshold is chosen on all out-of-fold predictions (it is the one the
    scores use); the holdout's on the other folds' predictions only. Columns `METRIC_COLUMNS`.
    """
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
                    "model_version": oof["model_version"].iloc[0],
                    **metrics,
                }
            )
    return _typed(pd.DataFrame(rows, columns=METRIC_COLUMNS) if rows else None, METRIC_TYPES)


def propensity_calibration(predictions: pd.DataFrame) -> pd.DataFrame:
    """Per decile of the scoring model's out-of-fold probabilities: mean predicted probability
    against the observed rate. Columns `CALIBRATION_COLUMNS`."""
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


def _meaning(column: str, features: CandidateFeatures) -> str:
    group, level = split_column(column)
    if column == INTERCEPT:
        return "log-odds of a customer with every indicator 0 and every numeric feature average"
    if level is None and group in INDICATOR_FEATURES:
        return f"1 if {feature_description(group)}, else 0"
    if level is None:
        scale = features.numeric_scale(group)
        return f"{feature_description(group)}, per standard deviation ({scale:.3g})"
    label = group.replace("_", " ")
    if level == "other":
        text = f"1 if the {label} is a rare one (pooled), else 0"
    elif level == "unknown":
        text = f"1 if the {label} is unknown, else 0"
    else:
        text = f"1 if the {label} is {level}, else 0"
    if CATEGORICAL_FEATURES.get(group) == "shares":
        text += " (population shares when unknown before the cutoff)"
    return text


def propensity_coefficients(facts: pd.DataFrame, settings: PropensitySettings) -> pd.DataFrame:
    """The scoring model's features refitted with statsmodels' unpenalised Logit.

    Indicator features are 0/1 (odds ratio: a customer with it against one without, all else
    equal); numeric features are standardised (odds ratio per standard deviation).
    Standardised importance is |coefficient| x the feature's standard deviation among the
    customers. Columns `COEFFICIENT_COLUMNS`; the intercept comes first, unranked.
    """
    if not can_fit(facts, settings):
        return _typed(None, COEFFICIENT_TYPES)
    ordered, outcome = _prepare(facts)
    final = fit_final_model(ordered, settings)
    features = final.pipeline.named_steps["features"]
    design = features.transform(ordered)[final.selected]
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
    frame["meaning"] = [_meaning(column, features) for column in frame["feature"]]
    importance = (frame["coefficient"].abs() * sd.reindex(frame["feature"]).to_numpy()).where(
        frame["feature"] != INTERCEPT
    )
    frame["standardised_importance"] = importance
    ranks = importance.rank(ascending=False, method="first")
    frame["importance_rank"] = ranks.astype("Int64")
    frame["model_version"] = final.version
    order = frame.assign(_rank=frame["importance_rank"].fillna(0)).sort_values(
        ["_rank", "feature"], kind="stable"
    )
    return _typed(order, COEFFICIENT_TYPES)
