"""Your data, only your data: a table's own files never mix silently with the demo's folder,
and the README's recipe for the real Online Retail file builds it alone, with the figures the
README quotes."""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from hvc import dbt

README = dbt.PROJECT_DIR / "README.md"
# The README's line, word for word (the test fails when the two part).
RECIPE = (
    ".venv/bin/hvc build --raw-file "
    "online_retail.invoice_lines=../shared/data/online_retail/Online_Retail.parquet"
)
# What the quoted figures need: the Insiders, the forecast, and every table's reconciliation.
RECIPE_SELECTION = ["+insiders_summary", "+revenue_forecast", "+source_reconciliation"]
# "about 775,000 a month": the first forecast month (31 days) within 1 %.
MONTHLY_REVENUE, MONTHLY_TOLERANCE = 775_000, 0.01

REFUSAL = (
    "Your files would be mixed with the demo's: var raw_online_retail__invoice_lines names "
    "your files, but every other table still reads the demo's data/demo/raw (HVC_RAW_DIR is "
    "not set). Set HVC_RAW_DIR (or hvc build --raw-dir DIR) to the folder of your exports, or "
    "build from your files alone with hvc build --raw-file online_retail.invoice_lines=PATH; "
    "var allow_demo_mix: true mixes them on purpose."
)


def demo_folder_dbt(args: list[str], workdir: Path, variables: dict) -> dbt.DbtResult:
    """dbt with the raw folder left at the demo's (no HVC_RAW_DIR), in its own files."""
    return dbt.run_dbt(
        args,
        database=workdir / "warehouse.duckdb",
        target_path=workdir / "target",
        log_path=workdir / "logs",
        variables=variables,
    )


@pytest.fixture
def no_raw_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HVC_RAW_DIR", raising=False)


@pytest.mark.usefixtures("no_raw_dir")
def test_a_tables_files_beside_the_demo_folder_stop_the_build_in_one_line(
    tmp_path: Path,
) -> None:
    """The README's former recipe: one table's file, every other table the demo's."""
    run = demo_folder_dbt(
        ["build"],
        tmp_path,
        {"raw_online_retail__invoice_lines": str(tmp_path / "Online_Retail.parquet")},
    )
    assert run.returncode != 0
    said = [line.strip() for line in run.output.splitlines() if "mixed with the demo" in line]
    assert said == [REFUSAL]
    with duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True) as con:
        built = con.execute(
            "select count(*) from information_schema.tables where table_schema <> 'main'"
        ).fetchone()
    assert built == (0,)  # refused before any model ran


@pytest.mark.usefixtures("no_raw_dir")
def test_var_allow_demo_mix_lets_the_mix_through(tmp_path: Path) -> None:
    run = demo_folder_dbt(
        ["seed", "--select", "us_time_zone_regions"],
        tmp_path,
        {
            "raw_online_retail__invoice_lines": str(tmp_path / "Online_Retail.parquet"),
            "allow_demo_mix": True,
        },
    )
    assert run.returncode == 0, run.output[-3000:]
    assert "mixed with the demo" not in run.output


@pytest.fixture(scope="module")
def readme_recipe(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The README's Online Retail recipe, run as written from the project folder (the public
    data's path swapped only when HVC_SHARED_DATA moves it), into its own DuckDB file, building
    what the quoted figures need."""
    assert RECIPE in README.read_text().splitlines()
    program, *args = shlex.split(RECIPE)
    real = shared_data / "online_retail" / "Online_Retail.parquet"
    if not real.is_file():
        pytest.skip(f"{real} not found")
    written = args[-1].partition("=")[2]
    if (dbt.PROJECT_DIR / written).resolve() != real.resolve():
        args[-1] = args[-1].replace(written, str(real))
    workdir = tmp_path_factory.mktemp("readme_recipe")
    database = workdir / "warehouse.duckdb"
    command = [
        str(Path(sys.executable).with_name(Path(program).name)),
        *args,
        "--warehouse",
        str(database),
        "--select",
        *RECIPE_SELECTION,
        "--indirect-selection",
        "cautious",
        "--target-path",
        str(workdir / "target"),
        "--log-path",
        str(workdir / "logs"),
    ]
    run = subprocess.run(command, cwd=dbt.PROJECT_DIR, capture_output=True, text=True, check=False)
    output = run.stdout + run.stderr
    assert run.returncode == 0, output[-6000:]
    assert "tables without --raw-file read nothing" in output
    return database


def query(database: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_readme_recipe_reads_only_online_retail(readme_recipe: Path) -> None:
    tables = query(
        readme_recipe,
        "select source_name || '.' || table_name, rows_in from data_quality.source_reconciliation",
    )
    assert len(tables) == 12
    assert {name for name, rows in tables if rows > 0} == {"online_retail.invoice_lines"}


def test_readme_recipe_finds_950_insiders_with_72_6_percent_of_net_revenue(
    readme_recipe: Path,
) -> None:
    metrics = dict(
        query(
            readme_recipe,
            """
            select metric, metric_value from marts.insiders_summary
            where business_line = 'retail'
                and metric in ('insider_count', 'share_of_customers', 'share_of_net_revenue')
            """,
        )
    )
    assert metrics["insider_count"] == 950
    assert round(metrics["share_of_customers"], 3) == 0.219  # of 4,334 customers
    assert round(metrics["share_of_net_revenue"], 3) == 0.726
    lines = query(readme_recipe, "select distinct business_line from marts.insiders_summary")
    assert lines == [("retail",)]  # no software line: nothing but the retailer was read


def test_readme_recipe_forecasts_about_775000_a_month(readme_recipe: Path) -> None:
    ((first_month,),) = query(
        readme_recipe,
        """
        select expected_revenue from marts.revenue_forecast
        where segment = 'All customers' and month_number = 1
        """,
    )
    assert float(first_month) == pytest.approx(MONTHLY_REVENUE, rel=MONTHLY_TOLERANCE)
