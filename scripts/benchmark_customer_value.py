"""Time `customer_value` built by dbt against the same aggregation in plain pandas.

Generates a world (or reuses one), builds everything `customer_value` depends on with
`dbt run`, then times `dbt build` of the customer-value step (the per-customer intermediate
models and `customer_value`, with their data and unit tests). The same aggregation is then done
in pandas on the same staged data, read from the warehouse: read time and compute time are
printed apart, and the pandas result is checked against the dbt table. Not a test: run it by
hand, e.g.

    .venv/bin/python scripts/benchmark_customer_value.py --customers 1000000
    .venv/bin/python scripts/benchmark_customer_value.py --world /tmp/w1m \
        --warehouse /tmp/hvc-bench-xyz/staged.duckdb   # staged + identity already built

The generator gives about 6.4 order lines and 1.3 tickets per customer. For more facts per
customer, `--order-copies K` / `--ticket-copies K` copy every staged order (shop payment,
retail invoice line) / ticket (Help Scout and Intercom conversation) K - 1 times under new ids
(`<id>~<copy>`) before anything downstream of staging is built; identity is then rebuilt too.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from hvc import dbt

# the per-customer step: activity (macro customer_activity) over the customer-keyed facts,
# firmographics, and the mart
VALUE_STEP = [
    "int_value__customer_activity",
    "int_value__customer_firmographics",
    "customer_value",
]
COST_PER_OPEN_DAY = 10.0
# staged base tables of orders and of tickets, with the id columns a copy gets new values in
ORDER_TABLES = {
    "base_edd__payments": ["payment_id", "transaction_id", "purchase_key"],
    "base_online_retail__invoice_lines": ["invoice_line_id", "invoice_no"],
}
TICKET_TABLES = {
    "base_helpscout__conversations": ["conversation_id"],
    "base_intercom__conversations": ["conversation_id"],
}


def copy_facts(database: Path, tables: dict[str, list[str]], copies: int) -> None:
    """Append `copies - 1` copies of each table's rows, with `~<copy>` added to its ids."""
    with duckdb.connect(str(database)) as con:
        for table, ids in tables.items():
            replaced = ", ".join(f"{column} || '~' || copy_number as {column}" for column in ids)
            con.execute(
                f"insert into staging.{table} "
                f"select original.* replace ({replaced}) "
                f"from staging.{table} as original, range(1, {copies}) as copies (copy_number)"
            )


# R x FM grid of macros/value/rfm_segment.sql (rows R = 1..5, columns FM = 1..5).
SEGMENTS = np.array(
    [
        ["Lost", "Hibernating", "At Risk", "Can't Lose Them", "Can't Lose Them"],
        ["Hibernating", "About to Sleep", "At Risk", "At Risk", "Can't Lose Them"],
        [
            "About to Sleep",
            "Need Attention",
            "Need Attention",
            "Loyal Customers",
            "Loyal Customers",
        ],
        ["Promising", "Potential Loyalists", "Loyal Customers", "Champions", "Champions"],
        ["New Customers", "Potential Loyalists", "Potential Loyalists", "Champions", "Champions"],
    ]
)

# The staged inputs, as dbt's models read them; DECIMAL cast to double (pandas would build
# Python Decimal objects, several times slower).
INPUTS = {
    "customers": "select customer_key from marts.customers",
    "identity_map": """
        select source_name, table_name, record_id, customer_key
        from marts.customer_identity_map where customer_key is not null""",
    "orders": """
        select order_id, customer_key, ordered_at, is_return, item_quantity,
            cast(gross_amount as double) as gross_amount,
            cast(refund_amount as double) as refund_amount,
            cast(net_amount as double) as net_amount, highest_license_tier
        from marts.orders""",
    "order_lines": "select order_id, customer_key, product_id, is_return from marts.order_lines",
    "tickets": "select customer_key, source_name, is_open, open_days from marts.support_tickets",
    "drip_events": "select event_id, event_type from staging.stg_drip__events",
    "web_events": """
        select event_id, event_name, user_pseudo_id, session_id
        from staging.stg_google_analytics__events""",
    "social": """
        select social_impression_id, facebook_impressions, instagram_impressions, x_impressions
        from staging.stg_hubspot__social_impressions""",
    "assignments": """
        select assignment_id, assignment_status, category from staging.stg_mturk__assignments""",
    "companies": """
        select company_id, industry, employee_range, territory, country, updated_at
        from staging.stg_hubspot__companies""",
    "subscribers": """
        select subscriber_id, utc_offset_minutes, created_at from staging.stg_drip__subscribers""",
    "contacts": """
        select contact_id, country, utc_offset_hours, last_seen_at, updated_at
        from staging.stg_intercom__contacts""",
    "retail_lines": """
        select invoice_line_id, country, invoiced_at
        from staging.stg_online_retail__invoice_lines""",
    "as_of": "select customer_key, as_of_at from intermediate.int_value__customer_as_of",
}


