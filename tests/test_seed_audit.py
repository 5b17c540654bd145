"""The audit log of the seed encodings (data/seeds/AUDIT.csv) covers every encoded element.

Every row of every seed table and every entry of data/references.bib is an element; the log
gives each the seed line it was checked against and the rules applied (data/seeds/AUDIT.md).
Beyond the per-file fidelity tests this checks, over every row: the line exists and holds the
element's verbatim text (rule 1), every citation of seed 002 sits in the section where it occurs
(rule 5), list items are spans of their seed (rule 4), and provenance names every seed a file
encodes (rule 6).
"""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from test_seed_fidelity import FILES, ROOT, SEED_DIR, line_of, norm

from clusterstudy.data import seeds

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
    if name == "seed_citations":
        surname, start = row["first_author"], 0
        if seed == "001":  # the in-text citations parsed are those of the appendix
            start = next(i for i, x in enumerate(lines[seed]) if x.strip() == "11. APPENDIX")
        return next((i for i, x in enumerate(lines[seed][start:], start + 1)
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


def test_citations_of_seed_002_name_the_sections_where_they_occur():
    text = _lines()["002"]
    cited = seeds.load("seed_citations")
    wrong = []
    for r in cited[cited["seed"] == "002"].itertuples(index=False):
        places = re.findall(r"(Introduction|Section 2\.1) \(lines? ([\d, ]+)\)", r.citation)
        found = [int(n) for _, ns in places for n in ns.split(", ")]
        if len(found) != r.mentions:
            wrong.append(f"{r.key}: {len(found)} places for {r.mentions} mentions")
        for section, ns in places:
            for n in map(int, ns.split(", ")):
                start = next(i for i, x in enumerate(text, 1) if x.startswith("2.1. Cross-cluster"))
                if (section == "Section 2.1") != (n > start) or r.first_author not in text[n - 1]:
                    wrong.append(f"{r.key}: line {n} is not a citation in {section}")
    assert wrong == []


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
