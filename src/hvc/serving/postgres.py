"""The serving Postgres schemas: the served tables loaded into fresh schemas, then swapped in
with one transaction.

Each serving schema `s` is loaded as `s__incoming` (COPY of CSV that DuckDB writes), with the
same comments as the DuckDB store. The swap takes every old table's lock at once, drops the old
schemas, renames the new ones and commits: a query or a transaction that has read an old table
holds its lock, so it finishes on the old set; one that comes after reads the new set; none sees
a mix. The locks are asked for without waiting (NOWAIT): while any reader holds an old table,
the swap lets go of what it took and tries again a few milliseconds later, so a dashboard query
is never queued behind a publish, cut off, or deadlocked with it; it delays the swap instead.
(A repeatable-read transaction that took its snapshot before the new tables were loaded, and
reads them only after the swap, finds them empty: Postgres's rule for tables created after a
snapshot. Dashboards' short transactions do not.)
"""

from __future__ import annotations

import random
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import duckdb

from hvc.serving import build_info as info
from hvc.serving.catalog import ServedTable
from hvc.serving.duckdb_store import BUILD_CATALOG, literal, quote

INCOMING = "__incoming"
#: DuckDB column types and their Postgres types; anything else is served as text.
POSTGRES_TYPES = {
    "BOOLEAN": "boolean",
    "TINYINT": "smallint",
    "SMALLINT": "smallint",
    "INTEGER": "integer",
    "BIGINT": "bigint",
    "FLOAT": "real",
    "DOUBLE": "double precision",
    "DATE": "date",
    "TIMESTAMP": "timestamp",
    "TIMESTAMP WITH TIME ZONE": "timestamptz",
    "VARCHAR": "text",
}


class PostgresError(RuntimeError):
    """The Postgres store could not be published: the message says why."""


def postgres_type(duckdb_type: str) -> tuple[str, bool]:
    """The Postgres type of a DuckDB column type, and whether the value is cast to text."""
    if duckdb_type.startswith("DECIMAL"):
        return duckdb_type.replace("DECIMAL", "numeric"), False
    if duckdb_type in POSTGRES_TYPES:
        return POSTGRES_TYPES[duckdb_type], False
    return "text", True


def publish_postgres(
    build_file: Path,
    url: str,
    tables: list[ServedTable],
    grant_to: str | None = None,
    progress: Callable[[str], None] = lambda message: None,
    swap_seconds: float = 120.0,
) -> info.BuildRun:
    """Publish the served tables of `build_file` to the Postgres database at `url`.

    Returns the build published. Raises `NotPublishable` for a build that may not be
    published and `PostgresError` when the swap cannot take its locks; the served schemas are
    then left as they were.
    """
    import psycopg

    con = duckdb.connect()
    try:
        con.execute(f"attach {literal(str(build_file))} as {BUILD_CATALOG} (read_only)")
        run = info.last_build(con, BUILD_CATALOG)
        files = info.raw_files(con, BUILD_CATALOG)
        with psycopg.connect(url, autocommit=False) as pg, tempfile.TemporaryDirectory() as tmp:
            schemas = sorted({table.schema for table in tables} | {"analytics"})
            with pg.transaction():
                for schema in schemas:
                    pg.execute(f"drop schema if exists {quote(schema + INCOMING)} cascade")
                    pg.execute(f"create schema {quote(schema + INCOMING)}")
            for number, table in enumerate(tables, 1):
                progress(f"{number}/{len(tables)} {table.schema}.{table.name}")
                with pg.transaction():
                    _load_table(con, pg, table, Path(tmp))
            with pg.transaction():
                _load_build_tables(pg, run, files)
                if grant_to:
                    for schema in schemas:
                        incoming = quote(schema + INCOMING)
                        pg.execute(f"grant usage on schema {incoming} to {quote(grant_to)}")
                        pg.execute(
                            f"grant select on all tables in schema {incoming} to {quote(grant_to)}"
                        )
            _swap(pg, schemas, swap_seconds)
    finally:
        con.close()
    return run


