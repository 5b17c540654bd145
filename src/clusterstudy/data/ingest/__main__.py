"""``make extracts``: rebuild data/extracts/ from the mirror, all or nothing.

Extracts whose bytes do not change are left alone (content and modification time), as is
``data/datapackage.json``, so a ``make extracts`` that changes nothing triggers no rebuild.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import pandas as pd

from clusterstudy.core import atomic, paths
from clusterstudy.core.validate import DataError, check
from clusterstudy.data import provenance

from .registry import EXTRACTS

# extracts keep ten significant digits (tables shown to readers keep six: publish.tables)
EXTRACT_FLOAT_FORMAT = "%.10g"

LOG = "eu_nuts_harmonisation"
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


def main() -> int:
    mirror = paths.mirror_dir()
    target = paths.data_dir() / "extracts"
    print(f"▶ building extracts from {mirror}")
    try:
        if not mirror.is_dir():
            raise DataError(f"{mirror}: mirror folder not found (set MIRROR=... or CLUSTERS_MIRROR)")
        with tempfile.TemporaryDirectory(dir=paths.data_dir()) as tmp:
            counts = build_all(mirror, Path(tmp))
            target.mkdir(exist_ok=True)
            # unchanged extracts keep their bytes and mtime, so nothing downstream is rebuilt
            changed = [f.name for f in sorted(Path(tmp).glob("*.csv"))
                       if atomic.replace_if_changed(f, target / f.name)]
        provenance.write()
        print(f"  {len(changed)} extract(s) changed{': ' + ', '.join(changed) if changed else ''}")
    except DataError as exc:
        print(f"✘ {exc}", file=sys.stderr)
        return 1
    for name, n in counts.items():
        print(f"✔ {name}: {n} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
