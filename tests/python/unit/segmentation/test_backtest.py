"""hvc.segmentation.backtest: Insiders chosen at a cutoff against the top past spenders."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from helpers.segmentation_customers import BLOB_CONFIG, blob_customers
from hvc.segmentation import BACKTEST_COLUMNS, INPUT_COLUMNS, backtest_insiders


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
