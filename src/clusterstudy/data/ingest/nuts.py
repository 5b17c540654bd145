"""NUTS version harmonisation (to NUTS 2013) with the JRC/`nuts` crosswalk.

Target version: **NUTS 2013**, the version of the SBS employment and regional GDP tables, so
that only the patent table (NUTS 2010) and stray older codes need converting. A code of an
older version is converted when at least ``share`` (default 98%) of its 2011 population falls
in one NUTS 2013 region *and* that region draws at least ``share`` of its population from it
(a rename or a negligible boundary shift). Splits and merges cannot be converted for values
per inhabitant without new weights, so those regions are dropped, counted and listed.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from clusterstudy.data.catalogue import LONDON_2010

from . import readers

TARGET = "2013"
SHARE = 0.98


def valid_codes(mirror: Path, version: str = TARGET) -> pd.DataFrame:
    """NUTS-2 codes of ``version`` with their country names."""
    codes = readers.r_data(mirror / "eurostat" / "all_nuts_codes.rda", "all_nuts_codes")
    lvl2 = codes[(codes["version"] == version) & (codes["code"].str.len() == 4)]
    return (lvl2.rename(columns={"code": "nuts2"})[["nuts2", "country"]]
            .drop_duplicates().sort_values("nuts2").reset_index(drop=True))


def conversion(mirror: Path, from_version: str, share: float = SHARE) -> pd.DataFrame:
    """One row per NUTS-2 code of ``from_version``: its 2013 code, or NA with the reason."""
    cw = readers.r_data(mirror / "eurostat" / "cross_walks.rda", "cross_walks")
    cw = cw[(cw["from_version"] == from_version) & (cw["to_version"] == TARGET) & (cw["level"] == 2)]
    cw = cw[["from_code", "to_code", "pop11"]].copy()
    cw["pop11"] = cw["pop11"].fillna(0.0)
    out_share = cw["pop11"] / cw.groupby("from_code")["pop11"].transform("sum")
    in_share = cw["pop11"] / cw.groupby("to_code")["pop11"].transform("sum")
    cw["ok"] = (out_share >= share) & (in_share >= share)
    rows = []
    for code, grp in cw.groupby("from_code", sort=True):
        hit = grp[grp["ok"]]
        if len(hit) == 1:
            to = hit["to_code"].iloc[0]
            rows.append((code, to, "kept" if to == code else "renamed", ""))
        else:
            targets = ", ".join(sorted(grp.loc[grp["pop11"] > 0, "to_code"]))
            rows.append((code, pd.NA, "dropped", f"split or merged in NUTS {TARGET} (-> {targets})"))
    return pd.DataFrame(rows, columns=["from_code", "to_code", "action", "reason"])


def harmonise(df: pd.DataFrame, mirror: Path, extract: str, versions: tuple[str, ...],
              keys: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Convert ``df['nuts2']`` to NUTS 2013; return (converted rows, one log row per code).

    Codes already valid in 2013 are kept. Others are converted with the first of
    ``versions`` whose crosswalk knows them; a converted row whose 2013 code is already
    present natively for the same ``keys`` is dropped as a duplicate.
    """
    valid = set(valid_codes(mirror)["nuts2"])
    tables = {v: conversion(mirror, v).set_index("from_code") for v in versions}
    log = []
    mapping: dict[str, str | None] = {}
    for code in sorted(df["nuts2"].unique()):
        if code in valid:
            mapping[code] = code
            log.append((extract, code, code, "kept", "valid NUTS 2013 code"))
            continue
        for v, table in tables.items():
            if code in table.index:
                row = table.loc[code]
                mapping[code] = None if pd.isna(row["to_code"]) else row["to_code"]
                reason = row["reason"] or f"NUTS {v} code converted 1:1"
                log.append((extract, code, row["to_code"], row["action"], reason))
                break
        else:
            mapping[code] = None
            log.append((extract, code, pd.NA, "dropped", "not a NUTS 2006/2010/2013 region"))
    out = df.copy()
    out["native"] = out["nuts2"].isin(valid)
    out["nuts2"] = out["nuts2"].map(mapping)
    out = out[out["nuts2"].notna()]
    out = out.sort_values("native", ascending=False, kind="mergesort")
    dup = out.duplicated(["nuts2", *keys])
    out = out[~dup].drop(columns="native")
    log_df = pd.DataFrame(log, columns=["extract", "from_code", "to_code", "action", "reason"])
    if dup.any():
        log_df.loc[log_df["action"] == "renamed", "reason"] += " (duplicates of native rows dropped)"
    return out, log_df


