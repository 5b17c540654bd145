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
in the sample) with the wild cluster restricted bootstrap p, the panel too (its clustering by
region is a labelled variant); ``cluster_level`` says which, for every row.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from clusterstudy.analyses import eu_models, eu_sample
from clusterstudy.core.prose import pval
from clusterstudy.data import extracts
from clusterstudy.estimation import models, panel
from clusterstudy.estimation import sensitivity as ch
from clusterstudy.measures import catalogue, indices

DESIGNS = {
    "cross_section": "default: sector structure 2008-2012, patents 2008-2011 (same window)",
    "lagged": "sector structure of 2008 against patents 2010-2011",
    "pre_period": "default + log mean patents per million 2000-2004",
    "panel_fe": "region x year 2008-2011, region and year fixed effects, clustered by country",
    "cross_section_lagged_sample": "default cross-section on the lagged design's regions (isolates the sample change)",
    "placebo_pre_patents": "placebo: sector structure 2008-2012 against patents 2000-2004, before it",
    "long_difference": "log patents per million 2008-2011 minus 2000-2004 on the structure of 2008-2012",
    "panel_fe_region_clusters": "the panel, errors clustered by region (the earlier choice)",
    "panel_fe_fixed_stars": "the panel with stars held at their 2008-2012 assignment (employment moves, stars do not)",
    "panel_fe_country_year": "the panel with country x year instead of common year effects",
}
# what each design can rule out, and what it cannot (the notebook's reading of the designs table)
RULES_OUT = {
    "cross_section": ("nothing beyond the controls", "reverse causation, persistent regional traits"),
    "lagged": ("patents causing the same years' structure", "persistent traits; its sample differs (see the "
               "lagged-sample row)"),
    "pre_period": ("traits that made a region innovative already in 2000-2004", "traits that changed after 2004"),
    "panel_fe": ("every fixed regional trait", "short-run noise: the measures barely move in four years"),
    "cross_section_lagged_sample": ("a difference of sample between lagged and default", "as the cross-section"),
    "placebo_pre_patents": ("nothing: it tests the cross-section", "a coefficient as large as the default says "
                            "persistent traits, not clusters of 2008-2012, can carry it"),
    "long_difference": ("fixed regional traits in the level of patenting", "that structure was measured only "
                        "once, at the end"),
    "panel_fe_region_clusters": ("as the panel", "inference: regions are nested in countries"),
    "panel_fe_fixed_stars": ("star reclassification noise (flips at the thresholds)", "as the panel"),
    "panel_fe_country_year": ("national shocks of each year", "as the panel"),
}
CLUSTER_LEVEL = {d: "region" if d == "panel_fe_region_clusters" else "country" for d in DESIGNS}
PRE_YEARS = list(range(2000, 2005))
LAG_YEARS = [2010, 2011]
PANEL_YEARS = list(range(2008, 2012))
COMPARISONS = {"across": None, "within": "country"}
COLUMNS = ["design", "measure", "comparison", "coef", "se", "p", "p_wild", "ci_low", "ci_high",
           "n", "clusters", "cluster_level", "singletons_dropped"]
STAR_MEASURES = ("cluster_strength_traded",)  # measures the fixed-star panel can hold


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


def singleton_countries(frame: pd.DataFrame, measure: str, controls: list[str],
                        outcome: str = "patents_per_million") -> str:
    """The countries with one region in a model's sample (dropped by country fixed effects), comma-separated."""
    cols = [c for c in [outcome, measure, *controls] if c in frame.columns]
    d = frame.dropna(subset=cols)
    if outcome in d.columns:
        d = d[d[outcome] > 0]
    n = d.groupby("country").size()
    return ", ".join(sorted(n.index[n == 1]))


def design_frames(regions: pd.DataFrame, lagged: pd.DataFrame, size: str,
                  controls: list[str]) -> dict[str, tuple[pd.DataFrame, list[str]]]:
    """The cross-sectional designs: name -> (frame whose ``patents_per_million`` is the outcome, controls)."""
    base = [size, *controls]
    pre = with_pre_period(regions)
    rate = pre["pre_patents_per_million"].where(pre["pre_patents_per_million"] > 0)
    on_lagged = regions[regions["nuts2"].isin(lagged.dropna(subset=["patents_per_million"])["nuts2"])]
    return {"cross_section": (regions, base), "lagged": (lagged, base),
            "pre_period": (pre, [*base, "log_pre_patents"]),
            "cross_section_lagged_sample": (on_lagged, base),
            "placebo_pre_patents": (pre.assign(patents_per_million=rate), base),
            # log(a / b) = log a - log b: the long difference as the model's log outcome
            "long_difference": (pre.assign(patents_per_million=pre["patents_per_million"] / rate), base)}


