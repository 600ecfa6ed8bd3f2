"""hvc.identity.components: connected components, hub hold-back, row-order independence."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest

from hvc.identity import (
    COMPONENT_COLUMNS,
    IdentitySettings,
    components,
    pairwise_scores,
    resolve_components,
    resolve_numbered_components,
)


def limits(**overrides: int) -> IdentitySettings:
    """The project's hub limits (identity_max_links, identity_max_domain_links), some replaced."""
    return IdentitySettings.from_project(**overrides)


def graph(edges: list[tuple[str, str]], extra_nodes: tuple[str, ...] = ()) -> tuple:
    """Nodes and edges frames from `type:value` node pairs."""
    names = sorted({name for pair in edges for name in pair} | set(extra_nodes))
    nodes = pd.DataFrame({"node_id": names, "identifier_type": [n.split(":")[0] for n in names]})
    pairs = [tuple(sorted(pair)) for pair in edges]
    return nodes, pd.DataFrame(pairs, columns=["node_a", "node_b"])


def members(result: pd.DataFrame, node_id: str) -> set[str]:
    """The node ids in the same component as `node_id`."""
    component = result.set_index("node_id").loc[node_id, "component_id"]
    return set(result.loc[result.component_id == component, "node_id"])


def random_graph(n_nodes: int, n_edges: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    types = np.array(["email", "domain", "edd_customer", "ga_visitor"])
    node_id = pd.Series([f"n:{i}" for i in range(n_nodes)], dtype="str")
    nodes = pd.DataFrame({"node_id": node_id, "identifier_type": types[np.arange(n_nodes) % 4]})
    a, b = rng.integers(0, n_nodes, (2, n_edges))
    edges = pd.DataFrame({"node_a": node_id.to_numpy()[a], "node_b": node_id.to_numpy()[b]})
    return nodes, edges


def test_multi_hop_chain_is_one_component():
    nodes, edges = graph(
        [("email:a@x.com", "edd_customer:1"), ("edd_customer:1", "drip_subscriber:2")]
        + [("drip_subscriber:2", "ga_visitor:3")],
        extra_nodes=("email:other@y.com",),
    )
    result = resolve_components(nodes, edges, limits())
    assert list(result.columns) == COMPONENT_COLUMNS
    assert members(result, "email:a@x.com") == {
        "email:a@x.com",
        "edd_customer:1",
        "drip_subscriber:2",
        "ga_visitor:3",
    }
    assert members(result, "email:other@y.com") == {"email:other@y.com"}
    assert result.component_id.nunique() == 2
    assert not result.is_held_back.any()
    assert result.held_back_reason.isna().all()
    assert result.linked_components.isna().all()


def test_component_id_is_smallest_number_in_component():
    nodes, edges = random_graph(2_000, 1_500, seed=3)
    result = resolve_components(nodes, edges, limits())
    assert str(result.component_id.dtype) == "Int64"
    assert str(result.linked_components.dtype) == "Int64"
    number = pd.Series(np.arange(len(result)), index=result.index)
    assert (result.component_id == number.groupby(result.component_id).transform("min")).all()


def test_result_does_not_depend_on_row_order_or_edge_direction():
    nodes, edges = random_graph(3_000, 2_500, seed=1)
    hub_edges = pd.DataFrame({"node_a": "n:7", "node_b": [f"n:{i}" for i in range(100, 160)]})
    edges = pd.concat([edges, hub_edges], ignore_index=True)
    expected = resolve_components(nodes, edges, limits(max_links=20))
    assert expected.is_held_back.any()

    rng = np.random.default_rng(9)
    shuffled_nodes = nodes.sample(frac=1, random_state=2).reset_index(drop=True)
    shuffled_edges = edges.sample(frac=1, random_state=3).reset_index(drop=True)
    flip = rng.random(len(shuffled_edges)) < 0.5
    shuffled_edges.loc[flip, ["node_a", "node_b"]] = shuffled_edges.loc[
        flip, ["node_b", "node_a"]
    ].to_numpy()
    got = resolve_components(shuffled_nodes, shuffled_edges, limits(max_links=20))
    pd.testing.assert_frame_equal(got, expected)


def test_exact_path_gives_the_same_result(monkeypatch):
    nodes, edges = random_graph(3_000, 3_500, seed=5)
    expected = resolve_components(nodes, edges, limits(max_links=3))
    monkeypatch.setattr(components, "_encode_by_hash", lambda con, nodes_in: None)
    pd.testing.assert_frame_equal(resolve_components(nodes, edges, limits(max_links=3)), expected)


def test_hash_ties_fall_back_to_an_order_still_free_of_row_order(monkeypatch):
    monkeypatch.setattr(components, "_HASH", "hash({}) % 5")
    nodes, edges = random_graph(1_000, 800, seed=11)
    result = resolve_components(nodes, edges, limits())
    shuffled = resolve_components(
        nodes.sample(frac=1, random_state=4), edges.sample(frac=1, random_state=5), limits()
    )
    pd.testing.assert_frame_equal(shuffled, result)
    monkeypatch.undo()
    unpatched = resolve_components(nodes, edges, limits())
    merged = result.merge(unpatched, on="node_id", suffixes=("", "_unpatched"))
    same = pairwise_scores(merged.component_id_unpatched, merged.component_id)
    assert same["precision"] == same["recall"] == 1.0


def test_duplicate_and_null_node_ids_are_rejected():
    nodes, edges = graph([("email:a@x.com", "edd_customer:1")])
    with pytest.raises(ValueError, match="not unique"):
        resolve_components(pd.concat([nodes, nodes.head(1)]), edges, limits())
    with pytest.raises(ValueError, match="nulls"):
        resolve_components(pd.concat([nodes, pd.DataFrame({"node_id": [None]})]), edges, limits())


def test_edges_to_unknown_nodes_and_repeats_are_ignored():
    nodes, edges = graph([("email:a@x.com", "edd_customer:1")], extra_nodes=("email:b@y.com",))
    edges = pd.concat(
        [
            edges,
            pd.DataFrame(
                {
                    "node_a": ["edd_customer:1", "email:b@y.com", "email:a@x.com"],
                    "node_b": ["email:a@x.com", "ghost:1", "email:a@x.com"],
                }
            ),
        ]
    )
    result = resolve_components(nodes, edges, limits(max_links=1))
    assert members(result, "email:a@x.com") == {"email:a@x.com", "edd_customer:1"}
    assert members(result, "email:b@y.com") == {"email:b@y.com"}
    assert result.linked_components.isna().all()


def customers_sharing_a_hub(n_customers: int) -> list[tuple[str, str]]:
    """Each customer an email, a Help Scout id and a GA visitor; all write from one inbox."""
    edges = []
    for i in range(n_customers):
        edges += [
            (f"email:c{i}@shop{i}.com", f"helpscout_customer:{i}"),
            (f"email:c{i}@shop{i}.com", f"ga_visitor:{i}"),
            ("email:hello@agency.com", f"helpscout_customer:{i}"),
        ]
    return edges


def test_hub_email_linking_50_customers_is_held_back_and_merges_none():
    edges = customers_sharing_a_hub(50)
    # One person's email joining their three tool ids is no hub.
    edges += [
        ("email:ann@solo.com", "edd_customer:77"),
        ("email:ann@solo.com", "intercom_contact:77"),
        ("email:ann@solo.com", "drip_subscriber:77"),
    ]
    nodes, edges = graph(edges)
    result = resolve_components(nodes, edges, limits()).set_index("node_id")

    hub = result.loc["email:hello@agency.com"]
    assert bool(hub.is_held_back)
    assert hub.held_back_reason == "links_too_many_customers"
    assert pd.isna(hub.component_id)
    assert hub.linked_components == 50
    assert result.drop(index="email:hello@agency.com").component_id.nunique() == 50 + 1
    assert members(result.reset_index(), "helpscout_customer:3") == {
        "email:c3@shop3.com",
        "helpscout_customer:3",
        "ga_visitor:3",
    }
    assert not result.loc["email:ann@solo.com"].is_held_back
    assert pd.isna(result.loc["email:ann@solo.com"].linked_components)
    assert members(result.reset_index(), "email:ann@solo.com") == {
        "email:ann@solo.com",
        "edd_customer:77",
        "intercom_contact:77",
        "drip_subscriber:77",
    }


def test_hub_at_the_limit_is_kept():
    nodes, edges = graph(customers_sharing_a_hub(20))
    result = resolve_components(nodes, edges, limits(max_links=20)).set_index("node_id")
    assert not result.is_held_back.any()
    assert result.component_id.nunique() == 1


def test_candidate_touching_few_customers_is_restored():
    # Four neighbours (over a limit of 3) but only two separate components among them.
    nodes, edges = graph(
        [
            ("email:bob@x.com", "ga_visitor:1"),
            ("email:bob@x.com", "ga_visitor:2"),
            ("email:bob@x.com", "ga_visitor:3"),
            ("email:bob@x.com", "ga_visitor:4"),
            ("ga_visitor:1", "edd_customer:1"),
            ("ga_visitor:2", "edd_customer:1"),
            ("ga_visitor:3", "drip_subscriber:1"),
            ("ga_visitor:4", "drip_subscriber:1"),
        ]
    )
    result = resolve_components(nodes, edges, limits(max_links=3)).set_index("node_id")
    bob = result.loc["email:bob@x.com"]
    assert not bob.is_held_back
    assert bob.linked_components == 2
    assert result.linked_components.notna().sum() == 1
    assert result.component_id.nunique() == 1


def test_business_domain_uses_the_domain_limit():
    contacts = [(f"email:p{i}@acme.com", "domain:acme.com") for i in range(8)]
    tools = [(f"email:p{i}@acme.com", f"hubspot_contact:{i}") for i in range(8)]
    nodes, edges = graph(contacts + tools)
    result = resolve_components(nodes, edges, limits(max_links=5, max_domain_links=500))
    assert not result.is_held_back.any()
    assert result.linked_components.isna().all()
    assert result.component_id.nunique() == 1

    strict = resolve_components(nodes, edges, limits(max_links=5, max_domain_links=7))
    held = strict.loc[strict.is_held_back, "node_id"].tolist()
    assert held == ["domain:acme.com"]
    assert strict.component_id.nunique() == 8


def test_performance_200k_nodes():
    nodes, edges = random_graph(200_000, 200_000, seed=2)
    start = time.perf_counter()
    result = resolve_components(nodes, edges, limits())
    seconds = time.perf_counter() - start
    assert len(result) == 200_000
    assert seconds < 10, f"{seconds:.1f} s"


def _partition(labels: pd.Series, keys: pd.Series) -> set[frozenset]:
    """The components as sets of keys (held-back nodes, with no component, left out)."""
    frame = pd.DataFrame({"label": labels.to_numpy(), "key": keys.to_numpy()}).dropna()
    return {frozenset(group.key) for _, group in frame.groupby("label")}


def test_numbered_components_match_the_named_ones():
    nodes, edges = random_graph(3_000, 1_200, seed=11)
    # a hub on 60 separate customers, to exercise the hold-back on both paths
    hub = pd.DataFrame({"node_a": "n:0", "node_b": [f"n:{i}" for i in range(1_000, 1_060)]})
    edges = pd.concat([edges, hub], ignore_index=True)
    named = resolve_components(nodes, edges, limits(max_links=20, max_domain_links=50))

    number = {node_id: i for i, node_id in enumerate(nodes.node_id)}
    numbered_nodes = pd.DataFrame(
        {"node_number": range(len(nodes)), "identifier_type": nodes.identifier_type}
    )
    numbered_edges = pd.DataFrame(
        {"node_a": edges.node_a.map(number), "node_b": edges.node_b.map(number)}
    )
    numbered = resolve_numbered_components(
        numbered_nodes, numbered_edges, limits(max_links=20, max_domain_links=50)
    )

    assert list(numbered.node_number) == list(range(len(nodes)))
    named = named.set_index("node_id").loc[nodes.node_id].reset_index()
    assert _partition(numbered.component_id, numbered.node_number) == _partition(
        named.component_id, named.node_id.map(number)
    )
    assert numbered.is_held_back.sum() >= 1
    assert (numbered.is_held_back.to_numpy() == named.is_held_back.to_numpy()).all()
    assert numbered.linked_components.equals(named.linked_components)
    # a component's id is its smallest node number
    smallest = numbered.groupby("component_id").node_number.min()
    assert (smallest.index == smallest.to_numpy()).all()


def test_numbered_components_reject_bad_numbers():
    nodes = pd.DataFrame({"node_number": [0, 2], "identifier_type": ["email", "email"]})
    edges = pd.DataFrame({"node_a": [0], "node_b": [2]})
    with pytest.raises(ValueError, match="0 .. n-1"):
        resolve_numbered_components(nodes, edges, limits())
    nodes = pd.DataFrame({"node_number": [0, 1], "identifier_type": ["email", "email"]})
    with pytest.raises(ValueError, match="outside"):
        resolve_numbered_components(nodes, pd.DataFrame({"node_a": [0], "node_b": [5]}), limits())
