"""The audit finds each rule violation planted in a clean hand-made plan, and nothing else."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import pytest

from tests.audit.conftest import with_config, with_mentor, with_participant
from tkm_assign.audit import VIOLATION, audit_plan
from tkm_assign.geo.travel import HaversineTravel
from tkm_assign.model import Problem

Frames = tuple[pd.DataFrame, pd.DataFrame | None]


def test_clean_plan_is_clean(audit_problem, clean_assignments, clean_schedule, travel):
    result = audit_plan(audit_problem, clean_assignments, clean_schedule, travel)
    assert result.clean
    # The only finding is the soft-rule sector mismatch, which is a note.
    assert result.violations[["rule", "severity"]].values.tolist() == [["sector", "note"]]
    assert result.summary["violations"] == 0 and result.summary["notes"] == 1


def test_clean_assignment_without_schedule_is_clean(audit_problem, clean_assignments, travel):
    result = audit_plan(audit_problem, clean_assignments, None, travel)
    assert result.clean
    assert result.tables.schedule is None


def _row(schedule: pd.DataFrame, pid: str, nth: int, mode: str | None = None) -> int:
    """Index of the participant's nth session (of a mode), in date order."""
    mine = schedule[schedule["participant_id"] == pid]
    if mode:
        mine = mine[mine["mode"] == mode]
    return int(mine.sort_values("date").index[nth])


def _set(schedule: pd.DataFrame, index: int, **values: str) -> pd.DataFrame:
    out = schedule.copy()
    for column, value in values.items():
        out.loc[index, column] = value
    return out


@dataclass(frozen=True)
class Plant:
    """How to break a clean plan and which violations (exactly) that must produce."""

    rules: frozenset[str]
    frames: Callable[[pd.DataFrame, pd.DataFrame], Frames]
    problem: Callable[[Problem], Problem] = lambda p: p


def _assign(pid: str, mid: str) -> Callable[[pd.DataFrame, pd.DataFrame], Frames]:
    def change(a: pd.DataFrame, s: pd.DataFrame) -> Frames:
        a = a.copy()
        a.loc[a["participant_id"] == pid, "mentor_id"] = mid
        return a, None

    return change


def _keep(a: pd.DataFrame, s: pd.DataFrame) -> Frames:
    return a, s


def _assignment_only(a: pd.DataFrame, s: pd.DataFrame) -> Frames:
    return a, None


