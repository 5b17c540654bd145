"""``make download``: fetch the Eurostat tables from the producer, for users with internet.

The tables are requested from Eurostat's dissemination API in its TSV format and parsed with
the same reader as the mirror's bulk files (:func:`clusterstudy.data.ingest.readers.eurostat_tsv`),
then written under ``build/download/eurostat/`` with the mirror's file names, so that
``make extracts MIRROR=build/download`` can rebuild from them (the U.S. and Chinese files
have no producer API and still come from the mirror). Offline, it stops with one line.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path

import requests

from clusterstudy.core import atomic, paths
from clusterstudy.core.validate import DataError
from clusterstudy.data.ingest import readers

API = "https://ec.europa.eu/eurostat/api/dissemination/sdmx/2.1/data/{code}?format=TSV&compressed=true"
TABLES = {  # dataset code -> file name in the mirror layout
    "sbs_r_nuts06_r2": "sbs_r_nuts06_r2.tsv.gz",
    "nama_10r_2gdp": "nama_10r_2gdp.tsv",
    "lfst_r_lfp2acedu": "lfst_r_lfp2acedu.tsv",
}
TIMEOUT = 60


def fetch(code: str, dest: Path, session: requests.Session | None = None) -> int:
    """Download one dataset to ``dest``; check it parses; return its number of cells."""
    http = session or requests.Session()
    url = API.format(code=code)
    try:
        resp = http.get(url, timeout=TIMEOUT)
        resp.raise_for_status()
    except requests.RequestException as exc:
        reason = type(exc).__name__
        raise DataError(f"cannot download {code} from Eurostat ({reason}; offline?): {url}") from None
    body = resp.content
    if body[:2] == b"\x1f\x8b" and not dest.name.endswith(".gz"):
        body = gzip.decompress(body)
    elif body[:2] != b"\x1f\x8b" and dest.name.endswith(".gz"):
        body = gzip.compress(body, mtime=0)
    atomic.write_with(dest, lambda fh: fh.write(body))
    try:
        return len(readers.eurostat_tsv(dest))
    except DataError:
        dest.unlink()
        raise


def fetch_all(out: Path | None = None) -> Iterator[tuple[str, int, Path]]:
    """Fetch every table of :data:`TABLES` into ``out``; yield (code, cells, path) as each arrives."""
    out = out or paths.project_root() / "build" / "download" / "eurostat"
    for code, name in TABLES.items():
        yield code, fetch(code, out / name), out / name
