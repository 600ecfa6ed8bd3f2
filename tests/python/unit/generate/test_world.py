"""The demo-data generator: determinism, manifest, ground truth and the planted signal."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

from helpers.raw_records import json_records, records_relation
from hvc.generate import generate_world

N_CUSTOMERS = 4000
SEED = 11

# Per raw table: the id expression and one expression per planted reason that is true exactly
# on the malformed rows, written against the reader of `_relation`.
CHECKS: dict[str, dict[str, str]] = {
    "edd.payments": {
        "id": "json ->> 'ID'",
        "unparseable_timestamp": "try_cast(json ->> 'date_utc' as timestamp) is null",
        "unparseable_number": "try_cast(json ->> 'total' as double) is null",
    },
    "google_analytics.events": {
        # the truth's GA4 record: a browser and the account logged in on it
        "id": "nullif(user_pseudo_id, '') || '|' || coalesce(user_id, '')",
        "unparseable_timestamp": "try_cast(event_timestamp as bigint) is null",
    },
    "helpscout.conversations": {
        "id": "json ->> 'id'",
        "unparseable_timestamp": "try_cast(json ->> 'createdAt' as timestamptz) is null",
    },
    "intercom.contacts": {
        "id": "json ->> 'id'",
        "unparseable_timestamp": "try_cast(json ->> 'created_at' as bigint) is null",
    },
    "intercom.conversations": {
        "id": "json ->> 'id'",
        "unparseable_timestamp": "try_cast(json ->> 'created_at' as bigint) is null",
    },
    "drip.subscribers": {
        "id": "json ->> 'id'",
        "unparseable_timestamp": "try_cast(json ->> 'created_at' as timestamptz) is null",
        "invalid_email": "json ->> 'email' not like '%@%'",
    },
    "drip.events": {
        "id": "json ->> '$.data.subscriber.id'",
        "unparseable_timestamp": "try_cast(json ->> 'occurred_at' as timestamptz) is null",
    },
    "hubspot.companies": {
        "id": '"Record ID"',
        "unparseable_timestamp": 'try_cast("Create Date" as timestamp) is null',
    },
    "hubspot.contacts": {
        "id": '"Record ID"',
        "unparseable_timestamp": 'try_cast("Create Date" as timestamp) is null',
    },
    "hubspot.social_impressions": {
        "id": """case when coalesce("Company ID", '') <> ''
            then "Company ID" || '|' || "Month" end""",
        "unparseable_timestamp": """try_cast("Month" || '-01' as date) is null""",
        "unparseable_number": """try_cast("Facebook Impressions" as bigint) is null
            or try_cast("Instagram Impressions" as bigint) is null
            or try_cast("X Impressions" as bigint) is null""",
    },
    "mturk.batch_results": {
        "id": "AssignmentId",
        "unparseable_timestamp": """try_strptime(regexp_replace(SubmitTime, ' [A-Z]{3} ', ' '),
            '%a %b %d %H:%M:%S %Y') is null""",
    },
    "online_retail.invoice_lines": {
        "id": "InvoiceNo",
        "unparseable_timestamp": "try_strptime(InvoiceDate, '%m/%d/%Y %H:%M') is null",
        "unparseable_number": """try_cast(Quantity as integer) is null
            or try_cast(UnitPrice as double) is null""",
    },
}


def _relation(root: Path, entry: dict) -> str:
    return records_relation(root, entry)


def _hashes(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict, list]:
    root = tmp_path_factory.mktemp("world")
    calls: list[tuple[str, int, int]] = []
    manifest = generate_world(
        root, n_customers=N_CUSTOMERS, seed=SEED, progress=lambda *a: calls.append(a)
    )
    return root, manifest, calls


@pytest.fixture(scope="module")
def flat_world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """The same world in the flat shape: one record per line, GA4 flattened."""
    root = tmp_path_factory.mktemp("flat_world")
    return root, generate_world(root, n_customers=N_CUSTOMERS, seed=SEED, shape="flat")


@pytest.fixture(scope="module")
def con() -> duckdb.DuckDBPyConnection:
    return duckdb.connect()


def test_same_seed_gives_identical_bytes(world, tmp_path: Path) -> None:
    root, _, _ = world
    again = tmp_path / "again"
    generate_world(again, n_customers=N_CUSTOMERS, seed=SEED)
    first, second = _hashes(root), _hashes(again)
    assert len(first) >= 17
    assert first == second


def test_other_seed_changes_every_raw_file(flat_world, tmp_path: Path) -> None:
    """Every table's records change (the flat shape, quicker to write, holds the same records
    as the real one: see test_real_and_flat_shapes_hold_the_same_records_and_truth)."""
    root, manifest = flat_world
    other = tmp_path / "other"
    generate_world(other, n_customers=N_CUSTOMERS, seed=SEED + 1, shape="flat")
    first, second = _hashes(root), _hashes(other)
    raw = [f for entry in manifest["tables"].values() for f in entry["files"]]
    assert len(raw) == 12 and all(first[f] != second[f] for f in raw)


def test_an_unknown_shape_is_refused_before_anything_is_replaced(tmp_path: Path) -> None:
    (tmp_path / "raw").mkdir()
    with pytest.raises(ValueError, match="shape must be one of real, flat"):
        generate_world(tmp_path, n_customers=N_CUSTOMERS, seed=SEED, shape="nested")
    assert (tmp_path / "raw").is_dir()


PAGED = {  # table: (records key, records per page, the page's other keys, in order)
    "edd.payments": ("sales", 100, ["sales", "request_speed"]),
    "helpscout.conversations": ("_embedded.conversations", 25, ["_embedded", "_links", "page"]),
    "intercom.conversations": (
        "conversations",
        150,
        ["type", "pages", "total_count", "conversations"],
    ),
    "intercom.contacts": ("data", 150, ["type", "data", "total_count", "pages"]),
    "drip.subscribers": ("subscribers", 100, ["links", "meta", "subscribers"]),
}


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


@pytest.mark.parametrize("key", sorted(PAGED))
def test_api_tables_are_list_pages_one_per_line(world, flat_world, key: str) -> None:
    root, manifest, _ = world
    flat_root, flat_manifest = flat_world
    records_path, size, keys = PAGED[key]
    entry = manifest["tables"][key]
    assert entry["records_path"] == records_path
    pages = _lines(root / entry["files"][0])
    assert len(pages) == entry["lines"] == -(-entry["rows"] // size) >= 2
    assert all(list(page) == keys for page in pages)
    per_page = [len(_page(page, records_path)) for page in pages]
    assert per_page[:-1] == [size] * (len(pages) - 1) and 0 < per_page[-1] <= size
    records = json_records([root / entry["files"][0]], records_path)
    assert len(records) == entry["rows"]
    # the same records as the flat file's lines, in the same order
    flat_file = flat_root / flat_manifest["tables"][key]["files"][0]
    assert records == _lines(flat_file)
    assert "records_path" not in flat_manifest["tables"][key]


def _page(page: dict, records_path: str) -> list:
    for name in records_path.split("."):
        page = page[name]
    return page


def test_api_pages_carry_their_position(world) -> None:
    root, manifest, _ = world
    edd = _lines(root / manifest["tables"]["edd.payments"]["files"][0])
    assert all(isinstance(page["request_speed"], float) for page in edd)
    helpscout = _lines(root / manifest["tables"]["helpscout.conversations"]["files"][0])
    total = manifest["tables"]["helpscout.conversations"]["rows"]
    assert [page["page"]["number"] for page in helpscout] == list(range(1, len(helpscout) + 1))
    assert {page["page"]["totalElements"] for page in helpscout} == {total}
    assert "previous" not in helpscout[0]["_links"] and "next" in helpscout[0]["_links"]
    assert "next" not in helpscout[-1]["_links"] and "previous" in helpscout[-1]["_links"]
    contacts = _lines(root / manifest["tables"]["intercom.contacts"]["files"][0])
    assert contacts[0]["pages"]["next"]["page"] == 2 and contacts[-1]["pages"]["next"] is None
    assert {page["total_count"] for page in contacts} == {
        manifest["tables"]["intercom.contacts"]["rows"]
    }
    drip = _lines(root / manifest["tables"]["drip.subscribers"]["files"][0])
    assert [page["meta"]["page"] for page in drip] == list(range(1, len(drip) + 1))
    assert sum(page["meta"]["count"] for page in drip) == drip[0]["meta"]["total_count"]


def test_ga4_is_the_bigquery_export_one_file_a_day(world, con) -> None:
    from hvc.generate.ga4_export import EVENT_SCHEMA

    root, manifest, _ = world
    files = manifest["tables"]["google_analytics.events"]["files"]
    assert len(files) > 800 and all(
        Path(name).name.startswith("events_") and len(Path(name).stem) == len("events_20240101")
        for name in files
    )
    import pyarrow.parquet as pq

    assert pq.read_schema(root / files[0]).remove_metadata() == EVENT_SCHEMA
    days = con.sql(
        f"""
        select count(*) filter (where 'events_' || event_date <> parse_filename(filename, true)),
            count(distinct filename)
        from read_parquet([{", ".join(f"'{root / f}'" for f in files)}], filename = true)
        """
    ).fetchone()
    assert days == (0, len(files))


def _flattened(con, root: Path, entry: dict) -> list[tuple]:
    """Each GA event as the flat layout writes it, whichever layout the files have."""
    nested = entry["format"] == "parquet" and any("events_" in f for f in entry["files"])
    rel = records_relation(root, entry)
    if nested:
        columns = """event_date, event_timestamp::varchar, event_name, user_pseudo_id, user_id,
            list_filter(event_params, p -> p.key = 'ga_session_id')[1].value.int_value,
            list_filter(event_params, p -> p.key = 'page_location')[1].value.string_value,
            geo.country, traffic_source.source, traffic_source.medium"""
    else:
        columns = """event_date::varchar, nullif(event_timestamp, 'not-a-timestamp'),
            event_name::varchar, user_pseudo_id, user_id, ga_session_id, page_location::varchar,
            geo_country::varchar, traffic_source_source::varchar,
            traffic_source_medium::varchar"""
    return sorted(con.sql(f"select {columns} from {rel}").fetchall(), key=repr)


def test_real_and_flat_shapes_hold_the_same_records_and_truth(world, flat_world, con) -> None:
    root, manifest, _ = world
    flat_root, flat_manifest = flat_world
    assert (manifest["shape"], flat_manifest["shape"]) == ("real", "flat")
    kept = ("rows", "duplicate_rows", "malformed_rows")
    for key, entry in manifest["tables"].items():
        flat = flat_manifest["tables"][key]
        assert {k: entry[k] for k in kept} == {k: flat[k] for k in kept}, key
        if entry["format"] == "csv":
            assert entry["files"] == flat["files"]
            assert (root / entry["files"][0]).read_bytes() == (
                flat_root / flat["files"][0]
            ).read_bytes()
    ga = "google_analytics.events"
    assert flat_manifest["tables"][ga]["files"] == ["raw/google_analytics/events.parquet"]
    assert _flattened(con, root, manifest["tables"][ga]) == _flattened(
        con, flat_root, flat_manifest["tables"][ga]
    )
    truth, flat_truth = _hashes(root / "truth"), _hashes(flat_root / "truth")
    assert truth == flat_truth and len(truth) == 5


def test_manifest_lists_every_source_table_and_progress_reaches_the_end(world) -> None:
    root, manifest, calls = world
    assert set(manifest["tables"]) == set(CHECKS)
    assert manifest["as_of_date"] == "2025-06-30"
    assert manifest["seed"] == SEED and manifest["n_customers"] == N_CUSTOMERS
    assert json.loads((root / "manifest.json").read_text()) == manifest
    assert calls[-1][1] == calls[-1][2] and [c[1] for c in calls] == list(range(1, len(calls) + 1))


@pytest.mark.parametrize("key", sorted(CHECKS))
def test_manifest_counts_match_an_independent_read(world, con, key: str) -> None:
    root, manifest, _ = world
    entry = manifest["tables"][key]
    rel = _relation(root, entry)
    rows, distinct = con.sql(
        f"select (select count(*) from {rel}),"
        f" (select count(*) from (select distinct * from {rel}))"
    ).fetchone()
    assert rows == entry["rows"]
    assert rows - distinct == entry["duplicate_rows"] >= 2
    checks = CHECKS[key]
    found = {"missing_id": f"coalesce({checks['id']}, '') = ''"}
    found.update({k: v for k, v in checks.items() if k != "id"})
    assert set(entry["malformed_rows"]) == set(found)
    for reason, condition in found.items():
        n = con.sql(f"select count(*) from {rel} where {condition}").fetchone()[0]
        assert n == entry["malformed_rows"][reason] >= 2, reason


@pytest.mark.parametrize("key", sorted(CHECKS))
def test_truth_has_one_row_per_raw_record_id(world, con, key: str) -> None:
    root, manifest, _ = world
    entry = manifest["tables"][key]
    source, table = key.split(".", 1)
    records = con.sql(
        f"""select record_id, customer_id, record_issue
        from read_parquet('{root / "truth" / "records.parquet"}')
        where source = '{source}' and table_name = '{table}'"""
    ).df()
    raw_ids = {
        r[0]
        for r in con.sql(
            f"select distinct {CHECKS[key]['id']} from {_relation(root, entry)}"
        ).fetchall()
        if r[0]
    }
    truth_ids = records["record_id"].dropna()
    assert truth_ids.is_unique
    assert set(truth_ids) == raw_ids
    assert records["record_id"].isna().sum() == entry["malformed_rows"]["missing_id"]
    assert (records["record_issue"] == "missing_id").sum() == entry["malformed_rows"]["missing_id"]


def test_truth_customers_are_complete(world) -> None:
    root, manifest, _ = world
    customers = pd.read_parquet(root / "truth" / "customers.parquet")
    assert len(customers) == N_CUSTOMERS and customers["customer_id"].is_unique
    assert customers["true_license_3_probability"].between(0, 1).all()
    assert customers["bought_license_3"].notna().all()
    assert (customers["first_license_3_at"].notna() == customers["bought_license_3"]).all()
    assert 0.18 < customers["bought_license_3"].mean() < 0.32
    assert customers.loc[customers["kind"] == "business", "domain"].is_unique
    records = pd.read_parquet(root / "truth" / "records.parquet")
    software = records[records["source"] != "online_retail"]["customer_id"].dropna()
    assert software.isin(customers["customer_id"]).all()
    retail = pd.read_parquet(root / "truth" / "retail_customers.parquet")
    assert len(retail) == manifest["n_retail_customers"] == max(300, N_CUSTOMERS // 5)
    assert retail[["lambda", "p_dropout", "spend_nu", "value_tier"]].notna().all().all()
    contacts = pd.read_parquet(root / "truth" / "contacts.parquet")
    assert (
        contacts["email"].is_unique and contacts["customer_id"].isin(customers["customer_id"]).all()
    )


def test_license_3_buyers_are_who_the_shop_sold_license_3_to(world, con) -> None:
    root, manifest, _ = world
    sold = con.sql(
        f"""
        with items as (
            select json ->> 'ID' as id, unnest(from_json(json -> 'products',
                '[{{"price_name": "VARCHAR"}}]')).price_name as tier
            from {_relation(root, manifest["tables"]["edd.payments"])}
            where json ->> 'mode' = 'live'
        )
        select distinct records.customer_id
        from items
        join read_parquet('{root / "truth/records.parquet"}') as records
            on records.source = 'edd' and records.record_id = items.id
        where items.tier = 'License 3' and records.customer_id is not null
        """
    ).df()["customer_id"]
    customers = pd.read_parquet(root / "truth" / "customers.parquet")
    buyers = customers.loc[customers["bought_license_3"], "customer_id"]
    assert set(sold) == set(buyers)


def test_retail_risers_and_fallers_change_when_the_truth_says(world) -> None:
    """A riser has one invoice before its change (a midnight) and frequent ones after; a
    faller's invoices all fall before its change, which is over a year before the data end."""
    root, manifest, _ = world
    retail = pd.read_parquet(root / "truth" / "retail_customers.parquet")
    changers = retail[retail["behaviour"] != "steady"]
    shares = manifest["planted"]["online_retail"]["changers"]
    for kind in ("riser", "faller"):
        expected = round(shares[f"{kind}_share"] * len(retail))
        assert (changers["behaviour"] == kind).sum() == expected > 0
    assert changers["behaviour_changed_at"].notna().all()
    assert retail.loc[retail["behaviour"] == "steady", "behaviour_changed_at"].isna().all()
    lines = pd.read_csv(
        root / manifest["tables"]["online_retail.invoice_lines"]["files"][0],
        dtype={"InvoiceNo": str, "CustomerID": "Int64"},
    )
    lines = lines[~lines["InvoiceNo"].fillna("").str.startswith("C")].assign(
        at=pd.to_datetime(lines["InvoiceDate"], format="%m/%d/%Y %H:%M", errors="coerce")
    )
    invoices = lines.dropna(subset=["at", "CustomerID"]).drop_duplicates("InvoiceNo")
    invoices = invoices.merge(changers, left_on="CustomerID", right_on="CustomerID")
    before = invoices["at"] < invoices["behaviour_changed_at"]
    counts = invoices.assign(before=before).groupby(["CustomerID", "behaviour"])["before"]
    per_customer = counts.agg(before="sum", total="count").reset_index()
    risers = per_customer[per_customer["behaviour"] == "riser"]
    assert (risers["before"] <= 1).all() and (risers["total"] - risers["before"] >= 1).all()
    assert risers["total"].median() >= 5
    fallers = per_customer[per_customer["behaviour"] == "faller"]
    assert (fallers["before"] == fallers["total"]).all() and fallers["total"].median() >= 5
    end = pd.Timestamp(manifest["as_of_date"])
    last_faller = changers.loc[changers["behaviour"] == "faller", "behaviour_changed_at"].max()
    assert end - last_faller > pd.Timedelta(days=365)


