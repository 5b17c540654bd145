"""Defining properties of the specialisation indices."""

import numpy as np
import pandas as pd
import pytest

from clusterstudy import indices


@pytest.fixture
def emp():
    rng = np.random.default_rng(20261123)
    data = rng.gamma(1.0, 1000.0, size=(30, 12))
    data[rng.random(data.shape) < 0.1] = 0.0
    return pd.DataFrame(data, index=[f"R{i:02d}" for i in range(30)],
                        columns=[f"S{j:02d}" for j in range(12)])


def test_lq_employment_weighted_mean_is_one(emp):
    lq = indices.location_quotients(emp)
    size = emp.sum(axis=1)
    weighted = lq.mul(size, axis=0).sum(axis=0) / size.sum()  # per sector, weights = region size
    assert np.allclose(weighted, 1.0)
    regional = (lq * indices.reference_shares(emp)).sum(axis=1)  # per region, EU weights
    assert np.allclose(regional, 1.0)


def test_hhi_is_one_for_a_one_sector_region(emp):
    emp.loc["R00"] = 0.0
    emp.loc["R00", "S03"] = 500.0
    h = indices.hhi(emp)
    assert h["R00"] == pytest.approx(1.0)
    assert (h >= 1 / emp.shape[1] - 1e-12).all() and (h <= 1).all()


def test_krugman_is_zero_for_a_region_shaped_like_the_eu(emp):
    emp.loc["R00"] = emp.drop(index="R00").sum(axis=0) / 7.0
    k = indices.krugman(emp)
    assert k["R00"] == pytest.approx(0.0, abs=1e-12)
    assert (k >= 0).all() and (k <= 2).all()


def test_stars_invariant_to_scaling(emp):
    base = indices.stars(emp)
    assert base.equals(indices.stars(emp * 1e-3))  # persons -> thousands
    scaled = emp.copy()
    scaled.loc["R05"] *= 10
    # a region's own structure (focus shares, HHI) does not depend on its size
    assert indices.hhi(scaled)["R05"] == pytest.approx(indices.hhi(emp)["R05"])
    assert np.allclose(indices.shares(scaled).loc["R05"], indices.shares(emp).loc["R05"])


def test_stars_thresholds(emp):
    s = indices.stars(emp)
    assert s.isin([0, 1, 2, 3]).all().all()
    assert (s.where(emp == 0, 0) == 0).all().all()
    lq = indices.location_quotients(emp)
    assert (s.where(lq >= 2, 1) >= 1).all().all()
    looser = indices.stars(emp, size_quantile=0.5, focus_quantile=0.5)
    assert (looser >= s).all().all()


def test_cluster_strength_is_share_in_two_and_three_star_sectors(emp):
    cs = indices.cluster_strength(emp)
    strong = indices.stars(emp) >= 2
    manual = (emp.where(strong, 0).sum(axis=1) / emp.sum(axis=1))
    assert np.allclose(cs["cluster_strength"], manual)
    assert (cs["n_star_sectors"] == strong.sum(axis=1)).all()
    assert cs["cluster_strength"].between(0, 1).all()


def test_bad_matrices_are_refused(emp):
    with pytest.raises(ValueError, match="negative"):
        indices.hhi(emp - 1e6)
    with pytest.raises(ValueError, match="quantile"):
        indices.stars(emp, size_quantile=1.0)
