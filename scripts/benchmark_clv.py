"""Time BG/NBD + Gamma-Gamma fit and prediction for a million customers, in-process and in dbt.

Simulates customers from the process the demo's retailer plants (BG/NBD r 0.25, alpha 4
weeks, a 0.8, b 2.5; Gamma-Gamma p 6, q 4, gamma 150), in whole days with same-day purchases
merged, as the warehouse summarises them; fixed seed. Then:

1. in this process, times `hvc.clv.fit_parameters`, `predict_customers` and
   `forecast_revenue` on those summaries (peak RSS is this process's, simulation included);
2. writes them to a fresh DuckDB file as `intermediate.int_clv__customer_summaries` (and every
   customer into one forecast segment) and times `dbt run` of the project's CLV models there:
   `int_clv__parameters` (fit), `int_clv__predictions` (predict) and the
   `customer_lifetime_value` mart, then `int_clv__revenue_forecast` + `revenue_forecast` and
   `int_clv__backtest` + `clv_backtest` (the backtest calibration is a second simulated
   population with a 90-day holdout). Upstream models are not selected, so their refs read
   the prepared tables. `dbt run`, not `build`: the marts' data tests need the customers mart.

Not a test: run it by hand, e.g.

    .venv/bin/python scripts/benchmark_clv.py                  # 1,000,000 customers
    .venv/bin/python scripts/benchmark_clv.py --customers 100000 --skip-dbt
    .venv/bin/python scripts/benchmark_clv.py --customers 100000 --skip-dbt --continuous
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from hvc import clv, dbt

# The simulator is a test helper (tests/python/helpers), not part of the package.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "python"))
from helpers.clv_simulation import simulate_summaries

PLANTED_BGNBD = (0.25, 28.0, 0.8, 2.5)  # alpha in days
PLANTED_GAMMA_GAMMA = (6.0, 4.0, 150.0)
CALIBRATION_DAYS = 730
HOLDOUT_DAYS = 90
SEED = 20240601

SUMMARY_SQL = """
create or replace table intermediate.int_clv__customer_summaries as
select
    calibration,
    customer_key,
    'online_retail' as business_line,
    calibration_end_date,
    cast(calibration_end_date - cast(age_days as integer) as date) as first_purchase_date,
    cast(calibration_end_date - cast(age_days - recency_days as integer) as date)
        as last_purchase_date,
    cast(frequency as bigint) as frequency,
    cast(recency_days as bigint) as recency_days,
    cast(age_days as bigint) as age_days,
    mean_repeat_purchase_amount,
    cast(0 as decimal(18, 2)) as purchase_amount,
    cast(holdout_days as bigint) as holdout_days,
    cast(holdout_purchases as bigint) as holdout_purchases,
    cast(holdout_purchase_amount as decimal(18, 2)) as holdout_purchase_amount
