import datetime as dt

import numpy as np
import pytest

from tests.schedule.factory import config
from tkm_assign.geo.travel import UNREACHABLE_MIN
from tkm_assign.model import Mode
from tkm_assign.schedule.demand import (
    Request,
    day_trip_problem,
    latest_start,
    look_ahead_deadlines,
    min_gap_days,
    month_deadline,
    month_requests,
    packed_dates,
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


def _weekdays(first: dt.date, last: dt.date, skip: tuple[dt.date, ...] = ()) -> list[dt.date]:
    days = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    return [d for d in days if d.weekday() < 5 and d not in skip]


# Mentor M118 of the national sample: month 2 is 5 Aug - 4 Sep 2027, away 15-22 August,
# 17 August a holiday; months 1 and 3 are plain weekdays.
AUGUST_LEAVE = tuple(dt.date(2027, 8, 15) + dt.timedelta(days=i) for i in range(8))
M118_MONTHS = (
    _weekdays(dt.date(2027, 7, 5), dt.date(2027, 8, 4)),
    _weekdays(dt.date(2027, 8, 5), dt.date(2027, 9, 4), (*AUGUST_LEAVE, dt.date(2027, 8, 17))),
    _weekdays(dt.date(2027, 9, 5), dt.date(2027, 10, 4)),
)


def test_packed_dates_take_the_earliest_day_each_time():
    month = M118_MONTHS[1]
    assert packed_dates(month, None, 5, 4) == [
        dt.date(2027, 8, 5),
        dt.date(2027, 8, 10),
        dt.date(2027, 8, 23),
        dt.date(2027, 8, 30),
    ]
    assert packed_dates(month, dt.date(2027, 8, 7), 5, 4) == [
        dt.date(2027, 8, 9),
        dt.date(2027, 8, 23),
        dt.date(2027, 8, 30),
    ]


def test_latest_start_is_the_last_first_day_that_still_fits():
    month = M118_MONTHS[1]
    # Backwards: 3 Sep, 27 Aug, 13 Aug, 6 Aug.
    assert latest_start(month, 4, 5) == dt.date(2027, 8, 6)
    assert spacing_capacity(month, dt.date(2027, 8, 6), 5) == 4
    assert spacing_capacity(month, dt.date(2027, 8, 9), 5) == 3
    assert latest_start(month, 1, 5) == dt.date(2027, 9, 3)
    assert latest_start(month, 5, 5) is None
    assert latest_start(month, 0, 5) is None


def test_look_ahead_ends_a_month_early_enough_for_the_next():
    # Month 2's four sessions must start by 6 August: month 1 ends 5 days before.
    assert look_ahead_deadlines(M118_MONTHS, (4, 4, 4), 5) == (
        dt.date(2027, 8, 1),
        dt.date(2027, 9, 12),  # after month 2's last working day: no limit in practice
        None,
    )
    # Two sessions in month 2 fit from late August on; a programme of two months, no month 3.
    assert look_ahead_deadlines(M118_MONTHS, (4, 2), 5) == (dt.date(2027, 8, 22), None)


def test_look_ahead_can_leave_the_next_month_a_spare_session():
    # Three sessions in month 2 start by 13 August (13, 27 Aug, 3 Sep); room for a fourth
    # moves the start to 6 August and month 1's end to 1 August.
    assert look_ahead_deadlines(M118_MONTHS, (3, 3), 5) == (dt.date(2027, 8, 8), None)
    assert look_ahead_deadlines(M118_MONTHS, (3, 3), 5, spare=1) == (dt.date(2027, 8, 1), None)
    # Never more than the month can hold: four is already the most month 2 fits.
    assert look_ahead_deadlines(M118_MONTHS, (4, 4), 5, spare=1) == (dt.date(2027, 8, 1), None)


def test_look_ahead_asks_the_next_month_only_what_it_can_hold():
    # Month 2 with only 5 and 30 August: two sessions at most, starting on 5 August.
    sparse = ([dt.date(2027, 7, 5)], [dt.date(2027, 8, 5), dt.date(2027, 8, 30)])
    assert look_ahead_deadlines(sparse, (1, 4), 5) == (dt.date(2027, 7, 31), None)
    assert look_ahead_deadlines(([dt.date(2027, 7, 5)], []), (1, 4), 5) == (None, None)


def test_look_ahead_chains_back_over_months():
    # Month 3 holds its 2 sessions only on 6 and 11 October, so month 2 ends by 1 October:
    # on 20 and 27 September, not 27 September and 4 October; month 1 ends by 15 September
    # (it could run to 22 September if month 2 could end on 4 October).
    months = (
        _weekdays(dt.date(2027, 9, 1), dt.date(2027, 9, 17)),
        [dt.date(2027, 9, 20), dt.date(2027, 9, 27), dt.date(2027, 10, 4)],
        [dt.date(2027, 10, 6), dt.date(2027, 10, 11)],
    )
    assert look_ahead_deadlines(months, (2, 2, 2), 5) == (
        dt.date(2027, 9, 15),
        dt.date(2027, 10, 1),
        None,
    )
    assert look_ahead_deadlines(months[:2], (2, 2), 5) == (dt.date(2027, 9, 22), None)


def test_a_deadline_never_costs_the_month_its_own_sessions():
    month = M118_MONTHS[0]
    # Four sessions from 5 July end on 20 July at the earliest: the deadline 1 Aug stays.
    assert month_deadline(month, None, 5, 4, dt.date(2027, 8, 1)) == dt.date(2027, 8, 1)
    # Three sessions from 19 July end on 2 August at the earliest (19, 26 July, 2 August).
    assert month_deadline(month, dt.date(2027, 7, 19), 5, 3, dt.date(2027, 7, 28)) == (
        dt.date(2027, 8, 2)
    )
    assert month_deadline(month, None, 5, 4, None) is None
    assert month_deadline(month, None, 5, 4, dt.date(2027, 8, 20)) is None  # after the month


def test_never_two_sessions_on_one_day_even_with_zero_gap():
    assert min_gap_days(ScheduleParams.of(config("sessions.min_days_between=0"))) == 1


def _matrix(out_min: int, back_min: int) -> np.ndarray:
    return np.array([[0, out_min], [back_min, 0]], dtype=np.int64)


def test_day_trip_problem_names_the_limit():
    params = ScheduleParams.of(config("work.max_travel_min_per_day=300"))  # 480-min day
    assert day_trip_problem(_matrix(100, 100), 1, params) is None
    assert str(day_trip_problem(_matrix(290, 290), 1, params)) == (
        "too far for a day trip: 290 min one way, daily limit 300 min round trip"
    )
    long_day = ScheduleParams.of(config("work.max_travel_min_per_day=600"))
    assert "exceed the 480-min working day" in str(day_trip_problem(_matrix(200, 200), 1, long_day))
    assert "another island" in str(
        day_trip_problem(_matrix(UNREACHABLE_MIN, UNREACHABLE_MIN), 1, params)
    )
