"""The qualitative evidence as tables: CLUSNET's tables and gaps, the literature-review matrix."""

from __future__ import annotations

from typing import Annotated

import networkx as nx
import pandas as pd

from clusterstudy.core.contracts import Between
from clusterstudy.data import references, seeds

MinSeeds = Annotated[int, Between(2)]  # a reference is shared when cited by at least this many seeds

GAP_ORDER = ["Research", "Education", "Capital", "Policy", "Firm-to-firm", "Cluster-to-cluster", "Global market"]
CODING_VALUE = {"bridging": 2, "goal": 1, "limited": -1}
ACTORS = ["MNEs", "SMEs", "leading firms", "technological gatekeepers", "receptor firms", "parents or affiliated companies",
          "individuals", "cluster firms"]


def dortmund_matrix() -> pd.DataFrame:
    """Table 1: cluster x market, with the example in each cell (the source's order)."""
    t = seeds.load("clusnet_dortmund_cross_clustering")
    order_c = list(dict.fromkeys(t["cluster"]))
    order_m = list(dict.fromkeys(t["market"]))
    return t.pivot(index="cluster", columns="market", values="example").reindex(index=order_c, columns=order_m)


def table4(city: str) -> pd.DataFrame:
    """Table 4 for one city: programme x gap, 1 where the programme bridges the gap."""
    t = seeds.load("clusnet_table4_programmes")
    t = t[t["city"] == city]
    if t.empty:
        raise ValueError(f"unknown city {city!r}; Table 4 has 'City 1' and 'City 2'")
    order = list(dict.fromkeys(t["programme"]))
    return t.pivot(index="programme", columns="gap", values="bridges").reindex(index=order, columns=GAP_ORDER).astype(int)


def gaps_bridged() -> pd.DataFrame:
    """Per hypothetical city: the number of the seven gaps bridged by at least one programme."""
    t = seeds.load("clusnet_table4_programmes")
    per_gap = t.groupby(["city", "gap"])["bridges"].max().unstack().reindex(columns=GAP_ORDER)
    out = per_gap.assign(gaps_bridged=per_gap.sum(axis=1), programmes=t.groupby("city")["programme"].nunique())
    return out.reset_index()


def city_gap_matrix() -> pd.DataFrame:
    """The compendium's coding: city region x gap, 2 bridging, 1 goal only, -1 limited, 0 not described.

    Where a city has both a bridging and a limited entry for a gap, the bridging one is shown.
    """
    c = seeds.load("clusnet_city_gap_coding")
    c = c.assign(value=c["coding"].map(CODING_VALUE))
    m = c.groupby(["city_region", "gap"])["value"].max().unstack(fill_value=0)
    return m.reindex(columns=GAP_ORDER, fill_value=0).astype(int)


def city_gap_labels(show_limited: bool = True) -> pd.DataFrame:
    """Cell text for the city region x gap matrix: every code of a cell ("bridge + limited" where coded twice)."""
    c = seeds.load("clusnet_city_gap_coding")
    if not show_limited:
        c = c[c["coding"] != "limited"]
    word = {"bridging": "bridge", "goal": "goal", "limited": "limited"}
    order = {k: i for i, k in enumerate(["bridging", "goal", "limited"])}
    c = c.assign(order=c["coding"].map(order)).sort_values("order", kind="mergesort")
    text = c.groupby(["city_region", "gap"])["coding"].agg(lambda s: " + ".join(dict.fromkeys(word[v] for v in s)))
    m = city_gap_matrix()
    return text.unstack().reindex(index=m.index, columns=GAP_ORDER).fillna("")


def evidence_matrix(field: str, categories: list[str] | None = None) -> pd.DataFrame:
    """Studies x values of a multi-valued field ('resource', 'actor', ...), 1 where coded."""
    items = seeds.load("review_study_items")
    studies = seeds.load("review_studies").set_index("study_id")["study"]
    sub = items[(items["field"] == field) & items["value"].notna()]
    if sub.empty:
        raise ValueError(f"unknown field {field!r}; fields: {sorted(items['field'].unique())}")
    m = pd.crosstab(sub["study_id"], sub["value"]).clip(upper=1)
    m = m.reindex(index=list(studies.index), fill_value=0)
    m.index = [f"{i} {studies[i]}" for i in m.index]
    cols = categories or list(m.sum().sort_values(ascending=False, kind="mergesort").index)
    return m.reindex(columns=cols, fill_value=0)


def cross_cluster_ties_002() -> pd.DataFrame:
    """Seed 002's cross-cluster examples (Section 2.1) as ties: node name (cluster, industry), a short label."""
    t = seeds.load("beijing_cross_cluster_ties")
    return t.assign(node_a=t["cluster_a"] + " (" + t["industry"] + ")", node_b=t["cluster_b"] + " (" + t["industry"] + ")",
                    label="002 " + t["source"].str.split().str[0])


def ties_graph(with_002: bool = False) -> nx.DiGraph:
    """Cluster-to-cluster ties described by the studies, in the direction the appendix gives.

    A one-way tie is an edge from the cluster resources leave to the one they reach; a
    two-way tie (mutual exchange) is an edge each way. Node attribute 'country'; edge
    attributes 'studies' and 'two_way'. ``with_002`` adds seed 002's cross-cluster examples
    (nodes named with their industry, edges labelled '002 <first author>'; node attribute
    'seed'); a tie of unnamed clusters among themselves (a loop) is left out of the graph.
    """
    ties = seeds.load("review_cluster_ties")
    bad = set(ties["direction"]) - {"one-way", "two-way"}
    if bad:
        raise ValueError(f"review_cluster_ties: unknown direction {sorted(bad)}; expected one-way or two-way")
    items = seeds.load("review_study_items")
    clusters = items[(items["field"] == "cluster") & items["value"].notna()]
    country = clusters.drop_duplicates("value").set_index("value")["country"].to_dict()
    g = nx.DiGraph()
    for name, c in country.items():
        g.add_node(name, country=c, seed="001")
    if with_002:
        more = cross_cluster_ties_002()
        more = more[more["node_a"] != more["node_b"]]
        for r in more.itertuples(index=False):
            g.add_node(r.node_a, country=r.country_a, seed="002")
            g.add_node(r.node_b, country=r.country_b, seed="002")
        ties = pd.concat([ties, more.assign(study_id=more["label"], cluster_a=more["node_a"], cluster_b=more["node_b"])],
                         ignore_index=True)
    for r in ties.itertuples(index=False):
        two_way = r.direction == "two-way"
        for a, b in [(r.cluster_a, r.cluster_b)] + ([(r.cluster_b, r.cluster_a)] if two_way else []):
            if g.has_edge(a, b):
                g[a][b]["studies"].append(r.study_id)
                g[a][b]["two_way"] = g[a][b]["two_way"] or two_way
            else:
                g.add_edge(a, b, studies=[r.study_id], two_way=two_way)
    return g


def studies_by_method_year() -> pd.DataFrame:
    """Count of studies by method and publication year."""
    s = seeds.load("review_studies")
    return pd.crosstab(s["method"], s["year"]).reset_index()


def shared_references() -> pd.DataFrame:
    """Works cited by more than one seed (authors, year and title; in-text citations by surnames and year)."""
    return references.shared(seeds.load("seed_citations"), seeds.load("seed_references"))
