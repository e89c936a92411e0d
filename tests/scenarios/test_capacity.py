"""Capacity planning on small real problems (haversine travel): self-consistency, real
towns, monotonic answers, spare mentors, pins, tables and determinism."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from tests.scenarios.conftest import build, participants_frame
from tkm_assign.errors import InputWarning
from tkm_assign.geo.models import make_travel_model
from tkm_assign.geo.towns import load_towns, village_base
from tkm_assign.io.read import PLAN_MENTOR_COLUMNS
from tkm_assign.model import Problem
from tkm_assign.pipeline import run_plan
from tkm_assign.scenarios.capacity import CapacityResult, plan_capacity
from tkm_assign.scenarios.tables import (
    CAPACITY_COLUMNS,
    capacity_summary,
    capacity_table,
    suggested_mentors_frame,
)

TARGETS = ("low", "medium", "high")


def quietly_build(participants: pd.DataFrame, mentors: pd.DataFrame, *overrides: str) -> Problem:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InputWarning)  # Bali has no mentor: that is the point
        return build(participants, mentors, *overrides)


def capacity(problem: Problem, existing: bool = True) -> CapacityResult:
    return plan_capacity(problem, make_travel_model(problem.config.travel), existing)


@pytest.fixture(scope="module")
def with_existing(participants_df: pd.DataFrame, mentors_df: pd.DataFrame) -> CapacityResult:
    return capacity(quietly_build(participants_df, mentors_df))


@pytest.fixture(scope="module")
def from_scratch(participants_df: pd.DataFrame, mentors_df: pd.DataFrame) -> CapacityResult:
    return capacity(quietly_build(participants_df, mentors_df), existing=False)


def assert_everyone_served(problem: Problem) -> None:
    """Plan ``problem`` as ``tkm-assign plan`` does: no one unassigned, no shortfall."""
    result = run_plan(problem, make_travel_model(problem.config.travel))
    assert all(m is not None for m in result.assignment.mentor_of.values())
    assert result.schedule is not None and result.schedule.shortfalls == ()


def test_planning_with_the_suggestion_serves_everyone(
    with_existing: CapacityResult, participants_df: pd.DataFrame, mentors_df: pd.DataFrame
):
    assert with_existing.suggested and not with_existing.unresolved
    # Through the files a coordinator would use: the mentors file plus the suggested rows.
    mentors = pd.concat([mentors_df, suggested_mentors_frame(with_existing)], ignore_index=True)
    assert_everyone_served(quietly_build(participants_df, mentors))


def test_planning_from_scratch_serves_everyone(
    from_scratch: CapacityResult, participants_df: pd.DataFrame
):
    assert not from_scratch.unresolved
    assert all(not m.mentor_id.startswith("M") for m in from_scratch.problem.mentors)
    assert_everyone_served(quietly_build(participants_df, suggested_mentors_frame(from_scratch)))


def test_the_returned_plan_is_the_plan_of_the_suggested_mentors(with_existing: CapacityResult):
    ids = [m.mentor_id for m in with_existing.problem.mentors]
    assert ids == ["M1", *(s.mentor.mentor_id for s in with_existing.suggested)]
    assert all(v is not None for v in with_existing.plan.assignment.mentor_of.values())


def test_suggested_bases_are_real_towns_in_the_right_province_and_island(
    with_existing: CapacityResult,
):
    towns = load_towns()
    names = set(towns.name.tolist())
    where_participants = {
        (p.location.province_code, p.location.island_id) for p in with_existing.problem.participants
    }
    for s in with_existing.suggested:
        assert s.base in names
        loc = s.mentor.location
        assert (loc.province_code, loc.island_id) in where_participants
        region = with_existing.regions[s.region]
        assert loc.province_code in region.provinces and loc.island_id in region.islands
    # Bali's mentors live in Bali, Jawa Barat's in Jawa Barat.
    provinces = {s.mentor.location.province_code for s in with_existing.suggested}
    assert provinces == {"32", "51"}


def test_new_mentors_cover_the_sectors_of_their_participants(with_existing: CapacityResult):
    plan = with_existing.plan
    sectors = {m.mentor_id: m.sectors for m in with_existing.problem.mentors}
    new = {s.mentor.mentor_id for s in with_existing.suggested}
    participants = {p.participant_id: p for p in with_existing.problem.participants}
    served_by_new = [
        (participants[pid], mid) for pid, mid in plan.assignment.mentor_of.items() if mid in new
    ]
    assert served_by_new
    matched = sum(p.sector in sectors[mid] for p, mid in served_by_new)
    assert matched / len(served_by_new) >= 0.9


def test_suggested_mentors_file_is_in_the_mentors_format(with_existing: CapacityResult):
    frame = suggested_mentors_frame(with_existing)
    assert list(frame.columns) == list(PLAN_MENTOR_COLUMNS)
    assert frame["mentor_id"].is_unique and (frame["transport"] == "motorcycle").all()
    assert set(frame["province"]) == {"Jawa Barat", "Bali"}
    assert (frame["max_caseload"] == "").all()  # the default caseload.max applies


def test_capacity_table_adds_up(with_existing: CapacityResult):
    table = capacity_table(with_existing)
    assert list(table.columns) == list(CAPACITY_COLUMNS)
    assert table["participants"].sum() == 40
    assert table["to_add"].sum() == len(with_existing.suggested)
    assert (table["mentors_needed"] == table["mentors_now"] + table["to_add"]).all()
    assert (table["mentors_needed"] >= table["lower_bound"]).all()
    bali = table.set_index("province").loc["Bali"]
    assert bali["mentors_now"] == 0 and bali["to_add"] >= 2  # 10 participants, caseload 6
    assert all(": " in part for part in bali["suggested_bases"].split("; "))
    assert (table["utilisation"] > 0).all()
    summary = capacity_summary(with_existing, table)
    assert summary["check"]["all_served"] and summary["to_add"] == table["to_add"].sum()


def capacity_of(participants: pd.DataFrame, mentors: pd.DataFrame, *overrides: str) -> int:
    return len(capacity(quietly_build(participants, mentors, *overrides)).suggested)


def test_more_sessions_never_need_fewer_mentors(participants_df, mentors_df):
    counts = [
        capacity_of(
            participants_df,
            mentors_df,
            "caseload.max=40",
            *(f"sessions.target_by_need.{level}={target}" for level in TARGETS),
        )
        for target in (2, 3, 4)
    ]
    assert counts == sorted(counts) and counts[0] < counts[-1]


def test_a_larger_caseload_cap_never_needs_more_mentors(participants_df, mentors_df):
    counts = [capacity_of(participants_df, mentors_df, f"caseload.max={cap}") for cap in (4, 6, 12)]
    assert counts == sorted(counts, reverse=True) and counts[0] > counts[-1]


def test_a_province_with_too_many_mentors_has_spare_ones(participants_df: pd.DataFrame):
    denpasar = ("-8.65000", "115.21670")
    mentors = pd.DataFrame(
        [
            {
                "mentor_id": f"D{k}",
                "latitude": denpasar[0],
                "longitude": denpasar[1],
                "sectors": "industri_boga;perdagangan_jasa;pertanian_peternakan;industri_kreatif",
            }
            for k in range(5)
        ],
        dtype=object,
    )
    bali = participants_df.iloc[30:]  # the 10 participants in Bali
    result = capacity(quietly_build(bali, mentors))
    table = capacity_table(result).set_index("province")
    assert table.loc["Bali", "to_add"] == 0
    assert table.loc["Bali", "spare"] == 3  # 10 participants need 2 mentors of 6 places
    assert not result.unresolved


def test_a_pin_that_cannot_be_honoured_is_reported_not_fixed(participants_df, mentors_df):
    participants = participants_df.copy()
    participants["pinned_mentor_id"] = ""
    participants.loc[participants.index[-1], "pinned_mentor_id"] = "M1"  # Bali -> Bandung
    result = capacity(quietly_build(participants, mentors_df))
    pid = participants["participant_id"].iat[-1]
    assert set(result.unresolved) == {pid}
    assert "M1" in str(result.unresolved[pid])


def test_same_problem_same_answer(participants_df: pd.DataFrame, mentors_df: pd.DataFrame):
    first = capacity(quietly_build(participants_df, mentors_df))
    again = capacity(quietly_build(participants_df, mentors_df))
    assert suggested_mentors_frame(first).equals(suggested_mentors_frame(again))
    assert first.plan.assignment.mentor_of == again.plan.assignment.mentor_of


def test_village_base_is_a_village_of_the_participant_island(with_existing: CapacityResult):
    participant = with_existing.problem.participants[0]
    place = village_base(participant)
    assert place.name.endswith("(desa)")
    assert place.location.island_id == participant.location.island_id
    assert place.location.province_code == participant.location.province_code


def test_participants_beyond_reach_of_the_mentor_get_mentors_near_them():
    # Under a 30-minute limit the mentor in Bandung cannot reach anyone in Garut.
    participants = participants_frame({"3273": 3, "3205": 3}, seed=3)
    bandung = {"mentor_id": "M1", "latitude": "-6.91470", "longitude": "107.60980"}
    mentors = pd.DataFrame([{**bandung, "sectors": "industri_boga"}])
    result = capacity(quietly_build(participants, mentors, "travel.max_travel_min=30"))
    assert not result.unresolved and result.suggested
    assert {s.mentor.location.regency_code for s in result.suggested} == {"3205"}
    mentor_of = result.plan.assignment.mentor_of
    for p in result.problem.participants:
        expected_new = p.location.regency_code == "3205"
        assert mentor_of[p.participant_id].startswith("BARU") == expected_new


def test_participants_no_mentor_could_take_are_reported(participants_df, mentors_df):
    result = capacity(quietly_build(participants_df, mentors_df, "caseload.hours_per_month=2"))
    assert not result.suggested
    assert len(result.unresolved) == len(participants_df)
    assert all("more than a mentor's 2 h" in str(why) for why in result.unresolved.values())
