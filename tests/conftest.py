"""Shared fixtures: default configuration, geography, and small participant/mentor factories."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import settings

from tkm_assign.config import Config
from tkm_assign.geo.regions import Geography, load_geography
from tkm_assign.model import Location, Mentor, Participant, Sector

# CI runs the property tests on a fixed sequence of examples, so a run is repeatable; local
# runs keep exploring new examples.
settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

# Real places used across tests: (latitude, longitude).
BANDUNG = (-6.9175, 107.6191)
JAKARTA = (-6.2000, 106.8167)
BOGOR = (-6.5950, 106.8166)
GARUT = (-7.2167, 107.9000)
DENPASAR = (-8.6705, 115.2126)
MATARAM = (-8.5833, 116.1167)
MAKASSAR = (-5.1477, 119.4327)
AMBON = (-3.6954, 128.1814)


@pytest.fixture(scope="session")
def config() -> Config:
    return Config.load()


@pytest.fixture(scope="session")
def geography() -> Geography:
    return load_geography()


def locate(geography: Geography, lat: float, lon: float) -> Location:
    found = geography.locate([lat], [lon])
    return Location(
        latitude=float(found.latitude[0]),
        longitude=float(found.longitude[0]),
        province_code=str(found.province_code[0]),
        regency_code=str(found.regency_code[0]),
        island_id=int(found.island_id[0]),
        snapped_km=float(found.snapped_km[0]),
    )


@pytest.fixture(scope="session")
def make_participant(geography: Geography) -> Callable[..., Participant]:
    """``make_participant("P1", BANDUNG, sector="industri_boga", need_level=NeedLevel.HIGH)``."""

    def make(
        pid: str, where: tuple[float, float], sector: str = "industri_boga", **kw: Any
    ) -> Participant:
        return Participant(pid, "", locate(geography, *where), Sector(sector), **kw)

    return make


@pytest.fixture(scope="session")
def make_mentor(geography: Geography) -> Callable[..., Mentor]:
    """``make_mentor("M1", BANDUNG, sectors=("industri_boga",), max_caseload=2)``."""

    def make(
        mid: str,
        where: tuple[float, float],
        sectors: tuple[str, ...] = ("industri_boga",),
        **kw: Any,
    ) -> Mentor:
        return Mentor(
            mid, "", locate(geography, *where), frozenset(Sector(s) for s in sectors), **kw
        )

    return make


@pytest.fixture(scope="session")
def dask_cluster() -> Any:
    """A real Dask cluster on this machine: a scheduler and 2 single-threaded worker processes.

    Started once, only by the tests that ask for it; they reach it by its address, as a user
    reaches a cluster with ``--cluster``.
    """
    import logging

    from distributed import LocalCluster

    cluster = LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=":0",  # any free port: never "already in use"
        memory_limit=0,
        silence_logs=logging.ERROR,
    )
    try:
        yield cluster
    finally:
        cluster.close()
