"""A small problem and a hand-made plan for it that keeps every rule.

Mentor M1 (Bandung) has four participants in Jawa Barat — A3 in Garut cannot be met
online (low tech literacy), A4 in Sumedang has a sector M1 does not know (a note under the
soft sector rule) — and mentor M2 (Denpasar) has B1. The plan is typed as text cells, the
way a coordinator's spreadsheet arrives: each participant meets the mentor on its own
weekday, weekly, the first session of each month onsite (every session for A3), onsite days
leaving home at 08:00.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Callable

import pandas as pd
import pytest

from tests.conftest import BANDUNG, DENPASAR, GARUT
from tkm_assign import rules
from tkm_assign.config import Config
from tkm_assign.geo.travel import HaversineTravel, Points
from tkm_assign.model import Mentor, NeedLevel, Participant, Problem, TechLiteracy

CIMAHI = (-6.8722, 107.5425)
SUMEDANG = (-6.8586, 107.9164)
JAKARTA = (-6.2000, 106.8167)

PLAN_COLUMNS = ["participant_id", "mentor_id"]
SESSION_COLUMNS = ["session_id", "mentor_id", "participant_id", "date", "start", "end", "mode"]


@pytest.fixture(scope="session")
def audit_problem(
    make_participant: Callable[..., Participant], make_mentor: Callable[..., Mentor]
) -> Problem:
    participants = (
        make_participant("A1", BANDUNG, "industri_boga"),
        make_participant("A2", CIMAHI, "industri_boga", need_level=NeedLevel.LOW),
        make_participant("A3", GARUT, "perdagangan_jasa", tech_literacy=TechLiteracy.LOW),
        make_participant("A4", SUMEDANG, "industri_kreatif"),
        make_participant("B1", DENPASAR, "industri_kreatif"),
        make_participant("J1", JAKARTA, "industri_boga"),
    )
    mentors = (
        make_mentor("M1", BANDUNG, ("industri_boga", "perdagangan_jasa")),
        make_mentor("M2", DENPASAR, ("pertanian_peternakan", "industri_kreatif")),
        make_mentor("M3", JAKARTA, ("industri_boga",)),
    )
    # Jakarta-Bandung (J1 with M1, the planted province breach) is within the travel limit.
    config = Config.load(overrides=["travel.max_travel_min=240"])
    return Problem(participants, mentors, config, "participants.csv", "mentors.csv")


@pytest.fixture(scope="session")
def clean_assignments() -> pd.DataFrame:
    pairs = [("A1", "M1"), ("A2", "M1"), ("A3", "M1"), ("A4", "M1"), ("B1", "M2"), ("J1", "M3")]
    return pd.DataFrame(pairs, columns=PLAN_COLUMNS)


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def make_clean_schedule(problem: Problem, assignments: pd.DataFrame) -> pd.DataFrame:
    """Sessions keeping every rule, as text cells (see the module docstring)."""
    config = problem.config
    travel = HaversineTravel(config.travel)
    people = {p.participant_id: p for p in problem.participants}
    mentors = {m.mentor_id: m for m in problem.mentors}
    rows = []
    for k, (pid, mid) in enumerate(
        zip(assignments["participant_id"], assignments["mentor_id"], strict=True)
    ):
        person, mentor = people[pid], mentors[mid]
        minutes, _ = travel.between(
            Points.of(
                mentor.location.latitude, mentor.location.longitude, mentor.location.island_id
            ),
            Points.of(
                person.location.latitude, person.location.longitude, person.location.island_id
            ),
            mentor.transport.value,
        )
        ride = int(math.ceil(int(minutes[0]) / 10.0) * 10)
        months = rules.programme_months(person, config)
        starts = rules.month_starts(config.programme.start_date, months)
        target = rules.session_target(person, config)
        last: dt.date | None = None
        for month in range(months):
            days = rules.working_dates(mentor, starts[month], starts[month + 1], config)
            # Each participant keeps to its own weekday (by list position).
            mine = [d for d in days if d.weekday() == k % 5]
            picked = []
            for day in mine:
                if last is None or (day - last).days >= 7:
                    picked.append(day)
                    last = day
                if len(picked) == target:
                    break
            assert len(picked) == target, (pid, month)
            for n, day in enumerate(picked):
                onsite = n == 0 or not rules.online_allowed(person, config)
                if onsite:
                    start = 8 * 60 + ride
                    end = start + config.sessions.onsite_duration_min
                else:
                    start, end = 13 * 60, 13 * 60 + config.sessions.online_duration_min
                rows.append(
                    (f"S{len(rows) + 1:03d}", mid, pid, day.isoformat(), _clock(start),
                     _clock(end), "onsite" if onsite else "online")
                )  # fmt: skip
    return pd.DataFrame(rows, columns=SESSION_COLUMNS)


@pytest.fixture(scope="session")
def clean_schedule(audit_problem: Problem, clean_assignments: pd.DataFrame) -> pd.DataFrame:
    return make_clean_schedule(audit_problem, clean_assignments)


@pytest.fixture(scope="session")
def travel(audit_problem: Problem) -> HaversineTravel:
    return HaversineTravel(audit_problem.config.travel)


def with_mentor(problem: Problem, mentor_id: str, **changes: object) -> Problem:
    mentors = tuple(
        dataclasses.replace(m, **changes) if m.mentor_id == mentor_id else m  # type: ignore[arg-type]
        for m in problem.mentors
    )
    return dataclasses.replace(problem, mentors=mentors)


def with_participant(problem: Problem, participant_id: str, **changes: object) -> Problem:
    participants = tuple(
        dataclasses.replace(p, **changes) if p.participant_id == participant_id else p  # type: ignore[arg-type]
        for p in problem.participants
    )
    return dataclasses.replace(problem, participants=participants)


def with_config(problem: Problem, *overrides: str) -> Problem:
    return dataclasses.replace(problem, config=problem.config.replace(overrides))