def _load_table(con, pg, table: ServedTable, tmp: Path) -> None:
    """Create one served table in its incoming schema and COPY its rows into it."""
    source = f"{BUILD_CATALOG}.{quote(table.source_schema)}.{quote(table.source_name)}"
    types = dict(
        con.execute(
            "select column_name, data_type from duckdb_columns() "
            "where database_name = ? and schema_name = ? and table_name = ?",
            [BUILD_CATALOG, table.source_schema, table.source_name],
        ).fetchall()
    )
    definitions, selects = [], []
    for column in table.columns:
        pg_type, as_text = postgres_type(types[column.name])
        definitions.append(f"{quote(column.name)} {pg_type}")
        cast = f"cast({quote(column.name)} as varchar)" if as_text else quote(column.name)
        selects.append(f"{cast} as {quote(column.name)}")
    target = f"{quote(table.schema + INCOMING)}.{quote(table.name)}"
    pg.execute(f"create table {target} ({', '.join(definitions)})")
    csv = tmp / f"{table.schema}.{table.name}.csv"
    con.execute(
        f"copy (select {', '.join(selects)} from {source}) to {literal(str(csv))} "
        "(format csv, header false)"
    )
    with pg.cursor() as cursor, cursor.copy(f"copy {target} from stdin (format csv)") as copy:
        with csv.open("rb") as handle:
            while block := handle.read(1 << 20):
                copy.write(block)
    csv.unlink()
    pg.execute(f"comment on table {target} is {literal(table.description)}")
    for column in table.columns:
        pg.execute(
            f"comment on column {target}.{quote(column.name)} is {literal(column.description)}"
        )


def _load_build_tables(pg, run: info.BuildRun, files: list[tuple]) -> None:
    """`build_info` and `build_files` in the incoming `analytics` schema."""
    import datetime as dt

    schema = quote("analytics" + INCOMING)
    row = info.build_info_row(run, dt.datetime.now(dt.UTC).replace(tzinfo=None))
    pg.execute(
        f"create table {schema}.build_info (build_id text, build_started_at timestamp, "
        "build_finished_at timestamp, published_at timestamp, git_revision text, "
        "hvc_version text, models_built integer, tests_passed integer, tests_warned integer, "
        "tests_failed integer, nodes_skipped integer)"
    )
    pg.execute(
        f"insert into {schema}.build_info values ({', '.join(['%s'] * len(row))})",
        list(row.values()),
    )
    pg.execute(
        f"create table {schema}.build_files (source_name text, table_name text, "
        "file_path text, bytes_at_build bigint, bytes_at_publish bigint, "
        "sha256_at_publish text)"
    )
    with pg.cursor() as cursor:
        cursor.executemany(
            f"insert into {schema}.build_files values (%s, %s, %s, %s, %s, %s)", files
        )
    for name, description, columns in (
        ("build_info", info.BUILD_INFO_DESCRIPTION, info.BUILD_INFO_COLUMNS),
        ("build_files", info.BUILD_FILES_DESCRIPTION, info.BUILD_FILES_COLUMNS),
    ):
        pg.execute(f"comment on table {schema}.{name} is {literal(description)}")
        for column, text in columns.items():
            pg.execute(f"comment on column {schema}.{name}.{column} is {literal(text)}")


def _swap(pg, schemas: list[str], seconds: float) -> None:
    """Swap the incoming schemas in, in one transaction: lock every old table without waiting,
    drop the old schemas, rename the new; while readers hold old tables, try again (for at most
    `seconds`)."""
    import psycopg

    pause = random.Random(0)
    deadline = time.monotonic() + seconds
    attempts = 0
    while True:
        attempts += 1
        try:
            with pg.transaction():
                old = pg.execute(
                    "select quote_ident(schemaname) || '.' || quote_ident(tablename) "
                    "from pg_tables where schemaname = any(%s) order by 1",
                    [schemas],
                ).fetchall()
                if old:
                    names = ", ".join(name for (name,) in old)
                    pg.execute(f"lock table {names} in access exclusive mode nowait")
                for schema in schemas:
                    pg.execute(f"drop schema if exists {quote(schema)} cascade")
                    pg.execute(f"alter schema {quote(schema + INCOMING)} rename to {quote(schema)}")
            return
        except psycopg.errors.LockNotAvailable:
            if time.monotonic() > deadline:
                break
            time.sleep(pause.uniform(0.002, 0.02))
    raise PostgresError(
        f"readers held the served tables through {attempts} tries in {seconds:.0f} s: the new "
        f"build waits in schemas *{INCOMING}; publish again when the dashboards are quieter"
    )
