"""Hand-coded seed tables against the seed texts, cell by cell.

Verbatim fields and every passage a note puts in single quotes must appear in the cited seed
with only white space (and markdown emphasis) normalised: no silent correction of spelling,
case or quote marks; a source typo stays, followed by "[sic]". Appendix fields of the
literature review are compared with the appendix's own lines; tables are re-parsed from the
seed text; codings are checked against the rules stated in data/README.md.
"""

from __future__ import annotations

import difflib
import os
import re
import unicodedata
from pathlib import Path

import pandas as pd
import pytest

from clusterstudy.data import seeds

ROOT = Path(__file__).resolve().parents[1]
SEED_DIR = Path(os.environ.get("CLUSTERS_SEEDS", ROOT.parent / "shared" / "seeds"))
FILES = {"000": "000_162d3ef9e57ceb7c.txt", "001": "001_239ed78909cbac3f.txt",
         "002": "002_5350d6ba7b26d702.txt", "004": "004_3c90db32e12d6b87.txt"}
pytestmark = pytest.mark.skipif(not SEED_DIR.is_dir(), reason=f"no seed texts at {SEED_DIR}")

# table -> (seed, columns quoted verbatim, columns whose '...' passages are verbatim)
VERBATIM = {
    "meng_forman_ruhr_clusters": ("000", ["industry", "city"], ["note"]),
    "meng_forman_resource_city_clusters": ("000", ["cluster", "city", "province", "resource", "industry"],
                                           ["note", "typology_citation"]),
    "meng_forman_lock_ins": ("000", ["lock_in", "reasons", "orientation", "route"], []),
    "clusnet_dortmund_cross_clustering": ("004", ["cluster", "market", "example"], ["note"]),
    "clusnet_table2_models": ("004", ["characteristic", "membership_model", "partnership_model"], []),
    "clusnet_table3_policy_areas": ("004", ["policy_area", "implication_for_clusters"], []),
    "clusnet_table4_programmes": ("004", ["programme"], []),
    "clusnet_seven_gaps": ("004", ["name_in_list", "chapter_3_heading"], ["note"]),
    "clusnet_city_gap_coding": ("004", ["quote"], ["note"]),
    "clusnet_fig17_triple_steelix": ("004", ["quote", "label_in_source"], ["note"]),
    "clusnet_fig12_hungary_funding": ("004", ["quote"], ["note"]),
    "clusnet_fig23_behaviours": ("004", ["behaviour", "description"], ["note"]),
    "review_studies": ("001", ["authors", "title", "journal", "volume", "issue", "pages", "method",
                               "method_quotations", "purpose",
                               "focus_statement", "tables_and_figures", "further_research"], ["note"]),
    "review_study_items": ("001", ["wording"], ["note"]),
    "review_cluster_ties": ("001", ["quote"], ["note"]),
    "beijing_cross_cluster_ties": ("002", ["quote"], ["note"]),
    "beijing_parks": ("002", ["park", "full_name"], ["note"]),
    "beijing_typology": ("002", ["research_question"], ["note"]),
}
SIC = re.compile(r"\s*\[sic\]")
ELLIPSIS = re.compile(r"\s*(?:\.\.\.|…)\s*")
QUOTED = re.compile(r"(?:(?<=^)|(?<=[\s(:]))'(.+?)'(?=$|[\s).,;:])")


def s_(x) -> str:
    """A nullable cell as text ('' for missing)."""
    return "" if pd.isna(x) else str(x)


def line_of(passage: str, lines: list[str]) -> int:
    """The line on which a passage of the seed begins (white space normalised across lines)."""
    joined, starts = "", []
    for i, x in enumerate(lines, 1):
        if x.strip():
            starts.append((len(joined), i))
            joined += norm(x) + " "
    pos = joined.find(norm(passage))
    return max(i for s, i in starts if s <= pos) if pos >= 0 else -1


