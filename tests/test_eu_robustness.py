"""Europe's robustness estimates: panel clustered by country, ORIV, clustered robustness value, heterogeneity,
designs, traded sets.

Each new estimate is held against a slow reference (statsmodels or the textbook formula) on a small case.
"""

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf
from scipy import stats

from clusterstudy.analyses import eu_designs, eu_heterogeneity, eu_leave_one_out, eu_measurement, eu_sample
from clusterstudy.estimation import iv, models, panel
from clusterstudy.estimation import sensitivity as ch


def _panel(seed: int = 5, countries: int = 8, per: int = 4, years: int = 4) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    units = countries * per
    d = pd.DataFrame({"nuts2": np.repeat([f"R{i:02d}" for i in range(units)], years),
                      "country": np.repeat([f"C{i}" for i in range(countries)], per * years),
                      "year": np.tile(np.arange(2008, 2008 + years), units)})
    d["m"] = rng.normal(size=len(d)) + np.repeat(rng.normal(size=units), years)
    d["c"] = rng.normal(size=len(d))
    shock = pd.Series(rng.normal(size=countries * years)).to_numpy()[
        pd.factorize(d["country"] + d["year"].astype(str))[0]]
    d["log_outcome"] = (0.3 * d["m"] - 0.2 * d["c"] + np.repeat(rng.normal(size=units), years) + shock
                        + rng.normal(size=len(d)))
    return d


def test_panel_clustered_by_country_matches_statsmodels_with_dummies():
    d = _panel()
    got = panel.fit_twoway(d, "m", ["c"], wild=False, cluster="country")
    x = (d["m"] - d["m"].mean()) / d["m"].std()
    groups = pd.factorize(d["country"])[0]
    ref = smf.ols("log_outcome ~ x + c + C(nuts2) + C(year)", data=d.assign(x=x)).fit(
        cov_type="cluster", cov_kwds={"groups": groups, "use_correction": False})
    assert got["coef"] == pytest.approx(ref.params["x"], rel=1e-9)
    # the unit effects are nested in the country clusters: fixest's factor counts them as one
    n, g, k = len(d), 8, 2 + 3 + 1
    assert got["se"] == pytest.approx(ref.bse["x"] * np.sqrt(g / (g - 1) * (n - 1) / (n - k)), rel=1e-6)
    t = got["coef"] / got["se"]
    assert got["p"] == pytest.approx(2 * stats.t.sf(abs(t), g - 1), rel=1e-6)  # t(G-1), G = countries
    assert got["clusters"] == 8


def test_panel_country_year_effects_match_statsmodels_and_drop_singleton_countries():
    d = _panel()
    lone = pd.DataFrame({"nuts2": "S1", "country": "S", "year": [2008, 2009, 2010, 2011], "m": [0.1, 0.4, 0.2, 0.3],
                         "c": [0.0, 1.0, 0.5, 0.2], "log_outcome": [1.0, 1.2, 0.9, 1.1]})
    got = panel.fit_twoway(pd.concat([d, lone], ignore_index=True), "m", ["c"], wild=True, cluster="country",
                           time_by="country")
    x = (d["m"] - d["m"].mean()) / d["m"].std()
    ref = smf.ols("log_outcome ~ x + c + C(nuts2) + C(country):C(year)", data=d.assign(x=x)).fit()
    assert got["coef"] == pytest.approx(ref.params["x"], rel=1e-8)
    assert got["clusters"] == 8 and got["n"] == len(d)  # the single-region country's country-years are singletons
    assert np.isnan(got["p_wild"])


