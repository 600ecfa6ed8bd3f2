"""hvc.identity.components: weak links apply after strong ones and within the link limits."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from hvc.identity import EVIDENCE, IdentitySettings, resolve_components


def settings(**overrides: object) -> IdentitySettings:
    """The project's identity settings (limits from dbt_project.yml), some replaced."""
    return IdentitySettings.from_project(**overrides)


def graph(links: list[tuple[str, str, str, int]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Nodes and edges frames from (`type:value`, `type:value`, evidence, records) links."""
    names = sorted({name for link in links for name in link[:2]})
    nodes = pd.DataFrame({"node_id": names, "identifier_type": [n.split(":")[0] for n in names]})
    edges = pd.DataFrame(links, columns=["node_a", "node_b", "evidence", "record_count"])
    return nodes, edges


def customers(result: pd.DataFrame) -> set[frozenset[str]]:
    """The components as sets of node ids."""
    return {
        frozenset(group.node_id)
        for _, group in result.dropna(subset=["component_id"]).groupby("component_id")
    }


AGENCY = [
    # the agency's own people and domain
    ("email:ann@agency.com", "hubspot_contact:1", "own", 1),
    ("email:ann@agency.com", "domain:agency.com", "own", 1),
    ("email:bob@agency.com", "domain:agency.com", "own", 1),
    # two clients, each a company record with its domain
    ("hubspot_company:10", "domain:client-one.com", "own", 1),
    ("email:cy@client-one.com", "domain:client-one.com", "own", 1),
    ("hubspot_company:20", "domain:client-two.com", "own", 1),
    # the agency's contact associated with both clients' companies and websites
    ("email:ann@agency.com", "hubspot_company:10", "association", 1),
    ("email:ann@agency.com", "domain:client-one.com", "association", 1),
    ("email:bob@agency.com", "hubspot_company:20", "association", 1),
    ("hubspot_contact:1", "hubspot_company:20", "association", 1),
]


def test_an_association_does_not_join_two_business_domains():
    result = resolve_components(*graph(AGENCY), settings())
    assert customers(result) == {
        frozenset(
            {
                "email:ann@agency.com",
                "email:bob@agency.com",
                "hubspot_contact:1",
                "domain:agency.com",
            }
        ),
        frozenset({"hubspot_company:10", "domain:client-one.com", "email:cy@client-one.com"}),
        frozenset({"hubspot_company:20", "domain:client-two.com"}),
    }


def test_without_limits_the_same_links_merge_everything():
    result = resolve_components(*graph(AGENCY), settings(link_limits={}))
    assert len(customers(result)) == 1


def test_an_association_joins_a_person_without_a_business_domain():
    links = [
        ("email:joe@gmail.com", "hubspot_contact:7", "own", 1),
        ("edd_customer:5", "email:joe@gmail.com", "own", 3),
        ("hubspot_company:10", "domain:client-one.com", "own", 1),
        ("email:joe@gmail.com", "hubspot_company:10", "association", 1),
    ]
    result = resolve_components(*graph(links), settings())
    assert len(customers(result)) == 1


def test_a_shared_browser_keeps_the_login_with_most_records():
    links = [
        ("edd_customer:1", "email:ann@one.com", "own", 1),
        ("edd_customer:2", "email:cy@two.com", "own", 1),
        ("edd_customer:3", "email:di@gmail.com", "own", 1),
        ("ga_visitor:v", "edd_customer:2", "session", 40),
        ("ga_visitor:v", "edd_customer:1", "session", 3),
        ("ga_visitor:v", "edd_customer:3", "session", 3),
    ]
    result = resolve_components(*graph(links), settings())
    assert customers(result) == {
        frozenset({"ga_visitor:v", "edd_customer:2", "email:cy@two.com"}),
        frozenset({"edd_customer:1", "email:ann@one.com"}),
        frozenset({"edd_customer:3", "email:di@gmail.com"}),
    }


def test_stronger_evidence_applies_first_whatever_the_record_counts():
    # the chat contact's shop id (tool_link) wins over a web session with more records
    links = [
        ("intercom_contact:c", "email:ann@one.com", "own", 1),
        ("intercom_contact:c", "edd_customer:1", "tool_link", 1),
        ("edd_customer:2", "email:cy@two.com", "own", 1),
        ("ga_visitor:v", "email:ann@one.com", "own", 1),
        ("ga_visitor:v", "edd_customer:2", "session", 90),
        ("edd_customer:1", "domain:one.com", "own", 1),
    ]
    result = resolve_components(*graph(links), settings())
    by_node = result.set_index("node_id").component_id
    assert by_node["edd_customer:1"] == by_node["email:ann@one.com"]
    assert by_node["edd_customer:2"] != by_node["email:ann@one.com"]


def test_a_pair_given_twice_has_its_strongest_evidence():
    links = [
        ("email:ann@agency.com", "domain:agency.com", "own", 1),
        ("hubspot_company:10", "domain:client-one.com", "own", 1),
        ("email:ann@agency.com", "hubspot_company:10", "association", 1),
        # the same pair from the person's own record: one customer after all
        ("hubspot_company:10", "email:ann@agency.com", "own", 1),
    ]
    result = resolve_components(*graph(links), settings())
    assert len(customers(result)) == 1


def test_limits_do_not_depend_on_row_order():
    rng = np.random.default_rng(5)
    names = [f"{kind}:{i}" for i in range(300) for kind in ("email", "domain", "edd_customer")]
    a, b = rng.integers(0, len(names), (2, 600))
    links = [
        (names[i], names[j], EVIDENCE[k], int(w))
        for i, j, k, w in zip(a, b, rng.integers(0, 4, 600), rng.integers(1, 4, 600), strict=True)
    ]
    nodes, edges = graph(links)
    expected = resolve_components(nodes, edges, settings())
    for seed in range(3):
        shuffled = edges.sample(frac=1, random_state=seed).reset_index(drop=True)
        flipped = shuffled.rename(columns={"node_a": "node_b", "node_b": "node_a"})
        got = resolve_components(nodes.sample(frac=1, random_state=seed), flipped, settings())
        pd.testing.assert_frame_equal(got, expected)


def test_unknown_evidence_is_refused():
    nodes, edges = graph([("email:a@x.com", "edd_customer:1", "hearsay", 1)])
    with pytest.raises(ValueError, match="evidence"):
        resolve_components(nodes, edges, settings())
    with pytest.raises(ValueError, match="link_limits"):
        settings(link_limits={"own": ("domain",)}).__post_init__()


def test_an_association_does_not_join_a_free_mail_contact_to_a_company_with_people():
    # a consultant filed under a client with a free-mail address: related, not merged
    links = [
        ("email:jack.hall@yahoo.com", "hubspot_contact:12", "own", 1),
        ("hubspot_company:10", "domain:client-one.com", "own", 1),
        ("email:cy@client-one.com", "domain:client-one.com", "own", 1),
        ("email:jack.hall@yahoo.com", "hubspot_company:10", "association", 1),
        ("hubspot_contact:12", "hubspot_company:10", "association", 1),
    ]
    result = resolve_components(*graph(links), settings())
    assert len(customers(result)) == 2
