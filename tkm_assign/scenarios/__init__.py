"""Capacity planning and scenario grids.

``plan_capacity(problem, travel, existing=True)`` finds the fewest mentors with which every
participant gets their sessions, and where new ones should live
(:mod:`tkm_assign.scenarios.capacity`); :mod:`tkm_assign.scenarios.grid` runs the whole
plan under every combination of settings and compares the results.
"""

from tkm_assign.scenarios.capacity import CapacityResult, plan_capacity

__all__ = ["CapacityResult", "plan_capacity"]
