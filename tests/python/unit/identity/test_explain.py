"""hvc.identity.explain: the shortest chain of links between two identifiers."""

from __future__ import annotations

import pandas as pd


def test_explain_link_returns_the_shortest_chain_of_records() -> None:
    from hvc.identity import explain_link

    edges = pd.DataFrame(
        {
            "node_a": ["a", "b", "c", "a"],
            "node_b": ["b", "c", "d", "x"],
            "record": ["r1", "r2", "r3", "r4"],
        }
    )
    path = explain_link(edges, "a", "d")
    assert path.to_dict("list") == {
        "hop": [1, 2, 3],
        "from_node": ["a", "b", "c"],
        "to_node": ["b", "c", "d"],
        "record": ["r1", "r2", "r3"],
    }
    assert explain_link(edges, "a", "nowhere").empty
