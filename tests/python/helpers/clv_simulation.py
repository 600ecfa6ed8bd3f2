"""Customers simulated from the BG/NBD and Gamma-Gamma processes, summarised like the warehouse.

The CLV tests fit and predict on them (their parameters are known); scripts/benchmark_clv.py
times the package on a million of them.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

# The generator's retail process (src/hvc/generate/retail.py) with alpha in days.
PLANTED_BGNBD = (0.25, 28.0, 0.8, 2.5)
PLANTED_GAMMA_GAMMA = (6.0, 4.0, 150.0)


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
    allowed, owner, when = _repeat_purchases(rng, lam, p_drop, age + holdout_days)
    value = rng.gamma(p_spend, 1 / nu[owner])
    if whole_days:
        owner, when, value = _merge_days(owner, when, value)
    counts = _calibration_counts(n, age, owner, when, value)
    held = ~(when <= age[owner])  # purchases after the calibration end
    return pd.DataFrame(
        {
            "customer_key": np.char.add("c", np.arange(n).astype(str)),
            "business_line": "simulated",
            **counts,
            "calibration_end_date": pd.Timestamp("2000-01-01")
            + pd.Timedelta(days=float(calibration_days)),
            "holdout_days": holdout_days,
            "holdout_purchases": np.bincount(owner[held], minlength=n).astype(np.int64),
            "holdout_purchase_amount": np.bincount(owner[held], weights=value[held], minlength=n),
            "true_lambda": lam,
            "true_p": p_drop,
            "true_mean_spend": p_spend / nu,
            # Alive at the calibration end: not yet dropped out, i.e. made fewer repeat
            # purchases by then than the one after which they leave.
            "is_alive": counts["frequency"] < allowed,
        }
    )


def _repeat_purchases(
    rng: np.random.Generator, lam: np.ndarray, p_drop: np.ndarray, span: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Repeat purchases until the end of the holdout: Poisson arrivals at each customer's rate
    over their span, cut at the one after which they drop out.

    Returns the repeat purchase after which each customer drops out, and each kept purchase's
    customer and time (days after the first purchase), in customer and time order.
    """
    arrivals = rng.poisson(lam * span)
    allowed = rng.geometric(p_drop)  # the repeat purchase after which the customer drops out
    repeats = np.minimum(arrivals, allowed)
    owner = np.repeat(np.arange(len(lam)), arrivals)
    when = rng.random(len(owner)) * span[owner]
    order = np.lexsort((when, owner))
    owner, when = owner[order], when[order]
    starts = np.concatenate([[0], np.cumsum(arrivals)[:-1]])
    rank = np.arange(len(owner)) - np.repeat(starts, arrivals)
    kept = rank < repeats[owner]
    return allowed, owner[kept], when[kept]


def _merge_days(
    owner: np.ndarray, when: np.ndarray, value: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Whole days: same-day purchases are one (worth their sum); a repeat on day 0 joins the
    first purchase."""
    day = np.floor(when)
    days = pd.DataFrame({"owner": owner, "day": day, "value": value})
    days = days[days["day"] > 0].groupby(["owner", "day"], sort=True)["value"].sum()
    return (
        days.index.get_level_values("owner").to_numpy(),
        days.index.get_level_values("day").to_numpy(dtype=float),
        days.to_numpy(),
    )


def _calibration_counts(
    n: int, age: np.ndarray, owner: np.ndarray, when: np.ndarray, value: np.ndarray
) -> dict[str, np.ndarray]:
    """Frequency, recency, age and mean repeat spend of each customer in the calibration."""
    in_calibration = when <= age[owner]
    cal_owner = owner[in_calibration]
    frequency = np.bincount(cal_owner, minlength=n)
    recency = np.zeros(n)
    np.maximum.at(recency, cal_owner, when[in_calibration])
    spend_sum = np.bincount(cal_owner, weights=value[in_calibration], minlength=n)
    return {
        "frequency": frequency.astype(np.int64),
        "recency_days": recency,
        "age_days": age,
        "mean_repeat_purchase_amount": np.where(
            frequency > 0, spend_sum / np.maximum(frequency, 1), np.nan
        ),
    }
