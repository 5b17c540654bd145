"""Chinese extracts: the 275-city cross-section and the 2013 resource-based-city types."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from . import readers

CITY_COLUMNS = {
    "cityId": "city_code", "cityName_CN": "city_name_cn", "cityName_EN": "city_name_en",
    "Res_pop": "resident_pop", "Regis_pop": "registered_pop", "GDP": "gdp_cny",
    "Employ_pct": "knowledge_employment_share_pct", "Patent": "patents_2017",
}
UNMATCHED_SUFFIXES = {"自治州": "autonomous prefecture", "地区": "prefecture-level area (地区)",
                      "盟": "league (盟)"}


def cities(mirror: Path) -> pd.DataFrame:
    """City cross-section: patents 2017, GDP, population, knowledge-employment share 2016."""
    df = readers.csv(mirror / "china" / "CN_Public.csv")[list(CITY_COLUMNS)].rename(columns=CITY_COLUMNS)
    return df.sort_values("city_code")


def resource_cities(mirror: Path) -> pd.DataFrame:
    """The plan's resource-based cities, joined to the cross-section by Chinese name.

    Names in the plan carry the 市 suffix, the cross-section's do not; a prefecture-level unit
    matches when its name without 市 equals a city name. Unmatched units keep an empty code
    and a reason (autonomous prefectures, leagues and areas are not cities in the data).
    """
    plan = readers.csv(mirror / "china" / "resource_city_types_2013.csv")
    city = readers.csv(mirror / "china" / "CN_Public.csv")
    codes = dict(zip(city["cityName_CN"], city["cityId"], strict=True))
    rows = []
    for rec in plan.itertuples(index=False):
        code, reason = pd.NA, ""
        if rec.level_inferred != "prefecture-level":
            reason = "county-level city: not covered by the city cross-section"
        else:
            short = rec.name_cn.removesuffix("市")
            if short in codes:
                code = codes[short]
            else:
                kind = next((v for k, v in UNMATCHED_SUFFIXES.items() if rec.name_cn.endswith(k)), None)
                reason = f"{kind}: not a city of the cross-section" if kind else \
                    "prefecture-level city absent from the 275-city cross-section"
        rows.append((rec.name_cn, rec.type_en, rec.level_inferred, int(rec.order_in_source_list),
                     code, "matched" if reason == "" else "unmatched", reason))
    df = pd.DataFrame(rows, columns=["name_cn", "resource_type", "level", "order_in_plan",
                                     "city_code", "match", "reason"])
    return df.sort_values(["level", "order_in_plan"], ascending=[False, True])
