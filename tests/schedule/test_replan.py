"""Planning a programme under way: held sessions fixed, catch-up, the earlier plan kept."""

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
from tkm_assign.model import Mode, NeedLevel, Schedule, Session
from tkm_assign.schedule import HeldSession, ReplanState, schedule

START = dt.date(2027, 7, 5)


def _held(sessions, before: dt.date) -> tuple[HeldSession, ...]:
    return tuple(
        HeldSession(s.participant_id, s.mentor_id, s.date, s.mode, s.end_min - s.start_min)
        for s in sessions
        if s.date < before
    )


def _slots(sessions) -> list[tuple]:
    return sorted((s.participant_id, s.date, s.start_min, s.mode) for s in sessions)


def _case(n: int = 8, *overrides: str, **kw):
    cfg = config(f"programme.start_date={START.isoformat()}", *overrides)
    people = ring(n, **kw)
    prob = problem(people, [mentor()], cfg)
    return prob, all_to("M01", people), travel_of(cfg)


def test_nothing_changed_moves_no_session():
    prob, assignment, travel = _case(10, need_level=NeedLevel.HIGH)
    plan = schedule(prob, assignment, travel)
    as_of = START + dt.timedelta(days=45)
    state = ReplanState(as_of, held=_held(plan.sessions, as_of), previous=plan.sessions)
    again = schedule(prob, assignment, travel, replan=state)
    assert _slots(again.sessions) == _slots(s for s in plan.sessions if s.date >= as_of)
    assert again.shortfalls == plan.shortfalls == ()


def test_nothing_is_planned_before_the_as_of_date_and_a_missed_session_is_caught_up():
    prob, assignment, travel = _case(6, need_level=NeedLevel.LOW)
    plan = schedule(prob, assignment, travel)
    starts = plan.month_starts
    as_of = starts[1]  # month 1 is over
    missed = next(s for s in plan.sessions if s.participant_id == "P01" and s.month == 1)
    held = tuple(
        h for h in _held(plan.sessions, as_of) if h.date != missed.date or h.participant_id != "P01"
    )
    again = schedule(prob, assignment, travel, replan=ReplanState(as_of, held, plan.sessions))
    assert min(s.date for s in again.sessions) >= as_of
    per_month = Counter((s.participant_id, s.month) for s in again.sessions)
    target = rules.session_target(prob.participants[0], prob.config)
    assert per_month["P01", 2] == target + 1  # the missed session, caught up in month 2
    assert per_month["P02", 2] == target
    assert again.shortfalls == ()


def test_catch_up_never_goes_above_the_monthly_maximum():
    prob, assignment, travel = _case(4, "sessions.max_per_month=4", need_level=NeedLevel.HIGH)
    plan = schedule(prob, assignment, travel)
    as_of = plan.month_starts[2]  # months 1 and 2 over, nothing held for P01
    held = tuple(h for h in _held(plan.sessions, as_of) if h.participant_id != "P01")
    again = schedule(prob, assignment, travel, replan=ReplanState(as_of, held, plan.sessions))
    per_month = Counter((s.participant_id, s.month) for s in again.sessions)
    assert per_month["P01", 3] == 4  # target 4 already: no room for the 8 missed sessions
    assert max(per_month.values()) <= prob.config.sessions.max_per_month


def test_held_sessions_count_toward_the_month_and_keep_the_spacing():
    prob, assignment, travel = _case(3, "sessions.min_days_between=6", need_level=NeedLevel.MEDIUM)
    as_of = START + dt.timedelta(days=10)
    p01 = prob.participants[0].participant_id
    held = (
        HeldSession(p01, "M01", START + dt.timedelta(days=1), Mode.ONSITE, 90),
        HeldSession(p01, "M01", as_of - dt.timedelta(days=1), Mode.ONLINE, 60),
    )
    again = schedule(prob, assignment, travel, replan=ReplanState(as_of, held))
    mine = sorted(s.date for s in again.sessions if s.participant_id == p01 and s.month == 1)
    assert len(mine) == 3 - 2  # target 3 (medium need), 2 held
    assert mine[0] >= held[-1].date + dt.timedelta(days=6)
    # Its onsite minimum was met by the held visit: the new one may be online.
    assert not [s for s in again.shortfalls if s.participant_id == p01]


