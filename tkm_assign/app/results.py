"""What the commands of the application layer return: frozen, picklable results.

Every result carries the inputs it was computed for (the validated ``problem``), its
tables and figures, and ``warnings``: the :class:`~tkm_assign.messages.Message` raised
during that call only. Nothing here holds an open file, a solver or a travel model, so a
result can cross a process boundary (worker pools, Dask) and be written later with
:func:`tkm_assign.app.write_outputs`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from tkm_assign.config import Config
from tkm_assign.io.summary import ProblemSummary
from tkm_assign.messages import Message
from tkm_assign.model import Assignment, Candidates, Problem, Schedule
from tkm_assign.report.tables import PlanTables
from tkm_assign.scenarios.capacity import CapacityResult as CapacityAnswer
from tkm_assign.scenarios.grid import Scenario, ScenarioResult

__all__ = [
    "AssignResult",
    "AuditResult",
    "CapacityResult",
    "PlanFigures",
    "PlanResult",
    "SampleResult",
    "ScenariosResult",
    "ScheduleResult",
    "ValidateResult",
    "Written",
]


@dataclass(frozen=True)
class SampleResult:
    """A synthetic national sample (``tkm-assign generate``).

    Attributes
    ----------
    participants, mentors
        The two input files as tables (the input formats' columns).
    seed
        The random seed it was drawn with.
    warnings
        Warnings of this call.
    """

    participants: pd.DataFrame
    mentors: pd.DataFrame
    seed: int
    warnings: tuple[Message, ...] = ()


@dataclass(frozen=True)
class ValidateResult:
    """A validated problem and what it holds per province.

    Attributes
    ----------
    problem
        The frozen, trusted participants and mentors (with the configuration).
    summary
        Per-province counts and island coverage (:func:`tkm_assign.io.summary.summarise`).
    warnings
        Legal but suspicious input found while validating.
    """

    problem: Problem
    summary: ProblemSummary
    warnings: tuple[Message, ...] = ()


@dataclass(frozen=True)
class PlanFigures:
    """The measures every output of a plan shows (computed once, written many times).

    Attributes
    ----------
    figures
        Key figures (:func:`tkm_assign.report.figures.key_figures`), JSON-ready.
    balance
        One row per mentor (:data:`tkm_assign.report.figures.BALANCE_COLUMNS`).
    provinces
        One row per province (:data:`tkm_assign.report.figures.PROVINCE_COLUMNS`).
    """

    figures: Mapping[str, Any]
    balance: pd.DataFrame
    provinces: pd.DataFrame


@dataclass(frozen=True)
class AssignResult:
    """The assignment alone (``tkm-assign assign``).

    Attributes
    ----------
    problem
        What was planned.
    candidates
        Eligible (participant, mentor) pairs with travel.
    assignment
        The mentor of each participant and the reason for every participant without one.
    tables
        ``tables.assignments`` and ``tables.assignment_summary`` (schedule parts ``None``).
    warnings
        Warnings of this call.
    """

    problem: Problem
    candidates: Candidates
    assignment: Assignment
    tables: PlanTables
    warnings: tuple[Message, ...] = ()

    @property
    def summary(self) -> dict[str, Any]:
        """``summary.json`` of the assignment (status, gap, served, sector match, ...)."""
        return dict(self.tables.assignment_summary)


@dataclass(frozen=True)
class ScheduleResult:
    """Sessions and day routes of a given assignment (``tkm-assign schedule``).

    Attributes
    ----------
    problem, assignment, schedule
        What was scheduled, the assignment it follows and the schedule made.
    tables
        ``schedule``, ``routes``, ``workload``, ``shortfalls`` and ``schedule_summary``.
    warnings
        Warnings of this call.
    """

    problem: Problem
    assignment: Assignment
    schedule: Schedule
    tables: PlanTables
    warnings: tuple[Message, ...] = ()

    @property
    def summary(self) -> dict[str, Any]:
        """``summary.json``: the schedule summary and the configuration."""
        summary = dict(self.tables.schedule_summary or {})
        summary["config"] = self.problem.config.to_dict()
        return summary


@dataclass(frozen=True)
class PlanResult:
    """A whole plan: assignment, schedule, tables and figures (``tkm-assign plan``).

    Attributes
    ----------
    problem, candidates, assignment, schedule
        The inputs and each step's result.
    tables
        Every table of the plan (:class:`~tkm_assign.report.tables.PlanTables`).
    measures
        Key figures, mentor balance and provinces, as every output shows them.
    warnings
        Warnings of this call.
    """

    problem: Problem
    candidates: Candidates
    assignment: Assignment
    schedule: Schedule
    tables: PlanTables
    measures: PlanFigures
    warnings: tuple[Message, ...] = ()

    @property
    def figures(self) -> Mapping[str, Any]:
        """The key figures every output shows (``measures.figures``)."""
        return self.measures.figures


@dataclass(frozen=True)
class AuditResult:
    """An audited plan (``tkm-assign audit``).

    Attributes
    ----------
    problem
        The participants and mentors whose rules applied.
    violations
        One row per finding (:data:`tkm_assign.audit.VIOLATION_COLUMNS`).
    tables
        The audited plan as plan tables.
    measures
        Key figures, mentor balance and provinces of the audited plan.
    spread
        Spread measures of caseload, hours, utilisation (and travel with a schedule).
    summary
        ``audit_summary.json`` without the figures: counts by rule, clean, overloaded and
        idle mentors, spread, inputs.
    comparison
        What the optimizer would improve (:data:`tkm_assign.audit.COMPARISON_COLUMNS`), or
        ``None`` when not asked.
    warnings
        Warnings of this call.
    """

    problem: Problem
    violations: pd.DataFrame
    tables: PlanTables
    measures: PlanFigures
    spread: Mapping[str, Mapping[str, float]]
    summary: Mapping[str, Any]
    comparison: pd.DataFrame | None = None
    warnings: tuple[Message, ...] = ()

    @property
    def clean(self) -> bool:
        """No finding of severity ``violation`` (notes allowed)."""
        return bool(self.summary["clean"])

    @property
    def balance(self) -> pd.DataFrame:
        """One row per mentor: caseload, hours, utilisation and flag (``measures.balance``)."""
        return self.measures.balance


@dataclass(frozen=True)
class CapacityResult:
    """How many mentors every participant's sessions need, and where (``tkm-assign capacity``).

    Attributes
    ----------
    answer
        The sizing (:class:`tkm_assign.scenarios.capacity.CapacityResult`): suggested mentors
        at named towns, per-region counts and the verified plan with every mentor.
    table
        ``capacity.csv``: one row per province.
    warnings
        Warnings of this call.
    """

    answer: CapacityAnswer
    table: pd.DataFrame
    warnings: tuple[Message, ...] = ()

    @property
    def problem(self) -> Problem:
        """The participants with the mentors planned (existing, then suggested)."""
        return self.answer.problem


@dataclass(frozen=True)
class Written:
    """The files :func:`tkm_assign.app.write_outputs` wrote, and the warnings of writing
    (e.g. unfinished folders of an interrupted earlier run that were removed).

    Iterates over and counts the files.

    Attributes
    ----------
    files
        Every file written, inside the output folder.
    warnings
        Warnings of writing.
    """

    files: tuple[Path, ...]
    warnings: tuple[Message, ...] = ()

    def __iter__(self) -> Iterator[Path]:
        return iter(self.files)

    def __len__(self) -> int:
        return len(self.files)


@dataclass(frozen=True)
class ScenariosResult:
    """Every scenario planned and sized (``tkm-assign scenarios``).

    Attributes
    ----------
    results
        One per scenario, in order: the scenario and its measures.
    configs
        The configuration of each scenario (parallel to ``results``).
    table
        The comparison table (one row per scenario).
    warnings
        Warnings of this call (validation warnings of each distinct reading).
    """

    results: tuple[ScenarioResult, ...]
    configs: tuple[Config, ...]
    table: pd.DataFrame
    warnings: tuple[Message, ...] = ()

    @property
    def scenarios(self) -> tuple[Scenario, ...]:
        """The scenarios, in order (parallel to ``results``)."""
        return tuple(r.scenario for r in self.results)
