"""One row per identifier node: its customer component, or why it was held back."""

from hvc.identity import resolve_numbered_components


def model(dbt, session):
    dbt.config(materialized="table")
    # Config values set from vars in YAML arrive as strings.
    max_links = int(dbt.config.get("max_links", 20))
    max_domain_links = int(dbt.config.get("max_domain_links", 500))
    nodes = dbt.ref("int_identity__nodes")
    numbers = nodes.select("node_key, node_number")
    edges = (
        dbt.ref("int_identity__edges")
        .join(numbers.select("node_key as node_a_key, node_number as node_a"), "node_a_key")
        .join(numbers.select("node_key as node_b_key, node_number as node_b"), "node_b_key")
        .select("node_a, node_b")
    )
    return resolve_numbered_components(
        nodes.select("node_number, identifier_type = 'domain' as is_domain").df(),
        edges.df(),
        max_links=max_links,
        max_domain_links=max_domain_links,
    )
