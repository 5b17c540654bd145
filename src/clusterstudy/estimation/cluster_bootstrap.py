"""The pairs cluster bootstrap of many OLS slopes at once, from per-cluster sufficient statistics.

A draw of the pairs cluster bootstrap copies each cluster ``c_g`` times. With every row of a
cluster weighted alike, each weighted cross-product the OLS needs is a weighted sum of
per-cluster cross-products ``M_g = V_g'V_g`` of the design ``V = [Z, X, Y]``: the slopes of every
``X`` column on every ``Y`` column (Frisch–Waugh–Lovell on the controls ``Z``) and their
cluster-robust standard errors follow from ``sum_g c_g M_g`` and the per-cluster blocks, without
touching the rows again. With fixed effects of the cluster itself (country fixed effects with
errors clustered by country), within-cluster demeaning does not depend on the weights, so it is
done once; without them the intercept is one more column of ``Z``.

:func:`moments` precomputes the blocks; :func:`ols` gives, per draw, what
:func:`clusterstudy.estimation.batchfit.ols` gives from the rows (tested equal to 1e-8), with
statsmodels' small-sample factor ``G/(G-1) (N-1)/(N-K)``. :func:`draw_counts` draws the copies.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Moments:
    """Per-cluster cross-products of one design: controls ``z`` (incl. intercept or demeaned),
    measures ``x`` (m columns), outcomes ``y`` (r columns)."""

    zz: np.ndarray  # (G, q, q)
    zx: np.ndarray  # (G, q, m)
    zy: np.ndarray  # (G, q, r)
    xx: np.ndarray  # (G, m)   diagonal only: one regression per x column
    xy: np.ndarray  # (G, m, r)
    rows: np.ndarray  # (G,) rows per cluster
    fixed_effects: bool


def moments(Z: np.ndarray, X: np.ndarray, Y: np.ndarray, cluster_starts: np.ndarray,
            fixed_effects: bool) -> Moments:
    """Per-cluster blocks of ``V'V``; rows sorted by cluster (``cluster_starts``: first row of each)."""
    n = Z.shape[0]
    sizes = np.diff(np.append(cluster_starts, n))
    g_of = np.repeat(np.arange(len(cluster_starts)), sizes)
    if fixed_effects:  # demean within cluster once: the weights are constant within a cluster
        def demean(v):
            means = np.add.reduceat(v, cluster_starts, axis=0) / sizes[:, None]
            return v - means[g_of]
        Z, X, Y = demean(Z), demean(X), demean(Y)
    else:
        Z = np.column_stack([np.ones(n), Z])

    def cross(a, b):
        return np.add.reduceat(a[:, :, None] * b[:, None, :], cluster_starts, axis=0)

    return Moments(cross(Z, Z), cross(Z, X), cross(Z, Y), np.add.reduceat(X * X, cluster_starts, axis=0),
                   cross(X, Y), sizes.astype(float), fixed_effects)


def ols(mo: Moments, counts: np.ndarray) -> dict[str, np.ndarray]:
    """Slopes and cluster-robust standard errors for each draw of cluster ``counts`` (D, G).

    Returns ``coef`` and ``se_cluster`` (D, m, r) and ``nobs`` (D,).
    """
    c = np.asarray(counts, float)
    q = mo.zz.shape[1]
    W = np.einsum("dg,gab->dab", c, mo.zz)
    Wzx, Wzy = np.einsum("dg,gab->dab", c, mo.zx), np.einsum("dg,gab->dab", c, mo.zy)
    if q:
        Gam, The = np.linalg.solve(W, Wzx), np.linalg.solve(W, Wzy)  # (D, q, m), (D, q, r)
    else:
        Gam, The = np.zeros((len(c), 0, mo.zx.shape[2])), np.zeros((len(c), 0, mo.zy.shape[2]))
    # per cluster: x~'x~ and x~'y~ with x~ = x - Z Gam, y~ = y - Z The (the draw's projections)
    zxG = np.einsum("gaj,daj->dgj", mo.zx, Gam)
    GzzG = np.einsum("daj,gab,dbj->dgj", Gam, mo.zz, Gam)
    sxx_g = mo.xx[None] - 2 * zxG + GzzG  # (D, G, m)
    sxy_g = (mo.xy[None] - np.einsum("daj,gar->dgjr", Gam, mo.zy) - np.einsum("gaj,dar->dgjr", mo.zx, The)
             + np.einsum("daj,gab,dbr->dgjr", Gam, mo.zz, The))  # (D, G, m, r)
    sxx = np.einsum("dg,dgj->dj", c, sxx_g)
    coef = np.einsum("dg,dgjr->djr", c, sxy_g) / sxx[..., None]
    score = sxy_g - coef[:, None] * sxx_g[..., None]  # (D, G, m, r): one copy's score
    meat = np.einsum("dg,dgjr->djr", c, score * score)
    n_obs = c @ mo.rows
    n_clusters = c.sum(axis=1)
    k = q + 1 + ((c > 0).sum(axis=1) if mo.fixed_effects else 0)
    corr = n_clusters / (n_clusters - 1) * (n_obs - 1) / (n_obs - k)
    se = np.sqrt(meat * corr[:, None, None]) / sxx[..., None]
    return {"coef": coef, "se_cluster": se, "nobs": n_obs}


def draw_counts(n_clusters: int, draws: int, seed: int) -> np.ndarray:
    """Copies of each cluster in each draw (D, G); draw d's generator is spawned from (seed, d)."""
    children = np.random.SeedSequence(seed).spawn(draws)
    return np.stack([np.bincount(np.random.default_rng(ch).integers(0, n_clusters, n_clusters),
                                 minlength=n_clusters) for ch in children])
