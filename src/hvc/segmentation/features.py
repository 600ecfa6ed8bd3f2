"""The features customers are segmented on: transformed, scaled, one business line at a time."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from sklearn.decomposition import PCA
from sklearn.preprocessing import QuantileTransformer

if TYPE_CHECKING:  # the settings validate feature names against FEATURES below
    from hvc.segmentation.settings import SegmentationSettings

# The features segmentation can use (columns of `customer_value`) and their transform before
# scaling; `SegmentationSettings.features` picks among them.
FEATURES: dict[str, str] = {
    "recency_days": "log1p",
    "order_count": "log1p",
    "adjusted_revenue": "signed_log1p",
    "average_order_value": "signed_log1p",
    "distinct_product_count": "log1p",
    "item_count": "log1p",
    "purchase_frequency": "log1p",
    "return_rate": "clip_0_1",
    "tenure_days": "log1p",
    "ticket_open_days": "log1p",
}

# Clustered by default. Return rate and purchases per active month are left out: most
# customers share one value (no returns, one purchase a month), and clusters then split on
# those ties instead of on value.
DEFAULT_FEATURES = (
    "recency_days",
    "order_count",
    "adjusted_revenue",
    "average_order_value",
    "distinct_product_count",
    "item_count",
    "tenure_days",
    "ticket_open_days",
)

# The value that orders segments: what a customer is worth after support.
VALUE_COLUMN = "adjusted_revenue"

INPUT_COLUMNS = ["customer_key", "business_line", "net_revenue", *FEATURES]

# The PCA space keeps the components that explain this share of the variance.
PCA_VARIANCE = 0.9


@dataclass
class PreparedLine:
    """One business line's customers, sorted by key, with their scaled features and samples."""

    frame: pd.DataFrame
    features: list[str]
    scaled: np.ndarray
    order: np.ndarray
    spaces: dict[str, np.ndarray] = field(default_factory=dict)
    fit_index: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    eval_index: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))


def transform_features(frame: pd.DataFrame, features: tuple[str, ...]) -> pd.DataFrame:
    """Apply each feature's transform: log1p of the value floored at 0, signed log1p for money
    that can be negative, the return rate clipped to [0, 1]; nulls become 0."""
    out = {}
    for column in features:
        transform = FEATURES[column]
        values = pd.to_numeric(frame[column], errors="coerce").astype(float).fillna(0.0)
        values = values.to_numpy()
        if transform == "log1p":
            out[column] = np.log1p(np.maximum(values, 0.0))
        elif transform == "signed_log1p":
            out[column] = np.sign(values) * np.log1p(np.abs(values))
        else:
            out[column] = np.clip(values, 0.0, 1.0)
    return pd.DataFrame(out, index=frame.index)


def scale_features(transformed: pd.DataFrame, settings: SegmentationSettings) -> np.ndarray:
    """Scale each column: `quantile` maps ranks to a standard normal (ties share a value, so
    outliers cannot dominate distances); `robust` centres on the median and divides by the
    interquartile range (by the standard deviation where that range is 0); `standard` is the
    z-score."""
    x = transformed.to_numpy(dtype=float)
    if settings.scaling == "quantile":
        scaler = QuantileTransformer(
            n_quantiles=min(1000, len(x)),
            output_distribution="normal",
            subsample=100_000,
            random_state=settings.random_state,
        )
        return scaler.fit_transform(x)
    if settings.scaling == "robust":
        low, high = np.percentile(x, [25, 75], axis=0)
        spread = np.where(high - low > 0, high - low, x.std(axis=0))
        return (x - np.median(x, axis=0)) / np.where(spread > 0, spread, 1.0)
    spread = x.std(axis=0)
    return (x - x.mean(axis=0)) / np.where(spread > 0, spread, 1.0)


def prepare_line(frame: pd.DataFrame, settings: SegmentationSettings) -> PreparedLine:
    """Sort one business line by `customer_key`, transform and scale its features (constant
    features are dropped), draw the samples and build the spaces candidates are fitted in."""
    frame = frame.sort_values("customer_key", kind="stable").reset_index(drop=True)
    transformed = transform_features(frame, settings.features)
    varying = [c for c in transformed.columns if transformed[c].nunique() > 1]
    if not varying:
        varying = list(transformed.columns[:1])
    scaled = scale_features(transformed[varying], settings)
    order = np.random.default_rng(settings.random_state).permutation(len(frame))
    line = PreparedLine(
        frame=frame,
        features=varying,
        scaled=scaled,
        order=order,
        fit_index=np.sort(order[: settings.fit_sample_size]),
        eval_index=np.sort(order[: settings.silhouette_sample_size]),
    )
    line.spaces["features"] = scaled
    if settings.use_pca and scaled.shape[1] > 1 and len(frame) > scaled.shape[1]:
        pca = PCA(n_components=settings.pca_variance, svd_solver="full")
        pca.fit(scaled[line.fit_index])
        line.spaces["pca"] = pca.transform(scaled)
    return line


def split_lines(customers: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    """The business lines, in name order, each with its customers."""
    return [
        (str(name), group)
        for name, group in customers.groupby("business_line", sort=True, dropna=False)
    ]
