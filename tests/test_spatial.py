"""Spatial weights, Moran's I, the spatial models, boundaries of every sample unit and map bytes."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from clusterstudy.analyses import eu_models, eu_sample, geography
from clusterstudy.core.validate import DataError
from clusterstudy.estimation import models, spatial

ROOT = Path(__file__).resolve().parents[1]
CRS = "EPSG:3035"


def grid(n: int = 6) -> gpd.GeoDataFrame:
    cells = [(i, j) for i in range(n) for j in range(n)]
    return gpd.GeoDataFrame({"colour": [float((i + j) % 2) for i, j in cells]},
                            geometry=[box(i * 1e4, j * 1e4, (i + 1) * 1e4, (j + 1) * 1e4) for i, j in cells],
                            index=[f"c{i}_{j}" for i, j in cells], crs=CRS)


def test_checkerboard_gives_morans_i_of_minus_one():
    from libpysal.weights import lat2W

    board = np.array([(i + j) % 2 for i in range(8) for j in range(8)], dtype=float)
    m = spatial.moran(board, lat2W(8, 8, rook=True), permutations=99)
    assert m["morans_i"] == pytest.approx(-1.0)
    assert m["p"] == pytest.approx(0.01)  # no permutation is as extreme
    # with knn4 on cell centroids the four nearest are the rook neighbours inside the grid
    g = grid(8)
    assert spatial.moran(g["colour"], spatial.weights(g, "knn", 4), 99)["morans_i"] < -0.7


def test_clustered_pattern_gives_positive_morans_i():
    g = grid(8)
    left = np.array([1.0 if idx.split("_")[0] in ("c0", "c1", "c2", "c3") else 0.0 for idx in g.index])
    m = spatial.moran(left, spatial.weights(g, "contiguity"), 199)
    assert m["morans_i"] > 0.7 and m["p"] == pytest.approx(0.005)


def test_weights_knn_and_contiguity_with_islands_linked():
    g = grid(4)
    island = gpd.GeoDataFrame({"colour": [0.0]}, geometry=[box(9e4, 9e4, 10e4, 10e4)], index=["far"], crs=CRS)
    g = pd.concat([g, island])
    knn = spatial.weights(g, "knn", 5)
    assert set(knn.cardinalities.values()) == {5}
    cont = spatial.weights(g, "contiguity")
    assert cont.islands == []
    assert cont.neighbors["far"] == ["c3_3"]  # its nearest neighbour by centroid distance
    assert cont.cardinalities["c0_0"] == 3 and cont.cardinalities["c1_1"] == 8  # queen
    for w in (knn, cont):
        assert w.transform == "R"
        assert np.allclose(w.sparse.sum(axis=1), 1.0)
    s = spatial.summarise(cont, "contiguity")
    assert s["islands"] == 0 and s["components"] == 1


def test_weights_refuse_lon_lat_and_unknown_kind():
    g = grid(3)
    with pytest.raises(ValueError, match="projected"):
        spatial.weights(g.to_crs("EPSG:4326"))
    with pytest.raises(ValueError, match="unknown spatial weights"):
        spatial.weights(g, "rook")


def _lagged_sample(seed: int = 3) -> tuple[pd.DataFrame, gpd.GeoDataFrame]:
    """A grid where y depends on x and on the neighbours' x (spillover 0.8), clusters = rows."""
    g = grid(10)
    rng = np.random.default_rng(seed)
    w = spatial.weights(g, "contiguity")
    x = rng.normal(size=len(g))
    from libpysal.weights import lag_spatial

    y = 1.0 + 0.5 * x + 0.8 * lag_spatial(w, x) + rng.normal(scale=0.3, size=len(g))
    df = pd.DataFrame({"outcome": np.exp(y), "x": x, "row": [i.split("_")[1] for i in g.index]}, index=g.index)
    return df, g


