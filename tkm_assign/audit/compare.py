"""What the optimizer would improve on an audited plan.

The optimised plan is audited with the same rules, travel model and measures as the
audited one, so every figure is computed the same way on both sides.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd

from tkm_assign import rules
from tkm_assign.audit.core import AuditResult, audit_plan
from tkm_assign.report.figures import key_figures, text
from tkm_assign.report.tables import PlanTables

COMPARISON_COLUMNS = ("measure", "audited", "optimised", "change", "better")

# measure -> (how to read it from an audit, True when higher is better)
_MEASURES: dict[str, tuple[Callable[[AuditResult, dict[str, Any]], float | None], bool]] = {
    "participants_served": (lambda r, f: f["assigned"], True),
    "sector_matches": (
        lambda r, f: int(
            (
                r.tables.assignments["sector_match"].astype(bool)
                & (r.tables.assignments["status"] == "assigned")
            ).sum()
        ),
        True,
    ),
    "sector_match_rate": (lambda r, f: f["sector_match_rate"], True),
    "mean_travel_min": (lambda r, f: f["mean_travel_min"], False),
    "estimated_travel_hours_per_month": (lambda r, f: _estimated_travel_hours(r), False),
    "scheduled_travel_hours": (lambda r, f: f["travel_hours_total"], False),
    "violations": (lambda r, f: r.summary["violations"], False),
    "target_share": (lambda r, f: f["target_share"], True),
    "utilisation_cv": (lambda r, f: r.spread["utilisation"]["cv"], False),
    "utilisation_max": (lambda r, f: r.spread["utilisation"]["max"], False),
    "caseload_cv": (lambda r, f: r.spread["caseload"]["cv"], False),
    "overloaded_mentors": (lambda r, f: len(r.summary["overloaded"]), False),
    "idle_mentors": (lambda r, f: len(r.summary["idle"]), False),
}


def _estimated_travel_hours(result: AuditResult) -> float:
    """Monthly riding the assignment implies (``rules.monthly_travel_min``), summed over
    assigned participants."""
    config = result.problem.config
    people = {p.participant_id: p for p in result.problem.participants}
    frame = result.tables.assignments
    minutes = 0.0
    for pid, travel in zip(
        frame["participant_id"].map(text),
        pd.to_numeric(frame["travel_min"], errors="coerce"),
        strict=True,
    ):
        if pd.isna(travel):
            continue
        minutes += rules.monthly_travel_min(people[pid], float(travel), config)
    return minutes / 60.0


def compare_tables(audit_result: AuditResult, optimized: PlanTables) -> pd.DataFrame:
    """Audited plan against the optimizer's plan for the same inputs.

    Parameters
    ----------
    audit_result
        The audit of the plan as given.
    optimized
        The optimizer's plan tables for the same problem (schedule optional).

    Returns
    -------
    pandas.DataFrame
        One row per measure (:data:`COMPARISON_COLUMNS`): participants served, sector
        matches, travel (mean one-way minutes, estimated monthly hours, scheduled hours),
        rule violations, share meeting the session target, utilisation and caseload spread,
        overloaded and idle mentors; ``change`` = optimised - audited and ``better`` says
        whether the optimised value is an improvement. Measures one side lacks (no
        schedule) are left out.
    """
    schedule = optimized.schedule
    if schedule is not None and audit_result.tables.schedule is None:
        schedule = None  # compare like with like: assignment against assignment
    optimised = audit_plan(
        audit_result.problem,
        optimized.assignments,
        schedule,
        audit_result.travel,
        assignments_source="optimised assignments",
        schedule_source="optimised schedule",
    )
    audited_figures = key_figures(audit_result.problem, audit_result.tables, audit_result.balance)
    optimised_figures = key_figures(optimised.problem, optimised.tables, optimised.balance)
    rows = []
    for measure, (read, higher_better) in _MEASURES.items():
        before = read(audit_result, audited_figures)
        after = read(optimised, optimised_figures)
        if before is None or after is None:
            continue
        before, after = float(before), float(after)
        change = after - before
        better = change > 1e-9 if higher_better else change < -1e-9
        rows.append((measure, before, after, change, better))
    return pd.DataFrame(rows, columns=list(COMPARISON_COLUMNS))
