"""A small generated world and dbt builds of it, each against its own DuckDB file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from hvc import dbt

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
    env: dict[str, str] | None = None,
) -> DbtRun:
    """Run dbt in the project with its own database, target and log folders under `workdir`
    (`env`: environment variables to add)."""
    workdir.mkdir(parents=True, exist_ok=True)
    database = workdir / "warehouse.duckdb"
    result = dbt.run_dbt(
        args,
        database=database,
        raw_dir=raw_dir if raw_dir is not None else workdir / "no-raw-files",
        target_path=workdir / "target",
        log_path=workdir / "logs",
        variables=variables,
        env=env,
    )
    return DbtRun(result.returncode, result.output, database)


@dataclass(frozen=True)
class World:
    """A generated world: its folder (`raw/` exports, `truth/`) and manifest."""

    root: Path
    manifest: dict

    @property
    def raw(self) -> Path:
        """The raw exports dbt reads."""
        return self.root / "raw"
