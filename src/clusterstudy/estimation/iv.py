"""Errors-in-variables by instrumental variables: obviously related instrumental variables (ORIV).

Gillen, Snowberg & Yariv (2019, *Journal of Political Economy* 127(4)): with two noisy measures
``x_a``, ``x_b`` of one regressor whose errors are independent, each instruments the other. The
data are stacked twice (``x_a`` instrumented by ``x_b``, then ``x_b`` by ``x_a``), every
exogenous regressor and fixed effect interacted with the copy, and one 2SLS coefficient is
estimated; errors are clustered at a level that holds both copies of a unit (here countries), so
p-values use t(G-1). Two-stage least squares is pyfixest's (``feols`` IV syntax).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd


def stack(d: pd.DataFrame, x_a: str, x_b: str, controls: list[str], fixed_effects: str | None = None) -> pd.DataFrame:
    """The two copies: ``x`` (regressor), ``z`` (instrument), ``copy`` (0/1), controls per copy, ``fe`` per copy."""
    copies = []
    for k, (x, z) in enumerate(((x_a, x_b), (x_b, x_a))):
        c = d.assign(x=d[x], z=d[z], copy=k)
        for ctrl in controls:
            c[f"{ctrl}__{k}"] = d[ctrl]
            c[f"{ctrl}__{1 - k}"] = 0.0
        if fixed_effects:
            c["fe"] = d[fixed_effects].astype(str) + f"__{k}"
        copies.append(c)
    return pd.concat(copies, ignore_index=True)


def oriv(d: pd.DataFrame, outcome: str, x_a: str, x_b: str, controls: list[str], fixed_effects: str | None = None,
         cluster: str = "country") -> dict:
    """ORIV estimate of the coefficient of the regressor measured by ``x_a`` and ``x_b``.

    Returns ``coef, se, p, ci_low, ci_high, n`` (units, not stacked rows), ``clusters`` and
    ``first_stage_f`` (the stacked first stage's clustered F of the instrument).
    """
    import pyfixest as pf

    cols = [outcome, x_a, x_b, *controls, cluster, *([fixed_effects] if fixed_effects else [])]
    missing = [c for c in cols if c not in d.columns]
    if missing:
        raise ValueError(f"unknown column {missing[0]!r}")
    d = d.dropna(subset=cols)
    if fixed_effects:
        d = d[d.groupby(fixed_effects)[fixed_effects].transform("size") > 1]
    s = stack(d, x_a, x_b, controls, fixed_effects)
    s["cluster_id"] = pd.factorize(s[cluster])[0]
    exog = " + ".join([f"{c}__{k}" for c in controls for k in (0, 1)]) or "1"
    formula = (f"{outcome} ~ {exog} | fe | x ~ z" if fixed_effects else f"{outcome} ~ copy + {exog} | x ~ z")
    first = f"x ~ z + {exog} | fe" if fixed_effects else f"x ~ z + copy + {exog}"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = pf.feols(formula, data=s, vcov={"CRV1": "cluster_id"})
        fs = pf.feols(first, data=s, vcov={"CRV1": "cluster_id"}).tidy().loc["z"]
    t = fit.tidy().loc["x"]
    return {"coef": float(t["Estimate"]), "se": float(t["Std. Error"]), "p": float(t["Pr(>|t|)"]),
            "ci_low": float(t["2.5%"]), "ci_high": float(t["97.5%"]), "n": int(len(d)),
            "clusters": int(d[cluster].nunique()), "first_stage_f": float(np.square(fs["t value"]))}
