"""European regions: the analysis sample and its indicator table (CLUSNET Figure 6 rebuild).

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

import numpy as np
import pandas as pd

from clusterstudy.core import paths
from clusterstudy.core.prose import pval
from clusterstudy.data import extracts
from clusterstudy.estimation import models
from clusterstudy.measures import indices

SECTOR_SETS = {"all": r"[B-S]\d\d", "manufacturing": r"C\d\d"}
# measures of diversity, not specialisation: high values mean a dispersed structure
DIVERSITY_MEASURES = ("related_variety", "unrelated_variety")
SUPPRESSED = ("missing", "zero")
COMPLETE_SHARE = 0.9
INDICATOR_COLUMNS = ["nuts2", "country", "patents_per_million", "hhi", "krugman", "cluster_strength",
                     "n_star_sectors", "gdp_pps_per_inhabitant", "tertiary_share", "employment",
                     "cluster_strength_traded", "n_star_sectors_traded", "hhi_traded", "krugman_traded",
                     "related_variety", "unrelated_variety", "patents", "population",
                     "log_employment", "log_population"]

# NACE Rev. 2 division titles (Eurostat 2008, NACE Rev. 2 statistical classification, shortened)
NACE_LABELS = {
    "B05": "Mining of coal and lignite", "B06": "Extraction of crude petroleum and natural gas",
    "B07": "Mining of metal ores", "B08": "Other mining and quarrying",
    "B09": "Mining support service activities", "C10": "Food products", "C11": "Beverages",
    "C12": "Tobacco products", "C13": "Textiles", "C14": "Wearing apparel",
    "C15": "Leather and related products", "C16": "Wood and cork products (except furniture)",
    "C17": "Paper and paper products", "C18": "Printing and reproduction of recorded media",
    "C19": "Coke and refined petroleum products", "C20": "Chemicals and chemical products",
    "C21": "Basic pharmaceutical products and preparations", "C22": "Rubber and plastic products",
    "C23": "Other non-metallic mineral products", "C24": "Basic metals",
    "C25": "Fabricated metal products", "C26": "Computer, electronic and optical products",
    "C27": "Electrical equipment", "C28": "Machinery and equipment n.e.c.",
    "C29": "Motor vehicles, trailers and semi-trailers", "C30": "Other transport equipment",
    "C31": "Furniture", "C32": "Other manufacturing", "C33": "Repair and installation of machinery",
    "D35": "Electricity, gas, steam and air conditioning supply", "E36": "Water collection and supply",
    "E37": "Sewerage", "E38": "Waste collection, treatment and disposal", "E39": "Remediation",
    "F41": "Construction of buildings", "F42": "Civil engineering",
    "F43": "Specialised construction activities", "G45": "Motor vehicle trade and repair",
    "G46": "Wholesale trade", "G47": "Retail trade", "H49": "Land transport and pipelines",
    "H50": "Water transport", "H51": "Air transport", "H52": "Warehousing and transport support",
    "H53": "Postal and courier activities", "I55": "Accommodation",
    "I56": "Food and beverage service activities", "J58": "Publishing activities",
    "J59": "Film, video, TV, sound recording and music publishing",
    "J60": "Programming and broadcasting", "J61": "Telecommunications",
    "J62": "Computer programming and consultancy", "J63": "Information service activities",
    "L68": "Real estate activities", "M69": "Legal and accounting activities",
    "M70": "Head offices; management consultancy", "M71": "Architecture and engineering",
    "M72": "Scientific research and development", "M73": "Advertising and market research",
    "M74": "Other professional, scientific and technical activities", "M75": "Veterinary activities",
    "N77": "Rental and leasing", "N78": "Employment activities",
    "N79": "Travel agencies and tour operators", "N80": "Security and investigation",
    "N81": "Services to buildings and landscape", "N82": "Office administrative and support activities",
    "S95": "Repair of computers and personal and household goods",
}


def check_choices(period: tuple[int, int], sectors: str, suppressed: str = "missing") -> None:
    """Raise a one-line ValueError for an unknown sector set, cell rule or an impossible period."""
    if sectors not in SECTOR_SETS:
        raise ValueError(f"unknown sector set {sectors!r}; choose one of {', '.join(SECTOR_SETS)}")
    if suppressed not in SUPPRESSED:
        raise ValueError(f"unknown rule for suppressed cells {suppressed!r}; choose one of {', '.join(SUPPRESSED)}")
    start, end = period
    if not (2008 <= start <= end <= 2012):
        raise ValueError(f"period {start}-{end} outside 2008-2012, the years with both SBS "
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
                          sbs: pd.DataFrame | None = None) -> pd.DataFrame:
    """Traded or local, per NACE division of the SBS table (all divisions, the period's regions).

    Statistic: the locational Gini of the division's employment against total
    business-economy employment across NUTS-2 regions (:func:`indices.locational_gini`);
    traded when above ``cutoff`` (default: the median division). Columns: ``nace_r2``,
    ``label``, ``traded``, ``locational_gini``, ``employment_share``, ``regions_observed``.
    """
    matrix, _ = employment_matrix(period, "all", min_cell_share, sbs, suppressed)
    cls = indices.classify_sectors(matrix, cutoff)
    out = cls.rename_axis("nace_r2").reset_index()
    out.insert(1, "label", out["nace_r2"].map(NACE_LABELS))
    out["regions_observed"] = matrix.notna().sum(axis=0).reindex(out["nace_r2"]).to_numpy()
    return out[["nace_r2", "label", "traded", "locational_gini", "employment_share", "regions_observed"]]


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


def _harmonisation_log() -> pd.DataFrame:
    return pd.read_csv(paths.data_dir() / "extracts" / "eu_nuts_harmonisation.csv", dtype=str,
                       keep_default_na=False)


def recovered_regions() -> pd.DataFrame:
    """NUTS 2013 regions rebuilt from finer NUTS-3 rows by ``make extracts`` (the harmonisation log)."""
    log = _harmonisation_log()
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
                      suppressed: str = "missing",
                      complete_years: bool = True) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The indicator table (one row per region in the sample) and the excluded regions.

    Columns :data:`INDICATOR_COLUMNS`: the pooled measures (``cluster_strength``,
    ``n_star_sectors``: ``size_quantile``/``focus_quantile`` over all cells), HHI and Krugman
    over the sector set; the traded measures (Observatory stars within each traded division:
    top ``1 - star_quantile`` in size and focus, LQ >= ``lq_threshold``, at least
    ``min_stars`` stars; HHI and Krugman over traded divisions); related and unrelated
    variety over all divisions of the set; ``patents`` (mean annual EPO applications),
    ``population`` (applications / per-million rate) and the size variables
    ``log_employment``, ``log_population``. The excluded table lists every NUTS 2013 region
    not in the sample with its reason.
    """
    sbs = extracts.load("eu_sbs_employment")
    matrix, excluded = employment_matrix(period, sectors, min_cell_share, sbs, suppressed)
    measures = indices.all_measures(matrix, size_quantile=size_quantile, lq_threshold=lq_threshold,
                                    focus_quantile=focus_quantile, min_stars=min_stars)
    cls = sector_classification(period, gini_cutoff, suppressed, min_cell_share, sbs)
    traded = [s for s in cls.loc[cls["traded"], "nace_r2"] if s in matrix.columns]
    if not traded:
        raise ValueError(f"no traded division in sector set {sectors!r}")
    strength = indices.traded_cluster_strength(matrix, traded, min_stars, lq_threshold, star_quantile)
    tm = matrix[traded]
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
    log = _harmonisation_log()
    reasons.append(pd.DataFrame({"nuts2": absent, "reason": [_no_sbs_reason(r, period, sbs, log) for r in absent]}))
    excluded = pd.concat([excluded, *reasons], ignore_index=True)
    excluded = excluded.sort_values("nuts2", kind="mergesort").reset_index(drop=True)
    return out[INDICATOR_COLUMNS].reset_index(drop=True), excluded


def region_sector_stars(period: tuple[int, int] = (2008, 2012), sectors: str = "all",
                        min_cell_share: float = 0.5, *, lq_threshold: float = 2.0,
                        star_quantile: float = 0.9, gini_cutoff: float | str = "median",
                        suppressed: str = "missing") -> pd.DataFrame:
    """The long star table over traded divisions: ``nuts2``, ``nace_r2``, the three stars, ``stars``.

    One row per region of the employment sample x traded division present there (same
    rules as :func:`region_indicators`).
    """
    sbs = extracts.load("eu_sbs_employment")
    matrix, _ = employment_matrix(period, sectors, min_cell_share, sbs, suppressed)
    cls = sector_classification(period, gini_cutoff, suppressed, min_cell_share, sbs)
    traded = [s for s in cls.loc[cls["traded"], "nace_r2"] if s in matrix.columns]
    st = indices.observatory_stars(matrix, traded, lq_threshold, star_quantile)
    return st.rename(columns={"region": "nuts2", "sector": "nace_r2"})


# ---------------------------------------------------------------- models of the Figure 6 notebook

MEDIATOR_NOTE = ("GDP per head is left out of the default models: if clusters raise productivity "
                 "and income, income may lie on the path from clusters to patents (a mediator), and "
                 "controlling for it would remove part of the association under test")


def fit_models(regions: pd.DataFrame, measure: str, *, controls: list[str] | tuple[str, ...] = ("tertiary_share",),
               size: str = "log_population", mediator: str | None = "gdp_pps_per_inhabitant",
               country_fe: bool = True, se: str = "cluster", zero_patents: str = "drop",
               wild: bool = True, B: int = models.WILD_B, seed: int = models.WILD_SEED,
               include: tuple[str, ...] | None = None) -> pd.DataFrame:
    """The notebook's models of patenting on one standardised measure, as one tidy table.

    OLS of log patents per million: (1) measure + ``size``; (2) + ``controls``; (3) + country
    fixed effects; (4) = (2) + log ``mediator`` (a possible mediator, a labelled variant);
    the same (2)/(3) with the other error type as a sensitivity; Poisson PML of mean annual
    applications with population as exposure, as (2) and (3). Errors ``se`` (default
    clustered by country, t(G-1) p-values) with a bootstrap p-value of the measure
    (``wild``): wild cluster bootstrap for OLS, wild score bootstrap for Poisson PML.
    ``include``: fit only the models whose names start with one of these prefixes.
    """
    other = "HC3" if se == "cluster" else "cluster"
    base = [size, *controls]
    specs = [("(1) size", [size], None, se, "OLS"), ("(2) size + controls", base, None, se, "OLS")]
    if country_fe:
        specs.append(("(3) + country FE", base, "country", se, "OLS"))
    if mediator:
        specs.append(("(4) + GDP per head (possible mediator)", [*base, mediator], None, se, "OLS"))
    specs.append((f"(2) {other}", base, None, other, "OLS"))
    if country_fe:
        specs.append((f"(3) {other}", base, "country", other, "OLS"))
    specs.append(("(5) Poisson PML", base, None, se, "Poisson PML"))
    if country_fe:
        specs.append(("(6) Poisson PML + country FE", base, "country", se, "Poisson PML"))
    if include is not None:
        specs = [s for s in specs if s[0].startswith(tuple(include))]
    rows = []
    for name, ctrl, fe, err, est in specs:
        if est == "OLS":
            d = models.prepare(regions, "patents_per_million", measure, ctrl, zero_patents, cluster="country")
            res = models.fit(d, measure, ctrl, fe, err, standardise=True)
            terms = (measure,) if wild and err == "cluster" else ()
            rows.append(models.tidy(res, name, wild_terms=terms, B=B, seed=seed))
        else:
            res = models.fit_poisson(regions, "patents", "population", measure, ctrl, fe, se=err,
                                     standardise=True)
            terms = (measure,) if wild and err == "cluster" else ()
            rows.append(models.tidy(res, name, wild_terms=terms, B=B, seed=seed))
    return pd.concat(rows, ignore_index=True)


def headline(regions: pd.DataFrame, measures: tuple[str, ...] = indices.ALL_MEASURES, **kwargs) -> pd.DataFrame:
    """Per measure, the focal coefficient (per SD) across and within countries, OLS and Poisson.

    One row per measure x specification: ``across countries`` = model (2) / (5), ``within
    countries`` = (3) / (6). Columns: ``measure``, ``comparison``, ``estimator``, ``coef``,
    ``ci_low``, ``ci_high``, ``p`` (clustered by country, t(G-1)), ``p_wild`` (wild cluster
    bootstrap for OLS, wild score bootstrap for Poisson PML), ``p_hc3``, ``n``, ``clusters`` (G).
    kwargs go to :func:`fit_models`.
    """
    rows = []
    keep = ("(2)", "(3)", "(5)", "(6)")
    for m in measures:
        t = fit_models(regions, m, include=keep, **kwargs)
        t = t[t["term"] == m].set_index("model")
        for comparison, ols, hc3, pml in [("across countries", "(2) size + controls", "(2) HC3", "(5) Poisson PML"),
                                          ("within countries", "(3) + country FE", "(3) HC3",
                                           "(6) Poisson PML + country FE")]:
            if ols not in t.index:
                continue
            for est, key in (("OLS", ols), ("Poisson PML", pml)):
                r = t.loc[key]
                rows.append({"measure": m, "comparison": comparison, "estimator": est,
                             "coef": r["coef"], "ci_low": r["ci_low"], "ci_high": r["ci_high"],
                             "p": r["p"], "p_wild": r["p_wild"],
                             "p_hc3": t.at[hc3, "p"] if est == "OLS" else np.nan, "n": int(r["n"]),
                             "clusters": r["clusters"]})
    return pd.DataFrame(rows)


def construct_sentence(head: pd.DataFrame, measure: str, label: str, alpha: float = 0.05) -> str:
    """One computed sentence on a measure from :func:`headline`: sign, size and both p-values."""
    h = head[head["measure"] == measure].set_index(["comparison", "estimator"])
    parts = []
    for comparison in ("across countries", "within countries"):
        if (comparison, "OLS") not in h.index:
            continue
        o, p = h.loc[(comparison, "OLS")], h.loc[(comparison, "Poisson PML")]
        sig = "significant" if max(o["p"], o["p_wild"]) < alpha else "not significant"
        parts.append(f"{comparison}, {models.pct_effect(o['coef']):+.0f}% patents per million per SD "
                     f"({pval(o['p'], 'clustered p')}, {pval(o['p_wild'], 'wild bootstrap p')}: {sig} at "
                     f"{alpha:.0%}; Poisson PML {models.pct_effect(p['coef']):+.0f}%, {pval(p['p'])})")
    return f"{label[0].upper()}{label[1:]}: " + "; ".join(parts) + "."
