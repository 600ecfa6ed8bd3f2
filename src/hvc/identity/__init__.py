"""Identity resolution: customers as connected components of the identifier graph.

- `settings`: `IdentitySettings`, from the vars `identity_*`;
- `components`: the graph's connected components, with the hub guard and the limits on weak
  links;
- `scores`: pairwise precision and recall, and the warehouse graded against the demo's truth;
- `explain`: the chain of links that puts two identifiers in one customer.
"""

from hvc import IMPORT_LOCK

# One package at a time: see hvc.IMPORT_LOCK.
with IMPORT_LOCK:
    from hvc.identity.components import (
        COMPONENT_COLUMNS,
        HELD_BACK_LINKS_TOO_MANY,
        component_labels,
        encode_graph,
        resolve_components,
        resolve_numbered_components,
    )
    from hvc.identity.explain import explain_link
    from hvc.identity.scores import (
        CROSS_TOOL_IDENTIFIERS,
        identity_items,
        identity_scores,
        pairwise_scores,
    )
    from hvc.identity.settings import EVIDENCE, IdentitySettings

__all__ = [
    "COMPONENT_COLUMNS",
    "CROSS_TOOL_IDENTIFIERS",
    "EVIDENCE",
    "HELD_BACK_LINKS_TOO_MANY",
    "IdentitySettings",
    "component_labels",
    "encode_graph",
    "explain_link",
    "identity_items",
    "identity_scores",
    "pairwise_scores",
    "resolve_components",
    "resolve_numbered_components",
]
