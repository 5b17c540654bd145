"""Chinese cities: the plan's type counts, the match rate and the indicator table."""

import pandas as pd
import pytest

from clusterstudy import china_cities, extracts


def test_plan_type_totals_and_match_rate():
    rc = extracts.load("cn_resource_cities")
    pref = rc[rc["level"] == "prefecture-level"]
    assert pref["resource_type"].value_counts().to_dict() == {
        "growing": 20, "mature": 66, "declining": 24, "regenerating": 16}
    assert len(pref) == 126
    assert (pref["match"] == "matched").sum() == 112  # 89% of prefecture-level units
    assert len(china_cities.unmatched()) == 14
    assert (rc["level"] == "county-level city").sum() == 62


def test_city_indicators():
    c = china_cities.city_indicators().set_index("city_name_en")
    assert len(c) == 275
    assert c["resource_type"].value_counts()["non-resource"] == 275 - 112
    assert c.loc["Fuxin", "resource_type"] == "declining"
    assert c.loc["Baotou", "patents_per_10k_residents"] == pytest.approx(1e4 * 1449 / 2852000)
    assert c.loc["Baotou", "gdp_per_capita"] == pytest.approx(348505710000 / 2852000)


def test_summary_and_models():
    c = china_cities.city_indicators()
    s = china_cities.summary(c, "patents_per_10k_residents").set_index("resource_type")
    assert s["n"].sum() == 275 and s.loc["declining", "n"] == 22
    res, contrast = china_cities.fit_declining(c, "patents_per_10k_residents")
    assert res.nobs == 275 and {"declining", "other_resource"} <= set(res.params.index)


def test_unknown_parameters():
    with pytest.raises(ValueError, match="unknown population measure 'hukou'"):
        china_cities.outcome_column("patents_per_10k", "hukou")
    with pytest.raises(ValueError, match="unknown outcome 'citations'"):
        china_cities.outcome_column("citations", "resident")


def test_case_cities_and_readable_terms():
    from clusterstudy import seeds

    c = china_cities.city_indicators()
    link = china_cities.case_cities(seeds.load("meng_forman_resource_city_clusters"), c,
                                    "patents_per_10k_residents").set_index("city")
    assert list(link.index) == ["Baotou", "Benxi", "Liaoyuan", "Fuxin"]
    assert link.at["Fuxin", "resource_type"] == "declining" and link["percentile"].between(0, 100).all()
    terms = china_cities.readable_terms(
        pd.DataFrame({"term": ["C(resource_type, Treatment('non-resource'))[T.declining]", "Intercept"]}))
    assert list(terms["term"]) == ["type: declining", "Intercept"]
