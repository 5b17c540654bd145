"""The HTML report, opened in a real browser (headless Chromium): images load, links resolve."""

import html
import json
import re
import shutil
import subprocess
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

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


def test_index_images_load_and_links_resolve(server, tmp_path):
    check = _open(f"{server}/index.html", tmp_path)
    pngs = len(list((SITE / "figures").glob("*.png")))
    assert check["images"] >= pngs > 0
    assert check["badImages"] == []
    assert check["links"] > check["images"]
    assert check["badLinks"] == []


def test_provenance_page_links_resolve(server, tmp_path):
    check = _open(f"{server}/provenance.html", tmp_path)
    assert check["badLinks"] == [] and check["links"] >= 2