def recover_from_nuts3(raw: pd.DataFrame, present: set[str], mirror: Path, extract: str,
                       from_version: str = "2010", share: float = SHARE) -> tuple[pd.DataFrame, pd.DataFrame]:
    """NUTS 2013 level-2 regions missing from ``present``, re-aggregated from older NUTS-3 codes.

    ``raw`` has ``geo`` (NUTS-3 codes of ``from_version``), ``unit`` (NR, P_MHAB), ``year``,
    ``value``. An old NUTS-3 code belongs to a 2013 level-2 region when at least ``share``
    of its 2011 population lies there; a region is recovered in a year when its assigned
    codes hold at least ``share`` of its population and all report NR and P_MHAB > 0 that
    year. NR is summed; P_MHAB = sum NR / sum population (population = NR / P_MHAB).
    Returns rows (nuts2, year, unit, value) and one log row per recovered region.
    """
    cw = readers.r_data(mirror / "eurostat" / "cross_walks.rda", "cross_walks")
    cw = cw[(cw["from_version"] == from_version) & (cw["to_version"] == TARGET) & (cw["level"] == 3)]
    cw = cw[["from_code", "to_code", "pop11"]].assign(pop11=lambda d: d["pop11"].fillna(0.0),
                                                       nuts2=lambda d: d["to_code"].str[:4])
    by = cw.groupby(["from_code", "nuts2"])["pop11"].sum().reset_index()
    by["out_share"] = by["pop11"] / by.groupby("from_code")["pop11"].transform("sum")
    assigned = by[by["out_share"] >= share]
    target_pop = cw.groupby("nuts2")["pop11"].sum()
    valid = set(valid_codes(mirror)["nuts2"])
    wanted = sorted((valid - present) & set(assigned["nuts2"]))
    wide = raw[raw["geo"].str.len() == 5].pivot_table(index=["geo", "year"], columns="unit", values="value")
    rows, log = [], []
    for region in wanted:
        members = assigned[assigned["nuts2"] == region]
        if members["pop11"].sum() < share * target_pop[region]:
            continue
        codes = list(members["from_code"])
        got = wide[wide.index.get_level_values("geo").isin(codes)].reset_index()
        got = got[(got["NR"].notna()) & (got["P_MHAB"] > 0)]
        years = []
        for year, grp in got.groupby("year"):
            if set(grp["geo"]) != set(codes):
                continue
            nr = grp["NR"].sum()
            pop = (grp["NR"] / grp["P_MHAB"] * 1e6).sum()
            rows += [(region, int(year), "NR", nr), (region, int(year), "P_MHAB", nr / pop * 1e6)]
            years.append(int(year))
        if years:
            log.append((extract, "+".join(codes), region, "recovered",
                        f"re-aggregated from NUTS {from_version} NUTS-3 ({len(years)} years)"))
    out = pd.DataFrame(rows, columns=["nuts2", "year", "unit", "value"])
    return out, pd.DataFrame(log, columns=["extract", "from_code", "to_code", "action", "reason"])


# London: NUTS 2010 split Inner (UKI1) and Outer London (UKI2) into five NUTS 2013 regions.
# The SBS table reports London only under the 2010 codes for 2008-2012, so the European
# extracts keep London as UKI1/UKI2 and rebuild the other sources for them from their
# NUTS 2013 parts (:func:`london_members` checks the nesting against the crosswalk). The
# mapping is declared in the catalogue, which allows UKI1/UKI2 in European extracts.


def london_members(mirror: Path, share: float = SHARE) -> dict[str, tuple[str, ...]]:
    """:data:`LONDON_2010`, checked: each 2013 part lies (by 2011 population) in its 2010 region."""
    cw = readers.r_data(mirror / "eurostat" / "cross_walks.rda", "cross_walks")
    cw = cw[(cw["from_version"] == "2010") & (cw["to_version"] == TARGET) & (cw["level"] == 2)
            & cw["from_code"].isin(LONDON_2010)]
    pop = cw.groupby(["from_code", "to_code"])["pop11"].sum()
    for old, parts in LONDON_2010.items():
        for part in parts:
            got = pop.get((old, part), 0.0) / pop.xs(part, level="to_code").sum()
            if got < share:
                raise ValueError(f"{part} is not nested in {old}: {got:.1%} of its 2011 population")
    return LONDON_2010


def keep_london(raw: pd.DataFrame, out: pd.DataFrame, log: pd.DataFrame, extract: str,
                keys: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Add back the NUTS 2010 London rows (UKI1, UKI2) of ``raw`` that harmonisation dropped."""
    london = raw[raw["nuts2"].isin(LONDON_2010)]
    out = pd.concat([out, london], ignore_index=True).drop_duplicates(["nuts2", *keys])
    log = log[~log["from_code"].isin(LONDON_2010)]
    extra = pd.DataFrame([(extract, code, code, "kept",
                           "NUTS 2010 London region kept: the SBS table reports London only under "
                           "UKI1/UKI2 in 2008-2012") for code in sorted(london["nuts2"].unique())],
                         columns=log.columns)
    return out, pd.concat([log, extra], ignore_index=True)


def london_sum(df: pd.DataFrame, mirror: Path, keys: list[str], values: list[str],
               extract: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """UKI1/UKI2 rows summed from their NUTS 2013 parts, where every part reports (per ``keys``)."""
    rows, log = [], []
    for old, parts in london_members(mirror).items():
        sub = df[df["nuts2"].isin(parts)]
        full = sub.groupby(keys)["nuts2"].transform("nunique") == len(parts)
        agg = sub[full].groupby(keys, as_index=False)[values].sum(min_count=1)
        if agg.empty:
            continue
        rows.append(agg.assign(nuts2=old))
        log.append((extract, "+".join(parts), old, "summed",
                    f"NUTS 2010 London region summed from its NUTS 2013 parts ({len(agg)} rows)"))
    out = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=["nuts2", *keys, *values])
    return out, pd.DataFrame(log, columns=["extract", "from_code", "to_code", "action", "reason"])
