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

from clusterstudy.core import atomic, paths
from clusterstudy.core.prose import pboth, pct, pval

START, END = "<!-- findings:start -->", "<!-- findings:end -->"
CN_OUTCOME = "patents_per_10k_residents"
CN_MAIN = "types; county-level resource cities coded resource-bearing"
CN_PRIMARY = "pooled resource city (primary); county-level resource cities coded resource-bearing"
CN_DECLINING = {"coded": "declining vs other resource; county-level resource cities coded resource-bearing",
                "dropped": "declining vs other resource; cities with county-level resource cities dropped"}
US_LABELS = {"strong_cluster_share": "strong-cluster share", "n_strong_clusters": "number of strong clusters",
             "hhi_traded": "HHI", "krugman_traded": "Krugman index"}


# ---------------------------------------------------------------- formatting
def signed(coef: float, p: float, alpha: float = 0.05) -> str:
    """'significantly positive', 'significantly negative' or 'not significant'."""
    if p >= alpha:
        return "not significant"
    return "significantly positive" if coef > 0 else "significantly negative"


def _term(tidy: pd.DataFrame, model: str, term: str) -> pd.Series:
    terms = tidy["term"].str.removeprefix("type: ")
    rows = tidy[(tidy["model"] == model) & (terms == term)]
    if len(rows) != 1:
        raise ValueError(f"no single row for model {model!r}, term {term!r}")
    return rows.iloc[0]


def table(name: str) -> pd.DataFrame:
    """A committed table ``tables/<name>.csv`` of the project (not of a staging output root)."""
    path = paths.project_root() / "tables" / f"{name}.csv"
    if not path.is_file():
        raise FileNotFoundError(f"{path}: table not found (run the notebook that writes it)")
    return pd.read_csv(path, dtype={"region_code": str, "city_code": str})


# ---------------------------------------------------------------- China
def china_unmatched_sentence(unmatched: pd.DataFrame, cities: pd.DataFrame) -> str:
    """Which of the plan's units are not in the data, grouped by reason."""
    pref = unmatched[unmatched["level"] == "prefecture-level"]
    absent = pref[pref["reason"].str.startswith("prefecture-level city absent")]
    county = unmatched[unmatched["level"] == "county-level city"]
    n_county = int((cities["resource_county_cities"]).sum())
    hosts = cities[cities["resource_county_cities"] > 0]
    only = hosts[hosts["resource_type"] == "non-resource"]
    top = hosts.sort_values(["resource_county_cities", "city_code"], ascending=[False, True]).head(2)
    return (f"{len(pref)} prefecture-level units of the plan are not in the city data: "
            f"{len(absent)} resource cities are absent from the cross-section ({'、'.join(absent['name_cn'])}) "
            f"and {len(pref) - len(absent)} are autonomous prefectures, leagues or areas, which are not cities "
            f"of the cross-section. Of the plan's county-level resource cities, {n_county} lie in "
            f"{len(hosts)} cities of the data, {len(only)} of which are not on the plan themselves (most: "
            + "; ".join(f"{r.city_name_en}, {r.resource_county_cities}" for r in top.itertuples())
            + f"); {len(county)} lie in autonomous prefectures, leagues or areas or are administered by "
            "their province, and cannot be placed.")


