"""Visit schedules: sessions on days, day routes from the mentor's home, and shortfalls.

``schedule(problem, assignment, travel) -> Schedule`` is the entry point; see
:mod:`tkm_assign.schedule.mentor` for how one mentor's months are planned.
"""

from tkm_assign.schedule.replan import HeldSession, ReplanState
from tkm_assign.schedule.solve import schedule

__all__ = ["HeldSession", "ReplanState", "schedule"]
