"""A small generated world and dbt builds of it, each against its own DuckDB file."""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from hvc import dbt

# Small enough to build in seconds, large enough that every planted problem occurs.
WORLD_CUSTOMERS = 600
WORLD_SEED = 7
#: Each run's DuckDB file, in its own folder.
DATABASE_NAME = "warehouse.duckdb"


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
    target = workdir / "target"
    if not variables:
        _seed_partial_parse(target)
    result = dbt.run_dbt(
        args,
        # relative to the run's folder: the profile, and with it dbt's saved parse, is then the
        # same in every test (see _seed_partial_parse)
        database=Path(DATABASE_NAME),
        raw_dir=raw_dir if raw_dir is not None else workdir / "no-raw-files",
        target_path=target,
        log_path=workdir / "logs",
        variables=variables,
        env=env,
        cwd=workdir,
    )
    if result.returncode == 0 and not variables:
        _save_partial_parse(target)
    return DbtRun(result.returncode, result.output, workdir / DATABASE_NAME)


#: What dbt parses: a saved parse is kept per version of these files.
PARSED = ("dbt_project.yml", "models", "macros", "python_models", "seeds", "tests/dbt")


@cache
def _partial_parse_store() -> Path:
    """Where the test runs keep dbt's saved parse of this checkout: one per project folder, dbt
    version and content of the files dbt parses, shared by the test processes. dbt's partial
    parse can miss what a changed macro now refers to ("dbt was unable to infer all
    dependencies"), so a parse saved before an edit is never reused after it."""
    digest = hashlib.sha256(f"{dbt.PROJECT_DIR}|{dbt.dbt_executable()}".encode())
    for name in PARSED:
        path = dbt.PROJECT_DIR / name
        files = sorted(path.rglob("*")) if path.is_dir() else [path]
        for file in files:
            if file.is_file():
                digest.update(str(file.relative_to(dbt.PROJECT_DIR)).encode())
                digest.update(file.read_bytes())
    key = digest.hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"hvc-test-partial-parse-{key}.msgpack"


def _seed_partial_parse(target: Path) -> None:
    """Start a run's target folder from the saved parse, as a second dbt command in one folder
    would: dbt reparses only the files that changed since (and the raw table globs, which read
    HVC_RAW_DIR), about 6 s instead of 15 s a command. A run with `--vars` parses in full: dbt
    keys its saved parse by them."""
    store = _partial_parse_store()
    saved = target / "partial_parse.msgpack"
    if saved.exists() or not store.exists():
        return
    target.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(store, saved)


def _save_partial_parse(target: Path) -> None:
    """Keep a run's parse for the runs after it: written whole under this process's name, then
    renamed into place, so a reader sees one run's parse or another's, never a mix."""
    saved = target / "partial_parse.msgpack"
    if not saved.exists():
        return
    store = _partial_parse_store()
    partial = Path(f"{store}.{os.getpid()}")
    shutil.copyfile(saved, partial)
    partial.replace(store)


@dataclass(frozen=True)
class World:
    """A generated world: its folder (`raw/` exports, `truth/`) and manifest."""

    root: Path
    manifest: dict

    @property
    def raw(self) -> Path:
        """The raw exports dbt reads."""
        return self.root / "raw"


def seed_partial_parse(workdir: Path) -> None:
    """Parse the project once, for the dbt commands of the tests after it, unless a saved parse
    is there or another test process is making it (that one does not wait: it parses in full
    once more)."""
    if _partial_parse_store().exists():
        return
    with open(f"{_partial_parse_store()}.seeding", "w") as seeding:
        try:
            fcntl.flock(seeding, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return
        if not _partial_parse_store().exists():
            run_dbt(["parse"], workdir, None)
