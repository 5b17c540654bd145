"""Specification curve (Simonsohn, Simmons & Nelson 2020) for the European regressions.

Every combination of the choices below is estimated in-process: OLS of log patents per
million on the standardised measure, HC3 errors. The result has one row per specification.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from . import europe, indices, models

CONTROL_SETS = {
    "none": [],
    "GDP": ["gdp_pps_per_inhabitant"],
    "GDP + tertiary": ["gdp_pps_per_inhabitant", "tertiary_share"],
}
DEFAULT_CHOICES = {
    "measure": list(indices.MEASURES),
    "period": ["2008-2012", "2008-2010", "2010-2012"],
    "sectors": list(europe.SECTOR_SETS),
    "controls": list(CONTROL_SETS),
    "fixed_effects": ["none", "country"],
    "zero_patents": list(models.ZERO_HANDLING),
}


def run(choices: dict[str, list] | None = None, se: str = "HC3") -> pd.DataFrame:
    """Estimate every specification; one row each with the choices and the measure's estimate."""
    choices = {**DEFAULT_CHOICES, **(choices or {})}
    unknown = set(choices) - set(DEFAULT_CHOICES)
    if unknown:
        raise ValueError(f"unknown choice {sorted(unknown)[0]!r}; known: {', '.join(DEFAULT_CHOICES)}")
    samples = {}
    for period, sectors in itertools.product(choices["period"], choices["sectors"]):
        start, end = (int(y) for y in period.split("-"))
        samples[period, sectors] = europe.region_indicators((start, end), sectors)[0]
    rows = []
    keys = list(DEFAULT_CHOICES)
    for combo in itertools.product(*(choices[k] for k in keys)):
        spec = dict(zip(keys, combo, strict=True))
        ctrl = CONTROL_SETS[spec["controls"]]
        d = models.prepare(samples[spec["period"], spec["sectors"]], "patents_per_million",
                           spec["measure"], ctrl, spec["zero_patents"])
        fe = None if spec["fixed_effects"] == "none" else "country"
        res = models.fit(d, spec["measure"], ctrl, fe, se, standardise=True)
        est = models.tidy(res, "spec").set_index("term").loc[spec["measure"]]
        rows.append({**spec, **est[["coef", "se", "p", "ci_low", "ci_high", "n", "r2"]].to_dict()})
    out = pd.DataFrame(rows)
    out["n"] = out["n"].astype(int)
    out["result"] = np.select([(out["p"] < 0.05) & (out["coef"] > 0), (out["p"] < 0.05) & (out["coef"] < 0)],
                              ["positive and significant", "negative and significant"], "not significant")
    return out


def shares(specs: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """Share of specifications positive-significant, negative-significant and neither."""
    order = ["positive and significant", "negative and significant", "not significant"]
    groups = [by] if by else []
    counts = specs.groupby(groups + ["result"]).size() if by else specs.groupby("result").size()
    table = counts.unstack(fill_value=0) if by else counts.to_frame().T
    table = table.reindex(columns=order, fill_value=0)
    table.insert(0, "specifications", table.sum(axis=1))
    for c in order:
        table[c] = table[c] / table["specifications"]
    table = table.reset_index() if by else table.reset_index(drop=True)
    if not by:
        table.insert(0, "measure", "all measures")
    return table.rename(columns={by: "measure"} if by else {})
