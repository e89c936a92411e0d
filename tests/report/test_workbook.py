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
        # Widths of 8 to 60 characters (stored as Excel does, with its cell padding).
        assert all(8 <= w <= 60.75 for w in widths), (sheet.title, widths)


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
    # ... shown with its weekday in the workbook's language: "Sel, 2027-07-06"
    date = schedule.cell(2, [c.value for c in schedule[1]].index("Tanggal") + 1)
    assert date.number_format == "[$-421]ddd, yyyy-mm-dd"
    assert "Hari" not in row  # the weekday is the date's, not a column of its own
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
    assert [c.value for c in book["Schedule"][1]][:3] == ["Session ID", "Date", "Start"]
    assert book["Schedule"]["B2"].number_format == "[$-409]ddd, yyyy-mm-dd"  # "Tue, 2027-..."
    assert book["Schedule"]["J2"].value == "onsite"


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


def test_every_sheet_prints_landscape_one_page_wide_with_the_header_repeated(outputs):
    book = openpyxl.load_workbook(outputs / "plan.xlsx")
    for sheet in book.worksheets:
        setup = sheet.page_setup
        assert setup.orientation == "landscape", sheet.title
        assert setup.paperSize == 9, sheet.title  # A4
        assert sheet.sheet_properties.pageSetUpPr.fitToPage, sheet.title
        # 1 page is the file format's default, which the file may leave out (None).
        assert (setup.fitToWidth or 1) == 1, sheet.title
        assert sheet.print_title_rows.replace("$", "") == "1:1", sheet.title
        # The summary on one page, the long tables one page wide and as long as they are.
        high = 1 if setup.fitToHeight is None else int(setup.fitToHeight)
        assert high == (1 if sheet.title == "Ringkasan" else 0), sheet.title


def test_clock_times_are_excel_times(outputs, small_tables):
    book = openpyxl.load_workbook(outputs / "plan.xlsx")
    for title, names in (("Jadwal", ("Mulai", "Selesai")), ("Rute", ("Berangkat", "Kembali"))):
        sheet = book[title]
        header = [c.value for c in sheet[1]]
        for name in names:
            cell = sheet.cell(row=2, column=header.index(name) + 1)
            assert isinstance(cell.value, dt.time), (title, name, cell.value)
            assert cell.number_format == "hh:mm"
    schedule = book["Jadwal"]
    header = [c.value for c in schedule[1]]
    first = small_tables.schedule.iloc[0]
    start = schedule.cell(row=2, column=header.index("Mulai") + 1).value
    assert start.strftime("%H:%M") == first["start"]


def test_mentor_ids_are_offered_where_assignments_are_edited(outputs, small_problem):
    book = openpyxl.load_workbook(outputs / "plan.xlsx")
    mentors = book["Pendamping"]
    header = [c.value for c in mentors[1]]
    column = header.index("ID pendamping")
    ids = [row[column] for row in mentors.iter_rows(min_row=2, values_only=True)]
    assert sorted(ids) == sorted(m.mentor_id for m in small_problem.mentors)
    letter = openpyxl.utils.get_column_letter(column + 1)
    for title in ("Penugasan", "Jadwal"):
        sheet = book[title]
        rules = sheet.data_validations.dataValidation
        assert len(rules) == 1, title
        rule = rules[0]
        assert rule.type == "list"
        assert rule.formula1 == f"'Pendamping'!${letter}$2:${letter}${len(ids) + 1}"
        header = [c.value for c in sheet[1]]
        target = openpyxl.utils.get_column_letter(header.index("ID pendamping") + 1)
        assert str(rule.sqref).startswith(f"{target}2:{target}")
    assert not book["Ringkasan"].data_validations.dataValidation


def test_formula_like_text_stays_text(tmp_path):
    from tkm_assign.report.i18n import Labels
    from tkm_assign.report.workbook import Sheet, write_workbook

    path = tmp_path / "x.xlsx"
    sheet = Sheet("S", ["participant_name", "start"], [['=HYPERLINK("x")', "25:99"]])
    write_workbook(path, [sheet], Labels("en"))
    cells = openpyxl.load_workbook(path)["S"][2]
    assert cells[0].value == '=HYPERLINK("x")' and cells[0].data_type == "s"
    assert cells[1].value == "25:99"  # text: left as the text it was


