"""Province and regency outlines for the map, simplified to what a screen shows.

The polygons of ``geo/`` are a few megabytes; simplified to about 1.5 km (provinces) and
300 m (one province's regencies), with coordinates rounded to what that keeps, they are
small enough for a weak connection. Each is computed and compressed once per server
process (:func:`warm_up` does the national outline when the server starts), so a request
only sends bytes.
"""

from __future__ import annotations

import gzip
import json
import threading
from dataclasses import dataclass
from functools import cache

import geopandas as gpd

from tkm_assign.geo.regions import load_geography

PROVINCE_TOLERANCE_DEG = 0.015
PROVINCE_DIGITS = 2  # about 1 km, below the simplification
REGENCY_TOLERANCE_DEG = 0.003
REGENCY_DIGITS = 3


@dataclass(frozen=True)
class Outline:
    """A GeoJSON document and its gzip-compressed bytes."""

    raw: bytes
    gzipped: bytes

    @classmethod
    def of(cls, raw: bytes) -> Outline:
        return cls(raw, gzip.compress(raw, compresslevel=9, mtime=0))


def _geojson(frame: gpd.GeoDataFrame, tolerance: float) -> bytes:
    simple = frame.copy()
    simple["geometry"] = simple.geometry.simplify(tolerance, preserve_topology=True)
    simple = simple[~simple.geometry.is_empty]
    return simple.to_json(drop_id=True, to_wgs84=False).encode("utf-8")


def _rounded(geojson: bytes, digits: int) -> bytes:
    data = json.loads(geojson)

    def round_coords(value: object) -> object:
        if isinstance(value, list):
            if value and isinstance(value[0], float):
                return [round(v, digits) for v in value]
            return [round_coords(v) for v in value]
        return value

    for feature in data["features"]:
        geometry = feature["geometry"]
        geometry["coordinates"] = round_coords(geometry["coordinates"])
    return json.dumps(data, separators=(",", ":")).encode("utf-8")


_BUILDING = threading.Lock()  # one thread builds an outline; the others wait for it


def provinces_geojson() -> Outline:
    """Every province: ``code`` and ``name`` properties."""
    with _BUILDING:
        return _provinces()


def regencies_geojson(province_code: str) -> Outline:
    """The regencies of one province (an unknown code gives an empty collection)."""
    with _BUILDING:
        return _regencies(province_code)


@cache
def _provinces() -> Outline:
    provinces = load_geography().provinces.rename(
        columns={"province_code": "code", "province_name": "name"}
    )
    simple = _geojson(provinces[["code", "name", "geometry"]], PROVINCE_TOLERANCE_DEG)
    return Outline.of(_rounded(simple, PROVINCE_DIGITS))


@cache
def _regencies(province_code: str) -> Outline:
    regencies = load_geography().regencies
    chosen = regencies[regencies["province_code"] == province_code].rename(
        columns={"regency_code": "code", "regency_name": "name"}
    )
    simple = _geojson(chosen[["code", "name", "geometry"]], REGENCY_TOLERANCE_DEG)
    return Outline.of(_rounded(simple, REGENCY_DIGITS))


def warm_up() -> None:
    """Read the geography and build the national outline (run when the server starts)."""
    provinces_geojson()
