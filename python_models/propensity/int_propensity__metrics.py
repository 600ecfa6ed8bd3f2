"""One row per model and evaluation (out of fold, holdout): ranking, threshold, lift and
calibration metrics; or one `not_fitted` row saying why nothing was fitted."""

from hvc.propensity import METRIC_COLUMNS, PropensitySettings, propensity_metrics


def model(dbt, session):
    dbt.config(materialized="table")
    settings = PropensitySettings.from_dbt(dbt.config.get("settings"))
    predictions = dbt.ref("int_propensity__predictions").df()
    facts = dbt.ref("int_propensity__customer_features").select("has_license_3").df()
    return propensity_metrics(predictions, settings, facts)[METRIC_COLUMNS]
