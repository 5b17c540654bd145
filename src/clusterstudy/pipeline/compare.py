"""``make compare NAME=…``: a variant's estimates beside the default build's.

A variant run (``make run``) writes its tables under ``build/variants/<name>/tables/``. For every
table it wrote that the default build also has, estimate tables (with a ``coef`` column) are
printed row by row, the default's coefficient and p beside the variant's, for the rows that
differ; other tables say how many cells differ. Nothing is written.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from clusterstudy.core import paths
from clusterstudy.core.errors import DataError

# the columns that name an estimate, in the order they are shown; the first present are the key
KEY_COLUMNS = ("model", "measure", "comparison", "estimator", "traded_set", "design", "term")
VALUE_COLUMNS = ("coef", "p", "p_wild", "p_adjusted")


def variant_tables(name: str) -> tuple[dict, list[Path]]:
    """The variant's run record (notebook, parameters) and the CSV tables it wrote."""
    root = paths.project_root() / "build" / "variants"
    folder = root / name
    if not folder.is_dir():
        known = sorted(p.name for p in root.iterdir() if p.is_dir()) if root.is_dir() else []
        raise DataError(f"no variant {name!r} under build/variants/ (known: {', '.join(known) or 'none'}); "
                        "make one with make run NB=<notebook> P=\"name=value\" NAME=<name>")
    runs = sorted((folder / "build" / "meta" / "runs").glob("*.json"))
    record = json.loads(runs[0].read_text()) if runs else {}
    return record, sorted((folder / "tables").glob("*.csv"))


def _read(path: Path) -> pd.DataFrame:
    try:
        return pd.read_csv(path, keep_default_na=False, na_values=[""])
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise DataError(f"{path}: unreadable CSV ({type(exc).__name__})") from None


def _fmt(coef: float, p: float) -> str:
    if pd.isna(coef):
        return "—"
    return f"{coef:+.4f}" + ("" if pd.isna(p) else f" (p {p:.3f})")


def estimate_rows(default: pd.DataFrame, variant: pd.DataFrame) -> list[str]:
    """Lines ``key: default -> variant`` for the estimates (not intercepts) that differ."""
    keys = [c for c in KEY_COLUMNS if c in default.columns and c in variant.columns]
    values = [c for c in VALUE_COLUMNS if c in default.columns and c in variant.columns]
    if not keys:
        return [f"{len(variant)} estimates (no column names them)"]
    both = default[keys + values].merge(variant[keys + values], on=keys, how="outer",
                                        suffixes=("_default", "_variant"), indicator=True)
    if "term" in keys:
        both = both[both["term"] != "Intercept"]
    lines = []
    for _, r in both.iterrows():
        a = _fmt(float(r["coef_default"]), float(r.get("p_default", float("nan"))))
        b = _fmt(float(r["coef_variant"]), float(r.get("p_variant", float("nan"))))
        if a != b:
            lines.append(f"{' | '.join(str(r[k]) for k in keys)}: {a} -> {b}")
    return lines or ["same estimates"]


def report(name: str) -> list[str]:
    """The lines ``make compare`` prints for variant ``name``."""
    record, tables = variant_tables(name)
    root = paths.project_root()
    head = f"variant {name}: {record.get('notebook', '?')} with {json.dumps(record.get('parameters', {}))}"
    lines = [head]
    if not tables:
        return [*lines, "  it wrote no tables"]
    for path in tables:
        default_path = root / "tables" / path.name
        if not default_path.is_file():
            lines.append(f"tables/{path.name}: only in the variant (no default table of that name)")
            continue
        default, variant = _read(default_path), _read(path)
        if "coef" in variant.columns and "coef" in default.columns:
            rows = estimate_rows(default, variant)
        else:
            same = default.shape == variant.shape and default.astype(str).equals(variant.astype(str))
            rows = ["same"] if same else [f"differs ({default.shape[0]} -> {variant.shape[0]} rows)"]
        lines.append(f"tables/{path.name}:")
        lines += [f"  {r}" for r in rows]
    return lines
