"""hvc.settings: each family's settings are its dbt vars, declared once in dbt_project.yml.

The YAML of the dbt Python models must hand every field to its model as the var it reads, and
every var must be declared: a field added without its var (or a var renamed on one side only)
fails here, not in a build.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from helpers.dbt_config import rendered_settings
from hvc.clv import ClvSettings
from hvc.dbt import PROJECT_DIR
from hvc.identity import IdentitySettings
from hvc.propensity import PropensitySettings, UpgradePropensitySettings
from hvc.segmentation import InsidersHistorySettings, SegmentationSettings
from hvc.settings import Settings, coerce, project_vars

#: Each family (a folder of python_models/) and its settings classes, the first its main one.
FAMILIES: dict[str, tuple[type[Settings], ...]] = {
    "clv": (ClvSettings,),
    "identity": (IdentitySettings,),
    "propensity": (PropensitySettings, UpgradePropensitySettings),
    "segmentation": (SegmentationSettings, InsidersHistorySettings),
}
READS_VAR = re.compile(r"^\{\{ var\('(\w+)'\) \}\}$")
READS_SETTINGS = 'from_dbt(dbt.config.get("settings"))'
READS_CLASS = re.compile(r"(\w+Settings)\.from_dbt\(dbt\.config\.get\(\"settings\"\)\)")


def model_configs(family: str) -> dict[str, dict]:
    """Each model's `config:` in the family's YAML (anchors resolved), by model name."""
    configs = {}
    for path in sorted((PROJECT_DIR / "python_models" / family).glob("_*.yml")):
        for model in yaml.safe_load(path.read_text())["models"]:
            configs[model["name"]] = model.get("config") or {}
    return configs


def models_reading_settings(family: str) -> list[Path]:
    """The family's Python models that build their settings from dbt's config."""
    paths = sorted((PROJECT_DIR / "python_models" / family).glob("*.py"))
    return [path for path in paths if READS_SETTINGS in path.read_text()]


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_yaml_settings_are_the_fields_each_read_from_its_declared_var(family: str) -> None:
    classes = {cls.__name__: cls for cls in FAMILIES[family]}
    declared = project_vars()
    configs = model_configs(family)
    reading = models_reading_settings(family)
    assert reading, f"no model of {family} reads its settings"
    model_class = {}
    for path in reading:
        assert path.stem in configs, f"{path.name} has no YAML entry"
        assert "settings" in configs[path.stem], f"{path.stem}: no config `settings`"
        found = READS_CLASS.search(path.read_text())
        assert found and found.group(1) in classes, f"{path.name}: not a {family} settings class"
        model_class[path.stem] = classes[found.group(1)]
    for name, config in configs.items():
        if "settings" not in config:
            continue
        # a model that hands its settings on without reading them declares the main class's
        cls = model_class.get(name, FAMILIES[family][0])
        settings = config["settings"]
        assert list(settings) == list(cls.var_names()), f"{name}: keys differ from the fields"
        for field, value in settings.items():
            match = READS_VAR.match(str(value))
            assert match, f"{name}.{field}: {value!r} is not {{{{ var('<name>') }}}}"
            assert match.group(1) == cls.var_names()[field], f"{name}.{field} reads another var"
            assert match.group(1) in declared, f"var {match.group(1)} not in dbt_project.yml"


@pytest.mark.parametrize(
    "cls", [cls for classes in FAMILIES.values() for cls in classes], ids=lambda cls: cls.__name__
)
def test_project_defaults_build_every_family(cls: type[Settings]) -> None:
    settings = cls.from_project()
    assert settings == cls.from_dbt(rendered_settings(cls))


def test_a_field_reads_its_prefixed_var_unless_it_names_another() -> None:
    assert ClvSettings.var_names()["draws"] == "clv_draws"
    assert PropensitySettings.var_names()["max_features"] == "propensity_max_features"
    assert IdentitySettings.var_names()["max_links"] == "identity_max_links"
    names = SegmentationSettings.var_names()
    assert names["tree_max_depth"] == "insiders_tree_max_depth"
    assert names["insiders_rule"] == "insiders_rule"
    # tuning fields are no vars
    assert "penalties" not in PropensitySettings.var_names()
    assert "pca_variance" not in names


def test_a_missing_setting_names_the_var_to_declare() -> None:
    config = rendered_settings(ClvSettings)
    del config["draws"]
    with pytest.raises(ValueError, match=r"clv_draws"):
        ClvSettings.from_dbt(config)
    with pytest.raises(ValueError, match=r"identity_max_links"):
        IdentitySettings.from_dbt(None)
    with pytest.raises(ValueError, match=r"unknown"):
        ClvSettings.from_dbt(rendered_settings(ClvSettings, n_draws="5"))


def test_a_bad_value_names_its_field_and_var() -> None:
    with pytest.raises(ValueError, match=r"ClvSettings.draws \(var clv_draws\)"):
        ClvSettings.from_dbt(rendered_settings(ClvSettings, draws="many"))
    with pytest.raises(ValueError, match=r"interval"):
        ClvSettings.from_project(interval=1.5)


def test_values_are_coerced_from_dbt_text_and_yaml() -> None:
    assert coerce(int, "10000") == 10000 and coerce(int, 20) == 20
    assert coerce(float, "0.8") == 0.8 and coerce(float, 1) == 1.0
    assert coerce(bool, "False") is False and coerce(bool, "true") is True
    assert coerce(bool, False) is False
    assert coerce(str | None, "none") is None and coerce(str | None, "balanced") == "balanced"
    assert coerce(float | None, "None") is None and coerce(float | None, "0.7") == 0.7
    assert coerce(tuple[str, ...], "kmeans, ward") == ("kmeans", "ward")
    assert coerce(tuple[str, ...], "['a', 'b']") == ("a", "b")
    assert coerce(tuple[str, ...], ["a", "b"]) == ("a", "b")
    assert coerce(tuple[str, ...] | None, None) is None
    for kind, value in [(bool, "maybe"), (int, "0.5"), (int, None), (float, "x")]:
        with pytest.raises(ValueError):
            coerce(kind, value)


def test_overrides_replace_project_defaults_and_are_validated() -> None:
    settings = SegmentationSettings.from_project(k_max=4, pca_variance=0.99)
    assert (settings.k_max, settings.pca_variance) == (4, 0.99)
    assert settings.k_min == project_vars()["segmentation_k_min"]
    with pytest.raises(ValueError):
        SegmentationSettings.from_project(k_min=1)
    with pytest.raises(TypeError):
        SegmentationSettings.from_project(n_clusters=3)
