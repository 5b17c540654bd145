"""Every passage a notebook's text puts in quotation marks appears verbatim in the seed it cites.

Markdown cells and markdown produced by code are read. Normalised before comparing: white
space, quote and apostrophe style, dashes and letter case; an ellipsis ("..." or "…") may stand
for omitted text, so the parts around it must appear in order. The cited seed is the one the
cell names (author, document or file name); a cell that names none may quote any seed.
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEED_DIR = Path(os.environ.get("CLUSTERS_SEEDS", ROOT.parent / "shared" / "seeds"))
SEED_FILES = {"000": "000_162d3ef9e57ceb7c.txt", "001": "001_239ed78909cbac3f.txt",
              "002": "002_5350d6ba7b26d702.txt", "003": "003_7c2bd0d71db9e26c.txt",
              "004": "004_3c90db32e12d6b87.txt"}
CITES = {  # words by which a cell cites a seed
    "000": ("Meng", "000_", "resource cities of China"),
    "001": ("literature review", "001_", "appendix", "Appendix"),
    "002": ("Bathelt & Zhao", "Bathelt and Zhao", "002_"),
    "003": ("Guenther", "Meissner", "003_"),
    "004": ("CLUSNET", "Lindqvist", "Sölvell", "Solvell", "004_"),
}
QUOTED = re.compile(r"\"([^\"]{3,600}?)\"|“([^”]{3,600}?)”")
ELLIPSIS = re.compile(r"\s*(?:\.\.\.|…|\[\.\.\.\]|\[…\])\s*")
needs_seeds = pytest.mark.skipif(not SEED_DIR.is_dir(), reason=f"no seed texts at {SEED_DIR}")


SIC = re.compile(r"\s*\[sic\]", re.I)  # an editor's mark, not part of the quoted words


def normalise(s: str) -> str:
    s = SIC.sub("", unicodedata.normalize("NFKC", s))
    s = re.sub(r"[‘’‚‛′`´]", "'", s)
    s = re.sub(r"[“”„‟″]", '"', s)
    s = re.sub(r"[‐‑‒–—−]", "-", s)
    s = re.sub(r"-\s+", "-", s)  # words hyphenated across a line break
    return re.sub(r"\s+", " ", s).strip().lower()


def cell_texts(nb: Path) -> list[tuple[str, str]]:
    """(cell id, markdown text) of every markdown cell and every markdown output."""
    cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
    out = []
    for c in cells:
        if c["cell_type"] == "markdown":
            out.append((c.get("id", "?"), "".join(c["source"])))
        for o in c.get("outputs", []):
            md = o.get("data", {}).get("text/markdown")
            if md:
                out.append((c.get("id", "?"), "".join(md)))
    return out


def quotations(text: str) -> list[str]:
    text = re.sub(r"```.*?```|`[^`]*`", " ", text, flags=re.S)  # code is not quotation
    return [a or b for a, b in QUOTED.findall(text)]


def cited_seeds(text: str) -> list[str]:
    named = [s for s, words in CITES.items() if any(w in text for w in words)]
    return named or list(SEED_FILES)


def found(passage: str, seed_text: str) -> bool:
    parts = [normalise(p) for p in ELLIPSIS.split(passage) if normalise(p)]
    pos = 0
    for p in parts:
        pos = seed_text.find(p, pos)
        if pos < 0:
            return False
        pos += len(p)
    return True


def test_normalise_and_ellipsis():
    seed = normalise("the more a region is focused on a few\nclusters, the more innovation output is produced")
    assert found("the more a region is focused ... the more innovation output", seed)
    assert not found("the more innovation output ... the more a region", seed)
    assert found("The More  a region", seed) and not found("the most a region", seed)
    assert quotations('a "quoted phrase" and `"code"` and “curly one”') == ["quoted phrase", "curly one"]


@needs_seeds
@pytest.mark.parametrize("nb", sorted((ROOT / "notebooks").glob("*.ipynb")), ids=lambda p: p.stem)
def test_every_quotation_is_in_the_cited_seed(nb):
    seeds = {s: normalise((SEED_DIR / f).read_text(encoding="utf-8")) for s, f in SEED_FILES.items()}
    missing = []
    for cid, text in cell_texts(nb):
        where = cited_seeds(text)
        for q in quotations(text):
            if not any(found(q, seeds[s]) for s in where):
                missing.append(f"cell {cid}: \"{q}\" not in seed {'/'.join(where)}")
    assert missing == []
