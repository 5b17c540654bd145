"""data/references.bib: every entry typed and fielded as BibTeX expects, every field taken from its entry.

The entries are read back with a small brace-aware BibTeX reader (the lock has no BibTeX
library); where ``pybtex`` is installed it parses the file as well.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from clusterstudy.data import bibtex, seeds

BIB = Path(__file__).resolve().parents[1] / "data" / "references.bib"
REQUIRED = {  # the standard BibTeX styles' required fields ("author|editor": either)
    "article": ["author", "title", "journal", "year"],
    "book": ["author|editor", "title", "publisher", "year"],
    "incollection": ["author", "title", "booktitle", "publisher", "year"],
    "inproceedings": ["author", "title", "booktitle", "year"],
    "techreport": ["author", "title", "institution", "year"],
    "misc": [],
}


def read_bib(text: str) -> list[tuple[str, str, dict[str, str]]]:
    """(type, key, fields) of each entry; raises ValueError on unbalanced braces or a malformed field."""
    entries = []
    pos = 0
    for m in re.finditer(r"@(\w+)\s*\{\s*([^,\s]+)\s*,", text):
        if m.start() < pos:
            raise ValueError(f"entry {m.group(2)} starts inside another entry")
        depth, i = 1, m.end()
        while depth:
            if i >= len(text):
                raise ValueError(f"entry {m.group(2)}: unbalanced braces")
            depth += {"{": 1, "}": -1}.get(text[i], 0)
            i += 1
        body, pos = text[m.end():i - 1], i
        fields: dict[str, str] = {}
        j = 0
        while body[j:].strip():
            f = re.match(r"\s*(\w+)\s*=\s*\{", body[j:])
            if not f:
                raise ValueError(f"entry {m.group(2)}: malformed field at {body[j:j + 40]!r}")
            k, depth = j + f.end(), 1
            while depth:
                depth += {"{": 1, "}": -1}.get(body[k], 0)
                k += 1
            name = f.group(1).lower()
            if name in fields:
                raise ValueError(f"entry {m.group(2)}: field {name} twice")
            fields[name] = body[j + f.end():k - 1]
            j = k + (1 if body[k:k + 1] == "," else 0)
        entries.append((m.group(1).lower(), m.group(2), fields))
    if text[pos:].strip():
        raise ValueError("text after the last entry")
    return entries


def test_reader_rejects_broken_bibtex():
    assert read_bib("@article{a_1,\n  title = {{X}},\n  year = {2001a}\n}\n") == \
        [("article", "a_1", {"title": "{X}", "year": "2001a"})]
    for bad in ("@article{a,\n title = {X}\n", "@article{a,\n title = X\n}", "@misc{a, year = {1}, year = {2}}"):
        with pytest.raises(ValueError):
            read_bib(bad)


@pytest.fixture(scope="module")
def entries():
    return read_bib(BIB.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def refs():
    return seeds.load("seed_references").set_index(["key", "seed"])


def test_every_entry_has_its_types_required_fields_and_no_empty_field(entries):
    assert len(entries) == 118
    wrong = []
    for kind, key, fields in entries:
        if kind not in REQUIRED:
            wrong.append(f"{key}: unknown type @{kind}")
            continue
        missing = [f for f in REQUIRED[kind] if not any(fields.get(x) for x in f.split("|"))]
        empty = [k for k, v in fields.items() if not v.strip(" {}")]
        if missing or empty:
            wrong.append(f"{key} @{kind}: missing {missing}, empty {empty}")
    assert wrong == []


def test_types_follow_the_entries(entries):
    kinds = {key: kind for kind, key, _ in entries}
    assert kinds["blois1999_000"] == "article" and kinds["long2013_000"] == "article"
    assert kinds["grabher1993_000"] == "incollection" and kinds["cooke2003_003"] == "incollection"
    assert kinds["rosenkopf2001_003"] == "inproceedings"
    assert kinds["wenger1998_003"] == "book" and kinds["keeble2000_000"] == "book"
    assert kinds["moen2001_003"] == "techreport" and kinds["zaytseva2013_003"] == "techreport"
    assert kinds["statecouncilofchina2013_000"] == "misc"
    assert sorted(set(kinds.values())) == ["article", "book", "incollection", "inproceedings", "misc", "techreport"]


def test_fields_are_the_entries_own_words(entries, refs):
    """Volume, number, pages, year (with its a/b suffix), venue and doi are spans of the raw entry."""
    wrong = []
    for _kind, key, fields in entries:
        k, seed = key.rsplit("_", 1)
        r = refs.loc[(k, seed)]
        raw = r["raw"].replace("*", "")
        if fields["year"] != r["year"] or not re.fullmatch(r"(?:19|20)\d\d[a-z]?", fields["year"]):
            wrong.append(f"{key}: year {fields['year']!r}, entry {r['year']!r}")
        if k[-1].isalpha() and k[-5:-1].isdigit() and not fields["year"].endswith(k[-1]):
            wrong.append(f"{key}: the key's a/b suffix is not in the year")
        for name in ("volume", "number", "pages", "doi", "journal", "booktitle", "publisher"):
            v = fields.get(name, "").replace(r"\&", "&")
            forms = {v, v.replace("--", "-"), v.replace("--", "–"), v.replace("--", "- "), v.replace("--", "~"),
                     v.replace("-", "–")}
            if v and not any(f in raw for f in forms):
                wrong.append(f"{key}: {name} {v!r} not in the entry")
        if "volume" not in fields and "doi" not in fields and _kind == "article" and re.search(r"\d+\s*\(", raw):
            wrong.append(f"{key}: the entry's volume is not a field")
    assert wrong == []


def test_a_b_years_and_pages_are_fields(entries):
    by_key = {key: fields for _, key, fields in entries}
    assert (by_key["maskell2001a_003"]["year"], by_key["maskell2001b_003"]["year"]) == ("2001a", "2001b")
    assert by_key["blois1999_000"].items() >= {"volume": "36", "number": "2", "pages": "197--215"}.items()
    assert by_key["makarov2016_003"]["doi"] == "10.17323/1995-459X.2016.3.76.90"
    assert by_key["cooke2003_003"]["editor"] == "F. Sforzi" and by_key["cooke2003_003"]["pages"] == "51--74"
    assert by_key["bathelt2004_003"]["volume"] == "28"  # seed 003 prints 28 (seed 001's appendix says 8)
    assert all("howpublished" not in f for f in by_key.values())


def test_committed_file_is_what_the_parser_writes():
    assert BIB.read_text(encoding="utf-8") == bibtex.bibtex(seeds.load("seed_references"))


def test_pybtex_parses_every_entry(entries):
    pybtex = pytest.importorskip("pybtex.database", reason="pybtex is not in the lock; the reader above checks")
    data = pybtex.parse_string(BIB.read_text(encoding="utf-8"), "bibtex")
    assert len(data.entries) == len(entries)
    assert {k: e.type for k, e in data.entries.items()} == {key: kind for kind, key, _ in entries}
    assert all(e.persons.get("author") for e in data.entries.values())
