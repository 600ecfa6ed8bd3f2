"""The generator's messy profile: deterministic, only adding to the demo, each pattern planted
where its truth says, in both shapes."""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import json
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from hvc.generate import generate_world
from hvc.generate.messy import (
    EMAIL_FORMATS,
    JUNK_EMAILS,
    PATH_HOSTS,
    RELATIONSHIP_KINDS,
    MessyRates,
)

N_CUSTOMERS = 1000
SEED = 5
CRM_KINDS = {"agency_of", "consultant_of", "reseller_of", "parent_of", "subsidiary_of"}


def _hashes(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def messy(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    root = tmp_path_factory.mktemp("messy")
    return root, generate_world(root, N_CUSTOMERS, SEED, profile="messy")


@pytest.fixture(scope="module")
def flat(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """The same messy world in the flat shape (one record a line), easy to read here."""
    root = tmp_path_factory.mktemp("messy_flat")
    return root, generate_world(root, N_CUSTOMERS, SEED, profile="messy", shape="flat")


def _json_lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def _csv(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _truth(root: Path, name: str) -> pd.DataFrame:
    return pd.read_parquet(root / "truth" / f"{name}.parquet")


def _record_customers(root: Path, source: str, table: str) -> dict[str, int]:
    records = _truth(root, "records")
    mine = records[(records.source == source) & (records.table_name == table)].dropna(
        subset=["record_id", "customer_id"]
    )
    return dict(zip(mine.record_id, mine.customer_id.astype(int), strict=True))


def _related(root: Path, kinds: set[str]) -> set[tuple[int, int]]:
    relationships = _truth(root, "relationships")
    chosen = relationships[relationships.kind.isin(kinds)]
    return set(zip(chosen.from_customer_id, chosen.to_customer_id, strict=True))


def test_same_seed_gives_identical_bytes(messy, tmp_path: Path) -> None:
    root, _ = messy
    generate_world(tmp_path, N_CUSTOMERS, SEED, profile="messy")
    assert _hashes(tmp_path) == _hashes(root)


def test_with_every_share_zero_it_writes_the_demos_files(tmp_path: Path) -> None:
    """The messy profile only adds to the demo: without its patterns, the demo's bytes."""
    shares = {f.name: 0.0 for f in dataclasses.fields(MessyRates) if f.type == "float"}
    assert len(shares) >= 15
    generate_world(tmp_path / "demo", 300, SEED)
    generate_world(tmp_path / "messy", 300, SEED, profile="messy", rates=MessyRates(**shares))
    demo, zero = _hashes(tmp_path / "demo"), _hashes(tmp_path / "messy")
    assert sorted(set(zero) - set(demo)) == [
        "truth/contact_emails.parquet",
        "truth/planted.parquet",
        "truth/relationships.parquet",
    ]
    assert sorted(name for name in demo if demo[name] != zero[name]) == [
        "manifest.json",
        "truth/README.md",
    ]


def test_both_shapes_hold_the_same_records_and_truth(messy, flat) -> None:
    (root, manifest), (flat_root, flat_manifest) = messy, flat
    truth, flat_truth = _hashes(root / "truth"), _hashes(flat_root / "truth")
    assert truth == flat_truth
    rows = {key: entry["rows"] for key, entry in manifest["tables"].items()}
    assert rows == {key: entry["rows"] for key, entry in flat_manifest["tables"].items()}
    assert manifest["messy"] == flat_manifest["messy"]


def test_the_demo_profile_writes_no_messy_truth(tmp_path: Path) -> None:
    manifest = generate_world(tmp_path, 300, SEED)
    assert "profile" not in manifest and "messy" not in manifest
    assert not (tmp_path / "truth" / "relationships.parquet").exists()


def test_the_manifest_counts_every_relationship_kind_and_planted_pattern(messy) -> None:
    root, manifest = messy
    assert manifest["profile"] == "messy"
    assert set(manifest["messy"]["relationships"]) == set(RELATIONSHIP_KINDS)
    assert all(count > 0 for count in manifest["messy"]["relationships"].values())
    assert all(count > 0 for count in manifest["messy"]["planted_values"].values())
    relationships = _truth(root, "relationships")
    assert (relationships.from_customer_id != relationships.to_customer_id).all()
    assert not relationships.duplicated().any()
    assert "The messy profile" in (root / "truth" / "README.md").read_text()


def test_crm_contacts_filed_under_another_customers_company_are_relationships(flat) -> None:
    root, _ = flat
    company_of = _record_customers(root, "hubspot", "companies")
    contact_of = _record_customers(root, "hubspot", "contacts")
    related = _related(root, CRM_KINDS)
    filed_elsewhere = []
    for row in _csv(root / "raw" / "hubspot" / "contacts.csv"):
        primary = row["Associated Company IDs"].split(";")[0]
        person = contact_of.get(row["Record ID"])
        if primary in company_of and person and company_of[primary] != person:
            filed_elsewhere.append((person, company_of[primary], row["Website URL"]))
    assert len(filed_elsewhere) > 20
    assert all((person, company) in related for person, company, _ in filed_elsewhere)
    # a client's website on its staffer's contact: the client's domain or path-style page
    customers = _truth(root, "customers").set_index("customer_id")
    sites = [(site.lower(), company) for _, company, site in filed_elsewhere if site]
    hosts = {host for host, _ in PATH_HOSTS}
    assert all(
        customers.domain[company] in site or any(host in site for host in hosts)
        for site, company in sites
    )


def _shop_customers(root: Path) -> dict[str, int]:
    """EDD customer id -> the one true customer of its payments (junk ids left out)."""
    payments = _json_lines(root / "raw" / "edd" / "payments.jsonl")
    truth = _record_customers(root, "edd", "payments")
    owners: dict[str, set[int]] = {}
    for sale in payments:
        if sale["ID"] in truth:
            owners.setdefault(sale["customer_id"], set()).add(truth[sale["ID"]])
    return {shop_id: next(iter(who)) for shop_id, who in owners.items() if len(who) == 1}


def test_shared_browsers_carry_shop_accounts_of_related_customers(flat) -> None:
    """A browser's anonymous events are its owner's and its logged-in events the account's
    (GA4's User-ID); the accounts of other customers logged in on it are its owner's
    relationships."""
    root, _ = flat
    events = pq.read_table(
        root / "raw" / "google_analytics" / "events.parquet", columns=["user_pseudo_id", "user_id"]
    ).to_pandas()
    truth = _record_customers(root, "google_analytics", "events")
    shop = _shop_customers(root)
    logged = events.dropna().drop_duplicates()
    logged = logged.assign(
        owner=(logged.user_pseudo_id + "|").map(truth),
        account=logged.user_id.map(shop),
        record=(logged.user_pseudo_id + "|" + logged.user_id).map(truth),
    )
    known = logged.dropna(subset=["account", "record"])
    assert len(known) > 100
    assert (known.record == known.account).all()
    # owners known from their anonymous events, and as planted
    foreign = logged.dropna()
    foreign = foreign[foreign.owner != foreign.account]
    pairs = set(zip(foreign.owner.astype(int), foreign.account.astype(int), strict=True))
    planted = _truth(root, "planted")
    planted = planted[planted.pattern == "shared_browser"]
    pairs |= {
        (int(owner), shop[value])
        for owner, value in zip(planted.customer_id, planted.value, strict=True)
        if value in shop
    }
    assert len(pairs) > 5
    assert pairs == _related(root, {"shares_browser"})


def test_chat_contacts_with_another_customers_shop_account_are_relationships(flat) -> None:
    """A chat contact with its own address is its person's, related to the account it
    carries; one without is the account's."""
    root, _ = flat
    truth = _record_customers(root, "intercom", "contacts")
    shop = _shop_customers(root)
    pairs, anonymous = set(), 0
    for contact in _json_lines(root / "raw" / "intercom" / "contacts.jsonl"):
        account = shop.get(contact["external_id"])
        if contact["id"] not in truth or not account:
            continue
        if contact.get("email"):
            if account != truth[contact["id"]]:
                pairs.add((truth[contact["id"]], account))
        else:
            assert truth[contact["id"]] == account, contact
            anonymous += 1
    assert len(pairs) > 5 and anonymous > 5
    assert pairs <= _related(root, {"shares_chat_contact"})


def test_junk_addresses_are_shared_and_keyed_by_the_shop(flat) -> None:
    root, _ = flat
    truth = _record_customers(root, "edd", "payments")
    by_address: dict[str, tuple[set[str], set[int]]] = {}
    for sale in _json_lines(root / "raw" / "edd" / "payments.jsonl"):
        if sale["email"] in JUNK_EMAILS and sale["ID"] in truth:
            ids, people = by_address.setdefault(sale["email"], (set(), set()))
            ids.add(sale["customer_id"])
            people.add(truth[sale["ID"]])
    assert by_address
    assert all(len(ids) == 1 for ids, _ in by_address.values())
    assert max(len(people) for _, people in by_address.values()) > 2


def test_addresses_and_websites_are_written_in_the_planted_forms(flat) -> None:
    root, _ = flat
    planted = _truth(root, "planted")
    formats = planted[(planted.pattern == "email_format") & (planted.source == "hubspot")]
    how, _, text = formats.value.str.partition(": ").T.to_numpy()
    assert set(how) == set(EMAIL_FORMATS)
    emails = {row["Email"] for row in _csv(root / "raw" / "hubspot" / "contacts.csv")}
    assert set(text) <= emails
    assert any("\u00a0" in value or "\u200b" in value or "\t" in value for value in emails)
    assert any(value.startswith("mailto:") for value in emails)
    assert any(value.startswith('"') and value.endswith(">") for value in emails)
    payments = (root / "raw" / "edd" / "payments.jsonl").read_text()
    assert "privaterelay.appleid.com" in payments and '"x@x.com"' in payments
    companies = _csv(root / "raw" / "hubspot" / "companies.csv")
    hosts = {host for host, _ in PATH_HOSTS}
    path_sites = [row for row in companies if row["Company Domain Name"] in hosts]
    assert path_sites and all("/" in row["Website URL"] for row in path_sites)
    people = _truth(root, "contacts").email
    assert people.str.endswith(("@foxmail.com", "@web.de", "@bigpond.com", "@qq.com")).any()
    relay = _truth(root, "contact_emails")
    relay = relay[relay.kind == "apple_relay"].email
    assert len(relay) > 0
    assert relay.str.fullmatch(r"[a-z0-9]{10}@privaterelay\.appleid\.com").all()


def test_rates_and_profiles_are_checked() -> None:
    with pytest.raises(ValueError, match="junk_email must be a share"):
        MessyRates(junk_email=1.5)
    with pytest.raises(ValueError, match="agency_clients"):
        MessyRates(agency_clients=(5, 2))
    with pytest.raises(ValueError, match="profile must be one of demo, messy"):
        generate_world("/nonexistent", 300, SEED, profile="tidy")
    with pytest.raises(ValueError, match="messy profile only"):
        generate_world("/nonexistent", 300, SEED, rates=MessyRates())
