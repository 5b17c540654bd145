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


def spatial_tables(gdf, fits: dict, term: str, sample: str, variables: dict[str, str], *, k: int = 5,
                   permutations: int = spatial.PERMUTATIONS, seed: int = spatial.SEED, hac_k: int = spatial.HAC_K,
                   draws: int = spatial.DRAWS) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Diagnostics, spatial models and weights summary of one sample (projected ``gdf``).

    Weights ``knn<k>`` and, for polygons, ``contiguity``. Diagnostics: Moran's I of each of
    ``variables`` (label -> column) and of each fit's residuals with the LM tests. Models, per
    fit: the OLS coefficient of ``term`` (its own errors, wild p), the same with spatial HAC
    errors, and per weights the SLX and spatial Durbin direct and indirect effects.
    """
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
        mods += [spatial.ols_row(res, term, model),
                 spatial.hac(res, np.column_stack([pts.x.to_numpy(), pts.y.to_numpy()]), term, model, hac_k)]
        for name, w in ws.items():
            mods += [spatial.slx(res, w, term, name, model), spatial.durbin(res, w, term, name, model, draws, seed)]
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
           "cn": ("Chinese cities", china_cities.TYPES_MODEL, "declining", "declining resource city")}


def spatial_sentence(diag: pd.DataFrame, mods: pd.DataFrame, sample: str, model: str, term: str,
                     label: str, alpha: float = 0.05) -> str:
    """What space changes for one sample: are the headline model's residuals spatially dependent
    (Moran's I, permutation p, per weights) and does the headline survive the spatial models
    (spatial HAC, and the direct effect in the spatial Durbin model under every weights)?"""
    d = diag[(diag["sample"] == sample) & (diag["model"] == model) & (diag["variable"] == "residuals")]
    m = mods[(mods["sample"] == sample) & (mods["model"] == model) & (mods["term"] == term)]
    if d.empty or m.empty:
        raise ValueError(f"no spatial rows for {sample!r}, model {model!r}, term {term!r}")
    dep = d["p"] < alpha
    moran = "; ".join(f"Moran's I {r.morans_i:.2f} with {r.weights}, {pval(r.p, 'permutation p')}"
                      for r in d.itertuples())
    verdict = ("spatially dependent under every weights" if dep.all() else
               "not spatially dependent under any weights" if not dep.any() else "spatially dependent under some weights")
    ols = m[(m["estimator"] == "OLS") & (m["weights"] == "none")].iloc[0]
    hac = m[m["se_type"].str.startswith("spatial HAC")].iloc[0]
    sdm = m[(m["estimator"] == "spatial Durbin (ML)")]
    direct, indirect = sdm[sdm["effect"] == "direct"], sdm[sdm["effect"] == "indirect"]
    base_sig = ols["p"] < alpha
    keeps = ((direct["p"] < alpha) & (direct["coef"] * ols["coef"] > 0)).all() and hac["p"] < alpha
    if base_sig:
        survive = "survives the spatial models" if keeps else "does not survive the spatial models"
    else:
        survive = ("is not significant in OLS and becomes significant in the spatial models" if keeps
                   else "is not significant in OLS and stays short of significance in the spatial models")
    effects = "; ".join(f"{r.weights}: direct {r.coef:+.2f} ({pval(r.p, 'ML p')}), indirect "
                        f"{i.coef:+.2f} ({pval(i.p, 'ML p')})"
                        for r, i in zip(direct.itertuples(), indirect.itertuples(), strict=True))
    kind = "clustered p" if "cluster" in ols["se_type"] else "HC3 p"
    return (f"*{sample}* ({label}, {model}): the residuals are {verdict} ({moran}). The headline "
            f"coefficient {ols['coef']:+.2f} ({pval(ols['p'], kind)}{_wild(ols)}; "
            f"{pval(hac['p'], 'spatial HAC p')}) {survive}: spatial Durbin effects, {effects}.")


def _wild(row: pd.Series) -> str:
    return "" if pd.isna(row["p_wild"]) else f", {pval(row['p_wild'], 'wild p')}"
