"""No page of the book shows a Markdown table as text: every table the table writer displays
(``write_table(..., show=True)``, a ``text/markdown`` output) becomes an HTML table.

Checked on ``build/site`` when ``make report`` has built it, and always on a small book built
here with the book's Sphinx configuration from the committed notebooks' Markdown table outputs.
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from clusterstudy.report import book, sitecheck

ROOT = Path(__file__).resolve().parents[1]


def _markdown_tables() -> list[str]:
    """The committed notebooks' text/markdown outputs that hold a table."""
    found = []
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        for cell in json.loads(path.read_text())["cells"]:
            for out in cell.get("outputs", []):
                md = out.get("data", {}).get("text/markdown")
                text = "".join(md) if isinstance(md, list) else md or ""
                if "|---" in text or "|:-" in text:
                    found.append(text)
    return found


def _small_book(tmp: Path) -> Path:
    """Build a two-page book (index and one notebook of Markdown table outputs); return the site."""
    from sphinx.cmd.build import build_main

    src = tmp / "book"
    for d in ("_static", "_extra", "notebooks"):
        (src / d).mkdir(parents=True)
    (src / "conf.py").write_text(book.CONF.format(title="Tables"), encoding="utf-8")
    (src / "_static" / "book.css").write_text(book.CSS, encoding="utf-8")
    (src / "_static" / "selfcheck.js").write_text(book.SELFCHECK_JS, encoding="utf-8")
    (src / "index.md").write_text("# Tables\n\n```{toctree}\n\nnotebooks/tables\n```\n", encoding="utf-8")
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                           "language": "python"}})
    nb.cells = [nbformat.v4.new_markdown_cell("# Table outputs")]
    for i, text in enumerate(_markdown_tables()):
        cell = nbformat.v4.new_code_cell("write_table(df, 'x', caption='c', show=True)", execution_count=i + 1)
        cell.outputs = [nbformat.v4.new_output("display_data", data={"text/markdown": text})]
        nb.cells.append(cell)
    nbformat.write(nb, src / "notebooks" / "tables.ipynb")
    site = tmp / "site"
    log = tmp / "warnings.log"
    status = build_main(["-b", "html", "-q", "-E", "-d", str(tmp / "doctrees"), "-w", str(log), str(src), str(site)])
    assert status == 0 and log.read_text().strip() == ""
    return site


def test_the_detector_knows_a_text_table():
    assert sitecheck.is_text_table("| term | (1) |\n|---|---|\n| hhi | 0.25 |")
    assert sitecheck.is_text_table("| a | b | c | d |")
    assert not sitecheck.is_text_table("p < 0.05 | one bar")


def test_markdown_table_outputs_render_as_html_tables(tmp_path):
    assert _markdown_tables(), "the committed notebooks display no Markdown table any more"
    site = _small_book(tmp_path)
    page = (site / "notebooks" / "tables.html").read_text(encoding="utf-8")
    assert page.count("<table") >= len(_markdown_tables())
    report = sitecheck.check(site)
    assert report.text_tables == []


@pytest.mark.skipif(not (ROOT / "build" / "site" / "index.html").is_file(), reason="no build/site: make report")
def test_the_built_site_shows_no_markdown_table_as_text():
    report = sitecheck.check(ROOT / "build" / "site")
    assert report.text_tables == [], report.text_tables[:5]
