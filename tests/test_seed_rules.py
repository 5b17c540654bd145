"""Rules 1-6 of data/seeds/AUDIT.md over every row, where the per-file tests check less.

- rule 1: an appendix item's ``wording`` is a whole item of its field as printed (case, a leading
  "The" or "Through"), not a shorter span of it; the Method field's quotations are kept verbatim;
- rule 2: a tie is *two-way* exactly where its passage or note describes flows both ways, and a
  *bridging* cell does not rest on a strategic theme (a goal, not something done);
- rule 3: a note saying a field of the appendix is empty, or where seed 002 stops, is true;
- rule 4: every item of an appendix field and every heading and term of a Theory list is encoded,
  and every item of a bullet or numbered list of ``seed_lists.csv`` is a row;
- rule 5: each work a seed cites in its text is one row (seed 001: its chapters 1-9 and its appendix
  together), no mention is listed in two rows, and ``tables/references_per_seed.csv`` counts the rows.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest
from test_seed_fidelity import FILES, ROOT, SEED_DIR, SUB_FIELDS, _raw_fields, appendix, fold, norm, s_

from clusterstudy.data import references, seeds

pytestmark = pytest.mark.skipif(not SEED_DIR.is_dir(), reason=f"no seed texts at {SEED_DIR}")
FIELDS = ("industry", "cluster", "resource", "actor", "how", "consequence")
# an item begins after a line break, a separator or a lead-in word, and ends before one
LEFT = r"(?:^|\n|[,.;:&]\s*|\b(?:and|Or|by|called)\s+)"
RIGHT = r"(?=$|\n|\s*[,.;:&(]|\s+and\b)"
# what an appendix field holds besides its items: the appendix's prose and lead-ins, and quotations whose
# marks are printed unpaired (the text that is left once every encoded item is taken out, 'and' and
# separators dropped)
NOT_ITEMS = {
    ("11.3", "actor"): r"”Clusters themselves do not, in fact, relate .* performed by the cluster firms”",
    ("11.3", "how"): r"According to Hervás-Oliver Albors-Garrigós \(2008a\) knowledge transfer is conducted .* Russia”",
    ("11.4", "how"): r"In the early 1980s a joint venture unit .* switched into being trading firms instead\.",
    ("11.6", "how"): r"Trade fairs, exhibitions, conventions, congresses, conferences between business people "
                     r"professionals such as;",  # the events' description: in the how row's note
    ("11.7", "consequence"): r"– even though \[as the one for the Taiwanese clusters\]",
    ("11.8", "industry"): r"The paper focus on a wide range of industries\. Some of them are listed below:",
    ("11.8", "consequence"): r"“The long-term attractiveness .* absorptive capacity“",
    ("11.9", "how"): r"Taiwan's firms alone contributed about 86% .* \(Po Pun, 2004\)”,",
    ("11.10", "how"): r"Page 67",
    ("11.10", "consequence"): r"The small world network concept: Otherwise",  # lead-ins of quotations
    ("11.12", "actor"): r"It has been shown: External knowledge is brought into the cluster by These firms are "
                        r"also called Or",
}


@pytest.fixture(scope="module")
def lines() -> dict[str, list[str]]:
    return {s: (SEED_DIR / f).read_text(encoding="utf-8").splitlines() for s, f in FILES.items()}


@pytest.fixture(scope="module")
def blocks(lines) -> dict[str, str]:
    return appendix(lines)


def unquoted(raw: str) -> str:
    """A field's text without its quotations and page marks, one line per printed line."""
    s = re.sub(r"(?s)[“\"].*?[”\"]", "\n", raw)
    s = re.sub(r"\((?:pp?|s)\.\s*[\d\s,\-–]+\)", " ", s)
    return "\n".join(re.sub(r"\s+", " ", x).strip(" ") for x in s.splitlines() if x.strip(" ,."))


def spanning(wording: str) -> str:
    return r"\s+".join(map(re.escape, norm(wording).split()))


def squash(text: str) -> str:
    """White space collapsed; separators and 'and' standing alone dropped."""
    s, prev = re.sub(r"\s+", " ", text).strip(), None
    while prev != s:
        prev = s
        s = re.sub(r"\s+", " ", re.sub(r"(?:^|\s)(?:[,.;:&]|and)(?=\s|$)", " ", s)).strip()
    return s


