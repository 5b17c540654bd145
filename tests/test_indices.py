"""Defining properties of the specialisation indices."""

import numpy as np
import pandas as pd
import pytest

from clusterstudy.measures import indices


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


# ---------------------------------------------------------------- traded/local, Observatory stars, variety

def test_locational_gini_is_zero_for_a_sector_following_total_employment(emp):
    emp["ONE"] = 0.0
    emp.loc["R07", "ONE"] = 5000.0  # all of it in one region
    emp["PROP"] = emp.sum(axis=1) * 0.1  # exactly proportional to the region's total
    g = indices.locational_gini(emp)
    assert g["PROP"] == pytest.approx(0.0, abs=1e-12)
    assert g["ONE"] > 0.9
    assert g.between(0, 1).all()


def test_locational_gini_ignores_missing_cells(emp):
    base = indices.locational_gini(emp)["S03"]
    with_missing = emp.copy()
    with_missing.loc["R29", "S03"] = np.nan
    assert indices.locational_gini(with_missing)["S03"] != pytest.approx(base)
    dropped = indices.locational_gini(emp.drop(index="R29"))["S03"]
    # the missing cell's region leaves that sector's Gini only (its total still counts elsewhere)
    assert indices.locational_gini(with_missing)["S03"] == pytest.approx(dropped)


def test_classify_sectors_median_cut(emp):
    cls = indices.classify_sectors(emp)
    g = cls["locational_gini"]
    assert (cls["traded"] == (g > g.median())).all()
    assert cls["employment_share"].sum() == pytest.approx(1.0)
    assert not indices.classify_sectors(emp, 0.99)["traded"].any()
    with pytest.raises(ValueError, match="cut-off"):
        indices.classify_sectors(emp, "mean")


def test_observatory_stars_rank_within_each_sector(emp):
    st = indices.observatory_stars(emp, quantile=0.9)
    assert st["stars"].equals(st[["size_star", "specialisation_star", "focus_star"]].sum(axis=1))
    for sector, grp in st.groupby("sector"):
        present = emp[sector][emp[sector] > 0]
        assert len(grp) == len(present)  # one row per region where present, no row elsewhere
        top = present.sort_values(ascending=False)
        # the largest region of each sector always has the size star; at least 10% get it
        assert grp.set_index("region").at[top.index[0], "size_star"] == 1
        assert grp["size_star"].sum() >= np.ceil(0.1 * len(present)) - 1
        assert grp["size_star"].sum() <= np.ceil(0.1 * len(present)) + 1
    lq = indices.location_quotients(emp)
    spec = st.set_index(["region", "sector"])["specialisation_star"]
    assert all(spec[(r, s)] == int(lq.at[r, s] >= 2) for r, s in spec.index)
    quint = indices.observatory_stars(emp, quantile=0.8)
    assert quint["size_star"].sum() > st["size_star"].sum()
    strict = indices.observatory_stars(emp, lq_threshold=3.0)
    assert strict["specialisation_star"].sum() <= st["specialisation_star"].sum()


def test_observatory_focus_uses_the_regions_total_employment(emp):
    # a region with a tiny total: its share in S00 is large even though its size is not
    emp.loc["R00"] = 1.0
    emp.loc["R00", "S00"] = 50.0
    st = indices.observatory_stars(emp, ["S00"]).set_index("region")
    assert st.at["R00", "focus_star"] == 1 and st.at["R00", "size_star"] == 0
    with pytest.raises(ValueError, match="unknown sector"):
        indices.observatory_stars(emp, ["XX"])


def test_missing_cells_get_no_star(emp):
    emp.loc["R03", "S02"] = np.nan
    st = indices.observatory_stars(emp)
    assert not ((st["region"] == "R03") & (st["sector"] == "S02")).any()


def test_traded_cluster_strength_matches_the_star_table(emp):
    traded = ["S00", "S01", "S02", "S03"]
    cs = indices.traded_cluster_strength(emp, traded, min_stars=2)
    st = indices.observatory_stars(emp, traded)
    strong = st[st["stars"] >= 2]
    share = indices.shares(emp)
    manual = strong.apply(lambda r: share.at[r["region"], r["sector"]], axis=1).groupby(strong["region"]).sum()
    assert np.allclose(cs["cluster_strength_traded"].reindex(manual.index), manual)
    assert (cs["n_star_sectors_traded"].reindex(manual.index) == strong.groupby("region").size()).all()
    assert (cs["n_star_sectors_traded"] <= len(traded)).all()
    three = indices.traded_cluster_strength(emp, traded, min_stars=3)
    assert (three["cluster_strength_traded"] <= cs["cluster_strength_traded"] + 1e-12).all()


def test_related_plus_unrelated_variety_is_total_entropy(emp):
    groups = {c: ("A" if i < 5 else "B" if i < 9 else "C") for i, c in enumerate(emp.columns)}
    v = indices.variety(emp, groups)
    assert np.allclose(v["related_variety"] + v["unrelated_variety"], v["entropy"])
    assert np.allclose(v["entropy"], indices.entropy(emp))
    # one region spread evenly over 3 groups x 1 sector each: unrelated = log2(3), related = 0
    even = pd.DataFrame([[1.0, 0, 0, 0, 0, 1.0, 0, 0, 0, 1.0, 0, 0]], columns=emp.columns, index=["X"])
    ve = indices.variety(even, groups)
    assert ve.at["X", "unrelated_variety"] == pytest.approx(np.log2(3))
    assert ve.at["X", "related_variety"] == pytest.approx(0.0)
    # default groups: the NACE section, first letter of the division code
    nace = pd.DataFrame([[1.0, 1.0, 2.0]], columns=["C10", "C11", "G47"], index=["Y"])
    vn = indices.variety(nace)
    assert vn.at["Y", "unrelated_variety"] == pytest.approx(1.0)  # two sections, half each
    assert vn.at["Y", "related_variety"] == pytest.approx(0.5)  # within C: 1 bit, weight 1/2
