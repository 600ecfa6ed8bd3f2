"""Identity resolution: customers as connected components of the identifier graph.

Nodes are identifiers (an email, a domain, a tool's customer id); an edge joins two identifiers
seen together in one source record, with the evidence that record gives (`EVIDENCE`: its own
identifiers, another tool's account id, a CRM association, a shared session). Each connected
component is one customer, except that:

- an identifier linking too many otherwise separate customers (a shared agency inbox) is held
  back rather than allowed to merge them;
- links weaker than a record's own identity apply after the strong ones, strongest first, and
  only within limits per identifier type (`IdentitySettings.link_limits`): a union that would
  give a customer two values of a limited type (two business domains joined through a CRM
  association alone, two shop accounts through one web visitor) is refused. A refused link is
  a relationship between two customers, not a merge.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
from scipy.sparse import csr_array
from scipy.sparse.csgraph import connected_components

from hvc.identity.settings import EVIDENCE, IdentitySettings

HELD_BACK_LINKS_TOO_MANY = "links_too_many_customers"

COMPONENT_COLUMNS = [
    "node_id",
    "component_id",
    "is_held_back",
    "held_back_reason",
    "linked_components",
]

# Nodes are numbered in order of a 64-bit hash of `node_id` (ties by `node_id`): an order that
# does not depend on row order and, unlike sorting ten million strings, costs seconds. DuckDB
# hashes (multi-threaded, from Arrow tables, which it reads without copying); numpy does the
# rest on integers. Should two different ids share a hash, the exact path numbers and joins
# the strings in DuckDB instead: same order, slower, more memory.
_HASH = "hash({})"

_NODE_HASH_SQL = "select {node_hash} as node_hash, identifier_type from nodes_in"

_EDGE_HASH_SQL = "select {a_hash} as a, {b_hash} as b, rank, weight from edges_in"

_INDEX_NODES_SQL = """
create temp table node_index as
select
    node_id,
    identifier_type,
    (row_number() over by_hash - 1)::bigint as node_index,
    coalesce(node_id = lag(node_id) over by_hash, false) as is_repeat
from nodes_in
window by_hash as (order by {node_hash}, node_id)
order by node_index
"""

_ENCODE_EDGES_SQL = """
select side_a.node_index as a, side_b.node_index as b, edges_in.rank, edges_in.weight
from edges_in
inner join node_index as side_a on edges_in.node_a = side_a.node_id
inner join node_index as side_b on edges_in.node_b = side_b.node_id
"""


@dataclass(frozen=True)
class Graph:
    """An identity graph on nodes numbered `0 .. n-1`.

    Attributes
    ----------
    node_type : the identifier type of node `i` (object array of str).
    low, high : int64 arrays of the distinct undirected edges, `low < high`.
    rank : int64 array, each edge's evidence as its position in `EVIDENCE` (0 = own).
    weight : int64 array, each edge's record count (more records apply first).
    """

    node_type: np.ndarray
    low: np.ndarray
    high: np.ndarray
    rank: np.ndarray
    weight: np.ndarray

    @classmethod
    def collapsed(
        cls,
        node_type: np.ndarray,
        a: np.ndarray,
        b: np.ndarray,
        rank: np.ndarray,
        weight: np.ndarray,
    ) -> Graph:
        """The graph of edges `a`-`b` with self-loops dropped and each pair once (either
        direction): its strongest evidence and its summed weight."""
        n = len(node_type)
        keys = np.minimum(a, b) * n + np.maximum(a, b)
        # one sort of pair and rank together (n * n * 4 fits 64 bits up to 1.5e9 nodes)
        order = np.argsort(keys * len(EVIDENCE) + rank)
        keys, rank, weight = keys[order], rank[order], weight[order]
        starts = np.flatnonzero(np.concatenate(([len(keys) > 0], keys[1:] != keys[:-1])))
        low, high = np.divmod(keys[starts], n) if n else (keys, keys)
        summed = np.add.reduceat(weight, starts) if len(starts) else weight[:0]
        loop = low == high
        return cls(
            node_type=node_type,
            low=low[~loop],
            high=high[~loop],
            rank=rank[starts][~loop],
            weight=summed[~loop],
        )


def _edge_columns(edges: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Each edge's evidence rank (`evidence_rank`, or from `evidence`, default own) and
    weight (`record_count`, default 1)."""
    if "evidence_rank" in edges:
        rank = edges["evidence_rank"].to_numpy(dtype=np.int64)
        if len(rank) and (rank.min() < 0 or rank.max() >= len(EVIDENCE)):
            raise ValueError(f"edges.evidence_rank must be 0 .. {len(EVIDENCE) - 1}")
    elif "evidence" in edges:
        unknown = sorted(set(edges["evidence"].dropna()) - set(EVIDENCE))
        if unknown or edges["evidence"].isna().any():
            raise ValueError(f"edges.evidence must be one of {EVIDENCE}, not {unknown or 'null'}")
        rank = pd.Categorical(edges["evidence"], categories=EVIDENCE).codes.astype(np.int64)
    else:
        rank = np.zeros(len(edges), dtype=np.int64)
    if "record_count" in edges:
        weight = edges["record_count"].to_numpy(dtype=np.int64)
    else:
        weight = np.ones(len(edges), dtype=np.int64)
    return rank, weight


