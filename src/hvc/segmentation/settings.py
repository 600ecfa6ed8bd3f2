"""The settings of the segmentation and the Insiders."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from hvc.segmentation.features import DEFAULT_FEATURES, FEATURES

METHODS = ("kmeans", "gaussian_mixture", "ward", "hdbscan")
SCALINGS = ("quantile", "robust", "standard")
INSIDER_RULES = ("top_segment", "top_share")


@dataclass(frozen=True)
class SegmentationConfig:
    """Settings of the segmentation. The dbt models set most of them from vars (see
    `python_models/segmentation/_segmentation__models.yml`); the sample sizes of Ward and
    HDBSCAN and the HDBSCAN minimum cluster shares keep these defaults there."""

    features: tuple[str, ...] = DEFAULT_FEATURES
    k_min: int = 2
    k_max: int = 10
    methods: tuple[str, ...] = METHODS
    use_pca: bool = False
    pca_variance: float = 0.9
    scaling: str = "standard"
    fit_sample_size: int = 10_000
    silhouette_sample_size: int = 5_000
    ward_sample_size: int = 5_000
    hdbscan_sample_size: int = 3_000
    hdbscan_min_cluster_shares: tuple[float, ...] = (0.02, 0.05)
    stability_resamples: int = 5
    full_stability: bool = False
    stability_fraction: float = 0.8
    min_stability: float = 0.8
    min_segment_share: float = 0.02
    max_top_segment_share: float = 0.25
    min_customers: int = 50
    insiders_rule: str = "top_segment"
    insiders_top_share: float = 0.1
    tree_max_depth: int = 3
    bootstrap_resamples: int = 1000
    random_state: int = 42

    def __post_init__(self) -> None:
        """Reject settings the segmentation cannot use."""
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
        if not 0 < self.stability_fraction < 1:
            raise ValueError("stability_fraction must be in (0, 1)")

    @classmethod
    def from_mapping(cls, values: Mapping[str, object] | None) -> SegmentationConfig:
        """Build from a mapping of strings (dbt config values set from vars arrive as text).

        Keys that are missing, null or empty keep their defaults; lists are comma-separated.
        """
        kwargs: dict[str, object] = {}
        defaults = cls()
        for name, value in (values or {}).items():
            if name not in cls.__dataclass_fields__:
                raise ValueError(f"unknown segmentation setting {name!r}")
            if value is None or (isinstance(value, str) and value.strip() in ("", "None")):
                continue
            kwargs[name] = _coerce(getattr(defaults, name), value)
        return cls(**kwargs)


def _coerce(default: object, value: object) -> object:
    """A dbt config value as the type of its default."""
    if isinstance(default, bool):
        return value if isinstance(value, bool) else str(value).strip().lower() == "true"
    if isinstance(default, int):
        return int(value)
    if isinstance(default, float):
        return float(value)
    if isinstance(default, tuple):
        # a list, or its text: "a,b" or "['a', 'b']"
        items = value if isinstance(value, list | tuple) else str(value).strip("[]").split(",")
        kind = type(default[0]) if default else str
        cleaned = [str(item).strip().strip("'\"").strip() for item in items]
        return tuple(kind(item) for item in cleaned if item)
    return str(value).strip()
