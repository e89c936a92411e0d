"""Repairing a mentor's earlier plan: what still holds stays exactly, only what lacks is added."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.schedule.factory import all_to, config, mentor, problem, ring, travel_of
from tkm_assign import rules
from tkm_assign.model import Mode, NeedLevel
from tkm_assign.schedule import HeldSession, ReplanState, schedule
from tkm_assign.schedule.job import build_jobs, programme_length
from tkm_assign.schedule.repair import repair_mentor

START = dt.date(2027, 7, 5)


def _case(n: int = 8, *overrides: str, **kw):
    cfg = config(f"programme.start_date={START.isoformat()}", *overrides)
    people = ring(n, **kw)
    prob = problem(people, [mentor()], cfg)
    return prob, all_to("M01", people), travel_of(cfg)


def _held(sessions, before: dt.date, drop=()) -> tuple[HeldSession, ...]:
    return tuple(
        HeldSession(s.participant_id, s.mentor_id, s.date, s.mode, s.end_min - s.start_min)
        for s in sessions
        if s.date < before and (s.participant_id, s.date) not in drop
    )


def _slots(sessions) -> set[tuple]:
    return {(s.participant_id, s.date, s.start_min, s.mode) for s in sessions}


def _repair(prob, assignment, travel, state):
    return schedule(prob, assignment, travel, replan=dataclasses.replace(state, repair=True))


def test_nothing_changed_keeps_every_session_exactly():
    prob, assignment, travel = _case(10, need_level=NeedLevel.HIGH)
    plan = schedule(prob, assignment, travel)
    as_of = START + dt.timedelta(days=45)
    state = ReplanState(as_of, _held(plan.sessions, as_of), plan.sessions)
    again = _repair(prob, assignment, travel, state)
    assert _slots(again.sessions) == _slots(s for s in plan.sessions if s.date >= as_of)
    assert again.shortfalls == ()
    # The day routes are the earlier ones: same stops in the same order, same riding.
    earlier = {(r.date, r.stops, r.travel_min) for r in plan.routes if r.date >= as_of}
    assert {(r.date, r.stops, r.travel_min) for r in again.routes} == earlier


def test_a_missed_session_is_caught_up_and_nothing_else_moves():
    prob, assignment, travel = _case(6, need_level=NeedLevel.LOW)
    plan = schedule(prob, assignment, travel)
    as_of = plan.month_starts[1]  # month 1 is over
    missed = next(s for s in plan.sessions if s.participant_id == "P01" and s.month == 1)
    held = _held(plan.sessions, as_of, drop={("P01", missed.date)})
    again = _repair(prob, assignment, travel, ReplanState(as_of, held, plan.sessions))
    before = _slots(s for s in plan.sessions if s.date >= as_of)
    after = _slots(again.sessions)
    assert before <= after  # every earlier session kept as it was
    (added,) = after - before
    assert added[0] == "P01" and rules.month_of(added[1], plan.month_starts) == 2
    assert again.shortfalls == ()


def test_a_day_of_leave_moves_only_that_days_sessions():
    prob, assignment, travel = _case(8, need_level=NeedLevel.MEDIUM)
    plan = schedule(prob, assignment, travel)
    as_of = START + dt.timedelta(days=35)
    future = [s for s in plan.sessions if s.date >= as_of]
    day = Counter(s.date for s in future).most_common(1)[0][0]
    sick = dataclasses.replace(prob.mentors[0], unavailable=((day, day),))
    now = dataclasses.replace(prob, mentors=(sick,))
    state = ReplanState(as_of, _held(plan.sessions, as_of), plan.sessions)
    again = _repair(now, assignment, travel, state)
    assert all(s.date != day for s in again.sessions)
    untouched = _slots(s for s in future if s.date != day)
    assert untouched <= _slots(again.sessions)
    # The sessions of the day of leave are planned again, on other days.
    assert len(again.sessions) == len(future) or again.shortfalls


def test_a_session_too_close_to_one_held_since_is_planned_again():
    prob, assignment, travel = _case(3, "sessions.min_days_between=6", need_level=NeedLevel.LOW)
    plan = schedule(prob, assignment, travel)
    as_of = START + dt.timedelta(days=20)
    nxt = min((s for s in plan.sessions if s.date >= as_of), key=lambda s: s.date)
    extra = HeldSession(nxt.participant_id, "M01", as_of - dt.timedelta(days=1), Mode.ONLINE, 60)
    held = (*_held(plan.sessions, as_of), extra)
    again = _repair(prob, assignment, travel, ReplanState(as_of, held, plan.sessions))
    mine = sorted(s.date for s in again.sessions if s.participant_id == nxt.participant_id)
    assert mine and mine[0] >= extra.date + dt.timedelta(days=6)


def test_the_repair_of_a_job_is_deterministic_and_needs_a_replan():
    prob, assignment, travel = _case(5)
    plan = schedule(prob, assignment, travel)
    as_of = START + dt.timedelta(days=30)
    state = ReplanState(as_of, _held(plan.sessions, as_of), plan.sessions, repair=True)
    mentor_of = {"M01": list(prob.participants)}
    months = programme_length(prob.participants, prob.config)
    (job,) = build_jobs(mentor_of, prob.mentors, travel, prob.config, months, state)
    assert repair_mentor(job) == repair_mentor(job)
    (fresh,) = build_jobs(mentor_of, prob.mentors, travel, prob.config, months)
    with pytest.raises(ValueError, match="re-plan job"):
        repair_mentor(fresh)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    days=st.integers(1, 80),
    dropped=st.sets(st.integers(0, 60), max_size=8),
    gap=st.integers(0, 8),
    n=st.integers(1, 6),
    leave=st.integers(0, 60),
)
def test_a_repair_keeps_every_rule(days, dropped, gap, n, leave):
    prob, assignment, travel = _case(
        n,
        f"sessions.min_days_between={gap}",
        "schedule.placement_limit=0.05",
        "schedule.time_limit_s=0.2",
        need_level=NeedLevel.HIGH,
    )
    cfg = prob.config
    plan = schedule(prob, assignment, travel)
    as_of = START + dt.timedelta(days=days)
    past = [s for s in plan.sessions if s.date < as_of]
    drop = {(s.participant_id, s.date) for k, s in enumerate(past) if k in dropped}
    held = _held(plan.sessions, as_of, drop)
    off = as_of + dt.timedelta(days=leave)
    sick = dataclasses.replace(prob.mentors[0], unavailable=((off, off + dt.timedelta(days=2)),))
    now = dataclasses.replace(prob, mentors=(sick,))
    again = _repair(now, assignment, travel, ReplanState(as_of, held, plan.sessions))
    assert all(s.date >= as_of for s in again.sessions)
    by_participant: dict[str, list[dt.date]] = {}
    for h in held:
        by_participant.setdefault(h.participant_id, []).append(h.date)
    for s in again.sessions:
        by_participant.setdefault(s.participant_id, []).append(s.date)
    for dates in by_participant.values():
        dates.sort()
        for a, b in itertools.pairwise(dates):
            assert (b - a).days >= max(gap, 1)
    starts = plan.month_starts
    per_month = Counter(
        (p, rules.month_of(d, starts)) for p, ds in by_participant.items() for d in ds
    )
    assert max(per_month.values(), default=0) <= cfg.sessions.max_per_month
    working = {
        d for a, b in itertools.pairwise(starts) for d in rules.working_dates(sick, a, b, cfg)
    }
    assert all(s.date in working for s in again.sessions)
    # One mentor never holds two sessions at once, and every day fits the working day.
    by_day: dict[dt.date, list] = {}
    for s in again.sessions:
        by_day.setdefault(s.date, []).append(s)
    for sessions in by_day.values():
        sessions.sort(key=lambda s: s.start_min)
        assert sessions[0].start_min >= cfg.work.start_min
        assert sessions[-1].end_min <= cfg.work.end_min
        for a, b in itertools.pairwise(sessions):
            assert b.start_min >= a.end_min
    for r in again.routes:
        assert r.travel_min <= cfg.work.max_travel_min_per_day
        assert cfg.work.start_min <= r.depart_min < r.return_min <= cfg.work.end_min
