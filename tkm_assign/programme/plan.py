"""The plan a programme follows: who mentors whom and the sessions still planned.

A :class:`CurrentPlan` is what ``plan`` made (or the last ``replan``): each participant's
mentor and every planned session with its calendar identity — a ``uid`` that stays the
same across re-plans while the session is the same participant, mentor and planned slot,
and a ``sequence`` that rises each time the session changes (RFC 5545 ``SEQUENCE``), so a
calendar imported again updates events instead of duplicating them.

Built from a fresh plan in memory (:func:`plan_from_schedule`) or read back from a plan
folder's ``assignments.csv`` and ``schedule.csv`` (:func:`plan_from_tables`; a re-plan's
``schedule.csv`` carries ``status``, ``uid`` and ``sequence`` columns, and its held rows
are left out: the logbook is where held sessions come from).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from tkm_assign.errors import InputError, InputProblem
from tkm_assign.io.plan import PlannedSession, normalise_headers, read_plan, spreadsheet_rows
from tkm_assign.io.read import Table
from tkm_assign.messages import Message
from tkm_assign.model import Assignment, Mode, Problem, Schedule, Session, session_uid

__all__ = ["CurrentPlan", "PlanSession", "plan_from_schedule", "plan_from_tables"]

# The status column of a re-plan's schedule.csv.
HELD, PLANNED = "held", "planned"


@dataclass(frozen=True, slots=True)
class PlanSession:
    """One planned session with its calendar identity."""

    uid: str
    sequence: int
    session_id: str
    mentor_id: str
    participant_id: str
    date: dt.date
    start_min: int
    end_min: int
    mode: Mode

    @property
    def duration_min(self) -> int:
        return self.end_min - self.start_min

    @classmethod
    def of(cls, session: Session | PlannedSession, uid: str, sequence: int = 0) -> PlanSession:
        """``session`` (planned or read from a file) under calendar identity ``uid``."""
        return cls(
            uid=uid,
            sequence=sequence,
            session_id=session.session_id,
            mentor_id=session.mentor_id,
            participant_id=session.participant_id,
            date=session.date,
            start_min=session.start_min,
            end_min=session.end_min,
            mode=session.mode,
        )

    @property
    def slot(self) -> tuple[dt.date, int, Mode]:
        return self.date, self.start_min, self.mode

    def as_session(self, month: int) -> Session:
        """The session as the scheduler's :class:`~tkm_assign.model.Session`."""
        return Session(
            session_id=self.session_id,
            mentor_id=self.mentor_id,
            participant_id=self.participant_id,
            date=self.date,
            start_min=self.start_min,
            end_min=self.end_min,
            mode=self.mode,
            month=month,
            travel_min_before=0,
        )


@dataclass(frozen=True)
class CurrentPlan:
    """Each participant's mentor (``None``: without one) and the planned sessions.

    Attributes
    ----------
    mentor_of
        Every participant the plan knows; participants added to the file since are not in it.
    sessions
        Planned sessions (past and future), by mentor, date and time.
    source
        Where the plan was read from, for messages.
    """

    mentor_of: Mapping[str, str | None]
    sessions: tuple[PlanSession, ...]
    source: str = "plan"

    def after(self, day: dt.date) -> tuple[PlanSession, ...]:
        """Sessions planned after ``day``."""
        return tuple(s for s in self.sessions if s.date > day)

    def until(self, day: dt.date) -> tuple[PlanSession, ...]:
        """Sessions planned on or before ``day``."""
        return tuple(s for s in self.sessions if s.date <= day)


def plan_from_schedule(assignment: Assignment, schedule: Schedule) -> CurrentPlan:
    """The plan a fresh :func:`tkm_assign.app.plan` made (UIDs as its calendars write them)."""
    return CurrentPlan(
        dict(assignment.mentor_of),
        tuple(
            PlanSession.of(s, session_uid(s.session_id, s.mentor_id, s.participant_id))
            for s in schedule.sessions
        ),
    )


def plan_from_tables(problem: Problem, assignments: Table, schedule: Table) -> CurrentPlan:
    """A plan folder's ``assignments.csv`` and ``schedule.csv``, read back and checked.

    Parameters
    ----------
    problem
        The participants and mentors as they are now; every participant and mentor the plan
        names must still be in their files (mark withdrawals with ``status`` instead of
        deleting rows).
    assignments, schedule
        ``read_table(path_or_upload, "assignments")`` and ``(..., "schedule")``.

    Returns
    -------
    CurrentPlan
        Rows with ``status`` ``held`` are left out; a missing ``uid`` is the one ``plan``'s
        calendars gave the session, a missing ``sequence`` 0.

    Raises
    ------
    InputError
        Every problem of either file (unknown ids, bad dates and times, a bad ``sequence``).
    """
    found = [*assignments.problems, *schedule.problems]
    if found:
        raise InputError(found)
    hand = read_plan(
        problem,
        assignments.frame,
        schedule.frame,
        assignments_source=assignments.source,
        schedule_source=schedule.source,
    )
    extra, problems = _identity_columns(schedule)
    if problems:
        raise InputError(problems)
    sessions = []
    for s in hand.sessions or ():
        status, uid, sequence = extra.get(s.row, (PLANNED, "", 0))
        if status == HELD:
            continue
        sessions.append(
            PlanSession.of(
                s, uid or session_uid(s.session_id, s.mentor_id, s.participant_id), sequence
            )
        )
    sessions.sort(key=lambda s: (s.mentor_id, s.date, s.start_min, s.participant_id))
    listed = {pid: m for pid, m in hand.mentor_of.items() if pid not in hand.not_listed}
    return CurrentPlan(listed, tuple(sessions), schedule.source)


def _identity_columns(
    schedule: Table,
) -> tuple[dict[int, tuple[str, str, int]], list[InputProblem]]:
    """Row -> (status, uid, sequence) from a re-plan's schedule columns (when present)."""
    frame = normalise_headers(schedule.frame)
    rows = spreadsheet_rows(schedule.frame)
    out: dict[int, tuple[str, str, int]] = {}
    problems: list[InputProblem] = []

    def column(name: str) -> list[str]:
        if name not in frame.columns:
            return [""] * len(frame)
        return ["" if pd.isna(v) else str(v).strip() for v in frame[name].tolist()]

    for row, status, uid, sequence in zip(
        rows, column("status"), column("uid"), column("sequence"), strict=True
    ):
        status = status.lower() or PLANNED
        if status not in (HELD, PLANNED):
            problems.append(
                InputProblem(
                    schedule.source, row, "status", status, Message.of("input.not_held_planned")
                )
            )
        number = 0
        if sequence:
            try:
                number = int(float(sequence))
            except ValueError:
                problems.append(
                    InputProblem(
                        schedule.source, row, "sequence", sequence, Message.of("input.not_whole")
                    )
                )
        out[row] = (status, uid, number)
    return out, problems
