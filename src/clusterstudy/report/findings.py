"""The README's "What the data say", rendered from the committed tables (never typed by hand).

Each bullet is one small function of the tables it names, so that a changed table changes the
sentence and a hand-typed number fails ``tests/test_readme_findings.py``. The notebooks call
the same sentence functions on their in-memory tables to fill their Markdown.

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
    eu_models,
    geography,
    speccurve_inference,
    us_regions,
)
from clusterstudy.core import paths
from clusterstudy.core.prose import pct, pval
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
    """Europe beyond the cross-section: the designs of the eu_designs notebook, within countries."""
    designs = table("eu_designs")
    shares = table("eu_designs_within_variance").set_index("variable")["within_share"]
    lo, hi = shares.drop("log_outcome").min(), shares.drop("log_outcome").max()
    return ("*Europe, designs* (within countries; the panel within regions; coefficient per SD, "
            "`tables/eu_designs.csv`): "
            + "; ".join(eu_designs.designs_sentence(designs, m) for m in eu_models.HEADLINE_MEASURES)
            + f". Only {pct(lo)} to {pct(hi)} of the measures' variance lies within regions over 2008-2011, so the "
            "panel has little to work with. All are associations: no design here isolates a causal effect.")


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
def bullet_space() -> str:
    """Per sample, what accounting for space changes (tables eu_/us_/cn_spatial_*)."""
    parts = []
    for key, (sample, model, term, label) in geography.SPATIAL.items():
        diag, mods = table(f"{key}_spatial_diagnostics"), table(f"{key}_spatial_models")
        parts.append(geography.spatial_sentence(diag, mods, sample, model, term, label))
    return "*Space* (spatial weights: k nearest neighbours and contiguity): " + " ".join(parts)


BULLETS: list[Callable[[], str]] = [bullet_europe, bullet_eu_designs, bullet_constructs, bullet_spec_curve,
                                    bullet_us, bullet_comparison, bullet_china, bullet_space]


def render() -> str:
    """The README block between the markers (markers included)."""
    body = "\n".join(f"- {b()}" for b in BULLETS)
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