PLANTS = {
    "caseload": Plant(
        frozenset({"caseload"}), _assignment_only, lambda p: with_mentor(p, "M1", max_caseload=3)
    ),
    "monthly_hours": Plant(
        frozenset({"monthly_hours"}),
        _assignment_only,
        lambda p: with_mentor(p, "M1", hours_per_month=10.0),
    ),
    "province": Plant(frozenset({"province"}), _assign("J1", "M1")),
    "sector_hard": Plant(
        frozenset({"sector"}), _keep, lambda p: with_config(p, "assign.sector_rule=hard")
    ),
    "pinned": Plant(
        frozenset({"pinned"}), _keep, lambda p: with_participant(p, "A1", pinned_mentor_id="M3")
    ),
    "excluded": Plant(
        frozenset({"excluded"}),
        _keep,
        lambda p: with_participant(p, "A2", excluded_mentor_ids=frozenset({"M1"})),
    ),
    "max_travel": Plant(
        frozenset({"max_travel"}),
        _assignment_only,
        lambda p: with_config(p, "travel.max_travel_min=70"),
    ),
    "unreachable": Plant(frozenset({"province", "unreachable"}), _assign("B1", "M1")),
    "wrong_mentor": Plant(
        frozenset({"wrong_mentor"}),
        lambda a, s: (a, _set(s, _row(s, "A1", 0, "online"), mentor_id="M2")),
    ),
    "outside_programme": Plant(
        frozenset({"outside_programme"}),
        # A1's last session (month 3, online) moved to a Wednesday after the programme.
        lambda a, s: (a, _set(s, _row(s, "A1", -1), date="2027-10-20")),
    ),
    "sessions_per_month": Plant(
        frozenset({"sessions_per_month"}),
        lambda a, s: (a, s.drop(index=[_row(s, "A1", 1), _row(s, "A1", 2)])),
    ),
    "onsite_minimums": Plant(
        frozenset({"onsite_month", "onsite_programme"}),
        lambda a, s: (a, _set(s, _row(s, "A1", 1, "onsite"), mode="daring")),
    ),
    "online_not_allowed": Plant(
        frozenset({"online_not_allowed"}),
        lambda a, s: (a, _set(s, _row(s, "A3", 1), mode="online")),
    ),
    "holiday": Plant(
        frozenset({"holiday"}),
        # A3 meets on Wednesdays: 18 August becomes 17 August, Independence Day.
        lambda a, s: (a, _set(s, _row(s, "A3", 4), date="2027-08-17")),
    ),
    "non_working_day": Plant(
        frozenset({"non_working_day"}),
        lambda a, s: (a, _set(s, _row(s, "A1", 1), date="2027-07-10")),  # a Saturday
    ),
    "unavailable": Plant(
        frozenset({"unavailable"}),
        _keep,
        # A2's online session on 13 July falls in M1's leave.
        lambda p: with_mentor(p, "M1", unavailable=((dt.date(2027, 7, 12), dt.date(2027, 7, 13)),)),
    ),
    "working_hours": Plant(
        frozenset({"working_hours"}),
        lambda a, s: (a, _set(s, _row(s, "A1", 1), start="16:00", end="17:00")),
    ),
    "working_hours_route": Plant(
        frozenset({"working_hours"}),
        # An onsite visit to Garut starting 08:15 means leaving home before 08:00.
        lambda a, s: (a, _set(s, _row(s, "A3", 0), start="08:15", end="09:45")),
    ),
    "session_length": Plant(
        frozenset({"session_length"}),
        lambda a, s: (a, _set(s, _row(s, "A1", 1), start="13:00", end="13:30")),
    ),
    "overlap": Plant(
        frozenset({"overlap"}),
        # A4's online session moved to Tuesday 13 July at 13:30, into A2's 13:00-14:00.
        lambda a, s: (a, _set(s, _row(s, "A4", 1), date="2027-07-13", start="13:30", end="14:30")),
    ),
    "travel_gap": Plant(
        frozenset({"travel_gap"}),
        # A4's first visit (Sumedang) moved to Garut day, right after the Garut visit.
        lambda a, s: (
            a,
            _set(s, _row(s, "A4", 0), date="2027-07-07", start="11:10", end="12:40"),
        ),
    ),
    "spacing": Plant(
        frozenset({"spacing"}),
        lambda a, s: (a, _set(s, _row(s, "A1", 1), date="2027-07-07")),
    ),
    "daily_travel": Plant(
        frozenset({"daily_travel"}),
        _keep,
        lambda p: with_config(p, "work.max_travel_min_per_day=120"),
    ),
    "month_hours": Plant(
        frozenset({"month_hours", "monthly_hours"}),
        _keep,
        lambda p: with_mentor(p, "M1", hours_per_month=18.0),
    ),
}


@pytest.mark.parametrize("name", sorted(PLANTS))
def test_each_planted_violation_is_found(name, audit_problem, clean_assignments, clean_schedule):
    plant = PLANTS[name]
    problem = plant.problem(audit_problem)
    assignments, schedule = plant.frames(clean_assignments, clean_schedule)
    result = audit_plan(problem, assignments, schedule, HaversineTravel(problem.config.travel))
    found = set(result.violations.loc[result.violations["severity"] == VIOLATION, "rule"])
    assert found == plant.rules, result.violations.to_string()
    assert not result.clean


def test_soft_sector_mismatch_is_a_note_and_unassigned_a_note(
    audit_problem, clean_assignments, travel
):
    plan = clean_assignments.copy()
    plan.loc[plan["participant_id"] == "A2", "mentor_id"] = "-"
    result = audit_plan(audit_problem, plan.iloc[:-1], None, travel)  # J1 not listed
    notes = result.violations[result.violations["severity"] == "note"]
    assert set(zip(notes["rule"], notes["participant_id"], strict=True)) == {
        ("sector", "A4"),
        ("unassigned", "A2"),
        ("unassigned", "J1"),
    }
    details = dict(zip(notes["participant_id"], notes["details"], strict=True))
    assert str(details["J1"]) == "not listed in the plan"
    assert result.clean
