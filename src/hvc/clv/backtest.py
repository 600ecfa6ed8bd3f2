"""The backtest: fit on a calibration period, predict its holdout, score against a naive rate."""

from __future__ import annotations

import numpy as np
import pandas as pd

from hvc.clv.fit import Fit, fit_parameters, fits_from_parameters
from hvc.clv.predict import CHUNK_SIZE, _chunks, _LinePredictor, _quantiles, _rng
from hvc.clv.settings import ClvSettings
from hvc.clv.simulate import simulate_totals, simulation_rng
from hvc.clv.tables import BACKTEST_COLUMNS, customer_arrays, empty_frame


def backtest(
    summary: pd.DataFrame, settings: ClvSettings, *, chunk_size: int = CHUNK_SIZE
) -> pd.DataFrame:
    """Fit on a calibration period, predict its holdout, and score against a naive baseline.

    Parameters
    ----------
    summary : the backtest calibration, one row per customer as for `predict_customers`,
        plus `holdout_days` (the holdout's length, days after `calibration_end_date`),
        `holdout_purchases` and `holdout_purchase_amount` (what the customer did then).
    settings : the draws, interval and random state of the model's intervals.

    Returns
    -------
    DataFrame with BACKTEST_COLUMNS, per fitted business line two rows: `bg_nbd_gamma_gamma`
    (conditional expected purchases in the holdout, times the Gamma-Gamma expected spend) and
    `naive` (the customer's repeat-purchase rate x/T over the calibration carried forward for
    the holdout's length, at their mean repeat purchase value; 0 without repeat purchases).
    The model's rows say whether both fits converged (`is_converged`) and name the estimates
    held on the edge of their parameter box (`parameters_at_bound`, e.g. `a, b`; null when
    none), where a prediction rests on a bound rather than on the data; the naive rows have
    nulls there. MAE, RMSE and Pearson correlation are over the line's customers (the model predicts
    means, which minimise squared error; MAE favours predicting 0 for the many who do not
    buy); totals too, with an interval over parameter draws for the model's totals.
    """
    summary = summary.reset_index(drop=True)
    fits = fits_from_parameters(fit_parameters(summary))
    records = []
    for line, rows in summary.groupby("business_line", sort=True):
        if line not in fits:
            continue
        lp = _LinePredictor(rows, *fits[line], settings.draws, _rng(settings.random_state, line))
        records += _line_backtest(
            line,
            rows,
            lp,
            fits[line],
            settings,
            simulation_rng(settings.random_state, line),
            chunk_size,
        )
    if not records:
        return empty_frame(BACKTEST_COLUMNS)
    return pd.DataFrame(records)[BACKTEST_COLUMNS]


def _line_backtest(
    line: str,
    rows: pd.DataFrame,
    lp: _LinePredictor,
    fits: tuple[Fit, Fit],
    settings: ClvSettings,
    rng: np.random.Generator,
    chunk_size: int = CHUNK_SIZE,
) -> list[dict]:
    """The model's and the naive rate's rows for one fitted business line."""
    interval = settings.interval
    holdout = float(rows["holdout_days"].iloc[0])
    table = lp.if_alive([holdout])
    totals = np.zeros((2, len(lp.bg)))  # purchases, revenue per draw
    model_purchases = np.empty(lp.n)
    model_revenue = np.empty(lp.n)
    for part in _chunks(lp.n, chunk_size):
        alive, spend = lp.alive_and_spend(part)
        expected = alive * table[:, 0, lp.pair[part]]
        totals[0] += expected @ lp.count[part]
        totals[1] += (expected * spend) @ lp.count[part]
        model_purchases[part] = expected[0]
        model_revenue[part] = expected[0] * spend[0]
    x, _, age, spend = customer_arrays(rows)
    naive_purchases = np.divide(x, age, out=np.zeros(len(x)), where=age > 0) * holdout
    naive_revenue = naive_purchases * np.nan_to_num(spend)
    actual_purchases = rows["holdout_purchases"].to_numpy(dtype=float)
    actual_revenue = pd.to_numeric(rows["holdout_purchase_amount"]).to_numpy(dtype=float)
    common = {
        "business_line": line,
        "calibration_end_date": pd.Timestamp(rows["calibration_end_date"].iloc[0]).date(),
        "holdout_days": int(holdout),
        "customers": len(rows),
        "actual_purchases": actual_purchases.sum(),
        "actual_revenue": actual_revenue.sum(),
    }
    no_bounds = [(np.nan, np.nan)] * 2
    model_bounds = (
        [_quantiles(totals[j], interval) for j in range(2)] if lp.has_draws else no_bounds
    )
    simulated = simulate_totals(lp, np.array([holdout]), np.zeros(len(rows), int), 1, rng)
    realised = (
        [_interval(simulated[j][:, 0, 0], interval) for j in range(2)] if simulated else no_bounds
    )
    diagnostics = {
        "bg_nbd_gamma_gamma": _fit_diagnostics(fits),
        "naive": {"is_converged": None, "parameters_at_bound": None},
    }
    return [
        common
        | {"method": method}
        | _scores(purchases, revenue, bounds, actual_purchases, actual_revenue)
        | _realised(simulated_bounds)
        | diagnostics[method]
        for method, purchases, revenue, bounds, simulated_bounds in (
            (
                "bg_nbd_gamma_gamma",
                model_purchases[lp.row],
                model_revenue[lp.row],
                model_bounds,
                realised,
            ),
            ("naive", naive_purchases, naive_revenue, no_bounds, no_bounds),
        )
    ]


