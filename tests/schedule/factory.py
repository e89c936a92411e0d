"""Small schedule problems built in code, and the schedule invariants every plan must keep."""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from tkm_assign import rules
from tkm_assign.config import Config
from tkm_assign.geo.travel import HaversineTravel, Points, TravelModel
from tkm_assign.messages import Message
from tkm_assign.model import (
    Assignment,
    Location,
    Mentor,
    Mode,
    Participant,
    Problem,
    Schedule,
    Sector,
    SolveStatus,
)

HOME = (-6.9175, 107.6191)  # Bandung


def config(*overrides: str) -> Config:
    """Default configuration, one worker, plus ``section.key=value`` overrides."""
    return Config().replace(["schedule.workers=1", *overrides])


def place(lat: float, lon: float, island: int = 0) -> Location:
    """A location without a spatial join (travel only needs coordinates and island)."""
    return Location(lat, lon, "32", "3273", island)


def participant(pid: str, north_km: float = 0.0, east_km: float = 0.0, **kw: Any) -> Participant:
    """A participant ``north_km``/``east_km`` from Bandung (about 111 km per degree)."""
    where = kw.pop("location", None) or place(HOME[0] + north_km / 111.2, HOME[1] + east_km / 110.4)
    return Participant(pid, "", where, kw.pop("sector", Sector.INDUSTRI_BOGA), **kw)


def ring(n: int, km: float = 25.0, **kw: Any) -> list[Participant]:
    """``n`` participants on a ring ``km`` around Bandung."""
    return [
        participant(
            f"P{i + 1:02d}",
            north_km=km * math.cos(2 * math.pi * i / n),
            east_km=km * math.sin(2 * math.pi * i / n),
            **kw,
        )
        for i in range(n)
    ]


def mentor(mid: str = "M01", **kw: Any) -> Mentor:
    where = kw.pop("location", None) or place(*HOME)
    return Mentor(mid, "", where, frozenset(Sector), **kw)


def problem(participants: Sequence[Participant], mentors: Sequence[Mentor], cfg: Config) -> Problem:
    return Problem(tuple(participants), tuple(mentors), cfg)


def assign(
    mentor_of: dict[str, str | None], reasons: dict[str, Message] | None = None
) -> Assignment:
    return Assignment(mentor_of, reasons or {}, SolveStatus.FEASIBLE, 0.0, 0.0, 0.0, 0, "test")


def all_to(mentor_id: str, participants: Iterable[Participant]) -> Assignment:
    return assign({p.participant_id: mentor_id for p in participants})


def travel_of(cfg: Config) -> TravelModel:
    return HaversineTravel(cfg.travel)


def leg(travel: TravelModel, a: Location, b: Location, transport: str) -> tuple[int, int]:
    """One-way (minutes, metres) from ``a`` to ``b``."""
    minutes, metres = travel.between(
        Points.of(a.latitude, a.longitude, a.island_id),
        Points.of(b.latitude, b.longitude, b.island_id),
        transport,
    )
    return int(minutes[0]), int(metres[0])


def check_invariants(
    prob: Problem, assignment: Assignment, plan: Schedule, travel: TravelModel
) -> None:
    """Every rule of the brief, checked on a finished schedule (assertion errors name it)."""
    cfg = prob.config
    mentors = {m.mentor_id: m for m in prob.mentors}
    people = {p.participant_id: p for p in prob.participants}
    work_start, work_end = cfg.work.start_min, cfg.work.end_min
    holidays = rules.holiday_dates(plan.month_starts[0], plan.month_starts[-1], cfg)
    by_mentor_day: dict[tuple[str, dt.date], list[Any]] = defaultdict(list)
    for s in plan.sessions:
        m, p = mentors[s.mentor_id], people[s.participant_id]
        assert assignment.mentor_of[s.participant_id] == s.mentor_id, s
        assert work_start <= s.start_min < s.end_min <= work_end, f"outside working hours: {s}"
        assert s.date.weekday() in m.working_days, f"not a working day: {s}"
        assert s.date not in holidays, f"on holiday {holidays.get(s.date)}: {s}"
        assert not any(a <= s.date <= b for a, b in m.unavailable), f"mentor unavailable: {s}"
        assert plan.month_starts[s.month - 1] <= s.date < plan.month_starts[s.month], s
        assert s.month <= rules.programme_months(p, cfg), f"after the programme: {s}"
        duration = cfg.sessions.onsite_duration_min if s.mode is Mode.ONSITE else 0
        duration = duration or cfg.sessions.online_duration_min
        assert s.end_min - s.start_min == duration, s
        if s.mode is Mode.ONLINE:
            assert rules.online_allowed(p, cfg), f"online not allowed: {s}"
            assert s.travel_min_before == 0, s
        by_mentor_day[s.mentor_id, s.date].append(s)
    _check_no_overlap(by_mentor_day)
    _check_spacing(plan, cfg)
    _check_counts(prob, assignment, plan)
    _check_routes(prob, plan, travel, by_mentor_day)


