"""Predictive draws: what customers may actually buy, not only what they are expected to buy.

The expectation intervals (`_lower` / `_upper` of an expected figure) are quantiles over
parameter draws of an *expected* total: they narrow as customers are added, and a realised
total falls outside them far more often than their level says. The predictive intervals
(`realised_..._lower` / `_upper`) add the randomness of the purchases themselves: for every
parameter draw each customer is simulated once from the model given their history, and the
quantiles are over the simulated totals.

Given a history (x repeat purchases, the last at t_x, watched for T) and parameters
(r, alpha, a, b; p, q, gamma), a customer is

- alive with probability P(alive | x, t_x, T) (else buys nothing more);
- if alive, buys at rate lambda ~ Gamma(r + x, alpha + T) and drops out after each purchase
  with probability p ~ Beta(a, b + x) (the posteriors given the history and being alive), so
  the purchases in the next periods are the Poisson arrivals up to the G-th, G ~ Geometric(p);
- spends per purchase Gamma(p, nu) with nu ~ Gamma(p x + q, gamma + x z) (z: mean repeat
  spend; Gamma(q, gamma) without one), so n purchases are worth Gamma(n p, nu).
"""

from __future__ import annotations

import zlib

import numpy as np

from hvc.clv.predict import _chunks, _LinePredictor

# Customers x draws simulated at a time: bounds memory; with the same input the same chunks
# draw the same random numbers, so results are the same to the bit.
SIMULATED_PER_CHUNK = 1_000_000


def simulation_rng(random_state: int, line: str) -> np.random.Generator:
    """The simulation's own stream per business line, apart from the parameter draws'."""
    return np.random.default_rng([int(random_state), zlib.crc32(str(line).encode()), 1])


def simulate_totals(
    lp: _LinePredictor,
    period_days: np.ndarray,
    group: np.ndarray,
    n_groups: int,
    rng: np.random.Generator,
    *,
    per_chunk: int = SIMULATED_PER_CHUNK,
) -> tuple[np.ndarray, np.ndarray] | None:
    """Simulated purchases and revenue per parameter draw, group and period.

    Parameters
    ----------
    lp : the line's predictor (its parameter draws; row 0, the estimates, is not used).
    period_days : the length in days of each consecutive period from the calibration end.
    group : each customer's group (0 .. n_groups - 1), in the line's row order.
    rng : `simulation_rng` of the line.

    Returns
    -------
    `(purchases, revenue)`, each (draws, n_groups, periods); None without parameter draws.
    """
    if not lp.has_draws:
        return None
    bg, gg = lp.bg[1:], lp.gg[1:]
    draws, periods = len(bg), len(period_days)
    cells = draws * n_groups * periods
    purchases = np.zeros(cells)
    revenue = np.zeros(cells)
    order = np.argsort(lp.row, kind="stable")  # customers by history
    starts = np.searchsorted(lp.row[order], np.arange(lp.n + 1))
    step = max(1, per_chunk // draws)
    for part in _chunks(lp.n, max(1, step)):
        alive_p = lp.alive_and_spend(part)[0][1:]
        customers = order[starts[part.start] : starts[part.stop]]
        for sub in _chunks(len(customers), step):
            rows = customers[sub]
            history = lp.row[rows]
            draw, row, period, bought, spent = _simulate(
                lp, bg, gg, alive_p[:, history - part.start], history, period_days, rng
            )
            # one cell per (draw, group, period); bincount adds in input order: the same
            # chunks give the same totals to the bit
            cell = (draw * n_groups + group[rows][row]) * periods + period
            purchases += np.bincount(cell, weights=bought, minlength=cells)
            revenue += np.bincount(cell, weights=spent, minlength=cells)
    shape = (draws, n_groups, periods)
    return purchases.reshape(shape), revenue.reshape(shape)


def _simulate(
    lp: _LinePredictor,
    bg: np.ndarray,
    gg: np.ndarray,
    alive_p: np.ndarray,
    history: np.ndarray,
    period_days: np.ndarray,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The purchases these customers (`history`, their distinct histories) make in each
    period under each parameter draw, simulated: `(draw, customer, period, purchases,
    revenue)`, one entry per (draw, customer, period) with a purchase; `customer` indexes
    `history`. A customer is simulated further only where it is alive and buys at all, and
    spends only in periods with a purchase: the rest of the (draws x customers x periods)
    cube is zero."""
    alive = rng.random(alive_p.shape) < alive_p
    draw, customer = np.nonzero(alive)
    seen = history[customer]
    x, age = lp.x[seen], lp.age[seen]
    r, alpha = bg[draw, 0], bg[draw, 1]
    rate = rng.gamma(r + x, 1.0 / (alpha + age))
    # a Poisson process's arrivals over all the periods, then spread over them (given their
    # number, arrivals are uniform in time: a multinomial by period length, drawn as
    # binomials); most customers buy nothing, and are done here
    arrivals_total = rng.poisson(rate * period_days.sum())
    moving = np.flatnonzero(arrivals_total > 0)
    draw, customer, x = draw[moving], customer[moving], x[moving]
    arrivals = np.empty((len(moving), len(period_days)), dtype=np.int64)
    remaining, days_left = arrivals_total[moving], float(period_days.sum())
    for k, days in enumerate(period_days[:-1]):
        arrivals[:, k] = rng.binomial(remaining, min(1.0, days / days_left) if days_left else 0.0)
        remaining = remaining - arrivals[:, k]
        days_left -= days
    arrivals[:, -1] = remaining
    dropout = rng.beta(bg[draw, 2], bg[draw, 3] + x)
    last = rng.geometric(np.clip(dropout, 1e-12, 1.0))
    kept = np.minimum(np.cumsum(arrivals, axis=1), last[:, None])
    bought = np.diff(kept, axis=1, prepend=0)
    mean_spend = lp.spend[history[customer]]
    # spend: each buyer's rate nu given their mean repeat spend, then Gamma(n p, nu) for the
    # n purchases of a period
    p, q, gamma = (gg[draw, j] for j in range(3))
    known = mean_spend > 0  # -1: no usable mean repeat spend (the population's law applies)
    nu = rng.gamma(
        np.where(known, p * x + q, q),
        1.0 / np.where(known, gamma + x * np.where(known, mean_spend, 0.0), gamma),
    )
    entry, period = np.nonzero(bought)
    count = bought[entry, period]
    spent = rng.gamma(count * p[entry], 1.0 / nu[entry])
    return draw[entry], customer[entry], period, count.astype(float), spent
