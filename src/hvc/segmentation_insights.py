"""The Insiders explained and tested: the business questions, and the out-of-time backtest.

`summarise_insiders` answers, per business line, how many Insiders there are, their share of
customers and revenue, how they differ from the rest (median ratios), which thresholds
describe them (a shallow decision tree, scored on held-out customers) and whether their revenue
per customer differs (Mann-Whitney U, Welch t, effect sizes, bootstrap confidence intervals).
These in-sample tests only show that the segments separate revenue, which they were built to
do; `backtest_insiders` is the real check: Insiders chosen from the data before a cutoff,
measured on the revenue after it, against the same number of top past spenders.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pandas as pd
from scipy import stats
from sklearn.model_selection import train_test_split
from sklearn.tree import DecisionTreeClassifier

from hvc.segmentation import SegmentationConfig, segment_and_select, split_lines

# Raw features the eligibility tree reads, with the words used in its rules.
RULE_FEATURES = {
    "adjusted_revenue": "adjusted revenue",
    "net_revenue": "net revenue",
    "order_count": "purchases",
    "average_order_value": "average order value",
    "recency_days": "days since the last purchase",
    "tenure_days": "days since the first purchase",
    "distinct_product_count": "distinct products",
    "item_count": "items bought",
    "purchase_frequency": "purchases per active month",
    "return_rate": "return rate",
    "ticket_open_days": "support ticket days",
}
INTEGER_FEATURES = {
    "order_count",
    "recency_days",
    "tenure_days",
    "distinct_product_count",
    "item_count",
}
MONEY_FEATURES = {"adjusted_revenue", "net_revenue", "average_order_value"}

# Traits compared between Insiders and the rest, by median.
TRAITS = [
    "net_revenue",
    "adjusted_revenue",
    "order_count",
    "average_order_value",
    "recency_days",
    "tenure_days",
    "distinct_product_count",
    "item_count",
    "purchase_frequency",
    "return_rate",
    "ticket_open_days",
]

SUMMARY_COLUMNS = [
    "business_line",
    "question_order",
    "question",
    "metric",
    "metric_value",
    "ci_lower",
    "ci_upper",
    "p_value",
    "answer",
]

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

# Groups larger than this are subsampled (fixed seed) before bootstrapping: wider, not
# narrower, intervals, at a bounded cost.
BOOTSTRAP_CAP = 20_000
BACKTEST_BOOTSTRAP_CAP = 100_000


def compare_revenue(
    selected: np.ndarray, other: np.ndarray, resamples: int, random_state: int
) -> dict[str, float]:
    """Revenue per customer of two groups: means, difference and ratio of means with
    percentile bootstrap intervals (each group resampled on its own), Mann-Whitney U and
    Welch t p-values (two-sided), Cohen's d and the rank-biserial correlation."""
    selected = np.asarray(selected, dtype=float)
    other = np.asarray(other, dtype=float)
    out = {
        "mean_selected": _mean(selected),
        "mean_other": _mean(other),
        "median_selected": float(np.median(selected)) if len(selected) else math.nan,
        "median_other": float(np.median(other)) if len(other) else math.nan,
    }
    out["difference"] = out["mean_selected"] - out["mean_other"]
    out["ratio"] = _ratio(out["mean_selected"], out["mean_other"])
    nan = dict.fromkeys(
        [
            "difference_low",
            "difference_high",
            "ratio_low",
            "ratio_high",
            "mann_whitney_p",
            "mann_whitney_u",
            "welch_t",
            "welch_p",
            "cohens_d",
            "rank_biserial",
        ],
        math.nan,
    )
    out |= nan
    if len(selected) < 2 or len(other) < 2:
        return out
    test = stats.mannwhitneyu(selected, other, alternative="two-sided")
    welch = stats.ttest_ind(selected, other, equal_var=False)
    pooled = math.sqrt((selected.var(ddof=1) + other.var(ddof=1)) / 2)
    out |= {
        "mann_whitney_u": float(test.statistic),
        "mann_whitney_p": float(test.pvalue),
        "welch_t": float(welch.statistic),
        "welch_p": float(welch.pvalue),
        "cohens_d": out["difference"] / pooled if pooled > 0 else math.nan,
        "rank_biserial": 2 * float(test.statistic) / (len(selected) * len(other)) - 1,
    }
    rng = np.random.default_rng(random_state)
    a = _cap(selected, rng)
    b = _cap(other, rng)
    means_a = np.array([a[rng.integers(0, len(a), len(a))].mean() for _ in range(resamples)])
    means_b = np.array([b[rng.integers(0, len(b), len(b))].mean() for _ in range(resamples)])
    if resamples:
        out["difference_low"], out["difference_high"] = np.percentile(
            means_a - means_b, [2.5, 97.5]
        )
        ratios = np.divide(means_a, means_b, out=np.full(resamples, np.nan), where=means_b != 0)
        if np.isfinite(ratios).all():
            out["ratio_low"], out["ratio_high"] = np.percentile(ratios, [2.5, 97.5])
    return {key: float(value) for key, value in out.items()}


