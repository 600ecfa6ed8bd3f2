"""Customer lifetime value: BG/NBD for purchases, Gamma-Gamma for spend, by maximum likelihood.

BG/NBD (Fader, Hardie & Lee 2005): while alive, a customer buys at rate ``lambda`` ~ Gamma(r,
alpha) and after each repeat purchase drops out with probability ``p`` ~ Beta(a, b).
Gamma-Gamma (Fader & Hardie 2013): a customer's purchase values are Gamma(p, nu) with ``nu`` ~
Gamma(q, gamma), independent of the purchase process. Per customer the inputs are the
frequency ``x`` (repeat purchases), recency ``t_x`` (first to last purchase), age ``T`` (first
purchase to the end of the calibration period) and the mean value of the repeat purchases.
Time is in whatever unit the inputs use (the warehouse uses days).

Both models are fitted on log parameters with statsmodels' ``GenericLikelihoodModel``
(analytic score; L-BFGS-B within wide bounds; Hessian by central differences of the
score). Standard errors and 95 % intervals come from the inverse Hessian by the delta method.
Prediction intervals are quantiles of a prediction over parameter sets drawn from the
estimates' asymptotic normal distribution (on the log scale): they show how uncertain the
*expectation* is, not the spread of what a customer will actually do.
"""

from __future__ import annotations

import warnings
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
from scipy.linalg import eigh_tridiagonal
from scipy.sparse import csr_array
from scipy.special import digamma, expit, gammaln, hyp2f1
from scipy.stats import norm
from statsmodels.base.model import GenericLikelihoodModel
from statsmodels.tools.numdiff import approx_fprime
from statsmodels.tools.sm_exceptions import ConvergenceWarning

BGNBD = "bg_nbd"
GAMMA_GAMMA = "gamma_gamma"
BGNBD_PARAMETERS = ("r", "alpha", "a", "b")
GAMMA_GAMMA_PARAMETERS = ("p", "q", "gamma")
MODEL_PARAMETERS = {BGNBD: BGNBD_PARAMETERS, GAMMA_GAMMA: GAMMA_GAMMA_PARAMETERS}

# Estimates are kept in a wide box: shape parameters in [1e-3, 1e3], scale parameters (alpha,
# gamma) within these factors of the data's scale (mean age T, mean repeat spend). An estimate
# on the box's edge is a limit the data push towards (a -> 0: nobody drops out; a, b -> inf:
# everyone has the same dropout probability) and is flagged `is_at_bound`. Inside the box the
# BG/NBD expectation is computed accurately (tests/python/test_clv.py checks it).
SHAPE_BOUNDS = (1e-3, 1e3)
ALPHA_BOUNDS = (1e-3, 1e4)
GAMMA_BOUNDS = (1e-4, 1e6)

# A business line is fitted when it has this many customers and repeat buyers.
MIN_CUSTOMERS = 50
MIN_REPEAT_BUYERS = 10

PARAMETER_COLUMNS = [
    "business_line",
    "model",
    "parameter",
    "parameter_index",
    "estimate",
    "standard_error",
    "ci_lower_95",
    "ci_upper_95",
    "lower_bound",
    "upper_bound",
    "is_at_bound",
    "log_estimate",
    "log_covariance",
    "log_likelihood",
    "fitted_customers",
    "is_converged",
]

PREDICTION_COLUMNS = [
    "customer_key",
    "business_line",
    "probability_alive",
    "expected_purchases_30_days",
    "expected_purchases_90_days",
    "expected_purchases_180_days",
    "expected_order_value",
    "expected_revenue_90_days",
    "expected_revenue_90_days_lower",
    "expected_revenue_90_days_upper",
    "clv_12_months",
    "clv_12_months_lower",
    "clv_12_months_upper",
]

FORECAST_COLUMNS = [
    "segment",
    "month_number",
    "period_start_date",
    "period_end_date",
    "customers",
    "expected_purchases",
    "expected_revenue",
    "expected_revenue_lower",
    "expected_revenue_upper",
]

BACKTEST_COLUMNS = [
    "business_line",
    "method",
    "calibration_end_date",
    "holdout_days",
    "customers",
    "actual_purchases",
    "predicted_purchases",
    "predicted_purchases_lower",
    "predicted_purchases_upper",
    "actual_revenue",
    "predicted_revenue",
    "predicted_revenue_lower",
    "predicted_revenue_upper",
    "purchases_mae",
    "purchases_rmse",
    "purchases_correlation",
    "revenue_mae",
    "revenue_rmse",
    "revenue_correlation",
]