def test_oriv_equals_stacked_2sls_by_hand_and_undoes_attenuation():
    rng = np.random.default_rng(0)
    n = 400
    g = np.repeat(np.arange(20), 20)
    x = rng.normal(size=n)
    d = pd.DataFrame({"country": g, "xa": x + rng.normal(size=n), "xb": x + rng.normal(size=n),
                      "c": rng.normal(size=n)})
    d["y"] = 0.5 * x + 0.3 * d["c"] + rng.normal(size=n)
    got = iv.oriv(d, "y", "xa", "xb", ["c"])
    s = iv.stack(d, "xa", "xb", ["c"])
    # 2SLS by its two stages in statsmodels: the coefficient of the fitted regressor
    first = smf.ols("x ~ z + copy + c__0 + c__1", data=s).fit()
    second = smf.ols("y ~ xhat + copy + c__0 + c__1", data=s.assign(xhat=first.fittedvalues)).fit()
    assert got["coef"] == pytest.approx(second.params["xhat"], rel=1e-8)
    # the clustered sandwich with the structural residuals (y - X b), fixest's small-sample factor
    X = np.column_stack([np.ones(len(s)), first.fittedvalues, s["copy"], s["c__0"], s["c__1"]])
    Xs = np.column_stack([np.ones(len(s)), s["x"], s["copy"], s["c__0"], s["c__1"]])
    b = np.asarray(second.params)
    u = s["y"].to_numpy() - Xs @ b
    bread = np.linalg.inv(X.T @ X)
    meat = sum(np.outer(X[s["country"] == k].T @ u[s["country"] == k], X[s["country"] == k].T @ u[s["country"] == k])
               for k in range(20))
    N, K, G = len(s), X.shape[1], 20
    se = np.sqrt((bread @ meat @ bread)[1, 1] * G / (G - 1) * (N - 1) / (N - K))
    assert got["se"] == pytest.approx(se, rel=1e-6)
    assert got["clusters"] == 20 and got["n"] == n
    ols = smf.ols("y ~ xa + c", data=d).fit().params["xa"]
    assert ols < 0.35 < got["coef"]  # OLS attenuated by half (reliability 0.5); ORIV near 0.5


def test_clustered_robustness_value_matches_the_formula_and_sensemakr_on_the_classical_t():
    t, dof = 2.49, 232.0
    f = t / np.sqrt(dof)
    f_crit = stats.t.ppf(1 - 0.05 / 2, dof - 1) / np.sqrt(dof - 1)
    fq = f - f_crit
    by_hand = 0.5 * (np.sqrt(fq ** 4 + 4 * fq ** 2) - fq ** 2)
    assert ch.robustness_value_alpha(t, dof) == pytest.approx(by_hand, rel=1e-6)
    rng = np.random.default_rng(2)
    d = pd.DataFrame({"x": rng.normal(size=200), "c": rng.normal(size=200), "b": rng.normal(size=200)})
    d["log_outcome"] = 0.3 * d["x"] + d["c"] + rng.normal(size=200)
    sens = ch.cinelli_hazlett(d, "x", ["c", "b"], ["c"])
    st = sens.sensitivity_stats
    assert ch.robustness_value_alpha(st["t_statistic"], st["dof"]) == pytest.approx(st["rv_qa"], rel=1e-9)
    assert ch.robustness_value_alpha(st["t_statistic"] / 2, st["dof"]) < st["rv_qa"]


def test_interaction_fit_matches_statsmodels_with_a_product_term():
    rng = np.random.default_rng(4)
    n = 120
    d = pd.DataFrame({"country": np.repeat([f"C{i}" for i in range(12)], 10), "m": rng.normal(size=n),
                      "size": rng.normal(size=n), "capital": (rng.uniform(size=n) < 0.2).astype(float)})
    d["patents_per_million"] = np.exp(0.3 * d["m"] + 0.4 * d["m"] * d["capital"] + rng.normal(size=n))
    res, term = eu_heterogeneity.interaction_fit(d, "m", "capital", ["size"], None)
    z = (d["m"] - d["m"].mean()) / d["m"].std()
    ref = smf.ols("np.log(patents_per_million) ~ z * capital + size", data=d.assign(z=z)).fit(
        cov_type="cluster", cov_kwds={"groups": pd.factorize(d["country"])[0]}, use_t=True)
    assert res.params[term] == pytest.approx(ref.params["z:capital"], rel=1e-8)
    assert res.bse[term] == pytest.approx(ref.bse["z:capital"], rel=1e-8)
    # a moderator constant within countries has no main effect beside country fixed effects
    d["eu15"] = d["country"].isin(["C0", "C1", "C2", "C3", "C4", "C5"]).astype(float)
    res, term = eu_heterogeneity.interaction_fit(d, "m", "eu15", ["size"], "country")
    assert "eu15" not in res.params.index and term in res.params.index


