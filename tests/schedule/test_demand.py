import datetime as dt

import numpy as np
import pytest

from tests.schedule.factory import config
from tkm_assign.geo.travel import UNREACHABLE_MIN
from tkm_assign.model import Mode
from tkm_assign.schedule.demand import (
    Request,
    day_trip_problem,
    min_gap_days,
    month_requests,
    priority_group,
    priority_key,
    spacing_capacity,
)
from tkm_assign.schedule.job import ScheduleParams


def test_onsite_minimum_first_then_online():
    modes = [r.mode for r in month_requests(0, 1, sessions=3, onsite=1, online_ok=True)]
    assert modes == [Mode.ONSITE, Mode.ONLINE, Mode.ONLINE]


def test_everything_onsite_when_online_is_not_allowed():
    requests = month_requests(0, 1, sessions=4, onsite=1, online_ok=False)
    assert [r.mode for r in requests] == [Mode.ONSITE] * 4
    assert [r.ordinal for r in requests] == [0, 1, 2, 3]


def _order(params: ScheduleParams) -> list[tuple[str, int]]:
    need = {0: "high", 1: "medium", 2: "low"}
    requests = [
        Request(client=r, mode=Mode.ONLINE, ordinal=k, need_rank=r)
        for r in range(3)
        for k in range(4)
    ]
    requests.sort(key=lambda r: priority_key(r, params))
    return [(need[r.need_rank], r.ordinal) for r in requests]


def test_minimum_first_serves_every_minimum_before_extras():
    order = _order(ScheduleParams.of(config()))
    # Everyone's first two sessions (high need first), then the extra ones by need.
    assert order[:6] == [
        ("high", 0),
        ("high", 1),
        ("medium", 0),
        ("medium", 1),
        ("low", 0),
        ("low", 1),
    ]
    assert order[6:] == [
        ("high", 2),
        ("high", 3),
        ("medium", 2),
        ("medium", 3),
        ("low", 2),
        ("low", 3),
    ]


def test_need_first_serves_high_need_completely_first():
    order = _order(ScheduleParams.of(config("schedule.priority=need_first")))
    assert order[:4] == [("high", 0), ("high", 1), ("high", 2), ("high", 3)]
    assert order[-1] == ("low", 3)


def test_priority_groups_cover_zero_to_five():
    params = ScheduleParams.of(config())
    groups = {
        priority_group(Request(0, Mode.ONLINE, k, need), params)
        for need in range(3)
        for k in range(4)
    }
    assert groups == set(range(6))


@pytest.mark.parametrize(
    ("earliest", "gap", "expected"),
    [
        (None, 5, 3),  # Mon 1, Mon 8, Mon 15 March
        (dt.date(2027, 3, 10), 5, 2),  # Wed 10, Mon 15
        (None, 1, 11),
        (None, 14, 2),
    ],
)
def test_spacing_capacity_counts_sessions_a_gap_apart(earliest, gap, expected):
    # Weekdays of 1-15 March 2027 (11 days, starting on a Monday).
    days = [dt.date(2027, 3, 1) + dt.timedelta(days=i) for i in range(15)]
    working = [d for d in days if d.weekday() < 5]
    assert spacing_capacity(working, earliest, gap) == expected


def test_never_two_sessions_on_one_day_even_with_zero_gap():
    assert min_gap_days(ScheduleParams.of(config("sessions.min_days_between=0"))) == 1


def _matrix(out_min: int, back_min: int) -> np.ndarray:
    return np.array([[0, out_min], [back_min, 0]], dtype=np.int64)


def test_day_trip_problem_names_the_limit():
    params = ScheduleParams.of(config("work.max_travel_min_per_day=300"))  # 480-min day
    assert day_trip_problem(_matrix(100, 100), 1, params) is None
    assert day_trip_problem(_matrix(290, 290), 1, params) == (
        "too far for a day trip: 290 min one way, daily limit 300 min round trip"
    )
    long_day = ScheduleParams.of(config("work.max_travel_min_per_day=600"))
    assert "exceed the 480-min working day" in str(day_trip_problem(_matrix(200, 200), 1, long_day))
    assert "another island" in str(
        day_trip_problem(_matrix(UNREACHABLE_MIN, UNREACHABLE_MIN), 1, params)
    )
