"""Spatial dependence: weights, Moran's I, LM tests, SLX and spatial Durbin models, spatial HAC.

Everything wraps the field's libraries (PySAL): ``libpysal`` weights, ``esda`` Moran's I
with a permutation p-value, ``spreg`` LM tests (Anselin 1988; Anselin, Bera, Florax & Yoon
1996), the spatial Durbin model by maximum likelihood and the Kelejian & Prucha (2007)
spatial HAC covariance. Models start from a fitted OLS of :mod:`clusterstudy.estimation.models`
(its design matrix, so the specification is the analysis's own):

- :func:`slx`: the OLS plus the spatial lags ``W x`` of its non-fixed-effect regressors
  (Halleck Vega & Elhorst 2015), errors clustered as in the OLS (t(G-1)), wild cluster bootstrap p;
  the direct effect of ``x`` is its coefficient, the indirect (spillover) effect that of ``W x``,
  the total their sum (the coefficient of ``x`` once ``W x`` enters as ``W x - x``, so it has a
  wild p too). The reported spatial model: its inference is the analyses' own;
- :func:`durbin`: ``y = rho W y + X b + W X t + e`` by ML; direct, indirect and total effects
  (LeSage & Pace 2009) with classical p-values (ML asymptotic, homoskedastic, not robust to the
  clustering) from 1,000 draws of the estimates' asymptotic normal distribution (fixed seed):
  descriptive only;
- :func:`hac`: the OLS with Kelejian-Prucha HAC errors (triangular kernel, adaptive bandwidth);
- :func:`conley`: the OLS with Conley (1999) errors at fixed distance cut-offs, spreg's HAC with a
  fixed-bandwidth triangular (Bartlett) kernel: ``(X'X)^-1 X' diag(u) K diag(u) X (X'X)^-1``,
  ``K_ij = max(0, 1 - d_ij / cutoff)``.
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
CONLEY_KM = (100, 200, 300, 500, 750, 1000, 1500)  # distance cut-offs of the Conley sweep
SDM_P = "classical p (ML asymptotic, not robust to clustering)"
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
        res = model.fit(cov_type="cluster", cov_kwds={"groups": meta["groups"]}, use_t=True)  # t(G-1), as models.fit
    else:
        res = model.fit(cov_type="HC3")
    res.cs_meta = {**meta, "estimator": "OLS (SLX)"}
    return res


def slx(result, w, term: str, name: str, model: str, wild: bool = True) -> pd.DataFrame:
    """Spatial lag of X: the OLS plus ``W x`` for each non-fixed-effect regressor.

    Rows ``effect`` = direct (coefficient of ``term``), indirect (of ``W_term``) and total (their
    sum: the coefficient of ``term`` when each ``W x`` enters as ``W x - x``), errors as in the OLS
    (clustered with t(G-1), or HC3), wild cluster bootstrap p of each where clustered.
    """
    y, X, ids = design(result)
    w = reorder(w, ids)
    lags = _lag(w, X, _lagged(X))
    clustered = result.cs_meta["groups"] is not None and result.cs_meta["se_type"].startswith("clustered")
    out = []
    for total in (False, True):
        # total: y = a + b x + t Wx = a + (b + t) x + t (Wx - x)
        extra = lags - X[_lagged(X)].to_numpy() if total else lags
        res = _clustered(y, pd.concat([X, extra], axis=1), result.cs_meta)
        res.cs_meta["estimator"] = "OLS"
        terms = (term,) if total else (term, f"W_{term}")
        t = models.tidy(res, model, wild_terms=terms if wild and clustered else ())
        t = t[t["term"].isin(terms)].copy()
        t["effect"] = "total" if total else np.where(t["term"] == term, "direct", "indirect")
        out.append(t)
    t = pd.concat(out, ignore_index=True)
    t["term"] = term
    t["estimator"] = "SLX (OLS with W x)"
    if clustered:
        t["se_type"] = t["se_type"] + ", t(G-1)"
    return t.assign(weights=name)[MODEL_COLUMNS]


def _impacts(rho: float, b: float, t: float, eig: np.ndarray, n: int) -> tuple[float, float, float]:
    """Direct, indirect and total effect of x in the SDM (row-standardised W, its eigenvalues)."""
    direct = float(np.real(np.sum((b + t * eig) / (1 - rho * eig)))) / n
    total = (b + t) / (1 - rho)
    return direct, total - direct, total


def durbin(result, w, term: str, name: str, model: str, draws: int = DRAWS, seed: int = SEED) -> pd.DataFrame:
    """Spatial Durbin model by ML (spreg.ML_Lag on X and W X) with LeSage-Pace effects of ``term``.

    Descriptive: effects are evaluated at the estimates; their standard errors, classical
    p-values (normal, two-sided) and 95% intervals come from ``draws`` draws of (rho, b, t) from
    the ML estimates' asymptotic normal distribution (fixed ``seed``), which assumes homoskedastic
    errors independent across clusters given the spatial process. A row ``rho`` gives the
    spatial autoregressive parameter.
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
                     "se_type": f"{SDM_P}, {draws} simulated draws (LeSage & Pace 2009)"})
    rse = float(np.sqrt(vm.at["rho", "rho"]))
    rows.append({"effect": "rho", "coef": float(est["rho"]), "se": rse,
                 "p": float(2 * stats.norm.sf(abs(est["rho"] / rse))),
                 "ci_low": float(est["rho"] - 1.96 * rse), "ci_high": float(est["rho"] + 1.96 * rse),
                 "se_type": SDM_P})
    out = pd.DataFrame(rows).assign(model=model, weights=name, term=term, p_wild=np.nan, n=n,
                                    estimator="spatial Durbin (ML)")
    return out[MODEL_COLUMNS]


