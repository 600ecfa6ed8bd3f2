"""The full warehouse build at scale, per layer, against the pandas seed job on the same data.

Generates a world of N customers in the flat export shape (or reuses one), runs the full
`dbt build` (models, data tests, unit tests) into a fresh DuckDB file with its wall time and
peak memory (and how far memory rose while each node ran), sums dbt's own node times per
layer (`run_results.json`: staging, identity, each family's SQL, each family's Python models,
data tests), then runs `seed_job_pandas.py` (a notebook's version of the job, doing less: see
its docstring) on the same raw files in its own process and prints how many times faster the
build is. Node times of two dbt threads overlap, so the layers add up to more than the wall
time. Not a test: run it by hand, e.g.

    .venv/bin/python scripts/benchmark_scale.py --customers 300000
    .venv/bin/python scripts/benchmark_scale.py --customers 1000000 --world /tmp/w1m \
        --order-lines-volume 3.4 --tickets-volume 1.55
    .venv/bin/python scripts/benchmark_scale.py --world /tmp/w1m --memory-limit 3GiB
"""

from __future__ import annotations

import argparse
import bisect
import json
import os
import sys
import tempfile
import time
from collections import defaultdict
from datetime import datetime
from pathlib import Path

from _timing import timed

from hvc import dbt

SCRIPTS = Path(__file__).resolve().parent


def layer(node: dict) -> str:
    """The layer a dbt node belongs to, by its kind and folder."""
    kind = node["resource_type"]
    if kind in ("test", "unit_test"):
        return "data tests" if kind == "test" else "unit tests"
    if kind in ("seed", "operation"):
        return kind + "s"
    parts = Path(node["original_file_path"]).parts
    if parts[0] == "python_models":
        return f"python: {parts[1]}"
    if len(parts) > 2 and parts[1] == "staging":
        return "sql: staging"
    family = parts[2] if len(parts) > 3 else parts[1]
    return f"sql: {family}"


def layer_seconds(target: Path) -> dict[str, tuple[int, float]]:
    """Per layer: nodes and the sum of their execution times."""
    manifest = json.loads((target / "manifest.json").read_text())
    nodes = manifest["nodes"] | manifest.get("unit_tests", {})
    totals: dict[str, list] = defaultdict(lambda: [0, 0.0])
    for result in dbt.run_results(target):
        node = nodes.get(result["unique_id"])
        name = layer(node) if node else "other"
        totals[name][0] += 1
        totals[name][1] += result["execution_time"]
    return {name: (count, seconds) for name, (count, seconds) in totals.items()}


