"""Specification curve with inference (Simonsohn, Simmons & Nelson 2020) for the European regressions.

The grid (one declaration per choice; a construct is one entry of :data:`CONSTRUCTS`):

- *construct*: the specialisation measure, with its expected sign under the CLUSNET claim;
- *star rule*: thresholds of the star-based measures (one at a time around the default);
- *traded split*: which divisions are traded (a priori from the U.S. cluster definitions, or by
  locational Gini), for the star-based traded constructs;
- *sectors*, *period* (non-overlapping patent windows), *outliers* (all regions, or without
  very small ones): they define the sample and the measures;
- *design* (:data:`DESIGNS`, from :mod:`clusterstudy.analyses.eu_designs`): the sector structure of
  the patent window, of 2008 before the 2010-2011 window (lagged), or of the window with the
  region's 2000-2004 patent rate as a control;
- *outcome* (patents per million inhabitants or per employee) and *estimator* (OLS of the
  log rate, or Poisson PML of the patent count with the population or employment as
  exposure);
- *controls* (none, size, + tertiary share, + GDP (a mediator), + R&D intensity 2000-2004 (a
  confounder measured before)), *fixed effects* (none or country).

Two of these choices are ones the compendium rejects elsewhere (:data:`REJECTED`: GDP per head as a
control, a possible mediator; the locational-Gini traded split): their specifications are estimated
and shown in a separate, labelled panel (``panel`` column), out of the main curve and its share tests.

Inference is not a specification: errors are clustered by country in every specification,
with p-values and intervals from t(G-1), G the countries of the specification's sample.
Every specification is distinct: a star rule that gives the same measure as another in a
sample, or an outlier rule that removes no region, adds no specification (:func:`build`
drops such duplicates, and a test fails if two specifications give the same estimate).
Choices the other analyses create enter as one declaration each: a control (the R&D control)
as one more entry of :data:`CONTROL_SETS`; a sample- or measure-defining choice (the traded
split, the research design) as one more declaration (:data:`TRADED_SPLITS`, :data:`DESIGNS`)
read by :func:`sample_frame` and :func:`build`.

Every specification's measure is standardised in its estimation sample, so each estimate is
the change in the log outcome per standard deviation. All specifications are estimated in
batches: OLS from per-country sufficient statistics (:mod:`clusterstudy.estimation.cluster_bootstrap`),
Poisson PML by Newton's method on all columns at once (:mod:`clusterstudy.estimation.batchfit`)
(the tests refit every ninth specification with statsmodels).

Inference (:func:`resample`): the null of no effect is imposed on every specification (OLS:
``log y - b x``; Poisson: ``y * exp(-b x)``, which removes the estimated effect from the
conditional mean, and each draw's slope is taken relative to the full-sample fit of that
outcome, which is not exactly zero when the measure has outlying values); countries are drawn
with replacement (a cluster bootstrap: weight = copies of the country); every specification is
re-estimated on each draw (OLS: a weighted sum of per-country cross-products, no refit;
Poisson: refitted to convergence, warm-started by one Newton step from the full-sample null fit's
per-country scores and Hessians, :func:`clusterstudy.estimation.cluster_bootstrap.poisson_onestep`, then
Newton's method on the rows, :func:`clusterstudy.estimation.batchfit.poisson`); and three statistics per
construct are compared with their null distributions
(:mod:`clusterstudy.analyses.speccurve_inference`). Draw ``d`` uses a seed spawned from
``(seed, d)``, so results do not depend on how draws are split among workers.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from clusterstudy.analyses import eu_designs, eu_sample
from clusterstudy.data import extracts
from clusterstudy.estimation import batchfit, cluster_bootstrap, multiverse
from clusterstudy.measures import catalogue, indices


@dataclass(frozen=True)
class Construct:
    """A measure of specialisation: where it comes from and what the CLUSNET claim expects.

    ``column`` names the :func:`eu_sample.region_indicators` column; a star-based construct
    also has ``compute(matrix, traded, **rule)`` giving its value under another star rule.
    """

    column: str
    why: str
    compute: Callable[..., pd.Series] | None = None
    sector_sets: tuple[str, ...] = tuple(eu_sample.SECTOR_SETS)

    @property
    def label(self) -> str:
        """The measure's short label (:mod:`clusterstudy.measures.catalogue`)."""
        return catalogue.short(self.column)

    @property
    def expected_sign(self) -> str:
        """The sign the CLUSNET claim predicts (:mod:`clusterstudy.measures.catalogue`)."""
        return catalogue.MEASURES[self.column].expected_sign