def _spreg_hac(result, kernel, term: str) -> dict:
    """The OLS of ``result`` with spreg's HAC covariance for the kernel weights ``kernel`` (rows in the design's order)."""
    import spreg

    y, X, ids = design(result)
    ols = spreg.OLS(y.reshape(-1, 1), X.to_numpy(), robust="hac", gwk=kernel, sig2n_k=True, nonspat_diag=False,
                    name_x=list(X.columns))
    i = 1 + list(X.columns).index(term)
    coef, se = float(ols.betas[i, 0]), float(np.sqrt(ols.vm[i, i]))
    half = se * float(stats.t.ppf(0.975, ols.n - ols.k))
    return {"term": term, "coef": coef, "se": se, "p": float(ols.t_stat[i][1]), "ci_low": coef - half,
            "ci_high": coef + half, "n": len(ids)}


def hac(result, points: np.ndarray, term: str, model: str, k: int = HAC_K) -> pd.DataFrame:
    """The OLS with Kelejian-Prucha spatial HAC errors (spreg; triangular kernel, bandwidth = distance
    to the ``k``-th nearest neighbour), one row for ``term``. ``points`` are the rows' coordinates."""
    from libpysal.weights import Kernel

    kw = Kernel(points, k=k, fixed=False, function="triangular", diagonal=True)
    return pd.DataFrame([{"model": model, "weights": f"kernel (triangular, k={k})", "effect": "coefficient",
                          **_spreg_hac(result, kw, term), "p_wild": np.nan, "estimator": "OLS (spatial HAC)",
                          "se_type": f"spatial HAC (Kelejian-Prucha, triangular kernel, adaptive k={k})"}])[MODEL_COLUMNS]


def conley(result, points: np.ndarray, term: str, model: str, cutoffs_km: tuple[float, ...] = CONLEY_KM) -> pd.DataFrame:
    """The OLS coefficient of ``term`` with Conley (1999) standard errors at each distance cut-off.

    ``points``: the rows' projected coordinates in metres. The kernel is Bartlett (triangular,
    ``1 - d / cutoff`` within the cut-off, 0 beyond), fixed bandwidth, which keeps the covariance
    positive semi-definite; p from t(n-k) (spreg). ``neighbours``: mean number of other units
    within the cut-off.
    """
    from libpysal.weights import Kernel

    pts = np.asarray(points, dtype=float)
    if pts.ndim != 2 or pts.shape[1] != 2 or len(pts) != len(design(result)[2]):
        raise ValueError("conley needs one projected (x, y) point in metres per row of the model")
    d = np.sqrt(((pts[:, None, :] - pts[None, :, :]) ** 2).sum(axis=2))
    rows = []
    for km in cutoffs_km:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "not fully connected": units alone within a short cut-off
            kw = Kernel(pts, bandwidth=km * 1000.0, fixed=True, function="triangular", diagonal=True)
        rows.append({"model": model, "cutoff_km": km, **_spreg_hac(result, kw, term),
                     "neighbours": float(((d <= km * 1000.0).sum(axis=1) - 1).mean()),
                     "estimator": "OLS (Conley)", "se_type": f"Conley (1999), Bartlett kernel, cut-off {km:,} km; "
                                                            "p from t(n-k)"})
    return pd.DataFrame(rows)


def ols_row(result, term: str, model: str, wild: bool = True) -> pd.DataFrame:
    """The OLS coefficient of ``term`` with its own errors (clustered or HC3) in the model table's layout."""
    clustered = result.cs_meta["groups"] is not None and result.cs_meta["se_type"].startswith("clustered")
    t = models.tidy(result, model, wild_terms=(term,) if wild and clustered else ())
    t = t[t["term"] == term].assign(effect="coefficient", weights="none")
    return t[MODEL_COLUMNS]
