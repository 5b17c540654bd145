"""Europe beyond the same-window cross-section: designs, literature controls, sensitivity.

The default European model (:func:`clusterstudy.analyses.eu_models.fit_models`) regresses log
patents per million 2008-2011 on a sector measure of 2008-2012: the same years, so reverse
causation and omitted regional traits are open. This module refits it, for every measure,
under designs that close part of that gap (:data:`DESIGNS`), with the controls the
literature uses (R&D intensity, human resources in science and technology) as labelled
variants, and bounds the primary coefficient's sensitivity to an unobserved confounder
(Cinelli & Hazlett 2020, ``PySensemakr``).

Comparisons: ``across`` countries (no fixed effects) and ``within`` countries (country fixed
effects); the panel is within regions. Errors clustered by country (t(G-1), G = countries
in the sample) with the wild cluster restricted bootstrap p; the panel clusters by region.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from clusterstudy.analyses import eu_models, eu_sample
from clusterstudy.core.prose import pval
from clusterstudy.data import extracts
from clusterstudy.estimation import models, panel
from clusterstudy.estimation import sensitivity as ch
from clusterstudy.measures import catalogue

DESIGNS = {
    "cross_section": "default: sector structure 2008-2012, patents 2008-2011 (same window)",
    "lagged": "sector structure of 2008 against patents 2010-2011",
    "pre_period": "default + log mean patents per million 2000-2004",
    "panel_fe": "region x year 2008-2011, region and year fixed effects, clustered by region",
}
PRE_YEARS = list(range(2000, 2005))
LAG_YEARS = [2010, 2011]
PANEL_YEARS = list(range(2008, 2012))
COMPARISONS = {"across": None, "within": "country"}
COLUMNS = ["design", "measure", "comparison", "coef", "se", "p", "p_wild", "ci_low", "ci_high",
           "n", "clusters"]


def fit_row(frame: pd.DataFrame, measure: str, controls: list[str], fixed_effects: str | None,
            wild: bool = True, B: int = models.WILD_B, seed: int = models.WILD_SEED) -> dict:
    """OLS of log patents per million on the standardised measure; the measure's tidy row."""
    res = eu_models.ols_fit(frame, measure, controls, fixed_effects)
    t = models.tidy(res, "m", wild_terms=(measure,) if wild else (), B=B, seed=seed)
    r = t[t["term"] == measure].iloc[0]
    return {c: r[c] for c in ["coef", "se", "p", "p_wild", "ci_low", "ci_high", "n", "clusters"]}


def pre_period_patents(years: list[int] = PRE_YEARS) -> pd.DataFrame:
    """Per region: mean patents per million over ``years`` (``pre_patents_per_million``), years with data.

    From the ``eu_patents`` extract (Eurostat pat_ep_rtot, priority years), with the same rate
    rule as the default sample (:func:`eu_sample.patent_means`). A region lacks it when it
    has no applications in those years under a code that maps to NUTS 2013.
    """
    pre = eu_sample.patent_means(years)
    return pd.DataFrame({"nuts2": pre.index, "pre_patents_per_million": pre["patents_per_million"].to_numpy(),
                         "pre_years": pre["years"].to_numpy()})


def with_pre_period(regions: pd.DataFrame, years: list[int] = PRE_YEARS) -> pd.DataFrame:
    """``regions`` with ``log_pre_patents`` (log of the 2000-2004 mean; NaN when missing or zero)."""
    pre = pre_period_patents(years)
    out = regions.merge(pre, on="nuts2", how="left")
    rate = out["pre_patents_per_million"]
    out["log_pre_patents"] = np.log(rate.where(rate > 0))
    return out


def lagged_sample(rule: dict, years: list[int] = LAG_YEARS) -> pd.DataFrame:
    """Measures and controls of 2008 with patents per million averaged over ``years`` (2010-2011)."""
    base, _ = eu_sample.region_indicators((2008, 2008), **rule)
    later = eu_sample.patent_means(years)["patents_per_million"]
    return base.assign(patents_per_million=base["nuts2"].map(later))


def region_year_panel(rule: dict, years: list[int] = PANEL_YEARS) -> pd.DataFrame:
    """One row per region x year: that year's measures, controls and patents per million."""
    frames = []
    for y in years:
        frame, _ = eu_sample.region_indicators((y, y), **rule)
        frames.append(frame.assign(year=y))
    out = pd.concat(frames, ignore_index=True)
    out = out[out["patents_per_million"] > 0].copy()
    out["log_outcome"] = np.log(out["patents_per_million"])
    return out


def within_shares(panel_df: pd.DataFrame, measures: tuple[str, ...]) -> pd.DataFrame:
    """Per measure (and log patents): share of the panel variance within regions over time."""
    cols = [*measures, "log_outcome"]
    return pd.DataFrame({"variable": cols, "within_share": [panel.within_share(panel_df, c) for c in cols],
                         "regions": panel_df["nuts2"].nunique(), "years": panel_df["year"].nunique()})


def designs_table(regions: pd.DataFrame, lagged: pd.DataFrame, panel_df: pd.DataFrame,
                  measures: tuple[str, ...], controls: list[str], size: str = "log_population",
                  wild: bool = True, B: int = models.WILD_B, seed: int = models.WILD_SEED) -> pd.DataFrame:
    """One row per design x measure x comparison (:data:`COLUMNS`)."""
    base = [size, *controls]
    pre = with_pre_period(regions)
    rows = []
    for m in measures:
        for design, frame, ctrl in (("cross_section", regions, base), ("lagged", lagged, base),
                                    ("pre_period", pre, [*base, "log_pre_patents"])):
            for comparison, fe in COMPARISONS.items():
                r = fit_row(frame, m, ctrl, fe, wild, B, seed)
                rows.append({"design": design, "measure": m, "comparison": comparison, **r})
        r = panel.fit_twoway(panel_df, m, base, B=B, seed=seed, wild=wild)
        rows.append({"design": "panel_fe", "measure": m, "comparison": "within", **r})
    return pd.DataFrame(rows)[COLUMNS]


