"""Rebuild the hostile-input files of tests/data/invalid/ from the valid pair (one defect each).

    python tests/data/make_hostile.py

Control characters, an over-long id and value, numbers and dates only Python would read,
UTF-16 without a byte order mark, and workbooks with a title row, an empty first sheet or
only a chart sheet.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
from openpyxl.chart import BarChart, Reference

ROOT = Path(__file__).parent
VALID, INVALID = ROOT / "valid", ROOT / "invalid"
P = (VALID / "participants.csv").read_text(encoding="utf-8").splitlines()
M = (VALID / "mentors.csv").read_text(encoding="utf-8").splitlines()


def write(name: str, lines: list[str]) -> None:
    (INVALID / name).write_text("\n".join(lines) + "\n", encoding="utf-8")


def replace_cell(lines: list[str], row: int, column: str, value: str) -> list[str]:
    header = lines[0].split(",")
    out = list(lines)
    cells = out[row - 1].split(",")
    cells[header.index(column)] = value
    out[row - 1] = ",".join(cells)
    return out


write("participants_control_character_in_id.csv", replace_cell(P, 4, "participant_id", "P\x1f03"))
write("mentors_nul_in_id.csv", replace_cell(M, 3, "mentor_id", "M\x002"))
write("mentors_long_id.csv", replace_cell(M, 5, "mentor_id", "M" * 300))
write("participants_long_value.csv", replace_cell(P, 6, "sector", "boga " * 2000))
write("participants_lenient_number.csv", replace_cell(P, 7, "longitude", "1_15.2126"))
write("participants_non_ascii_digits.csv", replace_cell(P, 3, "latitude", "-٧.٢١٦٧"))
write(
    "mentors_unavailable_far_future.csv",
    replace_cell(M, 4, "unavailable", "9999-01-01..9999-12-31"),
)
(INVALID / "participants_utf16_without_bom.csv").write_bytes(
    ("\n".join(P) + "\n").encode("utf-16-le")
)

rows = [line.split(",") for line in P]

# A title row above the header, as people make them in Excel.
book = openpyxl.Workbook()
sheet = book.active
assert sheet is not None
sheet.title = "peserta"
sheet.append(["Daftar Peserta TKM Lanjutan 2027"])
for row in rows:
    sheet.append(row)
book.save(INVALID / "participants_title_row.xlsx")

# The first sheet is empty; the table is on another sheet that is not named for it.
book = openpyxl.Workbook()
assert book.active is not None
book.active.title = "Sheet1"
data = book.create_sheet("Peserta 2027")
for row in rows:
    data.append(row)
book.save(INVALID / "participants_empty_first_sheet.xlsx")

# Only a chart sheet: no worksheet at all.
book = openpyxl.Workbook()
hidden = book.active
assert hidden is not None
hidden.append([1])
hidden.append([2])
chart = BarChart()
chart.add_data(Reference(hidden, min_col=1, min_row=1, max_row=2))
grafik = book.create_chartsheet("Grafik", 0)
grafik.add_chart(chart)
book.remove(hidden)
book.save(INVALID / "participants_chart_sheet_only.xlsx")