def test_months_show_their_calendar_dates(outputs, small_problem):
    book = openpyxl.load_workbook(outputs / "plan.xlsx")
    assert small_problem.config.programme.start_date == dt.date(2027, 7, 5)
    sheet = book["Beban kerja"]
    header = [c.value for c in sheet[1]]
    month = header.index("Bulan ke-")
    assert header[month + 1] == "Tanggal bulan ini"
    for row in sheet.iter_rows(min_row=2, values_only=True):
        if row[month] == 1:
            assert row[month + 1] == "5 Jul 2027 – 4 Agu 2027", row
            break
    else:
        pytest.fail("no month 1 in Beban kerja")
    # The 35,000 sessions of the national plan: the month's dates are its number's format,
    # the month stays the number to sort and filter by.
    sheet = book["Jadwal"]
    header = [c.value for c in sheet[1]]
    assert "Tanggal bulan ini" not in header
    month = header.index("Bulan ke-")
    cells = [row[month] for row in sheet.iter_rows(min_row=2)]
    first = next(c for c in cells if c.value == 1)
    assert first.number_format == '0" · 5 Jul 2027 – 4 Agu 2027"'
    assert {c.number_format for c in cells if c.value == 2} == {'0" · 5 Agu 2027 – 4 Sep 2027"'}


def test_every_part_of_the_workbook_is_compressed(outputs):
    import zipfile

    with zipfile.ZipFile(outputs / "plan.xlsx") as book:
        parts = book.infolist()
        assert parts and all(p.compress_type == zipfile.ZIP_DEFLATED for p in parts)
        sheet = next(p for p in parts if p.filename == "xl/worksheets/sheet3.xml")
    assert sheet.compress_size < sheet.file_size / 4


def test_cells_are_written_by_their_type_never_by_reading_text(tmp_path):
    """A date or clock time in a table is an Excel date or time; text that reads like one
    (a note, a name, a hand-typed "date" cell) stays the text it is."""
    from tkm_assign.report.i18n import Labels
    from tkm_assign.report.workbook import frame_sheet, write_workbook

    frame = pd.DataFrame(
        {
            "date": ["2024-07-05", dt.date(2027, 7, 6)],
            "start": ["08:30", dt.time(9, 15)],
            "notes": ["2024-07-05", "08:30"],
            "held_on": [dt.date(2027, 7, 6), None],
        }
    )
    path = tmp_path / "x.xlsx"
    write_workbook(path, [frame_sheet("S", frame)], Labels("en"))
    sheet = openpyxl.load_workbook(path)["S"]
    text_row, typed_row = sheet[2], sheet[3]
    for cell, shown in zip(text_row[:3], ("2024-07-05", "08:30", "2024-07-05"), strict=True):
        assert cell.value == shown and cell.data_type == "s", cell.coordinate
    assert typed_row[2].value == "08:30" and typed_row[2].data_type == "s"
    assert typed_row[0].value == dt.datetime(2027, 7, 6) and typed_row[0].is_date
    assert typed_row[0].number_format == "[$-409]ddd, yyyy-mm-dd"
    assert typed_row[1].value == dt.time(9, 15) and typed_row[1].number_format == "hh:mm"
    assert text_row[3].value == dt.datetime(2027, 7, 6) and text_row[3].is_date
    assert text_row[3].number_format == "yyyy-mm-dd"
    assert typed_row[3].value is None


def test_every_kind_of_value_keeps_its_type_and_format(tmp_path):
    """Cells of every kind a table holds, written as ready row XML, read back as XlsxWriter's
    own cells would: numbers with their column's format, booleans, dates and times, text
    cleaned of characters XML cannot hold; empty and non-finite values leave no cell."""
    import numpy as np

    from tkm_assign.report.i18n import Labels
    from tkm_assign.report.workbook import Sheet, write_workbook

    columns = ["mentor_id", "travel_min", "utilisation", "date", "start", "pinned"]
    rows = [
        ["M1\x01", np.int64(42), np.float64(0.5), dt.datetime(2027, 7, 6, 12, 0), None, True],
        [None, float("nan"), float("inf"), dt.date(2027, 7, 7), dt.timedelta(hours=9), None],
        ["x" * 40000, 7, 1.25, None, dt.time(8, 30), False],
    ]
    path = tmp_path / "x.xlsx"
    write_workbook(path, [Sheet("S", columns, rows)], Labels("en"))
    sheet = openpyxl.load_workbook(path)["S"]
    first, second, third = sheet[2], sheet[3], sheet[4]
    assert first[0].value == "M1 " and first[0].data_type == "s"
    assert first[1].value == 42 and first[1].number_format == "0"
    assert first[2].value == 0.5 and first[2].number_format == "0.0%"
    assert first[3].value == dt.datetime(2027, 7, 6, 12, 0) and first[3].is_date
    assert first[5].value is True
    assert [c.value for c in second[:3]] == [None, None, None]
    assert second[3].value == dt.datetime(2027, 7, 7)
    assert second[3].number_format == "[$-409]ddd, yyyy-mm-dd"
    assert second[4].value == dt.time(9, 0) and second[4].number_format == "hh:mm"
    assert len(third[0].value) == 32767  # Excel's longest text
    assert third[2].value == 1.25 and third[4].value == dt.time(8, 30)
    assert third[5].value is False
    assert sheet.max_row == 4 and sheet.max_column == 6
