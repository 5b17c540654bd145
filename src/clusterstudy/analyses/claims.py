"""The claims ledger: each claim of the seeds, its one primary test, one family, one verdict rule.

Every claim is declared once in :data:`CLAIMS`: where the seed makes it, the claim quoted
verbatim, the sign it predicts, whether it states a direction from structure to outcome (so
that reverse timing is a threat: ``timing``), and its **primary test** (:class:`Primary`:
measure, design, outcome, estimator, comparison and why). The primary tests were designated
**after the first results were known; they were not pre-registered** (:data:`DESIGNATED`). Each
is recorded with a content hash in the committed registry (:mod:`clusterstudy.analyses.claim_registry`)
and every change needs an entry, with its date and reason, appended to its log.

:mod:`clusterstudy.analyses.claim_ledger` reads the committed tables for each claim (its evidence
function: one ``primary`` row and ``secondary`` rows, of which those with a ``design`` address
reverse timing) and applies the rule. **One family for every claim** (:data:`FAMILY`): the
ledger's primary tests, one per testable claim, adjusted together by Romano–Wolf from restricted
(null-imposed) wild cluster bootstrap draws, Holm over their wild p beside it. Secondary
estimates are never adjusted and never counted. The verdict (:func:`verdict`, :data:`RULE`):

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

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from clusterstudy.analyses import china_cities
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
                  f"{_cn_controls()}; GDP per head left out as a possible mediator, as in Europe)", "OLS",
                  "resource against non-resource cities in the same province",
                  why="tests the premise (resource cities have weak innovation capability), a comparison of "
                      "city types, not its cause (the next two claims); the four plan types are secondary, GDP per "
                      "head and the knowledge-employment share (possible mediators) labelled variants; " + IN_FAMILY),
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


def primary_tests(claims: tuple[Claim, ...] = CLAIMS) -> pd.DataFrame:
    """The primary tests, with when they were designated, for the notebook to state before any result."""
    return pd.DataFrame([{"claim_id": c.claim_id, "claimed sign": {1: "+", -1: "-"}[c.sign],
                          "timing criterion": "applies" if c.timing else "no direction claimed",
                          **({k: getattr(c.primary, k) for k in ("measure", "design", "outcome", "estimator",
                                                                 "comparison", "why")} if c.primary else
                             {"measure": "none (not testable)"}),
                          "designated": DESIGNATED if c.primary else ""} for c in claims])


def input_tables(claims: tuple[Claim, ...] = CLAIMS) -> list[str]:
    """The evidence tables the ledger reads (for the Makefile and the tests)."""
    return sorted({f"tables/{t}.csv" for c in claims for t in (*c.tables, *filter(None, [c.joint]))})
