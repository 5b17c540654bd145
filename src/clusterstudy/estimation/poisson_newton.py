"""Poisson PML refitted on many bootstrap draws: Newton's method compiled (numba), one fit at a time.

The estimator of :func:`clusterstudy.estimation.batchfit.poisson` (the absorbed factor concentrated
out, the cluster sandwich with statsmodels' small-sample factor), organised for the null draws of the
multiverse: each (draw, column) fit runs full Newton steps from its warm start over the rows its draw
keeps (weight > 0), with the score, the concentrated Hessian and, once converged, the per-cluster
scores accumulated in one pass over those rows. Plain loops of IEEE additions and products (no
fast-math, no reassociation), so a fit's numbers do not depend on the batch it is in.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from clusterstudy.estimation.batchfit import Design

CONVERGED, MOVING, FAILED = 0, 1, 2


@njit(cache=True, error_model="numpy")
def _cholesky_solve(H: np.ndarray, rhs: np.ndarray, L: np.ndarray, out: np.ndarray) -> bool:
    """Solve ``H out = rhs`` (H symmetric, lower triangle filled); False unless H is positive definite."""
    p = H.shape[0]
    for i in range(p):
        for j in range(i + 1):
            s = H[i, j]
            for k in range(j):
                s -= L[i, k] * L[j, k]
            if i == j:
                if not s > 0.0:
                    return False
                L[i, i] = math.sqrt(s)
            else:
                L[i, j] = s / L[j, j]
    for i in range(p):  # L z = rhs
        s = rhs[i]
        for k in range(i):
            s -= L[i, k] * out[k]
        out[i] = s / L[i, i]
    for i in range(p - 1, -1, -1):  # L' out = z
        s = out[i]
        for k in range(i + 1, p):
            s -= L[k, i] * out[k]
        out[i] = s / L[i, i]
    return True


@njit(cache=True, error_model="numpy")
def _fit_draws(x: np.ndarray, Zc: np.ndarray, y: np.ndarray, offset: np.ndarray, w: np.ndarray,
               group: np.ndarray, cluster: np.ndarray, n_groups: int, n_clusters: int, start: np.ndarray,
               tol: float, max_iter: int, beta_out: np.ndarray, var_out: np.ndarray, state: np.ndarray,
               steps: np.ndarray) -> None:
    """Every (draw d, column j) fit: ``x`` (m, n), ``Zc`` (n, q), ``y`` (m, n), ``w`` (D, n),
    ``start`` (D, m, p); writes ``beta_out`` (D, m, p), the slope's sandwich ``var_out`` (D, m, before the
    small-sample factor), ``state`` (CONVERGED, MOVING or FAILED) and ``steps`` (D, m).

    One pass over the kept rows per Newton step: with ``e = w exp(eta)``, the group sums of ``e``,
    ``e B`` and ``e B B'`` give the concentrated score and Hessian (the mean is ``e`` times the group's
    ratio of weighted counts to ``e``); a second pass, once converged, gives the per-cluster scores.
    """
    m, n = x.shape
    D, q = w.shape[0], Zc.shape[1]
    p = q + 1
    t2 = p * (p + 1) // 2
    B = np.empty((n, p))
    swy, s0 = np.empty(n_groups), np.empty(n_groups)
    s1, s2 = np.empty((n_groups, p)), np.empty((n_groups, t2))
    yb = np.empty(p)
    sc = np.empty((n_clusters, p))
    copies = np.empty(n_clusters)
    H, L = np.empty((p, p)), np.empty((p, p))
    g, delta, beta, a, e0 = np.empty(p), np.empty(p), np.empty(p), np.empty(p), np.zeros(p)
    e0[0] = 1.0
    for j in range(m):
        for i in range(n):
            B[i, 0] = x[j, i]
            for k in range(q):
                B[i, k + 1] = Zc[i, k]
        for d in range(D):
            swy[:] = 0.0
            yb[:] = 0.0
            copies[:] = 0.0
            for i in range(n):
                wi = w[d, i]
                if wi > 0.0:
                    wy = wi * y[j, i]
                    swy[group[i]] += wy
                    copies[cluster[i]] = wi
                    for k in range(p):
                        yb[k] += wy * B[i, k]
            for k in range(p):
                beta[k] = start[d, j, k]
            state[d, j] = MOVING
            for it in range(max_iter):
                s0[:] = 0.0
                s1[:, :] = 0.0
                s2[:, :] = 0.0
                for i in range(n):
                    wi = w[d, i]
                    if wi > 0.0:
                        eta = offset[i]
                        for k in range(p):
                            eta += beta[k] * B[i, k]
                        ei = wi * math.exp(eta)
                        gi = group[i]
                        s0[gi] += ei
                        u = 0
                        for k in range(p):
                            eb = ei * B[i, k]
                            s1[gi, k] += eb
                            for l2 in range(k + 1):
                                s2[gi, u] += eb * B[i, l2]
                                u += 1
                H[:, :] = 0.0
                for k in range(p):
                    g[k] = yb[k]
                for gi in range(n_groups):
                    if swy[gi] > 0.0:  # a group without counts has mean zero: it adds nothing
                        ratio = swy[gi] / s0[gi]
                        u = 0
                        for k in range(p):
                            g[k] -= ratio * s1[gi, k]
                            for l2 in range(k + 1):
                                H[k, l2] += ratio * (s2[gi, u] - s1[gi, k] * s1[gi, l2] / s0[gi])
                                u += 1
                if not _cholesky_solve(H, g, L, delta):
                    state[d, j] = FAILED
                    break
                step = 0.0
                for k in range(p):
                    step = max(step, abs(delta[k])) if math.isfinite(delta[k]) else math.inf
                    if not math.isfinite(step):
                        break
                if not math.isfinite(step):
                    state[d, j] = FAILED
                    break
                steps[d, j] = it + 1
                if step < tol:  # converged: the sandwich at this point, then its last (tiny) step
                    sc[:, :] = 0.0
                    for i in range(n):
                        if w[d, i] > 0.0:
                            gi = group[i]
                            if swy[gi] > 0.0:
                                eta = offset[i]
                                for k in range(p):
                                    eta += beta[k] * B[i, k]
                                res = y[j, i] - math.exp(eta) * swy[gi] / s0[gi]
                                for k in range(p):
                                    sc[cluster[i], k] += res * (B[i, k] - s1[gi, k] / s0[gi])
                    _cholesky_solve(H, e0, L, a)  # first column of the inverse Hessian
                    var = 0.0
                    for c in range(n_clusters):
                        s = 0.0
                        for k in range(p):
                            s += a[k] * sc[c, k]
                        var += copies[c] * s * s
                    var_out[d, j] = var
                    state[d, j] = CONVERGED
                for k in range(p):
                    beta[k] += delta[k]
                if state[d, j] == CONVERGED:
                    break
            for k in range(p):
                beta_out[d, j, k] = beta[k]


def _labels(starts: np.ndarray, n: int) -> np.ndarray:
    """Each row's group index (groups contiguous, starting at ``starts``)."""
    return np.repeat(np.arange(len(starts)), np.diff(np.append(starts, n))).astype(np.int64)


