"""Small inputs held in memory: the application layer is tested without touching files."""

from __future__ import annotations

import io

import openpyxl
import pytest

from tkm_assign import app
from tkm_assign.config import Config
from tkm_assign.model import Problem

PARTICIPANTS_CSV = """participant_id,nama,latitude,longitude,sektor,need_level,catatan
P1,Siti,-6.9175,107.6191,industri_boga,high,a
P2,Budi,-6.8722,107.5425,industri_boga,medium,b
P3,Dewi,-7.2167,107.9000,perdagangan_jasa,low,c
P4,Agus,-6.8586,107.9164,industri_kreatif,medium,d
P5,Made,-8.6705,115.2126,industri_kreatif,medium,e
P6,Ketut,-8.6500,115.2200,industri_boga,high,f
"""
MENTOR_ROWS = [
    ("mentor_id", "name", "latitude", "longitude", "sectors", "max_caseload"),
    ("M1", "Hendra", -6.9147, 107.6098, "industri_boga;perdagangan_jasa", 20),
    ("M2", "Wayan", -8.65, 115.2167, "industri_kreatif;industri_boga", 20),
    ("M3", "Rina", -6.9000, 107.6500, "industri_kreatif", 20),
]
# Quick and independent of any cache: straight-line travel, short solver limits.
FAST = [
    'travel.model="haversine"',
    'travel.cache_dir=""',
    "assign.time_limit_s=2",
    "schedule.time_limit_s=0.5",
    "schedule.workers=1",
    "capacity.scenario_workers=1",
]


def xlsx_bytes(rows: list[tuple[object, ...]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture(scope="session")
def fast_config() -> Config:
    return Config.load(overrides=FAST)


@pytest.fixture(scope="session")
def uploads() -> tuple[app.Upload, app.Upload]:
    return (
        app.Upload("peserta.csv", PARTICIPANTS_CSV.encode("utf-8")),
        app.Upload("C:\\Users\\koordinator\\pendamping.xlsx", xlsx_bytes(MENTOR_ROWS)),
    )


@pytest.fixture(scope="session")
def small_problem(uploads: tuple[app.Upload, app.Upload], fast_config: Config) -> Problem:
    return app.validate(app.read_inputs(*uploads), fast_config).problem


@pytest.fixture(scope="session")
def small_plan(small_problem: Problem) -> app.PlanResult:
    return app.plan(small_problem)
