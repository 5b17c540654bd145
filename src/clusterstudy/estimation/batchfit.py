"""Many regressions at once: weighted OLS and Poisson PML with one absorbed factor, in numpy.

Every function fits the coefficient of each column ``x_j`` of ``X`` (one regression per
column, per outcome and per row of the weights) on the same design: the controls ``Z``
and one absorbed factor (country fixed effects, or a single group = the intercept).
Frisch-Waugh-Lovell: the coefficient of ``x_j`` is that of the regression of the
residualised outcome on the residualised ``x_j``. Weights are frequency weights, the
form a (cluster) bootstrap draw takes: weight ``c`` on a row equals ``c`` copies of it.

Standard errors are those statsmodels reports on the equivalent (physically replicated)
data set, whose clusters are the copies:

- ``cluster``: cluster-robust sandwich with statsmodels' small-sample factor
  ``G/(G-1) * (N-1)/(N-K)`` (``K`` counts every coefficient, fixed effects included);
- ``hc``: HC3 for OLS (leverage from the full design, fixed effects included); HC0 for
  Poisson PML (statsmodels' GLM returns the HC0 sandwich for every ``HC*`` request).

Rows must be sorted by cluster and, within the absorbed factor, contiguous: the caller
passes the start index of each group (``absorb_starts``, ``cluster_starts``), so group sums
are ``np.add.reduceat`` (no BLAS: the same numbers whatever the batch or the machine's
thread count).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Design:
    """Rows sorted by cluster; absorbed groups contiguous. ``Z`` excludes the intercept."""

    Z: np.ndarray  # (n, q) controls
    absorb_starts: np.ndarray  # start row of each absorbed group (one group = intercept only)
    cluster_starts: np.ndarray  # start row of each cluster

    @property
    def n(self) -> int:
        return self.Z.shape[0]


def _gsum(v: np.ndarray, starts: np.ndarray, axis: int) -> np.ndarray:
    return np.add.reduceat(v, starts, axis=axis)


def _expand(g: np.ndarray, starts: np.ndarray, n: int, axis: int) -> np.ndarray:
    sizes = np.diff(np.append(starts, n))
    return np.repeat(g, sizes, axis=axis)


def _demean(v: np.ndarray, w: np.ndarray, starts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Weighted within-group demeaning of ``v`` (D, n, k) with weights ``w`` (D, n)."""
    n = v.shape[1]
    sw = _gsum(w, starts, axis=1)  # (D, G)
    swv = _gsum(w[..., None] * v, starts, axis=1)  # (D, G, k)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(sw[..., None] > 0, swv / sw[..., None], 0.0)
    return v - _expand(mean, starts, n, axis=1), sw


