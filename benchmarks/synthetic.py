"""Synthetic national instances for the assignment benchmarks.

Participants are villages drawn by regency population (``data/places``), mentors district
towns drawn in proportion to each province's participants; candidates are the k nearest
mentors of the same province by haversine travel within ``travel.max_travel_min``. All of
it sits in :func:`build_instance` so that it can be swapped for the real sample generator
and candidate search.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.neighbors import BallTree

from tkm_assign.config import PROJECT_ROOT, Config
from tkm_assign.geo.regions import EARTH_RADIUS_KM
from tkm_assign.model import (
    Candidates,
    Location,
    Mentor,
    NeedLevel,
    Participant,
    Problem,
    Sector,
    TechLiteracy,
)

PLACES = PROJECT_ROOT / "data" / "places"
SECTOR_SHARES = {
    Sector.PERTANIAN_PETERNAKAN: 0.3606,
    Sector.PERDAGANGAN_JASA: 0.32,
    Sector.INDUSTRI_BOGA: 0.211,
    Sector.INDUSTRI_KREATIF: 0.078,
    Sector.PERIKANAN_KELAUTAN: 0.030,
}
LITERACY_SHARES = {
    TechLiteracy.PROFICIENT: 0.43,
    TechLiteracy.ADEQUATE: 0.31,
    TechLiteracy.LOW: 0.26,
}
NEED_SHARES = {NeedLevel.LOW: 0.3, NeedLevel.MEDIUM: 0.5, NeedLevel.HIGH: 0.2}


def _pick(rng: np.random.Generator, shares: dict, size: int) -> list:  # type: ignore[type-arg]
    keys = list(shares)
    p = np.array([shares[k] for k in keys])
    return [keys[i] for i in rng.choice(len(keys), size=size, p=p / p.sum())]


def build_instance(
    n_participants: int, n_mentors: int, seed: int = 1, config: Config | None = None
) -> tuple[Problem, Candidates]:
    """A national instance of the given size and its same-province k-nearest candidates."""
    config = config or Config.load()
    rng = np.random.default_rng(seed)
    regencies = pd.read_csv(PLACES / "regencies.csv.gz", dtype={"id": str, "province_id": str})
    villages = pd.read_csv(PLACES / "villages.csv.gz", dtype={"id": str})
    districts = pd.read_csv(PLACES / "districts.csv.gz", dtype={"id": str, "regency_id": str})
    villages["regency"] = villages["id"].str[:4]
    population = regencies.set_index("id")["population"].astype(float)
    per_regency = villages.groupby("regency")["id"].transform("size")
    weight = villages["regency"].map(population).fillna(0.0).to_numpy() / per_regency.to_numpy()
    chosen = villages.iloc[rng.choice(len(villages), size=n_participants, p=weight / weight.sum())]
    jitter = rng.normal(0.0, 0.01, size=(n_participants, 2))
    p_lat = chosen["latitude"].to_numpy() + jitter[:, 0]
    p_lon = chosen["longitude"].to_numpy() + jitter[:, 1]
    p_prov = chosen["id"].str[:2].to_numpy()
    p_reg = chosen["regency"].to_numpy()

    # Mentors per province in proportion to participants (at least one where any live).
    provinces, counts = np.unique(p_prov, return_counts=True)
    quota = np.maximum(1, np.floor(counts / counts.sum() * n_mentors)).astype(int)
    while quota.sum() < n_mentors:
        quota[int(np.argmax(counts / quota))] += 1
    districts["province"] = districts["regency_id"].str[:2]
    districts["population"] = districts["regency_id"].map(population).fillna(1.0)
    m_rows = []
    for province, q in zip(provinces, quota, strict=True):
        towns = districts[districts["province"] == province]
        w = (
            towns["population"].to_numpy()
            / towns.groupby("regency_id")["id"].transform("size").to_numpy()
        )
        m_rows.append(towns.iloc[rng.choice(len(towns), size=int(q), p=w / w.sum())])
    towns = pd.concat(m_rows, ignore_index=True)

    sectors = _pick(rng, SECTOR_SHARES, n_participants)
    literacy = _pick(rng, LITERACY_SHARES, n_participants)
    need = _pick(rng, NEED_SHARES, n_participants)
    internet = rng.random(n_participants) < 0.85
    participants = tuple(
        Participant(
            participant_id=f"P{i + 1:06d}",
            name="",
            location=Location(float(p_lat[i]), float(p_lon[i]), str(p_prov[i]), str(p_reg[i]), 0),
            sector=sectors[i],
            tech_literacy=literacy[i],
            internet=bool(internet[i]),
            need_level=need[i],
        )
        for i in range(n_participants)
    )
    first = _pick(rng, SECTOR_SHARES, len(towns))
    second = _pick(rng, SECTOR_SHARES, len(towns))
    two = rng.random(len(towns)) < 0.4
    mentors = tuple(
        Mentor(
            mentor_id=f"M{j + 1:05d}",
            name="",
            location=Location(
                float(row.latitude), float(row.longitude), str(row.province), str(row.regency_id), 0
            ),
            sectors=frozenset({first[j], second[j]} if two[j] else {first[j]}),
        )
        for j, row in enumerate(towns.itertuples())
    )
    problem = Problem(participants, mentors, config)
    return problem, nearest_candidates(problem)


def nearest_candidates(problem: Problem) -> Candidates:
    """The k nearest same-province mentors of every participant within the travel limit."""
    config = problem.config
    k = config.travel.k_nearest
    speed = config.travel.speed_kph["motorcycle"]
    p_prov = np.array([p.location.province_code for p in problem.participants])
    m_prov = np.array([m.location.province_code for m in problem.mentors])
    p_rad = np.radians(problem.participant_lat_lon)
    m_rad = np.radians(problem.mentor_lat_lon)
    parts = []
    reasons: dict[int, str] = {}
    for province in np.unique(p_prov):
        pi = np.flatnonzero(p_prov == province)
        mj = np.flatnonzero(m_prov == province)
        if mj.size == 0:
            reasons.update({int(i): "no mentor in the province" for i in pi})
            continue
        tree = BallTree(m_rad[mj], metric="haversine")
        dist, idx = tree.query(p_rad[pi], k=min(k, mj.size))
        km = dist * EARTH_RADIUS_KM * config.travel.circuity
        minutes = np.rint(km / speed * 60.0).astype(np.int64)
        rows = np.repeat(pi, idx.shape[1])
        parts.append(
            np.column_stack([rows, mj[idx].ravel(), minutes.ravel(), np.rint(km * 1000).ravel()])
        )
    table = np.concatenate(parts).astype(np.int64) if parts else np.zeros((0, 4), np.int64)
    table = table[table[:, 2] <= config.travel.max_travel_min]
    table = table[np.lexsort((table[:, 1], table[:, 2], table[:, 0]))]
    have = np.zeros(len(problem.participants), dtype=bool)
    have[table[:, 0]] = True
    for i in np.flatnonzero(~have):
        reasons.setdefault(int(i), f"no mentor within {config.travel.max_travel_min} min")
    return Candidates(
        participant_idx=table[:, 0].astype(np.int32),
        mentor_idx=table[:, 1].astype(np.int32),
        travel_min=table[:, 2].astype(np.int32),
        distance_m=table[:, 3].astype(np.int32),
        no_candidate_reason=reasons,
    )