def norm(s: str) -> str:
    """White space and markdown emphasis only: spelling, case and quote marks stay as they are."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", s).replace("*", "")).strip()


def fold(s: str) -> str:
    """Case, accents and quote marks folded: for matching names, never for checking quotations."""
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c))
    return re.sub(r"[‘’“”]", "'", s).lower()


@pytest.fixture(scope="module")
def texts() -> dict[str, str]:
    return {s: norm((SEED_DIR / f).read_text(encoding="utf-8")) for s, f in FILES.items()}


@pytest.fixture(scope="module")
def lines() -> dict[str, list[str]]:
    return {s: (SEED_DIR / f).read_text(encoding="utf-8").splitlines() for s, f in FILES.items()}


def passages(value: str) -> list[str]:
    """The parts of a quoted value that must be verbatim: [sic] marks dropped, split at ellipses."""
    return [p for p in ELLIPSIS.split(SIC.sub("", value)) if p.strip()]


def test_quoted_passages_in_notes_are_found():
    assert QUOTED.findall("the appendix's field is 'Conference' (no journal)") == ["Conference"]
    assert QUOTED.findall("spelled 'Una' in the source; 'has 30,000 employees'") == ["Una", "has 30,000 employees"]
    assert passages("it acutally [sic] prevents ... collaboration") == ["it acutally prevents", "collaboration"]


@pytest.mark.parametrize("name", sorted(VERBATIM))
def test_verbatim_fields_and_quoted_note_passages_are_in_the_seed(name, texts):
    seed, cols, quoting = VERBATIM[name]
    df = seeds.load(name).astype("string")
    wrong = []
    for i, r in df.iterrows():
        values = [(c, r[c]) for c in cols if not pd.isna(r[c])]
        values += [(c, q) for c in quoting if not pd.isna(r[c]) for q in QUOTED.findall(r[c])]
        for col, v in values:
            for p in passages(v):
                if norm(p) not in texts[seed]:
                    wrong.append(f"row {i} {col}: {p!r}")
    assert wrong == []


def test_source_typos_are_kept_and_marked(texts):
    behaviours = seeds.load("clusnet_fig23_behaviours").set_index("behaviour")
    assert "acutally [sic] prevents" in behaviours.at["The Bridge Keeper", "description"]
    assert "acutally prevents" in texts["004"]


# ------------------------------------------------------------------ the review's appendix (seed 001)

LABELS = {"industry": r"\n\s*Industries\b", "cluster": r"\n\s*Clusters\b",
          "resource": r"What kinds of resources are\s+transferred\?",
          "actor": r"Who transfers resources\?", "how": r"How are resources\s+transferred\?",
          "consequence": r"What kinds of consequences\s+result from such transfer\?", "end": r"Tables and figures"}
HEADER = ("Author(s)", "Title", "Journal", "Conference", "Year", "Volume", "Issue", "Pages", "Purpose", "Method")


def appendix(lines) -> dict[str, str]:
    """Study id -> its appendix block (raw text)."""
    text = "\n".join(lines["001"])
    start = text.index("11. APPENDIX")
    parts = re.split(r"\n\s*(11\.\d+) [A-ZÁÉÍÓÚ&\-. ]+\(\d{4}\)\s*\n", text[start:])
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def _raw_fields(block: str) -> dict[str, str]:
    summary = re.split(r"\n\s*Focus\b", block, maxsplit=1)[1]  # the summary follows the theory list
    keys = list(LABELS)
    out = {}
    for k, nxt in zip(keys, keys[1:], strict=False):
        m = re.search(rf"(?s){LABELS[k]}(.*?){LABELS[nxt]}", summary)
        out[k] = m.group(1) if m else ""
    return out


def fields(block: str) -> dict[str, str]:
    """Summary field -> its answer with the appendix's quotations removed (normalised)."""
    unquoted = {k: re.sub(r"(?s)[“”\"].*?[”\"]", " ", v) for k, v in _raw_fields(block).items()}
    return {k: norm(re.sub(r"\((?:pp?|s)\.\s*[\d\s,\-–]+\)", " ", v)) for k, v in unquoted.items()}


def statement(block: str, field: str) -> str:
    """A field's answer in the appendix's own words: its lines up to the first full stop at a line end."""
    out = []
    for line in _raw_fields(block)[field].splitlines():
        if line.strip():
            out.append(line.strip())
            if line.rstrip().endswith("."):
                break
    return norm(" ".join(out))


