"""Why two identifiers are one customer: the shortest chain of links between them."""

from __future__ import annotations

import pandas as pd


def explain_link(edges: pd.DataFrame, start: str, end: str) -> pd.DataFrame:
    """The shortest chain of links that puts two identifiers in one customer.

    Parameters
    ----------
    edges : the customer's links, as in `identity_merge_audit`: `node_a`, `node_b` and any
        columns describing the link (e.g. the example record).
    start, end : two node ids, `<type>:<value>`.

    Returns
    -------
    One row per hop, in order from `start` to `end`: `hop`, `from_node`, `to_node` and the
    edge's other columns. Empty when the two are not linked.
    """
    if start == end:
        return pd.DataFrame(columns=["hop", "from_node", "to_node", *edges.columns[2:]])
    neighbours: dict[str, list[tuple[str, int]]] = {}
    for position, (a, b) in enumerate(zip(edges.node_a, edges.node_b, strict=True)):
        neighbours.setdefault(a, []).append((b, position))
        neighbours.setdefault(b, []).append((a, position))
    came_from: dict[str, tuple[str, int]] = {start: (start, -1)}
    frontier = [start]
    while frontier and end not in came_from:
        next_frontier = []
        for node in frontier:
            for other, position in sorted(neighbours.get(node, [])):
                if other not in came_from:
                    came_from[other] = (node, position)
                    next_frontier.append(other)
        frontier = next_frontier
    if end not in came_from:
        return pd.DataFrame(columns=["hop", "from_node", "to_node", *edges.columns[2:]])
    hops = []
    node = end
    while node != start:
        previous, position = came_from[node]
        hops.append((previous, node, position))
        node = previous
    hops.reverse()
    rows = edges.iloc[[position for _, _, position in hops]].drop(columns=["node_a", "node_b"])
    rows.insert(0, "to_node", [to for _, to, _ in hops])
    rows.insert(0, "from_node", [frm for frm, _, _ in hops])
    rows.insert(0, "hop", range(1, len(hops) + 1))
    return rows.reset_index(drop=True)
