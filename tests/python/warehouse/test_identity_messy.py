"""Identity resolution on a messy world (`hvc generate --profile messy`): agencies and their
clients, parents and subsidiaries, shared browsers and chat contacts, regional free-mail,
relay and junk addresses, path-style websites and formatted emails, graded against its truth.

One world of 3,000 customers, built once for the module: seeds, staging and identity up to
`customer_identity_map`, without data tests (a failing data test would skip the models the
scores read; `scripts/score_identity.py` runs them and lists failures).
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest

from helpers.warehouse import World, run_dbt
from hvc.generate.messy import RELATIONSHIP_KINDS
from hvc.identity.scores import identity_items, identity_scores, unexplained_business_merges

MESSY_CUSTOMERS = 3000
MESSY_SEED = 7
#: Every pattern the messy profile plants, as truth/planted.parquet names them.
PATTERNS = (
    "agency_crm_contact",
    "parent_subsidiary_crm_contact",
    "shared_browser",
    "shared_chat_contact",
    "regional_free_mail",
    "apple_relay",
    "junk_email",
    "junk_tool_customer",
    "path_website",
    "email_format",
)
IDENTITY_MODELS = [
    "build",
    "--select",
    "+customer_identity_map",
    "--exclude-resource-type",
    "test",
    "--exclude-resource-type",
    "unit_test",
]


@pytest.fixture(scope="module")
def messy_world(tmp_path_factory: pytest.TempPathFactory) -> World:
    from hvc.generate import generate_world

    root = tmp_path_factory.mktemp("messy_world")
    manifest = generate_world(root, MESSY_CUSTOMERS, MESSY_SEED, profile="messy")
    return World(root, manifest)


@pytest.fixture(scope="module")
def messy_warehouse(messy_world: World, tmp_path_factory: pytest.TempPathFactory) -> Path:
    run = run_dbt(IDENTITY_MODELS, tmp_path_factory.mktemp("messy_build"), messy_world.raw)
    assert run.returncode == 0, run.output[-6000:]
    return run.database


def test_the_messy_truth_holds_every_pattern(messy_world: World) -> None:
    truth = messy_world.root / "truth"
    relationships = pd.read_parquet(truth / "relationships.parquet")
    kinds = relationships.kind.value_counts()
    assert set(kinds.index) == set(RELATIONSHIP_KINDS)
    assert (kinds > 0).all(), kinds
    planted = pd.read_parquet(truth / "planted.parquet").pattern.value_counts()
    assert set(planted.index) == set(PATTERNS)
    assert (planted > 0).all(), planted
    # agencies serve several clients each, their kinds as planted
    agencies = relationships[relationships.kind.isin(["agency_of", "consultant_of", "reseller_of"])]
    assert agencies.groupby("from_customer_id").size().max() >= 4
    customers = pd.read_parquet(truth / "customers.parquet").set_index("customer_id")
    assert (customers.kind[agencies.from_customer_id] == "business").all()
    assert messy_world.manifest["messy"]["relationships"] == kinds.sort_index().to_dict()


def test_identity_resolution_on_a_messy_world_meets_the_acceptance(
    messy_world: World, messy_warehouse: Path
) -> None:
    truth = messy_world.root / "truth"
    scores = identity_scores(messy_warehouse, truth).set_index("scope")
    linkable = scores.loc["records_with_cross_tool_identifier"]
    report = scores.T.to_string()
    assert linkable["precision"] >= 0.995, report
    assert linkable["recall"] >= 0.98, report
    assert linkable["bcubed_f1"] >= 0.99, report
    # no agency, parent or shared browser joins two businesses wholesale
    assert linkable["largest_merge_size"] <= 3, report


@pytest.mark.xfail(
    reason="a shared browser's anonymous events go to the account logged in on it, where the "
    "truth gives them to the browser's owner, whom no record of that browser names when only "
    "another customer's account logs in on it; and a few CRM contacts filed under a related "
    "company still join the two: a staffer whose own address is junk, or whose client's only "
    "website is a page on a shared host (22 predicted customers at 3 k)",
    strict=False,
)
def test_no_business_merge_lacks_a_person_level_record(
    messy_world: World, messy_warehouse: Path
) -> None:
    truth = messy_world.root / "truth"
    with duckdb.connect(str(messy_warehouse), read_only=True) as con:
        unexplained = unexplained_business_merges(con, truth, identity_items(con, truth))
    assert unexplained.empty, unexplained.head(10).to_string()
