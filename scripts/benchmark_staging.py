"""Time the staging layer: how fast the raw files of a generated world are read, typed and
quarantined (every base model; the staging views cost nothing to build). Prints raw rows, the
seconds of each base model and their sum, and raw rows per second. With --compare-to, runs the
same models of another checkout of the project (e.g. an earlier commit, in a git worktree) on
the same world, interleaved round by round, and prints the ratio: the machine is shared and
noisy, so compare within one run. Not a test: run it by hand, e.g.

    .venv/bin/python scripts/benchmark_staging.py --customers 100000 --rounds 3
    git worktree add /tmp/before <commit>
    .venv/bin/python scripts/benchmark_staging.py --world /tmp/w100k --compare-to /tmp/before
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from hvc import dbt

BASE_MODELS = "path:models/staging"


def stage(
    project: Path, raw: Path, workdir: Path, attempt: int = 1
) -> tuple[float, dict[str, float]]:
    """One `dbt run` of the staging layer into a fresh file; (wall seconds, seconds per base
    model)."""
    workdir.mkdir(parents=True, exist_ok=True)
    # not "staging.duckdb": a catalog named like the staging schema makes references ambiguous
    database = workdir / "bench.duckdb"
    database.unlink(missing_ok=True)
    start = time.perf_counter()
    done = dbt.run_dbt(
        ["run", "--select", BASE_MODELS, "--threads", "1"],
        project_dir=project,
        database=database,
        raw_dir=raw,
        target_path=workdir / "target",
        log_path=workdir / "logs",
        env={"DBT_PROFILES_DIR": str(project)},
    )
    wall = time.perf_counter() - start
    if done.returncode and attempt < 2:
        # DuckDB 1.5 has crashed (a segfault) now and then in a base model of a long staging
        # run, old code and new alike; a crash is retried once and reported
        print(f"  {project}: dbt failed (exit {done.returncode}); retrying", flush=True)
        return stage(project, raw, workdir, attempt + 1)
    if done.returncode:
        sys.exit(done.output[-5000:])
    seconds = dbt.node_seconds(dbt.run_results(workdir / "target"))
    return wall, {name: s for name, s in seconds.items() if name.startswith("base_")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--world", type=Path, help="reuse a generated world (its folder)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--compare-to", type=Path, help="another checkout of the project")
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="hvc-staging-bench-"))
    world = args.world
    if world is None:
        from hvc.generate import generate_world

        world = scratch / "world"
        generate_world(world, n_customers=args.customers, seed=args.seed)
    manifest = json.loads((world / "manifest.json").read_text())
    raw_rows = sum(table["rows"] for table in manifest["tables"].values())
    print(f"world: {world} ({raw_rows:,} raw rows)")

    projects = {"this": dbt.PROJECT_DIR}
    if args.compare_to:
        projects["other"] = args.compare_to.resolve()
    totals: dict[str, list[float]] = {name: [] for name in projects}
    per_model: dict[str, dict[str, list[float]]] = {name: {} for name in projects}
    for round_number in range(1, args.rounds + 1):
        for name, project in projects.items():
            wall, seconds = stage(project, world / "raw", scratch / name)
            totals[name].append(sum(seconds.values()))
            for model, value in seconds.items():
                per_model[name].setdefault(model, []).append(value)
            print(
                f"round {round_number} {name}: base models {sum(seconds.values()):.1f} s "
                f"(dbt run {wall:.1f} s), {raw_rows / sum(seconds.values()):,.0f} raw rows/s",
                flush=True,
            )
    print("\nbase model, median seconds:", " / ".join(projects))
    for model in sorted(per_model["this"]):
        medians = [statistics.median(per_model[name].get(model, [0.0])) for name in projects]
        print(f"  {model:45s} " + "  ".join(f"{value:6.2f}" for value in medians))
    medians = {name: statistics.median(values) for name, values in totals.items()}
    print(
        "\nmedian of the base models' sum: "
        + ", ".join(
            f"{name} {value:.1f} s ({raw_rows / value:,.0f} raw rows/s)"
            for name, value in medians.items()
        )
    )
    if "other" in medians:
        print(f"this / other: {medians['this'] / medians['other']:.3f}")


if __name__ == "__main__":
    main()