def test_slx_and_durbin_recover_a_spillover():
    df, g = _lagged_sample()
    d = models.prepare(df, "outcome", "x", [], cluster="row")
    res = models.fit(d, "x", [], None, "cluster", cluster="row")
    w = spatial.weights(g, "contiguity")
    s = spatial.slx(res, w, "x", "contiguity", "m", wild=False).set_index("effect")
    assert s.at["direct", "coef"] == pytest.approx(0.5, abs=0.1)
    assert s.at["indirect", "coef"] == pytest.approx(0.8, abs=0.2)
    sdm = spatial.durbin(res, w, "x", "contiguity", "m", draws=200).set_index("effect")
    assert abs(sdm.at["rho", "coef"]) < 0.2  # no lag of y in the process
    assert sdm.at["indirect", "coef"] == pytest.approx(0.8, abs=0.25) and sdm.at["indirect", "p"] < 0.01
    assert sdm.at["total", "coef"] == pytest.approx(sdm.at["direct", "coef"] + sdm.at["indirect", "coef"])
    diag = spatial.residual_diagnostics(res, w, "m", "contiguity", permutations=99)
    assert diag["morans_i"] > 0.1 and diag["p"] <= 0.05  # the omitted W x leaves dependent residuals
    pts = np.column_stack([g.centroid.x, g.centroid.y])
    h = spatial.hac(res, pts, "x", "m", k=8).iloc[0]
    assert h["coef"] == pytest.approx(res.params["x"]) and h["se"] > 0


def test_every_sample_unit_has_a_polygon_or_coordinates():
    from clusterstudy.analyses import china_cities, geography, us_regions

    eu = geography.eu_sample()
    assert len(eu) == len(eu_sample.region_indicators()[0]) and eu.geometry.notna().all()
    assert not eu.geometry.is_empty.any() and eu.crs.to_epsg() == 3035
    for geo_, minimum in (("state", 0), ("cbsa", 50_000)):
        us = geography.us_sample(geo_, min_employment=minimum)
        assert len(us) == len(us_regions.region_indicators(geo_, min_employment=minimum))
        assert us.geometry.notna().all() and not us.geometry.is_empty.any()
    cn = geography.cn_sample()
    assert len(cn) == len(china_cities.city_indicators()) and (cn.geometry.geom_type == "Point").all()


def test_attach_names_the_missing_unit():
    from clusterstudy.data import boundaries

    with pytest.raises(ValueError, match="'XX99'"):
        boundaries.attach(pd.DataFrame({"nuts2": ["AT11", "XX99"]}), "nuts2", "nuts2")


def test_eu_fits_are_the_notebook_models():
    from clusterstudy.analyses import geography

    regions, _ = eu_sample.region_indicators()
    fits = geography.eu_fits(regions, "cluster_strength_traded")
    table = eu_models.fit_models(regions, "cluster_strength_traded", include=("(2) size", "(3)"), wild=False)
    table = table[table["term"] == "cluster_strength_traded"].set_index("model")
    for name, res in fits.items():
        assert res.params["cluster_strength_traded"] == pytest.approx(table.at[name, "coef"])


def test_geo_ingest_refuses_a_file_with_another_checksum(tmp_path):
    from clusterstudy.data.ingest import geo

    (tmp_path / "geo").mkdir()
    (tmp_path / "geo" / "us_states_2010.geojson").write_text('{"type": "FeatureCollection", "features": []}')
    with pytest.raises(DataError, match="sha256"):
        geo.us_states(tmp_path)


MAP = """
import sys
import geopandas as gpd
from clusterstudy.data import boundaries
from clusterstudy.publish import figures, maps
figures.set_theme()
nuts = boundaries.project(boundaries.load("nuts2"), "europe")
nuts = nuts[nuts["nuts2"].str[:2].isin(["AT", "CZ", "SK", "HU"])].copy()
nuts["v"] = range(len(nuts))
fig = maps.choropleth(nuts, "v", title="t", label="v", credit=maps.credit_line("c", projection="EPSG:3035"),
                      scale="diverging", background=nuts.iloc[:3])
figures.save_figure(fig, "m", caption="c")
"""


