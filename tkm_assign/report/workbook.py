"""``plan.xlsx``: the plan as a workbook coordinators can filter, sort and print.

Every sheet has a formatted header, a frozen top row, an auto filter over its table and
column widths fitted to the content. Codes are shown in words of the chosen language
(``onsite`` -> ``tatap muka``), dates are real Excel dates shown with their weekday
(``Sel, 2027-07-06``: the locale code of the number format names the day in the
workbook's language), clock times (start, end, leave, return) real Excel times, hours and
shares numbers with a display format, so sums, filters and sorting work. Sheets print on A4 landscape, one page wide, with the header row
repeated on every page (the summary on one page). Where a coordinator edits who mentors
whom, the mentor id column offers the list of mentor ids (data validation). The same
writer makes ``audit.xlsx``.

Written with XlsxWriter (a streaming writer, several times faster than building cells
in openpyxl); openpyxl reads workbooks back (inputs, tests).

Light enough to send over a weak connection: the national demo's Schedule sheet holds
35,000 sessions, and its cells are most of the file, so what a cell can show is not given a
column of its own (the weekday is in the date's format, a programme month's calendar dates
in the month number's format), formats and drop-downs are given once per column, text once
per workbook (shared strings). The parts are compressed once, by XlsxWriter at deflate's
default level: deflate's highest level makes the national workbook 7 % smaller (2.50 MB
instead of 2.70 MB) for about five times the compression time, the largest single cost of
writing it.
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.utility import _utf16_len, _utf16_truncate, xl_col_to_name, xl_rowcol_to_cell
from xlsxwriter.worksheet import Worksheet

from tkm_assign import rules
from tkm_assign.geo.regions import load_geography
from tkm_assign.messages import Message
from tkm_assign.model import Problem
from tkm_assign.report.figures import (
    as_float,
    mentors_by_id,
    participants_by_id,
    place_of,
    regency_names,
    text,
    truthy,
)
from tkm_assign.report.i18n import Labels
from tkm_assign.report.tables import PlanTables

if TYPE_CHECKING:
    from tkm_assign.assign.remedies import UnservedReview

log = logging.getLogger("tkm_assign")

HEADER_STYLE = {
    "bold": True,
    "font_color": "#FFFFFF",
    "bg_color": "#0F766E",
    "text_wrap": True,
    "valign": "vcenter",
    "bottom": 1,
    "bottom_color": "#134E4A",
}
OVER_STYLE = {"bg_color": "#FECACA"}
DATE_FORMAT = "yyyy-mm-dd"
# The date with its weekday in the workbook's language (Excel and LibreOffice locale codes:
# 0x421 Indonesian, 0x409 English).
WEEKDAY_DATE_FORMATS = {"id": "[$-421]ddd, yyyy-mm-dd", "en": "[$-409]ddd, yyyy-mm-dd"}
TIME_FORMAT = "hh:mm"
PERCENT = "0.0%"
ONE_DECIMAL = "0.0"
TWO_DECIMALS = "0.00"
INTEGER = "0"
MIN_WIDTH, MAX_WIDTH = 8, 60
# Widths are estimated from this many rows; enough to see typical values.
WIDTH_SAMPLE_ROWS = 400
# Characters XML 1.0 cannot hold (inputs are cleaned at validation; this keeps any other
# text writable).
ILLEGAL_CHARACTERS_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
A4 = 9  # XlsxWriter's paper code
XLS_STRMAX = 32767  # the longest text a cell holds, in UTF-16 units

# Number format by column name (columns not listed are written as they are).
COLUMN_FORMATS: Mapping[str, str] = {
    "date": DATE_FORMAT,
    "start": TIME_FORMAT,
    "end": TIME_FORMAT,
    "depart": TIME_FORMAT,
    "return": TIME_FORMAT,
    "travel_min": INTEGER,
    "travel_min_before": INTEGER,
    "distance_km": ONE_DECIMAL,
    "travel_km": ONE_DECIMAL,
    "monthly_hours": TWO_DECIMALS,
    "monthly_hours_estimated": ONE_DECIMAL,
    "capacity_hours": ONE_DECIMAL,
    "session_hours": ONE_DECIMAL,
    "travel_hours": ONE_DECIMAL,
    "total_hours": ONE_DECIMAL,
    "available_hours": ONE_DECIMAL,
    "peak_hours": ONE_DECIMAL,
    "mean_travel_min": ONE_DECIMAL,
    "utilisation": PERCENT,
    "peak_utilisation": PERCENT,
    "utilisation_mean": PERCENT,
    "utilisation_min": PERCENT,
    "utilisation_max": PERCENT,
    "served_share": PERCENT,
    "sector_match_rate": PERCENT,
    "travel_share": PERCENT,
    "travel_cost_idr": "#,##0",
    "sessions": INTEGER,
    "onsite": INTEGER,
}
# Columns where a value above 1 (100 %) is shaded red.
OVER_ONE = frozenset({"utilisation", "peak_utilisation", "utilisation_max", "utilisation_mean"})
# Columns whose codes are shown in words.
WORDED = frozenset(
    {
        "mode",
        "status",
        "sector",
        "need_level",
        "sector_match",
        "flag",
        "kind",
        "severity",
        "transport",
        "travel_heavy",
        "cause",
        "action",
    }
)


@dataclass
class Sheet:
    """One worksheet: a title, column names (labelled on writing) and rows of values.

    ``cell_formats`` overrides the number format of single cells as ``(row, column)`` ->
    format, e.g. for the mixed value column of a summary sheet; ``value_formats`` gives
    the cells of a column a number format by their value (``{"month": {1: '0" · 5 Jul –
    4 Agu 2027"'}}``: month 1 stays the number 1 to sort and filter, and shows its dates). ``choices`` offers, in a
    column, the values of a column of another sheet of the workbook as a drop-down list
    (``{"mentor_id": (mentors sheet title, "mentor_id")}``). ``one_page`` prints the sheet
    on a single page (else one page wide).
    """

    title: str
    columns: Sequence[str]
    rows: list[list[Any]]
    cell_formats: dict[tuple[int, int], str] = field(default_factory=dict)
    choices: dict[str, tuple[str, str]] = field(default_factory=dict)
    one_page: bool = False
    value_formats: dict[str, dict[Any, str]] = field(default_factory=dict)


def frame_sheet(title: str, frame: pd.DataFrame, columns: Sequence[str] | None = None) -> Sheet:
    """A sheet from a frame whose column names are plan-table names."""
    names = list(columns) if columns is not None else list(frame.columns)
    rows = frame[names].astype(object).where(frame[names].notna(), None).values.tolist()
    return Sheet(title=title, columns=names, rows=rows)


def write_workbook(path: Path, sheets: Sequence[Sheet], labels: Labels) -> None:
    """Write ``sheets`` to ``path`` (see the module docstring)."""
    book = xlsxwriter.Workbook(
        str(path),
        {
            # Text stays text: never a formula, a link or a number.
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "remove_timezone": True,
        },
    )
    styles = _Styles(book)
    titles = {sheet.title: sheet.title[:31] for sheet in sheets}
    extents = {sheet.title: (list(sheet.columns), len(sheet.rows)) for sheet in sheets}
    for sheet in sheets:
        ws = book.add_worksheet(titles[sheet.title], worksheet_class=_BodySheet)
        _write_sheet(ws, sheet, labels, styles)
        _print_setup(ws, sheet)
        for column, (source, source_column) in sheet.choices.items():
            _choice_list(ws, sheet, column, titles.get(source), extents.get(source), source_column)
    book.close()


class _Styles:
    """The workbook's formats, made once each (XlsxWriter keeps one per distinct style)."""

    def __init__(self, book: xlsxwriter.Workbook) -> None:
        self.book = book
        self.header = book.add_format(HEADER_STYLE)
        self.over = book.add_format(OVER_STYLE)
        self._numbers: dict[str, Format] = {}

    def number(self, fmt: str | None) -> Format | None:
        if fmt is None:
            return None
        if fmt not in self._numbers:
            self._numbers[fmt] = self.book.add_format({"num_format": fmt})
        return self._numbers[fmt]


class _BodySheet(Worksheet):
    """A worksheet whose data rows arrive as ready cell XML (:func:`_write_sheet`).

    XlsxWriter keeps a cell object per cell and writes each through several calls; a
    national Schedule sheet has hundreds of thousands of cells, and that was most of the
    workbook's time. Here a data row is its cells' XML text, made once as the row is read,
    with the shared strings and the formats' indices XlsxWriter itself assigns, in the
    order it would have assigned them: the XML is the same, byte for byte. The header row
    (and anything else) goes through XlsxWriter's own cells.
    """

    def __init__(self) -> None:
        super().__init__()
        # (row, first column, last column, the row's cells as XML), rows in order
        self.body: list[tuple[int, int, int, str]] = []

    def _write_rows(self) -> None:
        if not self.body:
            super()._write_rows()
            return
        # Table rows (the header) come before the body; no row formats or comments.
        table = {row: cells for row, cells in self.table.items() if cells}
        if self.row_info or self.comments or max(table, default=-1) >= self.body[0][0]:
            raise ValueError("a body sheet holds only header rows outside its body")
        # The span of a block of 16 rows: its first and last column with a cell (optional
        # in the format; XlsxWriter writes it, so the file stays the same).
        ranges: dict[int, tuple[int, int]] = {}
        rows = [(row, min(cells), max(cells)) for row, cells in table.items()]
        for row, first, last in itertools.chain(rows, ((r, a, b) for r, a, b, _ in self.body)):
            block = row // 16
            seen = ranges.get(block)
            ranges[block] = (
                (first, last) if seen is None else (min(seen[0], first), max(seen[1], last))
            )
        spans = {block: f"{a + 1}:{b + 1}" for block, (a, b) in ranges.items()}
        for row in sorted(table):
            self._write_row(row, spans.get(row // 16))
            for col in sorted(table[row]):
                self._write_cell(row, col, table[row][col])
            self._xml_end_tag("row")
        write = self.fh.write
        if self.default_row_height != self.original_row_height or self.excel_version == 2010:
            for row, _, _, cells in self.body:  # rows with attributes of their own
                self._write_row(row, spans[row // 16])
                write(cells)
                write("</row>")
            return
        # A row of the default height: <row r="7" spans="1:12">, as _write_row writes it.
        for row, _, _, cells in self.body:
            write(f'<row r="{row + 1}" spans="{spans[row // 16]}">{cells}</row>')


def _write_sheet(ws: _BodySheet, sheet: Sheet, labels: Labels, styles: _Styles) -> None:
    names = list(sheet.columns)
    n_rows = len(sheet.rows)
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, n_rows, max(len(names), 1) - 1)
    headers = [labels.column(name) for name in names]
    for j, name in enumerate(names):
        width = _width(headers[j], [row[j] for row in sheet.rows[:WIDTH_SAMPLE_ROWS]], name)
        ws.set_column(j, j, width)
    for j, name in enumerate(names):
        if name in OVER_ONE and n_rows:
            ws.conditional_format(
                1,
                j,
                n_rows,
                j,
                {"type": "cell", "criteria": ">", "value": 1.000001, "format": styles.over},
            )
    ws.write_row(0, 0, headers, styles.header)
    formats = [styles.number(COLUMN_FORMATS.get(name)) for name in names]
    if "date" in names:
        formats[names.index("date")] = styles.number(WEEKDAY_DATE_FORMATS[labels.lang])
    by_value = {
        names.index(column): {value: styles.number(fmt) for value, fmt in by.items()}
        for column, by in sheet.value_formats.items()
        if column in names
    }
    # XlsxWriter numbers a format when a cell first uses it, the header row first: the
    # body's formats are numbered here in the order its own writer would meet them.
    styles.header._get_xf_index()
    # Cells are written by the type of their value, never by reading text: a date
    # (``datetime.date``) becomes an Excel date, a clock time (``datetime.time``, or a
    # ``timedelta`` since midnight) an Excel time, a number a number, text stays text
    # whatever it looks like. Coded columns are shown in words.
    worded = [name in WORDED for name in names]
    words: list[dict[tuple[type, Any], Any]] = [{} for _ in names]
    # The cell XML of each date and time seen (with its format), made once: a sheet holds
    # tens of thousands of cells with a few hundred distinct dates. The start of a number
    # cell's XML by its format (the format numbered as the cell meets it).
    moments: dict[tuple[Any, Format | None], str] = {}
    tags: dict[Format | None, str] = {}
    date_format, time_format = styles.number(DATE_FORMAT), styles.number(TIME_FORMAT)
    overrides = sheet.cell_formats
    shared = ws.str_table._get_shared_string_index
    # A cell's XML as XlsxWriter writes it: <c r="B7" s="3"><v>46212</v></c> for a number
    # (s: its format), <c r="A7" t="s"><v>12</v></c> for text (the shared string's number).
    starts = ['<c r="' + xl_col_to_name(j) for j in range(len(names))]
    body = ws.body
    first_row = last_row = -1
    first_col, last_col = len(names), -1
    # Rows beyond Excel's last are left out, as XlsxWriter's own writer leaves them.
    for i, row in enumerate(sheet.rows[: ws.xls_rowmax - 1], start=1):
        cells: list[str] = []
        number = str(i + 1)
        low, high = -1, -1
        for j, value in enumerate(row):
            if value is None:
                continue
            if worded[j]:
                key = (type(value), value)
                try:
                    value = words[j][key]
                except KeyError:
                    value = words[j][key] = _cell_value(names[j], value, labels)
                except TypeError:  # not hashable
                    value = _cell_value(names[j], value, labels)
                if value is None:
                    continue
            fmt = formats[j]
            if by_value and j in by_value:
                fmt = by_value[j].get(value, fmt)
            if overrides:
                fmt = styles.number(overrides.get((i - 1, j))) or fmt
            kind = type(value)
            if kind is str:
                if value.isprintable() and len(value) <= XLS_STRMAX // 2:  # most text
                    cell = f'" t="s"><v>{shared(value)}</v></c>'
                else:
                    cell = _text_cell(value, shared)
            elif kind is int or kind is float:
                if kind is float and not math.isfinite(value):
                    continue
                tag = tags.get(fmt)
                if tag is None:
                    tag = tags[fmt] = _number_tag(fmt)
                cell = f"{tag}{value:.16G}</v></c>"
            elif kind is dt.date or kind is dt.time or kind is dt.timedelta:
                fmt = fmt or (date_format if kind is dt.date else time_format)
                key = (value, fmt)
                known = moments.get(key)
                if known is None:
                    known = moments[key] = _number_cell(_serial(value), fmt)
                cell = known
            else:  # numpy scalars, NaT, datetimes, booleans, messages, ...
                value = _cell_value(names[j], value, labels)
                if value is None:
                    continue
                other = _other_cell(ws, value, fmt, styles, shared)
                if other is None:
                    continue
                cell = other
            cells.append(starts[j] + number + cell)
            if low < 0:
                low = j
            high = j
        if cells:
            body.append((i, low, high, "".join(cells)))
            if first_row < 0:
                first_row = i
            last_row = i
            first_col, last_col = min(first_col, low), max(last_col, high)
    if first_row > 0:
        # The sheet's extent (its <dimension>), as writing each cell would have set it.
        ws._check_dimensions(first_row, first_col)
        ws._check_dimensions(last_row, last_col)


def _text_cell(value: str, shared: Any) -> str:
    """The end of a text cell's XML (after ``<c r="A7``): the shared string's number."""
    if not value.isprintable():
        value = ILLEGAL_CHARACTERS_RE.sub(" ", value)
    # Text from an input file is never run as a formula (e.g. "=HYPERLINK(..)").
    if len(value) > XLS_STRMAX // 2 and _utf16_len(value) > XLS_STRMAX:
        value = _utf16_truncate(value, XLS_STRMAX)
    return f'" t="s"><v>{shared(value)}</v></c>'


def _number_tag(fmt: Format | None) -> str:
    """The XML of a number cell up to its value: its format's number (numbering the format
    when it is first used, as XlsxWriter does)."""
    return '"><v>' if fmt is None else f'" s="{fmt._get_xf_index()}"><v>'


def _number_cell(value: float, fmt: Format | None) -> str:
    """The end of a number cell's XML: its format's number and the value as XlsxWriter
    writes it (16 significant digits)."""
    if fmt is None:
        return f'"><v>{value:.16G}</v></c>'
    return f'" s="{fmt._get_xf_index()}"><v>{value:.16G}</v></c>'


def _other_cell(
    ws: Worksheet, value: Any, fmt: Format | None, styles: _Styles, shared: Any
) -> str | None:
    """Cells that are neither plain text nor a plain number (None: no cell)."""
    if isinstance(value, bool):
        return f'" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        return _number_cell(value, fmt) if math.isfinite(value) else None
    if isinstance(value, dt.date):  # dates and datetimes
        return _number_cell(ws._convert_date_time(value), fmt or styles.number(DATE_FORMAT))
    if isinstance(value, dt.time):  # a clock time
        return _number_cell(ws._convert_date_time(value), fmt or styles.number(TIME_FORMAT))
    if isinstance(value, dt.timedelta):  # a clock time: the time since midnight
        return _number_cell(value / dt.timedelta(days=1), fmt or styles.number(TIME_FORMAT))
    return _text_cell(ILLEGAL_CHARACTERS_RE.sub(" ", str(value)), shared)


# Day 0 of Excel's serial dates as counted from 1 March 1900 on (Excel keeps Lotus 1-2-3's
# 29 February 1900, so the days before it count one less).
EXCEL_EPOCH = dt.date(1899, 12, 30)
FIRST_REGULAR_DATE = dt.date(1900, 3, 1)


def _serial(value: dt.date | dt.time | dt.timedelta) -> float:
    """Excel's number for a date (days), a clock time or a time since midnight (a share
    of a day), as XlsxWriter's ``write_datetime`` stores it."""
    if isinstance(value, dt.timedelta):
        return value / dt.timedelta(days=1)
    if isinstance(value, dt.time):
        seconds = value.hour * 3600 + value.minute * 60 + value.second
        return (float(seconds) + float(value.microsecond) / 1e6) / (60 * 60 * 24)
    days = (value - EXCEL_EPOCH).days
    return float(days if value >= FIRST_REGULAR_DATE else days - 1)


def _print_setup(ws: Worksheet, sheet: Sheet) -> None:
    """A4 landscape, narrow margins, one page wide (or one page), header row repeated,
    the sheet's name and page numbers in the footer."""
    ws.set_paper(A4)
    ws.set_landscape()
    ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.6)
    ws.fit_to_pages(1, 1 if sheet.one_page else 0)
    ws.repeat_rows(0)
    ws.set_footer("&L&A&R&P / &N")


def _choice_list(
    ws: Worksheet,
    sheet: Sheet,
    column: str,
    source: str | None,
    extent: tuple[list[str], int] | None,
    source_column: str,
) -> None:
    """A drop-down of the values of ``source_column`` of sheet ``source`` in ``column``."""
    if column not in sheet.columns or source is None or extent is None:
        return
    names, n_rows = extent
    if source_column not in names or not n_rows:
        return
    j = list(sheet.columns).index(column)
    k = names.index(source_column)
    first = xl_rowcol_to_cell(1, k, row_abs=True, col_abs=True)
    last = xl_rowcol_to_cell(n_rows, k, row_abs=True, col_abs=True)
    quoted = "'" + source.replace("'", "''") + "'"
    ws.data_validation(
        1,
        j,
        max(len(sheet.rows), 1) + 200,  # room for rows a coordinator adds
        j,
        {
            "validate": "list",
            "source": f"={quoted}!{first}:{last}",
            "ignore_blank": True,
            "error_type": "warning",  # a new mentor not in the list yet may still be typed
        },
    )


def _cell_value(name: str, value: Any, labels: Labels) -> Any:
    if value is None:
        return None
    if isinstance(value, Message):  # a reason or a finding, in the workbook's language
        return labels.message(value)
    if isinstance(value, float) and value != value:  # NaN
        return None
    if value is pd.NaT:
        return None
    if name in WORDED:
        if name == "sector_match":
            return labels.value(truthy(value))
        return labels.value(value)
    if hasattr(value, "item"):  # numpy scalar -> Python scalar
        return value.item()
    return value


def _width(header: str, values: Sequence[Any], name: str) -> float:
    longest_word = max((len(w) for w in header.split()), default=0)
    widest = max([min(len(header), 18), longest_word, *(len(_shown(name, v)) for v in values)])
    return float(min(max(widest + 2, MIN_WIDTH), MAX_WIDTH))


def _shown(name: str, value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return "2027-07-05"
    if isinstance(value, dt.time | dt.timedelta):
        return "08:30"
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def plan_sheets(
    problem: Problem,
    tables: PlanTables,
    labels: Labels,
    summary_rows: Sequence[tuple[str, Any, str | None]],
    balance: pd.DataFrame,
    provinces: pd.DataFrame,
    unserved: UnservedReview | None = None,
) -> list[Sheet]:
    """The sheets of ``plan.xlsx``, in order.

    Summary, Assignments, Schedule, Routes, Workload, Mentors, Unassigned & shortfalls,
    Provinces, and with ``unserved`` What would serve them (one row per remedy). Without a
    schedule the Schedule and Routes sheets hold only their headers and Workload shows the
    estimated monthly load per mentor.
    """
    sheets = [
        summary_sheet(labels["sheet_summary"], summary_rows),
        _assignments_sheet(problem, tables, labels),
        _schedule_sheet(problem, tables, labels),
        _routes_sheet(problem, tables, labels),
        _workload_sheet(problem, tables, labels, balance),
        frame_sheet(labels["sheet_mentors"], balance.rename(columns={"name": "mentor_name"})),
        _unassigned_sheet(problem, tables, labels, unserved),
        frame_sheet(labels["sheet_provinces"], provinces),
    ]
    if unserved is not None and unserved.unserved:
        sheets.append(_remedies_sheet(unserved, labels))
    return sheets


def _remedies_sheet(unserved: UnservedReview, labels: Labels) -> Sheet:
    """One row per remedy: province, what to do, where, how many it serves and who."""
    geography = load_geography()
    rows = [
        [
            geography.province_name(r.province_code),
            f"remedy_{r.action}",
            r.town or None,
            r.island or None,
            r.mentors or None,
            r.minutes or None,
            r.mentor_id or None,
            r.free_places or None,
            len(r.participants),
            ";".join(r.participants),
        ]
        for r in unserved.remedies
    ]
    columns = [
        "province",
        "action",
        "town",
        "island",
        "new_mentors",
        "raise_min",
        "mentor_id",
        "free_places",
        "participants",
        "participant_ids",
    ]
    return Sheet(labels["sheet_remedies"], columns, rows)


def summary_sheet(title: str, rows: Sequence[tuple[str, Any, str | None]]) -> Sheet:
    """Two columns, measure and value; each value keeps its own number format."""
    sheet = Sheet(
        title=title, columns=["item", "value"], rows=[[a, b] for a, b, _ in rows], one_page=True
    )
    for i, (_, _, fmt) in enumerate(rows):
        if fmt:
            sheet.cell_formats[(i, 1)] = fmt
    return sheet


def _assignments_sheet(problem: Problem, tables: PlanTables, labels: Labels) -> Sheet:
    people = participants_by_id(problem)
    mentors = mentors_by_id(problem)
    regencies = regency_names(load_geography())
    frame = tables.assignments
    rows = []
    for record in frame.to_dict("records"):
        pid, mid = text(record["participant_id"]), text(record["mentor_id"])
        person, mentor = people.get(pid), mentors.get(mid)
        rows.append(
            [
                pid,
                person.name if person else "",
                person.village if person else "",
                regencies.get(person.location.regency_code, "") if person else "",
                text(record["province"]),
                text(record["sector"]),
                person.need_level.value if person else "",
                mid,
                mentor.name if mentor else "",
                text(record["status"]),
                labels.message(record["reason"]),
                truthy(record["sector_match"]) if mid else None,
                _number(record["travel_min"]),
                _number(record["distance_km"]),
                _number(record["monthly_hours"]),
            ]
        )
    columns = [
        "participant_id",
        "participant_name",
        "village",
        "regency",
        "province",
        "sector",
        "need_level",
        "mentor_id",
        "mentor_name",
        "status",
        "reason",
        "sector_match",
        "travel_min",
        "distance_km",
        "monthly_hours",
    ]
    choices = {"mentor_id": (labels["sheet_mentors"], "mentor_id")}
    return Sheet(labels["sheet_assignments"], columns, rows, choices=choices)


def _number(value: Any) -> float | None:
    return as_float(value)


def _schedule_sheet(problem: Problem, tables: PlanTables, labels: Labels) -> Sheet:
    columns = [
        "session_id",
        "date",
        "start",
        "end",
        "mentor_id",
        "mentor_name",
        "participant_id",
        "participant_name",
        "village",
        "mode",
        "month",
        "travel_min_before",
    ]
    rows: list[list[Any]] = []
    periods = month_periods(problem, labels)
    if tables.plan is not None:
        people = participants_by_id(problem)
        mentors = mentors_by_id(problem)
        regencies = regency_names(load_geography())
        # Each participant's village and each clock time made once, not once a session.
        villages = {pid: place_of(p, regencies) for pid, p in people.items()}
        clocks: dict[int, dt.timedelta] = {}
        for s in tables.plan.sessions:
            person, mentor = people.get(s.participant_id), mentors.get(s.mentor_id)
            start, end = clocks.get(s.start_min), clocks.get(s.end_min)
            if start is None:
                start = clocks[s.start_min] = _clock(s.start_min)
            if end is None:
                end = clocks[s.end_min] = _clock(s.end_min)
            rows.append(
                [
                    s.session_id,
                    s.date,
                    start,
                    end,
                    s.mentor_id,
                    mentor.name if mentor else "",
                    s.participant_id,
                    person.name if person else "",
                    villages[s.participant_id] if person else "",
                    s.mode.value,
                    s.month,
                    s.travel_min_before if rules.reachable(s.travel_min_before) else None,
                ]
            )
    choices = {"mentor_id": (labels["sheet_mentors"], "mentor_id")}
    return Sheet(
        labels["sheet_schedule"],
        columns,
        rows,
        choices=choices,
        value_formats={"month": month_formats(periods)},
    )


def month_formats(periods: Mapping[int, str]) -> dict[Any, str]:
    """Number formats showing a programme month with its dates: ``1 · 5 Jul – 4 Agu 2027``."""
    return {month: f'0" · {dates.replace(chr(34), "")}"' for month, dates in periods.items()}


def month_periods(problem: Problem, labels: Labels) -> dict[int, str]:
    """Programme month number -> its calendar dates (``1`` -> ``5 Jul – 4 Agu 2027``)."""
    config = problem.config
    starts = rules.month_starts(config.programme.start_date, config.programme.longest_months)
    return {
        month: f"{labels.short_date(a)} – {labels.short_date(b - dt.timedelta(days=1))}"
        for month, (a, b) in enumerate(itertools.pairwise(starts), start=1)
    }


def _clock(minutes: int) -> dt.timedelta:
    """A clock time (minutes after midnight) as the workbook writes it: a time of day."""
    return dt.timedelta(minutes=minutes)


def _int(value: Any) -> int | None:
    number = _number(value)
    return None if number is None else round(number)


def _routes_sheet(problem: Problem, tables: PlanTables, labels: Labels) -> Sheet:
    columns = [
        "mentor_id",
        "mentor_name",
        "date",
        "depart",
        "return",
        "n_stops",
        "stops",
        "stop_names",
        "travel_min",
        "distance_km",
    ]
    rows: list[list[Any]] = []
    if tables.plan is not None:
        people = participants_by_id(problem)
        mentors = mentors_by_id(problem)
        for route in tables.plan.routes:
            mid = route.mentor_id
            names = [people[s].name or s if s in people else s for s in route.stops]
            reachable = rules.reachable(route.travel_min)
            rows.append(
                [
                    mid,
                    mentors[mid].name if mid in mentors else "",
                    route.date,
                    _clock(max(route.depart_min, 0)) if reachable else None,
                    _clock(min(route.return_min, 24 * 60)) if reachable else None,
                    len(route.stops),
                    ";".join(route.stops),
                    "; ".join(names),
                    route.travel_min if reachable else None,
                    round(route.distance_m / 1000, 1) if reachable else None,
                ]
            )
    return Sheet(labels["sheet_routes"], columns, rows)


def _workload_sheet(
    problem: Problem, tables: PlanTables, labels: Labels, balance: pd.DataFrame
) -> Sheet:
    if tables.workload is None:
        columns = [
            "mentor_id",
            "mentor_name",
            "caseload",
            "max_caseload",
            "monthly_hours_estimated",
            "capacity_hours",
            "utilisation",
        ]
        return frame_sheet(
            labels["sheet_workload"], balance.rename(columns={"name": "mentor_name"}), columns
        )
    mentors = mentors_by_id(problem)
    frame = tables.workload.copy()
    frame.insert(
        1, "mentor_name", [mentors[m].name if m in mentors else "" for m in frame["mentor_id"]]
    )
    if "month" in frame.columns:
        periods = month_periods(problem, labels)
        frame.insert(
            list(frame.columns).index("month") + 1,
            "month_period",
            [periods.get(_int(m) or 0, "") for m in frame["month"]],
        )
    return frame_sheet(labels["sheet_workload"], frame)


def _unassigned_sheet(
    problem: Problem, tables: PlanTables, labels: Labels, unserved: UnservedReview | None = None
) -> Sheet:
    people = participants_by_id(problem)
    cause = {u.participant_id: u.cause for u in unserved.unserved} if unserved else {}
    columns = [
        "kind",
        "cause",
        "participant_id",
        "participant_name",
        "province",
        "sector",
        "mentor_id",
        "month",
        "month_period",
        "planned",
        "required",
        "onsite_planned",
        "onsite_required",
        "reason",
    ]
    rows: list[list[Any]] = []
    frame = tables.assignments
    for record in frame.to_dict("records"):
        if text(record["mentor_id"]):
            continue
        pid = text(record["participant_id"])
        person = people.get(pid)
        rows.append(
            [
                "unassigned",
                cause.get(pid),
                pid,
                person.name if person else "",
                text(record["province"]),
                text(record["sector"]),
                "",
                None,
                "",
                None,
                None,
                None,
                None,
                labels.message(record["reason"]),
            ]
        )
    province = dict(
        zip(frame["participant_id"].map(text), frame["province"].map(text), strict=True)
    )
    periods = month_periods(problem, labels)
    if tables.shortfalls is not None:
        for record in tables.shortfalls.to_dict("records"):
            pid = text(record["participant_id"])
            person = people.get(pid)
            rows.append(
                [
                    "shortfall",
                    None,
                    pid,
                    person.name if person else "",
                    province.get(pid, ""),
                    person.sector.value if person else "",
                    text(record["mentor_id"]),
                    _int(record["month"]),
                    periods.get(_int(record["month"]) or 0, ""),
                    _int(record["planned"]),
                    _int(record["required"]),
                    _int(record["onsite_planned"]),
                    _int(record["onsite_required"]),
                    labels.message(record["reason"]),
                ]
            )
    return Sheet(labels["sheet_unassigned"], columns, rows)


def write_plan_workbook(
    path: Path,
    problem: Problem,
    tables: PlanTables,
    labels: Labels,
    summary_rows: Sequence[tuple[str, Any, str | None]],
    balance: pd.DataFrame,
    provinces: pd.DataFrame,
    unserved: UnservedReview | None = None,
) -> None:
    """Write ``plan.xlsx`` (see :func:`plan_sheets`)."""
    write_workbook(
        path,
        plan_sheets(problem, tables, labels, summary_rows, balance, provinces, unserved),
        labels,
    )
    log.info("workbook: %s", path.name)


def summary_rows(
    problem: Problem, figures: Mapping[str, Any], labels: Labels, generated: dt.datetime
) -> list[tuple[str, Any, str | None]]:
    """The Summary sheet: (label, value, number format) per key figure, unknowns left out."""
    from tkm_assign.report.figures import (
        BASELINE_2024,
        SESSION_BINS,
        engine_words,
        programme_period,
        status_words,
    )

    first, last = programme_period(problem)
    rows: list[tuple[str, Any, str | None]] = [
        (labels["period"], f"{labels.short_date(first)} – {labels.short_date(last)}", None),
        (labels["participants_total"], figures["participants"], INTEGER),
        (labels["participants_served"], figures["assigned"], INTEGER),
        (labels["served_share"], figures["served_share"], PERCENT),
        (labels["participants_unassigned"], figures["unassigned"], INTEGER),
        (labels["mentors_total"], figures["mentors"], INTEGER),
        (labels["mentors_active"], figures["mentors_active"], INTEGER),
        (labels["sessions_total"], figures["sessions"], INTEGER),
        (labels["onsite_share"], figures["onsite_share"], PERCENT),
        (labels["target_share"], figures["target_share"], PERCENT),
        (labels["onsite_min_share"], figures["onsite_min_share"], PERCENT),
    ]
    shares = figures["sessions_first_3_months"]["shares"]
    bin_label = dict(zip(SESSION_BINS, ("bin_low", "bin_mid", "bin_high"), strict=True))
    for key in SESSION_BINS:
        name = (
            f"{labels['sessions_distribution']}: {labels[bin_label[key]]} "
            f"({labels['baseline_2024']} {labels.percent(BASELINE_2024[key], 2)})"
        )
        rows.append((name, shares[key], PERCENT))
    caseload = figures["caseload"]
    spread = figures["utilisation_spread"]
    rows += [
        (labels["sector_match"], figures["sector_match_rate"], PERCENT),
        (labels["mean_travel_min"], figures["mean_travel_min"], ONE_DECIMAL),
        (labels["travel_hours_total"], figures["travel_hours_total"], ONE_DECIMAL),
        (labels["travel_km_total"], figures["travel_km_total"], ONE_DECIMAL),
        (labels["travel_per_visit"], figures["travel_min_per_visit"], ONE_DECIMAL),
        (
            labels["caseload_range"],
            f"{labels.number(caseload['min'])} – {labels.number(caseload['mean'], 1)} – "
            f"{labels.number(caseload['max'])}",
            None,
        ),
        (
            labels[
                "utilisation_mean_busiest"
                if figures["utilisation_basis"] == "busiest_month"
                else "utilisation_mean_estimated"
            ],
            spread["mean"],
            PERCENT,
        ),
        (labels["utilisation_cv"], spread["cv"], TWO_DECIMALS),
        (labels["overloaded"], _id_list(figures["overloaded"]), None),
        (labels["idle"], _id_list(figures["idle"]), None),
        (labels["shortfalls_count"], figures["shortfalls"], INTEGER),
        (
            labels["solver_status"],
            status_words(figures["status"], figures["gap"], labels) if figures["status"] else None,
            None,
        ),
        (
            labels["solver_engine"],
            engine_words(figures["engine"], labels) if figures["engine"] else None,
            None,
        ),
        (labels["solver_gap"], figures["gap"], "0.00%"),
        (labels["solve_seconds"], figures["solve_seconds"], ONE_DECIMAL),
        (labels["seed"], figures["seed"], INTEGER),
        (labels["changes_from_current"], figures["changes_from_current"], INTEGER),
        (labels["participants_file"], problem.participants_source, None),
        (labels["mentors_file"], problem.mentors_source, None),
        (labels["generated"], generated.strftime("%Y-%m-%d %H:%M"), None),
    ]
    return [row for row in rows if row[1] is not None]


def _id_list(ids: Sequence[str], limit: int = 30) -> str:
    shown = ", ".join(ids[:limit])
    more = len(ids) - limit
    return f"{len(ids)}: {shown}" + (f", … (+{more})" if more > 0 else "") if ids else "0"
