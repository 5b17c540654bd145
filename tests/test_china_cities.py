"""Chinese cities: the plan's type counts, the match rate and the indicator table."""

import pandas as pd
import pytest

from clusterstudy.analyses import china_cities, china_data_quality, china_estimators
from clusterstudy.data import extracts


def test_plan_type_totals_and_match_rate():
    rc = extracts.load("cn_resource_cities")
    pref = rc[rc["level"] == "prefecture-level"]
    assert pref["resource_type"].value_counts().to_dict() == {
        "growing": 20, "mature": 66, "declining": 24, "regenerating": 16}
    assert len(pref) == 126
    assert (pref["match"] == "matched").sum() == 112  # 89% of prefecture-level units
    assert (rc["level"] == "county-level city").sum() == 62
    miss = china_cities.unmatched()
    assert (miss["level"] == "prefecture-level").sum() == 14
    absent = miss[miss["reason"].str.startswith("prefecture-level city absent")]
    assert set(absent["name_cn"]) == {"伊春市", "毕节市", "宿州市", "亳州市"}


def test_county_level_cities_are_placed_in_their_prefecture():
    rc = extracts.load("cn_resource_cities").set_index("name_cn")
    county = rc[rc["level"] == "county-level city"]
    assert county["county_code"].notna().all()
    # matched county-level cities lie in the city whose code shares the first four digits
    matched = county[county["match"] == "matched"]
    assert (matched["city_code"].str[:4] == matched["county_code"].str[:4]).all()
    assert rc.at["登封市", "city_code"] == "410100" and rc.at["龙口市", "city_code"] == "370600"
    assert "province" in rc.at["潜江市", "reason"] and "红河" in rc.at["个旧市", "reason"]
    assert (county["match"] == "unmatched").sum() == 10


def test_city_indicators():
    c = china_cities.city_indicators().set_index("city_name_en")
    assert len(c) == 275 and c["province"].nunique() == 30
    assert c["resource_type"].value_counts()["non-resource"] == 275 - 112
    assert c.loc["Fuxin", "resource_type"] == "declining"
    assert c.loc["Zhengzhou", "resource_county_cities"] == 4 and c.loc["Yantai", "resource_county_cities"] == 3
    assert c.loc["Zhengzhou", "resource_type"] == "non-resource"
    assert c["resource_county_cities"].sum() == 52
    assert c.loc["Baotou", "patents_per_10k_residents"] == pytest.approx(1e4 * 1449 / 2852000)
    assert c.loc["Baotou", "gdp_per_capita"] == pytest.approx(348505710000 / 2852000)


def test_summary_and_models():
    c = china_cities.city_indicators()
    s = china_cities.summary(c, "patents_per_10k_residents").set_index("resource_type")
    assert s["n"].sum() == 275 and s.loc["declining", "n"] == 22
    only = int(china_cities.county_only(c).sum())
    single = int((c["province"].value_counts() == 1).sum())  # absorbed by their fixed effect
    res, contrast = china_cities.fit_declining(c, "patents_per_10k_residents", "coded")
    assert res.nobs == 275 - single and china_cities.COUNTY_DUMMY in res.params.index
    assert res.cov_type == "cluster" and any(p.startswith("C(province)") for p in res.params.index)
    res2, _ = china_cities.fit_declining(c, "patents_per_10k_residents", "dropped")
    assert res2.nobs == 275 - single - only and china_cities.COUNTY_DUMMY not in res2.params.index
    t = china_cities.regression_table(c, "patents_per_10k_residents")
    assert set(t["se_type"]) == {"clustered by province"} and set(t["fixed_effects"]) == {"province"}
    diff = t[t["term"] == china_cities.CONTRAST].set_index("model")["coef"]
    dec = t[t["term"] == "declining"].set_index("model")["coef"]
    oth = t[t["term"] == "other_resource"].set_index("model")["coef"]
    assert (diff - (dec - oth).reindex(diff.index)).abs().max() < 1e-10
    with pytest.raises(ValueError, match="unknown coding of county-level resource cities 'merged'"):
        china_cities.model_frame(c, "patents_per_10k_residents", "merged")