def china_sentences(summary: pd.DataFrame, coefs: pd.DataFrame, label: str) -> str:
    """Raw and adjusted ranking of the types, and declining against other resource cities, both codings."""
    resource = summary[summary["resource_type"] != "non-resource"].set_index("resource_type")
    raw_low = resource["median"].idxmin()
    types = coefs[(coefs["model"] == CN_MAIN)].assign(t=lambda d: d["term"].str.removeprefix("type: "))
    types = types[types["t"].isin(resource.index)].set_index("t")
    adj_low = types["coef"].idxmin()
    pooled = _term(coefs, CN_PRIMARY, "any_resource")
    out = [f"Primary test, one resource-city indicator (any type of the plan) with province fixed effects and "
           f"log GDP per head: {pooled['coef']:+.2f} log points against non-resource cities "
           f"({pboth(pooled['p'], pooled['p_wild'])}, {pval(pooled['p_adjusted'], 'adjusted p')} over it and "
           f"the four types; n = {int(pooled['n'])}).",
           f"Unadjusted, **{raw_low}** cities have the lowest median ({resource.at[raw_low, 'median']:.2f} "
           f"{label}, against {summary.set_index('resource_type').at['non-resource', 'median']:.2f} for "
           f"non-resource cities). Within provinces and after controls, **{adj_low}** cities have the "
           f"lowest coefficient ({types.at[adj_low, 'coef']:+.2f} log points, "
           f"{pboth(types.at[adj_low, 'p'], types.at[adj_low, 'p_wild'])})."]
    for coding, model in CN_DECLINING.items():
        dec, diff = _term(coefs, model, "declining"), _term(coefs, model, "declining - other_resource")
        what = ("county-level resource cities coded resource-bearing" if coding == "coded"
                else "cities holding county-level resource cities dropped")
        out.append(f"With {what} (n = {int(dec['n'])}): declining cities {dec['coef']:+.2f} log points against "
                   f"non-resource cities ({pboth(dec['p'], dec['p_wild'])}), {diff['coef']:+.2f} against other "
                   f"resource cities ({pboth(diff['p'], diff['p_wild'])}).")
    return " ".join(out)


def case_city_sentence(link: pd.DataFrame) -> str:
    """Where Meng & Forman's four case cities fall in the national distribution."""
    pct_ = link["percentile"]
    half = "all in the lower half" if (pct_ < 50).all() else f"{int((pct_ < 50).sum())} of {len(link)} in the lower half"
    return (f"The case cities' percentiles in the national distribution range from {pct_.min():.0f} to "
            f"{pct_.max():.0f} ({half}).")


def bullet_china() -> str:
    """China: types against patenting (default outcome: per 10,000 residents)."""
    cities = table("cn_city_indicators")
    summary = table(f"cn_resource_type_summary_{CN_OUTCOME}")
    coefs = table(f"cn_resource_type_regression_{CN_OUTCOME}")
    return (f"*China* ({len(cities)} cities; patents per 10,000 residents; province fixed effects, errors "
            f"clustered by province): " + china_sentences(summary, coefs, "per 10,000 residents"))


# ---------------------------------------------------------------- Europe
EU_LABELS = {"cluster_strength": "cluster strength", "n_star_sectors": "star sectors", "hhi": "HHI",
             "krugman": "Krugman", "related_variety": "related variety", "unrelated_variety": "unrelated variety"}


def _eu_label(measure: str) -> str:
    base = measure.removesuffix("_traded")
    return ("traded " if measure.endswith("_traded") else "") + EU_LABELS.get(base, base)


EU_HEADLINE = ("cluster_strength_traded", "hhi", "related_variety")  # the three constructs: strength, concentration, variety


def eu_headline_sentence(headline: pd.DataFrame, comparison: str, measures: tuple[str, ...] = EU_HEADLINE) -> str:
    """OLS coefficient per SD of each headline measure in one comparison (across / within countries)."""
    rows = headline[(headline["estimator"] == "OLS") & (headline["comparison"] == comparison)
                    & headline["measure"].isin(measures)]
    if rows.empty:
        raise ValueError(f"no OLS rows for comparison {comparison!r} in the EU headline table")
    rows = rows.set_index("measure").loc[[m for m in measures if m in set(rows["measure"])]]
    return "; ".join(f"{_eu_label(m)} {r.coef:+.2f} ({pboth(r.p, r.p_wild)})" for m, r in rows.iterrows())


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
            f"countries {eu_headline_sentence(headline, 'across countries')}. Within countries (country fixed "
            f"effects, n = {n['within countries']}): {eu_headline_sentence(headline, 'within countries')}. "
            f"{ols['measure'].nunique()} measures, with Poisson PML beside OLS, are in `tables/eu_headline_models.csv`. "
            f"The quadrants CLUSNET says are empty hold {pct(min(shares.values()))} to {pct(max(shares.values()))} "
            f"of the regions ({len(shares)} measures).")


