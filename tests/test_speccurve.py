"""The specification curve: the grid, the batched estimator against statsmodels, the null resampling."""

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from clusterstudy.analyses import eu_sample, speccurve, speccurve_inference
from clusterstudy.estimation import batchfit, cluster_bootstrap, models, multiverse, poisson_newton


def fit_statsmodels(problem, i: int, via: str = "models") -> tuple[float, float]:
    """Refit specification ``i`` with statsmodels; return (coef, se) of the measure.

    ``via="models"``: the project's wrapper (:func:`models.fit` / :func:`models.fit_poisson`,
    formula API); ``via="arrays"``: ``sm.OLS`` / ``sm.GLM`` on the design matrix, with the
    country dummies spelled out (the same model, without formula parsing).
    """
    if via not in ("models", "arrays"):
        raise ValueError(f"unknown refit route {via!r}; choose 'models' or 'arrays'")
    spec = problem.specs.iloc[i]
    b = problem.blocks[spec["block"]]
    con, rule, split = b.x_labels[spec["column"]]
    d = b.frame.rename(columns={f"{con}|{rule}|{split}": "x"})
    controls = speccurve.block_controls(spec)
    fe = None if spec["fixed_effects"] == "none" else "country"
    se = "cluster"
    ols = spec["estimator"] == "OLS on logs"
    oi = spec["outcome_index"]
    if via == "models":
        if ols:
            res = models.fit(d.assign(log_outcome=b.log_rates[:, oi]), "x", controls, fe, se, standardise=True)
        else:
            res = models.fit_poisson(d, "patents", list(speccurve.OUTCOMES.values())[oi], "x", controls, fe, se=se,
                                     standardise=True)
        return float(res.params["x"]), float(res.bse["x"])
    x = (d["x"] - d["x"].mean()) / d["x"].std()
    exog = np.column_stack([x, d[controls].to_numpy(float),
                            pd.get_dummies(d["country"], dtype=float).to_numpy() if fe else np.ones(len(d))])
    groups = pd.factorize(d["country"])[0]
    kw = {"cov_type": "cluster", "cov_kwds": {"groups": groups}}
    if ols:
        res = sm.OLS(b.log_rates[:, oi], exog).fit(**kw)
    else:
        res = sm.GLM(b.counts, exog, family=sm.families.Poisson(), offset=b.log_exposure[:, oi]).fit(**kw)
    return float(res.params[0]), float(res.bse[0])



@pytest.fixture(scope="module")
def problem():
    p = speccurve.build()
    p.estimates = speccurve.estimate(p)
    return p


@pytest.fixture(scope="module")
def small():
    """One period and sector set: 1/4 of the grid, for the resampling tests."""
    p = speccurve.build(periods=["2010-2011"], sectors=["all"], constructs=["cluster_strength_traded", "hhi"])
    p.estimates = speccurve.estimate(p)
    return p


def test_grid_has_the_issue_size_and_choices(problem):
    specs = problem.estimates
    assert len(specs) >= 1000
    varying = [c for c in speccurve.CHOICES if specs[c].nunique() > 1]
    assert len(varying) >= 7
    assert not specs.duplicated(subset=speccurve.CHOICES).any()
    star = specs["construct"].isin([k for k, c in speccurve.CONSTRUCTS.items() if c.compute])
    assert set(specs.loc[star, "star_rule"]) == set(speccurve.STAR_RULES)
    assert set(specs.loc[~star, "star_rule"]) == {speccurve.NO_STARS}
    # unrelated variety is constant within manufacturing (one NACE section): no specification there
    assert set(specs.loc[specs["construct"] == "unrelated_variety", "sectors"]) == {"all"}
    assert specs[["coef", "se", "p"]].notna().all().all()


def test_every_specification_is_distinct(problem):
    """Inference is not a specification, and no two specifications give the same estimate."""
    specs = problem.estimates
    assert "errors" not in speccurve.CHOICES
    dup = specs.duplicated(subset=["coef", "se", "n"], keep=False)
    assert not dup.any(), f"{int(dup.sum())} duplicate specifications, e.g.\n{specs[dup].head(4)}"
    # the same sample, controls, fixed effects, outcome and estimator never repeat a measure column
    cols = ["block", "column", "outcome_index", "estimator"]
    assert not problem.specs.duplicated(subset=cols).any()


