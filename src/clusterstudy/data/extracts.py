"""The one loader for the tidy extracts in ``data/extracts/`` (built by ``make extracts``).

Every load checks the file's schema (columns, types, ranges, unique key, allowed values)
and, for European extracts, that every region code is a NUTS 2013 level-2 code (or one of
London's NUTS 2010 regions, ``registry.EXTRA_NUTS2``).
``python -m clusterstudy.data.extracts check`` loads them all (``make all`` runs it first).
"""

from __future__ import annotations

import sys
from functools import cache

import pandas as pd

from clusterstudy.core import paths
from clusterstudy.core.validate import DataError, read_csv
from clusterstudy.data.ingest.registry import EXTRA_NUTS2, EXTRACTS


@cache
def _nuts2_codes() -> frozenset[str]:
    e = EXTRACTS["nuts2_2013"]
    return frozenset(read_csv(paths.data_dir() / e.path, e.schema)["nuts2"]) | EXTRA_NUTS2


def load(name: str) -> pd.DataFrame:
    """Load and validate ``data/extracts/<name>.csv``."""
    if name not in EXTRACTS:
        raise ValueError(f"unknown extract {name!r}; known: {', '.join(EXTRACTS)}")
    e = EXTRACTS[name]
    path = paths.data_dir() / e.path
    df = read_csv(path, e.schema)
    if e.eu_regions:
        unknown = ~df["nuts2"].isin(_nuts2_codes())
        if unknown.any():
            raise DataError(f"{path}: column 'nuts2': unknown region code {df['nuts2'][unknown].iloc[0]!r} "
                            "(not a NUTS 2013 level-2 code nor London's NUTS 2010 UKI1/UKI2)")
    return df


def check_all() -> dict[str, int]:
    """Load every extract; return row counts (raises DataError on the first problem)."""
    _nuts2_codes.cache_clear()
    return {name: len(load(name)) for name in EXTRACTS}


def main(argv: list[str]) -> int:
    if argv != ["check"]:
        print("usage: python -m clusterstudy.data.extracts check", file=sys.stderr)
        return 2
    try:
        counts = check_all()
    except DataError as exc:
        print(f"✘ {exc}", file=sys.stderr)
        return 1
    print(f"✔ extracts valid: {len(counts)} files, {sum(counts.values())} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
