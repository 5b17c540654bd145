"""Chinese cities: resource-city types of the 2013 plan against patenting (Meng & Forman's claim at scale).

Two codings of the plan's 62 county-level resource cities, which lie inside prefecture-level
cities the plan itself does not list (Zhengzhou holds four, Yantai three):

- ``coded``: a prefecture-level city that is not on the plan but contains county-level
  resource cities is resource-bearing, with its own dummy ``resource_counties_only``; the
  reference group is then cities with no resource unit at all;
- ``dropped``: such cities leave the sample.

Models are OLS of log patenting with province fixed effects and errors clustered by province
(about 30 clusters), through the one estimator wrapper :mod:`clusterstudy.estimation.models`, and
Poisson PML of the patent count with the population (or GDP) as exposure beside them
(:mod:`clusterstudy.analyses.china_estimators`). GDP per head is a possible mediator (resource type
is fixed by endowment and the 2013 plan; income is downstream of it), so, as in Europe, it is left
out of the default models and enters a labelled variant (:data:`GDP_MODEL`).

The outcome is :data:`OUTCOME_NAME`. The territorial bases of the city file are checked in
:mod:`clusterstudy.analyses.china_data_quality`: a resident/registered population ratio no
migration can produce, or a GDP per head far below any city's, flags a city; the estimates are
repeated without them.
"""

from __future__ import annotations

from typing import Literal, get_args

import numpy as np
import pandas as pd

from clusterstudy.analyses import china_data_quality
from clusterstudy.core.prose import pboth, pval
from clusterstudy.data import extracts
from clusterstudy.estimation import models, multiple_testing

TYPES = ["non-resource", "growing", "mature", "declining", "regenerating"]
Population = Literal["resident", "registered"]
Outcome = Literal["patents_per_10k", "patents_per_billion_gdp"]
POPULATIONS: dict[str, str] = {p: f"{p}_pop" for p in get_args(Population)}  # the population column
OUTCOMES: tuple[str, ...] = get_args(Outcome)
CODINGS = ("coded", "dropped")
INDICATOR_COLUMNS = ["city_code", "city_name_en", "city_name_cn", "province", "resource_type",
                     "resource_county_cities", "patents_per_10k_residents", "patents_per_10k_registered",
                     "patents_per_billion_gdp", "gdp_per_capita", "knowledge_employment_share",
                     "patents_2017", "resident_pop", "registered_pop", "gdp_cny"]
TYPE_DUMMIES = ["growing", "mature", "declining", "regenerating"]
# What the patent count is: the mirror's README says "patents (CNIPA, 2017)", compiled by Liang et al. (2024)
OUTCOME_NAME = ("patents of 2017 (CNIPA counts compiled by Liang et al. 2024; the source does not state the kinds: "
                "their size is that of grants of all three kinds, invention, utility model and design, not of "
                "invention patents alone; one year only)")
# the count and the exposure of each outcome column, for Poisson PML
COUNT = "patents_2017"
EXPOSURES = {"patents_per_10k_residents": "resident_pop", "patents_per_10k_registered": "registered_pop",
             "patents_per_billion_gdp": "gdp_cny"}
CONTROLS: list[str] = []  # default models: no GDP per head (a possible mediator, as in Europe)
GDP_CONTROL = "log_gdp_per_capita"
GDP_MODEL = "pooled resource city + log GDP per head (possible mediator)"
CLEAN_MODEL = "pooled resource city without the cities flagged in cn_city_data_quality"
ESTIMATORS = ("OLS", "Poisson PML")
# lower in resource cities and a channel through which a resource economy may depress patenting:
# a possible mediator, so only in a labelled variant (as GDP per head is in Europe)
MEDIATOR = "knowledge_employment_share"
POOLED = "any_resource"
POOLED_MODEL = "pooled resource city (primary)"
TYPES_MODEL = "types"
DECLINING_MODEL = "declining vs other resource"
MEDIATOR_MODEL = "pooled resource city + knowledge-employment share (possible mediator)"
COUNTY_DUMMY = "resource_counties_only"
CONTRAST = "declining - other_resource"
FIXED_EFFECTS = "province"
# the two codings as the model names of :func:`regression_table` state them
CODING_LABELS = {"coded": "county-level resource cities coded resource-bearing",
                 "dropped": "cities with county-level resource cities dropped"}