def _mean(values: np.ndarray) -> float:
    return float(values.mean()) if len(values) else math.nan


def _ratio(a: float, b: float) -> float:
    return a / b if b and not math.isnan(b) else math.nan


def _cap(values: np.ndarray, rng: np.random.Generator, cap: int = BOOTSTRAP_CAP) -> np.ndarray:
    if len(values) <= cap:
        return values
    return values[np.sort(rng.choice(len(values), cap, replace=False))]


def eligibility_rule(
    frame: pd.DataFrame, is_insider: np.ndarray, config: SegmentationConfig
) -> dict[str, object]:
    """A shallow decision tree that explains Insider membership in the features' own units.

    Fitted on 70 % of the customers (at most 100,000, fixed seed) and scored on the other
    30 %: accuracy, the accuracy of calling nobody an Insider, precision and recall. The rule
    is the tree's paths to Insider leaves, bounds per feature merged, thresholds rounded to
    what the feature can take (whole purchases and days, cents).
    """
    y = np.asarray(is_insider, dtype=bool)
    x = frame[list(RULE_FEATURES)].astype(float).fillna(0.0).to_numpy()
    result: dict[str, object] = dict.fromkeys(
        ["accuracy", "baseline_accuracy", "precision", "recall"], math.nan
    )
    if y.all() or not y.any():
        result["rule"] = "everyone" if y.all() else "nobody"
        return result
    rng = np.random.default_rng(config.random_state)
    rows = np.arange(len(y))
    if len(rows) > 100_000:
        rows = np.sort(rng.choice(rows, 100_000, replace=False))
    stratify = y[rows] if min(y[rows].sum(), (~y[rows]).sum()) >= 2 else None
    train, test = train_test_split(
        rows, test_size=0.3, random_state=config.random_state, stratify=stratify
    )
    tree = DecisionTreeClassifier(
        max_depth=config.tree_max_depth,
        min_samples_leaf=max(1, len(train) // 200),
        random_state=config.random_state,
    ).fit(x[train], y[train])
    predicted = tree.predict(x[test])
    truth = y[test]
    hits = (predicted & truth).sum()
    result |= {
        "accuracy": float((predicted == truth).mean()),
        "baseline_accuracy": float(max(truth.mean(), 1 - truth.mean())),
        "precision": float(hits / predicted.sum()) if predicted.sum() else math.nan,
        "recall": float(hits / truth.sum()) if truth.sum() else math.nan,
        "rule": tree_rule(tree, list(RULE_FEATURES)),
    }
    return result


def tree_rule(tree: DecisionTreeClassifier, features: list[str]) -> str:
    """The tree's paths to the positive class as readable text; a node whose leaves all
    predict it ends the path there (no split that changes nothing is shown)."""
    inner = tree.tree_
    positive = list(tree.classes_).index(True) if True in tree.classes_ else None
    paths: list[str] = []

    def uniform(node: int) -> int | None:
        """The class every leaf under `node` predicts, or None when they differ."""
        if inner.children_left[node] == -1:
            return int(inner.value[node][0].argmax())
        left = uniform(inner.children_left[node])
        return left if left == uniform(inner.children_right[node]) else None

    def walk(node: int, bounds: dict[str, list[float]]) -> None:
        predicted = uniform(node)
        if predicted is not None:
            if positive is not None and predicted == positive:
                paths.append(_describe(bounds))
            return
        name = features[inner.feature[node]]
        threshold = float(inner.threshold[node])
        low, high = bounds.get(name, [-math.inf, math.inf])
        walk(inner.children_left[node], bounds | {name: [low, min(high, threshold)]})
        walk(inner.children_right[node], bounds | {name: [max(low, threshold), high]})

    walk(0, {})
    if not paths:
        return "nobody"
    return " or ".join(f"({path})" if len(paths) > 1 else path for path in paths)


def _describe(bounds: dict[str, list[float]]) -> str:
    parts = []
    for name, (low, high) in bounds.items():
        label = RULE_FEATURES[name]
        if name in INTEGER_FEATURES:
            first = math.floor(low) + 1 if low > -math.inf else None
            last = math.floor(high) if high < math.inf else None
            if first is not None and first == last:
                parts.append(f"{label} = {first:,}")
                continue
            if first is not None:
                parts.append(f"{label} >= {first:,}")
            if last is not None:
                parts.append(f"{label} <= {last:,}")
        else:
            if low > -math.inf:
                parts.append(f"{label} > {_number(name, low)}")
            if high < math.inf:
                parts.append(f"{label} <= {_number(name, high)}")
    return " and ".join(parts) if parts else "everyone"


def _number(name: str, value: float) -> str:
    if name in MONEY_FEATURES:
        return f"{value:,.2f}"
    if name == "return_rate":
        return f"{value:.1%}"
    return f"{value:,.2f}"


def summarise_insiders(
    customers: pd.DataFrame,
    segments: pd.DataFrame,
    config: SegmentationConfig,
    backtest: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Answer the business questions about the Insiders, one row per business line and metric.

    Parameters
    ----------
    customers : one row per segmented customer with `customer_key`, `business_line` and the
        `TRAITS` / `RULE_FEATURES` columns.
    segments : `customer_key`, `segment_id`, `is_insider` (the segmentation's output).
    config : settings (tree depth, bootstrap resamples, random state, Insiders rule).
    backtest : the output of `backtest_insiders`, whose figures answer what guarantees that
        Insiders beat the rest; omitted or without the line's rows, that question is answered
        as not measured.
    """
    merged = customers.merge(
        segments[["customer_key", "segment_id", "is_insider"]], on="customer_key", how="inner"
    )
    rows: list[dict] = []
    for name, line in split_lines(merged):
        line = line.sort_values("customer_key", kind="stable").reset_index(drop=True)
        rows += _line_summary(name, line, config)
        rows += _guarantee_rows(name, backtest)
    out = pd.DataFrame.from_records(rows, columns=SUMMARY_COLUMNS)
    return out.astype(
        {
            "business_line": "string",
            "question_order": "int32",
            "question": "string",
            "metric": "string",
            "metric_value": "float64",
            "ci_lower": "float64",
            "ci_upper": "float64",
            "p_value": "float64",
            "answer": "string",
        }
    )


def _line_summary(name: str, line: pd.DataFrame, config: SegmentationConfig) -> list[dict]:
    insider = line["is_insider"].to_numpy(dtype=bool)
    n, count = len(line), int(insider.sum())
    net = line["net_revenue"].astype(float).to_numpy()
    adjusted = line["adjusted_revenue"].astype(float).to_numpy()
    rows: list[dict] = []

    def add(order: int, question: str, metric: str, value: float | None, answer: str, **extra):
        rows.append(
            {
                "business_line": name,
                "question_order": order,
                "question": question,
                "metric": metric,
                "metric_value": value,
                "ci_lower": extra.get("low"),
                "ci_upper": extra.get("high"),
                "p_value": extra.get("p"),
                "answer": answer,
            }
        )

    how_many = "How many customers are Insiders?"
    add(1, how_many, "insider_count", count, f"{count:,} of {n:,} customers with a purchase")
    share = count / n if n else math.nan
    add(2, "What share of customers are they?", "share_of_customers", share, f"{share:.1%}")
    for metric, values, label in [
        ("share_of_net_revenue", net, "net revenue"),
        ("share_of_adjusted_revenue", adjusted, "adjusted revenue (after support)"),
    ]:
        total = values.sum()
        part = values[insider].sum()
        value = part / total if total else math.nan
        add(
            3,
            "What share of revenue do they bring?",
            metric,
            value,
            f"{value:.1%} of {label} ({part:,.2f} of {total:,.2f})",
        )
    for trait in TRAITS:
        values = line[trait].astype(float).fillna(0.0).to_numpy()
        inside = float(np.median(values[insider])) if count else math.nan
        outside = float(np.median(values[~insider])) if count < n else math.nan
        ratio = _ratio(inside, outside)
        ratio_text = "" if math.isnan(ratio) else f" ({ratio:.2f}x)"
        add(
            4,
            "What characterises them against the rest (medians)?",
            f"median_ratio_{trait}",
            ratio,
            f"{RULE_FEATURES[trait]}: median {_plain(trait, inside)} for Insiders, "
            f"{_plain(trait, outside)} for the rest{ratio_text}",
        )
    rule = eligibility_rule(line, insider, config)
    eligibility = "Which thresholds make a customer an Insider?"
    add(
        5,
        eligibility,
        "eligibility_rule",
        rule["accuracy"],
        f"{rule['rule']} (a depth-{config.tree_max_depth} decision tree; on held-out "
        f"customers accuracy {_pct(rule['accuracy'])} against {_pct(rule['baseline_accuracy'])}"
        f" for calling nobody an Insider, precision {_pct(rule['precision'])}, recall "
        f"{_pct(rule['recall'])})",
    )
    add(5, eligibility, "eligibility_precision", rule["precision"], _pct(rule["precision"]))
    add(5, eligibility, "eligibility_recall", rule["recall"], _pct(rule["recall"]))
    if config.insiders_rule == "top_segment":
        entry = (
            "Enter: be assigned to segment 1 (the most valuable) when the warehouse is rebuilt"
            f"; in plain terms, meet the rule above ({rule['rule']}). Removed: no longer "
            "assigned to segment 1 at a rebuild (membership is recomputed from the data as of "
            "each build; segments are refitted, so thresholds can move)."
        )
    else:
        entry = (
            f"Enter: rank in the top {config.insiders_top_share:.0%} of customers by adjusted "
            "revenue at a rebuild. Removed: fall out of that top share at a rebuild."
        )
    add(6, "What are the conditions to enter and to be removed?", "entry_and_removal", None, entry)
    compared = compare_revenue(
        net[insider], net[~insider], config.bootstrap_resamples, config.random_state
    )
    versus = "Do Insiders bring more revenue per customer than the rest?"
    add(
        7,
        versus,
        "net_revenue_per_insider",
        compared["mean_selected"],
        f"mean {compared['mean_selected']:,.2f} per Insider",
    )
    add(
        7,
        versus,
        "net_revenue_per_other_customer",
        compared["mean_other"],
        f"mean {compared['mean_other']:,.2f} per other customer",
    )
    add(
        7,
        versus,
        "net_revenue_difference",
        compared["difference"],
        f"Insiders bring {compared['difference']:,.2f} more per customer (95% bootstrap CI "
        f"{compared['difference_low']:,.2f} to {compared['difference_high']:,.2f}; Welch t "
        f"p {_p(compared['welch_p'])})",
        low=compared["difference_low"],
        high=compared["difference_high"],
        p=compared["welch_p"],
    )
    add(
        7,
        versus,
        "net_revenue_ratio",
        compared["ratio"],
        f"{compared['ratio']:.2f}x the revenue per customer (95% bootstrap CI "
        f"{compared['ratio_low']:.2f} to {compared['ratio_high']:.2f})",
        low=compared["ratio_low"],
        high=compared["ratio_high"],
    )
    add(
        7,
        versus,
        "mann_whitney_rank_biserial",
        compared["rank_biserial"],
        f"Mann-Whitney U = {compared['mann_whitney_u']:,.0f}, p "
        f"{_p(compared['mann_whitney_p'])}; rank-biserial correlation "
        f"{compared['rank_biserial']:.2f} (1 = every Insider above every other customer)",
        p=compared["mann_whitney_p"],
    )
    add(
        7,
        versus,
        "cohens_d",
        compared["cohens_d"],
        f"Cohen's d = {compared['cohens_d']:.2f}. In-sample: segments were built on revenue, "
        "so this shows separation, not a guarantee; see insiders_backtest for the out-of-time "
        "check.",
    )
    return rows


def _guarantee_rows(name: str, backtest: pd.DataFrame | None) -> list[dict]:
    """The out-of-time answer: how Insiders chosen at the cutoff did after it."""
    question = "What guarantees that Insiders beat the rest?"
    base = {"business_line": name, "question_order": 8, "question": question}
    rows = backtest[backtest["business_line"] == name] if backtest is not None else None
    chosen = None if rows is None else rows[rows["selection"] == "segment_insiders"]
    naive = None if rows is None else rows[rows["selection"] == "top_past_spend"]
    if chosen is None or chosen.empty or naive.empty:
        return [
            base
            | {
                "metric": "out_of_time_share_of_future_revenue",
                "answer": "not measured: no customer bought before the backtest cutoff",
            }
        ]
    ins, top = chosen.iloc[0], naive.iloc[0]
    cutoff = pd.Timestamp(ins["cutoff_date"]).date()
    period = f"{cutoff} to {pd.Timestamp(ins['horizon_end_date']).date()}"
    beat = ins["share_difference_vs_baseline"]
    low, high = ins["share_difference_ci_lower"], ins["share_difference_ci_upper"]
    verdict = (
        "beat" if low > 0 else "did worse than" if high < 0 else "did not differ measurably from"
    )
    return [
        base
        | {
            "metric": "out_of_time_share_of_future_revenue",
            "metric_value": ins["share_of_future_revenue"],
            "ci_lower": ins["share_ci_lower"],
            "ci_upper": ins["share_ci_upper"],
            "answer": (
                f"Insiders chosen from the data before {cutoff} "
                f"({ins['share_of_customers']:.1%} of customers) brought "
                f"{ins['share_of_future_revenue']:.1%} of the revenue of {period} (95% CI "
                f"{ins['share_ci_lower']:.1%} to {ins['share_ci_upper']:.1%})"
            ),
        },
        base
        | {
            "metric": "out_of_time_revenue_per_customer_ratio",
            "metric_value": ins["revenue_per_customer_ratio"],
            "ci_lower": ins["ratio_ci_lower"],
            "ci_upper": ins["ratio_ci_upper"],
            "p_value": ins["mann_whitney_p"],
            "answer": (
                f"{ins['revenue_per_customer_ratio']:.2f}x the future revenue per customer of "
                f"the rest (95% CI {ins['ratio_ci_lower']:.2f} to {ins['ratio_ci_upper']:.2f};"
                f" Mann-Whitney p {_p(ins['mann_whitney_p'])})"
            ),
        },
        base
        | {
            "metric": "out_of_time_share_difference_vs_top_past_spend",
            "metric_value": beat,
            "ci_lower": low,
            "ci_upper": high,
            "answer": (
                "against the same number of top past spenders "
                f"({top['share_of_future_revenue']:.1%} of future revenue) the Insiders "
                f"{verdict} the naive choice: "
                f"{beat:+.1%} (95% paired bootstrap CI {low:+.1%} to {high:+.1%})"
            ),
        },
    ]


def _plain(trait: str, value: float) -> str:
    if math.isnan(value):
        return "n/a"
    if trait == "return_rate":
        return f"{value:.1%}"
    if trait in INTEGER_FEATURES:
        return f"{value:,.0f}"
    return f"{value:,.2f}"


def _p(value: float) -> str:
    """A p-value for text: `= 0.012`, or `< 1e-300` where it underflows to 0."""
    if math.isnan(value):
        return "= n/a"
    return "< 1e-300" if value == 0 else f"= {value:.2g}"


def _pct(value: object) -> str:
    return "n/a" if value is None or math.isnan(float(value)) else f"{float(value):.1%}"


def backtest_insiders(
    customers: pd.DataFrame, config: SegmentationConfig
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Choose Insiders from the features at a cutoff and measure them on the revenue after it.

    Parameters
    ----------
    customers : one row per customer with a purchase before the cutoff: the segmentation
        inputs measured at the cutoff, `future_net_revenue` (net revenue from the cutoff to
        the horizon end), `future_order_count`, `cutoff_date` and `horizon_end_date`.
    config : the segmentation settings (the same as for the current segments).

    Returns
    -------
    `(backtest, selection)`: one row per business line and selection (`segment_insiders`,
    the segmentation's Insiders; `top_past_spend`, the same number of customers with the
    highest net revenue before the cutoff), `BACKTEST_COLUMNS`; and the model selection on
    the cutoff data.
    """
    selection, segments = segment_and_select(customers, config)
    merged = customers.merge(segments[["customer_key", "is_insider", "candidate_id"]])
    rows: list[dict] = []
    for name, line in split_lines(merged):
        line = line.sort_values("customer_key", kind="stable").reset_index(drop=True)
        rows += _line_backtest(name, line, config)
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
    return out.astype(types), selection


def top_past_spenders(line: pd.DataFrame, count: int) -> np.ndarray:
    """The `count` customers with the highest net revenue before the cutoff (ties by key)."""
    order = line.assign(_spend=line["net_revenue"].astype(float)).sort_values(
        ["_spend", "customer_key"], ascending=[False, True], kind="stable"
    )
    flags = np.zeros(len(line), dtype=bool)
    flags[order.index[:count].to_numpy()] = True
    return flags


def _line_backtest(name: str, line: pd.DataFrame, config: SegmentationConfig) -> list[dict]:
    future = line["future_net_revenue"].astype(float).to_numpy()
    bought = line["future_order_count"].astype(float).to_numpy() > 0
    past = line["net_revenue"].astype(float).to_numpy()
    insiders = line["is_insider"].to_numpy(dtype=bool)
    baseline = top_past_spenders(line, int(insiders.sum()))
    share_difference = _bootstrap_share_difference(future, insiders, baseline, config)
    common = {
        "business_line": name,
        "cutoff_date": line["cutoff_date"].iloc[0],
        "horizon_end_date": line["horizon_end_date"].iloc[0],
        "customers_at_cutoff": len(line),
        "overlap_customers": int((insiders & baseline).sum()),
    }
    rows = []
    for selection, flags, candidate in [
        ("segment_insiders", insiders, str(line["candidate_id"].iloc[0])),
        ("top_past_spend", baseline, "top_past_net_revenue"),
    ]:
        compared = compare_revenue(
            future[flags], future[~flags], config.bootstrap_resamples, config.random_state
        )
        share_low, share_high = _bootstrap_share(future, flags, config)
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
        if selection == "segment_insiders":
            row |= share_difference
        rows.append(row)
    return rows


def _population_bootstrap(
    future: np.ndarray, config: SegmentationConfig, statistic: Callable[[np.ndarray], float]
) -> tuple[float, float]:
    """Percentile interval of `statistic(indices)` over customers resampled with replacement
    (populations above `BACKTEST_BOOTSTRAP_CAP` are subsampled first)."""
    if config.bootstrap_resamples < 1 or len(future) < 2:
        return math.nan, math.nan
    rng = np.random.default_rng(config.random_state)
    base = np.arange(len(future))
    if len(base) > BACKTEST_BOOTSTRAP_CAP:
        base = np.sort(rng.choice(base, BACKTEST_BOOTSTRAP_CAP, replace=False))
    draws = np.array(
        [
            statistic(base[rng.integers(0, len(base), len(base))])
            for _ in range(config.bootstrap_resamples)
        ]
    )
    draws = draws[np.isfinite(draws)]
    if len(draws) == 0:
        return math.nan, math.nan
    low, high = np.percentile(draws, [2.5, 97.5])
    return float(low), float(high)


def _bootstrap_share(
    future: np.ndarray, flags: np.ndarray, config: SegmentationConfig
) -> tuple[float, float]:
    def share(index: np.ndarray) -> float:
        total = future[index].sum()
        return future[index][flags[index]].sum() / total if total else math.nan

    return _population_bootstrap(future, config, share)


def _bootstrap_share_difference(
    future: np.ndarray, insiders: np.ndarray, baseline: np.ndarray, config: SegmentationConfig
) -> dict[str, float]:
    """Insiders' share of future revenue minus the baseline's, with a paired bootstrap
    interval (the same resampled customers for both)."""
    contribution = future * (insiders.astype(float) - baseline.astype(float))

    def difference(index: np.ndarray) -> float:
        total = future[index].sum()
        return contribution[index].sum() / total if total else math.nan

    total = future.sum()
    low, high = _population_bootstrap(future, config, difference)
    return {
        "share_difference_vs_baseline": contribution.sum() / total if total else math.nan,
        "share_difference_ci_lower": low,
        "share_difference_ci_upper": high,
    }
