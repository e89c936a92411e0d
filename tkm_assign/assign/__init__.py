"""Mentor assignment: who mentors whom, optimally, with reasons for everyone left out.

``assign(problem, candidates)`` solves the model described in the README ("Assignment"):
a min-cost flow for the head-count model, CP-SAT warm-started from it where monthly hours
bind, region by region. ``assign_baseline(problem, candidates)`` is the manual "nearest
mentor with space, in list order" plan used for comparisons.
"""

from tkm_assign.assign.solve import assign, assign_baseline, plan_cost

__all__ = ["assign", "assign_baseline", "plan_cost"]
