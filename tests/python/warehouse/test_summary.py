"""The printed summary of a built warehouse reports what the tables hold."""

from __future__ import annotations

from pathlib import Path

import duckdb

from hvc.summary import summarise


def test_summary_reports_the_tables_of_the_build(warehouse: Path) -> None:
    text = summarise(warehouse)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        auc = con.execute(
            "select round(roc_auc, 3) from marts.license_propensity_metrics "
            "where is_scoring_model and evaluation = 'out_of_fold'"
        ).fetchone()[0]
        insiders = con.execute(
            "select answer from marts.insiders_summary where metric = 'insider_count' "
            "order by business_line"
        ).fetchall()
        build_id = con.execute(
            "select build_id from data_quality.build_runs where command = 'build'"
        ).fetchone()[0]
        next_month = con.execute(
            "select round(expected_revenue, 0)::bigint from marts.revenue_forecast "
            "where segment = 'All customers' and month_number = 1"
        ).fetchone()[0]
    assert "Every raw row is accounted for." in text
    assert text.splitlines()[1].startswith(f"Last build: {build_id}, finished ")
    # the Insiders' rules in words, the last period's membership, the experiment, the actions
    assert "  remove: An Insider is removed once out of segment 1 for 2 consecutive" in text
    for title in ("The Insiders at the last period end", "The Insiders experiment"):
        assert title in text
    assert "Early access and loyalty perks" in text
    scoring_line = next(
        line for line in text.splitlines() if line.startswith("logistic_regression ")
    )
    assert str(auc) in scoring_line
    for (answer,) in insiders:
        assert answer in text
    forecast_line = next(line for line in text.splitlines() if line.startswith("All customers"))
    assert f"{next_month:,}" in forecast_line


def test_summary_says_when_the_last_build_was_killed(warehouse: Path, tmp_path: Path) -> None:
    """A build killed midway leaves tables from two builds: the summary's second line says so."""
    import shutil

    copy = tmp_path / "killed.duckdb"
    shutil.copy(warehouse, copy)
    with duckdb.connect(str(copy)) as con:
        con.execute(
            "insert into data_quality.build_runs (build_id, command, started_at) "
            "values ('killed', 'build', now()::timestamp + interval 1 hour)"
        )
    line = summarise(copy).splitlines()[1]
    assert line.startswith("Last build: build killed (started ") and "mix two builds" in line
