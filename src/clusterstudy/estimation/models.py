"""The one estimator wrapper: OLS of log innovation and Poisson PML of counts, tidy results.

- :func:`fit`: OLS (statsmodels formula API) of ``log_outcome`` on a measure, controls and
  optional fixed effects; errors clustered by ``cluster`` (default) or HC3. Clustered
  p-values and CIs use t(G-1), G the clusters actually in the estimation sample (Cameron &
  Miller 2015, section VI.D); tidy tables report G as ``clusters``.
- :func:`wild_bootstrap_p`: wild cluster restricted bootstrap p-value of one coefficient
  (Cameron, Gelbach & Miller 2008; Roodman, MacKinnon, Nielsen & Webb 2019) with the
  ``wildboottest`` package: Rademacher weights (Webb's six-point with ``weights="webb"``),
  null imposed, fixed seed.
- :func:`fit_poisson`: Poisson pseudo-maximum likelihood of a count with ``log(exposure)``
  as offset (Santos Silva & Tenreyro 2006), statsmodels GLM, clustered errors; keeps zeros.
- :func:`score_bootstrap_p`: wild score bootstrap p-value of one Poisson PML coefficient
  (Kline & Santos 2012), so that no p-value of a count model rests on asymptotics alone.
- :func:`tidy`: one row per term with the contract columns :data:`TIDY_COLUMNS`.
"""

from __future__ import annotations

import warnings
from typing import Annotated, Literal, get_args

import numpy as np
import pandas as pd
import statsmodels.api as sm
import statsmodels.formula.api as smf

from clusterstudy.core.contracts import Between, between

ZeroHandling = Literal["drop", "log1p"]  # zero outcomes: dropped, or log(1 + y)
SeType = Literal["cluster", "HC3"]
CornerQuantile = Annotated[float, Between(0, 0.5, low_open=True, high_open=True)]  # corner_test's q
ZERO_HANDLING: tuple[str, ...] = get_args(ZeroHandling)
SE_TYPES: tuple[str, ...] = get_args(SeType)
TIDY_COLUMNS = ["model", "term", "coef", "se", "p", "ci_low", "ci_high", "n", "r2",
                "estimator", "se_type", "fixed_effects", "p_wild", "clusters"]
WILD_B = 9999
WILD_SEED = 20261124


def prepare(df: pd.DataFrame, outcome: str, measure: str, controls: list[str],
            zero_patents: ZeroHandling = "drop", cluster: str | None = None) -> pd.DataFrame:
    """Rows usable by the model, with ``log_outcome``; zero outcomes dropped or log1p'd."""
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


def _rhs(d: pd.DataFrame, measure: str, controls: list[str], fixed_effects: str | None,
         standardise: bool) -> tuple[pd.DataFrame, str]:
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
    return d, " + ".join(rhs)


def n_clusters(groups) -> int:
    """The number of distinct clusters in an estimation sample (the G of t(G-1))."""
    return int(pd.Series(np.asarray(groups)).nunique())


def _label(se: str, cluster: str) -> str:
    return f"clustered by {cluster}" if se == "cluster" else se


def fit(d: pd.DataFrame, measure: str, controls: list[str], fixed_effects: str | None = None,
        se: str = "cluster", cluster: str = "country", standardise: bool = False):
    """Fit OLS ``log_outcome ~ measure + controls [+ C(fixed_effects)]``; return the results.

    ``se``: 'cluster' (by ``cluster``, the default: regions are nested in countries) or
    'HC3' (heteroskedasticity-robust, a sensitivity). With fixed effects, groups with a
    single observation are dropped (the model's ``nobs`` says so). With ``standardise`` the
    measure is z-scored first, so its coefficient is the change in log outcome per standard
    deviation. The result carries ``cs_meta`` (estimator, se_type, fixed_effects, groups)
    for :func:`tidy` and :func:`wild_bootstrap_p`.
    """
    if se not in SE_TYPES:
        raise ValueError(f"unknown standard errors {se!r}; choose one of {', '.join(SE_TYPES)}")
    if se == "cluster" and cluster not in d.columns:
        raise ValueError(f"unknown cluster column {cluster!r}")
    d, rhs = _rhs(d, measure, controls, fixed_effects, standardise)
    model = smf.ols(f"log_outcome ~ {rhs}", data=d)
    groups = pd.factorize(d[cluster])[0] if cluster in d.columns else None
    if se == "cluster":
        # use_t: t(G-1) reference distribution, G = clusters in this sample (statsmodels'
        # df_resid_inference), not the normal
        res = model.fit(cov_type="cluster", cov_kwds={"groups": groups}, use_t=True)
    else:
        res = model.fit(cov_type="HC3")
    res.cs_meta = {"estimator": "OLS", "se_type": _label(se, cluster),
                   "fixed_effects": fixed_effects or "none", "groups": groups,
                   "clusters": n_clusters(groups) if se == "cluster" else np.nan}
    return res


