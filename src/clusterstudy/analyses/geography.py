"""Where the samples lie: each analysis's own sample with its geometry, and its headline fits.

Nothing here redefines a sample or a model: the European regions come from
:func:`clusterstudy.analyses.eu_sample.region_indicators` and the headline OLS of
:func:`~clusterstudy.analyses.eu_models.fit_models` ((2) size + controls, (3) + country FE);
the U.S. regions from :func:`clusterstudy.analyses.us_regions.region_indicators` with the size
model ``us_regions.HEADLINE_SPEC``; the Chinese cities from
:func:`clusterstudy.analyses.china_cities.city_indicators` with ``fit_types``. The results
returned are statsmodels fits of :mod:`clusterstudy.estimation.models` (residuals and design
for :mod:`clusterstudy.estimation.spatial`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from clusterstudy.analyses import china_cities, eu_models, us_regions
from clusterstudy.analyses.eu_sample import region_indicators as eu_region_indicators
from clusterstudy.core.prose import pval
from clusterstudy.data import boundaries
from clusterstudy.estimation import models, spatial
from clusterstudy.measures import catalogue

EU_MODELS = {eu_models.CONTROLS_MODEL: None, eu_models.COUNTRY_FE_MODEL: "country"}


def eu_sample(period: tuple[int, int] = (2008, 2012), **kwargs):
    """The European sample (``eu_sample.region_indicators(period, **kwargs)``) with NUTS-2 polygons, EPSG:3035."""
    regions, _ = eu_region_indicators(period, **kwargs)
    return boundaries.project(boundaries.attach(regions, "nuts2", "nuts2"), "europe")


def eu_fits(regions: pd.DataFrame, measure: str, controls: tuple[str, ...] = ("tertiary_share",),
            size: str = "log_population", zero_patents: models.ZeroHandling = "drop") -> dict:
    """The headline OLS of :func:`eu_models.fit_models`, (2) and (3), as fitted results (clustered by country)."""
    base = [size, *controls]
    return {name: eu_models.ols_fit(regions, measure, base, fe, "cluster", zero_patents) for name, fe in EU_MODELS.items()}


def us_sample(geography: str = "cbsa", patent_years: tuple[int, int] = (2011, 2015), min_employment: float = 0):
    """U.S. states or CBSAs (``us_regions.region_indicators``, model frame) with polygons, lon/lat."""
    regions = us_regions.model_frame(us_regions.region_indicators(geography, patent_years, min_employment))
    if geography == "state":
        return boundaries.attach(regions.assign(state_fips=regions["region_code"]), "state_fips", "us_states")
    return boundaries.attach(regions, "region_code", "us_cbsa")


def us_fit(regions: pd.DataFrame, measure: str, se: str, cluster: str = "state"):
    """The U.S. headline size model (``us_regions.HEADLINE_SPEC``) of log patents per 10k employees."""
    controls = us_regions.SPECS[us_regions.HEADLINE_SPEC]
    d = models.prepare(regions, "patents_per_10k_employees", measure, controls, cluster=cluster)
    return models.fit(d, measure, controls, None, se, cluster=cluster, standardise=True)


def cn_sample():
    """Chinese cities (``china_cities.city_indicators``) with their coordinates as points, lon/lat."""
    return boundaries.attach(china_cities.city_indicators(), "city_code", "cn_cities")


def cn_fit(cities: pd.DataFrame, outcome: str, coding: str = "coded"):
    """The type model of :func:`china_cities.fit_types` (province FE, clustered by province)."""
    return china_cities.fit_types(pd.DataFrame(cities), outcome, coding)


def cn_fits(cities: pd.DataFrame, outcome: str, coding: str = "coded") -> dict[str, tuple[object, str]]:
    """The primary pooled model (:func:`china_cities.fit_pooled`, focal term ``POOLED``) and the secondary
    type model (focal term ``declining``), as ``{model name: (fit, focal term)}``."""
    return {china_cities.PRIMARY_MODEL: (china_cities.fit_pooled(pd.DataFrame(cities), outcome, coding),
                                         china_cities.POOLED),
            china_cities.TYPES_MODEL: (cn_fit(cities, outcome, coding), "declining")}


def conley_table(gdf, fits: dict, term: str, sample: str,
                 cutoffs_km: tuple[float, ...] = spatial.CONLEY_KM) -> pd.DataFrame:
    """Conley standard errors of ``term`` over distance cut-offs for each fit (projected ``gdf``,
    metres), beside the fit's own clustered (t(G-1)) and wild p."""
    out = []
    for model, res in fits.items():
        own = spatial.ols_row(res, term, model).iloc[0]
        ids = spatial.design(res)[2]
        pts = gdf.loc[ids].geometry.centroid
        c = spatial.conley(res, np.column_stack([pts.x.to_numpy(), pts.y.to_numpy()]), term, model, cutoffs_km)
        out.append(c.assign(se_clustered=own["se"], p_clustered=own["p"], p_wild=own["p_wild"],
                            clustered_se_type=own["se_type"]))
    cols = ["sample", "model", "term", "cutoff_km", "neighbours", "coef", "se", "p", "ci_low", "ci_high", "n",
            "se_clustered", "p_clustered", "p_wild", "estimator", "se_type", "clustered_se_type"]
    return pd.concat(out, ignore_index=True).assign(sample=sample)[cols]


