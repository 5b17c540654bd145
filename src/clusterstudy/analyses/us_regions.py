"""U.S. states and CBSAs: cluster strength (Cluster Mapping Project) and USPTO patenting.

A Delgado-Porter-Stern style test of "innovation on specialisation": the 2016 region x
cluster employment gives the share of traded employment in strong clusters, their number,
and the HHI and Krugman indices over the 51 traded clusters (the same index functions as
the European analysis); patents are USPTO grants by inventor county, aggregated. The
European counterpart takes its traded divisions from the same U.S. cluster definitions
(NACE bridged to NAICS), so both sides define traded industries alike.

"Strong" is the Cluster Mapping Project's flag (:data:`STRONG_DEFINITION`), not what CLUSNET means by a
region "focused on a few clusters" (:func:`clusterstudy.analyses.us_counts.strong_flag_check` checks it on
the extract).
Patents are counted where inventors live, employment where people work, so a per-resident variant,
Poisson PML of the count (zeros kept, all CBSAs) and the estimate without the most influential regions
stand beside the OLS (:mod:`clusterstudy.analyses.us_counts`). Suppressed cluster wages (reported as 0)
are missing, not zero.
"""

from __future__ import annotations

from typing import Annotated, Literal, get_args

import numpy as np
import pandas as pd

from clusterstudy.analyses import eu_sample
from clusterstudy.core.contracts import Between
from clusterstudy.core.prose import pboth
from clusterstudy.data import extracts, us_patents
from clusterstudy.estimation import models, multiple_testing
from clusterstudy.measures import catalogue, indices

Geography = Literal["state", "cbsa"]
PatentYear = Annotated[int, Between(2000, 2015)]  # the years of the us_county_patents extract
MinEmployment = Annotated[float, Between(0)] | None  # None: 50,000 for CBSAs, 0 for states
GEOGRAPHIES: tuple[str, ...] = get_args(Geography)
MEASURES = catalogue.US_MEASURES
INDICATOR_COLUMNS = ["region_code", "region_name", "employment", "traded_employment",
                     "strong_cluster_share", "n_strong_clusters", "hhi_traded", "krugman_traded",
                     "patents_per_10k_employees", "avg_wage_usd", "state", "population",
                     "patents_per_million", "patents"]
# Like for like: the EU traded-sector measures (issue 11) against the U.S. traded-cluster ones.
EU_COUNTERPART = {"strong_cluster_share": "cluster_strength_traded", "n_strong_clusters": "n_star_sectors_traded",
                  "hhi_traded": "hhi_traded", "krugman_traded": "krugman_traded"}
# The U.S. models: bivariate, size only, and size plus the average wage, which may be a
# mediator (cluster strength -> productivity -> wages and patents), so it is not the headline.
SPECS = {"(1) bivariate": [], "(2) size": ["log_employment"],
         "(3) size + wage (possible mediator)": ["log_employment", "log_avg_wage"]}
HEADLINE_SPEC = "(2) size"
TIMING = ("cluster employment 2016 (U.S. Cluster Mapping Project) after the patent window: a region's "
          "clusters are measured after the patents they are compared with")
OUTCOMES = {"patents per employee": ("patents_per_10k_employees", "log_employment"),
            "patents per inhabitant": ("patents_per_million", "log_population")}
STRONG_DEFINITION = (
    "A strong cluster is the U.S. Cluster Mapping Project's flag (Delgado, Porter & Stern 2014, Research Policy "
    "43(10); clustermapping.us, Cluster Mapping Methodology): a traded cluster whose specialisation (employment "
    "location quotient) in the region ranks in the top quarter of all regions of the same kind (the 917 CBSAs, or "
    "the 50 states), with a location quotient of at least 1 and the Project's minimum employment, establishment "
    "and significance thresholds. The flag is the Project's, read from its data, not computed here. It measures "
    "how many of a region's traded clusters are nationally outstanding, not what CLUSNET means by a region "
    "'focused on a few clusters' (concentration of a region's employment in few clusters), which the HHI and "
    "Krugman measures capture.")
STRONG_SHORT = ("strong: the Cluster Mapping Project's flag, a traded cluster in the top quarter of regions by "
                "location quotient, LQ >= 1, with its size and significance thresholds")


