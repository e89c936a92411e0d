"""A realistic synthetic national sample of participants and mentors.

Participants sit at real village coordinates (``data/places/``), drawn with weights by
regency population in the 31 covered provinces; sector, tech literacy, need level and
income role shares are allocated exactly (largest remainders), so the 2024 shares hold at
any size. Fisheries participants live in coastal villages. Mentors live in towns (district
seats) chosen near demand on every island with participants. Every assumption is
documented in ``data/README.md``; names are synthetic.

:func:`generate_frames` returns both tables in exactly the input formats, so writing them
to CSV and reading them back validates.
"""

from __future__ import annotations

import datetime as dt
import heapq
import logging
import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely
from scipy.spatial import cKDTree

from tkm_assign.config import ProgrammeConfig
from tkm_assign.geo.places import Places, load_places
from tkm_assign.geo.regions import (
    KM_PER_DEGREE,
    NOT_LOCATED,
    Geography,
    haversine_km,
    load_geography,
)
from tkm_assign.io.read import PLAN_MENTOR_COLUMNS, PLAN_PARTICIPANT_COLUMNS
from tkm_assign.messages import Message
from tkm_assign.model import Sector
from tkm_assign.rules import add_months

# Synthetic people get no phone number: a made-up number could belong to someone real.
SAMPLE_PARTICIPANT_COLUMNS = tuple(c for c in PLAN_PARTICIPANT_COLUMNS if c != "phone")
SAMPLE_MENTOR_COLUMNS = tuple(c for c in PLAN_MENTOR_COLUMNS if c != "phone")

log = logging.getLogger("tkm_assign")


# 2024 evaluation of TKM Lanjutan (percent).
SECTOR_SHARES: Mapping[Sector, float] = {
    Sector.PERTANIAN_PETERNAKAN: 36.06,
    Sector.PERDAGANGAN_JASA: 32.04,
    Sector.INDUSTRI_BOGA: 21.1,
    Sector.INDUSTRI_KREATIF: 7.8,
    Sector.PERIKANAN_KELAUTAN: 3.0,
}
LITERACY_SHARES: Mapping[str, float] = {"proficient": 43.0, "adequate": 31.0, "low": 26.0}
# Documented assumptions (no published figures).
NEED_SHARES: Mapping[str, float] = {"low": 25.0, "medium": 50.0, "high": 25.0}
INCOME_SHARES: Mapping[str, float] = {"primary": 65.0, "secondary": 35.0}

# 31 of 38 provinces: the four provinces created in 2022 have no programme office yet, and
# the three least populous of the remaining 34 are left out (see data/README.md).
PROVINCES_CREATED_2022 = ("93", "94", "95", "96")
LEAST_POPULOUS_LEFT_OUT = ("65", "91", "92")
LEFT_OUT_PROVINCES = frozenset(PROVINCES_CREATED_2022 + LEAST_POPULOUS_LEFT_OUT)

COAST_KM = 5.0  # a village this close to its island's coastline is coastal
URBAN_DENSITY = 1000.0  # people per km² of the regency: a city
REMOTE_DENSITY = 50.0  # people per km² of the regency below which villages are remote
REMOTE_CAPITAL_KM = 30.0  # ... or this far (straight line) from the regency capital
MIN_ISLAND_PARTICIPANTS = 8  # islands with this many participants get at least one mentor
# Recruitment follows the programme's reach: most people drawn on an island that gets no
# mentor of their province are recruited on a mentored island of the province instead; this
# share stays where it was drawn, the hard cases a planner must explain.
UNREACHED_KEEP = 0.2
REACH_KM = 60.0  # straight line from a mentor town: within a three-hour ride off the trunk roads
MAX_DEMAND_POINTS = 2000  # participants considered when choosing mentor towns per island

# Relative weights by place class (urban, rural, remote) used to spread sectors and tech
# literacy while the national totals stay exact.
_CLASS_WEIGHTS: Mapping[str, tuple[float, float, float]] = {
    Sector.PERTANIAN_PETERNAKAN: (0.3, 1.0, 1.6),
    Sector.INDUSTRI_BOGA: (1.4, 1.0, 0.7),
    Sector.INDUSTRI_KREATIF: (1.5, 1.0, 0.6),
    "proficient": (1.6, 1.0, 0.5),
    "low": (0.6, 1.0, 1.8),
}
# Probability of internet access by tech literacy, (not remote, remote).
INTERNET_PROBABILITY: Mapping[str, tuple[float, float]] = {
    "proficient": (0.97, 0.85),
    "adequate": (0.92, 0.72),
    "low": (0.70, 0.45),
}
MENTOR_SECTOR_COUNT_PROBABILITY = (0.25, 0.5, 0.25)  # 1, 2 or 3 sectors of expertise
MENTOR_CERTIFIED_PROBABILITY = 0.75
MENTOR_TRANSPORT_PROBABILITY: Mapping[str, float] = {"motorcycle": 0.8, "car": 0.15, "public": 0.05}
MENTOR_MON_SAT_PROBABILITY = 0.2
MENTOR_UNAVAILABLE_PROBABILITY = 0.1
EXCLUDED_MENTOR_SHARE = 0.005  # participants who must not get one named mentor

