"""License-3 propensity: who among the software customers buys the most expensive license.

Input: one row per customer from `int_propensity__customer_features` (what was known before
the customer's cutoff, the first license-3 order or else the as-of time, and
`has_license_3`). Features: `hvc.propensity.features`. Three models are fitted and compared:

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
shop data) nothing is fitted: the predictions, coefficients and calibration are empty frames of
the usual columns and types, and the metrics one `not_fitted` row saying why.

The feature table is declared by var `propensity_features` (`FeatureSpec`: the id, the yes/no
outcome and the features by kind); the License-3 model's is the default. Inside, the id and the
outcome are named `customer_key` and `has_license_3`; outputs carry the configured names.

Modules: `settings`, `features` (the candidate design matrix), `selection` (the lasso),
`models` (building, versioning and the final fit), `metrics` (ranking, threshold, lift and
calibration), `predictions`, `coefficients` and `tables` (the columns the dbt models return).
"""

from hvc import IMPORT_LOCK

# One package at a time: see hvc.IMPORT_LOCK.
with IMPORT_LOCK:
    from hvc.propensity.coefficients import (
        INTERCEPT,
        propensity_coefficients,
        scoring_model_rows,
    )
    from hvc.propensity.features import CandidateFeatures, FeatureSpec
    from hvc.propensity.models import (
        GRADIENT_BOOSTING,
        MIN_PER_CLASS_PER_FOLD,
        MODEL_NAMES,
        SCORING_MODEL,
        FinalModel,
        build_model,
        can_fit,
        fit_final_model,
        fold_numbers,
        model_version,
    )
    from hvc.propensity.predictions import (
        predict_propensity,
        propensity_calibration,
        propensity_metrics,
    )
    from hvc.propensity.selection import LassoSelection
    from hvc.propensity.settings import PropensitySettings, UpgradePropensitySettings
    from hvc.propensity.tables import (
        CALIBRATION_COLUMNS,
        CALIBRATION_TYPES,
        COEFFICIENT_COLUMNS,
        COEFFICIENT_TYPES,
        METRIC_COLUMNS,
        METRIC_TYPES,
        PREDICTION_COLUMNS,
        PREDICTION_TYPES,
    )

__all__ = [
    "CALIBRATION_COLUMNS",
    "CALIBRATION_TYPES",
    "COEFFICIENT_COLUMNS",
    "COEFFICIENT_TYPES",
    "GRADIENT_BOOSTING",
    "INTERCEPT",
    "METRIC_COLUMNS",
    "METRIC_TYPES",
    "MIN_PER_CLASS_PER_FOLD",
    "MODEL_NAMES",
    "PREDICTION_COLUMNS",
    "PREDICTION_TYPES",
    "SCORING_MODEL",
    "CandidateFeatures",
    "FeatureSpec",
    "FinalModel",
    "LassoSelection",
    "PropensitySettings",
    "UpgradePropensitySettings",
    "build_model",
    "can_fit",
    "fit_final_model",
    "fold_numbers",
    "model_version",
    "predict_propensity",
    "propensity_calibration",
    "propensity_coefficients",
    "propensity_metrics",
    "scoring_model_rows",
]
