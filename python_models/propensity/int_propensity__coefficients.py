"""One row per feature of the scoring model: statsmodels coefficient, odds ratio, 95 %
interval, p-value and standardised importance. The scoring model's columns come from its final
scores in int_propensity__predictions: it is fitted once."""

from hvc.propensity import (
    COEFFICIENT_COLUMNS,
    PropensitySettings,
    propensity_coefficients,
    scoring_model_rows,
)


def model(dbt, session):
    dbt.config(materialized="table")
    settings = PropensitySettings.from_dbt(dbt.config.get("settings"))
    facts = dbt.ref("int_propensity__customer_features").df()
    final = scoring_model_rows(dbt.ref("int_propensity__predictions"))
    return propensity_coefficients(facts, settings, final)[COEFFICIENT_COLUMNS]