def _traded_strength(part: str) -> Callable[..., pd.Series]:
    def compute(emp: pd.DataFrame, traded: list[str], lq_threshold: float, quantile: float,
                min_stars: int) -> pd.Series:
        return indices.traded_cluster_strength(emp, traded, min_stars, lq_threshold, quantile)[part].astype(float)
    return compute


CONSTRUCTS: dict[str, Construct] = {
    "cluster_strength_traded": Construct(
        "cluster_strength_traded", compute=_traded_strength("cluster_strength_traded"),
        why="CLUSNET: regions whose employment sits in strong (starred) traded clusters innovate more"),
    "n_star_sectors_traded": Construct(
        "n_star_sectors_traded", compute=_traded_strength("n_star_sectors_traded"),
        why="the same claim counted in starred traded divisions"),
    "hhi": Construct("hhi", why="CLUSNET: focus on few sectors; Jacobs externalities would predict -"),
    "krugman": Construct("krugman", why="a structure unlike the EU's is specialisation; diversity arguments predict -"),
    "related_variety": Construct("related_variety", why="Frenken et al. (2007): variety within sections eases spillovers"),
    "unrelated_variety": Construct("unrelated_variety", sector_sets=("all",),
                                   why="the opposite of the claim's focus; Frenken et al. expect no innovation gain "
                                       "(constant within manufacturing, a single NACE section)"),
}
STAR_RULES: dict[str, dict] = {  # one threshold at a time around the Observatory default
    "LQ>=2, top decile, 2 stars": {"lq_threshold": 2.0, "quantile": 0.9, "min_stars": 2},
    "LQ>=1.5": {"lq_threshold": 1.5, "quantile": 0.9, "min_stars": 2},
    "LQ>=3": {"lq_threshold": 3.0, "quantile": 0.9, "min_stars": 2},
    "top quintile": {"lq_threshold": 2.0, "quantile": 0.8, "min_stars": 2},
    "3 stars": {"lq_threshold": 2.0, "quantile": 0.9, "min_stars": 3},
}
NO_STARS = "not star-based"
# which divisions are traded (issue 20): a priori from the U.S. cluster definitions (default) or by
# the locational-Gini split; only the star-based traded constructs depend on it
TRADED_SPLITS = {"a priori (U.S. clusters)": "us_clusters", "locational Gini": "gini"}
NO_SPLIT = "not split-based"
# non-overlapping windows of complete patent years (2012 is incomplete: eu_sample.patent_years)
PERIODS = {"2008-2009": (2008, 2009), "2010-2011": (2010, 2011)}
SECTORS = tuple(eu_sample.SECTOR_SETS)
SMALL_REGION = 500_000  # inhabitants; NUTS 2 regions should have 800,000-3,000,000 (Regulation 1059/2003)
OUTLIERS = {"all regions": 0.0, f"without regions under {SMALL_REGION:,} inhabitants": SMALL_REGION}
OUTCOMES = {"patents per million": "population", "patents per employee": "employment_all"}  # -> exposure
ESTIMATORS = multiverse.ESTIMATORS
CONTROL_SETS = {
    "none": [],
    "size": ["log_population"],
    "size + tertiary": ["log_population", "tertiary_share"],
    "size + tertiary + GDP": ["log_population", "tertiary_share", "log_gdp"],
    "size + tertiary + R&D 2000-2004": ["log_population", "tertiary_share", "rd_pct_gdp_pre"],
}
# research designs (issue 21) that fit a cross-section: measures of the patent window; measures of
# LAGGED_YEARS, before the window (only the windows that start after them); or the window's
# measures with the log 2000-2004 patent rate as a control. The region-year panel with region
# fixed effects is not a choice: it clusters by region and uses the within-region variation
# that eu_designs reports as a small share of the total.
DESIGNS = {"same window": [], "lagged structure (2008)": [], "pre-period patents control": ["log_pre_patents"]}
LAGGED = "lagged structure (2008)"
LAGGED_YEARS = (2008, 2008)
FIXED_EFFECTS = ("none", "country")
CHOICES = ["construct", "star_rule", "traded_split", "sectors", "period", "design", "outliers", "outcome",
           "estimator", "controls", "fixed_effects"]
DRAWS = multiverse.DRAWS
ALPHA = multiverse.ALPHA
# choices the compendium itself rejects elsewhere: estimated, but shown in a separate, labelled panel, out of
# the main curve and its share tests (issue 32)
MAIN = "main"
REJECTED = {  # (choice, value) -> what it is, for the panel's label; why the compendium rejects it: the notebook
    ("controls", "size + tertiary + GDP"): "GDP per head as a control (a possible mediator)",
    ("traded_split", "locational Gini"): "the locational-Gini traded split",
}


