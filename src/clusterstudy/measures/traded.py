"""Traded industries defined a priori: NACE divisions through the U.S. cluster definitions.

Porter (2003) and Delgado, Porter & Stern (2016) call an industry *traded* when it
concentrates in a few regions and sells beyond them, and fix the list a priori from U.S.
data. A NACE division gets the share of its bridged U.S. employment (extract
``nace_naics_bridge``) that lies in NAICS industries of traded clusters (extract
``us_naics_clusters``); it is traded when that share is at least ``threshold``.

Cluster categories (in the spirit of the European Cluster Observatory): each traded
division joins the traded U.S. cluster that holds most of its bridged traded employment;
divisions sharing that cluster form one category. Two-digit divisions cannot split a
division between clusters (C20 chemicals holds both plastics and agricultural chemicals),
so a category is a set of whole divisions.
"""

from __future__ import annotations

import pandas as pd

SHARE_COLUMNS = ["nace_division", "bridged_employment_us", "cluster_coverage", "traded_share_us",
                 "traded", "top_cluster", "top_cluster_share"]


def division_traded_share(bridge: pd.DataFrame, clusters: pd.DataFrame,
                          threshold: float = 0.5) -> pd.DataFrame:
    """Per NACE division: the traded share of its bridged U.S. employment and its main traded cluster.

    ``bridge``: rows ``nace_division``, ``naics``, ``weight`` (U.S. employment on the link);
    ``clusters``: ``naics``, ``cluster_name``, ``traded``. Links to NAICS industries outside the
    cluster definitions (e.g. farming, government) are left out of the share;
    ``cluster_coverage`` is the part of the bridged employment that has a cluster.
    ``top_cluster``: the traded cluster with most of the division's traded employment;
    ``top_cluster_share`` its part of that traded employment.
    """
    if not 0 < threshold < 1:
        raise ValueError(f"traded-share threshold {threshold} must lie strictly between 0 and 1")
    missing = {"nace_division", "naics", "weight"} - set(bridge.columns)
    if missing:
        raise ValueError(f"bridge table lacks column {sorted(missing)[0]!r}")
    links = bridge.merge(clusters[["naics", "cluster_name", "traded"]], on="naics", how="left")
    mapped = links.dropna(subset=["cluster_name"])
    total = links.groupby("nace_division")["weight"].sum()
    in_clusters = mapped.groupby("nace_division")["weight"].sum().reindex(total.index, fill_value=0.0)
    traded_w = mapped[mapped["traded"].astype(bool)]
    by_cluster = traded_w.groupby(["nace_division", "cluster_name"])["weight"].sum()
    traded_sum = by_cluster.groupby(level="nace_division").sum().reindex(total.index, fill_value=0.0)
    top = by_cluster.sort_index().groupby(level="nace_division").idxmax() if len(by_cluster) else pd.Series()
    top_name = top.map(lambda t: t[1]).reindex(total.index)
    top_w = pd.Series({d: by_cluster[t] for d, t in top.items()}).reindex(total.index)
    share = (traded_sum / in_clusters).where(in_clusters > 0)
    out = pd.DataFrame({
        "nace_division": total.index, "bridged_employment_us": total.to_numpy(),
        "cluster_coverage": (in_clusters / total).where(total > 0).to_numpy(),
        "traded_share_us": share.to_numpy(), "traded": (share >= threshold).to_numpy(),
        "top_cluster": top_name.to_numpy(), "top_cluster_share": (top_w / traded_sum).to_numpy(),
    })
    return out[SHARE_COLUMNS].reset_index(drop=True)


def categories(classification: pd.DataFrame) -> dict[str, str]:
    """Traded division -> cluster category (its ``top_cluster``), from :func:`division_traded_share`."""
    t = classification[classification["traded"].astype(bool)]
    return dict(zip(t["nace_division"], t["top_cluster"], strict=True))


def category_matrix(emp: pd.DataFrame, category_of: dict[str, str]) -> pd.DataFrame:
    """Region x column employment with the traded divisions summed into their categories.

    Divisions not in ``category_of`` (local ones) stay as they are, so each region's total is
    unchanged and the stars' focus and LQ keep the whole business economy as reference. A
    category is missing in a region only when all its divisions are.
    """
    unknown = [d for d in category_of if d not in emp.columns]
    if unknown:
        raise ValueError(f"division {unknown[0]!r} of a category is not a column of the employment matrix")
    cats = pd.DataFrame({c: emp[[d for d, k in category_of.items() if k == c]].sum(axis=1, min_count=1)
                         for c in sorted(set(category_of.values()))})
    rest = emp[[c for c in emp.columns if c not in category_of]]
    return pd.concat([rest, cats], axis=1)