def encode_graph(nodes: pd.DataFrame, edges: pd.DataFrame) -> tuple[pd.Series, Graph]:
    """Number the nodes `0 .. n-1` in a row-order-free order and give edges as number pairs.

    Parameters
    ----------
    nodes : DataFrame with unique, non-null `node_id` and `identifier_type`.
    edges : DataFrame with `node_a`, `node_b`, optionally `evidence` (one of `EVIDENCE`, default
        own) and `record_count` (default 1). Edges with an endpoint that is not a node are
        dropped; self-loops are removed and a pair given several times (in either direction)
        is one edge with its strongest evidence and its summed record count.

    Returns
    -------
    node_ids : the node ids in number order, ordered by a hash of `node_id`, then `node_id`.
    graph : the numbered graph.
    """
    if nodes["node_id"].isna().any():
        raise ValueError("nodes.node_id has nulls")
    rank, weight = _edge_columns(edges)
    nodes_in = pa.Table.from_pandas(nodes[["node_id", "identifier_type"]], preserve_index=False)
    edges_in = pa.table(
        {
            "node_a": pa.array(edges["node_a"], type=pa.string()),
            "node_b": pa.array(edges["node_b"], type=pa.string()),
            "rank": rank,
            "weight": weight,
        }
    )
    with duckdb.connect() as con:
        con.register("nodes_in", nodes_in)
        con.register("edges_in", edges_in)
        encoded = _encode_by_hash(con, nodes_in)
        if encoded is None:
            encoded = _encode_exact(con)
    ids, node_type, a, b, rank, weight = encoded
    node_ids = pd.Series(ids.to_pandas(), name="node_id").astype("str")
    return node_ids, Graph.collapsed(node_type, a, b, rank, weight)


