"""hvc.segmentation.backtest: Insiders chosen at a cutoff against the top past spenders."""

from __future__ import annotations

import dataclasses
import math

import duckdb
import numpy as np
import pandas as pd
import pytest

from helpers.segmentation_customers import BLOB_CONFIG, blob_customers
from hvc.relations import frames_by
from hvc.segmentation import BACKTEST_COLUMNS, INPUT_COLUMNS, backtest_insiders
from hvc.segmentation import backtest as backtest_module


def backtest_frame(n: int = 1500, seed: int = 8) -> pd.DataFrame:
    customers = blob_customers(3, n=n, seed=seed)
    rng = np.random.default_rng(seed)
    # future revenue follows past revenue, with noise; some customers do not come back
    future = customers["net_revenue"] * rng.uniform(0.0, 0.6, n) * (rng.random(n) < 0.7)
    return customers[INPUT_COLUMNS].assign(
        future_net_revenue=np.round(future, 2),
        future_order_count=(future > 0).astype(int),
        cutoff_date=pd.Timestamp("2011-09-10"),
        horizon_end_date=pd.Timestamp("2011-12-09"),
    )


def test_backtest_measures_insiders_against_the_top_past_spenders() -> None:
    frame = backtest_frame()
    backtest, selection = backtest_insiders(frame, BLOB_CONFIG)
    assert list(backtest.columns) == BACKTEST_COLUMNS
    assert backtest["selection"].tolist() == ["segment_insiders", "top_past_spend"]
    insiders, naive = backtest.iloc[0], backtest.iloc[1]
    assert insiders["selected_customers"] == naive["selected_customers"] > 0
    # the baseline recomputed by hand: as many customers, the highest past net revenue
    top = frame.sort_values(["net_revenue", "customer_key"], ascending=[False, True]).head(
        int(naive["selected_customers"])
    )
    assert naive["future_revenue_selected"] == pytest.approx(top["future_net_revenue"].sum())
    assert naive["share_of_future_revenue"] == pytest.approx(
        top["future_net_revenue"].sum() / frame["future_net_revenue"].sum()
    )
    assert naive["share_ci_lower"] <= naive["share_of_future_revenue"] <= naive["share_ci_upper"]
    assert insiders["share_difference_vs_baseline"] == pytest.approx(
        insiders["share_of_future_revenue"] - naive["share_of_future_revenue"]
    )
    assert math.isnan(naive["share_difference_vs_baseline"])
    assert insiders["cutoff_date"] == pd.Timestamp("2011-09-10")
    assert selection["is_chosen"].sum() == 1


def test_backtest_of_no_customers_is_empty() -> None:
    frame = backtest_frame().head(0)
    backtest, _ = backtest_insiders(frame, BLOB_CONFIG)
    assert backtest.empty and list(backtest.columns) == BACKTEST_COLUMNS


def test_each_cutoff_is_backtested_and_the_predicted_value_list_ranks_by_clv() -> None:
    """Two cutoffs, each on its own; with CLV inputs a third list, the customers with the
    highest expected revenue over the horizon, is measured against the same naive list. Here
    the future revenue is planted to follow the CLV inputs' purchase rate, not past revenue,
    so the predicted-value list must beat the naive one."""
    rng = np.random.default_rng(4)
    frames = []
    for number, cutoff in ((1, "2011-09-10"), (2, "2011-06-12")):
        frame = backtest_frame(seed=8 + number)
        n = len(frame)
        age = rng.uniform(100, 600, n).round()
        frequency = rng.poisson(age / 60)
        rate = (frequency + 0.25) / (age + 28)
        frame = frame.assign(
            cutoff_number=number,
            cutoff_date=pd.Timestamp(cutoff),
            horizon_end_date=pd.Timestamp(cutoff) + pd.Timedelta(days=90),
            clv_frequency=frequency,
            clv_recency_days=np.where(frequency > 0, age, 0.0),  # last purchase: the last day
            clv_age_days=age,
            clv_mean_repeat_purchase_amount=np.where(frequency > 0, 100.0, np.nan),
            future_net_revenue=np.round(rng.poisson(rate * 91) * 100.0, 2),
        )
        frames.append(frame)
    whole = pd.concat(frames, ignore_index=True)
    backtest, _ = backtest_insiders(whole, BLOB_CONFIG)
    # the model reads a cutoff at a time from the warehouse, in whatever order it holds them
    connection = duckdb.connect()
    shuffled = whole.sample(frac=1.0, random_state=3)  # noqa: F841 (read by DuckDB)
    connection.execute("create table customers as select * from shuffled")
    cutoffs = frames_by(connection.table("customers"), ["cutoff_number"])
    pd.testing.assert_frame_equal(backtest_insiders(cutoffs, BLOB_CONFIG)[0], backtest)
    assert sorted(backtest["cutoff_date"].dt.strftime("%Y-%m-%d").unique()) == [
        "2011-06-12",
        "2011-09-10",
    ]
    for _, rows in backtest.groupby("cutoff_date"):
        rows = rows.set_index("selection")
        assert list(rows.index) == ["segment_insiders", "top_past_spend", "predicted_value"]
        chosen = rows.loc["predicted_value"]
        assert chosen["selected_customers"] == rows.loc["segment_insiders", "selected_customers"]
        assert chosen["share_difference_ci_lower"] > 0, chosen


def test_bootstrap_of_a_subsampled_population_resamples_the_subsample(monkeypatch) -> None:
    """Above the cap, each draw resamples the fixed subsample: the interval equals the one
    computed by hand from the same random numbers (the subsample first, then the draws)."""
    monkeypatch.setattr(backtest_module, "BACKTEST_BOOTSTRAP_CAP", 300)
    rng = np.random.default_rng(3)
    n = 1000
    future = rng.gamma(0.5, 100.0, n)
    flags = rng.random(n) < 0.2
    baseline = rng.random(n) < 0.2
    settings = dataclasses.replace(BLOB_CONFIG, bootstrap_resamples=200)
    [(share, difference)] = backtest_module._bootstrap_intervals(
        future, [(flags, baseline)], settings
    )

    draws = np.random.default_rng(settings.random_state)
    base = np.sort(draws.choice(np.arange(n), 300, replace=False))
    shares, differences = [], []
    for _ in range(200):
        index = base[draws.integers(0, 300, 300)]
        total = future[index].sum()
        shares.append(future[index][flags[index]].sum() / total)
        differences.append((future[index] * (flags[index] * 1.0 - baseline[index])).sum() / total)
    assert share == pytest.approx(tuple(np.percentile(shares, [2.5, 97.5])), rel=1e-12)
    assert (difference["share_difference_ci_lower"], difference["share_difference_ci_upper"]) == (
        pytest.approx(tuple(np.percentile(differences, [2.5, 97.5])), rel=1e-12)
    )
