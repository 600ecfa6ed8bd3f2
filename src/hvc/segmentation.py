"""Customer segmentation: features, model selection, value-ordered labels and the Insiders.

Each business line is segmented on its own. Features are transformed (log1p for counts and
days, a signed log1p for money) and scaled (z-scores by default). Candidates (KMeans,
Gaussian mixtures, Ward and HDBSCAN, k = `k_min..k_max` where it applies, optionally also in a
PCA space) are fitted on a fixed-size random sample and scored in the scaled feature space,
whatever space they were fitted in: silhouette on a smaller fixed sample, Davies-Bouldin and
Calinski-Harabasz on the fit sample, segment sizes, and stability (the adjusted Rand index
between the candidate and its refits on subsamples). The rule: the best silhouette among
candidates with 2 to `k_max` segments, none below `min_segment_share` of customers, the most
valuable one at most `max_top_segment_share`, and mean stability >= `min_stability`.
Stability is measured only where the rule needs it (in silhouette order, up to the first
stable candidate), which gives the same choice as measuring every candidate. Segments are
numbered by value (median adjusted revenue, highest first), so segment 1 is always the most
valuable, and named from their profiles; the Insiders are segment 1, or the top share of
customers by value under the business rule.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.cluster.hierarchy import linkage
from sklearn.cluster import HDBSCAN, KMeans
from sklearn.decomposition import PCA
from sklearn.metrics import (
    adjusted_rand_score,
    calinski_harabasz_score,
    davies_bouldin_score,
    pairwise_distances,
    pairwise_distances_argmin_min,
)
from sklearn.mixture import GaussianMixture
from sklearn.preprocessing import QuantileTransformer
from threadpoolctl import threadpool_limits

# The features segmentation can use (columns of `customer_value`) and their transform before
# scaling; `SegmentationConfig.features` picks among them.
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

METHODS = ("kmeans", "gaussian_mixture", "ward", "hdbscan")
SCALINGS = ("quantile", "robust", "standard")
INSIDER_RULES = ("top_segment", "top_share")

INSIDERS = "Insiders"
SINGLE_SEGMENT = "All customers"

SELECTION_COLUMNS = [
    "business_line",
    "candidate_id",
    "candidate_order",
    "clustering_method",
    "fit_space",
    "requested_clusters",
    "min_cluster_size",
    "n_clusters",
    "silhouette",
    "davies_bouldin",
    "calinski_harabasz",
    "stability_ari_mean",
    "stability_ari_min",
    "smallest_segment_share",
    "largest_segment_share",
    "top_segment_share",
    "is_eligible",
    "ineligible_reason",
    "is_chosen",
    "selection_reason",
    "customers",
    "fit_sample_size",
    "silhouette_sample_size",
    "stability_resamples",
    "scaling",
    "features",
]

SEGMENT_COLUMNS = [
    "customer_key",
    "business_line",
    "segment_id",
    "segment_name",
    "is_insider",
    "membership_probability",
    "centroid_distance",
    "candidate_id",
]


@dataclass(frozen=True)
class SegmentationConfig:
    """Settings of the segmentation. The dbt models set most of them from vars (see
    `python_models/segmentation/_segmentation__models.yml`); the sample sizes of Ward and
    HDBSCAN and the HDBSCAN minimum cluster shares keep these defaults there."""

    features: tuple[str, ...] = DEFAULT_FEATURES
    k_min: int = 2
    k_max: int = 10
    methods: tuple[str, ...] = METHODS
    use_pca: bool = False
    pca_variance: float = 0.9
    scaling: str = "standard"
    fit_sample_size: int = 10_000
    silhouette_sample_size: int = 5_000
    ward_sample_size: int = 5_000
    hdbscan_sample_size: int = 3_000
    hdbscan_min_cluster_shares: tuple[float, ...] = (0.02, 0.05)
    stability_resamples: int = 5
    full_stability: bool = False
    stability_fraction: float = 0.8
    min_stability: float = 0.8
    min_segment_share: float = 0.02
    max_top_segment_share: float = 0.25
    min_customers: int = 50
    insiders_rule: str = "top_segment"
    insiders_top_share: float = 0.1
    tree_max_depth: int = 3
    bootstrap_resamples: int = 1000
    random_state: int = 42

    def __post_init__(self) -> None:
        if not 2 <= self.k_min <= self.k_max:
            raise ValueError(f"need 2 <= k_min <= k_max, got {self.k_min}, {self.k_max}")
        unknown = set(self.methods) - set(METHODS)
        if unknown or not self.methods:
            raise ValueError(f"methods must be among {METHODS}, got {self.methods}")
        unknown = set(self.features) - set(FEATURES)
        if unknown or not self.features:
            raise ValueError(f"features must be among {list(FEATURES)}, got {self.features}")
        if self.scaling not in SCALINGS:
            raise ValueError(f"scaling must be one of {SCALINGS}, got {self.scaling!r}")
        if self.insiders_rule not in INSIDER_RULES:
            raise ValueError(f"insiders_rule must be one of {INSIDER_RULES}")
        if not 0 < self.insiders_top_share < 1:
            raise ValueError("insiders_top_share must be in (0, 1)")
        if not 0 < self.stability_fraction < 1:
            raise ValueError("stability_fraction must be in (0, 1)")

    @classmethod
    def from_mapping(cls, values: Mapping[str, object] | None) -> SegmentationConfig:
        """Build from a mapping of strings (dbt config values set from vars arrive as text).

        Keys that are missing, null or empty keep their defaults; lists are comma-separated.
        """
        kwargs: dict[str, object] = {}
        defaults = cls()
        for name, value in (values or {}).items():
            if name not in cls.__dataclass_fields__:
                raise ValueError(f"unknown segmentation setting {name!r}")
            if value is None or (isinstance(value, str) and value.strip() in ("", "None")):
                continue
            kwargs[name] = _coerce(getattr(defaults, name), value)
        return cls(**kwargs)


def _coerce(default: object, value: object) -> object:
    if isinstance(default, bool):
        return value if isinstance(value, bool) else str(value).strip().lower() == "true"
    if isinstance(default, int):
        return int(value)
    if isinstance(default, float):
        return float(value)
    if isinstance(default, tuple):
        # a list, or its text: "a,b" or "['a', 'b']"
        items = value if isinstance(value, list | tuple) else str(value).strip("[]").split(",")
        kind = type(default[0]) if default else str
        cleaned = [str(item).strip().strip("'\"").strip() for item in items]
        return tuple(kind(item) for item in cleaned if item)
    return str(value).strip()


@dataclass(frozen=True)
class Candidate:
    """One clustering to try: a method, the space it is fitted in, and its size setting."""

    method: str
    space: str
    n_clusters: int | None = None
    min_cluster_share: float | None = None

    @property
    def candidate_id(self) -> str:
        size = f"k{self.n_clusters}" if self.n_clusters else f"m{self.min_cluster_share:g}"
        return f"{self.method}_{size}_{self.space}"


@dataclass
class FittedSegmenter:
    """A fitted clustering that can assign any row of its space to a segment."""

    method: str
    centroids: np.ndarray
    model: object | None = None

    def assign(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray | None, np.ndarray]:
        """Labels `0..k-1`, the membership probability (mixtures only) and the distance to
        the assigned centroid."""
        probability = None
        if self.method == "gaussian_mixture":
            proba = self.model.predict_proba(x)
            labels = proba.argmax(axis=1)
            probability = proba[np.arange(len(x)), labels]
        elif self.method == "kmeans":
            labels = self.model.predict(x)
        else:
            labels, _ = pairwise_distances_argmin_min(x, self.centroids)
        distance = np.linalg.norm(x - self.centroids[labels], axis=1)
        return labels.astype(np.int64), probability, distance


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


def scale_features(transformed: pd.DataFrame, config: SegmentationConfig) -> np.ndarray:
    """Scale each column: `quantile` maps ranks to a standard normal (ties share a value, so
    outliers cannot dominate distances); `robust` centres on the median and divides by the
    interquartile range (by the standard deviation where that range is 0); `standard` is the
    z-score."""
    x = transformed.to_numpy(dtype=float)
    if config.scaling == "quantile":
        scaler = QuantileTransformer(
            n_quantiles=min(1000, len(x)),
            output_distribution="normal",
            subsample=100_000,
            random_state=config.random_state,
        )
        return scaler.fit_transform(x)
    if config.scaling == "robust":
        low, high = np.percentile(x, [25, 75], axis=0)
        spread = np.where(high - low > 0, high - low, x.std(axis=0))
        return (x - np.median(x, axis=0)) / np.where(spread > 0, spread, 1.0)
    spread = x.std(axis=0)
    return (x - x.mean(axis=0)) / np.where(spread > 0, spread, 1.0)


def prepare_line(frame: pd.DataFrame, config: SegmentationConfig) -> PreparedLine:
    """Sort one business line by `customer_key`, transform and scale its features (constant
    features are dropped), draw the samples and build the spaces candidates are fitted in."""
    frame = frame.sort_values("customer_key", kind="stable").reset_index(drop=True)
    transformed = transform_features(frame, config.features)
    varying = [c for c in transformed.columns if transformed[c].nunique() > 1]
    if not varying:
        varying = list(transformed.columns[:1])
    scaled = scale_features(transformed[varying], config)
    order = np.random.default_rng(config.random_state).permutation(len(frame))
    line = PreparedLine(
        frame=frame,
        features=varying,
        scaled=scaled,
        order=order,
        fit_index=np.sort(order[: config.fit_sample_size]),
        eval_index=np.sort(order[: config.silhouette_sample_size]),
    )
    line.spaces["features"] = scaled
    if config.use_pca and scaled.shape[1] > 1 and len(frame) > scaled.shape[1]:
        pca = PCA(n_components=config.pca_variance, svd_solver="full")
        pca.fit(scaled[line.fit_index])
        line.spaces["pca"] = pca.transform(scaled)
    return line


def candidate_grid(config: SegmentationConfig, spaces: list[str]) -> list[Candidate]:
    """Every candidate, in a fixed order: space, method, then size."""
    candidates = []
    for space in spaces:
        for method in config.methods:
            if method == "hdbscan":
                candidates += [
                    Candidate(method, space, min_cluster_share=share)
                    for share in config.hdbscan_min_cluster_shares
                ]
            else:
                candidates += [
                    Candidate(method, space, n_clusters=k)
                    for k in range(config.k_min, config.k_max + 1)
                ]
    return candidates


def _fit_rows(line: PreparedLine, method: str, config: SegmentationConfig) -> np.ndarray:
    """The rows a method is fitted on: the fit sample, or a smaller nested prefix of the same
    random permutation (Ward and HDBSCAN cost more than linear time)."""
    order = line.order
    if method == "ward":
        return np.sort(order[: min(config.ward_sample_size, config.fit_sample_size)])
    if method == "hdbscan":
        return np.sort(order[: min(config.hdbscan_sample_size, config.fit_sample_size)])
    return line.fit_index


def _min_cluster_size(share: float, rows: int) -> int:
    return max(5, int(round(share * rows)))


def fit_candidates(
    candidates: list[Candidate], x: np.ndarray, random_state: int
) -> dict[Candidate, FittedSegmenter | None]:
    """Fit candidates of one method on the rows `x`; None when fewer than 2 clusters result.

    Ward builds one tree and cuts it at every requested k.
    """
    fitted: dict[Candidate, FittedSegmenter | None] = {}
    ward = [c for c in candidates if c.method == "ward"]
    if ward:
        cuts = cut_tree_at(linkage(x, method="ward"), [c.n_clusters for c in ward])
        for candidate in ward:
            labels = cuts.get(candidate.n_clusters)
            fitted[candidate] = (
                None if labels is None else FittedSegmenter("ward", _centroids(x, labels))
            )
    for candidate in candidates:
        if candidate.method == "ward":
            continue
        fitted[candidate] = _fit_one(candidate, x, random_state)
    return fitted


def cut_tree_at(tree: np.ndarray, ks: list[int]) -> dict[int, np.ndarray]:
    """Labels of the leaves when a linkage tree is cut into each k of `ks` clusters.

    Replays the merges in order with a union-find; after `n - k` merges there are exactly k
    clusters. Labels are the clusters' smallest leaf index. `k >= n` is skipped.
    """
    n = len(tree) + 1
    wanted = {n - k: k for k in ks if 1 <= k < n}
    parent = np.arange(2 * n - 1)
    cuts = {}
    for step in range(n - 1):
        if step in wanted:
            cuts[wanted[step]] = _roots(parent, n)
        a, b = int(tree[step, 0]), int(tree[step, 1])
        parent[a] = parent[b] = n + step
    if n - 1 in wanted:
        cuts[wanted[n - 1]] = _roots(parent, n)
    return {k: _first_leaf_labels(labels) for k, labels in cuts.items()}


def _roots(parent: np.ndarray, n: int) -> np.ndarray:
    """The root of each leaf, by pointer jumping over the whole forest."""
    parent = parent.copy()
    while True:
        jumped = parent[parent]
        if np.array_equal(jumped, parent):
            return parent[:n]
        parent = jumped


def _first_leaf_labels(roots: np.ndarray) -> np.ndarray:
    _, first, codes = np.unique(roots, return_index=True, return_inverse=True)
    return np.argsort(np.argsort(first))[codes]


def _fit_one(candidate: Candidate, x: np.ndarray, random_state: int) -> FittedSegmenter | None:
    if candidate.method == "hdbscan":
        model = HDBSCAN(
            min_cluster_size=_min_cluster_size(candidate.min_cluster_share, len(x)), copy=True
        ).fit(x)
        labels = model.labels_
        found = labels[labels >= 0]
        if len(np.unique(found)) < 2:
            return None
        return FittedSegmenter("hdbscan", _centroids(x[labels >= 0], found))
    if candidate.n_clusters >= len(x):
        return None
    if candidate.method == "kmeans":
        model = KMeans(candidate.n_clusters, n_init=4, random_state=random_state).fit(x)
        return FittedSegmenter("kmeans", model.cluster_centers_, model)
    model = GaussianMixture(
        candidate.n_clusters,
        covariance_type="full",
        reg_covar=1e-3,
        n_init=1,
        random_state=random_state,
    ).fit(x)
    return FittedSegmenter("gaussian_mixture", model.means_, model)


def silhouette_from_distances(distances: np.ndarray, labels: np.ndarray) -> float:
    """Mean silhouette from a precomputed distance matrix, as `sklearn.metrics.silhouette_score`
    (a customer alone in its segment scores 0), with one matrix product per labelling so the
    distances are computed once for every candidate."""
    _, codes = np.unique(labels, return_inverse=True)
    k = codes.max() + 1
    onehot = np.zeros((len(codes), k))
    onehot[np.arange(len(codes)), codes] = 1.0
    sums = distances @ onehot
    counts = onehot.sum(axis=0)
    own = sums[np.arange(len(codes)), codes]
    own_count = counts[codes]
    a = np.divide(own, own_count - 1, out=np.zeros_like(own), where=own_count > 1)
    other = sums / counts
    other[np.arange(len(codes)), codes] = np.inf
    b = other.min(axis=1)
    score = np.divide(b - a, np.maximum(a, b), out=np.zeros_like(a), where=np.maximum(a, b) > 0)
    return float(np.where(own_count > 1, score, 0.0).mean())


def _centroids(x: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Mean of each label's rows, labels renumbered 0..k-1 in sorted order."""
    _, codes = np.unique(labels, return_inverse=True)
    sums = np.zeros((codes.max() + 1, x.shape[1]))
    np.add.at(sums, codes, x)
    return sums / np.bincount(codes)[:, None]


