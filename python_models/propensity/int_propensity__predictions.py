"""One row per software customer and model: out-of-fold license-3 probabilities, and the
scoring model's final scores."""

from hvc.propensity import PREDICTION_COLUMNS, PropensitySettings, predict_propensity


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
    return predict_propensity(facts, settings)[PREDICTION_COLUMNS]
