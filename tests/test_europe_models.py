"""The European sample, the models and the specification curve."""

import math

import numpy as np
import pandas as pd
import pytest

from clusterstudy.analyses import eu_models, eu_sample
from clusterstudy.data import extracts
from clusterstudy.estimation import models


@pytest.fixture(scope="module")
def regions():
    return eu_sample.region_indicators((2008, 2012), "all")


def test_indicator_table_has_the_issue_columns_and_the_sample(regions):
    table, excluded = regions
    assert list(table.columns)[:10] == ["nuts2", "country", "patents_per_million", "hhi", "krugman",
                                        "cluster_strength", "n_star_sectors", "gdp_pps_per_inhabitant",
                                        "tertiary_share", "employment"]
    for col in ["cluster_strength_traded", "n_star_sectors_traded", "hhi_traded", "krugman_traded",
                "related_variety", "unrelated_variety", "log_employment", "log_population"]:
        assert col in table.columns and table[col].notna().all()
    assert table["nuts2"].is_unique and len(table) > 250
    assert table["cluster_strength"].between(0, 1).all()
    assert (table["cluster_strength_traded"] <= table["cluster_strength"] + 1).all()
    # every NUTS 2013 region is either in the sample or listed once with a reason; London's
    # NUTS 2010 regions are in the sample in place of its five NUTS 2013 regions
    nuts = set(extracts.load("nuts2_2013")["nuts2"]) | {"UKI1", "UKI2"}
    assert set(table["nuts2"]) | set(excluded["nuts2"]) == nuts
    assert not set(table["nuts2"]) & set(excluded["nuts2"]) and excluded["nuts2"].is_unique
    assert excluded["reason"].str.len().gt(0).all()
    # patent means over the complete years (2012 is incomplete): 2008-2011
    pat = extracts.load("eu_patents")
    de11 = pat[(pat["nuts2"] == "DE11") & (pat["unit"] == "P_MHAB") & pat["year"].between(2008, 2011)]
    assert len(de11) == 4
    assert table.set_index("nuts2").at["DE11", "patents_per_million"] == pytest.approx(de11["value"].mean())
    # population = applications / rate: the per-million rate is reproduced
    t = table.set_index("nuts2")
    assert t.at["DE11", "patents"] / t.at["DE11", "population"] * 1e6 == pytest.approx(
        t.at["DE11", "patents_per_million"], rel=0.01)
    assert np.allclose(np.exp(table["log_employment"]), table["employment"])


def test_last_patent_year_is_incomplete():
    comp = eu_sample.patent_year_completeness().set_index("year")
    assert not comp.at[2012, "complete"] and comp.at[2012, "ratio_to_previous_3"] < 0.9
    assert comp.loc[2003:2011, "complete"].all()
    assert eu_sample.patent_years((2008, 2012)) == [2008, 2009, 2010, 2011]
    assert eu_sample.patent_years((2008, 2012), complete_years=False)[-1] == 2012


def test_traded_and_local_divisions_under_the_gini_split():
    cls = eu_sample.sector_classification(split="gini").set_index("nace_r2")
    assert len(cls) == 68 and cls["label"].notna().all()
    for local in ["G47", "I56", "F43", "L68"]:
        assert not cls.at[local, "traded"], local
    for traded in ["C21", "C29"]:
        assert cls.at[traded, "traded"], traded
    assert cls["traded"].sum() == 34  # median cut-off: half of 68 divisions above it


def test_suppressed_cells_are_missing_not_zero():
    miss, _ = eu_sample.employment_matrix((2008, 2012), suppressed="missing")
    zero, _ = eu_sample.employment_matrix((2008, 2012), suppressed="zero")
    assert miss.isna().any().any() and not zero.isna().any().any()
    assert ((zero == 0) | miss.notna()).all().all()  # only missing cells differ, and they became 0
    with pytest.raises(ValueError, match="unknown rule for suppressed cells"):
        eu_sample.employment_matrix((2008, 2012), suppressed="drop")


def test_star_table_covers_traded_divisions_only():
    st = eu_sample.region_sector_stars()
    cls = eu_sample.sector_classification().set_index("nace_r2")
    assert cls.loc[st["nace_r2"].unique(), "traded"].all()
    assert list(st.columns) == ["nuts2", "nace_r2", "size_star", "specialisation_star", "focus_star", "stars"]
    assert st["stars"].between(0, 3).all()


def test_manufacturing_set_uses_only_divisions_c10_c33():
    matrix, _ = eu_sample.employment_matrix((2008, 2012), "manufacturing")
    assert all(c.startswith("C") for c in matrix.columns) and len(matrix.columns) == 24


def test_bad_choices_are_one_line_errors():
    with pytest.raises(ValueError, match="unknown sector set 'services'"):
        eu_sample.employment_matrix((2008, 2012), "services")
    with pytest.raises(ValueError, match="period 2001-2003 outside 2008-2012"):
        eu_sample.region_indicators((2001, 2003))