def _check_no_overlap(by_mentor_day: dict[tuple[str, dt.date], list[Any]]) -> None:
    for sessions in by_mentor_day.values():
        ordered = sorted(sessions, key=lambda s: s.start_min)
        for a, b in itertools.pairwise(ordered):
            assert a.end_min + b.travel_min_before <= b.start_min, f"overlap: {a} / {b}"


def _check_spacing(plan: Schedule, cfg: Config) -> None:
    gap = max(cfg.sessions.min_days_between, 1)
    dates: dict[str, list[dt.date]] = defaultdict(list)
    for s in plan.sessions:
        dates[s.participant_id].append(s.date)
    for pid, days in dates.items():
        days.sort()
        for a, b in itertools.pairwise(days):
            assert (b - a).days >= gap, f"{pid}: sessions on {a} and {b} closer than {gap} days"


def _check_counts(prob: Problem, assignment: Assignment, plan: Schedule) -> None:
    cfg = prob.config
    count: Counter[tuple[str, int]] = Counter()
    onsite: Counter[tuple[str, int]] = Counter()
    for s in plan.sessions:
        count[s.participant_id, s.month] += 1
        onsite[s.participant_id, s.month] += s.mode is Mode.ONSITE
    short = {(f.participant_id, f.month): f for f in plan.shortfalls}
    for p in prob.participants:
        pid = p.participant_id
        target = rules.session_target(p, cfg)
        onsite_min = rules.onsite_required(p, cfg)
        for k in range(1, rules.programme_months(p, cfg) + 1):
            assert count[pid, k] <= min(target, cfg.sessions.max_per_month), (pid, k)
            met = count[pid, k] == target and onsite[pid, k] >= onsite_min[k - 1]
            if assignment.mentor_of.get(pid) is None:
                assert count[pid, k] == 0 and (pid, k) in short
                continue
            assert met == ((pid, k) not in short), f"{pid} month {k}: shortfall listing wrong"
            if (pid, k) in short:
                f = short[pid, k]
                assert (f.planned, f.onsite_planned) == (count[pid, k], onsite[pid, k])
                assert (f.required, f.onsite_required) == (target, onsite_min[k - 1])
                assert f.reason, f
            # Onsite only what is required (riding is the cost), unless online is impossible.
            if rules.online_allowed(p, cfg):
                assert onsite[pid, k] <= onsite_min[k - 1], (pid, k)


def _check_routes(
    prob: Problem,
    plan: Schedule,
    travel: TravelModel,
    by_mentor_day: dict[tuple[str, dt.date], list[Any]],
) -> None:
    cfg = prob.config
    mentors = {m.mentor_id: m for m in prob.mentors}
    people = {p.participant_id: p for p in prob.participants}
    routes = {(r.mentor_id, r.date): r for r in plan.routes}
    assert len(routes) == len(plan.routes), "two routes on one mentor-day"
    for (mid, day), sessions in by_mentor_day.items():
        visits = sorted((s for s in sessions if s.mode is Mode.ONSITE), key=lambda s: s.start_min)
        route = routes.get((mid, day))
        if not visits:
            assert route is None
            continue
        assert route is not None, f"onsite visits without a route: {mid} {day}"
        assert route.stops == tuple(s.participant_id for s in visits), route
        m = mentors[mid]
        here, total_min, total_m = m.location, 0, 0
        clock = route.depart_min
        for s in visits:
            there = people[s.participant_id].location
            minutes, metres = leg(travel, here, there, m.transport.value)
            assert s.travel_min_before == minutes, f"travel before {s} is not {minutes}"
            assert s.distance_m_before == metres, s
            assert s.start_min == clock + minutes, f"visit does not start on arrival: {s}"
            clock = s.end_min
            total_min, total_m, here = total_min + minutes, total_m + metres, there
        back_min, back_m = leg(travel, here, m.location, m.transport.value)
        assert route.return_min == clock + back_min, route
        assert route.travel_min == total_min + back_min, route
        assert route.distance_m == total_m + back_m, route
        assert route.travel_min <= cfg.work.max_travel_min_per_day, route
        assert cfg.work.start_min <= route.depart_min and route.return_min <= cfg.work.end_min
        for s in sessions:
            if s.mode is Mode.ONLINE:
                assert s.end_min <= route.depart_min or s.start_min >= route.return_min, s
    assert set(routes) <= set(by_mentor_day), "a route without sessions"
