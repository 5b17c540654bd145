"""Spatial dependence: weights, Moran's I, LM tests, SLX and spatial Durbin models, spatial HAC.

Everything wraps the field's libraries (PySAL): ``libpysal`` weights, ``esda`` Moran's I
with a permutation p-value, ``spreg`` LM tests (Anselin 1988; Anselin, Bera, Florax & Yoon
1996), the spatial Durbin model by maximum likelihood and the Kelejian & Prucha (2007)
spatial HAC covariance. Models start from a fitted OLS of :mod:`clusterstudy.estimation.models`
(its design matrix, so the specification is the analysis's own):

- :func:`slx`: the OLS plus the spatial lags ``W x`` of its non-fixed-effect regressors
  (Halleck Vega & Elhorst 2015), errors clustered as in the OLS, wild cluster bootstrap p;
  the direct effect of ``x`` is its coefficient, the indirect (spillover) effect that of ``W x``;
- :func:`durbin`: ``y = rho W y + X b + W X t + e`` by ML; direct, indirect and total effects
  (LeSage & Pace 2009) with p-values from 1,000 draws of the estimates' asymptotic normal
  distribution (fixed seed);
- :func:`hac`: the OLS with Kelejian-Prucha HAC errors (triangular kernel, adaptive bandwidth).
"""

from __future__ import annotations

import contextlib
import io
import warnings

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats

from clusterstudy.estimation import models

WEIGHTS = ("knn", "contiguity")
SEED = 20261124
PERMUTATIONS = 999
DRAWS = 1000
HAC_K = 15
DIAGNOSTIC_COLUMNS = ["model", "variable", "weights", "n", "morans_i", "expected_i", "z", "p", "p_kind",
                      "lm_error", "p_lm_error", "robust_lm_error", "p_robust_lm_error",
                      "lm_lag", "p_lm_lag", "robust_lm_lag", "p_robust_lm_lag"]
MODEL_COLUMNS = ["model", "weights", "term", "effect", "coef", "se", "p", "ci_low", "ci_high", "p_wild",
                 "n", "estimator", "se_type"]


def _points(geoms) -> np.ndarray:
    """Representative coordinates (centroids of polygons, or the points) as an (n, 2) array."""
    c = geoms.centroid if not (geoms.geom_type == "Point").all() else geoms
    return np.column_stack([c.x.to_numpy(), c.y.to_numpy()])


def weights(gdf, kind: str = "knn", k: int = 5):
    """Row-standardised spatial weights of the rows of ``gdf`` (ids = its index), projected CRS.

    ``knn``: the ``k`` nearest neighbours by centroid distance. ``contiguity``: queen
    contiguity (shared vertex or edge), each island (no contiguous neighbour) linked to its
    nearest neighbour; polygons only.
    """
    from libpysal import weights as lw

    if kind not in WEIGHTS:
        raise ValueError(f"unknown spatial weights {kind!r}; choose one of {', '.join(WEIGHTS)}")
    if gdf.crs is None or gdf.crs.is_geographic:
        raise ValueError("spatial weights need projected coordinates (metres): call to_crs first")
    ids = list(gdf.index)
    if len(ids) <= k:
        raise ValueError(f"{len(ids)} units cannot have {k} nearest neighbours")
    if kind == "knn":
        w = lw.KNN(_points(gdf.geometry), k=k, ids=ids, silence_warnings=True)
    else:
        if not gdf.geometry.geom_type.isin(["Polygon", "MultiPolygon"]).all():
            raise ValueError("contiguity weights need polygons; use knn for points")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the islands warning: they are linked below
            w = lw.Queen.from_dataframe(gdf, use_index=True, silence_warnings=True)
            if w.islands:
                w = lw.attach_islands(w, lw.KNN(_points(gdf.geometry), k=1, ids=ids, silence_warnings=True))
    w.transform = "r"
    return w


