"""The encodings of Meng & Forman (2016) match the seed text."""

import os
import re
from pathlib import Path

import pytest

from clusterstudy.analyses import qualitative
from clusterstudy.data import bibtex, references, seeds


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


# ---------------------------------------------------------------- reference lists (make references)

SEED_TEXTS = Path(os.environ.get("CLUSTERS_SEEDS", Path(__file__).resolve().parents[2] / "shared" / "seeds"))
needs_seeds = pytest.mark.skipif(not SEED_TEXTS.is_dir(), reason=f"no seed texts at {SEED_TEXTS}")


def _unaccounted(r) -> str:
    """What is left of the raw entry once its parsed spans are removed (should be punctuation only)."""
    raw = r["raw"]
    spans = [s for s in r["authors_raw"].split(" + ") + [r["year"], r["title"], r["venue"], r["details"]]
             if isinstance(s, str) and s]
    removed: list[str] = []
    for s in sorted(spans, key=len, reverse=True):
        if s in raw:
            raw = raw.replace(s, " ", 1)
            removed.append(s)
        elif not any(s in x for x in removed):
            return f"span not in entry: {s!r}"
    if isinstance(r["note"], str) and "repeats the year" in r["note"]:
        raw = raw.replace(f"({r['year']})", " ", 1)
    raw = re.sub(r"\bPublication\b", " ", raw)
    return re.sub(r"[\s\W]", "", raw)


def test_reference_counts_per_seed():
    refs = seeds.load("seed_references")
    assert refs.groupby("seed").size().to_dict() == {"000": 26, "003": 92}
    for s, n in (("000", 26), ("003", 92)):
        assert refs[refs["seed"] == s]["number"].tolist() == list(range(1, n + 1))


def test_every_entry_is_accounted_for_by_its_parsed_fields():
    refs = seeds.load("seed_references")
    assert refs.apply(lambda r: r["title"] in r["raw"], axis=1).all()
    assert refs.apply(lambda r: r["year"] in r["raw"], axis=1).all()
    left = {(r["seed"], r["number"]): _unaccounted(r) for _, r in refs.iterrows()}
    assert {k: v for k, v in left.items() if v} == {}


@needs_seeds
def test_every_raw_entry_is_verbatim_in_its_seed():
    refs = seeds.load("seed_references")
    for s, f in references.SEEDS.items():
        text = (SEED_TEXTS / f).read_text(encoding="utf-8")
        missing = [r for r in refs.loc[refs["seed"] == s, "raw"] if r not in text]
        assert missing == []


def test_known_misparses_are_mended():
    refs = seeds.load("seed_references").set_index("key")
    assert refs.at["rubach2014", "title"] == "Missing Actions in Cluster Innovation"
    assert refs.at["rubach2014", "authors"] == "Rubach, S.; Johansen, F. R.; Andersson, G."
    assert refs.at["grabher1991", "title"].endswith("Coal, Iron, and Steel Complex of the German Ruhr Area")
    assert refs.at["grabher1991", "venue"] == "Regions Reconsidered: Networks, Innovation, and Local Development"
    assert refs.at["statecouncilofchina2013", "authors"] == "State Council of China"
    assert refs.at["delgado2016", "authors"] == "Delgado, M.; Porter, M. E.; Stern, S."
    assert refs.at["johannisson2007", "n_authors"] == 14
    assert refs.at["kupper2005", "authors"] == "Küpper, U.; Röllinghoff, S."
    assert refs.at["yu2008", "year"] == "2008" and refs.at["zaytseva2013", "title"].startswith("User innovation")
    assert refs.at["lundequist2002", "title"].endswith("evidence from Sweden")
    assert refs.at["goulding2001", "title"] == "Information poverty or overload?"
    assert (refs.at["maskell2001a", "year"], refs.at["maskell2001b", "year"]) == ("2001a", "2001b")
    assert refs.at["cervantes2014", "venue"] == "Foresight and STI Governance"
    assert refs.at["lundvall1997", "title"].endswith("implications for innovation policy")  # '(p. 2009)' follows
    assert refs.at["lundvall1997", "details"] == "(p. 2009)"


def test_keys_are_unique_and_the_bibtex_matches():
    refs = seeds.load("seed_references")
    assert not refs.duplicated(["seed", "key"]).any()
    assert {"bathelt2002wirtschaftsgeographie", "bathelt2002clusters", "carayannis2016glocal"} <= set(refs["key"])
    bib = bibtex.bibtex(refs)
    keys = re.findall(r"^@\w+\{([^,]+),", bib, re.M)
    assert keys == [f"{k}_{s}" for k, s in zip(refs["key"], refs["seed"], strict=True)]
    committed = (Path(__file__).resolve().parents[1] / "data" / "references.bib").read_text(encoding="utf-8")
    assert committed == bib


def test_shared_works_match_on_authors_year_and_title():
    shared = qualitative.shared_references().set_index("key")
    assert shared.at["bathelt2004", "seeds"] == "001, 002, 003"
    assert shared.at["porter1990", "seeds"] == "001, 002"
    assert shared.at["bathelt2002clusters", "seeds"] == "002, 003"  # Bathelt & Taylor, not Bathelt & Glückler
    assert shared.at["bathelt2002wirtschaftsgeographie", "seeds"] == "001, 003"
    assert "granovetter1973" in shared.index and "maskell2001a" in shared.index
    assert "porter2000" in shared.index and "porter2002" not in shared.index


@needs_seeds
def test_reference_parse_reproduces_the_committed_files():
    lists, cited = references.build(SEED_TEXTS)
    committed = seeds.load("seed_references")
    assert list(lists["key"]) == list(committed["key"])
    assert list(lists["title"]) == list(committed["title"])
    assert list(lists["authors"]) == list(committed["authors"])
    assert lists["note"].fillna("").tolist() == committed["note"].fillna("").tolist()
    citations = seeds.load("seed_citations")
    assert cited["key"].tolist() == citations["key"].tolist()
    # every mention where it occurs (section and line), not a blanket section name
    assert cited["citation"].tolist() == citations["citation"].tolist()


def test_author_splitting():
    assert references.split_authors("Cooke P.") == [("Cooke", "P.")]
    assert references.split_authors("Kutsenko E. S., Meissner D.") == [("Kutsenko", "E. S."), ("Meissner", "D.")]
    assert references.split_authors("OECD.") == [("OECD", "")]
    assert references.split_authors("Hassen, T. B., Klein, J., & Tremblay, D.-G.")[-1] == ("Tremblay", "D.-G.")
