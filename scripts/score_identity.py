"""Score identity resolution on a generated world: generate, build identity, grade, explain.

Generates a world (`--profile messy` by default: agencies, shared browsers, junk, formatted
emails, ...), runs `dbt build` of what the scores read (`+customer_identity_map`: seeds,
staging and the identity models with their unit tests), then their data tests (a failing data
test is listed, and does not stop the scoring: in one `dbt build` it would skip the models
after it), grades the result against the world's truth (`hvc.identity.scores`, stored in
`data_quality.identity_resolution_scores`), and prints the scores, the predicted customers
joining the most true customers with the identifiers their records of several true customers
share (and the planted pattern each comes from), the unexplained business merges and the time
of each step. Not a test: run it by hand, e.g.

    .venv/bin/python scripts/score_identity.py --customers 3000 --seed 1 --profile messy
    .venv/bin/python scripts/score_identity.py --customers 30000 --workdir /tmp/score30k
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import pandas as pd

from hvc import dbt
from hvc.identity.scores import (
    identity_items,
    identity_scores,
    merge_bridges,
    person_groups,
    unexplained_business_merges,
    worst_merges,
)

#: What the scores read: the identity map and everything upstream of it.
SELECT = ["--select", "+customer_identity_map"]
#: Their seeds, models and unit tests; then their data tests.
IDENTITY_BUILD = ["build", *SELECT, "--exclude-resource-type", "test"]
IDENTITY_TESTS = ["test", *SELECT, "--indirect-selection", "cautious"]

#: The score columns that are shares (the others count).
SHARES = {
    "precision",
    "recall",
    "f1",
    "bcubed_precision",
    "bcubed_recall",
    "bcubed_f1",
    "exact_share",
}

#: Planted patterns by the identifier type they show as, and how a planted value reads as
#: that identifier's value.
PATTERN_IDENTIFIERS = {
    "agency_crm_contact": ("hubspot_company", str),
    "parent_subsidiary_crm_contact": ("hubspot_company", str),
    "shared_browser": ("edd_customer", str),
    "shared_chat_contact": ("edd_customer", str),
    "junk_tool_customer": (None, str),
    "junk_email": ("email", str.lower),
    "regional_free_mail": ("domain", str.lower),
    "apple_relay": ("domain", lambda value: value.split("@")[-1].lower()),
    "path_website": ("domain", lambda value: _host(value)),
}
JUNK_TOOL_TYPES = {"edd": "edd_customer", "helpscout": "helpscout_customer"}


def _host(url: str) -> str:
    host = url.lower().split("://")[-1].split("/")[0]
    return host[4:] if host.startswith("www.") else host


def planted_patterns(truth_dir: Path) -> dict[tuple[str, str], str]:
    """(identifier type, value) -> the planted pattern behind it, from truth/planted.parquet
    (empty for a world without one)."""
    path = truth_dir / "planted.parquet"
    if not path.exists():
        return {}
    planted = pd.read_parquet(path).drop_duplicates(["pattern", "source", "value"])
    found: dict[tuple[str, str], str] = {}
    for row in planted.itertuples(index=False):
        if row.pattern not in PATTERN_IDENTIFIERS:
            continue
        kind, read = PATTERN_IDENTIFIERS[row.pattern]
        kind = kind or JUNK_TOOL_TYPES.get(row.source)
        found.setdefault((kind, read(row.value)), row.pattern)
    return found


def relationships(truth_dir: Path) -> dict[tuple[str, str], set[str]]:
    """(true customer, true customer) -> the kinds of relationship between them, both ways,
    from truth/relationships.parquet (empty for a world without one)."""
    path = truth_dir / "relationships.parquet"
    if not path.exists():
        return {}
    related: dict[tuple[str, str], set[str]] = {}
    for row in pd.read_parquet(path).itertuples(index=False):
        a, b = f"software:{row.from_customer_id}", f"software:{row.to_customer_id}"
        related.setdefault((a, b), set()).add(row.kind)
        related.setdefault((b, a), set()).add(row.kind)
    return related


def cause(
    bridge, patterns: dict[tuple[str, str], str], related: dict[tuple[str, str], set[str]]
) -> str:
    """What planted a bridge: the pattern of its value, else the relationships between the true
    customers whose records carry it."""
    planted = patterns.get((bridge.identifier_type, str(bridge.identifier_value)))
    if planted:
        return planted
    kinds = set()
    for i, a in enumerate(bridge.true_customers):
        for b in bridge.true_customers[i + 1 :]:
            kinds |= related.get((a, b), set())
    if kinds:
        return "relationship " + ", ".join(sorted(kinds))
    return "no planted pattern"


def readable(scores: pd.DataFrame) -> str:
    """The scores one column per scope: shares to 4 places, counts whole."""
    table = scores.set_index("scope").T.astype(object)
    for name in table.index:
        shares = name in SHARES
        table.loc[name] = [
            f"{value:.4f}" if shares else f"{int(value):,}" for value in table.loc[name]
        ]
    return table.to_string()


def timed(label: str, timings: dict[str, float]):
    """A context manager adding the seconds of its block to `timings[label]`."""

    class _Timer:
        def __enter__(self) -> None:
            self.start = time.perf_counter()

        def __exit__(self, *exc: object) -> None:
            timings[label] = timings.get(label, 0.0) + time.perf_counter() - self.start

    return _Timer()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--profile", choices=["demo", "messy"], default="messy")
    parser.add_argument("--shape", choices=["real", "flat"], default="real")
    parser.add_argument(
        "--workdir", type=Path, help="folder for the world, warehouse and dbt logs (a new temp)"
    )
    parser.add_argument("--worst", type=int, default=5, help="over-merges to explain (5)")
    parser.add_argument(
        "--project-dir",
        type=Path,
        default=dbt.PROJECT_DIR,
        help="the dbt project to build (another checkout: its src/ runs its Python models)",
    )
    args = parser.parse_args()

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="hvc-score-"))
    workdir.mkdir(parents=True, exist_ok=True)
    world = workdir / "world"
    database = workdir / "warehouse.duckdb"
    timings: dict[str, float] = {}
    print(
        f"{args.customers:,} customers, seed {args.seed}, profile {args.profile}, "
        f"shape {args.shape}; workdir {workdir}",
        flush=True,
    )

    from hvc.generate import generate_world

    with timed("generate", timings):
        manifest = generate_world(
            world, args.customers, args.seed, shape=args.shape, profile=args.profile
        )
    rows = sum(table["rows"] for table in manifest["tables"].values())
    print(f"generated {rows:,} raw rows in {timings['generate']:.1f} s", flush=True)

    database.unlink(missing_ok=True)
    project = args.project_dir.resolve()
    env = {"DBT_PROFILES_DIR": str(project)}
    if project != dbt.PROJECT_DIR and (project / "src").is_dir():
        env["PYTHONPATH"] = os.pathsep.join(
            [str(project / "src"), *filter(None, [os.environ.get("PYTHONPATH")])]
        )

    def run(step: list[str], label: str) -> dbt.DbtResult:
        with timed(label, timings):
            return dbt.run_dbt(
                step,
                database=database,
                raw_dir=world / "raw",
                target_path=workdir / "target",
                log_path=workdir / "logs",
                env=env,
                project_dir=project,
            )

    built = run(IDENTITY_BUILD, "dbt build")
    print(f"dbt build {' '.join(SELECT[1:])} in {timings['dbt build']:.1f} s", flush=True)
    if built.returncode:
        sys.exit(f"dbt build failed (exit {built.returncode}):\n{built.output[-5000:]}")
    tested = run(IDENTITY_TESTS, "dbt test")
    failed = [
        result["unique_id"].split(".")[2]
        for result in dbt.run_results(workdir / "target")
        if result["status"] in ("fail", "error")
    ]
    print(
        f"dbt test in {timings['dbt test']:.1f} s: "
        + (f"{len(failed)} failed: {', '.join(failed)}" if failed else "all passed"),
        flush=True,
    )
    if tested.returncode and not failed:
        sys.exit(f"dbt test failed (exit {tested.returncode}):\n{tested.output[-5000:]}")

    truth = world / "truth"
    with timed("scores", timings):
        scores = identity_scores(database, truth)
    print("\ndata_quality.identity_resolution_scores")
    print(readable(scores))

    with timed("explain", timings), duckdb.connect(str(database), read_only=True) as con:
        items = identity_items(con, truth)
        worst = worst_merges(items, args.worst)
        bridges = merge_bridges(con, items, worst.customer_key.tolist())
        groups = person_groups(con, truth, items)
        unexplained = unexplained_business_merges(con, truth, items, groups)
    patterns = planted_patterns(truth)
    related = relationships(truth)
    print(f"\n{len(worst)} worst over-merges (predicted customers joining most true customers)")
    for merge in worst.itertuples(index=False):
        print(
            f"- {merge.customer_key}: {merge.true_customer_count} true customers, "
            f"{merge.record_count:,} records (largest holds {merge.largest_share:.0%}); "
            "identifiers its records of several true customers share:"
        )
        mine = bridges[bridges.customer_key == merge.customer_key].head(6)
        for bridge in mine.itertuples(index=False):
            pattern = cause(bridge, patterns, related)
            print(
                f"    {bridge.identifier_type}:{bridge.identifier_value} "
                f"({bridge.true_customer_count} true customers, {bridge.record_count} records)"
                f" <- {pattern}"
            )
    print(
        f"\n{len(unexplained)} predicted customers hold true business customers that no "
        "person-level record links"
    )
    if len(unexplained):
        print(unexplained.head(10).to_string(index=False))
    print("\ntimings: " + ", ".join(f"{step} {seconds:.1f} s" for step, seconds in timings.items()))


if __name__ == "__main__":
    main()
