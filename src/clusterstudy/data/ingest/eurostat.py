"""Eurostat NUTS-2 extracts: patents, SBS employment by NACE division, GDP, tertiary education."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from . import nuts, readers

NUTS2 = r"^[A-Z]{2}[0-9A-Z]{2}$"


def _nuts2(df: pd.DataFrame, col: str = "geo") -> pd.DataFrame:
    keep = df[col].str.match(NUTS2) & ~df[col].str.endswith(("ZZ", "XX"))
    return df[keep].rename(columns={col: "nuts2"})


def patents(mirror: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """EPO applications by priority year (pat_ep_rtot), NUTS 2, 2000-2012: NR and P_MHAB.

    NUTS 2013 regions lost to harmonisation (split NUTS 2010 regions such as London's
    UKI1/UKI2) are re-aggregated from the table's NUTS 2010 NUTS-3 rows where those nest
    in them (:func:`nuts.recover_from_nuts3`). London's NUTS 2010 rows (UKI1/UKI2) are kept
    as well, to match the SBS table (:func:`nuts.keep_london`).
    """
    raw = readers.r_data(mirror / "eurostat" / "patents.rda", "patents")
    raw = raw.rename(columns={"time": "year", "values": "value"})
    raw["year"] = raw["year"].astype(int)
    sel = raw[raw["unit"].isin(["NR", "P_MHAB"]) & raw["year"].between(2000, 2012)].dropna(subset=["value"])
    df = raw2 = _nuts2(sel)
    df, log = nuts.harmonise(df, mirror, "eu_patents", ("2010", "2006"), ["unit", "year"])
    df, log = nuts.keep_london(raw2, df, log, "eu_patents", ["unit", "year"])
    extra, extra_log = nuts.recover_from_nuts3(sel, set(df["nuts2"]), mirror, "eu_patents")
    df = pd.concat([df, extra], ignore_index=True)
    log = pd.concat([log, extra_log], ignore_index=True)
    return df[["nuts2", "year", "unit", "value"]].sort_values(["nuts2", "unit", "year"]), log


def sbs_employment(mirror: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Persons employed (V16110) by NUTS 2 and NACE Rev. 2 division, 2008-2015, non-missing cells.

    London keeps its NUTS 2010 regions UKI1/UKI2, the only codes it has in 2008-2012.
    """
    raw = readers.eurostat_tsv(mirror / "eurostat" / "sbs_r_nuts06_r2.tsv.gz")
    df = raw[(raw["indic_sb"] == "V16110") & raw["nace_r2"].str.match(r"^[B-S]\d\d$")]
    df = _nuts2(df).dropna(subset=["value"])
    df = df.rename(columns={"value": "persons_employed"})
    raw2 = df
    df, log = nuts.harmonise(df, mirror, "eu_sbs_employment", ("2010", "2006"), ["nace_r2", "year"])
    df, log = nuts.keep_london(raw2, df, log, "eu_sbs_employment", ["nace_r2", "year"])
    cols = ["nuts2", "nace_r2", "year", "persons_employed", "flag"]
    return df[cols].sort_values(["nuts2", "nace_r2", "year"]), log


def gdp(mirror: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """GDP in PPS per inhabitant (nama_10r_2gdp), NUTS 2, 2000-2014."""
    raw = readers.eurostat_tsv(mirror / "eurostat" / "nama_10r_2gdp.tsv")
    df = _nuts2(raw[raw["unit"] == "PPS_HAB"]).dropna(subset=["value"])
    df, log = nuts.harmonise(df, mirror, "eu_gdp", ("2010", "2006"), ["unit", "year"])
    wide = gdp_population(raw)
    london, london_log = nuts.london_sum(wide, mirror, ["year"], ["MIO_PPS", "population"], "eu_gdp")
    london = london.assign(unit="PPS_HAB", value=london["MIO_PPS"] * 1e6 / london["population"], flag="")
    df = pd.concat([df, london.dropna(subset=["value"])], ignore_index=True)
    log = pd.concat([log, london_log], ignore_index=True)
    return df[["nuts2", "year", "unit", "value", "flag"]].sort_values(["nuts2", "year"]), log


def gdp_population(raw: pd.DataFrame) -> pd.DataFrame:
    """Per region and year: GDP in million PPS and population (million EUR / EUR per inhabitant)."""
    sel = _nuts2(raw[raw["unit"].isin(["MIO_PPS", "MIO_EUR", "EUR_HAB"])]).dropna(subset=["value"])
    wide = sel.pivot_table(index=["nuts2", "year"], columns="unit", values="value").reset_index()
    wide.columns.name = None
    wide["population"] = (wide["MIO_EUR"] * 1e6 / wide["EUR_HAB"]).where(wide["EUR_HAB"] > 0)
    return wide


def population(mirror: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Population by NUTS 2, 2000-2014, derived from nama_10r_2gdp as GDP / GDP per inhabitant.

    Needed where the patent table has applications but no per-million rate (Saarland, DEC0),
    and for human resources in science and technology per inhabitant. London's NUTS 2010
    regions are summed from their NUTS 2013 parts.
    """
    raw = readers.eurostat_tsv(mirror / "eurostat" / "nama_10r_2gdp.tsv")
    wide = gdp_population(raw).dropna(subset=["population"])
    df, log = nuts.harmonise(wide[["nuts2", "year", "population"]], mirror, "eu_population",
                             ("2010", "2006"), ["year"])
    london, london_log = nuts.london_sum(wide, mirror, ["year"], ["population"], "eu_population")
    df = pd.concat([df, london], ignore_index=True)
    log = pd.concat([log, london_log], ignore_index=True)
    return df[["nuts2", "year", "population"]].sort_values(["nuts2", "year"]), log


def tertiary(mirror: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Share of tertiary-educated (ISCED 5-8) in the active population aged 25-64, %, NUTS 2."""
    raw = readers.eurostat_tsv(mirror / "eurostat" / "lfst_r_lfp2acedu.tsv")
    sel = raw[(raw["sex"] == "T") & (raw["age"] == "Y25-64") & raw["isced11"].isin(["ED5-8", "TOTAL"])]
    wide = _nuts2(sel).pivot_table(index=["nuts2", "year"], columns="isced11", values="value").dropna()
    wide = wide[wide["TOTAL"] > 0].reset_index()
    wide.columns.name = None
    # London (NUTS 2010 UKI1/UKI2): reported natively to 2009, summed from its 2013 parts after
    london, london_log = nuts.london_sum(wide, mirror, ["year"], ["ED5-8", "TOTAL"], "eu_tertiary")
    native = wide.loc[wide["nuts2"].isin(nuts.LONDON_2010), ["nuts2", "year"]]
    london = (london.merge(native, how="left", indicator=True).query("_merge == 'left_only'")
              .drop(columns="_merge"))
    wide = pd.concat([wide, london], ignore_index=True)
    df = wide.assign(tertiary_share_pct=100 * wide["ED5-8"] / wide["TOTAL"])[["nuts2", "year", "tertiary_share_pct"]]
    raw2 = df
    df, log = nuts.harmonise(df, mirror, "eu_tertiary", ("2010", "2006"), ["year"])
    df, log = nuts.keep_london(raw2, df, log, "eu_tertiary", ["year"])
    log = pd.concat([log, london_log], ignore_index=True)
    return df[["nuts2", "year", "tertiary_share_pct"]].sort_values(["nuts2", "year"]), log


def nuts2_codes(mirror: Path) -> pd.DataFrame:
    """The NUTS 2013 level-2 codes (the allowed region codes of every European extract)."""
    return nuts.valid_codes(mirror)
