"""The claims ledger: each claim of the seeds the compendium tests, its test and its verdict.

Every claim is declared once in :data:`CLAIMS`: where the seed makes it, the claim quoted
verbatim, the test, and the evidence rule (which committed table, which rows, which rule).
The verdict and the key figure are computed from the analyses' tables by the rule, never
typed. To adapt a claim after an analysis changes, edit its one ``Claim(...)`` entry
(usually the ``tables`` or ``where`` field).

Verdicts: ``holds``, ``does not hold``, ``mixed``, ``not testable with these data``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd
from scipy import stats

from clusterstudy.core import paths
from clusterstudy.core.prose import pval

VERDICTS = ("holds", "does not hold", "mixed", "not testable with these data")
ALPHA = 0.05
COLUMNS = ["claim_id", "seed", "location", "claim", "test", "verdict", "key_figure", "notebook",
           "output", "evidence_tables", "rule"]
EU_MEASURES = ("cluster_strength_traded", "n_star_sectors_traded", "hhi_traded", "krugman_traded")
EU_TRIANGLES = ("cluster_strength_traded", "cluster_strength", "hhi")
FOCUS_CONSTRUCTS = ("cluster_strength_traded", "n_star_sectors_traded", "hhi", "krugman")
CN_MODEL = "declining vs other resource; county-level resource cities coded resource-bearing"
US_MEASURES = ("strong_cluster_share", "n_strong_clusters", "hhi_traded", "krugman_traded")


@dataclass(frozen=True)
class Claim:
    """One tested claim: source, verbatim quote, test, and the rule giving its verdict.

    ``tables`` are names in ``tables/`` (without ``.csv``); ``where`` keeps the rows whose
    column equals the value (or is in the tuple); ``rule`` names a function of :data:`RULES`.
    """

    claim_id: str
    seed: str
    location: str
    quote: str
    test: str
    tables: tuple[str, ...]
    rule: str
    notebook: str
    output: str
    where: dict[str, object] = field(default_factory=dict)
    column: str = ""


SEED_004 = "004_3c90db32e12d6b87.txt"
SEED_000 = "000_162d3ef9e57ceb7c.txt"
FIG6 = ("The more a region is focused on a few clusters, the more innovation output is produced")
NO_REGIONS = ("there are no regions with a dispersed industrial structure (employment across a large "
              "range of sectors) that produce high levels of innovation, and vice versa, there are no "
              "regions with a high level of specialisation that produces low levels of innovation")

CLAIMS: tuple[Claim, ...] = (
    Claim("004-fig6-eu", SEED_004, "Clusters and innovation, text on Figure 6 (line 124)", FIG6,
          "OLS of log EPO patents per million on each traded-sector specialisation measure "
          "(standardised) with log population and tertiary share, European NUTS-2 regions, across "
          "countries and within them (country fixed effects), errors clustered by country, wild "
          "cluster bootstrap p-values; holds if every coefficient is positive and significant at {alpha}",
          tables=("eu_headline_models",), rule="positive_and_significant",
          where={"estimator": "OLS", "measure": EU_MEASURES},
          notebook="eu_specialisation_innovation", output="figures/eu_fig6_cluster_strength_traded.png"),
    Claim("004-fig6-speccurve", SEED_004, "Clusters and innovation, text on Figure 6 (line 124)", FIG6,
          "Specification curve per construct of focus (traded cluster strength, traded star count, "
          "HHI, Krugman) with Simonsohn, Simmons & Nelson's (2020) test under the null: holds for "
          "a construct if its significant estimates are mostly positive and their share exceeds the "
          "null's at {alpha}; holds if it holds for every construct, does not hold if for none",
          tables=("eu_specification_curve_inference",), rule="specification_inference",
          where={"construct": FOCUS_CONSTRUCTS},
          notebook="eu_specification_curve", output="figures/eu_specification_curve.png"),
    Claim("004-fig6-us", SEED_004, "Clusters and innovation, text on Figure 6 (line 124)", FIG6,
          "Same claim on U.S. data: OLS of log patents per 10k employees on each traded-cluster "
          "measure (standardised) with log employment (model 2, size), U.S. states (HC3 errors) and "
          "CBSAs (errors clustered by state, wild cluster bootstrap p-values); holds if every "
          "coefficient is positive and significant at {alpha}",
          tables=("us_state_regression", "us_cbsa_regression"), rule="positive_and_significant",
          where={"model": tuple(f"{m}: (2) size" for m in US_MEASURES), "term": US_MEASURES},
          notebook="us_cluster_patenting", output="figures/us_state_scatter_strong_cluster_share.png"),
    Claim("004-fig6-prosperity", SEED_004, "Clusters and innovation, text on Figure 6 (line 124)",
          "the higher is the regional economic prosperity",
          "Spearman rank correlation of each traded-sector specialisation measure with GDP per inhabitant (PPS) "
          "across the European regions; holds if every correlation is positive and significant at {alpha}",
          tables=("eu_region_indicators",), rule="positive_rank_correlation",
          column="gdp_pps_per_inhabitant",
          notebook="claims_ledger", output="tables/eu_region_indicators.csv"),
    Claim("004-fig6-quadrants", SEED_004, "Clusters and innovation, text on Figure 6 (line 124)",
          NO_REGIONS,
          "Regions split at the medians of the measure and of patents per million; holds if the two "
          "quadrants the report calls empty hold at most 5% of the regions, for every measure",
          tables=tuple(f"eu_triangle_{m}" for m in EU_TRIANGLES), rule="empty_quadrants",
          notebook="eu_specialisation_innovation", output="tables/eu_triangle_cluster_strength_traded.csv"),
    Claim("000-resource-cities", SEED_000, "1. Introduction (line 35)",
          "This is the reason resulting in the low innovation capability of resource cities.",
          "The outcome part of the claim: OLS of log patents per 10k population on declining and "
          "other resource-city dummies (non-resource cities the base) with log GDP per capita, "
          "knowledge-employment share and province fixed effects, errors clustered by province, wild "
          "cluster bootstrap p-values, Chinese prefecture-level cities, both population definitions; "
          "holds if every resource-city coefficient is negative and significant at {alpha}",
          tables=("cn_resource_type_regression_patents_per_10k_residents",
                  "cn_resource_type_regression_patents_per_10k_registered"),
          rule="negative_and_significant",
          where={"model": CN_MODEL, "term": ("type: declining", "other_resource")},
          notebook="cn_resource_cities", output="figures/cn_resource_types_patents_per_10k_residents.png"),
    Claim("000-production-complex", SEED_000, "5. Value of Cluster Innovation Strategy (line 89)",
          "the planned economic system and traditional forms of industrial organizations do not "
          "provide a good breeding ground for innovation, which results in the low innovation "
          "capability of resource cities",
          "The mechanism: the city data have no measure of enterprise size structure, state "
          "ownership or inter-firm ties, so the cause the claim names cannot be separated from "
          "the resource-city type",
          tables=(), rule="not_testable", notebook="cn_resource_cities",
          output="tables/cn_resource_type_summary_patents_per_10k_residents.csv"),
)


def _load(name: str) -> pd.DataFrame:
    path = paths.project_root() / "tables" / f"{name}.csv"
    if not path.is_file():
        raise FileNotFoundError(f"claims ledger: evidence table {path.name} is missing; "
                                "run `make all` first")
    return pd.read_csv(path, dtype={"model": str, "term": str, "measure": str, "construct": str})


def _rows(claim: Claim) -> pd.DataFrame:
    frames = []
    for name in claim.tables:
        df = _load(name).assign(table=name)
        for col, value in claim.where.items():
            df = df[df[col].isin(value if isinstance(value, tuple) else (value,))]
        frames.append(df)
    rows = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    if claim.tables and rows.empty:
        raise ValueError(f"claim {claim.claim_id}: no rows of {', '.join(claim.tables)} match "
                         f"{claim.where}; adapt its rule in clusterstudy.publish.claims.CLAIMS")
    return rows


def _common_prefix(names: list[str]) -> str:
    """The common leading ``_``-separated words of several table names."""
    if len(names) < 2:
        return names[0] if names else ""
    words = [n.split("_") for n in names]
    common = []
    for parts in zip(*words, strict=False):
        if len(set(parts)) > 1:
            break
        common.append(parts[0])
    return "_".join(common)


def _where(table: str, prefix: str, term: str) -> str:
    """The distinguishing part of a table's name, unless it just repeats the term."""
    rest = table.removeprefix(prefix).strip("_")
    return "" if not rest or rest == term else f"{rest.split('_')[0].replace('-', ' ')}, "


