"""The claims ledger computed: each claim's evidence from the committed tables, the one family, the verdicts.

For each claim of :data:`clusterstudy.analyses.claims.CLAIMS` an evidence function
(:data:`EVIDENCE`) reads the committed tables and returns its estimates (exactly one ``primary``
row; ``secondary`` rows, of which those with a ``design`` address reverse timing,
:data:`claim_designs.DESIGNS`) and the primary fit, refitted so that the family's restricted wild
cluster bootstrap draws can be taken jointly (:func:`family`). :func:`ledger` applies
:func:`clusterstudy.analyses.claims.verdict` to each.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from clusterstudy.analyses import china_cities, claim_designs, us_regions
from clusterstudy.analyses.claims import (
    ALPHA,
    CLAIMS,
    COLUMNS,
    DESIGNATED,
    ESTIMATE_COLUMNS,
    EU_TRADED,
    FAMILY,
    TITLES,
    US_MEASURES,
    Claim,
    verdict,
)
from clusterstudy.core import paths
from clusterstudy.core.errors import DataError
from clusterstudy.core.prose import pval
from clusterstudy.estimation import models, multiple_testing


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
        rows.append(_est("secondary", f"Europe GDP per head on {EU_TRADED[0]}, design: {r['design']}", r["coef"],
                         r["ci_low"], r["ci_high"], r["p"], r["p_wild"], r["design"]))
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


# ---------------------------------------------------------------- figure
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