def header(block: str) -> dict[str, str]:
    """The entry's header fields; a title may wrap onto the next line, quotations are dropped."""
    head = re.split(r"\n\s*Focus\b", block)[0]
    out, key = {}, None
    for line in head.splitlines():
        label = next((h for h in HEADER if line.strip().startswith(h + " ") or line.strip() == h), None)
        if label:
            key = label
            out.setdefault(key, line.strip()[len(label):])
        elif key in ("Title", "Author(s)") and line.strip():
            out[key] += " " + line.strip()
            key = None
    return {k: norm(re.sub(r"[“”\"].*", "", v)) for k, v in out.items()}


def test_study_headers_are_the_appendix_fields(lines):
    blocks = appendix(lines)
    studies = seeds.load("review_studies").astype("string").set_index("study_id")
    assert list(studies.index) == list(blocks)
    wrong = []
    for sid, r in studies.iterrows():
        h = header(blocks[sid])
        venue = h.get("Journal", h.get("Conference"))
        pairs = [("Author(s)", r["authors"]), ("Title", r["title"]), ("Year", r["year"]), ("Pages", r["pages"]),
                 ("Volume", r["volume"]), ("Issue", r["issue"]), ("Method", r["method"])]
        for label, value in [*pairs, ("venue", r["journal"])]:
            expected = venue if label == "venue" else h.get(label)
            if (pd.isna(value) and expected) or (not pd.isna(value) and norm(str(value)) != expected):
                wrong.append(f"{sid} {label}: encoded {value!r}, appendix {expected!r}")
    assert wrong == []


ACTORS = {"cluster firms": "cluster firms", "individuals": "individuals", "MNEs": r"\bMNE|multinational",
          "SMEs": r"\bSME|small and medium", "leading firms": "leading firms",
          "technological gatekeepers": "technological gatekeepers", "receptor firms": "receptor firms",
          "parents or affiliated companies": "parents or affiliated companies"}
SUB_FIELDS = {"how_example": "how", "linkage_consequence": "consequence"}  # items listed under another field


def label(wording: str) -> str:
    """The documented normalisation of an appendix item: a leading 'The' or 'Through' dropped, first letter lower-cased."""
    w = re.sub(r"^(?:The|Through)\s+", "", wording.strip())
    first = w.split()[0] if w.split() else ""
    return w if len(first) > 1 and first.isupper() else w[:1].lower() + w[1:]


def test_study_items_follow_the_coding_rule(lines):
    blocks = appendix(lines)
    items = seeds.load("review_study_items").astype("string")
    assert set(items["coded_from"]) <= {"appendix field", "appendix field (not stated)", "quotation"}
    wrong = []
    for r in items.itertuples(index=False):
        block = blocks[r.study_id]
        where = f"{r.study_id} {r.field} {r.value!r}"
        if norm(r.wording) not in norm(block):
            wrong.append(f"{where}: wording {r.wording!r} not in Appendix {r.study_id}")
        if r.field in ("theory", "theory_term"):  # a heading of the Theory list, or a term printed under one
            head = re.split(r"\n\s*Focus\b", block)[0]
            if norm(r.wording) not in norm(head) or r.value != r.wording:
                wrong.append(f"{where}: not a {'heading' if r.field == 'theory' else 'term'} of the entry's Theory list")
            continue
        answer = fields(block)[SUB_FIELDS.get(r.field, r.field)]
        expected = r.wording if r.field in SUB_FIELDS else label(r.wording)  # sub-items keep their case
        if r.coded_from == "appendix field" and r.field not in ("actor", "cluster") and r.value != expected:
            wrong.append(f"{where}: value is not the wording {r.wording!r} (normalised: {label(r.wording)!r})")
        if r.coded_from == "appendix field (not stated)":
            said = QUOTED.findall(s_(r.note))
            if not pd.isna(r.value) or not said or said[0] != statement(block, r.field):
                wrong.append(f"{where}: the note must give the appendix's field in full: {statement(block, r.field)!r}")
        elif r.field == "actor":
            cue = ACTORS.get(r.value)
            source = answer if r.coded_from == "appendix field" else " ".join(QUOTED.findall(s_(r.note)))
            if cue is None or not re.search(cue, source, re.I):
                wrong.append(f"{where}: not named by the {r.coded_from}")
            elif r.coded_from == "quotation" and re.search(cue, answer, re.I):
                wrong.append(f"{where}: the appendix field itself names it (coded_from should be appendix field)")
        elif r.coded_from == "quotation":
            quoted = QUOTED.findall(s_(r.note))
            if re.sub(r"[\W_]", "", answer) or not quoted or fold(r.value) not in fold(quoted[0]):
                wrong.append(f"{where}: a quotation-coded value needs an empty field and the quotation in note")
        elif r.field in ("resource", "how", "consequence", "cluster"):
            printed = re.findall(r"printed '([^']+)' in this entry", s_(r.note))
            value = r.value
            if printed:  # one name for a cluster across entries: the printed form is in the note, nearly the same
                value = printed[0] if difflib.SequenceMatcher(None, r.value, printed[0]).ratio() > 0.9 else "?"
            if fold(value) not in fold(answer):
                wrong.append(f"{where}: not in the appendix field {answer!r}")
        for q in QUOTED.findall(s_(r.note)):
            for p in passages(q):
                if norm(p) not in norm(block):
                    wrong.append(f"{where}: note quotes {p!r}, not in Appendix {r.study_id}")
    assert wrong == []


