"""The claims ledger: each claim of the seeds, its one primary test, one family, one verdict rule.

Every claim is declared once in :data:`CLAIMS`: where the seed makes it, the claim quoted
verbatim, the sign it predicts, whether it states a direction from structure to outcome (so
that reverse timing is a threat: ``timing``), and its **primary test** (:class:`Primary`:
measure, design, outcome, estimator, comparison and why). The primary tests were designated
**after the first results were known; they were not pre-registered** (:data:`DESIGNATED`). Each
is recorded with a content hash in the committed registry (``registry/primary_tests.csv``) and
every change needs an entry, with its date and reason, appended to ``registry/primary_tests_log.csv``
(:func:`registry_problems` names a change without one; :func:`record` appends it).

An evidence function (:data:`EVIDENCE`) reads the committed tables and returns the claim's
estimates: exactly one ``primary`` row and ``secondary`` rows, of which those in ``design`` are
the designs that address reverse timing (:data:`claim_designs.DESIGNS`), and the primary fit.
**One family for every claim** (:data:`FAMILY`): the ledger's primary tests, one per testable
claim, adjusted together by Romano–Wolf from restricted (null-imposed) wild cluster bootstrap
draws, Holm over their wild p beside it. Secondary estimates are never adjusted and never
counted. The verdict (:func:`verdict`, :data:`RULE`):

- ``holds``: the primary test rejects at ``alpha`` after adjustment with the claimed sign, the
  multiverse's joint test agrees where the claim has one, and, if the claim states a direction,
  every design that addresses reverse timing keeps the sign with wild p < ``alpha``;
- ``association only``: as *holds*, but a reverse-timing design reverses or removes it, or the
  claim states a direction and no such design exists;
- ``contradicted``: the primary rejects after adjustment with the opposite sign;
- ``not supported``: otherwise;
- ``not testable``: the data have no measure of what the claim is about.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from clusterstudy.analyses import china_cities, claim_designs, us_regions
from clusterstudy.core import atomic, paths
from clusterstudy.core.errors import DataError
from clusterstudy.core.prose import pval
from clusterstudy.estimation import models, multiple_testing
from clusterstudy.measures import catalogue, indices

VERDICTS = ("holds", "association only", "contradicted", "not supported", "not testable")
ALPHA = 0.05
COLUMNS = ["claim_id", "title", "seed", "source", "location", "claim", "verdict", "primary_test", "designated",
           "estimate", "p_clustered", "p_wild", "p_adjusted", "p_adjusted_t", "p_holm", "family", "family_size", "designs",
           "notebook", "output", "evidence_tables"]
ESTIMATE_COLUMNS = ["claim_id", "role", "label", "design", "estimate", "ci_low", "ci_high", "p_clustered", "p_wild",
                    "p_other", "p_other_kind", "p_adjusted", "family", "notebook", "output"]
DESIGNATED = "after the first results were known; not pre-registered"
FAMILY = ("the ledger's primary tests, one per testable claim: Romano-Wolf step-down from restricted "
          "(null-imposed) wild cluster bootstrap draws, balanced on each draw's bootstrap p (min-p), with "
          "Holm over their wild p beside it")
RULE = ("Verdict rule (one for every claim): the family is {family}. *holds* when the claim's primary test "
        "rejects at {alpha} after that adjustment (adjusted p) with the claimed sign, the multiverse's joint "
        "test agrees where the claim has one, and, for a claim that states a direction from structure to "
        "outcome, every design that addresses reverse timing (lagged, pre-period, panel) keeps the sign with "
        "wild p below {alpha}; *association only* when the adjusted primary rejects with the claimed sign but "
        "such a design reverses or removes it, or none exists; *contradicted* when the adjusted primary "
        "rejects with the opposite sign; *not supported* otherwise; *not testable* when the data cannot speak. "
        "Secondary estimates are shown, never adjusted or counted.")
REGISTRY = Path("registry") / "primary_tests.csv"
REGISTRY_LOG = Path("registry") / "primary_tests_log.csv"


@dataclass(frozen=True)
class Primary:
    """The one test that decides a claim (designated after the first results: :data:`DESIGNATED`)."""

    measure: str
    design: str
    outcome: str
    estimator: str
    comparison: str
    why: str

    def text(self) -> str:
        return (f"{self.estimator} of {self.outcome} on {self.measure}; {self.design}; {self.comparison}. "
                f"Why: {self.why}")


@dataclass(frozen=True)
class Claim:
    """One claim: source, verbatim quote, claimed sign, primary test and its evidence.

    ``evidence`` names a function of :data:`EVIDENCE` reading ``tables`` (names in ``tables/``
    without ``.csv``); ``joint`` names the multiverse table whose joint test must agree;
    ``timing``: the claim states a direction from structure to outcome, so the design criterion
    applies; ``untestable``: why the data cannot speak (claims without a primary test).
    """

    claim_id: str
    seed: str
    source: str
    location: str
    quote: str
    sign: int
    primary: Primary | None
    evidence: str
    tables: tuple[str, ...]
    notebook: str
    output: str
    joint: str = ""
    timing: bool = False
    untestable: str = ""


SEED_004 = "004_3c90db32e12d6b87.txt"
SEED_000 = "000_162d3ef9e57ceb7c.txt"
CLUSNET = "Lindqvist & Sölvell (2011)"
MENG_FORMAN = "Meng & Forman (2016)"
FIG6 = "The more a region is focused on a few clusters, the more innovation output is produced"
NO_REGIONS = ("there are no regions with a dispersed industrial structure (employment across a large "
              "range of sectors) that produce high levels of innovation, and vice versa, there are no "
              "regions with a high level of specialisation that produces low levels of innovation")
CN_PREMISE = ("the resource cities in China have to face the challenge of economic depression, high "
              "unemployment and social instability resulting in highly weak regional innovation capability")
WITHIN = ("regions of the same country compared (country fixed effects): EPO patenting propensity and "
          "national innovation systems differ by country, and the claim is about a region's structure")
STRENGTH = ("traded cluster strength (share of employment in starred traded sectors, standardised), the "
            "European Cluster Observatory's measure of focus on strong clusters behind Figure 6")
EU_DESIGN = "European NUTS-2 regions 2008-2012, errors clustered by country, wild cluster bootstrap"
IN_FAMILY = "one member of the ledger's one family (the primary tests of every testable claim)"
EU_TRADED = indices.TRADED_MEASURES
US_MEASURES = catalogue.US_MEASURES
NO_ORGANISATION = ("none: the data hold no measure of enterprise size structure, state ownership or inter-firm "
                   "ties, so the cause the claim names cannot be separated from the resource-city type")


def _cn_controls() -> str:
    """China's primary controls as ``china_cities`` declares them (a change changes the registered spec)."""
    return ", ".join(china_cities.CONTROLS) or "none"