def with_controls(regions: pd.DataFrame, period: tuple[int, int] = (2008, 2012),
                  pre_years: list[int] = PRE_YEARS) -> pd.DataFrame:
    """``regions`` with R&D intensity (% of GDP) and HRST (% of population), period and pre-period means.

    ``rd_pct_gdp``, ``hrst_pct_pop``: means over ``period`` (the sample's window);
    ``rd_pct_gdp_pre``: mean over ``pre_years``. HRST per inhabitant uses the regional-accounts
    population (``eu_population``) of the same years.
    """
    def mean(df, col, years):
        return df[df["year"].between(*years)].groupby("nuts2")[col].mean()

    rd, hrst, pop = extracts.load("eu_rd_intensity"), extracts.load("eu_hrst"), extracts.load("eu_population")
    share = hrst.merge(pop, on=["nuts2", "year"])
    share["hrst_pct_pop"] = 100 * share["hrst_thousands"] * 1e3 / share["population"]
    return regions.assign(rd_pct_gdp=regions["nuts2"].map(mean(rd, "rd_pct_gdp", period)),
                          rd_pct_gdp_pre=regions["nuts2"].map(mean(rd, "rd_pct_gdp", (pre_years[0], pre_years[-1]))),
                          hrst_pct_pop=regions["nuts2"].map(mean(share, "hrst_pct_pop", period)))


# label -> (added controls, columns that define the sample, reading)
VARIANTS = {
    "default, R&D sample": ([], ["rd_pct_gdp"],
                            "the default model on the regions with R&D 2008-2012 (isolates the sample change)"),
    "+ R&D 2008-2012": (["rd_pct_gdp"], [], "confounder or mediator: same window, so clusters may raise R&D"),
    "default, R&D 2000-2004 sample": ([], ["rd_pct_gdp_pre"],
                                      "the default model on the regions with R&D 2000-2004 (isolates the sample change)"),
    "+ R&D 2000-2004": (["rd_pct_gdp_pre"], [], "confounder: measured before the sector structure"),
    "+ HRST 2008-2012": (["hrst_pct_pop"], [], "confounder or mediator: skilled workforce, same window"),
    "+ R&D and HRST 2008-2012": (["rd_pct_gdp", "hrst_pct_pop"], [], "both, same window (most conservative)"),
}


def controls_table(regions: pd.DataFrame, measures: tuple[str, ...], controls: list[str],
                   size: str = "log_population", wild: bool = True, B: int = models.WILD_B,
                   seed: int = models.WILD_SEED) -> pd.DataFrame:
    """The cross-section with R&D and HRST added, one row per variant x measure x comparison."""
    frame = with_controls(regions)
    base = [size, *controls]
    rows = []
    for m in measures:
        for label, (extra, sample_cols, reading) in VARIANTS.items():
            sample = frame.dropna(subset=sample_cols)
            for comparison, fe in COMPARISONS.items():
                r = fit_row(sample, m, [*base, *extra], fe, wild, B, seed)
                rows.append({"variant": label, "reading": reading, "measure": m, "comparison": comparison, **r})
    return pd.DataFrame(rows)[["variant", "reading", *COLUMNS[1:]]]


def sensitivity(frame: pd.DataFrame, measure: str, controls: list[str], benchmarks: list[str],
                fixed_effects: str | None = "country", kd: tuple[int, ...] = (1, 2, 3)):
    """Cinelli & Hazlett (2020) sensitivity of the standardised measure's OLS coefficient.

    The sample of the default model (:func:`models.prepare`; singleton fixed-effect groups
    dropped), the measure z-scored; see :func:`sensitivity.cinelli_hazlett` (robustness
    values, bounds from ``kd`` times each benchmark covariate's strength).
    """
    d = models.prepare(frame, "patents_per_million", measure, controls, cluster="country")
    if fixed_effects:
        d = d[d.groupby(fixed_effects)[fixed_effects].transform("size") > 1]
    d = d.assign(**{measure: (d[measure] - d[measure].mean()) / d[measure].std()})
    return ch.cinelli_hazlett(d, measure, controls, benchmarks, fixed_effects, kd)


def ppml_weight_share(regions: pd.DataFrame, top: float = 0.1) -> float:
    """Share of all applications filed in the top ``top`` of regions by applications (PPML's weights)."""
    p = regions["patents"].dropna().sort_values(ascending=False)
    k = max(1, int(round(top * len(p))))
    return float(p.iloc[:k].sum() / p.sum())


# ---------------------------------------------------------------- finding sentences
SENTENCE_DESIGNS = ("cross_section", "lagged", "pre_period", "panel_fe")


def designs_sentence(designs: pd.DataFrame, measure: str, comparison: str = "within") -> str:
    """One measure's coefficient per SD under each design of ``tables/eu_designs.csv``, wild p beside it."""
    rows = designs[(designs["measure"] == measure) & (designs["comparison"] == comparison)].set_index("design")
    parts = [f"{d.replace('_', ' ')} {rows.at[d, 'coef']:+.2f} ({pval(rows.at[d, 'p_wild'], 'wild p')})"
             for d in SENTENCE_DESIGNS if d in rows.index]
    if not parts:
        raise ValueError(f"no {comparison!r} rows for {measure!r} in the EU designs table")
    return f"{catalogue.short(measure)}: " + ", ".join(parts)
