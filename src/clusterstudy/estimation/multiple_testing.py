"""Family-wise adjusted p-values: Romano–Wolf with the wild cluster bootstrap, and Holm.

- :func:`wild_t_draws`: bootstrap t statistics of one OLS coefficient under the wild cluster
  bootstrap (Cameron, Gelbach & Miller 2008), with the cluster-robust standard error
  recomputed on every draw: *restricted* (``restricted=True``, null imposed: the draws are
  built from the residuals of the model without the coefficient, WCR, the kind MacKinnon & Webb
  recommend with few clusters and the kind of the single-test wild p,
  :func:`clusterstudy.estimation.models.wild_bootstrap_p`), or unrestricted (centred at the
  estimate, WCU; it over-rejects with few clusters and is kept only for the analyses' own
  families). Computed from per-cluster sufficient statistics (the scores ``X_g'u_g`` and
  cross-products ``X_g'X_g``), so a draw costs a (G x G) product instead of a refit;
  :func:`refit_t_draw` is the refit, for the tests.
- :func:`romano_wolf`: the step-down adjustment of Romano & Wolf (2005) as implemented by
  Clarke, Romano & Wolf (2020, Stata's ``rwolf``): hypotheses ordered by ``|t|``, each
  compared with the bootstrap distribution of the maximum ``|t*|`` over itself and the
  hypotheses less significant than it, p-values made monotone.
- :func:`romano_wolf_balanced`: the same step-down on each draw's own bootstrap p-value (the
  minimum p over the hypotheses left, Westfall & Young's min-p; Romano & Wolf 2005, sec. 4, on
  balance): for a family whose bootstrap t distributions differ (22 countries, 50 states, 31
  provinces), so that no member's heavy tails dominate the maximum.
- :func:`holm`: Holm's (1979) step-down Bonferroni, the check beside it.
- :func:`adjust_family`: both for a family of fitted models; the same Rademacher weight per
  cluster label in every model keeps the draws' dependence. Models clustered by different
  variables (countries, states, provinces: the claims ledger's family) get independent
  weights, keyed by ``<cluster column>:<label>``.

pyfixest's ``rwolf`` needs pyfixest fits; the compendium's models are statsmodels fits
(:mod:`clusterstudy.estimation.models`), with samples that differ across models (fixed
effects drop singleton countries), so the weights are keyed by the cluster's name here.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import statsmodels.api as sm
from statsmodels.stats.multitest import multipletests

RW_B = 9999
RW_SEED = 20261129
# how a family adjusted by adjust_family(..., restricted=True) is named in every table
RW_RESTRICTED = "Romano-Wolf, restricted wild cluster bootstrap"


def rademacher(clusters: list[str], B: int = RW_B, seed: int = RW_SEED) -> pd.DataFrame:
    """``B`` draws (rows) of a Rademacher weight per cluster label (columns), sorted labels."""
    labels = sorted(set(clusters))
    v = np.random.default_rng(seed).choice(np.array([-1.0, 1.0]), size=(B, len(labels)))
    return pd.DataFrame(v, columns=labels)


def _pieces(result, term: str, cluster: str):
    """Design, residuals, cluster labels and the focal row of (X'X)^-1 of an OLS result."""
    if term not in result.params.index:
        raise ValueError(f"unknown term {term!r}; the model has {', '.join(result.params.index)}")
    if getattr(result, "cov_type", "") != "cluster":
        raise ValueError("wild cluster bootstrap needs an OLS result with errors clustered (models.fit)")
    frame = result.model.data.frame
    labels = frame.loc[result.model.data.row_labels, cluster].astype(str).to_numpy()
    X, u = np.asarray(result.model.exog), np.asarray(result.resid)
    j = list(result.params.index).index(term)
    a = np.linalg.inv(X.T @ X)[j]
    return X, u, labels, j, a


def restricted_residuals(result, term: str) -> np.ndarray:
    """Residuals of the OLS without ``term`` (its coefficient set to 0: the null imposed)."""
    X, y = np.asarray(result.model.exog), np.asarray(result.model.endog)
    j = list(result.params.index).index(term)
    X_r = np.delete(X, j, axis=1)
    return y - X_r @ np.linalg.lstsq(X_r, y, rcond=None)[0]


def wild_t_draws(result, term: str, weights: pd.DataFrame, cluster: str = "country",
                 restricted: bool = False) -> tuple[float, np.ndarray]:
    """Observed t and the (B,) bootstrap t* of ``term``.

    ``weights``: one column per cluster label (:func:`rademacher`). Unrestricted draw ``v``:
    ``u*_i = u_i v_g``, ``t* = (b* - b) / se*(b*)``. Restricted (``restricted``): ``u`` are the
    residuals without ``term`` (:func:`restricted_residuals`), ``y* = X_r b_r + u_i v_g`` and
    ``t* = b* / se*(b*)``. Either way ``b* - b_0 = a'sum_g v_g S_g`` with ``S_g = X_g'u_g``; the
    draw's score of cluster ``g`` on the focal coefficient is ``v_g c_g - sum_h v_h a'H_g A S_h``
    (``H_g = X_g'X_g``), whose squares, summed and scaled by the model's small-sample factor,
    give the draw's variance.
    """
    X, u, labels, j, a = _pieces(result, term, cluster)
    missing = sorted(set(labels) - set(weights.columns))
    if missing:
        raise ValueError(f"no bootstrap weights for cluster {missing[0]!r}")
    groups, g_of = np.unique(labels, return_inverse=True)

    def scores(resid: np.ndarray) -> np.ndarray:
        S = np.zeros((len(groups), X.shape[1]))
        np.add.at(S, g_of, X * resid[:, None])  # per-cluster scores
        return S

    S = scores(u)
    raw = float(np.sum((S @ a) ** 2))
    corr = float(result.cov_params().iloc[j, j]) / raw  # statsmodels' small-sample factor, read back
    if restricted:
        S = scores(restricted_residuals(result, term))
    P = np.zeros_like(S)
    np.add.at(P, g_of, X * (X @ a)[:, None])  # H_g a per cluster
    A = np.linalg.inv(X.T @ X)
    c = S @ a  # (G,)
    D = P @ (A @ S.T)  # (G, G): a'H_g A S_h
    V = weights[list(groups)].to_numpy()  # (B, G)
    delta = V @ c
    draw_scores = V * c - V @ D.T
    se = np.sqrt(corr * (draw_scores ** 2).sum(axis=1))
    return float(result.params.iloc[j] / result.bse.iloc[j]), delta / se


def refit_t_draw(result, term: str, v: pd.Series, cluster: str = "country", restricted: bool = False) -> float:
    """One bootstrap t* by refitting statsmodels OLS on ``y*`` (the slow path, for the tests)."""
    X, u, labels, j, _ = _pieces(result, term, cluster)
    b = result.params.to_numpy().copy()
    if restricted:
        u = restricted_residuals(result, term)
        X_r = np.delete(X, j, axis=1)
        b = np.insert(np.linalg.lstsq(X_r, np.asarray(result.model.endog), rcond=None)[0], j, 0.0)
    y = X @ b + u * v.reindex(labels).to_numpy()
    groups = pd.factorize(labels)[0]
    r = sm.OLS(y, X).fit(cov_type="cluster", cov_kwds={"groups": groups})
    return float((r.params[j] - b[j]) / r.bse[j])


def romano_wolf(t_obs: np.ndarray, t_star: np.ndarray) -> np.ndarray:
    """Romano–Wolf step-down p-values from observed t (K,) and bootstrap t* (B, K), two-sided."""
    t_obs, t_star = np.abs(np.asarray(t_obs, float)), np.abs(np.asarray(t_star, float))
    if t_star.ndim != 2 or t_star.shape[1] != t_obs.shape[0]:
        raise ValueError(f"t* must be (draws, {t_obs.shape[0]}), not {t_star.shape}")
    order = np.argsort(-t_obs, kind="mergesort")
    # max |t*| over each hypothesis and every less significant one: reverse cumulative maximum
    tail_max = np.maximum.accumulate(t_star[:, order][:, ::-1], axis=1)[:, ::-1]
    p = ((tail_max >= t_obs[order]).sum(axis=0) + 1) / (t_star.shape[0] + 1)
    p = np.maximum.accumulate(p)
    out = np.empty_like(p)
    out[order] = np.minimum(p, 1.0)
    return out


def romano_wolf_balanced(t_obs: np.ndarray, t_star: np.ndarray) -> np.ndarray:
    """Step-down adjusted p-values on bootstrap p-values (min-p), two-sided, from t (K,) and t* (B, K).

    Each draw's ``|t*|`` becomes its p-value within its own column; hypotheses ordered by their
    own bootstrap p are each compared with the minimum draw p over themselves and the hypotheses
    less significant; p-values made monotone.
    """
    t_obs, t_star = np.abs(np.asarray(t_obs, float)), np.abs(np.asarray(t_star, float))
    if t_star.ndim != 2 or t_star.shape[1] != t_obs.shape[0]:
        raise ValueError(f"t* must be (draws, {t_obs.shape[0]}), not {t_star.shape}")
    B = t_star.shape[0]
    ranked = np.sort(t_star, axis=0)
    p_obs = np.array([(B - np.searchsorted(ranked[:, k], t_obs[k], side="left") + 1) / (B + 1)
                      for k in range(len(t_obs))])
    p_star = np.column_stack([(B - np.searchsorted(ranked[:, k], t_star[:, k], side="left")) / (B + 1)
                              for k in range(len(t_obs))])
    order = np.argsort(p_obs, kind="mergesort")
    tail_min = np.minimum.accumulate(p_star[:, order][:, ::-1], axis=1)[:, ::-1]
    p = ((tail_min <= p_obs[order]).sum(axis=0) + 1) / (B + 1)
    p = np.maximum.accumulate(p)
    out = np.empty_like(p)
    out[order] = np.minimum(p, 1.0)
    return out


def holm(p: np.ndarray | list[float]) -> np.ndarray:
    """Holm's step-down adjusted p-values (statsmodels ``multipletests``)."""
    p = np.asarray(p, float)
    return multipletests(p, method="holm")[1] if len(p) else p


def adjust_family(fits: list[tuple[Any, str]], B: int = RW_B, seed: int = RW_SEED,
                  cluster: str | list[str] = "country", p_holm_from: list[float] | None = None,
                  restricted: bool = False, balanced: bool = False) -> pd.DataFrame:
    """Romano–Wolf (wild cluster bootstrap) and Holm over a family of (OLS result, term).

    ``cluster``: one column for every model, or one per model (then each column's clusters get
    their own weights: models clustered by different variables are drawn independently).
    ``restricted``: null-imposed draws (WCR), else unrestricted (WCU); ``balanced``: the step-down
    on bootstrap p-values (:func:`romano_wolf_balanced`), else on ``|t|``. Returns one row per
    member: ``t``, ``p_boot`` (its own wild bootstrap p, unadjusted), ``p_adjusted``
    (Romano–Wolf), ``p_rw_t`` and ``p_rw_balanced`` (both versions), ``p_holm`` (Holm over
    ``p_holm_from`` if given, e.g. the wild restricted p-values, else over ``p_boot``), ``family_size``.
    """
    if not fits:
        raise ValueError("an empty family has nothing to adjust")
    per_fit = isinstance(cluster, list)
    columns = cluster if isinstance(cluster, list) else [cluster] * len(fits)
    if len(columns) != len(fits):
        raise ValueError(f"{len(columns)} cluster columns for {len(fits)} models; one per model expected")

    def labels(res, col: str) -> list[str]:
        return sorted(set(res.model.data.frame[col].astype(str)))

    def key(col: str, label: str) -> str:
        return f"{col}:{label}" if per_fit else label

    W = rademacher(sorted({key(col, v) for (res, _), col in zip(fits, columns, strict=True)
                           for v in labels(res, col)}), B, seed)
    ts = []
    for (res, term), col in zip(fits, columns, strict=True):
        own = labels(res, col)
        w = W[[key(col, v) for v in own]].set_axis(own, axis=1)
        ts.append(wild_t_draws(res, term, w, col, restricted))
    t_obs = np.array([t for t, _ in ts])
    t_star = np.column_stack([d for _, d in ts])
    p_boot = ((np.abs(t_star) >= np.abs(t_obs)).sum(axis=0) + 1) / (B + 1)
    p_t, p_bal = romano_wolf(t_obs, t_star), romano_wolf_balanced(t_obs, t_star)
    return pd.DataFrame({"t": t_obs, "p_boot": p_boot, "p_adjusted": p_bal if balanced else p_t,
                         "p_rw_t": p_t, "p_rw_balanced": p_bal,
                         "p_holm": holm(p_boot if p_holm_from is None else p_holm_from),
                         "family_size": len(fits)})
