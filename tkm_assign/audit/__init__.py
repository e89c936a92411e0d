"""Audit a plan — for example one typed into Excel by a coordinator — against every rule.

:func:`audit_plan` reads the plan's frames, checks caseload, hours, province, sector, pins
and exclusions, travel limits, sessions per month and targets, onsite minimums, online
eligibility, holidays, working days and hours, unavailable dates, session length, overlaps,
travel between visits, spacing, daily travel and monthly hours, and measures workload
balance per mentor. :func:`write_audit_outputs` writes the findings;
:func:`compare_tables` shows what the optimizer would improve on the same inputs.
"""

from tkm_assign.audit.checks import NOTE, RULES, VIOLATION
from tkm_assign.audit.compare import COMPARISON_COLUMNS, compare_tables
from tkm_assign.audit.core import VIOLATION_COLUMNS, AuditResult, audit_plan
from tkm_assign.audit.outputs import write_audit_outputs

__all__ = [
    "COMPARISON_COLUMNS",
    "NOTE",
    "RULES",
    "VIOLATION",
    "VIOLATION_COLUMNS",
    "AuditResult",
    "audit_plan",
    "compare_tables",
    "write_audit_outputs",
]
