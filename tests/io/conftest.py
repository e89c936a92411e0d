"""Fixtures of the io tests: the hand plan readers read the audit's small clean plan."""

from tests.audit.conftest import audit_problem, clean_assignments, clean_schedule

__all__ = ["audit_problem", "clean_assignments", "clean_schedule"]
