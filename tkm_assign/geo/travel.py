"""Travel time and distance between points: the interface, the island rule and two models.

Every later step asks a :class:`TravelModel` for integer minutes and metres, either for
parallel pairs of points (:meth:`TravelModel.between`) or for all pairs of a small set
(:meth:`TravelModel.matrix`, e.g. a mentor's home and participants for day routes).
Pairs that cannot be travelled get ``UNREACHABLE_MIN`` minutes and ``UNREACHABLE_M`` metres.

Islands. Islands joined by a bridge form one *land* (see :mod:`tkm_assign.geo.ferries`).
Two points on the same land travel over land with the model's own rule. Two points on
different lands are unreachable under ``travel.cross_island = "forbid"``; under ``"ferry"``
they travel ``land(A -> port p) + ferry_wait_min + crossing + ... + land(port q -> B)``,
minimised over the ports of both lands and the routes in ``geo/ferries.csv`` (several
crossings allowed, e.g. Jawa -> Bali -> Lombok, with the ride across Bali between ports).
Travel on one land never uses a ferry.

Models (``travel.model``):

- ``haversine`` (:class:`HaversineTravel`): ``distance_km = great_circle_km * circuity``;
  ``minutes = distance_km / speed_kph[transport] * 60``.
- ``road`` (:class:`tkm_assign.geo.roads.RoadTravel`): trunk road shortest paths with
  off-road legs to and from the road network; see that module.

Minutes and metres are rounded to the nearest integer. Distances are never shorter than the
great circle.
"""

from __future__ import annotations

import hashlib
import json
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from tkm_assign.config import TRANSPORT_MODES, TravelConfig, setting_error, to_mapping
from tkm_assign.geo.ferries import SeaLinks, default_sea_links
from tkm_assign.geo.regions import haversine_km
from tkm_assign.model import UNREACHABLE_MIN

if TYPE_CHECKING:
    from tkm_assign.geo.roads import RoadAccess

UNREACHABLE_M = 10**9
# Pairs are evaluated in slices of this many to bound temporary memory.
PAIR_CHUNK = 200_000

IntArray = npt.NDArray[np.int32]
FloatArray = npt.NDArray[np.float64]
IndexArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Points:
    """Parallel arrays of positions in degrees and the island each lies on."""

    latitude: FloatArray
    longitude: FloatArray
    island_id: IntArray

    @classmethod
    def of(
        cls, latitude: npt.ArrayLike, longitude: npt.ArrayLike, island_id: npt.ArrayLike
    ) -> Points:
        lat = np.atleast_1d(np.asarray(latitude, dtype=np.float64))
        lon = np.atleast_1d(np.asarray(longitude, dtype=np.float64))
        isl = np.atleast_1d(np.asarray(island_id, dtype=np.int32))
        return cls(lat, lon, np.broadcast_to(isl, lat.shape).copy())

    def __len__(self) -> int:
        return int(self.latitude.size)

    def take(self, index: npt.ArrayLike) -> Points:
        idx = np.asarray(index)
        return Points(self.latitude[idx], self.longitude[idx], self.island_id[idx])


@dataclass(frozen=True)
class PreparedPoints:
    """Points with what a model computes once per point (e.g. the way onto the road network).

    Made by :meth:`TravelModel.prepare`; used by :meth:`TravelModel.pairs` to evaluate many
    pairs of the same points without repeating that work.
    """

    points: Points
    road: RoadAccess | None = None

    def __len__(self) -> int:
        return len(self.points)


def _distinct(points: Points) -> tuple[Points, npt.NDArray[np.int64]]:
    """The distinct points of ``points`` and, per point, its row among them."""
    if len(points) < 2 or not (
        np.isfinite(points.latitude).all() and np.isfinite(points.longitude).all()
    ):
        return points, np.arange(len(points), dtype=np.int64)
    rows = np.column_stack([points.latitude, points.longitude, points.island_id])
    _, first, inverse = np.unique(rows, axis=0, return_index=True, return_inverse=True)
    return points.take(first), inverse.reshape(-1).astype(np.int64)