def _ols(head: pd.DataFrame, measure: str, comparison: str = "across countries") -> str:
    r = head[(head["measure"] == measure) & (head["comparison"] == comparison) & (head["estimator"] == "OLS")].iloc[0]
    return f"{r['coef']:+.2f} ({pval(r['p'], 'clustered p')}, {pval(r['p_wild'], 'wild p')})"


def bullet_constructs() -> str:
    """Europe: what the two concentration constructs measure, and the traded split (issue 20)."""
    corr = table("eu_construct_correlations").set_index(["split", "construct", "with"])["spearman"]
    head, gini = table("eu_headline_models"), table("eu_headline_models_gini_split")
    splits = table("eu_traded_splits").set_index("split")
    largest = table("eu_largest_traded_division")
    top = (largest.sort_values(["regions_largest", "nace_r2"], ascending=[False, True], kind="mergesort")
           .groupby("split").head(1).set_index("split"))
    n = int(head["n"].max())

    def sign(t: pd.DataFrame, m: str) -> float:
        return t.loc[(t["measure"] == m) & (t["comparison"] == "across countries") & (t["estimator"] == "OLS"),
                     "coef"].iloc[0]

    differ_us = sign(head, "hhi") * sign(head, "hhi_traded") < 0
    flipped = sign(head, "hhi") * sign(gini, "hhi_traded") < 0 and not differ_us

    def split_words(sp: str) -> str:
        return (f"{splits.at[sp, 'traded_divisions']} traded divisions, "
                f"{pct(splits.at[sp, 'traded_employment_share'])} of employment")

    return ("*Constructs named for what they measure* (`tables/eu_construct_correlations.csv`): concentration of "
            "the whole business economy (HHI over all divisions) tracks how much retail and other local services "
            f"dominate a region (Spearman {corr[('us_clusters', 'hhi', 'retail_share')]:.2f} with the retail share), "
            f"so its coefficient, {_ols(head, 'hhi')} across countries, is not about clusters. Traded industries are "
            f"now defined a priori from the U.S. cluster definitions ({split_words('us_clusters')}; the earlier "
            f"locational-Gini split had {split_words('gini')}). Concentration within traded industries is "
            f"{_ols(head, 'hhi_traded')} a priori against {_ols(gini, 'hhi_traded')} with the Gini split, where "
            f"{top.at['gini', 'label'].lower()} was the largest traded division in {top.at['gini', 'regions_largest']} "
            f"of {n} regions (Spearman with the HHI {corr[('gini', 'hhi', 'hhi_traded')]:.2f}; a priori "
            f"{corr[('us_clusters', 'hhi', 'hhi_traded')]:.2f}, {top.at['us_clusters', 'label'].lower()} being the "
            f"largest traded division in {top.at['us_clusters', 'regions_largest']}). The two concentration measures "
            + ("differ in sign under the Gini split only." if flipped else
               "have the same sign under both splits." if not differ_us else "differ in sign under both splits."))


EU_DESIGNS = ("cross_section", "lagged", "pre_period", "panel_fe")


def eu_designs_sentence(designs: pd.DataFrame, measure: str, comparison: str = "within") -> str:
    """One measure's coefficient per SD under each design of ``tables/eu_designs.csv``, wild p beside it."""
    rows = designs[(designs["measure"] == measure) & (designs["comparison"] == comparison)].set_index("design")
    parts = [f"{d.replace('_', ' ')} {rows.at[d, 'coef']:+.2f} ({pval(rows.at[d, 'p_wild'], 'wild p')})"
             for d in EU_DESIGNS if d in rows.index]
    if not parts:
        raise ValueError(f"no {comparison!r} rows for {measure!r} in the EU designs table")
    return f"{_eu_label(measure)}: " + ", ".join(parts)


