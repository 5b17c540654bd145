"""European constructs named for what they measure, how they relate, and the two traded splits.

The indicator table of :func:`clusterstudy.analyses.eu_sample.region_indicators` holds several
constructs that are easily confused. Named for what they measure:

- ``cluster_strength_traded``: specialisation in traded clusters (Observatory stars);
- ``hhi``: concentration of the whole business economy (HHI over all divisions), which is
  dominated by the largest local services (retail is the biggest division nearly everywhere);
- ``hhi_traded``: concentration within traded industries (HHI over the traded divisions);
- ``related_variety`` / ``unrelated_variety``: entropy within / across NACE sections.

:func:`composition` adds the shares that explain them (retail's share of employment and its
part of the HHI; the largest traded division's part of ``hhi_traded``);
:func:`split_summary`, :func:`split_disagreements` compare the a-priori and the Gini split.
"""

from __future__ import annotations

import pandas as pd

from clusterstudy.core.prose import pct, pval
from clusterstudy.measures import catalogue, nace

# the constructs compared: measures (named by the catalogue) and the composition shares behind them
CONSTRUCTS = {
    **{m: catalogue.description(m) for m in ("cluster_strength_traded", "hhi", "hhi_traded", "related_variety",
                                             "unrelated_variety")},
    "retail_share": "retail share of employment (G47)",
    "local_share": "local divisions' share of employment",
}
RETAIL = "G47"


def composition(regions: pd.DataFrame, matrix: pd.DataFrame, cls: pd.DataFrame) -> pd.DataFrame:
    """Per region of ``regions``: retail and local shares, and what drives the two HHIs.

    ``matrix``: region x division employment (:func:`eu_sample.employment_matrix`); ``cls``: the
    classification used for ``regions`` (its ``traded`` column). Columns: ``nuts2``,
    ``retail_share``, ``local_share``, ``retail_part_of_hhi`` (retail's squared share over the
    HHI), ``top_traded_division`` (largest traded division), ``top_traded_part_of_hhi_traded``.
    """
    emp = matrix.loc[regions["nuts2"]].fillna(0.0)
    share = emp.div(emp.sum(axis=1), axis=0)
    divs = [d for d in cls.loc[cls["traded"], "nace_r2"] if d in emp.columns]
    t = emp[divs]
    ts = t.div(t.sum(axis=1), axis=0)
    top = ts.idxmax(axis=1)
    top_sq = pd.Series([ts.at[r, d] ** 2 for r, d in top.items()], index=top.index)
    retail = share[RETAIL] if RETAIL in share.columns else pd.Series(float("nan"), index=share.index)
    return pd.DataFrame({
        "nuts2": emp.index, "retail_share": retail.to_numpy(),
        "local_share": share.drop(columns=divs).sum(axis=1).to_numpy(),
        "retail_part_of_hhi": (retail ** 2 / (share ** 2).sum(axis=1)).to_numpy(),
        "top_traded_division": top.to_numpy(),
        "top_traded_part_of_hhi_traded": (top_sq / (ts ** 2).sum(axis=1)).to_numpy(),
    }).reset_index(drop=True)


def correlations(frame: pd.DataFrame, columns: list[str] | None = None) -> pd.DataFrame:
    """Spearman correlations among the constructs, long: ``construct``, ``with``, labels, ``spearman``."""
    columns = list(CONSTRUCTS) if columns is None else columns
    rho = frame[columns].corr("spearman")
    long = rho.rename_axis("construct").reset_index().melt(id_vars="construct", var_name="with",
                                                           value_name="spearman")
    long.insert(1, "construct_label", long["construct"].map(CONSTRUCTS))
    long.insert(3, "with_label", long["with"].map(CONSTRUCTS))
    order = {c: i for i, c in enumerate(columns)}
    return long.sort_values(["construct", "with"], key=lambda s: s.map(order)).reset_index(drop=True)


def largest_traded(comp: pd.DataFrame, split: str) -> pd.DataFrame:
    """The divisions that are a region's largest traded division, how often, and their part of ``hhi_traded``."""
    g = comp.groupby("top_traded_division")
    out = pd.DataFrame({"regions_largest": g.size(),
                        "mean_part_of_hhi_traded": g["top_traded_part_of_hhi_traded"].mean()})
    out = out.rename_axis("nace_r2").reset_index()
    out.insert(1, "label", out["nace_r2"].map(nace.LABELS))
    out.insert(0, "split", split)
    return out.sort_values(["regions_largest", "nace_r2"], ascending=[False, True]).reset_index(drop=True)


def split_summary(cls: pd.DataFrame) -> pd.DataFrame:
    """Per split: number of traded divisions and their share of EU business-economy employment."""
    rows = []
    for split, col in (("us_clusters", "traded_us"), ("gini", "traded_gini")):
        t = cls[cls[col]]
        rows.append({"split": split, "traded_divisions": len(t), "divisions": len(cls),
                     "traded_employment_share": t["employment_share"].sum()})
    return pd.DataFrame(rows)


