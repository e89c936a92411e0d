"""A plan followed through its first months in simulation, with and without re-plans.

The figure programme staff quote: under the calibrated behaviour of ``[simulate]``, how
many participants get 0-2, 3-4 or more than 4 sessions in their first three months when the
plan is simply followed, and when it is planned again (:func:`~tkm_assign.programme.
replan.replan_programme`) on given days of the programme from what the logbook says.
Every run meets the same fortunes (the simulation draws by participant, mentor and
session, not from a stream), so the two figures differ by the re-plans alone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from tkm_assign import rules
from tkm_assign.geo.travel import TravelModel
from tkm_assign.model import Problem
from tkm_assign.programme.follow import follow
from tkm_assign.programme.plan import CurrentPlan
from tkm_assign.programme.replan import replan_programme
from tkm_assign.programme.simulate import sessions_in_first_months, simulate_logbook

__all__ = ["REPLAN_DAYS", "simulated_course"]

REPLAN_DAYS = (30, 60)  # re-plans on days 30 and 60 of a three-month look


def simulated_course(
    problem: Problem,
    plan: CurrentPlan,
    travel: TravelModel,
    *,
    replan_days: Sequence[int] = REPLAN_DAYS,
    months: int = 3,
) -> dict[str, Any]:
    """Sessions in the first ``months`` months, followed as planned and with re-plans.

    Parameters
    ----------
    problem
        Participants and mentors at the start (``problem.config.simulate`` the behaviour).
    plan
        The plan made before the programme starts.
    travel
        The travel model.
    replan_days
        Days of the programme (1 = its first day) whose evening the logbook is read and the
        rest re-planned.
    months
        How long the look is (the evaluation's table counts three months).

    Returns
    -------
    dict
        ``followed`` and ``replanned``: shares of participants by the 2024 bins (every
        participant counts); ``replan_days``; ``missed_share`` of each.
    """
    config = problem.config
    start = config.programme.start_date
    end = rules.add_months(start, months) - dt.timedelta(days=1)
    plain = simulate_logbook(problem, plan, travel, end)
    horizon = max(
        [
            config.programme.longest_months,
            *(rules.programme_window(p, config)[1] for p in problem.participants),
        ]
    )
    starts = rules.month_starts(start, horizon + 1)
    current, book = plan, None
    for day in replan_days:
        as_of = start + dt.timedelta(days=day - 1)
        if as_of >= end:
            break
        step = simulate_logbook(problem, current, travel, as_of, since=book)
        done = replan_programme(
            step.problem, current, follow(current, step.logbook, starts), travel
        )
        current, book = done.as_plan(), step.logbook
    final = simulate_logbook(problem, current, travel, end, since=book)
    return {
        "months": months,
        "replan_days": list(replan_days),
        "followed": sessions_in_first_months(plain.problem, plain.logbook, months),
        "replanned": sessions_in_first_months(final.problem, final.logbook, months),
        "followed_missed_share": plain.summary["missed_share"],
        "sessions_followed": len(plain.logbook.entries),
        "sessions_replanned": len(final.logbook.entries),
    }
