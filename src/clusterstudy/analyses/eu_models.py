"""European regions: the models of the Figure 6 notebook on the sample of :mod:`clusterstudy.analyses.eu_sample`.

OLS of log patents per million inhabitants on each standardised measure (size and tertiary share
controlled, errors clustered by country, p-values from t(G-1) with the wild cluster bootstrap beside
them), across and within countries, with Poisson PML of the patent count beside OLS
(:func:`headline`); the sentences that state them in prose.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from clusterstudy.core.prose import pboth, pval
from clusterstudy.estimation import models, multiple_testing
from clusterstudy.measures import catalogue, indices

# the names of the OLS models of fit_models that other modules read (the ledger, space, the course)
SIZE_MODEL, CONTROLS_MODEL, COUNTRY_FE_MODEL = "(1) size", "(2) size + controls", "(3) + country FE"

MEDIATOR_NOTE = ("GDP per head is left out of the default models: if clusters raise productivity "
                 "and income, income may lie on the path from clusters to patents (a mediator), and "
                 "controlling for it would remove part of the association under test")


def ols_fit(regions: pd.DataFrame, measure: str, controls: list[str], fixed_effects: str | None = None,
            se: models.SeType = "cluster", zero_patents: models.ZeroHandling = "drop"):
    """OLS of log patents per million on the standardised ``measure`` (errors clustered by country)."""
    d = models.prepare(regions, "patents_per_million", measure, controls, zero_patents, cluster="country")
    return models.fit(d, measure, controls, fixed_effects, se, standardise=True)


def fit_models(regions: pd.DataFrame, measure: str, *, controls: list[str] | tuple[str, ...] = ("tertiary_share",),
               size: str = "log_population", mediator: str | None = "gdp_pps_per_inhabitant",
               country_fe: bool = True, se: models.SeType = "cluster", zero_patents: models.ZeroHandling = "drop",
               wild: bool = True, B: int = models.WILD_B, seed: int = models.WILD_SEED,
               include: tuple[str, ...] | None = None) -> pd.DataFrame:
    """The notebook's models of patenting on one standardised measure, as one tidy table.

    OLS of log patents per million: (1) measure + ``size``; (2) + ``controls``; (3) + country
    fixed effects; (4) = (2) + log ``mediator`` (a possible mediator, a labelled variant);
    the same (2)/(3) with the other error type as a sensitivity; Poisson PML of mean annual
    applications with population as exposure, as (2) and (3). Errors ``se`` (default
    clustered by country, t(G-1) p-values) with a bootstrap p-value of the measure
    (``wild``): wild cluster bootstrap for OLS, wild score bootstrap for Poisson PML.
    ``include``: fit only the models whose names start with one of these prefixes.
    """
    other: models.SeType = "HC3" if se == "cluster" else "cluster"
    base = [size, *controls]
    specs: list[tuple[str, list[str], str | None, models.SeType, str]] = [
        (SIZE_MODEL, [size], None, se, "OLS"), (CONTROLS_MODEL, base, None, se, "OLS")]
    if country_fe:
        specs.append((COUNTRY_FE_MODEL, base, "country", se, "OLS"))
    if mediator:
        specs.append(("(4) + GDP per head (possible mediator)", [*base, mediator], None, se, "OLS"))
    specs.append((f"(2) {other}", base, None, other, "OLS"))
    if country_fe:
        specs.append((f"(3) {other}", base, "country", other, "OLS"))
    specs.append(("(5) Poisson PML", base, None, se, "Poisson PML"))
    if country_fe:
        specs.append(("(6) Poisson PML + country FE", base, "country", se, "Poisson PML"))
    if include is not None:
        specs = [s for s in specs if s[0].startswith(tuple(include))]
    rows = []
    for name, ctrl, fe, err, est in specs:
        if est == "OLS":
            res = ols_fit(regions, measure, ctrl, fe, err, zero_patents)
            terms = (measure,) if wild and err == "cluster" else ()
            rows.append(models.tidy(res, name, wild_terms=terms, B=B, seed=seed))
        else:
            res = models.fit_poisson(regions, "patents", "population", measure, ctrl, fe, se=err,
                                     standardise=True)
            terms = (measure,) if wild and err == "cluster" else ()
            rows.append(models.tidy(res, name, wild_terms=terms, B=B, seed=seed))
    return pd.concat(rows, ignore_index=True)


def headline(regions: pd.DataFrame, measures: tuple[str, ...] = indices.ALL_MEASURES, **kwargs) -> pd.DataFrame:
    """Per measure, the focal coefficient (per SD) across and within countries, OLS and Poisson.

    One row per measure x specification: ``across countries`` = model (2) / (5), ``within
    countries`` = (3) / (6). Columns: ``measure``, ``comparison``, ``estimator``, ``coef``,
    ``ci_low``, ``ci_high``, ``p`` (clustered by country, t(G-1)), ``p_wild`` (wild cluster
    bootstrap for OLS, wild score bootstrap for Poisson PML), ``p_hc3``, ``n``, ``clusters`` (G), and the
    family-wise ``p_adjusted`` (Romano–Wolf with the wild cluster bootstrap over all OLS rows;
    Holm over the Poisson rows), ``p_holm`` (Holm, the check), ``family``, ``family_size``.
    kwargs go to :func:`fit_models`.
    """
    rows = []
    keep = ("(2)", "(3)", "(5)", "(6)")
    for m in measures:
        t = fit_models(regions, m, include=keep, **kwargs)
        t = t[t["term"] == m].set_index("model")
        for comparison, ols, hc3, pml in [("across countries", CONTROLS_MODEL, "(2) HC3", "(5) Poisson PML"),
                                          ("within countries", COUNTRY_FE_MODEL, "(3) HC3",
                                           "(6) Poisson PML + country FE")]:
            if ols not in t.index:
                continue
            for est, key in (("OLS", ols), ("Poisson PML", pml)):
                r = t.loc[key]
                rows.append({"measure": m, "comparison": comparison, "estimator": est,
                             "coef": r["coef"], "ci_low": r["ci_low"], "ci_high": r["ci_high"],
                             "p": r["p"], "p_wild": r["p_wild"],
                             "p_hc3": t.at[hc3, "p"] if est == "OLS" else np.nan, "n": int(r["n"]),
                             "clusters": r["clusters"]})
    out = pd.DataFrame(rows)
    # family-wise adjustment: Romano–Wolf (restricted wild cluster bootstrap, as the single-test wild p)
    # over every OLS row, Holm over
    # the Poisson rows (no wild bootstrap for Poisson PML); Holm beside Romano–Wolf as a check
    out["p_adjusted"], out["p_holm"], out["family"], out["family_size"] = np.nan, np.nan, "", 0
    ols = out["estimator"].eq("OLS").to_numpy()
    if kwargs.get("se", "cluster") == "cluster" and ols.any():
        fits = []
        for r in out[ols].itertuples():
            ctrl = [kwargs.get("size", "log_population"), *kwargs.get("controls", ("tertiary_share",))]
            d = models.prepare(regions, "patents_per_million", r.measure, ctrl, kwargs.get("zero_patents", "drop"),
                               cluster="country")
            fe = "country" if r.comparison == "within countries" else None
            fits.append((models.fit(d, r.measure, ctrl, fe, "cluster", standardise=True), r.measure))
        adj = multiple_testing.adjust_family(fits, p_holm_from=out.loc[ols, "p_wild"].tolist(), restricted=True)
        out.loc[ols, "p_adjusted"], out.loc[ols, "p_holm"] = adj["p_adjusted"].to_numpy(), adj["p_holm"].to_numpy()
        out.loc[ols, "family"] = f"Europe OLS: {multiple_testing.RW_RESTRICTED}"
        out.loc[ols, "family_size"] = int(ols.sum())
    pml = ~ols
    if pml.any():
        out.loc[pml, "p_adjusted"] = multiple_testing.holm(out.loc[pml, "p"].to_numpy())
        out.loc[pml, "p_holm"] = out.loc[pml, "p_adjusted"]
        out.loc[pml, "family"] = "Europe Poisson PML: Holm on clustered p"
        out.loc[pml, "family_size"] = int(pml.sum())
    return out


# the three constructs of the findings: strength, concentration, variety
HEADLINE_MEASURES = ("cluster_strength_traded", "hhi", "related_variety")
PRIMARY_MEASURE = HEADLINE_MEASURES[0]  # the primary construct of the European claims (traded cluster strength)


def headline_sentence(headline: pd.DataFrame, comparison: str, measures: tuple[str, ...] = HEADLINE_MEASURES) -> str:
    """OLS coefficient per SD of each headline measure in one comparison (across / within countries)."""
    rows = headline[(headline["estimator"] == "OLS") & (headline["comparison"] == comparison)
                    & headline["measure"].isin(measures)]
    if rows.empty:
        raise ValueError(f"no OLS rows for comparison {comparison!r} in the EU headline table")
    rows = rows.set_index("measure").loc[[m for m in measures if m in set(rows["measure"])]]
    return "; ".join(f"{catalogue.short(m)} {r.coef:+.2f} ({pboth(r.p, r.p_wild)})" for m, r in rows.iterrows())


def construct_sentence(head: pd.DataFrame, measure: str, label: str, alpha: float = 0.05) -> str:
    """One computed sentence on a measure from :func:`headline`: sign, size and both p-values."""
    h = head[head["measure"] == measure].set_index(["comparison", "estimator"])
    parts = []
    for comparison in ("across countries", "within countries"):
        if (comparison, "OLS") not in h.index:
            continue
        o, p = h.loc[(comparison, "OLS")], h.loc[(comparison, "Poisson PML")]
        sig = "significant" if max(o["p"], o["p_wild"]) < alpha else "not significant"
        parts.append(f"{comparison}, {models.pct_effect(o['coef']):+.0f}% patents per million per SD "
                     f"({pval(o['p'], 'clustered p')}, {pval(o['p_wild'], 'wild bootstrap p')}: {sig} at "
                     f"{alpha:.0%}; Poisson PML {models.pct_effect(p['coef']):+.0f}%, {pval(p['p'])})")
    return f"{label[0].upper()}{label[1:]}: " + "; ".join(parts) + "."


def prosperity_models(regions: pd.DataFrame) -> pd.DataFrame:
    """OLS of log GDP per inhabitant on each standardised traded measure, country fixed effects,
    errors clustered by country: wild p and Romano–Wolf (restricted draws) over the four measures."""
    fits, rows = [], []
    for m in indices.TRADED_MEASURES:
        d = models.prepare(regions, "gdp_pps_per_inhabitant", m, [], cluster="country")
        res = models.fit(d, m, [], "country", "cluster", standardise=True)
        fits.append((res, m))
        rows.append(models.tidy(res, m, wild_terms=(m,)).query("term == @m"))
    out = pd.concat(rows, ignore_index=True)
    adj = multiple_testing.adjust_family(fits, p_holm_from=out["p_wild"].tolist(), restricted=True)
    return out.assign(p_adjusted=adj["p_adjusted"].to_numpy(), p_holm=adj["p_holm"].to_numpy(),
                      family=f"Europe GDP per head, four traded measures: {multiple_testing.RW_RESTRICTED}",
                      family_size=len(fits))
