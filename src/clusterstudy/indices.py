"""Specialisation indices from a region x sector employment matrix.

Every function takes ``emp``: a DataFrame with regions as rows, sectors as columns and
non-negative employment (missing cells as 0), and returns one value per region (Series) or
per cell (DataFrame). The reference structure ("EU") is the column totals of ``emp`` itself.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def _check(emp: pd.DataFrame) -> pd.DataFrame:
    if emp.empty:
        raise ValueError("employment matrix is empty")
    if (emp.to_numpy() < 0).any():
        raise ValueError("employment matrix has negative cells")
    if (emp.sum(axis=1) <= 0).any():
        raise ValueError(f"regions without employment: {list(emp.index[emp.sum(axis=1) <= 0])[:5]}")
    return emp.astype("float64")


def shares(emp: pd.DataFrame) -> pd.DataFrame:
    """Each sector's share of its region's employment (rows sum to 1)."""
    emp = _check(emp)
    return emp.div(emp.sum(axis=1), axis=0)


def reference_shares(emp: pd.DataFrame) -> pd.Series:
    """Each sector's share of total (EU) employment."""
    total = _check(emp).sum(axis=0)
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
    emp = _check(emp)
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


MEASURES = ("cluster_strength", "n_star_sectors", "hhi", "krugman")


def all_measures(emp: pd.DataFrame, **star_args) -> pd.DataFrame:
    """HHI, Krugman, cluster strength and number of starred sectors, one row per region."""
    return pd.concat([hhi(emp), krugman(emp), cluster_strength(emp, **star_args)], axis=1)
