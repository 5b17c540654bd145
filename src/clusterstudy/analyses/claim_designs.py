"""The claims ledger's own estimates: the primary fits refitted for the family, and the designs.

The ledger (:mod:`clusterstudy.analyses.claims`) gives every claim the same scrutiny. Two kinds
of estimate live here, built from the samples and models of the analyses (nothing redefined):

- **the primary fits**, refitted from the committed tables so that their wild cluster
  bootstrap draws can be taken jointly (:func:`clusterstudy.estimation.multiple_testing.adjust_family`):
  Europe's innovation model (:func:`eu_models.ols_fit`), the prosperity model
  (:func:`prosperity_fit`), the quadrant test against independence (:func:`quadrant_fit`), the
  U.S. size model (:func:`us_fit`) and China's primary (:func:`cn_fit`, whatever
  ``china_cities.PRIMARY_MODEL`` is; checked against its table);
- **designs that address reverse timing** (:data:`DESIGNS`) for the claims that have none in
  their own notebook: for prosperity the lagged design (sector structure of 2008 against GDP per
  head 2010-2011), the pre-period design (log GDP per head 2000-2004 held fixed) and the
  region x year panel (region and year fixed effects), as :mod:`eu_designs` does for patents;
  for the U.S. the pre-period design (log patents per 10k employees 2000-2004 held fixed, county
  patents of the ``us_county_patents`` extract).

Errors clustered by country (Europe), state (U.S.), province (China) with t(G-1) and the wild
cluster restricted bootstrap p; the panel clusters by region.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from clusterstudy.analyses import china_cities, eu_designs, eu_models, us_regions
from clusterstudy.core.errors import DataError
from clusterstudy.data import extracts
from clusterstudy.estimation import models, panel

# the designs that address reverse timing (the verdict rule's design criterion reads these names)
DESIGNS = {
    "lagged": "sector structure of 2008 against the outcome of 2010-2011",
    "pre_period": "the outcome of 2000-2004 held fixed (log, as a control)",
    "panel_fe": "region x year 2008-2011, region and year fixed effects, clustered by region",
}
GDP = "gdp_pps_per_inhabitant"
EU_CONTROLS = ["log_population", "tertiary_share"]  # the default model of the Figure 6 notebook
US_MIN_EMPLOYMENT = 50_000  # the CBSA sample of the U.S. notebook
US_PATENT_YEARS = (2011, 2015)
US_PRE_YEARS = (2000, 2004)
CN_OUTCOME = "patents_per_10k_residents"
ROW = ["coef", "se", "p", "p_wild", "ci_low", "ci_high", "n", "clusters"]


def _row(result, term: str, wild: bool, B: int, seed: int) -> dict:
    t = models.tidy(result, "m", wild_terms=(term,) if wild else (), B=B, seed=seed)
    r = t[t["term"] == term].iloc[0]
    return {c: r[c] for c in ROW}


# ---------------------------------------------------------------- Europe
def eu_fit(regions: pd.DataFrame, measure: str = "cluster_strength_traded"):
    """The European primary: OLS of log patents per million, size and tertiary share, country FE."""
    return eu_models.ols_fit(regions, measure, EU_CONTROLS, "country")


def prosperity_fit(frame: pd.DataFrame, measure: str = "cluster_strength_traded", controls: list[str] | None = None,
                   fixed_effects: str | None = "country"):
    """OLS of log GDP per inhabitant (PPS) on the standardised ``measure``, errors clustered by country."""
    ctrl = controls or []
    d = models.prepare(frame, GDP, measure, ctrl, cluster="country")
    return models.fit(d, measure, ctrl, fixed_effects, "cluster", standardise=True)


def gdp_means(years: list[int]) -> pd.Series:
    """Mean GDP per inhabitant (PPS) per region over ``years`` (the ``eu_gdp`` extract)."""
    gdp = extracts.load("eu_gdp")
    return gdp[gdp["year"].isin(years)].groupby("nuts2")["value"].mean()


def prosperity_designs(regions: pd.DataFrame, measure: str = "cluster_strength_traded",
                       wild: bool = True, B: int = models.WILD_B, seed: int = models.WILD_SEED) -> pd.DataFrame:
    """The prosperity claim under each design of :data:`DESIGNS`, within countries (the panel within regions).

    ``regions``: the default sample (``tables/eu_region_indicators.csv``). One row per design
    with :data:`ROW` and ``design``.
    """
    lagged = eu_designs.lagged_sample({})
    lagged[GDP] = lagged["nuts2"].map(gdp_means(eu_designs.LAG_YEARS))
    pre = regions.assign(log_pre_gdp=np.log(regions["nuts2"].map(gdp_means(eu_designs.PRE_YEARS))))
    rows = [{"design": "lagged", **_row(prosperity_fit(lagged, measure), measure, wild, B, seed)},
            {"design": "pre_period",
             **_row(prosperity_fit(pre, measure, ["log_pre_gdp"]), measure, wild, B, seed)}]
    pan = eu_designs.region_year_panel({}, eu_designs.PANEL_YEARS)
    pan = pan.assign(log_outcome=np.log(pan[GDP]))
    rows.append({"design": "panel_fe", **panel.fit_twoway(pan, measure, [], B=B, seed=seed, wild=wild)})
    return pd.DataFrame(rows)[["design", *ROW]]


def quadrant_frame(regions: pd.DataFrame, measure: str, outcome: str = "patents_per_million") -> pd.DataFrame:
    """Regions with 0/1 columns above the median of ``measure`` (``high_measure``) and of ``outcome``
    (``log_outcome``, so that the one estimator wrapper fits it), as :func:`models.quadrants` splits them."""
    d = regions.dropna(subset=[measure, outcome, "country"])
    return d.assign(high_measure=(d[measure] > d[measure].quantile(0.5)).astype(float),
                    log_outcome=(d[outcome] > d[outcome].quantile(0.5)).astype(float))


def quadrant_fit(regions: pd.DataFrame, measure: str = "cluster_strength_traded"):
    """The quadrant claim against independence: linear probability of high patenting on a high measure.

    The coefficient is the share of high-measure regions above the patent median minus that share
    among low-measure regions: 0 under independence, 1 when the two quadrants CLUSNET calls empty
    are empty. Pooled over all regions, errors clustered by country.
    """
    return models.fit(quadrant_frame(regions, measure), "high_measure", [], None, "cluster")


# ---------------------------------------------------------------- United States
def us_frame(cbsa: pd.DataFrame) -> pd.DataFrame:
    """The CBSA table (``tables/us_cbsa_indicators.csv``) with the model's log controls."""
    return us_regions.model_frame(cbsa)


