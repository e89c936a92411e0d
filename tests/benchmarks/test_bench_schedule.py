"""The schedule benchmark's lower bound and reason counting."""

from __future__ import annotations

import numpy as np

from benchmarks.bench_schedule import exception_kind, radial_bound, reason_kind


def test_radial_bound_fills_each_route_from_the_farthest_visit():
    # 480-min day, 90-min visits: a 300-min round trip leaves room for 2 stops, a 100-min
    # one for 4. Farthest (300) takes itself and 250; 100 takes the three near ones.
    trips = np.array([300.0, 250.0, 100.0, 60.0, 40.0])
    assert radial_bound(trips, 480, 90) == 300.0 + 100.0


def test_radial_bound_of_one_visit_is_its_round_trip():
    assert radial_bound(np.array([120.0]), 480, 90) == 120.0


def test_a_visit_that_fills_the_day_alone_still_counts_once():
    assert radial_bound(np.array([450.0, 450.0]), 480, 90) == 900.0


def test_reason_kinds_drop_numbers_and_mentor_ids():
    assert reason_kind("mentor M032's working days in month 2 are full") == (
        "mentor # working days in month # are full"
    )
    assert (
        reason_kind(
            "only 3 session(s) fit in month 2 at least 5 days apart on the mentor's 17 working days"
        )
        == "only # session(s) fit in month # at least # days apart on the mentor's # working days"
    )
    assert reason_kind("no mentor assigned: nearest mentor in Aceh is 181 min away") == (
        "no mentor assigned"
    )


def test_exceptions_are_sorted_into_calendar_spacing_days_full_and_other():
    assert exception_kind(
        "only 3 session(s) fit in month 2 at least 5 days apart on the mentor's 17 working days"
    ) == ("calendar spacing")
    assert exception_kind(
        "no working day in month 2 is 5 or more days away from the participant's other sessions"
    ) == ("calendar spacing")
    assert exception_kind("mentor M032's working days in month 2 are full") == "days full"
    assert exception_kind("mentor M07 needs 212 h in month 2, has 168 h") == "hours short"
    assert (
        exception_kind("mentor M032 needs 22 day trips in month 2, has 21 working days")
        == "day trips short"
    )
    assert exception_kind("no mentor assigned: none within reach") == "other"


def _stress_plan(*overrides: str):
    import dataclasses

    from benchmarks.bench_schedule import stress_problem
    from tkm_assign.geo.travel import HaversineTravel
    from tkm_assign.model import Assignment, SolveStatus
    from tkm_assign.schedule import schedule

    prob = stress_problem()
    prob = dataclasses.replace(prob, config=prob.config.replace(["schedule.workers=1", *overrides]))
    mentor_of = {p.participant_id: f"M{p.participant_id[1]}" for p in prob.participants}
    assignment = Assignment(mentor_of, {}, SolveStatus.FEASIBLE, 0.0, 0.0, 0.0, 0, "test")
    travel = HaversineTravel(prob.config.travel)
    return prob, assignment, travel, schedule(prob, assignment, travel)


def test_whole_programme_placement_recovers_what_months_one_by_one_lose():
    from tests.schedule.factory import check_invariants

    def missing(plan) -> int:
        return sum(s.required - s.planned for s in plan.shortfalls)

    *_, monthly = _stress_plan("schedule.programme_limit=0")
    prob, assignment, travel, whole = _stress_plan()
    check_invariants(prob, assignment, whole, travel)
    assert missing(whole) < missing(monthly)


def test_the_calendar_forces_what_no_plan_can_fit():
    from benchmarks.bench_schedule import calendar_missing

    prob, *_ = _stress_plan()
    mentors = {m.mentor_id: m for m in prob.mentors}
    forced = {
        p.participant_id: calendar_missing(prob, p, mentors[f"M{p.participant_id[1]}"])
        for p in prob.participants
    }
    # Mon;Wed;Thu with a leave week: three Mondays a week apart at most in some months.
    assert any(n > 0 for pid, n in forced.items() if pid.startswith("P2"))
    assert all(n >= 0 for n in forced.values())
