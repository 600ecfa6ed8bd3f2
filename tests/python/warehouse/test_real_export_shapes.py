"""The tools' real export shapes, from small files of each (tests/fixtures/<source>/): API list
pages one per line and one record per line, GA4's BigQuery export as JSON lines and as Parquet
(nested) beside the flattened layout, HubSpot exports with and without custom properties and
with the company association under each of its names, gzipped CSV. Staging and reconciliation
are built from that folder alone; every record must be staged with its values, none
quarantined."""

from __future__ import annotations

import datetime as dt
import gzip
import shutil
from decimal import Decimal
from pathlib import Path

import duckdb
import pyarrow.json as pj
import pyarrow.parquet as pq
import pytest

from helpers.warehouse import run_dbt
from hvc.generate.ga4_export import EVENT_SCHEMA

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
BUILD = [
    "build",
    "--select",
    "+source_reconciliation",
    "+quarantined_rows",
    "stg_edd__payment_items",
    "--indirect-selection",
    "cautious",
]
GZIPPED = [
    "hubspot/companies_standard.csv",
    "mturk/batch_results.csv",
    "online_retail/invoices.csv",
]
# records per raw table in the fixtures
RECORDS = {
    "edd.payments": 4,
    "helpscout.conversations": 3,
    "intercom.conversations": 3,
    "intercom.contacts": 2,
    "drip.subscribers": 3,
    "drip.events": 2,
    "google_analytics.events": 6,
    "hubspot.contacts": 6,
    "hubspot.companies": 4,
    "hubspot.social_impressions": 2,
    "mturk.batch_results": 2,
    "online_retail.invoice_lines": 3,
}


def at(text: str) -> dt.datetime:
    """A UTC time as staging holds it (timestamp without zone)."""
    return dt.datetime.fromisoformat(text)