def region_indicators(geography: str = "state", patent_years: tuple[int, int] = (2011, 2015),
                      min_employment: float = 0) -> pd.DataFrame:
    """One row per region with the cluster measures, patents per 10k employees and controls."""
    if geography not in GEOGRAPHIES:
        raise ValueError(f"unknown geography {geography!r}; choose one of {', '.join(GEOGRAPHIES)}")
    cmp_ = extracts.load("us_cluster_employment")
    cmp_ = cmp_[cmp_["region_type"] == geography]
    traded = cmp_[cmp_["traded"]]
    matrix = traded.pivot(index="region_code", columns="cluster_code", values="employment").fillna(0.0)
    strong = traded[traded["strong"] == "True"]
    regions = cmp_.groupby("region_code").agg(region_name=("region_name", "first"),
                                              employment=("employment", "sum"))
    # a suppressed wage is reported as 0: missing, not zero (the region's wage averages the reported cells)
    wage = cmp_[cmp_["avg_wage_usd"] > 0].assign(w=lambda d: d["avg_wage_usd"] * d["employment"])
    wage = wage.groupby("region_code")[["w", "employment"]].sum()
    out = regions.assign(
        traded_employment=matrix.sum(axis=1),
        strong_cluster_share=strong.groupby("region_code")["employment"].sum() / matrix.sum(axis=1),
        n_strong_clusters=strong.groupby("region_code").size(),
        hhi_traded=indices.hhi(matrix), krugman_traded=indices.krugman(matrix),
        avg_wage_usd=wage["w"] / wage["employment"],
    )
    counts = ["strong_cluster_share", "n_strong_clusters"]
    out[counts] = out[counts].fillna(0)
    out["n_strong_clusters"] = out["n_strong_clusters"].astype(int)
    cp = extracts.load("us_county_patents")
    members = extracts.load("us_cbsa_counties") if geography == "cbsa" else None
    pats, _ = us_patents.aggregate(cp, geography, members, years=patent_years)
    mean_pat = pats.groupby("region_code")["patents"].mean()
    out["patents_per_10k_employees"] = 1e4 * mean_pat.reindex(out.index).fillna(0) / out["employment"]
    out["state"] = (out.index.str[:2] if geography == "state"
                    else out["region_name"].str.extract(r",\s*([A-Z]{2})")[0])
    out["population"] = np.nan
    if geography == "cbsa":  # ACS population exists for the large CBSAs only (none for states)
        out["population"] = extracts.load("us_cbsa_population").set_index("cbsa_code")["population"]
    out["patents_per_million"] = 1e6 * mean_pat.reindex(out.index).fillna(0) / out["population"]
    out["patents"] = mean_pat.reindex(out.index).fillna(0)  # annual mean count, for Poisson PML
    out = out[out["employment"] >= min_employment].reset_index()
    if out.empty:
        raise ValueError(f"empty sample: no {geography} with at least {min_employment:,.0f} employees")
    return out[INDICATOR_COLUMNS]


def model_frame(regions: pd.DataFrame) -> pd.DataFrame:
    """The indicator table with the log controls used by the models."""
    return regions.assign(log_employment=np.log(regions["employment"]),
                          log_avg_wage=np.log(regions["avg_wage_usd"]),
                          log_population=np.log(regions["population"]))


def fit_per_inhabitant(frame: pd.DataFrame, se: str, cluster: str = "state") -> pd.DataFrame | None:
    """The size model with patents per million inhabitants and log population, where population
    exists (large CBSAs); None for states (no population in the data)."""
    if frame["population"].notna().sum() < 10:
        return None
    size = {HEADLINE_SPEC: ["log_population"]}
    return pd.concat([fit_specs(frame, "patents_per_million", m, se, cluster, specs=size) for m in MEASURES],
                     ignore_index=True)


def regpat_per_10k(regions: pd.DataFrame) -> pd.Series:
    """REGPAT patents (2008-2012, annual mean) per 10k employees, for CBSAs (NaN where no match)."""
    rp = extracts.load("us_regpat_cbsa").set_index("cbsa_code")["patents_invented"] / 5
    return 1e4 * regions["region_code"].map(rp) / regions["employment"]


def fit_specs(frame: pd.DataFrame, outcome: str, measure: str, se: str, cluster: str = "state",
              specs: dict[str, list[str]] = SPECS) -> pd.DataFrame:
    """Tidy rows of log ``outcome`` on the standardised ``measure`` in each specification.

    Models are named ``"<measure>: <specification>"``; errors are HC3 or clustered by ``cluster``,
    and with clustered errors the measure gets a wild cluster bootstrap p-value (``p_wild``).
    """
    rows = []
    for name, controls in specs.items():
        d = models.prepare(frame, outcome, measure, controls, cluster=cluster)
        res = models.fit(d, measure, controls, None, se, cluster=cluster, standardise=True)
        rows.append(models.tidy(res, f"{measure}: {name}", wild_terms=(measure,) if se == "cluster" else ()))
    return pd.concat(rows, ignore_index=True)


