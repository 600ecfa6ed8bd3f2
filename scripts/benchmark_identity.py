"""Time identity resolution on a synthetic identifier graph shaped like the real one.

Per customer: an email, its company's domain (shared by the company's contacts), 3-5 tool ids
and 5-10 GA visitor ids, each linked to the email; plus agency inboxes each linked to 50
customers, which must be held back. The graph is written to Parquet, then read and resolved in a
fresh process, which prints seconds in `resolve_components` and its peak resident memory.
Not a test: run it by hand, e.g.
``.venv/bin/python scripts/benchmark_identity.py --customers 1000000``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import duckdb

CONTACTS_PER_COMPANY = 4
HUB_CUSTOMERS = 50

_GRAPH_SQL = """
create temp table links as
with
customers as (
    select range as customer, 'email:c' || range || '@company' || (range // {per_company})
        || '.com' as email
    from range({customers})
),
tool_types as (
    select * from (values
        (0, 'edd_customer'), (1, 'helpscout_customer'), (2, 'intercom_contact'),
        (3, 'drip_subscriber'), (4, 'hubspot_contact')
    ) as t(tool, identifier_type)
),
domains as (
    select email, 'domain:company' || (customer // {per_company}) || '.com' as node_id,
        'domain' as identifier_type
    from customers
),
tools as (
    select customers.email, tool_types.identifier_type || ':' || customers.customer as node_id,
        tool_types.identifier_type
    from customers
    cross join tool_types
    where tool_types.tool < 3 + customers.customer % 3
),
visitors as (
    select customers.email, 'ga_visitor:' || customers.customer || '.' || visit.range as node_id,
        'ga_visitor' as identifier_type
    from customers
    cross join range(10) as visit
    where visit.range < 5 + customers.customer % 6
),
hubs as (
    select 'email:inbox' || hub.range || '@agency.com' as email,
        'edd_customer:' || ((hub.range * {hub_customers} + member.range) * 7919 % {customers})
            as node_id,
        'edd_customer' as identifier_type
    from range({hubs}) as hub
    cross join range({hub_customers}) as member
)
select * from domains
union all select * from tools
union all select * from visitors
union all select * from hubs
"""


CHILD = """
import json, resource, sys, time
import pandas as pd
from hvc.identity import IdentitySettings, resolve_components
nodes = pd.read_parquet(sys.argv[1])
edges = pd.read_parquet(sys.argv[2])
loaded_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
result = resolve_components(nodes, edges, IdentitySettings.from_project())
seconds = time.perf_counter() - start
print(json.dumps({
    "seconds": seconds,
    "peak_rss_after_load_mib": loaded_kib / 1024,
    "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "nodes": len(nodes),
    "edges": len(edges),
    "components": int(result.component_id.nunique()),
    "held_back": int(result.is_held_back.sum()),
    "largest_component": int(result.component_id.value_counts().max()),
}))
"""


def write_graph(customers: int, hubs: int, out: Path) -> tuple[Path, Path]:
    """Write the test graph as `nodes.parquet` (`node_id`, `identifier_type`) and
    `edges.parquet` (`node_a`, `node_b`) under `out`."""
    nodes_path, edges_path = out / "nodes.parquet", out / "edges.parquet"
    with duckdb.connect() as con:
        con.execute(
            _GRAPH_SQL.format(
                customers=customers,
                per_company=CONTACTS_PER_COMPANY,
                hubs=hubs,
                hub_customers=HUB_CUSTOMERS,
            )
        )
        con.execute(
            f"""
            copy (
                select distinct email as node_id, 'email' as identifier_type from links
                union all
                select distinct node_id, identifier_type from links
            ) to '{nodes_path}' (format parquet)
            """
        )
        con.execute(
            f"""
            copy (
                select distinct least(email, node_id) as node_a,
                    greatest(email, node_id) as node_b
                from links
            ) to '{edges_path}' (format parquet)
            """
        )
    return nodes_path, edges_path


def main() -> None:
    """Write the graph, resolve it in a fresh process and print the measurements."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--hubs", type=int, default=500)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="hvc-bench-identity-") as tmp:
        paths = write_graph(args.customers, args.hubs, Path(tmp))
        done = subprocess.run(
            [sys.executable, "-c", CHILD, *map(str, paths)],
            check=True,
            capture_output=True,
            text=True,
        )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    companies = -(-args.customers // CONTACTS_PER_COMPANY)
    print(f"graph: {result['nodes']:,} nodes, {result['edges']:,} edges")
    print(
        f"resolve_components: {result['seconds']:.1f} s; peak RSS "
        f"{result['peak_rss_after_load_mib']:,.0f} MiB with the frames loaded, "
        f"{result['peak_rss_mib']:,.0f} MiB at the end"
    )
    print(
        f"components {result['components']:,} (expected {companies:,}), "
        f"held back {result['held_back']:,} (expected {args.hubs:,}), "
        f"largest component {result['largest_component']:,} nodes"
    )


if __name__ == "__main__":
    main()
