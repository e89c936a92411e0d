"""Provinces, regencies and islands of Indonesia, and placing points on them.

Polygons come from ``geo/`` (see ``geo/README.md``). Islands are the connected land parts of
the dissolved regency polygons; they are built once by :func:`build_islands` and stored in
``geo/islands.gpkg`` (``python -m tkm_assign.geo.regions`` rebuilds it).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely

from tkm_assign.messages import Message
from tkm_assign.resources import GEO_DIR

log = logging.getLogger("tkm_assign")

EARTH_RADIUS_KM = 6371.0088
KM_PER_DEGREE = 111.195
# A point farther than this from any land is "in the sea"; within it, it snaps to the coast.
NOT_LOCATED = -1


def haversine_km(
    lat1: npt.ArrayLike, lon1: npt.ArrayLike, lat2: npt.ArrayLike, lon2: npt.ArrayLike
) -> npt.NDArray[np.float64]:
    """Great-circle distance in km between points given in degrees (broadcasts)."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dphi = p2 - p1
    dlmb = np.radians(np.asarray(lon2, dtype=np.float64) - np.asarray(lon1, dtype=np.float64))
    a = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlmb / 2) ** 2
    return np.asarray(2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0))))


@dataclass(frozen=True)
class Located:
    """Where points fall. Arrays are parallel to the input points.

    ``province_code``/``regency_code`` are ``""`` and ``island_id`` is ``NOT_LOCATED`` for
    points farther than the snapping distance from land; ``latitude``/``longitude`` are the
    snapped positions (unchanged for points on land).
    """

    province_code: npt.NDArray[np.str_]
    regency_code: npt.NDArray[np.str_]
    island_id: npt.NDArray[np.int32]
    snapped_km: npt.NDArray[np.float64]
    latitude: npt.NDArray[np.float64]
    longitude: npt.NDArray[np.float64]


@dataclass(frozen=True)
class Geography:
    """Administrative and island polygons with lookup helpers."""

    provinces: gpd.GeoDataFrame  # province_code, province_name, geometry
    regencies: gpd.GeoDataFrame  # regency_code, province_code, regency_name, geometry
    islands: gpd.GeoDataFrame  # island_id, island_name, area_km2, geometry

    def province_name(self, code: str) -> str:
        names = dict(
            zip(self.provinces["province_code"], self.provinces["province_name"], strict=True)
        )
        return str(names.get(code, code))

    def island_name(self, island_id: int) -> str:
        if island_id == NOT_LOCATED:
            return "sea"
        return str(self.islands["island_name"].iat[island_id])

    def locate(
        self, latitude: npt.ArrayLike, longitude: npt.ArrayLike, snap_km: float = 5.0
    ) -> Located:
        """Province, regency and island of each point; sea points within ``snap_km`` snap to land."""
        lat = np.asarray(latitude, dtype=np.float64).copy()
        lon = np.asarray(longitude, dtype=np.float64).copy()
        points = shapely.points(lon, lat)
        regency_row = _containing(self.regencies.geometry.values, points)
        snapped_km = np.zeros(lat.size)
        outside = np.flatnonzero(regency_row < 0)
        if outside.size:
            tree = shapely.STRtree(self.regencies.geometry.values)
            # Degrees are a loose upper bound here; the true km distance is checked below.
            max_deg = snap_km / KM_PER_DEGREE / max(np.cos(np.radians(11.0)), 0.1)
            found_pt, found_poly = tree.query_nearest(
                points[outside], max_distance=max_deg, all_matches=False
            )
            if found_pt.size:
                # Vectorised: the shortest line from each polygon to its point starts at the
                # nearest point on land (a per-point loop is far too slow for large files).
                idx = outside[found_pt]
                polygons = self.regencies.geometry.values[found_poly]
                ends = shapely.get_coordinates(shapely.shortest_line(polygons, points[idx]))
                near_lon, near_lat = ends[0::2, 0], ends[0::2, 1]
                km = haversine_km(lat[idx], lon[idx], near_lat, near_lon)
                # Step a hair past the coast, away from the sea, so the island lookup below
                # finds the point inside its island (slivers fall back to the nearest island).
                step_lon, step_lat = near_lon - lon[idx], near_lat - lat[idx]
                norm = np.hypot(step_lon, step_lat)
                norm[norm == 0] = 1.0
                near_lon = near_lon + step_lon / norm * 1e-6
                near_lat = near_lat + step_lat / norm * 1e-6
                ok = km <= snap_km
                idx = idx[ok]
                lat[idx], lon[idx] = near_lat[ok], near_lon[ok]
                regency_row[idx] = found_poly[ok]
                snapped_km[idx] = km[ok]
        regency_codes = self.regencies["regency_code"].to_numpy(dtype=str)
        province_codes = self.regencies["province_code"].to_numpy(dtype=str)
        located = regency_row >= 0
        regency = np.where(located, regency_codes[np.maximum(regency_row, 0)], "")
        province = np.where(located, province_codes[np.maximum(regency_row, 0)], "")
        island = _containing(self.islands.geometry.values, shapely.points(lon, lat))
        # A point inside a regency always lies on an island; guard against sliver gaps.
        gaps = np.flatnonzero(located & (island < 0))
        if gaps.size:
            tree = shapely.STRtree(self.islands.geometry.values)
            island[gaps] = tree.query_nearest(
                shapely.points(lon[gaps], lat[gaps]), all_matches=False
            )[1]
        island[~located] = NOT_LOCATED
        return Located(
            province_code=province.astype(str),
            regency_code=regency.astype(str),
            island_id=island.astype(np.int32),
            snapped_km=snapped_km,
            latitude=lat,
            longitude=lon,
        )