def wild_bootstrap_p(result, term: str, B: int = WILD_B, seed: int = WILD_SEED,
                     weights: str = "rademacher") -> float:
    """Wild cluster restricted (WCR) bootstrap p-value of ``term`` in an OLS from :func:`fit`.

    Two-sided, null (coefficient = 0) imposed, clusters = the fit's ``cluster`` column,
    ``B`` draws of Rademacher (or ``"webb"``) weights with a fixed ``seed``; with 2^G < B
    all sign patterns are enumerated. Uses ``wildboottest`` (numba); cluster codes are
    passed as integers (its JIT kernel refuses an object array).
    """
    from wildboottest.wildboottest import wildboottest

    meta = getattr(result, "cs_meta", None)
    if meta is None or meta["estimator"] != "OLS" or meta["groups"] is None:
        raise ValueError("wild_bootstrap_p needs an OLS result of models.fit with a cluster column")
    if term not in result.params.index:
        raise ValueError(f"unknown term {term!r}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # full-enumeration notice, numba parallel notices
        out = wildboottest(result.model, B=B, cluster=np.asarray(meta["groups"], dtype=np.int64),
                           param=term, weights_type=weights, seed=seed, show=False, parallel=False)
    return float(out["p-value"].iloc[0])


def fit_poisson(df: pd.DataFrame, count: str, exposure: str, measure: str, controls: list[str],
                fixed_effects: str | None = None, cluster: str = "country", se: str = "cluster",
                standardise: bool = False):
    """Poisson PML of ``count`` with offset ``log(exposure)`` (Santos Silva & Tenreyro 2006).

    ``count`` may be fractional (EPO fractional counts) and zero; the coefficient of a
    regressor is the change in log expected count per unit (per SD with ``standardise``),
    i.e. comparable to OLS of log count per exposure. Errors clustered by ``cluster`` (or
    'HC3'-style robust 'HC0' with ``se="HC3"``: GLM has no HC3, so HC0 is used and named).
    """
    if se not in SE_TYPES:
        raise ValueError(f"unknown standard errors {se!r}; choose one of {', '.join(SE_TYPES)}")
    cols = [count, exposure, measure, *controls] + ([cluster] if se == "cluster" else [])
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise ValueError(f"unknown column {missing[0]!r}; available: {', '.join(df.columns)}")
    d = df.dropna(subset=cols)
    d = d[d[exposure] > 0]
    if (d[count] < 0).any():
        raise ValueError(f"negative counts in {count!r}")
    d, rhs = _rhs(d, measure, controls, fixed_effects, standardise)
    model = smf.glm(f"{count} ~ {rhs}", data=d, family=sm.families.Poisson(),
                    offset=np.log(d[exposure]))
    groups = pd.factorize(d[cluster])[0] if cluster in d.columns else None
    if se == "cluster":
        res = model.fit(cov_type="cluster", cov_kwds={"groups": groups}, use_t=True)
        label = _label(se, cluster)
    else:
        res = model.fit(cov_type="HC0")
        label = "HC0"
    res.cs_meta = {"estimator": "Poisson PML", "se_type": label,
                   "fixed_effects": fixed_effects or "none", "groups": groups,
                   "clusters": n_clusters(groups) if se == "cluster" else np.nan}
    return res


def score_bootstrap_p(result, term: str, B: int = WILD_B, seed: int = WILD_SEED) -> float:
    """Wild score bootstrap p-value of ``term`` in a clustered Poisson PML of :func:`fit_poisson`.

    Kline & Santos (2012): the model is refitted with the coefficient set to zero (null
    imposed); each cluster's score for ``term``, with the other regressors partialled out
    through the restricted Hessian, is ``s_g``; the robust score statistic
    ``sum s_g / sqrt(sum s_g^2)`` is compared with its ``B`` Rademacher redraws
    ``sum w_g s_g / sqrt(sum s_g^2)`` (fixed ``seed``). Two-sided. No refit per draw, so it
    is cheap; it is valid with few clusters where the sandwich is not.
    """
    meta = getattr(result, "cs_meta", None)
    if meta is None or meta["estimator"] != "Poisson PML" or meta["groups"] is None:
        raise ValueError("score_bootstrap_p needs a Poisson PML result of models.fit_poisson with a cluster column")
    names = list(result.params.index)
    if term not in names:
        raise ValueError(f"unknown term {term!r}")
    model = result.model
    X, y = np.asarray(model.exog, dtype=float), np.asarray(model.endog, dtype=float)
    offset = np.asarray(model.offset, dtype=float) if model.offset is not None else 0.0
    k = names.index(term)
    others = [j for j in range(X.shape[1]) if j != k]
    restricted = sm.GLM(y, X[:, others], family=sm.families.Poisson(), offset=offset).fit()
    mu = restricted.fittedvalues
    u = y - mu
    h_oo = X[:, others].T @ (X[:, others] * mu[:, None])
    h_ko = X[:, k] @ (X[:, others] * mu[:, None])
    x_tilde = X[:, k] - X[:, others] @ np.linalg.solve(h_oo, h_ko)
    scores = pd.Series(x_tilde * u).groupby(np.asarray(meta["groups"])).sum().to_numpy()
    denom = np.sqrt(np.sum(scores ** 2))
    if not denom > 0:
        raise ValueError(f"score of {term!r} is zero in every cluster")
    stat = abs(scores.sum()) / denom
    weights = np.random.default_rng(seed).choice([-1.0, 1.0], size=(B, len(scores)))
    draws = np.abs(weights @ scores) / denom
    return float(np.mean(draws >= stat - 1e-12))


def tidy(result, model: str, keep_fixed_effects: bool = False, *, wild_terms: tuple[str, ...] = (),
         B: int = WILD_B, seed: int = WILD_SEED) -> pd.DataFrame:
    """One row per term: coef, se, p, 95% CI, n, R² and the contract columns.

    ``estimator``, ``se_type`` and ``fixed_effects`` come from :func:`fit` /
    :func:`fit_poisson` (for another statsmodels result: its class and ``cov_type``, no
    fixed effects); ``p_wild`` is the wild cluster bootstrap p-value for each of
    ``wild_terms`` (NaN elsewhere): the wild cluster bootstrap for OLS, the wild score
    bootstrap (:func:`score_bootstrap_p`) for Poisson PML. ``clusters`` is G, the clusters in
    the estimation sample (NaN for HC errors). R² is NaN for Poisson.
    """
    ci = result.conf_int()
    meta = getattr(result, "cs_meta", None) or {
        "estimator": "Poisson PML" if hasattr(result, "family") else "OLS",
        "se_type": {"cluster": "clustered"}.get(result.cov_type, result.cov_type),
        "fixed_effects": "none"}
    boot = score_bootstrap_p if meta["estimator"] == "Poisson PML" else wild_bootstrap_p
    p_wild = {t: boot(result, t, B, seed) for t in wild_terms}
    out = pd.DataFrame({
        "model": model, "term": result.params.index, "coef": result.params.to_numpy(),
        "se": result.bse.to_numpy(), "p": result.pvalues.to_numpy(),
        "ci_low": ci[0].to_numpy(), "ci_high": ci[1].to_numpy(),
        "n": int(result.nobs), "r2": getattr(result, "rsquared", np.nan),
        "estimator": meta["estimator"], "se_type": meta["se_type"],
        "fixed_effects": meta["fixed_effects"],
        "p_wild": [p_wild.get(t, np.nan) for t in result.params.index],
        "clusters": meta.get("clusters", np.nan),
    })
    if not keep_fixed_effects:
        out = out[~out["term"].str.startswith("C(")]
    return out[TIDY_COLUMNS].reset_index(drop=True)


def term_row(tidy_table: pd.DataFrame, model: str, term: str) -> pd.Series:
    """The one row of ``term`` in ``model`` of a tidy table (a ``type: `` prefix of the term ignored)."""
    terms = tidy_table["term"].str.removeprefix("type: ")
    rows = tidy_table[(tidy_table["model"] == model) & (terms == term)]
    if len(rows) != 1:
        raise ValueError(f"no single row for model {model!r}, term {term!r}")
    return rows.iloc[0]


def pct_effect(coef: float) -> float:
    """Percentage change in the outcome for a one-unit change in a regressor of log outcome."""
    return 100 * (np.exp(coef) - 1)


def quadrants(df: pd.DataFrame, measure: str, outcome: str, q_measure: float = 0.5,
              q_outcome: float = 0.5, diversity: bool = False) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split at quantiles of the measure and the outcome; return counts and the off-diagonal regions.

    The CLUSNET report says two quadrants are empty: dispersed regions with high innovation
    and specialised regions with low innovation. For a specialisation measure, dispersed
    means a low value; for a ``diversity`` measure (related or unrelated variety) it means a
    high value, so the labels (and the quadrants called empty) swap.
    """
    cut_m, cut_o = df[measure].quantile(q_measure), df[outcome].quantile(q_outcome)
    high, low = ("dispersed", "specialised") if diversity else ("specialised", "dispersed")
    spec = np.where(df[measure] > cut_m, high, low)
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


def corner_test(df: pd.DataFrame, measure: str, outcome: str, q: float = 0.2,
                n_permutations: int = 9999, seed: int = WILD_SEED, diversity: bool = False) -> dict:
    """Regions in the two corners CLUSNET calls empty, against a permutation null.

    Corners: bottom ``q`` of the measure with top ``q`` of the outcome (dispersed, high
    innovation) and top ``q`` of the measure with bottom ``q`` of the outcome (specialised,
    low innovation). The null pairs measure and outcome at random (``scipy.stats.
    permutation_test``, ``permutation_type="pairings"``, fixed ``seed``); ``p_fewer`` is the
    one-sided p-value of so few regions in the corners (the report's claim), ``expected``
    the null mean. For a ``diversity`` measure, dispersed is the top of the measure, so the
    corners are bottom-bottom and top-top.
    """
    from scipy import stats

    if q not in between(CornerQuantile):
        raise ValueError(f"corner quantile {q} must lie strictly between 0 and 0.5")
    d = df.dropna(subset=[measure, outcome])
    x = d[measure].rank(pct=True, method="first", ascending=not diversity).to_numpy()
    y = d[outcome].rank(pct=True, method="first").to_numpy()

    def corners(a, b, axis=-1):
        lo_a, hi_a, lo_b, hi_b = a <= q, a > 1 - q, b <= q, b > 1 - q
        return np.sum((lo_a & hi_b) | (hi_a & lo_b), axis=axis)

    res = stats.permutation_test((x, y), corners, permutation_type="pairings", vectorized=True,
                                 n_resamples=n_permutations, alternative="less",
                                 random_state=np.random.default_rng(seed))
    return {"regions": len(d), "corner_quantile": q, "in_corners": int(res.statistic),
            "expected": float(np.mean(res.null_distribution)), "p_fewer": float(res.pvalue)}


def spearman_ci(df: pd.DataFrame, x: str, y: str, n_boot: int = 1999, seed: int = WILD_SEED,
                level: float = 0.95) -> dict:
    """Spearman's rho of ``x`` and ``y`` with a bootstrap CI (regions resampled; BCa, fixed seed)."""
    from scipy import stats

    d = df.dropna(subset=[x, y])

    def rho(a, b):
        return stats.spearmanr(a, b).statistic

    res = stats.bootstrap((d[x].to_numpy(), d[y].to_numpy()), rho, paired=True, vectorized=False,
                          n_resamples=n_boot, confidence_level=level, method="BCa",
                          random_state=np.random.default_rng(seed))
    return {"rho": float(rho(d[x], d[y])), "ci_low": float(res.confidence_interval.low),
            "ci_high": float(res.confidence_interval.high), "n": len(d)}
