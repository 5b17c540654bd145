"""Derived ratios of Table 2."""

import pytest

from clusterstudy.analyses import resource_cities
from clusterstudy.data import seeds


@pytest.fixture
def table2():
    return seeds.load("meng_forman_resource_city_clusters")


def test_cluster_ratios(table2):
    c = resource_cities.cluster_comparison(table2).set_index("city")
    assert c.loc["Baotou", "output_per_employee_usd"] == pytest.approx(1.21e9 / 15e3)
    assert c.loc["Fuxin", "employees_per_enterprise"] == pytest.approx(12)
    assert c.loc["Liaoyuan", "output_per_enterprise_musd"] == pytest.approx(580 / 600)


def test_groups_pool_as_ratios_of_sums(table2):
    g = resource_cities.group_comparison(table2, "resource_status").set_index("group")
    assert g.loc["exhausted", "n_clusters"] == 3
    assert g.loc["exhausted", "employees_thousand"] == 15 + 18 + 60
    assert g.loc["exhausted", "output_per_employee_usd"] == pytest.approx(1.21e9 / 93e3)


def test_unknown_grouping_is_a_one_line_error(table2):
    # an unknown metric is refused by the notebook's parameter contract (tests/test_parameters.py)
    with pytest.raises(ValueError, match="unknown grouping 'city'"):
        resource_cities.group_comparison(table2, "city")


def test_text_numbers_that_disagree_with_table2():
    t = resource_cities.text_vs_table2(seeds.load("seed_facts"), seeds.load("meng_forman_resource_city_clusters"))
    got = {(r.city, r.quantity): (r.text_value, r.table2_value, r.agree) for r in t.itertuples()}
    assert got == {("Fuxin", "employees"): (30000, 60000, False), ("Benxi", "enterprises"): (30, 138, False)}


def test_table1_places_outside_the_ruhr_and_the_two_labels(table2):
    places = resource_cities.ruhr_places(seeds.load("meng_forman_ruhr_clusters")).set_index("area")
    assert places.loc["Essen", "in_ruhr"] == "yes" and places.loc["Dortmund", "in_ruhr"] == "yes"
    for outside in ("Cologne", "Bonn", "Dusseldorf", "Munster", "Paderborn"):
        assert places.loc[outside, "in_ruhr"] == "no"
    assert places.loc["Decentralized", "in_ruhr"] == "not a place"
    labels = resource_cities.plan_labels(table2).set_index("city")
    assert labels.loc["Benxi", "meng_forman_label"] == "exhausted" and labels.loc["Benxi", "plan_2013_type"] == "mature"
    assert labels.loc["Fuxin", "plan_2013_type"] == "declining"
    text = resource_cities.notes_sentence(places.reset_index(), labels.reset_index())
    assert "Benxi is 'exhausted' in Meng & Forman but 'mature' in the 2013 plan" in text and "Cologne" in text