class TravelModel(ABC):
    """Travel between points for one transport mode at a time."""

    def __init__(self, config: TravelConfig) -> None:
        self.config = config

    @abstractmethod
    def between(self, a: Points, b: Points, transport: str) -> tuple[IntArray, IntArray]:
        """One-way (minutes, metres) from ``a[i]`` to ``b[i]`` for every i."""

    def matrix(self, points: Points, transport: str) -> tuple[IntArray, IntArray]:
        """(minutes, metres) between all pairs of ``points``, shape (n, n), zero diagonal."""
        n = len(points)
        rows, cols = np.divmod(np.arange(n * n), n)
        minutes, metres = self.between(points.take(rows), points.take(cols), transport)
        minutes, metres = minutes.reshape(n, n), metres.reshape(n, n)
        np.fill_diagonal(minutes, 0)
        np.fill_diagonal(metres, 0)
        return minutes, metres

    def prepare(self, points: Points) -> PreparedPoints:
        """Per-point work done once, for :meth:`pairs` (nothing in the base model)."""
        return PreparedPoints(points)

    def pairs(
        self,
        a: PreparedPoints,
        a_index: npt.ArrayLike,
        b: PreparedPoints,
        b_index: npt.ArrayLike,
        transport: str,
    ) -> tuple[IntArray, IntArray]:
        """:meth:`between` for ``a[a_index[i]]`` -> ``b[b_index[i]]``."""
        return self.between(a.points.take(a_index), b.points.take(b_index), transport)

    def reach_class(self, island_id: npt.ArrayLike) -> IntArray:
        """Two points can travel to each other only when their classes are equal."""
        return np.asarray(island_id, dtype=np.int32)

    def min_minutes_per_km(self, transport: str) -> float:
        """A lower bound on travel minutes per great-circle km, for search pruning.

        0 means no useful bound is known (every pair must be evaluated).
        """
        return 0.0

    def cache_token(self) -> bytes | None:
        """Bytes that change whenever this model's results may change; ``None``: unknown."""
        return None

    def speed_kph(self, transport: str) -> float:
        """Configured speed of ``transport``; a clear error for an unknown mode."""
        try:
            return float(self.config.speed_kph[transport])
        except KeyError:
            raise setting_error(
                "travel.speed_kph",
                "config.unknown_transport",
                transport=transport,
                known=", ".join(TRANSPORT_MODES),
            ) from None


