"""hvc.propensity.selection: the lasso keeps few, independent columns, the same on threads."""

from __future__ import annotations

import threading

import numpy as np
import pandas as pd

from hvc.propensity import LassoSelection


def test_lasso_keeps_at_most_the_limit_and_no_collinear_column() -> None:
    rng = np.random.default_rng(3)
    x = pd.DataFrame(rng.normal(size=(500, 6)), columns=list("abcdef"))
    x["copy_of_a"] = 2 * x["a"]
    y = (x["a"] + x["b"] + rng.normal(size=500) > 0).astype(int)
    selection = LassoSelection(max_features=3, random_state=0).fit(x, y)
    assert len(selection.selected_) <= 3
    assert "a" in selection.selected_ or "copy_of_a" in selection.selected_
    assert not {"a", "copy_of_a"} <= set(selection.selected_)


def test_lasso_weights_are_the_same_when_fits_overlap_on_threads() -> None:
    # dbt runs the predictions and coefficients models on two threads of one process
    rng = np.random.default_rng(5)
    x = pd.DataFrame(rng.normal(size=(2000, 30)), columns=[f"x{j:02d}" for j in range(30)])
    y = (x.iloc[:, :8].sum(axis=1) + rng.normal(size=2000) > 0).astype(int)
    alone = LassoSelection(max_features=12, random_state=0).fit(x, y).lasso_weights_
    start = threading.Barrier(2)
    weights: list[dict[str, float]] = []

    def fit_three_times() -> None:
        start.wait()
        for _ in range(3):
            weights.append(LassoSelection(max_features=12, random_state=0).fit(x, y).lasso_weights_)

    threads = [threading.Thread(target=fit_three_times) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(weights) == 6
    assert all(overlapped == alone for overlapped in weights)
