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
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from tkm_assign.messages import Message, render

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


@dataclass(frozen=True)
class PlanTables:
    """Everything a plan's outputs are written from.

    ``assignment_summary`` and ``schedule_summary`` are the JSON-ready dictionaries written
    to ``summary.json``; the schedule parts are ``None`` when only an assignment was made.
    """

    assignments: pd.DataFrame
    assignment_summary: dict[str, Any]
    schedule: pd.DataFrame | None = None
    routes: pd.DataFrame | None = None
    workload: pd.DataFrame | None = None
    shortfalls: pd.DataFrame | None = None
    schedule_summary: dict[str, Any] | None = None
    extra: dict[str, Any] = field(default_factory=dict)
