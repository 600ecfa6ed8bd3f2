"""One row per customer whose first order was a License 1 or 2, and model: out-of-fold
probabilities of upgrading to License 3 within var propensity_upgrade_days, and the scoring
model's final scores. The License-3 model's code on another configured feature table."""

from hvc.propensity import UpgradePropensitySettings, predict_propensity


def model(dbt, session):
    dbt.config(materialized="table")
    settings = UpgradePropensitySettings.from_dbt(dbt.config.get("settings"))
    facts = dbt.ref("int_propensity__upgrade_features").df()
    return predict_propensity(facts, settings)
