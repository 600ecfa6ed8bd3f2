"""One row per software customer and model: out-of-fold license-3 probabilities, and the
scoring model's final scores."""

from hvc.propensity import PREDICTION_COLUMNS, PropensitySettings, predict_propensity


def model(dbt, session):
    dbt.config(materialized="table")
    settings = PropensitySettings.from_dbt(dbt.config.get("settings"))
    facts = dbt.ref("int_propensity__customer_features").df()
    return predict_propensity(facts, settings)[PREDICTION_COLUMNS]
