"""The audit log of the seed encodings (data/seeds/AUDIT.csv) covers every encoded element.

Every row of every seed table and every entry of data/references.bib is an element; the log
gives each the seed line it was checked against and the rules applied (data/seeds/AUDIT.md).
Beyond the per-file fidelity tests this checks, over every row: the line exists and holds the
element's verbatim text (rule 1), every in-text citation of seeds 001 (chapters 1-9 and appendix) and
002 sits in the section and on the line where it occurs, and every year printed in seed 001's chapters is
an encoded mention (rule 5), list items are spans of their seed (rule 4), and provenance names every seed a file
encodes (rule 6).
"""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from test_seed_fidelity import FILES, ROOT, SEED_DIR, line_of, norm

from clusterstudy.data import references, seeds

pytestmark = pytest.mark.skipif(not SEED_DIR.is_dir(), reason=f"no seed texts at {SEED_DIR}")
FILES = {**FILES, "003": "003_7c2bd0d71db9e26c.txt"}
AUDIT = ROOT / "data" / "seeds" / "AUDIT.csv"
RULES = {  # table -> rules applied to each of its rows (numbers as in data/seeds/AUDIT.md)
    "meng_forman_ruhr_clusters": "1,3", "meng_forman_resource_city_clusters": "1,3",
    "meng_forman_lock_ins": "1,4", "clusnet_dortmund_cross_clustering": "1,3",
    "clusnet_table2_models": "1", "clusnet_table3_policy_areas": "1", "clusnet_table4_programmes": "1",
    "clusnet_seven_gaps": "1,3,4", "clusnet_city_gap_coding": "1,2,3", "clusnet_fig17_triple_steelix": "1,3",
    "clusnet_fig12_hungary_funding": "1,3", "clusnet_fig23_behaviours": "1,3",
    "review_studies": "1,3", "review_study_items": "1,2,3,4", "review_cluster_ties": "1,2,3",
    "beijing_cross_cluster_ties": "1,2,3", "beijing_parks": "1,3", "beijing_typology": "1,3",
    "seed_references": "1,3,5", "seed_citations": "5", "seed_facts": "1,3", "seed_lists": "1,4",
    "references_bib": "1,5",
}
PRIMARY = {  # the column whose text locates a row in its seed, where no '(line N)' is cited
    "meng_forman_ruhr_clusters": "industry", "meng_forman_resource_city_clusters": "cluster",
    "meng_forman_lock_ins": "route", "clusnet_dortmund_cross_clustering": "example",
    "clusnet_table2_models": "characteristic", "clusnet_table3_policy_areas": "implication_for_clusters",
    "clusnet_table4_programmes": "programme", "clusnet_seven_gaps": "name_in_list",
    "clusnet_fig17_triple_steelix": "quote", "clusnet_fig12_hungary_funding": "quote",
    "clusnet_fig23_behaviours": "behaviour", "review_studies": "title", "beijing_parks": "full_name",
    "beijing_typology": "research_question", "seed_references": "raw", "seed_facts": "context",
}
SEED_OF = {"meng": "000", "clusnet": "004", "review": "001", "beijing": "002"}


def _lines() -> dict[str, list[str]]:
    return {s: (SEED_DIR / f).read_text(encoding="utf-8").splitlines() for s, f in FILES.items()}


def _seed(name: str, row: pd.Series) -> str:
    return str(row["seed"]) if "seed" in row and not pd.isna(row["seed"]) else SEED_OF[name.split("_")[0]]


def _line(name: str, row: pd.Series, seed: str, lines: dict[str, list[str]]) -> int:
    cited = re.findall(r"lines? (\d+)", str(row.get("citation", "")))
    if cited:
        return int(cited[0])
    if name == "seed_citations":  # a reference-list entry (000, 003); in-text citations cite their lines
        surname = row["first_author"]
        return next((i for i, x in enumerate(lines[seed], 1)
                     if surname.lower() in x.lower() and str(row["year"])[:4] in x), -1)
    text = re.sub(r"\s*\[sic\]", "", str(row[PRIMARY[name]]))
    return line_of(re.split(r"\s*(?:\.\.\.|…)\s*", text)[0], lines[seed])


