"""``make report``: a static HTML site of the results in ``build/site/``.

- ``index.html``: one gallery card per manifest entry (results.csv): the figure or a preview
  of the table, its caption, the seed element it reproduces, the notebook and parameters,
  and a link to the executed notebook;
- ``notebooks/<run>.html``: every executed notebook of ``build/notebooks/`` (nbconvert);
- ``provenance.html``: every data file with producer, licence and sha256.

Each page checks itself in the browser: a script marks ``<body data-check>`` with the
number of images that failed to load and internal links that did not resolve, which the
browser test reads.
"""

from __future__ import annotations

import html
import shutil
import sys
from pathlib import Path

import jinja2
import nbformat
import pandas as pd
from nbconvert import HTMLExporter

from . import coverage, manifest, paths

CHECK_SCRIPT = """
<script>
window.addEventListener('load', async () => {
  const imgs = [...document.images];
  const badImgs = imgs.filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.getAttribute('src'));
  const links = [...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href'))
      .filter(h => !/^(https?:|mailto:|#)/.test(h));
  const badLinks = [];
  for (const h of links) {
    try { const r = await fetch(h, {method: 'HEAD'}); if (!r.ok) badLinks.push(h); }
    catch (e) { badLinks.push(h); }
  }
  document.body.dataset.check = JSON.stringify({images: imgs.length, links: links.length,
                                                badImages: badImgs, badLinks: badLinks});
});
</script>
"""

PAGE = jinja2.Template("""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ title }}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2rem; color: #222; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(360px, 1fr)); gap: 1rem; }
.card { border: 1px solid #ddd; border-radius: 6px; padding: .8rem; }
.card img { max-width: 100%; }
.card table { font-size: .7rem; border-collapse: collapse; } .card td, .card th { padding: 1px 4px; }
.meta { font-size: .8rem; color: #555; } pre { font-size: .7rem; overflow-x: auto; }
</style></head>
<body><h1>{{ title }}</h1>
<p><a href="index.html">Results</a> · <a href="provenance.html">Data provenance</a></p>
{{ body }}
""" + CHECK_SCRIPT + "</body></html>\n")


def _table_preview(path: Path, rows: int = 8) -> str:
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    note = f"<p class='meta'>{len(df)} rows; first {min(rows, len(df))} shown</p>"
    return df.head(rows).to_html(index=False, border=0) + note


def _card(entry: pd.Series, site: Path) -> str:
    f = entry["file"]
    run_page = f"notebooks/{Path(entry['executed_notebook']).stem}.html"
    if f.endswith((".png", ".svg")):
        body = f"<img src='{html.escape(f)}' alt='{html.escape(entry['caption'])}'>"
    elif f.endswith(".csv"):
        body = _table_preview(site / f)
    else:
        body = f"<pre>{html.escape((site / f).read_text()[:1500])}</pre>"
    params = "" if entry["parameters"] == "{}" else f" with {html.escape(entry['parameters'])}"
    source = f"<br>Reproduces: {html.escape(entry['reproduces'])}" if entry["reproduces"] else ""
    return (f"<div class='card'><h3><a href='{html.escape(f)}'>{html.escape(f)}</a></h3>{body}"
            f"<p>{html.escape(entry['caption'])}</p><p class='meta'>Made by "
            f"<a href='{run_page}'>{html.escape(entry['notebook'])}</a>{params}{source}</p></div>")


def build(site: Path | None = None) -> Path:
    """Write the site; return the index path."""
    root = paths.project_root()
    site = site or root / "build" / "site"
    shutil.rmtree(site, ignore_errors=True)
    (site / "notebooks").mkdir(parents=True)
    for d in ("figures", "tables"):
        shutil.copytree(root / d, site / d)
    entries = manifest.load()
    exporter = HTMLExporter(template_name="lab")
    for run in sorted(set(entries["executed_notebook"])):
        nb = nbformat.read(root / run, as_version=4)
        body, _ = exporter.from_notebook_node(nb)
        (site / "notebooks" / f"{Path(run).stem}.html").write_text(body, encoding="utf-8")
    cards = "\n".join(_card(e, site) for _, e in entries.iterrows())
    (site / "index.html").write_text(PAGE.render(
        title="Industrial clusters, specialisation and innovation: results",
        body=f"<p>{len(entries)} outputs, each rebuilt by <code>make all</code>.</p>"
             f"<div class='grid'>{cards}</div>"), encoding="utf-8")
    sources = coverage.sources_table()
    (site / "provenance.html").write_text(PAGE.render(
        title="Data provenance",
        body="<p>Every data file of the compendium (data/datapackage.json); see data/README.md "
             "for harmonisation rules and credits.</p>" + sources.to_html(index=False, border=0)),
        encoding="utf-8")
    return site / "index.html"


if __name__ == "__main__":
    index = build()
    print(f"✔ report: {index}")
    sys.exit(0)
