"""Every countable statement of the seeds is in seed_facts.csv or excluded by a stated rule.

A countable statement is a number in a seed's text: a numeral, or a number word from
"two" up ("two criteria", "double difficulties", "a three-level model"). The scan covers each
seed up to its reference list. Excluded by rule, without a row:

- *bibliographic*: years and centuries, page numbers and page ranges, dates, DOIs, URLs,
  postal addresses, classification and grant codes, author-affiliation marks, volume/issue/pages
  fields, citation markers, and section, figure, table and gap numbers; names that contain a
  digit (22@, B2B, "Case 1");
- *contents*: table-of-contents lines (dotted leaders);
- *vignette*: the italic widget-cluster stories of seed 004 (invented, not about the world).

Every other number is either inside the verbatim ``context`` of a fact located at that line
of the seed, or listed in ``tests/seed_facts_excluded.csv`` with its line, the verbatim phrase and
one of the rules of :data:`EXCLUSION_RULES` (a definite reference to a set counted
elsewhere, a repeat of an encoded fact, an idiom, a definition, a non-italic vignette line).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pandas as pd
import pytest
from test_seed_facts import normalise

from clusterstudy.data import seeds

ROOT = Path(__file__).resolve().parents[1]
SEED_DIR = Path(os.environ.get("CLUSTERS_SEEDS", ROOT.parent / "shared" / "seeds"))
SEED_FILES = {"000": "000_162d3ef9e57ceb7c.txt", "001": "001_239ed78909cbac3f.txt",
              "002": "002_5350d6ba7b26d702.txt", "003": "003_7c2bd0d71db9e26c.txt",
              "004": "004_3c90db32e12d6b87.txt"}
EXCLUSION_RULES = frozenset({"reference", "repeat", "idiom", "definition", "vignette", "bibliographic"})
NUMBER_WORDS = ("two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
                "thirteen", "fourteen", "fifteen", "twenty", "thirty", "forty", "fifty", "hundred", "dozen",
                "double", "twice")
NUMBER = re.compile(rf"\b(?:{'|'.join(NUMBER_WORDS)})\b|\d[\d,.]*", re.I)
MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
BIBLIOGRAPHIC = [  # spans removed before scanning (rule "bibliographic")
    r"https?://\S+|www\.\S+|doi:\s*\S+|<[^>]*>",
    rf"\b(?:{MONTHS})\s+\d{{1,2}}\b|\b\d{{1,2}}\s+(?:{MONTHS})\b",
    r"\b1[5-9]\d\ds\b|\b(?:19|20)\d\d[a-z]?\b",
    r"\(\s*(?:p|pp|s)\.\s*[\d\s,\-–]+\)|\b(?:pp?|s)\.\s*\d+(?:\s*[-–]\s*\d+)?|\bp-\d+|^\s*[-–]?\d+\)\.?",
    r"^\s*[-–]\d+\s*$|\b[Pp]age \d+|\bVol\. \d+, No\. \d+",
    r"^\s*(?:Volume|Issue|Pages)\b.*$",
    r"\[\d+(?:\s*[,-]\s*\d+)*\]|\b[A-Z]\d\d\b",
    r"\b\d+\s+St\.\s+\w+\s+Street|\b[A-Z]\d[A-Z]\s*\d[A-Z]\d\b",
    r"\b(?:Figure|Table|Section|Chapter|Gap|City|Appendix|article/?)s?\s*\d+(?:\.\d+)*(?:\s+and\s+\d+)?",
    r"^\s*#*\s*\d+(?:\.\d+)*\.?(?=\s)",
    r"\^\{[^}]*\}|\(\w*\d{6,}\)",
    r"\b22@|\bB2B\b|\bCase \d+",
]


_norm = normalise  # the seed-facts test's normaliser: one rule for matching seed text


def _body(seed: str) -> list[str]:
    """The seed's lines up to its reference list."""
    lines = (SEED_DIR / SEED_FILES[seed]).read_text(encoding="utf-8").splitlines()
    end = next((i for i, line in enumerate(lines) if line.strip() in ("References", "REFERENCES")), len(lines))
    return lines[:end]


