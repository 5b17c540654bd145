"""Meng & Forman (2016): derived comparisons of the four resource-city clusters (Table 2).

Table 2 gives, for each cluster, enterprises, annual output (billion US$) and employees
(thousand). The paper's argument (section 6) contrasts resource-exhausted cities developing
*alternative* industries with unexhausted Baotou developing a *continuous* industry; the
ratios below make that contrast measurable.
"""

from __future__ import annotations

from typing import Literal

import pandas as pd

from clusterstudy.data import extracts

Metric = Literal["output_per_employee_usd", "employees_per_enterprise", "output_per_enterprise_musd"]
METRICS: dict[Metric, str] = {  # the labels of Metric's values (tests/test_contracts.py: the same keys)
    "output_per_employee_usd": "Annual output per employee (US$)",
    "employees_per_enterprise": "Employees per enterprise",
    "output_per_enterprise_musd": "Annual output per enterprise (million US$)",
}
GROUPINGS = ("resource_status", "industry_type")
# The Ruhr as the Regionalverband Ruhr defines it (RVR Act, section 1): eleven county-free cities and four
# districts, in the seed's spelling where Table 1 names them ('Una' is Unna)
RUHR_MEMBERS = ("Bochum", "Bottrop", "Dortmund", "Duisburg", "Essen", "Gelsenkirchen", "Hagen", "Hamm", "Herne",
                "Mulheim an der Ruhr", "Oberhausen", "Ennepe-Ruhr-Kreis", "Recklinghausen", "Una", "Wesel")
NOT_A_PLACE = ("Decentralized",)


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


def ruhr_places(ruhr: pd.DataFrame) -> pd.DataFrame:
    """Each area of Table 1: the industries it is listed for, at which level, and whether it lies in the
    Ruhr (a member of the Regionalverband Ruhr, :data:`RUHR_MEMBERS`); 'Decentralized' is no place."""
    g = ruhr.groupby("city", sort=False)
    out = pd.DataFrame({"industries": g.size(), "first_level": g["level"].apply(lambda v: int((v == 1).sum())),
                        "listed_for": g["industry"].agg("; ".join)}).rename_axis("area").reset_index()
    out["in_ruhr"] = out["area"].map(lambda a: "not a place" if a in NOT_A_PLACE
                                     else ("yes" if a in RUHR_MEMBERS else "no"))
    return out


def plan_labels(table2: pd.DataFrame) -> pd.DataFrame:
    """Meng & Forman's label of each Table 2 city (exhausted or unexhausted) beside its type in the State
    Council's 2013 plan (growing, mature, declining, regenerating): two classifications, kept apart."""
    cities = extracts.load("cn_cities").set_index("city_name_en")["city_code"]
    rc = extracts.load("cn_resource_cities")
    plan = rc[(rc["match"] == "matched") & (rc["level"] == "prefecture-level")].set_index("city_code")["resource_type"]
    out = table2[["city", "cluster", "resource", "resource_status"]].rename(
        columns={"resource_status": "meng_forman_label"})
    out["plan_2013_type"] = out["city"].map(cities).map(plan).fillna("not on the plan").astype(str)
    return out.reset_index(drop=True)


def notes_sentence(places: pd.DataFrame, labels: pd.DataFrame) -> str:
    """The two notes on Meng & Forman's tables: Table 1's places outside the Ruhr, and the labels that differ."""
    outside = places[places["in_ruhr"] == "no"]["area"].tolist()
    differ = labels[(labels["meng_forman_label"] == "exhausted") & (labels["plan_2013_type"] != "declining")]
    label_note = "; ".join(f"{r.city} is '{r.meng_forman_label}' in Meng & Forman but '{r.plan_2013_type}' in the 2013 "
                           "plan" for r in differ.itertuples())
    n_places = int((places["in_ruhr"] != "not a place").sum())
    return (f"Table 1, titled the Ruhr's clusters, lists {len(outside)} of its {n_places} "
            f"places outside the Ruhr as the Regionalverband Ruhr defines it: {', '.join(outside)}. "
            + (f"{label_note}. " if label_note else "")
            + "Meng & Forman's 'exhausted' is their own word, neither the plan's declining type nor the State "
            "Council's list of resource-exhausted cities, which the data do not hold; both labels are kept side by side.")