def _interval(values: np.ndarray, interval: float) -> tuple[float, float]:
    """The central `interval` of simulated totals; an end that is not finite is NaN (null).
    A parameter draw far out on an ill-determined fit (few repeat buyers) can make a
    simulated spend overflow: such a total counts as infinite, not as missing."""
    values = np.where(np.isnan(values), np.inf, values)
    ends = np.quantile(values, [(1 - interval) / 2, (1 + interval) / 2])
    low, high = (float(end) if np.isfinite(end) else np.nan for end in ends)
    return low, high


def _realised(bounds: list[tuple[float, float]]) -> dict[str, float]:
    """The predictive interval of the realised holdout purchases and revenue."""
    return {
        "realised_purchases_lower": bounds[0][0],
        "realised_purchases_upper": bounds[0][1],
        "realised_revenue_lower": bounds[1][0],
        "realised_revenue_upper": bounds[1][1],
    }


def _fit_diagnostics(fits: tuple[Fit, ...]) -> dict[str, object]:
    """Whether every fit converged, and the names of the estimates on their box's edge."""
    at_bound = [
        name for fit in fits for name, edge in zip(fit.names, fit.at_bound, strict=True) if edge
    ]
    return {
        "is_converged": all(fit.converged for fit in fits),
        "parameters_at_bound": ", ".join(at_bound) or None,
    }


def _scores(
    purchases: np.ndarray,
    revenue: np.ndarray,
    bounds: list[tuple[float, float]],
    actual_purchases: np.ndarray,
    actual_revenue: np.ndarray,
) -> dict[str, float]:
    """Predicted totals with their bounds, and the per-customer errors and correlations."""
    return {
        "predicted_purchases": purchases.sum(),
        "predicted_purchases_lower": bounds[0][0],
        "predicted_purchases_upper": bounds[0][1],
        "predicted_revenue": revenue.sum(),
        "predicted_revenue_lower": bounds[1][0],
        "predicted_revenue_upper": bounds[1][1],
        "purchases_mae": np.mean(np.abs(purchases - actual_purchases)),
        "purchases_rmse": np.sqrt(np.mean((purchases - actual_purchases) ** 2)),
        "purchases_correlation": _correlation(purchases, actual_purchases),
        "revenue_mae": np.mean(np.abs(revenue - actual_revenue)),
        "revenue_rmse": np.sqrt(np.mean((revenue - actual_revenue) ** 2)),
        "revenue_correlation": _correlation(revenue, actual_revenue),
    }


def _correlation(a: np.ndarray, b: np.ndarray) -> float:
    """Pearson correlation; NaN with fewer than two values or a constant side."""
    if len(a) < 2 or np.std(a) == 0 or np.std(b) == 0:
        return float("nan")
    return float(np.corrcoef(a, b)[0, 1])
