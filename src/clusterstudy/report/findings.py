"""The README's "What the data say", rendered from the committed tables (never typed by hand).

Each bullet is one small function of the tables it names, so that a changed table changes the
sentence and a hand-typed number fails ``tests/test_readme_findings.py``. The notebooks call
the same sentence functions on their in-memory tables to fill their Markdown. The block opens
with the ledger (:func:`ledger_lines`): one line per claim of ``tables/claims.csv`` with its
verdict. Every sentence about a model leads with the p the compendium trusts (wild, clustered
t(G-1)); maximum-likelihood p-values come only with their caveat.

Usage::

    python -m clusterstudy findings write   # rewrite the README block between the markers
    python -m clusterstudy findings check   # exit 1 if the README block differs from the tables
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from clusterstudy.analyses import (
    china_cities,
    eu_constructs,
    eu_designs,
    eu_heterogeneity,
    eu_leave_one_out,
    eu_measurement,
    eu_models,
    eu_traded_sets,
    geography,
    speccurve_inference,
    us_regions,
)
from clusterstudy.core import paths
from clusterstudy.core.prose import pct, pval, signed
from clusterstudy.measures import catalogue
from clusterstudy.report import readme

START, END = readme.markers("findings")
CN_OUTCOME = "patents_per_10k_residents"


def table(name: str) -> pd.DataFrame:
    """A committed table ``tables/<name>.csv`` of the project (not of a staging output root)."""
    path = paths.project_root() / "tables" / f"{name}.csv"
    if not path.is_file():
        raise FileNotFoundError(f"{path}: table not found (run the notebook that writes it)")
    return pd.read_csv(path, dtype={"region_code": str, "city_code": str})


# ---------------------------------------------------------------- China
def bullet_china() -> str:
    """China: types against patenting (default outcome: per 10,000 residents)."""
    cities = table("cn_city_indicators")
    summary = table(f"cn_resource_type_summary_{CN_OUTCOME}")
    coefs = table(f"cn_resource_type_regression_{CN_OUTCOME}")
    return (f"*China* ({len(cities)} cities; patents per 10,000 residents; province fixed effects, errors "
            f"clustered by province): " + china_cities.types_sentence(summary, coefs, "per 10,000 residents"))


# ---------------------------------------------------------------- Europe
def eu_triangle_shares() -> dict[str, float]:
    """Share of regions in the two quadrants CLUSNET says are empty, per measure with a triangle table."""
    shares = {}
    for path in sorted((paths.project_root() / "tables").glob("eu_triangle_*.csv")):
        measure = path.stem.removeprefix("eu_triangle_")
        if measure.startswith(("regions_", "test_")):
            continue
        tri = pd.read_csv(path)
        shares[measure] = tri.loc[tri["report_says"] == "empty", "regions"].sum() / tri["regions"].sum()
    return shares


def bullet_europe() -> str:
    """Europe: the headline OLS models of the Figure 6 notebook, across and within countries."""
    headline = table("eu_headline_models")
    ols = headline[headline["estimator"] == "OLS"]
    n = {c: int(ols.loc[ols["comparison"] == c, "n"].iloc[0]) for c in ("across countries", "within countries")}
    shares = eu_triangle_shares()
    return (f"*Europe* ({n['across countries']} NUTS-2 regions; log patents per million inhabitants on each "
            f"standardised measure, size and tertiary share controlled, errors clustered by country): across "
            f"countries {eu_models.headline_sentence(headline, 'across countries')}. Within countries (country fixed "
            f"effects, n = {n['within countries']}): {eu_models.headline_sentence(headline, 'within countries')}. "
            f"{ols['measure'].nunique()} measures, with Poisson PML beside OLS, are in `tables/eu_headline_models.csv`. "
            f"The quadrants CLUSNET says are empty hold {pct(min(shares.values()))} to {pct(max(shares.values()))} "
            f"of the regions ({len(shares)} measures).")


def bullet_constructs() -> str:
    """Europe: what the two concentration constructs measure, and the traded split (issue 20)."""
    return eu_constructs.findings_sentence(
        table("eu_construct_correlations"), table("eu_headline_models"), table("eu_headline_models_gini_split"),
        table("eu_traded_splits"), table("eu_largest_traded_division"))


def bullet_eu_designs() -> str:
    """Europe beyond the cross-section: the designs of the eu_designs notebook, within countries; the panel's
    sign, and where cross-section and panel disagree."""
    designs = table("eu_designs")
    shares = table("eu_designs_within_variance").set_index("variable")["within_share"]
    lo, hi = shares.drop("log_outcome").min(), shares.drop("log_outcome").max()
    d = designs.set_index(["measure", "design", "comparison"])
    panel, disagree = [], []
    for m in eu_models.HEADLINE_MEASURES:
        if (m, "panel_fe", "within") not in d.index or (m, "cross_section", "within") not in d.index:
            continue
        pf, cs = d.loc[(m, "panel_fe", "within")], d.loc[(m, "cross_section", "within")]
        panel.append(f"{catalogue.short(m)} {signed(pf['coef'], pf['p_wild'])} ({pf['coef']:+.2f}, "
                     f"{pval(pf['p_wild'], 'wild p')}, {pval(pf['p'], 'clustered p')})")
        if pf["coef"] * cs["coef"] < 0:
            disagree.append(f"{catalogue.short(m)} (cross-section {cs['coef']:+.2f}, panel {pf['coef']:+.2f})")
    where = ("cross-section and panel disagree in sign for " + "; ".join(disagree) if disagree
             else "cross-section and panel agree in sign for every headline measure")
    return ("*Europe, designs* (within countries; the panel within regions; coefficient per SD, "
            "`tables/eu_designs.csv`): "
            + "; ".join(eu_designs.designs_sentence(designs, m) for m in eu_models.HEADLINE_MEASURES)
            + f". Within regions over 2008-2011 (the panel, {pct(lo)} to {pct(hi)} of the measures' variance): "
            + "; ".join(panel) + f"; {where}. All are associations: no design here isolates a causal effect.")


def bullet_eu_robustness() -> str:
    """Europe's primary measure under like samples, placebo and long difference, other traded sets, one country
    left out, measurement error and moderators (the eu_designs notebook's tables)."""
    designs, measure = table("eu_designs"), eu_models.PRIMARY_MEASURE
    sentences = [eu_designs.like_for_like_sentence(designs, measure),
                 eu_traded_sets.traded_sets_sentence(table("eu_traded_sets")),
                 "Leaving one country out, " + eu_leave_one_out.loo_sentence(table("eu_leave_one_country_out"), designs),
                 eu_measurement.measurement_sentence(table("eu_measurement_error"), measure),
                 eu_heterogeneity.heterogeneity_sentence(table("eu_heterogeneity"))]
    text = " ".join(s if s.rstrip().endswith(".") else s.rstrip() + "." for s in sentences)
    return (f"*Europe, robustness of the primary measure* (`tables/eu_designs.csv`, `eu_traded_sets.csv`, "
            f"`eu_leave_one_country_out.csv`, `eu_measurement_error.csv`, `eu_heterogeneity.csv`): {text}")


def bullet_spec_curve() -> str:
    """Europe: the specification curve per construct, with its inference under the null."""
    inference = table("eu_specification_curve_inference")
    return f"*Europe, specification curve*: {speccurve_inference.inference_sentence(inference)}."


# ---------------------------------------------------------------- United States
def bullet_us() -> str:
    """United States: strong-cluster share in the three specifications, states and CBSAs; REGPAT."""
    st, cb = table("us_state_regression"), table("us_cbsa_regression")
    n_st = int(us_regions.spec_rows(st, "strong_cluster_share")["n"].iloc[0])
    n_cb = int(us_regions.spec_rows(cb, "strong_cluster_share")["n"].iloc[0])
    return (f"*United States* ({n_st} states, {n_cb} CBSAs; cluster data 2016, patents 2011-2015): log patents "
            f"per 10,000 employees on the standardised strong-cluster share, bivariate, with size, and with "
            f"size and wages (a possible mediator): states {us_regions.measure_sentence(st)}; "
            f"CBSAs {us_regions.measure_sentence(cb)}. "
            f"For CBSAs, {us_regions.regpat_sentence(table('us_cbsa_robustness'))}.")


def bullet_comparison() -> str:
    """EU against U.S. states (and CBSAs), like for like: traded measures, per employee, size model."""
    comp, cbsa = table("us_state_eu_comparison"), table("us_cbsa_eu_comparison")
    rows = cbsa[cbsa["outcome"] == "patents per employee"]
    same = int((rows["us_coef_per_sd"] * rows["eu_coef_per_sd"] > 0).sum())
    return ("*Across the Atlantic* (traded-sector measures, log patents per employee with log employment, "
            f"standardised; U.S. states vs EU NUTS-2): {us_regions.comparison_sentence(comp)}. With U.S. CBSAs instead of "
            f"states the signs agree for {same} of {len(rows)} measures.")


# ---------------------------------------------------------------- space (issue 22)
def space_sentence(diag: pd.DataFrame, mods: pd.DataFrame, sample: str, model: str, term: str, label: str,
                   alpha: float = 0.05) -> str:
    """One sample's spatial result, trusted p first: the headline OLS (clustered, wild), the clustered SLX
    direct and indirect effects (wild p), spatial HAC; the spatial Durbin (ML) only with its caveat."""
    d = diag[(diag["sample"] == sample) & (diag["model"] == model) & (diag["variable"] == "residuals")]
    m = mods[(mods["sample"] == sample) & (mods["model"] == model) & (mods["term"] == term)]
    if d.empty or m.empty:
        raise ValueError(f"no spatial rows for {sample!r}, model {model!r}, term {term!r}")
    moran = "; ".join(f"Moran's I {r.morans_i:.2f} with {r.weights}, {pval(r.p, 'permutation p')}"
                      for r in d.itertuples())
    ols = m[(m["estimator"] == "OLS") & (m["weights"] == "none")].iloc[0]
    hac = m[m["se_type"].str.startswith("spatial HAC")].iloc[0]
    slx = m[m["estimator"].str.startswith("SLX")]
    sdm = m[m["estimator"] == "spatial Durbin (ML)"]

    def first(r) -> str:  # the trusted p first: wild, then clustered (or the kind the row has)
        kind = "clustered p" if "cluster" in str(r.se_type) else f"{r.se_type} p"
        return ", ".join(filter(None, ["" if pd.isna(r.p_wild) else pval(r.p_wild, "wild p"), pval(r.p, kind)]))

    slx_text = "; ".join(f"{w}: direct {g.iloc[0].coef:+.2f} ({first(g.iloc[0])}), indirect "
                         f"{g.iloc[1].coef:+.2f} ({first(g.iloc[1])})"
                         for w, g in slx.sort_values("effect").groupby("weights", sort=False))
    ml = "; ".join(f"{r.weights} direct {r.coef:+.2f} ({pval(r.p, 'ML p')})"
                   for r in sdm[sdm["effect"] == "direct"].itertuples())
    kept = slx[slx["effect"] == "direct"]
    keeps = bool(((kept["p_wild"] < alpha) & (kept["coef"] * ols["coef"] > 0)).all()) if len(kept) else False
    reading = ("the direct effect keeps its sign with wild p below 5% under every weights" if keeps else
               "the direct effect does not reach wild p below 5% under every weights")
    return (f"*{sample}* ({label}, {model}): residuals {moran}. Headline {ols['coef']:+.2f} ({first(ols)}; "
            f"{pval(hac['p'], 'spatial HAC p')}); SLX with errors clustered as the headline, {slx_text}: {reading}. "
            f"The spatial Durbin model (ML p-values, not robust to the clustering, so not relied on): {ml}.")


def bullet_space() -> str:
    """Per sample, what accounting for space changes (tables eu_/us_/cn_spatial_*), trusted p first."""
    parts = []
    for key, (sample, model, term, label) in geography.SPATIAL.items():
        diag, mods = table(f"{key}_spatial_diagnostics"), table(f"{key}_spatial_models")
        parts.append(space_sentence(diag, mods, sample, model, term, label))
    return "*Space* (spatial weights: k nearest neighbours and contiguity): " + " ".join(parts)


# ---------------------------------------------------------------- the ledger
def ledger_lines() -> list[str]:
    """One line per claim of ``tables/claims.csv``: the claim in a few words, its verdict, the primary
    estimate with its wild, clustered and adjusted p."""
    lines = []
    for r in table("claims").itertuples():
        if pd.isna(r.estimate):
            lines.append(f"**{r.title}** ({r.source}): **{r.verdict}**.")
            continue
        lines.append(f"**{r.title}** ({r.source}): **{r.verdict}**; primary estimate {r.estimate:+.3f} "
                     f"({pval(r.p_wild, 'wild p')}, {pval(r.p_clustered, 'clustered p')}, "
                     f"{pval(r.p_adjusted, 'adjusted p')} over the {int(r.family_size)} primary tests)"
                     + (f"; reverse-timing designs: {r.designs}" if isinstance(r.designs, str) and r.designs else "")
                     + ".")
    return lines


BULLETS: list[Callable[[], str]] = [bullet_europe, bullet_eu_designs, bullet_eu_robustness, bullet_constructs,
                                    bullet_spec_curve,
                                    bullet_us, bullet_comparison, bullet_china, bullet_space]


def render() -> str:
    """The README block between the markers (markers included)."""
    body = "\n".join(f"- {line}" for line in [*ledger_lines(), *(b() for b in BULLETS)])
    return f"{START}\n{body}\n{END}"


def readme_block(text: str) -> str:
    """The findings block of ``text`` (markers included)."""
    return readme.block(text, START, END)


def verdicts() -> str:
    """The README's verdict table: one row per claim of the ledger (``tables/claims.csv``), markers included."""
    ledger = table("claims")
    rows = ["| claim | source | verdict | primary estimate | clustered p | wild p | adjusted p (family size) |",
            "|---|---|---|---|---|---|---|"]
    for r in ledger.itertuples():
        def p(value: float) -> str:
            return "n/a" if pd.isna(value) else pval(value, "p").removeprefix("p ").removeprefix("= ")
        estimate = "n/a" if pd.isna(r.estimate) else f"{r.estimate:+.3f}"
        adjusted = "n/a" if pd.isna(r.p_adjusted) else f"{p(r.p_adjusted)} ({int(r.family_size)})"
        rows.append(f"| {r.title} | {r.source} | **{r.verdict}** | {estimate} | {p(r.p_clustered)} | "
                    f"{p(r.p_wild)} | {adjusted} |")
    start, end = readme.markers("verdicts")
    return f"{start}\n" + "\n".join(rows) + f"\n{end}"


def write() -> bool:
    """Rewrite the README's findings block and verdict table; return True if either changed."""
    changed = readme.replace(START, END, render())
    return readme.replace(*readme.markers("verdicts"), verdicts()) or changed


def check() -> list[str]:
    """What differs from the committed tables (empty when the README's blocks are current)."""
    text = readme.path().read_text(encoding="utf-8")
    problems = []
    if readme_block(text) != render():
        problems.append("README findings differ from the tables: run `make findings`")
    if readme.block(text, *readme.markers("verdicts")) != verdicts():
        problems.append("README verdict table differs from tables/claims.csv: run `make findings`")
    return problems
