"""The claims ledger: each claim of the seeds, its one pre-declared primary test, and its verdict.

Every claim is declared once in :data:`CLAIMS`: where the seed makes it, the claim quoted
verbatim, the sign it predicts, and its **primary test** (:class:`Primary`: measure, design,
outcome, estimator, comparison and why), fixed before any result is read. An evidence function
(:data:`EVIDENCE`) reads the committed tables and returns the claim's estimates: exactly one
``primary`` row, every other estimate ``secondary``. The verdict (:func:`verdict`) reads only
the primary row's family-wise adjusted p-value (Romano–Wolf with the wild cluster bootstrap,
or Holm where no wild bootstrap exists) and the multiverse's joint test where the claim has one:

- ``holds``: the primary test rejects at ``alpha`` after adjustment with the claimed sign, and
  the multiverse's joint test (if any) agrees;
- ``contradicted``: it rejects after adjustment with the opposite sign;
- ``not supported``: otherwise;
- ``not testable``: the data have no measure of what the claim is about.

Secondary estimates never change a verdict: counting how many of several tests are
significant would count chance (1 of 8 at 5% is what noise gives).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from clusterstudy.analyses import china_cities, eu_models, us_regions
from clusterstudy.core import paths
from clusterstudy.estimation import multiple_testing
from clusterstudy.measures import catalogue, indices

VERDICTS = ("holds", "contradicted", "not supported", "not testable")
ALPHA = 0.05
COLUMNS = ["claim_id", "title", "seed", "source", "location", "claim", "verdict", "primary_test", "estimate",
           "p_clustered", "p_wild", "p_adjusted", "family", "family_size", "notebook", "output",
           "evidence_tables"]
ESTIMATE_COLUMNS = ["claim_id", "role", "label", "estimate", "ci_low", "ci_high", "p_clustered", "p_wild",
                    "p_adjusted", "family", "notebook", "output"]
RULE = ("Verdict rule: *holds* when the claim's one pre-declared primary test rejects at {alpha} after "
        "family-wise adjustment (adjusted p) with the claimed sign, and the multiverse's joint test agrees "
        "where the claim has one; *contradicted* when it rejects after adjustment with the opposite sign; "
        "*not supported* otherwise; *not testable* when the data cannot speak. Secondary estimates never "
        "change a verdict.")


@dataclass(frozen=True)
class Primary:
    """The one test that decides a claim, declared before any result."""

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
    """One tested claim: source, verbatim quote, claimed sign, primary test and its evidence.

    ``evidence`` names a function of :data:`EVIDENCE` reading ``tables`` (names in ``tables/``
    without ``.csv``); ``joint`` names the multiverse table whose joint test must agree.
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


SEED_004 = "004_3c90db32e12d6b87.txt"
SEED_000 = "000_162d3ef9e57ceb7c.txt"
CLUSNET = "Lindqvist & Sölvell (2011)"
MENG_FORMAN = "Meng & Forman (2016)"
FIG6 = "The more a region is focused on a few clusters, the more innovation output is produced"
NO_REGIONS = ("there are no regions with a dispersed industrial structure (employment across a large "
              "range of sectors) that produce high levels of innovation, and vice versa, there are no "
              "regions with a high level of specialisation that produces low levels of innovation")
WITHIN = ("regions of the same country compared (country fixed effects): EPO patenting propensity and "
          "national innovation systems differ by country, and the claim is about a region's structure")
STRENGTH = ("traded cluster strength (share of employment in starred traded sectors, standardised), the "
            "European Cluster Observatory's measure of focus on strong clusters behind Figure 6")
EU_TRADED = indices.TRADED_MEASURES
US_MEASURES = catalogue.US_MEASURES

