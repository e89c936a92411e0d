"""The report benchmark's hand-made plan: valid cells a coordinator could type, at any caseload."""

from __future__ import annotations

import pandas as pd

from benchmarks.bench_report import hand_assignments, spread_schedule
from tests.conftest import BANDUNG, GARUT
from tkm_assign.config import Config
from tkm_assign.model import Assignment, NeedLevel, Problem, SolveStatus


def test_a_heavy_caseload_keeps_every_session_within_the_clock(make_participant, make_mentor):
    people = tuple(
        make_participant(f"P{i:02d}", GARUT, need_level=NeedLevel.HIGH, internet=False)
        for i in range(30)
    )
    problem = Problem(people, (make_mentor("M1", BANDUNG),), Config())
    plan = Assignment(
        {p.participant_id: "M1" for p in people}, {}, SolveStatus.FEASIBLE, 0, 0, 0, 0, "hand"
    )
    assignments = hand_assignments(problem, plan)
    assert assignments["mentor_id"].tolist() == ["M1"] * 30
    sessions = spread_schedule(problem, assignments)
    assert not sessions.empty
    assert set(sessions["mode"]) == {"onsite"}  # nobody can meet online
    for column in ("start", "end"):
        clock = pd.to_datetime(sessions[column], format="%H:%M")  # raises on 24:15
        assert clock.notna().all()
    assert (sessions["start"] < sessions["end"]).all()
    per_day = sessions.groupby("date").size()
    assert per_day.max() - per_day.min() <= 3  # spread, not piled on the first days
