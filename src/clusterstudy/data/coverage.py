"""What the data layer holds: the sources table, European panel coverage, harmonisation losses."""

from __future__ import annotations

import json
from typing import Annotated

import pandas as pd

from clusterstudy.core import paths
from clusterstudy.core.contracts import Between
from clusterstudy.data import extracts, us_patents
from clusterstudy.data.catalogue import CATALOGUE

PanelYear = Annotated[int, Between(2000, 2015)]  # the European panel: patents from 2000, SBS to 2015
REGION_COLUMNS = ("nuts2", "region_code", "cbsa_code", "city_code", "county_fips")  # first found counts


def sources_table() -> pd.DataFrame:
    """One row per data file of data/datapackage.json: producer, dataset, years, licence, sha256."""
    pkg = json.loads((paths.data_dir() / "datapackage.json").read_text())
    rows = []
    for r in pkg["resources"]:
        rows.append({
            "file": f"data/{r['path']}", "producer": r.get("producer", "source document (seed)"),
            "dataset": r.get("dataset", r.get("reproduces", "")), "years": r.get("years", ""),
            "licence": r["licenses"][0].get("name") or r["licenses"][0]["title"],  # SPDX id, else the terms
            "sha256": r["hash"].removeprefix("sha256:"),
        })
    return pd.DataFrame(rows)


def region_counts() -> pd.DataFrame:
    """Rows and distinct regions of each extract."""
    rows = []
    for name in CATALOGUE:
        df = extracts.load(name)
        col = next((c for c in REGION_COLUMNS if c in df.columns), None)
        rows.append({"extract": name, "rows": len(df),
                     "region_column": col or "", "regions": df[col].nunique() if col else 0})
    return pd.DataFrame(rows)


def eu_panel(years: tuple[int, int]) -> pd.DataFrame:
    """Availability of the four European indicators per NUTS-2 region and year (True/False)."""
    pat = extracts.load("eu_patents")
    series = {
        "patents per million": pat[pat["unit"] == "P_MHAB"],
        "SBS employment": extracts.load("eu_sbs_employment").drop_duplicates(["nuts2", "year"]),
        "GDP PPS per inhabitant": extracts.load("eu_gdp"),
        "tertiary share": extracts.load("eu_tertiary"),
    }
    regions = extracts.load("nuts2_2013")["nuts2"]
    grid = pd.MultiIndex.from_product([regions, range(years[0], years[1] + 1)], names=["nuts2", "year"])
    out = pd.DataFrame(index=grid)
    for label, df in series.items():
        present = pd.Series(True, index=pd.MultiIndex.from_frame(df[["nuts2", "year"]].astype(
            {"nuts2": "object", "year": "int64"})))
        out[label] = present.reindex(grid, fill_value=False).to_numpy()
    if out.empty:
        raise ValueError(f"no European data in years {years[0]}-{years[1]}")
    return out.reset_index()


def eu_harmonisation_summary() -> pd.DataFrame:
    """Codes kept, renamed, dropped, recovered (from NUTS 3) and summed (London from NUTS 2013 parts) per extract."""
    log = extracts.harmonisation_log()
    return (log.groupby(["extract", "action"]).size().unstack(fill_value=0)
            .reindex(columns=["kept", "renamed", "dropped", "recovered", "summed"], fill_value=0).reset_index())


def eu_dropped_codes() -> pd.DataFrame:
    """The European region codes that could not be converted to NUTS 2013, with reasons."""
    log = extracts.harmonisation_log()
    return log[log["action"] == "dropped"][["extract", "from_code", "reason"]].reset_index(drop=True)


def us_losses(years: tuple[int, int] = (2000, 2015)) -> pd.DataFrame:
    """County patents aggregated to states and CBSAs: regions and member counties without record."""
    cp = extracts.load("us_county_patents")
    cc = extracts.load("us_cbsa_counties")
    states, _ = us_patents.aggregate(cp, "state", years=years)
    cbsas, missing = us_patents.aggregate(cp, "cbsa", cc, years=years)
    cmp_ = extracts.load("us_cluster_employment")
    cmp_states = set(cmp_.loc[cmp_["region_type"] == "state", "region_code"])
    return pd.DataFrame([
        {"step": "county patents -> states", "regions": states["region_code"].nunique(),
         "matched_to_cluster_data": len(cmp_states & set(states["region_code"])),
         "counties_without_patent_record": 0},
        {"step": "county patents -> CBSAs (2016 definitions)", "regions": cbsas["region_code"].nunique(),
         "matched_to_cluster_data": cbsas["region_code"].nunique(),
         "counties_without_patent_record": missing},
    ])


def cn_matching() -> pd.DataFrame:
    """Resource-based prefecture-level units matched to the city cross-section, by type."""
    rc = extracts.load("cn_resource_cities")
    pref = rc[rc["level"] == "prefecture-level"]
    out = pref.groupby("resource_type")["match"].value_counts().unstack(fill_value=0)
    out = out.reindex(index=["growing", "mature", "declining", "regenerating"],
                      columns=["matched", "unmatched"], fill_value=0)
    out["total"] = out.sum(axis=1)
    return out.reset_index()
