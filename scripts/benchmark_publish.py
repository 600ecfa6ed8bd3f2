"""Time `hvc publish` of a built warehouse: the DuckDB serving file and Postgres, and the two
Postgres loaders (psycopg 3 COPY of CSV that DuckDB writes, which `hvc publish` uses, against
the ADBC Postgres driver's Arrow ingest), in interleaved rounds. Not a test: run it by hand on
a full build, e.g.

    .venv/bin/hvc build --raw-dir /tmp/w100k/raw --warehouse /tmp/b100k/hvc.duckdb \\
        --target-path /tmp/b100k/target --no-publish
    .venv/bin/python scripts/benchmark_publish.py --warehouse /tmp/b100k/hvc.duckdb \\
        --target-path /tmp/b100k/target --rounds 3

Postgres is a throwaway server (tests/python/helpers/postgres.py), unless --postgres URL. The
ADBC loader needs `pip install adbc-driver-postgresql`; without it only COPY is timed.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from contextlib import nullcontext
from pathlib import Path

import duckdb

from hvc.dbt import PROJECT_DIR
from hvc.serving.catalog import load_manifest, served_tables
from hvc.serving.duckdb_store import BUILD_CATALOG, literal, publish_duckdb, quote
from hvc.serving.postgres import publish_postgres

sys.path.insert(0, str(PROJECT_DIR / "tests" / "python"))
from helpers.postgres import temporary_server


def copy_load(build_file: Path, url: str, tables) -> float:
    """Seconds to load every served table with psycopg's COPY (as hvc publish does, without
    its comments, build tables and swap) into a scratch schema."""
    import dataclasses

    import psycopg

    from hvc.serving.postgres import _load_table

    started = time.perf_counter()
    con = duckdb.connect()
    con.execute(f"attach {literal(str(build_file))} as {BUILD_CATALOG} (read_only)")
    with psycopg.connect(url) as pg, tempfile.TemporaryDirectory() as tmp:
        pg.execute("drop schema if exists bench_copy__incoming cascade")
        pg.execute("create schema bench_copy__incoming")
        for table in tables:
            scratch = dataclasses.replace(
                table, schema="bench_copy", name=f"{table.schema}__{table.name}"
            )
            _load_table(con, pg, scratch, Path(tmp))
        pg.commit()
    con.close()
    return time.perf_counter() - started


def adbc_load(build_file: Path, url: str, tables) -> float:
    """Seconds to load every served table with the ADBC driver into a scratch schema."""
    import adbc_driver_postgresql.dbapi as adbc

    started = time.perf_counter()
    con = duckdb.connect()
    con.execute(f"attach {literal(str(build_file))} as {BUILD_CATALOG} (read_only)")
    with adbc.connect(url) as pg:
        with pg.cursor() as cursor:
            cursor.execute("drop schema if exists bench_adbc cascade")
            cursor.execute("create schema bench_adbc")
            for table in tables:
                columns = ", ".join(quote(column.name) for column in table.columns)
                source = f"{BUILD_CATALOG}.{quote(table.source_schema)}.{quote(table.source_name)}"
                reader = con.execute(f"select {columns} from {source}").to_arrow_reader()
                cursor.adbc_ingest(
                    f"{table.schema}__{table.name}",
                    reader,
                    mode="create",
                    db_schema_name="bench_adbc",
                )
        pg.commit()
    con.close()
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", required=True, help="a full build's DuckDB file")
    parser.add_argument("--target-path", required=True, help="its dbt target folder")
    parser.add_argument("--postgres", help="a Postgres URL (default: a throwaway server)")
    parser.add_argument("--rounds", type=int, default=3)
    ns = parser.parse_args()
    build = Path(ns.warehouse)
    tables = served_tables(load_manifest(Path(ns.target_path)))
    with duckdb.connect(str(build), read_only=True) as con:
        rows = sum(
            con.execute(
                f"select count(*) from {quote(t.source_schema)}.{quote(t.source_name)}"
            ).fetchone()[0]
            for t in tables
        )
        customers = con.execute("select count(*) from marts.customers").fetchone()[0]
    print(f"{len(tables)} served tables, {rows:,} rows; {customers:,} customers in the build")
    try:
        import adbc_driver_postgresql  # noqa: F401

        has_adbc = True
    except ImportError:
        has_adbc = False
        print("adbc-driver-postgresql not installed: timing COPY only")
    times: dict[str, list[float]] = {
        "duckdb": [],
        "postgres (COPY)": [],
        "copy loads": [],
        "adbc ingest": [],
    }
    server = nullcontext(ns.postgres) if ns.postgres else temporary_server()
    with server as url, tempfile.TemporaryDirectory() as tmp:
        serving = Path(tmp) / "serving.duckdb"
        for round_number in range(1, ns.rounds + 1):
            started = time.perf_counter()
            publish_duckdb(build, serving, tables)
            times["duckdb"].append(time.perf_counter() - started)
            started = time.perf_counter()
            publish_postgres(build, url, tables)
            times["postgres (COPY)"].append(time.perf_counter() - started)
            times["copy loads"].append(copy_load(build, url, tables))
            if has_adbc:
                times["adbc ingest"].append(adbc_load(build, url, tables))
            print(
                f"round {round_number}: "
                + ", ".join(
                    f"{name} {values[-1]:.1f} s" for name, values in times.items() if values
                ),
                flush=True,
            )
        size = serving.stat().st_size
    for name, values in times.items():
        if values:
            each = ", ".join(f"{value:.1f}" for value in values)
            print(f"{name}: median {statistics.median(values):.1f} s ({each})")
    print(f"serving file: {size / 2**20:.0f} MiB")
    print(
        "(postgres (COPY) is the whole publish: loads, comments, build tables with the raw "
        "files' SHA-256, and the swap; copy loads and adbc ingest time the table loads alone.)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
