"""European regions: the analysis sample and its indicator table (CLUSNET Figure 6 rebuild).

The models fitted on it are in :mod:`clusterstudy.analyses.eu_models`.

Sample rule (every choice is a parameter):
- *period*: years ``start..end`` inclusive (within 2008-2012); SBS employment, GDP per
  inhabitant and the tertiary share are means over the period's available years;
- *complete years* (patents): a priority year is complete when the EU patent total (over
  regions reporting every year 2000-2012) reaches ``COMPLETE_SHARE`` of the mean of the
  three years before it (:func:`patent_year_completeness`); 2012 fails (applications
  still being published), so by default patent means use the period's complete years only.
  A region needs patents in at least half of those years;
- *sectors*: all business-economy divisions of the SBS table (``all``), or manufacturing
  divisions C10-C33 (``manufacturing``);
- *observed cells*: a region enters when at least ``min_cell_share`` of the sector set's
  divisions are observed in some year of the period. Cells never observed in the period
  (confidential ``:c`` or not collected) are *missing* (``suppressed="missing"``, the
  default): not present for the stars, left out of a division's locational Gini;
  ``suppressed="zero"`` counts them as zero employment (the earlier rule), to show whether
  the choice matters.

Measures: see :mod:`clusterstudy.measures.indices`. Traded divisions come from
:func:`sector_classification` (locational Gini above the median division, Porter 2003's
logic); traded cluster strength uses Observatory stars ranked within each division.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal, get_args

import numpy as np
import pandas as pd

from clusterstudy.core.contracts import Between, between
from clusterstudy.data import extracts
from clusterstudy.measures import indices, nace, traded

# the sample's options, as types (the notebooks' parameters use them; tests/test_contracts.py
# ties the years to the extracts' schemas)
SectorSet = Literal["all", "manufacturing"]
Suppressed = Literal["missing", "zero"]
TradedSplit = Literal["us_clusters", "gini"]
EuYear = Annotated[int, Between(2008, 2012)]  # both SBS employment (2008-) and patents (-2012)
CellShare = Annotated[float, Between(0, 1)]
TradedThreshold = Annotated[float, Between(0, 1, low_open=True)]
TradedSet = Literal["all", "without_G46", "manufacturing"]
Regressor = Literal["tertiary_share", "gdp_pps_per_inhabitant", "log_population", "log_employment",
                    "population", "employment"]

SECTOR_SETS: dict[str, str] = dict(zip(get_args(SectorSet), (r"[B-S]\d\d", r"C\d\d"), strict=True))
SUPPRESSED: tuple[str, ...] = get_args(Suppressed)
TRADED_SPLITS: tuple[str, ...] = get_args(TradedSplit)
# which traded divisions the traded measures use (a sensitivity): all of the split's, all but wholesale
# (G46, the largest traded division in most regions), or manufacturing only (NACE section C)
TRADED_SETS: dict[str, str] = dict(zip(get_args(TradedSet), (r".*", r"(?!G46$).*", r"C\d\d"), strict=True))
EU_YEARS = between(EuYear)
COMPLETE_SHARE = 0.9
INDICATOR_COLUMNS = ["nuts2", "country", "patents_per_million", "hhi", "krugman", "cluster_strength",
                     "n_star_sectors", "gdp_pps_per_inhabitant", "tertiary_share", "employment",
                     "cluster_strength_traded", "n_star_sectors_traded", "hhi_traded", "krugman_traded",
                     "related_variety", "unrelated_variety", "patents", "population",
                     "log_employment", "log_population"]


def check_choices(period: tuple[int, int], sectors: str, suppressed: str = "missing") -> None:
    """Raise a one-line ValueError for an unknown sector set, cell rule or an impossible period."""
    if sectors not in SECTOR_SETS:
        raise ValueError(f"unknown sector set {sectors!r}; choose one of {', '.join(SECTOR_SETS)}")
    if suppressed not in SUPPRESSED:
        raise ValueError(f"unknown rule for suppressed cells {suppressed!r}; choose one of {', '.join(SUPPRESSED)}")
    start, end = period
    if not (start <= end and start in EU_YEARS and end in EU_YEARS):
        raise ValueError(f"period {start}-{end} outside {EU_YEARS.low}-{EU_YEARS.high}, the years with both SBS "
                         "employment and patents")


def employment_matrix(period: tuple[int, int], sectors: str = "all", min_cell_share: float = 0.5,
                      sbs: pd.DataFrame | None = None,
                      suppressed: str = "missing") -> tuple[pd.DataFrame, pd.DataFrame]:
    """Region x division mean employment over the period, and the regions excluded (with reason).

    Cells never observed in the period are NaN (``suppressed="missing"``) or 0 (``"zero"``).
    """
    check_choices(period, sectors, suppressed)
    sbs = extracts.load("eu_sbs_employment") if sbs is None else sbs
    sub = sbs[sbs["year"].between(*period) & sbs["nace_r2"].str.fullmatch(SECTOR_SETS[sectors])]
    cells = sub.groupby(["nuts2", "nace_r2"])["persons_employed"].mean()
    matrix = cells.unstack().sort_index()
    if suppressed == "zero":
        matrix = matrix.fillna(0.0)
    observed = cells.groupby(level="nuts2").size() / matrix.shape[1]
    thin = observed[observed < min_cell_share]
    empty = matrix.index[matrix.fillna(0.0).sum(axis=1) <= 0]
    excluded = pd.DataFrame({
        "nuts2": list(thin.index) + [r for r in empty if r not in thin.index],
        "reason": [f"only {s:.0%} of {matrix.shape[1]} divisions observed" for s in thin]
                  + ["no employment" for r in empty if r not in thin.index],
    })
    keep = matrix.index.difference(excluded["nuts2"])
    return matrix.loc[keep], excluded


def sector_classification(period: tuple[int, int] = (2008, 2012), cutoff: float | str = "median",
                          suppressed: str = "missing", min_cell_share: float = 0.5,
                          sbs: pd.DataFrame | None = None, split: str = "us_clusters",
                          traded_threshold: float = 0.5) -> pd.DataFrame:
    """Traded or local, per NACE division of the SBS table (all divisions, the period's regions).

    Two statistics, side by side. ``traded_share_us``: the share of the division's bridged U.S.
    employment in traded clusters (Porter 2003; Delgado, Porter & Stern 2016; a priori, see
    :mod:`clusterstudy.measures.traded`), traded when >= ``traded_threshold``;
    ``locational_gini``: the division's locational Gini across NUTS-2 regions
    (:func:`indices.locational_gini`), traded when above ``cutoff`` (``traded_gini``).
    ``split`` picks which one is ``traded``: ``"us_clusters"`` (default) or ``"gini"`` (a
    sensitivity choice). ``cluster_category``: the traded U.S. cluster holding most of the
    division's traded employment, for divisions traded a priori (``cluster_category_share``:
    its part of that employment); ``cluster_coverage_us``: the part of the bridged U.S.
    employment in NAICS industries that the cluster definitions cover.
    """
    if split not in TRADED_SPLITS:
        raise ValueError(f"unknown traded split {split!r}; choose one of {', '.join(TRADED_SPLITS)}")
    matrix, _ = employment_matrix(period, "all", min_cell_share, sbs, suppressed)
    cls = indices.classify_sectors(matrix, cutoff)
    out = cls.rename_axis("nace_r2").reset_index().rename(columns={"traded": "traded_gini"})
    out.insert(1, "label", out["nace_r2"].map(nace.LABELS))
    out["regions_observed"] = matrix.notna().sum(axis=0).reindex(out["nace_r2"]).to_numpy()
    share = traded.division_traded_share(extracts.load("nace_naics_bridge"), extracts.load("us_naics_clusters"),
                                         traded_threshold).set_index("nace_division").reindex(out["nace_r2"])
    if share["traded_share_us"].isna().any():
        raise ValueError(f"division {share.index[share['traded_share_us'].isna()][0]!r} has no bridged "
                         "U.S. employment in the cluster definitions")
    out["traded_share_us"] = share["traded_share_us"].to_numpy()
    out["traded_us"] = share["traded"].astype(bool).to_numpy()
    out["cluster_category"] = share["top_cluster"].where(share["traded"].astype(bool), "").to_numpy()
    out["cluster_category_share"] = share["top_cluster_share"].where(share["traded"].astype(bool)).to_numpy()
    out["cluster_coverage_us"] = share["cluster_coverage"].to_numpy()
    out["traded"] = out["traded_us"] if split == "us_clusters" else out["traded_gini"]
    return out[["nace_r2", "label", "traded", "traded_share_us", "traded_us", "traded_gini", "locational_gini",
                "employment_share", "cluster_category", "cluster_category_share", "cluster_coverage_us",
                "regions_observed"]]


def patent_year_completeness(share: float = COMPLETE_SHARE) -> pd.DataFrame:
    """EU patent applications per priority year, over regions reporting every year, and completeness.

    A year is complete when its total reaches ``share`` of the mean of the three years before
    it (the first three years are complete by definition). Columns: ``year``, ``applications``,
    ``ratio_to_previous_3``, ``complete``.
    """
    nr = extracts.load("eu_patents").query("unit == 'NR'")
    years = sorted(nr["year"].unique())
    per_region = nr.groupby("nuts2")["year"].nunique()
    balanced = per_region.index[per_region == len(years)]
    total = nr[nr["nuts2"].isin(balanced)].groupby("year")["value"].sum()
    ratio = total / total.rolling(3).mean().shift(1)
    return pd.DataFrame({"year": total.index, "applications": total.to_numpy(),
                         "ratio_to_previous_3": ratio.to_numpy(),
                         "complete": (ratio.isna() | (ratio >= share)).to_numpy()})


def patent_years(period: tuple[int, int], complete_years: bool = True) -> list[int]:
    """The patent years averaged for ``period``: all of them, or only the complete ones."""
    years = list(range(period[0], period[1] + 1))
    if not complete_years:
        return years
    comp = patent_year_completeness()
    ok = set(comp.loc[comp["complete"], "year"])
    kept = [y for y in years if y in ok]
    if not kept:
        raise ValueError(f"no complete patent year in {period[0]}-{period[1]}")
    return kept


def patent_means(years: list[int]) -> pd.DataFrame:
    """Per region: mean patents per million and applications over ``years``, population, years reported."""
    return _patents(years)


def _period_mean(df: pd.DataFrame, period: tuple[int, int], value: str) -> pd.Series:
    return df[df["year"].between(*period)].groupby("nuts2")[value].mean()


def _patents(years: list[int]) -> pd.DataFrame:
    """Per region: mean patents per million, mean applications, population, years reported.

    Population is applications / per-million rate (mean over the years with both, any year
    if none in ``years``); a year with applications but no rate (regions new in NUTS 2013,
    e.g. DED4 before 2011) gets applications / that population. A region whose patent table
    never has a rate (Saarland, DEC0) takes its population from the regional accounts
    (``eu_population``, mean over ``years``).
    """
    pat = extracts.load("eu_patents")
    wide = pat.pivot_table(index=["nuts2", "year"], columns="unit", values="value")
    pop = (wide["NR"] / wide["P_MHAB"] * 1e6).where(wide["P_MHAB"] > 0).rename("pop").reset_index()
    in_years = pop[pop["year"].isin(years)].groupby("nuts2")["pop"].mean()
    accounts = extracts.load("eu_population")
    accounts = accounts[accounts["year"].isin(years)].groupby("nuts2")["population"].mean()
    population = in_years.combine_first(pop.groupby("nuts2")["pop"].mean()).combine_first(accounts)
    wide = wide[wide.index.get_level_values("year").isin(years)].dropna(subset=["NR"])
    region = wide.index.get_level_values("nuts2")
    rate = wide["P_MHAB"].fillna(wide["NR"] / population.reindex(region).to_numpy() * 1e6)
    g = wide.assign(rate=rate).dropna(subset=["rate"]).groupby(level="nuts2")
    return pd.DataFrame({"patents_per_million": g["rate"].mean(), "patents": g["NR"].mean(),
                         "population": population, "years": g.size()}).dropna(subset=["years"])


def recovered_regions() -> pd.DataFrame:
    """NUTS 2013 regions rebuilt from finer NUTS-3 rows by ``make extracts`` (the harmonisation log)."""
    log = extracts.harmonisation_log()
    return log[log["action"] == "recovered"][["extract", "from_code", "to_code", "reason"]].reset_index(drop=True)


def _no_sbs_reason(region: str, period: tuple[int, int], sbs: pd.DataFrame, log: pd.DataFrame) -> str:
    """Why a NUTS 2013 region has no SBS employment in the period (other years, split predecessor)."""
    years = sorted(sbs.loc[sbs["nuts2"] == region, "year"].unique())
    reason = f"no SBS employment {period[0]}-{period[1]}"
    london = log[(log["extract"] == "eu_gdp") & (log["action"] == "summed")
                 & log["from_code"].str.split("+").apply(lambda codes: region in codes)]
    if not london.empty:
        return reason + f" under NUTS 2013 (London is in the sample as NUTS 2010 {london['to_code'].iloc[0]})"
    if years:
        reason += f" (reported only {years[0]}-{years[-1]}"
        split = log[(log["extract"] == "eu_sbs_employment") & (log["action"] == "dropped")
                    & log["reason"].str.contains(region)]
        if not split.empty:
            reason += f"; earlier years under NUTS 2010 {', '.join(split['from_code'])}, split in NUTS 2013"
        reason += ")"
    else:
        reason += " (not in the SBS table)"
    return reason


def region_indicators(period: tuple[int, int] = (2008, 2012), sectors: str = "all",
                      min_cell_share: float = 0.5, *, size_quantile: float = 0.9,
                      lq_threshold: float = 2.0, focus_quantile: float = 0.9,
                      star_quantile: float = 0.9, min_stars: int = 2, gini_cutoff: float | str = "median",
                      suppressed: str = "missing", complete_years: bool = True,
                      traded_split: str = "us_clusters",
                      traded_threshold: float = 0.5,
                      traded_set: str = "all") -> tuple[pd.DataFrame, pd.DataFrame]:
    """The indicator table (one row per region in the sample) and the excluded regions.

    Columns :data:`INDICATOR_COLUMNS`: the pooled measures (``cluster_strength``,
    ``n_star_sectors``: ``size_quantile``/``focus_quantile`` over all cells), HHI and Krugman
    over the sector set; the traded measures (Observatory stars within each traded division:
    top ``1 - star_quantile`` in size and focus, LQ >= ``lq_threshold``, at least
    ``min_stars`` stars; HHI and Krugman over traded divisions); related and unrelated
    variety over all divisions of the set; ``patents`` (mean annual EPO applications),
    ``population`` (applications / per-million rate) and the size variables
    ``log_employment``, ``log_population``. Traded divisions: :func:`sector_classification`
    with ``split=traded_split`` (a priori from the U.S. clusters by default, ``"gini"`` as a
    sensitivity choice), restricted to ``traded_set`` (:data:`TRADED_SETS`). The excluded
    table lists every NUTS 2013 region not in the sample with its reason.
    """
    if traded_set not in TRADED_SETS:
        raise ValueError(f"unknown traded set {traded_set!r}; choose one of {', '.join(TRADED_SETS)}")
    sbs = extracts.load("eu_sbs_employment")
    matrix, excluded = employment_matrix(period, sectors, min_cell_share, sbs, suppressed)
    measures = indices.all_measures(matrix, size_quantile=size_quantile, lq_threshold=lq_threshold,
                                    focus_quantile=focus_quantile, min_stars=min_stars)
    cls = sector_classification(period, gini_cutoff, suppressed, min_cell_share, sbs, traded_split, traded_threshold)
    divs = [s for s in cls.loc[cls["traded"], "nace_r2"]
            if s in matrix.columns and re.fullmatch(TRADED_SETS[traded_set], s)]
    if not divs:
        raise ValueError(f"no traded division in sector set {sectors!r}")
    strength = indices.traded_cluster_strength(matrix, divs, min_stars, lq_threshold, star_quantile)
    tm = matrix[divs]
    tm = tm[tm.fillna(0.0).sum(axis=1) > 0]
    var = indices.variety(matrix)
    years = patent_years(period, complete_years)
    pat = _patents(years)
    gdp = _period_mean(extracts.load("eu_gdp"), period, "value")
    ter = _period_mean(extracts.load("eu_tertiary"), period, "tertiary_share_pct")
    employment = matrix.fillna(0.0).sum(axis=1)
    out = measures.join(strength).assign(
        hhi_traded=indices.hhi(tm), krugman_traded=indices.krugman(tm),
        related_variety=var["related_variety"], unrelated_variety=var["unrelated_variety"],
        patents_per_million=pat["patents_per_million"], patents=pat["patents"],
        population=pat["population"], years=pat["years"],
        gdp_pps_per_inhabitant=gdp, tertiary_share=ter, employment=employment,
        log_employment=np.log(employment), log_population=np.log(pat["population"]),
    ).rename_axis("nuts2").reset_index()
    out["country"] = out["nuts2"].str[:2]
    label = f"{years[0]}-{years[-1]}" if len(years) > 1 else str(years[0])
    no_pat = out["patents_per_million"].isna()
    few = ~no_pat & (out["years"] < len(years) / 2)
    reasons = [pd.DataFrame({"nuts2": out.loc[no_pat, "nuts2"], "reason": f"no patent data {label}"}),
               pd.DataFrame({"nuts2": out.loc[few, "nuts2"],
                             "reason": [f"patents in only {int(n)} of {len(years)} complete years"
                                        for n in out.loc[few, "years"]]})]
    out = out[~no_pat & ~few]
    if out.empty:
        raise ValueError(f"empty sample: no region has employment and patents in {period[0]}-{period[1]}")
    known = set(extracts.load("nuts2_2013")["nuts2"])
    seen = set(matrix.index) | set(excluded["nuts2"])
    absent = sorted(known - seen)
    log = extracts.harmonisation_log()
    reasons.append(pd.DataFrame({"nuts2": absent, "reason": [_no_sbs_reason(r, period, sbs, log) for r in absent]}))
    excluded = pd.concat([excluded, *reasons], ignore_index=True)
    excluded = excluded.sort_values("nuts2", kind="mergesort").reset_index(drop=True)
    return out[INDICATOR_COLUMNS].reset_index(drop=True), excluded


def region_sector_stars(period: tuple[int, int] = (2008, 2012), sectors: str = "all",
                        min_cell_share: float = 0.5, *, lq_threshold: float = 2.0,
                        star_quantile: float = 0.9, gini_cutoff: float | str = "median",
                        suppressed: str = "missing", traded_split: str = "us_clusters",
                        traded_threshold: float = 0.5, level: str = "division") -> pd.DataFrame:
    """The long star table over traded divisions (``level="division"``: ``nuts2``, ``nace_r2``,
    the three stars, ``stars``) or over cluster categories (``level="category"``: ``nuts2``,
    ``category``, ...; the a-priori traded divisions summed by
    :func:`clusterstudy.measures.traded.category_matrix`, stars ranked within category).

    One row per region of the employment sample x traded division (or category) present
    there (same rules as :func:`region_indicators`).
    """
    if level not in ("division", "category"):
        raise ValueError(f"unknown star level {level!r}; choose 'division' or 'category'")
    sbs = extracts.load("eu_sbs_employment")
    matrix, _ = employment_matrix(period, sectors, min_cell_share, sbs, suppressed)
    cls = sector_classification(period, gini_cutoff, suppressed, min_cell_share, sbs,
                                "us_clusters" if level == "category" else traded_split, traded_threshold)
    divs = [s for s in cls.loc[cls["traded"], "nace_r2"] if s in matrix.columns]
    if level == "category":
        cats = traded.categories(cls.rename(columns={"nace_r2": "nace_division", "cluster_category": "top_cluster"}))
        cats = {d: c for d, c in cats.items() if d in divs}
        matrix, divs = traded.category_matrix(matrix, cats), sorted(set(cats.values()))
    st = indices.observatory_stars(matrix, divs, lq_threshold, star_quantile)
    return st.rename(columns={"region": "nuts2", "sector": "nace_r2" if level == "division" else "category"})
