"""Family-wise adjusted p-values: Romano–Wolf with the wild cluster bootstrap, and Holm.

- :func:`wild_t_draws`: bootstrap t statistics of one OLS coefficient under the wild cluster
  bootstrap (Cameron, Gelbach & Miller 2008), unrestricted, centred at the estimate, with
  the cluster-robust standard error recomputed on every draw. Computed from per-cluster
  sufficient statistics (the scores ``X_g'u_g`` and cross-products ``X_g'X_g``), so a draw
  costs a (G x G) product instead of a refit; :func:`refit_t_draw` is the refit, for the tests.
- :func:`romano_wolf`: the step-down adjustment of Romano & Wolf (2005) as implemented by
  Clarke, Romano & Wolf (2020, Stata's ``rwolf``): hypotheses ordered by ``|t|``, each
  compared with the bootstrap distribution of the maximum ``|t*|`` over itself and the
  hypotheses less significant than it, p-values made monotone.
- :func:`holm`: Holm's (1979) step-down Bonferroni, the check beside it.
- :func:`adjust_family`: both for a family of fitted models sharing the same clusters; the
  same Rademacher weight per cluster label in every model keeps the draws' dependence.

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


def wild_t_draws(result, term: str, weights: pd.DataFrame, cluster: str = "country") -> tuple[float, np.ndarray]:
    """Observed t and the (B,) bootstrap t* = (b* - b) / se*(b*) of ``term``.

    ``weights``: one column per cluster label (:func:`rademacher`). Draw ``v``: ``u*_i = u_i v_g``;
    ``b* - b = a'sum_g v_g S_g`` with ``S_g = X_g'u_g``; the draw's score of cluster ``g`` on the
    focal coefficient is ``v_g c_g - sum_h v_h a'H_g A S_h`` (``H_g = X_g'X_g``), whose squares,
    summed and scaled by the model's small-sample factor, give the draw's variance.
    """
    X, u, labels, j, a = _pieces(result, term, cluster)
    missing = sorted(set(labels) - set(weights.columns))
    if missing:
        raise ValueError(f"no bootstrap weights for cluster {missing[0]!r}")
    groups, g_of = np.unique(labels, return_inverse=True)
    S = np.zeros((len(groups), X.shape[1]))
    np.add.at(S, g_of, X * u[:, None])  # per-cluster scores
    P = np.zeros_like(S)
    np.add.at(P, g_of, X * (X @ a)[:, None])  # H_g a per cluster
    A = np.linalg.inv(X.T @ X)
    c = S @ a  # (G,)
    D = P @ (A @ S.T)  # (G, G): a'H_g A S_h
    raw = float(np.sum(c ** 2))
    corr = float(result.cov_params().iloc[j, j]) / raw  # statsmodels' small-sample factor, read back
    V = weights[list(groups)].to_numpy()  # (B, G)
    delta = V @ c
    scores = V * c - V @ D.T
    se = np.sqrt(corr * (scores ** 2).sum(axis=1))
    return float(result.params.iloc[j] / result.bse.iloc[j]), delta / se


def refit_t_draw(result, term: str, v: pd.Series, cluster: str = "country") -> float:
    """One bootstrap t* by refitting statsmodels OLS on ``y* = Xb + u v_g`` (the slow path)."""
    X, u, labels, j, _ = _pieces(result, term, cluster)
    y = X @ result.params.to_numpy() + u * v.reindex(labels).to_numpy()
    groups = pd.factorize(labels)[0]
    r = sm.OLS(y, X).fit(cov_type="cluster", cov_kwds={"groups": groups})
    return float((r.params[j] - result.params.iloc[j]) / r.bse[j])


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


def holm(p: np.ndarray | list[float]) -> np.ndarray:
    """Holm's step-down adjusted p-values (statsmodels ``multipletests``)."""
    p = np.asarray(p, float)
    return multipletests(p, method="holm")[1] if len(p) else p


def adjust_family(fits: list[tuple[Any, str]], B: int = RW_B, seed: int = RW_SEED,
                  cluster: str = "country", p_holm_from: list[float] | None = None) -> pd.DataFrame:
    """Romano–Wolf (wild cluster bootstrap) and Holm over a family of (OLS result, term).

    Returns one row per member: ``t``, ``p_boot`` (its own wild bootstrap p, unadjusted),
    ``p_adjusted`` (Romano–Wolf), ``p_holm`` (Holm over ``p_holm_from`` if given, e.g. the
    wild restricted p-values, else over ``p_boot``), ``family_size``.
    """
    if not fits:
        raise ValueError("an empty family has nothing to adjust")
    labels = set()
    for res, _ in fits:
        labels |= set(res.model.data.frame[cluster].astype(str))
    W = rademacher(sorted(labels), B, seed)
    ts = [wild_t_draws(res, term, W, cluster) for res, term in fits]
    t_obs = np.array([t for t, _ in ts])
    t_star = np.column_stack([d for _, d in ts])
    p_boot = ((np.abs(t_star) >= np.abs(t_obs)).sum(axis=0) + 1) / (B + 1)
    return pd.DataFrame({"t": t_obs, "p_boot": p_boot, "p_adjusted": romano_wolf(t_obs, t_star),
                         "p_holm": holm(p_boot if p_holm_from is None else p_holm_from),
                         "family_size": len(fits)})
