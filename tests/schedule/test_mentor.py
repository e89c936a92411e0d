"""One mentor's month: offered sessions, the monthly limits, clock times."""

import datetime as dt

import numpy as np

from tests.schedule.factory import config
from tkm_assign.messages import Message
from tkm_assign.model import Mode
from tkm_assign.schedule.demand import priority_key
from tkm_assign.schedule.job import ClientNeed, MentorJob, MonthCalendar, ScheduleParams
from tkm_assign.schedule.mentor import (
    client_requests,
    fit_month_budget,
    month_deadlines,
    plan_month,
)

MONDAY = dt.date(2027, 3, 1)


def _job(
    travel: list[list[int]], clients: list[ClientNeed], days: int, budget_min: int
) -> MentorJob:
    dates = tuple(d for d in (MONDAY + dt.timedelta(days=i) for i in range(31)) if d.weekday() < 5)
    calendar = MonthCalendar(1, MONDAY, MONDAY + dt.timedelta(days=31), dates[:days], budget_min)
    matrix = np.array(travel, dtype=np.int64)
    return MentorJob(
        "M07", tuple(clients), matrix, matrix * 500, (calendar,), ScheduleParams.of(config())
    )


def _client(i: int, sessions: int = 2, onsite: int = 1, online_ok: bool = True) -> ClientNeed:
    return ClientNeed(f"P{i}", i, 1, (sessions,), (onsite,), online_ok, phase=0.0)


def _requests(job: MentorJob) -> list:
    reasons: dict[int, list[Message]] = {i: [] for i in range(len(job.clients))}
    out = [
        r
        for i in range(len(job.clients))
        for r in client_requests(job, job.months[0], i, None, reasons[i])
    ]
    return sorted(out, key=lambda r: priority_key(r, job.params)), reasons


def _texts(reasons: dict[int, list[Message]]) -> dict[int, list[str]]:
    return {i: [str(r) for r in rs] for i, rs in reasons.items()}


def test_trips_beyond_the_working_days_are_dropped_with_a_reason():
    # Three participants 100 min from home in different directions, 200 min from each other:
    # three separate day trips (290 min each) but only two working days.
    travel = [[0, 100, 100, 100], [100, 0, 200, 200], [100, 200, 0, 200], [100, 200, 200, 0]]
    clients = [_client(i, sessions=1, onsite=1) for i in (1, 2, 3)]
    job = _job(travel, clients, days=2, budget_min=10_000)
    requests, reasons = _requests(job)
    kept, trips = fit_month_budget(job, job.months[0], requests, reasons)
    assert len(trips) == 2 and len(kept) == 2
    assert _texts(reasons) == {
        0: [],
        1: [],
        2: ["mentor M07 needs 3 day trips in month 1, has 2 working days"],
    }


def test_minutes_beyond_the_month_are_dropped_with_a_reason():
    travel = [[0, 30], [30, 0]]
    job = _job(travel, [_client(1, sessions=4, onsite=1)], days=20, budget_min=4 * 60)
    requests, reasons = _requests(job)
    kept, _ = fit_month_budget(job, job.months[0], requests, reasons)
    # 60 riding + 90 visit + 3 x 60 online = 330 min > 240: the last online session goes.
    assert [r.mode for r in kept] == [Mode.ONSITE, Mode.ONLINE]
    assert _texts(reasons)[0] == ["mentor M07 needs 5.5 h in month 1, has 4 h"]


def test_no_more_sessions_than_fit_a_gap_apart():
    job = _job([[0, 30], [30, 0]], [_client(1, sessions=4)], days=5, budget_min=10_000)
    requests, reasons = _requests(job)
    assert len(requests) == 1  # five consecutive weekdays hold one session 5 days apart
    assert _texts(reasons)[0] == [
        "only 1 session(s) fit in month 1 at least 5 days apart on the mentor's 5 working days"
    ]


def test_online_sessions_start_the_day_then_the_trip_rides():
    travel = [[0, 40, 50], [40, 0, 20], [50, 20, 0]]
    clients = [_client(1, sessions=2, onsite=1), _client(2, sessions=2, onsite=1)]
    job = _job(travel, clients, days=22, budget_min=10_000)
    plan = plan_month(job, job.months[0], {})
    assert len(plan.routes) == 1 and plan.shortfalls == []
    route = plan.routes[0]
    assert route.travel_min == 40 + 20 + 50 or route.travel_min == 50 + 20 + 40
    for s in plan.sessions:
        if s.date == route.date and s.mode is Mode.ONLINE:
            assert s.end_min <= route.depart_min
    assert route.return_min - route.depart_min == route.travel_min + 2 * 90
    dates = sorted({s.date for s in plan.sessions if s.participant_id == "P1"})
    assert (dates[1] - dates[0]).days >= 5


def test_a_late_previous_session_is_named_when_it_costs_a_session():
    # Seven weekdays (1-9 March) hold two sessions 5 days apart (1 and 8 March), but after
    # a session on 28 February only one (5 March).
    job = _job([[0, 30], [30, 0]], [_client(1, sessions=2)], days=7, budget_min=10_000)
    reasons: list[Message] = []
    requests = client_requests(job, job.months[0], 0, dt.date(2027, 2, 28), reasons)
    assert len(requests) == 1
    assert [str(r) for r in reasons] == [
        "only 1 session(s) fit in month 1 at least 5 days apart on the mentor's 7 working days "
        "after the session on 2027-02-28"
    ]


def test_plan_month_keeps_the_look_ahead_deadline():
    job = _job([[0, 30], [30, 0]], [_client(1, sessions=2)], days=22, budget_min=10_000)
    plan = plan_month(job, job.months[0], {}, deadlines={0: dt.date(2027, 3, 10)})
    dates = sorted(s.date for s in plan.sessions)
    assert len(dates) == 2 and plan.shortfalls == []
    assert dates[-1] <= dt.date(2027, 3, 10) and (dates[1] - dates[0]).days >= 5


def test_month_deadlines_move_only_where_sessions_would_not_fit():
    clients = [_client(i) for i in (1, 2, 3)]
    job = _job([[0] * 4] * 4, clients, days=22, budget_min=10_000)
    latest = month_deadlines(
        job,
        job.months[0],
        offered={0: 2, 1: 2, 2: 2},
        last={0: dt.date(2027, 2, 26)},
        deadlines={0: dt.date(2027, 3, 3), 1: dt.date(2027, 3, 19)},
    )
    # Client 0 may start on 3 March: two sessions end on 8 March at the earliest.
    assert latest == {0: dt.date(2027, 3, 8), 1: dt.date(2027, 3, 19)}