def adjust_headline(table: pd.DataFrame, frame: pd.DataFrame, outcome: str, se: str,
                    cluster: str = "state") -> pd.DataFrame:
    """``table`` (:func:`fit_specs` rows of every measure) with family-wise adjusted p-values.

    The family is the four measures' coefficients in the headline specification (2): with errors
    clustered by ``cluster``, Romano–Wolf with the wild cluster bootstrap (``p_adjusted``) and Holm
    over the wild p-values (``p_holm``); with HC3 errors (states: one region per cluster), Holm over
    ``p``. Other rows get NaN and an empty ``family``.
    """
    head = [(f"{m}: {HEADLINE_SPEC}", m) for m in MEASURES]
    idx = [table.index[(table["model"] == mod) & (table["term"] == m)][0] for mod, m in head]
    out = table.assign(p_adjusted=np.nan, p_holm=np.nan, family="", family_size=0)
    if se == "cluster":
        fits = []
        for _, m in head:
            d = models.prepare(frame, outcome, m, SPECS[HEADLINE_SPEC], cluster=cluster)
            fits.append((models.fit(d, m, SPECS[HEADLINE_SPEC], None, se, cluster=cluster, standardise=True), m))
        adj = multiple_testing.adjust_family(fits, cluster=cluster, p_holm_from=out.loc[idx, "p_wild"].tolist(),
                                             restricted=True)
        out.loc[idx, "p_adjusted"], out.loc[idx, "p_holm"] = adj["p_adjusted"].to_numpy(), adj["p_holm"].to_numpy()
        out.loc[idx, "family"] = f"U.S. {HEADLINE_SPEC}, four measures: {multiple_testing.RW_RESTRICTED}"
    else:
        out.loc[idx, "p_adjusted"] = out.loc[idx, "p_holm"] = multiple_testing.holm(out.loc[idx, "p"].to_numpy())
        out.loc[idx, "family"] = f"U.S. {HEADLINE_SPEC}, four measures: Holm on {se} p"
    out.loc[idx, "family_size"] = len(idx)
    return out


def eu_frame(period: tuple[int, int] = (2008, 2012), traded_split: str = "us_clusters") -> pd.DataFrame:
    """EU NUTS-2 regions with the traded measures and patents per 10k employees (SBS persons employed).

    Traded divisions: ``traded_split="us_clusters"`` (default) takes them from the same U.S.
    cluster definitions as the U.S. side, NACE bridged to NAICS
    (:func:`clusterstudy.analyses.eu_sample.sector_classification`); ``"gini"`` is the earlier
    European locational-Gini split, a sensitivity.
    """

    regions, _ = eu_sample.region_indicators(period, traded_split=traded_split)
    return regions.assign(patents_per_10k_employees=1e4 * regions["patents"] / regions["employment"])


def eu_headline(period: tuple[int, int] = (2008, 2012), traded_split: str = "us_clusters") -> pd.DataFrame:
    """EU counterpart of the U.S. size model: log patents per 10k employees (and per million
    inhabitants) on each standardised traded measure with the matching log size; errors
    clustered by country (regions are nested in countries), with a wild cluster bootstrap p.
    ``traded_split``: see :func:`eu_frame`."""
    frame = eu_frame(period, traded_split)
    rows = []
    for outcome, (column, size) in OUTCOMES.items():
        for us_measure, eu_measure in EU_COUNTERPART.items():
            d = models.prepare(frame, column, eu_measure, [size], cluster="country")
            res = models.fit(d, eu_measure, [size], None, "cluster", cluster="country", standardise=True)
            row = models.tidy(res, "EU NUTS-2", wild_terms=(eu_measure,)).set_index("term").loc[eu_measure]
            rows.append({"outcome": outcome, "us_measure": us_measure, "measure": eu_measure, **row.to_dict()})
    return pd.DataFrame(rows).assign(traded_split=traded_split)