def _named(cluster: str, country: str, text: str, clusters: pd.DataFrame) -> bool:
    """A cluster is named in a passage by a word of its name, or by its country where it is the study's
    only cluster there ('Taiwan', 'the US')."""
    words = [w for w in re.split(r"[\s\-]+", fold(cluster)) if len(w) > 3 and w not in ("region", "cluster", "park")]
    if any(re.search(rf"\b{re.escape(w[:-1])}", fold(text)) for w in words):
        return True
    alias = {"USA": r"\bthe US\b|\bUSA\b", "China": r"\bChina\b", "Taiwan": r"\bTaiwan"}.get(country, re.escape(country))
    return (clusters["country"] == country).sum() == 1 and re.search(alias, text) is not None


def test_ties_follow_the_coding_rule(lines):
    blocks = appendix(lines)
    items = seeds.load("review_study_items").astype("string")
    ties = seeds.load("review_cluster_ties").astype("string")
    assert set(ties["direction"]) <= {"one-way", "two-way"} and set(ties["coded_from"]) <= {"quotation", "inferred"}
    wrong = []
    for t in ties.itertuples(index=False):
        clusters = items[(items["study_id"] == t.study_id) & (items["field"] == "cluster")]
        country = dict(zip(clusters["value"], clusters["country"], strict=True))
        if not {t.cluster_a, t.cluster_b} <= set(country):
            wrong.append(f"{t.study_id} {t.cluster_a}-{t.cluster_b}: not the study's listed clusters")
            continue
        if norm(t.quote) not in norm(blocks[t.study_id]):
            wrong.append(f"{t.study_id}: quote not in the appendix entry")
        line = int(re.search(r"\(line (\d+)\)", t.citation).group(1))
        if line_of(t.quote, lines["001"]) != line:
            wrong.append(f"{t.study_id} {t.cluster_a}-{t.cluster_b}: quote does not begin on line {line}")
        page = re.search(r"\((?:pp?|s)\.\s*([\d\-– ]+)\)", norm(blocks[t.study_id]).split(norm(t.quote), 1)[-1])
        if page and f"(p. {page.group(1).strip()})" not in t.note:
            wrong.append(f"{t.study_id} {t.cluster_a}-{t.cluster_b}: the note lacks the quote's page {page.group(1)}")
        paired = any(fold(t.cluster_a) in fold(q) and fold(t.cluster_b) in fold(q) for q in QUOTED.findall(s_(t.note)))
        identified = (len(clusters) == 2 or paired
                      or all(_named(c, country[c], t.quote, clusters) for c in (t.cluster_a, t.cluster_b)))
        if (t.coded_from == "quotation") != identified:
            wrong.append(f"{t.study_id} {t.cluster_a}-{t.cluster_b}: coded {t.coded_from}, but the clusters are "
                         f"{'' if identified else 'not '}identified by the appendix")
    assert wrong == []


# ------------------------------------------------------------------ CLUSNET (seed 004)

