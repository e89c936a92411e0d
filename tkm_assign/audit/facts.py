"""What every check needs, computed once from a validated plan: travel, months, day routes.

Travel comes from the same :class:`~tkm_assign.geo.travel.TravelModel` the planner uses, in
the mentor's transport mode: one-way home -> participant for each assignment, and for each
mentor-day with onsite sessions the chain home -> visits in start-time order -> home.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import numpy.typing as npt

from tkm_assign import rules
from tkm_assign.config import Config
from tkm_assign.geo.travel import UNREACHABLE_MIN, Points, TravelModel
from tkm_assign.io.plan import HandPlan, PlannedSession
from tkm_assign.model import Mentor, Mode, Participant, Problem, Route


@dataclass(frozen=True)
class DayRoute:
    """One mentor-day with onsite sessions: visits in start order, home to home.

    ``leg_min[k]``/``leg_m[k]`` is the travel before visit k (k = 0 from home); the last
    entry is the ride home, so there is one more leg than visits.
    """

    mentor_id: str
    date: dt.date
    visits: tuple[PlannedSession, ...]
    leg_min: tuple[int, ...]
    leg_m: tuple[int, ...]

    @property
    def travel_min(self) -> int:
        return sum(self.leg_min)

    @property
    def distance_m(self) -> int:
        return sum(self.leg_m)

    @property
    def depart_min(self) -> int:
        return self.visits[0].start_min - self.leg_min[0]

    @property
    def return_min(self) -> int:
        return self.visits[-1].end_min + self.leg_min[-1]

    @property
    def reachable(self) -> bool:
        return all(leg < UNREACHABLE_MIN for leg in self.leg_min)

    def route(self) -> Route:
        """The day as the planner's :class:`~tkm_assign.model.Route` (stops in visit order).

        Returns
        -------
        Route
            Same mentor, date, departure, return, travel and distance.
        """
        return Route(
            mentor_id=self.mentor_id,
            date=self.date,
            depart_min=self.depart_min,
            return_min=self.return_min,
            stops=tuple(v.participant_id for v in self.visits),
            travel_min=self.travel_min,
            distance_m=self.distance_m,
        )


def travel_pairs(
    travel: TravelModel,
    a: npt.NDArray[np.float64],
    a_island: npt.NDArray[np.int32],
    b: npt.NDArray[np.float64],
    b_island: npt.NDArray[np.int32],
    transport: Sequence[str],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """One-way (minutes, metres) from ``a[i]`` to ``b[i]`` (lat, lon rows) by ``transport[i]``."""
    minutes = np.zeros(len(a), dtype=np.int64)
    metres = np.zeros(len(a), dtype=np.int64)
    modes = np.asarray(transport, dtype=object)
    for mode in sorted(set(transport)):
        idx = np.flatnonzero(modes == mode)
        got_min, got_m = travel.between(
            Points.of(a[idx, 0], a[idx, 1], a_island[idx]),
            Points.of(b[idx, 0], b[idx, 1], b_island[idx]),
            mode,
        )
        minutes[idx], metres[idx] = got_min, got_m
    return minutes, metres


def mentor_participant_minutes(
    problem: Problem, travel: TravelModel, pairs: Sequence[tuple[str, str]]
) -> list[int]:
    """One-way minutes from each mentor's home to the participant, for ``(participant_id,
    mentor_id)`` pairs of ``problem`` (by the mentor's transport)."""
    if not pairs:
        return []
    p_index, m_index = problem.participant_index, problem.mentor_index
    pi = np.array([p_index[p] for p, _ in pairs], dtype=np.int64)
    mi = np.array([m_index[m] for _, m in pairs], dtype=np.int64)
    minutes, _ = travel_pairs(
        travel,
        problem.mentor_lat_lon[mi].reshape(-1, 2),
        np.array([problem.mentors[j].location.island_id for j in mi], dtype=np.int32),
        problem.participant_lat_lon[pi].reshape(-1, 2),
        np.array([problem.participants[i].location.island_id for i in pi], dtype=np.int32),
        [problem.mentors[j].transport.value for j in mi],
    )
    return [int(t) for t in minutes]


@dataclass(frozen=True)
class PlanFacts:
    """A validated plan with its travel, months and day routes."""

    problem: Problem
    plan: HandPlan
    travel_min: Mapping[str, int]  # assigned participant id -> one-way minutes from home
    distance_m: Mapping[str, int]
    routes: tuple[DayRoute, ...]
    travel_before: Mapping[str, int]  # session id -> minutes ridden just before it (onsite)
    month_starts: tuple[dt.date, ...]

    @property
    def config(self) -> Config:
        return self.problem.config

    @cached_property
    def people(self) -> dict[str, Participant]:
        return {p.participant_id: p for p in self.problem.participants}

    @cached_property
    def mentors(self) -> dict[str, Mentor]:
        return {m.mentor_id: m for m in self.problem.mentors}

    @cached_property
    def caseload(self) -> dict[str, list[str]]:
        """mentor id -> assigned participant ids, in problem order (every mentor present)."""
        out: dict[str, list[str]] = {m.mentor_id: [] for m in self.problem.mentors}
        for pid, mid in self.plan.mentor_of.items():
            if mid is not None:
                out[mid].append(pid)
        return out

    @property
    def sessions(self) -> tuple[PlannedSession, ...]:
        return self.plan.sessions or ()

    def month_of(self, day: dt.date) -> int:
        """1..n within the planned months; 0 before the start; n + 1 after the end."""
        return bisect.bisect_right(self.month_starts, day)

    @cached_property
    def sessions_by_participant(self) -> dict[str, list[PlannedSession]]:
        out: dict[str, list[PlannedSession]] = defaultdict(list)
        for s in sorted(self.sessions, key=lambda s: (s.date, s.start_min, s.row)):
            out[s.participant_id].append(s)
        return dict(out)

    @cached_property
    def sessions_by_mentor(self) -> dict[str, list[PlannedSession]]:
        out: dict[str, list[PlannedSession]] = defaultdict(list)
        for s in sorted(self.sessions, key=lambda s: (s.date, s.start_min, s.row)):
            out[s.mentor_id].append(s)
        return dict(out)

    def estimated_load_min(self, pid: str) -> float:
        """Monthly load of an assigned participant (unreachable travel counts as none)."""
        return rules.monthly_load_min(self.people[pid], self._one_way(pid), self.config)

    def estimated_day_use_min(self, pid: str) -> int:
        """Working-day minutes of an assigned participant in its busiest month, in whole
        minutes as the assignment counts them (:func:`rules.whole_minutes`)."""
        minutes = rules.monthly_day_use_min(self.people[pid], self._one_way(pid), self.config)
        return rules.whole_minutes(minutes)

    def _one_way(self, pid: str) -> int:
        one_way = self.travel_min.get(pid, 0)
        return 0 if one_way >= UNREACHABLE_MIN else one_way


def build_facts(problem: Problem, plan: HandPlan, travel: TravelModel) -> PlanFacts:
    """Travel for every assignment and every day route of the plan (vectorised)."""
    config = problem.config
    people = problem.participant_index
    mentors = problem.mentor_index
    p_ll, m_ll = problem.participant_lat_lon, problem.mentor_lat_lon
    p_isl = np.array([p.location.island_id for p in problem.participants], dtype=np.int32)
    m_isl = np.array([m.location.island_id for m in problem.mentors], dtype=np.int32)

    pairs = [(pid, mid) for pid, mid in plan.mentor_of.items() if mid is not None]
    pi = np.array([people[p] for p, _ in pairs], dtype=np.int64)
    mi = np.array([mentors[m] for _, m in pairs], dtype=np.int64)
    modes = [problem.mentors[j].transport.value for j in mi]
    minutes, metres = travel_pairs(
        travel, m_ll[mi].reshape(-1, 2), m_isl[mi], p_ll[pi].reshape(-1, 2), p_isl[pi], modes
    )
    travel_min = {pid: int(t) for (pid, _), t in zip(pairs, minutes, strict=True)}
    distance_m = {pid: int(d) for (pid, _), d in zip(pairs, metres, strict=True)}

    routes, travel_before = _day_routes(problem, plan.sessions or (), travel)
    months = rules.planned_months(problem.participants, config)
    starts = rules.month_starts(config.programme.start_date, months)
    return PlanFacts(problem, plan, travel_min, distance_m, routes, travel_before, starts)


def _day_routes(
    problem: Problem, sessions: Sequence[PlannedSession], travel: TravelModel
) -> tuple[tuple[DayRoute, ...], dict[str, int]]:
    days: dict[tuple[str, dt.date], list[PlannedSession]] = defaultdict(list)
    for s in sessions:
        if s.mode == Mode.ONSITE:
            days[(s.mentor_id, s.date)].append(s)
    keys = sorted(days)
    people = problem.participant_index
    mentors = problem.mentor_index
    p_ll, m_ll = problem.participant_lat_lon, problem.mentor_lat_lon
    # Every leg of every day as (from lat/lon, from island, to lat/lon, to island, transport).
    a, a_isl, b, b_isl, modes = [], [], [], [], []
    ordered = []
    for key in keys:
        visits = sorted(days[key], key=lambda s: (s.start_min, s.row))
        ordered.append(visits)
        j = mentors[key[0]]
        mentor = problem.mentors[j]
        stops = [(m_ll[j], mentor.location.island_id)]
        for s in visits:
            i = people[s.participant_id]
            stops.append((p_ll[i], problem.participants[i].location.island_id))
        stops.append(stops[0])
        for (pa, ia), (pb, ib) in itertools.pairwise(stops):
            a.append(pa)
            a_isl.append(ia)
            b.append(pb)
            b_isl.append(ib)
            modes.append(mentor.transport.value)
    if not keys:
        return (), {}
    minutes, metres = travel_pairs(
        travel,
        np.array(a, dtype=np.float64),
        np.array(a_isl, dtype=np.int32),
        np.array(b, dtype=np.float64),
        np.array(b_isl, dtype=np.int32),
        modes,
    )
    routes = []
    travel_before: dict[str, int] = {}
    k = 0
    for key, visits in zip(keys, ordered, strict=True):
        n_legs = len(visits) + 1
        legs_min = tuple(int(v) for v in minutes[k : k + n_legs])
        legs_m = tuple(int(v) for v in metres[k : k + n_legs])
        k += n_legs
        routes.append(DayRoute(key[0], key[1], tuple(visits), legs_min, legs_m))
        for s, leg in zip(visits, legs_min, strict=False):
            travel_before[s.session_id] = leg
    return tuple(routes), travel_before
