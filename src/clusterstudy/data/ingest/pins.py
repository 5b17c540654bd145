"""The pinned mirror: sha256, size and rows of every mirror file the ingest reads.

``data/mirror_pins.json`` (committed) records, per mirror file (path relative to the mirror),
its ``sha256``, ``bytes`` and the ``rows`` of the table read from it. ``make extracts``

- refuses, before building anything, a pinned file whose sha256 changed, naming it, unless
  the user accepts the new version (``make extracts ACCEPT_MIRROR=1``);
- always reports a file that now gives fewer rows than pinned (accepted or not);
- pins files read for the first time, and rewrites the pins only when they change.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from clusterstudy.core import atomic, paths
from clusterstudy.core.validate import DataError
from clusterstudy.data.provenance import sha256

ACCEPT_HINT = "make extracts ACCEPT_MIRROR=1"


def pins_path() -> Path:
    return paths.data_dir() / "mirror_pins.json"


def load() -> dict[str, dict]:
    """The pins (empty before the first ``make extracts``)."""
    f = pins_path()
    if not f.is_file():
        return {}
    try:
        return json.loads(f.read_text(encoding="utf-8"))["files"]
    except (ValueError, KeyError) as exc:
        raise DataError(f"{f}: corrupt pins ({exc}); restore it with `git checkout -- data/{f.name}`") from None


def check_unchanged(mirror: Path, pins: dict[str, dict], accept: bool = False) -> list[str]:
    """Raise DataError naming the first pinned mirror file whose sha256 changed (unless ``accept``);
    return notes on the accepted changes."""
    notes = []
    for rel, pin in sorted(pins.items()):
        f = mirror / rel
        if not f.is_file():
            raise DataError(f"{f}: pinned mirror file not found (is the mirror at CLUSTERS_MIRROR?)")
        got = sha256(f)
        if got == pin["sha256"]:
            continue
        what = (f"{rel} changed since it was pinned (sha256 {got[:12]}, pinned {pin['sha256'][:12]}; "
                f"{f.stat().st_size} bytes, pinned {pin['bytes']})")
        if not accept:
            raise DataError(f"mirror file {what}: refused; if the new version is intended, "
                            f"accept it with `{ACCEPT_HINT}`")
        notes.append(f"accepted new version of mirror file {what}")
    return notes


def update(mirror: Path, pins: dict[str, dict], rows_read: dict[Path, int]) -> tuple[dict[str, dict], list[str]]:
    """Pins of the files read this run, and notes: new pins and every drop in rows."""
    base = Path(os.path.abspath(mirror))
    new, notes = {}, []
    for path, rows in sorted(rows_read.items()):
        rel = path.relative_to(base).as_posix() if path.is_relative_to(base) else str(path)
        new[rel] = {"sha256": sha256(path), "bytes": path.stat().st_size, "rows": rows}
        old = pins.get(rel)
        if old is None:
            notes.append(f"pinned mirror file {rel}: {rows} rows")
        elif rows < old["rows"]:
            notes.append(f"⚠ mirror file {rel}: {old['rows']} → {rows} rows ({old['rows'] - rows} fewer than pinned)")
        elif rows != old["rows"]:
            notes.append(f"mirror file {rel}: {old['rows']} → {rows} rows")
    return new, notes


def write(pins: dict[str, dict]) -> bool:
    """Write the pins if they changed; return whether they did."""
    text = json.dumps({"files": pins}, indent=1, sort_keys=True) + "\n"
    f = pins_path()
    if f.is_file() and f.read_text(encoding="utf-8") == text:
        return False
    atomic.write_text(f, text)
    return True
