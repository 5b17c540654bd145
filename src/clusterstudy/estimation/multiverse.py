"""The batched multiverse engine: every specification of a grid estimated at once, and resampled under the null.

A grid (e.g. :mod:`clusterstudy.analyses.speccurve`) hands over a :class:`Problem`: blocks of
specifications that share a sample, controls and fixed effects (each :class:`Block` holds every
measure on that sample as columns of ``X``, and ``k`` outcomes with their counts and exposures),
and the specification table that locates each specification in a block. :func:`estimate` fits
them all (OLS of the log rate from per-cluster sufficient statistics,
:mod:`clusterstudy.estimation.cluster_bootstrap`; Poisson PML of the count by Newton's method on all
columns at once, :mod:`clusterstudy.estimation.batchfit`), with errors clustered and p-values from
t(G-1). :func:`resample` draws clusters with replacement under the null of no effect (OLS:
``log y - b x``; Poisson: ``y exp(-b x)``, refitted to convergence on every draw: warm-started by one
Newton step from the full-sample null fit's per-country scores and Hessians, then Newton's method on
the rows to :data:`NULL_TOL`, compiled: :mod:`clusterstudy.estimation.poisson_newton`)
on local processes (joblib) or a Dask cluster; the draws are kept in the content-addressed cache
(:mod:`clusterstudy.core.cache`). Draw ``d`` uses a seed spawned from ``(seed, d)``, so results do not
depend on how draws are split among workers.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from clusterstudy.core import cache
from clusterstudy.estimation import batchfit, cluster_bootstrap, poisson_newton

OLS, POISSON = "OLS on logs", "Poisson PML"
ESTIMATORS = (OLS, POISSON)
DRAWS = 2000
ALPHA = 0.05
NULL_TOL = 1e-8  # a Newton step below this leaves an error of its square (quadratic convergence); the sandwich is taken
# where that step starts, so its relative error is of the order of the step


@dataclass
class Block:
    """One estimation design: a sample, its controls and fixed effects, and every measure on it."""

    key: dict
    design: batchfit.Design
    X: np.ndarray  # (n, m) standardised measures
    x_labels: list[tuple[str, str, str]]  # (construct, star rule, traded split) per column of X
    log_rates: np.ndarray  # (n, k) log outcome per outcome of the grid
    counts: np.ndarray  # (n,) patents
    log_exposure: np.ndarray  # (n, k) log exposure per outcome
    country_index: np.ndarray  # (n,) position of the row's country in Problem.countries
    frame: pd.DataFrame  # the sample (for statsmodels refits)
    moments: cluster_bootstrap.Moments  # per-country cross-products for the OLS specifications
    block_countries: np.ndarray  # (C,) position in Problem.countries of each cluster of the block
    observed: dict = field(default_factory=dict)
    null_poisson: dict = field(default_factory=dict)  # outcome index -> PoissonMoments at the null fit


@dataclass
class Problem:
    """Everything needed to estimate the grid and resample it (picklable, shipped to workers)."""

    blocks: list[Block]
    countries: list[str]
    specs: pd.DataFrame  # one row per specification; 'block', 'column', 'outcome_index' locate it
    choices: list[str] = field(default_factory=list)  # the grid's choice columns of ``specs``, in order


def _fit_block(b: Block, w: np.ndarray, null: bool) -> dict[tuple[str, int], dict]:
    """Estimate (or, with ``null``, re-estimate under the null) every specification of a block."""
    out = {}
    r = cluster_bootstrap.ols(b.moments, w[:, b.design.cluster_starts])
    for oi in range(b.log_rates.shape[1]):
        coef = r["coef"][..., oi]
        if null:  # M(y - b x) = M y - b M x: the slope on the null-imposed outcome is coef - b
            coef = coef - b.observed[OLS, oi]["coef"][0]
        out[OLS, oi] = {"coef": coef, "cluster": r["se_cluster"][..., oi], "n": r["nobs"]}
    for oi in range(b.log_rates.shape[1]):
        if null:  # each draw's fit of y exp(-b x) to convergence, centred on the full-sample fit
            r = null_refit(b, oi, w)
            out[POISSON, oi] = {"coef": r["coef"] - b.null_poisson[oi].beta[None, :, 0], "cluster": r["se_cluster"],
                                "n": r["nobs"]}
            continue
        r = _poisson(b, b.counts, oi, None)
        out[POISSON, oi] = {"coef": r["coef"], "beta": r["beta"], "cluster": r["se_cluster"], "n": r["nobs"]}
    return out


def _poisson(b: Block, y: np.ndarray, oi: int, start: np.ndarray | None) -> dict[str, np.ndarray]:
    r = batchfit.poisson(b.design, b.X, y, b.log_exposure[:, oi], np.ones((1, b.design.n)), start=start, hc=False,
                         tol=1e-10)
    if not r["converged"].all():
        raise RuntimeError(f"Poisson PML did not converge in block {b.key}")
    return r


def _null_counts(b: Block, oi: int) -> np.ndarray:
    """The null-imposed counts ``y exp(-b x)`` of every measure column (m, n)."""
    return b.counts[None, :] * np.exp(-b.observed[POISSON, oi]["coef"][0][:, None] * b.X.T)


def null_refit(b: Block, oi: int, w: np.ndarray, tol: float = NULL_TOL) -> dict[str, np.ndarray]:
    """Poisson PML of the null-imposed counts refitted to convergence on each draw (row weights ``w``, (D, n)).

    Warm start: one Newton step from the full-sample null fit's per-country scores and Hessians
    (:func:`cluster_bootstrap.poisson_onestep`); then full Newton steps on the rows
    (:func:`poisson_newton.poisson_draws`, compiled) until no coefficient moves by ``tol``; a fit still moving after
    those steps is refitted with step halving (:func:`batchfit.poisson`).
    """
    mo = b.null_poisson[oi]
    step = cluster_bootstrap.poisson_onestep(mo, w[:, b.design.cluster_starts])
    start = step["beta"][..., :b.design.Z.shape[1] + 1]  # slope and controls (no intercept: concentrated out)
    y, offset = _null_counts(b, oi), b.log_exposure[:, oi]
    r = poisson_newton.poisson_draws(b.design, b.X, y, offset, w, start, tol=tol)
    for d in np.flatnonzero(~r["converged"].all(axis=1)):  # from the full-sample null fit, with step halving
        slow = batchfit.poisson(b.design, b.X, y, offset, w[d:d + 1], start=mo.beta[:, :start.shape[2]], hc=False,
                                tol=tol)
        if not slow["converged"].all():
            raise RuntimeError(f"a null draw's Poisson PML did not converge in block {b.key}")
        for k in ("coef", "se_cluster"):
            r[k][d] = slow[k][0]
    return r


def _null_poisson(b: Block, oi: int) -> cluster_bootstrap.PoissonMoments:
    """Per-country score and Hessian at the full-sample Poisson fit of the null-imposed ``y exp(-b x)``."""
    obs = b.observed[POISSON, oi]
    y = _null_counts(b, oi)  # (m, n)
    start = obs["beta"][0].copy()
    start[:, 0] = 0.0
    fit = _poisson(b, y, oi, start)
    return cluster_bootstrap.poisson_moments(b.design.Z, b.X, y, b.log_exposure[:, oi], fit["beta"][0],
                                             b.design.cluster_starts, b.key["fixed_effects"] == "country")


def _weights(b: Block, counts: np.ndarray) -> np.ndarray:
    return counts[:, b.country_index].astype(float)


def estimate(problem: Problem, alpha: float = ALPHA) -> pd.DataFrame:
    """Fit every specification on the observed data; the spec table with estimates and results
    (two-sided t(G-1) tests at ``alpha``, G the clusters of the specification's sample)."""
    for b in problem.blocks:
        b.observed = _fit_block(b, np.ones((1, b.design.n)), null=False)
        b.null_poisson = {oi: _null_poisson(b, oi) for oi in range(b.log_rates.shape[1])}
    s = problem.specs
    coef, se, n = (np.empty(len(s)) for _ in range(3))
    for i, (blk, col, oi, est) in enumerate(s[["block", "column", "outcome_index", "estimator"]]
                                             .itertuples(index=False)):
        r = problem.blocks[blk].observed[est, oi]
        coef[i], se[i], n[i] = r["coef"][0, col], r["cluster"][0, col], r["n"][0]
    out = s[problem.choices].copy()
    out["coef"], out["se"] = coef, se
    out["z"] = coef / se
    out["clusters"] = [len(problem.blocks[blk].design.cluster_starts) for blk in s["block"]]
    df = out["clusters"] - 1  # t(G-1), G the countries of the specification's sample
    out["p"] = 2 * stats.t.sf(np.abs(out["z"]), df)
    half = stats.t.isf(alpha / 2, df) * se
    out["ci_low"], out["ci_high"] = coef - half, coef + half
    out["n"] = n.astype(int)
    out["result"] = np.select([(out["p"] < alpha) & (out["coef"] > 0), (out["p"] < alpha) & (out["coef"] < 0)],
                              ["positive and significant", "negative and significant"], "not significant")
    return out


def null_chunk(problem: Problem, counts: np.ndarray) -> dict[str, np.ndarray]:
    """Null-imposed estimates and z values (draws x specifications) for one chunk of draws."""
    fits = [_fit_block(b, _weights(b, counts), null=True) for b in problem.blocks]
    s = problem.specs
    coef = np.empty((counts.shape[0], len(s)))
    z = np.empty_like(coef)
    for i, (blk, col, oi, est) in enumerate(s[["block", "column", "outcome_index", "estimator"]]
                                             .itertuples(index=False)):
        r = fits[blk][est, oi]
        coef[:, i] = r["coef"][:, col]
        z[:, i] = r["coef"][:, col] / r["cluster"][:, col]
    return {"coef": coef, "z": z}


def resample(problem: Problem, draws: int = DRAWS, seed: int = 20201116, chunk: int = 100, n_jobs: int = 2,
             client=None) -> dict[str, np.ndarray]:
    """Null distribution of every specification's estimate and z (draws x specifications).

    Runs on a Dask cluster when ``client`` (a ``distributed.Client``) is given or the
    environment variable ``CLUSTERS_DASK_SCHEDULER`` holds a scheduler address, else on
    ``n_jobs`` local processes (joblib). Chunks are fixed by ``chunk``, not by the workers.
    """
    if not problem.blocks or not problem.blocks[0].observed:
        raise ValueError("estimate(problem) first: the null is imposed with the observed estimates")
    counts = cluster_bootstrap.draw_counts(len(problem.countries), draws, seed)
    if client is None:  # the same inputs, draws and code give the same arrays: computed once per build
        digest = cache.key(_inputs(problem), counts,
                           cache.source(__file__, batchfit.__file__, cluster_bootstrap.__file__, poisson_newton.__file__))
        return cache.arrays("speccurve-null", digest,
                            lambda: _resample(problem, counts, chunk, n_jobs, os.environ.get("CLUSTERS_DASK_SCHEDULER")))
    return _resample(problem, counts, chunk, n_jobs, None, client)


def _inputs(problem: Problem) -> list:
    """Every array the null draws are computed from (for the cache key)."""
    parts: list = [problem.countries, problem.specs]
    for b in problem.blocks:
        parts += [b.design.Z, b.design.absorb_starts, b.design.cluster_starts, b.X, b.log_rates, b.counts,
                  b.log_exposure, b.country_index, b.block_countries]
    return parts


def _resample(problem: Problem, counts: np.ndarray, chunk: int, n_jobs: int, address: str | None,
              client=None) -> dict[str, np.ndarray]:
    draws = counts.shape[0]
    parts = [counts[i:i + chunk] for i in range(0, draws, chunk)]
    if client is None and address:
        from distributed import Client

        with Client(address) as c:
            return _resample(problem, counts, chunk, n_jobs, None, client=c)
    if client is not None:
        shared = client.scatter(problem, broadcast=True)
        results = client.gather(client.map(null_chunk, [shared] * len(parts), parts, pure=False))
    elif n_jobs == 1:
        results = [null_chunk(problem, p) for p in parts]
    else:
        from joblib import Parallel, delayed

        results = Parallel(n_jobs=n_jobs)(delayed(null_chunk)(problem, p) for p in parts)
    return {k: np.concatenate([r[k] for r in results]) for k in ("coef", "z")}
