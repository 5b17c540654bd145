"""The one loader of boundaries and coordinates as GeoDataFrames (from the ``geo_*`` extracts).

Geometry is stored as WKT in lon/lat (``make extracts``, :mod:`clusterstudy.data.ingest.geo`);
:func:`load` returns it in EPSG:4326 indexed by the unit's code, :func:`project` moves it to
the equal-area CRS of its region (:data:`EQUAL_AREA`).
"""

from __future__ import annotations

import pandas as pd

from clusterstudy.data import extracts
from clusterstudy.data.catalogue import CREDITS, LONDON_2010

LAYERS = {"nuts2": ("geo_nuts2_2013", "nuts2"), "nuts0": ("geo_nuts0_2013", "country"),
          "world": ("geo_world_countries", "name"), "us_states": ("geo_us_states", "state_fips"),
          "us_cbsa": ("geo_us_cbsa", "cbsa_code"), "cn_cities": ("cn_city_coordinates", "city_code")}
# Equal-area projections: ETRS89-LAEA Europe; CONUS Albers (NAD83); Alaska Albers; Hawaii Albers
# (ESRI:102007); an Albers conic for China (standard parallels 25N and 47N, central meridian 105E)
EQUAL_AREA = {"europe": "EPSG:3035", "us": "EPSG:5070", "alaska": "EPSG:3338", "hawaii": "ESRI:102007",
              "china": "+proj=aea +lat_1=25 +lat_2=47 +lat_0=0 +lon_0=105 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs"}
# NUTS 2013 level-2 outermost regions (TFEU art. 349): far from the continent, shown in no EU map frame
OUTERMOST = {"FRA1": "Guadeloupe", "FRA2": "Martinique", "FRA3": "Guyane", "FRA4": "La Réunion",
             "FRA5": "Mayotte", "ES70": "Canarias", "PT20": "Região Autónoma dos Açores",
             "PT30": "Região Autónoma da Madeira"}
STATE_FIPS = {"AK": "02", "HI": "15"}
CREDIT = {"nuts2": CREDITS["gisco"], "nuts0": CREDITS["gisco"], "world": CREDITS["naturalearth"],
          "us_states": CREDITS["census"], "us_cbsa": CREDITS["census"],
          "cn_cities": "city coordinates: Liang et al. (2024)"}


def load(layer: str):
    """The layer's units as a GeoDataFrame in EPSG:4326, indexed by code (cities as points)."""
    import geopandas as gpd

    if layer not in LAYERS:
        raise ValueError(f"unknown boundary layer {layer!r}; choose one of {', '.join(LAYERS)}")
    name, key = LAYERS[layer]
    df = extracts.load(name)
    if layer == "cn_cities":
        geometry = gpd.points_from_xy(df["lon"], df["lat"])
        df = df.drop(columns=["lon", "lat"])
    else:
        geometry = gpd.GeoSeries.from_wkt(df.pop("geometry").astype(str).to_numpy())
    gdf = gpd.GeoDataFrame(df, geometry=geometry, crs="EPSG:4326")
    gdf[key] = gdf[key].astype(str)
    if layer == "nuts2":
        gdf = _with_london_2010(gdf)
    return gdf.set_index(key, drop=False).rename_axis(None)


def _with_london_2010(gdf):
    """NUTS 2013 regions plus London's NUTS 2010 regions (UKI1, UKI2), the union of their 2013 parts:
    the extracts keep London as UKI1/UKI2, the only codes its employment has in 2008-2012."""
    import geopandas as gpd

    by_code = gdf.set_index("nuts2")
    names = {"UKI1": "Inner London", "UKI2": "Outer London"}
    rows = [{"nuts2": code, "name": names[code], "geometry": by_code.loc[list(parts), "geometry"].union_all()}
            for code, parts in LONDON_2010.items()]
    return pd.concat([gdf, gpd.GeoDataFrame(rows, geometry="geometry", crs=gdf.crs)], ignore_index=True)


def project(gdf, region: str):
    """``gdf`` in the equal-area CRS of ``region`` (a key of :data:`EQUAL_AREA`)."""
    if region not in EQUAL_AREA:
        raise ValueError(f"unknown region {region!r}; choose one of {', '.join(EQUAL_AREA)}")
    return gdf.to_crs(EQUAL_AREA[region])


def attach(sample: pd.DataFrame, key: str, layer: str):
    """The sample's rows with their geometry (GeoDataFrame indexed by ``key``); a one-line
    ValueError names the first sample unit with no polygon or coordinates."""
    import geopandas as gpd

    geo = load(layer)
    codes = sample[key].astype(str)
    missing = codes[~codes.isin(geo.index)]
    if len(missing):
        raise ValueError(f"{len(missing)} sample unit(s) without geometry in layer {layer!r}, first "
                         f"{missing.iloc[0]!r}")
    out = sample.assign(**{key: codes}).set_index(key, drop=False).rename_axis(None)
    return gpd.GeoDataFrame(out, geometry=geo.geometry.reindex(out.index).to_numpy(), crs=geo.crs)
