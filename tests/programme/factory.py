"""Small programmes under way, built in memory: people, a plan by hand, a logbook by hand."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pandas as pd

from tkm_assign.config import Config
from tkm_assign.io import problem_from_frames
from tkm_assign.io.logbook import Logbook, LogbookEntry
from tkm_assign.model import Mode, Problem
from tkm_assign.programme.plan import CurrentPlan, PlanSession

START = dt.date(2027, 7, 5)  # a Monday; month 2 starts 2027-08-05, month 3 2027-09-05
FAST = [
    f"programme.start_date={START.isoformat()}",
    'travel.model="haversine"',
    'travel.cache_dir=""',
    "assign.time_limit_s=2",
    "schedule.time_limit_s=0.2",
    "schedule.placement_limit=0.05",
    "schedule.workers=1",
]
PARTICIPANT_HEADER = (
    "participant_id",
    "name",
    "latitude",
    "longitude",
    "sector",
    "tech_literacy",
    "need_level",
    "status",
    "status_date",
    "start_date",
)


def config(*overrides: str) -> Config:
    return Config.load(overrides=[*FAST, *overrides])


def people(
    rows: Sequence[Sequence[object]], mentors: Sequence[Sequence[object]], cfg: Config
) -> Problem:
    """Participants (``PARTICIPANT_HEADER`` columns) and mentors (id, name, lat, lon,
    sectors[, active_until])."""
    p = pd.DataFrame([list(r) for r in rows], columns=list(PARTICIPANT_HEADER))
    columns = ["mentor_id", "name", "latitude", "longitude", "sectors", "active_until"]
    m = pd.DataFrame([[*r, *[""] * (6 - len(r))] for r in mentors], columns=columns)
    return problem_from_frames(p, m, cfg)


def session(pid: str, mid: str, day: str, mode: str = "online", start: int = 480) -> PlanSession:
    length = 90 if mode == "onsite" else 60
    date = dt.date.fromisoformat(day)
    sid = f"{mid}-{pid}-{day}"
    return PlanSession(
        uid=f"{sid}@test",
        sequence=0,
        session_id=sid,
        mentor_id=mid,
        participant_id=pid,
        date=date,
        start_min=start,
        end_min=start + length,
        mode=Mode(mode),
    )


def plan_of(mentor_of: dict[str, str | None], sessions: Sequence[PlanSession]) -> CurrentPlan:
    return CurrentPlan(mentor_of, tuple(sessions), "test plan")


def logbook(rows: Sequence[tuple[str, str, str, str]], as_of: str) -> Logbook:
    """Rows (participant, mentor, date, mode) held; durations as the defaults."""
    entries = tuple(
        LogbookEntry(
            row=k + 2,
            date=dt.date.fromisoformat(day),
            participant_id=pid,
            mentor_id=mid,
            mode=Mode(mode),
            duration_min=90 if mode == "onsite" else 60,
        )
        for k, (pid, mid, day, mode) in enumerate(rows)
    )
    return Logbook(
        tuple(sorted(entries, key=lambda e: (e.date, e.row))), dt.date.fromisoformat(as_of)
    )
