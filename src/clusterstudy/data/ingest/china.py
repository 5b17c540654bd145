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

# GB/T 2260 administrative division codes of the plan's 62 county-level cities as in force in
# 2013 (Ministry of Civil Affairs of the PRC, county-level division codes). The first four
# digits are the code of the prefecture-level unit that administers the city; 4290 and 4690
# are "county-level units administered directly by the province" (Hubei, Hainan). Checked
# against the adcode table of the `cpca` package (2019 divisions): 58 codes are unchanged;
# 鹿泉, 九台 and 高要 have since become districts of the same prefecture (130110, 220113,
# 441204) and 哈密 a prefecture-level city (650500, from Hami Area 6522 in 2016).
COUNTY_CITY_CODES = {
    "霍林郭勒市": "150581", "锡林浩特市": "152502", "永城市": "411481", "禹州市": "411081",
    "灵武市": "640181", "哈密市": "652201", "阜康市": "652302", "鹿泉市": "130185", "任丘市": "130982",
    "古交市": "140181", "调兵山市": "211281", "凤城市": "210682", "尚志市": "230183", "巢湖市": "340181",
    "龙海市": "350681", "瑞昌市": "360481", "贵溪市": "360681", "德兴市": "361181", "招远市": "370685",
    "平度市": "370283", "登封市": "410185", "新密市": "410183", "巩义市": "410181", "荥阳市": "410182",
    "应城市": "420981", "宜都市": "420581", "浏阳市": "430181", "临湘市": "430682", "高要市": "441283",
    "岑溪市": "450481", "东方市": "469007", "绵竹市": "510683", "清镇市": "520181", "安宁市": "530181",
    "开远市": "532502", "和田市": "653201", "霍州市": "141082", "阿尔山市": "152202", "北票市": "211381",
    "九台市": "220181", "舒兰市": "220283", "敦化市": "222403", "五大连池市": "231182", "新泰市": "370982",
    "灵宝市": "411282", "钟祥市": "420881", "大冶市": "420281", "松滋市": "421087", "潜江市": "429005",
    "常宁市": "430482", "耒阳市": "430481", "资兴市": "431081", "冷水江市": "431381", "涟源市": "431382",
    "合山市": "451381", "华蓥市": "511681", "个旧市": "532501", "玉门市": "620981", "孝义市": "141181",
    "大石桥市": "210882", "龙口市": "370681", "莱州市": "370683",
}
# Administering units (GB/T 2260, 2013) that are not cities of the cross-section.
NON_CITY_PARENTS = {
    "152200": "兴安盟", "152500": "锡林郭勒盟", "222400": "延边朝鲜族自治州",
    "532500": "红河哈尼族彝族自治州", "652200": "哈密地区", "652300": "昌吉回族自治州", "653200": "和田地区",
}
PROVINCE_ADMINISTERED = ("4290", "4690")


def cities(mirror: Path) -> pd.DataFrame:
    """City cross-section: patents 2017, GDP, population, knowledge-employment share 2016."""
    df = readers.csv(mirror / "china" / "CN_Public.csv")[list(CITY_COLUMNS)].rename(columns=CITY_COLUMNS)
    return df.sort_values("city_code")


def _kind(name: str) -> str | None:
    return next((v for k, v in UNMATCHED_SUFFIXES.items() if name.endswith(k)), None)


def _county_city(name: str, city_codes: set[str]) -> tuple[str, object, str]:
    """(GB/T 2260 code, containing city of the cross-section or NA, reason if none)."""
    if name not in COUNTY_CITY_CODES:
        raise ValueError(f"county-level city {name!r} of the plan has no GB/T 2260 code in COUNTY_CITY_CODES")
    code = COUNTY_CITY_CODES[name]
    parent = code[:4] + "00"
    if parent in city_codes:
        return code, parent, ""
    if code[:4] in PROVINCE_ADMINISTERED:
        return code, pd.NA, "county-level city administered directly by the province: no prefecture-level city"
    if parent in NON_CITY_PARENTS:
        pname = NON_CITY_PARENTS[parent]
        return code, pd.NA, f"county-level city in {pname}: {_kind(pname)}, not a city of the cross-section"
    return code, pd.NA, f"county-level city whose prefecture ({parent}) is absent from the 275-city cross-section"


def resource_cities(mirror: Path) -> pd.DataFrame:
    """The plan's resource-based cities, joined to the cross-section.

    ``city_code`` is the cross-section city the unit is or lies in. A prefecture-level unit
    matches when its name without 市 equals a city name (the cross-section's names have no
    suffix). A county-level city carries its GB/T 2260 code (``county_code``) and matches the
    prefecture-level city that administers it. Unmatched units keep an empty ``city_code`` and
    a reason (autonomous prefectures, leagues and areas are not cities in the data).
    """
    plan = readers.csv(mirror / "china" / "resource_city_types_2013.csv")
    city = readers.csv(mirror / "china" / "CN_Public.csv")
    codes = dict(zip(city["cityName_CN"], city["cityId"].astype(str), strict=True))
    rows = []
    for rec in plan.itertuples(index=False):
        code, county, reason = pd.NA, pd.NA, ""
        if rec.level_inferred != "prefecture-level":
            county, code, reason = _county_city(rec.name_cn, set(codes.values()))
        else:
            short = rec.name_cn.removesuffix("市")
            if short in codes:
                code = codes[short]
            else:
                kind = _kind(rec.name_cn)
                reason = f"{kind}: not a city of the cross-section" if kind else \
                    "prefecture-level city absent from the 275-city cross-section"
        rows.append((rec.name_cn, rec.type_en, rec.level_inferred, int(rec.order_in_source_list),
                     code, county, "matched" if reason == "" else "unmatched", reason))
    df = pd.DataFrame(rows, columns=["name_cn", "resource_type", "level", "order_in_plan",
                                     "city_code", "county_code", "match", "reason"])
    return df.sort_values(["level", "order_in_plan"], ascending=[False, True])
