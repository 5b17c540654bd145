"""``make report``: the book of the compendium in ``build/site/`` (Sphinx, myst-nb, sphinx-book-theme).

The book is built offline from what ``make all`` made; no notebook is executed again:

- ``index.html``: the question and the claims ledger at a glance (:mod:`~clusterstudy.report.ledger_page`,
  from ``tables/claims.csv``): one row per quoted claim, each test's verdict, primary test,
  estimate with labelled p-values and an evidence link to the output's anchor; the forest plot;
- ``notebooks/<run>.html``: one page per executed notebook of ``build/notebooks/``, code
  collapsed, an anchor on every output, parameter variants nested under their notebook
  (:mod:`~clusterstudy.report.book_pages`);
- ``gallery.html``: one card per output, ordered by claim (preview, caption, the source element
  it reproduces, its formats as links, the cell that made it);
- ``provenance.html``: every data file with producer, licence and sha256;
- a table of contents (sidebar) and full-text search (``search.html``).

The Sphinx sources are generated into ``build/book/``; the theme's template files copied as
static files are removed from the site. Every page carries a small script
(``_static/selfcheck.js``) that marks ``<body data-check>`` with the images that failed to
load and the console errors, which the browser test reads. Links and anchors have one checker,
:mod:`~clusterstudy.report.sitecheck` (``make report`` and the tests run it). ``make report``
fails when the Sphinx build logs any warning (:func:`warnings`).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from clusterstudy.core import paths
from clusterstudy.data import coverage
from clusterstudy.report import book_pages, ledger_page, makers, manifest

TITLE = "Industrial clusters, specialisation and innovation"
QUESTION = (
    "Do regions focused on a few strong clusters innovate more, as the CLUSNET report "
    "(Lindqvist & Sölvell 2011) claims? Do resource cities lack innovation because their industry "
    "is a \u201cregional production complex\u201d rather than a cluster, as Meng & Forman (2016) argue? "
    "This compendium rebuilds the tables and data-bearing figures of its source documents and "
    "tests their claims on public statistics (Eurostat, U.S. Cluster Mapping Project, USPTO, "
    "OECD REGPAT, Chinese city data)."
)

SELFCHECK_JS = r"""
window.__selfcheck = {errors: []};
(function () {
  const orig = console.error.bind(console);
  console.error = (...args) => { window.__selfcheck.errors.push(args.map(String).join(' ')); orig(...args); };
  window.addEventListener('error', (e) => {
    const t = e.target;
    const what = t && t !== window ? (t.src || t.href || t.tagName) : e.message;
    window.__selfcheck.errors.push('error: ' + what);
  }, true);
  window.addEventListener('unhandledrejection', (e) => window.__selfcheck.errors.push('rejection: ' + e.reason));
})();
window.addEventListener('load', async () => {
  const imgs = [...document.images];
  const badImgs = imgs.filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.getAttribute('src'));
  // local links are counted only: report.sitecheck checks every link and anchor
  const links = new Set([...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href'))
      .filter(h => !/^(https?:|mailto:|javascript:)/.test(h))).size;
  const ledger = document.querySelectorAll('table.claims-ledger tbody tr').length;
  document.body.dataset.check = JSON.stringify({images: imgs.length, links: links, badImages: badImgs,
      ledgerRows: ledger, errors: window.__selfcheck.errors});
});
"""

CSS = """
.claims-ledger { font-size: .85rem; } .claims-ledger td { vertical-align: top; }
.claims-ledger .quote { width: 38%; font-style: italic; }
.claims-ledger .source { font-style: normal; font-size: .8rem; color: #444; }
.claims-ledger .seedfile { color: #888; } .claim-test { margin-bottom: .6rem; }
.claim-test .key-number, .claim-test .evidence { font-size: .8rem; margin-left: .3rem; }
div.cell_output pre, div.output pre { white-space: pre-wrap; overflow-wrap: anywhere; }
div.cell_output table { display: block; overflow-x: auto; font-size: .75rem; }
.verdict { font-weight: 600; padding: 0 .3rem; border-radius: 3px; white-space: nowrap; }
.verdict.holds { background: #d8f0d8; } .verdict.fails { background: #f6d5d5; }
.verdict.mixed { background: #f7ecc9; } .verdict.untestable { background: #e4e4e4; }
.verdict.association { background: #dce8f5; }
.gallery { display: grid; grid-template-columns: repeat(auto-fill, minmax(320px, 1fr)); gap: 1rem; }
.card { border: 1px solid #ddd; border-radius: 6px; padding: .7rem; overflow-x: auto; }
.card img { max-width: 100%; } .card h3 { font-size: 1rem; margin-top: 0; }
.card table { font-size: .7rem; } .card .meta { font-size: .8rem; color: #555; }
"""

CONF = """
project = {title!r}
author = "The compendium's authors"
copyright = "the compendium's authors (MIT); data under their sources' licences"
extensions = ["myst_nb"]
html_theme = "sphinx_book_theme"
html_title = {title!r}
html_static_path = ["_static"]
html_css_files = ["book.css"]
html_js_files = ["selfcheck.js"]
html_extra_path = ["_extra"]
html_theme_options = {{"show_toc_level": 2, "use_download_button": False, "home_page_in_toc": True,
                      "show_navbar_depth": 1}}
html_last_updated_fmt = None
html_context = {{"default_mode": "light"}}
html_copy_source = False
html_use_index = False
html_show_sourcelink = False
nb_execution_mode = "off"
nb_ipywidgets_js = {{}}
nb_merge_streams = True
# text/markdown outputs (write_table(show=True)) parsed as MyST, whose table syntax makes them HTML tables;
# myst-nb's default, CommonMark, has no tables and shows them as one paragraph of `| ... |` text
nb_render_markdown_format = "myst"
myst_heading_anchors = 0
exclude_patterns = ["_extra", "_doctrees"]
"""


def _raw(block: str) -> str:
    """A raw-HTML block for a MyST page (blank lines around it, none inside)."""
    lines = [line for line in block.splitlines() if line.strip()]
    return "\n" + "\n".join(lines) + "\n\n"


def _link(entries: pd.DataFrame, runs: set[str]) -> Callable[[str, str], str]:
    """href of an output's anchor on the page of the run that made it ('' if not in the book)."""
    made_by = dict(zip(entries["file"], entries["executed_notebook"], strict=True))

    def link(notebook: str, output: str) -> str:
        run = Path(made_by.get(output, notebook)).stem
        if run not in runs:
            return ""
        return f"{book_pages.page_of(run)}#{makers.anchor(output)}" if output in made_by else book_pages.page_of(run)
    return link


def _index(ledger: pd.DataFrame, estimates: pd.DataFrame | None, defaults: list[str],
           link: Callable[[str, str], str], n_outputs: int, forest: bool) -> str:
    toc = "\n".join(f"notebooks/{r}" for r in defaults)
    plot = _raw("<figure id='claims-forest'><img src='figures/claims_forest.png' alt='Forest plot of every "
                "claim&#39;s primary and secondary estimates'><figcaption>Every claim's primary and secondary "
                "estimates (<code>figures/claims_forest.png</code>, from <code>tables/claims_estimates.csv</code>)"
                "</figcaption></figure>") if forest else ""
    has_paper = (paths.project_root() / "paper" / "paper.pdf").is_file()
    paper = _raw("<p>The compendium's <strong><a href='paper/paper.pdf'>article</a></strong> reports these tests "
                 "in full; every number in it is read from the tables below (<code>make paper</code>).</p>") \
        if has_paper else ""
    return (f"# {TITLE}\n\n{QUESTION}\n\n{paper}## The claims ledger\n\n"
            f"Each claim of the source documents that the compendium tests, quoted verbatim once with its "
            f"source, then each test of it: the verdict computed from the analyses' tables, the primary test "
            f"in words and its estimate with labelled p-values ({ledger_page.summary(ledger)}). "
            f"The ledger is `tables/claims.csv`, written by the `claims_ledger` notebook; "
            f"\"evidence\" opens the figure or table on its notebook page.\n"
            + _raw(ledger_page.ledger_html(ledger, link, estimates)) + plot
            + f"The [results gallery](gallery.md) shows all {n_outputs} outputs, ordered by claim; the "
              f"[data provenance](provenance.md) page lists every data file.\n\n"
            + "```{toctree}\n:caption: Results\n:maxdepth: 1\n\ngallery\nprovenance\n```\n\n"
            + f"```{{toctree}}\n:caption: Notebooks (variants inside)\n:maxdepth: 1\n\n{toc}\n```\n")


def _gallery(entries: pd.DataFrame, ledger: pd.DataFrame, extra: Path) -> str:
    cards = book_pages.gallery(entries, ledger, extra)
    return (f"# Results gallery\n\nOne card per output ({len(cards)} outputs, {len(entries)} files), "
            "ordered by the claim each is evidence for (then the others, by notebook), each rebuilt by "
            "`make all`; the formats of each output are links, and its notebook link opens the cell "
            "that makes it.\n" + _raw("<div class='gallery'>" + "".join(cards) + "</div>"))


def _provenance() -> str:
    sources = coverage.sources_table()
    return ("# Data provenance\n\nEvery data file of the compendium (`data/datapackage.json`) with its "
            "producer, licence and sha256; `data/README.md` gives the harmonisation rules and credits.\n"
            + _raw(sources.to_html(index=False, border=0, classes="table", na_rep="")))


def sources(book: Path) -> list[str]:
    """Write the Sphinx sources of the book into ``book``; return the notebook runs included."""
    root = paths.project_root()
    shutil.rmtree(book, ignore_errors=True)
    (book / "notebooks").mkdir(parents=True)
    (book / "_static").mkdir()
    for d in ("figures", "tables"):
        shutil.copytree(root / d, book / "_extra" / d)
    if (root / "paper" / "paper.pdf").is_file():  # the article, linked from the front page
        (book / "_extra" / "paper").mkdir()
        shutil.copy2(root / "paper" / "paper.pdf", book / "_extra" / "paper" / "paper.pdf")
    (book / "_static" / "selfcheck.js").write_text(SELFCHECK_JS, encoding="utf-8")
    (book / "_static" / "book.css").write_text(CSS, encoding="utf-8")
    (book / "conf.py").write_text(CONF.format(title=TITLE), encoding="utf-8")
    entries = manifest.notebook_outputs()
    runs_meta = {Path(p.name).stem: json.loads(p.read_text())
                 for p in sorted((root / "build" / "meta" / "runs").glob("*.json"))}
    # the ledger first, then each notebook's default run; variants are nested under their notebook
    executed = sorted((root / "build" / "notebooks").glob("*.ipynb"),
                      key=lambda p: (p.stem != "claims_ledger", p.stem.split("--")[0], "--" in p.stem, p.stem))
    if not executed:
        raise RuntimeError("no executed notebooks in build/notebooks: run `make all` first")
    runs = [p.stem for p in executed]
    defaults = [r for r in runs if "--" not in r]
    for src in executed:
        meta = runs_meta.get(src.stem, {})
        variants = [(r, book_pages.run_label(runs_meta.get(r, {}).get("parameters", {})) or r)
                    for r in runs if "--" not in src.stem and r.startswith(src.stem + "--")]
        book_pages.copy_notebook(src, book / "notebooks" / src.name, meta.get("parameters", {}),
                                 meta.get("outputs", []), variants)
    ledger = pd.read_csv(root / "tables" / "claims.csv", dtype=str, keep_default_na=False)
    est_path = root / "tables" / "claims_estimates.csv"
    estimates = pd.read_csv(est_path, dtype=str, keep_default_na=False) if est_path.is_file() else None
    n_outputs = entries["file"].str.replace(r"\.[a-z]+$", "", regex=True).nunique()
    (book / "index.md").write_text(_index(ledger, estimates, defaults, _link(entries, set(runs)), n_outputs,
                                          (root / "figures" / "claims_forest.png").is_file()), encoding="utf-8")
    (book / "gallery.md").write_text(_gallery(entries, ledger, book / "_extra"), encoding="utf-8")
    (book / "provenance.md").write_text(_provenance(), encoding="utf-8")
    return runs


def build(site: Path | None = None, book: Path | None = None, log: Path | None = None) -> Path:
    """Write the sources (``build/book``) and build the book with Sphinx; return the index path."""
    from sphinx.cmd.build import build_main

    root = paths.project_root()
    site = site or root / "build" / "site"
    book = book or root / "build" / "book"
    log = log or warnings_log()
    log.parent.mkdir(parents=True, exist_ok=True)
    sources(book)
    shutil.rmtree(site, ignore_errors=True)
    status = build_main(["-b", "html", "-q", "-E", "-j", "auto", "-d", str(book / "_doctrees"),
                         "-w", str(log), str(book), str(site)])
    if status:
        raise RuntimeError(f"sphinx-build failed (exit {status}); see {log}")
    for template in site.glob("_static/*.html"):  # the theme's Jinja macros, copied as static files
        template.unlink()
    return site / "index.html"


def warnings_log() -> Path:
    """Where the Sphinx build writes its warnings (empty when the book is warning-clean)."""
    return paths.project_root() / "build" / "book-warnings.log"


def pages(site: Path) -> list[str]:
    """The book's pages (HTML files outside ``_static``)."""
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html")
                  if not p.relative_to(site).as_posix().startswith("_static/"))


def warnings(log: Path | None = None) -> list[str]:
    """The warnings the last Sphinx build logged (``make report`` fails when there is any)."""
    log = log or warnings_log()
    return log.read_text(encoding="utf-8").strip().splitlines() if log.is_file() else []
