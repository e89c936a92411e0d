"""The audited plan as :class:`~tkm_assign.report.tables.PlanTables`.

A plan typed by hand has no solver behind it; these functions give it the same tables a
solved plan has (travel from the travel model, day routes in start-time order, workload per
mentor and month, shortfalls against the targets), so the same workbook, report and
balance measures describe both.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np
import pandas as pd

from tkm_assign import rules
from tkm_assign.audit.checks import month_minutes
from tkm_assign.audit.facts import PlanFacts
from tkm_assign.geo.regions import load_geography
from tkm_assign.geo.travel import UNREACHABLE_MIN
from tkm_assign.model import Mode
from tkm_assign.report.figures import province_names
from tkm_assign.report.tables import (
    ASSIGNMENT_COLUMNS,
    ROUTE_COLUMNS,
    SCHEDULE_COLUMNS,
    SHORTFALL_COLUMNS,
    WORKLOAD_COLUMNS,
    PlanTables,
)


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def assignments_table(facts: PlanFacts) -> pd.DataFrame:
    names = province_names(load_geography())
    rows: list[tuple[Any, ...]] = []
    for p in facts.problem.participants:
        pid = p.participant_id
        mid = facts.plan.mentor_of[pid]
        province = names.get(p.location.province_code, p.location.province_code)
        if mid is None:
            reason = "not listed in the plan" if pid in facts.plan.not_listed else "no mentor given"
            rows.append(
                (pid, "", "unassigned", reason, province, p.sector.value, False, None, None, None)
            )
            continue
        minutes = facts.travel_min[pid]
        reachable = minutes < UNREACHABLE_MIN
        rows.append(
            (
                pid,
                mid,
                "assigned",
                "",
                province,
                p.sector.value,
                p.sector in facts.mentors[mid].sectors,
                minutes if reachable else None,
                round(facts.distance_m[pid] / 1000.0, 1) if reachable else None,
                round(facts.estimated_load_min(pid) / 60.0, 2),
            )
        )
    return pd.DataFrame(rows, columns=list(ASSIGNMENT_COLUMNS))


def schedule_table(facts: PlanFacts) -> pd.DataFrame:
    rows = []
    for s in sorted(facts.sessions, key=lambda s: (s.mentor_id, s.date, s.start_min, s.row)):
        before = facts.travel_before.get(s.session_id, 0) if s.mode == Mode.ONSITE else 0
        rows.append(
            (
                s.session_id,
                s.mentor_id,
                s.participant_id,
                s.date.isoformat(),
                _hhmm(s.start_min),
                _hhmm(s.end_min),
                s.mode.value,
                facts.month_of(s.date),
                before if before < UNREACHABLE_MIN else None,
            )
        )
    return pd.DataFrame(rows, columns=list(SCHEDULE_COLUMNS))


def routes_table(facts: PlanFacts) -> pd.DataFrame:
    rows = []
    for route in facts.routes:
        ok = route.reachable
        rows.append(
            (
                route.mentor_id,
                route.date.isoformat(),
                _hhmm(max(route.depart_min, 0)) if ok else "",
                _hhmm(min(route.return_min, 24 * 60)) if ok else "",
                ";".join(v.participant_id for v in route.visits),
                route.travel_min if ok else None,
                round(route.distance_m / 1000.0, 1) if ok else None,
            )
        )
    return pd.DataFrame(rows, columns=list(ROUTE_COLUMNS))


def workload_table(facts: PlanFacts) -> pd.DataFrame:
    """Per mentor with participants or sessions and per month of their programmes."""
    config = facts.config
    used = month_minutes(facts)
    counts: Counter[tuple[str, int, str]] = Counter()
    for s in facts.sessions:
        counts[(s.mentor_id, facts.month_of(s.date), s.mode.value)] += 1
    last_session_month: dict[str, int] = {}
    for who, month in used:
        last_session_month[who] = max(month, last_session_month.get(who, 0))
    rows = []
    for mentor in facts.problem.mentors:
        mid = mentor.mentor_id
        pids = facts.caseload[mid]
        lengths = [rules.programme_months(facts.people[p], config) for p in pids]
        last = max([*lengths, last_session_month.get(mid, 0), 0])
        if not last:
            continue
        available = rules.mentor_month_minutes(mentor, config)
        for month in range(1, last + 1):
            session_min, travel_min = used.get((mid, month), (0, 0))
            onsite = counts[(mid, month, "onsite")]
            online = counts[(mid, month, "online")]
            have = available[month - 1] if month <= len(available) else 0
            total = session_min + travel_min
            rows.append(
                (
                    mid,
                    month,
                    sum(length >= month for length in lengths),
                    onsite + online,
                    onsite,
                    online,
                    round(session_min / 60.0, 2),
                    round(travel_min / 60.0, 2),
                    round(total / 60.0, 2),
                    round(have / 60.0, 2),
                    round(total / have, 4) if have else np.nan,
                )
            )
    return pd.DataFrame(rows, columns=list(WORKLOAD_COLUMNS))


def shortfalls_table(facts: PlanFacts) -> pd.DataFrame:
    """Per assigned participant and programme month below its target or onsite minimum."""
    config = facts.config
    rows = []
    for pid, mid in facts.plan.mentor_of.items():
        if mid is None:
            continue
        person = facts.people[pid]
        target = rules.session_target(person, config)
        onsite_need = min(config.onsite.min_per_month, target)
        planned: Counter[int] = Counter()
        onsite: Counter[int] = Counter()
        for s in facts.sessions_by_participant.get(pid, []):
            month = facts.month_of(s.date)
            planned[month] += 1
            onsite[month] += s.mode == Mode.ONSITE
        for month in range(1, rules.programme_months(person, config) + 1):
            if planned[month] >= target and onsite[month] >= onsite_need:
                continue
            parts = []
            if planned[month] < target:
                parts.append(f"the plan has {planned[month]} of {target} sessions")
            if onsite[month] < onsite_need:
                parts.append(f"{onsite[month]} of {onsite_need} onsite")
            rows.append(
                (
                    pid,
                    mid,
                    month,
                    planned[month],
                    target,
                    onsite[month],
                    onsite_need,
                    "; ".join(parts),
                )
            )
    return pd.DataFrame(rows, columns=list(SHORTFALL_COLUMNS))


def assignment_summary(facts: PlanFacts, assignments: pd.DataFrame) -> dict[str, Any]:
    assigned = assignments[assignments["status"] == "assigned"]
    caseload = [len(v) for v in facts.caseload.values()]
    travel = pd.to_numeric(assigned["travel_min"], errors="coerce").dropna()
    return {
        "engine": "audited plan",
        "assigned": len(assigned),
        "unassigned": len(assignments) - len(assigned),
        "sector_match_rate": float(assigned["sector_match"].mean()) if len(assigned) else None,
        "mean_travel_min": float(travel.mean()) if len(travel) else None,
        "caseload": {
            "min": min(caseload, default=0),
            "mean": float(np.mean(caseload)) if caseload else 0.0,
            "max": max(caseload, default=0),
        },
        "config": facts.config.to_dict(),
    }


def plan_tables(facts: PlanFacts) -> PlanTables:
    """Every table of the audited plan; schedule parts only when the plan has sessions."""
    assignments = assignments_table(facts)
    summary = assignment_summary(facts, assignments)
    if facts.plan.sessions is None:
        return PlanTables(assignments=assignments, assignment_summary=summary)
    return PlanTables(
        assignments=assignments,
        assignment_summary=summary,
        schedule=schedule_table(facts),
        routes=routes_table(facts),
        workload=workload_table(facts),
        shortfalls=shortfalls_table(facts),
    )
