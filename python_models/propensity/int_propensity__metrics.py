"""One row per model and evaluation (out of fold, holdout): ranking, threshold, lift and
calibration metrics."""

from hvc.propensity import METRIC_COLUMNS, PropensitySettings, propensity_metrics


def model(dbt, session):
    dbt.config(materialized="table")
    settings = PropensitySettings.from_dbt(dbt.config.get("settings"))
    predictions = dbt.ref("int_propensity__predictions").df()
    return propensity_metrics(predictions, settings)[METRIC_COLUMNS]