Encoded = tuple[pa.Array, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def _encode_by_hash(con: duckdb.DuckDBPyConnection, nodes_in: pa.Table) -> Encoded | None:
    """Number nodes by hash order and map edge ends by hash; None if two node hashes tie."""
    hashed = con.execute(_NODE_HASH_SQL.format(node_hash=_HASH.format("node_id"))).fetchnumpy()
    node_hash = np.asarray(hashed["node_hash"])
    order = np.argsort(node_hash)  # hashes are distinct, or the exact path runs
    sorted_hash = node_hash[order]
    if (sorted_hash[1:] == sorted_hash[:-1]).any():
        return None
    edge_hash = con.execute(
        _EDGE_HASH_SQL.format(a_hash=_HASH.format("node_a"), b_hash=_HASH.format("node_b"))
    ).fetchnumpy()
    lookup = pd.Index(sorted_hash)
    a = lookup.get_indexer(np.asarray(edge_hash["a"])).astype(np.int64)
    b = lookup.get_indexer(np.asarray(edge_hash["b"])).astype(np.int64)
    known = (a >= 0) & (b >= 0)
    node_type = np.asarray(hashed["identifier_type"], dtype=object)[order]
    return (
        nodes_in["node_id"].take(order).combine_chunks(),
        node_type,
        a[known],
        b[known],
        np.asarray(edge_hash["rank"], dtype=np.int64)[known],
        np.asarray(edge_hash["weight"], dtype=np.int64)[known],
    )


def _encode_exact(con: duckdb.DuckDBPyConnection) -> Encoded:
    """Number nodes in the same order as `_encode_by_hash`, joining edge ends on the strings."""
    con.execute(_INDEX_NODES_SQL.format(node_hash=_HASH.format("node_id")))
    (repeats,) = con.execute("select count(*) from node_index where is_repeat").fetchone()
    if repeats:
        raise ValueError(f"nodes.node_id is not unique ({repeats} repeated ids)")
    ordered = con.execute("select node_id, identifier_type, node_index from node_index")
    ordered = ordered.to_arrow_table()
    # The table was written in number order; reading it back needs no second sort.
    number = ordered["node_index"].to_numpy()
    if not np.array_equal(number, np.arange(len(number))):
        ordered = ordered.take(np.argsort(number))
    pairs = con.execute(_ENCODE_EDGES_SQL).fetchnumpy()
    return (
        ordered["node_id"].combine_chunks(),
        np.asarray(ordered["identifier_type"].to_pylist(), dtype=object),
        np.asarray(pairs["a"], dtype=np.int64),
        np.asarray(pairs["b"], dtype=np.int64),
        np.asarray(pairs["rank"], dtype=np.int64),
        np.asarray(pairs["weight"], dtype=np.int64),
    )


def component_labels(n: int, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """Connected components of an undirected graph, labelled by their smallest node index.

    Parameters
    ----------
    n : number of nodes (indices `0 .. n-1`).
    low, high : int arrays, the edges.

    Returns
    -------
    int64 array: for each node, the smallest node index in its component.
    """
    if n == 0:
        return np.empty(0, dtype=np.int64)
    graph = csr_array((np.ones(len(low), dtype=np.int8), (low, high)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    smallest = np.full(labels.max() + 1, n, dtype=np.int64)
    np.minimum.at(smallest, labels, np.arange(n, dtype=np.int64))
    return smallest[labels]


def resolve_components(
    nodes: pd.DataFrame, edges: pd.DataFrame, settings: IdentitySettings
) -> pd.DataFrame:
    """Group identifier nodes into customers, holding back hubs that would over-merge and
    refusing weak links that would break a limit.

    1. Candidate hubs: nodes with more distinct neighbours than their type's limit
       (`settings.max_domain_links` for `domain`, `settings.max_links` for every other type).
    2. Connected components of the graph without the candidates.
    3. For each candidate, `linked_components` = the number of distinct components among its
       non-candidate neighbours. A candidate touching more than its limit is held back
       (reason `links_too_many_customers`); the other candidates are restored.
    4. Components of the `own` links without the held-back nodes (a held-back node belongs to
       no component).
    5. The weaker links, strongest evidence first, then most records first, then by node
       number: each joins its two components unless both already hold an identifier of a type
       that `settings.link_limits` limits for its evidence; then it is refused.

    Nodes are numbered in order of a 64-bit hash of `node_id`, ties by `node_id`; a
    component's id is the smallest number among its nodes, so the result does not depend on
    row order. It is not stable across builds
    when the set of nodes changes: derive lasting keys from the component's members.
    Restored candidates are not re-checked together: two restored hubs joined to each other
    can still join up to twice their limit of components.

    Parameters
    ----------
    nodes : one row per node: `node_id` (unique, not null), `identifier_type`.
    edges : one row per undirected pair: `node_a`, `node_b`, optionally `evidence` (one of
        `EVIDENCE`; own when absent) and `record_count` (1 when absent). Pairs naming a node
        that is not in `nodes` are ignored.
    settings : the limits above.

    Returns
    -------
    DataFrame, one row per node in number order (the same for any row order of the input):
    `node_id`, `component_id` (Int64, null when held back), `is_held_back`,
    `held_back_reason`, `linked_components` (Int64, null unless the node was a candidate).
    """
    node_ids, graph = encode_graph(nodes, edges)
    resolved = _resolve(graph, settings)
    resolved.insert(0, "node_id", node_ids)
    return resolved[COMPONENT_COLUMNS]


def resolve_numbered_components(
    nodes: pd.DataFrame, edges: pd.DataFrame, settings: IdentitySettings
) -> pd.DataFrame:
    """`resolve_components` for nodes already numbered `0 .. n-1` (as the warehouse numbers them).

    Parameters
    ----------
    nodes : one row per node: `node_number` (each of `0 .. n-1` once), `identifier_type`.
    edges : `node_a`, `node_b`: node numbers; optionally `evidence` and `record_count` as in
        `resolve_components`. Self-loops are removed; a pair given several times (in either
        direction) is one edge with its strongest evidence and summed record count.
    settings : the limits, as in `resolve_components`.

    Returns
    -------
    DataFrame, one row per node in number order: `node_number`, then the columns of
    `resolve_components` after `node_id`. A component's id is its smallest node number.
    """
    number = nodes["node_number"].to_numpy(dtype=np.int64)
    n = len(number)
    if not np.array_equal(np.sort(number), np.arange(n)):
        raise ValueError("nodes.node_number is not 0 .. n-1, each once")
    node_type = np.empty(n, dtype=object)
    node_type[number] = nodes["identifier_type"].to_numpy(dtype=object)
    a = edges["node_a"].to_numpy(dtype=np.int64)
    b = edges["node_b"].to_numpy(dtype=np.int64)
    if len(a) and (min(a.min(), b.min()) < 0 or max(a.max(), b.max()) >= n):
        raise ValueError("edges name node numbers outside 0 .. n-1")
    rank, weight = _edge_columns(edges)
    resolved = _resolve(Graph.collapsed(node_type, a, b, rank, weight), settings)
    resolved.insert(0, "node_number", np.arange(n, dtype=np.int64))
    return resolved


def _resolve(graph: Graph, settings: IdentitySettings) -> pd.DataFrame:
    """The hub guard, the strong components and the limited weak links on a numbered graph;
    see `resolve_components`."""
    low, high = graph.low, graph.high
    n = len(graph.node_type)
    is_domain = graph.node_type == "domain"
    degree = np.bincount(low, minlength=n) + np.bincount(high, minlength=n)
    limit = np.where(is_domain, settings.max_domain_links, settings.max_links)
    candidate = degree > limit

    without_candidates = component_labels(n, *_edges_avoiding(candidate, low, high))
    linked = _components_touched(candidate, without_candidates, low, high)
    held_back = candidate & (linked > limit)

    usable = ~(held_back[low] | held_back[high])
    strong = usable & (graph.rank == 0)
    labels = component_labels(n, low[strong], high[strong])
    weak = np.flatnonzero(usable & (graph.rank > 0) & (labels[low] != labels[high]))
    final = _join_by_weak_links(graph, labels, weak, settings.link_limits)

    reason = pd.Series(pd.NA, index=range(n), dtype="str")
    reason[held_back] = HELD_BACK_LINKS_TOO_MANY
    return pd.DataFrame(
        {
            "component_id": pd.arrays.IntegerArray(final, held_back.copy()),
            "is_held_back": held_back,
            "held_back_reason": reason,
            "linked_components": pd.arrays.IntegerArray(linked, ~candidate),
        }
    )


def _join_by_weak_links(
    graph: Graph,
    labels: np.ndarray,
    weak: np.ndarray,
    link_limits: Mapping[str, tuple[str, ...]],
) -> np.ndarray:
    """The components after the `weak` edges (positions in `graph`, between different
    `labels`) that keep within the limits: in order of evidence, then record count (most
    first), then node numbers, a union-find over the components refuses an edge when both
    sides already hold an identifier of a type its evidence limits.

    A label is its component's smallest node number and a union keeps the smaller label, so
    the result labels each node with its final component's smallest node number.
    """
    if not len(weak):
        return labels
    types = sorted(set(graph.node_type))
    bit = {name: 1 << position for position, name in enumerate(types)}
    node_bits = np.zeros(len(labels), dtype=np.int64)
    for name, value in bit.items():
        node_bits[graph.node_type == name] = value
    held = np.zeros(len(labels), dtype=np.int64)
    np.bitwise_or.at(held, labels, node_bits)
    limited = [sum(bit.get(name, 0) for name in link_limits.get(level, ())) for level in EVIDENCE]

    order = np.lexsort((graph.high[weak], graph.low[weak], -graph.weight[weak], graph.rank[weak]))
    side_a = labels[graph.low[weak]][order].tolist()
    side_b = labels[graph.high[weak]][order].tolist()
    ranks = graph.rank[weak][order].tolist()
    parent: dict[int, int] = {}
    holds: dict[int, int] = {}

    def root(label: int) -> int:
        path = []
        while label in parent:
            path.append(label)
            label = parent[label]
        for step in path:
            parent[step] = label
        return label

    for a, b, rank in zip(side_a, side_b, ranks, strict=True):
        a, b = root(a), root(b)
        if a == b:
            continue
        held_a = holds.get(a, int(held[a]))
        held_b = holds.get(b, int(held[b]))
        if held_a & held_b & limited[rank]:
            continue
        keep, gone = min(a, b), max(a, b)
        parent[gone] = keep
        holds[keep] = held_a | held_b
    to_root = np.arange(len(labels), dtype=np.int64)
    merged = np.fromiter(parent, dtype=np.int64, count=len(parent))
    to_root[merged] = [root(label) for label in merged.tolist()]
    return to_root[labels]


def _edges_avoiding(
    removed: np.ndarray, low: np.ndarray, high: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The edges with neither end among the `removed` nodes."""
    keep = ~(removed[low] | removed[high])
    return low[keep], high[keep]


def _components_touched(
    candidate: np.ndarray, labels: np.ndarray, low: np.ndarray, high: np.ndarray
) -> np.ndarray:
    """Per node: distinct components among its non-candidate neighbours (0 if not candidate)."""
    n = len(candidate)
    one_side = candidate[low] != candidate[high]
    hub = np.where(candidate[low], low, high)[one_side]
    other = np.where(candidate[low], high, low)[one_side]
    distinct, _ = _distinct(hub * n + labels[other])
    return np.bincount(distinct // n, minlength=n) if n else np.zeros(0, dtype=np.int64)


def _distinct(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sorted distinct values and their counts (`np.unique` is many times slower here)."""
    ordered = np.sort(values)
    starts = np.flatnonzero(np.concatenate(([len(ordered) > 0], ordered[1:] != ordered[:-1])))
    counts = np.diff(np.append(starts, len(ordered)))
    return ordered[starts], counts
