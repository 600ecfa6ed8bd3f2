"""Model selection: every candidate scored, and the rule that chooses one per business line."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.spatial.distance import cdist
from sklearn.metrics import calinski_harabasz_score, davies_bouldin_score
from threadpoolctl import threadpool_limits

from hvc.segmentation.candidates import (
    Candidate,
    FittedSegmenter,
    _fit_rows,
    _min_cluster_size,
    candidate_grid,
    fit_candidates,
)
from hvc.segmentation.features import VALUE_COLUMN, PreparedLine, prepare_line, split_lines
from hvc.segmentation.labels import order_segments
from hvc.segmentation.settings import SegmentationSettings
from hvc.segmentation.stability import StabilityMeter

# A line with fewer customers (or fewer than 2 per segment at k_min) is one segment.
MIN_CUSTOMERS = 50

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


def silhouette_from_distances(distances: np.ndarray, labels: np.ndarray) -> float:
    """Mean silhouette from a precomputed distance matrix, as `sklearn.metrics.silhouette_score`
    (a customer alone in its segment scores 0); the distances are computed once for every
    candidate. Each customer's distance to each segment is a plain sum, not a matrix
    product: a BLAS product splits that long sum over as many threads as it is given, and a
    dbt thread cannot always limit them, so its last bits changed from build to build. The
    matrix is symmetric, so the sums run down the segment's rows, which numpy reads whole:
    gathering its columns instead took 4-7 times as long (0.2-0.5 s per candidate on 5,000
    customers)."""
    _, codes = np.unique(labels, return_inverse=True)
    k = codes.max() + 1
    sums = np.column_stack([distances[codes == c].sum(axis=0) for c in range(k)])
    counts = np.bincount(codes, minlength=k).astype(float)
    own = sums[np.arange(len(codes)), codes]
    own_count = counts[codes]
    a = np.divide(own, own_count - 1, out=np.zeros_like(own), where=own_count > 1)
    other = sums / counts
    other[np.arange(len(codes)), codes] = np.inf
    b = other.min(axis=1)
    score = np.divide(b - a, np.maximum(a, b), out=np.zeros_like(a), where=np.maximum(a, b) > 0)
    return float(np.where(own_count > 1, score, 0.0).mean())


def evaluate_line(
    line: PreparedLine, settings: SegmentationSettings
) -> tuple[pd.DataFrame, dict[Candidate, FittedSegmenter | None], StabilityMeter]:
    """Fit and score every candidate on one prepared business line, stability aside.

    Returns the metrics (one row per candidate, in grid order, without stability or the
    choice), the reference fits, and the meter that measures stability on demand.
    """
    candidates = candidate_grid(settings, list(line.spaces))
    eval_x = line.scaled[line.eval_index]
    fit_x = line.scaled[line.fit_index]
    # plain loops (scipy), not sklearn's BLAS expansion: the same bits on any thread count
    eval_distances = cdist(eval_x, eval_x)
    fit_values = line.frame[VALUE_COLUMN].to_numpy(dtype=float)[line.fit_index]
    references: dict[Candidate, FittedSegmenter | None] = {}
    groups: dict[tuple[str, str], list[Candidate]] = {}
    for candidate in candidates:
        groups.setdefault((candidate.space, candidate.method), []).append(candidate)
    for (space, method), group in groups.items():
        rows = _fit_rows(line, method, settings)
        references.update(fit_candidates(group, line.spaces[space][rows], settings.random_state))
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
                    candidate.min_cluster_share, len(_fit_rows(line, "hdbscan", settings))
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
    meter = StabilityMeter(line, settings, candidates, reference_eval)
    return metrics, references, meter


def choose_candidate(
    metrics: pd.DataFrame,
    settings: SegmentationSettings,
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
    few = metrics["n_clusters"].astype(float) <= settings.k_max
    large = metrics["smallest_segment_share"].astype(float) >= settings.min_segment_share
    small_top = metrics["top_segment_share"].astype(float) <= settings.max_top_segment_share
    sized = valid & few & large & small_top
    rule = _Rule(metrics, settings, measure)
    steps = [
        (
            lambda: rule.best_stable(sized),
            f"best silhouette among candidates with stability ARI >= {settings.min_stability:g}, "
            f"every segment >= {settings.min_segment_share:.0%} and the top segment <= "
            f"{settings.max_top_segment_share:.0%} of customers",
        ),
        (
            lambda: rule.most_stable(sized),
            "no candidate met the rule: the most stable candidate meeting the size rules",
        ),
        (
            lambda: rule.best_stable(valid & few),
            "no candidate met the size rules: the best silhouette among stable candidates",
        ),
        (lambda: rule.most_stable(valid), "no candidate met the rule: the most stable candidate"),
    ]
    chosen, reason = None, None
    for pick, why in steps:
        chosen = pick()
        if chosen is not None:
            reason = why
            break
    measured = metrics["stability_ari_mean"].notna() | (settings.stability_resamples == 0)
    stable = metrics["stability_ari_mean"].astype(float).fillna(1.0) >= settings.min_stability
    metrics["is_eligible"] = sized & measured & stable
    metrics["ineligible_reason"] = _ineligible_reasons(
        [~valid, ~few, ~large, ~small_top, ~measured, ~stable], settings
    )
    metrics["is_chosen"] = metrics.index == chosen
    metrics["selection_reason"] = np.where(metrics["is_chosen"], reason, None)
    return metrics


class _Rule:
    """The choices the rule makes among one line's candidates (rows of `metrics`, which it
    fills with the stability it measures on the way)."""

    def __init__(
        self,
        metrics: pd.DataFrame,
        settings: SegmentationSettings,
        measure: Callable[[int], list[float]] | None,
    ) -> None:
        self.metrics = metrics
        self.settings = settings
        self.measure = measure

    def stability(self, index: int) -> float:
        """Mean stability ARI of a row, measured now if it is missing (1 when unmeasurable)."""
        metrics = self.metrics
        if pd.isna(metrics.at[index, "stability_ari_mean"]) and self.measure is not None:
            scores = self.measure(int(metrics.at[index, "candidate_order"]))
            if scores:
                metrics.at[index, "stability_ari_mean"] = float(np.mean(scores))
                metrics.at[index, "stability_ari_min"] = float(np.min(scores))
        value = metrics.at[index, "stability_ari_mean"]
        return 1.0 if pd.isna(value) else float(value)

    def best_stable(self, mask: pd.Series) -> int | None:
        """Best silhouette among stable candidates; stability is measured one silhouette
        level at a time, best first, and stops at the first level with a stable one."""
        ranked = self.metrics[mask].copy()
        # (an empty frame would take its index from an assigned series: assign from itself)
        ranked["_silhouette"] = ranked["silhouette"].astype(float).round(12)
        for silhouette in sorted(ranked["_silhouette"].unique(), reverse=True):
            tied = ranked[ranked["_silhouette"] == silhouette]
            stable = [
                (
                    -self.stability(i),
                    float(tied.at[i, "n_clusters"]),
                    int(tied.at[i, "candidate_order"]),
                    i,
                )
                for i in tied.index
            ]
            stable = [s for s in stable if -s[0] >= self.settings.min_stability]
            if stable:
                return min(stable)[3]
        return None

    def most_stable(self, mask: pd.Series) -> int | None:
        """The most stable candidate (ties: better silhouette, fewer segments, grid order)."""
        metrics = self.metrics
        keys = [
            (
                -self.stability(i),
                -float(metrics.at[i, "silhouette"]),
                float(metrics.at[i, "n_clusters"]),
                int(metrics.at[i, "candidate_order"]),
                i,
            )
            for i in metrics.index[mask]
        ]
        return min(keys)[4] if keys else None


def _ineligible_reasons(
    failed: list[pd.Series], settings: SegmentationSettings
) -> list[str | None]:
    """Per candidate, the first rule it fails, in the order: at least 2 segments, at most
    k_max, the smallest segment's share, the top segment's share, stability measured, stable."""
    reasons = np.select(
        failed,
        [
            "fewer than 2 segments",
            f"more than {settings.k_max} segments",
            f"a segment below {settings.min_segment_share:.0%} of customers",
            f"top segment above {settings.max_top_segment_share:.0%} of customers",
            "stability not measured: a candidate with a better silhouette was chosen",
            f"stability below {settings.min_stability:g}",
        ],
        default="",
    )
    return [r or None for r in reasons]


@dataclass
class LineSelection:
    """A business line's candidates, scored, and the fitted chosen one (None: one segment)."""

    line: PreparedLine
    metrics: pd.DataFrame
    chosen: Candidate | None
    segmenter: FittedSegmenter | None


