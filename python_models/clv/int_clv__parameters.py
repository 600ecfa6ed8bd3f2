"""One row per business line, model and parameter: BG/NBD and Gamma-Gamma fitted on the
current calibration by maximum likelihood."""

import pyarrow as pa

from hvc.clv import PARAMETER_SCHEMA, fit_parameters


def model(dbt, session):
    dbt.config(materialized="table")
    summary = (
        dbt.ref("int_clv__customer_summaries")
        .filter("calibration = 'current'")
        .select("business_line, frequency, recency_days, age_days, mean_repeat_purchase_amount")
        .df()
    )
    parameters = fit_parameters(summary)
    return pa.Table.from_pandas(parameters, schema=PARAMETER_SCHEMA, preserve_index=False)
