"""The plan as tables: the one contract between solvers and every output.

Assignment and schedule results are turned into these frames once; CSV files, the
workbook, calendars, maps, the HTML report and the audit all read the same frames. A plan
typed by hand into a spreadsheet is read back into the same shapes by the audit.

Column meanings (units in the names; times are local, dates ``YYYY-MM-DD``):

- assignments: one row per participant; ``mentor_id`` empty when unassigned; ``status``
  assigned|unassigned; ``reason`` a :class:`~tkm_assign.messages.Message` (empty text when
  assigned; writers render it in the output's language); ``province`` name;
  ``sector`` code; ``sector_match`` bool; ``travel_min`` one way, mentor home to
  participant; ``distance_km``; ``monthly_hours`` the participant's estimated monthly load.
- schedule: one row per session; ``start``/``end`` ``HH:MM``; ``mode`` onsite|online;
  ``month`` 1..n from the programme start; ``travel_min_before`` 0 online, onsite the
  travel from the previous stop or home.
- routes: one row per mentor-day with onsite visits; ``stops`` participant ids in visiting
  order joined by ``;``; ``travel_min``/``distance_km`` for the whole day, home to home.
- workload: one row per mentor and month.
- shortfalls: one row per participant and month that misses its target or onsite minimum;
  ``reason`` a :class:`~tkm_assign.messages.Message`.

The frames are what the files show. Writers that need the values themselves (dates, minutes
after midnight, modes, the stops of a day) take them from ``plan``, the typed
:class:`~tkm_assign.model.Schedule` the frames were made from, and from ``calendar``; they
never parse a cell back.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from tkm_assign.messages import Message, render
from tkm_assign.model import Schedule, Session

ASSIGNMENT_COLUMNS = (
    "participant_id",
    "mentor_id",
    "status",
    "reason",
    "province",
    "sector",
    "sector_match",
    "travel_min",
    "distance_km",
    "monthly_hours",
)
SCHEDULE_COLUMNS = (
    "session_id",
    "mentor_id",
    "participant_id",
    "date",
    "start",
    "end",
    "mode",
    "month",
    "travel_min_before",
)
ROUTE_COLUMNS = ("mentor_id", "date", "depart", "return", "stops", "travel_min", "distance_km")
WORKLOAD_COLUMNS = (
    "mentor_id",
    "month",
    "participants",
    "sessions",
    "onsite",
    "online",
    "session_hours",
    "travel_hours",
    "total_hours",
    "available_hours",
    "utilisation",
)
SHORTFALL_COLUMNS = (
    "participant_id",
    "mentor_id",
    "month",
    "planned",
    "required",
    "onsite_planned",
    "onsite_required",
    "reason",
)


def rendered_frame(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """``frame`` with every :class:`~tkm_assign.messages.Message` cell (reasons, findings)
    rendered in ``lang``: the table as a file shows it."""
    out = frame
    for column in frame.columns:
        values = frame[column]
        if values.dtype != object or not values.map(lambda v: isinstance(v, Message)).any():
            continue
        if out is frame:
            out = frame.copy()
        out[column] = values.map(lambda v: render(v, lang) if isinstance(v, Message) else v)
    return out


@dataclass(frozen=True, slots=True)
class CalendarEvent:
    """One event of a mentor's calendar: a session with its calendar identity.

    Attributes
    ----------
    session
        The session (a cancelled one as it was planned).
    uid
        Its calendar UID; ``""``: made from the session
        (:func:`tkm_assign.model.session_uid`).
    sequence
        Its revision (``SEQUENCE``), ``None`` in a first plan.
    cancelled
        Whether the event cancels an earlier one (a re-plan's dropped session).
    """

    session: Session
    uid: str = ""
    sequence: int | None = None
    cancelled: bool = False


@dataclass(frozen=True)
class PlanTables:
    """Everything a plan's outputs are written from.

    Attributes
    ----------
    assignments, schedule, routes, workload, shortfalls
        The tables (columns above); the schedule parts are ``None`` when only an
        assignment was made.
    assignment_summary, schedule_summary
        The JSON-ready dictionaries written to ``summary.json``.
    plan
        The typed sessions and day routes the schedule tables were made from.
    calendar
        The calendars' events when they are not simply the plan's sessions (a re-plan:
        the planned sessions with their identity, and the cancelled ones).
    extra
        Anything else a command keeps with its tables (a re-plan's ``as_of``).
    """

    assignments: pd.DataFrame
    assignment_summary: dict[str, Any]
    schedule: pd.DataFrame | None = None
    routes: pd.DataFrame | None = None
    workload: pd.DataFrame | None = None
    shortfalls: pd.DataFrame | None = None
    schedule_summary: dict[str, Any] | None = None
    plan: Schedule | None = None
    calendar: tuple[CalendarEvent, ...] | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def calendar_events(self, mentors: Collection[str] | None = None) -> tuple[CalendarEvent, ...]:
        """Every event of the mentors' calendars.

        Parameters
        ----------
        mentors
            Only the events of these mentor ids (default: every mentor's).

        Returns
        -------
        tuple of CalendarEvent
            ``calendar`` when given, else one event per session of ``plan`` (none without
            a schedule).
        """
        if self.calendar is not None:
            events = self.calendar
            if mentors is None:
                return events
            return tuple(e for e in events if e.session.mentor_id in mentors)
        if self.plan is None:
            return ()
        sessions = self.plan.sessions
        if mentors is not None:
            sessions = tuple(s for s in sessions if s.mentor_id in mentors)
        return tuple(CalendarEvent(s) for s in sessions)
