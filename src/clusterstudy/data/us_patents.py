"""Aggregate USPTO county patent grants to states and to Cluster Mapping CBSAs."""

from __future__ import annotations

import pandas as pd

LEVELS = ("state", "cbsa")
# The USPTO's own all-regions row of the PTMT county table for 2015 (USPTO_county.csv, row 'ALL';
# see ../shared/data/us_cluster_mapping/PROVENANCE_metro_datasets.txt).
NATIONAL_2015 = 140_928


def aggregate(county_patents: pd.DataFrame, level: str, cbsa_counties: pd.DataFrame | None = None,
              years: tuple[int, int] = (2000, 2015)) -> tuple[pd.DataFrame, int]:
    """Sum county grants by region and year; return (region_code x year table, counties without record).

    States are the first two FIPS digits (a state's 'undetermined county' SS000 counts
    toward it). CBSAs use the county membership list; a member county with no patent
    record counts as zero, and the number of such counties is returned.
    """
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}; choose one of {', '.join(LEVELS)}")
    cp = county_patents[county_patents["year"].between(*years)]
    if cp.empty:
        raise ValueError(f"no county patent records in years {years[0]}-{years[1]}")
    all_years = range(years[0], years[1] + 1)
    if level == "state":
        keyed = cp.assign(region_code=cp["county_fips"].str[:2])
        missing = 0
    else:
        if cbsa_counties is None:
            raise ValueError("aggregating to CBSAs needs the CBSA-county membership list")
        recorded = set(cp["county_fips"])
        members = cbsa_counties[["cbsa_code", "county_fips"]]
        missing = int((~members["county_fips"].isin(recorded)).sum())
        keyed = members.merge(cp, on="county_fips", how="inner").rename(columns={"cbsa_code": "region_code"})
        regions = members["cbsa_code"].unique()
        full = pd.MultiIndex.from_product([sorted(regions), all_years], names=["region_code", "year"])
        out = keyed.groupby(["region_code", "year"])["patents"].sum().reindex(full, fill_value=0)
        return out.astype("int64").reset_index(), missing
    out = keyed.groupby(["region_code", "year"], as_index=False)["patents"].sum()
    out["patents"] = out["patents"].astype("int64")
    return out.sort_values(["region_code", "year"]).reset_index(drop=True), missing
