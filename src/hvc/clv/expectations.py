"""What a fitted customer is expected to do: P(alive), purchases, spend and discounted value.

Parameters may be arrays broadcast against the customers: a draw axis works.
"""

from __future__ import annotations

import numpy as np
from scipy.linalg import eigh_tridiagonal
from scipy.special import expit, hyp2f1


def probability_alive(params, x, t_x, age) -> np.ndarray:
    """P(alive at T | x, t_x, T) = 1 / (1 + [x > 0] a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x)).

    FHL (2005) eq. 11, as a logistic function of the log odds (no overflow at large x).
    """
    r, alpha, a, b = params
    x, t_x, age = (np.asarray(v, dtype=float) for v in (x, t_x, age))
    log_odds = (
        np.log(a)
        - np.log(b + np.maximum(x, 1) - 1)
        + (r + x) * (np.log(alpha + age) - np.log(alpha + t_x))
    )
    return np.where(x > 0, expit(-log_odds), 1.0)


def expected_purchases_if_alive(params, t, x, age) -> np.ndarray:
    """E[purchases in (T, T+t] | alive at T, x, T].

    FHL (2005) eq. 10 without its P(alive) factor: (a+b+x-1)/(a-1) [1 - (1-z)^(r+x)
    2F1(r+x, b+x; a+b+x-1; z)], z = t/(alpha+T+t). Where a < r+x+1 that 2F1 grows without
    bound as z -> 1 (and overflows for large x), so there the product is computed through
    Euler's transformation, (1-z)^(a-1) 2F1(a+b-1-r, a-1; a+b+x-1; z), the series that stays
    bounded. The result must lie between f(1) and f(0), where f(p) = (1 - (1 + p u)^-(r+x)) / p
    and u = t/(alpha+T), because it is the mean of the decreasing f over p ~ Beta(a, b+x); a
    value that does not (scipy's 2F1 loses accuracy at extreme parameters) is recomputed by
    Gauss-Jacobi quadrature of that mean.
    """
    r, alpha, a, b = (np.asarray(v, dtype=float) for v in params)
    # The closed form has a removable singularity at a = 1.
    a = np.where(np.abs(a - 1) < 1e-7, 1 + 1e-7, a)
    r, alpha, a, b, x, age, t = np.broadcast_arrays(
        r, alpha, a, b, np.asarray(x, dtype=float), np.asarray(age, dtype=float), t
    )
    z = t / (alpha + age + t)
    c = a + b + x - 1
    product = np.empty(z.shape)
    d = a > r + x + 1
    e = ~d
    with np.errstate(all="ignore"):
        product[d] = (1 - z[d]) ** (r[d] + x[d]) * hyp2f1(r[d] + x[d], b[d] + x[d], c[d], z[d])
        product[e] = (1 - z[e]) ** (a[e] - 1) * hyp2f1(a[e] + b[e] - 1 - r[e], a[e] - 1, c[e], z[e])
        value = c / (a - 1) * (1 - product)
        u = t / (alpha + age)
        k = r + x
        upper = k * u
        lower = -np.expm1(-k * np.log1p(u))
        bad = ~np.isfinite(value) | (value > upper * (1 + 1e-6)) | (value < lower * (1 - 1e-6))
    if bad.any():
        value = np.array(value, dtype=float)
        value[bad] = [
            _if_alive_quadrature(*args)
            for args in zip(r[bad], a[bad], b[bad], x[bad], u[bad], strict=True)
        ]
    return np.clip(value, lower, upper)


def _gauss_jacobi(n: int, alpha: float, beta: float) -> tuple[np.ndarray, np.ndarray]:
    """Nodes on [0, 1] and weights summing to 1 for the weight (1-p)^alpha p^beta (Golub-Welsch
    on the Jacobi recurrence: no overflow for large alpha)."""
    k = np.arange(n, dtype=float)
    s = 2 * k + alpha + beta
    with np.errstate(divide="ignore", invalid="ignore"):
        diagonal = (beta**2 - alpha**2) / (s * (s + 2))
    diagonal[0] = (beta - alpha) / (alpha + beta + 2)
    j = np.arange(1, n, dtype=float)
    s = 2 * j + alpha + beta
    off = 4 * j * (j + alpha) * (j + beta) * (j + alpha + beta) / (s**2 * (s + 1) * (s - 1))
    off[0] = 4 * (1 + alpha) * (1 + beta) / ((2 + alpha + beta) ** 2 * (3 + alpha + beta))
    nodes, vectors = eigh_tridiagonal(diagonal, np.sqrt(off))
    weights = vectors[0] ** 2
    return (nodes + 1) / 2, weights / weights.sum()


def _if_alive_quadrature(r: float, a: float, b: float, x: float, u: float) -> float:
    """E[f(p)], p ~ Beta(a, b+x), f(p) = (1 - (1 + p u)^-(r+x)) / p, by 64-point quadrature."""
    nodes, weights = _gauss_jacobi(64, b + x - 1, a - 1)
    return float(np.sum(weights * -np.expm1(-(r + x) * np.log1p(nodes * u)) / nodes))


def expected_purchases(params, t, x, t_x, age) -> np.ndarray:
    """Conditional expected purchases in the next ``t`` (FHL 2005, eq. 10)."""
    return probability_alive(params, x, t_x, age) * expected_purchases_if_alive(params, t, x, age)


def expected_purchases_new_customer(params, t) -> np.ndarray:
    """E[X(t)]: repeat purchases in the first ``t`` after a first purchase (FHL 2005, eq. 9)."""
    return expected_purchases_if_alive(params, t, 0.0, 0.0)


def expected_spend(params, x, mean_spend) -> np.ndarray:
    """E[value of a purchase | x, mean spend] = (gamma + x z) p / (p x + q - 1).

    Fader & Hardie (2013) eq. 5. For x = 0 (or no usable spend) the population mean
    gamma p / (q - 1), infinite when q <= 1.
    """
    p, q, gamma = params
    x = np.asarray(x, dtype=float)
    z = np.asarray(mean_spend, dtype=float)
    known = (x > 0) & np.isfinite(z) & (z > 0)
    xz = np.where(known, x * np.where(known, z, 0), 0)
    px = np.where(known, p * x, 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        value = (gamma + xz) * p / (px + q - 1)
    return np.where(px + q - 1 > 0, value, np.inf)


def customer_lifetime_value(
    bgnbd_params, gamma_gamma_params, x, t_x, age, mean_spend, period_ends, discount_factors
) -> np.ndarray:
    """Discounted expected revenue over consecutive periods ending at ``period_ends``.

    Sum over periods of (expected purchases in the period) x (expected spend) x (the period's
    discount factor), as in Fader, Hardie & Lee (2005) with discrete periods.
    """
    x = np.asarray(x, dtype=float)
    cumulative = [np.zeros_like(x)] + [
        expected_purchases_if_alive(bgnbd_params, t, x, age) for t in period_ends
    ]
    discounted = sum(
        f * (cumulative[k + 1] - cumulative[k]) for k, f in enumerate(discount_factors)
    )
    return (
        probability_alive(bgnbd_params, x, t_x, age)
        * discounted
        * expected_spend(gamma_gamma_params, x, mean_spend)
    )
