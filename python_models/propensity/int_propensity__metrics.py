"""One row per model and evaluation (out of fold, holdout): ranking, threshold, lift and
calibration metrics."""

from hvc.propensity import METRIC_COLUMNS, PropensitySettings, propensity_metrics


def model(dbt, session):
    dbt.config(materialized="table")
    # Config values set from vars in YAML arrive as strings.
    settings = PropensitySettings.from_config(
        target_precision=dbt.config.get("target_precision", "none"),
    )
    predictions = dbt.ref("int_propensity__predictions").df()
    return propensity_metrics(predictions, settings)[METRIC_COLUMNS]
