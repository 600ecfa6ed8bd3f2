"""hvc.clv.expectations: the closed forms against independent quadrature and their bounds."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import integrate
from scipy.special import betaln

from hvc import clv


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


def test_expected_spend_shrinks_towards_the_population_mean() -> None:
    p, q, gamma = 6.0, 4.0, 150.0
    population = gamma * p / (q - 1)
    one, many, none = clv.expected_spend((p, q, gamma), [1, 100, 0], [1000.0, 1000.0, np.nan])
    assert none == pytest.approx(population)
    assert population < one < many < 1000.0
    assert many == pytest.approx((gamma + 100 * 1000.0) * p / (p * 100 + q - 1))