_F64 = pa.float64()
PARAMETER_SCHEMA = pa.schema(
    [
        ("business_line", pa.string()),
        ("model", pa.string()),
        ("parameter", pa.string()),
        ("parameter_index", pa.int64()),
        ("estimate", _F64),
        ("standard_error", _F64),
        ("ci_lower_95", _F64),
        ("ci_upper_95", _F64),
        ("lower_bound", _F64),
        ("upper_bound", _F64),
        ("is_at_bound", pa.bool_()),
        ("log_estimate", _F64),
        ("log_covariance", pa.list_(_F64)),
        ("log_likelihood", _F64),
        ("fitted_customers", pa.int64()),
        ("is_converged", pa.bool_()),
    ]
)
PREDICTION_SCHEMA = pa.schema(
    [("customer_key", pa.string()), ("business_line", pa.string())]
    + [(c, _F64) for c in PREDICTION_COLUMNS[2:]]
)
FORECAST_SCHEMA = pa.schema(
    [
        ("segment", pa.string()),
        ("month_number", pa.int64()),
        ("period_start_date", pa.date32()),
        ("period_end_date", pa.date32()),
        ("customers", pa.int64()),
    ]
    + [(c, _F64) for c in FORECAST_COLUMNS[5:]]
)
BACKTEST_SCHEMA = pa.schema(
    [
        ("business_line", pa.string()),
        ("method", pa.string()),
        ("calibration_end_date", pa.date32()),
        ("holdout_days", pa.int64()),
        ("customers", pa.int64()),
    ]
    + [(c, _F64) for c in BACKTEST_COLUMNS[5:]]
)

# ---------------------------------------------------------------------------------------------
# Log-likelihoods and their gradients (per customer; parameters on the natural scale, the
# gradient with respect to the log parameters).


class _Repeats:
    """Repeat-purchase counts and their distinct values: a function of x alone (log-gamma,
    digamma) is computed once per distinct count, a few hundred at most, not per customer."""

    def __init__(self, x):
        self.x = np.asarray(x, dtype=float)
        self.values, self.index = np.unique(self.x, return_inverse=True)

    @classmethod
    def of(cls, x) -> _Repeats:
        return x if isinstance(x, cls) else cls(x)

    def apply(self, function) -> np.ndarray:
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


# ---------------------------------------------------------------------------------------------
# Fitting


class _LogScaleLikelihood(GenericLikelihoodModel):
    """A likelihood over weighted rows with positive parameters estimated on the log scale."""

    def __init__(self, loglike_obs, score_obs, data, weights, names):
        self._loglike_obs = loglike_obs
        self._score_obs = score_obs
        self._data = data
        self._weights = np.asarray(weights, dtype=float)
        super().__init__(self._weights, None, extra_params_names=[f"log_{n}" for n in names])

    def loglikeobs(self, params):
        return self._weights * self._loglike_obs(np.exp(params), *self._data)

    def loglike(self, params):
        value = self.loglikeobs(params).sum()
        return value if np.isfinite(value) else -np.inf

    def score_obs(self, params):
        return self._weights[:, None] * self._score_obs(np.exp(params), *self._data)

    def score(self, params):
        return self.score_obs(params).sum(axis=0)

    def hessian(self, params):
        h = approx_fprime(np.asarray(params, dtype=float), self.score, centered=True)
        return (h + h.T) / 2


