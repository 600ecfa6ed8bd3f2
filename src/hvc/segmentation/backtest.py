"""The out-of-time check: Insiders chosen at a cutoff, measured on the revenue after it."""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator

import numpy as np
import pandas as pd

from hvc import clv
from hvc.relations import groups_of
from hvc.segmentation.comparison import _ratio, compare_revenue
from hvc.segmentation.features import split_lines
from hvc.segmentation.segments import segment_and_select
from hvc.segmentation.settings import SegmentationSettings

BACKTEST_COLUMNS = [
    "business_line",
    "selection",
    "cutoff_date",
    "horizon_end_date",
    "candidate_id",
    "customers_at_cutoff",
    "selected_customers",
    "share_of_customers",
    "share_of_past_revenue",
    "future_revenue_total",
    "future_revenue_selected",
    "share_of_future_revenue",
    "share_ci_lower",
    "share_ci_upper",
    "future_revenue_per_selected",
    "future_revenue_per_other",
    "revenue_per_customer_ratio",
    "ratio_ci_lower",
    "ratio_ci_upper",
    "revenue_per_customer_difference",
    "difference_ci_lower",
    "difference_ci_upper",
    "mann_whitney_p",
    "welch_t_p",
    "rank_biserial",
    "selected_buying_again_share",
    "other_buying_again_share",
    "overlap_customers",
    "share_difference_vs_baseline",
    "share_difference_ci_lower",
    "share_difference_ci_upper",
]

BACKTEST_BOOTSTRAP_CAP = 100_000