def test_models(regions):
    table, _ = regions
    d = models.prepare(table, "patents_per_million", "hhi", ["tertiary_share"])
    res = models.fit(d, "hhi", ["tertiary_share"], "country", "HC3", standardise=True)
    singletons = (d.groupby("country").size() == 1).sum()
    assert res.nobs == len(d) - singletons
    tidy = models.tidy(res, "m")
    assert list(tidy.columns) == models.TIDY_COLUMNS
    assert set(tidy["se_type"]) == {"HC3"} and set(tidy["fixed_effects"]) == {"country"}
    assert tidy["p_wild"].isna().all()
    assert not tidy["term"].str.startswith("C(").any()
    assert tidy["se"].map(math.isfinite).all()
    with pytest.raises(ValueError, match="unknown standard errors 'robust'"):
        models.fit(d, "hhi", [], se="robust")
    with pytest.raises(ValueError, match="empty sample after filters"):
        models.prepare(table.head(2), "patents_per_million", "hhi", ["tertiary_share"])
    with pytest.raises(ValueError, match="unknown column 'gdp'"):
        models.prepare(table, "patents_per_million", "hhi", ["gdp"])


def test_standardised_coefficient_equals_raw_times_sd(regions):
    table, _ = regions
    d = models.prepare(table, "patents_per_million", "krugman", [])
    raw = models.fit(d, "krugman", []).params["krugman"]
    std = models.fit(d, "krugman", [], standardise=True).params["krugman"]
    assert std == pytest.approx(raw * d["krugman"].std())


def test_quadrants_partition_the_sample():
    df = pd.DataFrame({"m": [1, 2, 3, 4], "y": [4, 3, 2, 1]})
    counts, off = models.quadrants(df, "m", "y")
    assert counts["regions"].sum() == 4
    assert len(off) == 4  # a perfectly negative relation puts everyone off the diagonal


def test_default_errors_are_clustered_by_country(regions):
    table, _ = regions
    d = models.prepare(table, "patents_per_million", "hhi", ["tertiary_share"])
    res = models.fit(d, "hhi", ["tertiary_share"])
    tidy = models.tidy(res, "m")
    assert set(tidy["se_type"]) == {"clustered by country"} and set(tidy["estimator"]) == {"OLS"}
    import statsmodels.formula.api as smf
    manual = smf.ols("log_outcome ~ hhi + tertiary_share", data=d).fit(
        cov_type="cluster", cov_kwds={"groups": pd.factorize(d["country"])[0]})
    assert tidy.set_index("term").at["hhi", "se"] == pytest.approx(manual.bse["hhi"])


def _wcr_full_enumeration(y, X, groups, k, ties=False):
    """Independent WCR p-value (CR1 t, null imposed, every Rademacher sign pattern).

    The all-plus and all-minus patterns reproduce |t| exactly (t*(-v) = -t*(v) under the
    null), so they are ties; ``ties`` says whether they count as exceeding.
    """
    import itertools

    G = groups.max() + 1
    Xr = np.delete(X, k, axis=1)
    br = np.linalg.lstsq(Xr, y, rcond=None)[0]
    fitted_r, u_r = Xr @ br, y - Xr @ br

    def t_stat(yy):
        b = np.linalg.lstsq(X, yy, rcond=None)[0]
        u = yy - X @ b
        inv = np.linalg.inv(X.T @ X)
        meat = sum(np.outer(s, s) for s in (X[groups == g].T @ u[groups == g] for g in range(G)))
        return b[k] / np.sqrt((inv @ meat @ inv)[k, k])

    t = t_stat(y)
    ts = [t_stat(fitted_r + u_r * np.array(v)[groups]) for v in itertools.product([-1, 1], repeat=G)]
    if ties:
        return np.mean(np.abs(ts) > np.abs(t) - 1e-9)
    return np.mean(np.abs(ts) > np.abs(t) + 1e-9)