CLAIMS: tuple[Claim, ...] = (
    Claim("004-fig6-eu", SEED_004, CLUSNET, "Clusters and innovation, text on Figure 6 (line 124)", FIG6, +1,
          Primary(STRENGTH, EU_DESIGN, "log EPO patent applications per million inhabitants (controls: log "
                  "population, tertiary share; GDP per head left out as a possible mediator)", "OLS",
                  WITHIN + "; the multiverse's share test on the same construct must agree",
                  why="the claim names focus on few clusters, which the Observatory measures by cluster "
                      "strength; " + IN_FAMILY),
          "eu_headline", ("eu_headline_models", "eu_designs", "eu_region_indicators"), "eu_specialisation_innovation",
          "figures/eu_fig6_cluster_strength_traded.png", joint="eu_specification_curve_inference", timing=True),
    Claim("004-fig6-us", SEED_004, CLUSNET, "Clusters and innovation, text on Figure 6 (line 124)", FIG6, +1,
          Primary("strong-cluster share (share of traded employment in strong clusters, standardised), the "
                  "U.S. Cluster Mapping Project's counterpart of cluster strength", "U.S. CBSAs, errors "
                  "clustered by state, wild cluster bootstrap", "log USPTO patents per 10,000 employees "
                  "(control: log employment, model (2))", "OLS", "across CBSAs (no fixed effects)",
                  why="CBSAs are the U.S. regions nearest to NUTS-2 and nest in states, so errors can be "
                      "clustered; " + IN_FAMILY),
          "us_models", ("us_cbsa_regression", "us_state_regression", "us_cbsa_indicators"), "us_cluster_patenting",
          "figures/us_state_scatter_strong_cluster_share.png", timing=True),
    Claim("004-fig6-prosperity", SEED_004, CLUSNET, "Clusters and innovation, text on Figure 6 (line 124)",
          "the higher is the regional economic prosperity", +1,
          Primary(STRENGTH, EU_DESIGN, "log GDP per inhabitant (PPS)", "OLS", WITHIN,
                  why="the same measure and comparison as the innovation claim; " + IN_FAMILY),
          "eu_prosperity", ("eu_region_indicators",), "claims_ledger", "tables/claims_estimates.csv", timing=True),
    Claim("004-fig6-quadrants", SEED_004, CLUSNET, "Clusters and innovation, text on Figure 6 (line 124)",
          NO_REGIONS, +1,
          Primary("above the median of " + STRENGTH + " (0/1)", "European NUTS-2 regions split at the medians of "
                  "the measure and of patents per million, errors clustered by country, wild cluster bootstrap",
                  "above the median of patents per million (0/1)", "linear probability model (OLS)",
                  "all regions pooled, against independence (coefficient 0; 1 when the two quadrants the report "
                  "calls empty are empty)",
                  why="median splits put about half of the regions off the diagonal under independence, so the "
                      "claim is tested against independence; the literal 'no regions' (exact binomial test "
                      "against 5%) is a secondary row; " + IN_FAMILY),
          "eu_quadrants", ("eu_region_indicators", *(f"eu_triangle_{m}" for m in
                                                     ("cluster_strength_traded", "cluster_strength", "hhi"))),
          "eu_specialisation_innovation", "tables/eu_triangle_cluster_strength_traded.csv"),
    Claim("000-resource-cities", SEED_000, MENG_FORMAN, "1. Introduction (line 33)", CN_PREMISE, -1,
          Primary("one resource-city indicator (any type of the 2013 plan; county-level resource cities coded "
                  "resource-bearing with their own dummy)", "Chinese prefecture-level cities, province fixed "
                  "effects, errors clustered by province, wild cluster bootstrap",
                  f"log patents per 10,000 residents (model {china_cities.PRIMARY_MODEL!r}; controls: "
                  f"{_cn_controls()})", "OLS", "resource against non-resource cities in the same province",
                  why="tests the premise (resource cities have weak innovation capability), a comparison of "
                      "city types, not its cause (the next two claims); the four plan types are secondary, the "
                      "knowledge-employment share (a possible mediator) a labelled variant; " + IN_FAMILY),
          "cn_models", ("cn_resource_type_regression_patents_per_10k_residents",
                        "cn_resource_type_regression_patents_per_10k_registered", "cn_city_indicators"),
          "cn_resource_cities", "figures/cn_resource_types_patents_per_10k_residents.png"),
    Claim("000-production-complex-cause", SEED_000, MENG_FORMAN, "1. Introduction (line 35)",
          "This is the reason resulting in the low innovation capability of resource cities.", -1, None, "none", (),
          "cn_resource_cities", "tables/cn_resource_type_summary_patents_per_10k_residents.csv",
          untestable=NO_ORGANISATION + " (the reason named is the production complex of large enterprises "
                                       "without SMEs)"),
    Claim("000-production-complex", SEED_000, MENG_FORMAN, "5. Value of Cluster Innovation Strategy (line 89)",
          "the planned economic system and traditional forms of industrial organizations do not "
          "provide a good breeding ground for innovation, which results in the low innovation "
          "capability of resource cities", -1, None, "none", (), "cn_resource_cities",
          "tables/cn_resource_type_summary_patents_per_10k_residents.csv", untestable=NO_ORGANISATION),
)
# each claim in a few words (the README's verdict table and findings, the paper)
TITLES = {
    "004-fig6-eu": "Focus on few strong clusters, more innovation: European regions",
    "004-fig6-us": "Focus on few strong clusters, more innovation: U.S. metropolitan areas",
    "004-fig6-prosperity": "Strong clusters, more prosperity: European regions",
    "004-fig6-quadrants": "No dispersed region innovates much, no specialised one little",
    "000-resource-cities": "Resource cities have weak innovation capability: Chinese cities",
    "000-production-complex-cause": "Production complexes without SMEs are the reason",
    "000-production-complex": "Planned industrial organisation causes the weakness",
}


