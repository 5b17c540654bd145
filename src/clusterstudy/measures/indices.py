"""Specialisation, cluster and variety indices from a region x sector employment matrix.

Every function takes ``emp``: a DataFrame with regions as rows, sectors as columns and
non-negative employment, and returns one value per region (Series), per sector or per cell.
The reference structure ("EU") is the column totals of ``emp`` itself.

Missing cells (NaN: suppressed/confidential or not collected) are *not present*: they get
no star, are left out of a sector's rank and of its locational Gini; in the structure
indices (shares, HHI, Krugman, entropy) they add nothing to the region's total, as a zero
would. Pass ``emp.fillna(0)`` to treat them as zero everywhere.

API (used by :mod:`clusterstudy.analyses.europe` and the U.S. analysis):

- structure: :func:`shares`, :func:`reference_shares`, :func:`location_quotients`,
  :func:`hhi`, :func:`krugman`;
- traded vs local (Porter 2003): :func:`locational_gini`, :func:`classify_sectors`;
- Observatory stars ranked within each sector: :func:`observatory_stars` (long table),
  :func:`traded_cluster_strength`;
- variety (Frenken, van Oort & Verburg 2007): :func:`entropy`, :func:`variety`;
- the earlier pooled stars (one cut-off over all cells): :func:`stars`, :func:`cluster_strength`.
"""

from __future__ import annotations

from typing import Annotated, Literal

import numpy as np
import pandas as pd

from clusterstudy.core.contracts import Between, between
from clusterstudy.measures import catalogue

# the star and traded-sector rules' options, as types (the notebooks' parameters use them)
LqThreshold = Annotated[float, Between(0, low_open=True)]  # specialisation star: LQ at least this
MinStars = Annotated[int, Between(1, 3)]  # stars a cell needs to count as a cluster
GiniCut = Annotated[float, Between(0, 1, high_open=True)]
GiniCutoff = GiniCut | Literal["median"]  # traded when the locational Gini exceeds it (or the median Gini's)


def _check(emp: pd.DataFrame) -> pd.DataFrame:
    if emp.empty:
        raise ValueError("employment matrix is empty")
    if (emp.to_numpy() < 0).any():
        raise ValueError("employment matrix has negative cells")
    if (emp.sum(axis=1) <= 0).any():
        raise ValueError(f"regions without employment: {list(emp.index[emp.sum(axis=1) <= 0])[:5]}")
    return emp.astype("float64")


def _filled(emp: pd.DataFrame) -> pd.DataFrame:
    """The matrix with missing cells adding nothing (for shares and totals)."""
    return _check(emp).fillna(0.0)


def shares(emp: pd.DataFrame) -> pd.DataFrame:
    """Each sector's share of its region's employment (rows sum to 1; missing cells 0)."""
    emp = _filled(emp)
    return emp.div(emp.sum(axis=1), axis=0)


def reference_shares(emp: pd.DataFrame) -> pd.Series:
    """Each sector's share of total (EU) employment."""
    total = _filled(emp).sum(axis=0)
    return total / total.sum()


def location_quotients(emp: pd.DataFrame) -> pd.DataFrame:
    """LQ = sector's share of regional employment / its share of EU employment."""
    ref = reference_shares(emp)
    return shares(emp).div(ref.where(ref > 0), axis=1).fillna(0.0)


def hhi(emp: pd.DataFrame) -> pd.Series:
    """Herfindahl-Hirschman concentration of a region's employment across sectors (1/n .. 1)."""
    return (shares(emp) ** 2).sum(axis=1).rename("hhi")


def krugman(emp: pd.DataFrame) -> pd.Series:
    """Krugman dissimilarity: sum over sectors of |regional share - EU share| (0 .. 2)."""
    return shares(emp).sub(reference_shares(emp), axis=1).abs().sum(axis=1).rename("krugman")


def stars(emp: pd.DataFrame, size_quantile: float = 0.9, lq_threshold: float = 2.0,
          focus_quantile: float = 0.9) -> pd.DataFrame:
    """Cluster Observatory-style stars (0-3) per region x sector.

    One star each for *size* (the cell's share of EU employment in the sector is in the top
    ``1 - size_quantile`` of all non-empty cells), *specialisation* (LQ >= ``lq_threshold``)
    and *focus* (the sector's share of regional employment is in the top
    ``1 - focus_quantile`` of all non-empty cells). Empty cells get no star.
    """
    for q in (size_quantile, focus_quantile):
        if not 0 < q < 1:
            raise ValueError(f"quantile {q} must lie strictly between 0 and 1")
    emp = _filled(emp)
    present = emp > 0
    size = emp.div(emp.sum(axis=0).where(lambda s: s > 0), axis=1).fillna(0.0)
    focus = shares(emp)
    size_cut = np.quantile(size.to_numpy()[present.to_numpy()], size_quantile)
    focus_cut = np.quantile(focus.to_numpy()[present.to_numpy()], focus_quantile)
    tol = 1e-9  # relative: thresholds must not flip on floating-point noise (e.g. unit changes)
    return (((size >= size_cut * (1 - tol)) & present).astype(int)
            + ((location_quotients(emp) >= lq_threshold * (1 - tol)) & present).astype(int)
            + ((focus >= focus_cut * (1 - tol)) & present).astype(int))


