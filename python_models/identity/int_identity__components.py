"""One row per identifier node: its customer component, or why it was held back."""

from hvc.identity import COMPONENT_COLUMNS, resolve_components


def model(dbt, session):
    dbt.config(materialized="table")
    # Config values set from vars in YAML arrive as strings.
    max_links = int(dbt.config.get("max_links", 20))
    max_domain_links = int(dbt.config.get("max_domain_links", 500))
    nodes = dbt.ref("int_identity__nodes").select("node_id, identifier_type").df()
    edges = dbt.ref("int_identity__edges").select("node_a, node_b").df()
    components = resolve_components(
        nodes, edges, max_links=max_links, max_domain_links=max_domain_links
    )
    return components[COMPONENT_COLUMNS]
