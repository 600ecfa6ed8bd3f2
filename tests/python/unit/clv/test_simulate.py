"""hvc.clv.simulate: the simulated purchases and revenue agree with the model's expectations,
period by period, under the same parameter draws."""

from __future__ import annotations

import numpy as np
import pandas as pd

from hvc import clv
from hvc.clv.predict import _LinePredictor
from hvc.clv.simulate import simulate_totals, simulation_rng


def _expected_totals(lp: _LinePredictor, period_days: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(draws, periods) expected purchases and revenue of all the line's customers, from the
    closed forms at each parameter draw (row 0, the estimates, left out as in the simulation)."""
    ends = np.cumsum(period_days)
    alive, spend = lp.alive_and_spend(slice(0, lp.n))
    if_alive = lp.if_alive(list(ends))[:, :, lp.pair]  # (draws, periods, histories)
    per_period = np.diff(if_alive, axis=1, prepend=0)
    weight = alive * lp.count  # (draws, histories): customers alive, by history
    purchases = np.einsum("sh,skh->sk", weight, per_period)
    revenue = np.einsum("sh,skh->sk", weight * spend, per_period)
    return purchases[1:], revenue[1:]


def test_simulated_totals_match_the_expectations_in_every_period(
    simulated: pd.DataFrame, simulated_parameters: pd.DataFrame
) -> None:
    """Averaged over 200 parameter draws, the simulated purchases and revenue of 20,000
    customers match the closed-form expectations under the same draws within 3 % in each of
    four periods of unequal length (10, 31, 30 and 91 days): the arrivals are spread over the
    periods by their length, not only counted over the whole horizon."""
    bg, gg = clv.fits_from_parameters(simulated_parameters)[simulated["business_line"].iloc[0]]
    lp = _LinePredictor(simulated, bg, gg, 200, np.random.default_rng(3))
    period_days = np.array([10.0, 31.0, 30.0, 91.0])
    group = np.zeros(len(simulated), dtype=np.int64)
    bought, spent = simulate_totals(lp, period_days, group, 1, simulation_rng(7, "line"))
    expected_bought, expected_spent = _expected_totals(lp, period_days)
    np.testing.assert_allclose(bought[:, 0].mean(axis=0), expected_bought.mean(axis=0), rtol=0.03)
    np.testing.assert_allclose(spent[:, 0].mean(axis=0), expected_spent.mean(axis=0), rtol=0.03)


def test_simulation_is_the_same_to_the_bit_for_the_same_input(
    simulated: pd.DataFrame, simulated_parameters: pd.DataFrame
) -> None:
    """The same customers, parameter draws and stream give the same totals to the bit, three
    groups apart."""
    bg, gg = clv.fits_from_parameters(simulated_parameters)[simulated["business_line"].iloc[0]]
    period_days = np.array([5.0, 30.0])
    group = (np.arange(len(simulated)) % 3).astype(np.int64)
    runs = [
        simulate_totals(
            _LinePredictor(simulated, bg, gg, 20, np.random.default_rng(3)),
            period_days,
            group,
            3,
            simulation_rng(7, "line"),
        )
        for _ in range(2)
    ]
    for first, second in zip(runs[0], runs[1], strict=True):
        assert np.array_equal(first, second)
