"""One row per model and evaluation of the upgrade model (out of fold, holdout): ranking,
threshold, lift and calibration metrics; or one `not_fitted` row saying why."""

from hvc.propensity import METRIC_COLUMNS, UpgradePropensitySettings, propensity_metrics


def model(dbt, session):
    dbt.config(materialized="table")
    settings = UpgradePropensitySettings.from_dbt(dbt.config.get("settings"))
    predictions = dbt.ref("int_propensity__upgrade_predictions").df()
    facts = dbt.ref("int_propensity__upgrade_features").select(settings.features.target).df()
    return propensity_metrics(predictions, settings, facts)[METRIC_COLUMNS]