def conley_sentence(conley: pd.DataFrame, model: str, alpha: float = 0.05) -> str:
    """The Conley sweep of one model: range of standard errors and p over the cut-offs, against the clustered p."""
    c = conley[conley["model"] == model]
    if c.empty:
        raise ValueError(f"no Conley rows for model {model!r}")
    first = c.iloc[0]
    sig = c["p"] < alpha
    where = ("at every cut-off" if sig.all() else "at no cut-off" if not sig.any() else
             "at " + ", ".join(f"{k:,.0f}" for k in c.loc[sig, "cutoff_km"]) + " km")
    kind = "clustered p" if "cluster" in first["clustered_se_type"] else "HC3 p"
    wild = "" if pd.isna(first["p_wild"]) else f", {pval(first['p_wild'], 'wild p')}"
    return (f"{model}: coefficient {first['coef']:+.3f}; Conley standard errors over cut-offs "
            f"{c['cutoff_km'].min():,.0f}-{c['cutoff_km'].max():,.0f} km range from {c['se'].min():.3f} to "
            f"{c['se'].max():.3f} (Conley p from {pval(c['p'].min())} to {pval(c['p'].max())}; below {alpha} "
            f"{where}), against {first['se_clustered']:.3f} clustered by country "
            f"({pval(first['p_clustered'], kind)}{wild})")


def spatial_tables(gdf, fits: dict, term: str | dict[str, str], sample: str, variables: dict[str, str], *, k: int = 5,
                   permutations: int = spatial.PERMUTATIONS, seed: int = spatial.SEED, hac_k: int = spatial.HAC_K,
                   draws: int = spatial.DRAWS) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Diagnostics, spatial models and weights summary of one sample (projected ``gdf``).

    Weights ``knn<k>`` and, for polygons, ``contiguity``. Diagnostics: Moran's I of each of
    ``variables`` (label -> column) and of each fit's residuals with the LM tests. Models, per
    fit: the OLS coefficient of ``term`` (its own errors, wild p), the same with spatial HAC
    errors, and per weights the SLX (the reported spatial model: clustered t(G-1) and wild p) and the
    spatial Durbin (descriptive, classical p) direct, indirect and total effects. ``term`` may differ
    per fit (``{model: term}``).
    """
    terms = term if isinstance(term, dict) else dict.fromkeys(fits, term)
    kinds = {f"knn{k}": "knn"}
    if gdf.geometry.geom_type.isin(["Polygon", "MultiPolygon"]).all():
        kinds["contiguity"] = "contiguity"
    ws = {name: spatial.weights(gdf, kind, k) for name, kind in kinds.items()}
    diag, mods = [], []
    for name, w in ws.items():
        for label, column in variables.items():
            v = gdf[column].dropna()
            sub = spatial.reorder(w, list(v.index))
            diag.append({"model": "none", "variable": label, "weights": name, "n": len(v),
                         **spatial.moran(v.to_numpy(), sub, permutations, seed)})
        for model, res in fits.items():
            diag.append(spatial.residual_diagnostics(res, w, model, name, permutations, seed))
    for model, res in fits.items():
        ids = spatial.design(res)[2]
        pts = gdf.loc[ids].geometry.centroid
        t = terms[model]
        mods += [spatial.ols_row(res, t, model),
                 spatial.hac(res, np.column_stack([pts.x.to_numpy(), pts.y.to_numpy()]), t, model, hac_k)]
        for name, w in ws.items():
            mods += [spatial.slx(res, w, t, name, model), spatial.durbin(res, w, t, name, model, draws, seed)]
    diag_t = pd.DataFrame(diag).reindex(columns=spatial.DIAGNOSTIC_COLUMNS)
    summary = pd.DataFrame([spatial.summarise(w, name) for name, w in ws.items()])
    return (diag_t.assign(sample=sample)[["sample", *spatial.DIAGNOSTIC_COLUMNS]],
            pd.concat(mods, ignore_index=True).assign(sample=sample)[["sample", *spatial.MODEL_COLUMNS]],
            summary.assign(sample=sample)[["sample", *summary.columns]])


# ---------------------------------------------------------------- finding sentences
# per sample: (sample, headline model, its term, the term in words), as the findings and the paper state it
SPATIAL = {"eu": ("EU NUTS-2", eu_models.COUNTRY_FE_MODEL, "cluster_strength_traded",
                  catalogue.short("cluster_strength_traded")),
           "us": ("U.S. CBSAs", us_regions.HEADLINE_SPEC, "strong_cluster_share", catalogue.short("strong_cluster_share")),
           "cn": ("Chinese cities", china_cities.PRIMARY_MODEL, china_cities.POOLED, "resource city (any type, pooled)")}
SLX = "SLX (OLS with W x)"
SDM = "spatial Durbin (ML)"


def _kind(row) -> str:
    """The name of a model row's p-value."""
    if row.estimator == SDM:
        return "classical p"
    return "clustered p" if "cluster" in row.se_type else "HC3 p"


