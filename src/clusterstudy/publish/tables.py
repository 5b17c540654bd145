"""The one table writer: CSV (fixed float format, caller-fixed row order) plus Markdown.

A tidy regression table (at least the columns ``model, term, coef, se, p``; the contract of
:func:`clusterstudy.estimation.models.tidy`) is also laid out as economists read it: models as columns,
coefficients with significance stars, standard errors in parentheses, then N, R², the fixed
effects and the error type. That layout is the table's ``.md`` and a ``.tex`` beside the
tidy CSV. Term labels come from :data:`TERM_LABELS` (add a label in one line).

Identifiers stay text ("11.10" is never shown as 11.1) and missing values are blank.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
import pandas as pd

from clusterstudy.core import atomic, paths
from clusterstudy.measures import catalogue
from clusterstudy.publish import outputs

FLOAT_FORMAT = "%.6g"
# a Markdown table longer than this is no longer read, only scrolled: its .md shows the first
# MD_PREVIEW_ROWS rows and says where every row is (the CSV)
MD_MAX_ROWS = 1000
MD_PREVIEW_ROWS = 50
REGRESSION_COLUMNS = ("model", "term", "coef", "se", "p")
STARS = ((0.01, "***"), (0.05, "**"), (0.1, "*"))
STAR_NOTE = "\\* p < 0.1, \\*\\* p < 0.05, \\*\\*\\* p < 0.01"

# The one mapping from model terms to readable labels: the measures' labels from the catalogue
# (clusterstudy.measures.catalogue), then the other terms (others add a line here). Its order is
# the rows' order in the regression layout: the regressors of interest first, then the
# controls; unlabelled terms follow in order of appearance, the constant comes last.
TERM_LABELS = {
    **{name: m.label for name, m in catalogue.MEASURES.items()},
    "type: growing": "Resource city: growing",
    "type: mature": "Resource city: mature",
    "type: declining": "Resource city: declining",
    "type: regenerating": "Resource city: regenerating",
    "declining": "Declining resource city",
    "other_resource": "Other resource city",
    "np.log(gdp_pps_per_inhabitant)": "log GDP per inhabitant (PPS)",
    "tertiary_share": "Tertiary-educated share (%)",
    "np.log(gdp_per_capita)": "log GDP per capita",
    "knowledge_employment_share": "Knowledge-employment share",
    "log_employment": "log employment",
    "log_population": "log population",
    "log_avg_wage": "log average wage",
    "Intercept": "Constant",
}


def term_label(term: str) -> str:
    """Readable label of a model term: from :data:`TERM_LABELS`, else a tidied form."""
    if term in TERM_LABELS:
        return TERM_LABELS[term]
    m = re.fullmatch(r"np\.log1?p?\((.+)\)", term)
    text = f"log {m.group(1)}" if m else term
    return text.replace("_", " ")


def is_regression(df: pd.DataFrame) -> bool:
    """A tidy regression table: it has the columns ``model, term, coef, se, p``."""
    return set(REGRESSION_COLUMNS) <= set(df.columns)


def _stars(p: float) -> str:
    if pd.isna(p):
        return ""
    return next((s for cut, s in STARS if p < cut), "")


def _first(values: pd.Series) -> str:
    v = values.dropna()
    return "" if v.empty else str(v.iloc[0])


def regression_layout(df: pd.DataFrame, digits: int = 3) -> pd.DataFrame:
    """Models as columns; a coefficient row (with stars) and an SE row per term, then statistics.

    Terms are ordered as in :data:`TERM_LABELS` (unlabelled ones after, in order of
    appearance) with the constant last; a wild-bootstrap p-value
    (``p_wild``), where computed, is shown in brackets under the standard error.
    """
    models = list(dict.fromkeys(df["model"].astype(str)))
    seen = list(dict.fromkeys(df["term"].astype(str)))
    order = {t: i for i, t in enumerate(TERM_LABELS)}
    terms = sorted((t for t in seen if t != "Intercept"),
                   key=lambda t: (order.get(t, len(order)), seen.index(t)))
    terms += ["Intercept"] if "Intercept" in seen else []
    d = df.assign(model=df["model"].astype(str), term=df["term"].astype(str))
    rows: list[list[str]] = []
    has_wild = "p_wild" in d and d["p_wild"].notna().any()
    for term in terms:
        coef, se, wild = [term_label(term)], [""], [""]
        for m in models:
            r = d[(d["model"] == m) & (d["term"] == term)]
            if r.empty:
                coef.append("")
                se.append("")
                wild.append("")
                continue
            r = r.iloc[0]
            coef.append(f"{r['coef']:.{digits}f}{_stars(r['p'])}")
            se.append(f"({r['se']:.{digits}f})")
            pw = r["p_wild"] if has_wild else np.nan
            wild.append("" if pd.isna(pw) else f"[{pw:.3f}]")
        rows += [coef, se] + ([wild] if has_wild and any(wild[1:]) else [])
    by_model = d.groupby("model", sort=False)
    stats: list[tuple[str, str, Callable[[str], str]]] = [("N", "n", lambda v: f"{int(float(v)):d}"),
             ("Clusters (G of t(G-1))", "clusters", lambda v: f"{int(float(v)):d}"),
             ("R²", "r2", lambda v: f"{float(v):.3f}"),
             ("Estimator", "estimator", str), ("Fixed effects", "fixed_effects", str),
             ("Standard errors", "se_type", str)]
    for label, col, fmt in stats:
        if col in d:
            cells = []
            for m in models:
                v = _first(by_model.get_group(m)[col])
                cells.append(fmt(v) if v not in ("", "nan") else "")
            rows.append([label, *cells])
    return pd.DataFrame(rows, columns=["", *models])


def _regression_markdown(layout: pd.DataFrame, caption: str, wild: bool) -> str:
    align = ("left",) + ("center",) * (layout.shape[1] - 1)
    body = layout.to_markdown(index=False, disable_numparse=True, colalign=align)
    note = f"Standard errors in parentheses; {STAR_NOTE}."
    if wild:
        note += " Wild cluster bootstrap p-values in brackets."
    return f"**{caption.strip()}**\n\n{body}\n\n{note}\n"


_TEX_ESCAPE = {"&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_", "{": r"\{", "}": r"\}",
               "~": r"\textasciitilde{}", "^": r"\textasciicircum{}", "\\": r"\textbackslash{}",
               "²": r"$^2$"}


def _tex(text: str) -> str:
    return "".join(_TEX_ESCAPE.get(ch, ch) for ch in str(text))


def _regression_tex(layout: pd.DataFrame, caption: str, n_terms_rows: int, wild: bool) -> str:
    k = layout.shape[1] - 1
    lines = [r"\begin{table}[htbp]\centering", f"\\caption{{{_tex(caption.strip())}}}",
             f"\\begin{{tabular}}{{l{'c' * k}}}", r"\hline"]
    lines.append(" & ".join(_tex(c) for c in layout.columns) + r" \\")
    lines.append(r"\hline")
    for i, row in enumerate(layout.itertuples(index=False)):
        if i == n_terms_rows:
            lines.append(r"\hline")
        cells = [_tex(c).replace("***", "$^{***}$") if "***" in c else
                 _tex(c).replace("**", "$^{**}$") if "**" in c else
                 _tex(c).replace("*", "$^{*}$") for c in row]
        lines.append(" & ".join(cells) + r" \\")
    note = r"Standard errors in parentheses; $^{*}$ p$<$0.1, $^{**}$ p$<$0.05, $^{***}$ p$<$0.01."
    if wild:
        note += " Wild cluster bootstrap p-values in brackets."
    lines += [r"\hline", r"\end{tabular}",
              f"\\par\\smallskip{{\\footnotesize {note}}}", r"\end{table}"]
    return "\n".join(lines) + "\n"


def _markdown(out: pd.DataFrame, digits: int | None = None) -> str:
    """A Markdown table: floats with six significant digits (``digits`` decimals if given), text
    kept as text, NA blank."""
    cells = pd.DataFrame(index=out.index)
    align = []
    fmt = FLOAT_FORMAT if digits is None else f"%.{digits}f"
    for col in out.columns:
        s = out[col]
        numeric = pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s)
        if pd.api.types.is_float_dtype(s):
            text = s.map(lambda v: "" if pd.isna(v) else fmt % v)
        else:
            text = s.map(lambda v: "" if v is None or (np.ndim(v) == 0 and pd.isna(v)) else str(v))
        cells[col] = text.astype(object)
        align.append("right" if numeric else "left")
    cells.columns = [str(c) for c in out.columns]
    return cells.to_markdown(index=False, disable_numparse=True, colalign=align)


def write_table(
    df: pd.DataFrame,
    name: str,
    *,
    caption: str,
    reproduces: str | None = None,
    sort_by: list[str] | None = None,
    show: bool = False,
    md_columns: list[str] | None = None,
    md_digits: int | None = None,
) -> list[str]:
    """Write ``tables/<name>.csv`` and ``tables/<name>.md``; return the relative names.

    ``show=True`` displays the readable table (the ``.md`` just written: for a regression, the
    economists' layout) below the notebook cell, as :func:`~clusterstudy.publish.figures.save_figure`
    shows its figure; outside a Jupyter kernel it does nothing.

    Rows are sorted by ``sort_by`` (stable sort) when given, else kept in the caller's
    order; the index is dropped, so put keys in columns. Floats are written with six
    significant digits in both files. A tidy regression table gets the economists' layout
    as its ``.md`` and a ``.tex`` as well. For a wide table, ``md_columns`` keeps only the
    columns a reader needs in the ``.md`` and ``md_digits`` rounds its floats (the CSV keeps all);
    a table of more than :data:`MD_MAX_ROWS` rows shows its first :data:`MD_PREVIEW_ROWS` in the
    ``.md``, saying so.
    """
    if df.empty:
        raise ValueError(f"table {name!r} is empty; refusing to write an empty table")
    out = df.reset_index(drop=True)
    if sort_by:
        out = out.sort_values(sort_by, kind="mergesort").reset_index(drop=True)
    csv = out.to_csv(index=False, float_format=FLOAT_FORMAT, lineterminator="\n")
    files = [("csv", csv)]
    if is_regression(out):
        layout = regression_layout(out)
        wild = "p_wild" in out and out["p_wild"].notna().any()
        n_term_rows = len(layout) - sum(c in out for c in ("n", "r2", "estimator", "fixed_effects",
                                                           "se_type"))
        files += [("md", _regression_markdown(layout, caption, wild)),
                  ("tex", _regression_tex(layout, caption, n_term_rows, wild))]
    else:
        missing = [c for c in md_columns or [] if c not in out.columns]
        if missing:
            raise ValueError(f"table {name!r}: no column {missing[0]!r} for the Markdown table")
        md = out[md_columns] if md_columns else out
        preview = ""
        if len(md) > MD_MAX_ROWS:
            preview = (f"The first {MD_PREVIEW_ROWS} of {len(md):,} rows, in the order of the CSV; "
                       f"`tables/{name}.csv` holds every row.\n\n")
            md = md.head(MD_PREVIEW_ROWS)
        files.append(("md", f"**{caption.strip()}**\n\n{preview}{_markdown(md, md_digits)}\n"))
    written = []
    for ext, text in files:
        if ext == "md" and reproduces:
            text += f"\nReproduces: {reproduces}\n"
        filename = f"{name}.{ext}"
        atomic.write_text(paths.output_path("tables", filename), text)
        outputs.record("tables", filename, caption, reproduces)
        written.append(f"tables/{filename}")
        if ext == "md" and show:
            _show_inline(text)
    return written


def _show_inline(markdown: str) -> None:
    """In a Jupyter kernel, display a table's Markdown below the cell."""
    from clusterstudy.publish.figures import _in_kernel

    if _in_kernel():
        from IPython.display import Markdown, display

        display(Markdown(markdown))
