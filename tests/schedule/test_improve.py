"""The month's trips re-formed by the routing core: every rule kept, never more riding."""

from __future__ import annotations

import datetime as dt
import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.schedule.factory import (
    all_to,
    check_invariants,
    config,
    mentor,
    participant,
    problem,
    travel_of,
)
from tkm_assign.model import NeedLevel, TechLiteracy
from tkm_assign.schedule import schedule
from tkm_assign.schedule.improve import _patterns

MONDAY = dt.date(2027, 3, 1)


def _people(n: int, seed: int) -> list:
    import random

    rng = random.Random(seed)
    return [
        participant(
            f"P{i + 1:02d}",
            north_km=rng.uniform(-40, 40),
            east_km=rng.uniform(-40, 40),
            need_level=rng.choice(list(NeedLevel)),
            tech_literacy=rng.choice([TechLiteracy.LOW, TechLiteracy.ADEQUATE]),
        )
        for i in range(n)
    ]


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), n=st.integers(2, 14), gap=st.integers(1, 7))
def test_improved_months_keep_every_rule_and_never_ride_more(seed, n, gap):
    people = _people(n, seed)
    common = (f"sessions.min_days_between={gap}", "schedule.time_limit_s=0.2")
    plain_cfg = config(*common)
    better_cfg = config(*common, "schedule.improve_work=0.01")
    assignment = all_to("M01", people)
    plain = schedule(problem(people, [mentor()], plain_cfg), assignment, travel_of(plain_cfg))
    prob = problem(people, [mentor()], better_cfg)
    better = schedule(prob, assignment, travel_of(better_cfg))
    check_invariants(prob, assignment, better, travel_of(better_cfg))
    assert len(better.sessions) == len(plain.sessions)
    riding = sum(r.travel_min for r in better.routes)
    assert riding <= sum(r.travel_min for r in plain.routes)


def test_patterns_keep_the_spacing_the_window_and_the_online_days():
    dates = tuple(MONDAY + dt.timedelta(days=i) for i in range(10))
    found = _patterns(dates, [1, 7], online=[4], earliest=dates[1], latest=dates[8], gap_days=3)
    assert (1, 7) in found
    for pattern in found:
        assert all(1 <= d <= 8 and abs(d - 4) >= 3 for d in pattern)
        assert pattern[1] - pattern[0] >= 3
    assert math.comb(10, 2) > len(found) > 1
