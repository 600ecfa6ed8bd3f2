"""Can a ranking by predicted future value beat the naive list of top past spenders? Measured
on the real Online Retail file at several cutoffs and list sizes.

At each cutoff, customers who bought before it are ranked four ways, and the top N of each
ranking is compared on the share of the next `--horizon` days' net revenue it brings:

- `top_past_spend`: net revenue before the cutoff (the naive list);
- `clv`: BG/NBD + Gamma-Gamma expected revenue over the horizon, fitted on the data before
  the cutoff (hvc.clv, purchase days as the warehouse counts them);
- `poisson_glm`: a Poisson regression of the next horizon's revenue on log recency,
  frequency, age, mean repeat spend, past revenue and the CLV expectation, trained one horizon
  earlier (features at cutoff - horizon, outcome up to the cutoff);
- `gradient_boosting`: the same with scikit-learn's HistGradientBoostingRegressor (Poisson
  loss).

For each, the difference from the naive list's share with a paired bootstrap 95 % interval
(the same resampled customers for both). Not a test: run it by hand, e.g.

    .venv/bin/python scripts/insiders_vs_naive.py
    .venv/bin/python scripts/insiders_vs_naive.py --cutoffs 2011-06-10 2011-09-10 --sizes 0.12
"""

from __future__ import annotations

import argparse
import os
import warnings
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.linear_model import PoissonRegressor

from hvc import clv

DEFAULT_FILE = Path(os.environ.get("HVC_SHARED_DATA", "../shared/data")) / (
    "online_retail/Online_Retail.parquet"
)
FEATURES = ["frequency", "recency_days", "age_days", "mean_repeat_purchase_amount", "net"]


def purchase_days(path: Path) -> pd.DataFrame:
    """Net amount per customer and day (returns included, as net revenue counts them)."""
    with duckdb.connect() as con:
        return con.execute(
            """
            select cast(cast(CustomerID as bigint) as varchar) as customer_key,
                cast(InvoiceDate as date) as day, sum(Quantity * UnitPrice) as amount
            from read_parquet(?)
            where CustomerID is not null
            group by all
            order by all
            """,
            [str(path)],
        ).df()


def summary_at(days: pd.DataFrame, cutoff: pd.Timestamp, horizon: int) -> pd.DataFrame:
    """Per customer who bought before `cutoff`: the CLV summary (purchase days with a positive
    amount), past net revenue, and net revenue in the `horizon` days from the cutoff."""
    day = pd.to_datetime(days["day"])
    before = days[day < cutoff]
    bought = before[before["amount"] > 0].assign(day=lambda d: pd.to_datetime(d["day"]))
    per = bought.groupby("customer_key")["day"]
    first, last, count = per.min(), per.max(), per.count()
    repeat = bought.merge(first.rename("first"), left_on="customer_key", right_index=True)
    repeat = repeat[repeat["day"] > repeat["first"]].groupby("customer_key")["amount"].mean()
    end = cutoff - pd.Timedelta(days=1)
    out = pd.DataFrame(
        {
            "frequency": count - 1,
            "recency_days": (last - first).dt.days,
            "age_days": (end - first).dt.days,
        }
    ).join(repeat.rename("mean_repeat_purchase_amount"))
    out["net"] = before.groupby("customer_key")["amount"].sum().reindex(out.index).fillna(0)
    window = days[(day >= cutoff) & (day < cutoff + pd.Timedelta(days=horizon))]
    out["future"] = window.groupby("customer_key")["amount"].sum().reindex(out.index).fillna(0)
    out = out.rename_axis("customer_key").reset_index().sort_values("customer_key")
    out["business_line"] = "retail"
    out["calibration_end_date"] = end.date()
    out["clv"] = clv_expectation(out, horizon)
    return out.reset_index(drop=True)


