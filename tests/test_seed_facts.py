"""The seeds' quantitative statements (data/seeds/seed_facts.csv) are in the seed texts, as stated.

Each row's ``context`` must be a verbatim passage of its seed (white space, quote style and
markdown emphasis normalised), its ``value_text`` a verbatim part of the context, and
``value`` (and ``value_high`` for ranges) the number that ``value_text`` states. Rows of kind
``counted`` count the items of a list quoted as context.
"""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path

import pytest

from clusterstudy.data import seeds

ROOT = Path(__file__).resolve().parents[1]
SEED_DIR = Path(os.environ.get("CLUSTERS_SEEDS", ROOT.parent / "shared" / "seeds"))
WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
         "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "second": 2, "half": 0.5, "quarter": 0.25,
         "double": 2}
SCALE = {"million": 1e6, "billion": 1e9}
QUALIFIER = [("more than", ("more than", "over")), ("at least", ("at least",)), ("nearly", ("nearly",)),
             ("about", ("about", "some ", "around"))]


def normalise(s: str) -> str:
    s = unicodedata.normalize("NFKC", s)
    s = re.sub(r"[‘’]", "'", s)
    s = re.sub(r"[“”]", '"', s)
    s = re.sub(r"[*#]", "", s)
    return re.sub(r"\s+", " ", s).strip()


def stated_numbers(text: str) -> list[float]:
    """The numbers a value text states, in order ('about 1.5 billion EUR' -> [1.5e9], '30-50' -> [30, 50])."""
    t = text.lower().replace("three quarters", "0.75")
    found = [(m.start(), float(m.group().replace(",", ""))) for m in re.finditer(r"\d[\d,]*(?:\.\d+)?", t)]
    found += [(m.start(), float(WORDS[m.group(1)])) for m in re.finditer(rf"\b({'|'.join(WORDS)})\b", t)]
    scale = next((v for k, v in SCALE.items() if k in t), 1.0)
    return [v * scale for _, v in sorted(found)]


def test_stated_numbers():
    assert stated_numbers("about 1.5 billion EUR") == [1.5e9]
    assert stated_numbers("30-50") == [30, 50] and stated_numbers("over 1,400") == [1400]
    assert stated_numbers("three quarters") == [0.75] and stated_numbers("four to five years") == [4, 5]


@pytest.fixture(scope="module")
def facts():
    return seeds.load("seed_facts")


def test_values_are_the_numbers_stated(facts):
    wrong = []
    for r in facts.itertuples(index=False):
        if r.kind == "counted":
            continue
        nums = stated_numbers(r.value_text)
        expect = [r.value] if r.value_high != r.value_high else [r.value, r.value_high]
        if nums != pytest.approx(expect):
            wrong.append(f"{r.fact_id}: '{r.value_text}' states {nums}, encoded {expect}")
    assert wrong == []


def test_qualifiers_follow_the_wording(facts):
    for r in facts.itertuples(index=False):
        words = r.value_text.lower() + " "
        expected = next((q for q, cues in QUALIFIER if any(c in words for c in cues)), "exact")
        assert r.qualifier == expected, r.fact_id


def test_value_text_is_in_the_context(facts):
    stated = facts[facts["kind"] == "stated"]
    assert [i for i, v, c in zip(stated["fact_id"], stated["value_text"], stated["context"], strict=True)
            if v not in c] == []
    counted = facts[facts["kind"] == "counted"]
    assert all(c.count(" - ") + c.startswith("- ") == v
               for c, v in zip(counted["context"], counted["value"], strict=True))
    assert set(facts["kind"]) <= {"stated", "counted"}


@pytest.mark.skipif(not SEED_DIR.is_dir(), reason=f"no seed texts at {SEED_DIR}")
def test_every_context_is_verbatim_in_its_seed(facts):
    texts = {}
    missing = []
    for r in facts.itertuples(index=False):
        file = r.citation.split(",")[0]
        assert file.startswith(r.seed), r.fact_id
        if file not in texts:
            texts[file] = normalise((SEED_DIR / file).read_text(encoding="utf-8"))
        if normalise(r.context) not in texts[file]:
            missing.append(r.fact_id)
    assert missing == []


def test_the_issue_examples_are_encoded(facts):
    f = facts.set_index("fact_id")

    def value(seed: str, unit: str, pattern: str) -> list[float]:
        rows = f[(f["seed"] == seed) & (f["unit"] == unit) & f["counts"].str.contains(pattern, regex=True)]
        return sorted(rows["value"])

    assert value("000", "cities", "2013 plan") == [262]
    assert value("000", "percent", "share of all Chinese cities") == [39]
    assert value("000", "cities", "resource-exhausted cities identified") == [69]
    assert value("000", "groups", "69 resource-exhausted") == [3]
    assert value("000", "interviewees", "interviewed") == [14]
    assert value("004", "hectares", "22@") == [200] and value("004", "clusters", "22@") == [5, 5]
    assert value("004", "cluster organisations", "Europe") == [1400]
    assert value("004", "partner cities", "partnership list") == [10]
    assert value("004", "city regions", "studies") == [9]
    assert value("001", "firms", "Castellón|Emilia") == [26, 171]
    assert value("001", "workers", "Castellón|Emilia") == [3487, 6500]
    assert len(facts) >= 100 and facts["fact_id"].is_unique
