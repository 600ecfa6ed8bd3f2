"""The serving DuckDB file: the served tables copied from the build file into a new file, which
is then renamed over the old one.

A reader that has the old file open keeps reading the old build (its open file is the old
inode); a new connection opens the new build; a publish killed midway leaves a temporary file
beside the old one, never a half-written store. Nothing in it is a view, and it is written in
DuckDB's v1.0.0 storage format, which every DuckDB 1.x reads.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path

import duckdb

from hvc.serving import build_info as info
from hvc.serving.catalog import ServedTable

#: The storage format of the serving file: readable by DuckDB 1.0 and every later 1.x.
STORAGE_VERSION = "v1.0.0"
BUILD_CATALOG = "build"


def quote(name: str) -> str:
    """An SQL identifier, double-quoted."""
    return '"' + name.replace('"', '""') + '"'


def literal(text: str) -> str:
    """An SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def publish_duckdb(
    build_file: Path,
    serving_file: Path,
    tables: list[ServedTable],
    progress: Callable[[str], None] = lambda message: None,
) -> info.BuildRun:
    """Publish the served tables of `build_file` to `serving_file`, atomically.

    Returns the build published. Raises `NotPublishable` when the build file holds no finished,
    complete build, and leaves the serving file as it was on any error.
    """
    serving_file = Path(serving_file)
    serving_file.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_temporaries(serving_file)
    temporary = serving_file.with_name(f".{serving_file.name}.{os.getpid()}.tmp")
    for path in (temporary, Path(f"{temporary}.wal")):
        path.unlink(missing_ok=True)
    try:
        con = duckdb.connect(
            str(temporary), config={"storage_compatibility_version": STORAGE_VERSION}
        )
        try:
            con.execute(f"attach {literal(str(build_file))} as {BUILD_CATALOG} (read_only)")
            run = info.last_build(con, BUILD_CATALOG)
            write_tables(con, tables, progress)
            write_build_tables(con, run, info.raw_files(con, BUILD_CATALOG))
            con.execute(f"detach {BUILD_CATALOG}")
            con.execute("checkpoint")
        finally:
            con.close()
        _fsync(temporary)
        os.replace(temporary, serving_file)
        _fsync(serving_file.parent)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return run


def write_tables(
    con: duckdb.DuckDBPyConnection,
    tables: list[ServedTable],
    progress: Callable[[str], None],
) -> None:
    """Copy each served table's columns from the attached build file, with comments."""
    for schema in sorted({table.schema for table in tables}):
        con.execute(f"create schema {quote(schema)}")
    for number, table in enumerate(tables, 1):
        progress(f"{number}/{len(tables)} {table.schema}.{table.name}")
        target = f"{quote(table.schema)}.{quote(table.name)}"
        columns = ", ".join(quote(column.name) for column in table.columns)
        source = f"{BUILD_CATALOG}.{quote(table.source_schema)}.{quote(table.source_name)}"
        con.execute(f"create table {target} as select {columns} from {source}")
        con.execute(f"comment on table {target} is {literal(table.description)}")
        for column in table.columns:
            con.execute(
                f"comment on column {target}.{quote(column.name)} is {literal(column.description)}"
            )


def write_build_tables(
    con: duckdb.DuckDBPyConnection, run: info.BuildRun, files: list[tuple]
) -> None:
    """The `build_info` and `build_files` tables, in schema `analytics`."""
    published_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    row = info.build_info_row(run, published_at)
    con.execute("create schema if not exists analytics")
    con.execute(
        "create table analytics.build_info as select * from (values ("
        + ", ".join("?" for _ in row)
        + ")) as t("
        + ", ".join(quote(name) for name in row)
        + ")",
        list(row.values()),
    )
    con.execute(
        "create table analytics.build_files (source_name varchar, table_name varchar, "
        "file_path varchar, bytes_at_build bigint, bytes_at_publish bigint, "
        "sha256_at_publish varchar)"
    )
    if files:
        con.executemany("insert into analytics.build_files values (?, ?, ?, ?, ?, ?)", files)
    for name, description, columns in (
        ("build_info", info.BUILD_INFO_DESCRIPTION, info.BUILD_INFO_COLUMNS),
        ("build_files", info.BUILD_FILES_DESCRIPTION, info.BUILD_FILES_COLUMNS),
    ):
        con.execute(f"comment on table analytics.{name} is {literal(description)}")
        for column, text in columns.items():
            con.execute(f"comment on column analytics.{name}.{column} is {literal(text)}")


def _remove_stale_temporaries(serving_file: Path) -> None:
    """Remove the temporary files of publishes that were killed (their process is gone)."""
    for path in serving_file.parent.glob(f".{serving_file.name}.*.tmp*"):
        pid = path.name[len(serving_file.name) + 2 :].split(".")[0]
        if pid.isdigit() and not _alive(int(pid)):
            path.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _fsync(path: Path) -> None:
    """Flush a file's (or a folder's) data to disk."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
