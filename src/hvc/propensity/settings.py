"""The settings of the license-3 propensity models (vars `propensity_*`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from hvc.propensity.features import FeatureSpec
from hvc.settings import Settings, tuning, var

#: The L2 penalties `C` the scoring model's cross-validation chooses among.
PENALTIES = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)


@dataclass(frozen=True, kw_only=True)
class PropensitySettings(Settings):
    """What the fit is told by the dbt vars (their meaning is beside them in dbt_project.yml).

    Attributes
    ----------
    max_features : the lasso keeps at most this many columns for the scoring model.
    folds : outer (and inner) cross-validation folds.
    class_weight : None, or `balanced` (class-weighted fits, Platt-recalibrated).
    target_precision : None (threshold at maximum F1), or the precision the threshold reaches.
    random_state : seed of the folds and the fits.
    min_level_count : rarer levels of a categorical feature are pooled into `other`.
    max_fit_customers : with more customers, the models are fitted and evaluated on a
        stratified sample of about this many (`fit_sample`); every customer is scored.
    features : the id, the outcome and the features of the feature table (`FeatureSpec`).
    penalties : not a var: `PENALTIES`, a field because tests fit on fewer to run quickly.
    """

    PREFIX: ClassVar[str] = "propensity"

    max_features: int
    folds: int
    class_weight: str | None
    target_precision: float | None
    random_state: int
    min_level_count: int
    max_fit_customers: int
    features: FeatureSpec
    penalties: tuple[float, ...] = tuning(PENALTIES)

    def __post_init__(self) -> None:
        """Reject settings no model can use."""
        if self.class_weight not in (None, "balanced"):
            raise ValueError(f"class_weight must be None or 'balanced', not {self.class_weight!r}")
        if self.folds < 2:
            raise ValueError("folds must be at least 2")
        if self.max_features < 1:
            raise ValueError("max_features must be at least 1")
        if self.max_fit_customers < 100:
            raise ValueError("max_fit_customers must be at least 100")

    @property
    def threshold_rule(self) -> str:
        """How the decision threshold is chosen: `max_f1`, or `precision>=<target>`."""
        if self.target_precision is None:
            return "max_f1"
        return f"precision>={self.target_precision:g}"


@dataclass(frozen=True, kw_only=True)
class UpgradePropensitySettings(PropensitySettings):
    """The second configured target (the `int_propensity__upgrade_*` models): the same fit
    settings, its own feature table (var `propensity_upgrade_features`)."""

    features: FeatureSpec = var("propensity_upgrade_features")