def test_a_held_session_on_or_after_the_as_of_date_is_rejected():
    with pytest.raises(ValueError, match="on or after the as-of date"):
        ReplanState(START, held=(HeldSession("P01", "M01", START, Mode.ONLINE, 60),))


def test_remaining_targets_catch_up_in_the_earliest_months():
    assert rules.remaining_targets((3, 3, 3), (1, 2, 0), 1, 4) == (0, 2, 4)
    assert rules.remaining_targets((3, 3, 3), (1, 0, 0), 2, 4) == (0, 0, 4)
    assert rules.remaining_targets((2, 2, 2), (0, 0, 0), 1, 4) == (0, 4, 2)
    assert rules.remaining_targets((2, 2), (3, 0), 1, 4) == (0, 2)


def test_remaining_onsite_adds_what_the_programme_lacks():
    # Programme minimum 3 (2 + 1 + 0 a month); nothing held onsite in month 1.
    assert rules.remaining_onsite((2, 1, 0), (0, 0, 0), (0, 3, 3), 1, True) == (0, 3, 0)
    # Held onsite already covers the month.
    assert rules.remaining_onsite((1, 1, 1), (1, 1, 0), (0, 1, 2), 1, True) == (0, 0, 1)
    # Not online: every planned session is onsite.
    assert rules.remaining_onsite((2, 2), (2, 0), (0, 2), 1, False) == (0, 2)


def _as_sessions(held: tuple[HeldSession, ...]) -> list[Session]:
    return [
        Session("", h.mentor_id, h.participant_id, h.date, 480, 480 + h.duration_min, h.mode, 0, 0)
        for h in held
    ]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    days=st.integers(1, 80),
    dropped=st.sets(st.integers(0, 60), max_size=8),
    gap=st.integers(0, 8),
    n=st.integers(1, 6),
)
def test_a_replan_keeps_every_rule_across_held_and_planned_sessions(days, dropped, gap, n):
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
    held = _held([s for k, s in enumerate(past) if k not in dropped], as_of)
    again = schedule(prob, assignment, travel, replan=ReplanState(as_of, held, plan.sessions))
    assert all(s.date >= as_of for s in again.sessions)
    every = _as_sessions(held) + list(again.sessions)
    starts = plan.month_starts
    by_participant: dict[str, list[dt.date]] = {}
    for s in every:
        by_participant.setdefault(s.participant_id, []).append(s.date)
    for dates in by_participant.values():
        dates.sort()
        for a, b in itertools.pairwise(dates):
            assert (b - a).days >= max(gap, 1)
    per_month = Counter((s.participant_id, rules.month_of(s.date, starts)) for s in every)
    assert max(per_month.values(), default=0) <= cfg.sessions.max_per_month
    working = {
        d
        for a, b in itertools.pairwise(starts)
        for d in rules.working_dates(prob.mentors[0], a, b, cfg)
    }
    assert all(s.date in working for s in again.sessions)
    # Nothing changed, nothing missed, and the first plan met every target: no session moves
    # (where the first plan fell short, the re-plan may find room it did not).
    if (not dropped or not past) and not plan.shortfalls:
        assert _slots(again.sessions) == _slots(s for s in plan.sessions if s.date >= as_of)


def test_the_schedule_result_is_unchanged_without_a_replan():
    prob, assignment, travel = _case(5)
    first = schedule(prob, assignment, travel)
    second = schedule(prob, assignment, travel, replan=None)
    assert isinstance(first, Schedule)
    assert dataclasses.replace(first, solve_seconds=0) == dataclasses.replace(
        second, solve_seconds=0
    )