def test_item_wordings_are_whole_items_as_printed(blocks):
    items = seeds.load("review_study_items").astype("string")
    wrong = []
    for r in items.itertuples(index=False):
        if r.field in ("theory", "theory_term") or r.coded_from == "quotation":
            continue
        text = unquoted(_raw_fields(blocks[r.study_id])[SUB_FIELDS.get(r.field, r.field)])
        if not re.search(LEFT + spanning(r.wording) + RIGHT, text):
            wrong.append(f"{r.study_id} {r.field}: wording {r.wording!r} is not a whole item of the field as printed "
                         f"(first line: {text.splitlines()[0] if text else ''!r})")
    assert wrong == []


def test_every_item_of_an_appendix_field_is_encoded(blocks):
    items = seeds.load("review_study_items").astype("string")
    wrong = []
    for sid, block in blocks.items():
        for field in FIELDS:
            text = unquoted(_raw_fields(block)[field])
            own = items[(items["study_id"] == sid) & items["field"].isin([field, *[k for k, v in SUB_FIELDS.items()
                                                                                    if v == field]])
                        & (items["coded_from"] != "quotation")]
            for w in sorted(own["wording"], key=len, reverse=True):
                text = re.sub(spanning(w), " ", text, count=1)
            left = squash(text)
            allowed = NOT_ITEMS.get((sid, field))
            if left and not (allowed and re.fullmatch(allowed, left)):
                wrong.append(f"{sid} {field}: the appendix prints {left[:120]!r}, which no row encodes")
    assert wrong == []


def test_theory_lists_keep_every_heading_and_term(blocks):
    """A Theory list's headings are its lines that list no works (a work line carries its year); the terms
    printed in quotation marks after works (11.2) are rows of field theory_term."""
    items = seeds.load("review_study_items").astype("string")
    wrong = []
    for sid, block in blocks.items():
        theory = re.split(r"\n\s*(?:Focus|Method)\b", re.split(r"\n\s*Theory\b", block, maxsplit=1)[1])[0].lstrip(" ")
        terms = [norm(t) for t in re.findall(r"[“”]([^“”]+)”", theory)]
        rest = re.sub(r"[“”][^“”]+”", " ", theory)
        rest = norm(re.sub(r"^.*\b(?:19|20)\d\d.*$", " ", rest, flags=re.M))  # a line with a year lists works
        own = items[items["study_id"] == sid]
        for h in own.loc[own["field"] == "theory", "wording"]:
            if norm(h) not in rest:
                wrong.append(f"{sid}: heading {h!r} is not a line of the Theory list")
            rest = rest.replace(norm(h), " ", 1)
        if norm(rest):
            wrong.append(f"{sid}: the Theory list prints {norm(rest)!r}, which no heading row encodes")
        if own.loc[own["field"] == "theory_term", "wording"].map(norm).tolist() != terms:
            wrong.append(f"{sid}: the Theory list's quoted terms are {terms}")
    assert wrong == []


def test_method_quotations_are_the_fields_quotations(blocks):
    studies = seeds.load("review_studies").astype("string").set_index("study_id")
    wrong = []
    for sid, block in blocks.items():
        after = re.split(r"\n\s*Method [^\n]*\n", block, maxsplit=1)[1]
        said = norm(re.split(r"\n\s*(?:Theory|Focus)\b", after, maxsplit=1)[0])
        if s_(studies.at[sid, "method_quotations"]) != said:
            wrong.append(f"{sid}: method_quotations should be {said[:80]!r}")
    assert wrong == []


def test_notes_on_empty_fields_and_on_where_seed_002_stops_are_true(blocks, lines):
    studies = seeds.load("review_studies").astype("string").set_index("study_id")
    wrong = []
    for sid, r in studies.iterrows():
        empty = not norm(re.split(r"Tables and figures", blocks[sid])[1].split("Further research")[0])
        said = "'Tables and figures' field is empty" in s_(r["note"])
        if said != empty or pd.isna(r["tables_and_figures"]) != empty:
            wrong.append(f"{sid}: the Tables and figures field is {'' if empty else 'not '}empty")
    text = "\n".join(lines["002"])
    last_head = references.sections(text)[-1][1]  # 'Section 2.1'
    last_line = max(i for i, x in enumerate(lines["002"], 1) if x.strip() and not x.startswith(("Download", "<", "[")))
    notes = pd.concat([seeds.load(n)["note"] for n in ("beijing_parks", "beijing_typology", "beijing_cross_cluster_ties")])
    for note in notes.dropna():
        if m := re.search(r"stops (?:after|in|before) (?:the )?(\w+(?: [\d.]+)?)(?: \(line (\d+)\))?", note):
            if m.group(1) != last_head or (m.group(2) and int(m.group(2)) != last_line):
                wrong.append(f"seed 002 stops in {last_head} (line {last_line}), not as the note says: {note!r}")
    assert wrong == []


