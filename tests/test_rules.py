"""One source for every rule: the planner and the audit give the same verdict on the same plan.

Each test runs the planner's view of a rule (what the assignment or the schedule keeps, or
the tables it writes) and the audit's view (its check, or its tables for the same plan)
and requires them to agree. Inputs are small problems on real geography with straight-line
travel, so the whole file runs in seconds.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pandas as pd
import pytest

from tests.conftest import AMBON, BANDUNG, DENPASAR, GARUT, JAKARTA, MATARAM
from tkm_assign import app, rules
from tkm_assign.audit import VIOLATION
from tkm_assign.config import Config
from tkm_assign.geo.candidates import find_candidates
from tkm_assign.geo.travel import HaversineTravel
from tkm_assign.io.read import table_from_frame
from tkm_assign.model import NeedLevel, Problem, TechLiteracy

CIMAHI = (-6.8722, 107.5425)
SUMEDANG = (-6.8586, 107.9164)
LEMBANG = (-6.8117, 107.6175)
SOREANG = (-7.0300, 107.5200)
FAST = [
    'travel.model="haversine"',
    'travel.cache_dir=""',
    "assign.time_limit_s=2",
    "schedule.time_limit_s=0.5",
    "schedule.workers=1",
]
PAIR_RULES = ("province", "sector", "excluded", "unreachable", "max_travel")


def _config(*overrides: str) -> Config:
    return Config.load(overrides=[*FAST, *overrides])


def _hand(problem: Problem, pairs: dict[str, str], sessions: pd.DataFrame | None = None):
    frame = pd.DataFrame(
        {"participant_id": list(pairs), "mentor_id": list(pairs.values())}, dtype=object
    )
    schedule = None if sessions is None else table_from_frame(sessions, "jadwal.csv", "schedule")
    return app.read_hand_plan(
        problem, table_from_frame(frame, "penugasan.csv", "assignments"), schedule
    )


def _violations(result: app.AuditResult, rule: str) -> pd.DataFrame:
    found = result.violations
    return found[(found["rule"] == rule) & (found["severity"] == VIOLATION)]


# --- caseload -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def crowded(make_participant, make_mentor) -> Problem:
    """Six participants around Bandung, one mentor with max_caseload 10, caseload.max 3."""
    places = (BANDUNG, CIMAHI, LEMBANG, SOREANG, SUMEDANG, GARUT)
    people = tuple(make_participant(f"P{k}", where) for k, where in enumerate(places, 1))
    mentors = (make_mentor("M1", BANDUNG, max_caseload=10),)
    return Problem(people, mentors, _config("caseload.max=3"))


def test_the_caseload_cap_is_the_same_for_the_planner_and_the_audit(crowded: Problem):
    """Defect: the planner capped M1 at caseload.max = 3, the audit at max_caseload = 10."""
    mentor = crowded.mentors[0]
    assert rules.effective_caseload(mentor, crowded.config) == 3
    planned = app.assign(crowded)
    given = [p for p, m in planned.assignment.mentor_of.items() if m == "M1"]
    assert len(given) == 3
    audited = app.audit(
        crowded, _hand(crowded, {p.participant_id: "M1" for p in crowded.participants})
    )
    caseload = _violations(audited, "caseload")
    assert [str(d) for d in caseload["details"]] == ["6 participants, cap 3"]
    balance = audited.balance.set_index("mentor_id").loc["M1"]
    assert balance["max_caseload"] == 3 and balance["flag"] == "overloaded"
    assert int(audited.measures.provinces["places"].sum()) == 3
    # The planner's own plan keeps the cap in the audit's eyes too.
    own = app.audit(crowded, _hand(crowded, dict.fromkeys(given, "M1")))
    assert _violations(own, "caseload").empty


# --- shortfalls and workload: one definition, one table ----------------------------------------


@pytest.fixture(scope="module")
def short_plan(make_participant, make_mentor) -> app.PlanResult:
    """A plan with shortfalls: M1 is away for most of the first month, and A3 (no internet)
    must be visited onsite every time."""
    people = (
        make_participant("A1", BANDUNG, need_level=NeedLevel.HIGH),
        make_participant("A2", CIMAHI),
        make_participant("A3", GARUT, internet=False, tech_literacy=TechLiteracy.LOW),
        make_participant("A4", SUMEDANG, need_level=NeedLevel.LOW),
    )
    away = ((dt.date(2027, 7, 5), dt.date(2027, 7, 28)),)
    mentors = (make_mentor("M1", BANDUNG, unavailable=away),)
    return app.plan(Problem(people, mentors, _config()))


def _audit_of(plan: app.PlanResult) -> app.AuditResult:
    """The planner's plan as a coordinator would upload it again: its CSV tables."""
    tables = plan.tables
    assert tables.schedule is not None
    assignments = table_from_frame(
        tables.assignments[["participant_id", "mentor_id"]], "assignments.csv", "assignments"
    )
    schedule = table_from_frame(tables.schedule, "schedule.csv", "schedule")
    hand = app.read_hand_plan(plan.problem, assignments, schedule)
    return app.audit(plan.problem, hand)