@pytest.mark.parametrize("seed", [0, 2, 7])
def test_wild_bootstrap_matches_an_independent_wcr_under_full_enumeration(seed):
    rng = np.random.default_rng(seed)
    G, n = 7, 140
    g = np.repeat(np.arange(G), n // G)
    x = rng.normal(size=n) + 0.5 * rng.normal(size=G)[g]
    y = 0.15 * x + rng.normal(size=G)[g] + rng.normal(size=n)
    d = pd.DataFrame({"log_outcome": y, "x": x, "country": [f"C{i}" for i in g]})
    res = models.fit(d, "x", [])
    p_pkg = models.wild_bootstrap_p(res, "x", B=999)  # 2^7 = 128 < 999: full enumeration
    X = np.column_stack([np.ones(n), x])
    lo, hi = _wcr_full_enumeration(y, X, g, 1), _wcr_full_enumeration(y, X, g, 1, ties=True)
    assert hi - lo == pytest.approx(2 / 2**G)  # exactly the two tied patterns
    assert lo - 1e-12 <= p_pkg <= hi + 1e-12
    assert models.wild_bootstrap_p(res, "x", B=999, seed=1) == p_pkg  # enumeration: seed-free


def test_wild_bootstrap_is_seeded_and_in_the_tidy_table(regions):
    table, _ = regions
    d = models.prepare(table, "patents_per_million", "cluster_strength_traded", ["tertiary_share"])
    res = models.fit(d, "cluster_strength_traded", ["tertiary_share"], standardise=True)
    tidy = models.tidy(res, "m", wild_terms=("cluster_strength_traded",), B=999)
    row = tidy.set_index("term").loc["cluster_strength_traded"]
    assert 0 <= row["p_wild"] <= 1
    assert tidy.set_index("term")["p_wild"].drop("cluster_strength_traded").isna().all()
    again = models.tidy(res, "m", wild_terms=("cluster_strength_traded",), B=999)
    assert again.set_index("term").at["cluster_strength_traded", "p_wild"] == row["p_wild"]
    hc3 = models.fit(d, "cluster_strength_traded", ["tertiary_share"], se="HC3")
    assert math.isfinite(models.wild_bootstrap_p(hc3, "cluster_strength_traded", B=199))


def test_poisson_pml_recovers_a_known_rate():
    rng = np.random.default_rng(3)
    n = 400
    pop = rng.uniform(1e5, 5e6, n)
    x = rng.normal(size=n)
    counts = rng.poisson(pop * 1e-4 * np.exp(0.3 * x))
    d = pd.DataFrame({"patents": counts, "population": pop, "x": x,
                      "country": rng.integers(0, 20, n)})
    res = models.fit_poisson(d, "patents", "population", "x", [])
    assert res.params["x"] == pytest.approx(0.3, abs=0.03)
    assert res.params["Intercept"] == pytest.approx(np.log(1e-4), abs=0.05)
    tidy = models.tidy(res, "pml")
    assert set(tidy["estimator"]) == {"Poisson PML"} and tidy["r2"].isna().all()
    assert set(tidy["se_type"]) == {"clustered by country"}
    with pytest.raises(ValueError, match="unknown column 'pop'"):
        models.fit_poisson(d, "patents", "pop", "x", [])


def test_corner_test_counts_extreme_corners_against_the_null():
    x = np.arange(100.0)
    pos = pd.DataFrame({"m": x, "y": x + 1})
    res = models.corner_test(pos, "m", "y", q=0.2, n_permutations=999)
    assert res["in_corners"] == 0 and res["p_fewer"] < 0.01
    assert res["expected"] == pytest.approx(2 * 0.2 * 0.2 * 100, rel=0.1)  # 8 by chance
    neg = pd.DataFrame({"m": x, "y": -x})
    res = models.corner_test(neg, "m", "y", q=0.2, n_permutations=999)
    assert res["in_corners"] == 40 and res["p_fewer"] == pytest.approx(1.0)
    assert models.corner_test(pos, "m", "y", n_permutations=999) == models.corner_test(pos, "m", "y", n_permutations=999)
    with pytest.raises(ValueError, match="corner quantile"):
        models.corner_test(pos, "m", "y", q=0.6)


def test_spearman_ci_contains_rho_and_is_seeded():
    rng = np.random.default_rng(1)
    d = pd.DataFrame({"a": rng.normal(size=200)})
    d["b"] = d["a"] + rng.normal(size=200)
    r = models.spearman_ci(d, "a", "b", n_boot=499)
    assert r["ci_low"] < r["rho"] < r["ci_high"] and r["n"] == 200
    assert 0.5 < r["rho"] < 0.85
    assert models.spearman_ci(d, "a", "b", n_boot=499) == r


def test_fit_models_and_headline(regions):
    table, _ = regions
    t = eu_models.fit_models(table, "hhi", wild=False)
    focal = t[t["term"] == "hhi"].set_index("model")
    assert focal.at["(3) + country FE", "fixed_effects"] == "country"
    assert focal.at["(2) HC3", "se_type"] == "HC3"
    assert focal.at["(2) size + controls", "se_type"] == "clustered by country"
    assert focal.at["(5) Poisson PML", "estimator"] == "Poisson PML"
    assert "gdp_pps_per_inhabitant" not in " ".join(t.loc[t["model"] == "(2) size + controls", "term"])
    assert t.loc[t["model"].str.contains("mediator"), "term"].str.contains("gdp_pps").any()
    assert "log_population" in set(t.loc[t["model"] == "(1) size", "term"])
    h = eu_models.headline(table, ("hhi",), wild=False)
    assert len(h) == 4 and set(h["comparison"]) == {"across countries", "within countries"}
    assert h.set_index(["comparison", "estimator"]).at[("within countries", "OLS"), "coef"] == pytest.approx(
        focal.at["(3) + country FE", "coef"])


def test_p_values_in_prose():
    from clusterstudy.core import prose

    assert prose.pval(0.0004, "clustered p") == "clustered p < 0.001"
    assert prose.pval(0.0456) == "p = 0.046"