CLAIMS: tuple[Claim, ...] = (
    Claim("004-fig6-eu", SEED_004, CLUSNET, "Clusters and innovation, text on Figure 6 (line 124)", FIG6, +1,
          Primary(STRENGTH, "European NUTS-2 regions 2008-2012, errors clustered by country, wild cluster "
                  "bootstrap", "log EPO patent applications per million inhabitants (controls: log "
                  "population, tertiary share)", "OLS", WITHIN + "; the multiverse's share test on the same "
                  "construct must agree",
                  why="the claim names focus on few clusters, which the Observatory measures by cluster "
                      "strength; adjusted over every OLS coefficient the headline table reports"),
          "eu_headline", ("eu_headline_models", "eu_designs"), "eu_specialisation_innovation",
          "figures/eu_fig6_cluster_strength_traded.png", joint="eu_specification_curve_inference"),
    Claim("004-fig6-us", SEED_004, CLUSNET, "Clusters and innovation, text on Figure 6 (line 124)", FIG6, +1,
          Primary("strong-cluster share (share of traded employment in strong clusters, standardised), the "
                  "U.S. Cluster Mapping Project's counterpart of cluster strength", "U.S. CBSAs, errors "
                  "clustered by state, wild cluster bootstrap", "log USPTO patents per 10,000 employees "
                  "(control: log employment, model (2))", "OLS", "across CBSAs (no fixed effects)",
                  why="CBSAs are the U.S. regions nearest to NUTS-2 and nest in states, so errors can be "
                      "clustered; adjusted over the four measures of model (2)"),
          "us_models", ("us_cbsa_regression", "us_state_regression"), "us_cluster_patenting",
          "figures/us_state_scatter_strong_cluster_share.png"),
    Claim("004-fig6-prosperity", SEED_004, CLUSNET, "Clusters and innovation, text on Figure 6 (line 124)",
          "the higher is the regional economic prosperity", +1,
          Primary(STRENGTH, "European NUTS-2 regions 2008-2012, errors clustered by country, wild cluster "
                  "bootstrap", "log GDP per inhabitant (PPS)", "OLS", WITHIN,
                  why="the same measure and comparison as the innovation claim; adjusted over the four "
                      "traded measures"),
          "eu_prosperity", ("eu_region_indicators",), "claims_ledger", "tables/claims_estimates.csv"),
    Claim("004-fig6-quadrants", SEED_004, CLUSNET, "Clusters and innovation, text on Figure 6 (line 124)",
          NO_REGIONS, -1,
          Primary(STRENGTH, "European NUTS-2 regions split at the medians of the measure and of patents per "
                  "million", "share of regions in the two quadrants the report calls empty",
                  "exact binomial test against 5%", "all regions pooled",
                  why="'no regions' read as at most 5%; Holm over the three measures tabulated"),
          "eu_quadrants", tuple(f"eu_triangle_{m}" for m in ("cluster_strength_traded", "cluster_strength", "hhi")),
          "eu_specialisation_innovation", "tables/eu_triangle_cluster_strength_traded.csv"),
    Claim("000-resource-cities", SEED_000, MENG_FORMAN, "1. Introduction (line 35)",
          "This is the reason resulting in the low innovation capability of resource cities.", -1,
          Primary("one resource-city indicator (any type of the 2013 plan; county-level resource cities coded "
                  "resource-bearing with their own dummy)", "Chinese prefecture-level cities, province fixed "
                  "effects, errors clustered by province, wild cluster bootstrap",
                  "log patents per 10,000 residents (control: log GDP per head)", "OLS",
                  "resource against non-resource cities in the same province",
                  why="tests the outcome part of the claim (resource cities innovate less), an association, not "
                      "its cause (the next claim); the claim is about resource cities as a whole, so the four plan "
                      "types are secondary, the "
                      "knowledge-employment share (lower in resource cities, a possible mediator) only a "
                      "labelled variant; adjusted over the pooled indicator and the four types"),
          "cn_models", ("cn_resource_type_regression_patents_per_10k_residents",
                        "cn_resource_type_regression_patents_per_10k_registered"),
          "cn_resource_cities", "figures/cn_resource_types_patents_per_10k_residents.png"),
    Claim("000-production-complex", SEED_000, MENG_FORMAN, "5. Value of Cluster Innovation Strategy (line 89)",
          "the planned economic system and traditional forms of industrial organizations do not "
          "provide a good breeding ground for innovation, which results in the low innovation "
          "capability of resource cities", -1, None, "none", (), "cn_resource_cities",
          "tables/cn_resource_type_summary_patents_per_10k_residents.csv"),
)
# each claim in a few words (the README's verdict table, the paper)
TITLES = {
    "004-fig6-eu": "Focus on few strong clusters, more innovation: European regions",
    "004-fig6-us": "Focus on few strong clusters, more innovation: U.S. metropolitan areas",
    "004-fig6-prosperity": "Strong clusters, more prosperity: European regions",
    "004-fig6-quadrants": "No dispersed region innovates much, no specialised one little",
    "000-resource-cities": "Resource cities innovate less: Chinese cities",
    "000-production-complex": "Planned industrial organisation causes the weakness",
}


