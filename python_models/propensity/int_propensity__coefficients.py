"""One row per feature of the scoring model: statsmodels coefficient, odds ratio, 95 %
interval, p-value and standardised importance."""

from hvc.propensity import COEFFICIENT_COLUMNS, PropensitySettings, propensity_coefficients


def model(dbt, session):
    dbt.config(materialized="table")
    settings = PropensitySettings.from_dbt(dbt.config.get("settings"))
    facts = dbt.ref("int_propensity__customer_features").df()
    return propensity_coefficients(facts, settings)[COEFFICIENT_COLUMNS]
