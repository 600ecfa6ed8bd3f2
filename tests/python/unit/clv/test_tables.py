"""hvc.clv.tables: every output converts to its Arrow schema, empty or not."""

from __future__ import annotations

import pyarrow as pa

from helpers.clv_simulation import PLANTED_BGNBD, PLANTED_GAMMA_GAMMA, simulate_summaries
from hvc import clv
from hvc.clv import ClvSettings


def test_small_or_empty_lines_give_nulls_and_typed_empty_tables() -> None:
    tiny = simulate_summaries(20, PLANTED_BGNBD, PLANTED_GAMMA_GAMMA, random_state=1)
    parameters = clv.fit_parameters(tiny)
    assert parameters.empty
    predicted = clv.predict_customers(tiny, parameters, ClvSettings.from_project())
    assert len(predicted) == 20 and predicted["clv_12_months"].isna().all()
    forecast = clv.forecast_revenue(
        tiny, parameters, tiny[["customer_key"]].assign(segment="x"), ClvSettings.from_project()
    )
    # every output converts to its Arrow schema, empty or not
    for frame, schema in (
        (parameters, clv.PARAMETER_SCHEMA),
        (predicted, clv.PREDICTION_SCHEMA),
        (forecast, clv.FORECAST_SCHEMA),
        (
            clv.backtest(
                tiny.assign(holdout_days=90, holdout_purchases=0, holdout_purchase_amount=0.0),
                ClvSettings.from_project(),
            ),
            clv.BACKTEST_SCHEMA,
        ),
    ):
        assert pa.Table.from_pandas(frame, schema=schema, preserve_index=False).schema == schema