@pytest.fixture(scope="module")
def fixture_raw(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixtures as an export folder: GA4's Parquet day written from its rows with the
    export's types, three CSV files gzipped."""
    raw = tmp_path_factory.mktemp("fixture_exports") / "raw"
    shutil.copytree(FIXTURES, raw, ignore=shutil.ignore_patterns("README.md"))
    source = raw / "google_analytics" / "parquet_source"
    for rows in source.glob("*.json"):
        table = pj.read_json(
            rows,
            parse_options=pj.ParseOptions(
                explicit_schema=EVENT_SCHEMA, unexpected_field_behavior="error"
            ),
        )
        pq.write_table(table, raw / "google_analytics" / f"{rows.stem}.parquet")
    shutil.rmtree(source)
    for name in GZIPPED:
        path = raw / name
        with gzip.open(path.with_name(path.name + ".gz"), "wb") as handle:
            handle.write(path.read_bytes())
        path.unlink()
    return raw


@pytest.fixture(scope="module")
def database(fixture_raw: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    run = run_dbt(BUILD, tmp_path_factory.mktemp("fixture_build"), fixture_raw)
    assert run.returncode == 0, run.output[-6000:]
    return run.database


def rows(database: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_the_fixtures_are_in_each_shape(fixture_raw: Path) -> None:
    ga = sorted(path.name for path in (fixture_raw / "google_analytics").iterdir())
    assert ga == ["events.jsonl", "events_20240301.json", "events_20240302.parquet"]
    assert pq.read_schema(fixture_raw / "google_analytics" / "events_20240302.parquet") == (
        EVENT_SCHEMA
    )
    assert sorted(p.name for p in fixture_raw.rglob("*.gz")) == [
        "batch_results.csv.gz",
        "companies_standard.csv.gz",
        "invoices.csv.gz",
    ]


def test_every_record_is_staged_and_none_quarantined(database: Path) -> None:
    reconciled = {
        f"{source}.{table}": (rows_in, staged, quarantined, duplicates)
        for source, table, rows_in, staged, quarantined, duplicates in rows(
            database,
            """
            select source_name, table_name, rows_in, rows_staged, rows_quarantined,
                duplicates_removed
            from data_quality.source_reconciliation
            """,
        )
    }
    assert reconciled == {key: (n, n, 0, 0) for key, n in RECORDS.items()}
    assert rows(database, "select count(*) from data_quality.quarantined_rows") == [(0,)]


def test_edd_sales_pages_and_single_sales(database: Path) -> None:
    payments = rows(
        database,
        """
        select payment_id, ordered_at, email, email_raw, total_amount, discount_amount,
            tax_amount, payment_status, is_test_mode
        from staging.stg_edd__payments order by payment_id
        """,
    )
    assert payments == [
        (
            "7001",
            at("2024-03-01 09:15:00"),
            "ada.fixture@quillwork.example",
            " Ada.Fixture@Quillwork.example ",
            Decimal("199.00"),
            Decimal("0.00"),
            Decimal("0.00"),
            "complete",
            False,
        ),
        (
            "7002",
            at("2024-03-02 17:40:05"),  # date_utc, not the store's wall clock
            "bruno@fixture-gmbh.example",
            "bruno@fixture-gmbh.example",
            Decimal("151.68"),
            Decimal("31.60"),
            Decimal("25.28"),
            "refunded",
            False,
        ),
        (
            "7003",
            at("2024-03-03 23:59:59"),
            "cleo@quillwork.example",
            "cleo@quillwork.example",
            Decimal("119.00"),
            Decimal("0.00"),
            Decimal("0.00"),
            "complete",
            True,
        ),
        (
            "7004",
            at("2024-03-04 07:00:00"),  # no date_utc: date in edd_timezone (UTC)
            "dev@orchardline.example",
            "dev@orchardline.example",
            Decimal("39.00"),
            Decimal("0.00"),
            Decimal("0.00"),
            "complete",
            False,
        ),
    ]
    items = rows(
        database,
        """
        select payment_item_id, quantity, item_amount, license_tier
        from staging.stg_edd__payment_items order by payment_item_id
        """,
    )
    assert items == [
        ("7001-1", 1, Decimal("199.00"), 3),
        ("7002-1", 2, Decimal("158.00"), 1),
        ("7003-1", 1, Decimal("119.00"), 2),
        ("7004-1", 1, Decimal("39.00"), 1),
    ]


def test_helpscout_list_conversations_pages(database: Path) -> None:
    assert rows(
        database,
        """
        select conversation_id, conversation_number, created_at, closed_at, email, customer_id,
            tags, channel
        from staging.stg_helpscout__conversations order by conversation_id
        """,
    ) == [
        (
            "2391938111",
            349,
            at("2024-03-05 08:00:00"),
            at("2024-03-05 14:30:00"),
            "ada.fixture@quillwork.example",
            "238123",
            ["license"],
            "email",
        ),
        (
            "2391938112",
            350,
            at("2024-03-06 10:15:00"),
            None,
            "bruno@fixture-gmbh.example",
            "238124",
            [],
            "chat",
        ),
        (
            "2391938113",
            351,
            at("2024-03-07 16:45:30"),
            at("2024-03-08 09:00:00"),
            "eve@pinegrove.example",
            "238125",
            ["billing", "vip"],
            "phone",
        ),
    ]


def test_intercom_list_pages_and_a_single_conversation(database: Path) -> None:
    assert rows(
        database,
        """
        select conversation_id, created_at, updated_at, is_open, channel, author_email,
            primary_contact_id, contact_external_ids
        from staging.stg_intercom__conversations order by conversation_id
        """,
    ) == [
        (
            "18000000101",
            at("2024-03-07 09:00:00"),
            at("2024-03-07 10:00:00"),
            False,
            "conversation",
            "ada.fixture@quillwork.example",
            "65e8a1f0c3b2a10001f00001",
            ["901"],
        ),
        (
            "18000000102",
            at("2024-03-08 09:00:00"),
            at("2024-03-08 10:00:00"),
            True,
            "facebook",
            None,
            "65e8a1f0c3b2a10001f00002",
            [],
        ),
        # one object per line, its contacts the bare array API 2.6 lists
        (
            "18000000103",
            at("2024-03-09 09:00:00"),
            at("2024-03-09 10:00:00"),
            False,
            "email",
            "ada.fixture@quillwork.example",
            "65e8a1f0c3b2a10001f00001",
            [],
        ),
    ]
    assert rows(
        database,
        """
        select contact_id, external_id, contact_role, email, created_at, country,
            utc_offset_hours
        from staging.stg_intercom__contacts order by contact_id
        """,
    ) == [
        (
            "65e8a1f0c3b2a10001f00001",
            "901",
            "user",
            "ada.fixture@quillwork.example",
            at("2024-02-29 09:46:40"),
            "United Kingdom",
            0.0,
        ),
        (
            "65e8a1f0c3b2a10001f00002",
            None,
            "lead",
            None,
            at("2024-03-08 06:40:00"),
            "India",
            5.5,
        ),
    ]


def test_drip_subscriber_pages_and_webhook_events(database: Path) -> None:
    assert rows(
        database,
        """
        select subscriber_id, email, created_at, utc_offset_minutes, lead_score, tags
        from staging.stg_drip__subscribers order by subscriber_id
        """,
    ) == [
        (
            "z1togz2hcjrkpp5fx001",
            "ada.fixture+news@quillwork.example",
            at("2024-02-20 12:00:00"),
            0,
            72,
            ["customer", "newsletter"],
        ),
        (
            "z1togz2hcjrkpp5fx002",
            "gus@orchardline.example",
            at("2024-02-21 16:30:00"),  # -08:00 applied
            -480,
            41,
            [],
        ),
        (
            "z1togz2hcjrkpp5fx003",
            "hana@pinegrove.example",
            at("2024-02-22 05:45:00"),
            330,
            55,
            ["docs-reader"],
        ),
    ]
    assert rows(
        database,
        """
        select subscriber_id, event_type, occurred_at, subscriber_email
        from staging.stg_drip__events order by occurred_at
        """,
    ) == [
        (
            "z1togz2hcjrkpp5fx003",
            "clicked_email",
            at("2024-03-10 04:32:03"),  # +05:30 applied
            "hana@pinegrove.example",
        ),
        (
            "z1togz2hcjrkpp5fx001",
            "opened_email",
            at("2024-03-10 09:30:00"),
            "ada.fixture+news@quillwork.example",
        ),
    ]


def test_ga4_export_as_json_lines_and_parquet_beside_the_flat_layout(database: Path) -> None:
    site = "https://larkspurplugins.example"
    assert rows(
        database,
        """
        select event_date, event_at, event_name, user_pseudo_id, user_id, session_id,
            page_location, page_path, geo_country, traffic_source, traffic_medium
        from staging.stg_google_analytics__events order by event_at
        """,
    ) == [
        # events_20240301.json: BigQuery's JSON export (INT64 as strings)
        (
            dt.date(2024, 3, 1),
            at("2024-03-01 09:13:20.5"),
            "session_start",
            "1234567890.1709280000",
            None,
            "1709284400",
            f"{site}/",
            "/",
            "United Kingdom",
            "google",
            "organic",
        ),
        (
            dt.date(2024, 3, 1),
            at("2024-03-01 09:14:20"),
            "page_view",
            "1234567890.1709280000",
            None,
            "1709284400",
            f"{site}/pricing/?plan=pro#compare",
            "/pricing/",
            "United Kingdom",
            "google",
            "organic",
        ),
        (
            dt.date(2024, 3, 1),
            at("2024-03-01 09:15:00"),
            "login",
            "1234567890.1709280000",
            "901",
            "1709284400",
            f"{site}/account/",
            "/account/",
            "United Kingdom",
            "google",
            "organic",
        ),
        # events_20240302.parquet: the Parquet export, nested, INT64 and all
        (
            dt.date(2024, 3, 2),
            at("2024-03-02 09:00:00.25"),
            "session_start",
            "987654321.1709369000",
            None,
            "1709370000",
            f"{site}/docs/getting-started/",
            "/docs/getting-started/",
            "India",
            "(direct)",
            "(none)",
        ),
        (
            dt.date(2024, 3, 2),
            at("2024-03-02 09:01:05"),
            "page_view",
            "987654321.1709369000",
            None,
            "1709370000",
            f"{site}/plugins/cache-pilot/",
            "/plugins/cache-pilot/",
            "India",
            "(direct)",
            "(none)",
        ),
        # events.jsonl: the flattened layout
        (
            dt.date(2024, 3, 3),
            at("2024-03-03 09:00:00"),
            "page_view",
            "555000111.1709450000",
            "904",
            "1709456400",
            f"{site}/checkout/",
            "/checkout/",
            "Germany",
            "newsletter",
            "email",
        ),
    ]


def test_hubspot_association_names_custom_properties_and_gzip(database: Path) -> None:
    assert rows(
        database,
        """
        select contact_id, company_id, associated_company_ids, email, created_at, updated_at
        from staging.stg_hubspot__contacts order by contact_id
        """,
    ) == [
        # Associated Company IDs: the first is primary
        (
            "801001",
            "9100000001",
            ["9100000001", "9100000002"],
            "ada.fixture@quillwork.example",
            at("2024-02-01 08:00:00"),
            at("2024-03-01 09:00:00"),
        ),
        ("801002", None, [], "ivo@fixture-mail.example", at("2024-02-02 09:15:00"), None),
        # Associated Company IDs (Primary) names the primary among Associated Company IDs
        (
            "801003",
            "9100000002",
            ["9100000002", "9100000001"],
            "bruno@fixture-gmbh.example",
            at("2024-02-03 10:30:00"),
            at("2024-02-04 11:00:00"),
        ),
        # Primary Associated Company ID
        (
            "801004",
            "9100000003",
            ["9100000003"],
            "dev@orchardline.example",
            at("2024-02-05 12:00:00"),
            at("2024-02-06 13:00:00"),
        ),
        # Associated Company ID
        (
            "801005",
            "9100000004",
            ["9100000004"],
            "eve@pinegrove.example",
            at("2024-02-07 14:00:00"),
            at("2024-02-08 15:00:00"),
        ),
        # Company ID
        (
            "801006",
            "9100000001",
            ["9100000001"],
            "jo@quillwork.example",
            at("2024-02-09 16:00:00"),
            at("2024-02-10 17:00:00"),
        ),
    ]
    # companies_standard.csv.gz: no custom properties, columns in another order, gzipped
    assert rows(
        database,
        """
        select company_id, company_name, domain, employee_count, employee_range, territory,
            country, created_at
        from staging.stg_hubspot__companies order by company_id
        """,
    ) == [
        (
            "9100000001",
            "Quillwork Studio",
            "quillwork.example",
            1250,
            "1001+",
            "EMEA",
            "United Kingdom",
            at("2024-01-15 09:30:00"),
        ),
        (
            "9100000002",
            "Fixture GmbH",
            "fixture-gmbh.example",
            42,
            "11-50",
            "EMEA",
            "Germany",
            at("2024-01-16 10:00:00"),
        ),
        (
            "9100000003",
            "Orchardline",
            "orchardline.example",
            8,
            None,
            None,
            "United States",
            at("2024-01-17 11:45:00"),
        ),
        (
            "9100000004",
            "Pinegrove Events",
            "pinegrove.example",
            None,
            None,
            None,
            "Australia",
            at("2024-01-18 14:00:30"),
        ),
    ]


def test_gzipped_mturk_and_online_retail_files(database: Path) -> None:
    assert rows(
        database,
        """
        select assignment_id, reward_amount, submitted_at, website_url, category
        from staging.stg_mturk__assignments order by assignment_id
        """,
    ) == [
        (
            "3FIXTUREASSIGNMENT000000000001",
            Decimal("0.05"),
            at("2024-03-04 18:01:15"),  # PST
            "https://www.quillwork.example/",
            "Consulting",
        ),
        (
            "3FIXTUREASSIGNMENT000000000002",
            Decimal("0.05"),
            at("2024-06-03 15:02:00"),  # PDT
            "https://www.quillwork.example/",
            "Consulting",
        ),
    ]
    assert rows(
        database,
        """
        select invoice_no, stock_code, quantity, line_amount, invoiced_at, customer_id
        from staging.stg_online_retail__invoice_lines order by invoiced_at, stock_code
        """,
    ) == [
        ("581001", "22423", 2, Decimal("25.50"), at("2024-03-04 10:30:00"), "19001"),
        ("581001", "85123A", 6, Decimal("15.30"), at("2024-03-04 10:30:00"), "19001"),
        # Europe/London summer time: 09:05 BST
        ("C581002", "85123A", -1, Decimal("-2.55"), at("2024-06-04 08:05:00"), "19001"),
    ]