def elements() -> pd.DataFrame:
    """(element, file, seed, line, rules) for every row of every seed table and every BibTeX entry."""
    lines, out = _lines(), []
    for name in sorted(seeds.SCHEMAS):
        df = seeds.load(name)
        key = seeds.SCHEMAS[name].key
        for _, r in df.iterrows():
            seed = _seed(name, r)
            out.append({"element": "|".join(str(r[k]) for k in key), "file": f"seeds/{name}.csv", "seed": seed,
                        "line": _line(name, r, seed, lines), "rules": RULES[name]})
    refs = seeds.load("seed_references")
    for _, r in refs.iterrows():
        out.append({"element": f"{r['key']}_{r['seed']}", "file": "references.bib", "seed": r["seed"],
                    "line": _line("seed_references", r, r["seed"], lines), "rules": RULES["references_bib"]})
    return pd.DataFrame(out)


@pytest.fixture(scope="module")
def audit() -> pd.DataFrame:
    return pd.read_csv(AUDIT, dtype=str, keep_default_na=False)


def test_the_audit_lists_every_encoded_element_with_its_line(audit):
    now = elements().astype(str)
    cols = ["file", "element", "seed", "line", "rules"]
    assert list(audit.columns) == [*cols, "outcome", "remark"]
    assert set(audit["outcome"]) <= {"checked", "mended", "added"}
    merged = now.merge(audit, on=["file", "element"], how="outer", suffixes=("", "_log"), indicator=True)
    assert merged[merged["_merge"] != "both"][["file", "element", "_merge"]].values.tolist() == []
    for c in ("seed", "line", "rules"):
        assert merged[merged[c] != merged[f"{c}_log"]][["element", c, f"{c}_log"]].values.tolist() == []
    assert (now["line"].astype(int) > 0).all(), now[now["line"].astype(int) <= 0]


def test_list_items_are_spans_of_their_seed_on_the_cited_line():
    lines = _lines()
    wrong = []
    for r in seeds.load("seed_lists").itertuples(index=False):
        ln = int(re.search(r"line (\d+)", r.citation).group(1))
        if norm(r.item) not in norm(lines[r.seed][ln - 1]):
            wrong.append(f"{r.list_id} {r.item_no}: {r.item!r} not on line {ln}")
        if norm(r.introduced_by) not in norm(" ".join(lines[r.seed])):
            wrong.append(f"{r.list_id}: {r.introduced_by!r} not in seed {r.seed}")
    assert wrong == []
    counted = {"clusnet_objectives": 3, "eu_policy_proposals": 5, "advice": 5, "three_level_model": 3,
               "ways_to_promote": 4, "cluster_advantages": 4}
    sizes = seeds.load("seed_lists").groupby("list_id").size()
    assert {k: sizes[k] for k in counted} == counted


# a numbered heading: '1. Introduction', '2.1. Cross-cluster linkages' (002), ' 7. HOW ARE ...', '7.1.2 PROFESSIONAL ...'
HEADING = re.compile(r"^\s*(\d+(?:\.\d+)*)\.?\s+[A-ZÀ-Ý]")
APPENDIX_001 = "11. APPENDIX"  # seed 001's chapters 1-9 end where its appendix begins


def _places(citation: str) -> list[tuple[str, int]]:
    """(section, line) of each mention an in-text citation row lists."""
    return [(sec, int(n)) for sec, ns in re.findall(r"(Introduction|Section [\d.]+) \(lines? ([\d, ]+)\)", citation)
            for n in ns.split(", ")]


@pytest.mark.parametrize("seed", ["001", "002"])
def test_in_text_citations_name_the_section_and_line_of_each_mention(seed):
    """Rule 5 over every in-text citation of seeds 001 (chapters 1-9 and appendix) and 002: one line per
    mention, each in the section the row names (the last numbered heading before it), each naming the first
    author; no mention is listed twice (once per work and line, beyond the mentions a line prints)."""
    text = _lines()[seed]
    heads = [(i, m.group(1)) for i, x in enumerate(text, 1) if (m := HEADING.match(x))
             and (seed == "002" or x.strip().split(" ", 1)[1][:2].isupper())]
    cited = seeds.load("seed_citations")
    wrong = []
    for r in cited[cited["seed"] == seed].itertuples(index=False):
        places = _places(r.citation)
        if len(places) != r.mentions:
            wrong.append(f"{r.key}: {len(places)} places for {r.mentions} mentions")
        for section, n in places:
            number = next(num for first, num in reversed(heads) if first <= n)
            want = "Introduction" if number == "1" else f"Section {number}"
            if section != want:
                wrong.append(f"{r.key}: line {n} is in {want}, not {section}")
            if references.ascii_lower(r.first_author)[:5] not in references.ascii_lower(text[n - 1]):
                wrong.append(f"{r.key}: line {n} does not name {r.first_author}")
    assert wrong == []