def model_name(model: str, coding: str = "coded") -> str:
    """The name :func:`regression_table` gives ``model`` (e.g. :data:`POOLED_MODEL`) under ``coding``."""
    return f"{model}; {CODING_LABELS[coding]}"


PRIMARY_MODEL = model_name(POOLED_MODEL)  # the claims ledger's primary test


def city_indicators() -> pd.DataFrame:
    """One row per city: province (first two code digits), the plan's prefecture-level type
    ('non-resource' if none) and the number of the plan's county-level resource cities inside it."""
    cities = extracts.load("cn_cities")
    rc = extracts.load("cn_resource_cities")
    matched = rc[rc["match"] == "matched"]
    types = matched[matched["level"] == "prefecture-level"].set_index("city_code")["resource_type"]
    counties = matched[matched["level"] == "county-level city"].groupby("city_code").size()
    out = pd.DataFrame({
        "city_code": cities["city_code"], "city_name_en": cities["city_name_en"],
        "city_name_cn": cities["city_name_cn"], "province": cities["city_code"].str[:2],
        "resource_type": cities["city_code"].map(types).fillna("non-resource").astype(str),
        "resource_county_cities": cities["city_code"].map(counties).fillna(0).astype(int),
        "patents_per_10k_residents": 1e4 * cities["patents_2017"] / cities["resident_pop"],
        "patents_per_10k_registered": 1e4 * cities["patents_2017"] / cities["registered_pop"],
        "patents_per_billion_gdp": 1e9 * cities["patents_2017"] / cities["gdp_cny"],
        "gdp_per_capita": cities["gdp_cny"] / cities["resident_pop"],
        "knowledge_employment_share": cities["knowledge_employment_share_pct"],
        "patents_2017": cities["patents_2017"], "resident_pop": cities["resident_pop"],
        "registered_pop": cities["registered_pop"], "gdp_cny": cities["gdp_cny"],
    })
    return out[INDICATOR_COLUMNS].reset_index(drop=True)


def unmatched() -> pd.DataFrame:
    """Units of the plan (prefecture- and county-level) not placed in a city of the cross-section, with reason."""
    rc = extracts.load("cn_resource_cities")
    miss = rc[rc["match"] == "unmatched"]
    return miss[["name_cn", "level", "resource_type", "reason"]].reset_index(drop=True)


def outcome_column(outcome: str, population: str) -> str:
    """The indicator column for ``outcome`` (per 10k of the ``population`` measure, or per GDP)."""
    if outcome not in OUTCOMES:
        raise ValueError(f"unknown outcome {outcome!r}; choose one of {', '.join(OUTCOMES)}")
    if population not in POPULATIONS:
        raise ValueError(f"unknown population measure {population!r}; choose one of {', '.join(POPULATIONS)}")
    if outcome == "patents_per_billion_gdp":
        return outcome
    return f"patents_per_10k_{'residents' if population == 'resident' else 'registered'}"


def summary(df: pd.DataFrame, outcome: str) -> pd.DataFrame:
    """n, median and interquartile range of the outcome per resource-city type."""
    g = df.groupby("resource_type")[outcome]
    out = pd.DataFrame({"n": g.size(), "median": g.median(), "q25": g.quantile(0.25),
                        "q75": g.quantile(0.75)}).reindex(TYPES)
    out["iqr"] = out["q75"] - out["q25"]
    return out.rename_axis("resource_type").reset_index()


