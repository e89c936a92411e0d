"""The assignment table and summary."""

from __future__ import annotations

import json

import pandas as pd

from tests.assign.conftest import simple_candidates
from tests.conftest import AMBON, BANDUNG, GARUT
from tkm_assign.assign import assign, assign_baseline
from tkm_assign.config import Config
from tkm_assign.model import Problem
from tkm_assign.report.assignment import assignment_summary, assignment_table
from tkm_assign.report.tables import ASSIGNMENT_COLUMNS
from tkm_assign.rules import monthly_load_min


def small_plan(make_participant, make_mentor):
    participants = [
        make_participant("P1", BANDUNG, current_mentor_id="M2"),
        make_participant("P2", GARUT, sector="pertanian_peternakan"),
        make_participant("P3", AMBON),
    ]
    mentors = [make_mentor("M1", BANDUNG), make_mentor("M2", GARUT)]
    problem = Problem(tuple(participants), tuple(mentors), Config.load())
    candidates = simple_candidates(problem)
    return problem, candidates, assign(problem, candidates)


def test_table_has_exactly_the_contract_columns(make_participant, make_mentor):
    problem, candidates, plan = small_plan(make_participant, make_mentor)
    table = assignment_table(problem, candidates, plan)
    assert tuple(table.columns) == ASSIGNMENT_COLUMNS
    rows = table.set_index("participant_id")
    assert rows.loc["P1", "mentor_id"] == "M1"
    assert rows.loc["P1", "status"] == "assigned" and rows.loc["P1", "reason"] == ""
    assert rows.loc["P1", "province"] == "Jawa Barat"
    assert bool(rows.loc["P1", "sector_match"]) is True
    assert bool(rows.loc["P2", "sector_match"]) is False
    assert rows.loc["P1", "travel_min"] == 0
    expected = monthly_load_min(problem.participants[0], 0, problem.config) / 60
    assert rows.loc["P1", "monthly_hours"] == round(expected, 2)
    assert rows.loc["P3", "status"] == "unassigned"
    assert rows.loc["P3", "mentor_id"] == ""
    assert str(rows.loc["P3", "reason"]) == "no mentor in the province"
    assert pd.isna(rows.loc["P3", "travel_min"])


def test_summary_has_the_documented_keys_and_is_json_ready(make_participant, make_mentor):
    problem, candidates, plan = small_plan(make_participant, make_mentor)
    summary = assignment_summary(problem, candidates, plan)
    for key in [
        "status",
        "objective",
        "bound",
        "gap",
        "solve_seconds",
        "assigned",
        "unassigned",
        "sector_match_rate",
        "mean_travel_min",
        "caseload",
        "utilisation",
        "changes_from_current",
        "seed",
        "engine",
        "config",
        "provinces",
    ]:
        assert key in summary
    assert summary["status"] == "OPTIMAL"
    assert (summary["assigned"], summary["unassigned"]) == (2, 1)
    assert summary["sector_match_rate"] == 0.5
    assert summary["changes_from_current"] == 1
    assert summary["caseload"] == {"min": 1.0, "mean": 1.0, "max": 1.0}
    assert 0 < summary["utilisation"]["min"] <= summary["utilisation"]["max"] < 1
    maluku = next(p for p in summary["provinces"] if p["province"] == "Maluku")
    assert (maluku["participants"], maluku["mentors"], maluku["assigned"]) == (1, 0, 0)
    json.dumps(summary, allow_nan=False)


def test_baseline_plans_give_the_same_table(make_participant, make_mentor):
    problem, candidates, _ = small_plan(make_participant, make_mentor)
    baseline = assign_baseline(problem, candidates)
    table = assignment_table(problem, candidates, baseline)
    assert tuple(table.columns) == ASSIGNMENT_COLUMNS
    assert assignment_summary(problem, candidates, baseline)["engine"] == "baseline"
