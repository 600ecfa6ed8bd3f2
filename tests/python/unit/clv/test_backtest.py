"""hvc.clv.backtest: unbiased on the model's own process, the naive rate carried forward, fit
diagnostics, and predictive intervals that hold realised totals at their level."""

from __future__ import annotations

import warnings
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pandas as pd
import pytest
from threadpoolctl import threadpool_limits

from helpers.clv_simulation import PLANTED_BGNBD, PLANTED_GAMMA_GAMMA, simulate_summaries
from hvc import clv
from hvc.clv import ClvSettings


def test_backtest_is_unbiased_on_the_model_s_own_process(simulated: pd.DataFrame) -> None:
    """On customers who follow BG/NBD exactly, predicted holdout totals match the actual ones
    up to the holdout's own randomness: 20,000 customers make about 5,500 holdout purchases,
    whose total varies by about 2.5 % (over-dispersed Poisson), so 6 % is beyond 2 sd. The
    model also beats carrying each customer's past rate forward, per customer."""
    scores = clv.backtest(simulated, ClvSettings.from_project(draws=50)).set_index("method")
    model, naive = scores.loc["bg_nbd_gamma_gamma"], scores.loc["naive"]
    assert model["predicted_purchases"] / model["actual_purchases"] == pytest.approx(1, abs=0.06)
    assert model["predicted_revenue"] / model["actual_revenue"] == pytest.approx(1, abs=0.06)
    assert model["predicted_purchases_lower"] < model["predicted_purchases"]
    assert model["predicted_purchases"] < model["predicted_purchases_upper"]
    assert model["purchases_mae"] < naive["purchases_mae"]
    assert model["purchases_rmse"] < naive["purchases_rmse"]
    assert model["revenue_rmse"] < naive["revenue_rmse"]
    assert model["purchases_correlation"] > naive["purchases_correlation"]
    assert model["revenue_mae"] < naive["revenue_mae"]


def test_naive_baseline_carries_the_past_rate_forward() -> None:
    summary = pd.DataFrame(
        {
            "customer_key": ["a", "b"],
            "business_line": "shop",
            "frequency": [4, 0],
            "recency_days": [80.0, 0.0],
            "age_days": [100.0, 50.0],
            "mean_repeat_purchase_amount": [20.0, np.nan],
            "calibration_end_date": pd.Timestamp("2024-01-01"),
            "holdout_days": 50,
            "holdout_purchases": [1, 1],
            "holdout_purchase_amount": [10.0, 30.0],
        }
    )
    # Too few customers to fit: nothing is scored rather than a fit on two customers.
    assert clv.backtest(summary, ClvSettings.from_project()).empty
    many = pd.concat([summary] * 30, ignore_index=True).assign(
        customer_key=lambda d: [f"c{i}" for i in range(len(d))]
    )
    naive = clv.backtest(many, ClvSettings.from_project(draws=0)).set_index("method").loc["naive"]
    # a: 4 repeats in 100 days -> 2 in 50 days, at 20 each; b: none
    assert naive["predicted_purchases"] == pytest.approx(30 * 2)
    assert naive["predicted_revenue"] == pytest.approx(30 * 40)
    assert naive["purchases_mae"] == pytest.approx((1 + 1) / 2)


def test_the_model_rows_say_whether_the_fit_converged_and_what_sits_on_a_bound(
    simulated: pd.DataFrame,
) -> None:
    settings = ClvSettings.from_project(draws=0)
    scores = clv.backtest(simulated, settings).set_index("method")
    assert scores.loc["bg_nbd_gamma_gamma", "is_converged"]
    assert scores.loc["bg_nbd_gamma_gamma", "parameters_at_bound"] is None
    assert scores.loc["naive", ["is_converged", "parameters_at_bound"]].isna().all()
    # nobody ever stops buying: every customer bought on the last day they were watched, so
    # nothing in the data says customers drop out and the dropout law goes to its box's edge
    rng = np.random.default_rng(5)
    age = rng.uniform(200, 600, 2_000).round()
    steady = pd.DataFrame(
        {
            "customer_key": [f"c{i}" for i in range(len(age))],
            "business_line": "shop",
            "frequency": rng.poisson(age / 30) + 1,
            "recency_days": age,
            "age_days": age,
            "mean_repeat_purchase_amount": rng.gamma(4, 10, len(age)),
            "calibration_end_date": pd.Timestamp("2024-01-01"),
            "holdout_days": 90,
            "holdout_purchases": rng.poisson(3, len(age)),
            "holdout_purchase_amount": 100.0,
        }
    )
    model = clv.backtest(steady, settings).set_index("method").loc["bg_nbd_gamma_gamma"]
    assert model["parameters_at_bound"], model


def _replication(replication: int) -> dict[str, bool]:
    """One simulated population (1,000 customers, data to 2001-09-30, October's 31 days held
    out): whether each interval holds the realised total."""
    settings = ClvSettings.from_project(draws=100, forecast_months=1)
    population = simulate_summaries(
        1_000,
        PLANTED_BGNBD,
        PLANTED_GAMMA_GAMMA,
        calibration_days=638,
        holdout_days=31,
        whole_days=False,
        random_state=1_000 + replication,
    )
    # one BLAS thread per process: two processes already fill the two cores
    with warnings.catch_warnings(), threadpool_limits(limits=1):
        warnings.simplefilter("ignore")
        parameters = clv.fit_parameters(population)
        model = clv.backtest(population, settings).set_index("method").loc["bg_nbd_gamma_gamma"]
        forecast = clv.forecast_revenue(
            population, parameters, population[["customer_key"]].assign(segment="All"), settings
        )
    held = {}
    for name in ("predicted_purchases", "predicted_revenue", "realised_purchases"):
        actual = model["actual_" + name.split("_")[1]]
        held[name] = bool(model[f"{name}_lower"] <= actual <= model[f"{name}_upper"])
    actual = model["actual_revenue"]
    held["realised_revenue"] = bool(
        model["realised_revenue_lower"] <= actual <= model["realised_revenue_upper"]
    )
    october = forecast[forecast["segment"] == "All customers"].iloc[0]
    assert str(october["period_start_date"]) == "2001-10-01"
    for kind in ("expected", "realised"):
        low, high = october[f"{kind}_revenue_lower"], october[f"{kind}_revenue_upper"]
        held[f"forecast_{kind}"] = bool(low <= actual <= high)
    return held


@pytest.mark.slow
def test_predictive_intervals_hold_the_realised_totals_at_their_level() -> None:
    """Over 200 populations simulated from the planted process (1,000 customers each, data
    to 2001-09-30, a holdout of October's 31 days), the 80 % predictive intervals hold the
    realised total in 75-85 % of them: the backtest's holdout purchases and revenue, and the
    forecast's first month (October) for all customers. The expectation intervals, which
    carry parameter uncertainty only, hold it far less often: they are the intervals of the
    expected total, not of what happens. Two processes share the replications."""
    replications = 200
    with ProcessPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(_replication, range(replications), chunksize=10))
    coverage = {name: sum(r[name] for r in results) / replications for name in results[0]}
    for name in ("realised_purchases", "realised_revenue", "forecast_realised"):
        assert 0.75 <= coverage[name] <= 0.85, coverage
    for name in ("predicted_purchases", "predicted_revenue", "forecast_expected"):
        assert coverage[name] < 0.6, coverage