class IslandTravel(TravelModel):
    """A model on land plus the island rule and ferries, shared by both models.

    Subclasses implement :meth:`_land` (unrounded minutes and km between points of one
    land) and :meth:`_land_minutes_per_km`.
    """

    def __init__(self, config: TravelConfig, sea: SeaLinks | None = None) -> None:
        super().__init__(config)
        self._sea = sea
        self._ports: PreparedPoints | None = None
        self._port_matrices: dict[str, tuple[FloatArray, FloatArray]] = {}

    @property
    def sea(self) -> SeaLinks:
        """Lands and ferries (the bundled ones unless given to the constructor)."""
        if self._sea is None:
            self._sea = default_sea_links()
        return self._sea

    @abstractmethod
    def _land(
        self,
        a: PreparedPoints,
        ia: IndexArray,
        b: PreparedPoints,
        ib: IndexArray,
        transport: str,
        straight_km: FloatArray | None = None,
    ) -> tuple[FloatArray, FloatArray]:
        """Unrounded (minutes, km) between points on one land.

        ``straight_km`` is the great circle of each pair when the caller has it already.
        """

    @abstractmethod
    def _land_minutes_per_km(self, transport: str) -> float:
        """A lower bound on minutes per great-circle km of travel on land."""

    def between(self, a: Points, b: Points, transport: str) -> tuple[IntArray, IntArray]:
        if len(a) != len(b):
            raise ValueError(f"between: {len(a)} origins but {len(b)} destinations")
        # Each distinct point prepared once: callers pass one row per pair, so a home or a
        # participant repeats (a mentor's home once per session), and preparing is the
        # costly part of a road model.
        unique_a, index_a = _distinct(a)
        unique_b, index_b = _distinct(b)
        return self.pairs(
            self.prepare(unique_a), index_a, self.prepare(unique_b), index_b, transport
        )

    def matrix(self, points: Points, transport: str) -> tuple[IntArray, IntArray]:
        n = len(points)
        prepared = self.prepare(points)
        rows, cols = np.divmod(np.arange(n * n), n)
        minutes, metres = self.pairs(prepared, rows, prepared, cols, transport)
        minutes, metres = minutes.reshape(n, n), metres.reshape(n, n)
        np.fill_diagonal(minutes, 0)
        np.fill_diagonal(metres, 0)
        return minutes, metres

    def pairs(
        self,
        a: PreparedPoints,
        a_index: npt.ArrayLike,
        b: PreparedPoints,
        b_index: npt.ArrayLike,
        transport: str,
    ) -> tuple[IntArray, IntArray]:
        self.speed_kph(transport)
        ia = np.asarray(a_index, dtype=np.int64).reshape(-1)
        ib = np.asarray(b_index, dtype=np.int64).reshape(-1)
        if ia.size != ib.size:
            raise ValueError(f"pairs: {ia.size} origins but {ib.size} destinations")
        minutes = np.empty(ia.size, dtype=np.int32)
        metres = np.empty(ia.size, dtype=np.int32)
        for start in range(0, ia.size, PAIR_CHUNK):
            part = slice(start, start + PAIR_CHUNK)
            m, km = self._pairs_float(a, ia[part], b, ib[part], transport)
            minutes[part], metres[part] = _rounded(m, km)
        return minutes, metres

    def reach_class(self, island_id: npt.ArrayLike) -> IntArray:
        return self.sea.reach_class(island_id, self.config.cross_island)

    def cache_token(self) -> bytes | None:
        settings = to_mapping(self.config)
        settings.pop("cache_dir", None)
        digest = hashlib.sha256(type(self).__qualname__.encode())
        digest.update(json.dumps(settings, sort_keys=True).encode())
        sea = self.sea
        for array in (
            sea.land_of_island,
            sea.port_lat,
            sea.port_lon,
            sea.port_island,
            sea.route_a,
            sea.route_b,
            sea.route_min,
        ):
            digest.update(np.ascontiguousarray(array).tobytes())
        return digest.digest()

    def min_minutes_per_km(self, transport: str) -> float:
        rate = self._land_minutes_per_km(transport)
        sea = self.sea
        if self.config.cross_island == "ferry" and sea.route_km.size:
            usable = sea.route_km > 0
            if usable.any():
                rate = min(rate, float(np.min(sea.route_min[usable] / sea.route_km[usable])))
        return rate

    def _pairs_float(
        self, a: PreparedPoints, ia: IndexArray, b: PreparedPoints, ib: IndexArray, transport: str
    ) -> tuple[FloatArray, FloatArray]:
        pa, pb = a.points, b.points
        minutes = np.full(ia.size, np.inf)
        km = np.full(ia.size, np.inf)
        straight = haversine_km(
            pa.latitude[ia], pa.longitude[ia], pb.latitude[ib], pb.longitude[ib]
        )
        same = pa.island_id[ia] == pb.island_id[ib]
        if not same.all():
            other = np.flatnonzero(~same)
            sea = self.sea
            same[other] = sea.land(pa.island_id[ia[other]]) == sea.land(pb.island_id[ib[other]])
        if same.all():
            minutes, km = self._land(a, ia, b, ib, transport, straight)
        elif same.any():
            minutes[same], km[same] = self._land(
                a, ia[same], b, ib[same], transport, straight[same]
            )
        cross = ~same
        if cross.any() and self.config.cross_island == "ferry":
            minutes[cross], km[cross] = self._ferry(a, ia[cross], b, ib[cross], transport)
        # Never shorter than the straight line; guards float rounding in the road projections.
        return minutes, np.maximum(km, straight)

    def _ferry(
        self, a: PreparedPoints, ia: IndexArray, b: PreparedPoints, ib: IndexArray, transport: str
    ) -> tuple[FloatArray, FloatArray]:
        """Best trip over the ports of both lands: land leg, ferries, land leg."""
        sea = self.sea
        minutes = np.full(ia.size, np.inf)
        km = np.full(ia.size, np.inf)
        if not sea.route_a.size:
            return minutes, km
        ports = self._port_points()
        port_land = sea.port_land
        ferry_min, ferry_km = self._port_matrix(transport)
        land_a = sea.land(a.points.island_id[ia]).astype(np.int64)
        land_b = sea.land(b.points.island_id[ib]).astype(np.int64)
        key = land_a * (int(land_b.max(initial=0)) + 2) + (land_b + 1)
        for value in np.unique(key):
            sel = np.flatnonzero(key == value)
            starts = np.flatnonzero(port_land == land_a[sel[0]])
            ends = np.flatnonzero(port_land == land_b[sel[0]])
            if not starts.size or not ends.size:
                continue
            last_legs = {
                int(q): self._land(ports, np.full(sel.size, q), b, ib[sel], transport) for q in ends
            }
            for p in starts:
                first_min, first_km = self._land(a, ia[sel], ports, np.full(sel.size, p), transport)
                for q in ends:
                    if not np.isfinite(ferry_min[p, q]):
                        continue
                    last_min, last_km = last_legs[int(q)]
                    total = first_min + ferry_min[p, q] + last_min
                    better = total < minutes[sel]
                    minutes[sel[better]] = total[better]
                    km[sel[better]] = (first_km + ferry_km[p, q] + last_km)[better]
        return minutes, km

    def _port_points(self) -> PreparedPoints:
        if self._ports is None:
            sea = self.sea
            self._ports = self.prepare(Points(sea.port_lat, sea.port_lon, sea.port_island))
        return self._ports

    def _port_matrix(self, transport: str) -> tuple[FloatArray, FloatArray]:
        """Fastest (minutes, km) between every two ports: ferries and rides between ports."""
        if transport in self._port_matrices:
            return self._port_matrices[transport]
        sea = self.sea
        n = sea.port_lat.size
        time = np.full((n, n), np.inf)
        dist = np.full((n, n), np.inf)
        np.fill_diagonal(time, 0.0)
        np.fill_diagonal(dist, 0.0)
        wait = float(self.config.ferry_wait_min)
        for p, q, crossing, sea_km in zip(
            sea.route_a, sea.route_b, sea.route_min, sea.route_km, strict=True
        ):
            if wait + crossing < time[p, q]:
                time[p, q] = time[q, p] = wait + float(crossing)
                dist[p, q] = dist[q, p] = float(sea_km)
        port_land = sea.port_land
        rows, cols = np.nonzero((port_land[:, None] == port_land[None, :]) & ~np.eye(n, dtype=bool))
        if rows.size:
            ports = self._port_points()
            ride_min, ride_km = self._land(ports, rows, ports, cols, transport)
            better = ride_min < time[rows, cols]
            time[rows[better], cols[better]] = ride_min[better]
            dist[rows[better], cols[better]] = ride_km[better]
        # Floyd-Warshall on a few dozen ports, carrying the km of the fastest path.
        for via in range(n):
            through = time[:, via, None] + time[None, via, :]
            better = through < time
            dist = np.where(better, dist[:, via, None] + dist[None, via, :], dist)
            time = np.where(better, through, time)
        self._port_matrices[transport] = (time, dist)
        return time, dist