def test_the_shortfall_table_means_the_same_in_a_plan_and_in_its_audit(short_plan):
    """Defect: the audit measured onsite visits against min(onsite.min_per_month, target),
    the planner against rules.onsite_required (every session onsite for A3)."""
    planned = short_plan.tables.shortfalls
    assert planned is not None and not planned.empty
    assert "A3" in set(planned["participant_id"])
    audited = _audit_of(short_plan).tables.shortfalls
    assert audited is not None
    columns = ["participant_id", "mentor_id", "month", "planned", "required"]
    columns += ["onsite_planned", "onsite_required"]
    pd.testing.assert_frame_equal(
        audited[columns].reset_index(drop=True), planned[columns].reset_index(drop=True)
    )
    a3 = planned[planned["participant_id"] == "A3"]
    assert (a3["onsite_required"] == a3["required"]).all()


def test_the_workload_table_is_the_same_in_a_plan_and_in_its_audit(short_plan):
    """Both are written by one implementation (there were two, NaN against 0.0, 4 digits
    against 3)."""
    audited = _audit_of(short_plan).tables.workload
    pd.testing.assert_frame_equal(audited, short_plan.tables.workload)


@pytest.mark.parametrize(
    "rule",
    [
        "caseload",
        "monthly_hours",
        "riding_days",
        "province",
        "sector",
        "pinned",
        "excluded",
        "unreachable",
        "max_travel",
        "wrong_mentor",
        "outside_programme",
        "sessions_per_month",
        "onsite_month",
        "onsite_programme",
        "online_not_allowed",
        "holiday",
        "non_working_day",
        "unavailable",
        "working_hours",
        "session_length",
        "overlap",
        "travel_gap",
        "spacing",
        "daily_travel",
        "month_hours",
    ],
)
def test_the_audit_finds_no_break_of_a_rule_the_planner_keeps(rule, short_plan, national_plan):
    """Every rule the planner keeps holds in the audit of its plan, also where the plan
    falls short (the shortfalls are the same rows in both, see above)."""
    for plan in (short_plan, national_plan):
        found = _violations(_audit_of(plan), rule)
        assert found.empty, found.head().to_string()


@pytest.fixture(scope="module")
def national_plan(make_participant, make_mentor) -> app.PlanResult:
    """Three provinces, sectors, an island without a mentor, an onsite-only participant."""
    people = (
        make_participant("J1", BANDUNG, "industri_boga"),
        make_participant("J2", GARUT, "perdagangan_jasa"),
        make_participant("J3", SUMEDANG, "industri_kreatif", internet=False),
        make_participant("J4", CIMAHI, "pertanian_peternakan", need_level=NeedLevel.HIGH),
        make_participant("K1", JAKARTA, "industri_boga"),
        make_participant("B1", DENPASAR, "industri_kreatif"),
        make_participant("B2", MATARAM, "industri_boga"),  # Lombok: no mentor there
    )
    mentors = (
        make_mentor("M1", BANDUNG, ("industri_boga", "perdagangan_jasa")),
        make_mentor("M2", GARUT, ("industri_kreatif", "pertanian_peternakan")),
        make_mentor("M3", JAKARTA, ("industri_boga",)),
        make_mentor("M4", DENPASAR, ("industri_kreatif", "industri_boga")),
    )
    return app.plan(Problem(people, mentors, _config("programme.months_by_sector={}")))


def test_the_estimated_load_is_the_same_for_the_planner_and_the_audit(national_plan):
    planned = national_plan.tables.assignments.set_index("participant_id")["monthly_hours"]
    audited = _audit_of(national_plan).tables.assignments.set_index("participant_id")
    served = planned.dropna().index
    assert len(served) >= 5
    np.testing.assert_allclose(
        audited.loc[served, "monthly_hours"].astype(float), planned.loc[served].astype(float)
    )


# --- which mentor may take whom ------------------------------------------------------------------


