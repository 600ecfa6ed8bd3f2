"""The four macro-segments: loyalty, engagement, interest and value, each with a segment per
customer that first separates customers who differ in kind (0, 1, 2-3 and 4+ purchases) and
only then clusters within a purchase tier, where it has enough customers.

Within a tier, each macro-segment's KPIs are put on one scale (log1p, then z-scores; for
loyalty, fewer days between and since purchases count as more loyal), clustered by KMeans
into `levels` groups, and the groups are named by their mean score: `low`, `mid`, `high`. A tier
with fewer than `min_tier_customers` customers, or whose KPIs do not vary, is one group,
`all`. A tier larger than `fit_sample_size` is clustered on a deterministic random sample of
that size and every customer takes the nearest centre: one score's three centres need no
million customers to place, and the fit's time stays bounded. A segment reads
`<tier> purchases, <level> <macro-segment>`, e.g. `2-3 purchases, high engagement`. So no
customer of the 0 or 1 tier ever shares a segment with one of 4+.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from threadpoolctl import threadpool_limits

#: Each macro-segment's KPIs (columns of int_segmentation__macro_kpis); a KPI whose larger
#: values mean less of the macro-segment is negated.
MACRO_KPIS: dict[str, dict[str, int]] = {
    "loyalty": {"repeat_order_count": 1, "average_days_between_orders": -1, "recency_days": -1},
    "engagement": {
        "email_open_count": 1,
        "email_click_count": 1,
        "chat_count": 1,
        "web_session_count": 1,
    },
    "interest": {"distinct_product_count": 1, "item_count": 1},
    "value": {"net_revenue": 1, "adjusted_revenue": 1, "clv_12_months": 1},
}
TIERS = ("0", "1", "2-3", "4+")
LEVEL_NAMES = {1: ("all",), 2: ("low", "high"), 3: ("low", "mid", "high")}

MACRO_SEGMENT_COLUMNS = [
    "customer_key",
    "business_line",
    "purchase_tier",
    *[f"{macro}_score" for macro in MACRO_KPIS],
    *[f"{macro}_segment" for macro in MACRO_KPIS],
]


def macro_scores(kpis: pd.DataFrame) -> pd.DataFrame:
    """Each macro-segment's score per customer: the mean of its KPIs' signed log1p, each
    z-scored within the purchase tier (missing KPIs count as the tier's mean)."""
    scores = pd.DataFrame(index=kpis.index)
    for macro, columns in MACRO_KPIS.items():
        parts = []
        for column, sign in columns.items():
            values = kpis[column].astype(float)
            logged = np.sign(values) * np.log1p(values.abs()) * sign
            grouped = logged.groupby(kpis["purchase_tier"])
            spread = grouped.transform("std").replace(0, np.nan)
            parts.append(((logged - grouped.transform("mean")) / spread).fillna(0.0))
        scores[f"{macro}_score"] = sum(parts) / len(parts)
    return scores


def macro_segments(
    kpis: pd.DataFrame,
    min_tier_customers: int = 200,
    levels: int = 3,
    random_state: int = 42,
    fit_sample_size: int | None = None,
) -> pd.DataFrame:
    """Every customer's purchase tier, macro-segment scores and the segment within each
    macro-segment (module docstring). Returns `MACRO_SEGMENT_COLUMNS`, ordered by key."""
    kpis = kpis.sort_values("customer_key", kind="stable").reset_index(drop=True)
    scores = macro_scores(kpis)
    out = kpis[["customer_key", "business_line", "purchase_tier"]].join(scores)
    tier_of_row = kpis["purchase_tier"].to_numpy()
    tier_rows = {tier: np.flatnonzero(tier_of_row == tier) for tier in TIERS}
    with threadpool_limits(limits=1):
        for macro in MACRO_KPIS:
            score = scores[f"{macro}_score"].to_numpy()
            segment = np.empty(len(kpis), dtype=object)
            for tier, rows in tier_rows.items():
                if len(rows) == 0:
                    continue
                names, level = _levels(
                    score[rows], min_tier_customers, levels, random_state, fit_sample_size
                )
                # one string per segment, which its customers share: a string per customer
                # was a Python object each, 14 M of them at 1 M customers
                labels = np.array([f"{tier} purchases, {name} {macro}" for name in names], object)
                segment[rows] = labels[level]
            out[f"{macro}_segment"] = segment
    return out[MACRO_SEGMENT_COLUMNS]


def _levels(
    score: np.ndarray,
    min_customers: int,
    levels: int,
    random_state: int,
    fit_sample_size: int | None = None,
) -> tuple[tuple[str, ...], np.ndarray]:
    """The level names of one tier's scores and each score's level (an index into them):
    KMeans groups (fitted on at most `fit_sample_size` of them, drawn with `random_state`)
    named by mean score."""
    distinct = len(np.unique(score))
    k = min(levels, distinct)
    if len(score) < min_customers or k < 2:
        return LEVEL_NAMES[1], np.zeros(len(score), dtype=np.intp)
    fitted = score
    if fit_sample_size is not None and len(score) > fit_sample_size:
        sample = np.random.default_rng(random_state).choice(len(score), fit_sample_size, False)
        fitted = score[np.sort(sample)]
        if len(np.unique(fitted)) < k:
            fitted = score
    model = KMeans(n_clusters=k, n_init=10, random_state=random_state)
    model.fit(fitted.reshape(-1, 1))
    labels = model.predict(score.reshape(-1, 1))
    # a label's level is its centre's place in score order
    place = np.empty(k, dtype=np.intp)
    place[np.argsort(model.cluster_centers_.ravel())] = np.arange(k)
    return LEVEL_NAMES[k], place[labels]
