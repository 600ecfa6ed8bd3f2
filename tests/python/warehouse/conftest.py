"""Fixtures of the warehouse tests: a small generated world, and the warehouse dbt builds from
it. Every test in this folder is marked `dbt` (see the conftest one folder up). Each is built
once per test run, however many pytest-xdist workers need it (helpers/once.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers.once import build_once
from helpers.warehouse import WORLD_CUSTOMERS, WORLD_SEED, World, run_dbt, seed_partial_parse


@pytest.fixture(scope="session", autouse=True)
def dbt_parse(tmp_path_factory: pytest.TempPathFactory) -> None:
    """dbt's parse of the project, saved first for every dbt command of the run to start from
    (helpers/warehouse.py)."""
    seed_partial_parse(tmp_path_factory.mktemp("dbt_parse"))


@pytest.fixture(scope="session")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    from hvc.generate import generate_world

    def generate(root: Path) -> dict:
        manifest = generate_world(root, n_customers=WORLD_CUSTOMERS, seed=WORLD_SEED)
        return {"root": str(root), "manifest": manifest}

    built = build_once(tmp_path_factory, "world", generate)
    return World(Path(built["root"]), built["manifest"])


@pytest.fixture(scope="session")
def warehouse(world: World, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The full `dbt build` (models, data tests, unit tests) on the small world."""

    def build(folder: Path) -> str:
        run = run_dbt(["build"], folder, world.raw)
        assert run.returncode == 0, run.output[-6000:]
        return str(run.database)

    return Path(build_once(tmp_path_factory, "build", build))


@pytest.fixture(scope="session")
def real_online_retail_build(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The full `dbt build` with only the real Online Retail Parquet file (every other source
    builds empty), built once for every test that reads it."""
    path = shared_data / "online_retail" / "Online_Retail.parquet"
    if not path.is_file():
        pytest.skip(f"{path} not found")

    def build(folder: Path) -> str:
        run = run_dbt(
            ["build"],
            folder,
            raw_dir=None,
            variables={"raw_online_retail__invoice_lines": str(path)},
        )
        assert run.returncode == 0, run.output[-6000:]
        return str(run.database)

    return Path(build_once(tmp_path_factory, "real_parquet", build))