def eu_split_sensitivity(us_table: pd.DataFrame, eu_by_split: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Per measure (patents per employee): the U.S. size-model coefficient and the EU one under each split.

    ``eu_by_split`` maps a split name to its :func:`eu_headline`. Columns: ``us_measure``,
    ``us_coef_per_sd``, ``us_p``, ``us_p_wild``, then ``eu_coef_<split>``, ``eu_p_<split>``,
    ``eu_p_wild_<split>`` per split, and ``same_sign_<split>``.
    """
    rows = []
    for m in MEASURES:
        u = us_table[(us_table["term"] == m) & (us_table["model"] == f"{m}: {HEADLINE_SPEC}")].iloc[0]
        row = {"us_measure": m, "us_coef_per_sd": u["coef"], "us_p": u["p"], "us_p_wild": u["p_wild"]}
        for split, eu in eu_by_split.items():
            e = eu[(eu["outcome"] == "patents per employee") & (eu["us_measure"] == m)].iloc[0]
            row |= {f"eu_coef_{split}": e["coef"], f"eu_p_{split}": e["p"], f"eu_p_wild_{split}": e["p_wild"],
                    f"same_sign_{split}": bool(u["coef"] * e["coef"] > 0)}
        rows.append(row)
    return pd.DataFrame(rows)


def eu_comparison(us_table: pd.DataFrame, eu: pd.DataFrame, us_per_inhabitant: pd.DataFrame | None = None
                  ) -> pd.DataFrame:
    """Side by side, per outcome and measure: the U.S. size-model coefficient and its EU counterpart.

    ``us_table`` holds :func:`fit_specs` rows for patents per employee; ``us_per_inhabitant``
    the same for patents per inhabitant where the U.S. data have population (else the U.S.
    cells of that row stay empty); ``eu`` is :func:`eu_headline`.
    """
    rows = []
    for outcome in OUTCOMES:
        us = us_table if outcome == "patents per employee" else us_per_inhabitant
        for m in MEASURES:
            eu_row = eu[(eu["outcome"] == outcome) & (eu["us_measure"] == m)].iloc[0]
            u = None if us is None else us[(us["term"] == m) & (us["model"] == f"{m}: {HEADLINE_SPEC}")]
            u = None if u is None or u.empty else u.iloc[0]
            rows.append({
                "outcome": outcome, "us_measure": m,
                "us_coef_per_sd": np.nan if u is None else u["coef"], "us_p": np.nan if u is None else u["p"],
                "us_p_wild": np.nan if u is None else u["p_wild"],
                "us_n": pd.NA if u is None else int(u["n"]),
                "us_se_type": "" if u is None else u["se_type"],
                "eu_measure": eu_row["measure"], "eu_coef_per_sd": eu_row["coef"], "eu_p": eu_row["p"],
                "eu_p_wild": eu_row["p_wild"], "eu_n": int(eu_row["n"]), "eu_se_type": eu_row["se_type"],
            })
    out = pd.DataFrame(rows)
    out["us_n"] = out["us_n"].astype("Int64")
    return out


# ---------------------------------------------------------------- finding sentences
def spec_rows(reg: pd.DataFrame, measure: str) -> pd.DataFrame:
    """The focal rows of one measure's U.S. models, in specification order."""
    rows = reg[(reg["term"] == measure) & reg["model"].str.startswith(f"{measure}: ")]
    if rows.empty:
        raise ValueError(f"no U.S. model of {measure!r}")
    return rows


def measure_sentence(reg: pd.DataFrame, measure: str = "strong_cluster_share") -> str:
    """The measure's coefficient per SD in each specification (bivariate, size, size + wage)."""
    rows = spec_rows(reg, measure)
    return "; ".join(f"{r.model.removeprefix(measure + ': ')} {r.coef:+.2f} ({pboth(r.p, r.p_wild)})"
                     for r in rows.itertuples())


def _regpat_specs(robust: pd.DataFrame, measure: str) -> tuple[str, int]:
    rows = robust[(robust["term"] == measure) & robust["model"].str.startswith(f"REGPAT 2008-2012: {measure}: ")]
    if rows.empty:
        raise ValueError(f"no REGPAT model of {measure!r}")
    specs = "; ".join(f"{r.model.removeprefix(f'REGPAT 2008-2012: {measure}: ')} {r.coef:+.2f} "
                      f"({pboth(r.p, r.p_wild)})" for r in rows.itertuples())
    return specs, int(rows["n"].iloc[0])


def regpat_sentence(robust: pd.DataFrame, measures: tuple[str, ...] = ("strong_cluster_share",
                                                                         "n_strong_clusters")) -> str:
    """The REGPAT (2008-2012) robustness result for CBSAs, headline measure first, in each specification."""
    parts = [(catalogue.short(m), *_regpat_specs(robust, m)) for m in measures]
    listed = "; and the ".join(f"{label} (per SD): {specs}" for label, specs, _ in parts)
    return (f"with OECD REGPAT patents (2008-2012) instead of USPTO grants, the {listed} "
            f"(n = {parts[0][2]})")


def robustness_sentence(robust: pd.DataFrame, geography: str) -> str:
    """The robustness results that are significant at 5%, or that none is."""
    focal = robust[robust["term"].isin(list(catalogue.US_MEASURES)) & (robust["p"] < 0.05)]
    n_models = robust["model"].nunique()
    intro = ("REGPAT robustness (CBSAs): " + regpat_sentence(robust) + ". ") if geography == "cbsa" else ""
    if focal.empty:
        return intro + f"No robustness model has a focal coefficient significant at 5% ({n_models} models)."
    listed = "; ".join(f"{r.model} {r.coef:+.2f} ({pboth(r.p, r.p_wild)})" for r in focal.itertuples())
    return (intro + f"Robustness models with a focal coefficient significant at 5%: {listed} "
            f"(of {n_models} models).")


def findings_text(reg: pd.DataFrame, comparison: pd.DataFrame, regions: str) -> str:
    """Per measure, the three specifications; then the like-for-like comparison."""
    lines = [f"- *{catalogue.short(m)}*: {measure_sentence(reg, m)} (n = {int(spec_rows(reg, m)['n'].iloc[0])})"
             for m in catalogue.US_MEASURES]
    return (f"Coefficients per standard deviation of the measure, U.S. {regions} (log points):\n\n"
            + "\n".join(lines) + "\n\nLike for like with Europe (model with log size, per employee): "
            + comparison_sentence(comparison) + ".")


def _significant(p: float, p_wild: float, alpha: float = 0.05) -> bool:
    """Significant at ``alpha`` by the wild bootstrap p where there is one, else by p."""
    return bool((p_wild if pd.notna(p_wild) else p) < alpha)


def comparison_sentence(comp: pd.DataFrame, alpha: float = 0.05) -> str:
    """EU and U.S. coefficients on the same footing (traded measures, per employee), led by what is
    significant (wild bootstrap p where there is one): the measures significant on either side first;
    signs compared only after, and agreements among insignificant coefficients counted apart."""
    rows = comp[comp["outcome"] == "patents per employee"]
    sig_us = [_significant(r.us_p, r.us_p_wild, alpha) for r in rows.itertuples()]
    sig_eu = [_significant(r.eu_p, r.eu_p_wild, alpha) for r in rows.itertuples()]
    parts = [f"{r.us_measure} {r.us_coef_per_sd:+.2f} ({pboth(r.us_p, r.us_p_wild)}) vs {r.eu_measure} "
             f"{r.eu_coef_per_sd:+.2f} ({pboth(r.eu_p, r.eu_p_wild)})" for r in rows.itertuples()]
    lead = [f"{p}: significant in {' and '.join(w for w, s in (('the U.S.', u), ('Europe', e)) if s)}"
            for p, u, e in zip(parts, sig_us, sig_eu, strict=True) if u or e]
    rest = [p for p, u, e in zip(parts, sig_us, sig_eu, strict=True) if not (u or e)]
    same = (rows["us_coef_per_sd"] * rows["eu_coef_per_sd"] > 0).to_numpy()
    both = int(sum(s and u and e for s, u, e in zip(same, sig_us, sig_eu, strict=True)))
    head = ("significant at 5% on at least one side: " + "; ".join(lead)) if lead else \
        "no measure is significant at 5% on either side"
    tail = f"; not significant on either side: {'; '.join(rest)}" if rest else ""
    return (f"{head}{tail}; the same sign and significant on both sides for {both} of {len(rows)} measures "
            f"(same sign, significance aside, for {int(same.sum())})")


def split_sentence(split_sens: pd.DataFrame, alpha: float = 0.05) -> str:
    """The transatlantic comparison under both EU traded splits, led by what is significant."""
    out = []
    for split, what in (("us_clusters", "EU traded divisions from the U.S. cluster definitions"),
                        ("gini", "the locational-Gini split")):
        sig = [(r.us_measure, _significant(r.us_p, r.us_p_wild, alpha), _significant(
            getattr(r, f"eu_p_{split}"), getattr(r, f"eu_p_wild_{split}"), alpha), getattr(r, f"same_sign_{split}"))
            for r in split_sens.itertuples()]
        both = [m for m, u, e, same in sig if u and e and same]
        either = [m for m, u, e, _ in sig if u or e]
        out.append(f"With {what}: significant at 5% on at least one side for {len(either)} of {len(sig)} measures"
                   + (f" ({', '.join(either)})" if either else "")
                   + f", significant on both sides with the same sign for {len(both)}; the same sign, significance "
                   f"aside, for {sum(same for *_, same in sig)}.")
    return " ".join(out)
