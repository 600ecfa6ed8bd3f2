"""A copy of the dbt project in a temporary folder, to change and build without touching it."""

from __future__ import annotations

import shutil
from pathlib import Path

from hvc.dbt import PROJECT_DIR

#: What dbt reads of the project.
PROJECT_PARTS = ("dbt_project.yml", "profiles.yml", "models", "macros", "seeds", "python_models")


def copy_project(destination: Path) -> Path:
    """Copy the project's dbt files (and its dbt data tests) to `destination`; return it."""
    destination.mkdir(parents=True, exist_ok=True)
    for part in PROJECT_PARTS:
        source = PROJECT_DIR / part
        if source.is_dir():
            shutil.copytree(source, destination / part)
        else:
            shutil.copy2(source, destination / part)
    shutil.copytree(PROJECT_DIR / "tests" / "dbt", destination / "tests" / "dbt")
    return destination
