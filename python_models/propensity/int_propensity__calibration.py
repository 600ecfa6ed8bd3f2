"""One row per decile of the scoring model's out-of-fold probabilities: mean predicted
probability against the observed rate."""

from hvc.propensity import CALIBRATION_COLUMNS, propensity_calibration


def model(dbt, session):
    dbt.config(materialized="table")
    predictions = dbt.ref("int_propensity__predictions").df()
    return propensity_calibration(predictions)[CALIBRATION_COLUMNS]
