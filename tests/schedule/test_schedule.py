"""End-to-end schedules: invariants on random small problems and the named cases of the brief."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.schedule.factory import (
    all_to,
    assign,
    check_invariants,
    config,
    mentor,
    participant,
    place,
    problem,
    ring,
    travel_of,
)
from tkm_assign import rules
from tkm_assign.errors import InputError
from tkm_assign.messages import Message
from tkm_assign.model import Mode, NeedLevel, TechLiteracy
from tkm_assign.schedule import schedule

INDEPENDENCE_DAY = dt.date(2027, 8, 17)


@st.composite
def small_problems(draw: st.DrawFn):
    """A few participants around Bandung, one or two mentors, random rules and calendars."""
    start = draw(st.sampled_from([dt.date(2027, 7, 5), dt.date(2027, 8, 2), dt.date(2028, 1, 31)]))
    cfg = config(
        f"programme.start_date={start.isoformat()}",
        f"sessions.min_days_between={draw(st.integers(0, 8))}",
        f"sessions.onsite_duration_min={draw(st.sampled_from([60, 90, 120]))}",
        f"sessions.online_duration_min={draw(st.sampled_from([60, 90]))}",
        f"work.max_travel_min_per_day={draw(st.sampled_from([120, 300, 400]))}",
        f"schedule.priority={draw(st.sampled_from(['minimum_first', 'need_first']))}",
        "schedule.placement_limit=0.05",
        "schedule.time_limit_s=0.2",
    )
    mentors = []
    for k in range(draw(st.integers(1, 2))):
        days = draw(st.frozensets(st.integers(0, 5), min_size=1, max_size=6))
        off_start = start + dt.timedelta(days=draw(st.integers(0, 60)))
        unavailable = draw(
            st.sampled_from(
                [(), ((off_start, off_start + dt.timedelta(days=draw(st.integers(0, 12)))),)]
            )
        )
        hours = draw(st.sampled_from([None, None, 12.0, 40.0]))
        mentors.append(
            mentor(
                f"M{k + 1}",
                working_days=days,
                unavailable=unavailable,
                hours_per_month=hours,
                location=place(-6.9175 + 0.1 * k, 107.6191),
            )
        )
    people = []
    for i in range(draw(st.integers(1, 6))):
        island = draw(st.sampled_from([0, 0, 0, 0, 1]))
        people.append(
            participant(
                f"P{i + 1}",
                north_km=draw(st.floats(-90, 90)),
                east_km=draw(st.floats(-90, 90)),
                need_level=draw(st.sampled_from(list(NeedLevel))),
                tech_literacy=draw(st.sampled_from(list(TechLiteracy))),
                internet=draw(st.booleans()),
                program_months=draw(st.integers(1, 3)),
                sessions_per_month=draw(st.sampled_from([None, None, 1, 5])),
            )
        )
        if island:
            people[-1] = dataclasses.replace(
                people[-1], location=dataclasses.replace(people[-1].location, island_id=1)
            )
    ids = [m.mentor_id for m in mentors]
    mentor_of = {p.participant_id: draw(st.sampled_from([*ids, *ids, None])) for p in people}
    return problem(people, mentors, cfg), assign(mentor_of, {"P1": "no mentor with room"})


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(small_problems())
def test_every_schedule_keeps_the_rules(case):
    prob, assignment = case
    travel = travel_of(prob.config)
    plan = schedule(prob, assignment, travel)
    check_invariants(prob, assignment, plan, travel)


def test_a_normal_caseload_meets_every_target():
    cfg = config()
    people = ring(20, need_level=NeedLevel.HIGH)
    people[::3] = [dataclasses.replace(p, tech_literacy=TechLiteracy.LOW) for p in people[::3]]
    prob = problem(people, [mentor()], cfg)
    assignment = all_to("M01", people)
    plan = schedule(prob, assignment, travel_of(cfg))
    check_invariants(prob, assignment, plan, travel_of(cfg))
    assert plan.shortfalls == ()
    per_month = Counter((s.participant_id, s.month) for s in plan.sessions)
    assert set(per_month.values()) == {4}
    # Visits of one day share a route: fewer routes than onsite visits.
    onsite = sum(s.mode is Mode.ONSITE for s in plan.sessions)
    assert len(plan.routes) < onsite
    assert plan.seed == cfg.solver.seed and plan.solve_seconds > 0


def test_no_session_on_independence_day():
    cfg = config("programme.start_date=2027-08-02", "programme.months=1")
    people = ring(12, need_level=NeedLevel.HIGH, tech_literacy=TechLiteracy.LOW)
    prob = problem(people, [mentor()], cfg)
    plan = schedule(prob, all_to("M01", people), travel_of(cfg))
    days = {s.date for s in plan.sessions}
    assert INDEPENDENCE_DAY not in days
    assert dt.date(2027, 8, 16) in days or dt.date(2027, 8, 18) in days  # the week is worked
    assert not days & set(rules.holiday_dates(dt.date(2027, 8, 2), dt.date(2027, 9, 2), cfg))


def test_short_of_time_serves_high_need_first_and_explains():
    cfg = config("programme.months=1")
    needs = [NeedLevel.HIGH, NeedLevel.MEDIUM, NeedLevel.LOW] * 4
    people = [
        dataclasses.replace(p, need_level=need) for p, need in zip(ring(12), needs, strict=True)
    ]
    prob = problem(people, [mentor(hours_per_month=40.0)], cfg)
    assignment = all_to("M01", people)
    plan = schedule(prob, assignment, travel_of(cfg))
    check_invariants(prob, assignment, plan, travel_of(cfg))
    got = Counter(s.participant_id for s in plan.sessions)
    need_of = {p.participant_id: p.need_level for p in people}
    served = {level: [got[pid] for pid, n in need_of.items() if n is level] for level in NeedLevel}
    # Everyone's monthly minimum comes first, high need first; 40 h do not stretch to all.
    assert min(served[NeedLevel.HIGH]) >= 2
    assert sum(served[NeedLevel.HIGH]) >= sum(served[NeedLevel.MEDIUM])
    assert sum(served[NeedLevel.MEDIUM]) >= sum(served[NeedLevel.LOW])
    assert min(served[NeedLevel.LOW]) < 2
    reasons = {str(f.reason) for f in plan.shortfalls}
    assert any(
        r.startswith("mentor M01 needs ") and r.endswith("in month 1, has 40 h") for r in reasons
    )
    assert all(f.mentor_id == "M01" and f.planned < f.required for f in plan.shortfalls)
    minutes = sum(s.end_min - s.start_min for s in plan.sessions)
    assert minutes + sum(r.travel_min for r in plan.routes) <= 40 * 60


def test_need_first_policy_completes_high_need_before_anyone_else():
    cfg = config("programme.months=1", "schedule.priority=need_first")
    needs = [NeedLevel.HIGH, NeedLevel.LOW] * 4
    people = [
        dataclasses.replace(p, need_level=need)
        for p, need in zip(ring(8, km=10.0), needs, strict=True)
    ]
    prob = problem(people, [mentor(hours_per_month=30.0)], cfg)
    plan = schedule(prob, all_to("M01", people), travel_of(cfg))
    got = Counter(s.participant_id for s in plan.sessions)
    high = [got[p.participant_id] for p in people if p.need_level is NeedLevel.HIGH]
    low = [got[p.participant_id] for p in people if p.need_level is NeedLevel.LOW]
    assert high == [4] * 4
    assert min(low) < 2
    assert {f.participant_id for f in plan.shortfalls} <= {p.participant_id for p in people[1::2]}


def test_too_far_for_a_day_trip_goes_online_and_says_why():
    cfg = config("programme.months=1")
    far = participant("FAR", east_km=270.0)  # about 270 km east: far beyond a day's riding
    stuck = participant("STUCK", east_km=-270.0, tech_literacy=TechLiteracy.LOW)
    prob = problem([far, stuck], [mentor()], cfg)
    assignment = all_to("M01", [far, stuck])
    plan = schedule(prob, assignment, travel_of(cfg))
    check_invariants(prob, assignment, plan, travel_of(cfg))
    assert {s.mode for s in plan.sessions if s.participant_id == "FAR"} == {Mode.ONLINE}
    assert not any(s.participant_id == "STUCK" for s in plan.sessions)
    short = {f.participant_id: f for f in plan.shortfalls}
    assert str(short["FAR"].reason).startswith("too far for a day trip: ")
    assert "daily limit 360 min round trip" in str(short["FAR"].reason)
    assert short["FAR"].planned == short["FAR"].required and short["FAR"].onsite_planned == 0
    assert short["STUCK"].planned == 0 and "online sessions not possible" in str(
        short["STUCK"].reason
    )


def test_a_month_without_working_days_is_explained():
    cfg = config("programme.start_date=2027-07-05", "programme.months=3")
    away = ((dt.date(2027, 8, 5), dt.date(2027, 9, 4)),)  # the whole of month 2
    people = ring(3)
    prob = problem(people, [mentor(unavailable=away)], cfg)
    assignment = all_to("M01", people)
    plan = schedule(prob, assignment, travel_of(cfg))
    check_invariants(prob, assignment, plan, travel_of(cfg))
    assert {s.month for s in plan.sessions} == {1, 3}
    month2 = [f for f in plan.shortfalls if f.month == 2]
    assert len(month2) == 3
    assert {str(f.reason) for f in month2} == {
        "no working day left in month 2 after holidays and unavailable dates"
    }


def test_a_month_with_leave_and_a_holiday_still_gets_every_session():
    # The pattern of mentor M118 in the national sample: month 2 (5 Aug - 4 Sep 2027) loses
    # 15-22 August to leave and 17 August to Independence Day, leaving 17 working days.
    # Four sessions 5 days apart fit there (5, 10, 23, 30 Aug) only if they start by
    # 6 August, so month 1's last session must be on or before 1 August; months planned
    # without looking ahead end month 1 on 2-4 August and lose a session in month 2.
    cfg = config("programme.start_date=2027-07-05", "programme.months=3")
    leave = ((dt.date(2027, 8, 15), dt.date(2027, 8, 22)),)
    people = ring(8, km=15.0, need_level=NeedLevel.HIGH)
    prob = problem(people, [mentor("M118", unavailable=leave)], cfg)
    assignment = all_to("M118", people)
    plan = schedule(prob, assignment, travel_of(cfg))
    check_invariants(prob, assignment, plan, travel_of(cfg))
    assert plan.shortfalls == ()
    per_month = Counter((s.participant_id, s.month) for s in plan.sessions)
    assert set(per_month.values()) == {4} and len(per_month) == 8 * 3
    month1_last = max(s.date for s in plan.sessions if s.month == 1)
    assert month1_last <= dt.date(2027, 8, 1)


def test_a_target_that_cannot_fit_keeps_its_reason():
    # Mon, Wed and Thu only, away 9-22 August: month 2 keeps 7 working days (5, 23, 25,
    # 26, 30 Aug, 1, 2 Sep), where 5-day spacing allows three sessions, not four; the third
    # needs the one on 5 August, so month 1 ends by 31 July.
    cfg = config("programme.start_date=2027-07-05", "programme.months=3")
    leave = ((dt.date(2027, 8, 9), dt.date(2027, 8, 22)),)
    people = ring(2, km=15.0, need_level=NeedLevel.HIGH)
    tutor = mentor("M07", working_days=frozenset({0, 2, 3}), unavailable=leave)
    prob = problem(people, [tutor], cfg)
    assignment = all_to("M07", people)
    plan = schedule(prob, assignment, travel_of(cfg))
    check_invariants(prob, assignment, plan, travel_of(cfg))
    assert {(f.participant_id, f.month, f.planned) for f in plan.shortfalls} == {
        ("P01", 2, 3),
        ("P02", 2, 3),
    }
    assert {str(f.reason) for f in plan.shortfalls} == {
        "only 3 session(s) fit in month 2 at least 5 days apart on the mentor's 7 working days"
    }


def test_participants_without_mentor_are_listed_every_month():
    cfg = config()
    people = ring(2)
    prob = problem(people, [mentor()], cfg)
    assignment = assign(
        {"P01": "M01", "P02": None}, {"P02": Message.of("reason.not_in_given_assignment")}
    )
    plan = schedule(prob, assignment, travel_of(cfg))
    lonely = [f for f in plan.shortfalls if f.participant_id == "P02"]
    assert [f.month for f in lonely] == [1, 2, 3]
    assert lonely[0].mentor_id is None and lonely[0].planned == 0
    assert str(lonely[0].reason) == "no mentor assigned: no mentor in the given assignment"


def test_an_assignment_naming_unknown_mentors_is_rejected():
    cfg = config()
    people = ring(2)
    prob = problem(people, [mentor()], cfg)
    with pytest.raises(InputError, match="M99"):
        schedule(prob, assign({"P01": "M99", "P02": "M01"}), travel_of(cfg))


def test_same_seed_same_schedule_with_any_number_of_workers():
    people = ring(16, km=40.0, tech_literacy=TechLiteracy.LOW)
    mentors = [mentor("M01"), mentor("M02", location=place(-6.95, 107.7))]
    mentor_of = {p.participant_id: ("M01" if i % 2 else "M02") for i, p in enumerate(people)}
    plans = []
    for workers in (1, 1, 2):
        cfg = config(f"schedule.workers={workers}")
        plan = schedule(problem(people, mentors, cfg), assign(mentor_of), travel_of(cfg))
        plans.append(dataclasses.replace(plan, solve_seconds=0.0))
    assert plans[0] == plans[1] == plans[2]
    assert {s.mentor_id for s in plans[0].sessions} == {"M01", "M02"}


def test_visits_at_0_travel_minutes_never_share_a_day():
    # Defect: 20 participants at the mentor's home (no internet, low literacy, high need)
    # got one day route per visit, and 63 shortfalls ("needs 76 day trips in month 2").
    cfg = config("programme.months=3", "schedule.placement_limit=0.05")
    people = [
        participant(
            f"P{i:02d}",
            tech_literacy=TechLiteracy.LOW,
            internet=False,
            need_level=NeedLevel.HIGH,
        )
        for i in range(20)
    ]
    prob = problem(people, [mentor("M089")], cfg)
    assignment = all_to("M089", people)
    plan = schedule(prob, assignment, travel_of(cfg))
    check_invariants(prob, assignment, plan, travel_of(cfg))
    assert len(plan.sessions) == 20 * 4 * 3  # everyone's 4 visits every month
    assert plan.shortfalls == ()
    assert max(len(route.stops) for route in plan.routes) > 1
    assert len(plan.routes) <= len(plan.sessions) / 4
