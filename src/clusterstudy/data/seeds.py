"""The one loader for data encoded from the five source documents (``data/seeds/``).

Each file carries a ``citation`` on every row (seed file and table, figure or section) and
a schema here; :func:`load` reads and checks it.
"""

from __future__ import annotations

import pandas as pd

from clusterstudy.core import paths
from clusterstudy.core.validate import Schema, read_csv

CITATION = {"citation": "str"}
_SEED_FILE = r"00[0-4]_[0-9a-f]{16}\.txt, .+"
GAPS = frozenset({"Research", "Education", "Capital", "Policy", "Firm-to-firm", "Cluster-to-cluster",
                  "Global market"})


def _text(*cols: str, key: tuple[str, ...] = (), nullable: tuple[str, ...] = ("note",),
          **kinds: str) -> Schema:
    """A seed table of text columns (plus ``kinds`` overrides) with a citation on every row."""
    columns = {c: kinds.get(c, "str") for c in cols}
    return Schema(columns={**columns, "citation": "str"} if "citation" not in columns else columns,
                  key=key, nullable=frozenset(c for c in nullable if c in columns),
                  patterns={"citation": _SEED_FILE})

SCHEMAS: dict[str, Schema] = {
    "meng_forman_ruhr_clusters": Schema(
        columns={"industry": "str", "city": "str", "level": "int", **CITATION, "note": "str"},
        key=("industry", "city"),
        allowed={"level": frozenset({1, 2})},
        patterns={"citation": _SEED_FILE},
        nullable=frozenset({"note"}),
    ),
    "meng_forman_resource_city_clusters": Schema(
        columns={
            "cluster": "str", "city": "str", "province": "str", "resource": "str",
            "industry": "str", "enterprises": "int", "output_busd": "float",
            "employees_thousand": "float", "resource_status": "str", "industry_type": "str",
            **CITATION, "typology_citation": "str", "note": "str",
        },
        key=("cluster",),
        ranges={"enterprises": (1, None), "output_busd": (0, None), "employees_thousand": (0, None)},
        allowed={
            "resource_status": frozenset({"exhausted", "unexhausted"}),
            "industry_type": frozenset({"continuous", "alternative"}),
        },
        patterns={"citation": _SEED_FILE, "typology_citation": _SEED_FILE},
        nullable=frozenset({"note"}),
    ),
    "meng_forman_lock_ins": Schema(
        columns={"lock_in": "str", "reasons": "str", "orientation": "str", "route_no": "int",
                 "route": "str", **CITATION},
        key=("lock_in", "route_no"),
        ranges={"route_no": (1, None)},
        patterns={"citation": _SEED_FILE},
    ),
    "clusnet_dortmund_cross_clustering": _text("cluster", "market", "example", "citation", "note",
                                               key=("cluster", "market")),
    "clusnet_table2_models": _text("characteristic", "membership_model", "partnership_model", "citation",
                                   key=("characteristic",)),
    "clusnet_table3_policy_areas": _text("policy_area", "implication_for_clusters", "citation",
                                         key=("policy_area",)),
    "clusnet_table4_programmes": _text("city", "programme", "gap", "bridges", "citation",
                                       key=("city", "programme", "gap"), bridges="int"),
    "clusnet_seven_gaps": _text("gap_no", "gap", "name_in_list", "chapter_3_heading", "kind", "between",
                                "citation", "note", key=("gap_no",), gap_no="int"),
    "clusnet_city_gap_coding": _text("city_region", "gap", "coding", "organisation", "quote", "citation", "note",
                                     key=("city_region", "gap", "coding"), nullable=("organisation", "note")),
    "clusnet_fig17_triple_steelix": _text("circle", "order_from_outside", "firms_low", "firms_high",
                                          "label_in_source", "quote", "citation", "note", key=("circle",),
                                          nullable=("firms_low", "firms_high", "label_in_source", "note"),
                                          order_from_outside="int", firms_low="float", firms_high="float"),
    "clusnet_fig12_hungary_funding": _text("flow", "from", "to", "bn_eur", "approximate", "quote", "citation",
                                           "note", key=("flow",), bn_eur="float", approximate="bool"),
    "clusnet_fig23_behaviours": _text("behaviour", "description", "citation", "note", key=("behaviour",)),
    "review_studies": _text("study_id", "study", "authors", "year", "title", "journal", "volume", "issue",
                            "pages", "method", "method_quotations", "purpose", "focus", "focus_statement",
                            "tables_and_figures", "further_research", "citation", "fields_citation", "note",
                            key=("study_id",), year="int",
                            nullable=("volume", "issue", "method_quotations", "tables_and_figures", "note")),
    "review_study_items": _text("study_id", "field", "value", "wording", "country", "coded_from", "note", "citation",
                                key=("study_id", "field", "value"), nullable=("value", "country", "note")),
    "review_cluster_ties": _text("study_id", "cluster_a", "cluster_b", "direction", "coded_from", "quote", "note",
                                 "citation", key=("study_id", "cluster_a", "cluster_b")),
    "seed_references": _text("seed", "number", "key", "authors", "first_author", "n_authors", "year", "title",
                             "venue", "details", "authors_raw", "raw", "note", "citation", key=("seed", "number"),
                             nullable=("venue", "details", "note"), number="int", n_authors="int"),
    "seed_citations": _text("seed", "key", "authors", "first_author", "year", "mentions", "citation",
                            key=("seed", "key"), mentions="int"),
    "seed_facts": _text("fact_id", "seed", "value", "value_high", "value_text", "qualifier", "unit", "counts", "place",
                        "period", "kind", "context", "citation", "note", key=("fact_id",),
                        nullable=("value_high", "place", "period", "note"), value="float", value_high="float"),
    "beijing_cross_cluster_ties": _text("source", "cluster_a", "country_a", "cluster_b", "country_b", "industry",
                                        "direction", "coded_from", "quote", "note", "citation",
                                        key=("source", "cluster_a", "cluster_b")),
    "seed_lists": _text("list_id", "seed", "list", "item_no", "item", "introduced_by", "note", "citation",
                        key=("list_id", "item_no"), item_no="int"),
    "beijing_parks": _text("park", "full_name", "industry", "citation", "note", key=("park",)),
    "beijing_typology": _text("type", "research_question", "citation", "note", key=("type",)),
}


def load(name: str) -> pd.DataFrame:
    """Load ``data/seeds/<name>.csv`` and check it against its schema."""
    if name not in SCHEMAS:
        raise ValueError(f"unknown seed table {name!r}; known: {', '.join(sorted(SCHEMAS))}")
    return read_csv(paths.data_dir() / "seeds" / f"{name}.csv", SCHEMAS[name])