def panel_variants(panel_df: pd.DataFrame, fixed: pd.DataFrame | None,
                   measure: str) -> dict[str, tuple[pd.DataFrame, dict]]:
    """The panel designs for ``measure``: name -> (panel, keyword arguments of :func:`panel.fit_twoway`)."""
    out = {"panel_fe": (panel_df, {"cluster": "country"}),
           "panel_fe_region_clusters": (panel_df, {}),
           "panel_fe_country_year": (panel_df, {"cluster": "country", "time_by": "country"})}
    if fixed is not None and measure in STAR_MEASURES:
        out["panel_fe_fixed_stars"] = (fixed, {"cluster": "country"})
    return out


def design_rows(frames: dict[str, tuple[pd.DataFrame, list[str]]], panels: dict[str, tuple[pd.DataFrame, dict]],
                measure: str, controls: list[str], wild: bool = True, B: int = models.WILD_B,
                seed: int = models.WILD_SEED) -> list[dict]:
    """One row per design x comparison for ``measure`` (:data:`COLUMNS`)."""
    rows = []
    for design, (frame, ctrl) in frames.items():
        for comparison, fe in COMPARISONS.items():
            r = fit_row(frame, measure, ctrl, fe, wild, B, seed)
            rows.append({"design": design, "measure": measure, "comparison": comparison, **r,
                         "cluster_level": CLUSTER_LEVEL[design],
                         "singletons_dropped": singleton_countries(frame, measure, ctrl) if fe else ""})
    for design, (frame, kw) in panels.items():
        r = panel.fit_twoway(frame, measure, controls, B=B, seed=seed, wild=wild, **kw)
        dropped = singleton_countries(frame.drop_duplicates("nuts2"), measure, controls) if kw.get("time_by") else ""
        rows.append({"design": design, "measure": measure, "comparison": "within", **r,
                     "cluster_level": CLUSTER_LEVEL[design], "singletons_dropped": dropped})
    return rows