def _pvalues(rows: pd.DataFrame) -> pd.Series:
    """The wild cluster bootstrap p-value where the table has one, else the analytic p-value."""
    return rows["p_wild"].fillna(rows["p"]) if "p_wild" in rows else rows["p"]


def _label(r) -> str:
    """A row's name: its term, or its measure and comparison (tables with one row per model)."""
    term = getattr(r, "term", None)
    return term if isinstance(term, str) else f"{r.measure}, {r.comparison}"


def _signed(rows: pd.DataFrame, sign: int, alpha: float) -> tuple[str, str]:
    rows = rows.assign(p=_pvalues(rows), term=[_label(r) for r in rows.itertuples()])
    ok = (sign * rows["coef"] > 0) & (rows["p"] < alpha)
    against = (-sign * rows["coef"] > 0) & (rows["p"] < alpha)
    k, n = int(ok.sum()), len(rows)
    verdict = "holds" if k == n else "does not hold" if k == 0 else "mixed"
    direction = "positive" if sign > 0 else "negative"
    prefix = _common_prefix(list(dict.fromkeys(rows["table"])))
    detail = "; ".join(f"{_where(r.table, prefix, r.term)}{r.term}: {r.coef:+.3f} ({pval(r.p)}, n = {r.n:.0f})"
                       for r in rows.itertuples())
    figure = (f"{k} of {n} coefficients {direction} and significant at {alpha:.0%}, "
              f"{int(against.sum())} significant the other way ({detail})")
    return verdict, figure


