"""The one loader for the tidy extracts in ``data/extracts/`` (built by ``make extracts``).

Every load checks the file's schema (columns, types, ranges, unique key, allowed values)
and, for European extracts, that every region code is a NUTS 2013 level-2 code (or one of
London's NUTS 2010 regions, ``catalogue.EXTRA_NUTS2``). Paths and schemas come from
:mod:`clusterstudy.data.catalogue`, so loading an extract imports no ingest builder.
``python -m clusterstudy check-extracts`` loads them all (``make all`` runs it first).
"""

from __future__ import annotations

from functools import cache

import pandas as pd

from clusterstudy.core import paths
from clusterstudy.core.validate import DataError, read_csv
from clusterstudy.data.catalogue import CATALOGUE, EXTRA_NUTS2, HARMONISATION_LOG, HARMONISATION_SCHEMA


@cache
def _nuts2_codes() -> frozenset[str]:
    e = CATALOGUE["nuts2_2013"]
    return frozenset(read_csv(paths.data_dir() / e.path, e.schema)["nuts2"]) | EXTRA_NUTS2


def load(name: str) -> pd.DataFrame:
    """Load and validate ``data/extracts/<name>.csv``."""
    if name not in CATALOGUE:
        raise ValueError(f"unknown extract {name!r}; known: {', '.join(CATALOGUE)}")
    e = CATALOGUE[name]
    path = paths.data_dir() / e.path
    df = read_csv(path, e.schema)
    if e.eu_regions:
        unknown = ~df["nuts2"].isin(_nuts2_codes())
        if unknown.any():
            raise DataError(f"{path}: column 'nuts2': unknown region code {df['nuts2'][unknown].iloc[0]!r} "
                            "(not a NUTS 2013 level-2 code nor London's NUTS 2010 UKI1/UKI2)")
    return df


def harmonisation_log() -> pd.DataFrame:
    """Load and validate the NUTS harmonisation log (``data/extracts/eu_nuts_harmonisation.csv``);
    a code that was dropped has an empty ``to_code``."""
    log = read_csv(paths.data_dir() / "extracts" / f"{HARMONISATION_LOG}.csv", HARMONISATION_SCHEMA)
    return log.fillna({"to_code": ""})


def check_all() -> dict[str, int]:
    """Load every extract and the harmonisation log; return row counts (raises DataError on the first problem)."""
    _nuts2_codes.cache_clear()
    return {**{name: len(load(name)) for name in CATALOGUE}, HARMONISATION_LOG: len(harmonisation_log())}