@pytest.fixture(scope="module")
def pairs_problem(make_participant, make_mentor) -> Problem:
    people = (
        make_participant("P1", BANDUNG, "industri_boga"),
        make_participant("P2", GARUT, "perdagangan_jasa", pinned_mentor_id="M3"),
        make_participant("P3", JAKARTA, "industri_kreatif", excluded_mentor_ids=frozenset({"M3"})),
        make_participant("P4", DENPASAR, "industri_boga"),
        make_participant("P5", MATARAM, "industri_boga"),
        make_participant("P6", AMBON, "pertanian_peternakan"),
    )
    mentors = (
        make_mentor("M1", BANDUNG, ("industri_boga",)),
        make_mentor("M2", SUMEDANG, ("perdagangan_jasa", "industri_kreatif")),
        make_mentor("M3", JAKARTA, ("industri_kreatif", "industri_boga")),
        make_mentor("M4", DENPASAR, ("industri_boga", "pertanian_peternakan")),
    )
    return Problem(people, mentors, _config("travel.k_nearest=100"))


PAIR_CONFIGS: dict[str, tuple[str, ...]] = {
    "defaults": (),
    "any province": ("assign.province_rule=any",),
    "hard sector": ("assign.sector_rule=hard",),
    "short rides": ("travel.max_travel_min=45",),
    "ferries, any province": ("travel.cross_island=ferry", "assign.province_rule=any"),
}


@pytest.mark.parametrize("name", sorted(PAIR_CONFIGS))
def test_the_planner_offers_exactly_the_pairs_the_audit_accepts(name, pairs_problem):
    """For every (participant, mentor): a candidate of the planner iff the audit finds no
    pair rule broken (province, hard sector, exclusion, reachability, travel limit; a pin
    waives all but reachability, for both)."""
    problem = dataclasses.replace(
        pairs_problem, config=pairs_problem.config.replace(PAIR_CONFIGS[name])
    )
    candidates = find_candidates(problem, HaversineTravel(problem.config.travel))
    offered = {
        (problem.participants[i].participant_id, problem.mentors[j].mentor_id)
        for i, j in zip(candidates.participant_idx, candidates.mentor_idx, strict=True)
    }
    accepted = set()
    for mentor in problem.mentors:
        result = app.audit(
            problem,
            _hand(problem, {p.participant_id: mentor.mentor_id for p in problem.participants}),
        )
        found = result.violations
        broken = set(
            found.loc[
                found["rule"].isin(PAIR_RULES) & (found["severity"] == VIOLATION), "participant_id"
            ]
        )
        accepted |= {(p.participant_id, mentor.mentor_id) for p in problem.participants} - {
            (pid, mentor.mentor_id) for pid in broken
        }
    assert offered == accepted
    assert ("P2", "M3") in offered  # the pin, across the province border
    assert ("P3", "M3") not in offered  # the exclusion


def test_a_pin_waives_the_province_and_sector_rules_but_not_reachability(pairs_problem):
    config = pairs_problem.config.replace(["assign.sector_rule=hard"])
    p2, m3 = pairs_problem.participants[1], pairs_problem.mentors[2]
    assert rules.pinned_to(p2, m3)
    assert rules.province_rule_holds(p2, m3, config)
    assert rules.sector_rule_holds(p2, m3, config)
    assert rules.travel_limit_holds(p2, m3, 10_000, config)
    assert not rules.travel_limit_holds(p2, m3, rules.UNREACHABLE_MIN, config)
    p1 = pairs_problem.participants[0]
    assert not rules.sector_rule_holds(p1, pairs_problem.mentors[1], config)
    assert rules.sector_match(p1, pairs_problem.mentors[0])


# --- onsite minimums ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "months", "online", "expected"),
    [
        ((), 3, True, (1, 1, 1)),
        (("onsite.min_per_month=0",), 6, True, (1, 1, 1, 0, 0, 0)),
        (("onsite.min_per_month=0", "onsite.min_per_programme=5"), 2, True, (3, 2)),
        ((), 3, False, (3, 3, 3)),
    ],
)
def test_onsite_required_is_built_from_the_two_onsite_rules(
    overrides, months, online, expected, make_participant
):
    config = _config(*overrides)
    person = make_participant(
        "P1", BANDUNG, program_months=months, internet=online, sessions_per_month=3
    )
    required = rules.onsite_required(person, config)
    assert required == expected
    assert min(required) >= rules.onsite_minimum_per_month(person, config) or not online
    assert sum(required) >= rules.onsite_minimum_per_programme(person, config)
