"""One row per feature of the scoring model: statsmodels coefficient, odds ratio, 95 %
interval, p-value and standardised importance. The scoring model's columns come from its final
scores in int_propensity__predictions: it is fitted once."""

from hvc.propensity import COEFFICIENT_COLUMNS, PropensitySettings, propensity_coefficients


def model(dbt, session):
    dbt.config(materialized="table")
    settings = PropensitySettings.from_dbt(dbt.config.get("settings"))
    facts = dbt.ref("int_propensity__customer_features").df()
    # the scoring model's columns and version, from its final scores: it is fitted once
    final = (
        dbt.ref("int_propensity__predictions")
        .filter("evaluation = 'final'")
        .select("evaluation, model_version, scoring_features")
        .limit(1)
        .df()
    )
    return propensity_coefficients(facts, settings, final)[COEFFICIENT_COLUMNS]