@dataclass(frozen=True)
class Fit:
    """A fitted model: log-parameter estimates, their covariance and the fit's diagnostics."""

    model: str
    names: tuple[str, ...]
    log_params: np.ndarray
    log_covariance: np.ndarray
    log_bounds: np.ndarray  # (k, 2)
    log_likelihood: float
    n_customers: int
    converged: bool

    @property
    def params(self) -> np.ndarray:
        return np.exp(self.log_params)

    def __getitem__(self, name: str) -> float:
        return float(self.params[self.names.index(name)])

    @property
    def at_bound(self) -> np.ndarray:
        """True for each estimate on the edge of the parameter box."""
        return np.isclose(self.log_params[:, None], self.log_bounds, atol=1e-4).any(axis=1)

    @property
    def _log_standard_errors(self) -> np.ndarray:
        """SE of the log estimates; null for an estimate held on the box's edge."""
        return np.where(self.at_bound, np.nan, np.sqrt(np.diag(self.log_covariance)))

    @property
    def standard_errors(self) -> np.ndarray:
        """Standard errors on the natural scale (delta method: estimate x SE of the log)."""
        return self.params * self._log_standard_errors

    def intervals(self, level: float = 0.95) -> np.ndarray:
        """(k, 2) intervals, symmetric on the log scale (so always positive)."""
        half = norm.ppf(0.5 + level / 2) * self._log_standard_errors
        return np.exp(np.column_stack([self.log_params - half, self.log_params + half]))

    def draw(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """(n, k) parameter sets from the estimates' asymptotic normal law on the log scale,
        kept inside the parameter box."""
        draws = rng.multivariate_normal(self.log_params, self.log_covariance, size=n)
        return np.exp(np.clip(draws, self.log_bounds[:, 0], self.log_bounds[:, 1]))

    def table(self) -> pd.DataFrame:
        """One row per parameter: estimate, standard error, 95 % interval, bounds, log moments."""
        interval = self.intervals(0.95)
        bounds = np.exp(self.log_bounds)
        return pd.DataFrame(
            {
                "model": self.model,
                "parameter": list(self.names),
                "parameter_index": np.arange(len(self.names), dtype=np.int64),
                "estimate": self.params,
                "standard_error": self.standard_errors,
                "ci_lower_95": interval[:, 0],
                "ci_upper_95": interval[:, 1],
                "lower_bound": bounds[:, 0],
                "upper_bound": bounds[:, 1],
                "is_at_bound": self.at_bound,
                "log_estimate": self.log_params,
                "log_covariance": [list(map(float, row)) for row in self.log_covariance],
                "log_likelihood": self.log_likelihood,
                "fitted_customers": np.int64(self.n_customers),
                "is_converged": self.converged,
            }
        )


def _covariance(hessian: np.ndarray) -> tuple[np.ndarray, bool]:
    """Covariance of the log estimates: the inverse of the negative Hessian.

    Where the likelihood is flat in some direction (an estimate heading for a limit, such as
    a and b growing together when every customer has the same dropout probability) the
    negative Hessian is singular: the pseudo-inverse over its clearly positive eigenvalues is
    used, so draws hold the flat direction fixed. Returns the covariance and whether the
    negative Hessian was positive definite.
    """
    if not np.all(np.isfinite(hessian)):
        return np.full_like(hessian, np.nan), False
    values, vectors = np.linalg.eigh(-hessian)
    keep = values > 1e-8 * max(values.max(), 1e-300)
    inverse = np.where(keep, 1 / np.where(keep, values, 1), 0)
    return (vectors * inverse) @ vectors.T, bool(keep.all())


def _fit(model, loglike_obs, score_obs, data, weights, start, log_bounds, n_customers) -> Fit:
    names = MODEL_PARAMETERS[model]
    likelihood = _LogScaleLikelihood(loglike_obs, score_obs, data, weights, names)
    log_bounds = np.asarray(log_bounds, dtype=float)
    with warnings.catch_warnings():
        # Convergence is judged below on the gradient, whatever the optimizer reports.
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        first = likelihood.fit(
            start_params=np.clip(np.log(start), log_bounds[:, 0], log_bounds[:, 1]),
            method="minimize",
            min_method="L-BFGS-B",
            bounds=[tuple(b) for b in log_bounds],
            maxiter=2000,
            ftol=1e-15,
            gtol=1e-9,
            disp=False,
        )
    log_params = np.asarray(first.params, dtype=float)
    at_bound = np.isclose(log_params[:, None], log_bounds, atol=1e-4).any(axis=1)
    # An estimate on the box's edge is held there: the covariance is that of the other
    # estimates given it (the inverse of their block of the negative Hessian), zero for it.
    free = ~at_bound
    covariance = np.zeros((len(names), len(names)))
    definite = True
    if free.any():
        hessian = likelihood.hessian(log_params)
        block, definite = _covariance(hessian[np.ix_(free, free)])
        covariance[np.ix_(free, free)] = block
    gradient = np.abs(likelihood.score(log_params)[free]).max(initial=0) / max(n_customers, 1)
    return Fit(
        model=model,
        names=names,
        log_params=log_params,
        log_covariance=covariance,
        log_bounds=log_bounds,
        log_likelihood=float(likelihood.loglike(log_params)),
        n_customers=int(n_customers),
        converged=definite and bool(gradient < 1e-5) and not at_bound.any(),
    )


def _log_box(scale_index: int, scale: float, scale_bounds: tuple[float, float], k: int):
    bounds = np.tile(np.log(SHAPE_BOUNDS), (k, 1))
    bounds[scale_index] = np.log(np.array(scale_bounds) * scale)
    return bounds


def fit_bgnbd(frequency, recency, age) -> Fit:
    """Fit BG/NBD by maximum likelihood.

    Customers with the same (x, t_x, T) are one weighted row, so the cost follows the number
    of distinct histories, not of customers.

    Parameters
    ----------
    frequency, recency, age : repeat purchases x, first-to-last purchase time t_x and
        first-purchase-to-end-of-calibration time T, one entry per customer.
    """
    rows = pd.DataFrame(
        {
            "x": np.asarray(frequency, dtype=float),
            "t_x": np.asarray(recency, dtype=float),
            "age": np.asarray(age, dtype=float),
        }
    )
    _check_summary(rows["x"], rows["t_x"], rows["age"])
    grouped = rows.groupby(["x", "t_x", "age"], sort=True).size().reset_index(name="n")
    data = (_Repeats(grouped["x"]), grouped["t_x"].to_numpy(), grouped["age"].to_numpy())
    scale = max(float(rows["age"].mean()), 1e-9)
    start = np.array([1.0, scale / 10, 1.0, 1.0])
    bounds = _log_box(1, scale, ALPHA_BOUNDS, 4)
    return _fit(
        BGNBD, bgnbd_loglikelihood, _bgnbd_score, data, grouped["n"], start, bounds, len(rows)
    )


def fit_gamma_gamma(frequency, mean_spend) -> Fit:
    """Fit Gamma-Gamma by maximum likelihood on the customers with x >= 1 and mean spend > 0.

    Parameters
    ----------
    frequency : repeat purchases x.
    mean_spend : mean value of the repeat purchases (ignored where x = 0).
    """
    x = np.asarray(frequency, dtype=float)
    z = np.asarray(mean_spend, dtype=float)
    used = (x > 0) & np.isfinite(z) & (z > 0)
    x, z = x[used], z[used]
    if len(x) == 0:
        raise ValueError("Gamma-Gamma needs customers with repeat purchases")
    scale = float(np.mean(z))
    start = np.array([1.0, 1.0, scale])
    bounds = _log_box(2, scale, GAMMA_BOUNDS, 3)
    return _fit(
        GAMMA_GAMMA,
        gamma_gamma_loglikelihood,
        _gamma_gamma_score,
        (_Repeats(x), z),
        np.ones(len(x)),
        start,
        bounds,
        len(x),
    )


def _check_summary(x, t_x, age) -> None:
    if len(x) == 0:
        raise ValueError("no customers to fit")
    if (x < 0).any() or (t_x < 0).any() or (t_x > age).any():
        raise ValueError("need x >= 0 and 0 <= t_x <= T")
    if ((x == 0) & (t_x != 0)).any():
        raise ValueError("t_x must be 0 when x = 0")


# ---------------------------------------------------------------------------------------------
# Predictions (parameters may be arrays broadcast against the customers: a draw axis works)


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


# ---------------------------------------------------------------------------------------------
# Warehouse-facing: per business line, from `int_clv__customer_summaries` (time in days)


def fit_parameters(summary: pd.DataFrame) -> pd.DataFrame:
    """Fit BG/NBD and Gamma-Gamma for each business line of a calibration summary.

    Parameters
    ----------
    summary : one row per customer with `business_line`, `frequency`, `recency_days`,
        `age_days`, `mean_repeat_purchase_amount` (null without repeat purchases).

    Returns
    -------
    DataFrame with PARAMETER_COLUMNS, one row per business line, model and parameter. A line
    with fewer than MIN_CUSTOMERS customers or MIN_REPEAT_BUYERS repeat buyers is not fitted
    (it has no rows).
    """
    frames = []
    for line, rows in summary.groupby("business_line", sort=True):
        x, t_x, age, spend = _customer_arrays(rows)
        repeat_buyers = int(((x > 0) & (np.nan_to_num(spend) > 0)).sum())
        if len(rows) < MIN_CUSTOMERS or repeat_buyers < MIN_REPEAT_BUYERS:
            continue
        for fit in (fit_bgnbd(x, t_x, age), fit_gamma_gamma(x, spend)):
            frames.append(fit.table().assign(business_line=line))
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in PARAMETER_COLUMNS})
    return pd.concat(frames, ignore_index=True)[PARAMETER_COLUMNS]


