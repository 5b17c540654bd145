"""The book (make report), opened in a real browser (headless Chromium).

Every page: images load, no console errors; every local link and anchor resolves (checked by the
one link checker, :mod:`clusterstudy.report.sitecheck`, on the same site). The front page shows
the claims ledger (one row per quoted claim) with evidence links landing on the output's anchor;
every notebook that saves a figure shows it on its page, with its code collapsed; every page is
reachable from the contents.
"""

import html
import json
import re
import shutil
import subprocess
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pandas as pd
import pytest

from clusterstudy.report import book, ledger_page, makers, sitecheck

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "build" / "site"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--virtual-time-budget=20000", "--dump-dom"]

pytestmark = [
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium not installed (apt-get install chromium); "
                                                ".ci/run installs it, so CI always runs this test"),
    pytest.mark.skipif(not (SITE / "index.html").is_file(), reason="no build/site: run `make report`"),
]


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(SITE)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def _open(url: str, tmp_path: Path) -> dict:
    out = subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", url],
                         capture_output=True, text=True, timeout=180)
    m = re.search(r'data-check="([^"]*)"', out.stdout)
    assert m, f"the page's self-check did not run; stderr: {out.stderr[-500:]}"
    return json.loads(html.unescape(m.group(1)))


PAGES = sorted(p.relative_to(SITE).as_posix() for p in SITE.rglob("*.html")
               if not p.relative_to(SITE).as_posix().startswith("_static/"))


def _clean(check: dict, page: str) -> None:
    assert check["badImages"] == [], f"{page}: images that did not load"
    assert check["errors"] == [], f"{page}: console errors"


def test_book_built_without_warnings():
    assert (ROOT / "build" / "book-warnings.log").is_file() and book.warnings() == []


def test_front_page_shows_the_claims_ledger(server, tmp_path):
    check = _open(f"{server}/index.html", tmp_path)
    _clean(check, "index.html")
    ledger = pd.read_csv(ROOT / "tables" / "claims.csv", dtype=str, keep_default_na=False)
    results = pd.read_csv(ROOT / "results.csv", dtype=str, keep_default_na=False)
    assert check["ledgerRows"] == len(ledger_page.claims(ledger)) > 0
    html_text = (SITE / "index.html").read_text()
    for quote in set(ledger["claim"]):  # each quote shown once
        assert html_text.count(f"\u201c{html.escape(quote, quote=False)}\u201d") == 1
    for verdict in set(ledger["verdict"]):
        assert f">{html.escape(verdict)}</span>" in html_text
    made_by = dict(zip(results["file"], results["executed_notebook"], strict=True))
    for output in set(ledger["output"]):  # each test links to its output's anchor on the page of the run making it
        page = f"notebooks/{Path(made_by[output]).stem}.html"
        assert f"href='{page}#{makers.anchor(output)}'" in html_text and (SITE / page).is_file()


def test_every_local_link_and_anchor_resolves_and_every_page_is_reachable():
    """The one link checker (what `make report` runs) on the site the browser opens."""
    report = sitecheck.check(SITE)
    assert report.broken == [] and report.unreachable == []
    assert report.pages == len(PAGES) and report.anchors > 0
    assert not any("{{" in (SITE / p).read_text() for p in PAGES)  # no unrendered template page


def test_gallery_images_load_and_links_resolve(server, tmp_path):
    check = _open(f"{server}/gallery.html", tmp_path)
    _clean(check, "gallery.html")
    pngs = len(list((SITE / "figures").glob("*.png")))
    assert check["images"] >= pngs > 0
    assert check["links"] > check["images"]


def test_every_notebook_run_has_a_page_and_shows_its_figures():
    runs = sorted(p.stem for p in (ROOT / "build" / "notebooks").glob("*.ipynb"))
    assert runs and all((SITE / "notebooks" / f"{r}.html").is_file() for r in runs)
    for r in runs:
        saves = "save_figure(fig" in (ROOT / "build" / "notebooks" / f"{r}.ipynb").read_text()
        page = (SITE / "notebooks" / f"{r}.html").read_text()
        if saves:
            assert "<img" in page, f"{r}: no figure shown"
        assert "tag_hide-input" in page, f"{r}: code not collapsed"


@pytest.mark.parametrize("page", [p for p in PAGES if p not in ("index.html", "gallery.html")])
def test_page_is_clean_in_the_browser(server, tmp_path, page):
    _clean(_open(f"{server}/{page}", tmp_path), page)


def test_search_finds_a_notebook(server, tmp_path):
    out = subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}",
                          f"{server}/search.html?q=specification"], capture_output=True, text=True, timeout=180)
    assert "eu_specification_curve.html" in out.stdout
