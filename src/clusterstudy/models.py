"""OLS of log innovation on a specialisation measure (statsmodels formula API), tidy results."""

from __future__ import annotations

import numpy as np
import pandas as pd
import statsmodels.formula.api as smf

ZERO_HANDLING = ("drop", "log1p")
SE_TYPES = ("HC3", "cluster")
TIDY_COLUMNS = ["model", "term", "coef", "se", "p", "ci_low", "ci_high", "n", "r2"]


def prepare(df: pd.DataFrame, outcome: str, measure: str, controls: list[str],
            zero_patents: str = "drop", cluster: str | None = None) -> pd.DataFrame:
    """Rows usable by the model, with ``log_outcome``; zero outcomes dropped or log1p'd."""
    if zero_patents not in ZERO_HANDLING:
        allowed = ", ".join(ZERO_HANDLING)
        raise ValueError(f"unknown zero-patent handling {zero_patents!r}; choose one of {allowed}")
    missing = [c for c in [outcome, measure, *controls] if c not in df.columns]
    if missing:
        raise ValueError(f"unknown column {missing[0]!r}; available: {', '.join(df.columns)}")
    cols = [outcome, measure, *controls] + ([cluster] if cluster else [])
    d = df.dropna(subset=cols).copy()
    if zero_patents == "drop":
        d = d[d[outcome] > 0]
        d["log_outcome"] = np.log(d[outcome])
    else:
        d["log_outcome"] = np.log1p(d[outcome])
    if len(d) < len(controls) + 3:
        raise ValueError(f"empty sample after filters: {len(d)} rows for {measure} with {controls}")
    return d


def fit(d: pd.DataFrame, measure: str, controls: list[str], fixed_effects: str | None = None,
        se: str = "HC3", cluster: str = "country", standardise: bool = False):
    """Fit OLS ``log_outcome ~ measure + controls [+ C(fixed_effects)]``; return the results.

    ``se``: 'HC3' heteroskedasticity-robust, or 'cluster' (by ``cluster``). With fixed
    effects, groups with a single observation are dropped (the model's ``nobs`` says so). With
    ``standardise`` the measure is z-scored first, so its coefficient is the change in log
    outcome per standard deviation.
    """
    if se not in SE_TYPES:
        raise ValueError(f"unknown standard errors {se!r}; choose one of {', '.join(SE_TYPES)}")
    d = d.copy()
    if fixed_effects:
        # singleton groups are absorbed by their own dummy (leverage 1): they carry no
        # information on the slope and make HC3 undefined, so they are dropped (as reghdfe does)
        d = d[d.groupby(fixed_effects)[fixed_effects].transform("size") > 1]
    if standardise:
        sd = d[measure].std()
        if not sd > 0:
            raise ValueError(f"{measure} does not vary in the sample")
        d[measure] = (d[measure] - d[measure].mean()) / sd
    rhs = [measure, *[f"np.log({c})" if c == "gdp_pps_per_inhabitant" else c for c in controls]]
    if fixed_effects:
        rhs.append(f"C({fixed_effects})")
    model = smf.ols(f"log_outcome ~ {' + '.join(rhs)}", data=d)
    if se == "cluster":
        groups = pd.factorize(d[cluster])[0]
        return model.fit(cov_type="cluster", cov_kwds={"groups": groups})
    return model.fit(cov_type="HC3")


def tidy(result, model: str, keep_fixed_effects: bool = False) -> pd.DataFrame:
    """One row per term: coef, se, p, 95% CI, n and R² of the model."""
    ci = result.conf_int()
    out = pd.DataFrame({
        "model": model, "term": result.params.index, "coef": result.params.to_numpy(),
        "se": result.bse.to_numpy(), "p": result.pvalues.to_numpy(),
        "ci_low": ci[0].to_numpy(), "ci_high": ci[1].to_numpy(),
        "n": int(result.nobs), "r2": result.rsquared,
    })
    if not keep_fixed_effects:
        out = out[~out["term"].str.startswith("C(")]
    return out[TIDY_COLUMNS].reset_index(drop=True)


def pct_effect(coef: float) -> float:
    """Percentage change in the outcome for a one-unit change in a regressor of log outcome."""
    return 100 * (np.exp(coef) - 1)


def quadrants(df: pd.DataFrame, measure: str, outcome: str, q_measure: float = 0.5,
              q_outcome: float = 0.5) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split at quantiles of the measure and the outcome; return counts and the off-diagonal regions.

    The CLUSNET report says two quadrants are empty: dispersed regions with high innovation
    (low measure, high outcome) and specialised regions with low innovation.
    """
    cut_m, cut_o = df[measure].quantile(q_measure), df[outcome].quantile(q_outcome)
    spec = np.where(df[measure] > cut_m, "specialised", "dispersed")
    innov = np.where(df[outcome] > cut_o, "high innovation", "low innovation")
    d = df.assign(specialisation=spec, innovation=innov)
    counts = d.groupby(["specialisation", "innovation"]).size().rename("regions").reset_index()
    counts["report_says"] = np.where(
        ((counts["specialisation"] == "dispersed") & (counts["innovation"] == "high innovation"))
        | ((counts["specialisation"] == "specialised") & (counts["innovation"] == "low innovation")),
        "empty", "populated")
    off = d[((d["specialisation"] == "dispersed") & (d["innovation"] == "high innovation"))
            | ((d["specialisation"] == "specialised") & (d["innovation"] == "low innovation"))]
    return counts, off


def describe(row: pd.Series, what: str, outcome: str = "patents per million", alpha: float = 0.05) -> str:
    """A plain sentence for a standardised coefficient row (coef per SD of the measure)."""
    effect, lo, hi = pct_effect(row["coef"]), pct_effect(row["ci_low"]), pct_effect(row["ci_high"])
    direction = "more" if effect >= 0 else "fewer"
    verdict = ("statistically significant" if row["p"] < alpha
               else f"not statistically significant at {alpha:.0%}")
    return (f"{row['model']}: a one-standard-deviation rise in {what} goes with {abs(effect):.0f}% "
            f"{direction} {outcome} (95% CI {lo:+.0f}% to {hi:+.0f}%, p = {row['p']:.3f}, "
            f"n = {int(row['n'])}); {verdict}.")