@functools.cache
def _indicators(years: tuple[int, int], sectors: str) -> pd.DataFrame:
    return eu_sample.region_indicators(years, sectors)[0]


def sample_frame(period: str, sectors: str, constructs: list[str] | None = None,
                 sbs: pd.DataFrame | None = None, lagged: bool = False) -> pd.DataFrame:
    """One row per region: outcomes, exposures, controls and every (construct, star rule) measure.

    The indicator table is :func:`eu_sample.region_indicators` (default star rule) of the patent
    window, or with ``lagged`` of :data:`LAGGED_YEARS` (measures, controls, employment) with the
    window's patents; the star-based constructs are recomputed for every star rule under each
    traded split. ``log_pre_patents`` and ``rd_pct_gdp_pre`` come from
    :mod:`clusterstudy.analyses.eu_designs` (missing where a region lacks them).
    """
    if period not in PERIODS:
        raise ValueError(f"unknown period {period!r}; choose one of {', '.join(PERIODS)}")
    years = LAGGED_YEARS if lagged else PERIODS[period]
    if lagged and LAGGED_YEARS[1] >= PERIODS[period][0]:
        raise ValueError(f"a lagged design needs a window after {LAGGED_YEARS[1]}; {period} is not")
    d = _indicators(years, sectors)
    total = _indicators(years, "all").set_index("nuts2")["employment"].reindex(d["nuts2"]).to_numpy()
    d = d.assign(employment_all=total, log_gdp=np.log(d["gdp_pps_per_inhabitant"]))
    if lagged:  # the window's patents and the population they are counted per
        later = eu_sample.patent_means(eu_sample.patent_years(PERIODS[period])).reindex(d["nuts2"])
        d = d.assign(**{c: later[c].to_numpy() for c in ("patents", "patents_per_million", "population")})
    d = eu_designs.with_controls(eu_designs.with_pre_period(d), period=years)
    sbs = extracts.load("eu_sbs_employment") if sbs is None else sbs
    emp, _ = eu_sample.employment_matrix(years, sectors, sbs=sbs)
    traded = {}
    for label, split in TRADED_SPLITS.items():
        cls = eu_sample.sector_classification(years, sbs=sbs, split=split)
        traded[label] = [c for c in cls.loc[cls["traded"], "nace_r2"] if c in emp.columns]
    out = {}
    for name in constructs or list(CONSTRUCTS):
        c = CONSTRUCTS[name]
        if sectors not in c.sector_sets:
            continue
        if c.compute is None:
            out[f"{name}|{NO_STARS}|{NO_SPLIT}"] = d[c.column].to_numpy()
            continue
        for (rule, args), split in itertools.product(STAR_RULES.items(), TRADED_SPLITS):
            out[f"{name}|{rule}|{split}"] = c.compute(emp, traded[split], **args).reindex(d["nuts2"]).to_numpy()
    return pd.concat([d, pd.DataFrame(out, index=d.index)], axis=1)


def block_controls(key: dict) -> list[str]:
    """The control variables of a specification: its control set and its design's additions."""
    return [*CONTROL_SETS[key["controls"]], *DESIGNS[key["design"]]]


