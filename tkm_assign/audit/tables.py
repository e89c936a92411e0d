"""The audited plan as :class:`~tkm_assign.report.tables.PlanTables`.

A plan typed by hand has no solver behind it; :func:`hand_schedule` gives it the
:class:`~tkm_assign.model.Schedule` a solved plan has (travel from the travel model, day
routes in start-time order, shortfalls against the planner's targets), and the plan's own
table functions (:func:`tkm_assign.report.schedule.schedule_tables`) write it, so the same
files, workbook, report and balance measures describe both.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np
import pandas as pd

from tkm_assign import rules
from tkm_assign.audit.facts import PlanFacts
from tkm_assign.geo.regions import load_geography
from tkm_assign.messages import Message, joined
from tkm_assign.model import UNREACHABLE_MIN, Mode, Schedule, Session, Shortfall
from tkm_assign.report.figures import province_names
from tkm_assign.report.schedule import schedule_tables
from tkm_assign.report.tables import ASSIGNMENT_COLUMNS, PlanTables


def assignments_table(facts: PlanFacts) -> pd.DataFrame:
    names = province_names(load_geography())
    rows: list[tuple[Any, ...]] = []
    for p in facts.problem.participants:
        pid = p.participant_id
        mid = facts.plan.mentor_of[pid]
        province = names.get(p.location.province_code, p.location.province_code)
        if mid is None:
            reason = (
                Message.of("reason.not_listed_in_plan")
                if pid in facts.plan.not_listed
                else Message.of("reason.no_mentor_given")
            )
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


def hand_schedule(facts: PlanFacts) -> Schedule:
    """The audited plan's sessions, day routes and shortfalls as a
    :class:`~tkm_assign.model.Schedule`, the shape a solved plan has.

    Sessions in mentor, date and start order with the month they fall in and the ride just
    before each onsite visit; routes as the audit rode them (a leg with no way at all makes
    the route's travel :data:`~tkm_assign.model.UNREACHABLE_MIN` or more); shortfalls by
    :func:`shortfalls` (the planner's definition).
    """
    sessions = tuple(
        Session(
            session_id=s.session_id,
            mentor_id=s.mentor_id,
            participant_id=s.participant_id,
            date=s.date,
            start_min=s.start_min,
            end_min=s.end_min,
            mode=s.mode,
            month=facts.month_of(s.date),
            travel_min_before=facts.travel_before.get(s.session_id, 0)
            if s.mode == Mode.ONSITE
            else 0,
        )
        for s in sorted(facts.sessions, key=lambda s: (s.mentor_id, s.date, s.start_min, s.row))
    )
    routes = tuple(r.route() for r in facts.routes)
    return Schedule(
        sessions, routes, shortfalls(facts), facts.month_starts, 0.0, facts.config.solver.seed
    )


def shortfalls(facts: PlanFacts) -> tuple[Shortfall, ...]:
    """Per assigned participant and programme month: sessions below the target
    (:func:`rules.session_target`) or onsite visits below the month's requirement
    (:func:`rules.onsite_required`) -- what a solved plan's shortfalls measure."""
    config = facts.config
    out = []
    for pid, mid in facts.plan.mentor_of.items():
        if mid is None:
            continue
        person = facts.people[pid]
        target = rules.session_target(person, config)
        onsite_need = rules.onsite_required(person, config)
        planned: Counter[int] = Counter()
        onsite: Counter[int] = Counter()
        for s in facts.sessions_by_participant.get(pid, []):
            month = facts.month_of(s.date)
            planned[month] += 1
            onsite[month] += s.mode == Mode.ONSITE
        for month in range(1, rules.programme_months(person, config) + 1):
            need = onsite_need[month - 1]
            if planned[month] >= target and onsite[month] >= need:
                continue
            parts = []
            if planned[month] < target:
                parts.append(
                    Message.of("reason.plan_sessions", planned=planned[month], target=target)
                )
            if onsite[month] < need:
                parts.append(Message.of("reason.plan_onsite", onsite=onsite[month], need=need))
            out.append(
                Shortfall(
                    pid, mid, month, planned[month], target, onsite[month], need, joined(parts)
                )
            )
    return tuple(out)


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
    plan = hand_schedule(facts)
    sessions, routes, workload, short = schedule_tables(facts.problem, facts.plan, plan)
    return PlanTables(
        assignments=assignments,
        assignment_summary=summary,
        schedule=sessions,
        routes=routes,
        workload=workload,
        shortfalls=short,
        plan=plan,
    )
