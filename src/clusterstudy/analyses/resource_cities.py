"""Meng & Forman (2016): derived comparisons of the four resource-city clusters (Table 2).

Table 2 gives, for each cluster, enterprises, annual output (billion US$) and employees
(thousand). The paper's argument (section 6) contrasts resource-exhausted cities developing
*alternative* industries with unexhausted Baotou developing a *continuous* industry; the
ratios below make that contrast measurable.
"""

from __future__ import annotations

from typing import Literal

import pandas as pd

Metric = Literal["output_per_employee_usd", "employees_per_enterprise", "output_per_enterprise_musd"]
METRICS: dict[Metric, str] = {  # the labels of Metric's values (tests/test_contracts.py: the same keys)
    "output_per_employee_usd": "Annual output per employee (US$)",
    "employees_per_enterprise": "Employees per enterprise",
    "output_per_enterprise_musd": "Annual output per enterprise (million US$)",
}
GROUPINGS = ("resource_status", "industry_type")


def _ratios(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    employees = out["employees_thousand"] * 1e3
    output_usd = out["output_busd"] * 1e9
    out["output_per_employee_usd"] = output_usd / employees
    out["employees_per_enterprise"] = employees / out["enterprises"]
    out["output_per_enterprise_musd"] = output_usd / out["enterprises"] / 1e6
    return out


def cluster_comparison(table2: pd.DataFrame) -> pd.DataFrame:
    """Table 2 with the three ratios added, one row per cluster, in the table's order."""
    cols = ["cluster", "city", "resource", "industry", "resource_status", "industry_type",
            "enterprises", "output_busd", "employees_thousand"]
    return _ratios(table2[cols])


def group_comparison(table2: pd.DataFrame, by: str) -> pd.DataFrame:
    """Pool the clusters by ``by`` (resource_status or industry_type) and recompute ratios.

    Pooled ratios are ratios of sums (total output over total employees, ...), so a group
    is compared as if it were one cluster, not as an average of its clusters' ratios.
    """
    if by not in GROUPINGS:
        raise ValueError(f"unknown grouping {by!r}; choose one of {', '.join(GROUPINGS)}")
    sums = (
        table2.groupby(by, sort=True)
        .agg(n_clusters=("cluster", "size"), enterprises=("enterprises", "sum"),
             output_busd=("output_busd", "sum"), employees_thousand=("employees_thousand", "sum"))
        .reset_index()
        .rename(columns={by: "group"})
    )
    sums.insert(0, "grouping", by)
    return _ratios(sums)


_TEXT_UNITS = {"employees": ("employees", lambda t: t["employees_thousand"] * 1000),
               "companies": ("enterprises", lambda t: t["enterprises"]),
               "enterprises": ("enterprises", lambda t: t["enterprises"])}


def text_vs_table2(facts: pd.DataFrame, table2: pd.DataFrame) -> pd.DataFrame:
    """Numbers the paper's text states for a Table 2 cluster (``seed_facts``), set against Table 2.

    One row per text statement about the enterprises or employees of a city in Table 2;
    ``agree`` is whether the text's number equals the table's.
    """
    t2 = table2.set_index("city")
    text = facts[(facts["seed"] == "000") & ~facts["citation"].str.endswith("Table 2")
                 & facts["place"].isin(t2.index) & facts["unit"].isin(_TEXT_UNITS)]
    rows = []
    for r in text.itertuples(index=False):
        quantity, column = _TEXT_UNITS[r.unit]
        table_value = float(column(t2.loc[r.place]))
        rows.append({"city": r.place, "quantity": quantity, "text_says": r.value_text, "text_value": r.value,
                     "table2_value": table_value, "agree": r.value == table_value, "text_context": r.context})
    return pd.DataFrame(rows)
