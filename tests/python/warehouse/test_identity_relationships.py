"""Relationships apart from identity: an agency's CRM contacts associated with two client
companies leave three customers, related, and `hvc explain` shows the refused links."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from helpers.warehouse import World, run_dbt

#: Identity, its audit and the relationships; not the value and model marts.
RELATIONSHIP_BUILD = [
    "build",
    "--select",
    "+customer_relationships",
    "+identity_refused_links",
    "+identity_merge_audit",
    "--indirect-selection",
    "cautious",
]


def _companies_with_domains(path: Path, count: int) -> list[dict]:
    with path.open(newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if row["Company Domain Name"]]
    domains = sorted(rows, key=lambda row: row["Record ID"])
    return domains[:count]


@pytest.fixture(scope="module")
def agency_build(world: World, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The world with an agency's two staff whose HubSpot contacts carry two clients' company
    associations and websites, built through identity."""
    root = tmp_path_factory.mktemp("agency")
    raw = root / "raw"
    shutil.copytree(world.raw, raw)
    agency, client_one, client_two = _companies_with_domains(raw / "hubspot" / "companies.csv", 3)
    agency_domain = agency["Company Domain Name"]
    contacts = raw / "hubspot" / "contacts.csv"
    with contacts.open(newline="") as handle:
        header = next(csv.reader(handle))
    staff = []
    for number, (name, client) in enumerate([("ann", client_one), ("bob", client_two)]):
        row = dict.fromkeys(header, "")
        row.update(
            {
                "Record ID": str(990_000_001 + number),
                "First Name": name.title(),
                "Last Name": "Agent",
                "Email": f"{name}.agent@{agency_domain}",
                "Company Name": client["Company name"],
                "Website URL": client["Website URL"] or client["Company Domain Name"],
                "Lifecycle Stage": "other",
                "Create Date": "2024-03-01 10:00",
                "Last Modified Date": "2024-03-02 10:00",
                "Associated Company IDs": client["Record ID"],
            }
        )
        staff.append(row)
    with (raw / "hubspot" / "contacts-agency.csv").open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows(staff)
    run = run_dbt(RELATIONSHIP_BUILD, root / "build", raw)
    assert run.returncode == 0, run.output[-6000:]
    return {
        "database": run.database,
        "ann": f"email:ann.agent@{agency_domain}",
        "agency": f"domain:{agency_domain}",
        "clients": [f"hubspot_company:{c['Record ID']}" for c in (client_one, client_two)],
    }


def _customer(con: duckdb.DuckDBPyConnection, node_id: str) -> str:
    (key,) = con.execute(
        "select customer_key from intermediate.int_identity__node_customers where node_id = ?",
        [node_id],
    ).fetchone()
    return key


def test_an_agency_and_its_clients_stay_three_related_customers(agency_build: dict) -> None:
    with duckdb.connect(str(agency_build["database"]), read_only=True) as con:
        agency = _customer(con, agency_build["ann"])
        assert agency == _customer(con, agency_build["agency"])
        clients = [_customer(con, client) for client in agency_build["clients"]]
        assert len({agency, *clients}) == 3
        related = con.execute(
            "select to_customer_key, relationship from marts.customer_relationships "
            "where from_customer_key = ? order by to_customer_key",
            [agency],
        ).fetchall()
        refused = con.execute(
            "select distinct evidence, refused_reason from data_quality.identity_refused_links "
            "where from_customer_key = ?",
            [agency],
        ).fetchall()
    assert related == sorted((client, "serves") for client in clients)
    assert refused == [("association", "both_hold_domain")]


def test_explain_shows_the_refused_link_and_the_relationship(agency_build: dict) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "hvc.cli",
            "explain",
            agency_build["ann"],
            agency_build["clients"][0],
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "HVC_DUCKDB_PATH": str(agency_build["database"])},
        check=False,
    )
    assert done.returncode == 1, done.stderr
    lines = done.stdout.splitlines()
    assert "are two customers" in lines[0]
    assert any(
        line.startswith(f"  refused: {agency_build['ann']} -- {agency_build['clients'][0]}")
        and "association, both_hold_domain" in line
        for line in lines
    ), done.stdout
    assert any(line.startswith("  relationship: ") and " serves " in line for line in lines)
