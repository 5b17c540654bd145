"""The catalogue of the extracts in ``data/extracts/``: each one's path and schema.

What a loader needs to read and check an extract, and nothing about how it is built: loading an
extract (:func:`clusterstudy.data.extracts.load`) imports no ingest builder. The ingest registry
(:mod:`clusterstudy.data.ingest.registry`) pairs each entry with its builder and provenance.
"""

from __future__ import annotations

from dataclasses import dataclass

from clusterstudy.core.validate import Schema

WKT = r"(MULTI)?POLYGON \(.+\)"
NUTS2 = r"[A-Z]{2}[0-9A-Z]{2}"
# London's NUTS 2010 regions and their NUTS 2013 parts: the SBS table has London only under the
# 2010 codes in 2008-2012, so European extracts may carry UKI1/UKI2 besides NUTS 2013 codes
LONDON_2010 = {"UKI1": ("UKI3", "UKI4"), "UKI2": ("UKI5", "UKI6", "UKI7")}
EXTRA_NUTS2 = frozenset(LONDON_2010)
# credit lines every map caption carries (data/README.md lists them too)
CREDITS = {"gisco": "© EuroGeographics for the administrative boundaries (Eurostat GISCO, NUTS 2013)",
           "census": "U.S. Census Bureau, cartographic boundary files",
           "naturalearth": "Made with Natural Earth"}
# the harmonisation log written beside the extracts by ``make extracts``: one row per region code of
# each European extract and what became of it (loaded by ``extracts.harmonisation_log``)
HARMONISATION_LOG = "eu_nuts_harmonisation"
HARMONISATION_SCHEMA = Schema(
    {"extract": "str", "from_code": "str", "to_code": "str", "action": "str", "reason": "str"},
    key=("extract", "from_code", "to_code"), nullable=frozenset({"to_code"}),
    allowed={"action": frozenset({"kept", "renamed", "dropped", "recovered", "summed"})})


@dataclass(frozen=True)
class Entry:
    """One tidy extract: its name, schema and whether its rows are European NUTS-2 regions."""

    name: str
    schema: Schema
    eu_regions: bool = False

    @property
    def path(self) -> str:
        """Its path relative to ``data/``."""
        return f"extracts/{self.name}.csv"