class StabilityMeter:
    """Bootstrap stability of candidates, measured on demand and remembered.

    A candidate is refitted on `stability_resamples` random subsamples (`stability_fraction`
    of its fit rows; the same subsamples for every candidate of a method) and each refit
    assigns the silhouette sample; the adjusted Rand indices against the candidate's own
    assignment are its stability. Ward trees are built once per subsample and cut for every k.
    """

    def __init__(
        self,
        line: PreparedLine,
        config: SegmentationConfig,
        candidates: list[Candidate],
        reference_eval: dict[Candidate, np.ndarray],
    ) -> None:
        self.line = line
        self.config = config
        self.candidates = candidates
        self.reference_eval = reference_eval
        self.measured: dict[Candidate, list[float]] = {}
        self._ward: dict[tuple[str, int], dict[Candidate, FittedSegmenter | None]] = {}

    def _subset(self, method: str, resample: int) -> np.ndarray:
        rows = _fit_rows(self.line, method, self.config)
        rng = np.random.default_rng([self.config.random_state, resample])
        size = max(2, int(self.config.stability_fraction * len(rows)))
        return np.sort(rng.choice(rows, size=size, replace=False))

    def _refit(self, candidate: Candidate, resample: int) -> FittedSegmenter | None:
        x = self.line.spaces[candidate.space]
        subset = self._subset(candidate.method, resample)
        seed = self.config.random_state + resample + 1
        if candidate.method != "ward":
            return fit_candidates([candidate], x[subset], seed)[candidate]
        key = (candidate.space, resample)
        if key not in self._ward:
            ward = [c for c in self.candidates if c.method == "ward" and c.space == candidate.space]
            self._ward[key] = fit_candidates(ward, x[subset], seed)
        return self._ward[key][candidate]

    def measure(self, candidate: Candidate) -> list[float]:
        """The adjusted Rand index of each refit (0 for a refit with fewer than 2 segments)."""
        if candidate not in self.measured:
            x_eval = self.line.spaces[candidate.space][self.line.eval_index]
            scores = []
            for resample in range(self.config.stability_resamples):
                refit = self._refit(candidate, resample)
                if refit is None:
                    scores.append(0.0)
                    continue
                labels = refit.assign(x_eval)[0]
                scores.append(float(adjusted_rand_score(self.reference_eval[candidate], labels)))
            self.measured[candidate] = scores
        return self.measured[candidate]