def positive_and_significant(rows: pd.DataFrame, claim: Claim, alpha: float) -> tuple[str, str]:
    """Holds if every coefficient is positive with p < 5%; does not hold if none is."""
    return _signed(rows, +1, alpha)


def negative_and_significant(rows: pd.DataFrame, claim: Claim, alpha: float) -> tuple[str, str]:
    """Holds if every coefficient is negative with p < 5%; does not hold if none is."""
    return _signed(rows, -1, alpha)


def specification_shares(rows: pd.DataFrame, claim: Claim, alpha: float) -> tuple[str, str]:
    """Verdict from the shares of positive / negative significant specifications."""
    r = rows.iloc[0]
    pos, neg = float(r["positive and significant"]), float(r["negative and significant"])
    if pos >= 0.5:
        verdict = "holds"
    elif neg >= 0.5 or pos <= 0.10:
        verdict = "does not hold"
    else:
        verdict = "mixed"
    return verdict, (f"of {int(r['specifications'])} specifications, {pos:.0%} positive and "
                     f"significant, {neg:.0%} negative and significant")


def specification_inference(rows: pd.DataFrame, claim: Claim, alpha: float) -> tuple[str, str]:
    """Per construct, Simonsohn et al.'s share test: supports the claim if the dominant sign is
    positive and the share of significant estimates of that sign exceeds the null's at ``alpha``."""
    parts, ok, against = [], 0, 0
    for r in rows.itertuples():
        significant = r.p_share < alpha
        ok += bool(significant and r.dominant_sign == "+")
        against += bool(significant and r.dominant_sign == "-")
        parts.append(f"{r.construct}: {r.share_positive_significant:.0%} positive and "
                     f"{r.share_negative_significant:.0%} negative significant of {int(r.specifications)}, "
                     f"share test {pval(r.p_share)} ({int(r.draws)} draws)")
    n = len(rows)
    verdict = "holds" if ok == n else "does not hold" if ok == 0 else "mixed"
    return verdict, (f"{ok} of {n} constructs support the claim, {against} significantly contradict it "
                     f"({'; '.join(parts)})")


