"""Two-way fixed-effects panel regressions (pyfixest) and the within-unit share of variance.

One of the two places the compendium leaves statsmodels (with :mod:`clusterstudy.estimation.iv`,
for 2SLS): with errors clustered by unit or by a group of units (countries), the unit effects
are nested in the clusters, and the small-sample factor should not count them (the convention of
reghdfe and fixest); statsmodels has no fixed-effect absorption and would count every unit dummy.
The coefficient is statsmodels' OLS with unit and year dummies, and the standard error differs
only by that factor (tests/test_eu_designs.py holds the two against each other).

- :func:`fit_twoway`: OLS of ``log_outcome`` on a standardised measure and controls with unit
  and time (or group x time) fixed effects (pyfixest ``feols``), errors clustered by unit or a
  coarser group (CRV1, t(G-1)), and
  the wild cluster restricted bootstrap p-value of the measure (pyfixest's ``wildboottest``).
- :func:`within_share`: the share of a variable's variance that lies within units over time,
  the variation a unit fixed-effects model can use.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from clusterstudy.estimation.models import WILD_B, WILD_SEED


def within_share(panel: pd.DataFrame, column: str, unit: str = "nuts2") -> float:
    """Within-unit sum of squares over the total sum of squares of ``column`` (units seen twice or more)."""
    d = panel.dropna(subset=[column])
    d = d[d.groupby(unit)[unit].transform("size") > 1]
    x = d[column].to_numpy(dtype=float)
    total = np.sum((x - x.mean()) ** 2)
    if not total > 0:
        raise ValueError(f"{column} does not vary in the panel")
    within = np.sum((x - d.groupby(unit)[column].transform("mean").to_numpy()) ** 2)
    return float(within / total)


def fit_twoway(panel: pd.DataFrame, measure: str, controls: list[str], unit: str = "nuts2",
               time: str = "year", B: int = WILD_B, seed: int = WILD_SEED, wild: bool = True,
               cluster: str | None = None, time_by: str | None = None) -> dict:
    """Unit and time fixed effects, errors clustered by ``cluster`` (default ``unit``); one row for ``measure``.

    ``panel`` has ``log_outcome``; the measure is z-scored over the estimation sample (its
    coefficient is per SD of the pooled panel). Singleton units are dropped (pyfixest's
    default). ``cluster``: a column in which units are nested (e.g. ``country``; p from
    t(G-1), G its groups, the wild bootstrap over the same clusters); ``time_by``: time effects
    per group of this column (e.g. country x year) instead of common ones (no wild p then:
    pyfixest's bootstrap gives p = 0 whatever the data; singleton groups are dropped first). Returns ``coef, se,
    p, ci_low, ci_high, p_wild, n, clusters``.
    """
    import pyfixest as pf

    cluster = cluster or unit
    cols = list(dict.fromkeys(["log_outcome", measure, *controls, unit, time, cluster,
                               *([time_by] if time_by else [])]))
    missing = [c for c in cols if c not in panel.columns]
    if missing:
        raise ValueError(f"unknown column {missing[0]!r}")
    d = panel.dropna(subset=cols).copy()
    d = d[d.groupby(unit)[unit].transform("size") > 1]
    if time_by:
        d["time_fe"] = pd.factorize(d[time_by].astype(str) + "_" + d[time].astype(str))[0]
        while True:  # drop singleton groups of either effect (as pyfixest would), so G counts the sample's clusters
            keep = (d.groupby("time_fe")["time_fe"].transform("size") > 1) & (d.groupby(unit)[unit].transform("size") > 1)
            if keep.all():
                break
            d = d[keep]
    sd = d[measure].std()
    if not sd > 0:
        raise ValueError(f"{measure} does not vary in the panel")
    d["x"] = (d[measure] - d[measure].mean()) / sd
    d["unit_id"] = pd.factorize(d[unit])[0]  # integer codes: the bootstrap kernel refuses objects
    d["cluster_id"] = pd.factorize(d[cluster])[0]
    rhs = " + ".join(["x", *controls])
    effects = f"unit_id + {'time_fe' if time_by else time}"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = pf.feols(f"log_outcome ~ {rhs} | {effects}", data=d, vcov={"CRV1": "cluster_id"})
        tidy = fit.tidy().loc["x"]
        p_wild = np.nan
        # no wild p with group x time effects: pyfixest's bootstrap returns p = 0 for any data there
        if wild and not time_by:
            boot = fit.wildboottest(reps=B, param="x", seed=seed, cluster="cluster_id")
            p_wild = float(boot["Pr(>|t|)"])
    return {"coef": float(tidy["Estimate"]), "se": float(tidy["Std. Error"]), "p": float(tidy["Pr(>|t|)"]),
            "ci_low": float(tidy["2.5%"]), "ci_high": float(tidy["97.5%"]), "p_wild": p_wild,
            "n": int(fit._N), "clusters": int(d[cluster].nunique())}
