"""Clustering candidates: which to try, and fitting them (Ward cut at every k from one tree)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.cluster.hierarchy import linkage
from sklearn.cluster import HDBSCAN, KMeans
from sklearn.metrics import pairwise_distances_argmin_min
from sklearn.mixture import GaussianMixture

from hvc.segmentation.features import PreparedLine
from hvc.segmentation.settings import SegmentationSettings

# Ward and HDBSCAN cost more than linear time: they are fitted on at most this many of the fit
# sample's customers (a nested prefix of the same random order).
WARD_SAMPLE_SIZE = 5_000
HDBSCAN_SAMPLE_SIZE = 3_000
# HDBSCAN's minimum cluster sizes tried, as shares of the rows it is fitted on.
HDBSCAN_MIN_CLUSTER_SHARES = (0.02, 0.05)


@dataclass(frozen=True)
class Candidate:
    """One clustering to try: a method, the space it is fitted in, and its size setting."""

    method: str
    space: str
    n_clusters: int | None = None
    min_cluster_share: float | None = None

    @property
    def candidate_id(self) -> str:
        """A readable id: method, size (`k<n>` or `m<share>`) and space."""
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


def candidate_grid(settings: SegmentationSettings, spaces: list[str]) -> list[Candidate]:
    """Every candidate, in a fixed order: space, method, then size."""
    candidates = []
    for space in spaces:
        for method in settings.methods:
            if method == "hdbscan":
                candidates += [
                    Candidate(method, space, min_cluster_share=share)
                    for share in HDBSCAN_MIN_CLUSTER_SHARES
                ]
            else:
                candidates += [
                    Candidate(method, space, n_clusters=k)
                    for k in range(settings.k_min, settings.k_max + 1)
                ]
    return candidates


def _fit_rows(line: PreparedLine, method: str, settings: SegmentationSettings) -> np.ndarray:
    """The rows a method is fitted on: the fit sample, or a smaller nested prefix of the same
    random permutation (Ward and HDBSCAN cost more than linear time)."""
    order = line.order
    if method == "ward":
        return np.sort(order[: min(WARD_SAMPLE_SIZE, settings.fit_sample_size)])
    if method == "hdbscan":
        return np.sort(order[: min(HDBSCAN_SAMPLE_SIZE, settings.fit_sample_size)])
    return line.fit_index


def _min_cluster_size(share: float, rows: int) -> int:
    """HDBSCAN's minimum cluster size: a share of the rows, at least 5."""
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
    """Cluster labels numbered by their first leaf, from each leaf's root."""
    _, first, codes = np.unique(roots, return_index=True, return_inverse=True)
    return np.argsort(np.argsort(first))[codes]


def _fit_one(candidate: Candidate, x: np.ndarray, random_state: int) -> FittedSegmenter | None:
    """Fit one KMeans, Gaussian mixture or HDBSCAN candidate; None under 2 clusters."""
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


def _centroids(x: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Mean of each label's rows, labels renumbered 0..k-1 in sorted order."""
    _, codes = np.unique(labels, return_inverse=True)
    sums = np.zeros((codes.max() + 1, x.shape[1]))
    np.add.at(sums, codes, x)
    return sums / np.bincount(codes)[:, None]


def refit(
    line: PreparedLine, candidate: Candidate, settings: SegmentationSettings
) -> FittedSegmenter:
    """Fit one candidate exactly as model selection did (same rows, same random state)."""
    if candidate.space not in line.spaces:
        raise ValueError(f"space {candidate.space!r} is not built (use_pca is off?)")
    x = line.spaces[candidate.space]
    rows = _fit_rows(line, candidate.method, settings)
    fitted = fit_candidates([candidate], x[rows], settings.random_state)[candidate]
    if fitted is None:
        raise ValueError(f"{candidate.candidate_id} no longer yields 2 or more segments")
    return fitted