def _counts(w: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Copies of each group in each draw (w is constant within a cluster)."""
    return w[:, starts]


def ols(design: Design, X: np.ndarray, Y: np.ndarray, w: np.ndarray) -> dict[str, np.ndarray]:
    """Slopes of every ``X`` column on every ``Y`` column, per weight row.

    ``X`` (n, m), ``Y`` (n, r), ``w`` (D, n). Returns ``coef``, ``se_cluster``, ``se_hc``
    (each (D, m, r)), ``nobs`` (D,).
    """
    n, q = design.Z.shape
    m = X.shape[1]
    D = w.shape[0]
    V = np.broadcast_to(np.concatenate([design.Z, X, Y], axis=1), (D, n, q + m + Y.shape[1]))
    Vd, sw = _demean(V, w, design.absorb_starts)
    Zd, R = Vd[..., :q], Vd[..., q:]
    if q:
        ZtW = (Zd * w[..., None]).swapaxes(1, 2)  # (D, q, n)
        Ginv = np.linalg.inv(ZtW @ Zd)
        R = R - Zd @ (Ginv @ (ZtW @ R))
        h_z = ((Zd @ Ginv) * Zd).sum(axis=2)
    else:
        h_z = np.zeros((D, n))
    xt, yt = R[..., :m], R[..., m:]
    sxx = np.einsum("dn,dnm->dm", w, xt * xt)
    coef = ((xt * w[..., None]).swapaxes(1, 2) @ yt) / sxx[..., None]
    u = yt[:, :, None, :] - coef[:, None, :, :] * xt[..., None]  # (D, n, m, r)
    score = xt[..., None] * u
    c = _counts(w, design.cluster_starts)  # (D, C)
    sc = _gsum(score, design.cluster_starts, axis=1)  # (D, C, m, r)
    meat_cl = np.einsum("dc,dcmr->dmr", c, sc * sc)
    n_obs = w.sum(axis=1)
    n_clusters = c.sum(axis=1)
    n_groups = (sw > 0).sum(axis=1)
    k = 1 + q + n_groups
    corr = n_clusters / (n_clusters - 1) * (n_obs - 1) / (n_obs - k)
    se_cl = np.sqrt(meat_cl * corr[:, None, None]) / sxx[..., None]
    with np.errstate(invalid="ignore", divide="ignore"):
        h_fe = np.where(w > 0, 1.0 / _expand(sw, design.absorb_starts, n, axis=1), 0.0)
    h = (h_fe + h_z)[..., None] + xt * xt / sxx[:, None, :]  # (D, n, m)
    with np.errstate(invalid="ignore", divide="ignore"):
        scale = np.where(w[..., None] > 0, w[..., None] / (1 - h) ** 2, 0.0)
    meat_hc = np.einsum("dnm,dnmr->dmr", scale * xt * xt, u * u)
    se_hc = np.sqrt(meat_hc) / sxx[..., None]
    return {"coef": coef, "se_cluster": se_cl, "se_hc": se_hc, "nobs": n_obs}


def poisson(design: Design, X: np.ndarray, y: np.ndarray, offset: np.ndarray, w: np.ndarray,
            start: np.ndarray | None = None, tol: float = 1e-6, max_iter: int = 60,
            hc: bool = True) -> dict[str, np.ndarray]:
    """Poisson PML of ``y`` on each ``X`` column (+ controls, absorbed factor), per weight row.

    ``X`` (n, m); ``y`` (n,) or (m, n) (one outcome per column, e.g. the null-imposed one);
    ``offset`` (n,) = log exposure; ``w`` (D, n). The absorbed factor is concentrated out
    (its MLE given the slopes is closed-form); the slopes follow Newton's method with step
    halving on the concentrated log-likelihood, which is concave. ``start`` (m, p) seeds it.
    Returns ``coef``, ``se_cluster``, ``se_hc`` (each (D, m); ``se_hc`` NaN unless ``hc``), ``nobs`` and
    ``converged`` (D, m).
    """
    n, q = design.Z.shape
    m, D, p = X.shape[1], w.shape[0], q + 1
    A = design.absorb_starts
    Zc = design.Z - design.Z.mean(axis=0)  # a shift absorbed by the factor: same slopes, better Newton steps
    B = np.concatenate([np.broadcast_to(X.T[:, :, None], (m, n, 1)),
                        np.broadcast_to(Zc[None], (m, n, q))], axis=2)  # (m, n, p)
    Y = np.broadcast_to(y, (m, n))
    wy = w[:, None, :] * Y[None]  # (D, m, n)
    swy = _gsum(wy, A, axis=2)  # (D, m, G)
    beta = np.zeros((D, m, p)) if start is None else np.broadcast_to(start, (D, m, p)).copy()
    # the iterations run on the flattened (draw, column) fits that have not converged yet
    d_of, m_of = np.divmod(np.arange(D * m), m)
    wf, wyf, swyf = w[d_of], wy.reshape(D * m, n), swy.reshape(D * m, -1)
    bf = beta.reshape(D * m, p)

    def mean_and_ll(b, k):
        """Mean with the factor at its optimum given b, and the concentrated log-likelihood (+ const)."""
        eta = offset + X.T[m_of[k]] * b[:, :1] + b[:, 1:] @ Zc.T  # (K, n)
        e = np.exp(eta)
        with np.errstate(divide="ignore", invalid="ignore"):
            alpha = np.where(swyf[k] > 0, np.log(swyf[k]) - np.log(_gsum(wf[k] * e, A, axis=1)), -np.inf)
            mu = e * _expand(np.exp(alpha), A, n, axis=1)
            ll = (wyf[k] * eta).sum(axis=1) + np.where(swyf[k] > 0, swyf[k] * alpha, 0.0).sum(axis=1)
        return mu, ll

    def newton_step(mu, k):
        Bk = B[m_of[k]]
        v = wf[k] * mu
        vB = v[..., None] * Bk  # (K, n, p)
        sv = _gsum(v, A, axis=1)[..., None]  # (K, G, 1)
        svb = _gsum(vB, A, axis=1)  # (K, G, p)
        with np.errstate(invalid="ignore", divide="ignore"):
            between = np.where(sv > 0, svb / sv, 0.0)
        H = vB.swapaxes(-1, -2) @ Bk - between.swapaxes(-1, -2) @ svb
        grad = ((wyf[k] - v)[..., None, :] @ Bk)[..., 0, :]
        return np.linalg.solve(H, grad[..., None])[..., 0]

    active = np.arange(D * m)
    mu_a, ll_a = mean_and_ll(bf[active], active)
    mu_f = np.empty((D * m, n))
    converged = np.zeros(D * m, dtype=bool)
    for _ in range(max_iter):
        delta = newton_step(mu_a, active)
        t = np.ones(len(active))
        for _ in range(30):  # step halving where the log-likelihood would fall
            cand = bf[active] + t[:, None] * delta
            mu_c, ll_c = mean_and_ll(cand, active)
            bad = ~(ll_c >= ll_a - 1e-12 * np.abs(ll_a))
            if not bad.any():
                break
            t = np.where(bad, t / 2, t)
        bf[active] = cand
        done = np.abs(t[:, None] * delta).max(axis=1) < tol
        mu_f[active[done]] = mu_c[done]
        converged[active[done]] = True
        active, mu_a, ll_a = active[~done], mu_c[~done], ll_c[~done]
        if not len(active):
            break
    mu_f[active] = mu_a
    beta, mu, converged = bf.reshape(D, m, p), mu_f.reshape(D, m, n), converged.reshape(D, m)
    v = w[:, None, :] * mu
    sv = _gsum(v, A, axis=2)
    with np.errstate(invalid="ignore", divide="ignore"):
        bbar = np.where(sv[..., None] > 0, _gsum(v[..., None] * B[None], A, axis=2) / sv[..., None], 0.0)
    Bt = B[None] - _expand(bbar, A, n, axis=2)  # (D, m, n, p)
    H = (Bt * v[..., None]).swapaxes(-1, -2) @ Bt
    Hinv = np.linalg.inv(H)
    resid = Y[None] - mu  # (D, m, n)
    score = Bt * resid[..., None]  # (D, m, n, p)
    c = _counts(w, design.cluster_starts)
    sc = _gsum(score, design.cluster_starts, axis=2)  # (D, m, C, p)
    meat_cl = (sc * c[:, None, :, None]).swapaxes(-1, -2) @ sc
    n_obs = w.sum(axis=1)
    n_clusters = c.sum(axis=1)
    n_groups = (_gsum(w, A, axis=1) > 0).sum(axis=1)
    k = p + n_groups
    corr = n_clusters / (n_clusters - 1) * (n_obs - 1) / (n_obs - k)
    if hc:
        meat_hc = (score * w[:, None, :, None]).swapaxes(-1, -2) @ score
        var_hc = np.einsum("dmp,dmpk,dmk->dm", Hinv[..., 0, :], meat_hc, Hinv[..., :, 0])
    else:
        var_hc = np.full((D, m), np.nan)
    var_cl = np.einsum("dmp,dmpk,dmk->dm", Hinv[..., 0, :], meat_cl, Hinv[..., :, 0]) * corr[:, None]
    return {"coef": beta[..., 0], "beta": beta, "se_cluster": np.sqrt(var_cl), "se_hc": np.sqrt(var_hc),
            "nobs": n_obs, "converged": converged}
