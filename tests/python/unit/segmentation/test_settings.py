"""hvc.segmentation.settings: settings from the strings dbt passes."""

from __future__ import annotations

import pytest

from helpers.dbt_config import rendered_settings
from hvc.segmentation import SegmentationSettings


def test_config_reads_dbt_strings_and_rejects_nonsense() -> None:
    config = SegmentationSettings.from_dbt(
        rendered_settings(
            SegmentationSettings,
            features="['order_count', 'recency_days']",
            k_max="6",
            use_pca="True",
            methods="kmeans, ward",
            min_stability="0.7",
        )
    )
    assert config.features == ("order_count", "recency_days")
    assert (config.k_max, config.use_pca, config.min_stability) == (6, True, 0.7)
    assert config.methods == ("kmeans", "ward")
    assert config.insiders_rule == "top_segment"
    with pytest.raises(ValueError):
        SegmentationSettings.from_dbt(
            rendered_settings(SegmentationSettings, methods="kmeans,dbscan")
        )
    with pytest.raises(ValueError):
        SegmentationSettings.from_dbt(rendered_settings(SegmentationSettings, k_min="1"))
    with pytest.raises(ValueError):
        SegmentationSettings.from_dbt(rendered_settings(SegmentationSettings, unknown_setting="1"))
    with pytest.raises(ValueError):
        SegmentationSettings.from_dbt(
            rendered_settings(SegmentationSettings, features="order_count,shoe_size")
        )
