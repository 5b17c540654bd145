"""BibTeX of the seeds' reference lists: each parsed entry typed and fielded from its verbatim spans.

:func:`bib_entry` reads one row of ``data/seeds/seed_references.csv`` (the parse of
:mod:`clusterstudy.data.references`) and :func:`bibtex` writes ``data/references.bib``; every
field is a span of the source entry, and what the entry does not fit goes to ``note``.
"""

from __future__ import annotations

import re

import pandas as pd

_REPORT = re.compile(r"report|research paper\b|working paper|\bWP\b|Research Centre|Brookings|Bureau of Economic"
                     r"|CESPRI|European Commission", re.I)
_ARTICLE = re.compile(r"^(?:(?:19|20)\d\d\.\s*)?(?:\w+\s*(?:\([\w–-]+\))?\s*[:,]|\w+\s*\(|doi:)|^\d+(?:\s*\(\d+\))?$")


def _pages(s: str) -> str:
    """A page range in BibTeX form ('533- 544' -> '533--544'); a single page as printed."""
    m = re.match(r"^([A-Z]?\d+)\s*[-–~]\s*([A-Z]?\d+)$", s.strip())
    return f"{m.group(1)}--{m.group(2)}" if m else s.strip()


def _serial(d: str) -> dict[str, str]:
    """Volume, number, pages, doi, url and issn of a journal's details ('36 (2): 197-215', '7, 433. doi:...')."""
    out: dict[str, str] = {}
    for name, pattern in (("doi", r"\.?\s*doi:\s*(\S+?)\.?$"), ("url", r",?\s*<(https?://[^>]+)>"),
                          ("issn", r"\.\s*ISSN\s+(\S+)$")):
        if m := re.search(pattern, d):
            out[name], d = m.group(1).replace("–", "-"), d[:m.start()] + d[m.end():]
    d = re.sub(r"^(?:19|20)\d\d(?:[.,]\s*|$)", "", d.strip())  # a year repeated before the volume
    if m := re.match(r"^(\w+)\s*(?:\(([\w–-]+)\))?\s*(?:[:,]\s*(.+?))?\.?$", d):
        out |= {"volume": m.group(1), "number": (m.group(2) or "").replace("–", "--"), "pages": _pages(m.group(3) or "")}
    return out


def _place(venue: str, who: str = "publisher") -> dict[str, str]:
    """'City: Publisher' or 'Publisher, Paris' -> publisher (or institution) and address."""
    if ": " in venue:
        return dict(zip(("address", who), venue.split(": ", 1), strict=True))
    m = re.match(r"^(.+), (Paris|Washington)$", venue)
    return {who: m.group(1), "address": m.group(2)} if m else {who: venue}


def bib_entry(r) -> tuple[str, dict[str, str]]:
    """Entry type and fields of one ``seed_references.csv`` row, every field a span of the entry.

    "In Editor (Ed.), Book" is ``incollection``, proceedings ``inproceedings``, a journal with volume, pages
    or doi ``article``, reports ``techreport``, other books ``book``, no venue ``misc``. The year keeps its a/b
    suffix (``2001a``); quirks go to ``note``."""
    venue, details, title = r.venue or "", r.details or "", r.title
    f = {"author": " and ".join(a if ", " in a else f"{{{a}}}" for a in r.authors.split("; ")),
         "year": r.year, "title": title}
    notes = [f"Seed {r.seed}, reference {r.number}"] + ([r.note] if r.note else [])
    notes += ["the source prints the page range with a tilde"] if "~" in details else []
    f["language"] = "Chinese" if re.search(r"\(in chinese\)", details, re.I) else ""
    inside = re.match(r"^In:?\s+(.*)$", details)
    if inside and re.search(r"\((?:eds?|Eds?)\.?\)", details):
        kind, editor = "incollection", re.split(r"\s*\((?:eds?|Eds?)\.?\)", inside.group(1))[0]
        pages, tail = re.search(r"\(pp\. ([^)]+)\)", details), re.search(r"[.,]\s*([^.*]+: [^.*]+)$", details)
        f |= {"editor": re.sub(r",?\s*et\s?al\.?$", " and others", editor), "booktitle": venue,
              "pages": _pages(pages.group(1)) if pages else "", **(_place(tail.group(1)) if tail else {})}
    elif inside and "Proceedings" in venue:
        vol = re.search(r"Vol\. (\w+), No\. (\w+), pp\. ([^)]+)\)\.\s*(.*)$", details)
        if vol is None:
            raise ValueError(f"proceedings entry without 'Vol. ..., No. ..., pp. ...': {details!r}")
        kind, f = "inproceedings", f | {"booktitle": venue, "volume": vol.group(1), "number": vol.group(2),
                                        "pages": _pages(vol.group(3)), "publisher": vol.group(4)}
    elif inside or (_ARTICLE.search(details) and venue and not _REPORT.search(venue)):
        serial = inside.group(1).replace(f"*{venue}*", "").strip(" ,") if inside else details
        kind, f = "article", f | {"journal": venue, **_serial(serial)}
    elif _REPORT.search(venue + " " + title) or details.startswith("Series") or details.isdigit():
        kind, inst = "techreport", re.sub(r"^Report of ", "", venue).removesuffix(" Report")
        if m := re.search(r"^(.*?) Research Paper No\. (.*)$", inst):
            inst, f["type"], f["number"] = m.group(1), "Research Paper", m.group(2)
        elif m := re.search(r"^(\d+)$|No\. (\S+?)\.?$", details):
            f["number"] = m.group(1) or m.group(2)
        f |= _place(inst, "institution")
        if m := re.search(r"(https://ssrn\.com/\S+) or (10\.\S+?)\.?$", details):
            f |= {"url": m.group(1), "doi": m.group(2)}
    elif venue:
        kind, f = "book", f | _place(venue)
    else:
        kind = "misc"
        if rest := re.sub(r"\(in chinese\),?\s*", "", details, flags=re.I):
            notes.append(f"the source adds: {rest}")
    f["note"] = "; ".join(notes)
    return kind, {k: v for k, v in f.items() if v}


def bibtex(lists: pd.DataFrame) -> str:
    """BibTeX of the reference lists, typed and fielded by :func:`bib_entry`; keys as in the CSV plus the seed."""
    def esc(s: str) -> str:
        return (s.replace("\\", "").replace("{", "").replace("}", "").replace("&", r"\&").replace("%", r"\%")
                .replace("#", r"\#").replace("_", r"\_").replace("~", r"\textasciitilde{}"))

    def value(k: str, v: str) -> str:
        if k == "author":
            return " and ".join(a if a.startswith("{") else esc(a) for a in v.split(" and "))
        return v.replace("{", "").replace("}", "") if k in ("url", "doi") else f"{{{esc(v)}}}" if k == "title" else esc(v)
    out = []
    for r in lists.astype(object).fillna({"venue": "", "details": "", "note": ""}).itertuples(index=False):
        kind, fields = bib_entry(r)
        out.append(f"@{kind}{{{r.key}_{r.seed},\n" + ",\n".join(f"  {k} = {{{value(k, v)}}}" for k, v in fields.items())
                   + "\n}\n")
    return "\n".join(out)
