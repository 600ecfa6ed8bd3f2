"""The config a dbt Python model receives, as the tests need it without running dbt."""

from __future__ import annotations

from hvc.settings import Settings, project_vars


def rendered_settings(cls: type[Settings], **values: str) -> dict[str, str]:
    """The `settings` mapping a model of `cls`'s family receives at the project's defaults:
    each var's default as Jinja renders `"{{ var('x') }}"` (its `str`), some replaced."""
    declared = project_vars()
    return {name: str(declared[var]) for name, var in cls.var_names().items()} | values
