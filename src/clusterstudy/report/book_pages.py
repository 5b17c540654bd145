"""The book's notebook pages and gallery, generated from the executed notebooks and ``results.csv``.

Notebook pages are copies of ``build/notebooks/*.ipynb`` (never the committed notebooks) made
for readers: every code cell tagged ``hide-input`` (myst-nb collapses it; its outputs stay), an
anchor (``<span id="out-…">``, :func:`clusterstudy.report.makers.anchor`) before the cell that
saves each output, so that evidence links land on the figure or table, a variant's parameters
in its title, and a notebook's variants listed (and nested in the sidebar) under it.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

import nbformat
import pandas as pd

from clusterstudy.report import makers

HIDE = "hide-input"


def run_label(parameters: dict | str) -> str:
    """Readable parameters: 'measure = hhi, period = 2010' ('' for the default run)."""
    params = json.loads(parameters) if isinstance(parameters, str) else parameters
    return ", ".join(f"{k} = {v}" for k, v in params.items())


def page_of(executed: str) -> str:
    """The book page of an executed notebook (relative to the site root)."""
    return f"notebooks/{Path(executed).stem}.html"


def copy_notebook(src: Path, dest: Path, parameters: dict, outputs: list[str],
                  variants: list[tuple[str, str]]) -> None:
    """Copy an executed notebook as a reader's page (hidden code, output anchors, variants)."""
    nb = nbformat.read(src, as_version=4)
    label = run_label(parameters)
    if label:
        for cell in nb.cells:
            if cell.cell_type == "markdown" and cell.source.startswith("# "):
                first, _, rest = cell.source.partition("\n")
                cell.source = f"{first} ({label})\n{rest}"
                break
    found = makers.makers(src)
    by_cell: dict[str, list[str]] = {}
    for f in outputs:
        stems = [m for m in found if m.matches(f)]
        if stems:
            by_cell.setdefault(stems[0].cell_id, []).append(makers.anchor(f))
    cells: list = []
    for cell in nb.cells:
        if cell.cell_type == "code":
            tags = cell.metadata.setdefault("tags", [])
            if HIDE not in tags:
                tags.append(HIDE)
            ids = list(dict.fromkeys(by_cell.get(cell.get("id", ""), [])))
            if ids:
                spans = "".join(f"<span id=\"{i}\"></span>" for i in ids)
                cells.append(nbformat.v4.new_markdown_cell(spans, id=f"anchor-{cell.get('id', len(cells))}"))
        cells.append(cell)
    if variants:
        items = "\n".join(f"- [{html.escape(t)}]({stem}.ipynb)" for stem, t in variants)
        toc = "\n".join(stem for stem, _ in variants)
        cells.append(nbformat.v4.new_markdown_cell(
            f"## Parameter variants of this notebook\n\n{items}\n\n```{{toctree}}\n:hidden:\n\n{toc}\n```\n",
            id="book-variants"))
    nb.cells = cells
    nbformat.write(nb, dest)


def claim_order(entries: pd.DataFrame, ledger: pd.DataFrame) -> pd.DataFrame:
    """Outputs ordered by claim: each claim's output and evidence tables in ledger order, then the rest
    by notebook and file; column ``claim`` names the first claim citing the output ('' if none)."""
    stems = entries["file"].str.replace(r"\.[a-z]+$", "", regex=True)
    rank: dict[str, tuple[int, str]] = {}
    for i, r in enumerate(ledger.itertuples()):
        cited = [r.output, *str(getattr(r, "evidence_tables", "")).split()]
        for f in cited:
            stem = Path(f).with_suffix("").as_posix() if f else ""
            if stem and stem not in rank:
                rank[stem] = (i, r.claim_id)
    out = entries.assign(stem=stems, claim=[rank.get(s, (0, ""))[1] for s in stems],
                         order=[rank.get(s, (len(ledger), ""))[0] for s in stems])
    return out.sort_values(["order", "notebook", "stem", "file"], kind="mergesort")


def _card(stem: str, group: pd.DataFrame, site_extra: Path) -> str:
    e = group.iloc[0]
    files = list(group["file"])
    fmts = " · ".join(f"<a href='{html.escape(f)}'>{Path(f).suffix[1:].upper()}</a>" for f in files)
    png = next((f for f in files if f.endswith(".png")), None)
    csv = next((f for f in files if f.endswith(".csv")), None)
    if png:
        body = f"<img src='{html.escape(png)}' alt='{html.escape(e['caption'])}' loading='lazy'>"
    elif csv:
        df = pd.read_csv(site_extra / csv, dtype=str, keep_default_na=False)
        body = (df.head(6).to_html(index=False, border=0, classes="table")
                + f"<p class='meta'>{len(df)} rows; first {min(6, len(df))} shown</p>")
    else:
        body = ""
    label = run_label(e["parameters"])
    params = f" (variant: {html.escape(label)})" if label else ""
    source = f"<br>Reproduces: {html.escape(e['reproduces'])}" if e["reproduces"] else ""
    claim = (f"<br>Evidence for claim <a href='index.html#claim-{html.escape(e['claim'])}'>"
             f"{html.escape(e['claim'])}</a>" if e["claim"] else "")
    run = f"{page_of(e['executed_notebook'])}#{makers.anchor(files[0])}"
    return (f"<div class='card' id='card-{html.escape(Path(stem).name)}'><h3>{html.escape(Path(stem).name)}</h3>"
            f"{body}<p>{html.escape(e['caption'])}</p>"
            f"<p class='meta'>Formats: {fmts}<br>Made by <a href='{run}'>{html.escape(Path(e['notebook']).stem)}"
            f"</a>{params}{source}{claim}</p></div>")


def gallery(entries: pd.DataFrame, ledger: pd.DataFrame, extra: Path) -> list[str]:
    """The gallery's cards, ordered by claim (outputs no claim cites follow, by notebook)."""
    ordered = claim_order(entries, ledger)
    return [_card(stem, g, extra) for stem, g in ordered.groupby("stem", sort=False)]