def _block(frame: pd.DataFrame, key: dict, measure_cols: list[str], countries: list[str]) -> multiverse.Block | None:
    controls = block_controls(key)
    d = frame[frame["population"] >= OUTLIERS[key["outliers"]]]
    d = d.dropna(subset=["patents_per_million", "employment_all", *controls, *measure_cols])
    d = d[(d["patents"] > 0) & (d["patents_per_million"] > 0) & (d["employment_all"] > 0)]
    if key["fixed_effects"] == "country":  # singletons carry no information (as models.fit)
        d = d[d.groupby("country")["country"].transform("size") > 1]
    d = d.sort_values(["country", "nuts2"], kind="mergesort").reset_index(drop=True)
    X = d[measure_cols].to_numpy(float)
    sd = X.std(axis=0, ddof=1)
    keep = sd > 1e-12  # a measure constant in the sample (up to rounding) has no specification
    if not keep.any():
        return None
    X = (X[:, keep] - X[:, keep].mean(axis=0)) / sd[keep]
    parts = [col.split("|") for col, k in zip(measure_cols, keep, strict=True) if k]
    labels = [(p[0], p[1], p[2]) for p in parts]  # (construct, star rule, traded split)
    # a star rule that gives the same measure as another in this sample is no new specification
    _, first = np.unique(np.round(X, 10), axis=1, return_index=True)
    distinct = np.sort(first)
    X, labels = X[:, distinct], [labels[i] for i in distinct]
    cluster_starts = np.flatnonzero(np.r_[True, d["country"].to_numpy()[1:] != d["country"].to_numpy()[:-1]])
    absorb = cluster_starts if key["fixed_effects"] == "country" else np.array([0])
    design = batchfit.Design(d[controls].to_numpy(float), absorb, cluster_starts)
    log_rates = np.column_stack([np.log(d["patents_per_million"]), np.log(d["patents"] / d["employment_all"])])
    country_index = np.searchsorted(countries, d["country"].to_numpy())
    return multiverse.Block(
        key=key, design=design, X=X, x_labels=labels, log_rates=log_rates,
        counts=d["patents"].to_numpy(float),
        log_exposure=np.log(d[list(OUTCOMES.values())].to_numpy(float)),
        country_index=country_index, frame=d,
        moments=cluster_bootstrap.moments(design.Z, X, log_rates, cluster_starts, key["fixed_effects"] == "country"),
        block_countries=country_index[cluster_starts],
    )


def build(constructs: list[str] | None = None, periods: list[str] | None = None,
          sectors: list[str] | None = None) -> multiverse.Problem:
    """Assemble every sample and the specification table (no estimation yet)."""
    constructs = constructs or list(CONSTRUCTS)
    unknown = [c for c in constructs if c not in CONSTRUCTS]
    if unknown:
        raise ValueError(f"unknown construct {unknown[0]!r}; known: {', '.join(CONSTRUCTS)}")
    sbs = extracts.load("eu_sbs_employment")
    frames = {}
    for p, s in itertools.product(periods or PERIODS, sectors or SECTORS):
        frames[p, s, False] = sample_frame(p, s, constructs, sbs)
        if LAGGED_YEARS[1] < PERIODS[p][0]:
            frames[p, s, True] = sample_frame(p, s, constructs, sbs, lagged=True)
    countries = sorted(set().union(*(f["country"] for f in frames.values())))
    blocks: list[multiverse.Block] = []
    rows: list[dict] = []
    seen: set[tuple] = set()
    for (period, sect, lagged), frame in frames.items():
        cols = [c for c in frame.columns if "|" in c]
        designs = [LAGGED] if lagged else [d for d in DESIGNS if d != LAGGED]
        for design, outl, ctrl, fe in itertools.product(designs, OUTLIERS, CONTROL_SETS, FIXED_EFFECTS):
            key = {"sectors": sect, "period": period, "design": design, "outliers": outl, "controls": ctrl,
                   "fixed_effects": fe}
            b = _block(frame, key, cols, countries)
            # an outlier rule that removes no region repeats a sample: no new specification
            fingerprint = (sect, period, design, ctrl, fe, tuple(b.frame["nuts2"]) if b is not None else ())
            if b is None or fingerprint in seen:
                continue
            seen.add(fingerprint)
            for (oi, outcome), est, (col, (con, rule, split)) in itertools.product(
                    enumerate(OUTCOMES), ESTIMATORS, enumerate(b.x_labels)):
                rows.append({"construct": con, "star_rule": rule, "traded_split": split, **key, "outcome": outcome,
                             "estimator": est,
                             "block": len(blocks), "column": col, "outcome_index": oi})
            blocks.append(b)
    specs = pd.DataFrame(rows)[[*CHOICES, "block", "column", "outcome_index"]]
    return multiverse.Problem(blocks, countries, specs, list(CHOICES))


def panel(specs: pd.DataFrame) -> pd.Series:
    """Each specification's panel: :data:`MAIN`, or ``rejected: `` and the :data:`REJECTED` choices it makes."""
    reasons = pd.Series([[] for _ in range(len(specs))], index=specs.index, dtype=object)
    for (choice, value), why in REJECTED.items():
        hit = specs[choice] == value
        reasons[hit] = [[*r, why] for r in reasons[hit]]
    return reasons.map(lambda r: "rejected: " + " and ".join(r) if r else MAIN)


def estimate(problem: multiverse.Problem) -> pd.DataFrame:
    """Every specification of the grid fitted on the observed data (:func:`clusterstudy.estimation.multiverse.estimate`),
    with its ``panel`` (:func:`panel`)."""
    out = multiverse.estimate(problem, ALPHA)
    out.insert(len(CHOICES), "panel", panel(out))
    return out

