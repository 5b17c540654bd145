"""U.S. region indicators built from the Cluster Mapping Project and USPTO extracts."""

import pytest

from clusterstudy import extracts, us_regions


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


def test_eu_comparison_pairs_each_measure_with_its_counterpart():
    import pandas as pd

    us = pd.DataFrame({"model": list(us_regions.MEASURES), "term": list(us_regions.MEASURES),
                       "coef": [0.1, 0.2, 0.3, 0.4], "p": 0.5, "n": 50})
    eu = pd.DataFrame({"us_measure": list(us_regions.EU_COUNTERPART)[::-1],
                       "measure": list(us_regions.EU_COUNTERPART.values())[::-1],
                       "coef": [-1.0, -2.0, -3.0, -4.0], "p": 0.01, "n": 269})
    out = us_regions.eu_comparison(us, eu).set_index("us_measure")
    assert out.at["hhi_traded", "eu_measure"] == "hhi" and out.at["hhi_traded", "us_coef_per_sd"] == 0.3
    assert out.at["strong_cluster_share", "eu_coef_per_sd"] == -4.0
