"""Boundaries and coordinates: the mirror's GeoJSON files as tidy extracts with WKT geometry.

Each boundary file is checked against the sha256 its provenance file states
(``geo/PROVENANCE.txt``), read with geopandas and written as one row per unit with its
geometry as WKT in lon/lat (EPSG:4326), coordinates rounded to :data:`DIGITS` decimals
(about 10 m, finer than the sources' 1:5-20 million scale). Rounding maps a shared vertex to
the same text on both sides of a border, so contiguity survives. Chinese cities have point
coordinates in ``china/CN_Public.csv``.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd

from clusterstudy.core.validate import DataError

from . import readers

DIGITS = 4
# sha256 of each mirror file as stated in geo/PROVENANCE.txt (blob at the named commit)
SHA256 = {
    "nuts2_2013_regions.geojson": "f68ba27cf3771a42e40bf25c546125ca7821ce06f70c31f5ebdd9ca6e01e9712",
    "nuts0_2013_countries.geojson": "0a42d8ab0c05c536fc994614a34068826f8cc9545cfef03882825a39842789c0",
    "world_countries_naturalearth.geojson": "bc403015d07f8240702672a83db0159a287fc6e045509af3d7d29dbde5679d0b",
    "us_states_2010.geojson": "cb0270a5c8e6195fabb20fc4d30b92eb0b2458c18ad33ebeb90e05e95886bf16",
    "us_cbsa_2013.geojson": "0e7560d1c8db625f78953c4e7714d1d98afd7153f63ced2cfcca9db1b238e63a",
}


def _read(mirror: Path, name: str, columns: dict[str, str]) -> pd.DataFrame:
    """The file's features (checksum checked) with ``columns`` renamed and WKT ``geometry``."""
    import geopandas as gpd  # the spatial extra
    import shapely

    path = readers.require(mirror / "geo" / name)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != SHA256[name]:
        raise DataError(f"{path}: sha256 {digest[:12]}... differs from geo/PROVENANCE.txt "
                        f"({SHA256[name][:12]}...): not the documented file")
    try:
        gdf = gpd.read_file(path)
    except Exception as exc:  # pyogrio raises its own errors
        raise DataError(f"{path}: unreadable GeoJSON ({exc})") from None
    missing = [c for c in columns if c not in gdf.columns]
    if missing:
        raise DataError(f"{path}: column '{missing[0]}': missing property")
    geom = gdf.geometry.to_numpy()
    out = pd.DataFrame({new: gdf[old].astype("string").to_numpy() for old, new in columns.items()})
    out["geometry"] = shapely.to_wkt(geom, rounding_precision=DIGITS, trim=True)
    return readers.count(path, out)


def nuts2(mirror: Path) -> pd.DataFrame:
    """NUTS 2013 level-2 polygons (GISCO via idris-maps/idris-geodata, 1% of vertices)."""
    df = _read(mirror, "nuts2_2013_regions.geojson", {"NUTS_ID": "nuts2", "Name": "name"})
    return df.sort_values("nuts2")


def nuts0(mirror: Path) -> pd.DataFrame:
    """NUTS 2013 level-0 polygons (countries), for outlines on European maps."""
    df = _read(mirror, "nuts0_2013_countries.geojson", {"NUTS_ID": "country", "Name": "name"})
    return df.sort_values("country")


def world(mirror: Path) -> pd.DataFrame:
    """Natural Earth admin-0 countries (background land)."""
    df = _read(mirror, "world_countries_naturalearth.geojson",
               {"ISO_A3": "iso_a3", "NAME": "name", "CONTINENT": "continent"})
    return df.sort_values("name")


def us_states(mirror: Path) -> pd.DataFrame:
    """U.S. Census Bureau state boundaries 2010 (1:20m), FIPS codes."""
    df = _read(mirror, "us_states_2010.geojson", {"STATE": "state_fips", "NAME": "name"})
    return df.sort_values("state_fips")


def us_cbsa(mirror: Path) -> pd.DataFrame:
    """U.S. Census Bureau CBSA boundaries 2013 (1:5m), the cluster-mapping vintage."""
    df = _read(mirror, "us_cbsa_2013.geojson", {"geoid": "cbsa_code", "name": "name", "lsad": "lsad"})
    return df.sort_values("cbsa_code")


def cn_coordinates(mirror: Path) -> pd.DataFrame:
    """Longitude and latitude of each city of the Chinese cross-section (CN_Public.csv)."""
    df = readers.csv(mirror / "china" / "CN_Public.csv")[["cityId", "Lon", "Lat"]]
    return df.rename(columns={"cityId": "city_code", "Lon": "lon", "Lat": "lat"}).sort_values("city_code")