def fits_from_parameters(parameters: pd.DataFrame) -> dict[str, tuple[Fit, Fit]]:
    """Rebuild each business line's (BG/NBD, Gamma-Gamma) fits from `fit_parameters` output."""
    fits: dict[str, dict[str, Fit]] = {}
    for (line, model), rows in parameters.groupby(["business_line", "model"], sort=True):
        rows = rows.sort_values("parameter_index")
        fits.setdefault(line, {})[model] = Fit(
            model=model,
            names=tuple(rows["parameter"]),
            log_params=rows["log_estimate"].to_numpy(dtype=float),
            log_covariance=np.array([list(v) for v in rows["log_covariance"]], dtype=float),
            log_bounds=np.log(rows[["lower_bound", "upper_bound"]].to_numpy(dtype=float)),
            log_likelihood=float(rows["log_likelihood"].iloc[0]),
            n_customers=int(rows["fitted_customers"].iloc[0]),
            converged=bool(rows["is_converged"].iloc[0]),
        )
    return {
        line: (models[BGNBD], models[GAMMA_GAMMA])
        for line, models in fits.items()
        if BGNBD in models and GAMMA_GAMMA in models
    }


def _customer_arrays(rows: pd.DataFrame) -> tuple[np.ndarray, ...]:
    return (
        rows["frequency"].to_numpy(dtype=float),
        rows["recency_days"].to_numpy(dtype=float),
        rows["age_days"].to_numpy(dtype=float),
        pd.to_numeric(rows["mean_repeat_purchase_amount"]).to_numpy(dtype=float, na_value=np.nan),
    )


