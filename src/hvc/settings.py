"""Settings of the model families, declared once: as dbt vars in `dbt_project.yml`.

Each family (identity, propensity, segmentation, CLV) has one frozen dataclass built on
`Settings`. Its fields are the family's dbt vars, one field per var, and have no defaults: the
default of a setting is the var's, declared in `dbt_project.yml` and nowhere else. A field's
var is `<prefix>_<field>` (`ClvSettings.draws` reads `clv_draws`) unless the field names
another with `var(...)`; a field marked `tuning(...)` is not a var but a constant of the
package that a test needs to vary.

A dbt Python model cannot call `var()`: its YAML sets the config key `settings` to a mapping
of every field to `"{{ var('<var>') }}"`, and the model reads it with
`XSettings.from_dbt(dbt.config.get("settings"))`. Tests and scripts take the project's
defaults with `XSettings.from_project(**overrides)`. Values arrive as text from dbt and as
YAML values from the project file; both are coerced to the field's type.
"""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from collections.abc import Mapping
from typing import Any, ClassVar, Self

import yaml

from hvc.dbt import PROJECT_DIR

_VAR = "hvc_var"
_TUNING = "hvc_tuning"
_NONE = ("", "none", "null")
_TRUE = ("true", "1", "yes")
_FALSE = ("false", "0", "no")


def var(name: str) -> Any:
    """A field read from the dbt var `name` (instead of `<prefix>_<field>`)."""
    return dataclasses.field(metadata={_VAR: name})


def tuning(default: object) -> Any:
    """A field that is no dbt var: a package constant (`default`) that a test varies."""
    return dataclasses.field(default=default, metadata={_TUNING: True})


@functools.cache
def project_vars() -> dict[str, object]:
    """The `vars:` of `dbt_project.yml`: every var the project reads, with its default."""
    project = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text())
    return dict(project.get("vars") or {})


class Settings:
    """Base of the model families' settings (subclasses are frozen dataclasses)."""

    #: The family's var prefix: field `x` reads var `<PREFIX>_x`.
    PREFIX: ClassVar[str]

    @classmethod
    def var_names(cls) -> dict[str, str]:
        """Each settable field and the dbt var it reads, in field order."""
        return {
            field.name: field.metadata.get(_VAR, f"{cls.PREFIX}_{field.name}")
            for field in dataclasses.fields(cls)
            if not field.metadata.get(_TUNING)
        }

    @classmethod
    def from_dbt(cls, config: Mapping[str, object] | None) -> Self:
        """The settings of a dbt Python model: `dbt.config.get("settings")`, the mapping of
        field to var value its YAML declares (values rendered as text)."""
        names = cls.var_names()
        config = dict(config or {})
        unknown = sorted(set(config) - set(names))
        if unknown:
            raise ValueError(f"{cls.__name__}: unknown settings {unknown}")
        missing = [name for name in names if name not in config]
        if missing:
            declare = ", ".join(f"{name}: \"{{{{ var('{names[name]}') }}}}\"" for name in missing)
            raise ValueError(
                f"{cls.__name__}: the model's YAML config `settings` lacks {missing}; "
                f"declare them there ({declare})"
            )
        return cls._coerced(config)

    @classmethod
    def from_project(cls, **overrides: object) -> Self:
        """The settings at the defaults declared in `dbt_project.yml`, with `overrides`
        (Python values, by field name) replacing some."""
        declared = project_vars()
        missing = [var for var in cls.var_names().values() if var not in declared]
        if missing:
            raise ValueError(f"{cls.__name__}: declare the vars {missing} in dbt_project.yml")
        values = {name: declared[var] for name, var in cls.var_names().items()}
        return dataclasses.replace(cls._coerced(values), **overrides)

    @classmethod
    def _coerced(cls, values: Mapping[str, object]) -> Self:
        """Build from raw values (text or YAML), each coerced to its field's type."""
        hints = typing.get_type_hints(cls)
        kwargs = {}
        for name, var_name in cls.var_names().items():
            try:
                kwargs[name] = coerce(hints[name], values[name])
            except (TypeError, ValueError) as error:
                raise ValueError(
                    f"{cls.__name__}.{name} (var {var_name}): {values[name]!r}: {error}"
                ) from error
        return cls(**kwargs)


def coerce(kind: object, value: object) -> object:
    """`value` as the type `kind`: int, float, bool, str, a tuple of one of those (from a list
    or comma-separated text, brackets and quotes removed), a dict of them (from a mapping or
    its YAML / JSON text), a class with a `from_config` constructor (given the mapping or
    text), or any of them `| None`, where None, '' and the text 'none' or 'null' mean None."""
    args = typing.get_args(kind)
    if typing.get_origin(kind) in (typing.Union, types.UnionType) and type(None) in args:
        if value is None or (isinstance(value, str) and value.strip().lower() in _NONE):
            return None
        (kind,) = [arg for arg in args if arg is not type(None)]
    if value is None:
        raise ValueError("a value is required")
    if hasattr(kind, "from_config"):
        # a structured setting parses its own mapping (or its YAML / JSON text)
        return kind.from_config(str(value) if isinstance(value, str) else value)
    if typing.get_origin(kind) is dict:
        key_kind, item_kind = typing.get_args(kind)
        mapping = yaml.safe_load(value) if isinstance(value, str) else value
        if not isinstance(mapping, Mapping):
            raise ValueError("not a mapping")
        return {coerce(key_kind, key): coerce(item_kind, item) for key, item in mapping.items()}
    if typing.get_origin(kind) is tuple:
        item_kind = typing.get_args(kind)[0]
        items = value if isinstance(value, list | tuple) else str(value).strip("[]").split(",")
        cleaned = [str(item).strip().strip("'\"").strip() for item in items]
        return tuple(coerce(item_kind, item) for item in cleaned if item)
    if kind is bool:
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text not in _TRUE + _FALSE:
            raise ValueError("not a boolean")
        return text in _TRUE
    if kind is int:
        if isinstance(value, float) and not value.is_integer():
            raise ValueError("not a whole number")
        return int(value) if isinstance(value, int | float) else int(str(value).strip())
    if kind is float:
        return float(value) if isinstance(value, int | float) else float(str(value).strip())
    if kind is str:
        return str(value).strip()
    raise TypeError(f"no coercion to {kind}")
