"""Customers simulated from the planted process, and the fits on them, shared by the CLV
tests."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.clv_simulation import PLANTED_BGNBD, PLANTED_GAMMA_GAMMA, simulate_summaries
from hvc import clv


@pytest.fixture(scope="package")
def simulated() -> pd.DataFrame:
    """20,000 customers of the planted process in continuous time: 638 days of calibration
    (first purchases spread over it) and a 90-day holdout."""
    return simulate_summaries(
        20_000,
        PLANTED_BGNBD,
        PLANTED_GAMMA_GAMMA,
        calibration_days=638,
        holdout_days=90,
        whole_days=False,
        random_state=11,
    )


@pytest.fixture(scope="package")
def simulated_parameters(simulated: pd.DataFrame) -> pd.DataFrame:
    """BG/NBD and Gamma-Gamma fitted on the simulated customers."""
    return clv.fit_parameters(simulated)
