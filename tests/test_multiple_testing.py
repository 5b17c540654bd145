"""Romano–Wolf with the wild cluster bootstrap, and Holm (clusterstudy.estimation.multiple_testing)."""

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.multitest import multipletests

from clusterstudy.estimation import models
from clusterstudy.estimation import multiple_testing as mt


def _data(seed=0, n=120, g=12, beta=(0.0, 0.5)):
    rng = np.random.default_rng(seed)
    country = np.repeat([f"C{i:02d}" for i in range(g)], n // g)
    shock = np.repeat(rng.normal(size=g), n // g)
    x1, x2, z = rng.normal(size=(3, n))
    y = beta[0] * x1 + beta[1] * x2 + 0.3 * z + shock + rng.normal(size=n)
    return pd.DataFrame({"country": country, "x1": x1, "x2": x2, "z": z, "log_outcome": y})


@pytest.mark.parametrize("fe", [None, "country"])
def test_sufficient_statistics_equal_the_refit(fe):
    d = _data()
    res = models.fit(d, "x1", ["z"], fe, "cluster")
    W = mt.rademacher(list(d["country"]), B=5, seed=3)
    t, draws = mt.wild_t_draws(res, "x1", W)
    assert t == pytest.approx(res.tvalues["x1"], rel=1e-12)
    for b in range(5):
        assert draws[b] == pytest.approx(mt.refit_t_draw(res, "x1", W.iloc[b]), abs=1e-8)


def test_romano_wolf_single_hypothesis_is_its_bootstrap_p_and_monotone():
    rng = np.random.default_rng(1)
    t_star = rng.normal(size=(999, 1))
    p = mt.romano_wolf(np.array([1.5]), t_star)
    assert p[0] == pytest.approx(((np.abs(t_star[:, 0]) >= 1.5).sum() + 1) / 1000)
    # a stronger statistic never gets a larger adjusted p; adjusted >= own bootstrap p
    t_star = rng.normal(size=(999, 4))
    t_obs = np.array([0.5, 3.0, 2.0, 1.0])
    p = mt.romano_wolf(t_obs, t_star)
    own = ((np.abs(t_star) >= t_obs).sum(axis=0) + 1) / 1000
    assert (p >= own - 1e-12).all()
    assert list(np.argsort(p)) == list(np.argsort(-t_obs))
    # the most significant is compared with the max over all four: the single-step max-t p
    assert p[1] == pytest.approx(((np.abs(t_star).max(axis=1) >= 3.0).sum() + 1) / 1000)


def test_holm_matches_statsmodels_and_family_adjustment_runs():
    p = np.array([0.01, 0.04, 0.03, 0.5])
    assert np.allclose(mt.holm(p), multipletests(p, method="holm")[1])
    d = _data(seed=2, beta=(0.0, 0.8))
    fits = [(models.fit(d, x, ["z"], None, "cluster"), x) for x in ("x1", "x2")]
    out = mt.adjust_family(fits, B=999)
    assert out["family_size"].tolist() == [2, 2]
    assert (out["p_adjusted"] >= out["p_boot"] - 1e-12).all()
    assert out.loc[1, "p_adjusted"] < 0.05 < out.loc[0, "p_adjusted"]  # x2 has an effect, x1 none


def test_bad_input_is_named():
    d = _data()
    res = models.fit(d, "x1", ["z"], None, "HC3")
    with pytest.raises(ValueError, match="clustered"):
        mt.wild_t_draws(res, "x1", mt.rademacher(list(d["country"]), 3))
    res = models.fit(d, "x1", ["z"], None, "cluster")
    with pytest.raises(ValueError, match="unknown term"):
        mt.wild_t_draws(res, "nope", mt.rademacher(list(d["country"]), 3))


@pytest.mark.parametrize("fe", [None, "country"])
def test_restricted_draws_equal_the_refit_under_the_null(fe):
    d = _data(seed=5)
    res = models.fit(d, "x1", ["z"], fe, "cluster")
    W = mt.rademacher(list(d["country"]), B=5, seed=8)
    t, draws = mt.wild_t_draws(res, "x1", W, restricted=True)
    assert t == pytest.approx(res.tvalues["x1"], rel=1e-12)
    for b in range(5):
        assert draws[b] == pytest.approx(mt.refit_t_draw(res, "x1", W.iloc[b], restricted=True), abs=1e-8)


def test_restricted_p_is_the_wild_restricted_bootstrap_p():
    """The restricted draws reproduce wildboottest's WCR p (the single-test wild p) up to simulation noise."""
    d = _data(seed=6, n=160, g=16, beta=(0.25, 0.5))
    res = models.fit(d, "x1", ["z"], None, "cluster")
    out = mt.adjust_family([(res, "x1")], B=9999, seed=1, restricted=True)
    assert out.loc[0, "p_boot"] == pytest.approx(models.wild_bootstrap_p(res, "x1"), abs=0.015)


def test_balanced_step_down_single_hypothesis_and_heavy_tails():
    rng = np.random.default_rng(2)
    t_star = rng.normal(size=(999, 1))
    own = ((np.abs(t_star[:, 0]) >= 1.5).sum() + 1) / 1000
    assert mt.romano_wolf_balanced(np.array([1.5]), t_star)[0] == pytest.approx(own, abs=2e-3)
    # a heavy-tailed member no longer dominates the maximum: the balanced p of a normal member stays
    # below the |t| version, and never below its own bootstrap p
    t_star = np.column_stack([rng.normal(size=9999), 3 * rng.standard_t(3, size=9999)])
    t_obs = np.array([2.6, 2.0])
    bal, raw = mt.romano_wolf_balanced(t_obs, t_star), mt.romano_wolf(t_obs, t_star)
    assert bal[0] < raw[0]
    assert bal[0] >= ((np.abs(t_star[:, 0]) >= 2.6).sum() + 1) / 10000 - 1e-12


def test_family_across_cluster_variables_draws_them_independently():
    a, b = _data(seed=7), _data(seed=8).rename(columns={"country": "state"})
    fa, fb = models.fit(a, "x1", ["z"], None, "cluster"), models.fit(b, "x1", ["z"], None, "cluster", cluster="state")
    out = mt.adjust_family([(fa, "x1"), (fb, "x1")], B=999, cluster=["country", "state"], restricted=True)
    alone = mt.adjust_family([(fa, "x1")], B=999, restricted=True)
    assert out["family_size"].tolist() == [2, 2] and (out["p_adjusted"] >= out["p_boot"] - 1e-12).all()
    assert alone.loc[0, "t"] == pytest.approx(out.loc[0, "t"])
    with pytest.raises(ValueError, match="one per model"):
        mt.adjust_family([(fa, "x1")], cluster=["country", "state"])
