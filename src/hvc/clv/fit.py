"""Maximum-likelihood fits of BG/NBD and Gamma-Gamma, per customer and per business line.

Both models are fitted on log parameters with statsmodels' ``GenericLikelihoodModel``
(analytic score; L-BFGS-B within wide bounds; Hessian by central differences of the score).
Standard errors and 95 % intervals come from the inverse Hessian by the delta method.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import norm
from statsmodels.base.model import GenericLikelihoodModel
from statsmodels.tools.numdiff import approx_fprime
from statsmodels.tools.sm_exceptions import ConvergenceWarning

from hvc.clv.likelihood import (
    BGNBD,
    GAMMA_GAMMA,
    MODEL_PARAMETERS,
    _bgnbd_score,
    _gamma_gamma_score,
    _Repeats,
    bgnbd_loglikelihood,
    gamma_gamma_loglikelihood,
)
from hvc.clv.tables import PARAMETER_COLUMNS, customer_arrays, empty_frame

# Estimates are kept in a wide box: shape parameters in [1e-3, 1e3], scale parameters (alpha,
# gamma) within these factors of the data's scale (mean age T, mean repeat spend). An estimate
# on the box's edge is a limit the data push towards (a -> 0: nobody drops out; a, b -> inf:
# everyone has the same dropout probability) and is flagged `is_at_bound`. Inside the box the
# BG/NBD expectation is computed accurately (tests/python/unit/clv/test_expectations.py checks it).
SHAPE_BOUNDS = (1e-3, 1e3)
ALPHA_BOUNDS = (1e-3, 1e4)
GAMMA_BOUNDS = (1e-4, 1e6)

# A business line is fitted when it has this many customers and repeat buyers.
MIN_CUSTOMERS = 50
MIN_REPEAT_BUYERS = 10


class _LogScaleLikelihood(GenericLikelihoodModel):
    """A likelihood over weighted rows with positive parameters estimated on the log scale."""

    def __init__(self, loglike_obs, score_obs, data, weights, names):
        self._loglike_obs = loglike_obs
        self._score_obs = score_obs
        self._data = data
        self._weights = np.asarray(weights, dtype=float)
        super().__init__(self._weights, None, extra_params_names=[f"log_{n}" for n in names])

    def loglikeobs(self, params):
        """Weighted log-likelihood of each row."""
        return self._weights * self._loglike_obs(np.exp(params), *self._data)

    def loglike(self, params):
        """Total log-likelihood (-inf where it is not finite, so the optimizer backs off)."""
        value = self.loglikeobs(params).sum()
        return value if np.isfinite(value) else -np.inf

    def score_obs(self, params):
        """Weighted gradient of each row with respect to the log parameters."""
        return self._weights[:, None] * self._score_obs(np.exp(params), *self._data)

    def score(self, params):
        """Gradient of the total log-likelihood."""
        return self.score_obs(params).sum(axis=0)

    def hessian(self, params):
        """Hessian by central differences of the analytic score, symmetrised."""
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
        """The estimates on the natural scale."""
        return np.exp(self.log_params)

    def __getitem__(self, name: str) -> float:
        """One estimate by parameter name."""
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
    """Maximise a likelihood within the box and estimate the covariance of the log estimates."""
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
    """Log bounds of k parameters: the shape box, the scale parameter's relative to the data."""
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
    """Reject summaries no customer history can have."""
    if len(x) == 0:
        raise ValueError("no customers to fit")
    if (x < 0).any() or (t_x < 0).any() or (t_x > age).any():
        raise ValueError("need x >= 0 and 0 <= t_x <= T")
    if ((x == 0) & (t_x != 0)).any():
        raise ValueError("t_x must be 0 when x = 0")


#: The summary columns a fit reads (and sorts by).
SUMMARY_FIT_COLUMNS = (
    "business_line",
    "frequency",
    "recency_days",
    "age_days",
    "mean_repeat_purchase_amount",
)


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
    (it has no rows). The rows are put in one order first, so that the same customers give
    the same bits whatever order they come in (sums of floats depend on it).
    """
    summary = summary.sort_values(list(SUMMARY_FIT_COLUMNS), kind="stable", na_position="last")
    frames = []
    for line, rows in summary.groupby("business_line", sort=True):
        x, t_x, age, spend = customer_arrays(rows)
        repeat_buyers = int(((x > 0) & (np.nan_to_num(spend) > 0)).sum())
        if len(rows) < MIN_CUSTOMERS or repeat_buyers < MIN_REPEAT_BUYERS:
            continue
        for fit in (fit_bgnbd(x, t_x, age), fit_gamma_gamma(x, spend)):
            frames.append(fit.table().assign(business_line=line))
    if not frames:
        return empty_frame(PARAMETER_COLUMNS)
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
