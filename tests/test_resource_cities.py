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
