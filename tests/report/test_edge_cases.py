"""Outputs stay correct for awkward inputs: nobody served, odd ids, hostile names."""

from __future__ import annotations

import dataclasses

import icalendar
import openpyxl
import pandas as pd

from tests.conftest import BANDUNG, GARUT
from tkm_assign.config import Config
from tkm_assign.model import Problem
from tkm_assign.report import write_plan_outputs
from tkm_assign.report.calendars import mentor_file_names
from tkm_assign.report.tables import ASSIGNMENT_COLUMNS, SCHEDULE_COLUMNS, PlanTables


def test_nobody_served_still_writes_every_output(tmp_path, make_participant, make_mentor):
    problem = Problem(
        (make_participant("P1", GARUT),), (make_mentor("M1", BANDUNG, max_caseload=1),), Config()
    )
    assignments = pd.DataFrame(
        [
            (
                "P1",
                "",
                "unassigned",
                "no mentor within 240 min",
                "Jawa Barat",
                "industri_boga",
                False,
                None,
                None,
                None,
            )
        ],
        columns=list(ASSIGNMENT_COLUMNS),
    )
    tables = PlanTables(assignments=assignments, assignment_summary={"status": "INFEASIBLE"})
    files = {p.name for p in write_plan_outputs(tmp_path, problem, tables, "en")}
    assert {"plan.xlsx", "report.html", "map.png", "plan.gpkg", "summary.json"} <= files
    assert "no mentor within 240 min" in (tmp_path / "report.html").read_text(encoding="utf-8")


def test_odd_mentor_ids_get_distinct_file_names():
    assert mentor_file_names(["M/1", "M_1", "m_1", "../x"]) == {
        "M/1": "M_1",
        "M_1": "M_1-2",
        "m_1": "m_1-3",
        "../x": "_x",
    }


def test_names_are_text_never_formulas_or_markup(tmp_path, make_participant, make_mentor):
    person = dataclasses.replace(
        make_participant("P1", GARUT), name='=HYPERLINK("x","y")', village="<b>Desa</b>; A, B"
    )
    mentor = dataclasses.replace(make_mentor("M/1", BANDUNG), name="Ani <script>")
    problem = Problem((person,), (mentor,), Config())
    assignments = pd.DataFrame(
        [("P1", "M/1", "assigned", "", "Jawa Barat", "industri_boga", True, 70, 46.8, 7.3)],
        columns=list(ASSIGNMENT_COLUMNS),
    )
    schedule = pd.DataFrame(
        [("S1", "M/1", "P1", "2027-07-06", "09:30", "11:00", "onsite", 1, 70)],
        columns=list(SCHEDULE_COLUMNS),
    )
    tables = PlanTables(assignments=assignments, assignment_summary={}, schedule=schedule)
    write_plan_outputs(tmp_path, problem, tables, "id")
    sheet = openpyxl.load_workbook(tmp_path / "plan.xlsx")["Penugasan"]
    assert sheet["B2"].value == '=HYPERLINK("x","y")' and sheet["B2"].data_type == "s"
    page = (tmp_path / "calendars" / "M_1.html").read_text(encoding="utf-8")
    assert "<script>" not in page and "Ani &lt;script&gt;" in page
    event = icalendar.Calendar.from_ical((tmp_path / "calendars" / "M_1.ics").read_bytes())
    (only,) = event.walk("VEVENT")
    assert str(only["LOCATION"]).startswith("<b>Desa</b>; A, B, Kabupaten Garut")
