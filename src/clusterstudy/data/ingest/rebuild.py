"""``make extracts``: rebuild data/extracts/ from the mirror, all or nothing.

Extracts whose bytes do not change are left alone (content and modification time), as is
``data/datapackage.json``, so a ``make extracts`` that changes nothing triggers no rebuild.
The mirror is pinned (:mod:`clusterstudy.data.ingest.pins`): a mirror file whose sha256
changed is refused, naming it, unless ``--accept-mirror`` (``make extracts ACCEPT_MIRROR=1``)
is given; fewer rows than before, in a mirror file or an extract, are always reported.

Usage: ``python -m clusterstudy extracts [--accept-mirror]``
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd

from clusterstudy.core import atomic, paths
from clusterstudy.core.validate import DataError, check
from clusterstudy.data import provenance
from clusterstudy.data.catalogue import HARMONISATION_LOG

from . import pins, readers
from .registry import EXTRACTS

# extracts keep ten significant digits (tables shown to readers keep six: publish.tables)
EXTRACT_FLOAT_FORMAT = "%.10g"

LOG = HARMONISATION_LOG
LOG_SCHEMA_COLS = ["extract", "from_code", "to_code", "action", "reason"]


def _csv(df: pd.DataFrame) -> str:
    return df.to_csv(index=False, float_format=EXTRACT_FLOAT_FORMAT, lineterminator="\n")


def build_all(mirror: Path, out_dir: Path) -> dict[str, int]:
    """Build, validate and write every extract into ``out_dir``; return row counts."""
    logs, counts = [], {}
    for name, e in EXTRACTS.items():
        print(f"  {name} <- {', '.join(e.mirror_files)}", flush=True)
        result = e.build(mirror)
        df, log = result if isinstance(result, tuple) else (result, None)
        text = _csv(df)
        # validate what will be written, exactly as the loaders will read it
        from io import StringIO
        check(pd.read_csv(StringIO(text), dtype=str, keep_default_na=False, na_values=[""]),
              e.schema, f"extract {name} (from {', '.join(e.mirror_files)})")
        (out_dir / f"{name}.csv").write_text(text, encoding="utf-8")
        counts[name] = len(df)
        if log is not None:
            logs.append(log)
    log = pd.concat(logs, ignore_index=True)[LOG_SCHEMA_COLS].sort_values(["extract", "from_code"])
    (out_dir / f"{LOG}.csv").write_text(_csv(log), encoding="utf-8")
    return counts


def _rows(path: Path) -> int | None:
    """Data rows of a CSV extract (None when absent)."""
    if not path.is_file():
        return None
    with open(path, encoding="utf-8") as fh:
        return max(sum(1 for _ in fh) - 1, 0)


def rebuild(accept_mirror: bool = False) -> dict[str, int]:
    """Rebuild every extract from the mirror, all or nothing; return row counts (DataError on a problem)."""
    mirror = paths.mirror_dir()
    target = paths.data_dir() / "extracts"
    print(f"▶ building extracts from {mirror}")
    if not mirror.is_dir():
        raise DataError(f"{mirror}: mirror folder not found (set MIRROR=... or CLUSTERS_MIRROR)")
    pinned = pins.load()
    notes = pins.check_unchanged(mirror, pinned, accept=accept_mirror)
    readers.ROWS_READ.clear()
    with tempfile.TemporaryDirectory(dir=paths.data_dir()) as tmp:
        counts = build_all(mirror, Path(tmp))
        new_pins, row_notes = pins.update(mirror, pinned, readers.ROWS_READ)
        notes += row_notes
        target.mkdir(exist_ok=True)
        before = {f.name: _rows(target / f.name) for f in Path(tmp).glob("*.csv")}
        # unchanged extracts keep their bytes and mtime, so nothing downstream is rebuilt
        changed = [f.name for f in sorted(Path(tmp).glob("*.csv"))
                   if atomic.replace_if_changed(f, target / f.name)]
    for name in changed:
        old, new = before[name], _rows(target / name)
        if old is not None and new is not None and new < old:
            notes.append(f"⚠ extract {name}: {old} → {new} rows ({old - new} fewer than before)")
    provenance.write()
    if pins.write(new_pins):
        notes.append(f"wrote {pins.pins_path().relative_to(paths.project_root())}")
    print(f"  {len(changed)} extract(s) changed{': ' + ', '.join(changed) if changed else ''}")
    for note in notes:
        print(f"  {note}")
    return counts