def verdict(estimate: float, p_adjusted: float, sign: int, alpha: float = ALPHA, joint: bool | None = None,
            designs: Sequence[tuple[float, float]] | None = None) -> str:
    """The verdict rule (:data:`RULE`) on a primary estimate and its adjusted p-value.

    ``joint``: whether the multiverse's joint test agrees (None: no multiverse). ``designs``:
    (estimate, wild p) of each design that addresses reverse timing; None when the claim states
    no direction (the design criterion does not apply), empty when it does and no design exists.
    """
    if not 0 < alpha < 1:
        raise ValueError(f"significance level alpha must be between 0 and 1, not {alpha!r}")
    if sign not in (-1, 1):
        raise ValueError(f"claimed sign must be +1 or -1, not {sign!r}")
    if pd.isna(estimate) or pd.isna(p_adjusted):
        return "not testable"
    if p_adjusted < alpha and np.sign(estimate) == -sign:
        return "contradicted"
    if not (p_adjusted < alpha and np.sign(estimate) == sign) or joint is False:
        return "not supported"
    if designs is None:
        return "holds"
    kept = [np.sign(e) == sign and p < alpha for e, p in designs]
    return "holds" if kept and all(kept) else "association only"


# ---------------------------------------------------------------- evidence
def _load(name: str) -> pd.DataFrame:
    path = paths.project_root() / "tables" / f"{name}.csv"
    if not path.is_file():
        raise DataError(f"claims ledger: evidence table {path.name} is missing; run `make all` first")
    return pd.read_csv(path, dtype={"model": str, "term": str, "measure": str, "construct": str, "family": str,
                                    "region_code": str, "city_code": str, "province": str, "nuts2": str},
                       keep_default_na=True)