def county_only(df: pd.DataFrame) -> pd.Series:
    """True for cities not on the plan that contain county-level resource cities."""
    return (df["resource_type"] == "non-resource") & (df["resource_county_cities"] > 0)


def model_frame(df: pd.DataFrame, outcome: str, coding: str) -> pd.DataFrame:
    """Type dummies, the county-city dummy (``coded``) or sample (``dropped``), log GDP p.c.

    Rows with a non-positive outcome are dropped by :func:`clusterstudy.estimation.models.prepare`.
    """
    if coding not in CODINGS:
        raise ValueError(f"unknown coding of county-level resource cities {coding!r}; choose one of "
                         f"{', '.join(CODINGS)}")
    d = df.copy()
    if coding == "dropped":
        d = d[~county_only(d)]
    else:
        d[COUNTY_DUMMY] = county_only(d).astype(int)
    for t in TYPE_DUMMIES:
        d[t] = (d["resource_type"] == t).astype(int)
    d["other_resource"] = d["resource_type"].isin(["growing", "mature", "regenerating"]).astype(int)
    d["any_resource"] = d["other_resource"] + d["declining"]
    d[GDP_CONTROL] = np.log(d["gdp_per_capita"])
    return d


def _fit(df: pd.DataFrame, outcome: str, coding: str, focal: str, others: list[str], mediator: bool = False,
         gdp: bool = False, estimator: str = "OLS"):
    if estimator not in ESTIMATORS:
        raise ValueError(f"unknown estimator {estimator!r}; choose one of {', '.join(ESTIMATORS)}")
    extra = [COUNTY_DUMMY] if coding == "coded" else []
    controls = [*others, *extra, *CONTROLS, *([GDP_CONTROL] if gdp else []), *([MEDIATOR] if mediator else [])]
    frame = model_frame(df, outcome, coding)
    if estimator == "Poisson PML":  # the count with log exposure as offset, zeros kept
        if outcome not in EXPOSURES:
            raise ValueError(f"no count and exposure for outcome {outcome!r}; choose one of {', '.join(EXPOSURES)}")
        return models.fit_poisson(frame, COUNT, EXPOSURES[outcome], focal, controls, fixed_effects=FIXED_EFFECTS,
                                  cluster=FIXED_EFFECTS)
    d = models.prepare(frame, outcome, focal, controls, cluster=FIXED_EFFECTS)
    return models.fit(d, focal, controls, fixed_effects=FIXED_EFFECTS, se="cluster", cluster=FIXED_EFFECTS)


def fit_pooled(df: pd.DataFrame, outcome: str, coding: str = "coded", mediator: bool = False, gdp: bool = False,
               estimator: str = "OLS"):
    """The primary test of "low innovation capability": OLS of log outcome (or, ``estimator="Poisson
    PML"``, Poisson PML of the count with log exposure as offset) on one resource-city indicator (any
    type of the plan), province fixed effects, errors clustered by province; ``gdp`` adds log GDP per
    head and ``mediator`` the knowledge-employment share (both possible mediators: labelled variants)."""
    return _fit(df, outcome, coding, POOLED, [], mediator, gdp, estimator)


def fit_types(df: pd.DataFrame, outcome: str, coding: str = "coded", gdp: bool = False, estimator: str = "OLS"):
    """As :func:`fit_pooled` with the four type dummies (non-resource reference) in place of the
    pooled indicator (secondary to :func:`fit_pooled`)."""
    return _fit(df, outcome, coding, "declining", ["growing", "mature", "regenerating"], gdp=gdp,
                estimator=estimator)


def fit_declining(df: pd.DataFrame, outcome: str, coding: str = "coded"):
    """As :func:`fit_types` with dummies *declining* and *other resource*.

    Returns (results, t-test of declining = other resource).
    """
    res = _fit(df, outcome, coding, "declining", ["other_resource"])
    return res, res.t_test("declining - other_resource = 0")


