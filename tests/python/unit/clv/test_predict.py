"""hvc.clv.predict: predictions and the forecast on simulated customers whose parameters are
known."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.clv_simulation import PLANTED_BGNBD, PLANTED_GAMMA_GAMMA
from hvc import clv
from hvc.clv import ClvSettings


def test_predictions_rank_customers_like_their_true_rates(
    simulated: pd.DataFrame, simulated_parameters: pd.DataFrame
) -> None:
    """Predictions from the fitted parameters rank customers by their true rate and spend as
    well as predictions from the planted parameters do (within 0.01 Spearman)."""
    fitted = clv.predict_customers(
        simulated, simulated_parameters, ClvSettings.from_project(draws=0)
    )
    planted = clv.expected_purchases(
        PLANTED_BGNBD,
        180.0,
        simulated["frequency"],
        simulated["recency_days"],
        simulated["age_days"],
    )
    planted_spend = clv.expected_spend(
        PLANTED_GAMMA_GAMMA, simulated["frequency"], simulated["mean_repeat_purchase_amount"]
    )
    truth = simulated["true_lambda"] * simulated["is_alive"]
    rank = pd.Series.corr
    fit_rho = rank(fitted["expected_purchases_180_days"], truth, method="spearman")
    planted_rho = rank(pd.Series(planted), truth, method="spearman")
    assert planted_rho > 0.3
    assert fit_rho > planted_rho - 0.01
    spend_truth = simulated["true_mean_spend"]
    fit_rho = rank(fitted["expected_order_value"], spend_truth, method="spearman")
    assert fit_rho > rank(pd.Series(planted_spend), spend_truth, method="spearman") - 0.01


def test_predictions_are_consistent_and_deterministic(
    simulated: pd.DataFrame, simulated_parameters: pd.DataFrame
) -> None:
    sample = simulated.iloc[:3000]
    first = clv.predict_customers(
        sample, simulated_parameters, ClvSettings.from_project(draws=40, random_state=5)
    )
    again = clv.predict_customers(
        sample, simulated_parameters, ClvSettings.from_project(draws=40, random_state=5)
    )
    pd.testing.assert_frame_equal(first, again)
    assert list(first.columns) == clv.PREDICTION_COLUMNS
    assert first["customer_key"].tolist() == sample["customer_key"].tolist()
    assert first[clv.PREDICTION_COLUMNS[2:]].notna().all().all()
    p = first["probability_alive"]
    assert ((p > 0) & (p <= 1)).all()
    e30, e90, e180 = (first[f"expected_purchases_{d}_days"] for d in (30, 90, 180))
    assert ((e30 <= e90) & (e90 <= e180)).all()
    revenue = first["expected_purchases_90_days"] * first["expected_order_value"]
    assert first["expected_revenue_90_days"].to_numpy() == pytest.approx(revenue.to_numpy())
    for name in ("expected_revenue_90_days", "clv_12_months"):
        low, point, high = first[f"{name}_lower"], first[name], first[f"{name}_upper"]
        assert (low <= high).all()
        # the estimate sits inside its own draws' interval for nearly every customer
        assert ((low <= point) & (point <= high)).mean() > 0.95
    # 12 months of discounted revenue exceed 3 months of undiscounted revenue
    assert (first["clv_12_months"] > first["expected_revenue_90_days"]).all()


def test_clv_is_the_discounted_sum_of_monthly_revenue(
    simulated: pd.DataFrame, simulated_parameters: pd.DataFrame
) -> None:
    sample = simulated.iloc[:500]
    predicted = clv.predict_customers(
        sample, simulated_parameters, ClvSettings.from_project(draws=0)
    )
    bg, gg = clv.fits_from_parameters(simulated_parameters)["simulated"]
    end = pd.Timestamp(sample["calibration_end_date"].iloc[0])
    ends = [(end + pd.DateOffset(months=k) - end).days for k in range(1, 13)]
    expected = clv.customer_lifetime_value(
        bg.params,
        gg.params,
        sample["frequency"],
        sample["recency_days"],
        sample["age_days"],
        sample["mean_repeat_purchase_amount"],
        ends,
        1.1 ** (-np.arange(1, 13) / 12),
    )
    assert predicted["clv_12_months"].to_numpy() == pytest.approx(np.asarray(expected))


def test_forecast_totals_add_up_to_the_customer_expectations(
    simulated: pd.DataFrame, simulated_parameters: pd.DataFrame
) -> None:
    sample = simulated.iloc[:4000]
    segments = sample[["customer_key"]].assign(
        segment=np.where(sample["frequency"] >= 3, "Insiders", "Other customers")
    )
    forecast = clv.forecast_revenue(
        sample, simulated_parameters, segments, ClvSettings.from_project(draws=40)
    )
    assert list(forecast.columns) == clv.FORECAST_COLUMNS
    assert sorted(forecast["segment"].unique()) == ["All customers", "Insiders", "Other customers"]
    by = forecast.set_index(["segment", "month_number"])
    total = by.loc["All customers", "expected_revenue"]
    parts = by.loc["Insiders", "expected_revenue"] + by.loc["Other customers", "expected_revenue"]
    assert total.to_numpy() == pytest.approx(parts.to_numpy())
    assert by.loc["All customers", "customers"].iloc[0] == len(sample)
    # six calendar months of expected revenue = each customer's expectation to the sixth
    # month's last day less that to the eve of the first month
    bg, gg = clv.fits_from_parameters(simulated_parameters)["simulated"]
    end = pd.Timestamp(sample["calibration_end_date"].iloc[0])
    first_day, _ = clv.calendar_months(end, 6)[0]
    _, last_day = clv.calendar_months(end, 6)[-1]

    def per_customer(days: int) -> pd.Series:
        return clv.expected_purchases(
            bg.params, days, sample["frequency"], sample["recency_days"], sample["age_days"]
        ) * clv.expected_spend(
            gg.params, sample["frequency"], sample["mean_repeat_purchase_amount"]
        )

    def purchases(days: int) -> pd.Series:
        return clv.expected_purchases(
            bg.params, days, sample["frequency"], sample["recency_days"], sample["age_days"]
        )

    before = (first_day - pd.Timedelta(days=1) - end).days
    assert total.sum() == pytest.approx(
        per_customer((last_day - end).days).sum() - per_customer(before).sum()
    )
    # and each segment's, of its own customers
    revenue = np.asarray(per_customer((last_day - end).days) - per_customer(before))
    bought = np.asarray(purchases((last_day - end).days) - purchases(before))
    insiders = (sample["frequency"] >= 3).to_numpy()
    for segment, members in (("Insiders", insiders), ("Other customers", ~insiders)):
        rows = by.loc[segment]
        assert rows["expected_revenue"].sum() == pytest.approx(revenue[members].sum())
        assert rows["expected_purchases"].sum() == pytest.approx(bought[members].sum())
    assert (forecast["expected_revenue_lower"] <= forecast["expected_revenue"]).all()
    assert (forecast["expected_revenue"] <= forecast["expected_revenue_upper"]).all()
    assert forecast["period_start_date"].iloc[0] == first_day.date()
    assert first_day.day == 1 and first_day > end and (first_day - end).days <= 31


def test_calendar_months_are_whole_months_after_the_end_date() -> None:
    """Month 1 starts on the day after the end when that is the 1st, else on the next 1st."""
    assert clv.calendar_months(pd.Timestamp("2011-06-30"), 2) == [
        (pd.Timestamp("2011-07-01"), pd.Timestamp("2011-07-31")),
        (pd.Timestamp("2011-08-01"), pd.Timestamp("2011-08-31")),
    ]
    months = clv.calendar_months(pd.Timestamp("2011-12-09"), 3)
    assert [(a.date().isoformat(), b.date().isoformat()) for a, b in months] == [
        ("2012-01-01", "2012-01-31"),
        ("2012-02-01", "2012-02-29"),
        ("2012-03-01", "2012-03-31"),
    ]


def test_lines_ending_on_different_days_are_forecast_over_the_same_months(
    simulated: pd.DataFrame, simulated_parameters: pd.DataFrame
) -> None:
    """A line whose data end 10 days earlier is forecast from the other line's last day: its
    customers' expectations to each month's end less those to that day."""
    end = pd.Timestamp(simulated["calibration_end_date"].iloc[0])
    later, earlier = simulated.iloc[:2000], simulated.iloc[2000:4000]
    summary = pd.concat(
        [
            later.assign(business_line="later"),
            earlier.assign(
                business_line="earlier", calibration_end_date=end - pd.Timedelta(10, "D")
            ),
        ],
        ignore_index=True,
    )
    parameters = pd.concat(
        [simulated_parameters.assign(business_line=line) for line in ("later", "earlier")]
    )
    segments = summary[["customer_key"]].assign(segment="Other customers")
    forecast = clv.forecast_revenue(
        summary, parameters, segments, ClvSettings.from_project(draws=0)
    )
    total = forecast[forecast["segment"] == "All customers"]
    first_day, _ = clv.calendar_months(end, 6)[0]
    _, last_day = clv.calendar_months(end, 6)[-1]
    assert total["period_start_date"].iloc[0] == first_day.date()
    bg, gg = clv.fits_from_parameters(simulated_parameters)["simulated"]

    def expected(rows: pd.DataFrame, days: float) -> float:
        purchases = clv.expected_purchases(
            bg.params, days, rows["frequency"], rows["recency_days"], rows["age_days"]
        )
        spend = clv.expected_spend(
            gg.params, rows["frequency"], rows["mean_repeat_purchase_amount"]
        )
        return float((purchases * spend).sum())

    horizon = (last_day - end).days
    before = (first_day - pd.Timedelta(days=1) - end).days
    six_months = (
        expected(later, horizon)
        - expected(later, before)
        + expected(earlier, horizon + 10)
        - expected(earlier, before + 10)
    )
    assert total["expected_revenue"].astype(float).sum() == pytest.approx(six_months, rel=1e-6)
