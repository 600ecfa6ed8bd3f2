"""Identity resolution in the built warehouse, graded against the generator's ground truth."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from helpers.raw_records import json_records
from helpers.warehouse import World, run_dbt
from hvc.identity import identity_scores

SHARED_MAILBOX = "accounts@sharedmailbox-agency.com"


def query(database: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute(sql).fetchall()


def node_keys(database: Path) -> dict[str, str]:
    return dict(
        query(
            database, "select node_id, customer_key from intermediate.int_identity__node_customers"
        )
    )


def test_identity_resolution_matches_the_truth(world: World, warehouse: Path) -> None:
    scores = identity_scores(warehouse, world.root / "truth").set_index("scope")
    linkable = scores.loc["records_with_cross_tool_identifier"]
    assert linkable["items"] > 0.8 * scores.loc["all_records", "items"]
    assert linkable["f1"] >= 0.99, scores.to_string()
    assert linkable["precision"] >= 0.99, scores.to_string()
    # records no rule can link (anonymous leads) may split; they must never be wrongly merged
    assert scores.loc["all_records", "precision"] >= 0.99, scores.to_string()
    assert query(warehouse, "select count(*) from data_quality.identity_resolution_scores") == [
        (2,)
    ]


def test_every_record_with_a_usable_identifier_has_one_customer(warehouse: Path) -> None:
    assert query(
        warehouse,
        """
        select count(*)
        from marts.customer_identity_map as map
        where map.customer_key is null and exists (
            select 1
            from intermediate.int_identity__source_records as records
            inner join intermediate.int_identity__record_identifiers as ids
                on records.identity_group_key = ids.identity_group_key
            inner join intermediate.int_identity__node_customers as nodes
                on ids.node_key = nodes.node_key
            where records.record_key = map.record_key and ids.blocked_reason is null
        )
        """,
    ) == [(0,)]
    assert query(
        warehouse,
        "select count(*) from marts.customer_identity_map where customer_key_count > 1",
    ) == [(0,)]
    records = query(warehouse, "select count(*) from intermediate.int_identity__source_records")
    assert query(warehouse, "select count(*) from marts.customer_identity_map") == records


def test_free_mail_users_are_never_merged_by_domain(world: World, warehouse: Path) -> None:
    assert query(
        warehouse,
        """
        select count(*)
        from intermediate.int_identity__nodes as nodes
        inner join reference.shared_domains as shared
            on nodes.node_id = 'domain:' || shared.domain
        """,
    ) == [(0,)]
    contacts = pd.read_parquet(world.root / "truth" / "contacts.parquet")
    customers = pd.read_parquet(world.root / "truth" / "customers.parquet")
    individuals = contacts.merge(customers[customers.kind == "individual"], on="customer_id")
    keys = node_keys(warehouse)
    predicted = individuals.assign(key=("email:" + individuals.email).map(keys)).dropna(
        subset=["key"]
    )
    assert len(predicted) > 0.5 * len(individuals)
    assert predicted.groupby("key").customer_id.nunique().max() == 1


def _write_jsonl(path: Path, rows: list[dict]) -> None:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))


#: What the key-stability builds need: identity and its audit, not the value and model marts.
IDENTITY_BUILD = [
    "build",
    "--select",
    "+customer_key_history",
    "+identity_quarantine",
    "--indirect-selection",
    "cautious",
]


@pytest.fixture(scope="module")
def changing_world(world: World, warehouse: Path, tmp_path_factory: pytest.TempPathFactory):
    """Three states of one warehouse file: the session's build as generated (copied); rebuilt
    with a shared mailbox written on 50 customers' tickets and a new unrelated customer; and
    with a ticket that joins two customers. The rebuilds build identity only."""
    root = tmp_path_factory.mktemp("changing")
    raw = root / "raw"
    shutil.copytree(world.raw, raw)
    workdir = root / "build"
    workdir.mkdir()
    # the same file name: dbt-duckdb's views name their catalog after it
    shutil.copy(warehouse, workdir / warehouse.name)
    keys_before = node_keys(workdir / warehouse.name)

    truth = pd.read_parquet(world.root / "truth" / "records.parquet")
    # the conversations as written: one per line, or Help Scout's list pages
    tickets = json_records(
        [raw / "helpscout" / "conversations.jsonl"],
        world.manifest["tables"]["helpscout.conversations"].get("records_path"),
    )
    helpscout_truth = truth[(truth.source == "helpscout") & truth.record_id.notna()]
    ticket_customer = helpscout_truth.groupby("record_id").customer_id.first()
    by_customer: dict = {}
    for ticket in tickets:
        customer = ticket_customer.get(str(ticket["id"]))
        helpscout_id = (ticket.get("primaryCustomer") or {}).get("id")
        if (
            pd.notna(customer)
            and helpscout_id
            and f"helpscout_customer:{helpscout_id}" in (keys_before)
        ):
            by_customer.setdefault(customer, ticket)
    chosen = sorted(by_customer)[:50]
    assert len(chosen) == 50

    def ticket_like(template: dict, new_id: int, customer: dict) -> dict:
        row = dict(template)
        row.update(id=new_id, number=new_id, primaryCustomer=customer)
        return row

    shared = [
        ticket_like(
            by_customer[customer],
            900_000_000 + n,
            {**by_customer[customer]["primaryCustomer"], "email": SHARED_MAILBOX},
        )
        for n, customer in enumerate(chosen)
    ]
    newcomer = ticket_like(
        tickets[0],
        900_100_000,
        {"id": 999_999_001, "first": "Nadia", "last": "Ferro", "email": "nadia@ferro-new.com"},
    )
    _write_jsonl(raw / "helpscout" / "conversations-extra.jsonl", [*shared, newcomer])
    second = run_dbt(IDENTITY_BUILD, workdir, raw)
    assert second.returncode == 0, second.output[-6000:]
    keys_after = node_keys(second.database)

    # join two of the 50 customers: customer A's helpscout id writes from customer B's address
    a, b = chosen[0], chosen[1]
    contacts = pd.read_parquet(world.root / "truth" / "contacts.parquet")
    b_emails = [
        email
        for email in contacts[contacts.customer_id == b].email
        if f"email:{email}" in keys_after
    ]
    assert b_emails
    joining = ticket_like(
        by_customer[a],
        900_200_000,
        {**by_customer[a]["primaryCustomer"], "email": b_emails[0]},
    )
    _write_jsonl(raw / "helpscout" / "conversations-join.jsonl", [joining])
    third = run_dbt(IDENTITY_BUILD, workdir, raw)
    assert third.returncode == 0, third.output[-6000:]
    return {
        "before": keys_before,
        "after": keys_after,
        "joined": node_keys(third.database),
        "database": third.database,
        "a_node": f"helpscout_customer:{by_customer[a]['primaryCustomer']['id']}",
        "b_node": f"email:{b_emails[0]}",
        "chosen_nodes": [
            f"helpscout_customer:{by_customer[c]['primaryCustomer']['id']}" for c in chosen
        ],
    }


def test_new_unrelated_data_leaves_every_key_unchanged(changing_world) -> None:
    before, after = changing_world["before"], changing_world["after"]
    changed = {node for node, key in before.items() if after.get(node) != key}
    assert changed == set()
    assert "helpscout_customer:999999001" in after


def test_a_mailbox_shared_by_50_customers_merges_none(changing_world) -> None:
    after = changing_world["after"]
    keys = {after[node] for node in changing_world["chosen_nodes"]}
    assert len(keys) == 50
    assert f"email:{SHARED_MAILBOX}" not in after
    held = query(
        changing_world["database"],
        f"""
        select reason, linked_customers from data_quality.identity_quarantine
        where identifier_type = 'email' and identifier_value = '{SHARED_MAILBOX}'
        """,
    )
    assert len(held) == 1 and held[0][0] == "links_too_many_customers"
    assert held[0][1] >= 50


def test_merged_customers_keep_one_key_and_map_the_other(changing_world) -> None:
    after, joined = changing_world["after"], changing_world["joined"]
    a_key, b_key = after[changing_world["a_node"]], after[changing_world["b_node"]]
    assert a_key != b_key
    merged = joined[changing_world["a_node"]]
    assert merged == joined[changing_world["b_node"]]
    assert merged in {a_key, b_key}
    retired = b_key if merged == a_key else a_key
    history = query(
        changing_world["database"],
        "select previous_customer_key, customer_key from data_quality.customer_key_history",
    )
    assert (retired, merged) in history


def test_any_merge_can_be_explained_hop_by_hop(warehouse: Path) -> None:
    from hvc.identity import explain_link

    with duckdb.connect(str(warehouse), read_only=True) as con:
        customer = con.execute(
            """
            select customer_key from data_quality.identity_merge_audit
            group by customer_key order by count(*) desc, customer_key limit 1
            """
        ).fetchone()[0]
        edges = con.execute(
            "select node_a, node_b, example_record_id from data_quality.identity_merge_audit "
            "where customer_key = ? order by node_a, node_b",
            [customer],
        ).df()
    nodes = sorted(set(edges.node_a) | set(edges.node_b))
    direct = set(zip(edges.node_a, edges.node_b, strict=True))
    start = nodes[0]
    far = [n for n in nodes[1:] if (start, n) not in direct and (n, start) not in direct]
    assert far, "the busiest customer should have identifiers two links apart"
    path = explain_link(edges, start, far[0])
    assert len(path) >= 2
    assert path.from_node.iloc[0] == start and path.to_node.iloc[-1] == far[0]
    assert list(path.from_node.iloc[1:]) == list(path.to_node.iloc[:-1])
    for row in path.itertuples():
        assert (row.from_node, row.to_node) in direct or (row.to_node, row.from_node) in direct
    assert path.example_record_id.notna().all()