def test_default_star_rule_reproduces_the_indicator_table(problem):
    b = next(b for b in problem.blocks if b.key["sectors"] == "manufacturing")
    table, _ = eu_sample.region_indicators(speccurve.PERIODS[b.key["period"]], "manufacturing")
    default = next(iter(speccurve.STAR_RULES))
    got = b.frame.set_index("nuts2")
    a_priori = next(iter(speccurve.TRADED_SPLITS))  # the default split of region_indicators
    for con in ("cluster_strength_traded", "n_star_sectors_traded"):
        want = table.set_index("nuts2")[con].reindex(got.index)
        np.testing.assert_allclose(got[f"{con}|{default}|{a_priori}"], want, rtol=0, atol=1e-12)


def test_traded_split_is_a_choice_of_the_traded_constructs_only(problem):
    s = problem.specs
    traded = s["construct"].isin(["cluster_strength_traded", "n_star_sectors_traded"])
    assert set(s.loc[traded, "traded_split"]) == set(speccurve.TRADED_SPLITS)
    assert set(s.loc[~traded, "traded_split"]) == {speccurve.NO_SPLIT}


def test_specifications_match_statsmodels(problem):
    """Coefficient, standard error and t(G-1) p-value of every 9th specification (every sample,
    estimator and outcome among them) against statsmodels OLS / GLM Poisson."""
    specs = problem.estimates
    pick = np.arange(0, len(specs), 9)
    assert set(problem.specs.loc[pick, "block"]) == set(range(len(problem.blocks)))
    ref = np.array([fit_statsmodels(problem, i, via="arrays") for i in pick])
    np.testing.assert_allclose(specs.loc[pick, "coef"], ref[:, 0], rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(specs.loc[pick, "se"], ref[:, 1], rtol=1e-8, atol=1e-10)
    from scipy import stats
    p = 2 * stats.t.sf(np.abs(ref[:, 0] / ref[:, 1]), specs.loc[pick, "clusters"] - 1)
    np.testing.assert_allclose(specs.loc[pick, "p"], p, rtol=1e-6, atol=1e-12)


def test_designs_and_rd_control_are_choices(problem):
    """The designs a cross-section can take and the R&D control enter the grid (issue 23)."""
    s = problem.estimates
    assert set(s["design"]) == set(speccurve.DESIGNS)
    assert set(s.loc[s["design"] == speccurve.LAGGED, "period"]) == {"2010-2011"}  # the window after 2008
    assert "size + tertiary + R&D 2000-2004" in set(s["controls"])
    pre = problem.specs["design"] == "pre-period patents control"
    blocks = [problem.blocks[i] for i in problem.specs.loc[pre, "block"].unique()]
    assert blocks and all(np.array_equal(b.design.Z[:, -1], b.frame["log_pre_patents"].to_numpy()) for b in blocks)
    # lagged: the 2008 sector structure against the window's patents
    lag = next(b for b in problem.blocks if b.key["design"] == speccurve.LAGGED and b.key["sectors"] == "all")
    base, _ = eu_sample.region_indicators(speccurve.LAGGED_YEARS, "all")
    got = lag.frame.set_index("nuts2")
    np.testing.assert_allclose(got["hhi|not star-based|not split-based"], base.set_index("nuts2")["hhi"].reindex(got.index))
    later = eu_sample.patent_means(eu_sample.patent_years(speccurve.PERIODS["2010-2011"]))
    np.testing.assert_allclose(got["patents"], later["patents"].reindex(got.index))


def test_specifications_match_the_project_wrapper(problem):
    """One specification per design, estimator and outcome against models.fit / fit_poisson."""
    s = problem.specs
    pick = s.groupby(["block", "estimator", "outcome_index"]).head(1).index
    pick = pick[:: max(1, len(pick) // 128)]
    ref = np.array([fit_statsmodels(problem, i, via="models") for i in pick])
    np.testing.assert_allclose(problem.estimates.loc[pick, "coef"], ref[:, 0], rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(problem.estimates.loc[pick, "se"], ref[:, 1], rtol=1e-8, atol=1e-10)


def _replicate(b, counts):
    """Physically copy every country as often as the draw says; copies are separate clusters."""
    rows, cid = [], []
    for g, start in enumerate(b.design.cluster_starts):
        stop = b.design.cluster_starts[g + 1] if g + 1 < len(b.design.cluster_starts) else b.design.n
        k = int(counts[b.country_index[start]])
        for c in range(k):
            rows += list(range(start, stop))
            cid += [g * 100 + c] * (stop - start)
    return np.array(rows), np.array(cid)


@pytest.mark.parametrize("fe", ["none", "country"])
def test_bootstrap_draw_equals_statsmodels_on_the_replicated_null_data(small, fe):
    """A draw's null-imposed estimate and z equal statsmodels on the data with the null imposed and
    countries physically replicated (OLS: log y - b x; Poisson: y exp(-b x), refitted to convergence)."""
    p = small
    specs = p.estimates
    counts = cluster_bootstrap.draw_counts(len(p.countries), 2, seed=7)
    null = multiverse.null_chunk(p, counts)
    bi = next(i for i, b in enumerate(p.blocks) if b.key["fixed_effects"] == fe and b.key["controls"] == "size")
    b = p.blocks[bi]
    for est in speccurve.ESTIMATORS:
        sel = np.flatnonzero((p.specs["block"] == bi) & (p.specs["estimator"] == est) & (p.specs["outcome_index"] == 0))
        for i in sel[:4]:
            col = p.specs.at[i, "column"]
            x, bhat = b.X[:, col], specs.at[i, "coef"]
            for d in range(2):
                rows, cid = _replicate(b, counts[d])
                exog = np.column_stack([x, b.design.Z])[rows]
                fes = pd.get_dummies(b.frame["country"].to_numpy()[rows], dtype=float).to_numpy()
                exog = np.column_stack([exog, fes if fe == "country" else np.ones(len(rows))])
                kw = {"cov_type": "cluster", "cov_kwds": {"groups": cid}}
                if est == "OLS on logs":
                    res = sm.OLS((b.log_rates[:, 0] - bhat * x)[rows], exog).fit(**kw)
                    coef, se = res.params[0], res.bse[0]
                else:
                    coef, se = _poisson_refit_rows(b, x, bhat, rows, cid, exog, fe)
                assert null["coef"][d, i] == pytest.approx(coef, rel=1e-7, abs=1e-9)
                assert null["z"][d, i] == pytest.approx(coef / se, rel=1e-7, abs=1e-8)


def _poisson_refit_rows(b, x, bhat, rows, cid, exog, fe):
    """statsmodels' Poisson GLM of the null-imposed counts on the replicated rows, fitted to convergence
    (country dummies spelled out), its slope relative to statsmodels' full-sample fit of those counts,
    and its cluster-robust standard error (copies are clusters)."""
    y = b.counts * np.exp(-bhat * x)
    full = np.column_stack([x, b.design.Z, pd.get_dummies(b.frame["country"], dtype=float).to_numpy()
                            if fe == "country" else np.ones(b.design.n)])
    beta0 = sm.GLM(y, full, family=sm.families.Poisson(), offset=b.log_exposure[:, 0]).fit(tol=1e-13).params
    res = sm.GLM(y[rows], exog, family=sm.families.Poisson(), offset=b.log_exposure[rows, 0]).fit(
        tol=1e-13, cov_type="cluster", cov_kwds={"groups": cid})
    return res.params[0] - beta0[0], res.bse[0]


def test_null_on_the_original_sample_gives_zero_for_ols(small):
    p = small
    null = multiverse.null_chunk(p, np.ones((1, len(p.countries)), dtype=int))
    ols = (p.specs["estimator"] == "OLS on logs").to_numpy()
    assert np.abs(null["coef"][0, ols]).max() < 1e-10
    # Poisson: the draw's slope relative to the full-sample fit of y exp(-b x): zero on the sample itself
    assert np.abs(null["coef"][0, ~ols]).max() < 1e-10
    assert np.isfinite(null["z"]).all()


def test_poisson_one_step_is_close_to_the_refit(small):
    """The one-step draws against full Newton refits of the same draws: the error is second order,
    a small part of how far the refit moves from the full-sample null fit."""
    p = small
    counts = cluster_bootstrap.draw_counts(len(p.countries), 40, seed=5)
    bi = next(i for i, b in enumerate(p.blocks) if b.key["fixed_effects"] == "country" and b.key["controls"] == "size")
    b = p.blocks[bi]
    obs = b.observed["Poisson PML", 0]
    y = b.counts[None, :] * np.exp(-obs["coef"][0][:, None] * b.X.T)
    w = counts[:, b.country_index].astype(float)
    refit = batchfit.poisson(b.design, b.X, y, b.log_exposure[:, 0], w, start=obs["beta"][0], tol=1e-10, hc=False)
    step = cluster_bootstrap.poisson_onestep(b.null_poisson[0], counts[:, b.block_countries])
    move = np.abs(refit["coef"] - b.null_poisson[0].beta[None, :, 0])
    err = np.abs(step["coef"] - refit["coef"])
    assert np.median(err) < 0.1 * np.median(move)
    z_err = np.abs(step["coef"] / step["se_cluster"] - refit["coef"] / refit["se_cluster"])
    assert np.median(z_err) < 0.05


def test_inference_statistics_and_p_values():
    specs = pd.DataFrame({"construct": ["hhi"] * 4, "coef": [-0.3, -0.2, -0.1, 0.05], "z": [-3.0, -2.5, -1.0, 0.5]})
    specs["result"] = np.where(np.abs(specs["z"]) > 1.96, np.where(specs["coef"] > 0, "positive and significant",
                                                                    "negative and significant"), "not significant")
    null = {"coef": np.array([[-0.3, -0.2, 0.0, 0.1], [0.0, 0.1, 0.2, 0.3], [-0.4, -0.3, -0.2, -0.1]]),
            "z": np.array([[-2.0, -1.0, 0.0, 1.0], [3.0, 0.0, 0.0, 0.0], [-3.0, -3.0, -3.0, 0.0]])}
    specs["clusters"] = 30  # critical value t(29) = 2.045: null z of -2.0 is not significant
    r = speccurve_inference.inference(specs, null).iloc[0]
    assert r["dominant_sign"] == "-" and r["draws"] == 3 and r["expected_sign"] == "+"
    assert r["median_estimate"] == pytest.approx(-0.15)
    assert r["p_median"] == pytest.approx(1 / 3)  # null medians -0.1, 0.15, -0.25: one at least as negative
    assert r["share_significant_dominant"] == pytest.approx(0.5)
    assert r["p_share"] == pytest.approx(1 / 3)  # null shares 0.0, 0.0 (z = 3 at coef 0 has no sign), 0.75
    assert r["mean_z"] == pytest.approx(-1.5)
    assert r["p_mean_z"] == pytest.approx(1 / 3)  # null means -0.5, 0.75, -2.25
    assert r["share_negative_significant"] == pytest.approx(0.5)


def test_draws_do_not_depend_on_chunking_and_seed_matters(small):
    a = multiverse.resample(small, draws=12, seed=3, chunk=4, n_jobs=1)
    b = multiverse.resample(small, draws=12, seed=3, chunk=6, n_jobs=1)
    np.testing.assert_allclose(a["coef"], b["coef"], rtol=0, atol=1e-12)
    c = multiverse.resample(small, draws=12, seed=4, chunk=6, n_jobs=1)
    assert not np.allclose(a["coef"], c["coef"])
    draws = cluster_bootstrap.draw_counts
    np.testing.assert_array_equal(draws(28, 12, 3)[4:8], draws(28, 12, 3)[4:8])
    assert (draws(28, 12, 3).sum(axis=1) == 28).all()


def test_joblib_and_dask_give_identical_numbers(small, monkeypatch):
    from distributed import Client, LocalCluster

    local = multiverse.resample(small, draws=8, seed=11, chunk=4, n_jobs=1)
    processes = multiverse.resample(small, draws=8, seed=11, chunk=4, n_jobs=2)
    with LocalCluster(processes=False, n_workers=1, threads_per_worker=2, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        dask = multiverse.resample(small, draws=8, seed=11, chunk=4, client=client)
        monkeypatch.setenv("CLUSTERS_DASK_SCHEDULER", cluster.scheduler_address)
        via_env = multiverse.resample(small, draws=8, seed=11, chunk=4)
    for k in ("coef", "z"):
        np.testing.assert_array_equal(local[k], processes[k])
        np.testing.assert_array_equal(local[k], dask[k])
        np.testing.assert_array_equal(local[k], via_env[k])


def test_bad_input_is_a_one_line_error(small):
    with pytest.raises(ValueError, match="unknown construct 'entropy'"):
        speccurve.build(constructs=["entropy"])
    with pytest.raises(ValueError, match="unknown period '2012-2013'"):
        speccurve.sample_frame("2012-2013", "all")
    fresh = speccurve.build(periods=["2010-2011"], sectors=["all"], constructs=["hhi"])
    with pytest.raises(ValueError, match="estimate\\(problem\\) first"):
        multiverse.resample(fresh, draws=2)


def test_batchfit_weights_equal_replicated_rows():
    """Frequency weights (a bootstrap draw) give statsmodels' numbers on the replicated data."""
    rng = np.random.default_rng(5)
    sizes = np.array([3, 4, 2, 5, 3, 4])
    starts = np.r_[0, np.cumsum(sizes)[:-1]]
    n = sizes.sum()
    Z, X = rng.normal(size=(n, 2)), rng.normal(size=(n, 2))
    Y = (X @ [0.4, 0.0] + Z @ [1.0, -0.5] + rng.normal(size=n))[:, None]
    copies = np.array([0, 2, 1, 1, 0, 2])
    w = np.repeat(copies, sizes)[None].astype(float)
    rows = np.concatenate([np.arange(s, s + k) for s, k, c in zip(starts, sizes, copies, strict=True)
                           for _ in range(c)])
    cid = np.concatenate([[g * 10 + c] * k for g, (k, cc) in enumerate(zip(sizes, copies, strict=True))
                          for c in range(cc)])
    r = batchfit.ols(batchfit.Design(Z, np.array([0]), starts), X, Y, w)
    exog = np.column_stack([X[rows, 0], Z[rows], np.ones(len(rows))])
    res = sm.OLS(Y[rows, 0], exog).fit(cov_type="cluster", cov_kwds={"groups": cid})
    assert r["coef"][0, 0, 0] == pytest.approx(res.params[0], rel=1e-10)
    assert r["se_cluster"][0, 0, 0] == pytest.approx(res.bse[0], rel=1e-10)
    hc3 = sm.OLS(Y[rows, 0], exog).fit(cov_type="HC3")
    assert r["se_hc"][0, 0, 0] == pytest.approx(hc3.bse[0], rel=1e-10)


@pytest.mark.parametrize("fe", [False, True])
def test_poisson_draws_equal_the_step_halving_fit_and_flag_a_runaway(fe):
    """poisson_newton.poisson_draws (compiled full Newton steps from a warm start) gives
    batchfit.poisson's estimates and cluster sandwich (itself tested against statsmodels) on every draw;
    a start far off that runs away comes back unconverged, not as a number."""
    rng = np.random.default_rng(3)
    sizes = rng.integers(3, 8, 8)
    starts = np.r_[0, np.cumsum(sizes)[:-1]]
    n = int(sizes.sum())
    Z, X = rng.normal(size=(n, 2)), rng.normal(size=(n, 3))
    y = rng.poisson(np.exp(1.0 + 0.3 * X[:, 0] + 0.2 * Z[:, 0])).astype(float) + 1
    offset = rng.normal(scale=0.1, size=n)
    design = batchfit.Design(Z, starts if fe else np.array([0]), starts)
    counts = cluster_bootstrap.draw_counts(len(starts), 6, seed=4)
    w = np.repeat(counts, sizes, axis=1).astype(float)
    ref = batchfit.poisson(design, X, y, offset, w, tol=1e-12, hc=False)
    start = ref["beta"] + rng.normal(scale=0.05, size=ref["beta"].shape)
    fast = poisson_newton.poisson_draws(design, X, y, offset, w, start, tol=1e-10)
    assert fast["converged"].all()
    np.testing.assert_allclose(fast["coef"], ref["coef"], rtol=0, atol=1e-10)
    np.testing.assert_allclose(fast["se_cluster"], ref["se_cluster"], rtol=1e-8)
    start[2, 1, 0] = 60.0  # far off: full Newton steps without halving overflow
    off = poisson_newton.poisson_draws(design, X, y, offset, w, start, tol=1e-10)
    assert not off["converged"][2, 1] and off["converged"].sum() == off["converged"].size - 1


def test_null_refit_converges_where_the_one_step_does_not(small):
    """The null draws' Poisson refits are at the optimum: a further Newton step from them moves nothing,
    while the one-step estimate is off by a second-order amount."""
    p = small
    counts = cluster_bootstrap.draw_counts(len(p.countries), 20, seed=5)
    b = next(b for b in p.blocks if b.key["fixed_effects"] == "none" and b.key["controls"] == "size + tertiary")
    w = counts[:, b.country_index].astype(float)
    r = multiverse.null_refit(b, 0, w)
    y = b.counts[None, :] * np.exp(-b.observed["Poisson PML", 0]["coef"][0][:, None] * b.X.T)
    again = batchfit.poisson(b.design, b.X, y, b.log_exposure[:, 0], w, start=r["beta"], max_iter=1, hc=False)
    np.testing.assert_allclose(again["coef"], r["coef"], rtol=0, atol=1e-9)
    step = cluster_bootstrap.poisson_onestep(b.null_poisson[0], counts[:, b.block_countries])
    assert np.abs(step["coef"] - r["coef"]).max() > 1e-4


def test_rejected_choices_leave_the_main_curve_and_its_tests(problem):
    specs = problem.estimates
    rejected = (specs["controls"] == "size + tertiary + GDP") | (specs["traded_split"] == "locational Gini")
    assert (specs.loc[rejected, "panel"] != speccurve.MAIN).all() and (specs.loc[~rejected, "panel"] == speccurve.MAIN).all()
    both = specs[(specs["controls"] == "size + tertiary + GDP") & (specs["traded_split"] == "locational Gini")]
    for why in speccurve.REJECTED.values():  # both reasons named
        assert both["panel"].str.contains(why, regex=False).all()
    rng = np.random.default_rng(0)
    null = {"coef": rng.normal(scale=0.05, size=(30, len(specs))), "z": rng.normal(size=(30, len(specs)))}
    main = speccurve_inference.main_inference(specs, null).set_index("construct")
    alone = speccurve_inference.inference(*speccurve_inference.select(specs, null, ~rejected)).set_index("construct")
    pd.testing.assert_series_equal(main["p_share"], alone["p_share"])
    assert (main["specifications"] == (~rejected).groupby(specs["construct"]).sum().reindex(main.index)).all()
    ppml = specs["estimator"] == multiverse.POISSON
    only = speccurve_inference.inference(*speccurve_inference.select(specs, null, ~rejected & ppml))
    only = only.set_index("construct")
    pd.testing.assert_series_equal(main["p_share_ppml"], only["p_share"], check_names=False)
    assert (main["specifications_ols"] + main["specifications_ppml"] == main["specifications"]).all()
    rej = speccurve_inference.rejected_inference(specs, null)
    assert rej["specifications"].sum() == rejected.sum() and rej["panel"].str.startswith("rejected: ").all()
