"""What an upload must be before it is stored."""

from __future__ import annotations

import io

import openpyxl
import pytest

from tkm_assign.web.uploads import Refused, check_upload, count_rows, display_name, suffix_of

MB = 2**20


def refusal(name: str, content: bytes, max_bytes: int = MB, max_rows: int = 100) -> Refused:
    with pytest.raises(Refused) as caught:
        check_upload(name, content, max_bytes, max_rows)
    return caught.value


def test_a_csv_is_counted():
    assert check_upload("p.csv", b"id,lat\n1,2\n3,4\n", MB, 100) == 2
    assert check_upload("p.csv", b"id,lat\n1,2\n3,4", MB, 100) == 2


def test_an_xlsx_is_counted():
    book = openpyxl.Workbook()
    sheet = book.active
    for row in [("participant_id", "sector"), ("P1", "industri_boga"), ("P2", "industri_boga")]:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    assert check_upload("peserta.XLSX", buffer.getvalue(), MB, 100) == 2


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("p.csv", b"", "web.upload.empty"),
        ("p.exe", b"MZ", "web.upload.type"),
        ("p", b"a", "web.upload.type"),
        ("p.xlsx", b"id,lat\n", "web.upload.content"),
        ("p.gpkg", b"PK\x03\x04", "web.upload.content"),
        ("p.csv", b"\x00\x01\x02binary", "web.upload.content"),
    ],
)
def test_wrong_files_are_refused_with_a_reason(name, content, code):
    assert refusal(name, content).code == code


def test_size_and_rows_have_limits():
    too_big = refusal("p.csv", b"x" * (MB + 1))
    assert too_big.code == "web.upload.too_large"
    assert too_big.values["limit_mb"] == 1.0
    many = refusal("p.csv", b"h\n" + b"1\n" * 101)
    assert (many.code, many.values["rows"], many.values["limit"]) == (
        "web.upload.too_many_rows",
        101,
        100,
    )


def test_a_browser_sent_name_is_never_a_path():
    assert display_name("../../etc/passwd") == "passwd"
    assert display_name("C:\\Users\\x\\peserta.csv") == "peserta.csv"
    assert display_name("a\x00b\n.csv") == "ab.csv"
    assert suffix_of("../x.CSV") == ".csv"
    assert suffix_of("noext") == ""


def test_rows_of_unknown_layouts_are_left_to_the_reader():
    assert count_rows(".gpkg", b"SQLite format 3\x00") is None
