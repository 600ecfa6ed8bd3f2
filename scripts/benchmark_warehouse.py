"""Build the warehouse on a generated world and print where the time and memory go.

Generates a world (or reuses one), runs `dbt run` (models only: tests at this size measure
the disk, not the models) into a fresh DuckDB file, and prints the wall time and peak memory
of the dbt process, the time of each identity model, and identity-resolution scores against
the world's truth. Not a test: run it by hand, e.g.

    .venv/bin/python scripts/benchmark_warehouse.py --customers 100000 --seed 1
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--world", type=Path, help="reuse (or create) the world in this folder")
    parser.add_argument(
        "--select", default="+customer_identity_map +customers +identity_quarantine"
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

    database = scratch / "warehouse.duckdb"
    env = dict(os.environ)
    env.update(
        DBT_PROFILES_DIR=str(PROJECT_DIR),
        HVC_DUCKDB_PATH=str(database),
        HVC_RAW_DIR=str(world / "raw"),
    )
    dbt = str(Path(sys.executable).with_name("dbt"))
    common = [
        "--project-dir",
        str(PROJECT_DIR),
        "--target-path",
        str(scratch / "target"),
        "--log-path",
        str(scratch / "logs"),
    ]
    command = [dbt, "run", "--select", *args.select.split(), *common]
    seeds = subprocess.run(
        [dbt, "seed", *common], env=env, cwd=PROJECT_DIR, capture_output=True, text=True
    )
    if seeds.returncode:
        sys.exit(seeds.stdout[-3000:])
    start = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=PROJECT_DIR, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    if done.returncode:
        sys.exit(done.stdout[-5000:])

    results = json.loads((scratch / "target" / "run_results.json").read_text())["results"]
    timings = sorted(
        ((r["unique_id"].split(".")[-1], r["execution_time"]) for r in results),
        key=lambda item: -item[1],
    )
    identity = sum(t for name, t in timings if "identity" in name or name == "customers")
    print(
        f"{manifest['n_customers']:,} customers (seed {manifest['seed']}), {rows:,} raw rows: "
        f"dbt run {seconds:.1f} s, peak RSS of dbt {peak_mib:,.0f} MiB; identity models "
        f"{identity:.1f} s in all"
    )
    for name, elapsed in timings[:12]:
        print(f"  {elapsed:7.1f} s  {name}")

    from hvc.evaluation import identity_scores

    scores = identity_scores(database, world / "truth")
    print(scores[["scope", "precision", "recall", "f1", "exact_share", "items"]].to_string())


if __name__ == "__main__":
    main()
