"""Sensitivity of an OLS coefficient to an unobserved confounder (Cinelli & Hazlett 2020).

:func:`cinelli_hazlett` wraps ``PySensemakr``: robustness values (RV) of the coefficient
and bounds for confounders ``kd`` times as strong as observed benchmark covariates.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def cinelli_hazlett(d: pd.DataFrame, treatment: str, controls: list[str], benchmarks: list[str],
                    fixed_effects: str | None = None, kd: tuple[int, ...] = (1, 2, 3)):
    """A ``sensemakr.Sensemakr`` object for ``treatment`` in OLS ``log_outcome ~ treatment + controls [+ FE]``.

    Classical OLS errors, as the method assumes. The benchmarks' partial R² with the outcome
    (given treatment and the other regressors) and with the treatment (given the other
    regressors) are computed here from t-statistics, as ``sensemakr.ovb_bounds`` does, and
    passed to sensemakr's manual mode: its model mode indexes a pandas Series by position,
    which pandas 3 refuses. The returned object also carries ``treatment`` and ``n``.
    """
    import statsmodels.formula.api as smf
    from sensemakr import Sensemakr

    missing = [b for b in benchmarks if b not in controls]
    if missing:
        raise ValueError(f"benchmark {missing[0]!r} must be one of the controls")
    fe = [f"C({fixed_effects})"] if fixed_effects else []
    outcome = smf.ols(f"log_outcome ~ {' + '.join([treatment, *controls, *fe])}", data=d).fit()
    on_treatment = smf.ols(f"{treatment} ~ {' + '.join([*controls, *fe])}", data=d).fit()

    def r2(fit, term):
        t = float(fit.tvalues[term])
        return t ** 2 / (t ** 2 + fit.df_resid)

    # sensemakr divides by an F statistic that is zero for q = 1 at the point estimate (harmless: the
    # robustness value is then set by its other branch); keep that numpy warning out of the notebook
    with np.errstate(divide="ignore"):
        sens = Sensemakr(estimate=float(outcome.params[treatment]), se=float(outcome.bse[treatment]),
                         dof=float(outcome.df_resid), r2dxj_x=np.array([r2(on_treatment, b) for b in benchmarks]),
                         r2yxj_dx=np.array([r2(outcome, b) for b in benchmarks]),
                         benchmark_covariates=list(benchmarks), kd=list(kd))
    sens.treatment, sens.n = treatment, int(outcome.nobs)
    return sens


def robustness_value_alpha(t: float, dof: float, alpha: float = 0.05) -> float:
    """Robustness value RV (q = 1, ``alpha``) from a t statistic and its residual degrees of freedom
    (``sensemakr.robustness_value``). With a clustered t it reads the bound with the errors the compendium
    trusts rather than the classical ones the method assumes; RV (q = 1) is a property of the point
    estimate's partial R² and has no clustered version."""
    from sensemakr.sensitivity_statistics import robustness_value

    with np.errstate(divide="ignore"):  # sensemakr divides by an F that is zero on one of its branches
        return float(np.squeeze(robustness_value(t_statistic=t, dof=dof, alpha=alpha)))
