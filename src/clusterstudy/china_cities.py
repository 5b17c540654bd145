"""Chinese cities: resource-city types of the 2013 plan against patenting (Meng & Forman's claim at scale)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import statsmodels.formula.api as smf

from . import extracts

TYPES = ["non-resource", "growing", "mature", "declining", "regenerating"]
POPULATIONS = {"resident": "resident_pop", "registered": "registered_pop"}
OUTCOMES = ("patents_per_10k", "patents_per_billion_gdp")
INDICATOR_COLUMNS = ["city_code", "city_name_en", "city_name_cn", "resource_type",
                     "patents_per_10k_residents", "patents_per_10k_registered",
                     "patents_per_billion_gdp", "gdp_per_capita",
                     "knowledge_employment_share"]


def city_indicators() -> pd.DataFrame:
    """One row per city of the cross-section with its resource type ('non-resource' if none)."""
    cities = extracts.load("cn_cities")
    rc = extracts.load("cn_resource_cities")
    types = rc[rc["match"] == "matched"].set_index("city_code")["resource_type"]
    out = pd.DataFrame({
        "city_code": cities["city_code"], "city_name_en": cities["city_name_en"],
        "city_name_cn": cities["city_name_cn"],
        "resource_type": cities["city_code"].map(types).fillna("non-resource").astype(str),
        "patents_per_10k_residents": 1e4 * cities["patents_2017"] / cities["resident_pop"],
        "patents_per_10k_registered": 1e4 * cities["patents_2017"] / cities["registered_pop"],
        "patents_per_billion_gdp": 1e9 * cities["patents_2017"] / cities["gdp_cny"],
        "gdp_per_capita": cities["gdp_cny"] / cities["resident_pop"],
        "knowledge_employment_share": cities["knowledge_employment_share_pct"],
    })
    return out[INDICATOR_COLUMNS].reset_index(drop=True)


def unmatched() -> pd.DataFrame:
    """Prefecture-level resource units of the plan that are not in the city data, with the reason."""
    rc = extracts.load("cn_resource_cities")
    pref = rc[(rc["level"] == "prefecture-level") & (rc["match"] == "unmatched")]
    return pref[["name_cn", "resource_type", "reason"]].reset_index(drop=True)


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


def fit_types(df: pd.DataFrame, outcome: str):
    """OLS of log outcome on type dummies (non-resource = reference), log GDP p.c., knowledge share; HC3."""
    d = df[df[outcome] > 0].dropna(subset=[outcome, "gdp_per_capita", "knowledge_employment_share"]).copy()
    if d.empty:
        raise ValueError(f"empty sample: no city with positive {outcome}")
    d["log_y"] = np.log(d[outcome])
    formula = ("log_y ~ C(resource_type, Treatment('non-resource')) + np.log(gdp_per_capita) "
               "+ knowledge_employment_share")
    return smf.ols(formula, data=d).fit(cov_type="HC3")


def fit_declining(df: pd.DataFrame, outcome: str):
    """OLS with dummies *declining* and *other resource* (non-resource reference), same controls; HC3.

    Returns (results, t-test of declining = other resource).
    """
    d = df[df[outcome] > 0].copy()
    d["log_y"] = np.log(d[outcome])
    d["declining"] = (d["resource_type"] == "declining").astype(int)
    d["other_resource"] = (~d["resource_type"].isin(["declining", "non-resource"])).astype(int)
    res = smf.ols("log_y ~ declining + other_resource + np.log(gdp_per_capita) + knowledge_employment_share",
                  data=d).fit(cov_type="HC3")
    return res, res.t_test("declining - other_resource = 0")


def readable_terms(tidy: pd.DataFrame) -> pd.DataFrame:
    """Rename the patsy type dummies of :func:`fit_types` to 'type: <name>'."""
    pattern = r"C\(resource_type, Treatment\('non-resource'\)\)\[T\.(\w+)\]"
    return tidy.assign(term=tidy["term"].str.replace(pattern, r"type: \1", regex=True))


def case_cities(table2: pd.DataFrame, cities: pd.DataFrame, outcome: str) -> pd.DataFrame:
    """Meng & Forman's Table 2 clusters with their city's type, ``outcome`` and national percentile."""
    ranked = cities.assign(percentile=100 * cities[outcome].rank(pct=True))
    return table2[["cluster", "city", "enterprises", "output_busd", "employees_thousand"]].merge(
        ranked[["city_name_en", "resource_type", outcome, "percentile"]], left_on="city", right_on="city_name_en",
        how="left").drop(columns="city_name_en")
