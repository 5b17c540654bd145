"""The book builds offline (no network connection is even attempted), without warnings, with every
local link and anchor resolving and every page reachable from the table of contents."""

import socket
from pathlib import Path

import pytest

from clusterstudy.report import book, sitecheck

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(not any((ROOT / "build" / "notebooks").glob("*.ipynb")),
                                reason="no executed notebooks: run `make all`")


def test_book_builds_offline_and_warning_clean(tmp_path, monkeypatch):
    attempts = []
    real_connect = socket.socket.connect

    def guarded(self, address):
        host = address[0] if isinstance(address, tuple) else str(address)
        if host not in ("127.0.0.1", "::1", "localhost") and getattr(self, "family", None) != socket.AF_UNIX:
            attempts.append(address)
            raise OSError(f"network access during the book build: {address}")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)
    monkeypatch.setattr(socket, "create_connection", lambda address, *a, **k: guarded(None, address))
    log = tmp_path / "warnings.log"
    index = book.build(tmp_path / "site", tmp_path / "book", log)
    assert attempts == []
    assert book.warnings(log) == []
    site = index.parent
    runs = sorted(p.stem for p in (ROOT / "build" / "notebooks").glob("*.ipynb"))
    pages = book.pages(site)
    assert {"index.html", "gallery.html", "provenance.html", "search.html"} <= set(pages)
    assert {f"notebooks/{r}.html" for r in runs} <= set(pages)
    assert (site / "searchindex.js").is_file()
    text = (site / "index.html").read_text()
    assert "claims-ledger" in text and "https://" not in "".join(
        line for line in text.splitlines() if "<script" in line or "<link" in line)
    check = sitecheck.check(site)  # the one link checker
    assert check.broken == [] and check.unreachable == [], (check.broken[:5], check.unreachable)
    assert not list(site.glob("_static/*.html")) and "genindex.html" not in pages  # no template or empty page