def ntile(order: pd.DataFrame, by: list[str], ascending: list[bool], buckets: int = 5) -> pd.Series:
    """SQL `ntile(buckets) over (order by ...)`: the first n % buckets groups hold one more."""
    ranked = order.sort_values(by, ascending=ascending, kind="mergesort")
    n = len(ranked)
    size, extra = divmod(n, buckets)
    position = np.arange(n)
    big = extra * (size + 1)
    tile = np.where(
        position < big,
        position // max(size + 1, 1) + 1,
        (position - big) // max(size, 1) + extra + 1,
    )
    return pd.Series(tile, index=ranked.index)


def latest(frame: pd.DataFrame, value: str, order: list[str]) -> pd.Series:
    """Per customer, `value` of the row that is last by `order` (SQL arg_max on a tuple)."""
    frame = frame.sort_values(["customer_key", *order], kind="mergesort")
    return frame.groupby("customer_key")[value].last()


def records(data: dict[str, pd.DataFrame], source: str, table: str) -> pd.DataFrame:
    ids = data["identity_map"]
    picked = ids[(ids.source_name == source) & (ids.table_name == table)]
    return picked[["record_id", "customer_key"]]


def customer_value_in_pandas(data: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The aggregation of the customer-value step, in pandas."""
    # each customer is measured at the as-of time of their business line
    as_of_at = data["as_of"].set_index("customer_key").as_of_at
    orders = data["orders"]
    purchases = orders[~orders.is_return]
    grouped = orders.groupby("customer_key")
    bought = purchases.groupby("customer_key")
    value = pd.DataFrame(
        {
            "gross_revenue": grouped.gross_amount.sum(),
            "refund_amount": grouped.refund_amount.sum(),
            "net_revenue": grouped.net_amount.sum(),
            "first_activity_at": grouped.ordered_at.min(),
            "last_activity_at": grouped.ordered_at.max(),
            "highest_license_tier": grouped.highest_license_tier.max(),
            "has_shop_orders": grouped.order_id.agg(lambda ids: ids.str.startswith("edd:").any()),
        }
    )
    value["order_count"] = bought.size().reindex(value.index, fill_value=0)
    value["item_count"] = bought.item_quantity.sum().reindex(value.index, fill_value=0)
    value["first_order_at"] = bought.ordered_at.min()
    value["last_order_at"] = bought.ordered_at.max()
    months = purchases.ordered_at.dt.to_period("M")
    value["active_month_count"] = (
        months.groupby(purchases.customer_key).nunique().reindex(value.index, fill_value=0)
    )
    first = value.first_order_at.fillna(value.first_activity_at).dt.floor("D")
    last = value.last_order_at.fillna(value.last_activity_at).dt.floor("D")
    as_of = as_of_at.reindex(value.index).dt.floor("D")
    value["tenure_days"] = (as_of - first).dt.days
    value["recency_days"] = (as_of - last).dt.days
    lines = data["order_lines"]
    lines = lines[~lines.is_return]
    product = lines.order_id.str.split(":", n=1).str[0] + ":" + lines.product_id
    value["distinct_product_count"] = (
        product.groupby(lines.customer_key).nunique().reindex(value.index, fill_value=0)
    )

    tickets = data["tickets"].groupby("customer_key")
    value["ticket_count"] = tickets.size().reindex(value.index, fill_value=0)
    value["ticket_open_days"] = tickets.open_days.sum().reindex(value.index, fill_value=0.0)
    value["support_cost"] = (value.ticket_open_days * COST_PER_OPEN_DAY).round(2)
    value["adjusted_revenue"] = value.net_revenue - value.support_cost

    events = data["drip_events"].merge(
        records(data, "drip", "events"), left_on="event_id", right_on="record_id"
    )
    for kind, column in [
        ("opened_email", "email_open_count"),
        ("clicked_email", "email_click_count"),
    ]:
        counts = events[events.event_type == kind].groupby("customer_key").size()
        value[column] = counts.reindex(value.index, fill_value=0)
    web = data["web_events"].merge(
        records(data, "google_analytics", "events"), left_on="event_id", right_on="record_id"
    )
    session = web.user_pseudo_id + ":" + web.session_id
    value["web_session_count"] = (
        session.groupby(web.customer_key).nunique().reindex(value.index, fill_value=0)
    )
    views = web[web.event_name == "page_view"].groupby("customer_key").size()
    value["page_view_count"] = views.reindex(value.index, fill_value=0)
    social = data["social"].merge(
        records(data, "hubspot", "social_impressions"),
        left_on="social_impression_id",
        right_on="record_id",
    )
    impressions = social[["facebook_impressions", "instagram_impressions", "x_impressions"]]
    value["social_impression_count"] = (
        impressions.fillna(0).sum(axis=1).groupby(social.customer_key).sum()
    ).reindex(value.index, fill_value=0)

    votes = data["assignments"].merge(
        records(data, "mturk", "batch_results"), left_on="assignment_id", right_on="record_id"
    )
    votes = votes[votes.assignment_status.isin(["approved", "submitted"]) & votes.category.notna()]
    votes = votes.groupby(["customer_key", "category"]).size().rename("votes").reset_index()
    votes["total"] = votes.groupby("customer_key").votes.transform("sum")
    votes = votes.sort_values(["customer_key", "votes", "category"], ascending=[True, False, True])
    crowd = votes.drop_duplicates("customer_key").set_index("customer_key")
    companies = data["companies"].merge(
        records(data, "hubspot", "companies"), left_on="company_id", right_on="record_id"
    )
    company_order = ["updated_at", "company_id"]
    value["industry"] = crowd.category.reindex(value.index).fillna(
        latest(companies, "industry", company_order).reindex(value.index)
    )
    value["industry_agreement_rate"] = (crowd.votes / crowd.total).reindex(value.index)
    subscribers = data["subscribers"].merge(
        records(data, "drip", "subscribers"), left_on="subscriber_id", right_on="record_id"
    )
    subscribers = subscribers[subscribers.utc_offset_minutes.notna()]
    subscribers["offset"] = subscribers.utc_offset_minutes / 60.0
    contacts = data["contacts"].merge(
        records(data, "intercom", "contacts"), left_on="contact_id", right_on="record_id"
    )
    contacts["seen"] = contacts.last_seen_at.fillna(contacts.updated_at)
    retail = data["retail_lines"].merge(
        records(data, "online_retail", "invoice_lines"),
        left_on="invoice_line_id",
        right_on="record_id",
    )
    value["utc_offset_hours"] = (
        latest(subscribers, "offset", ["created_at", "subscriber_id"])
        .reindex(value.index)
        .fillna(
            latest(
                contacts[contacts.utc_offset_hours.notna()],
                "utc_offset_hours",
                ["seen", "contact_id"],
            ).reindex(value.index)
        )
    )
    value["country"] = (
        latest(companies, "country", company_order)
        .reindex(value.index)
        .fillna(
            latest(contacts[contacts.country.notna()], "country", ["seen", "contact_id"]).reindex(
                value.index
            )
        )
        .fillna(
            latest(
                retail[retail.country.notna()], "country", ["invoiced_at", "invoice_line_id"]
            ).reindex(value.index)
        )
    )
    us_zones = {-5.0: "US Eastern", -4.0: "US Eastern", -6.0: "US Central", -7.0: "US Mountain"}
    us_zones |= {-8.0: "US Pacific", -9.0: "US Alaska", -10.0: "US Hawaii"}
    us = value.country == "United States"
    value["region"] = value.country.where(
        ~us, value.utc_offset_hours.map(us_zones).fillna("United States")
    )

    value = value[value.index.isin(data["customers"].customer_key)].reset_index(
        names="customer_key"
    )
    value["recency_score"] = ntile(value, ["recency_days", "customer_key"], [False, True])
    value["frequency_score"] = ntile(value, ["order_count", "customer_key"], [True, True])
    value["monetary_score"] = ntile(value, ["net_revenue", "customer_key"], [True, True])
    fm = (value.frequency_score + value.monetary_score + 1) // 2
    value["rfm_segment"] = SEGMENTS[value.recency_score - 1, fm - 1]
    return value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--world", type=Path, help="reuse (or create) the world in this folder")
    parser.add_argument("--workdir", type=Path, help="keep the warehouse and dbt files here")
    parser.add_argument(
        "--warehouse",
        type=Path,
        help="copy this DuckDB file, with --world already staged and identity resolved in it",
    )
    parser.add_argument("--order-copies", type=int, default=1, help="copies of every order")
    parser.add_argument("--ticket-copies", type=int, default=1, help="copies of every ticket")
    args = parser.parse_args()
    copied = args.order_copies > 1 or args.ticket_copies > 1
    if copied and not args.warehouse:
        parser.error("--order-copies and --ticket-copies need --warehouse (a staged file)")

    scratch = args.workdir or Path(tempfile.mkdtemp(prefix="hvc-bench-"))
    scratch.mkdir(parents=True, exist_ok=True)
    world = args.world or scratch / "world"
    if not (world / "manifest.json").exists():
        from hvc.generate import generate_world

        start = time.perf_counter()
        generate_world(world, n_customers=args.customers, seed=args.seed)
        print(f"generated {args.customers:,} customers in {time.perf_counter() - start:.1f} s")
    manifest = json.loads((world / "manifest.json").read_text())

    # views name their catalog, the file's stem: a copy keeps the name
    database = scratch / (args.warehouse.name if args.warehouse else "warehouse.duckdb")
    if args.warehouse:
        shutil.copy(args.warehouse, database)
    if args.order_copies > 1:
        copy_facts(database, ORDER_TABLES, args.order_copies)
    if args.ticket_copies > 1:
        copy_facts(database, TICKET_TABLES, args.ticket_copies)

    def run_dbt(*command: str, target: str) -> float:
        start = time.perf_counter()
        done = dbt.run_dbt(
            command,
            database=database,
            raw_dir=world / "raw",
            target_path=scratch / target,
            log_path=scratch / "logs",
        )
        if done.returncode:
            sys.exit(done.output[-5000:])
        return time.perf_counter() - start

    done_already: list[str] = []
    if args.warehouse:
        done_already = ["path:models/staging"]
        if not copied:
            done_already += [
                "path:models/intermediate/identity",
                "path:python_models/identity",
                "path:models/marts/identity",
            ]
    # seeds are small: load them always, a copied file may predate one
    run_dbt("seed", target="target_seed")
    upstream = run_dbt(
        "run",
        "--select",
        "+customer_value",
        "--exclude",
        *VALUE_STEP,
        *done_already,
        target="target_upstream",
    )
    # cautious: leave out tests of models downstream of the step (customer_kpis)
    build = run_dbt(
        "build",
        "--select",
        *VALUE_STEP,
        "--indirect-selection",
        "cautious",
        target="target_value",
    )
    results = dbt.run_results(scratch / "target_value")
    model_seconds = sum(r["execution_time"] for r in results if r["unique_id"].startswith("model."))
    test_seconds = sum(
        r["execution_time"] for r in results if not r["unique_id"].startswith("model.")
    )

    start = time.perf_counter()
    with duckdb.connect(str(database), read_only=True) as con:
        data = {name: con.sql(sql).df() for name, sql in INPUTS.items()}
        dbt_value = con.sql(
            """
            select customer_key, cast(net_revenue as double) as net_revenue,
                cast(support_cost as double) as support_cost, recency_score, frequency_score,
                monetary_score, rfm_segment, region, industry
            from marts.customer_value
            """
        ).df()
    read_seconds = time.perf_counter() - start
    start = time.perf_counter()
    value = customer_value_in_pandas(data)
    pandas_seconds = time.perf_counter() - start

    merged = dbt_value.merge(value, on="customer_key", suffixes=("_dbt", "_pandas"))
    same = {
        column: float(
            (
                (merged[f"{column}_dbt"] == merged[f"{column}_pandas"])
                | (merged[f"{column}_dbt"].isna() & merged[f"{column}_pandas"].isna())
            ).mean()
        )
        for column in ["recency_score", "frequency_score", "monetary_score", "rfm_segment"]
        + ["region", "industry"]
    }
    revenue_gap = float((merged.net_revenue_dbt - merged.net_revenue_pandas).abs().max())
    cost_gap = float((merged.support_cost_dbt - merged.support_cost_pandas).abs().max())

    staged_rows = sum(len(frame) for frame in data.values())
    print(
        f"{manifest['n_customers']:,} customers (seed {manifest['seed']}): "
        f"{len(dbt_value):,} valued customers from {staged_rows:,} staged rows "
        f"({len(data['order_lines']):,} order lines, {len(data['tickets']):,} tickets)"
    )
    pandas_total = read_seconds + pandas_seconds
    print(f"  dbt run of what is upstream (not yet built) {upstream:8.1f} s")
    print(
        f"  dbt build of the customer-value step  {build:8.1f} s wall: models "
        f"{model_seconds:.1f} s summed over threads (they read the staging views), tests "
        f"{test_seconds:.1f} s, the rest dbt start-up"
    )
    print(f"  pandas: read the staged inputs        {read_seconds:8.1f} s")
    print(f"  pandas: the same aggregation          {pandas_seconds:8.1f} s")
    print(
        f"  ratio pandas (read + aggregation) / dbt models {pandas_total / model_seconds:.2f}; "
        f"/ dbt build wall {pandas_total / build:.2f}; "
        f"pandas aggregation alone / dbt models {pandas_seconds / model_seconds:.2f}"
    )
    print(
        f"  check: {len(merged):,} of {len(dbt_value):,} customers matched; "
        f"max net revenue gap {revenue_gap:.6f}, max support cost gap {cost_gap:.6f}; "
        "share equal: " + ", ".join(f"{k} {v:.4f}" for k, v in same.items())
    )


if __name__ == "__main__":
    main()
