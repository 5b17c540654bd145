"""Reference lists of the source documents: exact parsing and shared works (BibTeX: :mod:`clusterstudy.data.bibtex`).

Seed 000 numbers its references (``- [n] Author, A. (year) Title, *Journal* ...``); seed 003
lists them as bullets (``• Author, A., & Author, B. (year). Title. Journal, vol(issue), pages.``);
seed 001 cites works by author and year in its chapters 1-9 and its appendix (11.1-11.12), seed 002 in
its introduction and Section 2.1 (an organisation as author is listed in :data:`CORPORATE`).

Each list entry is split into verbatim spans of the raw entry (``authors_raw``, ``year``,
``title``, ``venue``, ``details``): nothing is rewritten, so every title is a substring of its
entry and the spans account for the whole entry (tested). Authors come as a full list
(``authors``: ``Surname, I.; Surname, I.``). A work's ``key`` is the first author's surname and
the year with its a/b suffix, plus the first title word where two entries of one seed would
otherwise share a key. Works are shared between seeds when their authors, year and normalised
title agree (lists) or, for in-text citations, when the cited surnames ("et al." for three or
more authors) and the year identify exactly one work.

Parser quirks are in :data:`QUIRKS` and each row's ``note``. No well-kept parser of free-text
references runs offline without a trained model, so this hand parser is tested on every entry.
``make references`` rebuilds ``data/seeds/seed_references.csv``, ``seed_citations.csv`` and
``data/references.bib`` from the seed texts (``CLUSTERS_SEEDS``, default ``../shared/seeds``).
"""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path

import pandas as pd

from clusterstudy.core import atomic, paths
from clusterstudy.core.validate import DataError
from clusterstudy.data import bibtex

SEEDS = {"000": "000_162d3ef9e57ceb7c.txt", "001": "001_239ed78909cbac3f.txt",
         "002": "002_5350d6ba7b26d702.txt", "003": "003_7c2bd0d71db9e26c.txt"}
EXPECTED = {"000": 26, "003": 92}
SURNAME = r"(?:(?:von|van|de|De|Van|Mac|Santa) )?[A-ZÀ-ÝÅ][A-Za-zÀ-ÿ'’\-]+"
YEAR = r"(?:19|20)\d\d[a-z]?"
_INITIALS = re.compile(r"(?:[A-ZÀ-ÝÅ]\.?(?:\s?-?\s?[A-ZÀ-ÝÅ]\.?)*)")
_NOT_NAMES = frozenset({
    "In", "Up", "Since", "Year", "Pages", "Volume", "Issue", "January", "February", "March", "April", "May",
    "June", "July", "August", "September", "October", "November", "December", "Received", "Accepted",
    "Published", "Figure", "Table", "Page", "Between", "From", "Until", "By", "The", "For", "During", "After",
    "Before", "And", "Of", "At", "Both", "Around", "As", "On", "Appendix", "Section", "Vol", "No", "Summer",
    "Spring", "Autumn", "Winter", "Journal", "Studies", "Clusters", "Similarly", "However", "Moreover", "Thus",
    "Hence", "See", "Also", "Finally", "While", "Whereas", "Source", "Sources", "Although", "Following", "According",
})
QUIRKS = {
    "author after year": "the source places a co-author after the year",
    "year at end": "the source gives the year at the end of the entry",
    "year repeated": "the source repeats the year [sic]",
    "year after title": "the source gives the year after the title",
    "page after title": "the source prints a page mark after the title",
}
# quirks of one entry that no rule describes: (seed, entry number) -> note
ENTRY_QUIRKS = {
    ("003", 58): "the entry ends with a stray 'Mattsson' after 'European Commission' (the venue and "
                 "references.bib's institution keep it as printed)",
}