def summarise(w, name: str) -> dict:
    """Neighbours per unit (min, mean, max), islands and asymmetry of a weights object."""
    card = pd.Series(w.cardinalities)
    return {"weights": name, "n": w.n, "min_neighbours": int(card.min()), "mean_neighbours": float(card.mean()),
            "max_neighbours": int(card.max()), "islands": len(w.islands),
            "components": int(w.n_components),
            "pct_nonzero": float(w.pct_nonzero), "asymmetric_pairs": len(w.asymmetry()) // 2}


def moran(values, w, permutations: int = PERMUTATIONS, seed: int = SEED) -> dict:
    """Moran's I of ``values`` (ordered as ``w.id_order``) with its permutation p-value.

    ``p`` is esda's pseudo p-value ``(1 + #{|I_perm| as extreme}) / (1 + permutations)``,
    one-sided in the direction of the observed I; permutations drawn with a fixed ``seed``.
    """
    from esda.moran import Moran

    np.random.seed(seed)
    m = Moran(np.asarray(values, dtype=float), w, transformation="r", permutations=permutations)
    return {"morans_i": float(m.I), "expected_i": float(m.EI), "z": float(m.z_sim), "p": float(m.p_sim),
            "p_kind": f"permutation ({permutations}, one-sided, seed {seed})"}


def design(result) -> tuple[np.ndarray, pd.DataFrame, list]:
    """Outcome, regressors (no constant) and row ids of an OLS from :func:`models.fit`."""
    names = list(result.model.exog_names)
    X = pd.DataFrame(result.model.exog, columns=names, index=result.model.data.row_labels)
    X = X.drop(columns=[c for c in names if c == "Intercept"])
    return np.asarray(result.model.endog, dtype=float), X, list(X.index)


def _lagged(X: pd.DataFrame) -> list[str]:
    """Regressors to lag: all but fixed-effect dummies (``C(...)``)."""
    return [c for c in X.columns if not c.startswith("C(")]


def _lag(w, X: pd.DataFrame, cols: list[str]) -> pd.DataFrame:
    from libpysal.weights import lag_spatial

    if list(w.id_order) != list(X.index):
        w = reorder(w, list(X.index))
    return pd.DataFrame({f"W_{c}": lag_spatial(w, X[c].to_numpy()) for c in cols}, index=X.index)


def reorder(w, ids: list):
    """``w`` restricted and ordered to ``ids`` (row-standardised again)."""
    from libpysal.weights import w_subset

    missing = [i for i in ids if i not in w.neighbors]
    if missing:
        raise ValueError(f"unit {missing[0]!r} of the model has no place in the spatial weights")
    sub = w_subset(w, ids, silence_warnings=True) if set(ids) != set(w.id_order) else w
    sub.id_order = ids
    sub.transform = "r"
    return sub


def residual_diagnostics(result, w, model: str, name: str, permutations: int = PERMUTATIONS,
                         seed: int = SEED) -> dict:
    """Moran's I of the OLS residuals and the four LM tests (spreg), as one diagnostics row."""
    import spreg

    y, X, ids = design(result)
    w = reorder(w, ids)
    ols = spreg.OLS(y.reshape(-1, 1), X.to_numpy(), w=w, spat_diag=True, nonspat_diag=False)
    row = {"model": model, "variable": "residuals", "weights": name, "n": len(ids),
           **moran(np.asarray(result.resid, dtype=float), w, permutations, seed)}
    for key, attr in (("lm_error", "lm_error"), ("robust_lm_error", "rlm_error"),
                      ("lm_lag", "lm_lag"), ("robust_lm_lag", "rlm_lag")):
        stat, p = getattr(ols, attr)
        row[key], row[f"p_{key}"] = float(stat), float(p)
    return row


def _clustered(y, X: pd.DataFrame, meta: dict):
    """OLS of ``y`` on ``X`` plus a constant with the errors of the original fit (as models.fit)."""
    exog = sm.add_constant(X, has_constant="add").rename(columns={"const": "Intercept"})
    model = sm.OLS(y, exog)
    if meta["groups"] is not None and meta["se_type"].startswith("clustered"):
        res = model.fit(cov_type="cluster", cov_kwds={"groups": meta["groups"]})
    else:
        res = model.fit(cov_type="HC3")
    res.cs_meta = {**meta, "estimator": "OLS (SLX)"}
    return res


def slx(result, w, term: str, name: str, model: str, wild: bool = True) -> pd.DataFrame:
    """Spatial lag of X: the OLS plus ``W x`` for each non-fixed-effect regressor.

    Rows ``effect`` = direct (coefficient of ``term``) and indirect (of ``W_term``), errors as
    in the OLS (clustered or HC3), wild cluster bootstrap p of both where clustered.
    """
    y, X, ids = design(result)
    w = reorder(w, ids)
    Xw = pd.concat([X, _lag(w, X, _lagged(X))], axis=1)
    res = _clustered(y, Xw, result.cs_meta)
    res.cs_meta["estimator"] = "OLS"
    clustered = res.cs_meta["groups"] is not None and res.cs_meta["se_type"].startswith("clustered")
    t = models.tidy(res, model, wild_terms=(term, f"W_{term}") if wild and clustered else ())
    t = t[t["term"].isin([term, f"W_{term}"])].copy()
    t["effect"] = np.where(t["term"] == term, "direct", "indirect")
    t["term"] = term
    t["estimator"] = "SLX (OLS with W x)"
    return t.assign(weights=name)[MODEL_COLUMNS]


def _impacts(rho: float, b: float, t: float, eig: np.ndarray, n: int) -> tuple[float, float, float]:
    """Direct, indirect and total effect of x in the SDM (row-standardised W, its eigenvalues)."""
    direct = float(np.real(np.sum((b + t * eig) / (1 - rho * eig)))) / n
    total = (b + t) / (1 - rho)
    return direct, total - direct, total


def durbin(result, w, term: str, name: str, model: str, draws: int = DRAWS, seed: int = SEED) -> pd.DataFrame:
    """Spatial Durbin model by ML (spreg.ML_Lag on X and W X) with LeSage-Pace effects of ``term``.

    Effects are evaluated at the estimates; their standard errors, p-values (normal, two-sided)
    and 95% intervals come from ``draws`` draws of (rho, b, t) from the ML estimates'
    asymptotic normal distribution (fixed ``seed``). A row ``rho`` gives the spatial
    autoregressive parameter.
    """
    import spreg

    y, X, ids = design(result)
    w = reorder(w, ids)
    Xw = pd.concat([X, _lag(w, X, _lagged(X))], axis=1)
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):  # spreg prints its name
        warnings.simplefilter("ignore")
        ml = spreg.ML_Lag(y.reshape(-1, 1), Xw.to_numpy(), w=w, method="full", name_x=list(Xw.columns),
                          spat_impacts=None, spat_diag=False)
    names = ["CONSTANT", *Xw.columns, "rho"]
    est = pd.Series(np.asarray(ml.betas).ravel(), index=names)
    vm = pd.DataFrame(np.asarray(ml.vm), index=names, columns=names)
    keys = ["rho", term, f"W_{term}"]
    eig = np.linalg.eigvals(w.full()[0])
    n = len(ids)
    point = _impacts(est["rho"], est[term], est[f"W_{term}"], eig, n)
    rng = np.random.default_rng(seed)
    sims = rng.multivariate_normal(est[keys].to_numpy(), vm.loc[keys, keys].to_numpy(), size=draws)
    sims = np.array([_impacts(r, b, t, eig, n) for r, b, t in sims])
    rows = []
    for i, effect in enumerate(("direct", "indirect", "total")):
        se = float(sims[:, i].std(ddof=1))
        rows.append({"effect": effect, "coef": point[i], "se": se, "p": float(2 * stats.norm.sf(abs(point[i] / se))),
                     "ci_low": float(np.quantile(sims[:, i], 0.025)),
                     "ci_high": float(np.quantile(sims[:, i], 0.975)),
                     "se_type": f"ML asymptotic, {draws} simulated draws (LeSage & Pace 2009)"})
    rse = float(np.sqrt(vm.at["rho", "rho"]))
    rows.append({"effect": "rho", "coef": float(est["rho"]), "se": rse,
                 "p": float(2 * stats.norm.sf(abs(est["rho"] / rse))),
                 "ci_low": float(est["rho"] - 1.96 * rse), "ci_high": float(est["rho"] + 1.96 * rse),
                 "se_type": "ML asymptotic"})
    out = pd.DataFrame(rows).assign(model=model, weights=name, term=term, p_wild=np.nan, n=n,
                                    estimator="spatial Durbin (ML)")
    return out[MODEL_COLUMNS]