def bullet_eu_designs() -> str:
    """Europe beyond the cross-section: the designs of the eu_designs notebook, within countries."""
    designs = table("eu_designs")
    shares = table("eu_designs_within_variance").set_index("variable")["within_share"]
    lo, hi = shares.drop("log_outcome").min(), shares.drop("log_outcome").max()
    return ("*Europe, designs* (within countries; the panel within regions; coefficient per SD, "
            "`tables/eu_designs.csv`): "
            + "; ".join(eu_designs_sentence(designs, m) for m in EU_HEADLINE)
            + f". Only {pct(lo)} to {pct(hi)} of the measures' variance lies within regions over 2008-2011, so the "
            "panel has little to work with. All are associations: no design here isolates a causal effect.")


def spec_curve_inference_sentence(inference: pd.DataFrame) -> str:
    """Per construct: shares of significant estimates and Simonsohn et al.'s share test under the null."""
    parts = []
    for r in inference.itertuples():
        dominant = "positive" if r.dominant_sign == "+" else "negative"
        parts.append(f"{_eu_label(r.construct)} (expected {r.expected_sign}): {pct(r.share_positive_significant)} "
                     f"positive and {pct(r.share_negative_significant)} negative significant of "
                     f"{int(r.specifications)}, mostly {dominant}, share test {pval(r.p_share)}")
    draws = int(inference["draws"].iloc[0])
    return f"{int(inference['specifications'].sum()):,} specifications, {draws} draws under the null: " + "; ".join(parts)


def bullet_spec_curve() -> str:
    """Europe: the specification curve per construct, with its inference under the null."""
    return f"*Europe, specification curve*: {spec_curve_inference_sentence(table('eu_specification_curve_inference'))}."


# ---------------------------------------------------------------- United States
def us_spec_rows(reg: pd.DataFrame, measure: str) -> pd.DataFrame:
    """The focal rows of one measure's U.S. models, in specification order."""
    rows = reg[(reg["term"] == measure) & reg["model"].str.startswith(f"{measure}: ")]
    if rows.empty:
        raise ValueError(f"no U.S. model of {measure!r}")
    return rows


def us_sentence(reg: pd.DataFrame, measure: str = "strong_cluster_share") -> str:
    """The measure's coefficient per SD in each specification (bivariate, size, size + wage)."""
    rows = us_spec_rows(reg, measure)
    return "; ".join(f"{r.model.removeprefix(measure + ': ')} {r.coef:+.2f} ({pboth(r.p, r.p_wild)})"
                     for r in rows.itertuples())


def _regpat_specs(robust: pd.DataFrame, measure: str) -> tuple[str, int]:
    rows = robust[(robust["term"] == measure) & robust["model"].str.startswith(f"REGPAT 2008-2012: {measure}: ")]
    if rows.empty:
        raise ValueError(f"no REGPAT model of {measure!r}")
    specs = "; ".join(f"{r.model.removeprefix(f'REGPAT 2008-2012: {measure}: ')} {r.coef:+.2f} "
                      f"({pboth(r.p, r.p_wild)})" for r in rows.itertuples())
    return specs, int(rows["n"].iloc[0])


def regpat_sentence(robust: pd.DataFrame, measures: tuple[str, ...] = ("strong_cluster_share",
                                                                         "n_strong_clusters")) -> str:
    """The REGPAT (2008-2012) robustness result for CBSAs, headline measure first, in each specification."""
    parts = [(US_LABELS[m], *_regpat_specs(robust, m)) for m in measures]
    listed = "; and the ".join(f"{label} (per SD): {specs}" for label, specs, _ in parts)
    return (f"with OECD REGPAT patents (2008-2012) instead of USPTO grants, the {listed} "
            f"(n = {parts[0][2]})")