_FOLD = str.maketrans({"ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "ß": "ss", "đ": "d", "ł": "l", "Ł": "L"})


def seeds_dir() -> Path:
    env = os.environ.get("CLUSTERS_SEEDS")
    return Path(env) if env else paths.mirror_dir().parent / "seeds"


def ascii_lower(s: str) -> str:
    """ASCII, lower case, letters and digits only (for keys and matching)."""
    s = unicodedata.normalize("NFKD", s.translate(_FOLD)).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]", "", s)


def key(surname: str, year: str) -> str:
    """Work key: ascii lower-case first-author surname + year (with its a/b suffix)."""
    return f"{ascii_lower(surname)}{year}"


def norm_title(title: str) -> str:
    """Title for matching: ascii lower-case words only."""
    s = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode().lower()
    return " ".join(re.findall(r"[a-z0-9]+", s))


def split_authors(s: str) -> list[tuple[str, str]]:
    """``(surname, initials)`` for each author of a verbatim author string.

    Handles ``Surname, I.``, ``Surname I.``, ``I. Surname``, ``and``/``&``/``;`` separators and
    corporate authors (``OECD``, ``State Council of China``: one author, no initials).
    """
    s = s.strip().rstrip(",;").strip()
    tokens = [t.strip() for t in re.split(r",\s*(?:&|and)\s+|\s+(?:&|and)\s+|,\s*|;\s*", s) if t.strip()]
    people: list[list[str]] = []
    for t in tokens:
        if t.rstrip(".").lower() in {"etal", "et al", "eds", "ed"}:
            continue
        if _INITIALS.fullmatch(t) and people and not people[-1][1]:
            people[-1][1] = t if t.endswith(".") else t
            continue
        m_first = re.fullmatch(rf"({_INITIALS.pattern})\s+({SURNAME})", t.rstrip("."))
        m_last = re.fullmatch(rf"({SURNAME}(?: {SURNAME})*)\s+({_INITIALS.pattern})", t)
        if m_first and people and not people[-1][1]:
            people[-1][1] = m_first.group(1)  # "Rubach, S. Johansen": S. belongs to Rubach
            people.append([m_first.group(2), ""])
        elif m_first:
            people.append([m_first.group(2), m_first.group(1)])
        elif m_last and not re.search(r"\b(?:of|for|and)\b", t):
            people.append([m_last.group(1), m_last.group(2)])
        else:
            people.append([t.rstrip("."), ""])
    return [(p[0], p[1]) for p in people]


def format_authors(people: list[tuple[str, str]]) -> str:
    return "; ".join(f"{s}, {i}" if i else s for s, i in people)


def _title_end(rest: str, seed: str) -> int:
    """Index where the title ends in ``rest`` (the text after the year)."""
    depth = 0
    for i, ch in enumerate(rest):
        depth += ch == "("
        depth -= ch == ")"
        nxt = rest[i + 1:i + 2]
        if depth or nxt not in (" ", ""):
            continue
        if seed == "000" and ch in ",." and rest[i + 2:i + 3] == "*":
            return i
        if seed == "000" and ch == "." and rest[i + 2:i + 5] == "In ":
            return i
        if seed == "000" and re.match(r" In:? \*", rest[i + 1:]):
            return i + 1
        if seed == "003" and ch == "." and not re.search(r"(?:\b[A-Za-z]|\bpp|\bVol|\bNo)$", rest[:i]):
            return i
        if ch == "?" and seed == "003":
            after = rest[i + 2:]
            seg = re.split(r"\.\s", after, maxsplit=1)[0]
            if re.search(r",\s*\d|\d+\(|^In[: ]|doi|^[A-Z][a-z]+(?:, [A-Z]{2})?: ", seg) or seg == after:
                return i + 1
        if seed == "003" and rest[i - 1:i + 2] == " / ":
            return i - 1
    return len(rest)


def _venue(rest: str) -> tuple[str, str]:
    """(venue, details) of the text after the title."""
    lead = re.match(r"^[\s,.;:/]*(?:Publication:\s*)?", rest).group(0)  # type: ignore[union-attr]  # matches ""
    body = rest[len(lead):]
    italic = re.match(r"In:? .*?\*([^*]+)\*", body)
    if italic:
        return italic.group(1), body
    chapter = re.match(r"In:? (?:[^()]+\(Eds?\.\),\s*)?(.+?)(?=\s*\(|\.\s|$)", body)
    if chapter:
        return chapter.group(1), body
    lang = re.match(r"\((?:in|In) Chinese\),?\s*", body)
    if lang:
        venue, details = _venue(body[lang.end():])
        if re.match(r"\d+(?:st|nd|rd|th) of ", venue):  # a date, not a publisher
            venue, details = "", f"{venue} {details}".strip()
        return venue, f"{lang.group(0).strip(' ,')}, {details}".strip(" ,")
    m = re.search(r"(?:,\s*|\s+)(?=\d+[A-Z]?\s*\(|\d+[A-Z]?\s*[,:]|\d+\.(?:\s|$)|doi:)|\.\s+(?=doi:|ISSN|Series|Available)",
                  body)
    venue, details = (body[:m.start()], body[m.start():]) if m else (body, "")
    if venue.startswith("*") and "*" in venue[1:]:
        j = venue.index("*", 1)
        venue, details = venue[1:j], venue[j + 1:] + details
    return venue.rstrip(" .,"), details


def parse_entry(raw: str, seed: str, number: int) -> dict:
    """One list entry as verbatim spans and a parsed author list."""
    m = re.search(rf"\(({YEAR})\)\.?", raw)
    if m is None:
        y, italic = re.search(rf"({YEAR})\.?$", raw), re.search(r"\*([^*]+)\*", raw)
        if y is None or italic is None:
            raise ValueError(f"seed {seed}, entry {number}: neither '(year)' nor a final year and *title*: {raw!r}")
        authors_raw, year = raw[:raw.index(", *")], y.group(1)
        venue, details = _venue(raw[len(authors_raw):y.start()].lstrip(" ,")[1:].split("*", 1)[1])
        title = italic.group(1)
        return _row(seed, number, raw, authors_raw, year, title, venue, details, QUIRKS["year at end"])
    authors_raw, year, rest = raw[:m.start()], m.group(1), raw[m.end():]
    if re.search(r"[a-z]{3,} [a-z]{3,}", authors_raw):  # the title stands before the year
        last = list(re.finditer(r"[A-ZÀ-Ý]\.", authors_raw))[-1]
        authors_raw, title = raw[:last.end()], authors_raw[last.end():].strip()
        venue, details = _venue(rest)
        return _row(seed, number, raw, authors_raw, year, title, venue, details, QUIRKS["year after title"])
    note = ""
    again = re.match(rf"^\s*\({re.escape(year)}\)\.", rest)
    if again:
        rest, note = rest[again.end():], QUIRKS["year repeated"]
    extra = re.match(r"^\s*([A-Z][a-z]+, [A-Z]\.) (?=[A-Z])", rest)
    if extra:  # an author written after the year (000 [23])
        authors_raw = f"{authors_raw.rstrip()} + {extra.group(1)}"  # two verbatim spans
        rest, note = rest[extra.end():], QUIRKS["author after year"]
    rest = rest.lstrip(" ,")
    if rest.startswith("*"):
        j = rest.index("*", 1)
        title, after = rest[1:j], rest[j + 1:]
    else:
        j = _title_end(rest, seed)
        title, after = rest[:j], rest[j:]
        if after.startswith((". In ", ". In: ")):
            venue = _venue(after)[0]
            return _row(seed, number, raw, authors_raw, year, title.strip(), venue, after, note)
    venue, details = _venue(after)
    return _row(seed, number, raw, authors_raw, year, title.strip(" *"), venue, details, note)


def _row(seed: str, number: int, raw: str, authors_raw: str, year: str, title: str, venue: str,
         details: str, note: str) -> dict:
    people = split_authors(authors_raw.replace(" + ", " "))
    if page := re.search(r"\s*(\(p\. \d+\))$", title):  # 003 [58]: '... innovation policy (p. 2009).'
        title, details, note = title[:page.start()], f"{page.group(1)} {details}", QUIRKS["page after title"]
    if extra := ENTRY_QUIRKS.get((seed, number)):
        note = f"{note}; {extra}" if note else extra
    return {"seed": seed, "number": number, "authors": format_authors(people), "first_author": people[0][0],
            "n_authors": len(people), "year": year, "title": title, "venue": venue,
            "authors_raw": authors_raw.strip(" ,"), "details": details.strip(" ,."), "raw": raw, "note": note}


def list_entries(text: str, seed: str) -> list[str]:
    """The raw entries of seed 000's numbered list or seed 003's bullet list."""
    if seed == "000":
        return [m.group(2).strip() for m in re.finditer(r"^- \[(\d+)\] (.+)$", text, re.M)]
    body = text[text.index("\nReferences\n"):]
    return [m.group(1).strip() for m in re.finditer(r"^\s*• (.+)$", body, re.M)
            if re.search(YEAR, m.group(1)) and not m.group(1).startswith(("Received", "Accepted", "Published",
                                                                          "Issue Date", "DOI"))]


def parse_list(text: str, seed: str) -> pd.DataFrame:
    """Every entry of a seed's reference list, parsed."""
    rows = [parse_entry(raw, seed, n) for n, raw in enumerate(list_entries(text, seed), 1)]
    if seed in EXPECTED and len(rows) != EXPECTED[seed]:
        raise ValueError(f"seed {seed}: {len(rows)} reference entries parsed, the list has {EXPECTED[seed]}")
    return pd.DataFrame(rows)


def assign_keys(lists: pd.DataFrame) -> pd.Series:
    """surname+year keys, with the first title word added where two entries of a seed would collide."""
    base = pd.Series([key(a, y) for a, y in zip(lists["first_author"], lists["year"], strict=True)],
                     index=lists.index)
    dup = base.groupby(lists["seed"]).transform(lambda s: s.duplicated(keep=False))
    word = lists["title"].map(lambda t: next((w for w in norm_title(t).split()
                                               if w not in {"a", "an", "the", "on", "of"}), ""))
    return base.where(~dup, base + word)


# an organisation cited as author (seed 002: "(Montreal Clusters, 2014)"): its name is one author
CORPORATE = ("Montreal Clusters",)
_NAME = rf"(?:{'|'.join(map(re.escape, CORPORATE))}|{SURNAME})"
# seed 001's main text breaks lines inside a citation ('Nadvi\n\n& Halder', 'Albors-\n\nGarrigós'): white space
# between the parts of a citation may span lines, and a surname may break after a hyphen
_BROKEN = rf"{SURNAME}(?:-\s+[A-ZÀ-ÝÅ][A-Za-zÀ-ÿ'’\-]+)?"
_AUTH = (rf"(?P<names>{_NAME}(?:-\s+[A-ZÀ-ÝÅ][A-Za-zÀ-ÿ'’\-]+)?(?:,\s+{_BROKEN})*(?:,?\s+(?:&|and)\s+{_BROKEN})?)"
         rf"(?P<etal>\s+(?:et|ET)\.?\s+(?:al|AL)\.?)?")  # 'et. al' [sic] is printed once (001, Appendix 11.5)
# years are separated by ',' or ';', once by '. ' [sic] ('Biggiero (1999. 2002b)', 001 Appendix 11.8)
_CITE = re.compile(rf"{_AUTH}(?:’s|'s)?,?\s*\(?\s*(?P<years>{YEAR}(?:\s*[,;]\s*{YEAR}|\.\s{YEAR}(?=\)))*)\b")


def sections(text: str) -> list[tuple[int, str]]:
    """(first line, name) of each numbered section of a seed: '1. Introduction' is 'Introduction',
    '2.1. Cross-cluster linkages' is 'Section 2.1', seed 001's '7.1.2 PROFESSIONAL EVENTS ...' 'Section 7.1.2'
    and its appendix entry '11.5 ANDERSEN & LORENZEN (2007)' 'Section 11.5'."""
    out = []
    for i, line in enumerate(text.splitlines(), start=1):
        # seed 001 prints its subsection headings in capitals without the final point ('3.1 THE CONCEPT ...')
        if m := re.fullmatch(r"(\d+(?:\.\d+)*)\.\s+([A-Z].*)|(\d+(?:\.\d+)+)\s+([A-ZÀ-Ý]{2,}\b.*)", line.strip()):
            number, name = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
            out.append((i, name.capitalize() if number == "1" else f"Section {number}"))
    return out


def where_cited(text: str, starts: list[int]) -> str:
    """'Introduction (line 59); Section 2.1 (line 93)': the section and line of each mention at ``starts``.

    One line number per mention: a line holding two mentions of a work is listed twice (seed 001, 'lines 111,
    115, 115'), so the numbers listed are as many as the row's ``mentions``."""
    heads = sections(text)
    found: dict[str, list[int]] = {}
    for start in starts:
        line = text.count("\n", 0, start) + 1
        name = next((n for first, n in reversed(heads) if first <= line), "before the first section")
        found.setdefault(name, []).append(line)
    return "; ".join(f"{n} (line{'s' if len(ls) > 1 else ''} {', '.join(map(str, ls))})" for n, ls in found.items())


def parse_in_text(text: str, seed: str) -> pd.DataFrame:
    """Author-year citations in running text: 'Porter's (1990)', 'Bathelt et al., 2004', 'A & B (2003a, 2003b)'.

    ``starts``: where in ``text`` each mention begins (for :func:`where_cited`)."""
    rows: dict[tuple, dict] = {}
    for m in _CITE.finditer(text):
        joined = re.sub(r"-\s+", "-", m.group("names"))  # a surname broken after its hyphen is one word
        names = [re.sub(r"[’']s$", "", n) for n in re.split(r",\s+|\s+(?:&|and)\s+", joined) if n]
        names = [n.title() if n.isupper() and re.search(rf"\b{re.escape(n.title())}\b", text) else n
                 for n in names]  # appendix headings write surnames in capitals
        while names and names[0] in _NOT_NAMES:
            names = names[1:]
        if not names or any(n in _NOT_NAMES for n in names):
            continue
        surnames = tuple(names) + (("et al.",) if m.group("etal") else ())
        for year in re.findall(YEAR, m.group("years")):
            k = (tuple(ascii_lower(n) for n in surnames), year)
            rows.setdefault(k, {"seed": seed, "authors": "; ".join(surnames), "first_author": surnames[0],
                                "year": year, "key": key(surnames[0], year), "mentions": 0, "starts": []})
            rows[k]["mentions"] += 1
            rows[k]["starts"].append(m.start())
    out = pd.DataFrame(list(rows.values()))
    dup = out.duplicated("key", keep=False)
    out.loc[dup, "key"] = [f"{k}-{ascii_lower(a.split(';')[1]) if ';' in a else 'solo'}"
                           for k, a in zip(out.loc[dup, "key"], out.loc[dup, "authors"], strict=True)]
    return out


def build(folder: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(reference lists of 000 and 003, works cited per seed in all four seeds)."""
    read = {s: (folder / f).read_text(encoding="utf-8") for s, f in SEEDS.items()}
    lists = pd.concat([parse_list(read["000"], "000"), parse_list(read["003"], "003")], ignore_index=True)
    lists["key"] = assign_keys(lists)
    lists["citation"] = [f"{SEEDS[s]}, reference list, entry {n}" for s, n in zip(lists["seed"], lists["number"],
                                                                                  strict=True)]
    from_lists = lists.assign(mentions=1)[["seed", "authors", "first_author", "year", "key", "mentions"]]
    cited = pd.concat([from_lists, parse_in_text(read["001"], "001"), parse_in_text(read["002"], "002")],
                      ignore_index=True)
    where = {"000": "reference list", "003": "reference list"}
    cited["citation"] = [f"{SEEDS[s]}, {where[s]}" if s in where
                         else f"{SEEDS[s]}, {where_cited(read[s], starts)} (in-text citations)"
                         for s, starts in zip(cited["seed"], cited["starts"], strict=True)]
    cols = ["seed", "key", "authors", "first_author", "year", "mentions", "citation"]
    return lists, cited[cols].sort_values(["seed", "key"], kind="mergesort").reset_index(drop=True)


def _surnames(authors: str) -> list[str]:
    return [ascii_lower(a.split(",")[0]) for a in authors.split("; ")]


def _cites(citation: str, entry: pd.Series) -> bool:
    """Does an in-text citation's author string name this list entry (surnames, et al.)?"""
    cited = _surnames(citation)
    listed = _surnames(entry["authors"])
    if cited[-1] == "etal":
        return len(listed) >= 3 and listed[0] == cited[0]
    return listed == cited


def shared(cited: pd.DataFrame, lists: pd.DataFrame | None = None) -> pd.DataFrame:
    """Works cited by more than one seed.

    List entries (000, 003) are one work each; two are the same work when their authors, year
    and normalised title agree. An in-text citation (001, 002) is attached to the one list work
    whose surnames and year it names; citations that name no listed work are matched with each
    other on their surnames and year.
    """
    works: dict[str, dict] = {}
    if lists is not None:
        for _, e in lists.iterrows():
            ident = "|".join(_surnames(e["authors"])) + f"|{e['year']}|{norm_title(e['title'])}"
            works.setdefault(ident, {"key": e["key"], "authors": e["authors"], "year": e["year"],
                                     "title": e["title"], "seeds": set(), "matched_on": "authors, year, title"})
            works[ident]["seeds"].add(e["seed"])
    listed = list(works.items())
    for _, c in cited[~cited["seed"].isin(["000", "003"])].iterrows():
        hits = [ident for ident, w in listed if w["year"] == c["year"]
                and _cites(c["authors"], {"authors": w["authors"]})]
        if len(hits) == 1:
            works[hits[0]]["seeds"].add(c["seed"])
            works[hits[0]]["matched_on"] = "authors, year, title (lists); surnames, year (in-text)"
            continue
        ident = "|".join(_surnames(c["authors"])) + f"|{c['year']}"
        works.setdefault(ident, {"key": c["key"], "authors": c["authors"], "year": c["year"], "title": "",
                                 "seeds": set(), "matched_on": "surnames, year (in-text)"})
        works[ident]["seeds"].add(c["seed"])
    rows = [{**{k: v for k, v in w.items() if k != "seeds"}, "seeds": ", ".join(sorted(w["seeds"])),
             "n_seeds": len(w["seeds"])} for w in works.values() if len(w["seeds"]) > 1]
    cols = ["key", "authors", "year", "title", "seeds", "n_seeds", "matched_on"]
    return (pd.DataFrame(rows, columns=cols).sort_values(["n_seeds", "key"], ascending=[False, True])
            .reset_index(drop=True))


def write() -> tuple[dict[str, int], int]:
    """Re-parse the seeds' reference lists into data/seeds/ and data/references.bib.

    Returns the references per seed and the number of works cited by more than one seed.
    """
    folder = seeds_dir()
    if not folder.is_dir():
        raise DataError(f"{folder}: seed folder not found (set CLUSTERS_SEEDS)")
    lists, cited = build(folder)
    data = paths.data_dir()
    cols = ["seed", "number", "key", "authors", "first_author", "n_authors", "year", "title", "venue", "details",
            "authors_raw", "raw", "note", "citation"]
    atomic.write_text(data / "seeds" / "seed_references.csv", lists[cols].to_csv(index=False, lineterminator="\n"))
    atomic.write_text(data / "seeds" / "seed_citations.csv", cited.to_csv(index=False, lineterminator="\n"))
    atomic.write_text(data / "references.bib", bibtex.bibtex(lists))
    return lists.groupby("seed").size().to_dict(), len(shared(cited, lists))
