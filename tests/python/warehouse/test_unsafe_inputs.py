"""Paths, vars and env values from outside reach SQL only as data: a folder named with a quote
builds, an injection attempt in any input is read as a (missing) file name or refused with one
clear line, and never runs."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from helpers.warehouse import World, run_dbt

INJECTION = "x'); create table main.pwned as select 42 as pwned; --"
STAGE_EDD = ["run", "--select", "base_edd__payments", "stg_edd__payments"]


def tables(database: Path) -> set[str]:
    if not database.exists():
        return set()
    with duckdb.connect(str(database), read_only=True) as con:
        return {row[0] for row in con.execute("select table_name from duckdb_tables()").fetchall()}


def test_a_folder_named_with_a_quote_builds(world: World, tmp_path: Path) -> None:
    raw = tmp_path / "o'brien's exports" / "raw"
    shutil.copytree(world.raw, raw)
    run = run_dbt(STAGE_EDD, tmp_path / "build", raw)
    assert run.returncode == 0, run.output[-4000:]
    with duckdb.connect(str(run.database), read_only=True) as con:
        staged, files = con.execute(
            "select count(*), count(distinct _source_file) from staging.base_edd__payments"
        ).fetchone()
    assert staged > 0 and files == 1


@pytest.mark.parametrize(
    "variables",
    [
        {"raw_edd__payments": INJECTION},
        {"raw_edd__payments": f"/tmp/{INJECTION}*.jsonl"},
        {"raw_dir": INJECTION},
    ],
    ids=["path var", "glob var", "raw_dir var"],
)
def test_an_injected_path_is_a_file_name_that_matches_nothing(
    variables: dict, tmp_path: Path
) -> None:
    # no raw folder: the injected value is the only place files could come from
    run = run_dbt(STAGE_EDD, tmp_path, None, variables)
    assert run.returncode == 0, run.output[-4000:]
    assert "pwned" not in tables(run.database)
    with duckdb.connect(str(run.database), read_only=True) as con:
        assert con.execute("select count(*) from staging.base_edd__payments").fetchone() == (0,)


def test_an_injected_raw_folder_env_is_a_file_name(tmp_path: Path) -> None:
    run = run_dbt(STAGE_EDD, tmp_path, tmp_path / INJECTION)
    assert run.returncode == 0, run.output[-4000:]
    assert "pwned" not in tables(run.database)


@pytest.mark.parametrize(
    ("model", "variables", "message"),
    [
        ("base_edd__payments", {"edd_timezone": INJECTION}, "unknown time zone"),
        ("base_edd__payments", {"edd_max_amount": INJECTION}, "var edd_max_amount must be a"),
        (
            "int_value__customer_activity",
            {"support_cost_per_open_day": INJECTION},
            "var support_cost_per_open_day must be a number",
        ),
        ("int_value__as_of", {"as_of_date": INJECTION}, "var as_of_date must be a date"),
        ("int_value__as_of", {"as_of_date": "2024-02-30"}, "var as_of_date must be a date"),
        (
            "int_segmentation__backtest_customers",
            {"segmentation_backtest_cutoff_date": INJECTION},
            "var segmentation_backtest_cutoff_date must be a date",
        ),
        (
            "int_clv__customer_summaries",
            {"clv_holdout_days": INJECTION},
            "var clv_holdout_days must be a number",
        ),
        (
            "int_segmentation__backtest_customers",
            {"segmentation_backtest_cutoffs": INJECTION},
            "var segmentation_backtest_cutoffs must be a number",
        ),
    ],
    ids=[
        "time zone",
        "max amount",
        "support cost",
        "as-of date",
        "impossible date",
        "backtest date",
        "holdout days",
        "backtest cutoffs",
    ],
)
def test_a_var_that_is_not_what_it_says_stops_with_one_line(
    model: str, variables: dict, message: str, world: World, tmp_path: Path
) -> None:
    run = run_dbt(["compile", "--select", model], tmp_path, world.raw, variables)
    assert run.returncode != 0
    assert message in run.output
    assert "pwned" not in tables(run.database)


def test_an_injected_memory_limit_is_refused(tmp_path: Path) -> None:
    from hvc import dbt

    run = dbt.run_dbt(
        STAGE_EDD,
        database=tmp_path / "warehouse.duckdb",
        raw_dir=tmp_path,
        target_path=tmp_path / "target",
        log_path=tmp_path / "logs",
        env={"HVC_MEMORY_LIMIT": "1GiB'; create table main.pwned as select 1; --"},
    )
    assert run.returncode != 0
    assert "HVC_MEMORY_LIMIT must be a size" in run.output
    assert "pwned" not in tables(tmp_path / "warehouse.duckdb")


def test_an_injected_internal_domain_is_a_domain(world: World, tmp_path: Path) -> None:
    run = run_dbt(
        [
            "build",
            "--select",
            "+int_sales__order_lines_classified",
            "--exclude",
            "resource_type:test",
            "resource_type:unit_test",
        ],
        tmp_path,
        world.raw,
        {"internal_email_domains": [INJECTION, "larkspurplugins.com"]},
    )
    assert run.returncode == 0, run.output[-4000:]
    assert "pwned" not in tables(run.database)
