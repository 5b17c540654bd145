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

Poisson PML has no finite sufficient statistics: :func:`poisson_moments` keeps each cluster's
score and Hessian at the full-sample estimate and :func:`poisson_onestep` takes one Newton
step per draw from them, the k-step bootstrap of Davidson & MacKinnon (1999, *International
Economic Review* 40(2)) and Andrews (2002, *Econometrica* 70(1)) with k = 1: first-order
equivalent to refitting, tested equal to the one-step computed from the replicated rows.
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

    Returns ``coef`` and ``se_cluster`` (D, m, r) and ``nobs`` (D,). Every weighted sum over
    clusters is a product of ``counts`` with the flattened per-cluster blocks.
    """
    c = np.asarray(counts, float)
    D, G = c.shape
    q, m, r = mo.zz.shape[1], mo.xx.shape[1], mo.xy.shape[2]
    W = (c @ mo.zz.reshape(G, -1)).reshape(D, q, q)
    Wzx, Wzy = (c @ mo.zx.reshape(G, -1)).reshape(D, q, m), (c @ mo.zy.reshape(G, -1)).reshape(D, q, r)
    if q:
        Gam, The = np.linalg.solve(W, Wzx), np.linalg.solve(W, Wzy)  # (D, q, m), (D, q, r)
    else:
        Gam, The = np.zeros((D, 0, m)), np.zeros((D, 0, r))
    zz = mo.zz.reshape(G, q * q).T  # (q*q, G)
    # per cluster: x~'x~ and x~'y~ with x~ = x - Z Gam, y~ = y - Z The (the draw's projections)
    zxG = np.matmul(Gam.transpose(2, 0, 1), mo.zx.transpose(2, 1, 0)).transpose(1, 2, 0)  # (D, G, m)
    GG = (Gam[:, :, None, :] * Gam[:, None, :, :]).reshape(D, q * q, m)
    GzzG = np.matmul(GG.transpose(0, 2, 1), zz).transpose(0, 2, 1)  # (D, G, m)
    sxx_g = mo.xx[None] - 2 * zxG + GzzG
    GzY = np.matmul(Gam.transpose(0, 2, 1)[:, None], mo.zy[None])  # (D, G, m, r)
    TzX = np.matmul(mo.zx.transpose(0, 2, 1)[None], The[:, None])  # (D, G, m, r)
    GT = (Gam[:, :, None, :, None] * The[:, None, :, None, :]).reshape(D, q * q, m * r)
    GzzT = np.matmul(GT.transpose(0, 2, 1), zz).transpose(0, 2, 1).reshape(D, G, m, r)
    sxy_g = mo.xy[None] - GzY - TzX + GzzT  # (D, G, m, r)
    sxx = np.einsum("dg,dgj->dj", c, sxx_g)
    coef = np.einsum("dg,dgjr->djr", c, sxy_g) / sxx[..., None]
    score = sxy_g - coef[:, None] * sxx_g[..., None]  # (D, G, m, r): one copy's score
    meat = np.einsum("dg,dgjr->djr", c, score * score)
    k = q + 1 + ((c > 0).sum(axis=1) if mo.fixed_effects else 0)
    n_obs = c @ mo.rows
    se = np.sqrt(meat * _small_sample(c, n_obs, k)[:, None, None]) / sxx[..., None]
    return {"coef": coef, "se_cluster": se, "nobs": n_obs}


def _small_sample(c: np.ndarray, n_obs: np.ndarray, k: np.ndarray | int) -> np.ndarray:
    """statsmodels' factor G/(G-1) (N-1)/(N-K), G counting copies of clusters."""
    n_clusters = c.sum(axis=1)
    return n_clusters / (n_clusters - 1) * (n_obs - 1) / (n_obs - k)


@dataclass(frozen=True)
class PoissonMoments:
    """Per-cluster score and (minus the) Hessian of Poisson PML fits at a full-sample estimate.

    ``beta`` (m, p): the estimate, slope first, then the controls (centred), then the intercept
    when the absorbed factor is not the cluster. With fixed effects of the cluster the factor is
    concentrated out, cluster by cluster, so the blocks do not depend on a draw's weights.
    """

    beta: np.ndarray  # (m, p)
    score: np.ndarray  # (G, m, p)
    hess: np.ndarray  # (G, m, p, p)
    rows: np.ndarray  # (G,)
    fixed_effects: bool


