"""One function per command: in-memory inputs and a configuration in, a typed result out.

See :mod:`tkm_assign.app` for the guide. Every function opens one
:func:`tkm_assign.notify.collecting` call, so the warnings in its result are those of that
call only, and reports its steps to ``progress``. None of them prints or writes a file.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager

from tkm_assign import notify, pipeline
from tkm_assign.app.results import (
    AssignResult,
    AuditResult,
    CapacityResult,
    PlanFigures,
    PlanResult,
    SampleResult,
    ScenariosResult,
    ScheduleResult,
    ValidateResult,
)
from tkm_assign.audit.core import audit_hand_plan
from tkm_assign.config import Config
from tkm_assign.errors import ConfigError, InputError, TkmError
from tkm_assign.geo.regions import load_geography
from tkm_assign.io.inputs import Inputs, read_inputs
from tkm_assign.io.plan import HandPlan, read_plan
from tkm_assign.io.read import Table
from tkm_assign.io.summary import summarise
from tkm_assign.io.validate import reading_settings
from tkm_assign.messages import Message
from tkm_assign.model import Assignment, Problem
from tkm_assign.notify import ProgressCallback
from tkm_assign.report.figures import key_figures, mentor_balance, province_table
from tkm_assign.report.tables import PlanTables
from tkm_assign.scenarios.capacity import plan_capacity
from tkm_assign.scenarios.grid import ResultCallback, Scenario, ScenarioResult, run_scenarios
from tkm_assign.scenarios.outputs import scenario_table
from tkm_assign.scenarios.tables import capacity_table

log = logging.getLogger("tkm_assign")

__all__ = [
    "assign",
    "audit",
    "capacity",
    "generate",
    "plan",
    "read_hand_plan",
    "read_inputs",
    "scenarios",
    "schedule",
    "validate",
]


@contextmanager
def _call(progress: ProgressCallback | None) -> Iterator[notify.Call]:
    """One command call: its warnings, its progress; an error keeps the warnings so far."""
    with notify.collecting(progress) as call:
        try:
            yield call
        except TkmError as error:
            error.warnings = (*error.warnings, *call.warnings)
            raise


def generate(participants: int, mentors: int, seed: int) -> SampleResult:
    """A realistic synthetic national sample in the input formats.

    Parameters
    ----------
    participants, mentors
        How many of each (at least 1).
    seed
        Random seed (0 or greater); the same seed gives the same sample.

    Returns
    -------
    SampleResult
        The participants and mentors tables, as ``generate`` writes them.

    Raises
    ------
    ConfigError
        For fewer than one participant or mentor, or a negative seed.
    """
    from tkm_assign.sample import generate_frames

    if participants < 1 or mentors < 1:
        raise ConfigError(Message.of("config.sample_size"))
    if seed < 0:
        raise ConfigError(Message.of("config.sample_seed", seed=seed))
    with _call(None) as call:
        people, mentor_frame = generate_frames(participants, mentors, seed)
    return SampleResult(people, mentor_frame, seed, call.warnings)


def validate(
    inputs: Inputs, config: Config, *, progress: ProgressCallback | None = None
) -> ValidateResult:
    """Check the input files completely and summarise them per province.

    Parameters
    ----------
    inputs
        From :func:`read_inputs`. Without a mentors file the problem has participants only
        (their mentor references are ignored with a warning).
    config
        The configuration the problem will be planned under; the settings of
        :func:`tkm_assign.io.validate.reading_settings` change how files are read.
    progress
        ``progress(step, done, total)`` callback.

    Returns
    -------
    ValidateResult
        The frozen problem, the per-province summary and the validation warnings.

    Raises
    ------
    InputError
        With every problem of both files (file, row, column, value, expected).
    """
    with _call(progress) as call:
        notify.progress("step.validate", 0, 1)
        problem = inputs.problem(config)
        summary = summarise(problem, load_geography())
        notify.progress("step.validate", 1, 1)
    return ValidateResult(problem, summary, call.warnings)


def _configured(problem: Problem, config: Config | None) -> Problem:
    """``problem`` under ``config``; refused when ``config`` would read the files otherwise."""
    if config is None or config == problem.config:
        return problem
    before, after = reading_settings(problem.config), reading_settings(config)
    changed = sorted(key for key in before if before[key] != after[key])
    if changed:
        raise ConfigError(Message.of("config.reading_changed", keys=", ".join(changed)))
    return dataclasses.replace(problem, config=config)


def assign(
    problem: Problem,
    config: Config | None = None,
    *,
    progress: ProgressCallback | None = None,
) -> AssignResult:
    """Assign mentors to participants (optimal within the time limit, every gap explained).

    Parameters
    ----------
    problem
        From :func:`validate`.
    config
        The configuration to plan under (default ``problem.config``); it may differ from the
        problem's only in settings that do not change how files are read.
    progress
        ``progress(step, done, total)`` callback.

    Returns
    -------
    AssignResult

    Raises
    ------
    ConfigError
        When ``config`` changes a setting the files were read with.
    """
    problem = _configured(problem, config)
    with _call(progress) as call:
        travel = pipeline.travel_model(problem.config)
        candidates, assignment = pipeline.run_assignment(problem, travel)
        tables = pipeline.assignment_tables(problem, candidates, assignment)
    return AssignResult(problem, candidates, assignment, tables, call.warnings)


def schedule(
    problem: Problem,
    assignment: Assignment | HandPlan,
    config: Config | None = None,
    *,
    progress: ProgressCallback | None = None,
) -> ScheduleResult:
    """Plan every session and day route of a given assignment.

    Parameters
    ----------
    problem
        From :func:`validate`.
    assignment
        An :class:`~tkm_assign.model.Assignment` (e.g. from :func:`assign`) or a hand plan
        (:func:`read_hand_plan`; its sessions, if any, are ignored).
    config
        As in :func:`assign`.
    progress
        ``progress(step, done, total)`` callback; the schedule reports each mentor done.

    Returns
    -------
    ScheduleResult

    Raises
    ------
    InputError
        When the assignment names participants or mentors the problem does not have.
    """
    problem = _configured(problem, config)
    if isinstance(assignment, HandPlan):
        assignment = pipeline.assignment_from_mentors(problem, assignment.mentor_of)
    with _call(progress) as call:
        travel = pipeline.travel_model(problem.config)
        plan, tables = pipeline.run_schedule(problem, assignment, travel)
    return ScheduleResult(problem, assignment, plan, tables, call.warnings)


def plan(
    problem: Problem,
    config: Config | None = None,
    *,
    progress: ProgressCallback | None = None,
) -> PlanResult:
    """The whole plan: assign mentors, schedule every visit, measure the result.

    Parameters
    ----------
    problem
        From :func:`validate`.
    config
        As in :func:`assign`.
    progress
        ``progress(step, done, total)`` callback: ``step.candidates``, ``step.assign``,
        ``step.schedule`` (each mentor), ``step.tables``.

    Returns
    -------
    PlanResult
        Every table and the figures the outputs show; write it with
        :func:`tkm_assign.app.write_outputs`.
    """
    problem = _configured(problem, config)
    with _call(progress) as call:
        travel = pipeline.travel_model(problem.config)
        run = pipeline.run_plan(problem, travel)
        assert run.schedule is not None
        notify.progress("step.tables", 0, 1)
        measures = plan_figures(problem, run.tables)
        notify.progress("step.tables", 1, 1)
    return PlanResult(
        problem, run.candidates, run.assignment, run.schedule, run.tables, measures, call.warnings
    )


def plan_figures(problem: Problem, tables: PlanTables) -> PlanFigures:
    """Mentor balance, per-province table and key figures of a plan's tables.

    Parameters
    ----------
    problem
        The participants and mentors planned.
    tables
        The plan's tables (a made plan's or an audited hand plan's).

    Returns
    -------
    PlanFigures
        ``balance`` (one row per mentor), ``provinces`` and ``figures`` (what every output
        shows).
    """
    balance = mentor_balance(problem, tables)
    provinces = province_table(problem, tables, balance)
    return PlanFigures(key_figures(problem, tables, balance), balance, provinces)


def read_hand_plan(problem: Problem, assignments: Table, schedule: Table | None = None) -> HandPlan:
    """A plan made by hand (e.g. edited in Excel), checked against the problem.

    Parameters
    ----------
    problem
        From :func:`validate`.
    assignments
        ``read_table(path_or_upload, "assignments")``: ``participant_id`` and ``mentor_id``
        (headers may be column names or workbook labels in either language).
    schedule
        ``read_table(path_or_upload, "schedule")``: one row per session, or ``None``.

    Returns
    -------
    HandPlan

    Raises
    ------
    InputError
        Every unknown id, bad date, bad time, unknown mode and repeated row, with file,
        row, column and value (also the rows the readers could not take).
    """
    found = [*assignments.problems, *(schedule.problems if schedule else ())]
    if found:
        raise InputError(found)
    return read_plan(
        problem,
        assignments.frame,
        schedule.frame if schedule is not None else None,
        assignments_source=assignments.source,
        schedule_source=schedule.source if schedule is not None else "schedule",
    )


def audit(
    problem: Problem,
    hand: HandPlan,
    config: Config | None = None,
    *,
    compare: bool = False,
    progress: ProgressCallback | None = None,
) -> AuditResult:
    """Check a plan against every rule and measure its workload balance.

    Parameters
    ----------
    problem
        From :func:`validate`.
    hand
        From :func:`read_hand_plan`; with sessions, the schedule rules are checked too.
    config
        As in :func:`assign`.
    compare
        Also plan with the optimizer and say what it would improve (same rules, travel
        model and measures on both sides).
    progress
        ``progress(step, done, total)`` callback.

    Returns
    -------
    AuditResult
    """
    from tkm_assign.audit.compare import compare_tables

    problem = _configured(problem, config)
    with _call(progress) as call:
        travel = pipeline.travel_model(problem.config)
        notify.progress("step.audit", 0, 1)
        found = audit_hand_plan(problem, hand, travel)
        notify.progress("step.audit", 1, 1)
        comparison = None
        if compare:
            notify.progress("step.compare", 0, 1)
            optimized = pipeline.run_plan(problem, travel, with_schedule=hand.sessions is not None)
            comparison = compare_tables(found, optimized.tables)
            notify.progress("step.compare", 1, 1)
        measures = PlanFigures(
            key_figures(problem, found.tables, found.balance),
            found.balance,
            province_table(problem, found.tables, found.balance),
        )
    return AuditResult(
        problem=problem,
        violations=found.violations,
        tables=found.tables,
        measures=measures,
        spread=found.spread,
        summary=found.summary,
        comparison=comparison,
        warnings=call.warnings,
    )


def capacity(
    problem: Problem,
    config: Config | None = None,
    *,
    existing: bool | None = None,
    progress: ProgressCallback | None = None,
) -> CapacityResult:
    """How many mentors every participant's sessions need, and where new ones should live.

    Parameters
    ----------
    problem
        From :func:`validate` (with or without mentors).
    config
        As in :func:`assign`.
    existing
        Keep the problem's mentors and add new ones (default when it has mentors), or plan
        every mentor from scratch.
    progress
        ``progress(step, done, total)`` callback; ``step.capacity_region`` per region sized.

    Returns
    -------
    CapacityResult
        The mentors needed, per region and sector, with the proposed new mentors.

    Notes
    -----
    With ``cluster.address`` set, each region's model runs as a task on that Dask cluster
    (the same answer as here).
    """
    problem = _configured(problem, config)
    keep = bool(problem.mentors) if existing is None else existing
    with _call(progress) as call:
        notify.progress("step.capacity", 0, 1)
        answer = plan_capacity(
            problem,
            pipeline.travel_model(problem.config),
            existing=keep,
            cluster=problem.config.cluster,
        )
        notify.progress("step.capacity", 1, 1)
    return CapacityResult(answer, capacity_table(answer), call.warnings)


def scenarios(
    inputs: Inputs,
    configured: Sequence[tuple[Scenario, Config]],
    *,
    workers: int | None = None,
    finished: Mapping[str, ScenarioResult] | None = None,
    on_result: ResultCallback | None = None,
    progress: ProgressCallback | None = None,
) -> ScenariosResult:
    """Plan and size every scenario; compare them.

    The files are validated once for every distinct set of
    :func:`~tkm_assign.io.validate.reading_settings` (usually once for the whole grid);
    each scenario then plans the same validated inputs under its own configuration.

    Parameters
    ----------
    inputs
        From :func:`read_inputs` (with a mentors file).
    configured
        Each scenario with its configuration (:func:`tkm_assign.scenarios.grid.expand`).
    workers
        Processes on this machine (default ``capacity.scenario_workers`` of the first
        configuration). With ``cluster.address`` set in the first configuration, the
        scenarios run on that Dask cluster instead (the same results).
    finished
        Scenarios already planned, by :func:`tkm_assign.scenarios.grid.scenario_key` (those
        an interrupted run saved): they are not planned again.
    on_result
        ``on_result(index, key, result)`` as each scenario planned here finishes (the
        command line saves it, so that ``--resume`` can continue an interrupted grid).
    progress
        ``progress(step, done, total)`` callback: ``step.scenario`` per scenario done.

    Returns
    -------
    ScenariosResult

    Raises
    ------
    TkmError
        Naming the scenario, when the files do not validate under its configuration.
    """
    from tkm_assign.scenarios.grid import validate_scenarios

    if not configured:
        raise ConfigError(Message.of("config.no_scenario"))
    with _call(progress) as call:
        problems = validate_scenarios(inputs, configured)
        first = configured[0][1]
        lanes = workers if workers is not None else first.capacity.scenario_workers
        results = run_scenarios(
            problems,
            [s for s, _ in configured],
            lanes,
            cluster=first.cluster,
            finished=finished,
            on_result=on_result,
        )
    return ScenariosResult(
        tuple(results), tuple(c for _, c in configured), scenario_table(results), call.warnings
    )
