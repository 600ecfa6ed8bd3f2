"""Time the segmentation of a million customers: in the hvc package, and inside `dbt build`.

Writes N synthetic `customer_value` rows (numpy, fixed seed; skewed like real customers: most
buy once or twice, spend is log-normal, a third return something, support is rare and long-
tailed, recency is exponential) to a fresh DuckDB file, with an as-of time and empty order
facts. Then it times

1. `hvc.segmentation.select_models` + `segment_customers` in this process, and
2. `dbt build` of the segmentation models, marts and their tests (the backtest models build
   empty: there are no order facts), reading that table as `marts.customer_value`,

and prints the seconds, the peak memory, the chosen candidates and dbt's slowest nodes. Not a
test: run it by hand, e.g.

    .venv/bin/python scripts/benchmark_segmentation.py --customers 1000000

Other processes share the machine: timings are noisy, run it more than once.
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from hvc import dbt
from hvc.segmentation import INPUT_COLUMNS, SegmentationSettings, segment_customers, select_models

AS_OF = "2025-06-30 12:00:00"
SEGMENTATION_MODELS = [
    "int_segmentation__customer_features",
    "int_segmentation__backtest_customers",
    "int_segmentation__model_selection",
    "int_segmentation__customer_segments",
    "int_segmentation__insiders_backtest",
    "int_segmentation__insiders_summary",
    "customer_segments",
    "segmentation_model_selection",
    "segment_profiles",
    "insiders",
    "insiders_summary",
    "insiders_backtest",
]
INDUSTRIES = ["Software", "Media", "Consulting", "Education", "Retail", "Healthcare", None]
COUNTRIES = ["United Kingdom", "United States", "Germany", "France", "Brazil", "India", None]


def synthetic_customer_value(n: int, seed: int, retail_share: float) -> pd.DataFrame:
    """`n` rows shaped like `customer_value` (the columns segmentation reads)."""
    rng = np.random.default_rng(seed)
    orders = 1 + rng.negative_binomial(1, 0.35, n)
    active_months = np.minimum(orders, 1 + rng.poisson(orders * 0.6))
    order_value = rng.lognormal(np.log(250), 0.9, n)
    returned = np.where(rng.random(n) < 0.35, rng.beta(1, 12, n), 0.0)
    gross = np.round(orders * order_value, 2)
    refund = np.round(gross * returned, 2)
    net = gross - refund
    retail = rng.random(n) < retail_share
    open_days = np.where(~retail & (rng.random(n) < 0.4), rng.exponential(4, n) * orders, 0.0)
    support = np.round(open_days * 10, 2)
    recency = np.minimum(rng.exponential(150, n), 729).astype(np.int64)
    tenure = recency + ((729 - recency) * rng.random(n) * (orders > 1)).astype(np.int64)
    products = orders * (1 + rng.poisson(np.where(retail, 12, 1), n))
    as_of = pd.Timestamp(AS_OF)
    tier = rng.choice(["license_1", "license_2", "license_3", "none"], n, p=[0.3, 0.4, 0.25, 0.05])
    return pd.DataFrame(
        {
            "customer_key": pd.util.hash_array(np.arange(n, dtype=np.int64)).astype("str"),
            "license_group": np.where(retail, "retail", tier),
            "net_revenue": net,
            "refund_amount": refund,
            "support_cost": support,
            "adjusted_revenue": net - support,
            "order_count": orders,
            "average_order_value": np.round(net / orders, 2),
            "first_order_at": as_of - pd.to_timedelta(tenure, unit="D"),
            "last_order_at": as_of - pd.to_timedelta(recency, unit="D"),
            "recency_days": recency,
            "tenure_days": tenure,
            "distinct_product_count": products,
            "item_count": products * (1 + rng.poisson(np.where(retail, 4, 0), n)),
            "purchase_frequency": orders / active_months,
            "return_rate": returned,
            "ticket_count": np.where(open_days > 0, 1 + rng.poisson(1.5, n), 0),
            "ticket_open_days": open_days,
            "industry": rng.choice(np.array(INDUSTRIES, dtype=object), n),
            "country": rng.choice(np.array(COUNTRIES, dtype=object), n),
            "region": None,
            "rfm_segment": "Champions",
        }
    )


def write_warehouse(path: Path, customers: pd.DataFrame) -> None:
    """The tables the segmentation models read, typed as the real ones."""
    with duckdb.connect(str(path)) as con:
        con.register("customers_in", customers)
        for schema in ("marts", "intermediate"):
            con.execute(f"create schema if not exists {schema}")
        con.execute(
            """
            create table marts.customer_value as
            select
                customer_key, license_group,
                cast(net_revenue as decimal(18, 2)) as net_revenue,
                cast(refund_amount as decimal(18, 2)) as refund_amount,
                cast(support_cost as decimal(18, 2)) as support_cost,
                cast(adjusted_revenue as decimal(18, 2)) as adjusted_revenue,
                cast(order_count as bigint) as order_count,
                cast(average_order_value as decimal(18, 2)) as average_order_value,
                first_order_at, last_order_at,
                cast(recency_days as bigint) as recency_days,
                cast(tenure_days as bigint) as tenure_days,
                cast(distinct_product_count as bigint) as distinct_product_count,
                cast(item_count as bigint) as item_count,
                purchase_frequency, return_rate,
                cast(ticket_count as bigint) as ticket_count,
                ticket_open_days, industry, country,
                cast(region as varchar) as region, rfm_segment
            from customers_in
            """
        )
        con.execute(
            f"create table intermediate.int_value__as_of as "
            f"select business_line, cast('{AS_OF}' as timestamp) as as_of_at "
            f"from (values ('software'), ('retail')) as lines(business_line)"
        )
        con.execute(
            f"create table intermediate.int_value__customer_as_of as "
            f"select customer_key, "
            f"case when license_group = 'retail' then 'retail' else 'software' end "
            f"as business_line, cast('{AS_OF}' as timestamp) as as_of_at from customers_in"
        )
        # No order facts: the backtest models build empty.
        con.execute(
            """
            create table marts.orders (
                order_id varchar, customer_key varchar, ordered_at timestamp, is_return boolean,
                item_quantity bigint, gross_amount decimal(18, 2), refund_amount decimal(18, 2),
                net_amount decimal(18, 2), highest_license_tier integer)
            """
        )
        con.execute(
            """
            create table marts.order_lines (
                order_id varchar, customer_key varchar, ordered_at timestamp,
                product_id varchar, is_return boolean)
            """
        )
        con.execute(
            """
            create table marts.support_tickets (
                customer_key varchar, opened_at timestamp, closed_at timestamp)
            """
        )


def in_process(customers: pd.DataFrame) -> tuple[float, float, pd.DataFrame]:
    """Seconds for model selection and for assigning every customer, and the selection."""
    frame = customers.assign(
        business_line=np.where(customers["license_group"] == "retail", "retail", "software")
    )[INPUT_COLUMNS]
    config = SegmentationSettings.from_project()
    started = time.perf_counter()
    selection = select_models(frame, config)
    selected = time.perf_counter()
    segment_customers(frame, selection, config)
    return selected - started, time.perf_counter() - selected, selection


def dbt_build(workdir: Path, database: Path) -> tuple[float, int, list[dict]]:
    """Wall seconds, peak RSS (MB) and run results of `dbt build` of the segmentation."""
    started = time.perf_counter()
    result = dbt.run_dbt(
        ["build", "--select", *SEGMENTATION_MODELS],
        database=database,
        raw_dir=workdir / "no-raw-files",
        target_path=workdir / "target",
        log_path=workdir / "logs",
    )
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        print(result.output[-9000:])
        raise SystemExit("dbt build failed")
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
    return seconds, peak_mb, dbt.run_results(workdir / "target")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--retail-share", type=float, default=0.4)
    parser.add_argument("--skip-in-process", action="store_true")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="hvc-bench-segmentation-"))
    database = workdir / "warehouse.duckdb"
    started = time.perf_counter()
    customers = synthetic_customer_value(args.customers, args.seed, args.retail_share)
    write_warehouse(database, customers)
    print(
        f"{args.customers:,} synthetic customers ({args.retail_share:.0%} retail) written in "
        f"{time.perf_counter() - started:.1f} s to {database}"
    )
    print(f"cores: {os.cpu_count()}, load average: {os.getloadavg()[0]:.1f}")

    if not args.skip_in_process:
        select_seconds, assign_seconds, selection = in_process(customers)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
        print(
            f"hvc in process: model selection {select_seconds:.1f} s, assigning every "
            f"customer {assign_seconds:.1f} s, peak RSS {peak:,} MB (this process)"
        )
        chosen = selection[selection["is_chosen"]]
        for row in chosen.itertuples():
            print(
                f"  {row.business_line}: {row.candidate_id}, silhouette {row.silhouette:.3f}, "
                f"stability {row.stability_ari_mean:.3f}, {row.customers:,} customers"
            )
    del customers

    seconds, peak_mb, results = dbt_build(workdir, database)
    print(f"dbt build of the segmentation: {seconds:.1f} s wall, peak RSS {peak_mb:,} MB (dbt)")
    slowest = sorted(results, key=lambda r: -r["execution_time"])[:8]
    for result in slowest:
        print(f"  {result['execution_time']:6.1f} s  {result['unique_id']}")
    with duckdb.connect(str(database), read_only=True) as con:
        rows = con.execute(
            """
            select business_line, segment_id, segment_name, customer_count,
                round(share_of_customers, 3), round(share_of_net_revenue, 3)
            from marts.segment_profiles order by business_line, segment_id
            """
        ).fetchall()
    for row in rows:
        print("  ", row)
    print(f"load average after: {os.getloadavg()[0]:.1f}; files left in {workdir}")


if __name__ == "__main__":
    main()