def poisson_moments(Z: np.ndarray, X: np.ndarray, y: np.ndarray, offset: np.ndarray, slopes: np.ndarray,
                    cluster_starts: np.ndarray, fixed_effects: bool) -> PoissonMoments:
    """Per-cluster blocks at ``slopes`` (m, q+1): a Poisson PML fit of ``y`` ((n,) or (m, n)) on each
    ``X`` column and ``Z`` (as :func:`clusterstudy.estimation.batchfit.poisson` returns it in ``beta``)."""
    n, q = Z.shape
    m = X.shape[1]
    y = np.broadcast_to(y, (m, n))
    sizes = np.diff(np.append(cluster_starts, n))
    Zc = Z - Z.mean(axis=0)  # the centring batchfit.poisson uses: the same slopes
    e = np.exp(offset + X.T * slopes[:, :1] + slopes[:, 1:] @ Zc.T)  # (m, n)
    starts = cluster_starts if fixed_effects else np.array([0])
    alpha = np.log(np.add.reduceat(y, starts, axis=1)) - np.log(np.add.reduceat(e, starts, axis=1))
    mu = e * np.repeat(np.exp(alpha), np.diff(np.append(starts, n)), axis=1)
    cols = [X.T[:, :, None], np.broadcast_to(Zc[None], (m, n, q))]
    if not fixed_effects:
        cols.append(np.ones((m, n, 1)))
    B = np.concatenate(cols, axis=2)  # (m, n, p)
    score = np.add.reduceat((y - mu)[..., None] * B, cluster_starts, axis=1)  # (m, G, p)
    if fixed_effects:  # concentrated: regressors centred on their mu-weighted mean within the cluster
        bbar = np.add.reduceat(mu[..., None] * B, cluster_starts, axis=1) / np.add.reduceat(mu, cluster_starts,
                                                                                             axis=1)[..., None]
        B = B - np.repeat(bbar, sizes, axis=1)
    hess = np.add.reduceat((mu[..., None] * B)[..., :, None] * B[..., None, :], cluster_starts, axis=1)
    beta = slopes if fixed_effects else np.concatenate([slopes, alpha], axis=1)
    return PoissonMoments(np.asarray(beta, float), score.transpose(1, 0, 2), hess.transpose(1, 0, 2, 3),
                          sizes.astype(float), fixed_effects)


def poisson_onestep(mo: PoissonMoments, counts: np.ndarray) -> dict[str, np.ndarray]:
    """One Newton step from ``mo.beta`` for each draw of cluster ``counts`` (D, G): the k-step bootstrap
    (Davidson & MacKinnon 1999; Andrews 2002) with k = 1.

    ``delta = (sum_g c_g H_g)^-1 sum_g c_g s_g``; the standard error is the cluster sandwich with
    each cluster's score linearised at the draw's estimate, ``s_g - H_g delta``, and statsmodels'
    small-sample factor. Returns ``coef``, ``se_cluster`` (D, m), ``beta`` (D, m, p: the step's estimate,
    a warm start for a refit) and ``nobs`` (D,).
    """
    c = np.asarray(counts, float)
    D, G = c.shape
    _, m, p = mo.score.shape
    H = (c @ mo.hess.reshape(G, -1)).reshape(D, m, p, p)
    S = (c @ mo.score.reshape(G, -1)).reshape(D, m, p)
    Hinv = np.linalg.inv(H)
    delta = np.einsum("dmab,dmb->dma", Hinv, S)
    h0 = Hinv[..., 0, :]  # (D, m, p): the slope's row of the inverse
    # per cluster, the slope's influence h0'(s_g - H_g delta), as products with the flattened blocks
    a = np.matmul(h0.transpose(1, 0, 2), mo.score.transpose(1, 2, 0))  # (m, D, G)
    hd = (h0[..., :, None] * delta[..., None, :]).reshape(D, m, p * p)
    b = np.matmul(hd.transpose(1, 0, 2), mo.hess.reshape(G, m, p * p).transpose(1, 2, 0))  # (m, D, G)
    influence = (a - b).transpose(1, 2, 0)  # (D, G, m)
    var = np.einsum("dg,dgm->dm", c, influence * influence)
    k = p + ((c > 0).sum(axis=1) if mo.fixed_effects else 0)
    n_obs = c @ mo.rows
    return {"coef": mo.beta[None, :, 0] + delta[..., 0], "beta": mo.beta[None] + delta,
            "se_cluster": np.sqrt(var * _small_sample(c, n_obs, k)[:, None]), "nobs": n_obs}


def draw_counts(n_clusters: int, draws: int, seed: int) -> np.ndarray:
    """Copies of each cluster in each draw (D, G); draw d's generator is spawned from (seed, d)."""
    children = np.random.SeedSequence(seed).spawn(draws)
    return np.stack([np.bincount(np.random.default_rng(ch).integers(0, n_clusters, n_clusters),
                                 minlength=n_clusters) for ch in children])
