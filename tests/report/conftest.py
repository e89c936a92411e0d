"""A small, realistic plan: 2 mentors, 8 participants in Jawa Barat and Bali.

M01 (Bandung) serves five participants in Jawa Barat; M02 (Denpasar) is full with two of
the three Bali participants, so P08 in Singaraja has no mentor. P03's first month misses
its target (one shortfall). Sessions, routes and workload are written by hand in the plan
tables' exact columns, as solvers produce them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from tests.conftest import BANDUNG, BOGOR, DENPASAR, GARUT
from tkm_assign import rules
from tkm_assign.config import Config
from tkm_assign.messages import Message
from tkm_assign.model import (
    Mentor,
    Mode,
    NeedLevel,
    Participant,
    Problem,
    Route,
    Schedule,
    Session,
    TechLiteracy,
)
from tkm_assign.report.tables import (
    ASSIGNMENT_COLUMNS,
    ROUTE_COLUMNS,
    SCHEDULE_COLUMNS,
    SHORTFALL_COLUMNS,
    WORKLOAD_COLUMNS,
    PlanTables,
)

CIMAHI = (-6.8722, 107.5425)
# P03's first month: Bogor is too far from Bandung for a day trip.
FAR = Message.of("reason.day_trip_too_long", travel_min=169, limit_min=300)
SUMEDANG = (-6.8586, 107.9164)
UBUD = (-8.5069, 115.2625)
SINGARAJA = (-8.1120, 115.0882)


@pytest.fixture(scope="session")
def small_problem(
    make_participant: Callable[..., Participant], make_mentor: Callable[..., Mentor]
) -> Problem:
    def person(
        pid: str, where: tuple[float, float], sector: str, name: str, village: str, **kw: Any
    ) -> Participant:
        return dataclasses.replace(
            make_participant(pid, where, sector, **kw), name=name, village=village
        )

    participants = (
        person(
            "P01", BANDUNG, "industri_boga", "Siti Rahmawati", "Cipaganti", phone="+6281234567890"
        ),
        person(
            "P02", GARUT, "perdagangan_jasa", "Budi Santoso", "Sukamaju", need_level=NeedLevel.HIGH
        ),
        person("P03", BOGOR, "industri_kreatif", "Dewi Lestari", "Babakan"),
        person("P04", CIMAHI, "industri_boga", "Agus Setiawan", "Cibabat"),
        person(
            "P05",
            SUMEDANG,
            "industri_boga",
            "Rina Marlina",
            "Kotakaler",
            tech_literacy=TechLiteracy.LOW,
        ),
        person(
            "P06",
            DENPASAR,
            "pertanian_peternakan",
            "Ni Made Suartini",
            "Sumerta",
            phone="+62361223344",
        ),
        person("P07", UBUD, "industri_kreatif", "Komang Adi Putra", "Peliatan"),
        person("P08", SINGARAJA, "pertanian_peternakan", "Ketut Wirawan", "Banjar Jawa"),
    )
    mentors = (
        dataclasses.replace(
            make_mentor("M01", BANDUNG, ("industri_boga", "perdagangan_jasa")),
            name="Asep Hidayat",
        ),
        dataclasses.replace(
            make_mentor(
                "M02", DENPASAR, ("pertanian_peternakan", "industri_kreatif"), max_caseload=2
            ),
            name="Ni Luh Putu Sari",
        ),
    )
    return Problem(participants, mentors, Config.load(), "participants.csv", "mentors.csv")


def _frame(rows: list[tuple[Any, ...]], columns: tuple[str, ...]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=list(columns))


def _minutes(clock: str) -> int:
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


def with_plan(tables: PlanTables, config: Config | None = None) -> PlanTables:
    """``tables`` with the typed schedule their hand-written rows stand for, as a solver
    gives both (writers read the typed one)."""
    config = config or Config()
    sessions = tuple(
        Session(
            r.session_id,
            r.mentor_id,
            r.participant_id,
            dt.date.fromisoformat(r.date),
            _minutes(r.start),
            _minutes(r.end),
            Mode(r.mode),
            int(r.month),
            int(r.travel_min_before),
        )
        for r in (tables.schedule if tables.schedule is not None else pd.DataFrame()).itertuples()
    )
    routes = tuple(
        Route(
            r.mentor_id,
            dt.date.fromisoformat(r.date),
            _minutes(r.depart),
            _minutes(r._4),  # "return", a keyword, is positional in itertuples
            tuple(r.stops.split(";")),
            int(r.travel_min),
            round(float(r.distance_km) * 1000),
        )
        for r in (tables.routes if tables.routes is not None else pd.DataFrame()).itertuples()
    )
    starts = rules.month_starts(config.programme.start_date, config.programme.longest_months)
    plan = Schedule(sessions, routes, (), tuple(starts), 0.0, 0)
    return dataclasses.replace(tables, plan=plan)


@pytest.fixture(scope="session")
def small_tables() -> PlanTables:
    full = Message.of(
        "reason.full.caseload",
        places=Message.of("reason.places.one_mentor", province="Bali", places=2, count=3),
    )
    assignments = _frame(
        [
            ("P01", "M01", "assigned", "", "Jawa Barat", "industri_boga", True, 4, 2.7, 4.6),
            ("P02", "M01", "assigned", "", "Jawa Barat", "perdagangan_jasa", True, 70, 46.8, 7.3),
            (
                "P03",
                "M01",
                "assigned",
                "",
                "Jawa Barat",
                "industri_kreatif",
                False,
                169,
                112.4,
                7.9,
            ),
            ("P04", "M01", "assigned", "", "Jawa Barat", "industri_boga", True, 18, 12.2, 4.9),
            ("P05", "M01", "assigned", "", "Jawa Barat", "industri_boga", True, 66, 44.0, 9.3),
            ("P06", "M02", "assigned", "", "Bali", "pertanian_peternakan", True, 3, 1.9, 4.6),
            ("P07", "M02", "assigned", "", "Bali", "industri_kreatif", True, 35, 23.3, 5.2),
            (
                "P08",
                "",
                "unassigned",
                full,
                "Bali",
                "pertanian_peternakan",
                False,
                None,
                None,
                None,
            ),
        ],
        ASSIGNMENT_COLUMNS,
    )
    schedule = _frame(
        [
            ("S0001", "M01", "P01", "2027-07-06", "08:15", "09:45", "onsite", 1, 4),
            ("S0002", "M01", "P04", "2027-07-06", "10:05", "11:35", "onsite", 1, 20),
            ("S0003", "M01", "P02", "2027-07-07", "09:00", "10:00", "online", 1, 0),
            ("S0004", "M01", "P05", "2027-07-08", "09:10", "10:40", "onsite", 1, 66),
            ("S0005", "M01", "P03", "2027-07-09", "09:00", "10:00", "online", 1, 0),
            ("S0006", "M01", "P02", "2027-07-13", "09:15", "10:45", "onsite", 1, 70),
            ("S0007", "M01", "P01", "2027-08-10", "09:00", "10:00", "online", 2, 0),
            ("S0008", "M02", "P06", "2027-07-06", "08:05", "09:35", "onsite", 1, 3),
            ("S0009", "M02", "P07", "2027-07-06", "10:10", "11:40", "onsite", 1, 35),
            ("S0010", "M02", "P07", "2027-07-14", "13:00", "14:00", "online", 1, 0),
            ("S0011", "M02", "P06", "2027-08-11", "08:05", "09:35", "onsite", 2, 3),
        ],
        SCHEDULE_COLUMNS,
    )
    routes = _frame(
        [
            ("M01", "2027-07-06", "08:11", "11:53", "P01;P04", 42, 28.1),
            ("M01", "2027-07-08", "08:04", "11:46", "P05", 132, 88.0),
            ("M01", "2027-07-13", "08:05", "11:55", "P02", 140, 93.6),
            ("M02", "2027-07-06", "08:02", "12:25", "P06;P07", 73, 48.7),
            ("M02", "2027-08-11", "08:02", "09:38", "P06", 6, 3.8),
        ],
        ROUTE_COLUMNS,
    )
    workload = _frame(
        [
            ("M01", 1, 5, 6, 4, 2, 8.0, 5.2, 13.2, 168.0, 0.0786),
            ("M01", 2, 5, 1, 0, 1, 1.0, 0.0, 1.0, 160.0, 0.0063),
            ("M02", 1, 2, 3, 2, 1, 4.0, 1.2, 5.2, 168.0, 0.0310),
            ("M02", 2, 2, 1, 1, 0, 1.5, 0.1, 1.6, 160.0, 0.0100),
        ],
        WORKLOAD_COLUMNS,
    )
    shortfalls = _frame(
        [("P03", "M01", 1, 1, 3, 0, 1, FAR)],
        SHORTFALL_COLUMNS,
    )
    return with_plan(
        PlanTables(
            assignments=assignments,
            assignment_summary={
                "status": "OPTIMAL",
                "objective": 152340.0,
                "bound": 152340.0,
                "gap": 0.0,
                "solve_seconds": 0.12,
                "assigned": 7,
                "unassigned": 1,
                "seed": 20240,
                "engine": "min-cost flow",
                "changes_from_current": 0,
            },
            schedule=schedule,
            routes=routes,
            workload=workload,
            shortfalls=shortfalls,
            schedule_summary={"onsite_share": 7 / 11, "shortfalls": [{"participant_id": "P03"}]},
        )
    )


@pytest.fixture(scope="session")
def assignment_only_tables(small_tables: PlanTables) -> PlanTables:
    """The same plan before scheduling: only assignments."""
    return PlanTables(
        assignments=small_tables.assignments,
        assignment_summary=small_tables.assignment_summary,
    )


@pytest.fixture(scope="session")
def outputs(
    tmp_path_factory: pytest.TempPathFactory, small_problem: Problem, small_tables: PlanTables
) -> Path:
    """Every output of the small plan, in Indonesian (written once for all tests)."""
    from tkm_assign.report import write_plan_outputs

    folder = tmp_path_factory.mktemp("plan_id")
    write_plan_outputs(folder, small_problem, small_tables, "id")
    return folder


@pytest.fixture(scope="session")
def outputs_en(
    tmp_path_factory: pytest.TempPathFactory, small_problem: Problem, small_tables: PlanTables
) -> Path:
    from tkm_assign.report import write_plan_outputs

    folder = tmp_path_factory.mktemp("plan_en")
    write_plan_outputs(folder, small_problem, small_tables, "en")
    return folder