def test_industry_and_region_signal(world) -> None:
    root, _, _ = world
    c = pd.read_parquet(root / "truth" / "customers.parquet")
    high = c["industry"].isin(["Retail", "Consulting", "Event Services"])
    assert c.loc[high, "bought_license_3"].mean() > c.loc[~high, "bought_license_3"].mean() + 0.12
    by_region = c.groupby("region")["bought_license_3"].mean()
    assert min(by_region["Alaska"], by_region["US Northeast"]) > max(
        by_region["Argentina"], by_region["Brazil"]
    )


def test_license_3_buyers_file_more_tickets_that_stay_open_longer(world, con) -> None:
    root, manifest, _ = world
    tickets = con.sql(
        f"""
        select records.customer_id,
            epoch(try_cast(json ->> 'closedAt' as timestamptz)
                - try_cast(json ->> 'createdAt' as timestamptz)) / 3600 as open_hours
        from {_relation(root, manifest["tables"]["helpscout.conversations"])}
        join read_parquet('{root / "truth/records.parquet"}') as records
            on records.source = 'helpscout' and records.record_id = (json ->> 'id')
        """
    ).df()
    c = pd.read_parquet(root / "truth" / "customers.parquet").set_index("customer_id")
    per_customer = tickets.groupby("customer_id").size().reindex(c.index, fill_value=0)
    buyer = c["bought_license_3"]
    assert per_customer[buyer].mean() > 1.5 * per_customer[~buyer].mean()
    hours = tickets.dropna().assign(buyer=lambda t: buyer.loc[t["customer_id"]].to_numpy())
    assert hours.loc[hours["buyer"], "open_hours"].median() > 1.8 * (
        hours.loc[~hours["buyer"], "open_hours"].median()
    )


