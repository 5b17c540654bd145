"""U.S. states and CBSAs: cluster strength (Cluster Mapping Project) and USPTO patenting.

A Delgado-Porter-Stern style test of "innovation on specialisation": the 2016 region x
cluster employment gives the share of traded employment in strong clusters, their number,
and the HHI and Krugman indices over the 51 traded clusters (the same index functions as
the European analysis); patents are USPTO grants by inventor county, aggregated.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import extracts, indices, us_patents

GEOGRAPHIES = ("state", "cbsa")
MEASURES = ("strong_cluster_share", "n_strong_clusters", "hhi_traded", "krugman_traded")
INDICATOR_COLUMNS = ["region_code", "region_name", "employment", "traded_employment",
                     "strong_cluster_share", "n_strong_clusters", "hhi_traded", "krugman_traded",
                     "patents_per_10k_employees", "avg_wage_usd", "state"]
EU_COUNTERPART = {"strong_cluster_share": "cluster_strength", "n_strong_clusters": "n_star_sectors",
                  "hhi_traded": "hhi", "krugman_traded": "krugman"}


def region_indicators(geography: str = "state", patent_years: tuple[int, int] = (2011, 2015),
                      min_employment: float = 0) -> pd.DataFrame:
    """One row per region with the cluster measures, patents per 10k employees and controls."""
    if geography not in GEOGRAPHIES:
        raise ValueError(f"unknown geography {geography!r}; choose one of {', '.join(GEOGRAPHIES)}")
    cmp_ = extracts.load("us_cluster_employment")
    cmp_ = cmp_[cmp_["region_type"] == geography]
    traded = cmp_[cmp_["traded"]]
    matrix = traded.pivot(index="region_code", columns="cluster_code", values="employment").fillna(0.0)
    strong = traded[traded["strong"] == "True"]
    regions = cmp_.groupby("region_code").agg(region_name=("region_name", "first"),
                                              employment=("employment", "sum"))
    wage = cmp_.dropna(subset=["avg_wage_usd"]).assign(w=lambda d: d["avg_wage_usd"] * d["employment"])
    wage = wage.groupby("region_code")[["w", "employment"]].sum()
    out = regions.assign(
        traded_employment=matrix.sum(axis=1),
        strong_cluster_share=strong.groupby("region_code")["employment"].sum() / matrix.sum(axis=1),
        n_strong_clusters=strong.groupby("region_code").size(),
        hhi_traded=indices.hhi(matrix), krugman_traded=indices.krugman(matrix),
        avg_wage_usd=wage["w"] / wage["employment"],
    )
    counts = ["strong_cluster_share", "n_strong_clusters"]
    out[counts] = out[counts].fillna(0)
    out["n_strong_clusters"] = out["n_strong_clusters"].astype(int)
    cp = extracts.load("us_county_patents")
    members = extracts.load("us_cbsa_counties") if geography == "cbsa" else None
    pats, _ = us_patents.aggregate(cp, geography, members, years=patent_years)
    mean_pat = pats.groupby("region_code")["patents"].mean()
    out["patents_per_10k_employees"] = 1e4 * mean_pat.reindex(out.index).fillna(0) / out["employment"]
    out["state"] = (out.index.str[:2] if geography == "state"
                    else out["region_name"].str.extract(r",\s*([A-Z]{2})")[0])
    out = out[out["employment"] >= min_employment].reset_index()
    if out.empty:
        raise ValueError(f"empty sample: no {geography} with at least {min_employment:,.0f} employees")
    return out[INDICATOR_COLUMNS]


def model_frame(regions: pd.DataFrame) -> pd.DataFrame:
    """The indicator table with the log controls used by the models."""
    return regions.assign(log_employment=np.log(regions["employment"]),
                          log_avg_wage=np.log(regions["avg_wage_usd"]))


def regpat_per_10k(regions: pd.DataFrame) -> pd.Series:
    """REGPAT patents (2008-2012, annual mean) per 10k employees, for CBSAs (NaN where no match)."""
    rp = extracts.load("us_regpat_cbsa").set_index("cbsa_code")["patents_invented"] / 5
    return 1e4 * regions["region_code"].map(rp) / regions["employment"]


def eu_headline(period: tuple[int, int] = (2008, 2012)) -> pd.DataFrame:
    """European counterpart of the U.S. models: log patents per million on each standardised
    measure with log GDP per inhabitant and tertiary share, HC3 (model 2 of the Figure 6 notebook)."""
    from . import europe, models

    regions, _ = europe.region_indicators(period)
    rows = []
    ctrl = ["gdp_pps_per_inhabitant", "tertiary_share"]
    for us_measure, eu_measure in EU_COUNTERPART.items():
        d = models.prepare(regions, "patents_per_million", eu_measure, ctrl)
        res = models.fit(d, eu_measure, ctrl, None, "HC3", standardise=True)
        row = models.tidy(res, "EU NUTS-2").set_index("term").loc[eu_measure]
        rows.append({"us_measure": us_measure, "measure": eu_measure, **row.to_dict()})
    return pd.DataFrame(rows)


def eu_comparison(us_table: pd.DataFrame, eu: pd.DataFrame) -> pd.DataFrame:
    """Side-by-side standardised headline coefficients: one row per U.S. measure and its EU counterpart.

    ``us_table`` is the tidy table of the per-measure U.S. models (model named after its measure);
    ``eu`` is :func:`eu_headline`.
    """
    us = us_table[us_table["term"] == us_table["model"]].set_index("term").reindex(list(MEASURES))
    eu = eu.set_index("us_measure").reindex(list(MEASURES))
    return pd.DataFrame({
        "us_measure": list(MEASURES), "us_coef_per_sd": us["coef"].to_numpy(), "us_p": us["p"].to_numpy(),
        "us_n": us["n"].to_numpy(), "eu_measure": eu["measure"].to_numpy(), "eu_coef_per_sd": eu["coef"].to_numpy(),
        "eu_p": eu["p"].to_numpy(), "eu_n": eu["n"].to_numpy(),
    })