def categories(cls: pd.DataFrame, stars: pd.DataFrame, min_stars: int = 2) -> pd.DataFrame:
    """The cluster categories: member divisions, EU employment share, regions with ``min_stars``+ stars.

    ``main_cluster_share``: the lowest share, among the member divisions, of a division's traded
    U.S. employment that lies in the category's cluster (how well whole divisions fit it).
    """
    t = cls[cls["traded_us"]]
    g = t.groupby("cluster_category")
    out = pd.DataFrame({"divisions": g["nace_r2"].agg(lambda s: ", ".join(sorted(s))),
                        "employment_share": g["employment_share"].sum(),
                        "main_cluster_share": g["cluster_category_share"].min()})
    starred = stars[stars["stars"] >= min_stars].groupby("category").size()
    out["regions_with_stars"] = starred.reindex(out.index).fillna(0).astype(int)
    out["regions_present"] = stars.groupby("category").size().reindex(out.index).fillna(0).astype(int)
    return out.rename_axis("category").reset_index().sort_values("category").reset_index(drop=True)


def split_disagreements(cls: pd.DataFrame) -> pd.DataFrame:
    """Divisions the two splits classify differently, with the reason in words.

    ``cls`` is :func:`eu_sample.sector_classification`. Columns: ``nace_r2``, ``label``, ``traded_us``,
    ``traded_gini``, ``traded_share_us``, ``locational_gini``, ``employment_share``, ``reason``.
    """
    gini_cut = cls.loc[cls["traded_gini"], "locational_gini"].min()
    d = cls[cls["traded_us"] != cls["traded_gini"]].copy()

    def reason(r: pd.Series) -> str:
        us = (f"{r['traded_share_us']:.0%} of its bridged U.S. employment is in traded clusters"
              + (f" (mainly {r['cluster_category']})" if r["cluster_category"] else ""))
        geo = (f"its locational Gini across EU regions, {r['locational_gini']:.3f}, is "
               + ("above" if r["traded_gini"] else "below") + f" the Gini split (traded from {gini_cut:.3f})")
        return f"traded a priori: {us}; {geo}" if r["traded_us"] else f"local a priori: {us}; but {geo}"

    d["reason"] = d.apply(reason, axis=1) if len(d) else pd.Series(dtype=str)
    return d[["nace_r2", "label", "traded_us", "traded_gini", "traded_share_us", "locational_gini",
              "employment_share", "reason"]].reset_index(drop=True)


# ---------------------------------------------------------------- finding sentence
def _ols(head: pd.DataFrame, measure: str, comparison: str = "across countries") -> str:
    r = head[(head["measure"] == measure) & (head["comparison"] == comparison) & (head["estimator"] == "OLS")].iloc[0]
    return f"{r['coef']:+.2f} ({pval(r['p'], 'clustered p')}, {pval(r['p_wild'], 'wild p')})"


def findings_sentence(correlations: pd.DataFrame, head: pd.DataFrame, gini: pd.DataFrame, traded_splits: pd.DataFrame,
                      largest: pd.DataFrame) -> str:
    """What the two concentration constructs measure, and the traded split: from the construct
    correlations, the headline models under both splits, the splits' sizes and the largest traded divisions."""
    corr = correlations.set_index(["split", "construct", "with"])["spearman"]
    splits = traded_splits.set_index("split")
    top = (largest.sort_values(["regions_largest", "nace_r2"], ascending=[False, True], kind="mergesort")
           .groupby("split").head(1).set_index("split"))
    n = int(head["n"].max())

    def sign(t: pd.DataFrame, m: str) -> float:
        return t.loc[(t["measure"] == m) & (t["comparison"] == "across countries") & (t["estimator"] == "OLS"),
                     "coef"].iloc[0]

    differ_us = sign(head, "hhi") * sign(head, "hhi_traded") < 0
    flipped = sign(head, "hhi") * sign(gini, "hhi_traded") < 0 and not differ_us

    def split_words(sp: str) -> str:
        return (f"{splits.at[sp, 'traded_divisions']} traded divisions, "
                f"{pct(splits.at[sp, 'traded_employment_share'])} of employment")

    return ("*Constructs named for what they measure* (`tables/eu_construct_correlations.csv`): concentration of "
            "the whole business economy (HHI over all divisions) tracks how much retail and other local services "
            f"dominate a region (Spearman {corr[('us_clusters', 'hhi', 'retail_share')]:.2f} with the retail share), "
            f"so its coefficient, {_ols(head, 'hhi')} across countries, is not about clusters. Traded industries are "
            f"now defined a priori from the U.S. cluster definitions ({split_words('us_clusters')}; the earlier "
            f"locational-Gini split had {split_words('gini')}). Concentration within traded industries is "
            f"{_ols(head, 'hhi_traded')} a priori against {_ols(gini, 'hhi_traded')} with the Gini split, where "
            f"{top.at['gini', 'label'].lower()} was the largest traded division in {top.at['gini', 'regions_largest']} "
            f"of {n} regions (Spearman with the HHI {corr[('gini', 'hhi', 'hhi_traded')]:.2f}; a priori "
            f"{corr[('us_clusters', 'hhi', 'hhi_traded')]:.2f}, {top.at['us_clusters', 'label'].lower()} being the "
            f"largest traded division in {top.at['us_clusters', 'regions_largest']}). The two concentration measures "
            + ("differ in sign under the Gini split only." if flipped else
               "have the same sign under both splits." if not differ_us else "differ in sign under both splits."))
