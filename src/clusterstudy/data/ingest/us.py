"""U.S. extracts: Cluster Mapping Project 2016, USPTO county patents, CBSA membership, REGPAT, CBSA population."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from . import readers

CMP_COLUMNS = {
    "region_code_t": "region_code", "region_name_t": "region_name",
    "cluster_code_t": "cluster_code", "cluster_name_t": "cluster_name", "traded_b": "traded",
    "emp_tl": "employment", "private_wage_tf": "avg_wage_usd", "lq_tf": "lq", "strong_b": "strong",
}


def _cmp(df: pd.DataFrame, region_type: str) -> pd.DataFrame:
    out = df[list(CMP_COLUMNS)].rename(columns=CMP_COLUMNS)
    out.insert(0, "region_type", region_type)
    out["region_name"] = out["region_name"].str.strip()
    for col in ("traded", "strong"):
        out[col] = out[col].map({True: "True", False: "False", "TRUE": "True", "FALSE": "False",
                                 "True": "True", "False": "False"})
    out["strong"] = out["strong"].where(out["traded"] == "True", pd.NA)  # defined for traded only
    return out


def cluster_employment(mirror: Path) -> pd.DataFrame:
    """Region x cluster employment, wages, LQ and strong-cluster flag, 2016 (states and CBSAs)."""
    d = mirror / "us_cluster_mapping"
    states = _cmp(readers.csv(d / "all_states_clusters.csv"), "state")
    states["region_code"] = states["region_code"].str.zfill(2)
    msa = readers.r_data(d / "all_msa_clusters.rds")
    msa = msa.astype({"region_code_t": str, "traded_b": object, "strong_b": object})
    cbsa = _cmp(msa, "cbsa")
    df = pd.concat([states, cbsa], ignore_index=True)
    df["cluster_code"] = pd.to_numeric(df["cluster_code"]).astype(int)
    return df.sort_values(["region_type", "region_code", "cluster_code"])


def county_patents(mirror: Path) -> pd.DataFrame:
    """USPTO utility patent grants by county of the inventor, 2000-2015 (incl. 'undetermined')."""
    df = readers.csv(mirror / "us_cluster_mapping" / "co_uspto.csv")
    df = df.rename(columns={"stco_code": "county_fips", "patents_issued": "patents"})
    df["year"] = df["year"].astype(int)
    return df[["county_fips", "year", "patents"]].sort_values(["county_fips", "year"])


def cbsa_counties(mirror: Path) -> pd.DataFrame:
    """Member counties of each 2016 Cluster Mapping CBSA (from regions_data.Rds)."""
    dt = readers.r_data(mirror / "us_cluster_mapping" / "regions_data.Rds", "regions_dt")
    msa = dt[dt["region_type_t"] == "msa"]
    members = [c for c in msa.columns if c.startswith("regions_txt_")]
    long = msa.melt(id_vars=["region_code_t", "name_t"], value_vars=members, value_name="member")
    long = long.dropna(subset=["member"])
    long = long[long["member"].astype(str).str.startswith("region/county/")]
    df = pd.DataFrame({
        "cbsa_code": long["region_code_t"].astype(str),
        "cbsa_name": long["name_t"].astype(str),
        "county_fips": long["member"].astype(str).str.removeprefix("region/county/"),
    }).drop_duplicates()
    return df.sort_values(["cbsa_code", "county_fips"])


def regpat(mirror: Path) -> pd.DataFrame:
    """OECD REGPAT patents by CBSA, pooled 2008-2012 (fractional counts by inventor)."""
    df = readers.csv(mirror / "us_cluster_mapping" / "cbsa_regpat.csv")
    df = df.rename(columns={"cbsa_patents_invented": "patents_invented",
                            "cbsa_patent_applications": "patent_applications"})
    df["period"] = df["year_range"]
    df = df[df["cbsa_code"].str.fullmatch(r"\d{5}")]  # drops the 'USZZZ' not-assigned row
    cols = ["cbsa_code", "cbsa_name", "period", "patents_invented", "patent_applications"]
    return df[cols].sort_values("cbsa_code")


def cbsa_population(mirror: Path) -> pd.DataFrame:
    """ACS total population of the 268 large CBSAs in Brookings' merged cross-section (cbsa_all.rda).

    The population block of that file carries the year in its first ``year`` column (``year.x``).
    """
    df = readers.r_data(mirror / "us_cluster_mapping" / "cbsa_all.rda", "cbsa_all")
    out = pd.DataFrame({"cbsa_code": df["cbsa_code"].astype(str), "cbsa_name": df["cbsa_name.x"].astype(str),
                        "year": pd.to_numeric(df["year.x"]).astype("Int64"), "population": df["pop_total"]})
    # the file repeats Philadelphia's row (37980) verbatim; identical duplicates are dropped
    out = out.dropna(subset=["population"]).drop_duplicates()
    return out.sort_values("cbsa_code")
