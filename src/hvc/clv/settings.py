"""The settings of the CLV models (vars `clv_*`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from hvc.settings import Settings


@dataclass(frozen=True, kw_only=True)
class ClvSettings(Settings):
    """How the CLV models predict: parameter draws, interval, discounting, forecast horizon.

    Attributes
    ----------
    draws : parameter sets drawn from the estimates' asymptotic law for the intervals (0: no
        intervals).
    interval : central probability of the intervals (0.8: 10th to 90th percentile).
    annual_discount_rate : CLV discounts month k's revenue by (1 + rate)^(-k/12).
    forecast_months : calendar months in the revenue forecast.
    random_state : seed of the draws (per business line).
    """

    PREFIX: ClassVar[str] = "clv"

    draws: int
    interval: float
    annual_discount_rate: float
    forecast_months: int
    random_state: int

    def __post_init__(self) -> None:
        """Reject settings the models cannot use."""
        if self.draws < 0:
            raise ValueError("draws must be 0 or more")
        if not 0 < self.interval < 1:
            raise ValueError("interval must be in (0, 1)")
        if self.forecast_months < 1:
            raise ValueError("forecast_months must be at least 1")