def cluster_strength(emp: pd.DataFrame, min_stars: int = 2, **star_args) -> pd.DataFrame:
    """Share of regional employment in sectors with at least ``min_stars`` stars, and their count.

    Returns columns ``cluster_strength`` (0..1) and ``n_star_sectors`` (number of sectors with
    at least ``min_stars`` stars).
    """
    strong = stars(emp, **star_args) >= min_stars
    return pd.DataFrame({
        "cluster_strength": shares(emp).where(strong, 0.0).sum(axis=1),
        "n_star_sectors": strong.sum(axis=1).astype(int),
    })


# the European measures, by kind, in the catalogue's order (clusterstudy.measures.catalogue)
ALL_MEASURES = catalogue.EU_MEASURES
MEASURES = tuple(m for m in ALL_MEASURES if not catalogue.MEASURES[m].traded and not catalogue.MEASURES[m].diversity)
TRADED_MEASURES = tuple(m for m in ALL_MEASURES if catalogue.MEASURES[m].traded)
VARIETY_MEASURES = catalogue.DIVERSITY_MEASURES


def all_measures(emp: pd.DataFrame, **star_args) -> pd.DataFrame:
    """HHI, Krugman, cluster strength and number of starred sectors, one row per region."""
    return pd.concat([hhi(emp), krugman(emp), cluster_strength(emp, **star_args)], axis=1)


# ---------------------------------------------------------------- traded vs local (Porter 2003)

def locational_gini(emp: pd.DataFrame) -> pd.Series:
    """Locational Gini of each sector: how unevenly it is spread relative to total employment.

    Krugman (1991), Audretsch & Feldman (1996): regions are ordered by the sector's location
    quotient; the Lorenz curve plots the cumulative share of the sector's employment against
    the cumulative share of total employment, and G = 1 - 2 x (area under it). 0 = the
    sector follows total employment exactly (a local, population-serving sector); towards 1
    = it sits in few regions. Regions where the cell is missing are left out for that sector.
    """
    emp = _check(emp)
    total = _filled(emp).sum(axis=1)
    out = {}
    for sector in emp.columns:
        x = emp[sector]
        ok = x.notna().to_numpy()
        a, b = x.to_numpy()[ok], total.to_numpy()[ok]
        if a.sum() <= 0:
            out[sector] = np.nan
            continue
        a, b = a / a.sum(), b / b.sum()
        order = np.argsort(a / b, kind="stable")
        cum_a = np.concatenate([[0.0], np.cumsum(a[order])])
        cum_b = np.concatenate([[0.0], np.cumsum(b[order])])
        out[sector] = 1.0 - np.sum(np.diff(cum_b) * (cum_a[1:] + cum_a[:-1]))
    return pd.Series(out, name="locational_gini", dtype="float64")


def classify_sectors(emp: pd.DataFrame, cutoff: float | str = "median") -> pd.DataFrame:
    """Traded or local per sector from the locational Gini (Porter 2003's logic, from the data).

    A sector is *traded* when its locational Gini exceeds ``cutoff``: a number, or
    ``"median"`` (the median Gini across the sectors of ``emp``: a sector more concentrated
    than the typical sector serves markets beyond its region). Returns one row per sector:
    ``locational_gini``, ``traded`` (bool), ``employment_share`` (share of total employment).
    """
    g = locational_gini(emp)
    if isinstance(cutoff, str):
        if cutoff != "median":
            raise ValueError(f"unknown cut-off {cutoff!r}; give a number or 'median'")
        cut = float(g.median())
    else:
        cut = float(cutoff)
        if cut not in between(GiniCut):
            raise ValueError(f"Gini cut-off {cut} must lie in [0, 1)")
    return pd.DataFrame({"locational_gini": g, "traded": g > cut,
                         "employment_share": reference_shares(emp)}).rename_axis("sector")


# ---------------------------------------------------------------- Observatory stars