TWO_WAY = re.compile(r"\bmutual|each other|\bexchange|circulation|both ways|\bshar(?:e|ing)\b", re.I)


@pytest.mark.parametrize("name", ["review_cluster_ties", "beijing_cross_cluster_ties"])
def test_a_tie_is_two_way_exactly_where_its_passage_describes_flows_both_ways(name):
    ties = seeds.load(name).astype("string")
    wrong = []
    for t in ties.itertuples(index=False):
        both = TWO_WAY.search(t.quote) or TWO_WAY.search(s_(t.note))
        if (t.direction == "two-way") != bool(both):
            wrong.append(f"{t.cluster_a} - {t.cluster_b}: coded {t.direction}, but the passage and note "
                         f"{'describe' if both else 'do not describe'} flows both ways")
        if t.direction == "one-way" and fold(t.cluster_b.split()[0]) not in fold(t.quote + s_(t.note)):
            wrong.append(f"{t.cluster_a} -> {t.cluster_b}: the passage and note do not name the destination")
    assert wrong == []


def test_no_bridging_cell_rests_on_a_strategic_theme():
    coding = seeds.load("clusnet_city_gap_coding").astype("string")
    theme = re.compile(r"strategic themes?|themes? selected|\bidentified\b", re.I)
    wrong = [f"{r.city_region} {r.gap}: {r.quote!r}" for r in coding.itertuples(index=False)
             if r.coding == "bridging" and theme.search(r.quote)]
    assert wrong == [], "a strategic theme or an identified possibility is a goal, not a bridge in place"


MARKER = re.compile(r"^\s*(?:[-*•]|\d+\.)\s*[+=]?\s*")


def test_every_item_of_a_printed_list_is_a_row(lines):
    """Bullet and numbered lists: every marked line from the first item to the end of the list is an item."""
    lists = seeds.load("seed_lists")
    wrong = []
    for list_id, rows in lists.groupby("list_id", sort=False):
        seed = rows["seed"].iloc[0]
        first = min(int(re.search(r"line (\d+)", c).group(1)) for c in rows["citation"])
        if not MARKER.match(lines[seed][first - 1]):
            continue  # a list in running text: its count is checked against the seed's number word
        printed, i = [], first
        while i <= len(lines[seed]) and (not lines[seed][i - 1].strip() or MARKER.match(lines[seed][i - 1])):
            text = MARKER.sub("", lines[seed][i - 1]).strip()
            if text:
                printed.append(norm(text))
            i += 1
        encoded = [norm(x) for x in rows.sort_values("item_no")["item"]]
        if len(printed) != len(encoded) or not all(e in p for e, p in zip(encoded, printed, strict=True)):
            wrong.append(f"{list_id}: the seed prints {len(printed)} items from line {first}, {len(encoded)} encoded")
    assert wrong == []


def test_references_per_seed_counts_the_encoded_citations():
    table = pd.read_csv(ROOT / "tables" / "references_per_seed.csv", dtype={"seed": str})
    cited = seeds.load("seed_citations").groupby("seed").size()
    listed = seeds.load("seed_references").groupby("seed").size()
    want = pd.DataFrame({"seed": cited.index, "works_cited": cited.to_numpy(),
                         "reference_list_entries": [int(listed.get(s, 0)) for s in cited.index]})
    assert table.to_dict("records") == want.to_dict("records")


def test_each_cited_work_is_encoded_once_and_each_mention_in_one_row(lines):
    end = next(i for i, x in enumerate(lines["001"], 1) if x.strip() == "11. APPENDIX")
    cited = seeds.load("seed_citations")
    text = cited[cited["seed"].isin(["001", "002"])]
    assert not text.duplicated(["seed", "authors", "year"]).any()
    assert not cited.duplicated(["seed", "key"]).any()
    mentions = [(r.seed, r.authors, int(n)) for r in text.itertuples(index=False)
                for ns in re.findall(r"\(lines? ([\d, ]+)\)", r.citation) for n in ns.split(", ")]
    assert len(mentions) == text["mentions"].sum()
    seed_001 = text[text["seed"] == "001"]
    chapters = {r.key for r in seed_001.itertuples(index=False)
                if any(int(n) < end for ns in re.findall(r"\(lines? ([\d, ]+)\)", r.citation)
                       for n in ns.split(", "))}
    assert len(chapters) > 0, "seed 001's chapters 1-9 are encoded, not only its appendix"
