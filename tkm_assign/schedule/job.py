"""One mentor's scheduling problem, self-contained so it can be solved in another process.

:func:`build_jobs` turns the problem, the assignment and a travel model into one
:class:`MentorJob` per mentor with participants: the travel matrix between the mentor's home
(node 0) and the participants (nodes 1..n), each participant's monthly targets and onsite
minimums from :mod:`tkm_assign.rules`, and the mentor's working dates and minutes of every
month. Everything is integer minutes, metres and plain dates; no travel model or config
crosses the process boundary.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from tkm_assign import rules
from tkm_assign.config import Config
from tkm_assign.geo.travel import Points, TravelModel
from tkm_assign.model import Mentor, NeedLevel, Participant

IntMatrix = npt.NDArray[np.int64]

NEED_RANK = {NeedLevel.HIGH: 0, NeedLevel.MEDIUM: 1, NeedLevel.LOW: 2}


@dataclass(frozen=True, slots=True)
class ClientNeed:
    """What one participant needs from the mentor, month by month.

    ``node`` is the participant's row and column in the mentor's travel matrix.
    ``phase`` (0..1) places the participant's sessions within each month; it follows the
    direction from the mentor's home so that neighbours, who share day trips, get
    neighbouring days and the mentor's load spreads over the month.
    """

    participant_id: str
    node: int
    need_rank: int  # 0 high, 1 medium, 2 low
    targets: tuple[int, ...]  # sessions wanted in months 1..n of the participant's programme
    onsite_min: tuple[int, ...]  # onsite sessions required in months 1..n
    online_ok: bool
    phase: float


@dataclass(frozen=True, slots=True)
class MonthCalendar:
    """The mentor's working time in one programme month ``[start, end)``."""

    month: int
    start: dt.date
    end: dt.date
    dates: tuple[dt.date, ...]  # working dates: own weekdays, no holiday, not unavailable
    budget_min: int  # minutes the mentor can work this month (hours_per_month or days x hours)


@dataclass(frozen=True, slots=True)
class ScheduleParams:
    """The configuration a mentor's schedule depends on, in integer minutes and days."""

    onsite_min: int
    online_min: int
    min_days_between: int
    min_per_month: int
    day_start_min: int
    day_end_min: int
    max_travel_day_min: int
    priority: str  # minimum_first | need_first
    routing_time_limit_s: float
    placement_limit: float
    seed: int

    @property
    def day_min(self) -> int:
        return self.day_end_min - self.day_start_min

    @classmethod
    def of(cls, config: Config) -> ScheduleParams:
        s, w = config.sessions, config.work
        return cls(
            onsite_min=s.onsite_duration_min,
            online_min=s.online_duration_min,
            min_days_between=s.min_days_between,
            min_per_month=s.min_per_month,
            day_start_min=w.start_min,
            day_end_min=w.end_min,
            max_travel_day_min=w.max_travel_min_per_day,
            priority=config.schedule.priority,
            routing_time_limit_s=config.schedule.time_limit_s,
            placement_limit=config.schedule.placement_limit,
            seed=config.solver.seed,
        )


@dataclass(frozen=True)
class MentorJob:
    """Everything needed to schedule one mentor; picklable."""

    mentor_id: str
    clients: tuple[ClientNeed, ...]
    travel_min: IntMatrix  # (n+1, n+1), node 0 = the mentor's home
    distance_m: IntMatrix
    months: tuple[MonthCalendar, ...]
    params: ScheduleParams


def programme_length(problem_participants: Sequence[Participant], config: Config) -> int:
    """Months the schedule covers: the longest programme among ``problem_participants``."""
    lengths = [rules.programme_months(p, config) for p in problem_participants]
    return max(lengths, default=config.programme.months)


def build_jobs(
    participants_of: Mapping[str, Sequence[Participant]],
    mentors: Sequence[Mentor],
    travel: TravelModel,
    config: Config,
    months: int,
) -> list[MentorJob]:
    """One job per mentor in ``mentors`` that has participants, in the given order.

    ``participants_of`` maps mentor id to the participants assigned to it (problem order).
    Travel matrices are computed here, in the calling process, once per mentor.
    """
    starts = rules.month_starts(config.programme.start_date, months)
    params = ScheduleParams.of(config)
    jobs = []
    for mentor in mentors:
        assigned = participants_of.get(mentor.mentor_id, ())
        if not assigned:
            continue
        minutes, metres = _travel_matrix(mentor, assigned, travel)
        jobs.append(
            MentorJob(
                mentor_id=mentor.mentor_id,
                clients=tuple(
                    _client_need(p, node, mentor, config)
                    for node, p in enumerate(assigned, start=1)
                ),
                travel_min=minutes,
                distance_m=metres,
                months=mentor_calendar(mentor, starts, config),
                params=params,
            )
        )
    return jobs


def mentor_calendar(
    mentor: Mentor, starts: Sequence[dt.date], config: Config
) -> tuple[MonthCalendar, ...]:
    """Working dates and minutes of each month ``[starts[k-1], starts[k])``."""
    budgets = rules.mentor_month_minutes(mentor, config, months=len(starts) - 1)
    return tuple(
        MonthCalendar(
            month=k,
            start=a,
            end=b,
            dates=tuple(rules.working_dates(mentor, a, b, config)),
            budget_min=budget,
        )
        for k, ((a, b), budget) in enumerate(
            zip(itertools.pairwise(starts), budgets, strict=True), start=1
        )
    )


def _client_need(participant: Participant, node: int, mentor: Mentor, config: Config) -> ClientNeed:
    months = rules.programme_months(participant, config)
    target = rules.session_target(participant, config)
    return ClientNeed(
        participant_id=participant.participant_id,
        node=node,
        need_rank=NEED_RANK[participant.need_level],
        targets=(target,) * months,
        onsite_min=rules.onsite_required(participant, config),
        online_ok=rules.online_allowed(participant, config),
        phase=_direction_phase(mentor, participant),
    )


def _direction_phase(mentor: Mentor, participant: Participant) -> float:
    """Compass direction from the mentor's home as a fraction of a full turn (0..1)."""
    home, there = mentor.location, participant.location
    east = (there.longitude - home.longitude) * math.cos(math.radians(home.latitude))
    north = there.latitude - home.latitude
    if east == 0 and north == 0:
        return 0.0
    return (math.atan2(north, east) + math.pi) / (2 * math.pi) % 1.0


def _travel_matrix(
    mentor: Mentor, participants: Sequence[Participant], travel: TravelModel
) -> tuple[IntMatrix, IntMatrix]:
    located = [mentor.location, *(p.location for p in participants)]
    points = Points.of(
        [loc.latitude for loc in located],
        [loc.longitude for loc in located],
        [loc.island_id for loc in located],
    )
    minutes, metres = travel.matrix(points, mentor.transport.value)
    # int64 inside the solver: sums of unreachable legs must not overflow.
    return minutes.astype(np.int64), metres.astype(np.int64)
