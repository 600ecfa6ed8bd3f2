"""Fixtures and markers shared by every test: the real public data, when it is there.

Tests under `unit/` need no dbt build; tests under `warehouse/` build the warehouse with dbt
and are marked `dbt`. Tests that read the real public data (fixture `shared_data`) are marked
`shared_data`: `pytest -m "not dbt"` and `-m "not shared_data"` leave them out.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from hvc.dbt import PROJECT_DIR

SHARED_DATA = Path(os.environ.get("HVC_SHARED_DATA", PROJECT_DIR.parent / "shared" / "data"))
WAREHOUSE_TESTS = Path(__file__).resolve().parent / "warehouse"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the tests under `warehouse/` `dbt`, and those using real data `shared_data`."""
    for item in items:
        if WAREHOUSE_TESTS in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.dbt)
        if "shared_data" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.shared_data)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(
            f"real public data not found at {SHARED_DATA} (set HVC_SHARED_DATA to the folder "
            "holding online_retail/ and cdnow/)"
        )
    return SHARED_DATA