def node_memory(target: Path, samples: list[tuple[float, float]]) -> dict[str, float]:
    """Per node name: how far the process's memory rose while the node ran (MiB: the largest
    sample during its execution minus the last one before it started). Nodes running at the
    same time (two threads) share their samples, and memory a node frees may stay with the
    process, so the figure bounds what the node itself added."""
    times = [at for at, _ in samples]
    rises = {}
    for result in dbt.run_results(target):
        execute = [t for t in result.get("timing", []) if t["name"] == "execute"]
        if not execute:
            continue
        start, end = (
            datetime.fromisoformat(execute[0][key].replace("Z", "+00:00")).timestamp()
            for key in ("started_at", "completed_at")
        )
        first = bisect.bisect_left(times, start)
        during = [mib for _, mib in samples[first : bisect.bisect_right(times, end)]]
        if during:
            before = samples[first - 1][1] if first else 0.0
            rises[result["unique_id"].split(".")[-1]] = max(during) - before
    return rises


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--world", type=Path, help="reuse (or create) the world in this folder")
    parser.add_argument(
        "--order-lines-volume", type=float, default=1.0, help="hvc generate's knob (1)"
    )
    parser.add_argument("--tickets-volume", type=float, default=1.0, help="hvc generate's knob (1)")
    parser.add_argument("--memory-limit", help="DuckDB memory_limit, e.g. 3GiB (HVC_MEMORY_LIMIT)")
    parser.add_argument("--threads", type=int, help="dbt threads (HVC_THREADS; default 2)")
    parser.add_argument("--no-baseline", action="store_true", help="time the build only")
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="hvc-scale-"))
    world = args.world or scratch / "world"
    if not (world / "manifest.json").exists():
        from hvc.generate import Volume, generate_world

        start = time.perf_counter()
        volume = Volume(order_lines=args.order_lines_volume, tickets=args.tickets_volume)
        generate_world(
            world, n_customers=args.customers, seed=args.seed, shape="flat", volume=volume
        )
        print(f"generated {args.customers:,} customers in {time.perf_counter() - start:.1f} s")
    manifest = json.loads((world / "manifest.json").read_text())
    if manifest.get("shape") != "flat":
        sys.exit(f"{world} holds the {manifest.get('shape')} shape; the baseline reads flat files")
    tables = manifest["tables"]
    rows = sum(table["rows"] for table in tables.values())
    order_lines = tables["edd.payments"]["rows"] + tables["online_retail.invoice_lines"]["rows"]
    tickets = tables["helpscout.conversations"]["rows"] + tables["intercom.conversations"]["rows"]
    extra = {}
    if args.memory_limit:
        extra["HVC_MEMORY_LIMIT"] = args.memory_limit
    if args.threads:
        extra["HVC_THREADS"] = str(args.threads)
    print(
        f"{manifest['n_customers']:,} customers (seed {manifest['seed']}): {rows:,} raw rows, "
        f"{order_lines:,} order lines, {tickets:,} tickets; memory limit "
        f"{args.memory_limit or '4GiB (the default)'}; dbt threads {args.threads or 'default'}; "
        f"scratch {scratch}"
    )

    env = dbt.dbt_env(scratch / "warehouse.duckdb", world / "raw", extra)
    command = dbt.dbt_command(["build"], scratch / "target", scratch / "logs")
    samples: list[tuple[float, float]] = []
    machine: dict[str, float] = {}
    build_seconds, build_peak = timed(
        command,
        env,
        scratch / "build.log",
        cwd=dbt.PROJECT_DIR,
        rss_samples=samples,
        machine=machine,
    )
    layers = layer_seconds(scratch / "target")
    total = sum(seconds for _, seconds in layers.values())
    print(f"dbt build: {build_seconds:.1f} s wall, peak RSS {build_peak:,.0f} MiB")
    cores = os.cpu_count() or 1
    print(
        f"  machine meanwhile: the build used {machine['cpu_seconds']:,.0f} CPU-seconds "
        f"({machine['cpu_seconds'] / build_seconds:.2f} of {cores} cores); all CPUs "
        f"{machine['busy']:.0%} busy, {machine['iowait']:.0%} waiting for disk, "
        f"{machine['steal']:.0%} taken by other machines"
    )
    print(f"  {'layer':<28} {'nodes':>6} {'seconds':>8} {'share':>6}")
    for name, (count, seconds) in sorted(layers.items(), key=lambda item: -item[1][1]):
        print(f"  {name:<28} {count:>6} {seconds:>8.1f} {seconds / total:>6.1%}")
    slowest = sorted(
        dbt.node_seconds(dbt.run_results(scratch / "target")).items(), key=lambda item: -item[1]
    )[:10]
    print("  slowest nodes: " + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in slowest))
    (scratch / "memory.csv").write_text(
        "epoch_seconds,rss_mib\n" + "".join(f"{at:.1f},{mib:.0f}\n" for at, mib in samples)
    )
    rises = sorted(node_memory(scratch / "target", samples).items(), key=lambda item: -item[1])
    print(
        "  largest rises in memory while a node ran (MiB; every sample in memory.csv): "
        + ", ".join(f"{name} +{mib:,.0f}" for name, mib in rises[:10])
    )

    if args.no_baseline:
        return
    baseline = [sys.executable, str(SCRIPTS / "seed_job_pandas.py"), str(world)]
    seconds, peak = timed(baseline, env, scratch / "baseline.log")
    figures = json.loads((scratch / "baseline.log").read_text().strip().splitlines()[-1])
    print(
        f"pandas seed job: {seconds:.1f} s wall, peak RSS {peak:,.0f} MiB "
        f"({figures['customers']:,} customers, License-3 AUC {figures['license_3_auc']:.3f}); "
        f"it takes {seconds / build_seconds:.2f}x the build's wall time"
    )


if __name__ == "__main__":
    main()