def test_logistic_regression_recovers_planted_signs(world) -> None:
    root, manifest, _ = world
    c = pd.read_parquet(root / "truth" / "customers.parquet")
    x = pd.concat(
        [
            pd.get_dummies(c["industry"]).drop(columns="Software"),
            pd.get_dummies(c["region"]).drop(columns="UK"),
            np.log10(c["employees"]).rename("log10_employees"),
            c["engagement"],
        ],
        axis=1,
    ).astype(float)
    fit = LogisticRegression(C=100.0, max_iter=2000).fit(x, c["bought_license_3"])
    coef = dict(zip(x.columns, fit.coef_[0], strict=True))
    planted = manifest["planted"]["license_3_model"]
    for name in ["Retail", "Consulting", "Event Services"]:
        assert coef[name] > 0.4, name
    for name in ["Alaska", "US Northeast"]:
        assert coef[name] > 0.3, name
    for name in ["Argentina", "Brazil"]:
        assert coef[name] < -0.3, name
    assert coef["log10_employees"] > 0 and coef["engagement"] > 0
    assert planted["industry"]["Retail"] > 0 and planted["region"]["Brazil"] < 0


def test_volume_scales_order_lines_and_tickets_and_nothing_else(tmp_path: Path) -> None:
    from hvc.generate import Volume

    base = generate_world(tmp_path / "base", n_customers=400, seed=3, shape="flat")
    busy = generate_world(
        tmp_path / "busy",
        n_customers=400,
        seed=3,
        shape="flat",
        volume=Volume(order_lines=3.0, tickets=2.0),
    )
    assert "volume" not in base and busy["volume"] == {"order_lines": 3.0, "tickets": 2.0}

    def rows(manifest: dict, table: str) -> int:
        return manifest["tables"][table]["rows"]

    # 1 + Poisson(6) lines an invoice against 1 + Poisson(18): about 2.7 times the lines
    lines = rows(busy, "online_retail.invoice_lines") / rows(base, "online_retail.invoice_lines")
    assert 2.3 < lines < 3.0
    for table in ("helpscout.conversations", "intercom.conversations"):
        assert 1.7 < rows(busy, table) / rows(base, table) < 2.3, table
    for table in ("edd.payments", "drip.subscribers", "hubspot.contacts", "intercom.contacts"):
        assert rows(busy, table) == rows(base, table), table
    # the same customers, retail customers and invoices: the purchases are the same
    for truth in ("customers", "retail_customers"):
        pd.testing.assert_frame_equal(
            pd.read_parquet(tmp_path / "base" / "truth" / f"{truth}.parquet"),
            pd.read_parquet(tmp_path / "busy" / "truth" / f"{truth}.parquet"),
        )

    def sales(world: str) -> int:
        lines = pd.read_csv(tmp_path / world / "raw" / "online_retail" / "invoice_lines.csv")
        numbers = lines["InvoiceNo"].astype(str)
        return numbers[~numbers.str.startswith("C")].nunique()

    invoices = [sales("base"), sales("busy")]
    assert invoices[0] == invoices[1]
    with pytest.raises(ValueError, match="volume tickets must be above 0"):
        Volume(tickets=0)
