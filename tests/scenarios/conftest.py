"""Small capacity problems at real village coordinates, planned with the haversine model.

``west_java_bali``: 30 participants in villages of Kota Bandung, Kabupaten Bandung and
Kabupaten Garut (Jawa Barat) and 10 in Denpasar and Gianyar (Bali); one existing mentor in
Bandung, none in Bali. The caseload cap is 6 so that a handful of mentors is needed and
every plan stays quick.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from tkm_assign.config import Config
from tkm_assign.geo.places import load_places
from tkm_assign.io import problem_from_frames
from tkm_assign.model import Problem

SETTINGS = (
    "travel.model=haversine",
    "travel.cache_dir=''",
    "schedule.workers=1",
    "schedule.time_limit_s=0.2",
    "caseload.max=6",
    "capacity.time_limit=0.5",
)
SECTORS = ("pertanian_peternakan", "perdagangan_jasa", "industri_boga", "industri_kreatif")
NEEDS = ("low", "medium", "high", "medium")
LITERACY = ("proficient", "adequate", "low")


def config(*overrides: str) -> Config:
    return Config().replace([*SETTINGS, *overrides])


def participants_frame(counts: dict[str, int], seed: int = 7) -> pd.DataFrame:
    """Participants at villages of the given regencies (code -> how many), input format."""
    villages = load_places().villages
    rng = np.random.default_rng(seed)
    rows = []
    counter = itertools.count(1)
    for regency, n in counts.items():
        here = villages[villages["regency_id"] == regency]
        picks = rng.choice(len(here), size=n, replace=False)
        for k in picks.tolist():
            i = next(counter)
            rows.append(
                {
                    "participant_id": f"P{i:03d}",
                    "latitude": f"{here['latitude'].iat[k]:.5f}",
                    "longitude": f"{here['longitude'].iat[k]:.5f}",
                    "village": here["name"].iat[k],
                    "sector": SECTORS[i % len(SECTORS)],
                    "need_level": NEEDS[i % len(NEEDS)],
                    "tech_literacy": LITERACY[i % len(LITERACY)],
                }
            )
    return pd.DataFrame(rows, dtype=object)


WEST_JAVA_BALI = {"3273": 10, "3204": 10, "3205": 10, "5171": 5, "5104": 5}


@pytest.fixture(scope="session")
def participants_df() -> pd.DataFrame:
    return participants_frame(WEST_JAVA_BALI)


@pytest.fixture(scope="session")
def mentors_df() -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "mentor_id": "M1",
                "name": "Hendra",
                "latitude": "-6.91470",
                "longitude": "107.60980",
                "sectors": "industri_boga;pertanian_peternakan",
            }
        ],
        dtype=object,
    )


def build(participants: pd.DataFrame, mentors: pd.DataFrame, *overrides: str) -> Problem:
    return problem_from_frames(participants, mentors, config(*overrides))
