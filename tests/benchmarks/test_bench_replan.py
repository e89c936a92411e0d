"""The re-plan benchmark's state: exactly the share withdrawn and the mentors leaving."""

from __future__ import annotations

import datetime as dt

from benchmarks.bench_replan import with_events
from tests.programme.factory import START, config, people
from tkm_assign.model import ParticipantStatus


def test_the_state_has_the_asked_withdrawals_and_departures():
    rows = [
        (f"P{k:02d}", "", -6.9175, 107.6191, "industri_boga", "adequate", "medium", "", "", "")
        for k in range(40)
    ]
    mentors = [(f"M{k}", "", -6.9147, 107.6098, "industri_boga") for k in range(5)]
    problem = people(rows, mentors, config())
    day = START + dt.timedelta(days=44)
    changed = with_events(problem, day, 0.05, 3)
    out = [p for p in changed.participants if p.status is ParticipantStatus.WITHDRAWN]
    assert len(out) == 2  # 5% of 40
    assert all(START + dt.timedelta(days=10) <= p.status_date <= day for p in out)
    gone = [m for m in changed.mentors if m.active_until is not None]
    assert len(gone) == 3 and all(m.active_until <= day for m in gone)
    assert with_events(problem, day, 0.05, 3) == changed  # the same draws every run
