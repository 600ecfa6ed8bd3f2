"""The source registry (macros/registry/source_registry.sql) is the one list of raw tables: a
table added there with its staging models is reconciled, quarantined and resolved into
customers with no other edit, and a registry that disagrees with the models stops dbt with a
message naming what is missing. Each test works on a copy of the project."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from helpers.project_copy import copy_project
from hvc import dbt

SOURCE_YAML = """version: 2

sources:
  - name: zendesk
    description: Zendesk tickets, one JSON object per line (a source added by a test).
    tables:
      - name: tickets
        config:
          meta:
            raw_files: >-
              {{ var('raw_zendesk__tickets')
              or (env_var('HVC_RAW_DIR', var('raw_dir')) ~ '/zendesk/tickets*.jsonl') }}
        columns:
          - {name: id, data_type: varchar}
          - {name: requester_email, data_type: varchar}
          - {name: created_at, data_type: varchar}
"""

BASE_MODEL = """with

source as (
    select * from {{ raw_source('zendesk', 'tickets') }}
),

typed as (
    select
        nullif(trim(id), '') as ticket_id,
        requester_email as email_raw,
        try_cast(created_at as timestamp) as created_at,
        _raw_record,
        _source_file,
        _line_number,
        _read_problem,
        {{ number_copies() }} as _copy_number
    from source
),

checked as (
    select
        *,
        case
            when _read_problem is not null then _read_problem
            when ticket_id is null then 'missing_id'
            when created_at is null then 'unparseable_timestamp'
        end as row_problem
    from typed
),

ranked as (
    select
        *,
        {{ rank_within_id('ticket_id') }} as _id_rank
    from checked
),

reasoned as (
    select
        *,
        coalesce(row_problem, case when _id_rank > 1 then 'duplicate_id' end)
            as quarantine_reason
    from ranked
),

final as (
    select
        *,
        {{ row_status('_copy_number', 'quarantine_reason') }} as row_status
    from reasoned
)

{{ base_rows('final') }}
"""

STAGING_MODEL = """select
    ticket_id,
    email_raw,
    created_at
from {{ ref('base_zendesk__tickets') }}
where row_status = 'staged'
"""

STAGING_YAML = """version: 2

models:
  - name: stg_zendesk__tickets
    description: One row per staged Zendesk ticket.
    columns:
      - name: ticket_id
        description: The ticket's id.
        data_tests: [unique, not_null]
"""

REGISTRY_ENTRY = """        {
            'source': 'zendesk', 'table': 'tickets', 'staged_model': 'stg_zendesk__tickets',
            'record_id': 'ticket_id', 'record_at': 'created_at',
            'identifiers': [{'column': 'email_raw', 'type': 'email'}],
        },
"""

CUSTOMERS_COLUMN = """      - name: zendesk_record_count
        data_type: bigint
        description: Zendesk tickets.
