"""Travel time and distance between points: the interface and the haversine model.

Every later step asks a :class:`TravelModel` for integer minutes and metres, either for
parallel pairs of points (:meth:`TravelModel.between`) or for all pairs of a small set
(:meth:`TravelModel.matrix`, e.g. a mentor's home and participants for day routes).
Pairs that cannot be travelled (different islands under ``cross_island = "forbid"``) get
``UNREACHABLE_MIN`` minutes and ``UNREACHABLE_M`` metres.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from tkm_assign.config import TravelConfig
from tkm_assign.geo.regions import haversine_km

UNREACHABLE_MIN = 10**7
UNREACHABLE_M = 10**9

IntArray = npt.NDArray[np.int32]
FloatArray = npt.NDArray[np.float64]


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

    def speed_kph(self, transport: str) -> float:
        return float(self.config.speed_kph[transport])


class HaversineTravel(TravelModel):
    """``distance_km = great_circle_km * circuity``; ``minutes = distance_km / speed * 60``.

    Reproducible by hand: Bandung (-6.9175, 107.6191) to Jakarta (-6.2000, 106.8167) is
    119.7 km great circle, 155.6 km with circuity 1.3, 233 minutes by motorcycle at 40 km/h.
    Minutes and metres are rounded to the nearest integer.
    """

    def between(self, a: Points, b: Points, transport: str) -> tuple[IntArray, IntArray]:
        km = haversine_km(a.latitude, a.longitude, b.latitude, b.longitude) * self.config.circuity
        minutes = np.rint(km / self.speed_kph(transport) * 60.0).astype(np.int64)
        metres = np.rint(km * 1000.0).astype(np.int64)
        crossing = a.island_id != b.island_id
        minutes[crossing] = UNREACHABLE_MIN
        metres[crossing] = UNREACHABLE_M
        return minutes.astype(np.int32), metres.astype(np.int32)