def test_maps_are_byte_stable(tmp_path):
    hashes = []
    for i in range(2):
        out = tmp_path / str(i)
        env = {**os.environ, "CLUSTERS_OUTPUT_ROOT": str(out), "MPLBACKEND": "Agg"}
        subprocess.run([sys.executable, "-c", MAP], env=env, check=True, capture_output=True, cwd=ROOT)
        hashes.append({p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted((out / "figures").iterdir())})
    assert set(hashes[0]) == {"m.png", "m.svg"} and hashes[0] == hashes[1]


def _tables(p_moran: float, p_direct: float, p_wild: float = 0.03,
            p_total: float = 0.01) -> tuple[pd.DataFrame, pd.DataFrame]:
    diag = pd.DataFrame([{"sample": "S", "model": "m", "variable": "residuals", "weights": w, "morans_i": 0.3,
                          "p": p_moran} for w in ("knn5", "contiguity")])
    rows = [{"estimator": "OLS", "weights": "none", "effect": "coefficient", "coef": 0.2, "p": 0.01, "p_wild": 0.03,
             "se_type": "clustered by country"},
            {"estimator": "OLS (spatial HAC)", "weights": "kernel", "effect": "coefficient", "coef": 0.2, "p": 0.02,
             "p_wild": np.nan, "se_type": "spatial HAC (Kelejian-Prucha)"}]
    for w in ("knn5", "contiguity"):
        rows += [{"estimator": "SLX (OLS with W x)", "weights": w, "effect": e, "coef": c, "p": p, "p_wild": pw,
                  "se_type": "clustered by country, t(G-1)"}
                 for e, c, p, pw in (("direct", 0.15, p_direct, p_wild), ("indirect", 0.4, 0.2, 0.3),
                                     ("total", 0.55, p_total, p_total))]
        rows += [{"estimator": "spatial Durbin (ML)", "weights": w, "effect": e, "coef": c, "p": p, "p_wild": np.nan,
                  "se_type": spatial.SDM_P} for e, c, p in (("direct", 0.15, 0.001), ("indirect", 0.4, 0.2),
                                                              ("total", 0.03, 0.94), ("rho", 0.5, 0.001))]
    return diag, pd.DataFrame(rows).assign(sample="S", model="m", term="x")


def test_spatial_sentence_reads_the_slx_and_calls_the_durbin_p_classical():
    text = geography.spatial_sentence(*_tables(0.001, 0.01), "S", "m", "x", "x")
    assert "spatially dependent under every weights" in text and "it survives, direct and total effects" in text
    assert "is significant by both p in OLS" in text
    assert "clustered p = 0.010, wild p = 0.030" in text and "spatial HAC p = 0.020" in text
    assert "total +0.03 (classical p = 0.94)" in text and "rho" not in text
    assert "ML p" not in text and "survives the spatial models" not in text
    # a direct effect the wild bootstrap does not confirm does not survive, whatever the Durbin p
    assert "it does not survive." in geography.spatial_sentence(*_tables(0.001, 0.01, 0.2), "S", "m", "x", "x")
    # a direct effect whose total (own plus neighbours') is not significant holds locally only: never "survives"
    local = geography.spatial_sentence(*_tables(0.001, 0.01, p_total=0.94), "S", "m", "x", "x")
    assert "holds locally only" in local and "it survives" not in local
    text = geography.spatial_sentence(*_tables(0.4, 0.2), "S", "m", "x", "x")
    assert "not spatially dependent under any weights" in text and "does not survive" in text
    with pytest.raises(ValueError, match="no spatial rows"):
        geography.spatial_sentence(*_tables(0.4, 0.2), "S", "other", "x", "x")


def _small_fit(n: int = 60, seed: int = 1):
    rng = np.random.default_rng(seed)
    pts = rng.uniform(0, 1e6, (n, 2))
    x, z = rng.normal(size=n), rng.normal(size=n)
    df = pd.DataFrame({"outcome": np.exp(0.3 * x + 0.2 * z + rng.normal(size=n)), "x": x, "z": z,
                       "g": np.arange(n) % 6})
    d = models.prepare(df, "outcome", "x", ["z"], cluster="g")
    return models.fit(d, "x", ["z"], None, "cluster", cluster="g"), pts


