"""One row per feature of the upgrade model's scoring model: statsmodels coefficient, odds
ratio against the stated reference level, 95 % interval, p-value and importance."""

from hvc.propensity import (
    COEFFICIENT_COLUMNS,
    UpgradePropensitySettings,
    propensity_coefficients,
)


def model(dbt, session):
    dbt.config(materialized="table")
    settings = UpgradePropensitySettings.from_dbt(dbt.config.get("settings"))
    facts = dbt.ref("int_propensity__upgrade_features").df()
    final = (
        dbt.ref("int_propensity__upgrade_predictions")
        .filter("evaluation = 'final'")
        .select("evaluation, model_version, scoring_features")
        .limit(1)
        .df()
    )
    return propensity_coefficients(facts, settings, final)[COEFFICIENT_COLUMNS]
