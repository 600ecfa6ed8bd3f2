"""hvc.propensity.settings: settings from the strings dbt passes."""

from __future__ import annotations

import pytest

from helpers.dbt_config import rendered_settings
from hvc.propensity import PropensitySettings


def test_settings_read_dbt_config_strings() -> None:
    settings = PropensitySettings.from_dbt(
        rendered_settings(
            PropensitySettings,
            max_features="12",
            class_weight="none",
            target_precision="0.7",
            random_state="3",
        )
    )
    assert settings.max_features == 12 and settings.class_weight is None
    assert settings.target_precision == 0.7 and settings.threshold_rule == "precision>=0.7"
    unset = rendered_settings(PropensitySettings, target_precision="")
    assert PropensitySettings.from_dbt(unset).threshold_rule == "max_f1"
    with pytest.raises(ValueError):
        PropensitySettings.from_dbt(rendered_settings(PropensitySettings, class_weight="heavy"))