def poisson_draws(design: Design, X: np.ndarray, y: np.ndarray, offset: np.ndarray, w: np.ndarray,
                  start: np.ndarray, tol: float = 1e-8, max_iter: int = 25) -> dict[str, np.ndarray]:
    """:func:`clusterstudy.estimation.batchfit.poisson` for many weight rows from a close start: full
    Newton steps, no step halving.

    ``X`` (n, m); ``y`` (m, n) (one outcome per column, e.g. the null-imposed one); ``offset`` (n,);
    ``w`` (D, n) frequency weights, constant within a cluster; ``start`` (D, m, p), e.g. a one-step
    estimate. A fit has converged when a Newton step moves no coefficient by ``tol`` or more; that
    step is taken, and the cluster sandwich is the one at the point it started from (within ``tol``
    of the estimate). Fits still moving after ``max_iter`` steps, with a Hessian that is not positive
    definite or a step that is not finite come back with ``converged`` False, for a caller to refit
    with :func:`clusterstudy.estimation.batchfit.poisson` (step halving). Returns ``coef``,
    ``se_cluster`` (D, m), ``beta`` (D, m, p), ``nobs`` (D,), ``converged`` (D, m) and ``iterations``
    (the most Newton steps any fit took).
    """
    n, q = design.Z.shape
    m, D, p = X.shape[1], w.shape[0], q + 1
    A, C = design.absorb_starts, design.cluster_starts
    group, cluster = _labels(A, n), _labels(C, n)
    Zc = np.ascontiguousarray(design.Z - design.Z.mean(axis=0))  # as in batchfit.poisson
    beta = np.empty((D, m, p))
    var = np.full((D, m), np.nan)
    state = np.full((D, m), MOVING, dtype=np.int64)
    steps = np.zeros((D, m), dtype=np.int64)
    _fit_draws(np.ascontiguousarray(X.T, dtype=float), Zc, np.ascontiguousarray(np.broadcast_to(y, (m, n)), dtype=float),
               np.ascontiguousarray(offset, dtype=float), np.ascontiguousarray(w, dtype=float), group, cluster,
               len(A), len(C), np.ascontiguousarray(np.broadcast_to(start, (D, m, p)), dtype=float), float(tol),
               int(max_iter), beta, var, state, steps)
    converged = state == CONVERGED
    c = w[:, C]
    n_obs = w.sum(axis=1)
    n_clusters = c.sum(axis=1)
    k = p + (np.add.reduceat(w, A, axis=1) > 0).sum(axis=1)
    corr = n_clusters / (n_clusters - 1) * (n_obs - 1) / (n_obs - k)
    var = np.where(converged, var, np.nan)
    return {"coef": beta[..., 0], "beta": beta, "se_cluster": np.sqrt(var * corr[:, None]), "nobs": n_obs,
            "converged": converged, "iterations": np.array(steps.max(initial=0))}
