"""One row per identifier node: its customer component, or why it was held back."""

from hvc.identity import IdentitySettings, resolve_numbered_components


def model(dbt, session):
    dbt.config(materialized="table")
    settings = IdentitySettings.from_dbt(dbt.config.get("settings"))
    nodes = dbt.ref("int_identity__nodes")
    numbers = nodes.select("node_key, node_number")
    edges = (
        dbt.ref("int_identity__edges")
        .join(numbers.select("node_key as node_a_key, node_number as node_a"), "node_a_key")
        .join(numbers.select("node_key as node_b_key, node_number as node_b"), "node_b_key")
        .select("node_a, node_b, evidence_rank, record_count")
    )
    return resolve_numbered_components(
        nodes.select("node_number, identifier_type").df(), edges.df(), settings
    )