def test_unknown_parameters():
    with pytest.raises(ValueError, match="unknown population measure 'hukou'"):
        china_cities.outcome_column("patents_per_10k", "hukou")
    with pytest.raises(ValueError, match="unknown outcome 'citations'"):
        china_cities.outcome_column("citations", "resident")


def test_case_cities_and_readable_terms():
    from clusterstudy.data import seeds

    c = china_cities.city_indicators()
    link = china_cities.case_cities(seeds.load("meng_forman_resource_city_clusters"), c,
                                    "patents_per_10k_residents").set_index("city")
    assert list(link.index) == ["Baotou", "Benxi", "Liaoyuan", "Fuxin"]
    assert link.at["Fuxin", "resource_type"] == "declining" and link["percentile"].between(0, 100).all()
    terms = china_cities.readable_terms(pd.DataFrame({"term": ["declining", "Intercept", "other_resource"]}))
    assert list(terms["term"]) == ["type: declining", "Intercept", "other_resource"]


def test_county_codes_cover_the_plan_and_unknown_names_fail():
    from clusterstudy.data.ingest import china

    codes = china.COUNTY_CITY_CODES
    assert len(codes) == 62 and len(set(codes.values())) == 62
    assert all(c.isdigit() and len(c) == 6 and c[4:6] >= "01" for c in codes.values())
    with pytest.raises(ValueError, match="county-level city '新城市' of the plan has no GB/T 2260 code"):
        china._county_city("新城市", {"410100"})
    assert china._county_city("登封市", {"410100"}) == ("410185", "410100", "")


def test_pooled_primary_leaves_the_mediator_to_its_labelled_variant():
    c = china_cities.city_indicators()
    primary = china_cities.fit_pooled(c, "patents_per_10k_residents")
    variant = china_cities.fit_pooled(c, "patents_per_10k_residents", mediator=True)
    assert china_cities.MEDIATOR not in primary.params.index and china_cities.MEDIATOR in variant.params.index
    table = china_cities.regression_table(c, "patents_per_10k_residents")
    fam = table[table["family"] != ""]
    # the family: the pooled indicator and the four types, per coding
    assert sorted(fam.groupby("model")["term"].size().tolist()) == [1, 1, 4, 4]
    assert (fam["family_size"] == 5).all() and fam["p_adjusted"].between(0, 1).all()
    row = table[(table["model"].str.startswith(china_cities.POOLED_MODEL)) & (table["term"] == china_cities.POOLED)]
    assert row["coef"].iloc[0] == pytest.approx(primary.params[china_cities.POOLED])


# ---------------------------------------------------------------- issue 36: counts, territorial bases, GDP per head
def _glm_refit(c, count, exposure, rhs):
    """The slow reference: statsmodels' Poisson GLM with the province dummies written out, singleton
    provinces dropped, errors clustered by province."""
    import numpy as np
    import statsmodels.api as sm
    import statsmodels.formula.api as smf

    d = china_cities.model_frame(c, "patents_per_10k_residents", "coded")
    d = d[d.groupby("province")["province"].transform("size") > 1]
    groups = pd.factorize(d["province"])[0]
    return smf.glm(f"{count} ~ {rhs} + C(province)", data=d, family=sm.families.Poisson(),
                   offset=np.log(d[exposure])).fit(cov_type="cluster", cov_kwds={"groups": groups}, use_t=True)


def test_poisson_pml_matches_a_statsmodels_refit():
    c = china_cities.city_indicators()
    for gdp in (False, True):
        res = china_cities.fit_pooled(c, "patents_per_10k_residents", gdp=gdp, estimator="Poisson PML")
        rhs = "any_resource + resource_counties_only" + (" + log_gdp_per_capita" if gdp else "")
        ref = _glm_refit(c, "patents_2017", "resident_pop", rhs)
        assert res.params["any_resource"] == pytest.approx(ref.params["any_resource"], rel=1e-6)
        assert res.bse["any_resource"] == pytest.approx(ref.bse["any_resource"], rel=1e-6)
        assert res.cs_meta["estimator"] == "Poisson PML" and res.nobs == ref.nobs
    types = china_cities.fit_types(c, "patents_per_10k_registered", estimator="Poisson PML")
    ref = _glm_refit(c, "patents_2017", "registered_pop",
                     "declining + growing + mature + regenerating + resource_counties_only")
    for t in china_cities.TYPE_DUMMIES:
        assert types.params[t] == pytest.approx(ref.params[t], rel=1e-6)
    with pytest.raises(ValueError, match="unknown estimator 'probit'"):
        china_cities.fit_pooled(c, "patents_per_10k_residents", estimator="probit")


