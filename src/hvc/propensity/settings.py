"""The settings of the license-3 propensity models."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class PropensitySettings:
    """What the fit can be told from dbt vars (see `from_config`)."""

    max_features: int = 20
    folds: int = 5
    class_weight: str | None = None
    target_precision: float | None = None
    random_state: int = 42
    min_level_count: int = 25
    penalties: tuple[float, ...] = field(
        default=(0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
    )

    def __post_init__(self) -> None:
        """Reject settings no model can use."""
        if self.class_weight not in (None, "balanced"):
            raise ValueError(f"class_weight must be None or 'balanced', not {self.class_weight!r}")
        if self.folds < 2:
            raise ValueError("folds must be at least 2")
        if self.max_features < 1:
            raise ValueError("max_features must be at least 1")

    @classmethod
    def from_config(cls, **values: object) -> PropensitySettings:
        """Settings from dbt config values, which arrive as strings ('none' or '' = unset)."""

        def unset(value: object) -> bool:
            """Whether a config value means 'not set'."""
            return value is None or str(value).strip().lower() in ("", "none", "null")

        kinds = {
            "max_features": int,
            "folds": int,
            "random_state": int,
            "min_level_count": int,
            "target_precision": float,
            "class_weight": str,
        }
        parsed = {}
        for key, value in values.items():
            if key not in kinds:
                raise ValueError(f"unknown propensity setting {key!r}")
            parsed[key] = None if unset(value) else kinds[key](str(value).strip())
        for key in ("max_features", "folds", "random_state", "min_level_count"):
            if parsed.get(key, 0) is None:
                parsed.pop(key)
        return cls(**parsed)

    @property
    def threshold_rule(self) -> str:
        """How the decision threshold is chosen: `max_f1`, or `precision>=<target>`."""
        if self.target_precision is None:
            return "max_f1"
        return f"precision>={self.target_precision:g}"
