"""The settings of the segmentation and the Insiders (vars `segmentation_*`, `insiders_*`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from hvc.segmentation.features import DEFAULT_FEATURES, FEATURES, PCA_VARIANCE
from hvc.settings import Settings, tuning, var

METHODS = ("kmeans", "gaussian_mixture", "ward", "hdbscan")
SCALINGS = ("quantile", "robust", "standard")
INSIDER_RULES = ("top_segment", "top_share")


@dataclass(frozen=True, kw_only=True)
class SegmentationSettings(Settings):
    """The settings a user sets (their meaning is beside the vars in dbt_project.yml).

    Attributes
    ----------
    features : the features clustered, among `FEATURES`; None (var null) is
        `DEFAULT_FEATURES`, which `features` then holds.
    k_min, k_max : numbers of segments tried.
    methods : among `METHODS`.
    use_pca : also try each method on principal components.
    scaling : among `SCALINGS`.
    fit_sample_size, silhouette_sample_size : the samples candidates are fitted and scored on.
    stability_resamples, full_stability, min_stability : bootstrap stability.
    min_segment_share, max_top_segment_share : the size rules.
    insiders_rule, insiders_top_share, tree_max_depth : the Insiders (vars `insiders_*`).
    bootstrap_resamples : for the Insiders' revenue comparisons.
    random_state : every sample, fit and resample.
    pca_variance : not a var: `PCA_VARIANCE`, a field because a test keeps more variance.
    """

    PREFIX: ClassVar[str] = "segmentation"

    features: tuple[str, ...] | None
    k_min: int
    k_max: int
    methods: tuple[str, ...]
    use_pca: bool
    scaling: str
    fit_sample_size: int
    silhouette_sample_size: int
    stability_resamples: int
    full_stability: bool
    min_stability: float
    min_segment_share: float
    max_top_segment_share: float
    insiders_rule: str = var("insiders_rule")
    insiders_top_share: float = var("insiders_top_share")
    tree_max_depth: int = var("insiders_tree_max_depth")
    bootstrap_resamples: int
    random_state: int
    pca_variance: float = tuning(PCA_VARIANCE)

    def __post_init__(self) -> None:
        """Fill in the default features; reject settings the segmentation cannot use."""
        if self.features is None:
            object.__setattr__(self, "features", DEFAULT_FEATURES)
        if not 2 <= self.k_min <= self.k_max:
            raise ValueError(f"need 2 <= k_min <= k_max, got {self.k_min}, {self.k_max}")
        unknown = set(self.methods) - set(METHODS)
        if unknown or not self.methods:
            raise ValueError(f"methods must be among {METHODS}, got {self.methods}")
        unknown = set(self.features) - set(FEATURES)
        if unknown or not self.features:
            raise ValueError(f"features must be among {list(FEATURES)}, got {self.features}")
        if self.scaling not in SCALINGS:
            raise ValueError(f"scaling must be one of {SCALINGS}, got {self.scaling!r}")
        if self.insiders_rule not in INSIDER_RULES:
            raise ValueError(f"insiders_rule must be one of {INSIDER_RULES}")
        if not 0 < self.insiders_top_share < 1:
            raise ValueError("insiders_top_share must be in (0, 1)")