def designs_table(regions: pd.DataFrame, lagged: pd.DataFrame, panel_df: pd.DataFrame,
                  measures: tuple[str, ...], controls: list[str], size: str = "log_population",
                  wild: bool = True, B: int = models.WILD_B, seed: int = models.WILD_SEED,
                  fixed_stars: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per design x measure x comparison (:data:`COLUMNS`); ``fixed_stars``: the panel of
    :func:`fixed_star_panel` (its row only for :data:`STAR_MEASURES`)."""
    frames = design_frames(regions, lagged, size, controls)
    rows = []
    for m in measures:
        rows += design_rows(frames, panel_variants(panel_df, fixed_stars, m), m, [size, *controls], wild, B, seed)
    order = {d: i for i, d in enumerate(DESIGNS)}
    out = pd.DataFrame(rows)[COLUMNS]
    return out.sort_values("design", key=lambda s: s.map(order), kind="mergesort").reset_index(drop=True)


def fixed_star_panel(panel_df: pd.DataFrame, period: tuple[int, int] = (2008, 2012),
                     min_stars: int = 2) -> pd.DataFrame:
    """The panel with ``cluster_strength_traded`` recomputed each year on the cells starred over ``period``.

    Each year's value is the region's share of that year's employment in the traded divisions
    that hold ``min_stars`` stars on the ``period`` means (default rule of
    :func:`eu_sample.region_sector_stars`): employment moves, the star assignment does not.
    """
    st = eu_sample.region_sector_stars(period)
    strong = st[st["stars"] >= min_stars]
    out = panel_df.copy()
    values = []
    for y in sorted(out["year"].unique()):
        matrix, _ = eu_sample.employment_matrix((int(y), int(y)))
        mask = pd.DataFrame(False, index=matrix.index, columns=matrix.columns)
        for div, grp in strong.groupby("nace_r2"):
            mask.loc[mask.index.intersection(grp["nuts2"]), div] = True
        fixed = indices.shares(matrix).where(mask, 0.0).sum(axis=1)
        values.append(pd.DataFrame({"nuts2": fixed.index, "year": y, "fixed": fixed.to_numpy()}))
    out = out.merge(pd.concat(values, ignore_index=True), on=["nuts2", "year"], how="left")
    return out.assign(cluster_strength_traded=out["fixed"]).drop(columns="fixed")


def star_flips(panel_df: pd.DataFrame, measure: str = "cluster_strength_traded",
               threshold: float = 0.02) -> dict:
    """Regions whose ``measure`` moves by more than ``threshold`` between consecutive years, of those seen twice+."""
    d = panel_df.sort_values(["nuts2", "year"])
    step = d.groupby("nuts2")[measure].diff().abs()
    seen = d.groupby("nuts2").size()
    moved = step.groupby(d["nuts2"]).max()
    return {"regions": int((moved > threshold).sum()), "of": int((seen > 1).sum()), "threshold": threshold}


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
    return pd.DataFrame(rows)[["variant", "reading", *COLUMNS[1:COLUMNS.index("cluster_level")]]]


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


def sensitivity_table(frame: pd.DataFrame, sens, measure: str, controls: list[str],
                      fixed_effects: str | None = "country", alpha: float = 0.05) -> pd.DataFrame:
    """The sensitivity statistics of ``sens`` (:func:`sensitivity`) with the robustness values from the
    clustered t beside the classical one: the same model and sample, errors clustered by country, the
    residual degrees of freedom sensemakr uses (``t_clustered``, ``rv_qa_clustered``; RV q = 1 depends on
    the point estimate only)."""
    d = models.prepare(frame, "patents_per_million", measure, controls, cluster="country")
    if fixed_effects:
        d = d[d.groupby(fixed_effects)[fixed_effects].transform("size") > 1]
    res = models.fit(d, measure, controls, fixed_effects, "cluster", standardise=True)
    t_cl = float(res.params[measure] / res.bse[measure])
    stats = sens.sensitivity_stats
    return pd.DataFrame([{"measure": measure, "estimate": stats["estimate"], "se": stats["se"],
                          "t": stats["t_statistic"], "partial_r2": stats["r2yd_x"], "rv_q": stats["rv_q"],
                          "rv_qa": stats["rv_qa"], "n": sens.n, "se_clustered": float(res.bse[measure]),
                          "t_clustered": t_cl, "clusters": int(res.cs_meta["clusters"]),
                          "rv_qa_clustered": ch.robustness_value_alpha(t_cl, float(stats["dof"]), alpha)}])


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


def like_for_like_sentence(designs: pd.DataFrame, measure: str) -> str:
    """The like-sample, placebo, long-difference and panel rows for ``measure`` (within countries), what each
    rules out, and the panel's sign, from ``tables/eu_designs.csv``."""
    d = designs[(designs["measure"] == measure) & (designs["comparison"] == "within")].set_index("design")

    def cell(design: str) -> str:
        r = d.loc[design]
        return (f"{r['coef']:+.2f} ({pval(r['p'], 'clustered p')}"
                + (f", {pval(r['p_wild'], 'wild p')}" if pd.notna(r["p_wild"]) else "")
                + f", G = {int(r['clusters'])} {r['cluster_level']} clusters)")

    parts = [f"{catalogue.short(measure).capitalize()} within countries: default {cell('cross_section')}; "
             f"the default on the lagged design's regions {cell('cross_section_lagged_sample')} against the lagged "
             f"design's {cell('lagged')}, so the sample, not only the timing, moves the lagged row"]
    placebo, default = d.loc["placebo_pre_patents", "coef"], d.loc["cross_section", "coef"]
    parts.append(f"the placebo (2008-2012 structure against 2000-2004 patents, which it cannot have caused) gives "
                 f"{cell('placebo_pre_patents')}, "
                 + ("about as large as the default: the cross-section cannot tell a cluster association from "
                    "persistent regional traits" if abs(placebo) >= abs(default) / 2 else
                    "well below the default"))
    parts.append(f"the long difference (change in log patents 2000-2004 to 2008-2011) gives {cell('long_difference')}")
    sign = "negative" if d.loc["panel_fe", "coef"] < 0 else "positive"
    panel_parts = [f"clustered by country {cell('panel_fe')}", f"by region {cell('panel_fe_region_clusters')}",
                   f"with country x year effects {cell('panel_fe_country_year')}"]
    if "panel_fe_fixed_stars" in d.index:
        panel_parts.append(f"with stars held at 2008-2012 {cell('panel_fe_fixed_stars')}")
    parts.append(f"the panel's sign is {sign}: " + "; ".join(panel_parts))
    return "; ".join(parts) + "."


def rules_out_table() -> pd.DataFrame:
    """What each design rules out and what it leaves open (:data:`RULES_OUT`), for the notebook."""
    return pd.DataFrame([{"design": k, "description": DESIGNS[k], "rules out": a, "leaves open": b}
                         for k, (a, b) in RULES_OUT.items()])