def backtest_insiders(
    customers: pd.DataFrame | Iterable[pd.DataFrame], settings: SegmentationSettings
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Choose Insiders from the features at a cutoff and measure them on the revenue after it.

    Parameters
    ----------
    customers : one row per customer with a purchase before the cutoff: the segmentation
        inputs measured at the cutoff, `future_net_revenue` (net revenue from the cutoff to
        the horizon end), `future_order_count`, `cutoff_date` and `horizon_end_date`.
        Customers with a `cutoff_number` are backtested at each cutoff on its own (1: the
        latest). Or frames of one cutoff each, the latest first (`hvc.relations.frames_by` on
        `cutoff_number`), so that only one cutoff is held at a time.
    settings : the segmentation settings (the same as for the current segments).

    Returns
    -------
    `(backtest, selection)`: one row per cutoff, business line and selection
    (`segment_insiders`, the segmentation's Insiders; `top_past_spend`, the same number of
    customers with the highest net revenue before the cutoff; `predicted_value`, the same
    number with the highest BG/NBD x Gamma-Gamma expected revenue over the horizon, fitted on
    the data before the cutoff, when `customers` carries the CLV inputs and the line can be
    fitted), `BACKTEST_COLUMNS`; and the model selection on the latest cutoff's data.
    """
    rows: list[dict] = []
    latest = None
    for at_cutoff in _cutoffs(customers):
        selection, cutoff_rows = _cutoff_backtest(at_cutoff, settings)
        latest = selection if latest is None else latest
        rows += cutoff_rows
    if latest is None:
        latest, _ = segment_and_select(pd.DataFrame(columns=["business_line"]), settings)
    out = pd.DataFrame.from_records(rows, columns=BACKTEST_COLUMNS)
    types = dict.fromkeys(BACKTEST_COLUMNS, "float64") | {
        "business_line": "string",
        "selection": "string",
        "cutoff_date": "datetime64[us]",
        "horizon_end_date": "datetime64[us]",
        "candidate_id": "string",
        "customers_at_cutoff": "int64",
        "selected_customers": "int64",
        "overlap_customers": "int64",
    }
    return out.astype(types), latest


def _cutoffs(customers: pd.DataFrame | Iterable[pd.DataFrame]) -> Iterator[pd.DataFrame]:
    """The customers of each cutoff, the latest first (a frame without `cutoff_number`: one)."""
    if isinstance(customers, pd.DataFrame) and "cutoff_number" not in customers.columns:
        if len(customers):
            yield customers
    else:
        yield from groups_of(customers, ["cutoff_number"])


def _cutoff_backtest(
    at_cutoff: pd.DataFrame, settings: SegmentationSettings
) -> tuple[pd.DataFrame, list[dict]]:
    """The model selection and the backtest rows of one cutoff's customers (a function of its
    own: what a cutoff builds is freed before the next is read)."""
    selection, segments = segment_and_select(at_cutoff, settings)
    merged = at_cutoff.merge(segments[["customer_key", "is_insider", "candidate_id"]])
    del segments
    rows = []
    for name, line in split_lines(merged):
        line = line.sort_values("customer_key", kind="stable").reset_index(drop=True)
        rows += _line_backtest(name, line, settings)
    return selection, rows


def top_past_spenders(line: pd.DataFrame, count: int) -> np.ndarray:
    """The `count` customers with the highest net revenue before the cutoff (ties by key)."""
    order = line.assign(_spend=line["net_revenue"].astype(float)).sort_values(
        ["_spend", "customer_key"], ascending=[False, True], kind="stable"
    )
    flags = np.zeros(len(line), dtype=bool)
    flags[order.index[:count].to_numpy()] = True
    return flags


def _line_backtest(name: str, line: pd.DataFrame, settings: SegmentationSettings) -> list[dict]:
    """The Insiders' and the top past spenders' rows for one business line."""
    future = line["future_net_revenue"].astype(float).to_numpy()
    bought = line["future_order_count"].astype(float).to_numpy() > 0
    past = line["net_revenue"].astype(float).to_numpy()
    insiders = line["is_insider"].to_numpy(dtype=bool)
    baseline = top_past_spenders(line, int(insiders.sum()))
    predicted = predicted_value_list(line, int(insiders.sum()))
    common = {
        "business_line": name,
        "cutoff_date": line["cutoff_date"].iloc[0],
        "horizon_end_date": line["horizon_end_date"].iloc[0],
        "customers_at_cutoff": len(line),
        "overlap_customers": int((insiders & baseline).sum()),
    }
    rows = []
    choices = [
        ("segment_insiders", insiders, str(line["candidate_id"].iloc[0])),
        ("top_past_spend", baseline, "top_past_net_revenue"),
    ]
    if predicted is not None:
        choices.append(("predicted_value", predicted, "bg_nbd_gamma_gamma_expected_revenue"))
    intervals = _bootstrap_intervals(
        future,
        [(flags, None if choice == "top_past_spend" else baseline) for choice, flags, _ in choices],
        settings,
    )
    for (selection, flags, candidate), (share_interval, difference) in zip(
        choices, intervals, strict=True
    ):
        compared = compare_revenue(
            future[flags], future[~flags], settings.bootstrap_resamples, settings.random_state
        )
        share_low, share_high = share_interval
        total = future.sum()
        row = common | {
            "selection": selection,
            "candidate_id": candidate,
            "selected_customers": int(flags.sum()),
            "share_of_customers": flags.mean(),
            "share_of_past_revenue": _ratio(past[flags].sum(), past.sum()),
            "future_revenue_total": total,
            "future_revenue_selected": future[flags].sum(),
            "share_of_future_revenue": _ratio(future[flags].sum(), total),
            "share_ci_lower": share_low,
            "share_ci_upper": share_high,
            "future_revenue_per_selected": compared["mean_selected"],
            "future_revenue_per_other": compared["mean_other"],
            "revenue_per_customer_ratio": compared["ratio"],
            "ratio_ci_lower": compared["ratio_low"],
            "ratio_ci_upper": compared["ratio_high"],
            "revenue_per_customer_difference": compared["difference"],
            "difference_ci_lower": compared["difference_low"],
            "difference_ci_upper": compared["difference_high"],
            "mann_whitney_p": compared["mann_whitney_p"],
            "welch_t_p": compared["welch_p"],
            "rank_biserial": compared["rank_biserial"],
            "selected_buying_again_share": bought[flags].mean() if flags.any() else math.nan,
            "other_buying_again_share": bought[~flags].mean() if (~flags).any() else math.nan,
        }
        if selection == "predicted_value":
            row["overlap_customers"] = int((flags & baseline).sum())
        if difference is not None:
            row |= difference
        rows.append(row)
    return rows


def predicted_value_list(line: pd.DataFrame, count: int) -> np.ndarray | None:
    """The `count` customers with the highest expected revenue over the horizon (BG/NBD x
    Gamma-Gamma fitted on the line's purchase days before the cutoff; ties by key), or None
    without the CLV inputs or when the line cannot be fitted (too few repeat buyers)."""
    if "clv_frequency" not in line.columns or not line["clv_frequency"].notna().any():
        return None
    known = line[line["clv_frequency"].notna()]
    summary = pd.DataFrame(
        {
            "business_line": "line",
            "frequency": known["clv_frequency"].astype(float),
            "recency_days": known["clv_recency_days"].astype(float),
            "age_days": known["clv_age_days"].astype(float),
            "mean_repeat_purchase_amount": pd.to_numeric(known["clv_mean_repeat_purchase_amount"]),
        }
    )
    fits = clv.fits_from_parameters(clv.fit_parameters(summary))
    if "line" not in fits:
        return None
    bg, gg = fits["line"]
    horizon = (
        pd.Timestamp(line["horizon_end_date"].iloc[0]) - pd.Timestamp(line["cutoff_date"].iloc[0])
    ).days + 1
    expected = np.zeros(len(line))
    with np.errstate(invalid="ignore", divide="ignore"):
        values = clv.expected_purchases(
            bg.params, horizon, summary["frequency"], summary["recency_days"], summary["age_days"]
        ) * clv.expected_spend(
            gg.params, summary["frequency"], summary["mean_repeat_purchase_amount"]
        )
    expected[known.index.to_numpy()] = np.nan_to_num(np.asarray(values, dtype=float))
    order = np.lexsort((line["customer_key"].to_numpy(), -expected))
    flags = np.zeros(len(line), dtype=bool)
    flags[order[:count]] = True
    return flags


def _bootstrap_intervals(
    future: np.ndarray,
    selections: list[tuple[np.ndarray, np.ndarray | None]],
    settings: SegmentationSettings,
) -> list[tuple[tuple[float, float], dict[str, float] | None]]:
    """Percentile intervals over customers resampled with replacement (populations above
    `BACKTEST_BOOTSTRAP_CAP` are subsampled first), every statistic on the same resamples:
    for each `(flags, baseline)` of `selections`, the interval of the flagged customers'
    share of the future revenue and, when `baseline` is given, that share minus the
    baseline's with its paired interval (the `share_difference_*` columns)."""
    contributions = [
        None if baseline is None else future * (flags.astype(float) - baseline.astype(float))
        for flags, baseline in selections
    ]
    statistics = 2 * len(selections)
    draws = np.full((max(settings.bootstrap_resamples, 0), statistics), np.nan)
    if settings.bootstrap_resamples >= 1 and len(future) >= 2:
        rng = np.random.default_rng(settings.random_state)
        base = np.arange(len(future))
        if len(base) > BACKTEST_BOOTSTRAP_CAP:
            base = np.sort(rng.choice(base, BACKTEST_BOOTSTRAP_CAP, replace=False))
        # the subsample's values side by side before resampling: each draw then gathers from
        # arrays the size of the subsample, not of the population (at 1 M customers the
        # scattered reads from the full arrays took 2.5 times as long; same values, same sums)
        kept = future[base]
        kept_flags = [flags[base] for flags, _ in selections]
        kept_contributions = [None if c is None else c[base] for c in contributions]
        for draw in draws:
            index = rng.integers(0, len(base), len(base))
            resampled = kept[index]
            total = resampled.sum()
            if not total:
                continue
            for k, (flags, contribution) in enumerate(
                zip(kept_flags, kept_contributions, strict=True)
            ):
                draw[2 * k] = resampled[flags[index]].sum() / total
                if contribution is not None:
                    draw[2 * k + 1] = contribution[index].sum() / total
    total = future.sum()
    intervals = []
    for k, contribution in enumerate(contributions):
        difference = None
        if contribution is not None:
            low, high = _percentile_interval(draws[:, 2 * k + 1])
            difference = {
                "share_difference_vs_baseline": contribution.sum() / total if total else math.nan,
                "share_difference_ci_lower": low,
                "share_difference_ci_upper": high,
            }
        intervals.append((_percentile_interval(draws[:, 2 * k]), difference))
    return intervals


def _percentile_interval(draws: np.ndarray) -> tuple[float, float]:
    """The 95 % percentile interval of the finite draws (NaN without any)."""
    draws = draws[np.isfinite(draws)]
    if len(draws) == 0:
        return math.nan, math.nan
    low, high = np.percentile(draws, [2.5, 97.5])
    return float(low), float(high)
