"""The European sample, the models and the specification curve."""

import math

import numpy as np
import pandas as pd
import pytest

from clusterstudy import europe, extracts, models, speccurve


@pytest.fixture(scope="module")
def regions():
    return europe.region_indicators((2008, 2012), "all")


def test_indicator_table_has_the_issue_columns_and_the_sample(regions):
    table, excluded = regions
    assert list(table.columns) == ["nuts2", "country", "patents_per_million", "hhi", "krugman",
                                   "cluster_strength", "n_star_sectors", "gdp_pps_per_inhabitant",
                                   "tertiary_share", "employment"]
    assert len(table) == 269 and table["nuts2"].is_unique
    assert table["cluster_strength"].between(0, 1).all()
    assert set(excluded["reason"]) == {"no patent data 2008-2012"}
    pat = extracts.load("eu_patents")
    de11 = pat[(pat["nuts2"] == "DE11") & (pat["unit"] == "P_MHAB") & pat["year"].between(2008, 2012)]
    assert len(de11) == 5
    assert table.set_index("nuts2").at["DE11", "patents_per_million"] == pytest.approx(de11["value"].mean())


def test_manufacturing_set_uses_only_divisions_c10_c33():
    matrix, _ = europe.employment_matrix((2008, 2012), "manufacturing")
    assert all(c.startswith("C") for c in matrix.columns) and len(matrix.columns) == 24


def test_bad_choices_are_one_line_errors():
    with pytest.raises(ValueError, match="unknown sector set 'services'"):
        europe.employment_matrix((2008, 2012), "services")
    with pytest.raises(ValueError, match="period 2001-2003 outside 2008-2012"):
        europe.region_indicators((2001, 2003))


def test_models(regions):
    table, _ = regions
    d = models.prepare(table, "patents_per_million", "hhi", ["tertiary_share"])
    res = models.fit(d, "hhi", ["tertiary_share"], "country", "HC3", standardise=True)
    singletons = (d.groupby("country").size() == 1).sum()
    assert res.nobs == len(d) - singletons
    tidy = models.tidy(res, "m")
    assert list(tidy.columns) == models.TIDY_COLUMNS
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


def test_specification_curve_grid():
    n = np.prod([len(v) for v in speccurve.DEFAULT_CHOICES.values()])
    assert n >= 96
    small = speccurve.run({"measure": ["hhi"], "period": ["2008-2012"], "sectors": ["all"]})
    assert len(small) == 3 * 2 * 2
    assert set(small["result"]) <= {"positive and significant", "negative and significant", "not significant"}
    shares = speccurve.shares(small)
    assert shares.loc[0, ["positive and significant", "negative and significant",
                          "not significant"]].sum() == pytest.approx(1.0)