def us_fit(frame: pd.DataFrame, measure: str = "strong_cluster_share", controls: list[str] | None = None):
    """The U.S. primary: log patents per 10k employees on the measure and the size model's controls,
    errors clustered by state."""
    ctrl = [*us_regions.SPECS[us_regions.HEADLINE_SPEC], *(controls or [])]
    d = models.prepare(frame, "patents_per_10k_employees", measure, ctrl, cluster="state")
    return models.fit(d, measure, ctrl, None, "cluster", cluster="state", standardise=True)


def us_pre_period(frame: pd.DataFrame, measure: str = "strong_cluster_share", years: tuple[int, int] = US_PRE_YEARS,
                  wild: bool = True, B: int = models.WILD_B, seed: int = models.WILD_SEED) -> dict:
    """The U.S. primary with log patents per 10k employees of ``years`` (2000-2004) held fixed.

    CBSAs without a patent in those years have no log and leave the sample (``dropped`` says how many).
    """
    pre = us_regions.region_indicators("cbsa", years, US_MIN_EMPLOYMENT).set_index("region_code")
    rate = frame["region_code"].map(pre["patents_per_10k_employees"])
    d = frame.assign(log_pre_patents=np.log(rate.where(rate > 0)))
    res = us_fit(d, measure, ["log_pre_patents"])
    return {"design": "pre_period", **_row(res, measure, wild, B, seed),
            "dropped": int(d["log_pre_patents"].isna().sum())}


# ---------------------------------------------------------------- China
def cn_fit(cities: pd.DataFrame, regression: pd.DataFrame, outcome: str = CN_OUTCOME):
    """China's primary, ``china_cities.PRIMARY_MODEL``, refitted (:func:`china_cities.fit_pooled`) and
    checked against its committed regression table (a mismatch names the cause)."""
    res = china_cities.fit_pooled(cities, outcome)
    row = regression[(regression["model"] == china_cities.PRIMARY_MODEL) & (regression["term"] == china_cities.POOLED)]
    if len(row) != 1 or not np.isclose(row["coef"].iloc[0], res.params[china_cities.POOLED], rtol=1e-6):
        raise DataError(f"China's primary {china_cities.PRIMARY_MODEL!r} in the regression table is not "
                        "china_cities.fit_pooled: adapt claim_designs.cn_fit")
    return res