def verdict(estimate: float, p_adjusted: float, sign: int, alpha: float = ALPHA,
            joint: bool | None = None) -> str:
    """The verdict rule (:data:`RULE`) on a primary estimate and its adjusted p-value.

    ``joint``: whether the multiverse's joint test agrees with the claim (None: no multiverse).
    """
    if not 0 < alpha < 1:
        raise ValueError(f"significance level alpha must be between 0 and 1, not {alpha!r}")
    if sign not in (-1, 1):
        raise ValueError(f"claimed sign must be +1 or -1, not {sign!r}")
    if pd.isna(estimate) or pd.isna(p_adjusted):
        return "not testable"
    if p_adjusted < alpha and np.sign(estimate) == sign:
        return "holds" if joint in (None, True) else "not supported"
    if p_adjusted < alpha and np.sign(estimate) == -sign:
        return "contradicted"
    return "not supported"


def _load(name: str) -> pd.DataFrame:
    path = paths.project_root() / "tables" / f"{name}.csv"
    if not path.is_file():
        raise FileNotFoundError(f"claims ledger: evidence table {path.name} is missing; run `make all` first")
    return pd.read_csv(path, dtype={"model": str, "term": str, "measure": str, "construct": str,
                                    "family": str}, keep_default_na=True)


def _row(role: str, label: str, r, p_clustered: float = np.nan) -> dict:
    return {"role": role, "label": label, "estimate": r["coef"], "ci_low": r["ci_low"], "ci_high": r["ci_high"],
            "p_clustered": p_clustered, "p_wild": r.get("p_wild", np.nan), "p_adjusted": r["p_adjusted"],
            "family": r["family"] if isinstance(r["family"], str) else "", "family_size": r["family_size"]}


def eu_headline(claim: Claim) -> pd.DataFrame:
    """Europe: the headline table's traded-measure rows; primary = cluster strength, within, OLS."""
    t = _load(claim.tables[0])
    t = t[t["measure"].isin(EU_TRADED)]
    rows = []
    for _, r in t.iterrows():
        primary = (r["measure"], r["comparison"], r["estimator"]) == (EU_TRADED[0], "within countries", "OLS")
        rows.append(_row("primary" if primary else "secondary",
                         f"Europe {r['measure']}, {r['comparison']}, {r['estimator']}", r, r["p"]))
    if len(claim.tables) > 1:  # the primary construct under the designs beyond the cross-section
        d = _load(claim.tables[1])
        d = d[(d["measure"] == EU_TRADED[0]) & (d["design"] != "cross_section")]
        for _, r in d.iterrows():
            rows.append({"role": "secondary", "estimate": r["coef"], "ci_low": r["ci_low"], "ci_high": r["ci_high"],
                         "label": f"Europe {r['measure']}, {r['comparison']} countries, design: {r['design']}",
                         "p_clustered": r["p"], "p_wild": r["p_wild"], "p_adjusted": np.nan, "family": "",
                         "family_size": 0})
    return pd.DataFrame(rows)


def joint_agrees(claim: Claim, alpha: float) -> tuple[bool | None, dict | None]:
    """The multiverse's share test on the primary construct: dominant sign as claimed and p < alpha."""
    if not claim.joint:
        return None, None
    t = _load(claim.joint).set_index("construct")
    r = t.loc[EU_TRADED[0]]
    agrees = bool(r["p_share"] < alpha and (1 if r["dominant_sign"] == "+" else -1) == claim.sign)
    row = {"role": "secondary", "label": f"multiverse median, {int(r['specifications'])} specifications, "
           f"{int(r['draws'])} null draws (share test p = {r['p_share']:.3f})",
           "estimate": r["median_estimate"], "ci_low": np.nan, "ci_high": np.nan, "p_clustered": np.nan,
           "p_wild": np.nan, "p_adjusted": np.nan, "family": "", "family_size": 0}
    return agrees, row