def _chunks(n: int, size: int) -> Iterator[slice]:
    for start in range(0, n, size):
        yield slice(start, min(start + size, n))


class _LinePredictor:
    """Predictions for one fitted business line at the estimates (row 0 of every draw axis)
    and at ``n_draws`` parameter sets drawn from their asymptotic law.

    Customers with the same (x, t_x, T, mean spend) share every prediction, customers without
    repeat purchases share all but T, so predictions are made once per distinct history
    (`self.row` maps customers to them). The hypergeometric part of the expectation depends on
    (x, T) only and is computed once per distinct (x, T), draw and horizon.
    """

    def __init__(
        self, rows: pd.DataFrame, bg: Fit, gg: Fit, n_draws: int, rng: np.random.Generator
    ):
        x, t_x, age, spend = _customer_arrays(rows)
        # -1: no usable mean spend (the population mean applies); nulls would drop out of keys.
        spend = np.where((x > 0) & np.isfinite(spend) & (spend > 0), spend, -1.0)
        keys = pd.DataFrame({"x": x, "t_x": t_x, "age": age, "spend": spend})
        self.row = keys.groupby(["x", "t_x", "age", "spend"], sort=True).ngroup().to_numpy()
        first = np.unique(self.row, return_index=True)[1]
        self.x, self.t_x, self.age, self.spend = x[first], t_x[first], age[first], spend[first]
        self.n = len(first)
        self.count = np.bincount(self.row, minlength=self.n)
        pairs = pd.DataFrame({"x": self.x, "age": self.age})
        self.pair = pairs.groupby(["x", "age"], sort=True).ngroup().to_numpy()
        first_pair = np.unique(self.pair, return_index=True)[1]
        self.pair_x, self.pair_age = self.x[first_pair], self.age[first_pair]
        self.bg = self._draws(bg, n_draws, rng)
        self.gg = self._draws(gg, n_draws, rng)

    @staticmethod
    def _draws(fit: Fit, n_draws: int, rng: np.random.Generator) -> np.ndarray:
        """The estimates first, then the draws (the estimates again where the covariance is
        unusable, so that model's uncertainty is left out rather than the interval)."""
        n_draws = max(n_draws, 0)
        if not np.all(np.isfinite(fit.log_covariance)):
            return np.repeat(fit.params[None, :], n_draws + 1, axis=0)
        return np.vstack([fit.params, fit.draw(n_draws, rng)])

    @property
    def has_draws(self) -> bool:
        return len(self.bg) > 1

    def if_alive(self, horizons: Sequence[float], draws: int | None = None) -> np.ndarray:
        """(draws, horizons, pairs): expected purchases if alive, per distinct (x, T)."""
        params = self.bg if draws is None else self.bg[:draws]
        out = np.empty((len(params), len(horizons), len(self.pair_x)))
        for s, row in enumerate(params):
            for k, t in enumerate(horizons):
                out[s, k] = expected_purchases_if_alive(row, t, self.pair_x, self.pair_age)
        return out

    def alive_and_spend(self, part: slice) -> tuple[np.ndarray, np.ndarray]:
        """(draws, rows) P(alive) and expected spend for a slice of the distinct histories."""
        bg = tuple(self.bg[:, [j]] for j in range(4))
        gg = tuple(self.gg[:, [j]] for j in range(3))
        alive = probability_alive(bg, self.x[part], self.t_x[part], self.age[part])
        spend = expected_spend(gg, self.x[part], self.spend[part])
        return alive, spend


def _rng(random_state: int, line: str) -> np.random.Generator:
    """Draws per business line, independent of which other lines there are."""
    return np.random.default_rng([int(random_state), zlib.crc32(str(line).encode())])


def _months_after(end_date, months: int) -> list[pd.Timestamp]:
    end = pd.Timestamp(end_date)
    return [end + pd.DateOffset(months=k) for k in range(1, months + 1)]


def _days_between(start, ends: list[pd.Timestamp]) -> np.ndarray:
    return np.array([(end - pd.Timestamp(start)).days for end in ends], dtype=float)


