"""The one table writer: CSV (fixed float format, caller-fixed row order) plus Markdown."""

from __future__ import annotations

import pandas as pd

from . import atomic, outputs, paths

FLOAT_FORMAT = "%.6g"


def write_table(
    df: pd.DataFrame,
    name: str,
    *,
    caption: str,
    reproduces: str | None = None,
    sort_by: list[str] | None = None,
) -> list[str]:
    """Write ``tables/<name>.csv`` and ``tables/<name>.md``; return the relative names.

    Rows are sorted by ``sort_by`` (stable sort) when given, else kept in the caller's
    order; the index is dropped, so put keys in columns. Floats are written with six
    significant digits in both files.
    """
    if df.empty:
        raise ValueError(f"table {name!r} is empty; refusing to write an empty table")
    out = df.reset_index(drop=True)
    if sort_by:
        out = out.sort_values(sort_by, kind="mergesort").reset_index(drop=True)
    csv = out.to_csv(index=False, float_format=FLOAT_FORMAT, lineterminator="\n")
    md_table = out.to_markdown(index=False, floatfmt=".6g", missingval="")
    md = f"**{caption.strip()}**\n\n{md_table}\n"
    if reproduces:
        md += f"\nReproduces: {reproduces}\n"
    written = []
    for ext, text in (("csv", csv), ("md", md)):
        filename = f"{name}.{ext}"
        atomic.write_text(paths.output_path("tables", filename), text)
        outputs.record("tables", filename, caption, reproduces)
        written.append(f"tables/{filename}")
    return written
