"""European regions: the analysis sample and its indicator table (CLUSNET Figure 6 rebuild).

Sample rule (every choice is a parameter):
- *period*: years ``start..end`` inclusive; every indicator is the mean over the period's
  available years (patents per million, GDP in PPS per inhabitant, tertiary share, and
  persons employed per NACE division);
- *sectors*: all business-economy divisions of the SBS table (``all``), or manufacturing
  divisions C10-C33 (``manufacturing``);
- *observed cells*: a region enters when at least ``min_cell_share`` of the sector set's
  divisions are observed in some year of the period; unobserved cells (confidential or
  not collected) count as zero employment in the indices;
- *patents*: a region needs a patent figure in the period; how zero patents enter the log
  is decided by the model (:mod:`clusterstudy.models`).
"""

from __future__ import annotations

import pandas as pd

from . import extracts, indices

SECTOR_SETS = {"all": r"[B-S]\d\d", "manufacturing": r"C\d\d"}
INDICATOR_COLUMNS = ["nuts2", "country", "patents_per_million", "hhi", "krugman", "cluster_strength",
                     "n_star_sectors", "gdp_pps_per_inhabitant", "tertiary_share", "employment"]


def check_choices(period: tuple[int, int], sectors: str) -> None:
    """Raise a one-line ValueError for an unknown sector set or an impossible period."""
    if sectors not in SECTOR_SETS:
        raise ValueError(f"unknown sector set {sectors!r}; choose one of {', '.join(SECTOR_SETS)}")
    start, end = period
    if not (2008 <= start <= end <= 2012):
        raise ValueError(f"period {start}-{end} outside 2008-2012, the years with both SBS "
                         "employment and patents")


def employment_matrix(period: tuple[int, int], sectors: str = "all", min_cell_share: float = 0.5,
                      sbs: pd.DataFrame | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Region x division mean employment over the period, and the regions excluded (with reason)."""
    check_choices(period, sectors)
    sbs = extracts.load("eu_sbs_employment") if sbs is None else sbs
    sub = sbs[sbs["year"].between(*period) & sbs["nace_r2"].str.fullmatch(SECTOR_SETS[sectors])]
    cells = sub.groupby(["nuts2", "nace_r2"])["persons_employed"].mean()
    matrix = cells.unstack(fill_value=0.0).sort_index()
    observed = cells.groupby(level="nuts2").size() / matrix.shape[1]
    thin = observed[observed < min_cell_share]
    empty = matrix.index[matrix.sum(axis=1) <= 0]
    excluded = pd.DataFrame({
        "nuts2": list(thin.index) + [r for r in empty if r not in thin.index],
        "reason": [f"only {s:.0%} of {matrix.shape[1]} divisions observed" for s in thin]
                  + ["no employment" for r in empty if r not in thin.index],
    })
    keep = matrix.index.difference(excluded["nuts2"])
    return matrix.loc[keep], excluded


def _period_mean(df: pd.DataFrame, period: tuple[int, int], value: str) -> pd.Series:
    return df[df["year"].between(*period)].groupby("nuts2")[value].mean()


def region_indicators(period: tuple[int, int] = (2008, 2012), sectors: str = "all",
                      min_cell_share: float = 0.5, **star_args) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The indicator table (one row per region in the sample) and the excluded regions."""
    matrix, excluded = employment_matrix(period, sectors, min_cell_share)
    measures = indices.all_measures(matrix, **star_args)
    pat = extracts.load("eu_patents")
    ppm = _period_mean(pat[pat["unit"] == "P_MHAB"], period, "value")
    gdp = _period_mean(extracts.load("eu_gdp"), period, "value")
    ter = _period_mean(extracts.load("eu_tertiary"), period, "tertiary_share_pct")
    out = measures.assign(
        patents_per_million=ppm, gdp_pps_per_inhabitant=gdp, tertiary_share=ter,
        employment=matrix.sum(axis=1),
    ).rename_axis("nuts2").reset_index()
    out["country"] = out["nuts2"].str[:2]
    no_pat = out["patents_per_million"].isna()
    excluded = pd.concat([excluded, pd.DataFrame({"nuts2": out.loc[no_pat, "nuts2"],
                                                  "reason": f"no patent data {period[0]}-{period[1]}"})])
    out = out[~no_pat]
    if out.empty:
        raise ValueError(f"empty sample: no region has employment and patents in {period[0]}-{period[1]}")
    return out[INDICATOR_COLUMNS].reset_index(drop=True), excluded.reset_index(drop=True)