URBAN, RURAL, REMOTE = 0, 1, 2

_FEMALE = (
    "Siti", "Sri", "Dewi", "Nur", "Ani", "Wati", "Rina", "Yuni", "Lestari", "Fitri",
    "Ratna", "Indah", "Ayu", "Putri", "Rahma", "Eka", "Dian", "Wulan", "Nia", "Endang",
    "Suryani", "Kartini", "Maria", "Yohana", "Ni Made", "Ni Luh", "Fatimah", "Aisyah",
    "Nurhayati", "Sulastri", "Murni", "Rosmawati", "Hartini", "Sumiati", "Novi", "Mega",
)  # fmt: skip
_MALE = (
    "Budi", "Agus", "Ahmad", "Muhammad", "Joko", "Slamet", "Hendra", "Andi", "Rudi",
    "Dedi", "Eko", "Bambang", "Wahyu", "Yusuf", "Hasan", "Ilham", "Rizki", "Fajar", "Arif",
    "Teguh", "Made", "Wayan", "Ketut", "Yohanes", "Petrus", "Samsul", "Syahrul", "Rahmat",
    "Darmawan", "Irfan", "Hadi", "Sutrisno", "Nyoman", "La Ode", "Iwan", "Taufik",
)  # fmt: skip
_SECOND = (
    "Santoso", "Wijaya", "Saputra", "Hidayat", "Lestari", "Rahayu", "Pratama", "Kurniawan",
    "Setiawan", "Susanti", "Nugroho", "Hasibuan", "Siregar", "Nasution", "Lubis", "Harahap",
    "Simanjuntak", "Sitompul", "Tanjung", "Ginting", "Pohan", "Daulay", "Manurung", "Hutapea",
    "Sembiring", "Purba", "Rangkuti", "Rambe", "Sari", "Utami", "Permata", "Handayani",
    "Wulandari", "Anggraini", "Syahputra", "Firmansyah", "Ramadhan", "Gunawan", "Suharto",
    "Mulyadi", "Wahyudi", "Effendi", "Halim", "Tamba", "Laia", "Mahmud", "Daeng", "Mandala",
)  # fmt: skip


def covered_provinces(places: Places) -> list[str]:
    """Codes of the 31 provinces the sample covers, in code order."""
    return sorted(set(places.provinces["id"]) - LEFT_OUT_PROVINCES)


