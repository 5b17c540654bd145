"""U.S. region indicators built from the Cluster Mapping Project and USPTO extracts."""

import numpy as np
import pytest

from clusterstudy.analyses import us_counts, us_regions
from clusterstudy.data import extracts


@pytest.fixture(scope="module")
def states():
    return us_regions.region_indicators("state")


def test_state_table(states):
    assert len(states) == 50 and list(states.columns) == us_regions.INDICATOR_COLUMNS
    ca = states.set_index("region_name").loc["California"]
    cp = extracts.load("us_county_patents")
    ca_pat = cp[cp["county_fips"].str.startswith("06") & cp["year"].between(2011, 2015)]
    expected = 1e4 * ca_pat["patents"].sum() / 5 / ca["employment"]
    assert ca["patents_per_10k_employees"] == pytest.approx(expected)
    assert (states["traded_employment"] < states["employment"]).all()
    assert states["strong_cluster_share"].between(0, 1).all()
    assert states["n_strong_clusters"].max() <= 51


def test_cbsa_sample_and_san_jose():
    cbsa = us_regions.region_indicators("cbsa", min_employment=50_000)
    assert (cbsa["employment"] >= 50_000).all() and len(cbsa) == 292
    sj = cbsa.set_index("region_code").loc["41940"]
    assert sj["region_name"] == "San Jose-Sunnyvale-Santa Clara, CA" and sj["state"] == "CA"
    assert sj["patents_per_10k_employees"] > 100


def test_bad_parameters():
    with pytest.raises(ValueError, match="unknown geography 'county'"):
        us_regions.region_indicators("county")
    with pytest.raises(ValueError, match="empty sample: no state with at least"):
        us_regions.region_indicators("state", min_employment=1e9)


def test_eu_comparison_pairs_each_measure_with_its_traded_counterpart():
    import pandas as pd

    spec = us_regions.HEADLINE_SPEC
    us = pd.DataFrame({"model": [f"{m}: {s}" for m in us_regions.MEASURES for s in us_regions.SPECS],
                       "term": [m for m in us_regions.MEASURES for _ in us_regions.SPECS],
                       "coef": range(12), "p": 0.5, "p_wild": float("nan"), "n": 50, "se_type": "HC3"})
    eu = pd.DataFrame([{"outcome": o, "us_measure": m, "measure": e, "coef": -float(k), "p": 0.01, "p_wild": 0.02,
                        "n": 267, "se_type": "clustered by country"}
                       for o in us_regions.OUTCOMES for k, (m, e) in enumerate(us_regions.EU_COUNTERPART.items())])
    out = us_regions.eu_comparison(us, eu)
    per_emp = out[out["outcome"] == "patents per employee"].set_index("us_measure")
    assert per_emp.at["hhi_traded", "eu_measure"] == "hhi_traded"
    assert per_emp.at["strong_cluster_share", "eu_measure"] == "cluster_strength_traded"
    # the size model (2) is the U.S. side: coefficient index 1 of the strong-cluster block
    assert spec == "(2) size" and per_emp.at["strong_cluster_share", "us_coef_per_sd"] == 1
    assert per_emp.at["krugman_traded", "eu_coef_per_sd"] == -3.0
    per_inh = out[out["outcome"] == "patents per inhabitant"]
    assert per_inh["us_coef_per_sd"].isna().all() and per_inh["eu_coef_per_sd"].notna().all()


def test_three_specifications_and_wage_as_possible_mediator(states):
    frame = us_regions.model_frame(states)
    t = us_regions.fit_specs(frame, "patents_per_10k_employees", "strong_cluster_share", "HC3")
    assert list(t["model"].unique()) == [f"strong_cluster_share: {s}" for s in us_regions.SPECS]
    assert "possible mediator" in list(us_regions.SPECS)[2]
    terms = t.groupby("model", sort=False)["term"].apply(set).tolist()
    assert "log_employment" not in terms[0] and "log_avg_wage" not in terms[1] and "log_avg_wage" in terms[2]
    assert set(t["se_type"]) == {"HC3"} and us_regions.fit_per_inhabitant(frame, "HC3") is None


def test_cbsa_population_and_per_inhabitant():
    cbsa = us_regions.region_indicators("cbsa", min_employment=50_000)
    pop = extracts.load("us_cbsa_population").set_index("cbsa_code")
    assert pop["population"].gt(0).all() and len(pop) == 267  # 268 rows less a verbatim duplicate
    ny = cbsa.set_index("region_code").loc["35620"]
    assert ny["population"] == pytest.approx(pop.at["35620", "population"])
    assert ny["patents_per_million"] == pytest.approx(1e6 * ny["patents_per_10k_employees"] * ny["employment"]
                                                      / 1e4 / ny["population"])
    t = us_regions.fit_per_inhabitant(us_regions.model_frame(cbsa), "cluster")
    assert set(t["se_type"]) == {"clustered by state"} and t["n"].iloc[0] == cbsa["population"].notna().sum()


