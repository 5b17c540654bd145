"""The encodings of Meng & Forman (2016) match the seed text."""

import pytest

from clusterstudy import seeds


def test_table2_has_the_four_clusters_with_their_numbers():
    t2 = seeds.load("meng_forman_resource_city_clusters").set_index("city")
    assert list(t2.index) == ["Baotou", "Benxi", "Liaoyuan", "Fuxin"]
    assert t2.loc["Fuxin", "enterprises"] == 5000
    assert t2.loc["Fuxin", "employees_thousand"] == 60
    assert t2.loc["Baotou", "output_busd"] == pytest.approx(1.21)
    assert t2.loc["Benxi", "enterprises"] == 138
    assert t2.loc["Liaoyuan", "employees_thousand"] == 18
    assert t2["enterprises"].sum() == 75 + 138 + 600 + 5000


def test_table2_typology_follows_section_6():
    t2 = seeds.load("meng_forman_resource_city_clusters").set_index("city")
    assert t2.loc["Baotou", "resource_status"] == "unexhausted"
    assert t2.loc["Baotou", "industry_type"] == "continuous"
    assert set(t2.drop(index="Baotou")["resource_status"]) == {"exhausted"}


def test_table1_has_eight_industries_and_their_first_level_areas():
    t1 = seeds.load("meng_forman_ruhr_clusters")
    assert t1["industry"].nunique() == 8
    first = t1[t1["level"] == 1].groupby("industry")["city"].apply(set)
    assert first["IT, Media industry"] == {"Dortmund", "Cologne"}
    assert first["Chemical industry"] == {"Dormagen"}
    assert len(t1) == 27


def test_table3_has_three_lock_ins_with_their_routes():
    t3 = seeds.load("meng_forman_lock_ins")
    assert t3.groupby("lock_in", sort=False).size().to_dict() == {
        "Functional lock-in": 4, "Cognitive lock-in": 4, "Political lock-in": 5}


@pytest.mark.parametrize("name", sorted(seeds.SCHEMAS))
def test_every_row_cites_its_seed(name):
    df = seeds.load(name)
    seed_of = {"meng": "000", "review": "001", "beijing": "002", "clusnet": "004", "seed": "00"}
    prefix = seed_of[name.split("_")[0]]
    assert df["citation"].str.match(rf"{prefix}\d?_[0-9a-f]{{16}}\.txt, ").all()
    if name.startswith("meng"):
        assert df["citation"].str.startswith("000_162d3ef9e57ceb7c.txt, Table").all()


def test_unknown_seed_table_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown seed table 'nope'"):
        seeds.load("nope")
