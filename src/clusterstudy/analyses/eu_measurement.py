"""Europe: measurement error in the sector measures, its size and an errors-in-variables estimate.

Two-digit employment shares and star thresholds are noisy; noise in a regressor attenuates its
coefficient in the cross-section and the panel alike. Each measure is computed twice, on
2008-2009 and on 2010-2011 (:data:`PERIODS`), with the default rule: their correlation across
regions is the measure's reliability (and its correlation within countries, after removing
country means, what the within comparison uses). The errors-in-variables estimate instruments
one period's measure with the other's, stacked both ways (ORIV, Gillen, Snowberg & Yariv 2019,
:func:`clusterstudy.estimation.iv.oriv`), errors clustered by country; OLS on each period's
measure is beside it. Outcome and controls are the default cross-section's (patents 2008-2011).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from clusterstudy.analyses import eu_sample
from clusterstudy.core.prose import pval
from clusterstudy.estimation import iv, models
from clusterstudy.measures import catalogue

PERIODS = ((2008, 2009), (2010, 2011))
SUFFIX = ("_a", "_b")
COLUMNS = ["measure", "estimator", "comparison", "coef", "se", "p", "ci_low", "ci_high", "n", "clusters",
           "reliability", "reliability_within", "first_stage_f"]


def _z(s: pd.Series) -> pd.Series:
    return (s - s.mean()) / s.std()


def with_periods(regions: pd.DataFrame, measures: tuple[str, ...], periods=PERIODS) -> pd.DataFrame:
    """``regions`` with each measure of each period (``<measure>_a``: 2008-2009, ``<measure>_b``: 2010-2011)."""
    out = regions.copy()
    for (start, end), suffix in zip(periods, SUFFIX, strict=True):
        ind, _ = eu_sample.region_indicators((start, end))
        ind = ind.set_index("nuts2")
        for m in measures:
            out[f"{m}{suffix}"] = out["nuts2"].map(ind[m])
    return out


def reliability(frame: pd.DataFrame, measure: str) -> tuple[float, float, int]:
    """Pearson correlation of the two periods' measure across regions and within countries, regions used."""
    d = frame.dropna(subset=[f"{measure}_a", f"{measure}_b"])
    a, b = d[f"{measure}_a"], d[f"{measure}_b"]
    wa = a - a.groupby(d["country"]).transform("mean")
    wb = b - b.groupby(d["country"]).transform("mean")
    return float(np.corrcoef(a, b)[0, 1]), float(np.corrcoef(wa, wb)[0, 1]), len(d)


def measurement_table(frame: pd.DataFrame, measures: tuple[str, ...], controls: list[str]) -> pd.DataFrame:
    """Per measure and comparison: OLS on each period's measure and the ORIV estimate (:data:`COLUMNS`).

    Each period's measure is z-scored on the regions with both (the coefficient is per SD).
    """
    rows = []
    for m in measures:
        a, b = f"{m}_a", f"{m}_b"
        rel, rel_within, _ = reliability(frame, m)
        d = models.prepare(frame, "patents_per_million", a, [b, *controls], cluster="country")
        d = d.assign(**{a: _z(d[a]), b: _z(d[b])})
        for comparison, fe in (("across", None), ("within", "country")):
            common = {"measure": m, "comparison": comparison, "reliability": rel, "reliability_within": rel_within}
            for label, x in ((f"OLS {PERIODS[0][0]}-{PERIODS[0][1]}", a), (f"OLS {PERIODS[1][0]}-{PERIODS[1][1]}", b)):
                t = models.tidy(models.fit(d, x, controls, fe), "m").set_index("term").loc[x]
                rows.append({**common, "estimator": label, **{c: t[c] for c in ("coef", "se", "p", "ci_low",
                                                                                "ci_high", "n", "clusters")},
                             "first_stage_f": np.nan})
            r = iv.oriv(d, "log_outcome", a, b, controls, fe)
            rows.append({**common, "estimator": "ORIV", **r})
    return pd.DataFrame(rows)[COLUMNS]


def measurement_sentence(t: pd.DataFrame, measure: str) -> str:
    """Reliability and the ORIV estimate against OLS for one measure, within countries, from ``t``."""
    r = t[(t["measure"] == measure) & (t["comparison"] == "within")].set_index("estimator")
    if "ORIV" not in r.index:
        raise ValueError(f"no ORIV row for {measure!r} in the measurement-error table")
    o = r.loc["ORIV"]
    ols = r.drop(index="ORIV")
    label = catalogue.short(measure)
    return (f"{label[0].upper()}{label[1:]}: reliability across periods {o['reliability']:.2f} "
            f"(within countries {o['reliability_within']:.2f}); within countries OLS "
            + " and ".join(f"{v.coef:+.2f} ({k[4:]})" for k, v in ols.iterrows())
            + f", ORIV {o['coef']:+.2f} ({pval(o['p'], 'clustered p')}, first-stage F {o['first_stage_f']:.0f})")
