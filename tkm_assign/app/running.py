"""Commands of the programme in motion: ``progress``, ``replan`` and ``simulate``.

Same contract as :mod:`tkm_assign.app.commands`: in-memory inputs (a validated problem, the
plan being followed as a :class:`~tkm_assign.programme.plan.CurrentPlan`, the logbook as
read or validated) and a configuration in; a frozen, picklable result with the warnings of
that call out; progress through the callback; nothing printed or written.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from tkm_assign import notify, pipeline, rules
from tkm_assign.app.commands import _configured
from tkm_assign.config import Config
from tkm_assign.errors import ConfigError
from tkm_assign.io.logbook import Logbook, validate_logbook
from tkm_assign.io.outcomes import Outcomes, validate_outcomes
from tkm_assign.io.read import Table
from tkm_assign.messages import Message
from tkm_assign.model import Problem
from tkm_assign.notify import ProgressCallback
from tkm_assign.programme.follow import follow
from tkm_assign.programme.plan import CurrentPlan, plan_from_tables
from tkm_assign.programme.progress import ProgressTables, measure_progress

__all__ = [
    "ProgressResult",
    "programme_as_of",
    "progress",
    "read_current_plan",
    "read_logbook",
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
    """The as-of date by default: today, clamped to the programme (its first day at the
    earliest, its last day at the latest)."""
    day = today or dt.date.today()
    start = config.programme.start_date
    end = rules.add_months(start, config.programme.longest_months) - dt.timedelta(days=1)
    return min(max(day, start), end)


def read_current_plan(problem: Problem, assignments: Table, schedule: Table) -> CurrentPlan:
    """The plan being followed, from a plan folder's ``assignments.csv`` and
    ``schedule.csv`` read with ``read_table(..., "assignments")`` and ``(..., "schedule")``.

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

    Raises
    ------
    InputError
        Every problem (file, row, column, value, expected).
    """
    travel = pipeline.travel_model(problem.config)
    return validate_logbook(
        table, problem, as_of=as_of, mentor_of=plan.mentor_of if plan else None, travel=travel
    )


def _logbook(
    problem: Problem, plan: CurrentPlan, logbook: Logbook | Table, as_of: dt.date | None
) -> Logbook:
    if isinstance(logbook, Logbook):
        if as_of is not None and as_of != logbook.as_of:
            if as_of > logbook.as_of:
                raise ConfigError(
                    f"the logbook was checked up to {logbook.as_of.isoformat()}, not up to the "
                    f"as-of date {as_of.isoformat()}"
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
