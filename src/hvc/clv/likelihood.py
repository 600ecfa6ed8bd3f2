"""BG/NBD and Gamma-Gamma log-likelihoods per customer, and their gradients (scores).

Parameters are on the natural scale; the scores are gradients with respect to the log
parameters, the scale the models are fitted on (`hvc.clv.fit`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.special import digamma, expit, gammaln

BGNBD = "bg_nbd"
GAMMA_GAMMA = "gamma_gamma"
BGNBD_PARAMETERS = ("r", "alpha", "a", "b")
GAMMA_GAMMA_PARAMETERS = ("p", "q", "gamma")
MODEL_PARAMETERS = {BGNBD: BGNBD_PARAMETERS, GAMMA_GAMMA: GAMMA_GAMMA_PARAMETERS}


class _Repeats:
    """Repeat-purchase counts and their distinct values: a function of x alone (log-gamma,
    digamma) is computed once per distinct count, a few hundred at most, not per customer."""

    def __init__(self, x):
        self.x = np.asarray(x, dtype=float)
        self.values, self.index = np.unique(self.x, return_inverse=True)

    @classmethod
    def of(cls, x) -> _Repeats:
        """`x` as `_Repeats` (itself when it already is)."""
        return x if isinstance(x, cls) else cls(x)

    def apply(self, function) -> np.ndarray:
        """`function` of each customer's count, computed once per distinct count."""
        return function(self.values)[self.index]


def bgnbd_loglikelihood(params: Sequence[float], x, t_x, age) -> np.ndarray:
    """Per-customer BG/NBD log-likelihood (FHL 2005, eq. 6), in log space.

    Parameters
    ----------
    params : r, alpha, a, b.
    x, t_x, age : repeat purchases, recency and age (same time unit as alpha).

    Notes
    -----
    log L = A1 + A2 + log(exp(A3) + [x > 0] exp(A4)) with A1 = log G(r+x) - log G(r) +
    r log alpha, A2 = log B(a, b+x) - log B(a, b), A3 = -(r+x) log(alpha+T) and A4 = log a -
    log(b+x-1) - (r+x) log(alpha+t_x): log-gamma functions and logaddexp, so large counts
    neither overflow nor underflow.
    """
    r, alpha, a, b = params
    counts = _Repeats.of(x)
    x = counts.x
    t_x, age = np.asarray(t_x, dtype=float), np.asarray(age, dtype=float)
    a1 = counts.apply(lambda v: gammaln(r + v)) - gammaln(r) + r * np.log(alpha)
    a2 = gammaln(a + b) - gammaln(b) + counts.apply(lambda v: gammaln(b + v) - gammaln(a + b + v))
    a3 = -(r + x) * np.log(alpha + age)
    a4 = _dropout_term(params, x, t_x)
    return a1 + a2 + np.logaddexp(a3, a4)


def _dropout_term(params: Sequence[float], x: np.ndarray, t_x: np.ndarray) -> np.ndarray:
    """A4: log of the likelihood's "dropped out after the last purchase" term; -inf at x = 0."""
    r, alpha, a, b = params
    term = np.log(a) - np.log(b + np.maximum(x, 1) - 1) - (r + x) * np.log(alpha + t_x)
    return np.where(x > 0, term, -np.inf)


def _bgnbd_score(params: Sequence[float], x, t_x, age) -> np.ndarray:
    """Per-customer gradient of the BG/NBD log-likelihood with respect to log parameters."""
    r, alpha, a, b = params
    counts = _Repeats.of(x)
    x = counts.x
    a3 = -(r + x) * np.log(alpha + age)
    a4 = _dropout_term(params, x, t_x)
    w4 = expit(a4 - a3)  # share of the likelihood in the dropped-out term
    w3 = 1 - w4
    d_r = (
        counts.apply(lambda v: digamma(r + v))
        - digamma(r)
        + np.log(alpha)
        - w3 * np.log(alpha + age)
        - w4 * np.log(alpha + t_x)
    )
    d_alpha = r / alpha - (r + x) * (w3 / (alpha + age) + w4 / (alpha + t_x))
    psi_abx = counts.apply(lambda v: digamma(a + b + v))
    d_a = digamma(a + b) - psi_abx + w4 / a
    d_b = (
        digamma(a + b)
        + counts.apply(lambda v: digamma(b + v))
        - digamma(b)
        - psi_abx
        - w4 / (b + np.maximum(x, 1) - 1)
    )
    return np.column_stack([d_r * r, d_alpha * alpha, d_a * a, d_b * b])


def gamma_gamma_loglikelihood(params: Sequence[float], x, mean_spend) -> np.ndarray:
    """Per-customer Gamma-Gamma log-likelihood: the log density of the mean repeat spend.

    The density of the mean ``z`` of ``x`` purchase values (Fader & Hardie 2013, eq. 1a and
    their spreadsheet): G(px+q) / (G(px) G(q)) gamma^q x^(px) z^(px-1) / (gamma + x z)^(px+q).
    The constant terms (px-1) log z + px log x are kept, so CDNOW gives the published -4055.9.
    """
    p, q, gamma = params
    counts = _Repeats.of(x)
    x, z = counts.x, np.asarray(mean_spend, dtype=float)
    px = p * x
    return (
        counts.apply(lambda v: gammaln(p * v + q) - gammaln(p * v) + p * v * np.log(v))
        - gammaln(q)
        + q * np.log(gamma)
        + (px - 1) * np.log(z)
        - (px + q) * np.log(gamma + x * z)
    )


def _gamma_gamma_score(params: Sequence[float], x, mean_spend) -> np.ndarray:
    """Per-customer gradient of the Gamma-Gamma log-likelihood with respect to log parameters."""
    p, q, gamma = params
    counts = _Repeats.of(x)
    x, z = counts.x, mean_spend
    px = p * x
    psi_pxq = counts.apply(lambda v: digamma(p * v + q))
    log_gxz = np.log(gamma + x * z)
    d_p = x * (psi_pxq + np.log(z) - log_gxz) + counts.apply(
        lambda v: v * (np.log(v) - digamma(p * v))
    )
    d_q = psi_pxq - digamma(q) + np.log(gamma) - log_gxz
    d_gamma = q / gamma - (px + q) / (gamma + x * z)
    return np.column_stack([d_p * p, d_q * q, d_gamma * gamma])
