"""Shared fixtures: a small generated world, and a warehouse built from it by dbt."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from hvc import dbt
from hvc.dbt import PROJECT_DIR

SHARED_DATA = Path(os.environ.get("HVC_SHARED_DATA", PROJECT_DIR.parent / "shared" / "data"))

# Small enough to build in seconds, large enough that every planted problem occurs.
WORLD_CUSTOMERS = 600
WORLD_SEED = 7


@dataclass(frozen=True)
class DbtRun:
    """The outcome of one dbt invocation against its own DuckDB file."""

    returncode: int
    output: str
    database: Path


def run_dbt(
    args: list[str],
    workdir: Path,
    raw_dir: Path | None,
    variables: dict | None = None,
) -> DbtRun:
    """Run dbt in the project with its own database, target and log folders under `workdir`."""
    workdir.mkdir(parents=True, exist_ok=True)
    database = workdir / "warehouse.duckdb"
    result = dbt.run_dbt(
        args,
        database=database,
        raw_dir=raw_dir if raw_dir is not None else workdir / "no-raw-files",
        target_path=workdir / "target",
        log_path=workdir / "logs",
        variables=variables,
    )
    return DbtRun(result.returncode, result.output, database)


@dataclass(frozen=True)
class World:
    root: Path
    manifest: dict

    @property
    def raw(self) -> Path:
        return self.root / "raw"


@pytest.fixture(scope="session")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    from hvc.generate import generate_world

    root = tmp_path_factory.mktemp("world")
    manifest = generate_world(root, n_customers=WORLD_CUSTOMERS, seed=WORLD_SEED)
    return World(root, manifest)


@pytest.fixture(scope="session")
def warehouse(world: World, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The full `dbt build` (models, data tests, unit tests) on the small world."""
    run = run_dbt(["build"], tmp_path_factory.mktemp("build"), world.raw)
    assert run.returncode == 0, run.output[-6000:]
    return run.database


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(
            f"real public data not found at {SHARED_DATA} (set HVC_SHARED_DATA to the folder "
            "holding online_retail/ and cdnow/)"
        )
    return SHARED_DATA


@pytest.fixture(scope="session")
def real_online_retail_build(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The full `dbt build` with only the real Online Retail Parquet file (every other source
    builds empty), built once for every test that reads it."""
    path = shared_data / "online_retail" / "Online_Retail.parquet"
    if not path.is_file():
        pytest.skip(f"{path} not found")
    run = run_dbt(
        ["build"],
        tmp_path_factory.mktemp("real_parquet"),
        raw_dir=None,
        variables={"raw_online_retail__invoice_lines": str(path)},
    )
    assert run.returncode == 0, run.output[-6000:]
    return run.database