def _quantiles(values: np.ndarray, interval: float) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper quantiles over the draws (rows 1..) of ``values``."""
    low, high = np.quantile(values[1:], [(1 - interval) / 2, (1 + interval) / 2], axis=0)
    return low, high


def _finite(values) -> np.ndarray:
    values = np.asarray(values, dtype=float)
    return np.where(np.isfinite(values), values, np.nan)


def predict_customers(
    summary: pd.DataFrame,
    parameters: pd.DataFrame,
    *,
    annual_discount_rate: float = 0.10,
    n_draws: int = 100,
    interval: float = 0.80,
    random_state: int = 42,
    chunk_size: int = 20_000,
) -> pd.DataFrame:
    """Per-customer predictions with intervals, for each fitted business line.

    Parameters
    ----------
    summary : one row per customer: `customer_key`, `business_line`, `frequency`,
        `recency_days`, `age_days`, `mean_repeat_purchase_amount`, `calibration_end_date`
        (the last day observed; horizons start the day after).
    parameters : `fit_parameters` output. Customers of a line without a fit get nulls.
    annual_discount_rate : CLV discounts month k's revenue by (1 + rate)^(-k/12).
    n_draws : parameter draws for the intervals (0: no intervals).
    interval : central probability of the intervals (0.8: 10th to 90th percentile).

    Returns
    -------
    DataFrame with PREDICTION_COLUMNS in `summary` order: P(alive); expected purchases in the
    next 30, 90 and 180 days; expected order value (Gamma-Gamma); expected revenue in the next
    90 days; CLV over the next 12 calendar months, discounted monthly. Point values use the
    estimates; lower and upper bounds are quantiles of the same quantity over the draws.
    """
    summary = summary.reset_index(drop=True)
    out = pd.DataFrame(np.nan, index=summary.index, columns=PREDICTION_COLUMNS[2:])
    fits = fits_from_parameters(parameters)
    discount = (1 + annual_discount_rate) ** (-np.arange(1, 13) / 12)
    for line, rows in summary.groupby("business_line", sort=True):
        if line not in fits:
            continue
        lp = _LinePredictor(rows, *fits[line], n_draws, _rng(random_state, line))
        end = rows["calibration_end_date"].iloc[0]
        months = _days_between(end, _months_after(end, 12))
        # The 30- and 180-day expectations have no interval: at the estimates only.
        short_long = lp.if_alive([30.0, 180.0], draws=1)[0]
        table = lp.if_alive(np.concatenate([[90.0], months]))
        monthly = np.diff(table[:, 1:], axis=1, prepend=0)
        clv_factor = np.einsum("k,skp->sp", discount, monthly)
        values = {column: np.empty(lp.n) for column in PREDICTION_COLUMNS[2:]}
        for part in _chunks(lp.n, chunk_size):
            alive, spend = lp.alive_and_spend(part)
            pair = lp.pair[part]
            with np.errstate(invalid="ignore"):
                revenue_90 = alive * table[:, 0, pair] * spend
                clv = alive * clv_factor[:, pair] * spend
            block = {
                "probability_alive": alive[0],
                "expected_purchases_30_days": alive[0] * short_long[0, pair],
                "expected_purchases_90_days": alive[0] * table[0, 0, pair],
                "expected_purchases_180_days": alive[0] * short_long[1, pair],
                "expected_order_value": spend[0],
                "expected_revenue_90_days": revenue_90[0],
                "clv_12_months": clv[0],
            }
            if lp.has_draws:
                for name, draws in (
                    ("expected_revenue_90_days", revenue_90),
                    ("clv_12_months", clv),
                ):
                    block[f"{name}_lower"], block[f"{name}_upper"] = _quantiles(draws, interval)
            for column in values:
                values[column][part] = block.get(column, np.nan)
        at = rows.index.to_numpy()
        for column, per_row in values.items():
            out.loc[at, column] = _finite(per_row)[lp.row]
    out.insert(0, "business_line", summary["business_line"])
    out.insert(0, "customer_key", summary["customer_key"])
    return out[PREDICTION_COLUMNS]


def forecast_revenue(
    summary: pd.DataFrame,
    parameters: pd.DataFrame,
    segments: pd.DataFrame,
    *,
    months: int = 6,
    n_draws: int = 100,
    interval: float = 0.80,
    random_state: int = 42,
    chunk_size: int = 20_000,
    total_segment: str = "All customers",
) -> pd.DataFrame:
    """Expected revenue from today's customers in each of the next calendar months, by segment.

    Parameters
    ----------
    summary : as for `predict_customers`.
    parameters : `fit_parameters` output; lines without a fit are left out.
    segments : `customer_key`, `segment`; customers without a row are "Unsegmented".
    months : months after the calibration end; month k ends on the calibration end's day of
        month, k calendar months later.
    total_segment : name of the rows summing every segment (customers in a segment of that
        name count in the total only).

    Returns
    -------
    DataFrame with FORECAST_COLUMNS, one row per segment and month. The interval is over
    parameter draws of the segment's total (draws of different business lines are
    independent, as their fits are). Customers who have not bought yet are not forecast.
    """
    summary = summary.reset_index(drop=True)
    named = segments[["customer_key", "segment"]].drop_duplicates("customer_key")
    segment = summary[["customer_key"]].merge(named, on="customer_key", how="left")["segment"]
    segment = segment.fillna("Unsegmented").astype(str).to_numpy()
    fits = fits_from_parameters(parameters)
    fitted = summary["business_line"].isin(list(fits)).to_numpy()
    names = sorted(set(segment[fitted]) - {total_segment})
    names.append(total_segment)
    code = {name: i for i, name in enumerate(names)}
    n_groups = len(names)
    draws_total = 1 + (n_draws if n_draws > 0 else 0)
    revenue = np.zeros((draws_total, n_groups, months))
    purchases = np.zeros_like(revenue)
    customers = np.zeros(n_groups, dtype=np.int64)
    start, has_draws = None, False
    for line, rows in summary.groupby("business_line", sort=True):
        if line not in fits:
            continue
        lp = _LinePredictor(rows, *fits[line], n_draws, _rng(random_state, line))
        start = pd.Timestamp(rows["calibration_end_date"].iloc[0])
        monthly = np.diff(
            lp.if_alive(_days_between(start, _months_after(start, months))), axis=1, prepend=0
        )
        group = np.array([code[s] for s in segment[rows.index]], dtype=np.int64)
        n_cells = len(lp.pair_x) * n_groups
        # Customers per (distinct history, pair x segment cell).
        membership = csr_array(
            (np.ones(len(group)), (lp.row, lp.pair[lp.row] * n_groups + group)),
            shape=(lp.n, n_cells),
        )
        s_count = len(lp.bg)
        by_cell = np.zeros((2, s_count, n_cells))
        for part in _chunks(lp.n, chunk_size):
            alive, spend = lp.alive_and_spend(part)
            block = membership[part]
            by_cell[0] += (block.T @ (alive * spend).T).T
            by_cell[1] += (block.T @ alive.T).T
        cells = by_cell.reshape(2, s_count, len(lp.pair_x), n_groups)
        revenue[:s_count] += np.einsum("spg,skp->sgk", cells[0], monthly)
        purchases[:s_count] += np.einsum("spg,skp->sgk", cells[1], monthly)
        customers += np.bincount(group, minlength=n_groups)
        has_draws = has_draws or lp.has_draws
    if start is None:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in FORECAST_COLUMNS})
    total = code[total_segment]
    revenue[:, total] = revenue.sum(axis=1)
    purchases[:, total] = purchases.sum(axis=1)
    customers[total] = customers.sum()
    ends = _months_after(start, months)
    records = []
    for name, g in code.items():
        if has_draws:
            low, high = _quantiles(revenue[:, g], interval)
        else:
            low = high = np.full(months, np.nan)
        for k in range(months):
            period_start = (start if k == 0 else ends[k - 1]) + pd.Timedelta(days=1)
            records.append(
                {
                    "segment": name,
                    "month_number": k + 1,
                    "period_start_date": period_start.date(),
                    "period_end_date": ends[k].date(),
                    "customers": int(customers[g]),
                    "expected_purchases": purchases[0, g, k],
                    "expected_revenue": revenue[0, g, k],
                    "expected_revenue_lower": low[k],
                    "expected_revenue_upper": high[k],
                }
            )
    return pd.DataFrame(records, columns=FORECAST_COLUMNS)


def backtest(
    summary: pd.DataFrame,
    *,
    n_draws: int = 100,
    interval: float = 0.80,
    random_state: int = 42,
    chunk_size: int = 20_000,
) -> pd.DataFrame:
    """Fit on a calibration period, predict its holdout, and score against a naive baseline.

    Parameters
    ----------
    summary : the backtest calibration, one row per customer as for `predict_customers`,
        plus `holdout_days` (the holdout's length, days after `calibration_end_date`),
        `holdout_purchases` and `holdout_purchase_amount` (what the customer did then).

    Returns
    -------
    DataFrame with BACKTEST_COLUMNS, per fitted business line two rows: `bg_nbd_gamma_gamma`
    (conditional expected purchases in the holdout, times the Gamma-Gamma expected spend) and
    `naive` (the customer's repeat-purchase rate x/T over the calibration carried forward for
    the holdout's length, at their mean repeat purchase value; 0 without repeat purchases).
    MAE, RMSE and Pearson correlation are over the line's customers (the model predicts
    means, which minimise squared error; MAE favours predicting 0 for the many who do not
    buy); totals too, with an interval over parameter draws for the model's totals.
    """
    summary = summary.reset_index(drop=True)
    fits = fits_from_parameters(fit_parameters(summary))
    records = []
    for line, rows in summary.groupby("business_line", sort=True):
        if line not in fits:
            continue
        lp = _LinePredictor(rows, *fits[line], n_draws, _rng(random_state, line))
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
        x, _, age, spend = _customer_arrays(rows)
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
        if lp.has_draws:
            model_bounds = [_quantiles(totals[j], interval) for j in range(2)]
        else:
            model_bounds = [(np.nan, np.nan)] * 2
        for method, purchases, revenue, bounds in (
            ("bg_nbd_gamma_gamma", model_purchases[lp.row], model_revenue[lp.row], model_bounds),
            ("naive", naive_purchases, naive_revenue, [(np.nan, np.nan)] * 2),
        ):
            records.append(
                common
                | {
                    "method": method,
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
            )
    if not records:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in BACKTEST_COLUMNS})
    return pd.DataFrame(records)[BACKTEST_COLUMNS]


def _correlation(a: np.ndarray, b: np.ndarray) -> float:
    if len(a) < 2 or np.std(a) == 0 or np.std(b) == 0:
        return float("nan")
    return float(np.corrcoef(a, b)[0, 1])


def simulate_summaries(
    n: int,
    bgnbd: Sequence[float],
    gamma_gamma: Sequence[float],
    *,
    calibration_days: float = 730.0,
    holdout_days: float = 0.0,
    whole_days: bool = True,
    random_state: int = 0,
) -> pd.DataFrame:
    """Customers drawn from the BG/NBD and Gamma-Gamma processes, summarised like the warehouse.

    Each customer's first purchase falls uniformly in the calibration period, which ends at
    ``calibration_days``; purchases follow (rate ``lambda`` ~ Gamma(r, alpha), dropout after a
    repeat purchase with probability ``p`` ~ Beta(a, b)) through the calibration period and
    ``holdout_days`` after it; each purchase is worth Gamma(p, nu), nu ~ Gamma(q, gamma).

    Parameters
    ----------
    bgnbd : r, alpha (days), a, b.
    gamma_gamma : p, q, gamma.
    whole_days : count time in whole days and merge same-day purchases, as the warehouse does
        (else continuous time, exactly the model).

    Returns
    -------
    DataFrame: the `int_clv__customer_summaries` columns used by the package (`customer_key`,
    `business_line` "simulated", `frequency`, `recency_days`, `age_days`,
    `mean_repeat_purchase_amount`, `calibration_end_date` 2000-01-01 + calibration_days,
    `holdout_days`, `holdout_purchases`, `holdout_purchase_amount`) and the truth
    (`true_lambda`, `true_p`, `true_mean_spend`, `is_alive` at the calibration end).
    """
    rng = np.random.default_rng(random_state)
    r, alpha, a, b = bgnbd
    p_spend, q, gamma = gamma_gamma
    lam = rng.gamma(r, 1 / alpha, n)
    p_drop = rng.beta(a, b, n)
    nu = rng.gamma(q, 1 / gamma, n)
    first = rng.uniform(0, calibration_days, n)
    if whole_days:
        first = np.floor(first)
    age = calibration_days - first
    span = age + holdout_days
    arrivals = rng.poisson(lam * span)
    allowed = rng.geometric(p_drop)  # the repeat purchase after which the customer drops out
    repeats = np.minimum(arrivals, allowed)
    owner = np.repeat(np.arange(n), arrivals)
    when = rng.random(len(owner)) * span[owner]
    order = np.lexsort((when, owner))
    owner, when = owner[order], when[order]
    starts = np.concatenate([[0], np.cumsum(arrivals)[:-1]])
    rank = np.arange(len(owner)) - np.repeat(starts, arrivals)
    kept = rank < repeats[owner]
    owner, when = owner[kept], when[kept]
    value = rng.gamma(p_spend, 1 / nu[owner])
    if whole_days:
        # Same-day purchases are one (worth their sum); a repeat on day 0 joins the first.
        day = np.floor(when)
        days = pd.DataFrame({"owner": owner, "day": day, "value": value})
        days = days[days["day"] > 0].groupby(["owner", "day"], sort=True)["value"].sum()
        owner = days.index.get_level_values("owner").to_numpy()
        when = days.index.get_level_values("day").to_numpy(dtype=float)
        value = days.to_numpy()
    in_calibration = when <= age[owner]
    cal_owner = owner[in_calibration]
    frequency = np.bincount(cal_owner, minlength=n)
    recency = np.zeros(n)
    np.maximum.at(recency, cal_owner, when[in_calibration])
    spend_sum = np.bincount(cal_owner, weights=value[in_calibration], minlength=n)
    hold_owner = owner[~in_calibration]
    # Alive at the calibration end: not yet dropped out, i.e. made fewer repeat purchases by
    # then than the one after which they leave.
    return pd.DataFrame(
        {
            "customer_key": np.char.add("c", np.arange(n).astype(str)),
            "business_line": "simulated",
            "frequency": frequency.astype(np.int64),
            "recency_days": recency,
            "age_days": age,
            "mean_repeat_purchase_amount": np.where(
                frequency > 0, spend_sum / np.maximum(frequency, 1), np.nan
            ),
            "calibration_end_date": pd.Timestamp("2000-01-01")
            + pd.Timedelta(days=float(calibration_days)),
            "holdout_days": holdout_days,
            "holdout_purchases": np.bincount(hold_owner, minlength=n).astype(np.int64),
            "holdout_purchase_amount": np.bincount(
                hold_owner, weights=value[~in_calibration], minlength=n
            ),
            "true_lambda": lam,
            "true_p": p_drop,
            "true_mean_spend": p_spend / nu,
            "is_alive": frequency < allowed,
        }
    )
