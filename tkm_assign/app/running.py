"""Commands of the programme in motion: ``progress``, ``replan`` and ``simulate``.

Same contract as :mod:`tkm_assign.app.commands`: in-memory inputs (a validated problem, the
plan being followed as a :class:`~tkm_assign.programme.plan.CurrentPlan`, the logbook as
read or validated) and a configuration in; a frozen, picklable result with the warnings of
that call out; progress through the callback; nothing printed or written.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd

from tkm_assign import notify, pipeline, rules
from tkm_assign.app.commands import _configured
from tkm_assign.app.results import PlanFigures
from tkm_assign.config import Config
from tkm_assign.errors import ConfigError
from tkm_assign.io.inputs import Inputs
from tkm_assign.io.logbook import Logbook, validate_logbook
from tkm_assign.io.outcomes import Outcomes, validate_outcomes
from tkm_assign.io.read import Table
from tkm_assign.messages import Message
from tkm_assign.model import Problem
from tkm_assign.notify import ProgressCallback
from tkm_assign.programme.follow import follow
from tkm_assign.programme.plan import CurrentPlan, PlanSession, plan_from_tables
from tkm_assign.programme.progress import ProgressTables, measure_progress, mentor_notes
from tkm_assign.programme.replan import Replanned, replan_programme
from tkm_assign.programme.simulate import Simulated
from tkm_assign.report.tables import CalendarEvent, PlanTables

__all__ = [
    "ProgressResult",
    "ReplanResult",
    "SimulateResult",
    "changes_table",
    "checked_as_of",
    "programme_as_of",
    "progress",
    "read_current_plan",
    "read_logbook",
    "replan",
    "simulate",
]


@dataclass(frozen=True)
class ProgressResult:
    """Progress on the as-of date (``tkm-assign progress``).

    Attributes
    ----------
    problem
        Participants and mentors as they are now.
    plan
        The plan being followed.
    logbook
        The validated logbook (its ``as_of`` is the date of the report).
    tables
        Every figure (:class:`~tkm_assign.programme.progress.ProgressTables`):
        ``tables.participants`` with each status and its reasons, ``tables.at_risk``,
        ``tables.mentors``, ``tables.distribution``, ``tables.missed``, ``tables.summary``,
        ``tables.notes`` (each mentor's message).
    indicators
        The success indicators when outcomes were given
        (:class:`~tkm_assign.programme.indicators.IndicatorTables`), else ``None``.
    warnings
        Warnings of this call (the logbook's suspicious rows among them).
    """

    problem: Problem
    plan: CurrentPlan
    logbook: Logbook
    tables: ProgressTables
    indicators: Any = None
    warnings: tuple[Message, ...] = ()

    @property
    def as_of(self) -> dt.date:
        """The last day the logbook covers."""
        return self.logbook.as_of

    @property
    def summary(self) -> dict[str, Any]:
        """``progress.json``: the summary figures (and the indicators' when given)."""
        out = dict(self.tables.summary)
        if self.indicators is not None:
            out["indicators"] = self.indicators.summary
        out["inputs"] = {
            "participants": self.problem.participants_source,
            "mentors": self.problem.mentors_source,
            "plan": self.plan.source,
            "logbook": self.logbook.source,
        }
        return out


def programme_as_of(config: Config, today: dt.date | None = None) -> dt.date:
    """The as-of date by default: today, clamped to the programme.

    Parameters
    ----------
    config
        Its ``programme`` section gives the first and the last day.
    today
        The day to clamp (default the machine's date).

    Returns
    -------
    datetime.date
        ``today``, but the programme's first day at the earliest and its last day at the
        latest.
    """
    day = today or dt.date.today()
    start = config.programme.start_date
    end = rules.add_months(start, config.programme.longest_months) - dt.timedelta(days=1)
    return min(max(day, start), end)


def read_current_plan(problem: Problem, assignments: Table, schedule: Table) -> CurrentPlan:
    """The plan being followed, from a plan folder's ``assignments.csv`` and ``schedule.csv``.

    Parameters
    ----------
    problem
        The participants and mentors as they are now.
    assignments, schedule
        The two files read with ``read_table(..., "assignments")`` and
        ``read_table(..., "schedule")``.

    Returns
    -------
    CurrentPlan
        Who mentors whom and every session with its calendar identity and status.

    Raises
    ------
    InputError
        Every unknown id, bad date or time, repeated session id, bad ``sequence``.
    """
    return plan_from_tables(problem, assignments, schedule)


def read_logbook(
    problem: Problem, table: Table, *, as_of: dt.date, plan: CurrentPlan | None = None
) -> Logbook:
    """Validate a logbook read with ``read_table(path_or_upload, "logbook")``.

    Called outside a command its warnings go to :func:`warnings.warn`; passing the
    :class:`Table` to :func:`progress` or :func:`replan` instead collects them in the result.

    Parameters
    ----------
    problem
        The participants and mentors as they are now.
    table
        The logbook file as read.
    as_of
        The last day the logbook covers; rows after it are errors.
    plan
        The plan being followed: a session with a mentor other than the participant's
        is flagged (``None``: not checked).

    Returns
    -------
    Logbook
        The validated rows (sessions held, their modes and durations) up to ``as_of``.

    Raises
    ------
    InputError
        Every problem (file, row, column, value, expected).
    """
    travel = pipeline.travel_model(problem.config)
    return validate_logbook(
        table, problem, as_of=as_of, mentor_of=plan.mentor_of if plan else None, travel=travel
    )


def checked_as_of(config: Config, as_of: dt.date) -> dt.date:
    """An as-of date given explicitly: it may not lie before the programme starts.

    ``progress``, ``replan`` and ``simulate`` clamp a date after the programme's last day
    (of the latest participant's months) to that day, as :func:`programme_as_of` does, and
    say so in their warnings (``warning.as_of_after_programme``).

    Parameters
    ----------
    config
        Its ``programme.start_date`` is the earliest date allowed.
    as_of
        The date given.

    Returns
    -------
    datetime.date
        ``as_of`` unchanged.

    Raises
    ------
    ConfigError
        The date is before ``programme.start_date``.
    """
    start = config.programme.start_date
    if as_of < start:
        raise ConfigError(
            Message.of(
                "config.as_of_before_start", as_of=as_of.isoformat(), start=start.isoformat()
            )
        )
    return as_of


def _within_programme(problem: Problem, as_of: dt.date) -> dt.date:
    """A given as-of date, refused before the programme start (:func:`checked_as_of`) and
    clamped to the programme's last day (of the latest participant's months), as the
    default date is, with ``warning.as_of_after_programme`` saying so."""
    checked_as_of(problem.config, as_of)
    last = _month_starts(problem)[-1] - dt.timedelta(days=1)
    if as_of <= last:
        return as_of
    notify.warn(
        Message.of("warning.as_of_after_programme", given=as_of.isoformat(), last=last.isoformat())
    )
    return last


def _logbook(
    problem: Problem, plan: CurrentPlan, logbook: Logbook | Table, as_of: dt.date | None
) -> Logbook:
    if as_of is not None:
        as_of = _within_programme(problem, as_of)
    if isinstance(logbook, Logbook):
        if as_of is not None and as_of != logbook.as_of:
            if as_of > logbook.as_of:
                raise ConfigError(
                    Message.of(
                        "config.logbook_not_up_to",
                        checked=logbook.as_of.isoformat(),
                        as_of=as_of.isoformat(),
                    )
                )
            return logbook.until(as_of)
        return logbook
    notify.progress("step.logbook", 0, 1)
    day = as_of if as_of is not None else programme_as_of(problem.config)
    book = read_logbook(problem, logbook, as_of=day, plan=plan)
    notify.progress("step.logbook", 1, 1)
    return book


def progress(
    problem: Problem,
    plan: CurrentPlan,
    logbook: Logbook | Table,
    config: Config | None = None,
    *,
    as_of: dt.date | None = None,
    outcomes: Outcomes | Table | None = None,
    progress: ProgressCallback | None = None,
) -> ProgressResult:
    """Who is on track, behind or at risk, and why; mentors' workload as it really was.

    Parameters
    ----------
    problem
        From :func:`tkm_assign.app.validate` on the participants and mentors files as they
        are now (with the changes since the plan: ``status``, ``status_date``,
        ``start_date``, ``active_until``, new rows).
    plan
        The plan being followed (:func:`read_current_plan`, or
        :func:`tkm_assign.programme.plan.plan_from_schedule` of a fresh plan).
    logbook
        The logbook as read (``read_table(..., "logbook")``: validated in this call, its
        warnings in the result) or validated (:func:`read_logbook`).
    config
        As in :func:`tkm_assign.app.assign`.
    as_of
        The last day the logbook covers (default: the validated logbook's, else today
        clamped to the programme, :func:`programme_as_of`).
    outcomes
        The success indicators (``read_table(..., "outcomes")`` or validated
        :class:`~tkm_assign.io.outcomes.Outcomes`), reported next to the sessions received.
    progress
        ``progress(step, done, total)`` callback: ``step.logbook``, ``step.progress``.

    Returns
    -------
    ProgressResult

    Raises
    ------
    InputError
        Every problem of the logbook or the outcomes file.
    """
    from tkm_assign.programme.indicators import measure_indicators

    problem = _configured(problem, config)
    with notify.collecting(progress) as call:
        book = _logbook(problem, plan, logbook, as_of)
        notify.progress("step.progress", 0, 1)
        travel = pipeline.travel_model(problem.config)
        followed = follow(plan, book, _month_starts(problem))
        tables = measure_progress(problem, plan, followed, travel)
        indicators = None
        if outcomes is not None:
            found = (
                outcomes if isinstance(outcomes, Outcomes) else validate_outcomes(outcomes, problem)
            )
            indicators = measure_indicators(problem, plan, found, tables)
        notify.progress("step.progress", 1, 1)
    return ProgressResult(problem, plan, book, tables, indicators, call.warnings)


def _month_starts(problem: Problem) -> tuple[dt.date, ...]:
    """Month starts long enough for every participant's programme (late joiners too)."""
    config = problem.config
    horizon = max(
        [
            config.programme.longest_months,
            *(rules.programme_window(p, config)[1] for p in problem.participants),
        ]
    )
    return rules.month_starts(config.programme.start_date, horizon)


@dataclass(frozen=True)
class ReplanResult:
    """The rest of the programme planned again (``tkm-assign replan``).

    Attributes
    ----------
    problem
        The participants still to plan and every mentor (what the plan outputs are for).
    previous
        The plan that was followed.
    logbook
        The validated logbook.
    replanned
        Everything the re-plan decided (:class:`~tkm_assign.programme.replan.Replanned`):
        assignment, schedule (held and planned sessions), every change with its reason.
    tables
        The plan tables of the re-planned programme: ``schedule`` holds the sessions held
        and planned with ``status`` (held | planned), ``uid`` and ``sequence``;
        ``calendar`` the planned and cancelled sessions for the calendars.
    measures
        Key figures, mentor balance and provinces of the re-planned programme.
    progress
        Progress on the as-of date against the previous plan (who is behind and why).
    warnings
        Warnings of this call.
    """

    problem: Problem
    previous: CurrentPlan
    logbook: Logbook
    replanned: Replanned
    tables: PlanTables
    measures: PlanFigures
    progress: ProgressTables
    warnings: tuple[Message, ...] = ()

    @property
    def as_of(self) -> dt.date:
        """The last day the logbook covers; the re-plan starts the day after."""
        return self.replanned.as_of

    @property
    def plan(self) -> CurrentPlan:
        """The re-planned programme: the plan to follow next."""
        return self.replanned.as_plan()

    @property
    def changes(self) -> pd.DataFrame:
        """``changes.csv`` with the reasons as messages (render them per language)."""
        return changes_table(self.replanned)

    @property
    def summary(self) -> dict[str, Any]:
        """``replan`` of ``summary.json``: what changed and why, in counts."""
        return dict(self.replanned.summary)


CHANGE_COLUMNS = (
    "change",
    "participant_id",
    "mentor_id",
    "previous_mentor_id",
    "forced",
    "uid",
    "sequence",
    "date",
    "start",
    "mode",
    "previous_date",
    "previous_start",
    "previous_mode",
    "reason",
)


def changes_table(replanned: Replanned) -> pd.DataFrame:
    """``changes.csv`` of a re-plan: what moved, and why.

    Parameters
    ----------
    replanned
        The re-planned programme.

    Returns
    -------
    DataFrame
        One row per change (:data:`CHANGE_COLUMNS`); ``reason`` holds a :class:`Message`.
    """

    def clock(minutes: int | None) -> str:
        return "" if minutes is None else f"{minutes // 60:02d}:{minutes % 60:02d}"

    rows = [
        (
            c.kind,
            c.participant_id,
            c.mentor_id,
            c.previous_mentor_id,
            c.forced if c.kind == "reassigned" else None,
            c.uid,
            c.sequence if c.uid else None,
            c.date.isoformat() if c.date else "",
            clock(c.start_min),
            c.mode.value if c.mode else "",
            c.previous_date.isoformat() if c.previous_date else "",
            clock(c.previous_start_min),
            c.previous_mode.value if c.previous_mode else "",
            c.reason,
        )
        for c in replanned.changes
    ]
    frame = pd.DataFrame(rows, columns=list(CHANGE_COLUMNS))
    # A calendar SEQUENCE is a whole number; rows without a session have none.
    return frame.assign(sequence=frame["sequence"].astype("Int64"))


def replan(
    problem: Problem,
    plan: CurrentPlan,
    logbook: Logbook | Table,
    config: Config | None = None,
    *,
    as_of: dt.date | None = None,
    measured: ProgressResult | None = None,
    progress: ProgressCallback | None = None,
) -> ReplanResult:
    """Plan the rest of the programme again, changing as little as the rules allow.

    The sessions held are facts; planned sessions up to the as-of date that were not held
    are missed (never moved into the past). Assignments stay unless something forces a
    change; catch-up sessions go into the remaining months; every change is explained
    (:mod:`tkm_assign.programme.replan`).

    Parameters
    ----------
    problem
        From :func:`tkm_assign.app.validate` on the files as they are now (withdrawals,
        late joiners, mentors leaving or on leave, new rows).
    plan
        The plan being followed (:func:`read_current_plan`, or the ``plan`` of an earlier
        :class:`ReplanResult`).
    logbook
        As in :func:`progress`.
    config
        As in :func:`tkm_assign.app.assign`; ``replan.change_weight`` is the cost of a move.
    as_of
        The last day the logbook covers; planning starts the day after.
    measured
        :func:`progress` of the same ``problem``, ``plan`` and validated ``logbook`` (the
        same objects), whose measures the re-plan then takes instead of measuring them
        again; ignored when it was measured on anything else.
    progress
        ``progress(step, done, total)`` callback: ``step.logbook``, ``step.replan``,
        ``step.candidates``, ``step.assign``, ``step.schedule`` (each mentor),
        ``step.tables``.

    Returns
    -------
    ReplanResult
        Write it with :func:`tkm_assign.app.write_outputs`: every output of ``plan`` for
        the re-planned programme (``schedule.csv`` with ``status``; calendars that update
        the earlier ones), ``changes.csv`` and ``messages/<mentor_id>.txt``.
    """
    from tkm_assign.pipeline import assignment_tables
    from tkm_assign.report.schedule import schedule_summary, schedule_tables

    problem = _configured(problem, config)
    with notify.collecting(progress) as call:
        book = _logbook(problem, plan, logbook, as_of)
        notify.progress("step.replan", 0, 1)
        travel = pipeline.travel_model(problem.config)
        followed = follow(plan, book, _month_starts(problem))
        if (
            measured is not None
            and measured.problem is problem
            and measured.plan is plan
            and measured.logbook is book
        ):
            before = measured.tables
        else:
            before = measure_progress(problem, plan, followed, travel)
        done = replan_programme(problem, plan, followed, travel)
        notify.progress("step.replan", 1, 1)
        notify.progress("step.tables", 0, 1)
        scheduled = done.problem
        assigned = assignment_tables(scheduled, done.candidates, done.assignment)
        sessions, routes, workload, shortfalls = schedule_tables(
            scheduled, done.assignment, done.schedule
        )
        tables = PlanTables(
            assignments=assigned.assignments,
            assignment_summary={**assigned.assignment_summary, "replan": dict(done.summary)},
            schedule=_with_identity(sessions, done),
            routes=routes,
            workload=workload,
            shortfalls=shortfalls,
            schedule_summary=schedule_summary(scheduled, done.assignment, done.schedule),
            plan=done.schedule,
            calendar=_calendar_events(done),
            extra={"as_of": done.as_of.isoformat()},
        )
        from tkm_assign.app.commands import plan_figures

        measures = plan_figures(scheduled, tables)
        notes = mentor_notes(
            problem, done.sessions, before.participants, done.as_of, problem.config
        )
        before = dataclasses.replace(before, notes=notes)
        notify.progress("step.tables", 1, 1)
    return ReplanResult(scheduled, plan, book, done, tables, measures, before, call.warnings)


def _with_identity(sessions: pd.DataFrame, done: Replanned) -> pd.DataFrame:
    """``schedule.csv`` of a re-plan: ``status`` held | planned, calendar ``uid`` and
    ``sequence`` of every planned session."""
    identity = {s.session_id: s for s in done.sessions}
    ids = sessions["session_id"].astype(str)
    return sessions.assign(
        status=ids.map(done.status).fillna("planned"),
        uid=ids.map(lambda i: identity[i].uid if i in identity else ""),
        sequence=ids.map(lambda i: identity[i].sequence if i in identity else None).astype("Int64"),
    )


def _calendar_events(done: Replanned) -> tuple[CalendarEvent, ...]:
    """The calendars' events: every planned session and every cancelled one."""
    starts = done.schedule.month_starts
    travel = {s.session_id: s.travel_min_before for s in done.schedule.sessions}

    def event(s: PlanSession, cancelled: bool) -> CalendarEvent:
        session = s.as_session(rules.month_of(s.date, starts))
        if not cancelled:
            session = dataclasses.replace(session, travel_min_before=travel.get(s.session_id, 0))
        return CalendarEvent(session, s.uid, s.sequence, cancelled)

    return (
        *(event(s, False) for s in done.sessions),
        *(event(s, True) for s in done.cancelled),
    )


@dataclass(frozen=True)
class SimulateResult:
    """A simulated logbook of a plan up to a date (``tkm-assign simulate``).

    Attributes
    ----------
    problem
        The participants and mentors with the simulated changes applied (withdrawals,
        sick leave, mentors leaving), as the coordinator's files would say.
    plan
        The plan followed.
    simulated
        The logbook, the events and the counts
        (:class:`~tkm_assign.programme.simulate.Simulated`).
    participants, mentors
        The input tables (text cells) with the changes written into their change columns,
        when the inputs were given; else ``None``.
    distribution
        Shares of participants by sessions held in the first three months of their
        programme, in the 2024 evaluation's bins.
    warnings
        Warnings of this call.
    """

    problem: Problem
    plan: CurrentPlan
    simulated: Simulated
    participants: pd.DataFrame | None
    mentors: pd.DataFrame | None
    distribution: dict[str, float]
    warnings: tuple[Message, ...] = ()

    @property
    def logbook(self) -> Logbook:
        """The simulated logbook, as :func:`read_logbook` would have read it."""
        return self.simulated.logbook

    @property
    def summary(self) -> dict[str, Any]:
        """``simulation.json``: counts, events, the behaviour and the distribution."""
        return {
            **self.simulated.summary,
            "sessions_in_first_3_months": self.distribution,
            "behaviour": dataclasses.asdict(self.problem.config.simulate),
        }


def simulate(
    problem: Problem,
    plan: CurrentPlan,
    config: Config | None = None,
    *,
    as_of: dt.date,
    since: Logbook | None = None,
    inputs: Inputs | None = None,
    progress: ProgressCallback | None = None,
) -> SimulateResult:
    """What would have happened under ``plan`` up to ``as_of``: a realistic logbook.

    The behaviour (missed visits by distance and season, failed online sessions by tech
    literacy and internet, withdrawals, sick leave, mentors leaving, extra sessions for
    urgent cases) is ``config.simulate`` (:mod:`tkm_assign.programme.simulate`); the same
    plan, date, behaviour and seed give the same logbook.

    Parameters
    ----------
    problem
        From :func:`tkm_assign.app.validate`.
    plan
        The plan followed.
    config
        As in :func:`tkm_assign.app.assign`; ``[simulate]`` is the behaviour.
    as_of
        The last day simulated.
    since
        A logbook to continue (e.g. simulated up to a re-plan): kept as it is, the
        simulation goes on from the day after its ``as_of`` under ``plan``.
    inputs
        The input tables as read (:func:`tkm_assign.app.read_inputs`): the result then
        carries them with the changes written in, ready to save as the files a re-plan
        reads.
    progress
        ``progress(step, done, total)`` callback: ``step.simulate``.

    Returns
    -------
    SimulateResult
    """
    from tkm_assign.programme.simulate import (
        changed_tables,
        sessions_in_first_months,
        simulate_logbook,
    )

    problem = _configured(problem, config)
    checked_as_of(problem.config, as_of)
    with notify.collecting(progress) as call:
        as_of = _within_programme(problem, as_of)
        notify.progress("step.simulate", 0, 1)
        travel = pipeline.travel_model(problem.config)
        done = simulate_logbook(problem, plan, travel, as_of, since)
        participants = mentors = None
        if inputs is not None and inputs.participants is not None and inputs.mentors is not None:
            participants, mentors = changed_tables(
                inputs.participants.frame, inputs.mentors.frame, done.events
            )
        distribution = sessions_in_first_months(done.problem, done.logbook)
        notify.progress("step.simulate", 1, 1)
    return SimulateResult(
        done.problem, plan, done, participants, mentors, distribution, call.warnings
    )
