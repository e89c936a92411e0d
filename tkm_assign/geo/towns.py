"""Real towns where new mentors could live: district seats and regency capitals.

Capacity planning suggests bases only at named places of ``data/places/``: the 7,285
district seats (*ibu kota kecamatan*) and the 514 regency capitals (*ibu kota
kabupaten/kota*). Every town is placed once by the same spatial join as the input files
(province, regency, island), at its coordinates rounded to 5 decimals -- the coordinates
written to ``suggested_mentors.csv`` -- so that a suggested mentor read back from that file
lands exactly where the planning put it. Towns farther than ``TOWN_SNAP_KM`` from land are
left out.

A participant with no town within reach (a small island without a district seat, or a
remote village) gets its own village as a base: the nearest village of ``data/places/``
on its island, else its own position.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import numpy.typing as npt
import pandas as pd

from tkm_assign.geo.places import load_places
from tkm_assign.geo.regions import NOT_LOCATED, haversine_km, load_geography
from tkm_assign.model import Location, Participant

TOWN_SNAP_KM = 1.0  # a town point this close to the coast is placed on land
SAME_TOWN_KM = 1.0  # a regency capital this close to a district seat of its regency is that seat
COORDINATE_DECIMALS = 5  # about 1 m; as written to suggested_mentors.csv


@dataclass(frozen=True)
class Towns:
    """Parallel arrays, one entry per town, sorted by province, regency and name."""

    name: npt.NDArray[np.str_]  # "Coblong, Kota Bandung"
    latitude: npt.NDArray[np.float64]  # rounded to COORDINATE_DECIMALS
    longitude: npt.NDArray[np.float64]
    location: tuple[Location, ...]  # after the spatial join (as validation places a mentor)
    is_capital: npt.NDArray[np.bool_]  # a regency capital

    def __len__(self) -> int:
        return int(self.latitude.size)

    @property
    def province_code(self) -> npt.NDArray[np.str_]:
        return np.array([loc.province_code for loc in self.location], dtype=str)

    @property
    def island_id(self) -> npt.NDArray[np.int32]:
        return np.array([loc.island_id for loc in self.location], dtype=np.int32)


@cache
def load_towns(snap_km: float = 5.0) -> Towns:
    """District seats and regency capitals of ``data/places/``, located once per process.

    Parameters
    ----------
    snap_km
        ``travel.coast_snap_km``: the spatial join of the rounded coordinates uses the same
        snapping distance as the validation of a mentors file.
    """
    places = load_places()
    regencies = places.regencies
    regency_name = dict(zip(regencies["id"], regencies["name"], strict=True))
    seats = places.districts
    seat_frame = pd.DataFrame(
        {
            "regency": seats["regency_id"].astype(str),
            "name": [
                f"{n}, {regency_name.get(r, r)}"
                for n, r in zip(seats["name"], seats["regency_id"], strict=True)
            ],
            "latitude": seats["latitude"].astype(float),
            "longitude": seats["longitude"].astype(float),
            "is_capital": False,
        }
    )
    capitals = regencies[regencies["capital"].notna()]
    capital_frame = pd.DataFrame(
        {
            "regency": capitals["id"].astype(str),
            "name": [
                f"{c}, {n}" for c, n in zip(capitals["capital"], capitals["name"], strict=True)
            ],
            "latitude": capitals["latitude"].astype(float),
            "longitude": capitals["longitude"].astype(float),
            "is_capital": True,
        }
    )
    # A district seat named like its regency's capital is that town: the capital stands
    # for it. A capital right next to another district seat is that seat.
    capital_names = {
        (r, str(c).strip().lower())
        for r, c in zip(capitals["id"].astype(str), capitals["capital"], strict=True)
    }
    seat_names = zip(seat_frame["regency"], seats["name"].astype(str), strict=True)
    seat_frame = seat_frame[[(r, n.strip().lower()) not in capital_names for r, n in seat_names]]
    capital_frame = capital_frame[~_near_a_seat(capital_frame, seat_frame)]
    towns = pd.concat([seat_frame, capital_frame], ignore_index=True)
    towns["latitude"] = towns["latitude"].round(COORDINATE_DECIMALS)
    towns["longitude"] = towns["longitude"].round(COORDINATE_DECIMALS)
    geography = load_geography()
    near_land = geography.locate(towns["latitude"], towns["longitude"], snap_km=TOWN_SNAP_KM)
    towns = towns[near_land.island_id != NOT_LOCATED]
    found = geography.locate(towns["latitude"], towns["longitude"], snap_km=snap_km)
    towns = towns.assign(
        province_code=found.province_code,
        regency_code=found.regency_code,
        island_id=found.island_id,
        snapped_lat=found.latitude,
        snapped_lon=found.longitude,
        snapped_km=found.snapped_km,
    )
    towns = towns.sort_values(["province_code", "regency", "name"], kind="stable")
    return Towns(
        name=towns["name"].to_numpy(dtype=str),
        latitude=towns["latitude"].to_numpy(dtype=np.float64),
        longitude=towns["longitude"].to_numpy(dtype=np.float64),
        location=tuple(
            Location(float(a), float(b), str(c), str(d), int(e), round(float(f), 3))
            for a, b, c, d, e, f in zip(
                towns["snapped_lat"],
                towns["snapped_lon"],
                towns["province_code"],
                towns["regency_code"],
                towns["island_id"],
                towns["snapped_km"],
                strict=True,
            )
        ),
        is_capital=towns["is_capital"].to_numpy(dtype=bool),
    )


def _near_a_seat(capitals: pd.DataFrame, seats: pd.DataFrame) -> npt.NDArray[np.bool_]:
    """Whether each capital lies within ``SAME_TOWN_KM`` of a district seat of its regency."""
    out = np.zeros(len(capitals), dtype=bool)
    # Plain arrays per regency: the distances on pandas columns cost a hundred times more.
    by_regency = {
        regency: (group["latitude"].to_numpy(), group["longitude"].to_numpy())
        for regency, group in seats.groupby("regency")
    }
    for k, (regency, lat, lon) in enumerate(
        zip(capitals["regency"], capitals["latitude"], capitals["longitude"], strict=True)
    ):
        group = by_regency.get(regency)
        if group is not None and len(group[0]):
            km = haversine_km(lat, lon, group[0], group[1])
            out[k] = bool(np.min(km) <= SAME_TOWN_KM)
    return out


@dataclass(frozen=True)
class Place:
    """A named base for one mentor: a town, or a village when no town is within reach."""

    name: str
    latitude: float  # as written to files (rounded)
    longitude: float
    location: Location


def village_base(participant: Participant, snap_km: float = 5.0) -> Place:
    """The nearest village of ``data/places/`` on the participant's island and regency.

    Falls back on the participant's own position (named after its village, if known) when
    no listed village of its regency lies on its island.
    """
    places = load_places()
    where = participant.location
    villages = places.villages[places.villages["regency_id"] == where.regency_code]
    if len(villages):
        km = haversine_km(
            where.latitude, where.longitude, villages["latitude"], villages["longitude"]
        )
        order = np.argsort(km, kind="stable")[:20]
        near = villages.iloc[order]
        lat = near["latitude"].to_numpy(dtype=np.float64).round(COORDINATE_DECIMALS)
        lon = near["longitude"].to_numpy(dtype=np.float64).round(COORDINATE_DECIMALS)
        found = load_geography().locate(lat, lon, snap_km=snap_km)
        same = np.flatnonzero(
            (found.island_id == where.island_id) & (found.province_code == where.province_code)
        )
        if same.size:
            k = int(same[0])
            return Place(
                name=f"{near['name'].iat[k]} (desa)",
                latitude=float(lat[k]),
                longitude=float(lon[k]),
                location=Location(
                    float(found.latitude[k]),
                    float(found.longitude[k]),
                    str(found.province_code[k]),
                    str(found.regency_code[k]),
                    int(found.island_id[k]),
                    round(float(found.snapped_km[k]), 3),
                ),
            )
    name = f"{participant.village} (desa)" if participant.village else "lokasi peserta"
    return Place(
        name=name,
        latitude=round(where.latitude, COORDINATE_DECIMALS),
        longitude=round(where.longitude, COORDINATE_DECIMALS),
        location=where,
    )