def test_capital_regions_are_nuts_2013_codes_one_per_country():
    codes = set(eu_sample.extracts.load("nuts2_2013")["nuts2"]) | {"UKI1"}
    assert set(eu_heterogeneity.CAPITAL_REGIONS) <= codes
    assert len({c[:2] for c in eu_heterogeneity.CAPITAL_REGIONS}) == len(eu_heterogeneity.CAPITAL_REGIONS)


def test_long_difference_and_placebo_frames_carry_their_outcomes():
    regions, _ = eu_sample.region_indicators()
    frames = eu_designs.design_frames(regions.head(60), regions.head(40), "log_population", ["tertiary_share"])
    pre = eu_designs.with_pre_period(regions.head(60)).set_index("nuts2")
    ld = frames["long_difference"][0].set_index("nuts2")
    pl = frames["placebo_pre_patents"][0].set_index("nuts2")
    r = pre.index[pre["pre_patents_per_million"] > 0][0]
    assert np.log(ld.at[r, "patents_per_million"]) == pytest.approx(
        np.log(pre.at[r, "patents_per_million"]) - np.log(pre.at[r, "pre_patents_per_million"]))
    assert pl.at[r, "patents_per_million"] == pre.at[r, "pre_patents_per_million"]
    same = frames["cross_section_lagged_sample"][0]
    assert set(same["nuts2"]) <= set(regions.head(40)["nuts2"])


def test_traded_sets_drop_g46_and_keep_manufacturing_only():
    assert eu_sample.TRADED_SETS["without_G46"] and not __import__("re").fullmatch(
        eu_sample.TRADED_SETS["without_G46"], "G46")
    with pytest.raises(ValueError, match="unknown traded set"):
        eu_sample.region_indicators(traded_set="services")


def test_singleton_countries_are_named():
    d = pd.DataFrame({"country": ["A", "A", "B", "C", "C"], "m": 1.0, "patents_per_million": [1, 2, 3, 4, 0]})
    assert eu_designs.singleton_countries(d, "m", []) == "B, C"  # C's zero outcome leaves it one region


def test_reliability_is_the_correlation_across_and_within_countries():
    d = pd.DataFrame({"country": ["A", "A", "B", "B"], "m_a": [1.0, 2.0, 3.0, 5.0], "m_b": [1.0, 3.0, 2.0, 6.0]})
    r, rw, n = eu_measurement.reliability(d, "m")
    assert r == pytest.approx(np.corrcoef(d["m_a"], d["m_b"])[0, 1]) and n == 4
    assert rw == pytest.approx(1.0)  # within: (-0.5, 0.5, -1, 1) against (-1, 1, -2, 2)


def test_leave_one_out_sentence_reads_the_range():
    loo = pd.DataFrame({"dropped": ["A", "B", "C"], "design": "cross_section", "measure": "m", "comparison": "within",
                        "coef": [0.1, 0.3, 0.2], "p": [0.2, 0.01, 0.03], "p_wild": [0.3, 0.02, 0.04]})
    full = pd.DataFrame({"design": ["cross_section"], "measure": ["m"], "comparison": ["within"], "coef": [0.2],
                         "p": [0.02], "p_wild": [0.03]})
    s = eu_leave_one_out.loo_sentence(loo, full)
    assert "+0.10 without A to +0.30 without B" in s and "other side of 5% when A is left out" in s
    assert s.endswith("the wild p when A is")
    assert models.WILD_B > 0
