"""Europe: every traded construct on three traded sets, a sensitivity of what "traded" contains.

The a-priori traded divisions (:func:`clusterstudy.analyses.eu_sample.sector_classification`)
include wholesale (G46), the largest traded division in most regions. Each traded measure is
recomputed on all a-priori traded divisions, on all but G46, and on manufacturing alone
(:data:`clusterstudy.analyses.eu_sample.TRADED_SETS`), and refitted across and within countries
by OLS and Poisson PML (the models of :func:`clusterstudy.analyses.eu_models.fit_models`):
errors clustered by country with t(G-1) p-values and the wild bootstrap p beside them.
"""

from __future__ import annotations

import pandas as pd

from clusterstudy.analyses import eu_models, eu_sample
from clusterstudy.core.prose import pval
from clusterstudy.estimation import models
from clusterstudy.measures import catalogue, indices

SET_LABELS = {"all": "all a-priori traded divisions", "without_G46": "without wholesale (G46)",
              "manufacturing": "manufacturing only (NACE C)"}
# fit_models' model -> (comparison, estimator)
MODELS = {eu_models.CONTROLS_MODEL: ("across countries", "OLS"),
          eu_models.COUNTRY_FE_MODEL: ("within countries", "OLS"),
          "(5) Poisson PML": ("across countries", "Poisson PML"),
          "(6) Poisson PML + country FE": ("within countries", "Poisson PML")}
COLUMNS = ["traded_set", "measure", "comparison", "estimator", "coef", "se", "p_clustered", "p_wild", "n",
           "clusters", "divisions"]


def traded_set_rows(regions: pd.DataFrame, traded_set: str, measures: tuple[str, ...], divisions: int,
                    B: int = models.WILD_B, seed: int = models.WILD_SEED) -> pd.DataFrame:
    """The four models of each measure on one traded set's indicator table (:data:`COLUMNS`)."""
    rows = []
    for m in measures:
        t = eu_models.fit_models(regions, m, include=tuple(MODELS), B=B, seed=seed)
        for r in t[t["term"] == m].itertuples():
            comparison, estimator = MODELS[str(r.model)]
            rows.append({"traded_set": traded_set, "measure": m, "comparison": comparison, "estimator": estimator,
                         "coef": r.coef, "se": r.se, "p_clustered": r.p, "p_wild": r.p_wild, "n": int(r.n),
                         "clusters": int(r.clusters), "divisions": divisions})
    return pd.DataFrame(rows, columns=COLUMNS)


def traded_sets_table(measures: tuple[str, ...] = indices.TRADED_MEASURES, B: int = models.WILD_B,
                      seed: int = models.WILD_SEED) -> pd.DataFrame:
    """Every traded measure on every traded set, default sample rule otherwise."""
    cls = eu_sample.sector_classification()
    traded = cls.loc[cls["traded"], "nace_r2"]
    frames = []
    for s, pattern in eu_sample.TRADED_SETS.items():
        regions, _ = eu_sample.region_indicators(traded_set=s)
        n_div = int(traded.str.fullmatch(pattern).sum())
        frames.append(traded_set_rows(regions, s, measures, n_div, B, seed))
    return pd.concat(frames, ignore_index=True)


def _cell(t: pd.DataFrame, s: str, m: str, comparison: str) -> str:
    r = t[(t["traded_set"] == s) & (t["measure"] == m) & (t["comparison"] == comparison)
          & (t["estimator"] == "OLS")]
    if r.empty:
        raise ValueError(f"no OLS row for {s!r}, {m!r}, {comparison!r} in the traded-sets table")
    r0 = r.iloc[0]
    return f"{r0['coef']:+.2f} ({pval(r0['p_clustered'], 'clustered p')}, {pval(r0['p_wild'], 'wild p')})"


def traded_sets_sentence(t: pd.DataFrame, largest: pd.DataFrame | None = None) -> str:
    """How the concentration and the primary measure move with the traded set (OLS), from ``t``.

    ``largest``: :func:`clusterstudy.analyses.eu_constructs.largest_traded` of the a-priori split
    (how often G46 is a region's largest traded division, and its part of ``hhi_traded`` there).
    """
    hhi, primary = "hhi_traded", "cluster_strength_traded"
    g46 = ""
    if largest is not None and "G46" in set(largest["nace_r2"]):
        r = largest.set_index("nace_r2").loc["G46"]
        g46 = (f" Wholesale (G46) is the largest traded division in {int(r['regions_largest'])} regions, where it "
               f"makes up {r['mean_part_of_hhi_traded']:.0%} of {catalogue.short(hhi)} on average.")
    across = [_cell(t, s, hhi, "across countries") for s in SET_LABELS]
    ols = t[(t["measure"] == hhi) & (t["comparison"] == "across countries") & (t["estimator"] == "OLS")]
    coef = ols.set_index("traded_set")["coef"]
    reading = ("so most of its across-country association goes with wholesale's weight"
               if abs(coef["without_G46"]) < abs(coef["all"]) / 2 else "so it does not hinge on wholesale")
    within = [_cell(t, s, primary, "within countries") for s in SET_LABELS]
    return (f"*Traded sets* (`tables/eu_traded_sets.csv`, OLS per SD).{g46} Across countries, "
            f"{catalogue.short(hhi)} is {across[0]} on all a-priori traded divisions, {across[1]} without G46 and "
            f"{across[2]} on manufacturing alone, {reading}. Within countries, {catalogue.short(primary)} is {within[0]}, "
            f"{within[1]} without G46 and {within[2]} on manufacturing alone.")