Fit = tuple[Any, str, str]  # (statsmodels OLS result, term, cluster column): a member of the family


def _est(role: str, label: str, coef: float, ci_low: float, ci_high: float, p_clustered: float = np.nan,
         p_wild: float = np.nan, design: str = "", p_other: float = np.nan, p_other_kind: str = "") -> dict:
    return {"role": role, "label": label, "design": design, "estimate": coef, "ci_low": ci_low, "ci_high": ci_high,
            "p_clustered": p_clustered, "p_wild": p_wild, "p_other": p_other, "p_other_kind": p_other_kind}


def _tidy_est(role: str, label: str, result, term: str, design: str = "") -> dict:
    r = models.tidy(result, label, wild_terms=(term,)).set_index("term").loc[term]
    return _est(role, label, r["coef"], r["ci_low"], r["ci_high"], r["p"], r["p_wild"], design)


def _same(claim: Claim, fit: Fit, estimate: float) -> Fit:
    """The refitted primary must be the primary row of the table (else the table or the refit moved)."""
    if not np.isclose(fit[0].params[fit[1]], estimate, rtol=1e-5):
        raise DataError(f"claim {claim.claim_id}: the refitted primary ({fit[0].params[fit[1]]:.6f}) is not the "
                        f"table's primary estimate ({estimate:.6f}); rerun its notebook")
    return fit


def eu_headline(claim: Claim) -> tuple[pd.DataFrame, Fit]:
    """Europe: the headline table's traded OLS and PPML rows, and the primary construct under each design."""
    t = _load(claim.tables[0])
    t = t[t["measure"].isin(EU_TRADED)]
    rows = []
    for _, r in t.iterrows():
        primary = (r["measure"], r["comparison"], r["estimator"]) == (EU_TRADED[0], "within countries", "OLS")
        rows.append(_est("primary" if primary else "secondary", f"Europe {r['measure']}, {r['comparison']}, "
                         f"{r['estimator']}", r["coef"], r["ci_low"], r["ci_high"], r["p"], r["p_wild"]))
    d = _load(claim.tables[1])
    d = d[(d["measure"] == EU_TRADED[0]) & (d["design"] != "cross_section")]
    for _, r in d.iterrows():  # the designs of the primary comparison (within) address reverse timing
        timing = r["comparison"] == "within" and r["design"] in claim_designs.DESIGNS
        rows.append(_est("secondary", f"Europe {r['measure']}, {r['comparison']} countries, design: {r['design']}",
                         r["coef"], r["ci_low"], r["ci_high"], r["p"], r["p_wild"], r["design"] if timing else ""))
    out = pd.DataFrame(rows)
    est = out.loc[out["role"] == "primary", "estimate"]
    if len(est) != 1:
        raise ValueError(f"claim {claim.claim_id}: {len(est)} primary rows in {claim.tables[0]}; exactly one expected")
    res = claim_designs.eu_fit(_load(claim.tables[2]), EU_TRADED[0])
    return out, _same(claim, (res, EU_TRADED[0], "country"), float(est.iloc[0]))


def joint_agrees(claim: Claim, alpha: float) -> tuple[bool | None, dict | None]:
    """The multiverse's share test on the primary construct: dominant sign as claimed and p < alpha."""
    if not claim.joint:
        return None, None
    r = _load(claim.joint).set_index("construct").loc[EU_TRADED[0]]
    agrees = bool(r["p_share"] < alpha and (1 if r["dominant_sign"] == "+" else -1) == claim.sign)
    return agrees, _est("secondary", f"multiverse median, {int(r['specifications'])} specifications, "
                        f"{int(r['draws'])} null draws (share test)", r["median_estimate"], np.nan, np.nan,
                        p_other=r["p_share"], p_other_kind="share test under the null")


