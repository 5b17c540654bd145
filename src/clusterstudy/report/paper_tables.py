"""The paper's tables, typeset in Typst from the committed CSVs in the field's layout.

Models as columns, coefficients with stars, standard errors in parentheses, wild cluster
bootstrap p-values in brackets, then N, clusters and the error type
(:func:`clusterstudy.publish.tables.regression_layout`); the claims ledger as one row per test.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pandas as pd

from clusterstudy.analyses import china_cities, eu_models
from clusterstudy.core.prose import pval
from clusterstudy.publish.tables import regression_layout

STAR_NOTE = "* p < 0.1, ** p < 0.05, *** p < 0.01 (clustered p-value; HC3 where one observation per cluster)."
DESIGN_ORDER = ("cross_section", "lagged", "pre_period", "panel_fe")
CN_MODELS = tuple(china_cities.model_name(m) for m in (china_cities.POOLED_MODEL, china_cities.GDP_MODEL,
                                                       china_cities.TYPES_MODEL, china_cities.DECLINING_MODEL))


def _s(text: object) -> str:
    """A Typst string literal (no markup is interpreted inside it)."""
    return json.dumps("" if pd.isna(text) else str(text), ensure_ascii=False)


def typst_table(frame: pd.DataFrame, caption: str, note: str, label: str, header_rows: int = 1) -> str:
    """A figure holding a Typst table of every cell of ``frame`` (its columns as the header row)."""
    ncol = frame.shape[1]
    head = ", ".join(f"strong({_s(c)})" for c in frame.columns)
    body = ",\n    ".join(", ".join(_s(v) for v in row) for row in frame.itertuples(index=False))
    align = "(left, " + ", ".join(["center"] * (ncol - 1)) + ")" if ncol > 1 else "left"
    return (f"#figure(\n  kind: table,\n  caption: [#{_s(caption)}],\n  [#table(\n    columns: {ncol},\n"
            f"    align: {align}, stroke: none, inset: (x: 4pt, y: 2.5pt),\n    table.hline(),\n"
            f"    table.header({head}),\n    table.hline(stroke: 0.5pt),\n    {body},\n    table.hline(),\n  )\n"
            f"  #set text(size: 8pt)\n  #align(left)[#{_s(note)}]]\n) <{label}>\n")


def _note(wild: bool, extra: str = "") -> str:
    text = "Standard errors in parentheses. " + STAR_NOTE
    if wild:
        text += " Wild cluster bootstrap p-values in brackets."
    return (text + " " + extra).strip()


def eu_designs_layout(designs: pd.DataFrame) -> pd.DataFrame:
    """Within-country designs of the three headline measures, designs as columns."""
    d = designs[(designs["comparison"] == "within") & designs["measure"].isin(eu_models.HEADLINE_MEASURES)
                & designs["design"].isin(DESIGN_ORDER)]
    d = d.assign(model=d["design"].str.replace("_", " "), term=d["measure"],
                 order=d["design"].map({k: i for i, k in enumerate(DESIGN_ORDER)}))
    d = d.sort_values("order").assign(se_type="clustered by country")
    return regression_layout(d[["model", "term", "coef", "se", "p", "p_wild", "n", "clusters", "se_type"]])


def us_layout(reg: pd.DataFrame, measure: str = "strong_cluster_share") -> pd.DataFrame:
    """The three U.S. specifications of one measure, models as columns."""
    rows = reg[reg["model"].str.startswith(f"{measure}: ")]
    return regression_layout(rows.assign(model=rows["model"].str.removeprefix(f"{measure}: ")))


def cn_layout(reg: pd.DataFrame) -> pd.DataFrame:
    """Pooled indicator (the primary, then with GDP per head), the four types and declining against other
    resource cities (coded sample)."""
    rows = reg[reg["model"].isin(CN_MODELS)]
    rows = rows.assign(model=rows["model"].str.split(";").str[0].str.replace(" (primary)", "")
                       .str.replace(" (possible mediator)", ""))
    rows = rows[~rows["term"].isin(["resource_counties_only"])]
    return regression_layout(rows)


def claims_layout(claims: pd.DataFrame) -> pd.DataFrame:
    """One row per tested claim: source, claim (short), verdict, estimate and its three p-values."""
    def p(v: float, name: str) -> str:
        return "" if pd.isna(v) else pval(v, name)

    return pd.DataFrame({
        "claim": claims["claim_id"], "source": claims["source"], "verdict": claims["verdict"],
        "estimate": [("" if pd.isna(e) else f"{e:+.3f}") for e in claims["estimate"]],
        "clustered": [p(v, "p") for v in claims["p_clustered"]],
        "wild": [p(v, "p") for v in claims["p_wild"]],
        "adjusted": [p(v, "p") for v in claims["p_adjusted"]],
        "family": [("" if v == 0 else str(int(v))) for v in claims["family_size"]],
    })


TABLES: dict[str, tuple[tuple[str, ...], Callable[..., pd.DataFrame], str, str, bool]] = {
    "tab-claims": (("claims",), claims_layout,
                   "The claims ledger: each tested claim's verdict from its primary test "
                   "(tables/claims.csv, notebook claims_ledger).",
                   "Estimate: the primary test's coefficient (log points per SD, or a share). p-values: clustered "
                   "with t(G-1), wild cluster bootstrap, and family-wise adjusted over the family whose size is "
                   "given (Romano-Wolf, or Holm where marked in the ledger).", False),
    "tab-eu": (("eu_designs",), eu_designs_layout,
               "Europe within countries: log patents per million inhabitants on each standardised measure, "
               "by design (tables/eu_designs.csv, notebook eu_designs).",
               "Cross section 2008-2012, lagged measures, pre-period outcome, region and year panel; country "
               "fixed effects (region fixed effects in the panel), errors clustered by country.", True),
    "tab-us": (("us_cbsa_regression",), us_layout,
               "United States: log patents per 10,000 employees on the standardised strong-cluster share, "
               "CBSAs (tables/us_cbsa_regression.csv, notebook us_cluster_patenting).",
               "Errors clustered by state.", True),
    "tab-cn": (("cn_resource_type_regression_patents_per_10k_residents",), cn_layout,
               "China: log patents per 10,000 residents on resource-city indicators, province fixed effects "
               "(tables/cn_resource_type_regression_patents_per_10k_residents.csv, notebook cn_resource_cities).",
               "Errors clustered by province; county-level resource cities coded resource-bearing.", True),
}


def render(tables: dict[str, pd.DataFrame]) -> dict[str, str]:
    """{file name: Typst source} of every table of :data:`TABLES`, from the loaded CSVs."""
    out = {}
    for label, (names, layout, caption, extra, is_regression) in TABLES.items():
        frame = layout(*(tables[n] for n in names))
        note = _note(bool(is_regression), extra) if is_regression else extra
        out[f"{label}.typ"] = typst_table(frame, caption, note, label)
    return out
