"""The riding-days rule: visits too far to share a day take a working day each.

The schedule gives every such visit a day trip of its own; an assignment that counted only
hours could promise a mentor more of them than the month has working days.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from tests.conftest import BANDUNG
from tkm_assign import rules
from tkm_assign.assign import assign, assign_baseline
from tkm_assign.assign.costs import pair_data
from tkm_assign.geo.travel import HaversineTravel
from tkm_assign.model import Assignment, NeedLevel, SolveStatus, TechLiteracy
from tkm_assign.schedule import schedule

# About 82 km from Bandung in several directions, all in Jawa Barat: 155-170 minutes by
# motorcycle on the straight-line model, beyond the 150 minutes above which a visit
# rides alone.
FAR = [
    (BANDUNG[0] + 82 / 111.2 * math.sin(a), BANDUNG[1] + 82 / 110.4 * math.cos(a))
    for a in np.radians([0, 20, 40, 60, 100, 120, 140, 160, 180, 200, 220, 280, 300, 320])
]


@pytest.fixture()
def far_case(build, make_participant, make_mentor):
    """One mentor and low-literacy, low-need participants far away: two lone visits a month
    each, so the hours of the tightest month hold more of them than its working days do."""
    mentor = make_mentor("M1", BANDUNG)
    probe, _ = build([], [mentor])
    days = min(rules.working_days_per_month(mentor, probe.config)[: probe.config.programme.months])
    participants = [
        make_participant(f"P{k}", where, tech_literacy=TechLiteracy.LOW, need_level=NeedLevel.LOW)
        for k, where in enumerate(FAR[: days // 2 + 1])
    ]
    problem, candidates = build(participants, [mentor], "schedule.workers=1")
    return problem, candidates, days


def test_a_lone_visit_takes_the_whole_working_day(config, make_participant):
    far = make_participant("P1", BANDUNG, tech_literacy=TechLiteracy.LOW, need_level=NeedLevel.LOW)
    # Two onsite visits a month, nothing online.
    assert rules.monthly_day_use_min(far, 160.0, config) == 2 * rules.daily_minutes(config)
    near = rules.monthly_day_use_min(far, 60.0, config)
    assert near == 2 * (90 + 2 * 60 * config.assign.route_sharing)
    assert near == rules.monthly_load_min(far, 60.0, config)
    assert rules.rides_alone(151.0, config) and not rules.rides_alone(150.0, config)


def test_a_short_riding_limit_makes_visits_ride_alone_sooner(config):
    # Two visits ride at least the farther one's round trip: with 200 riding minutes a day,
    # rides over 100 minutes cannot share their day.
    assert rules.lone_ride_min(config.replace(["work.max_travel_min_per_day=200"])) == 100.0


def test_working_day_capacity_counts_days_whatever_the_paid_hours(config, make_mentor):
    full = make_mentor("M1", BANDUNG)
    part_time = make_mentor("M2", BANDUNG, hours_per_month=40.0)
    days = min(rules.working_days_per_month(full, config)[: config.programme.months])
    assert rules.working_day_capacity_min(full, config) == days * rules.daily_minutes(config)
    assert rules.working_day_capacity_min(part_time, config) == days * rules.daily_minutes(config)
    assert rules.mentor_capacity_min(part_time, config) == 40 * 60


def test_pair_day_use_follows_the_rule(far_case):
    problem, candidates, _ = far_case
    data = pair_data(problem, candidates)
    for k, (i, minutes) in enumerate(
        zip(candidates.participant_idx, candidates.travel_min, strict=True)
    ):
        assert rules.rides_alone(float(minutes), problem.config)
        expected = rules.monthly_day_use_min(
            problem.participants[i], float(minutes), problem.config
        )
        assert data.pair_day_use_min[k] == math.ceil(expected - 1e-9)


@pytest.mark.parametrize("engine", ["auto", "cpsat"])
def test_working_days_limit_the_far_participants_a_mentor_takes(far_case, engine):
    problem, candidates, days = far_case
    data = pair_data(problem, candidates)
    # Hours alone would take every one of them ...
    assert data.pair_load_min.sum() <= data.mentor_capacity_min[0]
    problem = problem.__class__(
        problem.participants, problem.mentors, problem.config.replace([f"assign.engine={engine}"])
    )
    result = assign(problem, candidates)
    # ... but two lone visits each fill the working days of the tightest month.
    served = [p for p, m in result.mentor_of.items() if m is not None]
    assert len(served) == days // 2
    assert result.status == SolveStatus.OPTIMAL
    (left,) = [p for p, m in result.mentor_of.items() if m is None]
    assert str(result.reasons[left]) == (
        "eligible mentors' working days are used up by day trips, a visit too far to share its "
        f"day taking a whole day (M1: {days} working days)"
    )
    baseline = assign_baseline(problem, candidates)
    assert sum(m is not None for m in baseline.mentor_of.values()) == days // 2


def test_the_schedule_makes_every_day_trip_the_assignment_promised(far_case):
    problem, candidates, days = far_case
    travel = HaversineTravel(problem.config.travel)
    result = assign(problem, candidates)
    planned = schedule(problem, result, travel)
    # Only the participant the assignment left out falls short.
    assert {s.participant_id for s in planned.shortfalls} == {
        p for p, m in result.mentor_of.items() if m is None
    }
    # Without the rule the same mentor is promised one participant too many, and the
    # schedule finds the month short of working days.
    everyone = Assignment(
        {p.participant_id: "M1" for p in problem.participants},
        {},
        SolveStatus.FEASIBLE,
        0.0,
        0.0,
        0.0,
        0,
        "by hand",
    )
    short = schedule(problem, everyone, travel).shortfalls
    assert short
    assert any(
        "day trips" in str(s.reason) and f"has {days} working days" in str(s.reason) for s in short
    )
