"""The seed job as a plain pandas notebook would do it, on a generated world's flat exports: the
baseline `benchmark_scale.py` compares the warehouse build with.

It does less than the build, on purpose, as a notebook would: customers are joined by their
lower-cased email within the software sources and by CustomerID within the shop (no identity
graph, no domains, no tool ids), unreadable rows are dropped (no quarantine, no counts), and
there are no tests, no CLV, no Insiders history and no report. What it computes: per customer
revenue, refunds, orders, tickets and their open days, adjusted revenue (revenue minus 10 per
ticket-open day), RFM scores, a License-3 logistic regression scored out of fold, and a
four-cluster k-means segmentation whose best cluster is the "Insiders". Not a test: run it by
hand or through benchmark_scale.py, e.g.

    .venv/bin/python scripts/seed_job_pandas.py /tmp/w100k
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import cross_val_predict
from sklearn.preprocessing import StandardScaler

COST_PER_TICKET_OPEN_DAY = 10.0


def read_lines(path: Path) -> pd.DataFrame:
    """A JSON-lines file, its unreadable lines dropped."""
    records = []
    with path.open() as lines:
        for line in lines:
            try:
                records.append(json.loads(line))
            except ValueError:
                continue
    return pd.json_normalize(records)


def software_orders(raw: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """EDD payments as orders (customer = email) and who bought License 3."""
    payments = read_lines(raw / "edd" / "payments.jsonl")
    payments = payments.drop_duplicates("ID")
    payments["customer"] = payments["email"].str.strip().str.lower()
    payments["amount"] = pd.to_numeric(payments["total"], errors="coerce")
    payments["ordered_at"] = pd.to_datetime(payments["date"], errors="coerce")
    payments = payments.dropna(subset=["customer", "amount", "ordered_at"])
    products = payments[["customer", "products"]].explode("products").dropna()
    names = products["products"].map(lambda product: product.get("price_name"))
    license_3 = set(products.loc[names == "License 3", "customer"])
    orders = payments.assign(
        revenue=np.where(payments["status"] == "complete", payments["amount"], 0.0),
        refund=np.where(payments["status"] == "refunded", payments["amount"], 0.0),
    )
    orders = orders[orders["status"].isin(["complete", "refunded"])]
    frame = orders[["customer", "ID", "ordered_at", "revenue", "refund"]].rename(
        columns={"ID": "order_id"}
    )
    return frame, pd.DataFrame({"customer": sorted(license_3), "has_license_3": True})


def shop_orders(raw: Path) -> pd.DataFrame:
    """Online Retail invoice lines as orders (customer = CustomerID)."""
    lines = pd.read_csv(raw / "online_retail" / "invoice_lines.csv", dtype=str)
    lines = lines.dropna(subset=["CustomerID"])
    amount = pd.to_numeric(lines["Quantity"], errors="coerce") * pd.to_numeric(
        lines["UnitPrice"], errors="coerce"
    )
    cancelled = lines["InvoiceNo"].str.startswith("C")
    frame = pd.DataFrame(
        {
            "customer": "retail:" + lines["CustomerID"],
            "order_id": lines["InvoiceNo"],
            "ordered_at": pd.to_datetime(
                lines["InvoiceDate"], format="%m/%d/%Y %H:%M", errors="coerce"
            ),
            "revenue": amount.where(~cancelled, 0.0),
            "refund": (-amount).where(cancelled, 0.0),
        }
    )
    return frame.dropna(subset=["ordered_at", "revenue"])


def tickets(raw: Path, as_of: pd.Timestamp) -> pd.DataFrame:
    """Help Scout and Intercom conversations: customer (email) and days open."""
    scout = read_lines(raw / "helpscout" / "conversations.jsonl").drop_duplicates("id")
    scout_open = pd.to_datetime(scout["createdAt"], errors="coerce", utc=True)
    scout_closed = pd.to_datetime(scout.get("closedAt"), errors="coerce", utc=True)
    chat = read_lines(raw / "intercom" / "conversations.jsonl").drop_duplicates("id")
    chat_open = pd.to_datetime(
        pd.to_numeric(chat["created_at"], errors="coerce"), unit="s", utc=True
    )
    chat_closed = pd.to_datetime(
        pd.to_numeric(chat["updated_at"], errors="coerce"), unit="s", utc=True
    ).where(chat["state"] == "closed")
    frame = pd.concat(
        [
            pd.DataFrame(
                {
                    "customer": scout["primaryCustomer.email"],
                    "opened": scout_open,
                    "closed": scout_closed,
                }
            ),
            pd.DataFrame(
                {
                    "customer": chat["source.author.email"],
                    "opened": chat_open,
                    "closed": chat_closed,
                }
            ),
        ],
        ignore_index=True,
    )
    frame["customer"] = frame["customer"].str.strip().str.lower()
    end = frame["closed"].fillna(as_of.tz_localize("UTC"))
    frame["open_days"] = ((end - frame["opened"]).dt.total_seconds() / 86400).clip(lower=0)
    return frame.dropna(subset=["customer", "open_days"])


def seed_job(world: Path) -> dict:
    """Every step on `world` (a folder with raw/ and manifest.json); the figures a notebook
    would show."""
    raw = world / "raw"
    as_of = pd.Timestamp(json.loads((world / "manifest.json").read_text())["as_of_date"])
    software, license_3 = software_orders(raw)
    orders = pd.concat([software, shop_orders(raw)], ignore_index=True)
    value = orders.groupby("customer").agg(
        revenue=("revenue", "sum"),
        refunds=("refund", "sum"),
        orders=("order_id", "nunique"),
        last_order=("ordered_at", "max"),
    )
    support = (
        tickets(raw, as_of)
        .groupby("customer")
        .agg(tickets=("open_days", "size"), open_days=("open_days", "sum"))
    )
    customers = value.join(support, how="outer").fillna({"revenue": 0.0, "refunds": 0.0})
    customers = customers.fillna({"orders": 0, "tickets": 0, "open_days": 0.0})
    customers["adjusted_revenue"] = (
        customers["revenue"]
        - customers["refunds"]
        - COST_PER_TICKET_OPEN_DAY * customers["open_days"]
    )
    recency = (as_of - customers["last_order"]).dt.days.fillna(10_000)
    for name, column in (("r", -recency), ("f", customers["orders"]), ("m", customers["revenue"])):
        customers[f"{name}_score"] = pd.qcut(column.rank(method="first"), 5, labels=False) + 1

    # License 3 among software customers: what they did apart from License 3
    buyers = customers.loc[customers.index.isin(software["customer"])].join(
        license_3.set_index("customer"), how="left"
    )
    outcome = buyers["has_license_3"].fillna(False).astype(bool).to_numpy()
    features = StandardScaler().fit_transform(
        np.log1p(buyers[["orders", "tickets", "open_days"]].clip(lower=0).to_numpy())
    )
    probability = cross_val_predict(
        LogisticRegression(max_iter=1000), features, outcome, cv=5, method="predict_proba"
    )[:, 1]

    shape = np.log1p(
        np.column_stack(
            [
                customers["revenue"].clip(lower=0),
                customers["orders"],
                customers["tickets"],
                recency.clip(lower=0),
            ]
        )
    )
    clusters = KMeans(4, n_init=4, random_state=0).fit_predict(
        StandardScaler().fit_transform(shape)
    )
    best = customers.groupby(clusters)["adjusted_revenue"].mean().idxmax()
    insiders = clusters == best
    return {
        "customers": len(customers),
        "orders": int(customers["orders"].sum()),
        "revenue": float(customers["revenue"].sum()),
        "license_3_auc": float(roc_auc_score(outcome, probability)),
        "insiders": int(insiders.sum()),
        "insider_revenue_share": float(
            customers.loc[insiders, "revenue"].sum() / customers["revenue"].sum()
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("world", type=Path, help="a world written by hvc generate --shape flat")
    args = parser.parse_args()
    start = time.perf_counter()
    figures = seed_job(args.world)
    figures["seconds"] = round(time.perf_counter() - start, 1)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