from summaries
"""


def peak_rss_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def simulate(n: int, seed: int, holdout: int, whole_days: bool = True) -> pd.DataFrame:
    return simulate_summaries(
        n,
        PLANTED_BGNBD,
        PLANTED_GAMMA_GAMMA,
        calibration_days=CALIBRATION_DAYS - holdout,
        holdout_days=holdout,
        whole_days=whole_days,
        random_state=seed,
    )


def timed(label: str, call):
    start = time.perf_counter()
    result = call()
    print(f"  {label:<34} {time.perf_counter() - start:7.1f} s", flush=True)
    return result


def in_process(summary: pd.DataFrame, draws: int) -> None:
    print(f"in-process ({len(summary):,} customers, {draws} parameter draws):")
    settings = clv.ClvSettings.from_project(draws=draws)
    parameters = timed("fit (BG/NBD + Gamma-Gamma)", lambda: clv.fit_parameters(summary))
    timed(
        "predict (customer_lifetime_value)",
        lambda: clv.predict_customers(summary, parameters, settings),
    )
    segments = summary[["customer_key"]].assign(segment="All customers")
    timed(
        "forecast (6 months)",
        lambda: clv.forecast_revenue(summary, parameters, segments, settings),
    )
    fitted = parameters.set_index("parameter")["estimate"].round(3).to_dict()
    print(f"  estimates: {fitted}")
    print(f"  peak RSS of this process: {peak_rss_mb(resource.RUSAGE_SELF):,.0f} MB")


def run_dbt(workdir: Path, database: Path, select: list[str], draws: int) -> dict:
    start = time.perf_counter()
    result = dbt.run_dbt(
        ["run", "--select", *select],
        database=database,
        raw_dir=workdir / "no-raw-files",
        target_path=workdir / "target",
        log_path=workdir / "logs",
        variables={"clv_draws": draws},
    )
    wall = time.perf_counter() - start
    if result.returncode != 0:
        print(result.output[-6000:])
        raise SystemExit("dbt run failed")
    return {"wall": wall, "models": dbt.node_seconds(dbt.run_results(workdir / "target"))}


def in_dbt(summary: pd.DataFrame, backtest: pd.DataFrame, draws: int, workdir: Path) -> None:
    database = workdir / "warehouse.duckdb"
    frames = pd.concat(
        [summary.assign(calibration="current"), backtest.assign(calibration="backtest")],
        ignore_index=True,
    )
    frames["calibration_end_date"] = pd.to_datetime(frames["calibration_end_date"]).dt.date
    with duckdb.connect(str(database)) as con:
        con.execute("create schema if not exists intermediate")
        con.register("summaries", frames.drop(columns=[c for c in frames if c.startswith("true")]))
        con.execute(SUMMARY_SQL)
        con.execute(
            """
            create or replace table intermediate.int_clv__forecast_segments as
            select customer_key, 'All customers' as segment
            from intermediate.int_clv__customer_summaries where calibration = 'current'
            """
        )
        con.execute(
            "create or replace table intermediate.int_clv__purchase_days as "
            "select customer_key, first_purchase_date as purchase_date, business_line, "
            "first_purchase_date, cast(1 as bigint) as order_count, "
            "cast(0 as decimal(18, 2)) as purchase_amount "
            "from intermediate.int_clv__customer_summaries where false"
        )
    steps = [
        (
            "fit + predict + customer_lifetime_value",
            ["int_clv__parameters", "int_clv__predictions", "customer_lifetime_value"],
        ),
        ("revenue forecast", ["int_clv__revenue_forecast", "revenue_forecast"]),
        ("backtest (refit on its calibration)", ["int_clv__backtest", "clv_backtest"]),
    ]
    print(f"dbt run ({len(summary):,} customers, {draws} parameter draws):")
    for label, select in steps:
        timing = run_dbt(workdir, database, select, draws)
        inner = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in timing["models"].items())
        print(f"  {label:<40} {timing['wall']:6.1f} s wall ({inner})", flush=True)
    print(f"  peak RSS of a dbt process: {peak_rss_mb(resource.RUSAGE_CHILDREN):,.0f} MB")
    with duckdb.connect(str(database), read_only=True) as con:
        rows, valued = con.execute(
            "select count(*), count(clv_12_months_lower) from marts.customer_lifetime_value"
        ).fetchone()
    print(f"  customer_lifetime_value: {rows:,} rows, {valued:,} with intervals")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--draws", type=int, default=100)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--skip-dbt", action="store_true")
    parser.add_argument("--skip-in-process", action="store_true")
    parser.add_argument(
        "--continuous",
        action="store_true",
        help="time in continuous days (about one distinct history per customer: the memory "
        "worst case) instead of whole days",
    )
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start")
    summary = timed(
        "simulate calibration summaries",
        lambda: simulate(args.customers, SEED, holdout=0, whole_days=not args.continuous),
    )
    histories = summary.groupby(["frequency", "recency_days", "age_days"]).ngroups
    print(
        f"  {len(summary):,} customers, {(summary['frequency'] > 0).mean():.0%} with repeat "
        f"purchases, {histories:,} distinct (x, t_x, T)"
    )
    if not args.skip_in_process:
        in_process(summary, args.draws)
    if not args.skip_dbt:
        backtest = simulate(
            args.customers, SEED + 1, holdout=HOLDOUT_DAYS, whole_days=not args.continuous
        )
        workdir = args.workdir or Path(tempfile.mkdtemp(prefix="hvc-clv-bench-"))
        workdir.mkdir(parents=True, exist_ok=True)
        in_dbt(summary, backtest, args.draws, workdir)
    print(f"load average at end {os.getloadavg()[0]:.1f} (other work on the machine slows it)")


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
