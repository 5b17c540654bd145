"""The qualitative encodings match the seed texts."""

import os
from pathlib import Path

import pandas as pd
import pytest

from clusterstudy.analyses import qualitative
from clusterstudy.data import seeds

SEEDS = Path(os.environ.get("CLUSTERS_SEEDS", Path(__file__).resolve().parents[2] / "shared" / "seeds"))


def test_dortmund_table_is_8_clusters_by_4_markets():
    m = qualitative.dortmund_matrix()
    assert m.shape == (8, 4) and m.notna().all().all()
    assert list(m.columns) == ["Simulation", "Mobility", "Energy", "Resource"]
    assert m.at["it", "Energy"] == "smart grids" and m.at["health", "Resource"] == "hospital engineering"


def test_seven_gaps():
    gaps = seeds.load("clusnet_seven_gaps")
    assert list(gaps["gap"]) == qualitative.GAP_ORDER
    assert (gaps["kind"] == "internal").sum() == 5 and (gaps["kind"] == "external").sum() == 2


def test_table4_ticks():
    b = qualitative.gaps_bridged().set_index("city")
    assert b.at["City 1", "gaps_bridged"] == 2 and b.at["City 2", "gaps_bridged"] == 7
    assert b.at["City 1", "programmes"] == 3 and b.at["City 2", "programmes"] == 13
    c1 = qualitative.table4("City 1")
    assert c1.loc["Website"].to_dict() == {"Research": 0, "Education": 0, "Capital": 0, "Policy": 0,
                                           "Firm-to-firm": 1, "Cluster-to-cluster": 0, "Global market": 1}
    c2 = qualitative.table4("City 2")
    assert c2.loc["Network Gathering"].sum() == 5 and c2.loc["Cross-clustering", "Cluster-to-cluster"] == 1
    assert int(c2.to_numpy().sum()) == 21
    with pytest.raises(ValueError, match="unknown city 'City 3'"):
        qualitative.table4("City 3")


def test_figures_12_and_17_numbers():
    f17 = seeds.load("clusnet_fig17_triple_steelix").set_index("circle")
    assert f17.at["information recipients", "firms_high"] == 700
    assert (f17.at["project partners", "firms_low"], f17.at["project partners", "firms_high"]) == (30, 50)
    f12 = seeds.load("clusnet_fig12_hungary_funding").set_index("flow")
    assert f12["bn_eur"].to_dict() == {"New Hungary Development Plan": 22.0, "Pole programme": 1.5}


def test_city_gap_coding_quotes_are_in_the_seed():
    coding = seeds.load("clusnet_city_gap_coding")
    assert coding["city_region"].nunique() == 9
    seed = SEEDS / "004_3c90db32e12d6b87.txt"
    if seed.is_file():
        text = seed.read_text()
        missing = [q for q in coding["quote"] if q not in text]
        assert missing == []


def test_twelve_studies_and_their_ties():
    studies = seeds.load("review_studies")
    assert len(studies) == 12 and list(studies["study_id"]) == [f"11.{i}" for i in range(1, 13)]
    assert studies.set_index("study_id").at["11.4", "year"] == 2005
    g = qualitative.ties_graph()
    assert g.has_edge("Castellón", "Emilia-Romagna") and g.has_edge("Sialkot", "Tuttlingen")
    assert g.has_edge("Boston Biotech Cluster", "Medicon Valley")
    assert g["Castellón"]["Emilia-Romagna"]["studies"] == ["11.1", "11.2", "11.3"]
    actors = qualitative.evidence_matrix("actor", qualitative.ACTORS)
    assert actors["individuals"].sum() == 3 and actors["MNEs"].sum() == 4
    assert qualitative.evidence_matrix("resource")["knowledge"].sum() == 11


def _flat(s: str) -> str:
    return " ".join(s.split())