def evaluate_line(
    line: PreparedLine, config: SegmentationConfig
) -> tuple[pd.DataFrame, dict[Candidate, FittedSegmenter | None], StabilityMeter]:
    """Fit and score every candidate on one prepared business line, stability aside.

    Returns the metrics (one row per candidate, in grid order, without stability or the
    choice), the reference fits, and the meter that measures stability on demand.
    """
    candidates = candidate_grid(config, list(line.spaces))
    eval_x = line.scaled[line.eval_index]
    fit_x = line.scaled[line.fit_index]
    eval_distances = pairwise_distances(eval_x)
    fit_values = line.frame[VALUE_COLUMN].to_numpy(dtype=float)[line.fit_index]
    references: dict[Candidate, FittedSegmenter | None] = {}
    groups: dict[tuple[str, str], list[Candidate]] = {}
    for candidate in candidates:
        groups.setdefault((candidate.space, candidate.method), []).append(candidate)
    for (space, method), group in groups.items():
        rows = _fit_rows(line, method, config)
        references.update(fit_candidates(group, line.spaces[space][rows], config.random_state))
    reference_eval: dict[Candidate, np.ndarray] = {}
    records = []
    for order, candidate in enumerate(candidates):
        record = {
            "candidate_id": candidate.candidate_id,
            "candidate_order": order,
            "clustering_method": candidate.method,
            "fit_space": candidate.space,
            "requested_clusters": candidate.n_clusters,
            "min_cluster_size": (
                _min_cluster_size(
                    candidate.min_cluster_share, len(_fit_rows(line, "hdbscan", config))
                )
                if candidate.min_cluster_share
                else None
            ),
        }
        fitted = references[candidate]
        if fitted is None:
            records.append(record)
            continue
        space = line.spaces[candidate.space]
        labels_eval = fitted.assign(space[line.eval_index])[0]
        labels_fit = fitted.assign(space[line.fit_index])[0]
        n_eval = len(np.unique(labels_eval))
        shares = np.bincount(labels_fit) / len(labels_fit)
        shares = shares[shares > 0]
        if n_eval < 2 or n_eval >= len(eval_x) or len(shares) < 2:
            records.append(record | {"n_clusters": len(shares)})
            continue
        reference_eval[candidate] = labels_eval
        top = next(
            label for label, rank in order_segments(fit_values, labels_fit).items() if rank == 1
        )
        records.append(
            record
            | {
                "n_clusters": len(shares),
                "silhouette": silhouette_from_distances(eval_distances, labels_eval),
                "davies_bouldin": float(davies_bouldin_score(fit_x, labels_fit)),
                "calinski_harabasz": float(calinski_harabasz_score(fit_x, labels_fit)),
                "smallest_segment_share": float(shares.min()),
                "largest_segment_share": float(shares.max()),
                "top_segment_share": float((labels_fit == top).mean()),
            }
        )
    metrics = pd.DataFrame.from_records(records).reindex(columns=SELECTION_COLUMNS)
    meter = StabilityMeter(line, config, candidates, reference_eval)
    return metrics, references, meter


