"""U.S. counts, commuting and the strong flag: Poisson PML beside OLS, influential regions (issue 36).

The size model (2) of :mod:`clusterstudy.analyses.us_regions` under OLS of log patents per 10k employees
and Poisson PML of the patent count (Santos Silva & Tenreyro 2006) with log employment as offset and
control, through the one estimator wrapper :mod:`clusterstudy.estimation.models`: in the headline
sample, over all CBSAs (zero-patent ones kept by Poisson PML), per resident (patents are counted where
inventors live, employment where people work) and without the regions most influential on the
strong-cluster share (DFBETAS, Belsley, Kuh & Welsch 1980). :func:`strong_flag_check` checks the Cluster
Mapping Project's strong flag (:data:`clusterstudy.analyses.us_regions.STRONG_DEFINITION`) in the extract.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from clusterstudy.analyses import us_regions
from clusterstudy.core.prose import pval
from clusterstudy.data import extracts
from clusterstudy.estimation import models
from clusterstudy.measures import catalogue

SAMPLES = {"headline": "headline sample", "all": "all CBSAs, zero-patent CBSAs included",
           "per_resident": "per resident (CBSAs with a population)",
           "influential": "without the influential regions"}
INFLUENCE_MEASURE = "strong_cluster_share"  # the primary measure, whose influential regions are named


def strong_flag_check(geography: str) -> pd.DataFrame:
    """The strong flag of the extract against its definition: region x traded-cluster cells, strong cells,
    the smallest location quotient of a strong cell and the largest rank percentile (share of regions with
    at least its LQ in that cluster) of a strong cell."""
    if geography not in us_regions.GEOGRAPHIES:
        raise ValueError(f"unknown geography {geography!r}; choose one of {', '.join(us_regions.GEOGRAPHIES)}")
    cmp_ = extracts.load("us_cluster_employment")
    t = cmp_[(cmp_["region_type"] == geography) & cmp_["traded"]].copy()
    t["lq_rank_share"] = t.groupby("cluster_code")["lq"].rank(ascending=False, method="max", pct=True)
    strong = t[t["strong"] == "True"]
    return pd.DataFrame([{"geography": geography, "regions": t["region_code"].nunique(),
                          "traded_clusters": t["cluster_code"].nunique(), "cells": len(t), "strong_cells": len(strong),
                          "regions_with_a_strong_cluster": strong["region_code"].nunique(),
                          "min_lq_strong": strong["lq"].min(), "max_lq_rank_share_strong": strong["lq_rank_share"].max(),
                          "strong_cells_in_top_quarter": float((strong["lq_rank_share"] <= 0.25).mean())}])


def fit_size_model(frame: pd.DataFrame, measure: str, estimator: str, se: str, cluster: str,
             per_resident: bool = False):
    """The size model of ``measure`` (standardised): OLS of log patents per 10k employees (per million
    residents) on log employment (log population), or Poisson PML of the patent count with log employment
    (log population) as offset and as control."""
    size, exposure, rate = (("log_population", "population", "patents_per_million") if per_resident
                            else ("log_employment", "employment", "patents_per_10k_employees"))
    if estimator == "OLS":
        d = models.prepare(frame, rate, measure, [size], cluster=cluster if se == "cluster" else None)
        return models.fit(d, measure, [size], None, se, cluster=cluster, standardise=True)
    return models.fit_poisson(frame, "patents", exposure, measure, [size], None, cluster=cluster, se=se,
                              standardise=True)


def influence_table(frame: pd.DataFrame, se: str, cluster: str = "state", measure: str = INFLUENCE_MEASURE,
                    top: int = 10) -> pd.DataFrame:
    """The regions most influential on ``measure`` in the size model under OLS and Poisson PML.

    DFBETAS of the measure (statsmodels ``get_influence``: exact leave-one-out for OLS, the one-step
    approximation for Poisson PML); ``influential`` marks |DFBETAS| > 2/sqrt(n) under either estimator
    (Belsley, Kuh & Welsch 1980). Rows: the ``top`` regions by the larger |DFBETAS|, then every other
    influential region.
    """
    out = frame[["region_code", "region_name", "patents_per_10k_employees", measure]].set_index("region_code")
    for est, col in (("OLS", "dfbetas_ols"), ("Poisson PML", "dfbetas_ppml")):
        res = fit_size_model(frame, measure, est, se, cluster)
        k = list(res.params.index).index(measure)
        codes = frame.loc[res.model.data.row_labels, "region_code"]
        out[col] = pd.Series(np.asarray(res.get_influence().dfbetas)[:, k], index=codes.to_numpy())
        out[f"cutoff_{col.removeprefix('dfbetas_')}"] = 2 / np.sqrt(res.nobs)
    big = np.maximum(out["dfbetas_ols"].abs(), out["dfbetas_ppml"].abs())
    out["influential"] = ((out["dfbetas_ols"].abs() > out["cutoff_ols"])
                          | (out["dfbetas_ppml"].abs() > out["cutoff_ppml"]))
    out = out.assign(max_abs_dfbetas=big).sort_values("max_abs_dfbetas", ascending=False)
    keep = out.head(top).index.union(out.index[out["influential"]])
    return out.loc[keep].sort_values("max_abs_dfbetas", ascending=False).reset_index()


def estimator_table(frame: pd.DataFrame, se: str, cluster: str = "state", all_cbsas: pd.DataFrame | None = None,
                    influential: list[str] | None = None, leave_out: int = 0) -> pd.DataFrame:
    """OLS and Poisson PML of the size model (2) for each measure, in each sample.

    Samples (:data:`SAMPLES`): the headline sample (``frame``); for CBSAs, ``all_cbsas`` (every CBSA, zeros
    kept by Poisson PML and dropped by OLS, as ``n`` shows), per resident where the data have a population
    (patents per million residents, log population), and ``frame`` without the ``influential`` regions;
    with ``leave_out`` = k, also without each of the first k of them alone (in the order given), for
    :data:`INFLUENCE_MEASURE` only.
    Clustered errors (by ``cluster``) get a wild p: wild cluster restricted bootstrap for OLS, wild score
    bootstrap for Poisson PML; with HC3 (states: one region per cluster) Poisson PML has HC0 errors and
    no bootstrap. Focal rows only, with ``estimator``, ``sample`` and ``measure``.
    """
    runs = [(SAMPLES["headline"], frame, False)]
    if all_cbsas is not None:
        runs.append((SAMPLES["all"], all_cbsas, False))
    if frame["population"].notna().sum() >= 10:
        runs.append((SAMPLES["per_resident"], frame[frame["population"].notna()], True))
    if influential:
        runs.append((SAMPLES["influential"], frame[~frame["region_code"].isin(influential)], False))
    names = frame.set_index("region_code")["region_name"]
    plan = [(*run, us_regions.MEASURES) for run in runs] + [
        (f"without {names[c]}", frame[frame["region_code"] != c], False, (INFLUENCE_MEASURE,))
        for c in (influential or [])[:leave_out]]
    rows = []
    for sample, data, per_resident, measures in plan:
        for m in measures:
            for est in ("OLS", "Poisson PML"):
                res = fit_size_model(data, m, est, se, cluster, per_resident)
                t = models.tidy(res, f"{m}: {us_regions.HEADLINE_SPEC} [{est}; {sample}]",
                                wild_terms=(m,) if se == "cluster" else ())
                rows.append(t[t["term"] == m].assign(sample=sample, measure=m))
    return pd.concat(rows, ignore_index=True)


def estimator_sentence(est: pd.DataFrame, influence: pd.DataFrame, measure: str = INFLUENCE_MEASURE) -> str:
    """The measure under OLS and Poisson PML in each sample, with the influential regions named."""
    def cell(r: pd.Series) -> str:
        boot = "" if pd.isna(r["p_wild"]) else (", " + pval(r["p_wild"], "wild p" if r["estimator"] == "OLS"
                                                             else "score-bootstrap p"))
        kind = "clustered p" if str(r["se_type"]).startswith("clustered") else f"{r['se_type']} p"
        return f"{r['estimator']} {r['coef']:+.2f} ({pval(r['p'], kind)}{boot}; n = {int(r['n'])})"

    rows = est[est["measure"] == measure]
    parts = [f"{sample}: " + ", ".join(cell(r) for _, r in g.iterrows()) for sample, g in rows.groupby("sample", sort=False)]
    flagged = influence[influence["influential"]]
    named = "; ".join(f"{r.region_name} ({r.patents_per_10k_employees:.0f} patents per 10k employees, DFBETAS OLS "
                      f"{r.dfbetas_ols:+.2f}, Poisson PML {r.dfbetas_ppml:+.2f})" for r in flagged.itertuples())
    return (f"{catalogue.short(measure).capitalize()} per SD, size model, by estimator and sample: "
            + "; ".join(parts) + f". Influential regions (|DFBETAS| > 2/sqrt(n) under either estimator, "
            f"{len(flagged)}): {named}.")


def strong_flag_sentence(check: pd.DataFrame) -> str:
    """What the extract's strong flag satisfies, from :func:`strong_flag_check`."""
    r = check.iloc[0]
    return (f"In the extract ({r['geography']}), {int(r['strong_cells']):,} of {int(r['cells']):,} region x traded-cluster "
            f"cells are strong, in {int(r['regions_with_a_strong_cluster'])} of {int(r['regions'])} regions; every "
            f"strong cell has a location quotient of at least {r['min_lq_strong']:.3f}, and "
            f"{100 * r['strong_cells_in_top_quarter']:.1f}% of them rank in the top quarter of regions by location "
            f"quotient in their cluster (at most {100 * r['max_lq_rank_share_strong']:.1f}% of regions at or above "
            "them, ties counted).")