def _p(row) -> str:
    return pval(row.p, _kind(row)) + ("" if pd.isna(row.p_wild) else f", {pval(row.p_wild, 'wild p')}")


def _status(row, alpha: float) -> str:
    """Whether a row's coefficient is significant by its p and, where computed, its wild p."""
    if row.p >= alpha:
        return "not significant"
    if pd.isna(row.p_wild):
        return "significant"
    return "significant by both p" if row.p_wild < alpha else f"significant by the {_kind(row)} only"


def _holds(rows: pd.DataFrame, sign: float, alpha: float) -> bool:
    """Every row of the same sign as ``sign`` with p and (where computed) wild p below ``alpha``."""
    ok = (rows["p"] < alpha) & (rows["p_wild"].isna() | (rows["p_wild"] < alpha)) & (rows["coef"] * sign > 0)
    return bool(len(rows)) and bool(ok.all())


def spatial_sentence(diag: pd.DataFrame, mods: pd.DataFrame, sample: str, model: str, term: str,
                     label: str, alpha: float = 0.05) -> str:
    """What space changes for one sample: are the headline model's residuals spatially dependent
    (Moran's I, permutation p, per weights) and does the coefficient survive the reported spatial model,
    the SLX? It survives when, under every weights, both its direct and its total (own plus neighbours')
    effect keep its sign with p (clustered, t(G-1)) and, where computed, wild p below ``alpha``; a direct
    effect alone is said to hold locally only. The spatial Durbin model is described, its p named classical."""
    d = diag[(diag["sample"] == sample) & (diag["model"] == model) & (diag["variable"] == "residuals")]
    m = mods[(mods["sample"] == sample) & (mods["model"] == model) & (mods["term"] == term)]
    if d.empty or m.empty:
        raise ValueError(f"no spatial rows for {sample!r}, model {model!r}, term {term!r}")
    dep = d["p"] < alpha
    moran = "; ".join(f"Moran's I {r.morans_i:.2f} with {r.weights}, {pval(r.p, 'permutation p')}"
                      for r in d.itertuples())
    verdict = ("spatially dependent under every weights" if dep.all() else
               "not spatially dependent under any weights" if not dep.any() else "spatially dependent under some weights")
    ols = next(m[(m["estimator"] == "OLS") & (m["weights"] == "none")].itertuples())
    hac = m[m["se_type"].str.startswith("spatial HAC")]
    slx, sdm = m[m["estimator"] == SLX], m[m["estimator"] == SDM]
    sign = 1.0 if ols.coef > 0 else -1.0
    direct_ok = _holds(slx[slx["effect"] == "direct"], sign, alpha)
    total_ok = _holds(slx[slx["effect"] == "total"], sign, alpha)
    if ols.p < alpha:
        survive = ("it survives, direct and total effects alike" if direct_ok and total_ok else
                   "it keeps its direct effect but not its total effect (own plus neighbours'): it holds locally "
                   "only and does not survive as a total association" if direct_ok else "it does not survive")
    else:
        survive = "it becomes significant" if direct_ok else "it stays short of significance"
    effects = "; ".join(
        f"{w}: " + ", ".join(f"{r.effect} {r.coef:+.2f} ({_p(r)})" for r in g.itertuples())
        for w, g in slx.groupby("weights", sort=False))
    durbin = "; ".join(f"{w}: " + ", ".join(f"{r.effect} {r.coef:+.2f} ({_p(r)})"
                                             for r in g[g["effect"] != "rho"].itertuples())
                       for w, g in sdm.groupby("weights", sort=False))
    hac_p = "" if hac.empty else f"; {pval(hac['p'].iloc[0], 'spatial HAC p')}"
    return (f"*{sample}* ({label}, {model}): the residuals are {verdict} ({moran}). The coefficient "
            f"{ols.coef:+.2f} ({_p(ols)}{hac_p}) is {_status(ols, alpha)} in OLS. In the SLX, the reported spatial "
            f"model with the analyses' inference ({effects}), {survive}. The spatial Durbin model is descriptive, its p "
            f"classical (ML asymptotic, not robust to clustering): {durbin}.")