def test_primary_leaves_gdp_per_head_out_and_the_variant_puts_it_in():
    c = china_cities.city_indicators()
    primary = china_cities.fit_pooled(c, "patents_per_10k_residents")
    variant = china_cities.fit_pooled(c, "patents_per_10k_residents", gdp=True)
    assert china_cities.GDP_CONTROL not in primary.params.index and china_cities.GDP_CONTROL in variant.params.index
    assert china_cities.PRIMARY_MODEL == china_cities.model_name(china_cities.POOLED_MODEL)


def test_data_quality_flags_territorial_bases():
    c = china_cities.city_indicators()
    q = china_data_quality.data_quality(c).set_index("city_name_en")
    assert len(q) == 275
    # Jincheng: 2.4 million residents against 0.38 million registered, GDP per head far below the median
    assert q.loc["Jincheng", "ratio_flag"] and q.loc["Jincheng", "gdp_flag"]
    assert q.loc["Yibin", "gdp_flag"] and not q.loc["Yibin", "ratio_flag"]
    # Shenzhen's ratio is above the threshold too, but it is a rich destination city: not flagged
    assert q.loc["Shenzhen", "resident_registered_ratio"] > china_data_quality.MAX_RATIO_BELOW_MEDIAN_INCOME
    assert not q.loc["Shenzhen", "flagged"]
    assert q["flagged"].eq(q["ratio_flag"] | q["gdp_flag"]).all() and (q.loc[q["flagged"], "reason"] != "").all()


def test_estimator_table_and_the_gdp_identity():
    c = china_cities.city_indicators()
    est = china_estimators.estimator_table(c, "patents_per_10k_residents", wild=False)
    assert set(est["estimator"]) == {"OLS", "Poisson PML"} and set(est["sample"]) == set(china_estimators.SAMPLES.values())
    ols = est[(est["specification"] == china_cities.POOLED_MODEL) & (est["estimator"] == "OLS")
              & (est["sample"] == "all cities")].iloc[0]
    assert ols["coef"] == pytest.approx(china_cities.fit_pooled(c, "patents_per_10k_residents").params["any_resource"])
    clean = est[est["sample"] == "without flagged cities"]
    assert (clean["n"] < est.loc[est["sample"] == "all cities", "n"].max()).all()
    # log GDP per head controlled: per-GDP and per-resident coefficients identical (Frisch-Waugh-Lovell)
    gdp = est[(est["specification"] == china_cities.GDP_MODEL) & (est["sample"] == "all cities")]
    for e in china_cities.ESTIMATORS:
        pair = gdp[gdp["estimator"] == e].set_index("outcome")["coef"]
        assert pair["patents_per_billion_gdp"] == pytest.approx(pair["patents_per_10k_residents"], abs=1e-8)
    ranks = est[est["term"].isin(china_cities.TYPE_DUMMIES)].groupby("model")["type_rank"].apply(sorted)
    assert all(r == [1, 2, 3, 4] for r in ranks)
    assert "by construction" in china_estimators.gdp_identity_sentence(est)


def test_regression_table_has_the_primary_without_flagged_cities():
    c = china_cities.city_indicators()
    t = china_cities.regression_table(c, "patents_per_10k_residents", wild=False)
    clean = t[(t["model"] == china_cities.model_name(china_cities.CLEAN_MODEL))
                           & (t["term"] == china_cities.POOLED)].iloc[0]
    full = t[(t["model"] == china_cities.PRIMARY_MODEL) & (t["term"] == china_cities.POOLED)].iloc[0]
    n_flagged = int(china_data_quality.data_quality(c)["flagged"].sum())
    assert clean["n"] == full["n"] - n_flagged and clean["coef"] != full["coef"]
