"""Reference lists of the source documents: parsing, shared works and BibTeX.

Seed 000 numbers its references (``- [n] Author (year) ...``); seed 003 lists them as bullets
(``• Author, A. (year). Title. Journal ...``); seed 001 cites works by author and year in the
theory lists of its appendix, and seed 002 in its text. A work is identified by its first
author's surname and its year; a work "shared" by several seeds is one whose key appears in
more than one of them.

``python -m clusterstudy.references`` (``make references``) rebuilds
``data/seeds/seed_references.csv`` and ``data/seeds/seed_citations.csv`` from the seed texts
(``CLUSTERS_SEEDS``, default ``../shared/seeds``) and writes ``data/references.bib``.
"""

from __future__ import annotations

import os
import re
import sys
import unicodedata
from pathlib import Path

import pandas as pd

from . import atomic, paths

SEEDS = {"000": "000_162d3ef9e57ceb7c.txt", "001": "001_239ed78909cbac3f.txt",
         "002": "002_5350d6ba7b26d702.txt", "003": "003_7c2bd0d71db9e26c.txt"}
SURNAME = r"[A-ZÀ-Ý][A-Za-zÀ-ÿ'’\-]+"


def seeds_dir() -> Path:
    env = os.environ.get("CLUSTERS_SEEDS")
    return Path(env) if env else paths.mirror_dir().parent / "seeds"


def key(surname: str, year: str) -> str:
    """Normalised work key: ascii lower-case first-author surname + year."""
    s = unicodedata.normalize("NFKD", surname).encode("ascii", "ignore").decode().lower()
    return f"{re.sub(r'[^a-z]', '', s)}{year}"


def parse_numbered(text: str, seed: str) -> pd.DataFrame:
    """Seed 000's numbered list: one row per ``- [n]`` entry."""
    rows = []
    for m in re.finditer(r"^- \[(\d+)\] (.+)$", text, re.M):
        raw = m.group(2).strip()
        a = re.match(rf"^({SURNAME})", raw)
        y = re.search(r"\((\d{4})\)", raw)
        title = re.search(r"\(\d{4}\)\s*(.+?)[,.]\s", raw)
        rows.append({"seed": seed, "number": int(m.group(1)), "first_author": a.group(1) if a else "",
                     "year": y.group(1) if y else "", "title": title.group(1).strip("* ") if title else "",
                     "raw": raw})
    return pd.DataFrame(rows)


def parse_bullets(text: str, seed: str) -> pd.DataFrame:
    """Seed 003's bullet list: one row per ``• Author (year). Title.`` entry."""
    rows = []
    for n, m in enumerate(re.finditer(rf"^\s*• ({SURNAME}.*?\((\d{{4}})[a-z]?\)\.\s*(.+))$", text, re.M), 1):
        raw = m.group(1).strip()
        rows.append({"seed": seed, "number": n, "first_author": re.match(SURNAME, raw).group(0),
                     "year": m.group(2), "title": re.split(r"\.\s", m.group(3), maxsplit=1)[0].strip(),
                     "raw": raw})
    return pd.DataFrame(rows)


def parse_in_text(text: str, seed: str) -> pd.DataFrame:
    """Author-year citations in running text or theory lists: 'Porter (1990)', 'Bathelt et al., 2004'."""
    pattern = rf"({SURNAME})(?: et al\.?| (?:&|and) {SURNAME})?(?:,\s*| \()((?:19|20)\d\d)[a-z]?"
    rows = {}
    for m in re.finditer(pattern, text):
        k = key(m.group(1), m.group(2))
        rows.setdefault(k, {"seed": seed, "first_author": m.group(1), "year": m.group(2), "key": k,
                            "mentions": 0})
        rows[k]["mentions"] += 1
    return pd.DataFrame(list(rows.values()))


def build(folder: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(reference lists of 000 and 003, citation keys of all four seeds)."""
    read = {s: (folder / f).read_text(encoding="utf-8") for s, f in SEEDS.items()}
    lists = pd.concat([parse_numbered(read["000"], "000"), parse_bullets(read["003"], "003")], ignore_index=True)
    lists["key"] = [key(a, y) for a, y in zip(lists["first_author"], lists["year"], strict=True)]
    lists["citation"] = [f"{SEEDS[s]}, reference list, entry {n}" for s, n in zip(lists["seed"], lists["number"],
                                                                                  strict=True)]
    appendix = read["001"][read["001"].find("11.1 HERV"):]
    cited = pd.concat([
        lists.groupby(["seed", "key"], as_index=False).agg(first_author=("first_author", "first"),
                                                           year=("year", "first"), mentions=("raw", "size")),
        parse_in_text(appendix, "001"), parse_in_text(read["002"], "002"),
    ], ignore_index=True)
    where = {"000": "reference list", "003": "reference list", "001": "Appendix 11 (in-text citations)",
             "002": "Introduction (in-text citations)"}
    cited["citation"] = [f"{SEEDS[s]}, {where[s]}" for s in cited["seed"]]
    return lists, cited[["seed", "key", "first_author", "year", "mentions", "citation"]]


def shared(cited: pd.DataFrame) -> pd.DataFrame:
    """Works (by key) cited in more than one seed, with the seeds that cite them."""
    g = cited.groupby("key").agg(first_author=("first_author", "first"), year=("year", "first"),
                                 seeds=("seed", lambda s: ", ".join(sorted(set(s)))),
                                 n_seeds=("seed", "nunique"))
    return g[g["n_seeds"] > 1].sort_values(["n_seeds", "key"], ascending=[False, True]).reset_index()


def bibtex(lists: pd.DataFrame) -> str:
    """A BibTeX file of the reference lists (@misc entries; the full reference in ``note``)."""
    def esc(s: str) -> str:
        return s.replace("\\", "").replace("{", "").replace("}", "").replace("&", r"\&").replace("%", r"\%")
    out, seen = [], {}
    for r in lists.itertuples(index=False):
        k = r.key
        seen[k] = seen.get(k, 0) + 1
        k = k if seen[k] == 1 else f"{k}-{seen[k]}"
        out.append(f"@misc{{{k}_{r.seed},\n  author = {{{esc(r.first_author)}}},\n  year = {{{r.year}}},\n"
                   f"  title = {{{esc(r.title)}}},\n  note = {{Seed {r.seed}, reference {r.number}: {esc(r.raw)}}}\n}}\n")
    return "\n".join(out)


def main() -> int:
    folder = seeds_dir()
    if not folder.is_dir():
        print(f"✘ {folder}: seed folder not found (set CLUSTERS_SEEDS)", file=sys.stderr)
        return 1
    lists, cited = build(folder)
    data = paths.data_dir()
    atomic.write_text(data / "seeds" / "seed_references.csv", lists.to_csv(index=False, lineterminator="\n"))
    atomic.write_text(data / "seeds" / "seed_citations.csv",
                      cited.sort_values(["seed", "key"]).to_csv(index=False, lineterminator="\n"))
    atomic.write_text(data / "references.bib", bibtex(lists))
    counts = lists.groupby("seed").size().to_dict()
    print(f"✔ references: {counts}; {len(shared(cited))} works cited by more than one seed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
