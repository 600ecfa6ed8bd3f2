"""Customers in planted, value-ordered groups, for the segmentation tests."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.datasets import make_blobs

from hvc.segmentation import SegmentationSettings

BLOB_FEATURES = ("recency_days", "order_count", "adjusted_revenue")
# Small and quick: two methods, few resamples; the size rules do not bind on equal blobs.
BLOB_CONFIG = SegmentationSettings.from_project(
    features=BLOB_FEATURES,
    methods=("kmeans", "ward"),
    k_max=7,
    stability_resamples=3,
    max_top_segment_share=0.5,
    bootstrap_resamples=200,
)


def blob_customers(k: int, n: int = 1200, seed: int = 3, line: str = "retail") -> pd.DataFrame:
    """Customers in `k` well-separated groups of the log-features; group `g` is worth more
    the higher `g` (its revenue centre grows with it). `true_group` is the answer key."""
    centers = np.column_stack(
        [
            np.linspace(5.0, 1.0, k),  # log1p(recency): valuable groups are recent
            np.linspace(0.5, 3.0, k) + np.tile([0.0, 1.2], k)[:k],  # log1p(purchases)
            np.linspace(4.0, 9.0, k),  # log1p(revenue)
        ]
    )
    x, group = make_blobs(n_samples=n, centers=centers, cluster_std=0.18, random_state=seed)
    values = np.expm1(x)
    revenue = np.round(values[:, 2], 2)
    orders = np.maximum(1, np.round(values[:, 1]))
    return pd.DataFrame(
        {
            "customer_key": [f"{line}-{i:05d}" for i in range(n)],
            "business_line": line,
            "net_revenue": revenue,
            "adjusted_revenue": revenue,
            "order_count": orders,
            "average_order_value": revenue / orders,
            "recency_days": np.round(values[:, 0]),
            "tenure_days": np.round(values[:, 0]) + 30,
            "distinct_product_count": orders,
            "item_count": orders * 2,
            "purchase_frequency": 1.0,
            "return_rate": 0.0,
            "ticket_open_days": 0.0,
            "true_group": group,
        }
    )