def select_line(
    frame: pd.DataFrame, business_line: str, settings: SegmentationSettings
) -> LineSelection:
    """Prepare, score and choose for one business line."""
    line = prepare_line(frame, settings)
    n = len(line.frame)
    common = {
        "business_line": business_line,
        "customers": n,
        "fit_sample_size": len(line.fit_index),
        "silhouette_sample_size": len(line.eval_index),
        "stability_resamples": settings.stability_resamples,
        "scaling": settings.scaling,
        "features": ",".join(line.features),
    }
    if n < max(MIN_CUSTOMERS, 2 * settings.k_min):
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
                        f"fewer than {max(MIN_CUSTOMERS, 2 * settings.k_min)} customers:"
                        " one segment"
                    ),
                }
            ]
        )
        metrics = metrics.assign(**common).reindex(columns=SELECTION_COLUMNS)
        return LineSelection(line, metrics, None, None)
    metrics, references, meter = evaluate_line(line, settings)
    candidates = meter.candidates
    if settings.full_stability:
        for candidate in meter.reference_eval:
            meter.measure(candidate)
    metrics = _with_stability(metrics, meter)
    metrics = choose_candidate(
        metrics, settings, lambda order: meter.measure(candidates[order])
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


def select_models(customers: pd.DataFrame, settings: SegmentationSettings) -> pd.DataFrame:
    """Score every candidate for every business line and mark the chosen one.

    Parameters
    ----------
    customers : one row per customer with `INPUT_COLUMNS`.
    settings : the segmentation settings.

    Returns
    -------
    One row per business line and candidate, `SELECTION_COLUMNS`.
    """
    with threadpool_limits(limits=1):
        frames = [
            select_line(group, name, settings).metrics for name, group in split_lines(customers)
        ]
    if not frames:
        return _typed_selection(pd.DataFrame(columns=SELECTION_COLUMNS))
    return _typed_selection(pd.concat(frames, ignore_index=True))


def _typed_selection(metrics: pd.DataFrame) -> pd.DataFrame:
    """`metrics` with exactly `SELECTION_COLUMNS`, each of its fixed type."""
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