def _containing(
    polygons: npt.NDArray[np.object_], points: npt.NDArray[np.object_]
) -> npt.NDArray[np.int64]:
    """Row of the polygon containing each point, -1 where none does (first match wins)."""
    # Query the polygons against a tree of the points: each polygon is then tested once,
    # prepared, which is many times faster than testing every point against the polygons.
    poly_idx, pt_idx = shapely.STRtree(points).query(polygons, predicate="intersects")
    out = np.full(len(points), len(polygons), dtype=np.int64)
    # Points on a shared border (or in overlapping polygons): the lowest polygon row wins.
    np.minimum.at(out, pt_idx, poly_idx)
    out[out == len(polygons)] = -1
    return out


@cache
def load_geography(geo_dir: Path = GEO_DIR) -> Geography:
    """Read the polygons once per process."""
    provinces = gpd.read_file(geo_dir / "provinces.gpkg").rename(
        columns={"kode": "province_code", "nama": "province_name"}
    )[["province_code", "province_name", "geometry"]]
    regencies = gpd.read_file(geo_dir / "regencies.gpkg").rename(columns={"nama": "regency_name"})
    regencies["regency_code"] = regencies["kode"].str.replace(".", "", regex=False)
    regencies["province_code"] = regencies["regency_code"].str[:2]
    regencies = regencies[["regency_code", "province_code", "regency_name", "geometry"]]
    regencies["geometry"] = regencies.geometry.apply(_polygonal)
    islands_path = geo_dir / "islands.gpkg"
    if islands_path.exists():
        islands = gpd.read_file(islands_path)
    else:  # pragma: no cover - the file is committed; rebuilt only by hand
        log.warning(Message.of("log.islands_missing", file=str(islands_path)))
        islands = build_islands(regencies, pd.read_csv(geo_dir / "island_names.csv"))
    return Geography(
        provinces=provinces, regencies=regencies.reset_index(drop=True), islands=islands
    )


def _polygonal(geometry: shapely.Geometry) -> shapely.Geometry:
    """Keep only the polygon parts (one regency is stored as a GeometryCollection)."""
    if isinstance(geometry, shapely.GeometryCollection) and not isinstance(
        geometry, shapely.MultiPolygon
    ):
        parts = [
            g for g in shapely.get_parts(geometry) if g.geom_type in ("Polygon", "MultiPolygon")
        ]
        return shapely.union_all(parts)
    return geometry


def build_islands(regencies: gpd.GeoDataFrame, names: pd.DataFrame) -> gpd.GeoDataFrame:
    """Connected land parts of the dissolved regencies, largest first, named where known.

    ``names`` has columns island, town, latitude, longitude: a town on each named island.
    Unnamed islands are called after their regency, e.g. "pulau di Kabupaten Maluku Tengah".
    """
    land = shapely.union_all(regencies.geometry.values)
    parts = np.asarray(shapely.get_parts(land))
    area_km2 = gpd.GeoSeries(parts, crs=4326).to_crs(6933).area.to_numpy() / 1e6
    order = np.argsort(-area_km2, kind="stable")
    parts, area_km2 = parts[order], area_km2[order]
    tree = shapely.STRtree(parts)
    island_name = np.array([""] * len(parts), dtype=object)
    towns = shapely.points(names["longitude"], names["latitude"])
    _, nearest = tree.query_nearest(towns, all_matches=False)
    for name, part in zip(names["island"], nearest, strict=True):
        if not island_name[part]:
            island_name[part] = name
    reps = shapely.point_on_surface(parts)
    regency_row = _containing(regencies.geometry.values, reps)
    for i in np.flatnonzero(island_name == ""):
        regency = regencies["regency_name"].iat[regency_row[i]] if regency_row[i] >= 0 else "laut"
        island_name[i] = f"pulau di {regency}"
    return gpd.GeoDataFrame(
        {
            "island_id": np.arange(len(parts), dtype=np.int32),
            "island_name": island_name.astype(str),
            "area_km2": np.round(area_km2, 3),
        },
        geometry=parts,
        crs=4326,
    )


def main() -> None:  # pragma: no cover - maintenance script
    geo = GEO_DIR
    regencies = gpd.read_file(geo / "regencies.gpkg")
    regencies["regency_name"] = regencies["nama"]
    regencies["geometry"] = regencies.geometry.apply(_polygonal)
    islands = build_islands(regencies, pd.read_csv(geo / "island_names.csv"))
    islands.to_file(geo / "islands.gpkg", driver="GPKG", layer="islands")
    print(f"wrote {len(islands)} islands to {geo / 'islands.gpkg'}")


if __name__ == "__main__":  # pragma: no cover
    main()