def choose_candidate(
    metrics: pd.DataFrame,
    config: SegmentationConfig,
    measure: Callable[[int], list[float]] | None = None,
) -> pd.DataFrame:
    """Mark eligibility and the chosen candidate.

    Eligible: 2 to `k_max` segments, the smallest segment >= `min_segment_share` of customers,
    the most valuable one <= `max_top_segment_share`, and mean stability ARI >=
    `min_stability`. Chosen: the best silhouette among eligible candidates (ties: more stable,
    then fewer segments, then grid order). When none is eligible, the rule relaxes in steps:
    the most stable candidate meeting the size rules; else the best silhouette among stable
    candidates with 2 to `k_max` segments; else the most stable candidate with 2 or more
    segments.

    `measure(candidate_order)` gives a candidate's stability scores when its
    `stability_ari_mean` is null; it is called only for candidates the rule has to look at
    (in silhouette order, stopping at the first stable one), so the choice is the same as if
    every candidate had been measured. Without `measure`, missing stability counts as stable.
    """
    metrics = metrics.copy().reset_index(drop=True)
    valid = metrics["silhouette"].notna()
    few = metrics["n_clusters"].astype(float) <= config.k_max
    large = metrics["smallest_segment_share"].astype(float) >= config.min_segment_share
    small_top = metrics["top_segment_share"].astype(float) <= config.max_top_segment_share
    sized = valid & few & large & small_top

    def stability(index: int) -> float:
        if pd.isna(metrics.at[index, "stability_ari_mean"]) and measure is not None:
            scores = measure(int(metrics.at[index, "candidate_order"]))
            if scores:
                metrics.at[index, "stability_ari_mean"] = float(np.mean(scores))
                metrics.at[index, "stability_ari_min"] = float(np.min(scores))
        value = metrics.at[index, "stability_ari_mean"]
        return 1.0 if pd.isna(value) else float(value)

    def best_stable(mask: pd.Series) -> int | None:
        """Best silhouette among stable candidates; stability is measured one silhouette
        level at a time, best first, and stops at the first level with a stable one."""
        ranked = metrics[mask].copy()
        # (an empty frame would take its index from an assigned series: assign from itself)
        ranked["_silhouette"] = ranked["silhouette"].astype(float).round(12)
        for silhouette in sorted(ranked["_silhouette"].unique(), reverse=True):
            tied = ranked[ranked["_silhouette"] == silhouette]
            stable = [
                (
                    -stability(i),
                    float(tied.at[i, "n_clusters"]),
                    int(tied.at[i, "candidate_order"]),
                    i,
                )
                for i in tied.index
            ]
            stable = [s for s in stable if -s[0] >= config.min_stability]
            if stable:
                return min(stable)[3]
        return None

    def most_stable(mask: pd.Series) -> int | None:
        keys = [
            (
                -stability(i),
                -float(metrics.at[i, "silhouette"]),
                float(metrics.at[i, "n_clusters"]),
                int(metrics.at[i, "candidate_order"]),
                i,
            )
            for i in metrics.index[mask]
        ]
        return min(keys)[4] if keys else None

    steps = [
        (
            lambda: best_stable(sized),
            f"best silhouette among candidates with stability ARI >= {config.min_stability:g}, "
            f"every segment >= {config.min_segment_share:.0%} and the top segment <= "
            f"{config.max_top_segment_share:.0%} of customers",
        ),
        (
            lambda: most_stable(sized),
            "no candidate met the rule: the most stable candidate meeting the size rules",
        ),
        (
            lambda: best_stable(valid & few),
            "no candidate met the size rules: the best silhouette among stable candidates",
        ),
        (lambda: most_stable(valid), "no candidate met the rule: the most stable candidate"),
    ]
    chosen, reason = None, None
    for pick, why in steps:
        chosen = pick()
        if chosen is not None:
            reason = why
            break
    measured = metrics["stability_ari_mean"].notna() | (config.stability_resamples == 0)
    stable = metrics["stability_ari_mean"].astype(float).fillna(1.0) >= config.min_stability
    reasons = np.select(
        [~valid, ~few, ~large, ~small_top, ~measured, ~stable],
        [
            "fewer than 2 segments",
            f"more than {config.k_max} segments",
            f"a segment below {config.min_segment_share:.0%} of customers",
            f"top segment above {config.max_top_segment_share:.0%} of customers",
            "stability not measured: a candidate with a better silhouette was chosen",
            f"stability below {config.min_stability:g}",
        ],
        default="",
    )
    metrics["is_eligible"] = sized & measured & stable
    metrics["ineligible_reason"] = [r or None for r in reasons]
    metrics["is_chosen"] = metrics.index == chosen
    metrics["selection_reason"] = np.where(metrics["is_chosen"], reason, None)
    return metrics