def generate_frames(
    n_participants: int, n_mentors: int, seed: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Participants and mentors tables in the input formats (all cells text).

    Parameters
    ----------
    n_participants, n_mentors
        Table sizes (at least 1 each). About one mentor per 20 participants matches the
        programme; mentors are spread over provinces and islands by demand.
    seed
        Same seed, same tables.

    Returns
    -------
    (participants, mentors)
        Frames with the columns of the participants and mentors input formats.
    """
    if n_participants < 1 or n_mentors < 1:
        raise ValueError("the sample needs at least one participant and one mentor")
    rng = np.random.default_rng(seed)
    places = load_places()
    geography = load_geography()
    people = _sample_villages(rng, places, geography, n_participants)
    people = _recruit_within_reach(rng, people, n_mentors)
    klass = _place_class(people, places)
    coastal = _coastal(people)
    sector = _assign_sectors(rng, klass, coastal)
    literacy = _assign_by_quota(
        rng, klass, LITERACY_SHARES, order=("proficient", "low"), rest="adequate"
    )
    remote = klass == REMOTE
    p_internet = np.array(
        [INTERNET_PROBABILITY[lit][int(far)] for lit, far in zip(literacy, remote, strict=True)]
    )
    internet = rng.random(len(people)) < p_internet
    need = _shuffled_quota(rng, NEED_SHARES, len(people))
    income = _shuffled_quota(rng, INCOME_SHARES, len(people))
    people = people.assign(
        sector=sector,
        tech_literacy=literacy,
        internet=np.where(internet, "yes", "no"),
        need_level=need,
        income_role=income,
    )
    mentors = _mentors(rng, people, n_mentors)
    excluded = _excluded_mentors(rng, people, mentors)
    participants = _participant_frame(rng, people, geography, excluded, len(mentors))
    mentor_frame = _mentor_frame(rng, mentors, geography)
    log.info(
        Message.of(
            "log.generated",
            participants=len(participants),
            provinces=int(people["province_code"].nunique()),
            mentors=len(mentor_frame),
            on_islands=int(_on_islands_without_mentor(people, mentors)),
        )
    )
    return participants, mentor_frame


def allocate(shares: Sequence[float], total: int) -> npt.NDArray[np.int64]:
    """Whole counts summing to ``total`` in proportion to ``shares`` (largest remainders).

    Ties in the remainders go to the earlier share, so the result is deterministic.
    """
    weights = np.asarray(shares, dtype=np.float64)
    exact = weights / weights.sum() * total
    counts = np.floor(exact).astype(np.int64)
    left = total - int(counts.sum())
    order = np.lexsort((np.arange(len(exact)), -(exact - counts)))
    counts[order[:left]] += 1
    return counts


def weighted_pick(
    rng: np.random.Generator, weights: npt.ArrayLike, k: int
) -> npt.NDArray[np.int64]:
    """``k`` distinct indices drawn with probability proportional to ``weights``.

    Efraimidis-Spirakis keys: ``log(u) / w``; the ``k`` largest keys win. Zero weights are
    never drawn.
    """
    w = np.asarray(weights, dtype=np.float64)
    keys = np.full(w.size, -np.inf)
    positive = w > 0
    keys[positive] = np.log(rng.random(int(positive.sum()))) / w[positive]
    k = min(k, int(positive.sum()))
    return np.sort(np.argsort(-keys, kind="stable")[:k])


def _sample_villages(
    rng: np.random.Generator, places: Places, geography: Geography, n: int
) -> pd.DataFrame:
    """``n`` villages in covered provinces, weighted by regency population.

    Each province gets its population share (at least one participant when ``n`` allows),
    a regency is drawn by population and a village uniformly within it. Villages whose
    coordinates fall outside their own regency polygon, or in the sea more than 1 km from
    it, are skipped so the sample validates without warnings.
    """
    provinces = places.provinces.set_index("id").loc[covered_provinces(places)]
    population = provinces["population"].astype(float).tolist()
    if n >= len(provinces):
        quota = 1 + allocate(population, n - len(provinces))
    else:
        quota = allocate(population, n)
    villages_by_regency = {
        code: group.index.to_numpy() for code, group in places.villages.groupby("regency_id")
    }
    chosen: list[pd.DataFrame] = []
    for code, want in zip(provinces.index, quota, strict=True):
        if want == 0:
            continue
        regencies = places.regencies[places.regencies["province_id"] == code]
        p = regencies["population"].to_numpy(dtype=np.float64)
        found: list[pd.DataFrame] = []
        have = 0
        for _ in range(100):  # about 0.3% of draws are skipped; 100 rounds is plenty
            if have >= want:
                break
            draw = math.ceil((want - have) * 1.3) + 3
            regency_codes = regencies["id"].to_numpy()[rng.choice(len(p), draw, p=p / p.sum())]
            rows = [
                villages_by_regency[r][rng.integers(len(villages_by_regency[r]))]
                for r in regency_codes
            ]
            batch = _locate_villages(places.villages.loc[rows], geography)
            found.append(batch)
            have += len(batch)
        if have < want:  # pragma: no cover - only with broken places data
            raise RuntimeError(f"province {code}: too few villages inside their regency")
        chosen.append(pd.concat(found).iloc[:want])
    people = pd.concat(chosen, ignore_index=True)
    people = people.sort_values(["province_code", "regency_code", "village_id"], kind="stable")
    return people.reset_index(drop=True)


def _recruit_within_reach(
    rng: np.random.Generator, people: pd.DataFrame, n_mentors: int
) -> pd.DataFrame:
    """Move most people out of the mentors' reach to places within it, in their province.

    Out of reach: on an island where no mentor of the province will live, or farther than
    ``REACH_KM`` (straight line) from every town a mentor of their island will live in
    (the same greedy p-median as the final placement). A moved person takes the place (village, regency, island) of a randomly drawn person
    already recruited on a mentored island of the same province, which keeps the regency
    population weighting. ``UNREACHED_KEEP`` of them stay where they were drawn.
    """
    units = (
        people.groupby(["province_code", "island_id"], sort=True).size().rename("participants")
    ).reset_index()
    units["mentors"] = _mentors_per_unit(units, n_mentors)
    mentored = set(
        zip(
            units.loc[units["mentors"] > 0, "province_code"],
            units.loc[units["mentors"] > 0, "island_id"],
            strict=True,
        )
    )
    key = list(zip(people["province_code"], people["island_id"], strict=True))
    reached = np.array([k in mentored for k in key])
    # Within reach also means a day trip: not farther than REACH_KM from a mentor town.
    towns = _unit_towns(people, units)
    far = np.ones(len(people), dtype=bool)
    for (province_code, island_id), group in towns.groupby(["province_code", "island_id"]):
        mine = np.flatnonzero(
            (people["province_code"] == province_code).to_numpy()
            & (people["island_id"] == island_id).to_numpy()
        )
        km = _km_matrix(
            people["latitude"].to_numpy(dtype=np.float64)[mine],
            people["longitude"].to_numpy(dtype=np.float64)[mine],
            group["latitude"].to_numpy(dtype=np.float64),
            group["longitude"].to_numpy(dtype=np.float64),
        )
        far[mine] = km.min(axis=1) > REACH_KM
    reached &= ~far
    move = ~reached & (rng.random(len(people)) >= UNREACHED_KEEP)
    source = np.arange(len(people))
    province = people["province_code"].to_numpy()
    for i in np.flatnonzero(move):
        pool = np.flatnonzero(reached & (province == province[i]))
        if pool.size:
            source[i] = pool[rng.integers(pool.size)]
    out = people.iloc[source].sort_values(
        ["province_code", "regency_code", "village_id"], kind="stable"
    )
    return out.reset_index(drop=True)


def _locate_villages(villages: pd.DataFrame, geography: Geography) -> pd.DataFrame:
    lat = villages["latitude"].to_numpy(dtype=np.float64)
    lon = villages["longitude"].to_numpy(dtype=np.float64)
    found = geography.locate(lat, lon, snap_km=1.0)
    ok = (found.island_id != NOT_LOCATED) & (
        found.regency_code == villages["regency_id"].to_numpy(dtype=str)
    )
    return pd.DataFrame(
        {
            "village_id": villages["id"].to_numpy()[ok],
            "village": villages["name"].to_numpy()[ok],
            "province_code": found.province_code[ok],
            "regency_code": found.regency_code[ok],
            "island_id": found.island_id[ok],
            "latitude": np.round(found.latitude[ok], 5),
            "longitude": np.round(found.longitude[ok], 5),
        }
    )


@cache
def _regency_density() -> Mapping[str, float]:
    """People per km² of land by regency code (area from the regency polygons)."""
    places, geography = load_places(), load_geography()
    area_km2 = geography.regencies.geometry.to_crs(6933).area.to_numpy() / 1e6
    area = dict(zip(geography.regencies["regency_code"], area_km2, strict=True))
    return {
        code: float(pop) / max(area.get(code, 1.0), 1.0)
        for code, pop in zip(places.regencies["id"], places.regencies["population"], strict=True)
    }


def _place_class(people: pd.DataFrame, places: Places) -> npt.NDArray[np.int64]:
    """URBAN (dense regency), REMOTE (sparse regency or far from its capital) or RURAL."""
    density = _regency_density()
    capitals = places.regencies.set_index("id")[["latitude", "longitude"]]
    cap = capitals.loc[people["regency_code"]].to_numpy(dtype=np.float64)
    km = haversine_km(people["latitude"], people["longitude"], cap[:, 0], cap[:, 1])
    dens = np.array([density[c] for c in people["regency_code"]])
    klass = np.full(len(people), RURAL, dtype=np.int64)
    klass[dens >= URBAN_DENSITY] = URBAN
    klass[(dens < REMOTE_DENSITY) | (km > REMOTE_CAPITAL_KM)] = REMOTE
    return klass


@cache
def _coast_segments() -> tuple[shapely.STRtree, npt.NDArray[np.int64]]:
    """Island coastlines cut into short pieces (fast distance queries), with their island."""
    islands = load_geography().islands
    rings = shapely.get_exterior_ring(np.asarray(islands.geometry.values, dtype=object))
    coords, ring = shapely.get_coordinates(rings, return_index=True)
    pieces: list[shapely.LineString] = []
    owner: list[int] = []
    starts = np.searchsorted(ring, np.arange(len(rings) + 1))
    step = 32
    for i in range(len(rings)):
        a, b = starts[i], starts[i + 1]
        for s in range(a, b - 1, step):
            pieces.append(shapely.LineString(coords[s : min(s + step + 1, b)]))
            owner.append(int(islands["island_id"].iat[i]))
    return shapely.STRtree(pieces), np.asarray(owner, dtype=np.int64)


def _coastal(people: pd.DataFrame) -> npt.NDArray[np.bool_]:
    """Within ``COAST_KM`` of the coastline of the village's own island."""
    tree, owner = _coast_segments()
    points = shapely.points(people["longitude"], people["latitude"])
    near_pt, near_piece = tree.query(points, predicate="dwithin", distance=COAST_KM / KM_PER_DEGREE)
    island = people["island_id"].to_numpy()
    same = owner[near_piece] == island[near_pt]
    out = np.zeros(len(people), dtype=bool)
    out[near_pt[same]] = True
    return out


def _assign_sectors(
    rng: np.random.Generator, klass: npt.NDArray[np.int64], coastal: npt.NDArray[np.bool_]
) -> npt.NDArray[np.object_]:
    """Exact national sector counts; fisheries only on the coast, others by place class."""
    n = len(klass)
    counts = dict(zip(SECTOR_SHARES, allocate(list(SECTOR_SHARES.values()), n), strict=True))
    sector = np.full(n, Sector.PERDAGANGAN_JASA.value, dtype=object)
    free = np.ones(n, dtype=bool)
    fisheries = Sector.PERIKANAN_KELAUTAN
    picked = weighted_pick(rng, (free & coastal).astype(float), int(counts[fisheries]))
    if len(picked) < counts[fisheries]:
        log.warning(
            Message.of(
                "log.generated_fisheries_short", placed=len(picked), wanted=int(counts[fisheries])
            )
        )
    sector[picked] = fisheries.value
    free[picked] = False
    for name in (Sector.PERTANIAN_PETERNAKAN, Sector.INDUSTRI_BOGA, Sector.INDUSTRI_KREATIF):
        weights = np.asarray(_CLASS_WEIGHTS[name])[klass] * free
        picked = weighted_pick(rng, weights, int(counts[name]))
        sector[picked] = name.value
        free[picked] = False
    return sector


def _assign_by_quota(
    rng: np.random.Generator,
    klass: npt.NDArray[np.int64],
    shares: Mapping[str, float],
    order: Sequence[str],
    rest: str,
) -> npt.NDArray[np.object_]:
    counts = dict(zip(shares, allocate(list(shares.values()), len(klass)), strict=True))
    out = np.full(len(klass), rest, dtype=object)
    free = np.ones(len(klass), dtype=bool)
    for name in order:
        picked = weighted_pick(
            rng, np.asarray(_CLASS_WEIGHTS[name])[klass] * free, int(counts[name])
        )
        out[picked] = name
        free[picked] = False
    return out


def _shuffled_quota(
    rng: np.random.Generator, shares: Mapping[str, float], n: int
) -> npt.NDArray[np.object_]:
    counts = allocate(list(shares.values()), n)
    values = np.repeat(np.array(list(shares), dtype=object), counts)
    return rng.permutation(values)


@dataclass(frozen=True)
class _MentorSeat:
    province_code: str
    island_id: int
    regency_code: str
    latitude: float
    longitude: float
    sectors: tuple[str, ...]


def _mentors(rng: np.random.Generator, people: pd.DataFrame, n_mentors: int) -> list[_MentorSeat]:
    """Mentor homes by province and island, in towns near their participants."""
    units = (
        people.groupby(["province_code", "island_id"], sort=True).size().rename("participants")
    ).reset_index()
    units["mentors"] = _mentors_per_unit(units, n_mentors)
    seats: list[_MentorSeat] = []
    for province_code, island_id, k, here, candidates in _unit_candidates(people, units):
        seats.extend(_seats_in_unit(rng, here, candidates, k, province_code, island_id))
    # Mentor ids follow province and regency, like a coordinator's list.
    return sorted(seats, key=lambda s: (s.province_code, s.regency_code))


def _unit_candidates(
    people: pd.DataFrame, units: pd.DataFrame
) -> Iterator[tuple[str, int, int, pd.DataFrame, pd.DataFrame]]:
    """Per (province, island) unit with mentors: its code, island, mentor count, participants
    and candidate homes (district seats, or its villages where the island has none)."""
    towns = _towns()
    for province_code, island_id, k in zip(
        units["province_code"].astype(str),
        units["island_id"].astype(int),
        units["mentors"].astype(int),
        strict=True,
    ):
        if k == 0:
            continue
        here = people[
            (people["province_code"] == province_code) & (people["island_id"] == island_id)
        ]
        candidates = towns[
            (towns["province_code"] == province_code) & (towns["island_id"] == island_id)
        ]
        if candidates.empty:  # no district seat on this island: mentors live in a village
            candidates = here[["latitude", "longitude", "regency_code"]].drop_duplicates()
        yield province_code, int(island_id), int(k), here, candidates


def _mentors_per_unit(units: pd.DataFrame, n_mentors: int) -> npt.NDArray[np.int64]:
    """Mentors per (province, island).

    First one per province (at its largest island; the most populous provinces first when
    mentors are scarce), then one per island with at least ``MIN_ISLAND_PARTICIPANTS``
    participants, then the rest by the Sainte-Laguë rule on participants (favouring
    neither large nor small islands), which keeps caseloads close to equal.
    """
    count = units["participants"].to_numpy(dtype=np.int64)
    mentors = np.zeros(len(units), dtype=np.int64)
    left = n_mentors
    largest = units.assign(i=np.arange(len(units))).sort_values(
        ["participants", "i"], ascending=[False, True], kind="stable"
    )
    first_by_province = largest.drop_duplicates("province_code")
    for i in first_by_province["i"]:
        if left == 0:
            break
        mentors[i] += 1
        left -= 1
    for i in largest["i"]:
        if left == 0:
            break
        if mentors[i] == 0 and count[i] >= MIN_ISLAND_PARTICIPANTS:
            mentors[i] += 1
            left -= 1
    heap = [(-count[i] / (mentors[i] + 0.5), int(i)) for i in range(len(units))]
    heapq.heapify(heap)
    while left > 0:
        _, i = heapq.heappop(heap)
        mentors[i] += 1
        left -= 1
        heapq.heappush(heap, (-count[i] / (mentors[i] + 0.5), i))
    return mentors


@cache
def _towns() -> pd.DataFrame:
    """District seats on land, with province, regency and island."""
    places, geography = load_places(), load_geography()
    d = places.districts
    found = geography.locate(
        d["latitude"].to_numpy(dtype=np.float64),
        d["longitude"].to_numpy(dtype=np.float64),
        snap_km=1.0,
    )
    ok = found.island_id != NOT_LOCATED
    return pd.DataFrame(
        {
            "province_code": found.province_code[ok],
            "regency_code": found.regency_code[ok],
            "island_id": found.island_id[ok],
            "latitude": np.round(found.latitude[ok], 5),
            "longitude": np.round(found.longitude[ok], 5),
        }
    )


def _km_matrix(
    a_lat: npt.NDArray[np.float64],
    a_lon: npt.NDArray[np.float64],
    b_lat: npt.NDArray[np.float64],
    b_lon: npt.NDArray[np.float64],
) -> npt.NDArray[np.float64]:
    """Equirectangular km between every a and every b (plenty for choosing towns)."""
    mean_lat = np.radians((a_lat.mean() + b_lat.mean()) / 2)
    dy = (a_lat[:, None] - b_lat[None, :]) * KM_PER_DEGREE
    dx = (a_lon[:, None] - b_lon[None, :]) * KM_PER_DEGREE * math.cos(mean_lat)
    return np.asarray(np.hypot(dx, dy))


def _nearest(towns: pd.DataFrame, people: pd.DataFrame) -> npt.NDArray[np.int64]:
    """Position in ``towns`` of the nearest town to each person (equirectangular)."""
    scale = math.cos(math.radians(float(people["latitude"].mean())))
    tree = cKDTree(np.c_[towns["latitude"], towns["longitude"] * scale])
    _, nearest = tree.query(np.c_[people["latitude"], people["longitude"] * scale])
    return np.asarray(nearest, dtype=np.int64)


def _p_median(
    here: pd.DataFrame, candidates: pd.DataFrame, k: int
) -> tuple[list[int], npt.NDArray[np.float64]]:
    """Greedy p-median: positions in ``candidates`` of up to ``k`` towns, and the
    town x demand-point km matrix (demand thinned to ``MAX_DEMAND_POINTS``)."""
    demand = here
    if len(demand) > MAX_DEMAND_POINTS:
        demand = demand.iloc[np.linspace(0, len(demand) - 1, MAX_DEMAND_POINTS).astype(int)]
    dist = _km_matrix(
        candidates["latitude"].to_numpy(dtype=np.float64),
        candidates["longitude"].to_numpy(dtype=np.float64),
        demand["latitude"].to_numpy(dtype=np.float64),
        demand["longitude"].to_numpy(dtype=np.float64),
    )
    best = np.full(dist.shape[1], np.inf)
    chosen: list[int] = []
    for _ in range(min(k, len(candidates))):
        cost = np.minimum(dist, best[None, :]).sum(axis=1)
        cost[chosen] = np.inf
        pick = int(np.argmin(cost))
        chosen.append(pick)
        best = np.minimum(best, dist[pick])
    return chosen, dist


def _unit_towns(people: pd.DataFrame, units: pd.DataFrame) -> pd.DataFrame:
    """Towns the mentors of each (province, island) unit would live in (as ``_mentors``)."""
    found = []
    for province_code, island_id, k, here, candidates in _unit_candidates(people, units):
        chosen, _ = _p_median(here, candidates, k)
        found.append(
            candidates.iloc[chosen][["latitude", "longitude"]].assign(
                province_code=province_code, island_id=island_id
            )
        )
    return pd.concat(found, ignore_index=True)


def _seats_in_unit(
    rng: np.random.Generator,
    here: pd.DataFrame,
    candidates: pd.DataFrame,
    k: int,
    province_code: str,
    island_id: int,
) -> list[_MentorSeat]:
    """``k`` mentor homes among ``candidates`` by greedy p-median on the participants.

    Each step adds the town that most reduces the total distance from participants to
    their nearest mentor town; with more mentors than towns, the busiest towns get more.
    """
    chosen, dist = _p_median(here, candidates, k)
    nearest = np.asarray(chosen)[np.argmin(dist[chosen], axis=0)]
    load = {c: int((nearest == c).sum()) for c in chosen}
    extra = k - len(chosen)
    busiest = sorted(chosen, key=lambda c: (-load[c], chosen.index(c)))
    homes = chosen + [busiest[i % len(busiest)] for i in range(extra)]
    all_sectors = here["sector"].to_numpy()
    unit_counts = pd.Series(all_sectors).value_counts()
    served_by = np.asarray(chosen)[_nearest(candidates.iloc[chosen], here)]
    seats = []
    for home in homes:
        local = pd.Series(all_sectors[served_by == home]).value_counts()
        sectors = _mentor_sectors(rng, local, unit_counts)
        row = candidates.iloc[home]
        seats.append(
            _MentorSeat(
                province_code=province_code,
                island_id=island_id,
                regency_code=str(row["regency_code"]),
                latitude=float(row["latitude"]),
                longitude=float(row["longitude"]),
                sectors=sectors,
            )
        )
    return seats


def _mentor_sectors(rng: np.random.Generator, local: pd.Series, unit: pd.Series) -> tuple[str, ...]:
    """1 to 3 sectors drawn by local demand (smoothed with the island's demand)."""
    codes = [s.value for s in Sector]
    weights = np.array(
        [float(local.get(c, 0)) + 0.25 * float(unit.get(c, 0)) / max(len(unit), 1) for c in codes]
    )
    weights = weights + 1e-3  # every sector stays possible
    n = 1 + int(rng.choice(3, p=MENTOR_SECTOR_COUNT_PROBABILITY))
    picked = weighted_pick(rng, weights, n)
    return tuple(codes[i] for i in picked)


def _excluded_mentors(
    rng: np.random.Generator, people: pd.DataFrame, mentors: Sequence[_MentorSeat]
) -> dict[int, int]:
    """A few participants who must not get one named mentor (position -> mentor index).

    Only where another mentor lives on the same island of the same province.
    """
    by_unit: dict[tuple[str, int], list[int]] = {}
    for j, seat in enumerate(mentors):
        by_unit.setdefault((seat.province_code, seat.island_id), []).append(j)
    provinces = [str(v) for v in people["province_code"]]
    islands = [int(v) for v in people["island_id"]]
    eligible = [
        pos
        for pos, key in enumerate(zip(provinces, islands, strict=True))
        if len(by_unit.get(key, [])) >= 2
    ]
    k = round(EXCLUDED_MENTOR_SHARE * len(people))
    out: dict[int, int] = {}
    for pos in sorted(rng.choice(eligible, size=min(k, len(eligible)), replace=False).tolist()):
        options = by_unit[(provinces[pos], islands[pos])]
        out[pos] = options[int(rng.integers(len(options)))]
    return out


def _names(rng: np.random.Generator, n: int) -> list[str]:
    female = rng.random(n) < 0.5
    first = np.where(
        female,
        np.array(_FEMALE, dtype=object)[rng.integers(len(_FEMALE), size=n)],
        np.array(_MALE, dtype=object)[rng.integers(len(_MALE), size=n)],
    )
    second = np.array(_SECOND, dtype=object)[rng.integers(len(_SECOND), size=n)]
    return [f"{a} {b}" for a, b in zip(first, second, strict=True)]


def _participant_frame(
    rng: np.random.Generator,
    people: pd.DataFrame,
    geography: Geography,
    excluded: Mapping[int, int],
    n_mentors: int,
) -> pd.DataFrame:
    n = len(people)
    width = max(4, len(str(n)))
    mentor_width = max(3, len(str(n_mentors)))
    province = dict(
        zip(geography.provinces["province_code"], geography.provinces["province_name"], strict=True)
    )
    regency = dict(
        zip(geography.regencies["regency_code"], geography.regencies["regency_name"], strict=True)
    )
    frame = pd.DataFrame(
        {
            "participant_id": [f"P{i + 1:0{width}d}" for i in range(n)],
            "name": _names(rng, n),
            "latitude": [f"{v:.5f}" for v in people["latitude"]],
            "longitude": [f"{v:.5f}" for v in people["longitude"]],
            "province": [province[c] for c in people["province_code"]],
            "regency": [regency[c] for c in people["regency_code"]],
            "village": people["village"].to_numpy(),
            "sector": people["sector"].to_numpy(),
            "tech_literacy": people["tech_literacy"].to_numpy(),
            "internet": people["internet"].to_numpy(),
            "income_role": people["income_role"].to_numpy(),
            "need_level": people["need_level"].to_numpy(),
            "sessions_per_month": "",
            "program_months": "",
            "current_mentor_id": "",
            "pinned_mentor_id": "",
            "excluded_mentor_ids": [
                _mentor_id(excluded[i], mentor_width) if i in excluded else "" for i in range(n)
            ],
        },
        dtype=object,
    )
    return frame[list(SAMPLE_PARTICIPANT_COLUMNS)]


def _mentor_id(index: int, width: int) -> str:
    return f"M{index + 1:0{width}d}"


def _mentor_frame(
    rng: np.random.Generator, seats: Sequence[_MentorSeat], geography: Geography
) -> pd.DataFrame:
    m = len(seats)
    width = max(3, len(str(m)))
    province = dict(
        zip(geography.provinces["province_code"], geography.provinces["province_name"], strict=True)
    )
    start = ProgrammeConfig().start_date
    window_days = (add_months(start, ProgrammeConfig().months) - start).days
    transport = rng.choice(
        list(MENTOR_TRANSPORT_PROBABILITY), size=m, p=list(MENTOR_TRANSPORT_PROBABILITY.values())
    )
    mon_sat = rng.random(m) < MENTOR_MON_SAT_PROBABILITY
    certified = rng.random(m) < MENTOR_CERTIFIED_PROBABILITY
    away = rng.random(m) < MENTOR_UNAVAILABLE_PROBABILITY
    away_start = rng.integers(0, max(window_days - 10, 1), size=m)
    away_days = rng.integers(3, 11, size=m)
    unavailable = [
        f"{start + dt.timedelta(days=int(a))}..{start + dt.timedelta(days=int(a + d - 1))}"
        if flag
        else ""
        for flag, a, d in zip(away, away_start, away_days, strict=True)
    ]
    frame = pd.DataFrame(
        {
            "mentor_id": [_mentor_id(j, width) for j in range(m)],
            "name": _names(rng, m),
            "latitude": [f"{s.latitude:.5f}" for s in seats],
            "longitude": [f"{s.longitude:.5f}" for s in seats],
            "province": [province[s.province_code] for s in seats],
            "sectors": [";".join(s.sectors) for s in seats],
            "certified": np.where(certified, "yes", "no"),
            "max_caseload": "",
            "hours_per_month": "",
            "transport": transport,
            "working_days": np.where(mon_sat, "Mon-Sat", "Mon-Fri"),
            "unavailable": unavailable,
        },
        dtype=object,
    )
    return frame[list(SAMPLE_MENTOR_COLUMNS)]


def _on_islands_without_mentor(people: pd.DataFrame, seats: Sequence[_MentorSeat]) -> int:
    served = {(s.province_code, s.island_id) for s in seats}
    keys = zip(people["province_code"], people["island_id"], strict=True)
    return sum((prov, int(isl)) not in served for prov, isl in keys)