def observatory_stars(emp: pd.DataFrame, sectors: list[str] | None = None, lq_threshold: float = 2.0,
                      quantile: float = 0.9) -> pd.DataFrame:
    """European Cluster Observatory stars, one row per region x sector where the sector is present.

    For each sector of ``sectors`` (default: all columns), among the regions where it is
    present (employment > 0, not missing), ranked *within the sector*:

    - ``size_star``: the region's employment in the sector is in the top ``1 - quantile``
      (default top decile; 0.8 = top quintile);
    - ``focus_star``: the sector's share of the region's *total* employment (all columns of
      ``emp``) is in the top ``1 - quantile``;
    - ``specialisation_star``: location quotient (against all columns) >= ``lq_threshold``.

    ``stars`` is their sum (0-3). Columns: ``region``, ``sector``, the three stars, ``stars``.
    """
    if not 0 < quantile < 1:
        raise ValueError(f"quantile {quantile} must lie strictly between 0 and 1")
    if lq_threshold not in between(LqThreshold):
        raise ValueError(f"LQ threshold {lq_threshold} must be positive")
    emp = _check(emp)
    sectors = list(emp.columns) if sectors is None else list(sectors)
    unknown = [s for s in sectors if s not in emp.columns]
    if unknown:
        raise ValueError(f"unknown sector {unknown[0]!r} (not a column of the employment matrix)")
    focus_all, lq_all = shares(emp), location_quotients(emp)
    tol = 1e-9  # relative: a cut-off must not flip on floating-point noise
    rows = []
    for sector in sectors:
        x = emp[sector]
        present = x.notna() & (x > 0)
        if not present.any():
            continue
        size, focus, lq = x[present], focus_all.loc[present, sector], lq_all.loc[present, sector]
        rows.append(pd.DataFrame({
            "region": size.index, "sector": sector,
            "size_star": (size >= np.quantile(size, quantile) * (1 - tol)).astype(int).to_numpy(),
            "specialisation_star": (lq >= lq_threshold * (1 - tol)).astype(int).to_numpy(),
            "focus_star": (focus >= np.quantile(focus, quantile) * (1 - tol)).astype(int).to_numpy(),
        }))
    cols = ["region", "sector", "size_star", "specialisation_star", "focus_star"]
    out = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=cols)
    out["stars"] = out[["size_star", "specialisation_star", "focus_star"]].sum(axis=1).astype(int)
    return out.sort_values(["region", "sector"]).reset_index(drop=True)


def traded_cluster_strength(emp: pd.DataFrame, traded: list[str], min_stars: int = 2,
                            lq_threshold: float = 2.0, quantile: float = 0.9) -> pd.DataFrame:
    """Cluster strength over traded sectors with Observatory stars (:func:`observatory_stars`).

    Returns one row per region (all rows of ``emp``): ``cluster_strength_traded`` = share of
    the region's *total* employment in traded sectors with at least ``min_stars`` stars, and
    ``n_star_sectors_traded`` = their number.
    """
    if not 1 <= min_stars <= 3:
        raise ValueError(f"min_stars {min_stars} must be 1, 2 or 3")
    st = observatory_stars(emp, traded, lq_threshold, quantile)
    strong = st[st["stars"] >= min_stars]
    mask = pd.DataFrame(False, index=emp.index, columns=emp.columns)
    for sector, grp in strong.groupby("sector"):
        mask.loc[grp["region"], sector] = True
    return pd.DataFrame({
        "cluster_strength_traded": shares(emp).where(mask, 0.0).sum(axis=1),
        "n_star_sectors_traded": mask.sum(axis=1).astype(int),
    })


# ---------------------------------------------------------------- variety

def _entropy_rows(p: pd.DataFrame, base: float) -> pd.Series:
    p = p.to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(p > 0, -p * np.log(p) / np.log(base), 0.0)
    return pd.Series(terms.sum(axis=1))


def entropy(emp: pd.DataFrame, base: float = 2.0) -> pd.Series:
    """Shannon entropy of each region's employment across sectors: -sum p log p (log base ``base``)."""
    e = _entropy_rows(shares(emp), base)
    e.index = emp.index
    return e.rename("entropy")


def variety(emp: pd.DataFrame, groups: dict[str, str] | None = None, base: float = 2.0) -> pd.DataFrame:
    """Related and unrelated variety (Frenken, van Oort & Verburg 2007), one row per region.

    ``groups`` maps each sector to its group (default: the NACE section, the code's first
    letter). *Unrelated variety* is the entropy of the group shares P_g; *related variety*
    is sum_g P_g H_g with H_g the entropy of the sector shares within group g. By the
    decomposition theorem of entropy, related + unrelated = :func:`entropy` (column
    ``entropy``). Logs in base ``base`` (2, as in Frenken et al.).
    """
    s = shares(emp)
    groups = {c: str(c)[0] for c in s.columns} if groups is None else groups
    missing = [c for c in s.columns if c not in groups]
    if missing:
        raise ValueError(f"sector {missing[0]!r} has no group")
    g = pd.Series([groups[c] for c in s.columns], index=s.columns)
    big = s.T.groupby(g).sum().T  # region x group shares P_g
    unrelated = _entropy_rows(big, base).to_numpy()
    related = np.zeros(len(s))
    for grp, cols in g.groupby(g).groups.items():
        pg = big[grp].to_numpy()
        within = s[list(cols)].to_numpy() / np.where(pg > 0, pg, 1.0)[:, None]
        related += pg * _entropy_rows(pd.DataFrame(within), base).to_numpy()
    return pd.DataFrame({"related_variety": related, "unrelated_variety": unrelated,
                         "entropy": entropy(emp, base).to_numpy()}, index=emp.index)