def us_models(claim: Claim) -> pd.DataFrame:
    """United States: model (2) of each measure, CBSAs (clustered by state) and states (HC3)."""
    rows = []
    for name in claim.tables:
        t = _load(name)
        where = name.split("_")[1]
        for m in US_MEASURES:
            r = t[(t["model"] == f"{m}: {us_regions.HEADLINE_SPEC}") & (t["term"] == m)].iloc[0]
            primary = name == "us_cbsa_regression" and m == US_MEASURES[0]
            clustered = isinstance(r["se_type"], str) and r["se_type"].startswith("clustered")
            label = f"U.S. {where} {m}, model (2)" + ("" if clustered else f" (HC3 p = {r['p']:.3f})")
            rows.append(_row("primary" if primary else "secondary", label, r, r["p"] if clustered else np.nan))
    return pd.DataFrame(rows)


def eu_prosperity(claim: Claim) -> pd.DataFrame:
    """Prosperity: :func:`eu_models.prosperity_models` on the committed region table; primary = cluster strength."""
    t = eu_models.prosperity_models(_load(claim.tables[0]))
    return pd.DataFrame([_row("primary" if r["term"] == EU_TRADED[0] else "secondary",
                              f"Europe GDP per head on {r['term']}, within countries", r, r["p"])
                         for _, r in t.iterrows()])


def eu_quadrants(claim: Claim) -> pd.DataFrame:
    """Share of regions in the quadrants said to be empty, binomial test against 5%, Holm over measures."""
    rows = []
    for name in claim.tables:
        g = _load(name)
        k, n = int(g.loc[g["report_says"] == "empty", "regions"].sum()), int(g["regions"].sum())
        test = stats.binomtest(k, n, 0.05)
        ci = test.proportion_ci()
        # the estimate is the excess over 5%: negative supports 'no regions', positive contradicts it
        rows.append({"role": "primary" if name == claim.tables[0] else "secondary",
                     "label": f"{name.removeprefix('eu_triangle_')}: {k} of {n} regions in the empty quadrants, "
                              "minus 5%", "estimate": k / n - 0.05, "ci_low": ci.low - 0.05,
                     "ci_high": ci.high - 0.05, "p_clustered": np.nan, "p_wild": np.nan, "p_raw": test.pvalue})
    out = pd.DataFrame(rows)
    out["p_adjusted"] = multiple_testing.holm(out.pop("p_raw").to_numpy())
    return out.assign(family="Europe quadrants, three measures: Holm on exact binomial p", family_size=len(out))


def cn_models(claim: Claim) -> pd.DataFrame:
    """China: pooled indicator (primary), the four types, the mediator variant, the other population."""
    rows = []
    for name in claim.tables:
        t = _load(name)
        pop = name.rsplit("_", 1)[1]
        keep = t[t["model"].str.endswith(china_cities.CODING_LABELS["coded"]) & t["term"].isin(
            ["any_resource", "type: growing", "type: mature", "type: declining", "type: regenerating"])
            & ~t["model"].str.startswith("declining vs")]
        for _, r in keep.iterrows():
            primary = (name == claim.tables[0] and r["model"] == china_cities.PRIMARY_MODEL
                       and r["term"] == china_cities.POOLED)
            what = r["model"].split(";")[0].replace(" (primary)", "")
            rows.append(_row("primary" if primary else "secondary", f"China per 10k {pop}: {r['term']} ({what})",
                             r, r["p"]))
    return pd.DataFrame(rows)


def none(claim: Claim) -> pd.DataFrame:
    """No data measure what the claim is about."""
    return pd.DataFrame(columns=["role", "label", "estimate", "ci_low", "ci_high", "p_clustered", "p_wild",
                                 "p_adjusted", "family", "family_size"])


