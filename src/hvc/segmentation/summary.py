"""The business questions about the Insiders, answered per business line."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from hvc.segmentation.comparison import _ratio, compare_revenue
from hvc.segmentation.eligibility import INTEGER_FEATURES, RULE_FEATURES, eligibility_rule
from hvc.segmentation.features import split_lines
from hvc.segmentation.settings import SegmentationSettings

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


def summarise_insiders(
    customers: pd.DataFrame,
    segments: pd.DataFrame,
    settings: SegmentationSettings,
    backtest: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Answer the business questions about the Insiders, one row per business line and metric.

    Parameters
    ----------
    customers : one row per segmented customer with `customer_key`, `business_line` and the
        `TRAITS` / `RULE_FEATURES` columns.
    segments : `customer_key`, `segment_id`, `is_insider` (the segmentation's output).
    settings : settings (tree depth, bootstrap resamples, random state, Insiders rule).
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
        rows += _line_summary(name, line, settings)
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


class _Answers:
    """The rows of one business line's answers, added one metric at a time."""

    def __init__(self, business_line: str) -> None:
        self.business_line = business_line
        self.rows: list[dict] = []

    def add(
        self, order: int, question: str, metric: str, value: float | None, answer: str, **extra
    ) -> None:
        """One metric's row; `low`, `high` and `p` give its interval and p-value."""
        self.rows.append(
            {
                "business_line": self.business_line,
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


def _line_summary(name: str, line: pd.DataFrame, settings: SegmentationSettings) -> list[dict]:
    """Questions 1 to 7 answered for one business line's customers (sorted by key)."""
    insider = line["is_insider"].to_numpy(dtype=bool)
    answers = _Answers(name)
    _answer_size(answers, line, insider)
    _answer_traits(answers, line, insider)
    _answer_eligibility(answers, line, insider, settings)
    _answer_revenue(answers, line, insider, settings)
    return answers.rows


def _answer_size(answers: _Answers, line: pd.DataFrame, insider: np.ndarray) -> None:
    """How many Insiders, their share of customers and of revenue (questions 1-3)."""
    add = answers.add
    n, count = len(line), int(insider.sum())
    net = line["net_revenue"].astype(float).to_numpy()
    adjusted = line["adjusted_revenue"].astype(float).to_numpy()
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


def _answer_traits(answers: _Answers, line: pd.DataFrame, insider: np.ndarray) -> None:
    """Each trait's median for Insiders against the rest (question 4)."""
    n, count = len(line), int(insider.sum())
    for trait in TRAITS:
        values = line[trait].astype(float).fillna(0.0).to_numpy()
        inside = float(np.median(values[insider])) if count else math.nan
        outside = float(np.median(values[~insider])) if count < n else math.nan
        ratio = _ratio(inside, outside)
        ratio_text = "" if math.isnan(ratio) else f" ({ratio:.2f}x)"
        answers.add(
            4,
            "What characterises them against the rest (medians)?",
            f"median_ratio_{trait}",
            ratio,
            f"{RULE_FEATURES[trait]}: median {_plain(trait, inside)} for Insiders, "
            f"{_plain(trait, outside)} for the rest{ratio_text}",
        )


def _answer_eligibility(
    answers: _Answers, line: pd.DataFrame, insider: np.ndarray, settings: SegmentationSettings
) -> None:
    """The thresholds that make an Insider, and how one enters and leaves (questions 5-6)."""
    add = answers.add
    rule = eligibility_rule(line, insider, settings)
    eligibility = "Which thresholds make a customer an Insider?"
    add(
        5,
        eligibility,
        "eligibility_rule",
        rule["accuracy"],
        f"{rule['rule']} (a depth-{settings.tree_max_depth} decision tree; on held-out "
        f"customers accuracy {_pct(rule['accuracy'])} against {_pct(rule['baseline_accuracy'])}"
        f" for calling nobody an Insider, precision {_pct(rule['precision'])}, recall "
        f"{_pct(rule['recall'])})",
    )
    add(5, eligibility, "eligibility_precision", rule["precision"], _pct(rule["precision"]))
    add(5, eligibility, "eligibility_recall", rule["recall"], _pct(rule["recall"]))
    if settings.insiders_rule == "top_segment":
        entry = (
            "Enter: be assigned to segment 1 (the most valuable) when the warehouse is rebuilt"
            f"; in plain terms, meet the rule above ({rule['rule']}). Removed: no longer "
            "assigned to segment 1 at a rebuild (membership is recomputed from the data as of "
            "each build; segments are refitted, so thresholds can move)."
        )
    else:
        entry = (
            f"Enter: rank in the top {settings.insiders_top_share:.0%} of customers by adjusted "
            "revenue at a rebuild. Removed: fall out of that top share at a rebuild."
        )
    add(6, "What are the conditions to enter and to be removed?", "entry_and_removal", None, entry)


def _answer_revenue(
    answers: _Answers, line: pd.DataFrame, insider: np.ndarray, settings: SegmentationSettings
) -> None:
    """Net revenue per Insider against the rest, with intervals and tests (question 7)."""
    net = line["net_revenue"].astype(float).to_numpy()
    compared = compare_revenue(
        net[insider], net[~insider], settings.bootstrap_resamples, settings.random_state
    )
    versus = "Do Insiders bring more revenue per customer than the rest?"
    answers.add(
        7,
        versus,
        "net_revenue_per_insider",
        compared["mean_selected"],
        f"mean {compared['mean_selected']:,.2f} per Insider",
    )
    answers.add(
        7,
        versus,
        "net_revenue_per_other_customer",
        compared["mean_other"],
        f"mean {compared['mean_other']:,.2f} per other customer",
    )
    answers.add(
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
    answers.add(
        7,
        versus,
        "net_revenue_ratio",
        compared["ratio"],
        f"{compared['ratio']:.2f}x the revenue per customer (95% bootstrap CI "
        f"{compared['ratio_low']:.2f} to {compared['ratio_high']:.2f})",
        low=compared["ratio_low"],
        high=compared["ratio_high"],
    )
    answers.add(
        7,
        versus,
        "mann_whitney_rank_biserial",
        compared["rank_biserial"],
        f"Mann-Whitney U = {compared['mann_whitney_u']:,.0f}, p "
        f"{_p(compared['mann_whitney_p'])}; rank-biserial correlation "
        f"{compared['rank_biserial']:.2f} (1 = every Insider above every other customer)",
        p=compared["mann_whitney_p"],
    )
    answers.add(
        7,
        versus,
        "cohens_d",
        compared["cohens_d"],
        f"Cohen's d = {compared['cohens_d']:.2f}. In-sample: segments were built on revenue, "
        "so this shows separation, not a guarantee; see insiders_backtest for the out-of-time "
        "check.",
    )


def _guarantee_rows(name: str, backtest: pd.DataFrame | None) -> list[dict]:
    """The out-of-time answer: how Insiders chosen at the cutoff did after it."""
    question = "What guarantees that Insiders beat the rest?"
    base = {"business_line": name, "question_order": 8, "question": question}
    rows = backtest[backtest["business_line"] == name] if backtest is not None else None
    if rows is not None and not rows.empty:
        # the latest cutoff (the backtest's others are in insiders_backtest)
        rows = rows[rows["cutoff_date"] == rows["cutoff_date"].max()]
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
    """A trait's median as text: whole numbers, percent, or two decimals."""
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
    """A share as a percentage, or n/a."""
    return "n/a" if value is None or math.isnan(float(value)) else f"{float(value):.1%}"
