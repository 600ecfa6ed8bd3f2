"""The three models, how they are built and versioned, and the scoring model's final fit."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegressionCV
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from hvc import __version__
from hvc.propensity.features import CandidateFeatures
from hvc.propensity.selection import LassoSelection
from hvc.propensity.settings import PropensitySettings

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

#: Fewer buyers or non-buyers than this per fold and no model is fitted: the outputs are
#: empty (a warehouse without shop data, or too small to learn from).
MIN_PER_CLASS_PER_FOLD = 2


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
    """The stratified folds the penalty is chosen on (inside each outer fold)."""
    return StratifiedKFold(settings.folds, shuffle=True, random_state=settings.random_state)


def build_model(name: str, settings: PropensitySettings):
    """An unfitted estimator for one of `MODEL_NAMES` taking the per-customer facts."""
    features = (
        "features",
        CandidateFeatures(min_level_count=settings.min_level_count, spec=settings.features),
    )
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


#: The names the package gives the configured id and target columns inside (the License-3
#: model's own): `canonical` renames to them, `configured` back.
ID, TARGET = "customer_key", "has_license_3"


def canonical(frame: pd.DataFrame, settings: PropensitySettings) -> pd.DataFrame:
    """`frame` with the configured id and target columns named `ID` and `TARGET`."""
    spec = settings.features
    names = {spec.id_column: ID, spec.target: TARGET}
    return frame.rename(columns={k: v for k, v in names.items() if k != v})


def configured(frame: pd.DataFrame, settings: PropensitySettings) -> pd.DataFrame:
    """`frame` with `ID` and `TARGET` named as configured (the inverse of `canonical`)."""
    spec = settings.features
    names = {ID: spec.id_column, TARGET: spec.target}
    return frame.rename(columns={k: v for k, v in names.items() if k != v})


def can_fit(facts: pd.DataFrame, settings: PropensitySettings) -> bool:
    """Whether there are enough positive and negative outcomes to fit and evaluate (the
    features' columns are checked when fitting)."""
    facts = canonical(facts, settings)
    if TARGET not in facts.columns or facts.empty:
        return False
    buyers = int(facts[TARGET].astype(bool).sum())
    least = MIN_PER_CLASS_PER_FOLD * settings.folds
    return buyers >= least and len(facts) - buyers >= least


def _prepare(facts: pd.DataFrame, settings: PropensitySettings) -> tuple[pd.DataFrame, np.ndarray]:
    """Facts (id and target named `ID`, `TARGET`) sorted by id, and the outcome (1 = yes)."""
    spec = settings.features
    facts = canonical(facts, settings)
    required = {ID: spec.id_column, TARGET: spec.target} | {c: c for c in spec.fact_columns}
    missing = [shown for column, shown in required.items() if column not in facts.columns]
    if missing:
        raise ValueError(
            f"the propensity feature table lacks columns {missing}: add them to the feature "
            "model, or change var propensity_features"
        )
    ordered = facts.sort_values(ID, kind="stable").reset_index(drop=True)
    outcome = ordered[TARGET].astype(bool).to_numpy().astype(np.int64)
    if outcome.min() == outcome.max():
        raise ValueError(f"both outcomes of {spec.target} are needed to fit a model")
    return ordered, outcome


def fit_sample(
    ordered: pd.DataFrame, outcome: np.ndarray, settings: PropensitySettings
) -> np.ndarray:
    """Which customers (rows of `ordered`) the models are fitted and evaluated on: all of them
    up to `settings.max_fit_customers`, else about that many, stratified on the outcome.

    Within each outcome the customers kept are those whose id hashes lowest (seeded with
    `random_state`): the same customers whatever order the rows arrive in, and mostly the same
    when customers are added. Every customer is scored; a coefficient, an AUC or a penalty
    does not need every customer once there are tens of thousands, and the fits then take a
    bounded time however many there are.
    """
    count = len(ordered)
    if count <= settings.max_fit_customers:
        return np.ones(count, dtype=bool)
    keys = pd.util.hash_array(
        ordered[ID].astype(str).to_numpy(dtype=object),
        hash_key=f"hvc{settings.random_state:013d}"[-16:],
    )
    kept = np.zeros(count, dtype=bool)
    least = MIN_PER_CLASS_PER_FOLD * settings.folds
    for value in (0, 1):
        members = np.flatnonzero(outcome == value)
        take = max(round(len(members) * settings.max_fit_customers / count), least)
        kept[members[np.argsort(keys[members], kind="stable")[:take]]] = True
    return kept


def fit_rows(
    ordered: pd.DataFrame, outcome: np.ndarray, settings: PropensitySettings
) -> tuple[pd.DataFrame, np.ndarray]:
    """The rows of `_prepare`'s facts and outcome that the models are fitted on (`fit_sample`),
    still sorted by id."""
    kept = fit_sample(ordered, outcome, settings)
    if kept.all():
        return ordered, outcome
    return ordered[kept].reset_index(drop=True), outcome[kept]


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
        """License-3 probabilities of these customers."""
        with _one_thread():
            return self.estimator.predict_proba(facts)[:, 1]


def fit_final_model(facts: pd.DataFrame, settings: PropensitySettings) -> FinalModel:
    """Fit the scoring model on all customers; its version names its features and penalty."""
    ordered, outcome = _prepare(facts, settings)
    with _one_thread():
        estimator = build_model(SCORING_MODEL, settings).fit(ordered, outcome)
    pipeline = _pipeline_of(estimator)
    selected = list(pipeline.named_steps["select"].selected_)
    penalty = float(pipeline.named_steps["model"].C_)
    version = model_version(SCORING_MODEL, settings, features=selected, penalty=f"{penalty:.6g}")
    return FinalModel(estimator, pipeline, selected, penalty, version)