"""

TICKETS = [
    {"id": "1", "requester_email": " Ann@Brightlane.io", "created_at": "2024-01-01 10:00:00"},
    {"id": "2", "requester_email": "ann@brightlane.io", "created_at": "2024-01-02 10:00:00"},
    {"id": "2", "requester_email": "ann@brightlane.io", "created_at": "2024-01-02 10:00:00"},
    {"id": "", "requester_email": "bob@brightlane.io", "created_at": "2024-01-03 10:00:00"},
    {"id": "3", "requester_email": "cy@tallowmere.io", "created_at": "2024-01-04 10:00:00"},
]


def add_source_table(project: Path) -> None:
    """Declare zendesk.tickets: its source YAML and var."""
    folder = project / "models" / "staging" / "zendesk"
    folder.mkdir(parents=True)
    (folder / "_zendesk__sources.yml").write_text(SOURCE_YAML)
    settings = project / "dbt_project.yml"
    settings.write_text(
        settings.read_text().replace("vars:\n", "vars:\n  raw_zendesk__tickets: null\n", 1)
    )


def add_models(project: Path, key_tests: bool = True) -> None:
    """The base, staging and quarantine models of zendesk.tickets (with `key_tests`, the
    staging model's yml and its record id's unique and not_null tests)."""
    folder = project / "models" / "staging" / "zendesk"
    (folder / "base").mkdir()
    (folder / "base" / "base_zendesk__tickets.sql").write_text(BASE_MODEL)
    (folder / "stg_zendesk__tickets.sql").write_text(STAGING_MODEL)
    (folder / "stg_zendesk__quarantine.sql").write_text("{{ source_quarantine('zendesk') }}\n")
    if key_tests:
        (folder / "_zendesk__models.yml").write_text(STAGING_YAML)


def add_registry_entry(project: Path) -> None:
    registry = project / "macros" / "registry" / "source_registry.sql"
    text = registry.read_text()
    closing = text.rindex("    ]) }}")
    registry.write_text(text[:closing] + REGISTRY_ENTRY + text[closing:])


def query(database: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_a_table_added_to_the_registry_is_reconciled_quarantined_and_resolved(
    tmp_path: Path,
) -> None:
    project = copy_project(tmp_path / "project")
    add_source_table(project)
    add_models(project)
    add_registry_entry(project)
    # a new source is one more per-tool count in customers: its contract names it
    contract = project / "models" / "marts" / "identity" / "_identity__models.yml"
    text = contract.read_text()
    anchor = "      - name: record_count\n"
    contract.write_text(text.replace(anchor, CUSTOMERS_COLUMN + anchor, 1))
    raw = tmp_path / "raw" / "zendesk"
    raw.mkdir(parents=True)
    (raw / "tickets.jsonl").write_text("".join(json.dumps(row) + "\n" for row in TICKETS))
    database = tmp_path / "warehouse.duckdb"
    run = dbt.run_dbt(
        [
            "build",
            "--select",
            "+source_reconciliation",
            "+quarantined_rows",
            "+customers",
            "+customer_identity_map",
            # tests between a selected model and one not built here (support_tickets) wait
            "--indirect-selection",
            "cautious",
        ],
        project_dir=project,
        database=database,
        raw_dir=tmp_path / "raw",
        target_path=tmp_path / "target",
        log_path=tmp_path / "logs",
    )
    assert run.returncode == 0, run.output[-6000:]

    assert query(
        database,
        "select rows_in, rows_staged, rows_quarantined, duplicates_removed, rows_unaccounted "
        "from data_quality.source_reconciliation where source_name = 'zendesk'",
    ) == [(5, 3, 1, 1, 0)]
    assert query(
        database,
        "select table_name, quarantine_reason from data_quality.quarantined_rows "
        "where source_name = 'zendesk'",
    ) == [("tickets", "missing_id")]
    resolved = query(
        database,
        "select record_id, customer_key, matched_on "
        "from intermediate.int_identity__record_customers "
        "where source_name = 'zendesk' order by record_id",
    )
    assert [(record_id, matched) for record_id, _, matched in resolved] == [
        ("1", "email"),
        ("2", "email"),
        ("3", "email"),
    ]
    assert resolved[0][1] == resolved[1][1] != resolved[2][1]
    assert sorted(
        query(
            database,
            "select zendesk_record_count from marts.customers where zendesk_record_count > 0",
        )
    ) == [(1,), (2,)]


def build_error(project: Path, tmp_path: Path, args: list[str]) -> str:
    run = dbt.run_dbt(
        args,
        project_dir=project,
        database=tmp_path / "warehouse.duckdb",
        raw_dir=tmp_path / "raw",
        target_path=tmp_path / "target",
        log_path=tmp_path / "logs",
    )
    assert run.returncode != 0, run.output[-3000:]
    return run.output


def test_a_registry_entry_without_its_models_stops_dbt_naming_them(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    add_source_table(project)
    add_registry_entry(project)
    output = build_error(project, tmp_path, ["parse"])
    assert "zendesk" in output and "was not found" in output


def test_a_registry_entry_without_key_tests_on_its_record_id_stops_the_build(
    tmp_path: Path,
) -> None:
    project = copy_project(tmp_path / "project")
    add_source_table(project)
    add_models(project, key_tests=False)
    add_registry_entry(project)
    output = build_error(project, tmp_path, ["run", "--select", "int_value__as_of"])
    for test_name in ("unique", "not_null"):
        assert (
            f"zendesk.tickets: the record id ticket_id of stg_zendesk__tickets needs a "
            f"{test_name} data test"
        ) in output


def test_a_source_table_without_a_registry_entry_stops_the_build(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    add_source_table(project)
    output = build_error(project, tmp_path, ["run", "--select", "int_value__as_of"])
    assert "source table zendesk.tickets has no entry in the registry" in output


def test_models_of_a_table_outside_the_registry_fail_to_parse(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    add_source_table(project)
    add_models(project)
    output = build_error(project, tmp_path, ["parse"])
    # the base model (or the source's quarantine model, whichever dbt parses first) says so
    assert "zendesk" in output and "macros/registry/source_registry.sql" in output
