"""hvc.clv.fit: BG/NBD and Gamma-Gamma against the published CDNOW fits, and the fits against
simulated customers whose parameters are known."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from helpers.clv_simulation import PLANTED_BGNBD, PLANTED_GAMMA_GAMMA
from hvc import clv

# Fader, Hardie & Lee (2005) and Fader & Hardie (2013) on the 2,357-customer CDNOW sample,
# 39-week calibration, time in weeks.
PUBLISHED_BGNBD = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
PUBLISHED_BGNBD_LL = -9582.4
PUBLISHED_GAMMA_GAMMA = {"p": 6.25, "q": 3.74, "gamma": 15.44}
PUBLISHED_GAMMA_GAMMA_LL = -4055.9
PUBLISHED_REPEAT_BUYERS = 946


@pytest.fixture(scope="module")
def cdnow_summary(shared_data: Path) -> pd.DataFrame:
    path = shared_data / "cdnow" / "cdnow_customers_summary_with_transactions.csv"
    if not path.is_file():
        pytest.skip(f"{path} not found")
    return pd.read_csv(path)


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


def test_the_same_customers_in_another_order_give_the_same_bits(simulated: pd.DataFrame) -> None:
    """A warehouse returns rows in no fixed order; sums of floats depend on it, so the fit
    must not."""
    shuffled = simulated.sample(frac=1.0, random_state=3)
    first, second = clv.fit_parameters(simulated), clv.fit_parameters(shuffled)
    pd.testing.assert_frame_equal(first, second, check_exact=True)
