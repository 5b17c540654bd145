"""Regional R&D intensity and human resources in science and technology (2022 vintage).

The mirror's ``eurostat_rd/`` files (Eurostat ``rd_e_gerdreg`` and ``hrst_st_rcat``, pulled
by the EURITO project on 2022-03-31) label regions with a mix of NUTS 2013 and NUTS 2016
codes; the ``region_year_spec`` column is a pipeline label, not the NUTS version. Codes
valid in NUTS 2013 are kept; other codes are converted with the JRC crosswalk (NUTS 2016,
then 2010 and 2006) by :func:`clusterstudy.data.ingest.nuts.harmonise`. London's NUTS 2010
regions (UKI1, UKI2; see :data:`nuts.LONDON_2010`) are built from their NUTS 2013 parts.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from clusterstudy.core.validate import DataError

from . import eurostat, nuts, readers

YEARS = (2000, 2015)


def _level2(path: Path, value: str) -> pd.DataFrame:
    raw = readers.csv(path)
    need = {"year", "region_id", "region_level", value}
    if not need <= set(raw.columns):
        missing = sorted(need - set(raw.columns))[0]
        raise DataError(f"{path}: column {missing!r} missing (not an EURITO Eurostat extract)")
    df = raw[raw["region_level"] == "2"].rename(columns={"region_id": "nuts2"})
    df = df[~df["nuts2"].str.endswith(("ZZ", "XX"))].copy()
    df["year"] = df["year"].astype(int)
    df["value"] = pd.to_numeric(df[value], errors="coerce")
    return df[df["year"].between(*YEARS)].dropna(subset=["value"])[["nuts2", "year", "value"]]


def rd_intensity(mirror: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Gross domestic expenditure on R&D, all sectors, % of GDP (rd_e_gerdreg), NUTS 2, 2000-2015."""
    df = _level2(mirror / "eurostat_rd" / "rd_e_gerdreg_pc_gdp_total.csv", "rd_e_gerdreg_pc_gdp_total")
    df, log = nuts.harmonise(df, mirror, "eu_rd_intensity", ("2016", "2010", "2006"), ["year"])
    # London's NUTS 2010 regions: GDP-weighted mean of their NUTS 2013 parts (R&D = % x GDP)
    gdp = eurostat.gdp_population(readers.eurostat_tsv(mirror / "eurostat" / "nama_10r_2gdp.tsv"))
    parts = df.merge(gdp[["nuts2", "year", "MIO_EUR"]], on=["nuts2", "year"])
    parts["rd_mio_eur"] = parts["value"] * parts["MIO_EUR"] / 100
    london, london_log = nuts.london_sum(parts, mirror, ["year"], ["rd_mio_eur", "MIO_EUR"], "eu_rd_intensity")
    london["value"] = 100 * london["rd_mio_eur"] / london["MIO_EUR"]
    df = pd.concat([df, london[["nuts2", "year", "value"]]], ignore_index=True)
    log = pd.concat([log, london_log], ignore_index=True)
    df = df.rename(columns={"value": "rd_pct_gdp"})
    return df[["nuts2", "year", "rd_pct_gdp"]].sort_values(["nuts2", "year"]), log


def hrst(mirror: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Human resources in science and technology, thousand persons (hrst_st_rcat), NUTS 2, 2000-2015."""
    df = _level2(mirror / "eurostat_rd" / "hrst_st_rcat_hrst_ths.csv", "hrst_st_rcat_hrst_ths")
    raw2 = df
    df, log = nuts.harmonise(df, mirror, "eu_hrst", ("2016", "2010", "2006"), ["year"])
    df, log = nuts.keep_london(raw2, df, log, "eu_hrst", ["year"])  # reported as UKI1/UKI2 to 2009
    london, london_log = nuts.london_sum(df, mirror, ["year"], ["value"], "eu_hrst")
    df = pd.concat([df, london], ignore_index=True).drop_duplicates(["nuts2", "year"])
    log = pd.concat([log, london_log], ignore_index=True)
    df = df.rename(columns={"value": "hrst_thousands"})
    return df[["nuts2", "year", "hrst_thousands"]].sort_values(["nuts2", "year"]), log