def test_review_appendix_fields_come_through_in_full():
    studies = seeds.load("review_studies").set_index("study_id")
    title = "The stretching of weak ties – clusters, pipelines and the creation of small worlds"
    assert studies.at["11.5", "title"] == title
    assert studies.at["11.5", "journal"] == "DRUID Winter Conference"
    items = seeds.load("review_study_items")
    c = items[(items["study_id"] == "11.5") & (items["field"] == "consequence")]
    assert c["value"].tolist() == ["new ideas, innovations and perspectives"] and c["coded_from"].tolist() == ["quotation"]
    notes = items.loc[items["value"].isna(), "note"]
    assert notes.str.startswith("not stated: the appendix says '").all()
    assert not notes.str.contains(r"transferred\? |result from such transfer\?", regex=True).any()
    assert notes.str.endswith((".'", "specific'")).all()  # no note cut off mid-word
    seed = SEEDS / "001_239ed78909cbac3f.txt"
    if seed.is_file():
        text = _flat(seed.read_text())
        said = notes.str.extract(r"the appendix says '(.*)'$")[0]
        assert [s for s in said if _flat(s) not in text] == []
        assert all(_flat(t) in text for t in studies["title"])


def test_ties_carry_the_direction_the_appendix_states():
    ties = seeds.load("review_cluster_ties")
    assert set(ties["direction"]) == {"one-way", "two-way"}
    d = ties.set_index(["study_id", "cluster_a", "cluster_b"])["direction"]
    assert d[("11.1", "Castellón", "Emilia-Romagna")] == "two-way"  # "mutual and reinforcing ... exchange"
    assert d[("11.9", "Shenzhen Region", "Shanghai Region")] == "one-way"  # Shanghai learned from Shenzhen
    assert d[("11.9", "Taipei-Hsinchu Region", "Silicon Valley")] == "two-way"  # talent circulation
    g = qualitative.ties_graph()
    assert g.has_edge("Emilia-Romagna", "Castellón") and g.has_edge("Castellón", "Emilia-Romagna")
    assert g.has_edge("Boston Biotech Cluster", "Medicon Valley")
    assert g.has_edge("Medicon Valley", "Boston Biotech Cluster")  # Danes went abroad and pulled firms back
    assert d[("11.5", "Silicon Valley", "Copenhagen IT-cluster")] == "two-way"
    both = qualitative.ties_graph(with_002=True)
    assert both.has_edge("Hsinchu (information technology)", "Shenzhen (information technology)")
    assert not both.has_edge("Shenzhen (information technology)", "Hsinchu (information technology)")
    assert both.has_edge("Tuscany (textile)", "Veneto (textile)") and both.nodes["Veneto (textile)"]["seed"] == "002"
    assert set(g.edges) < set(both.edges) and not any(a == b for a, b in both.edges)
    assert ties.loc[ties["coded_from"] == "inferred", "study_id"].unique().tolist() == ["11.7", "11.9"]
    seed = SEEDS / "001_239ed78909cbac3f.txt"
    if seed.is_file():
        text = _flat(seed.read_text())
        assert [q for q in ties["quote"] if _flat(q) not in text] == []


def test_city_gap_cells_coded_twice_show_both_codes(monkeypatch):
    labels = qualitative.city_gap_labels()
    assert labels.at["Budapest", "Capital"] == "limited"  # the national Pole program is not a Budapest bridge
    assert labels.at["Manchester", "Research"] == "goal"  # Salford 'has plans': a goal, not a bridge in place
    assert qualitative.city_gap_labels(show_limited=False).at["Budapest", "Capital"] == ""
    real = seeds.load

    def load(name):
        df = real(name)
        if name == "clusnet_city_gap_coding":  # a cell coded twice
            extra = df[(df["city_region"] == "Budapest") & (df["gap"] == "Capital")].assign(coding="bridging")
            df = pd.concat([df, extra], ignore_index=True)
        return df

    monkeypatch.setattr(qualitative.seeds, "load", load)
    assert qualitative.city_gap_labels().at["Budapest", "Capital"] == "bridge + limited"
    assert qualitative.city_gap_labels(show_limited=False).at["Budapest", "Capital"] == "bridge"