def us_models(claim: Claim) -> tuple[pd.DataFrame, Fit]:
    """United States: model (2) of each measure, CBSAs (clustered by state) and states (HC3); the pre-period design."""
    rows = []
    for name in claim.tables[:2]:
        t = _load(name)
        where = name.split("_")[1]
        for m in US_MEASURES:
            r = t[(t["model"] == f"{m}: {us_regions.HEADLINE_SPEC}") & (t["term"] == m)].iloc[0]
            clustered = isinstance(r["se_type"], str) and r["se_type"].startswith("clustered")
            rows.append(_est("primary" if name == claim.tables[0] and m == US_MEASURES[0] else "secondary",
                             f"U.S. {where} {m}, model (2)", r["coef"], r["ci_low"], r["ci_high"],
                             r["p"] if clustered else np.nan, r["p_wild"], p_other=np.nan if clustered else r["p"],
                             p_other_kind="" if clustered else "HC3 (one state per cluster)"))
    frame = claim_designs.us_frame(_load(claim.tables[2]))
    pre = claim_designs.us_pre_period(frame, US_MEASURES[0])
    rows.append(_est("secondary", f"U.S. cbsa {US_MEASURES[0]}, model (2), design: pre_period",
                     pre["coef"], pre["ci_low"], pre["ci_high"], pre["p"], pre["p_wild"], "pre_period"))
    out = pd.DataFrame(rows)
    res = claim_designs.us_fit(frame, US_MEASURES[0])
    return out, _same(claim, (res, US_MEASURES[0], "state"), float(out.loc[0, "estimate"]))


def eu_prosperity(claim: Claim) -> tuple[pd.DataFrame, Fit]:
    """Prosperity: log GDP per head on each traded measure within countries (primary: cluster strength), and the
    primary measure under the lagged, pre-period and panel designs (:func:`claim_designs.prosperity_designs`)."""
    regions = _load(claim.tables[0])
    rows, fit = [], None
    for m in EU_TRADED:
        res = claim_designs.prosperity_fit(regions, m)
        primary = m == EU_TRADED[0]
        fit = (res, m, "country") if primary else fit
        rows.append(_tidy_est("primary" if primary else "secondary", f"Europe GDP per head on {m}, within countries",
                              res, m))
    for _, r in claim_designs.prosperity_designs(regions, EU_TRADED[0]).iterrows():
        rows.append(_est("secondary", f"Europe GDP per head on {EU_TRADED[0]}, design: {r['design']}", r["coef"], r["ci_low"], r["ci_high"], r["p"],
                         r["p_wild"], r["design"]))
    assert fit is not None
    return pd.DataFrame(rows), fit


def eu_quadrants(claim: Claim) -> tuple[pd.DataFrame, Fit]:
    """Quadrants against independence (primary: linear probability, clustered by country) and, per measure with a
    triangle table, the literal 'no regions' (share in the empty quadrants against 5%, exact binomial test)."""
    regions = _load(claim.tables[0])
    rows, fit = [], None
    for name in claim.tables[1:]:
        m = name.removeprefix("eu_triangle_")
        res = claim_designs.quadrant_fit(regions, m)
        primary = m == EU_TRADED[0]
        fit = (res, "high_measure", "country") if primary else fit
        rows.append(_tidy_est("primary" if primary else "secondary", f"{m}: against independence (linear "
                              "probability)", res, "high_measure"))
    for name in claim.tables[1:]:
        g = _load(name)
        k, n = int(g.loc[g["report_says"] == "empty", "regions"].sum()), int(g["regions"].sum())
        test = stats.binomtest(k, n, 0.05)
        ci = test.proportion_ci()
        rows.append(_est("secondary", f"{name.removeprefix('eu_triangle_')}: {k} of {n} in the empty quadrants, "
                         "minus 5% (literal)", k / n - 0.05, ci.low - 0.05, ci.high - 0.05,
                         p_other=test.pvalue, p_other_kind="exact binomial against 5%"))
    assert fit is not None
    return pd.DataFrame(rows), fit