# ---------------------------------------------------------------- issue 36: counts, commuting, strong, wages
def test_poisson_pml_size_model_matches_a_statsmodels_refit(states):
    import numpy as np
    import statsmodels.api as sm
    import statsmodels.formula.api as smf

    frame = us_regions.model_frame(states)
    res = us_counts.fit_size_model(frame, "strong_cluster_share", "Poisson PML", "HC3", "state")
    d = frame.assign(z=(frame["strong_cluster_share"] - frame["strong_cluster_share"].mean())
                     / frame["strong_cluster_share"].std())
    ref = smf.glm("patents ~ z + log_employment", data=d, family=sm.families.Poisson(),
                  offset=np.log(d["employment"])).fit(cov_type="HC0")
    assert res.params["strong_cluster_share"] == pytest.approx(ref.params["z"], rel=1e-6)
    assert res.bse["strong_cluster_share"] == pytest.approx(ref.bse["z"], rel=1e-6)
    # the count is the annual mean the per-employee rate is built from
    assert (1e4 * frame["patents"] / frame["employment"]).to_numpy() == pytest.approx(
        frame["patents_per_10k_employees"].to_numpy())


def test_influence_is_the_leave_one_out_change(states):
    frame = us_regions.model_frame(states)
    infl = us_counts.influence_table(frame, "HC3")
    top = infl.iloc[0]
    full = us_counts.fit_size_model(frame, "strong_cluster_share", "OLS", "HC3", "state")
    # DFBETAS (OLS) is the exact leave-one-out change scaled by the leave-one-out s.e.: its sign is the refit's
    if abs(top["dfbetas_ols"]) > top["cutoff_ols"]:
        drop = us_counts.fit_size_model(frame[frame["region_code"] != top["region_code"]], "strong_cluster_share", "OLS",
                                   "HC3", "state")
        change = full.params["strong_cluster_share"] - drop.params["strong_cluster_share"]
        assert np.sign(change) == np.sign(top["dfbetas_ols"])
    assert infl["influential"].eq((infl["dfbetas_ols"].abs() > infl["cutoff_ols"])
                                  | (infl["dfbetas_ppml"].abs() > infl["cutoff_ppml"])).all()
    est = us_counts.estimator_table(frame, "HC3", influential=infl.loc[infl["influential"], "region_code"].tolist(),
                                     leave_out=1)
    assert set(est["estimator"]) == {"OLS", "Poisson PML"} and est["p_wild"].isna().all()
    assert est.loc[est["sample"] == us_counts.SAMPLES["influential"], "n"].max() == 50 - infl["influential"].sum()
    assert (est["sample"] == f"without {top['region_name']}").sum() == 2


def test_suppressed_wages_are_missing_not_zero(states):
    cmp_ = extracts.load("us_cluster_employment")
    ca = cmp_[(cmp_["region_type"] == "state") & (cmp_["region_code"] == "06")]
    reported = ca[ca["avg_wage_usd"] > 0]
    expected = (reported["avg_wage_usd"] * reported["employment"]).sum() / reported["employment"].sum()
    assert states.set_index("region_code").at["06", "avg_wage_usd"] == pytest.approx(expected)


def test_strong_flag_meets_its_definition():
    check = us_counts.strong_flag_check("cbsa").iloc[0]
    assert check["regions"] == 917 and check["traded_clusters"] == 51
    assert check["min_lq_strong"] >= 1 and check["strong_cells_in_top_quarter"] > 0.99
    assert "not what CLUSNET means by a region 'focused on a few clusters'" in us_regions.STRONG_DEFINITION


def test_comparison_sentence_leads_with_significance():
    import pandas as pd

    comp = pd.DataFrame({"outcome": "patents per employee", "us_measure": ["a", "b", "c"],
                         "us_coef_per_sd": [0.5, 0.1, -0.2], "us_p": [0.01, 0.5, 0.6], "us_p_wild": [0.02, 0.5, 0.6],
                         "eu_measure": ["A", "B", "C"], "eu_coef_per_sd": [0.3, 0.2, -0.1],
                         "eu_p": [0.4, 0.3, 0.7], "eu_p_wild": [0.45, 0.3, 0.7]})
    text = us_regions.comparison_sentence(comp)
    assert text.startswith("significant at 5% on at least one side: a ") and "significant in the U.S." in text
    assert "the same sign and significant on both sides for 0 of 3" in text and "significance aside, for 3" in text
