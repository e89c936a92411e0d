"""Balance measures, comparison with an optimised plan, and the audit's files."""

from __future__ import annotations

import json
import re

import openpyxl
import pandas as pd
import pytest

from tests.audit.conftest import with_mentor
from tkm_assign.audit import COMPARISON_COLUMNS, audit_plan, compare_tables, write_audit_outputs
from tkm_assign.audit.outputs import comparison_lines
from tkm_assign.report import PlanTables
from tkm_assign.report.figures import BALANCE_COLUMNS


def test_balance_per_mentor_and_spread(audit_problem, clean_assignments, clean_schedule, travel):
    result = audit_plan(audit_problem, clean_assignments, clean_schedule, travel)
    balance = result.balance.set_index("mentor_id")
    assert list(result.balance.columns) == list(BALANCE_COLUMNS)
    assert balance["caseload"].to_dict() == {"M1": 4, "M2": 1, "M3": 1}
    # Caseloads 4, 1, 1: mean 2, population std sqrt(2), Gini (-2 + 0 + 8) / 18.
    caseload = result.spread["caseload"]
    assert caseload["mean"] == pytest.approx(2.0)
    assert caseload["std"] == pytest.approx(2**0.5)
    assert caseload["cv"] == pytest.approx(2**0.5 / 2)
    assert caseload["max_over_mean"] == pytest.approx(2.0)
    assert caseload["gini"] == pytest.approx(1 / 3)
    # Scheduled hours: B1 and J1 each get one 90-minute visit and two 60-minute calls a month.
    assert balance.loc["M2", "peak_hours"] == pytest.approx(3.5)
    assert balance.loc["M2", "travel_hours"] == pytest.approx(0.0)
    assert set(result.spread) == {"caseload", "hours", "utilisation", "travel_hours"}
    # Everyone works well under a quarter of their hours: all idle, none overloaded.
    assert result.summary["idle"] == ["M1", "M2", "M3"] and result.summary["overloaded"] == []


def test_overloaded_mentor_is_flagged(audit_problem, clean_assignments, travel):
    problem = with_mentor(audit_problem, "M1", max_caseload=3)
    result = audit_plan(problem, clean_assignments, None, travel)
    assert result.summary["overloaded"] == ["M1"]


def test_compare_shows_what_the_optimiser_improves(
    audit_problem, clean_assignments, clean_schedule, travel
):
    hand = clean_assignments.copy()
    hand.loc[hand["participant_id"] == "A2", "mentor_id"] = "M3"  # Jakarta mentor for Cimahi
    audited = audit_plan(audit_problem, hand, None, travel)
    optimised = audit_plan(audit_problem, clean_assignments, clean_schedule, travel).tables
    comparison = compare_tables(audited, optimised).set_index("measure")
    assert list(comparison.reset_index().columns) == list(COMPARISON_COLUMNS)
    assert comparison.loc["violations", "audited"] == 1  # province
    assert comparison.loc["violations", "optimised"] == 0
    assert comparison.loc["violations", "better"]
    assert comparison.loc["mean_travel_min", "change"] < 0
    assert comparison.loc["estimated_travel_hours_per_month", "better"]
    assert not comparison.loc["participants_served", "better"]  # the same: 6 and 6
    # The audited plan has no schedule, so the comparison is assignment against assignment.
    assert "scheduled_travel_hours" not in comparison.index
    # Printed by the command line: labels and formatted figures, no keys, no raw floats.
    lines = comparison_lines(comparison.reset_index(), "id")
    assert "Pelanggaran aturan: 1 -> 0 (-1)" in lines
    assert any(line.startswith("Rata-rata perjalanan sekali jalan (menit): ") for line in lines)
    assert not any("_" in line or re.search(r"\.\d{3}", line) for line in lines), lines
    english = comparison_lines(comparison.reset_index(), "en")
    assert "Rule violations: 1 -> 0 (-1)" in english


def test_without_a_schedule_the_headline_has_no_session_counts(
    tmp_path, audit_problem, clean_assignments, travel
):
    result = audit_plan(audit_problem, clean_assignments, None, travel)
    write_audit_outputs(tmp_path, audit_problem, result, "id", None)
    page = (tmp_path / "audit.html").read_text(encoding="utf-8")
    cards = page[page.index('<div class="cards">') : page.index("</main>")].split("<h2>")[0]
    assert "0–2 sesi" not in cards, cards[cards.find("0–2 sesi") - 300 :][:400]


@pytest.mark.parametrize("lang", ["id", "en"])
def test_audit_files(tmp_path, audit_problem, clean_assignments, clean_schedule, travel, lang):
    schedule = clean_schedule.copy()
    schedule.loc[0, "date"] = "2027-08-17"  # a holiday
    result = audit_plan(audit_problem, clean_assignments, schedule, travel)
    comparison = compare_tables(
        result, PlanTables(assignments=result.tables.assignments, assignment_summary={})
    )
    files = write_audit_outputs(tmp_path, audit_problem, result, lang, comparison)
    names = {f.name for f in files}
    assert names == {
        "violations.csv",
        "mentor_balance.csv",
        "comparison.csv",
        "audit_summary.json",
        "audit.xlsx",
        "audit.html",
    }
    violations = pd.read_csv(tmp_path / "violations.csv", encoding="utf-8-sig")
    assert "holiday" in set(violations["rule"])
    summary = json.loads((tmp_path / "audit_summary.json").read_text(encoding="utf-8"))
    assert summary["clean"] is False and summary["by_rule"]["holiday"]["count"] >= 1
    book = openpyxl.load_workbook(tmp_path / "audit.xlsx", read_only=True)
    expected = "Pelanggaran" if lang == "id" else "Violations"
    assert book.sheetnames[1] == expected
    page = (tmp_path / "audit.html").read_text(encoding="utf-8")
    title = "Pemeriksaan Rencana Pendampingan" if lang == "id" else "Mentoring plan audit"
    assert title in page
    assert ("Sesi pada hari libur" if lang == "id" else "Session on a public holiday") in page