def test_every_year_cited_in_seed_001s_chapters_is_an_encoded_mention():
    """Rule 5 for seed 001's chapters 1-9: each printed year (1920-2011, a/b suffix; not decades such as
    '1960s') is one mention, so the years printed on the lines before the appendix are exactly the mentions
    encoded there, line by line (a citation's year may be printed up to two lines below its author)."""
    text = _lines()["001"]
    end = next(i for i, x in enumerate(text, 1) if x.strip() == APPENDIX_001)
    printed = [i for i, x in enumerate(text[:end - 1], 1) for _ in re.findall(r"\b(?:19|20)\d\d[ab]?\b", x)]
    cited = seeds.load("seed_citations")
    listed = sorted(n for c in cited.loc[cited["seed"] == "001", "citation"] for _, n in _places(c) if n < end)
    assert len(listed) == len(printed)
    unmatched = list(printed)
    for n in listed:  # each mention's year is on its line or within two lines below (blank lines between)
        hit = next((p for p in unmatched if n <= p <= n + 2), None)
        assert hit is not None, f"mention on line {n} has no printed year left"
        unmatched.remove(hit)


def test_provenance_names_every_seed_a_file_encodes():
    package = json.loads((ROOT / "data" / "datapackage.json").read_text(encoding="utf-8"))
    res = {r["name"]: r for r in package["resources"]}
    multi = {"seed_facts": {"000", "001", "002", "003", "004"}, "seed_citations": {"000", "001", "002", "003"},
             "seed_references": {"000", "003"}, "references_bib": {"000", "003"}, "seed_lists": {"000", "004"}}
    for name, want in multi.items():
        got = {re.search(r"/(00\d)_", s["path"]).group(1) for s in res[name]["sources"]}
        assert got == want, name
    for name in seeds.SCHEMAS:
        df = seeds.load(name)
        cited = set(df["citation"].str[:3])
        got = {re.search(r"/(00\d)_", s["path"]).group(1) for s in res[name]["sources"]}
        assert cited <= got, name


if __name__ == "__main__":  # print the element list (make the log with the outcome of the pass)
    print(elements().to_csv(index=False))


def test_the_counts_audit_md_states_are_those_of_audit_csv(audit):
    """AUDIT.md's prose counts (the total, the outcome table, the added items) are the log's."""
    text = AUDIT.with_suffix(".md").read_text(encoding="utf-8")

    def number(pattern: str) -> int:
        found = re.search(pattern, text)
        assert found, pattern
        return int(found.group(1).replace(",", ""))

    assert number(r"([\d,]+) in all") == len(audit)
    for outcome, n in audit["outcome"].value_counts().items():
        assert number(rf"\| {outcome} \| ([\d,]+) \|") == n, outcome
    added = audit[audit["outcome"] == "added"]
    by_file = added["file"].value_counts()
    assert set(by_file.index) == {f"seeds/{f}.csv" for f in ("review_study_items", "beijing_cross_cluster_ties",
                                                             "seed_lists", "seed_citations")}, \
        "AUDIT.md names every added kind"
    assert number(r"Added: (\d+) appendix items") == by_file["seeds/review_study_items.csv"]
    assert number(r"(\d+) ties of seed 002") == by_file["seeds/beijing_cross_cluster_ties.csv"]
    assert number(r", (\d+) list items") == by_file["seeds/seed_lists.csv"]
    assert number(r"and (\d+) in-text citations") == by_file["seeds/seed_citations.csv"]
    second = audit[audit["remark"].str.contains("pass 2")]
    assert number(r"It mended (\d+)") == (second["outcome"] == "mended").sum()
    assert number(r"elements and added (\d+)") == (second["outcome"] == "added").sum()
