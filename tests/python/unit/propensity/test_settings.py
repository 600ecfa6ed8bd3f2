"""hvc.propensity.settings: settings from the strings dbt passes."""

from __future__ import annotations

import pytest

from hvc.propensity import PropensitySettings


def test_settings_read_dbt_config_strings() -> None:
    settings = PropensitySettings.from_config(
        max_features="12", class_weight="none", target_precision="0.7", random_state="3"
    )
    assert settings.max_features == 12 and settings.class_weight is None
    assert settings.target_precision == 0.7 and settings.threshold_rule == "precision>=0.7"
    assert PropensitySettings.from_config(target_precision="").threshold_rule == "max_f1"
    with pytest.raises(ValueError):
        PropensitySettings.from_config(class_weight="heavy")
