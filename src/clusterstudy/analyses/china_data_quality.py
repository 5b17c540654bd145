"""Chinese cities: the territorial-base checks of the city file (``cn_city_data_quality``).

The city file's resident and registered populations and its GDP do not always cover the same
territory (a prefecture, or only its urban district). Two checks, declared before any estimate, flag
the cities whose numbers cannot be right: a resident/registered population ratio no migration to a
poorer city can produce (:data:`MAX_RATIO_BELOW_MEDIAN_INCOME`), and a GDP per head far below any
city's (:data:`GDP_FLOOR_SHARE`). :mod:`clusterstudy.analyses.china_cities` and
:mod:`clusterstudy.analyses.china_estimators` repeat their estimates without the flagged cities.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

MAX_RATIO_BELOW_MEDIAN_INCOME = 3.0  # residents per registered resident no migration to a poorer city produces
GDP_FLOOR_SHARE = 0.25  # GDP per head below this share of the median city's


def data_quality(df: pd.DataFrame) -> pd.DataFrame:
    """Each city's territorial-base checks: the resident/registered population ratio and GDP per head.

    ``ratio_flag``: more than :data:`MAX_RATIO_BELOW_MEDIAN_INCOME` residents per registered resident in a
    city whose GDP per head is below the median city's: migrants outnumbering the registered population
    two to one go to rich cities, so such a ratio in a poorer city means the two counts cover different
    territories (the prefecture and its urban district). ``gdp_flag``: GDP per head below
    :data:`GDP_FLOOR_SHARE` of the median city's (GDP and residents of different territories).
    """
    d = df[["city_code", "city_name_en", "province", "resource_type", "resident_pop", "registered_pop",
            "gdp_per_capita"]].copy()
    d["resident_registered_ratio"] = d["resident_pop"] / d["registered_pop"]
    median = d["gdp_per_capita"].median()
    d["gdp_per_capita_to_median"] = d["gdp_per_capita"] / median
    d["ratio_flag"] = (d["resident_registered_ratio"] > MAX_RATIO_BELOW_MEDIAN_INCOME) & (d["gdp_per_capita"] < median)
    d["gdp_flag"] = d["gdp_per_capita_to_median"] < GDP_FLOOR_SHARE
    d["flagged"] = d["ratio_flag"] | d["gdp_flag"]
    reasons = np.select([d["ratio_flag"] & d["gdp_flag"], d["ratio_flag"], d["gdp_flag"]],
                        ["population ratio and GDP per head", "population ratio", "GDP per head"], "")
    return d.assign(reason=reasons).reset_index(drop=True)


def quality_sentence(quality: pd.DataFrame) -> str:
    """Which cities the territorial-base checks flag, and why."""
    f = quality[quality["flagged"]]
    listed = "; ".join(f"{r.city_name_en} ({r.resource_type}; {r.resident_registered_ratio:.1f} residents per "
                       f"registered resident, GDP per head {r.gdp_per_capita:,.0f} CNY: {r.reason})"
                       for r in f.sort_values("city_code").itertuples())
    return (f"{len(f)} of {len(quality)} cities are flagged: {listed}. The registered-population variant shares "
            "these territorial problems, so it is no independent check of them; the estimates without the flagged "
            "cities are below.")
