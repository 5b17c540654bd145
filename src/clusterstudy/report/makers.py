"""Which notebook cell makes each output: read from the committed notebooks' code.

Every figure and table is saved by a ``save_figure(fig, NAME, ...)`` or
``write_table(df, NAME, ...)`` call whose second argument is a string literal or an f-string
(``f"eu_fig6_{measure}"``). This module finds those calls in ``notebooks/*.ipynb`` and turns
each name into a pattern (an f-string's fields match any text), so every file of
``results.csv`` is traced to its notebook, cell number and cell id, also for the files only a
parameter variant writes. The book uses it to put an anchor on the cell that makes each output,
the README to list the tables and figures with the cell that makes each.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from clusterstudy.core import paths

CALLS = {"save_figure": "figures", "write_table": "tables"}
_CALL = re.compile(r"\b(save_figure|write_table)\(")


@dataclass(frozen=True)
class Maker:
    """A save call: the notebook, the cell (1-based number among all cells, and id) and its name pattern."""

    notebook: str
    cell: int
    cell_id: str
    kind: str
    pattern: str

    def matches(self, file: str) -> bool:
        kind, _, name = file.partition("/")
        return kind == self.kind and re.fullmatch(self.pattern, name.rsplit(".", 1)[0]) is not None


def _second_argument(source: str, start: int) -> tuple[bool, str] | None:
    """The string literal passed second to the call whose ``(`` is at ``start - 1``: (is f-string, text)."""
    depth, i, quote = 0, start, None
    while i < len(source):
        ch = source[i]
        if quote:
            if ch == "\\":
                i += 1
            elif ch == quote:
                quote = None
        elif ch in "\"'":
            quote = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            if depth == 0:
                return None
            depth -= 1
        elif ch == "," and depth == 0:
            m = re.match(r"\s*(f?)([\"'])(.*?)\2", source[i + 1:], re.S)
            return (m.group(1) == "f", m.group(3)) if m else None
        i += 1
    return None


def _pattern(is_f: bool, text: str) -> str:
    if not is_f:
        return re.escape(text)
    parts = re.split(r"\{[^{}]*\}", text)
    return ".+".join(re.escape(p) for p in parts)


def makers(notebook: Path) -> list[Maker]:
    """Every save call of one notebook, in cell order."""
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    found = []
    root = paths.project_root()
    rel = notebook.relative_to(root).as_posix() if notebook.is_relative_to(root) else notebook.as_posix()
    for number, cell in enumerate(nb["cells"], start=1):
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        for m in _CALL.finditer(source):
            arg = _second_argument(source, m.end())
            if arg is not None:
                found.append(Maker(rel, number, cell.get("id", ""), CALLS[m.group(1)], _pattern(*arg)))
    return found


def maker_of(file: str, notebook: str, candidates: list[Maker]) -> Maker | None:
    """The save call of ``notebook`` that writes ``file``: an exact name before a pattern."""
    hits = [m for m in candidates if m.notebook == notebook and m.matches(file)]
    hits.sort(key=lambda m: (".+" in m.pattern, -len(m.pattern)))
    return hits[0] if hits else None


def table(entries: pd.DataFrame | None = None) -> pd.DataFrame:
    """``results.csv`` with the cell that makes each file (columns ``cell``, ``cell_id``)."""
    from clusterstudy.report import manifest

    entries = manifest.notebook_outputs(entries)
    root = paths.project_root()
    candidates = [m for nb in sorted(set(entries["notebook"])) for m in makers(root / nb)]
    found = [maker_of(f, nb, candidates) for f, nb in zip(entries["file"], entries["notebook"], strict=True)]
    missing = [f for f, m in zip(entries["file"], found, strict=True) if m is None]
    if missing:
        raise ValueError(f"no save_figure/write_table call in its notebook names {missing[0]} "
                         f"({len(missing)} output(s) untraced)")
    traced = [m for m in found if m is not None]
    return entries.assign(cell=[m.cell for m in traced], cell_id=[m.cell_id for m in traced])


def anchor(file: str) -> str:
    """The HTML id of an output's anchor on its notebook page (the file name without extension)."""
    return "out-" + re.sub(r"[^A-Za-z0-9_-]", "-", Path(file).stem)
