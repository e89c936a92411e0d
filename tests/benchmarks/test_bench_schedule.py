"""The schedule benchmark's lower bound and reason counting."""

from __future__ import annotations

import itertools
from collections import Counter

import numpy as np
import pytest

from benchmarks.bench_schedule import (
    day_routes,
    exception_kind,
    matching_bound,
    neighbour_bound,
    partition_bound,
    radial_bound,
    radial_routes,
    reason_kind,
)


def _best_routes(legs: np.ndarray, nodes: list[int], day_min: int, visit_min: int) -> float:
    """Least riding of any split of the visits into day routes (exhaustive, tiny cases)."""

    def tour(stops: tuple[int, ...]) -> float:
        return min(
            sum(legs[a, b] for a, b in itertools.pairwise((0, *order, 0)))
            for order in itertools.permutations(stops)
        )

    best = float("inf")

    def split(rest: list[int], so_far: float) -> None:
        nonlocal best
        if not rest:
            best = min(best, so_far)
            return
        first, others = rest[0], rest[1:]
        for size in range(len(others) + 1):
            for mates in itertools.combinations(range(len(others)), size):
                stops = (first, *(others[i] for i in mates))
                if len({nodes[s] for s in stops}) < len(stops):
                    continue  # one participant twice on one day
                riding = tour(tuple(nodes[s] for s in stops))
                if riding + visit_min * len(stops) > day_min:
                    continue
                left = [o for i, o in enumerate(others) if i not in mates]
                split(left, so_far + riding)

    split(list(range(len(nodes))), 0.0)
    return best


@pytest.mark.parametrize("seed", range(12))
def test_every_lower_bound_is_below_the_best_split_into_day_routes(seed):
    rng = np.random.default_rng(seed)
    xy = rng.uniform(0, 60, size=(5, 2))
    legs = np.rint(np.linalg.norm(xy[:, None] - xy[None, :], axis=2))
    nodes = [int(n) for n in rng.integers(1, 5, size=5)]  # a participant may come twice
    day_min, visit_min = 300, 60
    best = _best_routes(legs, nodes, day_min, visit_min)
    round_trip = np.array([legs[0, n] * 2 for n in nodes])
    routes = radial_routes(round_trip, day_min, visit_min)
    masks, tours = day_routes(legs.astype(np.int64), day_min, visit_min, 10**6)
    for bound in (
        neighbour_bound(legs, nodes),
        radial_bound(round_trip, day_min, visit_min),
        matching_bound(legs, nodes, routes),
        partition_bound(masks, tours, Counter(nodes)),
    ):
        assert bound <= best + 1e-6


def test_day_route_partition_is_exact_where_its_relaxation_is_integral():
    # Home 10 min from a and b (2 min apart), c 150 min away: a and b share a day
    # (22 min), c rides alone (300 min: with another stop the day would be 490 min); a
    # second visit of a rides out and back (20 min).
    legs = np.array(
        [[0, 10, 10, 150], [10, 0, 2, 150], [10, 2, 0, 150], [150, 150, 150, 0]], dtype=np.int64
    )
    masks, tours = day_routes(legs, 480, 90, 360)
    assert dict(zip(masks.tolist(), tours.tolist(), strict=True))[0b0110] == 22.0
    assert partition_bound(masks, tours, Counter({1: 1, 2: 1, 3: 1})) == pytest.approx(322.0)
    assert partition_bound(masks, tours, Counter({1: 2, 2: 1})) == pytest.approx(42.0)


def test_day_routes_keep_the_working_day_and_riding_limits_on_shortest_paths():
    # The direct leg a -> b is 50 min, through home 20: the closed minutes price a-b at 20.
    legs = np.array([[0, 10, 10], [10, 0, 50], [10, 50, 0]], dtype=np.int64)
    masks, tours = day_routes(legs, 480, 90, 360)
    assert dict(zip(masks.tolist(), tours.tolist(), strict=True)) == {
        0b010: 20.0,
        0b100: 20.0,
        0b110: 40.0,
    }
    # A 200-min working day holds one 90-min visit with its riding, not two.
    masks, _ = day_routes(legs, 200, 90, 360)
    assert sorted(masks.tolist()) == [0b010, 0b100]
    # A 30-min riding limit keeps only the 20-min round trips.
    masks, _ = day_routes(legs, 480, 90, 30)
    assert sorted(masks.tolist()) == [0b010, 0b100]


def test_home_legs_in_full_make_the_neighbour_bound_exact_for_one_route():
    # Home 10 min from both, 2 min apart: h-a-b-h rides 22, and both bounds say so.
    legs = np.array([[0.0, 10.0, 10.0], [10.0, 0.0, 2.0], [10.0, 2.0, 0.0]])
    assert neighbour_bound(legs, [1, 2]) == 22.0
    assert matching_bound(legs, [1, 2], 1) == pytest.approx(22.0)
    # Two routes needed: each visit its own round trip.
    assert matching_bound(legs, [1, 2], 2) == pytest.approx(40.0)


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


def test_whole_programme_placement_leaves_only_what_the_calendar_forces():
    from benchmarks.bench_schedule import calendar_missing

    prob, _, _, whole = _stress_plan()
    mentors = {m.mentor_id: m for m in prob.mentors}
    short: dict[str, int] = {}
    for s in whole.shortfalls:
        short[s.participant_id] = short.get(s.participant_id, 0) + s.required - s.planned
    for p in prob.participants:
        forced = calendar_missing(prob, p, mentors[f"M{p.participant_id[1]}"])
        assert short.get(p.participant_id, 0) == forced, p.participant_id


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
