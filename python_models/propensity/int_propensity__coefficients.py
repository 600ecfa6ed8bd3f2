"""One row per feature of the scoring model: statsmodels coefficient, odds ratio, 95 %
interval, p-value and standardised importance."""

from hvc.propensity import COEFFICIENT_COLUMNS, PropensitySettings, propensity_coefficients


def model(dbt, session):
    dbt.config(materialized="table")
    # Config values set from vars in YAML arrive as strings.
    settings = PropensitySettings.from_config(
        max_features=dbt.config.get("max_features", 20),
        folds=dbt.config.get("folds", 5),
        class_weight=dbt.config.get("class_weight", "none"),
        target_precision=dbt.config.get("target_precision", "none"),
        random_state=dbt.config.get("random_state", 42),
        min_level_count=dbt.config.get("min_level_count", 25),
    )
    facts = dbt.ref("int_propensity__customer_features").df()
    return propensity_coefficients(facts, settings)[COEFFICIENT_COLUMNS]
