"""Europe: does the association differ for capital regions, dense regions, and the EU-15?

CLUSNET's claim is about city regions. Each moderator (:data:`MODERATORS`) enters the default
model with its interaction with the standardised measure, across and within countries; errors
clustered by country (t(G-1)), the wild cluster restricted bootstrap p of the interaction, and
the family of interactions adjusted together (Romano–Wolf with the restricted wild cluster bootstrap,
:func:`clusterstudy.estimation.multiple_testing.adjust_family`; Holm on the wild p as the check).

- ``capital``: the NUTS-2 region holding the national capital (:data:`CAPITAL_REGIONS`; London as
  Inner London, UKI1, the code the sample uses);
- ``log_density``: log inhabitants per km², standardised, the area from the NUTS 2013 geometry
  (``geo_nuts2_2013``) in the ETRS89-LAEA equal-area projection;
- ``eu15``: a region of the fifteen members before 2004 (:data:`EU15`; Norway, in the EEA, counts with
  the later members as a non-EU-15 country).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from clusterstudy.core.prose import pval
from clusterstudy.data import boundaries
from clusterstudy.estimation import models, multiple_testing

CAPITAL_REGIONS = ("AT13", "BE10", "BG41", "CY00", "CZ01", "DE30", "DK01", "EE00", "EL30", "ES30", "FI1B", "FR10",
                   "HR04", "HU10", "IE02", "ITI4", "LT00", "LU00", "LV00", "MT00", "NL32", "NO01", "PL12", "PT17",
                   "RO32", "SE11", "SI04", "SK01", "UKI1")
EU15 = ("AT", "BE", "DE", "DK", "EL", "ES", "FI", "FR", "IE", "IT", "LU", "NL", "PT", "SE", "UK")
MODERATORS = {"capital": "capital region", "log_density": "log population density (per SD)",
              "eu15": "EU-15 member"}
COLUMNS = ["moderator", "measure", "comparison", "term", "coef", "se", "p_clustered", "p_wild", "p_adjusted",
           "p_holm", "measure_coef", "n", "clusters", "moderated_regions", "family", "family_size"]


def area_km2() -> pd.Series:
    """Area of each NUTS-2 region (km², equal-area projection), indexed by code."""
    geo = boundaries.project(boundaries.load("nuts2"), "europe")
    return pd.Series(geo.geometry.area.to_numpy() / 1e6, index=geo["nuts2"].to_numpy())


def with_moderators(regions: pd.DataFrame) -> pd.DataFrame:
    """``regions`` with ``capital`` and ``eu15`` (0/1), ``density`` (inhabitants per km²) and ``log_density``."""
    area = area_km2()
    out = regions.assign(capital=regions["nuts2"].isin(CAPITAL_REGIONS).astype(float),
                         eu15=regions["country"].isin(EU15).astype(float),
                         density=regions["population"] / regions["nuts2"].map(area))
    return out.assign(log_density=np.log(out["density"]))


def interaction_fit(frame: pd.DataFrame, measure: str, moderator: str, controls: list[str],
                    fixed_effects: str | None):
    """OLS of log patents per million on z(measure), the moderator and their product, + controls.

    The measure (and ``log_density``) are z-scored on the estimation sample; a moderator constant
    within countries (``eu15``) has no main effect with country fixed effects. Returns the result
    and the interaction's name.
    """
    d = models.prepare(frame, "patents_per_million", measure, [*controls, moderator], cluster="country")
    if fixed_effects:
        d = d[d.groupby(fixed_effects)[fixed_effects].transform("size") > 1]
    d = d.assign(**{measure: (d[measure] - d[measure].mean()) / d[measure].std()})
    if moderator == "log_density":
        d[moderator] = (d[moderator] - d[moderator].mean()) / d[moderator].std()
    term = f"{measure}_x_{moderator}"
    d[term] = d[measure] * d[moderator]
    within_constant = fixed_effects and d.groupby(fixed_effects)[moderator].nunique().max() <= 1
    main = [] if within_constant else [moderator]
    return models.fit(d, measure, [*controls, *main, term], fixed_effects), term


def heterogeneity_table(frame: pd.DataFrame, measure: str, controls: list[str], B: int = models.WILD_B,
                        seed: int = models.WILD_SEED) -> pd.DataFrame:
    """One row per moderator x comparison (:data:`COLUMNS`), the interactions adjusted as one family."""
    rows, fits = [], []
    for moderator in MODERATORS:
        for comparison, fe in (("across", None), ("within", "country")):
            res, term = interaction_fit(frame, measure, moderator, controls, fe)
            t = models.tidy(res, "m", wild_terms=(term,), B=B, seed=seed).set_index("term")
            r = t.loc[term]
            fits.append((res, term))
            rows.append({"moderator": moderator, "measure": measure, "comparison": comparison, "term": term,
                         "coef": r["coef"], "se": r["se"], "p_clustered": r["p"], "p_wild": r["p_wild"],
                         "measure_coef": t.at[measure, "coef"], "n": int(r["n"]), "clusters": int(r["clusters"]),
                         "moderated_regions": int((res.model.data.frame[moderator] > 0).sum())
                         if moderator != "log_density" else int(r["n"])})
    out = pd.DataFrame(rows)
    adj = multiple_testing.adjust_family(fits, B=B, seed=seed, p_holm_from=out["p_wild"].tolist(), restricted=True)
    out["p_adjusted"], out["p_holm"] = adj["p_adjusted"].to_numpy(), adj["p_holm"].to_numpy()
    out["family"] = f"Europe heterogeneity interactions: {multiple_testing.RW_RESTRICTED}"
    out["family_size"] = len(fits)
    return out[COLUMNS]


def heterogeneity_sentence(t: pd.DataFrame, alpha: float = 0.05) -> str:
    """Each interaction within countries with its clustered, wild and family-adjusted p, from ``t``."""
    r = t[t["comparison"] == "within"]
    if r.empty:
        raise ValueError("no within-country rows in the heterogeneity table")
    parts = [f"{MODERATORS[x.moderator]} {x.coef:+.2f} ({pval(x.p_clustered, 'clustered p')}, "
             f"{pval(x.p_wild, 'wild p')}, {pval(x.p_adjusted, 'Romano-Wolf p')})" for x in r.itertuples()]
    n_sig = int((t["p_adjusted"] < alpha).sum())
    return ("Interactions with the measure per SD, within countries: " + "; ".join(parts)
            + f". {n_sig} of {len(t)} interactions (across and within) pass {alpha:.0%} after the family adjustment.")
