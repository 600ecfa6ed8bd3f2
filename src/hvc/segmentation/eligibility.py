"""The eligibility rule: a shallow decision tree that says who the Insiders are, in words."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split
from sklearn.tree import DecisionTreeClassifier

from hvc.segmentation.settings import SegmentationSettings

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


def eligibility_rule(
    frame: pd.DataFrame, is_insider: np.ndarray, settings: SegmentationSettings
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
    rng = np.random.default_rng(settings.random_state)
    rows = np.arange(len(y))
    if len(rows) > 100_000:
        rows = np.sort(rng.choice(rows, 100_000, replace=False))
    stratify = y[rows] if min(y[rows].sum(), (~y[rows]).sum()) >= 2 else None
    train, test = train_test_split(
        rows, test_size=0.3, random_state=settings.random_state, stratify=stratify
    )
    tree = DecisionTreeClassifier(
        max_depth=settings.tree_max_depth,
        min_samples_leaf=max(1, len(train) // 200),
        random_state=settings.random_state,
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
        """Collect the paths to nodes whose leaves all predict an Insider."""
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
    """The bounds of one path as text, in the features' own units."""
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
    """A threshold as text: money with cents, a rate in percent."""
    if name in MONEY_FEATURES:
        return f"{value:,.2f}"
    if name == "return_rate":
        return f"{value:.1%}"
    return f"{value:,.2f}"