EVIDENCE: dict[str, Callable[[Claim], pd.DataFrame]] = {
    "eu_headline": eu_headline, "us_models": us_models, "eu_prosperity": eu_prosperity,
    "eu_quadrants": eu_quadrants, "cn_models": cn_models, "none": none}


def evaluate(claim: Claim, alpha: float = ALPHA) -> tuple[dict, pd.DataFrame]:
    """One ledger row and the claim's estimates (primary first)."""
    if claim.evidence not in EVIDENCE:
        raise ValueError(f"claim {claim.claim_id}: unknown evidence {claim.evidence!r}; one of {sorted(EVIDENCE)}")
    est = EVIDENCE[claim.evidence](claim)
    agrees, joint_row = joint_agrees(claim, alpha)
    if joint_row:
        est = pd.concat([est, pd.DataFrame([joint_row])], ignore_index=True)
    primary = est[est["role"] == "primary"]
    if claim.primary is not None and len(primary) != 1:
        raise ValueError(f"claim {claim.claim_id}: {len(primary)} primary rows in {', '.join(claim.tables)}; "
                         "exactly one expected (adapt its evidence function)")
    p = primary.iloc[0] if len(primary) else pd.Series(dtype=object)
    v = verdict(p.get("estimate", np.nan), p.get("p_adjusted", np.nan), claim.sign, alpha,
                agrees) if claim.primary else "not testable"
    row = {"claim_id": claim.claim_id, "title": TITLES.get(claim.claim_id, claim.quote), "seed": claim.seed,
           "source": claim.source,
           "location": claim.location,
           "claim": claim.quote, "verdict": v,
           "primary_test": claim.primary.text() if claim.primary else
           "none: the data hold no measure of enterprise size structure, state ownership or inter-firm ties, "
           "so the cause the claim names cannot be separated from the resource-city type",
           "estimate": p.get("estimate", np.nan), "p_clustered": p.get("p_clustered", np.nan),
           "p_wild": p.get("p_wild", np.nan), "p_adjusted": p.get("p_adjusted", np.nan),
           "family": p.get("family", ""), "family_size": int(p.get("family_size", 0) or 0),
           "notebook": f"notebooks/{claim.notebook}.ipynb", "output": claim.output,
           "evidence_tables": " ".join(f"tables/{t}.csv" for t in (*claim.tables, *filter(None, [claim.joint])))}
    est = est.assign(claim_id=claim.claim_id, notebook=row["notebook"], output=claim.output)
    order = est["role"].map({"primary": 0, "secondary": 1}).to_numpy()
    return row, est.iloc[np.argsort(order, kind="mergesort")][ESTIMATE_COLUMNS].reset_index(drop=True)


def ledger(claims: tuple[Claim, ...] = CLAIMS, alpha: float = ALPHA) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The claims ledger (one row per claim) and its estimates (one row per claim x estimate)."""
    done = [evaluate(c, alpha) for c in claims]
    frames = [e for _, e in done if not e.empty]
    estimates = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=ESTIMATE_COLUMNS)
    return pd.DataFrame([r for r, _ in done], columns=COLUMNS), estimates


def primary_tests(claims: tuple[Claim, ...] = CLAIMS) -> pd.DataFrame:
    """The pre-declared primary tests, for the notebook to state before any result."""
    return pd.DataFrame([{"claim_id": c.claim_id, "claimed sign": {1: "+", -1: "-"}[c.sign],
                          **({k: getattr(c.primary, k) for k in ("measure", "design", "outcome", "estimator",
                                                                 "comparison", "why")} if c.primary else
                             {"measure": "none (not testable)"})} for c in claims])


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
        ax.set_xlabel("estimate (per SD; quadrants: share minus 5%)", fontsize=7)
        ax.tick_params(axis="x", labelsize=7)
    fig.supylabel("tested estimate (filled: primary, open: secondary)", fontsize=8)
    fig.tight_layout()
    return fig


def input_tables(claims: tuple[Claim, ...] = CLAIMS) -> list[str]:
    """The evidence tables the ledger reads (for the Makefile and the tests)."""
    return sorted({f"tables/{t}.csv" for c in claims for t in (*c.tables, *filter(None, [c.joint]))})
