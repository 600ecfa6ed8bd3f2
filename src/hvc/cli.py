"""The `hvc` command: generate the demo company, build the warehouse, summarise it."""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

from hvc import __version__, dbt

DEFAULT_DEMO_DIR = Path("data/demo")


def warehouse_path() -> Path:
    """The DuckDB file dbt writes, as profiles.yml resolves it."""
    default = (
        "warehouse/ci.duckdb" if os.environ.get("HVC_TARGET") == "ci" else "warehouse/hvc.duckdb"
    )
    return Path(os.environ.get("HVC_DUCKDB_PATH", default))


def run_dbt(args: list[str], raw_dir: Path | None = None) -> int:
    """Run a dbt command in the project, its output on this terminal; returns dbt's exit code."""
    print("hvc: " + " ".join([dbt.dbt_executable(), *args]), file=sys.stderr, flush=True)
    return dbt.run_dbt(args, raw_dir=raw_dir, capture=False).returncode


def cmd_generate(ns: argparse.Namespace) -> int:
    """`hvc generate`: write a world's raw exports and truth to a folder."""
    from hvc.generate import generate_world
    from hvc.progress import StderrProgress

    out = Path(ns.out)
    if out.exists() and any(out.iterdir()):
        if not ns.force:
            print(f"hvc: {out} is not empty; pass --force to replace it", file=sys.stderr)
            return 2
        shutil.rmtree(out)
    manifest = generate_world(
        out, n_customers=ns.customers, seed=ns.seed, progress=StderrProgress()
    )
    rows = sum(table["rows"] for table in manifest["tables"].values())
    print(f"hvc: wrote {rows:,} raw rows for {ns.customers:,} customers to {out}", file=sys.stderr)
    return 0


def cmd_build(ns: argparse.Namespace) -> int:
    """`hvc build`: dbt build, extra arguments passed on."""
    warehouse_path().parent.mkdir(parents=True, exist_ok=True)
    return run_dbt(["build", *ns.dbt_args])


def cmd_summary(ns: argparse.Namespace) -> int:
    """`hvc summary`: print the warehouse's summary."""
    from hvc.summary import print_summary

    return print_summary(warehouse_path())


def cmd_explain(ns: argparse.Namespace) -> int:
    """`hvc explain`: print the chain of links between two identifiers."""
    import duckdb

    from hvc.identity import explain_link

    with duckdb.connect(str(warehouse_path()), read_only=True) as con:
        found = con.execute(
            "select customer_key from intermediate.int_identity__node_customers where node_id = ?",
            [ns.first],
        ).fetchone()
        if found is None:
            print(f"hvc: {ns.first} links to nothing (see data_quality.identity_quarantine)")
            return 1
        edges = con.execute(
            "select node_a, node_b, record_count, example_source_name, example_table_name, "
            "example_record_id from data_quality.identity_merge_audit "
            "where customer_key = ? order by node_a, node_b",
            [found[0]],
        ).df()
    path = explain_link(edges, ns.first, ns.second)
    if path.empty:
        print(f"hvc: {ns.first} and {ns.second} are not in one customer")
        return 1
    print(f"customer {found[0]}: {len(path)} link(s)")
    for row in path.itertuples(index=False):
        print(
            f"  {row.hop}. {row.from_node} -- {row.to_node}: {row.record_count} record(s), "
            f"e.g. {row.example_source_name}.{row.example_table_name} {row.example_record_id}"
        )
    return 0


def cmd_demo(ns: argparse.Namespace) -> int:
    """`hvc demo`: generate (or reuse) the demo, build it, score identity, summarise."""
    out = DEFAULT_DEMO_DIR
    manifest = out / "manifest.json"
    if ns.force or _manifest_world(manifest) != (ns.customers, ns.seed):
        ns.out, ns.force = str(out), True
        code = cmd_generate(ns)
        if code:
            return code
    else:
        print(f"hvc: reusing the demo data in {out} (--force to regenerate)", file=sys.stderr)
    warehouse_path().parent.mkdir(parents=True, exist_ok=True)
    code = run_dbt(["build"], raw_dir=out / "raw")
    if code:
        print("hvc: dbt build failed; see the log above", file=sys.stderr)
        return code
    from hvc.identity import identity_scores

    identity_scores(warehouse_path(), out / "truth")
    return cmd_summary(ns)


def _manifest_world(manifest: Path) -> tuple[int, int] | None:
    """(customers, seed) of the generated world in a folder, or None."""
    import json

    try:
        written = json.loads(manifest.read_text())
        return int(written["n_customers"]), int(written["seed"])
    except (OSError, KeyError, ValueError):
        return None


def build_parser() -> argparse.ArgumentParser:
    """The `hvc` command line and its subcommands."""
    parser = argparse.ArgumentParser(prog="hvc", description=__doc__)
    parser.add_argument("--version", action="version", version=f"hvc {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    gen = sub.add_parser("generate", help="write the demo company's raw exports and ground truth")
    gen.add_argument("--out", default=str(DEFAULT_DEMO_DIR), help="output folder (data/demo)")
    gen.add_argument("--customers", type=int, default=5000, help="number of customers (5000)")
    gen.add_argument("--seed", type=int, default=42, help="random seed (42)")
    gen.add_argument("--force", action="store_true", help="replace a non-empty output folder")
    gen.set_defaults(func=cmd_generate)

    build = sub.add_parser("build", help="run dbt build (extra arguments go to dbt)")
    build.add_argument("dbt_args", nargs=argparse.REMAINDER)
    build.set_defaults(func=cmd_build)

    summary = sub.add_parser("summary", help="print row counts and data quality of the warehouse")
    summary.set_defaults(func=cmd_summary)

    explain = sub.add_parser(
        "explain", help="show the chain of records that put two identifiers in one customer"
    )
    explain.add_argument("first", help="an identifier, e.g. email:ann@brightlane.com")
    explain.add_argument("second", help="another identifier, e.g. edd_customer:17")
    explain.set_defaults(func=cmd_explain)

    demo = sub.add_parser("demo", help="generate the demo data, build the warehouse, summarise")
    demo.add_argument("--customers", type=int, default=5000, help="number of customers (5000)")
    demo.add_argument("--seed", type=int, default=42, help="random seed (42)")
    demo.add_argument("--force", action="store_true", help="regenerate the demo data")
    demo.set_defaults(func=cmd_demo)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the `hvc` command; returns its exit code."""
    ns = build_parser().parse_args(argv)
    return ns.func(ns)


if __name__ == "__main__":
    raise SystemExit(main())