def cn_models(claim: Claim) -> tuple[pd.DataFrame, Fit]:
    """China: the primary model (``china_cities.PRIMARY_MODEL``), the four types, the variants, the other population."""
    rows = []
    for name in claim.tables[:2]:
        t = _load(name)
        pop = name.rsplit("_", 1)[1]
        keep = t[t["model"].str.endswith(china_cities.CODING_LABELS["coded"]) & t["term"].isin(
            [china_cities.POOLED, *(f"type: {x}" for x in china_cities.TYPE_DUMMIES)])
            & ~t["model"].str.startswith(china_cities.DECLINING_MODEL)]
        for _, r in keep.iterrows():
            primary = (name == claim.tables[0] and r["model"] == china_cities.PRIMARY_MODEL
                       and r["term"] == china_cities.POOLED)
            what = r["model"].split(";")[0].replace(" (primary)", "")
            rows.append(_est("primary" if primary else "secondary", f"China per 10k {pop}: {r['term']} ({what})",
                             r["coef"], r["ci_low"], r["ci_high"], r["p"], r["p_wild"]))
    out = pd.DataFrame(rows)
    est = out.loc[out["role"] == "primary", "estimate"]
    if len(est) != 1:
        raise ValueError(f"claim {claim.claim_id}: {len(est)} primary rows in {claim.tables[0]}; exactly one expected")
    res = claim_designs.cn_fit(_load(claim.tables[2]), _load(claim.tables[0]))
    return out, _same(claim, (res, china_cities.POOLED, china_cities.FIXED_EFFECTS), float(est.iloc[0]))


def none(claim: Claim) -> tuple[pd.DataFrame, None]:
    """No data measure what the claim is about."""
    return pd.DataFrame(columns=list(_est("", "", np.nan, np.nan, np.nan))), None


EVIDENCE: dict[str, Callable[[Claim], tuple[pd.DataFrame, Any]]] = {
    "eu_headline": eu_headline, "us_models": us_models, "eu_prosperity": eu_prosperity,
    "eu_quadrants": eu_quadrants, "cn_models": cn_models, "none": none}


# ---------------------------------------------------------------- the ledger
def family(fits: list[Fit], p_wild: list[float], B: int = multiple_testing.RW_B,
           seed: int = multiple_testing.RW_SEED) -> pd.DataFrame:
    """Romano–Wolf (restricted wild cluster bootstrap draws, drawn jointly where models share clusters,
    independently across countries, states and provinces; the step-down balanced on bootstrap p, with
    the step-down on ``|t|`` beside it as ``p_rw_t``) and Holm over ``p_wild``, one row per fit."""
    return multiple_testing.adjust_family([(r, t) for r, t, _ in fits], B, seed, cluster=[c for _, _, c in fits],
                                          p_holm_from=p_wild, restricted=True, balanced=True)


def _designs_text(est: pd.DataFrame) -> str:
    d = est[est["design"] != ""]
    return "; ".join(f"{r.design.replace('_', ' ')} {r.estimate:+.3f} ({pval(r.p_wild, 'wild p')})"
                     for r in d.itertuples())