def us_robustness_sentence(robust: pd.DataFrame, geography: str) -> str:
    """The robustness results that are significant at 5%, or that none is."""
    focal = robust[robust["term"].isin(list(US_LABELS)) & (robust["p"] < 0.05)]
    n_models = robust["model"].nunique()
    intro = ("REGPAT robustness (CBSAs): " + regpat_sentence(robust) + ". ") if geography == "cbsa" else ""
    if focal.empty:
        return intro + f"No robustness model has a focal coefficient significant at 5% ({n_models} models)."
    listed = "; ".join(f"{r.model} {r.coef:+.2f} ({pboth(r.p, r.p_wild)})" for r in focal.itertuples())
    return (intro + f"Robustness models with a focal coefficient significant at 5%: {listed} "
            f"(of {n_models} models).")


def us_findings(reg: pd.DataFrame, comparison: pd.DataFrame, regions: str) -> str:
    """Per measure, the three specifications; then the like-for-like comparison."""
    lines = [f"- *{US_LABELS[m]}*: {us_sentence(reg, m)} (n = {int(us_spec_rows(reg, m)['n'].iloc[0])})"
             for m in US_LABELS]
    return (f"Coefficients per standard deviation of the measure, U.S. {regions} (log points):\n\n"
            + "\n".join(lines) + "\n\nLike for like with Europe (model with log size, per employee): "
            + comparison_sentence(comparison) + ".")


def bullet_us() -> str:
    """United States: strong-cluster share in the three specifications, states and CBSAs; REGPAT."""
    st, cb = table("us_state_regression"), table("us_cbsa_regression")
    n_st = int(us_spec_rows(st, "strong_cluster_share")["n"].iloc[0])
    n_cb = int(us_spec_rows(cb, "strong_cluster_share")["n"].iloc[0])
    return (f"*United States* ({n_st} states, {n_cb} CBSAs; cluster data 2016, patents 2011-2015): log patents "
            f"per 10,000 employees on the standardised strong-cluster share, bivariate, with size, and with "
            f"size and wages (a possible mediator): states {us_sentence(st)}; CBSAs {us_sentence(cb)}. "
            f"For CBSAs, {regpat_sentence(table('us_cbsa_robustness'))}.")


def comparison_sentence(comp: pd.DataFrame) -> str:
    """EU and U.S. coefficients on the same footing (traded measures, per employee)."""
    rows = comp[comp["outcome"] == "patents per employee"]
    same = int((rows["us_coef_per_sd"] * rows["eu_coef_per_sd"] > 0).sum())
    parts = [f"{r.us_measure} {r.us_coef_per_sd:+.2f} ({pboth(r.us_p, r.us_p_wild)}) vs {r.eu_measure} "
             f"{r.eu_coef_per_sd:+.2f} ({pboth(r.eu_p, r.eu_p_wild)})" for r in rows.itertuples()]
    return f"{'; '.join(parts)}; same sign for {same} of {len(rows)} measures"


def bullet_comparison() -> str:
    """EU against U.S. states (and CBSAs), like for like: traded measures, per employee, size model."""
    comp, cbsa = table("us_state_eu_comparison"), table("us_cbsa_eu_comparison")
    rows = cbsa[cbsa["outcome"] == "patents per employee"]
    same = int((rows["us_coef_per_sd"] * rows["eu_coef_per_sd"] > 0).sum())
    return ("*Across the Atlantic* (traded-sector measures, log patents per employee with log employment, "
            f"standardised; U.S. states vs EU NUTS-2): {comparison_sentence(comp)}. With U.S. CBSAs instead of "
            f"states the signs agree for {same} of {len(rows)} measures.")


# ---------------------------------------------------------------- space (issue 22)
SPATIAL = {"eu": ("EU NUTS-2", "(3) + country FE", "cluster_strength_traded"),
           "us": ("U.S. CBSAs", "(2) size", "strong_cluster_share"),
           "cn": ("Chinese cities", "types", "declining")}


