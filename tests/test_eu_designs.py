"""Europe designs (issue 21): within-region variance, pre-period patents, t(G-1), PPML bootstrap."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from clusterstudy.analyses import eu_designs, eu_sample
from clusterstudy.data import extracts
from clusterstudy.estimation import models, panel


def test_within_share_is_the_within_region_sum_of_squares_over_the_total():
    p = pd.DataFrame({"nuts2": ["A", "A", "B", "B", "C"], "x": [1.0, 3.0, 5.0, 7.0, 100.0]})
    # C is seen once and carries no within variation: left out; A, B: mean 4, SS 20, within SS 4
    assert panel.within_share(p, "x") == pytest.approx(0.2)
    const = pd.DataFrame({"nuts2": ["A", "A", "B", "B"], "x": [1.0, 1.0, 2.0, 2.0]})
    assert panel.within_share(const, "x") == 0.0


def test_within_shares_table_reads_the_panel():
    p = pd.DataFrame({"nuts2": ["A", "A", "B", "B"], "year": [2008, 2009] * 2,
                      "hhi": [0.1, 0.3, 0.5, 0.7], "log_outcome": [1.0, 1.0, 2.0, 2.0]})
    t = eu_designs.within_shares(p, ("hhi",)).set_index("variable")
    assert t.at["hhi", "within_share"] == pytest.approx(0.04 / 0.2)  # within SS 4 x 0.01, total 0.2
    assert t.at["log_outcome", "within_share"] == 0.0
    assert t["regions"].eq(2).all() and t["years"].eq(2).all()


def test_pre_period_patents_match_the_mirror_for_three_regions():
    # P_MHAB 2000-2004 read by hand from the mirror's eurostat/patents.rda (pat_ep_rtot)
    by_hand = {"DE11": [656.091, 687.944, 668.631, 644.607, 651.983],
               "ITC4": [153.645, 146.414, 155.002, 152.594, 157.124],
               "RO11": [0.468, 0.217, 0.894, 1.578]}  # RO11 has no 2000 value
    pre = eu_designs.pre_period_patents().set_index("nuts2")
    for region, values in by_hand.items():
        assert pre.at[region, "pre_patents_per_million"] == pytest.approx(np.mean(values), rel=1e-6)
        assert pre.at[region, "pre_years"] == len(values)


def test_clustered_p_uses_t_with_g_minus_1_for_the_clusters_in_the_sample():
    rng = np.random.default_rng(1)
    countries = [f"C{i}" for i in range(8) for _ in range(5)] + ["S1", "S2"]  # two single-region countries
    d = pd.DataFrame({"country": countries, "x": rng.normal(size=len(countries)),
                      "z": rng.normal(size=len(countries))})
    d["patents_per_million"] = np.exp(0.3 * d["x"] + rng.normal(size=len(d)))
    prep = models.prepare(d, "patents_per_million", "x", ["z"], cluster="country")
    res = models.fit(prep, "x", ["z"], fixed_effects="country")
    assert res.cs_meta["clusters"] == 8  # the singletons drop out with country fixed effects
    t = res.params["x"] / res.bse["x"]
    assert res.pvalues["x"] == pytest.approx(2 * stats.t.sf(abs(t), 8 - 1))
    assert res.pvalues["x"] > 2 * stats.norm.sf(abs(t))  # heavier tails than the normal
    tidy = models.tidy(res, "m")
    assert tidy.set_index("term").at["x", "clusters"] == 8
    pooled = models.fit(prep, "x", ["z"])
    assert pooled.cs_meta["clusters"] == 10


def _poisson_data(effect: float, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    g = np.repeat(np.arange(16), 12)
    x = rng.normal(size=g.size) + rng.normal(size=16)[g]
    pop = rng.uniform(1e5, 1e6, size=g.size)
    mu = pop / 1e4 * np.exp(effect * x + 0.3 * rng.normal(size=16)[g])
    return pd.DataFrame({"country": [f"C{k}" for k in g], "x": x, "z": rng.normal(size=g.size),
                         "patents": rng.poisson(mu).astype(float), "population": pop})


def test_ppml_score_bootstrap_is_reproducible_with_its_seed_and_has_power():
    strong = models.fit_poisson(_poisson_data(0.5), "patents", "population", "x", ["z"])
    p1 = models.score_bootstrap_p(strong, "x", B=999, seed=7)
    assert p1 == models.score_bootstrap_p(strong, "x", B=999, seed=7)
    assert p1 < 0.01
    null = models.fit_poisson(_poisson_data(0.0), "patents", "population", "x", ["z"])
    assert models.score_bootstrap_p(null, "x", B=999, seed=7) > 0.05
    tidy = models.tidy(strong, "m", wild_terms=("x",), B=999, seed=7).set_index("term")
    assert tidy.at["x", "p_wild"] == p1 and tidy.at["x", "clusters"] == 16
    with pytest.raises(ValueError, match="Poisson PML"):
        models.score_bootstrap_p(models.fit(models.prepare(_poisson_data(0.0).assign(
            patents_per_million=lambda d: d["patents"] + 1), "patents_per_million", "x", ["z"],
            cluster="country"), "x", ["z"]), "x")


def test_triangle_labels_swap_for_a_diversity_measure():
    d = pd.DataFrame({"v": [1.0, 2.0, 3.0, 4.0], "y": [1.0, 2.0, 3.0, 4.0]})
    counts, off = models.quadrants(d, "v", "y", diversity=True)
    # high variety = dispersed: the diverse, innovative regions are in the quadrant CLUSNET calls empty
    assert set(off["specialisation"]) == {"dispersed", "specialised"}
    row = counts.set_index(["specialisation", "innovation"])
    assert row.at[("dispersed", "high innovation"), "report_says"] == "empty"
    assert row.at[("dispersed", "high innovation"), "regions"] == 2
    spec = models.quadrants(d, "v", "y")[0].set_index(["specialisation", "innovation"])
    assert spec.at[("specialised", "high innovation"), "report_says"] == "populated"
    # perfectly aligned ranks: no region in the specialisation corners, all in the diversity corners
    line = pd.DataFrame({"v": np.arange(50.0), "y": np.arange(50.0)})
    assert models.corner_test(line, "v", "y", 0.2, 99)["in_corners"] == 0
    assert models.corner_test(line, "v", "y", 0.2, 99, diversity=True)["in_corners"] == 20


def test_london_and_saarland_are_in_the_default_sample():
    regions, excluded = eu_sample.region_indicators()
    r = regions.set_index("nuts2")
    assert {"UKI1", "UKI2", "DEC0"} <= set(r.index)
    pat = extracts.load("eu_patents").query("unit == 'NR' and nuts2 == 'DEC0' and year >= 2008 and year <= 2011")
    pop = extracts.load("eu_population").query("nuts2 == 'DEC0' and year >= 2008 and year <= 2011")
    # Saarland: applications / regional-accounts population, not a missing rate
    assert r.at["DEC0", "patents_per_million"] == pytest.approx(
        (pat["value"] / pop["population"].mean() * 1e6).mean(), rel=1e-9)
    assert "UKI1" in excluded.set_index("nuts2").at["UKI3", "reason"]


def test_robustness_value_follows_cinelli_hazlett_from_the_t_statistic():
    from clusterstudy.estimation import sensitivity

    rng = np.random.default_rng(5)
    d = pd.DataFrame({"x": rng.normal(size=200), "w": rng.normal(size=200)})
    d["log_outcome"] = 0.3 * d["x"] + 0.5 * d["w"] + rng.normal(size=200)
    sens = sensitivity.cinelli_hazlett(d, "x", ["w"], ["w"])
    s = sens.sensitivity_stats
    f = s["t_statistic"] / np.sqrt(s["dof"])  # Cinelli & Hazlett (2020), eq. 18: RV from Cohen's f
    assert s["rv_q"] == pytest.approx(0.5 * (np.sqrt(f ** 4 + 4 * f ** 2) - f ** 2))
    assert s["dof"] == 200 - 3 and sens.n == 200
    # a confounder as strong as w: partial R² of w with the outcome, from its own t-statistic
    assert sens.bench_bounds["r2yz_dx"].iloc[0] > 0.1
    with pytest.raises(ValueError, match="must be one of the controls"):
        sensitivity.cinelli_hazlett(d, "x", ["w"], ["z"])


def test_the_panel_fit_agrees_with_statsmodels_up_to_the_nested_fixed_effects_correction():
    """Parity of the one pyfixest path with statsmodels: the two-way fixed-effects coefficient is
    statsmodels' OLS with unit and year dummies; the clustered SE differs only by the small-sample
    factor, which counts the unit dummies in statsmodels but not when clusters nest them (pyfixest,
    like reghdfe) -- the reason the panel is not fitted with statsmodels."""
    import statsmodels.formula.api as smf

    rng = np.random.default_rng(7)
    units, years = 30, 4
    d = pd.DataFrame({"nuts2": np.repeat([f"R{i:02d}" for i in range(units)], years),
                      "year": np.tile(np.arange(2008, 2008 + years), units)})
    d["m"] = rng.normal(size=len(d)) + np.repeat(rng.normal(size=units), years)
    d["c"] = rng.normal(size=len(d))
    d["log_outcome"] = 0.3 * d["m"] - 0.2 * d["c"] + np.repeat(rng.normal(size=units), years) + rng.normal(size=len(d))
    got = panel.fit_twoway(d, "m", ["c"], wild=False)
    x = (d["m"] - d["m"].mean()) / d["m"].std()
    groups = pd.factorize(d["nuts2"])[0]
    ref = smf.ols("log_outcome ~ x + c + C(nuts2) + C(year)", data=d.assign(x=x)).fit(
        cov_type="cluster", cov_kwds={"groups": groups, "use_correction": False})
    assert got["coef"] == pytest.approx(ref.params["x"], rel=1e-9)
    # the sandwich is the same; the small-sample factor G/(G-1) (N-1)/(N-K) counts K = x, c, the year
    # effects and one for the unit effects nested in the clusters (statsmodels would count all 30)
    n, g, k = len(d), units, 2 + (years - 1) + 1
    assert got["se"] == pytest.approx(ref.bse["x"] * np.sqrt(g / (g - 1) * (n - 1) / (n - k)), rel=1e-6)
    assert got["clusters"] == units and got["n"] == n
