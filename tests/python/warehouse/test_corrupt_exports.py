"""Corrupted exports build: every line or file that cannot be read is quarantined with its
reason, file and line, every file reconciles, and what the clean exports stage is staged
unchanged (helpers/corrupt.py adds the corrupted files beside the clean ones)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import duckdb
import pytest

from helpers.corrupt import corrupt_copy, every_corruption
from helpers.warehouse import World, run_dbt

#: Staging, reconciliation, the quarantine and the orders the revenue marts add up.
BUILD = [
    "build",
    "--select",
    "+source_reconciliation",
    "+quarantined_rows",
    "+source_files",
    "+orders",
    "--indirect-selection",
    "cautious",
]

STAGED_MODELS = [
    "stg_edd__payments",
    "stg_edd__payment_items",
    "stg_helpscout__conversations",
    "stg_intercom__conversations",
    "stg_intercom__contacts",
    "stg_drip__subscribers",
    "stg_drip__events",
    "stg_hubspot__contacts",
    "stg_hubspot__companies",
    "stg_hubspot__social_impressions",
    "stg_google_analytics__events",
    "stg_mturk__assignments",
    "stg_online_retail__invoice_lines",
]


def query(database: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute(sql).fetchall()


@pytest.fixture(scope="module")
def corrupted(world: World, tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("corrupted")
    corruptions = every_corruption()
    expected = corrupt_copy(world.raw, root / "raw", corruptions)
    run = run_dbt(BUILD, root / "build", root / "raw")
    return corruptions, expected, run


def test_the_corruptions_cover_every_table_in_many_ways(corrupted) -> None:
    corruptions, expected, _ = corrupted
    tables = {(c.table.source, c.table.table) for c in corruptions}
    kinds = {kind for c in corruptions for kind in c.kinds}
    assert len(tables) == 12
    assert len(kinds) >= 25, sorted(kinds)
    assert len(expected) >= 60


def test_corrupted_exports_build(corrupted) -> None:
    _, _, run = corrupted
    assert run.returncode == 0, run.output[-6000:]


def test_each_corruption_is_quarantined_with_its_reason_file_and_line(corrupted) -> None:
    _, expected, run = corrupted
    found = query(
        run.database,
        """
        select source_name, table_name, regexp_extract(source_file, '[^/]+$'), line_number,
            quarantine_reason
        from data_quality.quarantined_rows
        where source_file like '%-corrupt-%'
        """,
    )
    wanted = Counter((e.source, e.table, e.file, e.line, e.reason) for e in expected)
    assert Counter(found) == wanted


def test_every_file_reconciles(corrupted) -> None:
    corruptions, _, run = corrupted
    assert query(
        run.database,
        """
        select count(*) from data_quality.source_files
        where rows_in <> rows_staged + rows_quarantined + duplicates_removed
        """,
    ) == [(0,)]
    assert query(
        run.database,
        "select sum(abs(rows_unaccounted)) from data_quality.source_reconciliation",
    ) == [(0,)]
    # the empty files are listed, with nothing read from them
    empty = sum(1 for c in corruptions for kind in c.kinds if kind.startswith("empty_"))
    assert query(
        run.database,
        "select count(*), sum(rows_in) from data_quality.source_files where bytes = 0",
    ) == [(empty, 0)]


def staged(database: Path, model: str):
    """A staged table's rows, as Arrow (the views name their catalog after the file)."""
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute(f"select * from staging.{model}").to_arrow_table()


def test_what_was_clean_is_staged_unchanged(corrupted, warehouse: Path) -> None:
    _, _, run = corrupted
    with duckdb.connect() as con:
        for model in STAGED_MODELS:
            clean, corrupt = staged(warehouse, model), staged(run.database, model)
            assert clean.num_rows > 0, model
            con.register("clean_rows", clean)
            con.register("corrupt_rows", corrupt)
            for first, second in [("clean_rows", "corrupt_rows"), ("corrupt_rows", "clean_rows")]:
                differing = con.execute(
                    f"select count(*) from (select * from {first} except all "
                    f"select * from {second})"
                ).fetchone()[0]
                assert differing == 0, (model, first)
        totals = []
        for database in (warehouse, run.database):
            with duckdb.connect(str(database), read_only=True) as source:
                totals.append(
                    source.execute(
                        "select count(*), sum(net_amount) from intermediate.int_sales__orders"
                    ).fetchone()
                )
        assert totals[0] == totals[1]
