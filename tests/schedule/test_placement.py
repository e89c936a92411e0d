"""Each placement rule on a tiny month, for the greedy pass and the CP-SAT model alike."""

import datetime as dt
import itertools
from collections.abc import Callable

import pytest

from tkm_assign.schedule.placement import (
    OnlineItem,
    Placement,
    PlacementInput,
    TripItem,
    greedy_place,
    place,
    search_place,
)

MONDAY = dt.date(2027, 3, 1)


def _days(n: int, step: int = 1) -> tuple[dt.date, ...]:
    return tuple(MONDAY + dt.timedelta(days=step * i) for i in range(n))


def _input(**kw) -> PlacementInput:
    defaults = {
        "days": _days(10),
        "trips": (),
        "online": (),
        "day_min": 480,
        "budget_min": 10_000,
        "gap_days": 5,
    }
    return PlacementInput(**(defaults | kw))


def _search(inp: PlacementInput) -> Placement:
    return search_place(inp, limit=1.0, seed=1)


SOLVERS: list[Callable[[PlacementInput], Placement]] = [greedy_place, _search]


def _online_count(p: Placement) -> int:
    return sum(len(days) for days in p.online_days.values())


@pytest.mark.parametrize("solve", SOLVERS)
def test_one_trip_a_day(solve):
    inp = _input(days=_days(1), trips=(TripItem((0,), 200, 4), TripItem((1,), 200, 4)))
    assert sum(d is not None for d in solve(inp).trip_day) == 1


@pytest.mark.parametrize("solve", SOLVERS)
def test_a_trip_rides_once(solve):
    inp = _input(trips=(TripItem((0, 1), 300, 8),))
    assert solve(inp).trip_day[0] is not None


@pytest.mark.parametrize("solve", SOLVERS)
def test_the_working_day_holds_the_trip_and_online_sessions(solve):
    # One day of 480 min: a 400-min trip leaves room for one 60-min session, not two.
    inp = _input(
        days=_days(1),
        trips=(TripItem((0,), 400, 64),),
        online=(OnlineItem(1, (4,), 60), OnlineItem(2, (4,), 60)),
    )
    result = solve(inp)
    assert result.trip_day == (0,)
    assert _online_count(result) == 1


@pytest.mark.parametrize("solve", SOLVERS)
def test_the_month_budget_holds(solve):
    inp = _input(online=tuple(OnlineItem(c, (4,), 60) for c in range(5)), budget_min=180)
    assert _online_count(solve(inp)) == 3


@pytest.mark.parametrize("solve", SOLVERS)
def test_sessions_of_one_participant_keep_the_gap(solve):
    # Ten consecutive days, gap 5: at most two sessions (days 0 and 5, ...).
    inp = _input(trips=(TripItem((0,), 200, 16),), online=(OnlineItem(0, (4, 4, 4), 60),))
    result = solve(inp)
    days = sorted([result.trip_day[0], *result.online_days.get(0, ())])
    assert len(days) == 2 and days[1] - days[0] >= 5


@pytest.mark.parametrize("solve", SOLVERS)
def test_nothing_before_the_earliest_day(solve):
    inp = _input(online=(OnlineItem(0, (4, 4), 60),), earliest={0: MONDAY + dt.timedelta(days=7)})
    result = solve(inp)
    assert result.online_days[0] == (7,)


@pytest.mark.parametrize("solve", SOLVERS)
def test_nothing_after_the_latest_day(solve):
    # Participant 0 must be done by day 6 (the look-ahead deadline): two sessions, days 0
    # and 5 or 6, and its trip with participant 1 also by day 6.
    inp = _input(
        trips=(TripItem((0, 1), 300, 16),),
        online=(OnlineItem(0, (4,), 60), OnlineItem(1, (4,), 60)),
        latest={0: MONDAY + dt.timedelta(days=6)},
        preferred={0: (MONDAY.toordinal() + 8,), 1: (MONDAY.toordinal() + 9,)},
    )
    result = solve(inp)
    assert result.trip_day[0] is not None and result.trip_day[0] <= 6
    assert len(result.online_days[0]) == 1 and result.online_days[0][0] <= 6
    days = sorted([result.trip_day[0], *result.online_days[0]])
    assert days[1] - days[0] >= 5


@pytest.mark.parametrize("solve", SOLVERS)
def test_heavier_sessions_win_a_scarce_slot(solve):
    inp = _input(
        days=_days(1),
        online=(OnlineItem(0, (1,), 60), OnlineItem(1, (16,), 60)),
        day_min=60,
    )
    assert solve(inp).online_days == {1: (0,)}


def test_greedy_follows_preferred_days():
    inp = _input(online=(OnlineItem(0, (4,), 60),), preferred={0: (MONDAY.toordinal() + 6,)})
    assert greedy_place(inp).online_days == {0: (6,)}


def test_search_finds_what_the_greedy_pass_misses():
    # Trip A (participants 0, 1) and trip B (1, 2) must be 5 days apart; days are Mon-Fri of
    # two weeks. Participant 2 also has a trip C with 0.
    days = tuple(d for d in _days(12) if d.weekday() < 5)
    inp = _input(
        days=days,
        trips=(TripItem((0, 1), 300, 4), TripItem((1, 2), 300, 4), TripItem((2, 0), 300, 4)),
        gap_days=4,
    )
    result = place(inp, limit=1.0, seed=1)
    placed = [d for d in result.trip_day if d is not None]
    ordinals = sorted(days[d].toordinal() for d in placed)
    assert len(placed) == 3
    assert all(b - a >= 4 for a, b in itertools.pairwise(ordinals))


def test_nothing_to_place_needs_no_search():
    assert place(_input(days=()), limit=1.0, seed=1) == Placement((), {}, solved=True)