CATALOGUE: dict[str, Entry] = {e.name: e for e in [
    Entry("nuts2_2013", Schema(
        {"nuts2": "str", "country": "str"}, key=("nuts2",), patterns={"nuts2": NUTS2})),
    Entry("eu_patents", Schema(
        {"nuts2": "str", "year": "int", "unit": "str", "value": "float"},
        key=("nuts2", "unit", "year"), ranges={"value": (0, None), "year": (2000, 2012)},
        allowed={"unit": frozenset({"NR", "P_MHAB"})}, patterns={"nuts2": NUTS2}), eu_regions=True),
    Entry("eu_sbs_employment", Schema(
        {"nuts2": "str", "nace_r2": "str", "year": "int", "persons_employed": "float",
         "flag": "str"},
        key=("nuts2", "nace_r2", "year"), nullable=frozenset({"flag"}),
        ranges={"persons_employed": (0, None), "year": (2008, 2015)},
        patterns={"nuts2": NUTS2, "nace_r2": r"[B-S]\d\d"}), eu_regions=True),
    Entry("eu_gdp", Schema(
        {"nuts2": "str", "year": "int", "unit": "str", "value": "float", "flag": "str"},
        key=("nuts2", "year"), nullable=frozenset({"flag"}), ranges={"value": (0, None)},
        allowed={"unit": frozenset({"PPS_HAB"})}, patterns={"nuts2": NUTS2}), eu_regions=True),
    Entry("eu_tertiary", Schema(
        {"nuts2": "str", "year": "int", "tertiary_share_pct": "float"},
        key=("nuts2", "year"), ranges={"tertiary_share_pct": (0, 100)},
        patterns={"nuts2": NUTS2}), eu_regions=True),
    Entry("eu_population", Schema(
        {"nuts2": "str", "year": "int", "population": "float"},
        key=("nuts2", "year"), ranges={"population": (1, None)}, patterns={"nuts2": NUTS2}), eu_regions=True),
    Entry("eu_rd_intensity", Schema(
        {"nuts2": "str", "year": "int", "rd_pct_gdp": "float"},
        key=("nuts2", "year"), ranges={"rd_pct_gdp": (0, 100), "year": (2000, 2015)},
        patterns={"nuts2": NUTS2}), eu_regions=True),
    Entry("eu_hrst", Schema(
        {"nuts2": "str", "year": "int", "hrst_thousands": "float"},
        key=("nuts2", "year"), ranges={"hrst_thousands": (0, None), "year": (2000, 2015)},
        patterns={"nuts2": NUTS2}), eu_regions=True),
    Entry("us_cluster_employment", Schema(
        {"region_type": "str", "region_code": "str", "region_name": "str",
         "cluster_code": "int", "cluster_name": "str", "traded": "bool",
         "employment": "float", "avg_wage_usd": "float", "lq": "float", "strong": "str"},
        key=("region_type", "region_code", "cluster_code"),
        nullable=frozenset({"avg_wage_usd", "lq", "strong"}),
        ranges={"employment": (0, None), "cluster_code": (1, 116)},
        allowed={"region_type": frozenset({"state", "cbsa"}),
        "strong": frozenset({"True", "False"})},
        patterns={"region_code": r"\d{2}|\d{5}"})),
    Entry("us_county_patents", Schema(
        {"county_fips": "str", "year": "int", "patents": "int"},
        key=("county_fips", "year"), ranges={"patents": (0, None), "year": (2000, 2015)},
        patterns={"county_fips": r"\d{5}"})),
    Entry("us_cbsa_counties", Schema(
        {"cbsa_code": "str", "cbsa_name": "str", "county_fips": "str"},
        key=("cbsa_code", "county_fips"), patterns={"cbsa_code": r"\d{5}", "county_fips": r"\d{5}"})),
    Entry("us_regpat_cbsa", Schema(
        {"cbsa_code": "str", "cbsa_name": "str", "period": "str", "patents_invented": "float",
         "patent_applications": "float"},
        key=("cbsa_code",), nullable=frozenset({"patents_invented", "patent_applications"}),
        ranges={"patents_invented": (0, None)}, patterns={"cbsa_code": r"\d{5}"})),
    Entry("us_cbsa_population", Schema(
        {"cbsa_code": "str", "cbsa_name": "str", "year": "int", "population": "float"},
        key=("cbsa_code",), nullable=frozenset({"year"}), ranges={"population": (1, None)},
        patterns={"cbsa_code": r"\d{5}"})),
    Entry("cn_cities", Schema(
        {"city_code": "str", "city_name_cn": "str", "city_name_en": "str",
         "resident_pop": "float", "registered_pop": "float", "gdp_cny": "float",
         "knowledge_employment_share_pct": "float", "patents_2017": "float"},
        key=("city_code",),
        ranges={"resident_pop": (1, None), "registered_pop": (1, None), "gdp_cny": (0, None),
        "knowledge_employment_share_pct": (0, 100), "patents_2017": (0, None)},
        patterns={"city_code": r"\d{6}"})),
    Entry("cn_resource_cities", Schema(
        {"name_cn": "str", "resource_type": "str", "level": "str", "order_in_plan": "int",
         "city_code": "str", "county_code": "str", "match": "str", "reason": "str"},
        key=("name_cn", "level"), nullable=frozenset({"city_code", "county_code", "reason"}),
        allowed={"resource_type": frozenset({"growing", "mature", "declining", "regenerating"}),
        "level": frozenset({"prefecture-level", "county-level city"}),
        "match": frozenset({"matched", "unmatched"})},
        patterns={"city_code": r"\d{6}", "county_code": r"\d{6}"})),
    Entry("us_naics_clusters", Schema(
        {"naics": "str", "naics_title": "str", "cluster_code": "int", "cluster_name": "str",
         "traded": "bool"},
        key=("naics",), ranges={"cluster_code": (1, 116)}, patterns={"naics": r"\d{6}"})),
    Entry("nace_naics_bridge", Schema(
        {"nace_class": "str", "nace_division": "str", "isic4": "str", "naics": "str",
         "link_share": "float", "naics_employment": "float", "employment_source": "str",
         "weight": "float"},
        key=("nace_class", "isic4", "naics"),
        ranges={"link_share": (0, 1), "naics_employment": (0, None), "weight": (0, None)},
        patterns={"nace_class": r"\d\d\.\d\d", "nace_division": r"[A-U]\d\d",
        "isic4": r"\d{4}", "naics": r"\d{6}"})),
    Entry("geo_nuts2_2013", Schema(
        {"nuts2": "str", "name": "str", "geometry": "str"}, key=("nuts2",),
        patterns={"nuts2": NUTS2, "geometry": WKT})),
    Entry("geo_nuts0_2013", Schema(
        {"country": "str", "name": "str", "geometry": "str"}, key=("country",),
        patterns={"country": r"[A-Z]{2}", "geometry": WKT})),
    Entry("geo_world_countries", Schema(
        {"iso_a3": "str", "name": "str", "continent": "str", "geometry": "str"}, key=("name",),
        nullable=frozenset({"iso_a3"}), patterns={"geometry": WKT})),
    Entry("geo_us_states", Schema(
        {"state_fips": "str", "name": "str", "geometry": "str"}, key=("state_fips",),
        patterns={"state_fips": r"\d{2}", "geometry": WKT})),
    Entry("geo_us_cbsa", Schema(
        {"cbsa_code": "str", "name": "str", "lsad": "str", "geometry": "str"}, key=("cbsa_code",),
        allowed={"lsad": frozenset({"M1", "M2"})}, patterns={"cbsa_code": r"\d{5}", "geometry": WKT})),
    Entry("cn_city_coordinates", Schema(
        {"city_code": "str", "lon": "float", "lat": "float"}, key=("city_code",),
        ranges={"lon": (73, 136), "lat": (18, 54)}, patterns={"city_code": r"\d{6}"})),
]}