def hac(result, points: np.ndarray, term: str, model: str, k: int = HAC_K) -> pd.DataFrame:
    """The OLS with Kelejian-Prucha spatial HAC errors (spreg; triangular kernel, bandwidth = distance
    to the ``k``-th nearest neighbour), one row for ``term``. ``points`` are the rows' coordinates."""
    import spreg
    from libpysal.weights import Kernel

    y, X, ids = design(result)
    kw = Kernel(points, k=k, fixed=False, function="triangular", diagonal=True)
    ols = spreg.OLS(y.reshape(-1, 1), X.to_numpy(), robust="hac", gwk=kw, sig2n_k=True, nonspat_diag=False,
                    name_x=list(X.columns))
    i = 1 + list(X.columns).index(term)
    coef, se = float(ols.betas[i, 0]), float(np.sqrt(ols.vm[i, i]))
    tval, p = ols.t_stat[i]
    half = se * float(stats.t.ppf(0.975, ols.n - ols.k))
    return pd.DataFrame([{"model": model, "weights": f"kernel (triangular, k={k})", "term": term, "effect": "coefficient",
                          "coef": coef, "se": se, "p": float(p), "ci_low": coef - half, "ci_high": coef + half,
                          "p_wild": np.nan, "n": len(ids), "estimator": "OLS (spatial HAC)",
                          "se_type": f"spatial HAC (Kelejian-Prucha, triangular kernel, adaptive k={k})"}])[MODEL_COLUMNS]


def ols_row(result, term: str, model: str, wild: bool = True) -> pd.DataFrame:
    """The OLS coefficient of ``term`` with its own errors (clustered or HC3) in the model table's layout."""
    clustered = result.cs_meta["groups"] is not None and result.cs_meta["se_type"].startswith("clustered")
    t = models.tidy(result, model, wild_terms=(term,) if wild and clustered else ())
    t = t[t["term"] == term].assign(effect="coefficient", weights="none")
    return t[MODEL_COLUMNS]