def ledger(claims: tuple[Claim, ...] = CLAIMS, alpha: float = ALPHA, B: int = multiple_testing.RW_B,
           seed: int = multiple_testing.RW_SEED) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The claims ledger (one row per claim) and its estimates (one row per claim x estimate)."""
    for c in claims:
        if c.evidence not in EVIDENCE:
            raise ValueError(f"claim {c.claim_id}: unknown evidence {c.evidence!r}; one of {sorted(EVIDENCE)}")
    parts = []
    for c in claims:
        est, fit = EVIDENCE[c.evidence](c)
        agrees, joint_row = joint_agrees(c, alpha)
        if joint_row:
            est = pd.concat([est, pd.DataFrame([joint_row])], ignore_index=True)
        if c.primary is not None and (est["role"] == "primary").sum() != 1:
            raise ValueError(f"claim {c.claim_id}: {(est['role'] == 'primary').sum()} primary rows in "
                             f"{', '.join(c.tables)}; exactly one expected (adapt its evidence function)")
        parts.append((c, est.assign(p_adjusted=np.nan, family=""), fit, agrees))
    members = [(i, p) for i, p in enumerate(parts) if p[0].primary is not None]
    adj = family([p[2] for _, p in members],
                 [float(p[1].loc[p[1]["role"] == "primary", "p_wild"].iloc[0]) for _, p in members], B, seed)
    label = f"{FAMILY} ({len(members)} tests)"
    rows, frames = [], []
    for k, (i, _) in enumerate(members):
        est = parts[i][1]
        est.loc[est["role"] == "primary", ["p_adjusted", "family"]] = [adj.at[k, "p_adjusted"], label]
    adjusted = {members[k][0]: adj.loc[k] for k in range(len(members))}
    for i, (c, est, _, agrees) in enumerate(parts):
        p = est[est["role"] == "primary"].iloc[0] if c.primary else pd.Series(dtype=object)
        designs = [(r.estimate, r.p_wild) for r in est[est["design"] != ""].itertuples()] if c.timing else None
        v = (verdict(p["estimate"], p["p_adjusted"], c.sign, alpha, agrees, designs) if c.primary
             else "not testable")
        a = adjusted.get(i)
        rows.append({"claim_id": c.claim_id, "title": TITLES.get(c.claim_id, c.quote), "seed": c.seed,
                     "source": c.source, "location": c.location, "claim": c.quote, "verdict": v,
                     "primary_test": c.primary.text() if c.primary else c.untestable,
                     "designated": DESIGNATED if c.primary else "",
                     "estimate": p.get("estimate", np.nan), "p_clustered": p.get("p_clustered", np.nan),
                     "p_wild": p.get("p_wild", np.nan), "p_adjusted": p.get("p_adjusted", np.nan),
                     "p_adjusted_t": np.nan if a is None else a["p_rw_t"],
                     "p_holm": np.nan if a is None else a["p_holm"], "family": label if c.primary else "",
                     "family_size": len(members) if c.primary else 0, "designs": _designs_text(est),
                     "notebook": f"notebooks/{c.notebook}.ipynb", "output": c.output,
                     "evidence_tables": " ".join(f"tables/{t}.csv" for t in (*c.tables, *filter(None, [c.joint])))})
        if not est.empty:
            est = est.assign(claim_id=c.claim_id, notebook=rows[-1]["notebook"], output=c.output)
            order = est["role"].map({"primary": 0, "secondary": 1}).to_numpy()
            frames.append(est.iloc[np.argsort(order, kind="mergesort")][ESTIMATE_COLUMNS])
    estimates = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=ESTIMATE_COLUMNS)
    return pd.DataFrame(rows, columns=COLUMNS), estimates


def family_table(ledger_table: pd.DataFrame) -> pd.DataFrame:
    """The one family as the ledger states it: each testable claim's primary with its wild, Romano–Wolf and Holm p."""
    t = ledger_table[ledger_table["family_size"] > 0]
    cols = ["claim_id", "estimate", "p_clustered", "p_wild", "p_adjusted", "p_adjusted_t", "p_holm", "verdict"]
    return t[cols].reset_index(drop=True)


def primary_tests(claims: tuple[Claim, ...] = CLAIMS) -> pd.DataFrame:
    """The primary tests, with when they were designated, for the notebook to state before any result."""
    return pd.DataFrame([{"claim_id": c.claim_id, "claimed sign": {1: "+", -1: "-"}[c.sign],
                          "timing criterion": "applies" if c.timing else "no direction claimed",
                          **({k: getattr(c.primary, k) for k in ("measure", "design", "outcome", "estimator",
                                                                 "comparison", "why")} if c.primary else
                             {"measure": "none (not testable)"}),
                          "designated": DESIGNATED if c.primary else ""} for c in claims])


# ---------------------------------------------------------------- the registry of primary tests
def spec(claim: Claim) -> str:
    """The primary test's specification as canonical JSON (claimed sign, quote, primary fields, evidence)."""
    return json.dumps({"claim_id": claim.claim_id, "quote": claim.quote, "sign": claim.sign,
                       "timing": claim.timing, "evidence": claim.evidence, "tables": list(claim.tables),
                       "primary": asdict(claim.primary) if claim.primary else None}, sort_keys=True,
                      ensure_ascii=False)


def spec_hash(claim: Claim) -> str:
    """sha256 of :func:`spec`."""
    return hashlib.sha256(spec(claim).encode("utf-8")).hexdigest()


def registry(claims: tuple[Claim, ...] = CLAIMS) -> pd.DataFrame:
    """The registry as the code declares it now: claim, hash and specification."""
    return pd.DataFrame([{"claim_id": c.claim_id, "sha256": spec_hash(c), "spec": spec(c)} for c in claims])


def _read(path: Path, columns: list[str]) -> pd.DataFrame:
    if not path.is_file():
        return pd.DataFrame(columns=columns)
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def registry_log(root: Path | None = None) -> pd.DataFrame:
    """The committed log of primary-test changes (date, claim, hash, reason)."""
    return _read((root or paths.project_root()) / REGISTRY_LOG, ["date", "claim_id", "sha256", "reason"])


