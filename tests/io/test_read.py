import warnings
from pathlib import Path

import pandas as pd
import pyogrio
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tkm_assign.config import Config
from tkm_assign.errors import InputError, InputWarning
from tkm_assign.io import load_problem
from tkm_assign.io.read import Upload, normalise_header, read_table, table_from_frame
from tkm_assign.io.validate import problem_from_tables

VALID = Path(__file__).parents[1] / "data" / "valid"


@pytest.fixture(scope="module")
def reference():
    return load_problem(VALID / "participants.csv", VALID / "mentors.csv", Config())


@pytest.mark.parametrize(
    "participants",
    ["participants_semicolon_bom.csv", "participants.xlsx", "participants.geojson"],
)
def test_every_participant_format_reads_to_the_same_problem(participants, reference):
    problem = load_problem(VALID / participants, VALID / "mentors.csv", Config())
    assert problem.participants == reference.participants
    assert problem.mentors == reference.mentors


def test_geopackage_in_web_mercator_is_reprojected(reference):
    problem = load_problem(VALID / "participants.csv", VALID / "mentors.gpkg", Config())
    for got, want in zip(problem.mentors, reference.mentors, strict=True):
        assert got.location.latitude == pytest.approx(want.location.latitude, abs=1e-7)
        assert got.location.longitude == pytest.approx(want.location.longitude, abs=1e-7)
        assert got.location.regency_code == want.location.regency_code
        assert (got.mentor_id, got.sectors, got.unavailable, got.working_days) == (
            want.mentor_id,
            want.sectors,
            want.unavailable,
            want.working_days,
        )


def test_xlsx_reads_the_named_sheet_and_numbers_as_text():
    table = read_table(VALID / "participants.xlsx", "participants")
    assert table.frame["participant_id"].iloc[0] == "P01"
    assert table.frame["latitude"].iloc[0] == "-6.9175"
    assert table.frame["program_months"].loc[3] == "6"  # spreadsheet row 3 = P02
    assert list(table.frame.index[:2]) == [2, 3]


def test_semicolon_bom_headers_become_canonical_names():
    table = read_table(VALID / "participants_semicolon_bom.csv", "participants")
    assert list(table.frame.columns[:7]) == [
        "participant_id",
        "name",
        "latitude",
        "longitude",
        "province",
        "regency",
        "sector",
    ]
    assert table.frame["latitude"].iloc[0] == "-6,9175"
    assert table.unknown_columns == ()


def test_blank_rows_are_skipped_but_rows_keep_their_spreadsheet_number(tmp_path: Path):
    path = tmp_path / "p.csv"
    path.write_text(
        "\n\nparticipant_id;Latitude (deg);Longitude;Sector;;\n"
        "A;-6.9;107.6;boga;;\n;;;;;\nB;-7.2;107.9;tani;;\n",
        encoding="utf-8",
    )
    table = read_table(path, "participants")
    assert list(table.frame.index) == [4, 6]
    assert table.header_row == 3
    assert list(table.frame.columns) == ["participant_id", "latitude", "longitude", "sector"]
    assert table.problems == ()


def test_row_with_too_many_cells_is_a_problem_not_a_shift(tmp_path: Path):
    path = tmp_path / "p.csv"
    path.write_text("participant_id,name,sector\nA,Ani,boga\nB,Budi, Jr.,boga\n", encoding="utf-8")
    table = read_table(path, "participants")
    assert list(table.frame.index) == [2]
    (problem,) = table.problems
    assert problem.row == 3 and "4 cells but the header has 3 columns" in str(problem.expected)


def test_unknown_columns_are_reported():
    frame = pd.DataFrame({"participant_id": ["A"], "no_hp": ["0812"], "hobi": ["catur"]})
    table = table_from_frame(frame, "p.csv", "participants")
    assert table.unknown_columns == ("hobi",)
    assert "phone" in table.frame.columns  # no_hp is the phone column


def test_frames_with_numbers_become_text_rows_from_two():
    frame = pd.DataFrame({"ID Peserta": ["A", "B"], "Lintang": [-6.9, None], "Sesi": [3, 4]})
    table = table_from_frame(frame, "p.csv", "participants")
    assert list(table.frame.index) == [2, 3]
    assert table.frame["latitude"].tolist() == ["-6.9", ""]
    assert table.frame["participant_id"].tolist() == ["A", "B"]


@pytest.mark.parametrize(
    ("header", "normal"),
    [
        ("\ufeffParticipant ID", "participant_id"),
        (" Lintang (°) ", "lintang"),
        ("Kab/Kota", "kab_kota"),
    ],
)
def test_normalise_header(header: str, normal: str):
    assert normalise_header(header) == normal


def test_unreadable_file_types_are_input_errors(tmp_path: Path):
    path = tmp_path / "p.pdf"
    path.write_bytes(b"%PDF")
    with pytest.raises(InputError, match="not supported"):
        read_table(path, "participants")
    with pytest.raises(InputError, match="is a folder"):
        read_table(tmp_path, "participants")


