"""The whole plan as plain calls: validate -> geography -> assign -> schedule -> tables.

The command line, scenario grids and capacity checks all call these functions, so every
entry point plans the same way. Nothing here reads or writes files except through the
readers and writers it calls; progress goes to the ``tkm_assign`` logger.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from tkm_assign import notify
from tkm_assign.assign import assign
from tkm_assign.config import Config, TravelConfig, to_mapping
from tkm_assign.errors import PlanWarning
from tkm_assign.geo.candidates import find_candidates
from tkm_assign.geo.models import make_travel_model
from tkm_assign.geo.regions import load_geography
from tkm_assign.geo.travel import TravelModel
from tkm_assign.io import load_problem
from tkm_assign.messages import Message
from tkm_assign.model import Assignment, Candidates, Problem, Schedule, SolveStatus
from tkm_assign.report.assignment import assignment_summary, assignment_table
from tkm_assign.report.schedule import schedule_summary, schedule_tables
from tkm_assign.report.tables import PlanTables
from tkm_assign.schedule import schedule

log = logging.getLogger("tkm_assign")


@dataclass(frozen=True)
class PlanResult:
    """Every intermediate result of one planning run, and the tables written from it."""

    problem: Problem
    travel: TravelModel
    candidates: Candidates
    assignment: Assignment
    schedule: Schedule | None
    tables: PlanTables


# A plan from this many participants starts its worker processes while it reads and
# assigns (see warm_up_worker); a smaller one may never use them.
WARM_UP_FROM_PARTICIPANTS = 500


def warm_up_worker() -> None:
    """Import in a worker process what a whole plan runs there: the mentors' planner
    (:mod:`tkm_assign.schedule.mentor` and its compiled routing core) and the output
    writers. Submitted first, it overlaps the worker's start with this process' reading
    and assignment."""
    import tkm_assign.schedule.mentor  # noqa: F401
    from tkm_assign.report import warm_up

    warm_up()


def read_problem(participants: Path, mentors: Path, config: Config) -> Problem:
    """Read and validate both input files (raises ``InputError`` listing every problem)."""
    started = time.perf_counter()
    problem = load_problem(participants, mentors, config)
    log.info(
        Message.of(
            "log.read",
            participants=len(problem.participants),
            mentors=len(problem.mentors),
            seconds=round(time.perf_counter() - started, 1),
        )
    )
    return problem


def travel_model(config: Config) -> TravelModel:
    return make_travel_model(config.travel, load_geography())


_SHARED_TRAVEL: dict[str, TravelModel] = {}
_SHARED_TRAVEL_LOCK = threading.Lock()
_SHARED_TRAVEL_KEPT = 4  # travel configurations kept per process (a road model is large)


def shared_travel_model(config: TravelConfig, given: TravelModel | None = None) -> TravelModel:
    """The travel model of ``config``, built once per process (the road graph loads once).

    Tasks of a scenario grid or a capacity search that run in one worker process (or on
    threads of one) share it. ``given``, a model of exactly this configuration, becomes the
    shared one when there is none yet, so that tasks run here use the caller's model.
    """
    key = json.dumps(to_mapping(config), sort_keys=True, default=str)
    with _SHARED_TRAVEL_LOCK:
        model = _SHARED_TRAVEL.get(key)
        if model is None:
            model = given if given is not None else make_travel_model(config, load_geography())
            if len(_SHARED_TRAVEL) >= _SHARED_TRAVEL_KEPT:
                del _SHARED_TRAVEL[next(iter(_SHARED_TRAVEL))]
            _SHARED_TRAVEL[key] = model
        return model


def day_trip_warnings(config: Config) -> list[Message]:
    """Travel limits that let the assignment pick visits no day trip can make."""
    round_trip = 2 * config.travel.max_travel_min
    day = config.work.end_min - config.work.start_min
    notes = []
    if round_trip > config.work.max_travel_min_per_day:
        notes.append(
            Message.of(
                "warning.round_trip_beyond_daily_travel",
                max_travel_min=config.travel.max_travel_min,
                round_trip_min=round_trip,
                max_travel_min_per_day=config.work.max_travel_min_per_day,
            )
        )
    if round_trip + config.sessions.onsite_duration_min > day:
        notes.append(
            Message.of(
                "warning.round_trip_beyond_working_day",
                round_trip_min=round_trip,
                visit_min=config.sessions.onsite_duration_min,
                day_min=day,
                start=config.work.start,
                end=config.work.end,
            )
        )
    return notes


def run_assignment(problem: Problem, travel: TravelModel) -> tuple[Candidates, Assignment]:
    """Candidate mentors, then the optimal assignment."""
    for note in day_trip_warnings(problem.config):
        notify.warn(note, PlanWarning)
    notify.progress("step.candidates", 0, 1)
    candidates = find_candidates(problem, travel)
    notify.progress("step.candidates", 1, 1)
    notify.progress("step.assign", 0, 1)
    assignment = assign(problem, candidates)
    notify.progress("step.assign", 1, 1)
    return candidates, assignment


def run_plan(
    problem: Problem, travel: TravelModel | None = None, with_schedule: bool = True
) -> PlanResult:
    """Assign mentors and (unless ``with_schedule`` is false) schedule every visit."""
    travel = travel or travel_model(problem.config)
    candidates, assignment = run_assignment(problem, travel)
    assigned = assignment_tables(problem, candidates, assignment)
    if not with_schedule:
        return PlanResult(problem, travel, candidates, assignment, None, assigned)
    plan, tables = run_schedule(problem, assignment, travel)
    tables = replace(
        tables, assignments=assigned.assignments, assignment_summary=assigned.assignment_summary
    )
    return PlanResult(problem, travel, candidates, assignment, plan, tables)


def assignment_tables(
    problem: Problem, candidates: Candidates, assignment: Assignment
) -> PlanTables:
    """The assignment's table and summary as plan tables (no schedule parts)."""
    return PlanTables(
        assignment_table(problem, candidates, assignment),
        assignment_summary(problem, candidates, assignment),
    )


def run_schedule(
    problem: Problem, assignment: Assignment, travel: TravelModel
) -> tuple[Schedule, PlanTables]:
    """Schedule every visit of an assignment; the tables hold the schedule parts only."""
    plan = schedule(problem, assignment, travel)
    sessions, routes, workload, shortfalls = schedule_tables(problem, assignment, plan)
    tables = PlanTables(
        assignments=pd.DataFrame(),
        assignment_summary={},
        schedule=sessions,
        routes=routes,
        workload=workload,
        shortfalls=shortfalls,
        schedule_summary=schedule_summary(problem, assignment, plan),
        plan=plan,
    )
    return plan, tables


def assignment_from_mentors(problem: Problem, mentor_of: Mapping[str, str | None]) -> Assignment:
    """An :class:`Assignment` for a given plan (e.g. an ``assignments.csv`` read back)."""
    return Assignment(
        mentor_of=dict(mentor_of),
        reasons={
            pid: Message.of("reason.not_in_given_assignment")
            for pid, m in mentor_of.items()
            if m is None
        },
        status=SolveStatus.FEASIBLE,
        objective=0.0,
        bound=0.0,
        solve_seconds=0.0,
        seed=problem.config.solver.seed,
        engine="given",
    )
