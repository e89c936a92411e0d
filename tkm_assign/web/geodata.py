"""Province and regency outlines for the map, simplified to what a screen shows.

The polygons of ``geo/`` are a few megabytes; simplified to about 1 km (provinces) and
300 m (one province's regencies) and with coordinates rounded to 3 decimals they are small
enough for a weak connection. Each is computed once per server process.
"""

from __future__ import annotations

import json
from functools import cache

import geopandas as gpd

from tkm_assign.geo.regions import load_geography

PROVINCE_TOLERANCE_DEG = 0.01
REGENCY_TOLERANCE_DEG = 0.003


def _geojson(frame: gpd.GeoDataFrame, tolerance: float) -> bytes:
    simple = frame.copy()
    simple["geometry"] = simple.geometry.simplify(tolerance, preserve_topology=True)
    simple = simple[~simple.geometry.is_empty]
    return simple.to_json(drop_id=True, to_wgs84=False).encode("utf-8")


def _rounded(geojson: bytes) -> bytes:
    data = json.loads(geojson)

    def round_coords(value: object) -> object:
        if isinstance(value, list):
            if value and isinstance(value[0], float):
                return [round(v, 3) for v in value]
            return [round_coords(v) for v in value]
        return value

    for feature in data["features"]:
        geometry = feature["geometry"]
        geometry["coordinates"] = round_coords(geometry["coordinates"])
    return json.dumps(data, separators=(",", ":")).encode("utf-8")


@cache
def provinces_geojson() -> bytes:
    """Every province: ``code`` and ``name`` properties."""
    provinces = load_geography().provinces.rename(
        columns={"province_code": "code", "province_name": "name"}
    )
    return _rounded(_geojson(provinces[["code", "name", "geometry"]], PROVINCE_TOLERANCE_DEG))


@cache
def regencies_geojson(province_code: str) -> bytes:
    """The regencies of one province (an unknown code gives an empty collection)."""
    regencies = load_geography().regencies
    chosen = regencies[regencies["province_code"] == province_code].rename(
        columns={"regency_code": "code", "regency_name": "name"}
    )
    return _rounded(_geojson(chosen[["code", "name", "geometry"]], REGENCY_TOLERANCE_DEG))