@dataclass
class LineSelection:
    """A business line's candidates, scored, and the fitted chosen one (None: one segment)."""

    line: PreparedLine
    metrics: pd.DataFrame
    chosen: Candidate | None
    segmenter: FittedSegmenter | None


def select_line(
    frame: pd.DataFrame, business_line: str, config: SegmentationConfig
) -> LineSelection:
    """Prepare, score and choose for one business line."""
    line = prepare_line(frame, config)
    n = len(line.frame)
    common = {
        "business_line": business_line,
        "customers": n,
        "fit_sample_size": len(line.fit_index),
        "silhouette_sample_size": len(line.eval_index),
        "stability_resamples": config.stability_resamples,
        "scaling": config.scaling,
        "features": ",".join(line.features),
    }
    if n < max(config.min_customers, 2 * config.k_min):
        metrics = pd.DataFrame.from_records(
            [
                {
                    "candidate_id": "single_segment",
                    "candidate_order": 0,
                    "clustering_method": "none",
                    "fit_space": "features",
                    "n_clusters": 1,
                    "is_eligible": False,
                    "ineligible_reason": None,
                    "is_chosen": True,
                    "selection_reason": (
                        f"fewer than {max(config.min_customers, 2 * config.k_min)} customers:"
                        " one segment"
                    ),
                }
            ]
        )
        metrics = metrics.assign(**common).reindex(columns=SELECTION_COLUMNS)
        return LineSelection(line, metrics, None, None)
    metrics, references, meter = evaluate_line(line, config)
    candidates = meter.candidates
    if config.full_stability:
        for candidate in meter.reference_eval:
            meter.measure(candidate)
    metrics = _with_stability(metrics, meter)
    metrics = choose_candidate(
        metrics, config, lambda order: meter.measure(candidates[order])
    ).assign(**common)[SELECTION_COLUMNS]
    chosen_rows = metrics.index[metrics["is_chosen"]]
    if len(chosen_rows) == 0:
        return LineSelection(line, metrics, None, None)
    chosen = candidates[int(metrics.loc[chosen_rows[0], "candidate_order"])]
    return LineSelection(line, metrics, chosen, references[chosen])


