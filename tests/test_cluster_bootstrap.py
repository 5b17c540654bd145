"""OLS of the pairs cluster bootstrap from per-cluster sufficient statistics equals the refit path."""

import numpy as np
import pytest
import statsmodels.api as sm

from clusterstudy.estimation import batchfit, cluster_bootstrap


def _design(seed=0, G=9, q=2, m=3):
    rng = np.random.default_rng(seed)
    sizes = rng.integers(2, 7, G)
    starts = np.r_[0, np.cumsum(sizes)[:-1]]
    n = sizes.sum()
    Z, X = rng.normal(size=(n, q)), rng.normal(size=(n, m))
    Y = np.column_stack([X[:, 0] * 0.4 + Z @ [0.3, -0.2] + rng.normal(size=n), rng.normal(size=n)])
    return Z, X, Y, starts


@pytest.mark.parametrize("fe, q", [(False, 2), (True, 2), (True, 0), (False, 0)])
def test_sufficient_statistics_equal_the_refit_path(fe, q):
    Z, X, Y, starts = _design(q=2)
    Z = Z[:, :q]
    counts = cluster_bootstrap.draw_counts(len(starts), 6, seed=11)
    counts[0] = 1  # the observed sample
    mo = cluster_bootstrap.moments(Z, X, Y, starts, fixed_effects=fe)
    fast = cluster_bootstrap.ols(mo, counts)
    design = batchfit.Design(Z, starts if fe else np.array([0]), starts)
    w = np.repeat(counts, np.diff(np.append(starts, len(Z))), axis=1).astype(float)
    slow = batchfit.ols(design, X, Y, w)
    np.testing.assert_allclose(fast["coef"], slow["coef"], rtol=0, atol=1e-8)
    np.testing.assert_allclose(fast["se_cluster"], slow["se_cluster"], rtol=0, atol=1e-8)
    np.testing.assert_allclose(fast["nobs"], slow["nobs"])


def test_observed_sample_matches_statsmodels():
    Z, X, Y, starts = _design(seed=3)
    fast = cluster_bootstrap.ols(cluster_bootstrap.moments(Z, X, Y, starts, False), np.ones((1, len(starts))))
    groups = np.repeat(np.arange(len(starts)), np.diff(np.append(starts, len(Z))))
    res = sm.OLS(Y[:, 0], sm.add_constant(np.column_stack([X[:, 1], Z]))).fit(
        cov_type="cluster", cov_kwds={"groups": groups})
    assert fast["coef"][0, 1, 0] == pytest.approx(res.params[1], abs=1e-10)
    assert fast["se_cluster"][0, 1, 0] == pytest.approx(res.bse[1], abs=1e-10)


@pytest.mark.parametrize("fe", [False, True])
def test_poisson_one_step_on_the_sample_is_the_fit_and_its_sandwich(fe):
    """With every cluster once, the step is zero and the standard error is batchfit's cluster sandwich;
    with weights and country fixed effects, the step equals a Newton step from the rows on the
    concentrated likelihood (batchfit with max_iter=1; without fixed effects batchfit concentrates
    the intercept over all rows, so its step differs: test_speccurve checks that case against a
    full-parameter step on the replicated rows)."""
    Z, X, _, starts = _design(seed=4)
    rng = np.random.default_rng(1)
    y = rng.poisson(np.exp(0.5 + 0.3 * X[:, 0]))
    y[starts] += 1  # no cluster without a count
    offset = np.zeros(len(y))
    design = batchfit.Design(Z, starts if fe else np.array([0]), starts)
    fit = batchfit.poisson(design, X, y, offset, np.ones((1, len(y))), tol=1e-12)
    mo = cluster_bootstrap.poisson_moments(Z, X, y, offset, fit["beta"][0], starts, fe)
    same = cluster_bootstrap.poisson_onestep(mo, np.ones((1, len(starts))))
    np.testing.assert_allclose(same["coef"], fit["coef"], rtol=0, atol=1e-10)
    np.testing.assert_allclose(same["se_cluster"], fit["se_cluster"], rtol=1e-8)
    if not fe:
        return
    counts = cluster_bootstrap.draw_counts(len(starts), 5, seed=2)
    w = np.repeat(counts, np.diff(np.append(starts, len(y))), axis=1).astype(float)
    one = batchfit.poisson(design, X, y, offset, w, start=fit["beta"][0], max_iter=1, hc=False)
    step = cluster_bootstrap.poisson_onestep(mo, counts)
    np.testing.assert_allclose(step["coef"], one["coef"], rtol=0, atol=1e-8)
