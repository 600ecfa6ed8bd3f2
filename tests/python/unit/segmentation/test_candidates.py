"""hvc.segmentation.candidates: a Ward tree cut at every k, as scipy cuts it."""

from __future__ import annotations

import numpy as np
from scipy.cluster.hierarchy import cut_tree, linkage
from sklearn.metrics import adjusted_rand_score

from hvc.segmentation import cut_tree_at


def test_cut_tree_at_matches_scipy() -> None:
    rng = np.random.default_rng(1)
    x = rng.normal(size=(400, 3))
    x[:20] = 0.0  # ties
    tree = linkage(x, method="ward")
    cuts = cut_tree_at(tree, [2, 5, 9, 400])
    assert sorted(cuts) == [2, 5, 9]
    for k in (2, 5, 9):
        assert len(np.unique(cuts[k])) == k
        assert adjusted_rand_score(cut_tree(tree, n_clusters=k)[:, 0], cuts[k]) == 1.0
