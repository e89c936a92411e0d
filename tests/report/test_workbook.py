"""plan.xlsx opens with every sheet, a frozen formatted header, filters and real values."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pandas as pd
import pytest

from tkm_assign.audit import audit_plan
from tkm_assign.geo.travel import HaversineTravel

SHEETS_ID = [
    "Ringkasan",
    "Penugasan",
    "Jadwal",
    "Rute",
    "Beban kerja",
    "Pendamping",
    "Belum terlayani & kekurangan",
    "Provinsi",
    "Yang akan melayani",
]
SHEETS_EN = [
    "Summary",
    "Assignments",
    "Schedule",
    "Routes",
    "Workload",
    "Mentors",
    "Unassigned & shortfalls",
    "Provinces",
    "What would serve them",
]


def test_every_sheet_with_frozen_header_and_filter(outputs):
    book = openpyxl.load_workbook(outputs / "plan.xlsx")
    assert book.sheetnames == SHEETS_ID
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2", sheet.title
        assert (
            sheet.auto_filter.ref
            == f"A1:{sheet.cell(1, sheet.max_column).column_letter}{sheet.max_row}"
        )
        header = sheet[1]
        assert all(cell.font.b for cell in header), sheet.title
        widths = [sheet.column_dimensions[c.column_letter].width for c in header]
        assert all(8 <= w <= 60 for w in widths), (sheet.title, widths)


def test_rows_and_values(outputs, small_tables):
    book = openpyxl.load_workbook(outputs / "plan.xlsx")
    assignments = book["Penugasan"]
    assert assignments.max_row == 1 + len(small_tables.assignments)
    header = [c.value for c in assignments[1]]
    assert header[:3] == ["ID peserta", "Nama peserta", "Desa/kelurahan"]
    first = dict(zip(header, [c.value for c in assignments[2]], strict=True))
    assert first["Nama peserta"] == "Siti Rahmawati"
    assert first["Sektor"] == "Industri boga"
    assert first["Status"] == "terlayani"
    assert first["Sektor sesuai"] == "ya"
    schedule = book["Jadwal"]
    assert schedule.max_row == 1 + len(small_tables.schedule)
    row = dict(zip([c.value for c in schedule[1]], [c.value for c in schedule[2]], strict=True))
    assert row["Tanggal"] == dt.datetime(2027, 7, 6)  # a real date, not text
    assert row["Hari"] == "Selasa"
    assert row["Cara"] == "tatap muka"
    problems = book["Belum terlayani & kekurangan"]
    kinds = [r[0].value for r in problems.iter_rows(min_row=2)]
    assert kinds == ["belum terlayani", "kekurangan sesi"]
    summary = {r[0].value: r[1].value for r in book["Ringkasan"].iter_rows(min_row=2)}
    assert summary["Peserta"] == 8 and summary["Peserta terlayani"] == 7
    assert summary["Mutu penugasan"] == "terbaik menurut aturan (terbukti optimal)"
    assert summary["Cara menghitung penugasan"].startswith("optimasi jaringan")
    assert "Rata-rata pemanfaatan, bulan tersibuk terjadwal" in summary


def test_utilisation_is_a_formatted_share(outputs):
    sheet = openpyxl.load_workbook(outputs / "plan.xlsx")["Beban kerja"]
    header = [c.value for c in sheet[1]]
    cell = sheet.cell(2, header.index("Pemanfaatan") + 1)
    assert isinstance(cell.value, float) and cell.number_format == "0.0%"
    assert sheet.conditional_formatting  # red above 100 %


def test_mentors_sheet_reviews_workload_with_travel_allowance(outputs):
    sheet = openpyxl.load_workbook(outputs / "plan.xlsx")["Pendamping"]
    header = [c.value for c in sheet[1]]
    rows = {r[0].value: r for r in sheet.iter_rows(min_row=2)}
    m01 = dict(zip(header, rows["M01"], strict=True))
    assert m01["Sesi"].value == 7
    assert m01["Uang transport (Rp)"].value == 209_700
    assert m01["Uang transport (Rp)"].number_format == "#,##0"
    assert m01["Bagian waktu di jalan"].number_format == "0.0%"
    assert m01["Beban perjalanan"].value == "tidak"


def test_the_unserved_have_a_cause_and_remedies_to_filter(outputs):
    book = openpyxl.load_workbook(outputs / "plan.xlsx")
    problems = book["Belum terlayani & kekurangan"]
    header = [c.value for c in problems[1]]
    first = dict(zip(header, [c.value for c in problems[2]], strict=True))
    assert first["Sebab"] == "pendamping dalam jangkauan penuh" and first["ID peserta"] == "P08"
    remedies = book["Yang akan melayani"]
    header = [c.value for c in remedies[1]]
    (row,) = [dict(zip(header, [c.value for c in r], strict=True)) for r in remedies.iter_rows(2)]
    assert row["Provinsi"] == "Bali" and row["Tindakan"] == "tambah pendamping"
    assert row["Pendamping baru"] == 1 and row["ID peserta"] == "P08"


def test_english_labels(outputs_en):
    book = openpyxl.load_workbook(outputs_en / "plan.xlsx")
    assert book.sheetnames == SHEETS_EN
    assert [c.value for c in book["Schedule"][1]][:3] == ["Session ID", "Date", "Day"]
    assert book["Schedule"]["K2"].value == "onsite"


def test_assignment_only_plan_has_empty_schedule_sheets(
    tmp_path, small_problem, assignment_only_tables
):
    from tkm_assign.report import write_plan_outputs

    write_plan_outputs(tmp_path, small_problem, assignment_only_tables, "id")
    book = openpyxl.load_workbook(tmp_path / "plan.xlsx")
    assert book.sheetnames == SHEETS_ID
    assert book["Jadwal"].max_row == 1
    workload = [c.value for c in book["Beban kerja"][1]]
    assert "Beban perkiraan (jam/bulan)" in workload


def test_a_coordinator_can_audit_the_workbook_as_edited(
    tmp_path, small_problem, small_tables, outputs
):
    # The Assignments and Schedule sheets, read back as text, are a plan the audit reads.
    sheets = pd.read_excel(outputs / "plan.xlsx", sheet_name=["Penugasan", "Jadwal"], dtype=str)
    result = audit_plan(
        small_problem,
        sheets["Penugasan"],
        sheets["Jadwal"],
        HaversineTravel(small_problem.config.travel),
        assignments_source="plan.xlsx",
        schedule_source="plan.xlsx",
    )
    assert len(result.tables.schedule) == len(small_tables.schedule)
    assert result.tables.assignments["mentor_id"].tolist() == (
        small_tables.assignments["mentor_id"].tolist()
    )


@pytest.mark.parametrize("lang", ["id", "en"])
def test_sheet_names_are_valid(lang):
    from tkm_assign.report.i18n import Labels

    labels = Labels(lang)
    for key in ("sheet_summary", "sheet_unassigned", "sheet_violations", "sheet_comparison"):
        name = labels[key]
        assert len(name) <= 31 and not set(name) & set("[]:*?/\\")