def registry_problems(claims: tuple[Claim, ...] = CLAIMS, root: Path | None = None) -> list[str]:
    """What breaks the registry: a primary test whose hash is not the last logged one for its claim,
    a committed registry that differs from the code, a log entry without a date or a reason."""
    root = root or paths.project_root()
    log = _read(root / REGISTRY_LOG, ["date", "claim_id", "sha256", "reason"])
    problems = [f"log line {i + 2}: no date (YYYY-MM-DD) or no reason" for i, r in log.iterrows()
                if not (len(r["date"]) == 10 and r["date"][4] == "-" and r["reason"].strip())]
    if list(log["date"]) != sorted(log["date"]):
        problems.append("the log is not in date order (entries are appended, never edited)")
    last = log.drop_duplicates("claim_id", keep="last").set_index("claim_id")["sha256"]
    for c in claims:
        if last.get(c.claim_id) != spec_hash(c):
            problems.append(f"claim {c.claim_id}: its primary test changed without a log entry (append one with "
                            "claims.record(reason))")
    committed = _read(root / REGISTRY, ["claim_id", "sha256", "spec"])
    if not committed[["claim_id", "sha256"]].equals(registry(claims)[["claim_id", "sha256"]]):
        problems.append(f"{REGISTRY} differs from the declared primary tests (claims.record rewrites it)")
    return problems


def record(reason: str, date: str, claims: tuple[Claim, ...] = CLAIMS, root: Path | None = None) -> list[str]:
    """Append a log entry (``date``, ``reason``) for every claim whose primary test changed; rewrite the registry.

    Returns the claims logged. Usage: ``python -c "from clusterstudy.analyses import claims;
    claims.record('why', '2026-12-02')"``.
    """
    if not reason.strip():
        raise ValueError("a change of a primary test needs a reason")
    root = root or paths.project_root()
    log = _read(root / REGISTRY_LOG, ["date", "claim_id", "sha256", "reason"])
    last = log.drop_duplicates("claim_id", keep="last").set_index("claim_id")["sha256"]
    new = [{"date": date, "claim_id": c.claim_id, "sha256": spec_hash(c), "reason": reason}
           for c in claims if last.get(c.claim_id) != spec_hash(c)]
    (root / REGISTRY).parent.mkdir(parents=True, exist_ok=True)
    atomic.write_text(root / REGISTRY_LOG, pd.concat([log, pd.DataFrame(new, columns=log.columns)],
                                                     ignore_index=True).to_csv(index=False, lineterminator="\n"))
    atomic.write_text(root / REGISTRY, registry(claims).to_csv(index=False, lineterminator="\n"))
    return [r["claim_id"] for r in new]


# ---------------------------------------------------------------- figure and inputs
def forest(estimates: pd.DataFrame):
    """Forest plot of every claim's primary (filled) and secondary (open) estimates with 95% CIs."""
    import matplotlib.pyplot as plt

    est = estimates.dropna(subset=["estimate"]).reset_index(drop=True)
    claims = list(dict.fromkeys(est["claim_id"]))
    fig, axes = plt.subplots(len(claims), 1, figsize=(9, 0.32 * len(est) + 1.2 * len(claims)),
                             gridspec_kw={"height_ratios": [max(2, (est["claim_id"] == c).sum()) for c in claims]})
    for ax, c in zip(np.atleast_1d(axes), claims, strict=True):
        e = est[est["claim_id"] == c].reset_index(drop=True)
        y = np.arange(len(e))[::-1]
        for yi, r in zip(y, e.itertuples(), strict=True):
            prim = r.role == "primary"
            ax.errorbar(r.estimate, yi, xerr=[[r.estimate - r.ci_low], [r.ci_high - r.estimate]]
                        if pd.notna(r.ci_low) else None, fmt="o", color="C3" if prim else "0.35",
                        mfc="C3" if prim else "white", ms=6 if prim else 4, lw=1.4 if prim else 0.8)
        ax.axvline(0, color="0.6", lw=0.8, ls="--")
        ax.set_yticks(y, [(lab[:70] + "…" if len(lab) > 71 else lab) for lab in e["label"]], fontsize=7.5)
        ax.set_title(c, fontsize=8, loc="left")
        ax.set_xlabel("estimate (per SD; quadrants: share difference or share minus 5%)", fontsize=7)
        ax.tick_params(axis="x", labelsize=7)
    fig.supylabel("tested estimate (filled: primary, open: secondary)", fontsize=8)
    fig.tight_layout()
    return fig


def input_tables(claims: tuple[Claim, ...] = CLAIMS) -> list[str]:
    """The evidence tables the ledger reads (for the Makefile and the tests)."""
    return sorted({f"tables/{t}.csv" for c in claims for t in (*c.tables, *filter(None, [c.joint]))})