def test_city_gap_codings_follow_the_stated_rule(lines):
    coding = seeds.load("clusnet_city_gap_coding").astype("string")
    assert set(coding["coding"]) <= {"bridging", "goal", "limited"}
    goal_cues = re.compile(r"\bplans?\b|vision|goal|strive|aim to|strategic theme|\bcan play\b|could", re.I)
    not_done = re.compile(r"\bplans?\b|vision|goal|strive|aim to|\bcan\b(?! be (?:seen|found))|\bcould\b|possib"
                          r"|propose|would", re.I)
    wrong = []
    for r in coding.itertuples(index=False):
        line = int(re.search(r"\(line (\d+)\)", r.citation).group(1))
        raw = norm(lines["004"][line - 1])
        heading = re.search(r"'(The [\w\- ]+ Gap)'", r.citation).group(1)
        section = max(i for i, x in enumerate(lines["004"][:line]) if x.startswith(("## ", "### ")))
        where = f"{r.city_region} {r.gap} {r.coding}"
        if norm(r.quote) not in raw:
            wrong.append(f"{where}: quote not on line {line}")
        if lines["004"][section].strip("# ").strip() != heading.replace("The Education Gap", "The Educational Gap"):
            wrong.append(f"{where}: line {line} is not in section {heading!r}")
        city = {"Gothenburg": "Göteborg|Gothenburg", "Eindhoven": "Eindhoven|Brainport"}.get(r.city_region, r.city_region)
        if not re.search(city, raw):
            wrong.append(f"{where}: the city region is not named on line {line}")
        if r.coding == "limited" and not re.search(r"limited|lack|not as prominent", raw):
            wrong.append(f"{where}: the line does not say efforts are limited or lacking")
        if r.coding == "goal" and not goal_cues.search(raw):
            wrong.append(f"{where}: the line does not present a goal or vision")
        if r.coding == "bridging" and not_done.search(r.quote):
            wrong.append(f"{where}: the quote presents a plan, goal or possibility, coded as a bridge in place")
    assert wrong == []


def _table(lines: list[str], header_startswith: str) -> list[list[str]]:
    """Tab-separated rows of a seed table, from its header line to the first blank line."""
    i = next(k for k, x in enumerate(lines) if x.startswith(header_startswith))
    rows = []
    for x in lines[i + 1:]:
        if not x.strip():
            break
        rows.append([c.strip() for c in x.split("\t")])
    return rows


def test_clusnet_tables_are_the_seed_tables(lines):
    seed = lines["004"]
    t4 = seeds.load("clusnet_table4_programmes")
    gaps = ["Research", "Education", "Capital", "Policy", "Firm-to-firm", "Cluster-to-cluster", "Global market"]
    parsed = []
    for city in ("City 1", "City 2"):
        for row in _table(seed, city + "\tGap 1"):
            parsed += [(city, row[0], g, int(len(row) > k + 1 and row[k + 1] == "✓")) for k, g in enumerate(gaps)]
    assert sorted(parsed) == sorted(t4[["city", "programme", "gap", "bridges"]].itertuples(index=False, name=None))
    dortmund = seeds.load("clusnet_dortmund_cross_clustering")
    header = _table(seed, "cluster\tmarket")
    markets = ["Simulation", "Mobility", "Energy", "Resource"]
    parsed = [(r[0], m, r[k + 2]) for r in header for k, m in enumerate(markets)]
    assert sorted(parsed) == sorted(dortmund[["cluster", "market", "example"]].itertuples(index=False, name=None))
    beh = seeds.load("clusnet_fig23_behaviours")
    i = next(k for k, x in enumerate(seed) if x.startswith("Figure 23."))
    rows = [x.split("\t") for x in seed[:i] if x.count("\t") == 3][-2:]
    encoded = [(b, SIC.sub("", d)) for b, d in beh[["behaviour", "description"]].itertuples(index=False, name=None)]
    assert list(zip(*rows, strict=True)) == encoded


