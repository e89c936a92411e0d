"""Schedule results as tables (``schedule.csv``, ``routes.csv``, ``mentor_workload.csv``,
shortfalls) and the schedule part of ``summary.json``.

The one implementation of these tables: a solved plan and an audited hand plan (whose
sessions and day routes the audit turns into the same :class:`~tkm_assign.model.Schedule`)
are written by the same functions, so their files mean the same thing. Columns are exactly
those of :mod:`tkm_assign.report.tables`. Times are ``HH:MM``, dates ``YYYY-MM-DD``,
distances in km with one decimal, hours with two decimals, utilisation as a fraction of the
hours available. Travel with no way at all (an audited visit across the sea) is left empty.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

import numpy as np
import pandas as pd

from tkm_assign import rules
from tkm_assign.model import Mode, Problem, Route, Schedule
from tkm_assign.report.tables import (
    ROUTE_COLUMNS,
    SCHEDULE_COLUMNS,
    SHORTFALL_COLUMNS,
    WORKLOAD_COLUMNS,
)

# Sessions per participant in the first three months, as binned by the 2024 evaluation of
# TKM Lanjutan (percent of participants).
EVALUATION_2024_PERCENT = {"0-2": 31.07, "3-4": 58.90, "more_than_4": 10.03}


def hhmm(minutes: int) -> str:
    """``HH:MM`` of minutes after midnight."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def route_clock(route: Route) -> tuple[str, str]:
    """``(depart, return)`` of a day route as ``HH:MM`` within the day; both ``""`` for a
    route with no way at all."""
    if not rules.reachable(route.travel_min):
        return "", ""
    return hhmm(max(route.depart_min, 0)), hhmm(min(route.return_min, 24 * 60))


def month_of(day: dt.date, month_starts: Sequence[dt.date]) -> int:
    """Programme month (1..n) of ``day``; month k is ``[month_starts[k-1], month_starts[k])``."""
    return bisect.bisect_right(month_starts, day)


class Assigned(Protocol):
    """Who mentors whom: an :class:`~tkm_assign.model.Assignment` or an audited hand plan."""

    @property
    def mentor_of(self) -> Mapping[str, str | None]: ...


