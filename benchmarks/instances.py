"""Synthetic national instances for benchmarks, built from the bundled Indonesian places.

Participants live in villages (``data/places/villages.csv.gz``) drawn with probability
proportional to their regency's population (village id[:4] = regency); mentors live in
district seats (``data/places/districts.csv.gz``) drawn the same way. Sectors follow the
2024 shares; mentors cover one to three sectors and mostly ride motorcycles. Locations come
from :meth:`Geography.locate`, exactly as the input validation places real people.

This is a benchmark fixture only; the official sample generator lives in the package.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from tkm_assign.config import PROJECT_ROOT, Config
from tkm_assign.geo.regions import NOT_LOCATED, Geography, load_geography
from tkm_assign.model import Location, Mentor, Participant, Problem, Sector, Transport

PLACES = PROJECT_ROOT / "data" / "places"
SECTOR_SHARES = {
    Sector.PERTANIAN_PETERNAKAN: 0.3606,
    Sector.PERDAGANGAN_JASA: 0.32,
    Sector.INDUSTRI_BOGA: 0.211,
    Sector.INDUSTRI_KREATIF: 0.078,
    Sector.PERIKANAN_KELAUTAN: 0.03,
}
TRANSPORT_SHARES = {Transport.MOTORCYCLE: 0.8, Transport.CAR: 0.15, Transport.PUBLIC: 0.05}


@dataclass(frozen=True)
class Places:
    """Coordinates and regency weights of villages and district seats."""

    village_lat: npt.NDArray[np.float64]
    village_lon: npt.NDArray[np.float64]
    village_weight: npt.NDArray[np.float64]
    town_lat: npt.NDArray[np.float64]
    town_lon: npt.NDArray[np.float64]
    town_weight: npt.NDArray[np.float64]


def load_places() -> Places:
    """Villages and towns weighted so that each regency gets its population share."""
    regencies = pd.read_csv(PLACES / "regencies.csv.gz", dtype=str)
    population = dict(zip(regencies["id"], regencies["population"].astype(np.float64), strict=True))
    villages = pd.read_csv(PLACES / "villages.csv.gz", dtype=str)
    towns = pd.read_csv(PLACES / "districts.csv.gz", dtype=str)

    def weights(regency: pd.Series) -> npt.NDArray[np.float64]:
        per_regency = regency.map(regency.value_counts())
        w = regency.map(population).fillna(0.0).to_numpy(np.float64) / per_regency.to_numpy()
        return w / w.sum()

    return Places(
        village_lat=villages["latitude"].astype(np.float64).to_numpy(),
        village_lon=villages["longitude"].astype(np.float64).to_numpy(),
        village_weight=weights(villages["id"].str[:4]),
        town_lat=towns["latitude"].astype(np.float64).to_numpy(),
        town_lon=towns["longitude"].astype(np.float64).to_numpy(),
        town_weight=weights(towns["regency_id"]),
    )


def synthetic_problem(
    n_participants: int,
    n_mentors: int,
    seed: int = 0,
    config: Config | None = None,
    geography: Geography | None = None,
    places: Places | None = None,
) -> Problem:
    """A national-like problem with ``n_participants`` and ``n_mentors`` (deterministic)."""
    geo = geography if geography is not None else load_geography()
    where = places if places is not None else load_places()
    rng = np.random.default_rng(seed)
    p_loc = _draw(
        rng, geo, where.village_lat, where.village_lon, where.village_weight, n_participants
    )
    m_loc = _draw(rng, geo, where.town_lat, where.town_lon, where.town_weight, n_mentors)
    sectors = list(SECTOR_SHARES)
    share = np.array(list(SECTOR_SHARES.values()))
    share = share / share.sum()
    p_sector = rng.choice(len(sectors), size=n_participants, p=share)
    participants = tuple(
        Participant(f"P{i:06d}", f"Participant {i}", loc, sectors[s])
        for i, (loc, s) in enumerate(zip(p_loc, p_sector, strict=True))
    )
    transports = list(TRANSPORT_SHARES)
    t_share = np.array(list(TRANSPORT_SHARES.values()))
    mentors = []
    for j, loc in enumerate(m_loc):
        n_sectors = int(rng.integers(1, 4))
        chosen = rng.choice(len(sectors), size=n_sectors, replace=False, p=share)
        mentors.append(
            Mentor(
                f"M{j:05d}",
                f"Mentor {j}",
                loc,
                frozenset(sectors[s] for s in chosen),
                transport=transports[int(rng.choice(len(transports), p=t_share))],
            )
        )
    return Problem(participants, tuple(mentors), config if config is not None else Config())


def _draw(
    rng: np.random.Generator,
    geo: Geography,
    lat: npt.NDArray[np.float64],
    lon: npt.NDArray[np.float64],
    weight: npt.NDArray[np.float64],
    n: int,
) -> list[Location]:
    """``n`` located places drawn by weight (a few in the open sea are drawn again)."""
    out: list[Location] = []
    while len(out) < n:
        pick = rng.choice(lat.size, size=n - len(out), p=weight)
        found = geo.locate(lat[pick], lon[pick])
        for k in np.flatnonzero(found.island_id != NOT_LOCATED):
            out.append(
                Location(
                    latitude=float(found.latitude[k]),
                    longitude=float(found.longitude[k]),
                    province_code=str(found.province_code[k]),
                    regency_code=str(found.regency_code[k]),
                    island_id=int(found.island_id[k]),
                    snapped_km=float(found.snapped_km[k]),
                )
            )
    return out
