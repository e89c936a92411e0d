"""One mentor's scheduling problem, self-contained so it can be solved in another process.

:func:`build_jobs` turns the problem, the assignment and a travel model into one
:class:`MentorJob` per mentor with participants: the travel matrix between the mentor's home
(node 0) and the participants (nodes 1..n), each participant's monthly targets and onsite
minimums from :mod:`tkm_assign.rules`, and the mentor's working dates and minutes of every
month. Everything is integer minutes, metres and plain dates; no travel model or config
crosses the process boundary.
"""

from __future__ import annotations

import dataclasses
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
from tkm_assign.model import Mentor, Mode, NeedLevel, Participant
from tkm_assign.schedule.replan import ReplanState, held_by_month

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
    # A programme under way (:mod:`~.replan`): sessions and onsite visits already held in
    # months 1..n (empty: none), the last held date, and the earlier plan's sessions from
    # the as-of date on as (date, mode, start minute). ``targets`` and ``onsite_min`` then
    # count what is still to plan. A late joiner's ``last_held`` opens the spacing rule on
    # its start date (months before its first one have targets of 0).
    held: tuple[int, ...] = ()
    held_onsite: tuple[int, ...] = ()
    last_held: dt.date | None = None
    previous: tuple[tuple[dt.date, Mode, int], ...] = ()

    def held_in(self, month: int) -> tuple[int, int]:
        """Sessions and onsite visits held in ``month`` (1-based)."""
        if month > len(self.held):
            return 0, 0
        return self.held[month - 1], self.held_onsite[month - 1]

    def previous_in(self, start: dt.date, end: dt.date) -> list[tuple[dt.date, Mode, int]]:
        """The earlier plan's sessions in ``[start, end)``."""
        return [x for x in self.previous if start <= x[0] < end]


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
    improve_work: float = 0.0  # routing-core work units per month after placement (0: off)
    programme_limit: float = 0.0  # CP-SAT deterministic time for whole-programme placement
    max_per_month: int = 0  # sessions.max_per_month (0: no limit checked)

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
            improve_work=config.schedule.improve_work,
            programme_limit=config.schedule.programme_limit,
            max_per_month=s.max_per_month,
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
    as_of: dt.date | None = None  # a re-plan: nothing is planned before this day


def programme_length(problem_participants: Sequence[Participant], config: Config) -> int:
    """Months the schedule covers (:func:`tkm_assign.rules.planned_months`: late
    joiners' months included)."""
    return rules.planned_months(problem_participants, config)


def build_jobs(
    participants_of: Mapping[str, Sequence[Participant]],
    mentors: Sequence[Mentor],
    travel: TravelModel,
    config: Config,
    months: int,
    replan: ReplanState | None = None,
) -> list[MentorJob]:
    """One job per mentor in ``mentors`` that has participants, in the given order.

    ``participants_of`` maps mentor id to the participants assigned to it (problem order).
    Travel matrices are computed here, in the calling process, once per mentor. With
    ``replan``, working dates before its as-of date are gone, the mentor's held sessions
    use up their months' minutes, and each participant's needs count what was held.
    """
    starts = rules.month_starts(config.programme.start_date, months)
    params = ScheduleParams.of(config)
    jobs = []
    for mentor in mentors:
        assigned = participants_of.get(mentor.mentor_id, ())
        if not assigned:
            continue
        minutes, metres = _travel_matrix(mentor, assigned, travel)
        calendar = mentor_calendar(mentor, starts, config)
        if replan is not None:
            calendar = _from_as_of(calendar, mentor.mentor_id, replan)
        jobs.append(
            MentorJob(
                mentor_id=mentor.mentor_id,
                clients=tuple(
                    _client_need(p, node, mentor, config, starts, replan)
                    for node, p in enumerate(assigned, start=1)
                ),
                travel_min=minutes,
                distance_m=metres,
                months=calendar,
                params=params,
                as_of=replan.as_of if replan is not None else None,
            )
        )
    return jobs


def _from_as_of(
    calendar: Sequence[MonthCalendar], mentor_id: str, replan: ReplanState
) -> tuple[MonthCalendar, ...]:
    """Working dates from the as-of date on; held sessions' minutes off each month's budget."""
    out = []
    mine = replan.held_by(mentor_id)
    for month in calendar:
        used = sum(h.duration_min for h in mine if month.start <= h.date < month.end)
        out.append(
            MonthCalendar(
                month=month.month,
                start=month.start,
                end=month.end,
                dates=tuple(d for d in month.dates if d >= replan.as_of),
                budget_min=max(0, month.budget_min - used),
            )
        )
    return tuple(out)


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


def _client_need(
    participant: Participant,
    node: int,
    mentor: Mentor,
    config: Config,
    starts: Sequence[dt.date],
    replan: ReplanState | None = None,
) -> ClientNeed:
    # A late joiner's programme starts in the month holding its start date: nothing is due
    # before (:func:`tkm_assign.rules.programme_window`).
    first, months = rules.programme_window(participant, config)
    before = (0,) * (first - 1)
    targets = before + (rules.session_target(participant, config),) * (months - first + 1)
    onsite = before + rules.onsite_required(participant, config)
    online_ok = rules.online_allowed(participant, config)
    need = ClientNeed(
        participant_id=participant.participant_id,
        node=node,
        need_rank=NEED_RANK[participant.need_level],
        targets=targets,
        onsite_min=onsite,
        online_ok=online_ok,
        phase=_direction_phase(mentor, participant),
        last_held=_opening(participant, config),
    )
    if replan is None:
        return need
    held = replan.held_of(participant.participant_id)
    sessions, onsite_held = held_by_month(held, starts, months)
    open_from = min(max(rules.month_of(replan.as_of, starts) - 1, 0), months)
    remaining = rules.remaining_targets(targets, sessions, open_from, config.sessions.max_per_month)
    last = max((h.date for h in held), default=None)
    opening = need.last_held
    return dataclasses.replace(
        need,
        targets=remaining,
        onsite_min=rules.remaining_onsite(onsite, onsite_held, remaining, open_from, online_ok),
        held=sessions,
        held_onsite=onsite_held,
        last_held=max(d for d in (last, opening) if d is not None) if last or opening else None,
        previous=tuple(
            (s.date, s.mode, s.start_min)
            for s in replan.future_of(participant.participant_id, mentor.mentor_id)
        ),
    )


def _opening(participant: Participant, config: Config) -> dt.date | None:
    """For a late joiner, the day the spacing rule counts from so that its first session
    falls on its start date at the earliest (``sessions.min_days_between`` before it)."""
    joined = participant.start_date
    if joined is None or joined <= config.programme.start_date:
        return None
    return joined - dt.timedelta(days=max(config.sessions.min_days_between, 1))


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
