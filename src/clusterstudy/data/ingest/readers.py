"""Readers for the mirror's file formats: Eurostat bulk TSV, R data files, CSV and Excel."""

from __future__ import annotations

import gzip
import os
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from clusterstudy.core.validate import DataError

# rows of every mirror file read in this process (path -> rows of the table read from it),
# for the pinned mirror (clusterstudy.data.ingest.pins)
ROWS_READ: dict[Path, int] = {}


def count(path: Path, df: pd.DataFrame) -> pd.DataFrame:
    """Record the rows read from a mirror file (for the pins, ``data/ingest/pins.py``); return ``df``."""
    return _count(path, df)


def _count(path: Path, df: pd.DataFrame) -> pd.DataFrame:
    ROWS_READ[Path(os.path.abspath(path))] = len(df)  # symlinks kept: paths stay under the mirror
    return df


def require(path: Path) -> Path:
    """Return ``path`` if it is a non-empty file, else raise DataError."""
    if not path.is_file():
        raise DataError(f"{path}: file not found (is the mirror at CLUSTERS_MIRROR?)")
    if path.stat().st_size == 0:
        raise DataError(f"{path}: file is empty")
    return path


def eurostat_tsv(path: Path) -> pd.DataFrame:
    """Read a Eurostat bulk-download TSV into long form.

    The first column holds comma-separated dimensions ending in ``geo\\time``; the others
    are years. Values may carry flags after a space (``"123 b"``) and ``:`` means missing.
    Returns the dimensions plus ``geo``, ``year`` (int), ``value`` (float, NaN if missing)
    and ``flag`` (string, empty if none).
    """
    require(path)
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rt", encoding="utf-8") as fh:
            raw = _count(path, pd.read_csv(fh, sep="\t", dtype=str, keep_default_na=False))
    except (OSError, EOFError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise DataError(f"{path}: unreadable Eurostat TSV ({type(exc).__name__}: {exc})") from None
    first = raw.columns[0]
    if not first.lower().endswith(("\\time", "\\time_period")):
        raise DataError(f"{path}: column '{first}': not a Eurostat bulk TSV header (no geo\\time)")
    dims = first.split(",")
    dims[-1] = "geo"
    years = [c for c in raw.columns[1:]]
    keys = raw[first].str.split(",", expand=True)
    if keys.shape[1] != len(dims):
        raise DataError(f"{path}: column '{first}': rows do not have {len(dims)} dimensions")
    keys.columns = dims
    wide = pd.concat([keys, raw[years]], axis=1)
    wide.columns = dims + [y.strip() for y in years]
    long = wide.melt(id_vars=dims, var_name="year", value_name="cell")
    try:
        long["year"] = long["year"].astype(int)
    except ValueError:
        raise DataError(f"{path}: column 'geo\\time': year headers are not numbers") from None
    cell = long.pop("cell").str.strip()
    parts = cell.str.extract(r"^(?P<num>[^\s]*)\s*(?P<flag>[a-z]*)$")
    num = parts["num"].replace(":", np.nan)
    value = pd.to_numeric(num, errors="coerce")
    bad = value.isna() & num.notna()
    if bad.any():
        raise DataError(f"{path}: non-numeric value {cell[bad].iloc[0]!r} (year {long['year'][bad].iloc[0]})")
    long["value"] = value
    long["flag"] = parts["flag"].fillna("")
    return long


def r_data(path: Path, obj: str | None = None) -> pd.DataFrame:
    """Read a data frame from an ``.rda``/``.rds`` file (pyreadr; R lists through rdata)."""
    require(path)
    import pyreadr

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = pyreadr.read_r(str(path))
    except Exception as exc:  # pyreadr raises its own LibrdataError
        raise DataError(f"{path}: unreadable R data file ({exc})") from None
    if result:
        return _count(path, result[obj] if obj else next(iter(result.values())))
    import rdata  # R lists (pyreadr skips them)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        converted = rdata.conversion.convert(rdata.parser.parse_file(str(path)))
    if obj is None or obj not in converted:
        raise DataError(f"{path}: no object {obj!r} in R list")
    df = converted[obj]
    df.columns = [str(c) for c in df.columns]
    return _count(path, df)


def csv(path: Path, **kwargs) -> pd.DataFrame:
    """Read a mirror CSV as strings, with "" and R's "NA" as missing (typing happens in the schema)."""
    require(path)
    try:
        return _count(path, pd.read_csv(path, dtype=str, keep_default_na=False, na_values=["", "NA"], **kwargs))
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        raise DataError(f"{path}: unreadable CSV ({exc})") from None


def excel(path: Path, sheet: str, **kwargs) -> pd.DataFrame:
    """Read one sheet of a mirror Excel workbook as strings (typing happens in the schema)."""
    require(path)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl: "Unknown extension is not supported"
            df = pd.read_excel(path, sheet_name=sheet, dtype=str, **kwargs)
    except (ValueError, KeyError, OSError) as exc:
        raise DataError(f"{path}: unreadable Excel sheet {sheet!r} ({exc})") from None
    return _count(path, df)


def r_list(path: Path) -> dict:
    """Read an R list (``.rds``/``.rda``) as nested dicts and arrays (rdata)."""
    require(path)
    import rdata

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            obj = rdata.conversion.convert(rdata.parser.parse_file(str(path)))
    except Exception as exc:  # rdata raises several parser errors
        raise DataError(f"{path}: unreadable R list ({exc})") from None
    ROWS_READ[Path(os.path.abspath(path))] = len(obj)  # an R list's rows: its top-level objects
    return obj