def test_conley_is_hc0_within_no_distance_and_the_bartlett_sandwich_beyond():
    import statsmodels.api as sm

    res, pts = _small_fit()
    c = spatial.conley(res, pts, "x", "m", (1, 300, 800)).set_index("cutoff_km")
    X, u = np.asarray(res.model.exog), res.resid.to_numpy()
    # no pair within 1 km: the kernel is the identity and Conley is White's HC0 (statsmodels refit)
    assert c.at[1, "neighbours"] == 0
    assert c.at[1, "se"] == pytest.approx(sm.OLS(res.model.endog, X).fit(cov_type="HC0").bse[1], rel=1e-10)
    # beyond: (X'X)^-1 X' diag(u) K diag(u) X (X'X)^-1 with K = max(0, 1 - d / cutoff), written out
    dist = np.sqrt(((pts[:, None] - pts[None]) ** 2).sum(axis=2))
    bread = np.linalg.inv(X.T @ X)
    for km in (300, 800):
        K = np.clip(1 - dist / (km * 1e3), 0, None)
        V = bread @ (X * u[:, None]).T @ K @ (X * u[:, None]) @ bread
        assert c.at[km, "se"] == pytest.approx(np.sqrt(V[1, 1]), rel=1e-10)
        assert c.at[km, "neighbours"] == pytest.approx(((dist <= km * 1e3).sum(axis=1) - 1).mean())
    assert np.allclose(c["coef"], res.params["x"])
    with pytest.raises(ValueError, match="one projected"):
        spatial.conley(res, pts[:10], "x", "m")


def test_slx_total_is_direct_plus_indirect_with_t_g_minus_1():
    df, g = _lagged_sample()
    d = models.prepare(df, "outcome", "x", [], cluster="row")
    res = models.fit(d, "x", [], None, "cluster", cluster="row")
    s = spatial.slx(res, spatial.weights(g, "contiguity"), "x", "contiguity", "m", wild=True).set_index("effect")
    assert s.at["total", "coef"] == pytest.approx(s.at["direct", "coef"] + s.at["indirect", "coef"])
    # the statsmodels refit: the same OLS with W x, the sum tested with t(G-1), G = 10 rows of the grid
    import statsmodels.api as sm
    from libpysal.weights import lag_spatial

    w = spatial.reorder(spatial.weights(g, "contiguity"), list(d.index))
    X = sm.add_constant(np.column_stack([d["x"], lag_spatial(w, d["x"].to_numpy())]))
    ref = sm.OLS(d["log_outcome"].to_numpy(), X).fit(cov_type="cluster", cov_kwds={"groups": res.cs_meta["groups"]},
                                                     use_t=True)
    tt = ref.t_test([0, 1, 1])
    assert s.at["total", "se"] == pytest.approx(float(tt.sd[0, 0]), rel=1e-8)
    assert s.at["total", "p"] == pytest.approx(float(tt.pvalue), rel=1e-8)
    assert s.at["direct", "p"] == pytest.approx(ref.pvalues[1], rel=1e-8)  # t(G-1), not the normal
    assert s["p_wild"].notna().all() and s["se_type"].str.endswith("t(G-1)").all()


def test_london_2010_regions_are_the_union_of_their_2013_parts():
    from clusterstudy.data import boundaries
    from clusterstudy.data.ingest.nuts import LONDON_2010

    g = boundaries.project(boundaries.load("nuts2"), "europe")
    for code, parts in LONDON_2010.items():
        whole, pieces = g.geometry.loc[code], g.geometry.loc[list(parts)]
        assert abs(whole.area - pieces.area.sum()) / whole.area < 0.02
        assert all(whole.buffer(1).contains(p) for p in pieces)
