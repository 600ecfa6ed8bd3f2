"""The serving stores BI and SQL users read: `hvc publish` writes the served marts, without PII
or tools' ids, into a DuckDB file renamed into place and into Postgres schemas swapped in one
transaction. Readers keep the build they opened, never see a mix, and never block a build; a
build whose file is held fails at once, naming the holder."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest

from helpers.postgres import server_bin, temporary_server
from hvc.dbt import dbt_env
from hvc.serving.catalog import UNSERVED_TAGS, served_tables

HVC = str(Path(sys.executable).with_name("hvc"))
COMPAT = Path(sys.prefix) / "compat"
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}")
COUNTS_SQL = (
    "select (select count(*) from analytics.orders), "
    "(select build_id from analytics.build_info), "
    "(select count(*) from analytics.customers)"
)


def hvc(
    *args: str, env: dict[str, str] | None = None, timeout: float = 600
) -> subprocess.CompletedProcess:
    """Run the `hvc` command, its output captured."""
    return subprocess.run(
        [HVC, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=dbt_env(extra=env),
        check=False,
    )


def publish(build_file: Path, serving: Path, *more: str) -> subprocess.CompletedProcess:
    """`hvc publish` of a build file (its manifest in the build's target folder)."""
    target = build_file.parent / "target"
    return hvc(
        "publish", "--warehouse", str(build_file), "--serving", str(serving),
        "--target-path", str(target), *more,
    )  # fmt: skip


def copy_build(build_file: Path, folder: Path) -> Path:
    """A copy of a build file with its target folder (manifest), under another file name."""
    folder.mkdir(parents=True, exist_ok=True)
    copy = folder / "copied-build.duckdb"
    shutil.copy(build_file, copy)
    shutil.copytree(build_file.parent / "target", folder / "target", dirs_exist_ok=True)
    return copy


def read(database: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute(sql).fetchall()


@pytest.fixture(scope="module")
def served(warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The serving DuckDB file published from the small world's build."""
    serving = tmp_path_factory.mktemp("serving") / "serving.duckdb"
    done = publish(warehouse, serving)
    assert done.returncode == 0, done.stderr
    return serving


@pytest.fixture(scope="module")
def manifest(warehouse: Path) -> dict:
    return json.loads((warehouse.parent / "target" / "manifest.json").read_text())


def test_the_store_holds_the_served_marts_without_pii_or_tool_ids(
    served: Path, manifest: dict
) -> None:
    tables = served_tables(manifest)
    with duckdb.connect(str(served), read_only=True) as con:
        assert con.execute("select count(*) from duckdb_views() where not internal").fetchone() == (
            0,
        )
        stored = {
            (schema, table): columns
            for schema, table, columns in con.execute(
                "select schema_name, table_name, list(column_name order by column_index) "
                "from duckdb_columns() where not internal group by all"
            ).fetchall()
        }
        comments = con.execute(
            "select count(*) filter (where coalesce(comment, '') = '') from duckdb_columns() "
            "where not internal"
        ).fetchone()[0]
        text_columns = con.execute(
            "select schema_name, table_name, column_name from duckdb_columns() "
            "where not internal and data_type = 'VARCHAR'"
        ).fetchall()
        emails = {
            f"{schema}.{table}.{column}": value
            for schema, table, column in text_columns
            for (value,) in con.execute(
                f'select "{column}" from "{schema}"."{table}" '
                f"where regexp_matches(\"{column}\", '{EMAIL.pattern}') limit 1"
            ).fetchall()
        }
    assert comments == 0
    # the business marts and the model diagnostics, each in its schema, with the build tables
    assert {schema for schema, _ in stored} == {"analytics", "model_diagnostics"}
    assert ("model_diagnostics", "clv_backtest") in stored
    assert ("analytics", "customers") in stored and ("analytics", "build_info") in stored
    assert not any(schema == "data_quality" for schema, _ in stored)
    # no column tagged pii or tool_id in the manifest reaches the store
    withheld: dict[str, set[str]] = {}
    for node in manifest["nodes"].values():
        for column in node.get("columns", {}).values():
            if set(column.get("tags") or []) & UNSERVED_TAGS:
                withheld.setdefault(node["name"], set()).add(column["name"])
    assert withheld["orders"] >= {"order_id"} and withheld["support_tickets"] >= {"ticket_id"}
    for table in tables:
        columns = stored[(table.schema, table.name)]
        assert columns == [column.name for column in table.columns]
        assert not set(columns) & withheld.get(table.name, set()), table.name
    assert not emails, emails
    assert {"customer_number", "contact_email_count"} <= set(stored[("analytics", "customers")])


def test_the_serving_exposure_lists_every_served_mart(manifest: dict) -> None:
    exposure = manifest["exposures"]["exposure.hvc.bi_serving_store"]
    depends = {node.split(".")[-1] for node in exposure["depends_on"]["nodes"]}
    assert depends == {table.source_name for table in served_tables(manifest)}


def _readers() -> list[tuple[str, list[str], dict[str, str]]]:
    """The older DuckDB readers `make test` installs (compat-readers): name, command, env."""
    readers = []
    for name in ("duckdb-cli-1.4.4", "duckdb-cli-1.5.6"):
        binaries = [
            path
            for path in (COMPAT / name).rglob("duckdb")
            if path.is_file() and path.read_bytes()[:4] == b"\x7fELF"
        ]
        if binaries:
            readers.append((name, [str(binaries[0]), "-readonly", "-csv", "-noheader"], {}))
    if (COMPAT / "duckdb-1.1.3" / "duckdb").is_dir():
        script = (
            "import sys, duckdb; con = duckdb.connect(sys.argv[1], read_only=True); "
            "print(duckdb.__version__); "
            "[print(','.join(map(str, row))) for row in con.execute(sys.argv[2]).fetchall()]"
        )
        readers.append(
            (
                "duckdb-1.1.3",
                [sys.executable, "-c", script],
                {"PYTHONPATH": str(COMPAT / "duckdb-1.1.3")},
            )
        )
    return readers


@pytest.mark.parametrize("reader", ["duckdb-cli-1.4.4", "duckdb-cli-1.5.6", "duckdb-1.1.3"])
def test_older_duckdb_readers_open_the_store(served: Path, reader: str) -> None:
    found = {name: (command, env) for name, command, env in _readers()}
    if reader not in found:
        pytest.skip(f"{reader} not installed in {COMPAT}: run make compat-readers")
    command, env = found[reader]
    sql = (
        "select count(*), sum(record_count) from analytics.customers; "
        if reader.startswith("duckdb-cli")
        else "select count(*), sum(record_count) from analytics.customers"
    )
    done = subprocess.run(
        [*command, str(served), sql],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    expected = read(served, "select count(*), sum(record_count) from analytics.customers")[0]
    assert done.stdout.strip().splitlines()[-1] == ",".join(map(str, expected))


def test_a_copy_of_the_build_file_keeps_its_views(warehouse: Path, tmp_path: Path) -> None:
    """No view names the catalog: the file under another name reads its views."""
    copy = tmp_path / "renamed.duckdb"
    shutil.copy(warehouse, copy)
    with duckdb.connect(str(copy), read_only=True) as con:
        views = con.execute(
            "select schema_name, view_name from duckdb_views() where not internal"
        ).fetchall()
        assert ("marts", "customer_identity_map") in views
        for schema, view in views:
            con.execute(f'select count(*) from "{schema}"."{view}"').fetchone()


def test_a_killed_or_partial_build_is_not_published(warehouse: Path, tmp_path: Path) -> None:
    build = copy_build(warehouse, tmp_path / "build")
    serving = tmp_path / "serving.duckdb"
    with duckdb.connect(str(build)) as con:
        con.execute(
            "insert into data_quality.build_runs "
            "(build_id, command, selection, started_at, finished_at) "
            "values ('partial', 'run', '--select customers', now()::timestamp, now()::timestamp)"
        )
    done = publish(build, serving)
    assert done.returncode == 1 and "built part of the warehouse" in done.stderr
    with duckdb.connect(str(build)) as con:
        con.execute(
            "insert into data_quality.build_runs (build_id, command, started_at) "
            "values ('killed', 'build', now()::timestamp + interval 1 second)"
        )
    done = publish(build, serving)
    assert done.returncode == 1 and "did not finish" in done.stderr, done.stderr
    assert not serving.exists()


def test_kill_during_publish_leaves_the_previous_store(
    warehouse: Path, served: Path, tmp_path: Path
) -> None:
    serving = tmp_path / "serving.duckdb"
    shutil.copy(served, serving)
    before = read(serving, COUNTS_SQL)
    target = warehouse.parent / "target"
    process = subprocess.Popen(
        [HVC, "publish", "--warehouse", str(warehouse), "--serving", str(serving),
         "--target-path", str(target)],
        env=dbt_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    temporary = tmp_path / f".serving.duckdb.{process.pid}.tmp"
    deadline = time.monotonic() + 60
    while not temporary.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL, "publish finished before it was killed"
    assert read(serving, COUNTS_SQL) == before
    # the next publish clears what the killed one left and replaces the store
    done = publish(warehouse, serving)
    assert done.returncode == 0, done.stderr
    assert not list(tmp_path.glob(".serving.duckdb.*"))
    assert read(serving, COUNTS_SQL)[0][1] == before[0][1]


def test_a_reader_keeps_its_build_through_a_full_build_and_publish(
    served: Path, tmp_path: Path
) -> None:
    """A BI connection holds the serving file open while a full `hvc build` of another world
    runs and publishes: the build succeeds, the reader still reads the old build, a new
    connection the new one."""
    from hvc.generate import generate_world

    world = tmp_path / "world"
    generate_world(world, n_customers=150, seed=11)
    serving = tmp_path / "serving.duckdb"
    shutil.copy(served, serving)
    reader = duckdb.connect(str(serving), read_only=True)
    try:
        old = reader.execute(COUNTS_SQL).fetchall()
        done = hvc(
            "build", "--raw-dir", str(world / "raw"), "--warehouse", str(tmp_path / "b.duckdb"),
            "--target-path", str(tmp_path / "target"), "--log-path", str(tmp_path / "logs"),
            env={"HVC_SERVING_PATH": str(serving)},
        )  # fmt: skip
        assert done.returncode == 0, (done.stdout + done.stderr)[-4000:]
        assert "published build" in done.stderr
        assert reader.execute(COUNTS_SQL).fetchall() == old
    finally:
        reader.close()
    new = read(serving, COUNTS_SQL)
    assert new[0][1] != old[0][1] and new[0][2] != old[0][2]
    built = read(tmp_path / "b.duckdb", "select count(*) from marts.customers")
    assert new[0][2] == built[0][0]


def test_a_held_build_file_fails_at_once_naming_the_holder(warehouse: Path, tmp_path: Path) -> None:
    build = copy_build(warehouse, tmp_path)
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time, duckdb; con = duckdb.connect(sys.argv[1], read_only=True); "
         "print('open', flush=True); time.sleep(120)", str(build)],
        stdout=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "open"
        started = time.monotonic()
        done = hvc("build", "--warehouse", str(build), timeout=60)
        elapsed = time.monotonic() - started
    finally:
        holder.kill()
        holder.wait()
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert f"PID {holder.pid}" in lines[0] and "serving" in lines[0]
    assert elapsed < 10


# --- Postgres ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def postgres_url():
    """A Postgres database for the tests: env var HVC_TEST_POSTGRES_URL, else a throwaway
    server (Debian's postgresql package, which .ci/run installs)."""
    if os.environ.get("HVC_TEST_POSTGRES_URL"):
        yield os.environ["HVC_TEST_POSTGRES_URL"]
        return
    if server_bin() is None:
        pytest.skip("PostgreSQL's server is not installed: apt-get install postgresql")
    with temporary_server() as url:
        yield url


@pytest.fixture(scope="module")
def other_build(warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A second build to swap with the first: a copy with fewer customers and another id."""
    build = copy_build(warehouse, tmp_path_factory.mktemp("other_build"))
    with duckdb.connect(str(build)) as con:
        con.execute("delete from marts.customers where customer_key < '8'")
        con.execute("update data_quality.build_runs set build_id = 'other-' || build_id")
    return build


def test_postgres_holds_the_same_tables_and_comments(
    warehouse: Path, served: Path, postgres_url: str
) -> None:
    import psycopg

    done = publish(
        warehouse, served.parent / "unused.duckdb", "--no-duckdb", "--postgres", postgres_url
    )
    assert done.returncode == 0, done.stderr
    with duckdb.connect(str(served), read_only=True) as con:
        duck = con.execute(
            "select schema_name, table_name, column_name, comment from duckdb_columns() "
            "where not internal order by all"
        ).fetchall()
        counts = {
            (schema, table): con.execute(f'select count(*) from "{schema}"."{table}"').fetchone()[0]
            for schema, table in {(row[0], row[1]) for row in duck}
        }
    with psycopg.connect(postgres_url) as pg:
        rows = pg.execute(
            "select c.table_schema, c.table_name, c.column_name, "
            "col_description(format('%I.%I', c.table_schema, c.table_name)::regclass, "
            "c.ordinal_position) from information_schema.columns c "
            "where c.table_schema in ('analytics', 'model_diagnostics') order by 1, 2, 3"
        ).fetchall()
        for (schema, table), count in counts.items():
            if table == "build_info":
                continue
            assert pg.execute(f'select count(*) from "{schema}"."{table}"').fetchone()[0] == count
        money = pg.execute("select sum(net_revenue) from analytics.customer_value").fetchone()[0]
        schemas = {row[0] for row in pg.execute("select nspname from pg_namespace").fetchall()}
    assert rows == duck
    assert money == read(served, "select sum(net_revenue) from analytics.customer_value")[0][0]
    assert not any(name.endswith("__incoming") for name in schemas)


def test_postgres_readers_see_the_old_or_the_new_build_never_a_mix(
    warehouse: Path, other_build: Path, postgres_url: str, tmp_path: Path
) -> None:
    import psycopg

    builds = {}
    for build in (warehouse, other_build):
        done = publish(build, tmp_path / "unused.duckdb", "--no-duckdb", "--postgres", postgres_url)
        assert done.returncode == 0, done.stderr
        with psycopg.connect(postgres_url) as pg:
            builds[build] = pg.execute(COUNTS_SQL).fetchone()
    assert builds[warehouse] != builds[other_build]
    seen: list[tuple] = []
    errors: list[BaseException] = []
    stop = threading.Event()

    def statements() -> None:
        with psycopg.connect(postgres_url, autocommit=True) as pg:
            while not stop.is_set():
                seen.append(pg.execute(COUNTS_SQL).fetchone())

    def transactions() -> None:
        with psycopg.connect(postgres_url) as pg:
            pg.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
            while not stop.is_set():
                with pg.transaction():
                    orders = pg.execute("select count(*) from analytics.orders").fetchone()[0]
                    time.sleep(0.01)
                    build = pg.execute("select build_id from analytics.build_info").fetchone()[0]
                    customers = pg.execute("select count(*) from analytics.customers").fetchone()
                    seen.append((orders, build, customers[0]))

    def guarded(work) -> None:
        try:
            work()
        except BaseException as error:  # reported by the test below
            errors.append(error)

    threads = [
        threading.Thread(target=guarded, args=(work,)) for work in (statements, transactions)
    ]
    for thread in threads:
        thread.start()
    try:
        for build in (warehouse, other_build, warehouse):
            done = publish(
                build, tmp_path / "unused.duckdb", "--no-duckdb", "--postgres", postgres_url
            )
            assert done.returncode == 0, done.stderr
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
    assert not errors, errors
    assert set(seen) <= set(builds.values()), set(seen) - set(builds.values())
    assert set(seen) == set(builds.values())


# --- The semantic layer --------------------------------------------------------------------


def test_the_semantic_layer_metrics_equal_the_marts(warehouse: Path, tmp_path: Path) -> None:
    """MetricFlow (`mf query`) on the build's semantic manifest gives the marts' own totals."""
    from helpers.project_copy import copy_project

    project = copy_project(tmp_path / "project")
    (project / "target").mkdir()
    shutil.copy(warehouse.parent / "target" / "semantic_manifest.json", project / "target")
    # the semantic manifest names the build file's catalog (its file name): keep the name
    build = tmp_path / "copy" / warehouse.name
    build.parent.mkdir()
    shutil.copy(warehouse, build)
    out = tmp_path / "metrics.csv"
    done = subprocess.run(
        [str(Path(sys.executable).with_name("mf")), "query", "--metrics",
         "customers,net_revenue,adjusted_revenue,support_cost,insiders_share,expected_revenue",
         "--csv", str(out)],
        cwd=project,
        env=dbt_env(database=build, extra={"DBT_PROFILES_DIR": str(project)}),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    import pandas as pd

    metrics = pd.read_csv(out).iloc[0]
    expected = read(
        build,
        """
        select
            (select count(*) from marts.customer_value),
            (select sum(net_amount) from marts.orders),
            (select sum(adjusted_revenue) from marts.customer_value),
            (select sum(support_cost) from marts.customer_value),
            (select avg(cast(is_insider as integer)) from marts.customer_segments),
            (select sum(expected_revenue) from marts.revenue_forecast
             where segment = 'All customers')
        """,
    )[0]
    names = ["customers", "net_revenue", "adjusted_revenue", "support_cost", "insiders_share"]
    for name, value in zip([*names, "expected_revenue"], expected, strict=True):
        assert float(metrics[name]) == pytest.approx(float(value), rel=1e-9), name
