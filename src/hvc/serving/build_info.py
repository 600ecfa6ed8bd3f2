"""What a published store says of its build: the build log's row, the git revision, and the raw
files read, each with its size and a fingerprint (SHA-256 of its bytes)."""

from __future__ import annotations

import datetime as dt
import hashlib
import subprocess
from dataclasses import dataclass
from pathlib import Path

import duckdb

from hvc import __version__
from hvc.dbt import PROJECT_DIR

#: dbt commands that write to the warehouse; the build log records them.
WRITING_COMMANDS = ("build", "run", "seed", "snapshot")


class NotPublishable(ValueError):
    """The warehouse holds no finished, complete build: the message says what to do."""


@dataclass(frozen=True)
class BuildRun:
    """A row of `data_quality.build_runs`: one dbt invocation that wrote to the warehouse."""

    build_id: str
    command: str
    selection: str | None
    started_at: dt.datetime
    finished_at: dt.datetime | None
    models_built: int | None
    tests_passed: int | None
    tests_warned: int | None
    tests_failed: int | None
    nodes_errored: int | None
    nodes_skipped: int | None


def last_build(con: duckdb.DuckDBPyConnection, catalog: str) -> BuildRun:
    """The last invocation that wrote to the warehouse attached as `catalog`, if it was a
    finished, complete `dbt build` without errors or failed tests.

    Raises
    ------
    NotPublishable : no build log, a build still running or killed, a partial build
        (`--select`), or one with errors or failed tests.
    """
    try:
        row = con.execute(
            f"select * from {catalog}.data_quality.build_runs "
            f"where command in {WRITING_COMMANDS} order by started_at desc, build_id limit 1"
        ).fetchone()
    except duckdb.CatalogException:
        row = None
    if row is None:
        raise NotPublishable("the warehouse has no build log: run hvc build (or dbt build)")
    run = BuildRun(*row)
    if run.finished_at is None:
        raise NotPublishable(
            f"build {run.build_id} (started {run.started_at:%Y-%m-%d %H:%M:%S} UTC) did not "
            "finish: its tables mix two builds. Run hvc build again"
        )
    if run.command != "build" or run.selection:
        raise NotPublishable(
            f"the last run, dbt {run.command} {run.selection or ''}".rstrip()
            + ", built part of the warehouse: publish after a full hvc build"
        )
    if run.nodes_errored or run.tests_failed:
        raise NotPublishable(
            f"build {run.build_id} had {run.nodes_errored} error(s) and {run.tests_failed} "
            "failed test(s): fix them (see the build's log) and build again"
        )
    return run


def raw_files(con: duckdb.DuckDBPyConnection, catalog: str) -> list[tuple]:
    """The raw files the build read (`data_quality.source_files`): source, table, path, bytes
    then, bytes now, SHA-256 now (None for a file gone since)."""
    rows = con.execute(
        "select source_name, table_name, file_path, bytes "
        f"from {catalog}.data_quality.source_files where file_path is not null "
        "order by source_name, table_name, file_path"
    ).fetchall()
    files = []
    for source, table, path, size in rows:
        location = Path(path) if Path(path).is_absolute() else PROJECT_DIR / path
        now_bytes, digest = _fingerprint(location)
        files.append((source, table, path, size, now_bytes, digest))
    return files


def _fingerprint(path: Path) -> tuple[int | None, str | None]:
    """A file's size and SHA-256, or (None, None) when it cannot be read."""
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            while block := handle.read(1 << 20):
                digest.update(block)
        return path.stat().st_size, digest.hexdigest()
    except OSError:
        return None, None


def git_revision() -> str | None:
    """The project's git revision (with `-dirty` for uncommitted changes), or None."""
    try:
        revision = subprocess.run(
            ["git", "-C", str(PROJECT_DIR), "describe", "--always", "--dirty", "--abbrev=40"],
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return revision or None


def build_info_row(run: BuildRun, published_at: dt.datetime) -> dict[str, object]:
    """The one row of the store's `build_info` table."""
    return {
        "build_id": run.build_id,
        "build_started_at": run.started_at,
        "build_finished_at": run.finished_at,
        "published_at": published_at,
        "git_revision": git_revision(),
        "hvc_version": __version__,
        "models_built": run.models_built,
        "tests_passed": run.tests_passed,
        "tests_warned": run.tests_warned,
        "tests_failed": run.tests_failed,
        "nodes_skipped": run.nodes_skipped,
    }


#: Descriptions of the build tables' columns (table and column comments in every store).
BUILD_INFO_COLUMNS = {
    "build_id": "dbt's invocation id of the build these tables come from.",
    "build_started_at": "When the build started (UTC).",
    "build_finished_at": "When the build finished (UTC).",
    "published_at": "When these tables were published (UTC).",
    "git_revision": "The project's git revision the build ran (-dirty: with local changes).",
    "hvc_version": "The hvc package version that published.",
    "models_built": "Models and seeds the build wrote.",
    "tests_passed": "Data and unit tests that passed.",
    "tests_warned": "Data tests that warned (a warning does not stop a publish).",
    "tests_failed": "Data tests that failed (always 0: a failed build is not published).",
    "nodes_skipped": "Nodes the build skipped.",
}
BUILD_FILES_COLUMNS = {
    "source_name": "The source system of the raw table.",
    "table_name": "The raw table.",
    "file_path": "The raw file the build read.",
    "bytes_at_build": "Its size when the build read it.",
    "bytes_at_publish": "Its size when published (null: gone since).",
    "sha256_at_publish": "SHA-256 of its bytes when published (null: gone since).",
}
BUILD_INFO_DESCRIPTION = (
    "The build these tables come from: one row (build id, times, git revision, test summary)."
)
BUILD_FILES_DESCRIPTION = "The raw export files the build read, with their sizes and fingerprints."