def empty_quadrants(rows: pd.DataFrame, claim: Claim, alpha: float) -> tuple[str, str]:
    """Holds if the quadrants said to be empty hold at most 5% of regions for every measure."""
    parts, shares = [], []
    for table, g in rows.groupby("table", sort=False):
        empty = int(g.loc[g["report_says"] == "empty", "regions"].sum())
        total = int(g["regions"].sum())
        shares.append(empty / total)
        parts.append(f"{table.removeprefix('eu_triangle_')}: {empty} of {total}")
    k = sum(s <= 0.05 for s in shares)
    verdict = "holds" if k == len(shares) else "does not hold" if k == 0 else "mixed"
    return verdict, "regions in the quadrants said to be empty: " + "; ".join(parts)


def positive_rank_correlation(rows: pd.DataFrame, claim: Claim, alpha: float) -> tuple[str, str]:
    """Spearman correlation of each European measure with ``claim.column``."""
    parts, ok = [], 0
    for m in EU_MEASURES:
        d = rows[[m, claim.column]].dropna()
        rho, p = stats.spearmanr(d[m], d[claim.column])
        ok += bool(rho > 0 and p < alpha)
        parts.append(f"{m}: rho = {rho:+.2f} ({pval(p)}, n = {len(d)})")
    verdict = "holds" if ok == len(EU_MEASURES) else "does not hold" if ok == 0 else "mixed"
    return verdict, f"{ok} of {len(EU_MEASURES)} correlations positive and significant ({'; '.join(parts)})"


def not_testable(rows: pd.DataFrame, claim: Claim, alpha: float) -> tuple[str, str]:
    """The data hold no variable that measures what the claim is about."""
    return "not testable with these data", ""


RULES: dict[str, Callable[[pd.DataFrame, Claim, float], tuple[str, str]]] = {
    f.__name__: f for f in (positive_and_significant, negative_and_significant, specification_shares,
                            specification_inference, empty_quadrants, positive_rank_correlation, not_testable)
}


def evaluate(claim: Claim, alpha: float = ALPHA) -> dict[str, str]:
    """One ledger row: the claim's declaration with its computed verdict and key figure."""
    if claim.rule not in RULES:
        raise ValueError(f"claim {claim.claim_id}: unknown rule {claim.rule!r}; one of {sorted(RULES)}")
    if not 0 < alpha < 1:
        raise ValueError(f"significance level alpha must be between 0 and 1, not {alpha!r}")
    verdict, figure = RULES[claim.rule](_rows(claim), claim, alpha)
    assert verdict in VERDICTS
    return {"claim_id": claim.claim_id, "seed": claim.seed, "location": claim.location,
            "claim": claim.quote, "test": claim.test.replace("{alpha}", f"{alpha:.0%}"), "verdict": verdict,
            "key_figure": figure,
            "notebook": f"notebooks/{claim.notebook}.ipynb", "output": claim.output,
            "evidence_tables": " ".join(f"tables/{t}.csv" for t in claim.tables), "rule": claim.rule}


def ledger(claims: tuple[Claim, ...] = CLAIMS, alpha: float = ALPHA) -> pd.DataFrame:
    """The claims ledger, one row per tested claim, in declaration order."""
    return pd.DataFrame([evaluate(c, alpha) for c in claims], columns=COLUMNS)


def input_tables(claims: tuple[Claim, ...] = CLAIMS) -> list[str]:
    """The evidence tables the ledger reads (for the Makefile and the tests)."""
    return sorted({f"tables/{t}.csv" for c in claims for t in c.tables})


if __name__ == "__main__":
    print("\n".join(input_tables()))
