"""Specification-curve inference and summaries (Simonsohn, Simmons & Nelson 2020, *Nature Human Behaviour* 4).

Given the estimates of :func:`clusterstudy.analyses.speccurve.estimate` and the null draws of
:func:`clusterstudy.estimation.multiverse.resample`, three statistics per construct, each with its
one-sided p-value from the draws: the median estimate, the share of specifications significant
in the dominant sign (two-sided t(G-1) test at :data:`ALPHA`, G the countries of the
specification's sample, in the observed data and in every draw), and the mean z. Also the
tables the notebook shows: shares per construct, the choices and the constructs.

The reported test (:func:`main_inference`) is on the main panel only (the choices the compendium
itself rejects, :data:`clusterstudy.analyses.speccurve.REJECTED`, are left out) and is also
computed per estimator (OLS only, PPML only): a share that rests on one estimator shows there.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from clusterstudy.analyses.speccurve import ALPHA, CHOICES, CONSTRUCTS, MAIN, REJECTED, STAR_RULES
from clusterstudy.core.prose import pct, pval
from clusterstudy.estimation import multiverse
from clusterstudy.measures import catalogue


def critical_values(specs: pd.DataFrame, alpha: float = ALPHA) -> np.ndarray:
    """Two-sided critical value of each specification's t(G-1) (G: its ``clusters``)."""
    return stats.t.isf(alpha / 2, specs["clusters"].to_numpy() - 1)


def _statistics(coef: np.ndarray, z: np.ndarray, sign: float, crit: np.ndarray) -> dict[str, np.ndarray]:
    """The three curve statistics per row (draw) of coef/z (draws x specifications)."""
    sig = np.abs(z) > crit
    return {"median": np.median(coef, axis=-1), "share": (sig & (np.sign(coef) == sign)).mean(axis=-1),
            "mean_z": z.mean(axis=-1)}


def inference(specs: pd.DataFrame, null: dict[str, np.ndarray]) -> pd.DataFrame:
    """Per construct: observed statistics, their null p-values (one-sided, dominant sign) and shares."""
    rows = []
    draws = null["coef"].shape[0]
    for con in dict.fromkeys(specs["construct"]):
        sel = (specs["construct"] == con).to_numpy()
        s = specs[sel]
        sign = 1.0 if s["coef"].median() >= 0 else -1.0
        crit = critical_values(s)
        obs = _statistics(s["coef"].to_numpy(), s["z"].to_numpy(), sign, crit)
        nul = _statistics(null["coef"][:, sel], null["z"][:, sel], sign, crit)
        rows.append({
            "construct": con, "expected_sign": CONSTRUCTS[con].expected_sign if con in CONSTRUCTS else "",
            "specifications": int(sel.sum()), "draws": draws,
            "dominant_sign": "+" if sign > 0 else "-",
            "share_positive_significant": (s["result"] == "positive and significant").mean(),
            "share_negative_significant": (s["result"] == "negative and significant").mean(),
            "median_estimate": obs["median"], "p_median": (sign * nul["median"] >= sign * obs["median"]).mean(),
            "share_significant_dominant": obs["share"], "p_share": (nul["share"] >= obs["share"]).mean(),
            "mean_z": obs["mean_z"], "p_mean_z": (sign * nul["mean_z"] >= sign * obs["mean_z"]).mean(),
            "null_median_q95": np.quantile(sign * nul["median"], 0.95) * sign,
            "null_share_q95": np.quantile(nul["share"], 0.95),
            "null_mean_z_q95": np.quantile(sign * nul["mean_z"], 0.95) * sign,
        })
    return pd.DataFrame(rows)


# the share test per estimator: column suffix of each
ESTIMATOR_SUFFIX = {multiverse.OLS: "ols", multiverse.POISSON: "ppml"}
BY_ESTIMATOR = ["specifications", "dominant_sign", "share_significant_dominant", "p_share", "mean_z", "p_mean_z"]


def select(specs: pd.DataFrame, null: dict[str, np.ndarray], mask) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """The specifications where ``mask`` holds and their columns of the null draws."""
    m = np.asarray(mask, dtype=bool)
    return specs[m].reset_index(drop=True), {k: v[:, m] for k, v in null.items()}


def main_inference(specs: pd.DataFrame, null: dict[str, np.ndarray]) -> pd.DataFrame:
    """:func:`inference` on the main panel, with the share test (and mean z) per estimator beside it
    (columns suffixed ``_ols`` and ``_ppml``; each with its own dominant sign)."""
    s, n = select(specs, null, specs["panel"] == MAIN)
    out = inference(s, n)
    for est, suffix in ESTIMATOR_SUFFIX.items():
        e, ne = select(s, n, s["estimator"] == est)
        by = inference(e, ne).set_index("construct")[BY_ESTIMATOR].add_suffix(f"_{suffix}")
        out = out.join(by, on="construct")
    return out


