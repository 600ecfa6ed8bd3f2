"""The staging layer on a generated world: every raw row is staged, quarantined or a duplicate."""

from __future__ import annotations

import glob
from collections import Counter
from pathlib import Path

import duckdb
import pytest
import yaml

from helpers.raw_records import count_records
from helpers.warehouse import World, run_dbt

PROJECT = Path(__file__).resolve().parents[3]

# Each raw table's var and default file pattern, as the source YAMLs declare them.
RAW_TABLES = {
    "edd.payments": "edd/payments*.json*",
    "helpscout.conversations": "helpscout/conversations*.json*",
    "intercom.conversations": "intercom/conversations*.json*",
    "intercom.contacts": "intercom/contacts*.json*",
    "drip.subscribers": "drip/subscribers*.json*",
    "drip.events": "drip/events*.json*",
    "hubspot.contacts": "hubspot/contacts*.csv*",
    "hubspot.companies": "hubspot/companies*.csv*",
    "hubspot.social_impressions": "hubspot/social_impressions*.csv*",
    "google_analytics.events": "google_analytics/events*.[jnp]*",
    "mturk.batch_results": "mturk/batch_results*.csv*",
    "online_retail.invoice_lines": "online_retail/*.csv*",
}
SOURCES = sorted({key.split(".")[0] for key in RAW_TABLES})


def records_path(key: str) -> str | None:
    """The key a table's API pages hold their records under (source YAML meta), if any."""
    source, table = key.split(".")
    path = PROJECT / "models" / "staging" / source / f"_{source}__sources.yml"
    (declared,) = yaml.safe_load(path.read_text())["sources"]
    (entry,) = [t for t in declared["tables"] if t["name"] == table]
    paths = entry["config"]["meta"].get("records_path") or [None]
    assert len(paths) == 1, key
    return paths[0]


def count_raw_rows(raw_dir: Path, key: str) -> int:
    """Records in a raw table's files (an API page counts its records), counted without
    DuckDB's readers or dbt."""
    paths = [Path(p) for p in sorted(glob.glob(str(raw_dir / RAW_TABLES[key])))]
    return count_records(paths, records_path(key))


def query(database: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_manifest_names_every_raw_table(world: World) -> None:
    assert set(world.manifest["tables"]) == set(RAW_TABLES)


def test_rows_in_equal_staged_plus_quarantined_plus_duplicates(
    world: World, warehouse: Path
) -> None:
    rows = query(
        warehouse,
        """
        select source_name || '.' || table_name, rows_in, rows_staged, rows_quarantined,
            duplicates_removed
        from data_quality.source_reconciliation
        """,
    )
    assert {row[0] for row in rows} == set(RAW_TABLES)
    for key, rows_in, staged, quarantined, duplicates in rows:
        planted = world.manifest["tables"][key]
        assert rows_in == count_raw_rows(world.raw, key) == planted["rows"], key
        assert duplicates == planted["duplicate_rows"], key
        assert staged > 0, key
        assert rows_in == staged + quarantined + duplicates, key


def test_quarantine_holds_exactly_the_planted_malformed_rows(world: World, warehouse: Path) -> None:
    found = Counter(
        {
            (f"{source}.{table}", reason): n
            for source, table, reason, n in query(
                warehouse,
                """
                select source_name, table_name, quarantine_reason, count(*)
                from data_quality.quarantined_rows
                group by all
                """,
            )
        }
    )
    planted = Counter(
        {
            (key, reason): n
            for key, table in world.manifest["tables"].items()
            for reason, n in table["malformed_rows"].items()
            if n
        }
    )
    assert found == planted
    assert query(
        warehouse,
        "select count(*) from data_quality.quarantined_rows where raw_record is null",
    ) == [(0,)]


def test_staged_emails_are_trimmed_and_lower_case(warehouse: Path) -> None:
    columns = query(
        warehouse,
        """
        select table_name, column_name from information_schema.columns
        where table_schema = 'staging' and table_name like 'stg_%'
            and column_name like '%email' and data_type = 'VARCHAR'
        """,
    )
    assert len(columns) >= 5
    for table, column in columns:
        bad = query(
            warehouse,
            f"select count(*) from staging.{table} where {column} <> lower(trim({column}))",
        )
        assert bad == [(0,)], f"{table}.{column}"


def test_staged_timestamps_are_utc_without_zone(warehouse: Path) -> None:
    types = query(
        warehouse,
        """
        select table_name, column_name, data_type from information_schema.columns
        where table_schema = 'staging' and table_name like 'stg_%' and column_name like '%\\_at'
            escape '\\'
        """,
    )
    assert len(types) >= 10
    assert [row for row in types if row[2] != "TIMESTAMP"] == []


# Two builds, each without the files of half the sources (every source is missing from one):
# each missing source's models build empty and everything downstream of them still builds.
# Eight builds of one missing source each took four minutes for the same paths.
MISSING_HALVES = [
    ("edd", "helpscout", "drip", "google_analytics"),
    ("intercom", "hubspot", "mturk", "online_retail"),
]


def test_the_halves_cover_every_source() -> None:
    assert sorted(source for half in MISSING_HALVES for source in half) == SOURCES


@pytest.mark.parametrize("missing", MISSING_HALVES, ids=lambda half: "+".join(half))
def test_build_succeeds_without_some_sources(
    missing: tuple[str, ...], world: World, tmp_path: Path
) -> None:
    absent = {
        f"raw_{key.replace('.', '__')}": str(tmp_path / "absent" / Path(pattern).name)
        for key, pattern in RAW_TABLES.items()
        if key.split(".")[0] in missing
    }
    run = run_dbt(["build"], tmp_path, world.raw, variables=absent)
    assert run.returncode == 0, run.output[-6000:]
    assert run.output.count("its staging models build empty") >= len(absent)
    counts = dict(
        query(
            run.database,
            "select source_name, sum(rows_staged) from data_quality.source_reconciliation "
            "group by all",
        )
    )
    assert {name for name, n in counts.items() if n == 0} == set(missing)


def test_raw_files_are_read_within_a_small_memory_limit(world: World, tmp_path: Path) -> None:
    """The readers fit a DuckDB memory limit far below the raw files' size: DuckDB's CSV reader
    (which also reads JSON lines here) takes by default a buffer of 16 of its longest lines,
    1 GiB per file and thread at our 64 MiB, which failed at once under any limit below it."""
    run = run_dbt(
        ["run", "--select", "base_edd__payments", "base_hubspot__contacts"],
        tmp_path,
        world.raw,
        env={"HVC_MEMORY_LIMIT": "256MB"},
    )
    assert run.returncode == 0, run.output[-3000:]
    assert query(run.database, "select count(*) from staging.base_edd__payments")[0][0] > 0