class HaversineTravel(IslandTravel):
    """``distance_km = great_circle_km * circuity``; ``minutes = distance_km / speed * 60``.

    Reproducible by hand: Bandung (-6.9175, 107.6191) to Jakarta (-6.2000, 106.8167) is
    119.26 km great circle, 155.03 km with circuity 1.3, 232.5 -> 233 minutes by motorcycle
    at 40 km/h.
    Minutes and metres are rounded to the nearest integer. The island rule and ferries are
    those of :class:`IslandTravel`.
    """

    def _land(
        self,
        a: PreparedPoints,
        ia: IndexArray,
        b: PreparedPoints,
        ib: IndexArray,
        transport: str,
        straight_km: FloatArray | None = None,
    ) -> tuple[FloatArray, FloatArray]:
        if straight_km is None:
            pa, pb = a.points, b.points
            straight_km = haversine_km(
                pa.latitude[ia], pa.longitude[ia], pb.latitude[ib], pb.longitude[ib]
            )
        km = straight_km * self.config.circuity
        return km / self.speed_kph(transport) * 60.0, km

    def _land_minutes_per_km(self, transport: str) -> float:
        return self.config.circuity / self.speed_kph(transport) * 60.0


def _rounded(minutes: FloatArray, km: FloatArray) -> tuple[IntArray, IntArray]:
    reached = np.isfinite(minutes) & np.isfinite(km)
    out_min = np.full(minutes.size, UNREACHABLE_MIN, dtype=np.int64)
    out_m = np.full(minutes.size, UNREACHABLE_M, dtype=np.int64)
    out_min[reached] = np.minimum(np.rint(minutes[reached]), UNREACHABLE_MIN - 1)
    out_m[reached] = np.minimum(np.rint(km[reached] * 1000.0), UNREACHABLE_M - 1)
    return out_min.astype(np.int32), out_m.astype(np.int32)
