"""One row per feature of the upgrade model's scoring model: statsmodels coefficient, odds
ratio against the stated reference level, 95 % interval, p-value and importance."""

from hvc.propensity import (
    COEFFICIENT_COLUMNS,
    UpgradePropensitySettings,
    propensity_coefficients,
    scoring_model_rows,
)


def model(dbt, session):
    dbt.config(materialized="table")
    settings = UpgradePropensitySettings.from_dbt(dbt.config.get("settings"))
    facts = dbt.ref("int_propensity__upgrade_features").df()
    final = scoring_model_rows(dbt.ref("int_propensity__upgrade_predictions"))
    return propensity_coefficients(facts, settings, final)[COEFFICIENT_COLUMNS]