def fit_contrast(df: pd.DataFrame, outcome: str, coding: str = "coded"):
    """:func:`fit_declining` reparametrised with *any resource* in place of *other resource*: the
    coefficient of ``declining`` is then declining minus other resource (so it can be bootstrapped)."""
    return _fit(df, outcome, coding, "declining", ["any_resource"])


def regression_table(df: pd.DataFrame, outcome: str, wild: bool = True) -> pd.DataFrame:
    """Tidy rows of both models under both codings, with estimator, errors and fixed effects stated.

    ``p_wild`` (wild cluster bootstrap by province, :func:`clusterstudy.estimation.models.wild_bootstrap_p`)
    is computed for the pooled indicator, the type dummies, *other resource* and the declining-minus-other
    contrast; ``p_adjusted`` (Romano–Wolf, wild cluster bootstrap) and ``p_holm`` over the family of the
    pooled indicator and the four types, with ``family`` and ``family_size``. First rows: the primary
    pooled model, its variant with log GDP per head, the primary without the cities
    :func:`~clusterstudy.analyses.china_data_quality.data_quality` flags (:data:`CLEAN_MODEL`) and the
    variant with the knowledge-employment share (possible mediators).
    """
    rows, adjusted = [], []
    for coding in CODINGS:
        label = CODING_LABELS[coding]
        pooled, types = fit_pooled(df, outcome, coding), fit_types(df, outcome, coding)
        family = [(pooled, POOLED), *((types, t) for t in TYPE_DUMMIES)]
        rows.append(models.tidy(pooled, f"{POOLED_MODEL}; {label}", wild_terms=(POOLED,) if wild else ()))
        rows.append(models.tidy(fit_pooled(df, outcome, coding, gdp=True), f"{GDP_MODEL}; {label}",
                                wild_terms=(POOLED,) if wild else ()))
        clean = df[~china_data_quality.data_quality(df)["flagged"].to_numpy()]
        rows.append(models.tidy(fit_pooled(clean, outcome, coding), f"{CLEAN_MODEL}; {label}",
                                wild_terms=(POOLED,) if wild else ()))
        rows.append(models.tidy(fit_pooled(df, outcome, coding, mediator=True), f"{MEDIATOR_MODEL}; {label}",
                                wild_terms=(POOLED,) if wild else ()))
        rows.append(models.tidy(types, f"{TYPES_MODEL}; {label}", wild_terms=tuple(TYPE_DUMMIES) if wild else ()))
        if wild:  # Romano-Wolf over the claim's family: the pooled indicator and the four types
            adj = multiple_testing.adjust_family(family, cluster=FIXED_EFFECTS, restricted=True)
            adj["model"] = [f"{POOLED_MODEL}; {label}"] + [f"{TYPES_MODEL}; {label}"] * len(TYPE_DUMMIES)
            adj["term"] = [POOLED, *TYPE_DUMMIES]
            adjusted.append(adj.assign(family=f"China {coding}: pooled + 4 types, {multiple_testing.RW_RESTRICTED}"))
        name = f"{DECLINING_MODEL}; {label}"
        rows.append(models.tidy(fit_declining(df, outcome, coding)[0], name,
                                wild_terms=("declining", "other_resource") if wild else ()))
        contrast = models.tidy(fit_contrast(df, outcome, coding), name, wild_terms=("declining",) if wild else ())
        rows.append(contrast[contrast["term"] == "declining"].assign(term=CONTRAST))
    out = pd.concat(rows, ignore_index=True)
    if not adjusted:
        return out.assign(p_adjusted=np.nan, p_holm=np.nan, family="", family_size=0)
    adj = pd.concat(adjusted)[["model", "term", "p_adjusted", "p_holm", "family", "family_size"]]
    out = out.merge(adj, on=["model", "term"], how="left", validate="one_to_one")
    out["family"] = out["family"].fillna("")
    out["family_size"] = out["family_size"].fillna(0).astype(int)
    return out


