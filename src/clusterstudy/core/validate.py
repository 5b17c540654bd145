"""One small schema checker used by every loader.

A :class:`Schema` states the columns and their kinds, the unique key, value ranges, allowed
values and regular-expression patterns. :func:`read_csv` reads a CSV file and checks it;
every problem raises :class:`DataError` with a one-line message naming file, column and
problem.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from clusterstudy.core.errors import DataError

__all__ = ["DataError", "Schema", "check", "read_csv"]

KINDS = ("str", "int", "float", "bool")


@dataclass(frozen=True)
class Schema:
    """Expected shape of a tidy table."""

    columns: dict[str, str]
    key: tuple[str, ...] = ()
    ranges: dict[str, tuple[float | None, float | None]] = field(default_factory=dict)
    allowed: dict[str, frozenset] = field(default_factory=dict)
    patterns: dict[str, str] = field(default_factory=dict)
    nullable: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        for col, kind in self.columns.items():
            if kind not in KINDS:
                raise ValueError(f"schema column {col!r}: unknown kind {kind!r}")


def _fail(source: str, column: str | None, problem: str) -> DataError:
    where = f"{source}: column '{column}'" if column else source
    return DataError(f"{where}: {problem}")


def check(df: pd.DataFrame, schema: Schema, source: str) -> pd.DataFrame:
    """Check ``df`` against ``schema`` and return it with typed columns (in schema order)."""
    if df.empty:
        raise _fail(source, None, "no rows")
    missing = [c for c in schema.columns if c not in df.columns]
    if missing:
        extra = [c for c in df.columns if c not in schema.columns]
        hint = f" (found unexpected {extra})" if extra else ""
        raise _fail(source, missing[0], f"missing column{hint}")
    out = df[list(schema.columns)].copy()
    for col, kind in schema.columns.items():
        values = out[col]
        nulls = values.isna()
        if nulls.any() and col not in schema.nullable:
            raise _fail(source, col, f"missing value in row {int(nulls.idxmax()) + 1}")
        if kind in ("int", "float"):
            num = pd.to_numeric(values, errors="coerce")
            bad = num.isna() & ~nulls
            if bad.any():
                i = bad.idxmax()
                raise _fail(source, col, f"non-numeric value {values[i]!r} in row {int(i) + 1}")
            if kind == "int":
                frac = num.notna() & (num != num.round())
                if frac.any():
                    raise _fail(source, col, f"non-integer value {num[frac.idxmax()]!r}")
                out[col] = num.astype("Int64")
            else:
                out[col] = num.astype("float64")
        elif kind == "bool":
            mapped = values.map({True: True, False: False, "True": True, "False": False})
            if mapped.isna().any():
                raise _fail(source, col, "values must be True or False")
            out[col] = mapped.astype(bool)
        else:
            out[col] = values.astype("string")
    for col, (lo, hi) in schema.ranges.items():
        v = out[col]
        if lo is not None and (v < lo).any():
            raise _fail(source, col, f"value {v[v < lo].iloc[0]} below minimum {lo}")
        if hi is not None and (v > hi).any():
            raise _fail(source, col, f"value {v[v > hi].iloc[0]} above maximum {hi}")
    for col, allowed in schema.allowed.items():
        bad = ~out[col].isin(allowed) & out[col].notna()
        if bad.any():
            raise _fail(source, col, f"unknown value {out[col][bad].iloc[0]!r}")
    for col, pattern in schema.patterns.items():
        rx = re.compile(pattern)
        bad = out[col].dropna().map(lambda s, rx=rx: rx.fullmatch(s) is None)
        if bad.any():
            raise _fail(source, col, f"value {out[col].dropna()[bad].iloc[0]!r} does not match {pattern}")
    if schema.key:
        dup = out.duplicated(list(schema.key))
        if dup.any():
            row = out.loc[dup.idxmax(), list(schema.key)].tolist()
            raise _fail(source, ",".join(schema.key), f"duplicated key {row}")
    return out


def read_csv(path: Path, schema: Schema, **kwargs) -> pd.DataFrame:
    """Read a CSV file and check it against ``schema``; raise DataError on any problem."""
    path = Path(path)
    source = str(path)
    if not path.is_file():
        raise DataError(f"{source}: file not found")
    if path.stat().st_size == 0:
        raise DataError(f"{source}: file is empty")
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""], **kwargs)
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DataError(f"{source}: unreadable CSV ({first})") from None
    return check(df, schema, source)