def test_meng_forman_tables_are_the_seed_tables(lines):
    seed = lines["000"]
    t1 = seeds.load("meng_forman_ruhr_clusters")
    parsed = []
    for row in _table(seed, "Centralized industries"):
        for level, cell in ((1, row[1]), (2, row[2] if len(row) > 2 else "")):
            parsed += [(row[0], c.strip(), level) for c in cell.split(",") if c.strip()]
    assert sorted(parsed) == sorted(t1[["industry", "city", "level"]].itertuples(index=False, name=None))
    t2 = seeds.load("meng_forman_resource_city_clusters")
    parsed = [(r[0], r[1].split(",")[0], r[2], int(r[3]), float(r[4]), float(r[5])) for r in _table(seed, "Name of cluster")]
    assert parsed == list(t2[["cluster", "city", "industry", "enterprises", "output_busd", "employees_thousand"]]
                          .itertuples(index=False, name=None))
    t3 = seeds.load("meng_forman_lock_ins")
    parsed = []
    for row in _table(seed, "\tReasons of lock-in"):
        routes = [r.strip() for r in row[3].split("•")[1:]]
        parsed += [(row[0], row[1], row[2], k, r) for k, r in enumerate(routes, 1)]
    assert parsed == list(t3[["lock_in", "reasons", "orientation", "route_no", "route"]].itertuples(index=False, name=None))


def test_clusnet_tables_2_and_3_are_the_seed_tables(lines):
    seed = lines["004"]
    t2 = seeds.load("clusnet_table2_models")
    rows = [tuple(r) for r in _table(seed, "\tMembership model\tPartnership model")]
    assert rows == list(t2[["characteristic", "membership_model", "partnership_model"]].itertuples(index=False, name=None))
    t3 = seeds.load("clusnet_table3_policy_areas")
    rows = [tuple(r) for r in _table(seed, "Policy area\tImplication for clusters")]
    assert rows == list(t3[["policy_area", "implication_for_clusters"]].itertuples(index=False, name=None))


def test_every_actor_the_appendix_names_is_coded(lines):
    blocks = appendix(lines)
    items = seeds.load("review_study_items")
    missing = []
    for sid, block in blocks.items():
        said = norm(_raw_fields(block)["actor"])
        coded = set(items[(items["study_id"] == sid) & (items["field"] == "actor")]["value"].dropna())
        missing += [f"{sid} {a}" for a, cue in ACTORS.items() if re.search(cue, said, re.I) and a not in coded]
    assert missing == []


def test_quoted_passages_in_fact_notes_are_in_their_seed(texts):
    facts = seeds.load("seed_facts").astype("string")
    wrong = [f"{r.fact_id}: {q!r}" for r in facts.itertuples(index=False) if r.seed in texts
             for q in QUOTED.findall(s_(r.note)) for p in passages(q) if norm(p) not in texts[r.seed]]
    assert wrong == []


@pytest.mark.parametrize("seed", ["001", "002"])
def test_in_text_citations_keep_the_printed_surnames_and_year_on_their_lines(seed, lines):
    """Every mention of an in-text citation of seeds 001 (chapters 1-9 and appendix) and 002: the cited
    surnames are printed, as spelled (no silent correction: 'Levintal', 'Sennet'), from the cited line on,
    with the year; a citation may run over the next lines (blank lines between), a surname break at its
    hyphen ('Albors-' / 'Garrigós'), and the appendix's headings print surnames in capitals."""
    cited = seeds.load("seed_citations")
    wrong = []
    for r in cited[cited["seed"] == seed].itertuples(index=False):
        for ns in re.findall(r"\(lines? ([\d, ]+)\)", r.citation):
            for n in map(int, ns.split(", ")):
                window = re.sub(r"-\s+", "-", " ".join(lines[seed][n - 1:n + 4]))
                window = re.sub(r"\s+", " ", window)
                names = [a for a in r.authors.split("; ") if a != "et al."]
                if not all(re.search(rf"(?<!\w){re.escape(a)}(?!\w)", window, re.I) for a in names):
                    wrong.append(f"{r.key}: {names} not printed from line {n}")
                if not re.search(rf"\b{r.year}\b", window):
                    wrong.append(f"{r.key}: {r.year} not printed from line {n}")
                if not re.search(rf"(?<!\w){re.escape(names[0])}(?!\w)", lines[seed][n - 1], re.I):
                    first = names[0].split("-")[0]
                    if not lines[seed][n - 1].rstrip().lower().endswith(f"{first.lower()}-"):
                        wrong.append(f"{r.key}: line {n} does not begin the mention of {names[0]}")
    assert wrong == []
