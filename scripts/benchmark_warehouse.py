"""Build the warehouse on a generated world and print where the time and memory go.

Generates a world (or reuses one), stages it with `dbt run` into a fresh DuckDB file (or copies
an already staged file), then times identity resolution alone: one `dbt run` of every model in
models/intermediate/identity, python_models/identity and models/marts/identity, with the peak
memory of that dbt process. Prints the time of each identity model and the identity scores
against the world's truth. Models only: data tests at this size measure the disk, not the
models. Not a test: run it by hand, e.g.

    .venv/bin/python scripts/benchmark_warehouse.py --customers 100000 --seed 1
    .venv/bin/python scripts/benchmark_warehouse.py --world /tmp/w1m --memory-limit 4GiB \
        --threads 1
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from pathlib import Path

from _timing import timed

from hvc import dbt

IDENTITY = [
    "path:models/intermediate/identity",
    "path:python_models/identity",
    "path:models/marts/identity",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--world", type=Path, help="reuse (or create) the world in this folder")
    parser.add_argument(
        "--staged", type=Path, help="copy this DuckDB file, already staged from --world"
    )
    parser.add_argument("--memory-limit", help="DuckDB memory_limit, e.g. 4GiB (HVC_MEMORY_LIMIT)")
    parser.add_argument(
        "--threads", type=int, help="dbt threads (HVC_THREADS; the profile's default is 2)"
    )
    parser.add_argument("--select", default=" ".join(IDENTITY), help="models to time")
    parser.add_argument(
        "--scores",
        action=argparse.BooleanOptionalAction,
        help="score identity against the truth (default: up to 5 M raw rows; the scoring holds "
        "every record in pandas, over 24 GiB at 33 M)",
    )
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="hvc-bench-"))
    world = args.world or scratch / "world"
    if not (world / "manifest.json").exists():
        from hvc.generate import generate_world

        start = time.perf_counter()
        generate_world(world, n_customers=args.customers, seed=args.seed)
        print(f"generated {args.customers:,} customers in {time.perf_counter() - start:.1f} s")
    manifest = json.loads((world / "manifest.json").read_text())
    rows = sum(table["rows"] for table in manifest["tables"].values())

    # views name their catalog, the file's stem: a copy keeps the name
    database = scratch / (args.staged.name if args.staged else "warehouse.duckdb")
    extra = {}
    if args.memory_limit:
        extra["HVC_MEMORY_LIMIT"] = args.memory_limit
    if args.threads:
        extra["HVC_THREADS"] = str(args.threads)
    env = dbt.dbt_env(database, world / "raw", extra)

    def command(*arguments: str) -> list[str]:
        return dbt.dbt_command(arguments, scratch / "target", scratch / "logs")

    print(
        f"{manifest['n_customers']:,} customers (seed {manifest['seed']}), {rows:,} raw rows; "
        f"memory limit {args.memory_limit or '4GiB (the default)'}; "
        f"dbt threads {args.threads or 'profile default'}; scratch {scratch}"
    )
    if args.staged:
        shutil.copy(args.staged, database)
        # parse once, as seeds and staging do otherwise: the timed run then reuses the parse
        timed(command("parse"), env, scratch / "parse.log")
    else:
        seconds, peak = timed(command("seed"), env, scratch / "seed.log")
        seconds, peak = timed(command("run", "--select", "staging"), env, scratch / "staging.log")
        print(f"staging: dbt run {seconds:.1f} s, peak RSS {peak:,.0f} MiB")

    seconds, peak = timed(
        command("run", "--select", *args.select.split()), env, scratch / "run.log"
    )
    timings = sorted(
        dbt.node_seconds(dbt.run_results(scratch / "target")).items(), key=lambda item: -item[1]
    )
    models = sum(t for _, t in timings)
    print(
        f"selected models: dbt run {seconds:.1f} s wall ({models:.1f} s in the models, the rest "
        f"is dbt's start-up), peak RSS of dbt {peak:,.0f} MiB"
    )
    for name, elapsed in timings[:15]:
        print(f"  {elapsed:7.1f} s  {name}")

    if not (args.scores if args.scores is not None else rows <= 5_000_000):
        print("identity scores: skipped (--scores to compute them)")
        return
    from hvc.identity import identity_scores

    scores = identity_scores(database, world / "truth")
    print(scores[["scope", "precision", "recall", "f1", "exact_share", "items"]].to_string())


if __name__ == "__main__":
    main()
