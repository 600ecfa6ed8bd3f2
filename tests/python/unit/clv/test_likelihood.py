"""hvc.clv.likelihood: the log-likelihoods stay finite and their scores are their gradients."""

from __future__ import annotations

import numpy as np
import pytest
from statsmodels.tools.numdiff import approx_fprime

from hvc import clv
from hvc.clv import likelihood


def test_likelihoods_survive_large_counts_and_their_scores_are_the_gradient() -> None:
    x = np.array([0, 1, 3, 50, 20_000.0])
    t_x = np.array([0, 2.0, 10.0, 300.0, 999.0])
    age = np.array([5.0, 40.0, 40.0, 400.0, 1000.0])
    spend = np.array([np.nan, 10.0, 25.0, 7.5, 12.0])
    log_bg = np.log([0.3, 20.0, 0.9, 2.0])
    log_gg = np.log([6.0, 4.0, 50.0])

    def bg_total(log_params):
        return clv.bgnbd_loglikelihood(np.exp(log_params), x, t_x, age).sum()

    def gg_total(log_params):
        return clv.gamma_gamma_loglikelihood(np.exp(log_params), x[1:], spend[1:]).sum()

    assert np.all(np.isfinite(clv.bgnbd_loglikelihood(np.exp(log_bg), x, t_x, age)))
    score = likelihood._bgnbd_score(np.exp(log_bg), x, t_x, age).sum(axis=0)
    assert score == pytest.approx(approx_fprime(log_bg, bg_total, centered=True), rel=1e-5)
    score = likelihood._gamma_gamma_score(np.exp(log_gg), x[1:], spend[1:]).sum(axis=0)
    assert score == pytest.approx(approx_fprime(log_gg, gg_total, centered=True), rel=1e-5)
    # P(alive) and the expectation stay finite for 20,000 purchases
    alive = clv.probability_alive(np.exp(log_bg), x, t_x, age)
    expected = clv.expected_purchases(np.exp(log_bg), 90.0, x, t_x, age)
    assert np.all(np.isfinite(alive)) and np.all(np.isfinite(expected))