def lowest_type(summary_table: pd.DataFrame, regression: pd.DataFrame, model: str) -> tuple[str, str]:
    """The resource type with the lowest median (raw) and the lowest coefficient in ``model`` (adjusted)."""
    resource = summary_table[summary_table["resource_type"] != "non-resource"]
    raw = resource.loc[resource["median"].idxmin(), "resource_type"]
    coefs = regression[(regression["model"] == model) & regression["term"].isin(TYPE_DUMMIES)]
    return str(raw), str(coefs.loc[coefs["coef"].idxmin(), "term"])


def readable_terms(tidy: pd.DataFrame) -> pd.DataFrame:
    """Label the type dummies 'type: <name>'."""
    return tidy.assign(term=tidy["term"].where(~tidy["term"].isin(TYPE_DUMMIES), "type: " + tidy["term"]))


def case_cities(table2: pd.DataFrame, cities: pd.DataFrame, outcome: str) -> pd.DataFrame:
    """Meng & Forman's Table 2 clusters with their city's type, ``outcome`` and national percentile."""
    ranked = cities.assign(percentile=100 * cities[outcome].rank(pct=True))
    return table2[["cluster", "city", "enterprises", "output_busd", "employees_thousand"]].merge(
        ranked[["city_name_en", "resource_type", outcome, "percentile"]], left_on="city", right_on="city_name_en",
        how="left").drop(columns="city_name_en")


# ---------------------------------------------------------------- finding sentences
def unmatched_sentence(unmatched: pd.DataFrame, cities: pd.DataFrame) -> str:
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


def types_sentence(summary: pd.DataFrame, coefs: pd.DataFrame, label: str) -> str:
    """Raw and adjusted ranking of the types, and declining against other resource cities, both codings."""
    resource = summary[summary["resource_type"] != "non-resource"].set_index("resource_type")
    raw_low = resource["median"].idxmin()
    types = coefs[(coefs["model"] == model_name(TYPES_MODEL))].assign(t=lambda d: d["term"].str.removeprefix("type: "))
    types = types[types["t"].isin(resource.index)].set_index("t")
    adj_low = types["coef"].idxmin()
    pooled = models.term_row(coefs, PRIMARY_MODEL, POOLED)
    gdp = models.term_row(coefs, model_name(GDP_MODEL), POOLED)
    clean = models.term_row(coefs, model_name(CLEAN_MODEL), POOLED)
    out = [f"Primary test, one resource-city indicator (any type of the plan) with province fixed effects: "
           f"{pooled['coef']:+.2f} log points against non-resource cities "
           f"({pboth(pooled['p'], pooled['p_wild'])}, {pval(pooled['p_adjusted'], 'adjusted p')} over it and "
           f"the four types; n = {int(pooled['n'])}); with log GDP per head, a possible mediator, "
           f"{gdp['coef']:+.2f} ({pboth(gdp['p'], gdp['p_wild'])}); without the cities whose territorial bases "
           f"are flagged, {clean['coef']:+.2f} ({pboth(clean['p'], clean['p_wild'])}, n = {int(clean['n'])}).",
           f"Unadjusted, **{raw_low}** cities have the lowest median ({resource.at[raw_low, 'median']:.2f} "
           f"{label}, against {summary.set_index('resource_type').at['non-resource', 'median']:.2f} for "
           f"non-resource cities). Within provinces, **{adj_low}** cities have the "
           f"lowest coefficient ({types.at[adj_low, 'coef']:+.2f} log points, "
           f"{pboth(types.at[adj_low, 'p'], types.at[adj_low, 'p_wild'])})."]
    for coding in CODINGS:
        model = model_name(DECLINING_MODEL, coding)
        dec, diff = models.term_row(coefs, model, "declining"), models.term_row(coefs, model, CONTRAST)
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