def spatial_sentence(diag: pd.DataFrame, mods: pd.DataFrame, sample: str, model: str, term: str,
                     label: str, alpha: float = 0.05) -> str:
    """What space changes for one sample: are the headline model's residuals spatially dependent
    (Moran's I, permutation p, per weights) and does the headline survive the spatial models
    (spatial HAC, and the direct effect in the spatial Durbin model under every weights)?"""
    d = diag[(diag["sample"] == sample) & (diag["model"] == model) & (diag["variable"] == "residuals")]
    m = mods[(mods["sample"] == sample) & (mods["model"] == model) & (mods["term"] == term)]
    if d.empty or m.empty:
        raise ValueError(f"no spatial rows for {sample!r}, model {model!r}, term {term!r}")
    dep = d["p"] < alpha
    moran = "; ".join(f"Moran's I {r.morans_i:.2f} with {r.weights}, {pval(r.p, 'permutation p')}"
                      for r in d.itertuples())
    verdict = ("spatially dependent under every weights" if dep.all() else
               "not spatially dependent under any weights" if not dep.any() else "spatially dependent under some weights")
    ols = m[(m["estimator"] == "OLS") & (m["weights"] == "none")].iloc[0]
    hac = m[m["se_type"].str.startswith("spatial HAC")].iloc[0]
    sdm = m[(m["estimator"] == "spatial Durbin (ML)")]
    direct, indirect = sdm[sdm["effect"] == "direct"], sdm[sdm["effect"] == "indirect"]
    base_sig = ols["p"] < alpha
    keeps = ((direct["p"] < alpha) & (direct["coef"] * ols["coef"] > 0)).all() and hac["p"] < alpha
    if base_sig:
        survive = "survives the spatial models" if keeps else "does not survive the spatial models"
    else:
        survive = ("is not significant in OLS and becomes significant in the spatial models" if keeps
                   else "is not significant in OLS and stays short of significance in the spatial models")
    effects = "; ".join(f"{r.weights}: direct {r.coef:+.2f} ({pval(r.p, 'ML p')}), indirect "
                        f"{i.coef:+.2f} ({pval(i.p, 'ML p')})"
                        for r, i in zip(direct.itertuples(), indirect.itertuples(), strict=True))
    kind = "clustered p" if "cluster" in ols["se_type"] else "HC3 p"
    return (f"*{sample}* ({label}, {model}): the residuals are {verdict} ({moran}). The headline "
            f"coefficient {ols['coef']:+.2f} ({pval(ols['p'], kind)}{_wild(ols)}; "
            f"{pval(hac['p'], 'spatial HAC p')}) {survive}: spatial Durbin effects, {effects}.")


def _wild(row: pd.Series) -> str:
    return "" if pd.isna(row["p_wild"]) else f", {pval(row['p_wild'], 'wild p')}"


def bullet_space() -> str:
    """Per sample, what accounting for space changes (tables eu_/us_/cn_spatial_*)."""
    labels = {"eu": "traded cluster strength", "us": "strong-cluster share", "cn": "declining resource city"}
    parts = []
    for key, (sample, model, term) in SPATIAL.items():
        diag, mods = table(f"{key}_spatial_diagnostics"), table(f"{key}_spatial_models")
        parts.append(spatial_sentence(diag, mods, sample, model, term, labels[key]))
    return "*Space* (spatial weights: k nearest neighbours and contiguity): " + " ".join(parts)


BULLETS: list[Callable[[], str]] = [bullet_europe, bullet_eu_designs, bullet_constructs, bullet_spec_curve,
                                    bullet_us, bullet_comparison, bullet_china, bullet_space]


def render() -> str:
    """The README block between the markers (markers included)."""
    body = "\n".join(f"- {b()}" for b in BULLETS)
    return f"{START}\n{body}\n{END}"


def readme_block(text: str) -> str:
    """The block between the markers in ``text``."""
    i, j = text.find(START), text.find(END)
    if i < 0 or j < i:
        raise ValueError(f"README has no findings block ({START} ... {END})")
    return text[i:j + len(END)]


def write() -> bool:
    """Rewrite the README block; return True if it changed."""
    path = paths.project_root() / "README.md"
    text = path.read_text(encoding="utf-8")
    new = text.replace(readme_block(text), render())
    if new != text:
        atomic.write_text(path, new)
    return new != text
