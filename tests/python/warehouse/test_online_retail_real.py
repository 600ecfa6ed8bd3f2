"""The real UCI Online Retail file through staging: counts and revenue reconcile to the raw file."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from helpers.warehouse import run_dbt

ROWS = 541_909
EXACT_DUPLICATES = 5_268
REVENUE = Decimal("9747747.93")  # sum(Quantity * UnitPrice) over all rows, per the data's README


@pytest.fixture(scope="module", params=["Online_Retail.parquet", "Online_Retail.csv.gz"])
def real_build(request: pytest.FixtureRequest, shared_data: Path, tmp_path_factory) -> Path:
    if request.param.endswith(".parquet"):
        return request.getfixturevalue("real_online_retail_build")
    path = shared_data / "online_retail" / request.param
    if not path.is_file():
        pytest.skip(f"{path} not found")
    # Only Online Retail has files: every other source builds empty. These tests read staging
    # and its reconciliation only: the rest is built from the Parquet file.
    run = run_dbt(
        [
            "build",
            "--select",
            "+source_reconciliation",
            "+quarantined_rows",
            "--indirect-selection",
            "cautious",
        ],
        tmp_path_factory.mktemp("real"),
        raw_dir=None,
        variables={"raw_online_retail__invoice_lines": str(path)},
    )
    assert run.returncode == 0, run.output[-6000:]
    return run.database


def one(database: Path, sql: str):
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute(sql).fetchone()


def test_real_rows_reconcile(real_build: Path) -> None:
    rows_in, staged, quarantined, duplicates, unaccounted = one(
        real_build,
        """
        select rows_in, rows_staged, rows_quarantined, duplicates_removed, rows_unaccounted
        from data_quality.source_reconciliation
        where source_name = 'online_retail'
        """,
    )
    assert rows_in == ROWS
    assert duplicates == EXACT_DUPLICATES
    assert staged + quarantined + duplicates == ROWS
    assert unaccounted == 0
    assert one(
        real_build,
        "select count(*) from data_quality.quarantined_rows where quarantine_reason is null",
    ) == (0,)


def test_real_revenue_reconciles(real_build: Path) -> None:
    staged, quarantined, duplicates = one(
        real_build,
        """
        select
            sum(line_amount) filter (where row_status = 'staged'),
            sum(line_amount) filter (where row_status = 'quarantined'),
            sum(line_amount) filter (where row_status = 'duplicate')
        from staging.base_online_retail__invoice_lines
        """,
    )
    assert one(
        real_build, "select sum(line_amount) from staging.stg_online_retail__invoice_lines"
    ) == (staged,)
    assert abs(staged + quarantined + duplicates - REVENUE) < Decimal("0.01")