def clv_expectation(summary: pd.DataFrame, horizon: int) -> np.ndarray:
    """BG/NBD x Gamma-Gamma expected revenue over the horizon, fitted on `summary`."""
    fits = clv.fits_from_parameters(clv.fit_parameters(summary))
    if "retail" not in fits:
        return np.zeros(len(summary))
    bg, gg = fits["retail"]
    purchases = clv.expected_purchases(
        bg.params,
        horizon,
        summary["frequency"],
        summary["recency_days"],
        summary["age_days"],
    )
    spend = clv.expected_spend(
        gg.params, summary["frequency"], summary["mean_repeat_purchase_amount"]
    )
    return np.nan_to_num(np.asarray(purchases * spend, dtype=float))


def design(frame: pd.DataFrame) -> np.ndarray:
    """log(1 + feature) of the ranking features (negative revenue counts as 0)."""
    values = frame[[*FEATURES, "clv"]].astype(float).fillna(0).clip(lower=0)
    return np.log1p(values.to_numpy())


def top(scores: np.ndarray, keys: np.ndarray, count: int) -> np.ndarray:
    """Flags of the `count` highest scores (ties by key)."""
    order = np.lexsort((keys, -scores))
    flags = np.zeros(len(scores), dtype=bool)
    flags[order[:count]] = True
    return flags


def paired_interval(future: np.ndarray, chosen: np.ndarray, naive: np.ndarray, rng) -> tuple:
    """Share difference (chosen - naive) of future revenue and its paired bootstrap 95 %."""
    contribution = future * (chosen.astype(float) - naive.astype(float))
    draws = []
    for _ in range(1000):
        index = rng.integers(0, len(future), len(future))
        draws.append(contribution[index].sum() / future[index].sum())
    low, high = np.percentile(draws, [2.5, 97.5])
    return contribution.sum() / future.sum(), low, high


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, default=DEFAULT_FILE)
    parser.add_argument("--cutoffs", nargs="+", default=["2011-03-10", "2011-06-10", "2011-09-10"])
    parser.add_argument("--horizon", type=int, default=90)
    parser.add_argument("--sizes", nargs="+", type=float, default=[0.05, 0.12, 0.25])
    args = parser.parse_args()
    if not args.file.is_file():
        raise SystemExit(f"{args.file} not found: give --file or set HVC_SHARED_DATA")
    warnings.simplefilter("ignore")
    days = purchase_days(args.file)
    rng = np.random.default_rng(0)
    print("cutoff      size  customers  naive share | ranking: share, difference [95 % CI]")
    for text in args.cutoffs:
        cutoff = pd.Timestamp(text)
        now = summary_at(days, cutoff, args.horizon)
        earlier = summary_at(days, cutoff - pd.Timedelta(days=args.horizon), args.horizon)
        target = earlier["future"].clip(lower=0).to_numpy()
        scores = {
            "clv": now["clv"].to_numpy(),
            "poisson_glm": PoissonRegressor(alpha=1e-4, max_iter=1000)
            .fit(design(earlier), target)
            .predict(design(now)),
            "gradient_boosting": HistGradientBoostingRegressor(
                loss="poisson", max_iter=200, random_state=0
            )
            .fit(design(earlier), target)
            .predict(design(now)),
        }
        future, keys = now["future"].to_numpy(), now["customer_key"].to_numpy()
        for size in args.sizes:
            count = int(size * len(now))
            naive = top(now["net"].to_numpy(dtype=float), keys, count)
            parts = []
            for name, score in scores.items():
                chosen = top(score, keys, count)
                difference, low, high = paired_interval(future, chosen, naive, rng)
                share = future[chosen].sum() / future.sum()
                parts.append(f"{name} {share:.3f}, {difference:+.3f} [{low:+.3f}, {high:+.3f}]")
            naive_share = future[naive].sum() / future.sum()
            print(
                f"{text}  {size:4.0%}  {len(now):9,}  {naive_share:11.3f} | " + "; ".join(parts),
                flush=True,
            )


if __name__ == "__main__":
    main()
