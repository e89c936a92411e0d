"""Auditing a plan: every rule checked, workload balance measured."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from tkm_assign.audit.checks import (
    ASSIGNMENT_CHECKS,
    NOTE,
    RULES,
    SCHEDULE_CHECKS,
    VIOLATION,
    Finding,
)
from tkm_assign.audit.facts import build_facts
from tkm_assign.audit.tables import plan_tables
from tkm_assign.geo.travel import TravelModel
from tkm_assign.io.plan import HandPlan, read_plan
from tkm_assign.messages import Message
from tkm_assign.model import Problem
from tkm_assign.report.figures import balance_utilisation, mentor_balance, spread
from tkm_assign.report.tables import PlanTables

log = logging.getLogger("tkm_assign")

VIOLATION_COLUMNS = ("rule", "severity", "mentor_id", "participant_id", "date", "month", "details")


@dataclass(frozen=True)
class AuditResult:
    """What an audit found.

    Attributes
    ----------
    violations
        One row per finding, columns :data:`VIOLATION_COLUMNS`; ``severity`` is
        ``violation`` (breaks a rule) or ``note`` (allowed, worth a look).
    balance
        One row per mentor (:data:`tkm_assign.report.figures.BALANCE_COLUMNS`): caseload,
        estimated and scheduled hours, travel, utilisation and a flag (overloaded | idle).
    spread
        Spread measures (mean, std, cv, min, max, max_over_mean, gini) of ``caseload``,
        ``hours``, ``utilisation`` and, with a schedule, ``travel_hours`` over mentors.
    summary
        JSON-ready counts: findings per rule and severity, ``clean``, overloaded and idle
        mentors, the spread measures.
    tables
        The audited plan as plan tables (the same shape a solved plan has).
    """

    violations: pd.DataFrame
    balance: pd.DataFrame
    spread: dict[str, dict[str, float]]
    summary: dict[str, Any]
    tables: PlanTables
    problem: Problem = field(repr=False)
    travel: TravelModel = field(repr=False)

    @property
    def clean(self) -> bool:
        """No finding of severity ``violation`` (notes allowed)."""
        return not bool((self.violations["severity"] == VIOLATION).any())


def findings_frame(findings: list[Finding]) -> pd.DataFrame:
    """Findings in rule order (as listed in :data:`RULES`), then mentor, participant, date."""
    order = {rule: i for i, rule in enumerate(RULES)}
    rows = [
        (
            f.rule,
            f.severity,
            f.mentor_id,
            f.participant_id,
            f.date,
            f.month,
            f.details,
        )
        for f in sorted(
            findings,
            key=lambda f: (
                order.get(f.rule, len(order)),
                f.mentor_id,
                f.participant_id,
                f.date.isoformat() if f.date else "",
                f.month or 0,
            ),
        )
    ]
    frame = pd.DataFrame(rows, columns=list(VIOLATION_COLUMNS))
    frame["month"] = frame["month"].astype("Int64")
    return frame


def balance_spread(balance: pd.DataFrame, scheduled: bool) -> dict[str, dict[str, float]]:
    """Spread measures of the per-mentor balance columns that matter."""
    hours = balance["peak_hours"] if scheduled else balance["monthly_hours_estimated"]
    out = {
        "caseload": spread(balance["caseload"]),
        "hours": spread(hours.astype(float)),
        "utilisation": spread(balance_utilisation(balance)),
    }
    if scheduled:
        out["travel_hours"] = spread(balance["travel_hours"].astype(float))
    return out


def audit_plan(
    problem: Problem,
    assignments: pd.DataFrame,
    schedule: pd.DataFrame | None,
    travel: TravelModel,
    *,
    assignments_source: str = "assignments",
    schedule_source: str = "schedule",
) -> AuditResult:
    """Check a plan given as frames (text cells) against every rule.

    Reads the frames with :func:`tkm_assign.io.plan.read_plan`, then
    :func:`audit_hand_plan`.

    Parameters
    ----------
    problem
        The validated participants and mentors (with the configuration whose rules apply).
    assignments
        One row per participant with ``participant_id`` and ``mentor_id`` (text cells as a
        spreadsheet gives them; headers may be names or workbook labels).
    schedule
        One row per session (``participant_id``, ``date``, ``start``, ``end``, ``mode``,
        optionally ``mentor_id`` and ``session_id``), or ``None`` to check the assignment
        only.
    travel
        The travel model used for travel times (the planner's model).
    assignments_source, schedule_source
        File names for error messages.

    Returns
    -------
    AuditResult

    Raises
    ------
    InputError
        When the plan's frames cannot be read: every unknown id, bad date, bad time and
        unknown mode with file, row, column and value.
    """
    plan = read_plan(problem, assignments, schedule, assignments_source, schedule_source)
    return audit_hand_plan(problem, plan, travel)


def audit_hand_plan(problem: Problem, plan: HandPlan, travel: TravelModel) -> AuditResult:
    """Check a validated hand plan against every rule and measure its workload balance.

    Parameters
    ----------
    problem
        The validated participants and mentors (with the configuration whose rules apply).
    plan
        Who mentors whom and, optionally, the sessions (from
        :func:`tkm_assign.io.plan.read_plan`).
    travel
        The travel model used for travel times (the planner's model).

    Returns
    -------
    AuditResult
        Findings, the plan's tables, mentor balance, spread measures and a summary.
    """
    facts = build_facts(problem, plan, travel)
    checks = ASSIGNMENT_CHECKS + (SCHEDULE_CHECKS if plan.sessions is not None else ())
    findings = [finding for check in checks for finding in check(facts)]
    violations = findings_frame(findings)
    tables = plan_tables(facts)
    balance = mentor_balance(problem, tables)
    spreads = balance_spread(balance, scheduled=plan.sessions is not None)
    by_rule = violations.groupby(["rule", "severity"]).size()
    n_violations = int((violations["severity"] == VIOLATION).sum())
    summary = {
        "clean": n_violations == 0,
        "violations": n_violations,
        "notes": int((violations["severity"] == NOTE).sum()),
        "by_rule": {
            str(key[0]): {"severity": str(key[1]), "count": int(n)}
            for key, n in by_rule.items()
            if isinstance(key, tuple)
        },
        "rules_checked": [c.__name__.removeprefix("check_") for c in checks],
        "participants": len(problem.participants),
        "assigned": int((tables.assignments["status"] == "assigned").sum()),
        "sessions": None if plan.sessions is None else len(plan.sessions),
        "overloaded": balance.loc[balance["flag"] == "overloaded", "mentor_id"].tolist(),
        "idle": balance.loc[balance["flag"] == "idle", "mentor_id"].tolist(),
        "spread": spreads,
        "inputs": {
            "participants": problem.participants_source,
            "mentors": problem.mentors_source,
            "assignments": plan.assignments_source,
            "schedule": plan.schedule_source if plan.sessions is not None else None,
        },
    }
    log.info(
        Message.of(
            "log.audit",
            violations=int(n_violations),
            notes=int((violations["severity"] == NOTE).sum()),
            rules=len(checks),
        )
    )
    return AuditResult(violations, balance, spreads, summary, tables, problem, travel)
