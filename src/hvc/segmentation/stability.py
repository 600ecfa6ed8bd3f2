"""Bootstrap stability of clustering candidates, measured on demand."""

from __future__ import annotations

import numpy as np
from sklearn.metrics import adjusted_rand_score

from hvc.segmentation.candidates import Candidate, FittedSegmenter, _fit_rows, fit_candidates
from hvc.segmentation.features import PreparedLine
from hvc.segmentation.settings import SegmentationSettings

# Each stability refit is fitted on this share of the candidate's fit rows.
STABILITY_FRACTION = 0.8


class StabilityMeter:
    """Bootstrap stability of candidates, measured on demand and remembered.

    A candidate is refitted on `stability_resamples` random subsamples (`STABILITY_FRACTION`
    of its fit rows; the same subsamples for every candidate of a method) and each refit
    assigns the silhouette sample; the adjusted Rand indices against the candidate's own
    assignment are its stability. Ward trees are built once per subsample and cut for every k.
    """

    def __init__(
        self,
        line: PreparedLine,
        settings: SegmentationSettings,
        candidates: list[Candidate],
        reference_eval: dict[Candidate, np.ndarray],
    ) -> None:
        self.line = line
        self.settings = settings
        self.candidates = candidates
        self.reference_eval = reference_eval
        self.measured: dict[Candidate, list[float]] = {}
        self._ward: dict[tuple[str, int], dict[Candidate, FittedSegmenter | None]] = {}

    def _subset(self, method: str, resample: int) -> np.ndarray:
        """The rows of one resample: a fraction of the method's fit rows, fixed per resample."""
        rows = _fit_rows(self.line, method, self.settings)
        rng = np.random.default_rng([self.settings.random_state, resample])
        size = max(2, int(STABILITY_FRACTION * len(rows)))
        return np.sort(rng.choice(rows, size=size, replace=False))

    def _refit(self, candidate: Candidate, resample: int) -> FittedSegmenter | None:
        """A candidate refitted on one resample (Ward: the resample's tree, built once)."""
        x = self.line.spaces[candidate.space]
        subset = self._subset(candidate.method, resample)
        seed = self.settings.random_state + resample + 1
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
            for resample in range(self.settings.stability_resamples):
                refit = self._refit(candidate, resample)
                if refit is None:
                    scores.append(0.0)
                    continue
                labels = refit.assign(x_eval)[0]
                scores.append(float(adjusted_rand_score(self.reference_eval[candidate], labels)))
            self.measured[candidate] = scores
        return self.measured[candidate]
