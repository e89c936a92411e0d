import datetime as dt
import math

import pytest

from tests.schedule.factory import all_to, assign, config, mentor, participant, problem, travel_of
from tkm_assign.model import Mode, Route, Schedule, Session, Shortfall, TechLiteracy
from tkm_assign.report.schedule import hhmm, month_of, schedule_summary, schedule_tables
from tkm_assign.report.tables import (
    ROUTE_COLUMNS,
    SCHEDULE_COLUMNS,
    SHORTFALL_COLUMNS,
    WORKLOAD_COLUMNS,
)
from tkm_assign.schedule import schedule

DAY = dt.date(2027, 7, 6)


def _tiny():
    """One mentor, two participants, month 1 of a 3-month programme written by hand."""
    cfg = config()
    people = [participant("P1", north_km=10), participant("P2", east_km=10)]
    prob = problem(people, [mentor("M1")], cfg)
    assignment = all_to("M1", people)
    sessions = (
        Session("M1-001", "M1", "P2", DAY, 480, 540, Mode.ONLINE, 1, 0),
        Session("M1-002", "M1", "P1", DAY, 560, 650, Mode.ONSITE, 1, 20, 13_000),
    )
    routes = (Route("M1", DAY, 540, 670, ("P1",), 40, 26_049),)
    shortfalls = (
        Shortfall("P1", "M1", 1, 1, 3, 1, 1, "mentor M1 needs 212 h in month 1, has 168 h"),
    )
    starts = (dt.date(2027, 7, 5), dt.date(2027, 8, 5), dt.date(2027, 9, 5), dt.date(2027, 10, 5))
    return prob, assignment, Schedule(sessions, routes, shortfalls, starts, 1.5, 7)


def test_tables_have_exactly_the_contract_columns_and_formats():
    sched, routes, workload, short = schedule_tables(*_tiny())
    assert tuple(sched.columns) == SCHEDULE_COLUMNS
    assert tuple(routes.columns) == ROUTE_COLUMNS
    assert tuple(workload.columns) == WORKLOAD_COLUMNS
    assert tuple(short.columns) == SHORTFALL_COLUMNS
    assert sched.to_dict("records")[1] == {
        "session_id": "M1-002",
        "mentor_id": "M1",
        "participant_id": "P1",
        "date": "2027-07-06",
        "start": "09:20",
        "end": "10:50",
        "mode": "onsite",
        "month": 1,
        "travel_min_before": 20,
    }
    assert routes.to_dict("records") == [
        {
            "mentor_id": "M1",
            "date": "2027-07-06",
            "depart": "09:00",
            "return": "11:10",
            "stops": "P1",
            "travel_min": 40,
            "distance_km": 26.0,
        }
    ]
    assert short.to_dict("records")[0]["reason"].startswith("mentor M1 needs 212 h")


def test_workload_is_one_row_per_mentor_and_month():
    prob, assignment, plan = _tiny()
    workload = schedule_tables(prob, assignment, plan)[2]
    assert list(workload["month"]) == [1, 2, 3]
    first = workload.iloc[0]
    assert (first["participants"], first["sessions"], first["onsite"], first["online"]) == (
        2,
        2,
        1,
        1,
    )
    assert first["session_hours"] == 2.5
    assert first["travel_hours"] == round(40 / 60, 2)
    assert first["total_hours"] == round(190 / 60, 2)
    # 5 July - 4 August 2027: 23 weekdays, no public holiday, 8 hours each.
    assert first["available_hours"] == 184.0
    assert first["utilisation"] == round(190 / (184 * 60), 3)
    assert workload.iloc[1]["sessions"] == 0


def test_summary_compliance_bins_and_travel():
    prob, assignment, plan = _tiny()
    summary = schedule_summary(prob, assignment, plan)
    assert summary["participants"] == 2 and summary["participants_with_mentor"] == 2
    assert summary["meeting_target_every_month_share"] == 0.0
    assert summary["onsite_share"] == 0.5
    assert summary["travel_min_per_onsite_visit"] == 40.0
    assert summary["travel_km"] == 26.0
    assert summary["sessions_in_first_3_months"]["percent"] == {
        "0-2": 100.0,
        "3-4": 0.0,
        "more_than_4": 0.0,
    }
    assert summary["sessions_in_first_3_months"]["evaluation_2024_percent"]["0-2"] == 31.07
    assert summary["shortfalls"][0] == {
        "participant_id": "P1",
        "mentor_id": "M1",
        "month": 1,
        "planned": 1,
        "required": 3,
        "onsite_planned": 1,
        "onsite_required": 1,
        "reason": "mentor M1 needs 212 h in month 1, has 168 h",
    }
    assert summary["seed"] == 7


def test_summary_of_a_full_schedule_meets_every_target():
    cfg = config()
    people = [
        participant(f"P{i}", north_km=15 * math.cos(i), east_km=15 * math.sin(i)) for i in range(6)
    ]
    people[0] = participant("P0", north_km=15, tech_literacy=TechLiteracy.LOW)
    prob = problem(people, [mentor("M1")], cfg)
    assignment = all_to("M1", people)
    plan = schedule(prob, assignment, travel_of(cfg))
    summary = schedule_summary(prob, assignment, plan)
    assert summary["meeting_target_every_month_share"] == 1.0
    assert summary["meeting_onsite_every_month_share"] == 1.0
    assert summary["meeting_onsite_programme_share"] == 1.0
    assert summary["sessions_in_first_3_months"]["percent"]["more_than_4"] == 100.0
    assert summary["shortfalls"] == []
    tables = schedule_tables(prob, assignment, plan)
    assert len(tables[0]) == summary["sessions"] and len(tables[1]) == summary["day_routes"]


def test_participants_without_mentor_count_in_the_bins_not_in_compliance():
    prob, _, plan = _tiny()
    summary = schedule_summary(prob, assign({"P1": "M1", "P2": None}), plan)
    assert summary["participants_with_mentor"] == 1
    assert summary["sessions_in_first_3_months"]["percent"]["0-2"] == 100.0


@pytest.mark.parametrize(("minutes", "text"), [(0, "00:00"), (485, "08:05"), (960, "16:00")])
def test_hhmm(minutes, text):
    assert hhmm(minutes) == text


def test_month_of_uses_the_programme_months():
    starts = (dt.date(2027, 7, 5), dt.date(2027, 8, 5), dt.date(2027, 9, 5))
    assert [
        month_of(d, starts) for d in (dt.date(2027, 7, 5), dt.date(2027, 8, 4), dt.date(2027, 8, 5))
    ] == [1, 1, 2]
