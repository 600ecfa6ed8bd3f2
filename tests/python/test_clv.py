"""hvc.clv: BG/NBD and Gamma-Gamma against the published CDNOW fits, the closed forms against
independent quadrature, and the fits and predictions against simulated customers whose
parameters are known."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from scipy import integrate
from scipy.special import betaln
from statsmodels.tools.numdiff import approx_fprime

from hvc import clv

# Fader, Hardie & Lee (2005) and Fader & Hardie (2013) on the 2,357-customer CDNOW sample,
# 39-week calibration, time in weeks.
PUBLISHED_BGNBD = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
PUBLISHED_BGNBD_LL = -9582.4
PUBLISHED_GAMMA_GAMMA = {"p": 6.25, "q": 3.74, "gamma": 15.44}
PUBLISHED_GAMMA_GAMMA_LL = -4055.9
PUBLISHED_REPEAT_BUYERS = 946

# The generator's retail process (src/hvc/generate/retail.py) with alpha in days.
PLANTED_BGNBD = (0.25, 28.0, 0.8, 2.5)
PLANTED_GAMMA_GAMMA = (6.0, 4.0, 150.0)


@pytest.fixture(scope="module")
def cdnow_summary(shared_data: Path) -> pd.DataFrame:
    path = shared_data / "cdnow" / "cdnow_customers_summary_with_transactions.csv"
    if not path.is_file():
        pytest.skip(f"{path} not found")
    return pd.read_csv(path)


@pytest.fixture(scope="module")
def simulated() -> pd.DataFrame:
    """20,000 customers of the planted process in continuous time: 638 days of calibration
    (first purchases spread over it) and a 90-day holdout."""
    return clv.simulate_summaries(
        20_000,
        PLANTED_BGNBD,
        PLANTED_GAMMA_GAMMA,
        calibration_days=638,
        holdout_days=90,
        whole_days=False,
        random_state=11,
    )


@pytest.fixture(scope="module")
def simulated_parameters(simulated: pd.DataFrame) -> pd.DataFrame:
    return clv.fit_parameters(simulated)


# --- the published CDNOW fits ------------------------------------------------------------


def test_bgnbd_reproduces_the_published_cdnow_fit(cdnow_summary: pd.DataFrame) -> None:
    fit = clv.fit_bgnbd(cdnow_summary["x"], cdnow_summary["t_x"], cdnow_summary["T"])
    for name, published in PUBLISHED_BGNBD.items():
        assert fit[name] == pytest.approx(published, rel=0.01), name
    assert fit.log_likelihood == pytest.approx(PUBLISHED_BGNBD_LL, abs=0.5)
    assert fit.converged
    # standard errors come from the Hessian: positive, and each 95 % interval holds its estimate
    assert np.all(fit.standard_errors > 0)
    interval = fit.intervals(0.95)
    assert np.all((interval[:, 0] < fit.params) & (fit.params < interval[:, 1]))


def test_gamma_gamma_reproduces_the_published_cdnow_fit(cdnow_summary: pd.DataFrame) -> None:
    fit = clv.fit_gamma_gamma(cdnow_summary["x"], cdnow_summary["zbar"])
    assert fit.n_customers == PUBLISHED_REPEAT_BUYERS
    for name, published in PUBLISHED_GAMMA_GAMMA.items():
        assert fit[name] == pytest.approx(published, rel=0.01), name
    # The log density of the mean repeat spend, constants included (Fader & Hardie 2013).
    assert fit.log_likelihood == pytest.approx(PUBLISHED_GAMMA_GAMMA_LL, abs=0.5)
    assert fit.converged


# --- the closed forms --------------------------------------------------------------------


def _if_alive_by_quadrature(params, t, x, age) -> float:
    """E[(1 - (1 + p t/(alpha+T))^-(r+x)) / p] over p ~ Beta(a, b+x), by adaptive quadrature
    (QUADPACK's algebraic weight takes the p^(a-1) end-point singularity): the expectation the
    closed form is derived from, computed without it."""
    r, alpha, a, b = params
    u, k, b_x = t / (alpha + age), r + x, b + x

    def f(p: float) -> float:
        return -np.expm1(-k * np.log1p(p * u)) / p if p > 0 else k * u

    def near_zero(p: float) -> float:
        return f(p) * np.exp((b_x - 1) * np.log1p(-p) - betaln(a, b_x))

    def away(p: float) -> float:
        return f(p) * np.exp((a - 1) * np.log(p) + (b_x - 1) * np.log1p(-p) - betaln(a, b_x))

    head = integrate.quad(near_zero, 0, 0.5, weight="alg", wvar=(a - 1, 0), limit=200)[0]
    tail = integrate.quad(away, 0.5, 1, limit=200)[0]
    return head + tail


@pytest.mark.parametrize(
    "params",
    [
        (0.243, 4.414, 0.793, 2.426),
        (0.25, 28.0, 0.8, 2.5),
        (2.0, 10.0, 5.0, 3.0),
        (0.8, 69.0, 0.01, 7.0),
    ],
)
def test_expected_purchases_match_quadrature(params: tuple) -> None:
    cases = [
        (39.0, 0, 38.86),
        (39.0, 2, 30.0),
        (365.0, 10, 100.0),
        (365.0, 300, 900.0),
        (78.0, 0, 0.0),
    ]
    for t, x, age in cases:
        closed = float(clv.expected_purchases_if_alive(params, t, x, age))
        assert closed == pytest.approx(_if_alive_by_quadrature(params, t, x, age), rel=1e-7)


def test_expected_purchases_stay_within_their_bounds_across_the_parameter_box() -> None:
    """E[Y(t) | alive] is the mean of f(p) = (1 - (1 + p u)^-(r+x)) / p, decreasing in p, so it
    lies in [f(1), (r+x) u]. Random parameters over the whole fitting box (where scipy's 2F1
    alone goes wrong now and then), histories with x <= T as purchase days allow."""
    rng = np.random.default_rng(3)
    n = 20_000
    low, high = np.log(clv.SHAPE_BOUNDS)
    r, a, b = np.exp(rng.uniform(low, high, (3, n)))
    alpha = 300 * np.exp(rng.uniform(*np.log(clv.ALPHA_BOUNDS), n))
    age = np.floor(rng.uniform(0, 1000, n))
    x = np.floor(rng.uniform(0, 1, n) ** 3 * age)
    t = rng.choice([1.0, 30.0, 90.0, 365.0], n)
    value = clv.expected_purchases_if_alive((r, alpha, a, b), t, x, age)
    u, k = t / (alpha + age), r + x
    assert np.all(np.isfinite(value))
    assert np.all(value <= k * u * (1 + 1e-9))
    assert np.all(value >= -np.expm1(-k * np.log1p(u)) * (1 - 1e-9))


def test_new_customer_expectation_is_the_conditional_one_at_zero() -> None:
    params = (0.243, 4.414, 0.793, 2.426)
    assert float(clv.expected_purchases_new_customer(params, 78.0)) == pytest.approx(
        float(clv.expected_purchases(params, 78.0, 0, 0, 0))
    )
    # FHL (2005) eq. 9 through the direct series, which is well behaved at these values
    from scipy.special import hyp2f1

    r, alpha, a, b = params
    z = 78.0 / (alpha + 78.0)
    direct = (
        (a + b - 1) / (a - 1) * (1 - (alpha / (alpha + 78.0)) ** r * hyp2f1(r, b, a + b - 1, z))
    )
    assert float(clv.expected_purchases_new_customer(params, 78.0)) == pytest.approx(direct)


def test_probability_alive_is_one_without_repeats_and_falls_with_silence() -> None:
    params = (0.243, 4.414, 0.793, 2.426)
    assert float(clv.probability_alive(params, 0, 0, 30)) == 1.0
    recent, silent = clv.probability_alive(params, [5, 5], [30, 5], [31, 31])
    assert 0.8 < recent < 1 and silent < 0.05


def test_likelihoods_survive_large_counts_and_their_scores_are_the_gradient() -> None:
    x = np.array([0, 1, 3, 50, 20_000.0])
    t_x = np.array([0, 2.0, 10.0, 300.0, 999.0])
    age = np.array([5.0, 40.0, 40.0, 400.0, 1000.0])
    spend = np.array([np.nan, 10.0, 25.0, 7.5, 12.0])
    log_bg = np.log([0.3, 20.0, 0.9, 2.0])
    log_gg = np.log([6.0, 4.0, 50.0])

    def bg_total(log_params):
        return clv.bgnbd_loglikelihood(np.exp(log_params), x, t_x, age).sum()

    def gg_total(log_params):
        return clv.gamma_gamma_loglikelihood(np.exp(log_params), x[1:], spend[1:]).sum()

    assert np.all(np.isfinite(clv.bgnbd_loglikelihood(np.exp(log_bg), x, t_x, age)))
    score = clv._bgnbd_score(np.exp(log_bg), x, t_x, age).sum(axis=0)
    assert score == pytest.approx(approx_fprime(log_bg, bg_total, centered=True), rel=1e-5)
    score = clv._gamma_gamma_score(np.exp(log_gg), x[1:], spend[1:]).sum(axis=0)
    assert score == pytest.approx(approx_fprime(log_gg, gg_total, centered=True), rel=1e-5)
    # P(alive) and the expectation stay finite for 20,000 purchases
    alive = clv.probability_alive(np.exp(log_bg), x, t_x, age)
    expected = clv.expected_purchases(np.exp(log_bg), 90.0, x, t_x, age)
    assert np.all(np.isfinite(alive)) and np.all(np.isfinite(expected))


def test_expected_spend_shrinks_towards_the_population_mean() -> None:
    p, q, gamma = 6.0, 4.0, 150.0
    population = gamma * p / (q - 1)
    one, many, none = clv.expected_spend((p, q, gamma), [1, 100, 0], [1000.0, 1000.0, np.nan])
    assert none == pytest.approx(population)
    assert population < one < many < 1000.0
    assert many == pytest.approx((gamma + 100 * 1000.0) * p / (p * 100 + q - 1))


# --- fits and predictions on simulated customers -------------------------------------------


def test_fit_recovers_the_simulated_parameters(simulated_parameters: pd.DataFrame) -> None:
    """Every planted parameter within 3 standard errors of its estimate (on the log scale,
    where the estimates are asymptotically normal): a two-sided 99.7 % band per parameter."""
    planted = dict(zip(clv.BGNBD_PARAMETERS, PLANTED_BGNBD, strict=True)) | dict(
        zip(clv.GAMMA_GAMMA_PARAMETERS, PLANTED_GAMMA_GAMMA, strict=True)
    )
    rows = simulated_parameters.set_index("parameter")
    assert rows["is_converged"].all()
    for name, value in planted.items():
        log_se = rows.loc[name, "standard_error"] / rows.loc[name, "estimate"]
        z = (np.log(rows.loc[name, "estimate"]) - np.log(value)) / log_se
        assert abs(z) < 3, (name, rows.loc[name, "estimate"], value)


def test_backtest_is_unbiased_on_the_model_s_own_process(simulated: pd.DataFrame) -> None:
    """On customers who follow BG/NBD exactly, predicted holdout totals match the actual ones
    up to the holdout's own randomness: 20,000 customers make about 5,500 holdout purchases,
    whose total varies by about 2.5 % (over-dispersed Poisson), so 6 % is beyond 2 sd. The
    model also beats carrying each customer's past rate forward, per customer."""
    scores = clv.backtest(simulated, n_draws=50).set_index("method")
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


def test_predictions_rank_customers_like_their_true_rates(
    simulated: pd.DataFrame, simulated_parameters: pd.DataFrame
) -> None:
    """Predictions from the fitted parameters rank customers by their true rate and spend as
    well as predictions from the planted parameters do (within 0.01 Spearman)."""
    fitted = clv.predict_customers(simulated, simulated_parameters, n_draws=0)
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
    first = clv.predict_customers(sample, simulated_parameters, n_draws=40, random_state=5)
    again = clv.predict_customers(sample, simulated_parameters, n_draws=40, random_state=5)
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
    predicted = clv.predict_customers(sample, simulated_parameters, n_draws=0)
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
    forecast = clv.forecast_revenue(sample, simulated_parameters, segments, n_draws=40)
    assert list(forecast.columns) == clv.FORECAST_COLUMNS
    assert sorted(forecast["segment"].unique()) == ["All customers", "Insiders", "Other customers"]
    by = forecast.set_index(["segment", "month_number"])
    total = by.loc["All customers", "expected_revenue"]
    parts = by.loc["Insiders", "expected_revenue"] + by.loc["Other customers", "expected_revenue"]
    assert total.to_numpy() == pytest.approx(parts.to_numpy())
    assert by.loc["All customers", "customers"].iloc[0] == len(sample)
    # six months of expected revenue = each customer's expectation to the sixth month's end
    bg, gg = clv.fits_from_parameters(simulated_parameters)["simulated"]
    end = pd.Timestamp(sample["calibration_end_date"].iloc[0])
    horizon = (end + pd.DateOffset(months=6) - end).days
    per_customer = clv.expected_purchases(
        bg.params, horizon, sample["frequency"], sample["recency_days"], sample["age_days"]
    ) * clv.expected_spend(gg.params, sample["frequency"], sample["mean_repeat_purchase_amount"])
    assert total.sum() == pytest.approx(per_customer.sum())
    assert (forecast["expected_revenue_lower"] <= forecast["expected_revenue"]).all()
    assert (forecast["expected_revenue"] <= forecast["expected_revenue_upper"]).all()
    assert forecast["period_start_date"].iloc[0] == (end + pd.Timedelta(days=1)).date()


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
    assert clv.backtest(summary).empty
    many = pd.concat([summary] * 30, ignore_index=True).assign(
        customer_key=lambda d: [f"c{i}" for i in range(len(d))]
    )
    naive = clv.backtest(many, n_draws=0).set_index("method").loc["naive"]
    # a: 4 repeats in 100 days -> 2 in 50 days, at 20 each; b: none
    assert naive["predicted_purchases"] == pytest.approx(30 * 2)
    assert naive["predicted_revenue"] == pytest.approx(30 * 40)
    assert naive["purchases_mae"] == pytest.approx((1 + 1) / 2)


def test_small_or_empty_lines_give_nulls_and_typed_empty_tables() -> None:
    tiny = clv.simulate_summaries(20, PLANTED_BGNBD, PLANTED_GAMMA_GAMMA, random_state=1)
    parameters = clv.fit_parameters(tiny)
    assert parameters.empty
    predicted = clv.predict_customers(tiny, parameters)
    assert len(predicted) == 20 and predicted["clv_12_months"].isna().all()
    forecast = clv.forecast_revenue(tiny, parameters, tiny[["customer_key"]].assign(segment="x"))
    # every output converts to its Arrow schema, empty or not
    for frame, schema in (
        (parameters, clv.PARAMETER_SCHEMA),
        (predicted, clv.PREDICTION_SCHEMA),
        (forecast, clv.FORECAST_SCHEMA),
        (
            clv.backtest(
                tiny.assign(holdout_days=90, holdout_purchases=0, holdout_purchase_amount=0.0)
            ),
            clv.BACKTEST_SCHEMA,
        ),
    ):
        assert pa.Table.from_pandas(frame, schema=schema, preserve_index=False).schema == schema