def rejected_inference(specs: pd.DataFrame, null: dict[str, np.ndarray]) -> pd.DataFrame:
    """:func:`inference` per construct on the specifications outside the main panel (descriptive: the
    choices the compendium rejects), labelled with the rejected choices each construct's panel holds."""
    s, n = select(specs, null, specs["panel"] != MAIN)
    out = inference(s, n)
    def label(g: pd.DataFrame) -> str:
        return "rejected: " + " or ".join(why for (choice, value), why in REJECTED.items() if (g[choice] == value).any())

    out.insert(1, "panel", out["construct"].map({c: label(g) for c, g in s.groupby("construct", sort=False)}))
    return out


def null_statistics(specs: pd.DataFrame, null: dict[str, np.ndarray]) -> pd.DataFrame:
    """Long table of the three statistics per construct and draw (for the null-distribution figure)."""
    out = []
    for con in dict.fromkeys(specs["construct"]):
        sel = (specs["construct"] == con).to_numpy()
        sign = 1.0 if specs.loc[sel, "coef"].median() >= 0 else -1.0
        st = _statistics(null["coef"][:, sel], null["z"][:, sel], sign, critical_values(specs[sel]))
        out.append(pd.DataFrame({"construct": con, "draw": np.arange(len(st["median"])), **st}))
    return pd.concat(out, ignore_index=True)


def shares(specs: pd.DataFrame, by: str | list[str] | None = None) -> pd.DataFrame:
    """Share of specifications positive-significant, negative-significant and neither (per ``by`` group)."""
    order = ["positive and significant", "negative and significant", "not significant"]
    keys = [by] if isinstance(by, str) else list(by or [])
    counts = specs.groupby([*keys, "result"]).size().unstack(fill_value=0) if keys \
        else specs.groupby("result").size().to_frame().T
    table = counts.reindex(columns=order, fill_value=0)
    table.insert(0, "specifications", table.sum(axis=1))
    for c in order:
        table[c] = table[c] / table["specifications"]
    return table.reset_index() if keys else table.reset_index(drop=True)


def choices_table(specs: pd.DataFrame) -> pd.DataFrame:
    """Each choice of the grid, its values as they appear in ``specs`` and how many there are."""
    return pd.DataFrame([{"choice": c.replace("_", " "), "values": len(v := list(dict.fromkeys(specs[c]))),
                          "options": "; ".join(map(str, v))} for c in CHOICES])


def constructs_table() -> pd.DataFrame:
    """The constructs with their expected sign under the CLUSNET claim and why."""
    return pd.DataFrame([{"construct": k, "label": c.label, "expected sign": c.expected_sign,
                          "star rules": len(STAR_RULES) if c.compute else 1, "why": c.why}
                         for k, c in CONSTRUCTS.items()])


# ---------------------------------------------------------------- finding sentences
def estimator_sentence(row: pd.Series) -> str:
    """The share test of one construct per estimator (OLS only, PPML only), from :func:`main_inference`'s columns."""
    parts = []
    for est, suffix in ESTIMATOR_SUFFIX.items():
        if f"p_share_{suffix}" not in row.index or pd.isna(row[f"p_share_{suffix}"]):
            continue
        parts.append(f"{est} only {pct(row[f'share_significant_dominant_{suffix}'])} significant with sign "
                     f"{row[f'dominant_sign_{suffix}']} of {int(row[f'specifications_{suffix}'])} "
                     f"(share test {pval(row[f'p_share_{suffix}'])})")
    return "; ".join(parts)


def inference_sentence(inference: pd.DataFrame) -> str:
    """Per construct: shares of significant estimates and Simonsohn et al.'s share test under the null
    (its p: the share of cluster-bootstrap draws under the null at least as extreme), also per estimator
    where the table has it."""
    parts = []
    for _, r in inference.iterrows():
        dominant = "positive" if r["dominant_sign"] == "+" else "negative"
        by = estimator_sentence(r)
        parts.append(f"{catalogue.short(r['construct'])} (expected {r['expected_sign']}): "
                     f"{pct(r['share_positive_significant'])} positive and {pct(r['share_negative_significant'])} "
                     f"negative significant of {int(r['specifications'])}, mostly {dominant}, share test "
                     f"{pval(r['p_share'])}" + (f" ({by})" if by else ""))
    draws = int(inference["draws"].iloc[0])
    return f"{int(inference['specifications'].sum()):,} specifications, {draws} draws under the null: " + "; ".join(parts)