def schedule_tables(
    problem: Problem, assignment: Assigned, schedule: Schedule
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The schedule, routes, workload and shortfall tables.

    Parameters
    ----------
    problem, assignment, schedule
        The problem that was planned, its assignment (or hand plan) and the schedule.

    Returns
    -------
    tuple of DataFrame
        ``(schedule, routes, workload, shortfalls)`` with the columns of
        ``SCHEDULE_COLUMNS``, ``ROUTE_COLUMNS``, ``WORKLOAD_COLUMNS`` and
        ``SHORTFALL_COLUMNS``.
    """
    return (
        sessions_table(schedule),
        routes_table(schedule),
        workload_table(problem, assignment, schedule),
        shortfalls_table(schedule),
    )


def sessions_table(schedule: Schedule) -> pd.DataFrame:
    """``schedule.csv``: one row per session."""
    rows = [
        (
            s.session_id,
            s.mentor_id,
            s.participant_id,
            s.date.isoformat(),
            hhmm(s.start_min),
            hhmm(s.end_min),
            s.mode.value,
            s.month,
            s.travel_min_before if rules.reachable(s.travel_min_before) else pd.NA,
        )
        for s in schedule.sessions
    ]
    gaps = any(not rules.reachable(s.travel_min_before) for s in schedule.sessions)
    travel = "Int64" if gaps else "int64"
    return _frame(rows, SCHEDULE_COLUMNS, {"month": "int64", "travel_min_before": travel})


def routes_table(schedule: Schedule) -> pd.DataFrame:
    """``routes.csv``: one row per mentor-day with onsite visits."""
    rows = [
        (
            r.mentor_id,
            r.date.isoformat(),
            *route_clock(r),
            ";".join(r.stops),
            r.travel_min,
            round(r.distance_m / 1000, 1),
        )
        if rules.reachable(r.travel_min)
        else (r.mentor_id, r.date.isoformat(), *route_clock(r), ";".join(r.stops), pd.NA, np.nan)
        for r in schedule.routes
    ]
    gaps = any(not rules.reachable(r.travel_min) for r in schedule.routes)
    travel = "Int64" if gaps else "int64"
    return _frame(rows, ROUTE_COLUMNS, {"travel_min": travel, "distance_km": "float64"})


def workload_table(problem: Problem, assignment: Assigned, schedule: Schedule) -> pd.DataFrame:
    """``mentor_workload.csv``: one row per mentor (all of them) and programme month.

    ``participants`` counts those assigned whose programme includes the month;
    ``session_hours`` the sessions of the month, ``travel_hours`` the day routes (a route
    with no way at all counts none); ``available_hours`` comes from
    :func:`tkm_assign.rules.mentor_month_minutes`; ``utilisation`` is
    ``total_hours / available_hours`` (0 when nothing is available). Sessions outside the
    programme's months are not counted here.
    """
    config = problem.config
    months = len(schedule.month_starts) - 1
    active: Counter[tuple[str, int]] = Counter()
    for p in problem.participants:
        mentor_id = assignment.mentor_of.get(p.participant_id)
        if mentor_id is not None:
            first, last = rules.programme_window(p, config)
            for k in range(first, last + 1):
                active[mentor_id, k] += 1
    counts: dict[tuple[str, int], Counter[str]] = defaultdict(Counter)
    for s in schedule.sessions:
        key = (s.mentor_id, s.month)
        counts[key][s.mode.value] += 1
        counts[key]["session_min"] += s.end_min - s.start_min
    for r in schedule.routes:
        if rules.reachable(r.travel_min):
            month = month_of(r.date, schedule.month_starts)
            counts[r.mentor_id, month]["travel_min"] += r.travel_min
    rows = []
    for mentor in problem.mentors:
        available = rules.mentor_month_minutes(mentor, config, months=months)
        for k in range(1, months + 1):
            c = counts.get((mentor.mentor_id, k), Counter())
            total_min = c["session_min"] + c["travel_min"]
            rows.append(
                (
                    mentor.mentor_id,
                    k,
                    active[mentor.mentor_id, k],
                    c[Mode.ONSITE.value] + c[Mode.ONLINE.value],
                    c[Mode.ONSITE.value],
                    c[Mode.ONLINE.value],
                    round(c["session_min"] / 60, 2),
                    round(c["travel_min"] / 60, 2),
                    round(total_min / 60, 2),
                    round(available[k - 1] / 60, 2),
                    round(total_min / available[k - 1], 3) if available[k - 1] else 0.0,
                )
            )
    integers = dict.fromkeys(("month", "participants", "sessions", "onsite", "online"), "int64")
    return _frame(rows, WORKLOAD_COLUMNS, integers)


def shortfalls_table(schedule: Schedule) -> pd.DataFrame:
    """One row per participant-month below its session target or its onsite requirement
    (:func:`tkm_assign.rules.session_target`, :func:`tkm_assign.rules.onsite_required`)."""
    rows = [
        (
            s.participant_id,
            s.mentor_id or "",
            s.month,
            s.planned,
            s.required,
            s.onsite_planned,
            s.onsite_required,
            s.reason,
        )
        for s in schedule.shortfalls
    ]
    integers = dict.fromkeys(
        ("month", "planned", "required", "onsite_planned", "onsite_required"), "int64"
    )
    return _frame(rows, SHORTFALL_COLUMNS, integers)


def schedule_summary(problem: Problem, assignment: Assigned, schedule: Schedule) -> dict[str, Any]:
    """Compliance, sessions, travel and shortfalls for ``summary.json``.

    Parameters
    ----------
    problem, assignment, schedule
        The problem that was planned, its assignment and the resulting schedule.

    Returns
    -------
    dict
        JSON-ready. Shares are fractions of the participants with a mentor: meeting the
        session target in every month of their programme, the onsite minimum in every
        month, and the programme's onsite minimum (``onsite.min_per_programme``).
        ``sessions_in_first_3_months`` bins every participant (those without a mentor count
        as 0 sessions) like the 2024 evaluation did, in percent, next to its figures.
        ``shortfalls`` lists every shortfall with its reason.
    """
    config = problem.config
    per_month: Counter[tuple[str, int]] = Counter()
    onsite_month: Counter[tuple[str, int]] = Counter()
    for s in schedule.sessions:
        per_month[s.participant_id, s.month] += 1
        if s.mode is Mode.ONSITE:
            onsite_month[s.participant_id, s.month] += 1
    assigned = [
        p for p in problem.participants if assignment.mentor_of.get(p.participant_id) is not None
    ]
    target_met = onsite_monthly_met = onsite_programme_met = 0
    for p in assigned:
        pid = p.participant_id
        first, last = rules.programme_window(p, config)
        months = range(first, last + 1)
        target = rules.session_target(p, config)
        onsite = rules.onsite_required(p, config)
        target_met += all(per_month[pid, k] >= target for k in months)
        onsite_monthly_met += all(onsite_month[pid, k] >= onsite[k - first] for k in months)
        wanted = rules.onsite_minimum_per_programme(p, config)
        onsite_programme_met += sum(onsite_month[pid, k] for k in months) >= wanted
    onsite_total = sum(onsite_month.values())
    travel_min = sum(r.travel_min for r in schedule.routes)
    return {
        "programme_start": schedule.month_starts[0].isoformat(),
        "months": len(schedule.month_starts) - 1,
        "participants": len(problem.participants),
        "participants_with_mentor": len(assigned),
        "sessions": len(schedule.sessions),
        "onsite_sessions": onsite_total,
        "online_sessions": len(schedule.sessions) - onsite_total,
        "onsite_share": _share(onsite_total, len(schedule.sessions)),
        "day_routes": len(schedule.routes),
        "meeting_target_every_month_share": _share(target_met, len(assigned)),
        "meeting_onsite_every_month_share": _share(onsite_monthly_met, len(assigned)),
        "meeting_onsite_programme_share": _share(onsite_programme_met, len(assigned)),
        "sessions_in_first_3_months": _first_three_months(problem, per_month),
        "travel_hours": round(travel_min / 60, 1),
        "travel_km": round(sum(r.distance_m for r in schedule.routes) / 1000, 1),
        "travel_min_per_onsite_visit": round(travel_min / onsite_total, 1) if onsite_total else 0.0,
        "seed": schedule.seed,
        "solve_seconds": round(schedule.solve_seconds, 2),
        "shortfalls": [
            {
                "participant_id": s.participant_id,
                "mentor_id": s.mentor_id,
                "month": s.month,
                "planned": s.planned,
                "required": s.required,
                "onsite_planned": s.onsite_planned,
                "onsite_required": s.onsite_required,
                "reason": s.reason,
            }
            for s in schedule.shortfalls
        ],
    }


def _first_three_months(problem: Problem, per_month: Counter[tuple[str, int]]) -> dict[str, Any]:
    bins: Counter[str] = Counter()
    for p in problem.participants:
        sessions = sum(per_month[p.participant_id, k] for k in (1, 2, 3))
        bins["0-2" if sessions <= 2 else "3-4" if sessions <= 4 else "more_than_4"] += 1
    total = len(problem.participants)
    percent = {
        key: round(100 * bins[key] / total, 2) if total else 0.0 for key in EVALUATION_2024_PERCENT
    }
    return {"percent": percent, "evaluation_2024_percent": dict(EVALUATION_2024_PERCENT)}


def _share(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def _frame(
    rows: list[tuple[Any, ...]], columns: Sequence[str], dtypes: dict[str, str]
) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=list(columns))
    return frame.astype(dtypes) if not frame.empty else frame.astype(dtypes, errors="ignore")