def test_geopackage_table_without_geometry_uses_columns(tmp_path: Path):
    path = tmp_path / "p.gpkg"
    frame = pd.DataFrame({"id_peserta": ["A"], "lintang": ["-6.9"], "bujur": ["107.6"]})
    pyogrio.write_dataframe(frame, path, layer="peserta")
    table = read_table(path, "participants")
    assert table.frame.loc[2, "latitude"] == "-6.9"
    assert table.frame.loc[2, "participant_id"] == "A"


@settings(max_examples=200, deadline=None)
@given(
    raw=st.one_of(
        st.binary(max_size=300),
        st.text(alphabet=st.sampled_from(list('ab1,;\t\n\r" .-\x00é')), max_size=300).map(
            lambda t: t.encode("utf-8")
        ),
    )
)
def test_any_bytes_read_as_a_table_or_an_input_error(raw: bytes, tmp_path_factory):
    path = tmp_path_factory.mktemp("raw") / "p.csv"
    path.write_bytes(raw)
    try:
        table = read_table(path, "participants")
    except InputError as error:
        assert error.problems
    else:
        assert all(isinstance(v, str) for v in table.frame.to_numpy().ravel())
        assert table.frame.index.is_unique
        mentors = read_table(VALID / "mentors.csv", "mentors")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", InputWarning)
            try:
                problem_from_tables(table, mentors, Config())
            except InputError as error:
                assert all(p.file == str(path) for p in error.problems)


def test_excel_sep_line_no_longer_gives_a_message_per_row(tmp_path: Path, reference):
    # Defect: Excel's "sep=," first line gave "has 17 cells but the header has 1 columns"
    # for every row. It names the separator; the file reads like any other.
    path = tmp_path / "participants.csv"
    path.write_text("sep=,\n" + (VALID / "participants.csv").read_text(), encoding="utf-8")
    problem = load_problem(path, VALID / "mentors.csv", Config())
    assert [p.participant_id for p in problem.participants] == [
        p.participant_id for p in reference.participants
    ]
    assert problem.participants[0].row == 3  # rows keep the numbers a spreadsheet shows


def test_chart_sheet_first_no_longer_raises_attribute_error(reference):
    # Defect: a chart sheet first in the workbook exited 1 ('Chartsheet' has no iter_rows).
    problem = load_problem(
        VALID / "participants_chart_sheet_first.xlsx", VALID / "mentors.csv", Config()
    )
    assert problem.participants == reference.participants


def test_formula_without_saved_result_no_longer_disappears_silently(tmp_path: Path):
    # Defect: a formula cell without a cached value was read as empty, without a word.
    import openpyxl

    frame = pd.read_csv(VALID / "participants.csv", dtype=str, keep_default_na=False)
    book = openpyxl.Workbook()  # openpyxl saves formulas without results, like many tools
    sheet = book.active
    sheet.append(list(frame.columns))
    for record in frame.to_dict("records"):
        sheet.append(list(record.values()))
    village = len(frame.columns) + 1
    sheet.cell(row=1, column=village, value="village")
    sheet.cell(row=4, column=village, value='=CONCAT("Desa ", "Sukamaju")')
    path = tmp_path / "participants.xlsx"
    book.save(path)
    table = read_table(path, "participants")
    (warning,) = table.warnings
    assert warning.code == "warning.formula_without_result"
    assert (warning["row"], warning["column"]) == (4, "village")
    with pytest.warns(InputWarning, match=r"row 4 column village: holds a formula without"):
        load_problem(path, VALID / "mentors.csv", Config())


def test_neutralised_csv_cells_read_back_as_written(tmp_path: Path):
    path = tmp_path / "assignments.csv"
    path.write_text("participant_id,mentor_id\n'=P1,'@M1\n'-x,-5\n''quoted,plain\n", "utf-8")
    frame = read_table(path, "assignments").frame
    assert frame.values.tolist() == [["=P1", "@M1"], ["-x", "-5"], ["'quoted", "plain"]]


def test_fifo_or_device_is_refused(tmp_path: Path):
    import os

    fifo = tmp_path / "participants.csv"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="is not a regular file"):
        read_table(fifo, "participants")


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("participants.csv", "participants"),
        ("participants_semicolon_bom.csv", "participants"),
        ("participants.xlsx", "participants"),
        ("participants.geojson", "participants"),
        ("mentors.gpkg", "mentors"),
    ],
)
def test_an_upload_in_memory_reads_like_the_file(name: str, kind: str):
    from_path = read_table(VALID / name, kind)  # type: ignore[arg-type]
    upload = Upload(f"C:\\Unduhan\\{name}", (VALID / name).read_bytes())
    from_memory = read_table(upload, kind)  # type: ignore[arg-type]
    assert from_memory.source == name  # the name only, never the sender's folder
    pd.testing.assert_frame_equal(from_memory.frame, from_path.frame)
    assert from_memory.problems == from_path.problems


def test_an_upload_of_an_unreadable_type_is_an_input_error():
    with pytest.raises(InputError, match=r"lama\.xls: \.xls files are not read"):
        read_table(Upload("lama.xls", b"\xd0\xcf\x11\xe0"), "participants")
    with pytest.raises(InputError, match="not supported for uploads"):
        read_table(Upload("peta.shp", b"\x00"), "participants")
