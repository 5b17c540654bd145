"""Chinese cities: OLS and Poisson PML side by side (``cn_estimators_*``).

The models of :mod:`clusterstudy.analyses.china_cities` the claims ledger reads (county-level
resource cities coded), under OLS of log patenting and Poisson PML of the patent count with log
exposure as offset (zeros kept), on all cities and without the cities
:mod:`clusterstudy.analyses.china_data_quality` flags; the sentences that state them, and why the
per-GDP outcome with log GDP per head controlled repeats the per-resident coefficient.
"""

from __future__ import annotations

import pandas as pd

from clusterstudy.analyses import china_data_quality
from clusterstudy.analyses.china_cities import (
    ESTIMATORS,
    GDP_MODEL,
    POOLED,
    POOLED_MODEL,
    TYPE_DUMMIES,
    TYPES_MODEL,
    fit_pooled,
    fit_types,
)
from clusterstudy.core.prose import pval
from clusterstudy.estimation import models

TYPES_GDP_MODEL = "types + log GDP per head (possible mediator)"
SAMPLES = {"all": "all cities", "clean": "without flagged cities"}


def estimator_table(df: pd.DataFrame, outcome: str, wild: bool = True) -> pd.DataFrame:
    """OLS and Poisson PML side by side for the models the claims ledger reads (coded county-level
    resource cities): the pooled indicator (primary), the four types and their log-GDP-per-head variants, on
    all cities and without the cities :func:`~clusterstudy.analyses.china_data_quality.data_quality` flags.

    Focal rows only, with ``specification``, ``sample`` and ``type_rank`` (1 = the type with the lowest
    coefficient in its model). ``p``: clustered by province, t(G-1) for OLS; ``p_wild``: wild cluster
    restricted bootstrap (OLS) or wild score bootstrap (Poisson PML, Kline & Santos 2012). For patents
    per 10,000 residents, two more rows: the log-GDP-per-head variant with patents per billion CNY of GDP
    as outcome, identical by construction (see :func:`gdp_identity_sentence`).
    """
    flagged = china_data_quality.data_quality(df)["flagged"].to_numpy()
    runs = [(SAMPLES["all"], df, outcome), (SAMPLES["clean"], df[~flagged], outcome)]
    rows = []
    for sample, data, y in runs:
        for est in ESTIMATORS:
            fits = [(POOLED_MODEL, fit_pooled(data, y, estimator=est), (POOLED,)),
                    (GDP_MODEL, fit_pooled(data, y, gdp=True, estimator=est), (POOLED,)),
                    (TYPES_MODEL, fit_types(data, y, estimator=est), tuple(TYPE_DUMMIES)),
                    (TYPES_GDP_MODEL, fit_types(data, y, gdp=True, estimator=est), tuple(TYPE_DUMMIES))]
            for spec, res, focal in fits:
                t = models.tidy(res, f"{spec} [{est}; {sample}]", wild_terms=focal if wild else ())
                rows.append(t[t["term"].isin(focal)].assign(specification=spec, sample=sample, outcome=y))
    if outcome == "patents_per_10k_residents":
        for est in ESTIMATORS:
            res = fit_pooled(df, "patents_per_billion_gdp", gdp=True, estimator=est)
            t = models.tidy(res, f"{GDP_MODEL} [{est}; {SAMPLES['all']}; per GDP]", wild_terms=(POOLED,) if wild else ())
            rows.append(t[t["term"] == POOLED].assign(specification=GDP_MODEL, sample=SAMPLES["all"],
                                                      outcome="patents_per_billion_gdp"))
    out = pd.concat(rows, ignore_index=True)
    types = out["term"].isin(TYPE_DUMMIES)
    out["type_rank"] = out[types].groupby("model")["coef"].rank(method="first").astype("Int64")
    return out


def gdp_identity_sentence(est: pd.DataFrame) -> str:
    """The per-GDP outcome with log GDP per head controlled: the same coefficient as per resident."""
    per_gdp = est[est["outcome"] == "patents_per_billion_gdp"]
    if per_gdp.empty:
        return ""
    parts = []
    for r in per_gdp.itertuples():
        base = est[(est["outcome"] == "patents_per_10k_residents") & (est["specification"] == GDP_MODEL)
                   & (est["sample"] == SAMPLES["all"]) & (est["estimator"] == r.estimator) & (est["term"] == POOLED)]
        b = base.iloc[0]
        parts.append(f"{r.estimator} {r.coef:+.4f} per GDP against {b['coef']:+.4f} per resident")
    return ("With log GDP per head controlled, patents per billion CNY of GDP give the same resource-city "
            "coefficient as patents per resident, by construction: log(patents/GDP) = log(patents/residents) - "
            "log(GDP/residents), and the last term is the control (Frisch-Waugh-Lovell; in Poisson PML the offsets "
            "differ by the control). The per-GDP outcome is therefore no robustness check of that model ("
            + "; ".join(parts) + ").")


def estimator_sentence(est: pd.DataFrame) -> str:
    """The primary under each estimator and sample, the GDP variant, and the type ranking per estimator."""
    def row(spec: str, estimator: str, sample: str, term: str = POOLED) -> pd.Series:
        return est[(est["specification"] == spec) & (est["estimator"] == estimator) & (est["sample"] == sample)
                   & (est["term"] == term) & (est["outcome"] != "patents_per_billion_gdp")].iloc[0]

    def p_kind(r: pd.Series) -> str:
        boot = "wild p" if r["estimator"] == "OLS" else "score-bootstrap p"
        return f"{pval(r['p'], 'clustered p')}, {pval(r['p_wild'], boot)}"

    out = []
    for sample in SAMPLES.values():
        parts = []
        for spec, what in ((POOLED_MODEL, "primary (no GDP per head)"), (GDP_MODEL, "with log GDP per head")):
            cells = [f"{e} {row(spec, e, sample)['coef']:+.2f} ({p_kind(row(spec, e, sample))})" for e in ESTIMATORS]
            parts.append(f"{what}: " + ", ".join(cells))
        n = int(row(POOLED_MODEL, "OLS", sample)["n"])
        out.append(f"Pooled resource-city indicator, {sample} (OLS n = {n}): " + "; ".join(parts) + ".")
    for spec, what in ((TYPES_MODEL, "without GDP per head"), (TYPES_GDP_MODEL, "with log GDP per head")):
        ranks = []
        for e in ESTIMATORS:
            t = est[(est["specification"] == spec) & (est["estimator"] == e) & (est["sample"] == SAMPLES["all"])]
            ranks.append(f"{e}: " + " < ".join(f"{r.term} ({r.coef:+.2f})" for r in t.sort_values("type_rank")
                                               .itertuples()))
        out.append(f"The four types from lowest to highest coefficient, all cities, {what}: " + "; ".join(ranks) + ".")
    return " ".join(out)