def numbers(seed: str) -> list[tuple[int, str, str]]:
    """(line, number, phrase) for every number of a seed's text outside the rule-based exclusions."""
    out = []
    for i, line in enumerate(_body(seed), 1):
        if "....." in line or (seed == "004" and line.lstrip().startswith("*")):
            continue
        text = line
        for pattern in BIBLIOGRAPHIC:
            text = re.sub(pattern, lambda m: " " * len(m.group()), text, flags=re.I)
        for m in NUMBER.finditer(text):
            token = m.group().rstrip(".,")
            if not token:
                continue
            nxt = re.match(r"[\s-]*([\w%]+)", line[m.end():])
            phrase = _norm(line[m.start():m.end()] + (line[m.end():m.end() + nxt.end()] if nxt else ""))
            out.append((i, token, phrase))
    return out


def located_contexts(seed: str, facts) -> dict[int, list[str]]:
    """Line number -> normalised contexts of the facts whose context covers that line."""
    lines = _body(seed)
    joined, starts = "", []
    for i, line in enumerate(lines, 1):
        n = _norm(line)
        if n:
            starts.append((len(joined), i))
            joined += n + " "
    out: dict[int, list[str]] = {}
    for ctx in facts.loc[facts["seed"] == seed, "context"]:
        c = _norm(ctx)
        pos = joined.find(c)
        while pos >= 0:
            first = max(i for s, i in starts if s <= pos)
            for i in {first, *[i for s, i in starts if pos < s < pos + len(c)]}:
                out.setdefault(i, []).append(c)
            pos = joined.find(c, pos + 1)
    return out


needs_seeds = pytest.mark.skipif(not SEED_DIR.is_dir(), reason=f"no seed texts at {SEED_DIR}")


def test_scanner_finds_numbers_and_skips_bibliography():
    assert [t for _, t, _ in [(0, m.group(), 0) for m in NUMBER.finditer("five pieces, a three-level model")]] \
        == ["five", "three"]
    text = "Vol. 5, No. 5 (p. 510) in 2013, March 31; see Figure 10 and [6, 7]"
    for pattern in BIBLIOGRAPHIC:
        text = re.sub(pattern, lambda m: " " * len(m.group()), text, flags=re.I)
    assert [m.group().rstrip(".,") for m in NUMBER.finditer(text)] == []


@pytest.fixture(scope="module")
def facts():
    return seeds.load("seed_facts")


EXCLUDED = ROOT / "tests" / "seed_facts_excluded.csv"


@pytest.fixture(scope="module")
def excluded():
    df = pd.read_csv(EXCLUDED, dtype={"seed": str, "line": int}, keep_default_na=False)
    assert list(df.columns) == ["seed", "line", "phrase", "rule", "note", "citation"]
    assert not df.duplicated(["seed", "line", "phrase"]).any()
    cites = zip(df["seed"], df["line"], df["citation"], strict=True)
    assert all(c.startswith(f"{SEED_FILES[s]}, line {n}") for s, n, c in cites)
    return df


def test_exclusions_name_a_rule_and_a_verbatim_phrase(excluded):
    assert set(excluded["rule"]) <= EXCLUSION_RULES
    assert excluded["note"].str.len().gt(0).all()
    assert excluded["phrase"].map(lambda p: bool(NUMBER.search(p))).all()
    repeats = excluded[excluded["rule"] == "repeat"]
    ids = set(seeds.load("seed_facts")["fact_id"])
    assert all(any(i in n for i in ids) for n in repeats["note"]), "a repeat names the fact it repeats"


@needs_seeds
def test_excluded_phrases_are_on_their_lines(excluded):
    wrong = []
    for r in excluded.itertuples(index=False):
        line = _body(r.seed)[r.line - 1]
        if _norm(r.phrase) not in _norm(line):
            wrong.append(f"{r.seed}:{r.line} {r.phrase!r}")
    assert wrong == []


@needs_seeds
@pytest.mark.parametrize("seed", sorted(SEED_FILES))
def test_every_countable_statement_is_encoded_or_excluded(seed, facts, excluded):
    ctx = located_contexts(seed, facts)
    ex = excluded[excluded["seed"] == seed]
    ex_at = {(r.line, _norm(r.phrase)) for r in ex.itertuples(index=False)}
    missing = []
    for line, token, phrase in numbers(seed):
        if any(_norm(token) in c and phrase.split(" ")[0] in c for c in ctx.get(line, [])):
            continue
        if any(lx == line and _norm(token).lower() in p.lower() for lx, p in ex_at):
            continue
        missing.append(f"{seed}:{line} {phrase!r}")
    assert missing == []