def _with_stability(metrics: pd.DataFrame, meter: StabilityMeter) -> pd.DataFrame:
    """Fill the stability columns of the candidates already measured."""
    metrics = metrics.copy()
    for candidate, scores in meter.measured.items():
        if scores:
            row = metrics["candidate_order"] == meter.candidates.index(candidate)
            metrics.loc[row, "stability_ari_mean"] = float(np.mean(scores))
            metrics.loc[row, "stability_ari_min"] = float(np.min(scores))
    return metrics


def split_lines(customers: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    """The business lines, in name order, each with its customers."""
    return [
        (str(name), group)
        for name, group in customers.groupby("business_line", sort=True, dropna=False)
    ]


def select_models(customers: pd.DataFrame, config: SegmentationConfig) -> pd.DataFrame:
    """Score every candidate for every business line and mark the chosen one.

    Parameters
    ----------
    customers : one row per customer with `INPUT_COLUMNS`.
    config : the segmentation settings.

    Returns
    -------
    One row per business line and candidate, `SELECTION_COLUMNS`.
    """
    with threadpool_limits(limits=1):
        frames = [
            select_line(group, name, config).metrics for name, group in split_lines(customers)
        ]
    if not frames:
        return _typed_selection(pd.DataFrame(columns=SELECTION_COLUMNS))
    return _typed_selection(pd.concat(frames, ignore_index=True))


def _typed_selection(metrics: pd.DataFrame) -> pd.DataFrame:
    types = {
        "business_line": "string",
        "candidate_id": "string",
        "candidate_order": "int64",
        "clustering_method": "string",
        "fit_space": "string",
        "requested_clusters": "Int64",
        "min_cluster_size": "Int64",
        "n_clusters": "Int64",
        "silhouette": "float64",
        "davies_bouldin": "float64",
        "calinski_harabasz": "float64",
        "stability_ari_mean": "float64",
        "stability_ari_min": "float64",
        "smallest_segment_share": "float64",
        "largest_segment_share": "float64",
        "top_segment_share": "float64",
        "is_eligible": "bool",
        "ineligible_reason": "string",
        "is_chosen": "bool",
        "selection_reason": "string",
        "customers": "int64",
        "fit_sample_size": "int64",
        "silhouette_sample_size": "int64",
        "stability_resamples": "int64",
        "scaling": "string",
        "features": "string",
    }
    out = metrics.reindex(columns=SELECTION_COLUMNS)
    for column, kind in types.items():
        if kind in ("float64", "Int64"):
            out[column] = pd.to_numeric(out[column], errors="coerce")
        out[column] = out[column].astype(kind)
    return out


def chosen_candidate(metrics: pd.DataFrame, business_line: str) -> Candidate | None:
    """The candidate marked chosen for a business line in a model-selection table."""
    rows = metrics[(metrics["business_line"] == business_line) & metrics["is_chosen"]]
    if rows.empty or rows.iloc[0]["clustering_method"] == "none":
        return None
    row = rows.iloc[0]
    share = None
    if row["clustering_method"] == "hdbscan":
        share = float(str(row["candidate_id"]).split("_m", 1)[1].rsplit("_", 1)[0])
    return Candidate(
        method=str(row["clustering_method"]),
        space=str(row["fit_space"]),
        n_clusters=None if pd.isna(row["requested_clusters"]) else int(row["requested_clusters"]),
        min_cluster_share=share,
    )


def refit(line: PreparedLine, candidate: Candidate, config: SegmentationConfig) -> FittedSegmenter:
    """Fit one candidate exactly as model selection did (same rows, same random state)."""
    if candidate.space not in line.spaces:
        raise ValueError(f"space {candidate.space!r} is not built (use_pca is off?)")
    x = line.spaces[candidate.space]
    rows = _fit_rows(line, candidate.method, config)
    fitted = fit_candidates([candidate], x[rows], config.random_state)[candidate]
    if fitted is None:
        raise ValueError(f"{candidate.candidate_id} no longer yields 2 or more segments")
    return fitted


def order_segments(values: np.ndarray, labels: np.ndarray) -> dict[int, int]:
    """Map raw labels to segment ids 1..k by value: highest median first (ties: higher mean,
    then more customers, then the smaller raw label)."""
    keys = []
    for label in np.unique(labels):
        member = values[labels == label]
        keys.append((-float(np.median(member)), -float(member.mean()), -len(member), int(label)))
    return {key[3]: rank for rank, key in enumerate(sorted(keys), start=1)}


def name_segments(frame: pd.DataFrame, segment_ids: np.ndarray, top_is_insiders: bool) -> dict:
    """Name each segment from its profile against the rest of its business line.

    Segment 1 is `Insiders` when the Insiders are the top segment. Every other name reads
    `<activity> <buying>, <spend> spend`, from the segment's medians against the line's
    terciles: activity from days since the last purchase (`Active` in the most recent third,
    `Lapsed` in the least recent, else `Cooling`); buying `one-time buyers` when most bought
    once, `regulars` when the median purchases reach the line's upper tercile, else
    `occasional buyers`; spend from value (`high`, `mid`, `low` third). A name that occurs
    more than once gets a number, in value order.
    """
    recency = frame["recency_days"].astype(float).to_numpy()
    orders = frame["order_count"].astype(float).to_numpy()
    value = frame[VALUE_COLUMN].astype(float).to_numpy()
    terciles = {
        "recency": np.quantile(recency, [1 / 3, 2 / 3]),
        "orders": np.quantile(orders, [1 / 3, 2 / 3]),
        "value": np.quantile(value, [1 / 3, 2 / 3]),
    }

    def third(median: float, cuts: np.ndarray, labels: tuple[str, str, str]) -> str:
        return labels[0] if median <= cuts[0] else labels[2] if median >= cuts[1] else labels[1]

    names = {}
    for segment_id in np.unique(segment_ids):
        member = segment_ids == segment_id
        if segment_id == 1 and top_is_insiders:
            names[segment_id] = INSIDERS
            continue
        activity = third(
            float(np.median(recency[member])), terciles["recency"], ("Active", "Cooling", "Lapsed")
        )
        if (orders[member] <= 1).mean() > 0.5:
            buying = "one-time buyers"
        elif np.median(orders[member]) >= max(terciles["orders"][1], 2):
            buying = "regulars"
        else:
            buying = "occasional buyers"
        spend = third(float(np.median(value[member])), terciles["value"], ("low", "mid", "high"))
        names[segment_id] = f"{activity} {buying}, {spend} spend"
    counts = pd.Series(list(names.values())).value_counts()
    seen: dict[str, int] = {}
    for segment_id in sorted(names):
        name = names[segment_id]
        if counts[name] > 1:
            seen[name] = seen.get(name, 0) + 1
            names[segment_id] = f"{name} {seen[name]}"
    return names


def insider_flags(frame: pd.DataFrame, segment_ids: np.ndarray, config: SegmentationConfig):
    """Who is an Insider: segment 1 (`top_segment`), or the `insiders_top_share` of customers
    with the highest value, rounded up, ties by `customer_key` (`top_share`)."""
    if config.insiders_rule == "top_segment":
        return segment_ids == 1
    count = math.ceil(config.insiders_top_share * len(frame))
    ranked = frame.assign(_value=frame[VALUE_COLUMN].astype(float)).sort_values(
        ["_value", "customer_key"], ascending=[False, True], kind="stable"
    )
    flags = pd.Series(False, index=frame.index)
    flags.loc[ranked.index[:count]] = True
    return flags.to_numpy()


def label_line(
    line: PreparedLine,
    candidate: Candidate | None,
    segmenter: FittedSegmenter | None,
    business_line: str,
    config: SegmentationConfig,
) -> pd.DataFrame:
    """Assign every customer of a prepared line, number segments by value, name them and flag
    the Insiders."""
    frame = line.frame
    n = len(frame)
    if segmenter is None:
        segment_ids = np.ones(n, dtype=np.int64)
        probability = np.full(n, np.nan)
        distance = np.linalg.norm(line.scaled - line.scaled.mean(axis=0), axis=1)
        names = {1: SINGLE_SEGMENT}
        candidate_id = "single_segment"
        insiders = (
            insider_flags(frame, segment_ids, config)
            if config.insiders_rule == "top_share"
            else np.zeros(n, dtype=bool)
        )
    else:
        labels, probability, distance = segmenter.assign(line.spaces[candidate.space])
        mapping = order_segments(frame[VALUE_COLUMN].astype(float).to_numpy(), labels)
        segment_ids = np.array([mapping[label] for label in labels], dtype=np.int64)
        top_is_insiders = config.insiders_rule == "top_segment"
        names = name_segments(frame, segment_ids, top_is_insiders)
        candidate_id = candidate.candidate_id
        insiders = insider_flags(frame, segment_ids, config)
        if probability is None:
            probability = np.full(n, np.nan)
    return pd.DataFrame(
        {
            "customer_key": frame["customer_key"].astype("string").to_numpy(),
            "business_line": business_line,
            "segment_id": segment_ids.astype(np.int32),
            "segment_name": [names[s] for s in segment_ids],
            "is_insider": np.asarray(insiders, dtype=bool),
            "membership_probability": probability.astype(float),
            "centroid_distance": distance.astype(float),
            "candidate_id": candidate_id,
        }
    )


def segment_customers(
    customers: pd.DataFrame, selection: pd.DataFrame, config: SegmentationConfig
) -> pd.DataFrame:
    """Assign every customer to one segment of its business line with the candidate chosen in
    `selection` (the output of `select_models` on the same customers and config).

    Returns one row per customer, `SEGMENT_COLUMNS`, ordered by business line and key.
    """
    frames = []
    with threadpool_limits(limits=1):
        for name, group in split_lines(customers):
            line = prepare_line(group, config)
            candidate = chosen_candidate(selection, name)
            segmenter = None if candidate is None else refit(line, candidate, config)
            frames.append(label_line(line, candidate, segmenter, name, config))
    return _typed_segments(frames)


def segment_and_select(
    customers: pd.DataFrame, config: SegmentationConfig
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Model selection and segments in one pass (no refit): `(selection, segments)`."""
    selections, frames = [], []
    with threadpool_limits(limits=1):
        for name, group in split_lines(customers):
            chosen = select_line(group, name, config)
            selections.append(chosen.metrics)
            frames.append(label_line(chosen.line, chosen.chosen, chosen.segmenter, name, config))
    selection = _typed_selection(
        pd.concat(selections, ignore_index=True)
        if selections
        else pd.DataFrame(columns=SELECTION_COLUMNS)
    )
    return selection, _typed_segments(frames)


def _typed_segments(frames: list[pd.DataFrame]) -> pd.DataFrame:
    if not frames:
        frames = [pd.DataFrame(columns=SEGMENT_COLUMNS)]
    out = pd.concat(frames, ignore_index=True)[SEGMENT_COLUMNS]
    return out.astype(
        {
            "customer_key": "string",
            "business_line": "string",
            "segment_id": "int32",
            "segment_name": "string",
            "is_insider": "bool",
            "membership_probability": "float64",
            "centroid_distance": "float64",
            "candidate_id": "string",
        }
    )
