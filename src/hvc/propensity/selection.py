"""Lasso feature selection for the scoring model.

An L1 (lasso) logistic regression on the standardised candidate columns keeps at most
`max_features` of them: at the weakest penalty that keeps no more, found by bisection on a
log scale; taken in order of the size of their weight, skipping a column that is a linear
combination of those already kept and the intercept (a region implying its territory), so
that the unpenalised refit for the coefficients can be estimated.
"""

from __future__ import annotations

import math
import threading
import warnings

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.svm import l1_min_c

#: liblinear draws its coordinate order from one random generator per process, seeded at the
#: start of each fit: two fits on two threads at once draw from it in turn and stop (at a loose
#: tolerance) at other weights. dbt runs Python models on threads of one process: the
#: predictions and coefficients models, fitting the same customers at once, named two model
#: versions. One liblinear fit at a time.
_LIBLINEAR = threading.Lock()


class LassoSelection(TransformerMixin, BaseEstimator):
    """Keep at most `max_features` columns of a standardised frame (see the module docstring)."""

    def __init__(self, max_features: int, class_weight: str | None = None, random_state: int = 0):
        self.max_features = max_features
        self.class_weight = class_weight
        self.random_state = random_state

    def fit(self, design: pd.DataFrame, y) -> LassoSelection:
        """Choose the columns (see the module docstring); `selected_` lists them in weight order."""
        y = np.asarray(y)
        values = design.to_numpy(dtype=float)

        def weights_at(strength: float) -> np.ndarray:
            """The lasso's weights at inverse penalty `strength` (one liblinear fit at a time)."""
            lasso = LogisticRegression(
                l1_ratio=1.0,
                solver="liblinear",
                C=float(strength),
                class_weight=self.class_weight,
                random_state=self.random_state,
                max_iter=1000,
                # only which weights are zero matters here
                tol=1e-3,
            )
            with _LIBLINEAR, warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                return lasso.fit(values, y).coef_[0]

        def count_kept(weights: np.ndarray) -> int:
            """Columns with a non-zero weight."""
            return int(np.sum(np.abs(weights) > 1e-10))

        # below l1_min_c every weight is zero; step up by half a decade until too many
        # columns enter, then bisect (on a log scale, to a factor of 1.1) for the weakest
        # penalty that keeps at most max_features
        low = l1_min_c(values, y, loss="log") * 1.01
        chosen = weights_at(low)
        high = None
        for _ in range(12):
            candidate = low * 10**0.5
            weights = weights_at(candidate)
            if count_kept(weights) > self.max_features:
                high = candidate
                break
            low, chosen = candidate, weights
        while high is not None and high / low > 1.1:
            middle = math.sqrt(low * high)
            weights = weights_at(middle)
            if count_kept(weights) > self.max_features:
                high = middle
            else:
                low, chosen = middle, weights
        order = [
            int(j) for j in np.argsort(-np.abs(chosen), kind="stable") if abs(chosen[j]) > 1e-10
        ][: self.max_features]
        kept: list[int] = []
        basis = np.ones((len(values), 1))
        rank = 1
        for j in order:
            candidate = np.column_stack([basis, values[:, j]])
            candidate_rank = np.linalg.matrix_rank(candidate)
            if candidate_rank > rank:
                kept.append(j)
                basis, rank = candidate, candidate_rank
        self.selected_ = [design.columns[j] for j in kept]
        self.lasso_weights_ = {design.columns[j]: float(chosen[j]) for j in kept}
        return self

    def transform(self, design: pd.DataFrame) -> pd.DataFrame:
        """The selected columns."""
        return design[self.selected_]

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        """The selected columns' names."""
        return np.array(self.selected_, dtype=object)
