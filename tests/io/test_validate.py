import warnings
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tkm_assign.cli import main
from tkm_assign.config import Config
from tkm_assign.errors import InputError, InputWarning
from tkm_assign.io import load_problem, problem_from_frames
from tkm_assign.model import NeedLevel, Problem, Sector, TechLiteracy, Transport

DATA = Path(__file__).parents[1] / "data"
VALID = DATA / "valid"
INVALID = DATA / "invalid"

# Each broken file, paired with the valid other file, and what the message must say:
# (file, row, column, value received) as they appear in the message.
BROKEN = [
    ("participants_missing_file.csv", None, None, "file not found"),
    ("participants_empty.csv", None, None, "the file is empty"),
    ("participants_header_only.csv", 1, None, "no data rows"),
    ("participants_missing_column.csv", 1, "sector", "required column is missing"),
    ("participants_duplicate_column.csv", 1, "lintang", "means the same column as 'latitude'"),
    ("participants_duplicate_id.csv", 5, "participant_id", "'P03' is used more than once"),
    ("participants_missing_id.csv", 4, "participant_id", "is empty"),
    ("participants_unknown_sector.csv", 3, "sector", "'bakery' is not a sector"),
    ("participants_missing_sector.csv", 8, "sector", "is empty"),
    ("participants_non_numeric_latitude.csv", 6, "latitude", '"6°40\'S" is not a number'),
    ("participants_missing_longitude.csv", 9, "longitude", "is empty"),
    ("participants_latitude_out_of_range.csv", 2, "latitude", "'96.9175' is out of range"),
    ("participants_swapped_coordinates.csv", 7, "latitude", "look swapped"),
    ("participants_outside_indonesia.csv", 8, "latitude, longitude", "lies outside Indonesia"),
    ("participants_in_sea.csv", 9, "latitude, longitude", "'-5.0, 111.0' is not on land"),
    ("participants_cp1252.csv", None, None, "not UTF-8"),
    ("participants_utf16.csv", None, None, "UTF-16"),
    ("participants_unknown_pinned_mentor.csv", 5, "pinned_mentor_id", "'M9' is not a mentor_id"),
    ("participants_unknown_current_mentor.csv", 2, "current_mentor_id", "'M7' is not a mentor_id"),
    ("participants_unknown_excluded_mentor.csv", 10, "excluded_mentor_ids", "'M8' is not a"),
    ("participants_pinned_and_excluded.csv", 5, "pinned_mentor_id", "'M2' is also listed in"),
    ("participants_sessions_out_of_range.csv", 4, "sessions_per_month", "'6' is out of range"),
    ("participants_bad_program_months.csv", 3, "program_months", "'three' is not a whole"),
    ("participants_bad_tech_literacy.csv", 9, "tech_literacy", "'expert' is not a tech"),
    ("participants_bad_internet.csv", 11, "internet", "'maybe' is not yes or no"),
    ("participants_bad_need_level.csv", 2, "need_level", "'urgentissimo' is not a need"),
    ("participants_extra_cells.csv", 6, None, "has 17 cells but the header has 16"),
    ("participants_polygon_geometry.geojson", 3, "geometry", "is a polygon"),
    ("participants_old_excel.xls", None, None, "save the sheet as .xlsx"),
    ("participants_corrupt.xlsx", None, None, "cannot be read as an XLSX workbook"),
    ("mentors_empty.csv", None, None, "the file is empty"),
    ("mentors_missing_column.csv", 1, "latitude", "required column is missing"),
    ("mentors_no_sectors.csv", 4, "sectors", "is empty; expected at least one sector"),
    ("mentors_unknown_sector.csv", 3, "sectors", "contains 'bakery', which is not a sector"),
    ("mentors_duplicate_id.csv", 6, "mentor_id", "'M1' is used more than once"),
    ("mentors_bad_working_days.csv", 2, "working_days", "'Mon-Fro' is not a list of working"),
    ("mentors_bad_unavailable_date.csv", 3, "unavailable", "is not a calendar date"),
    ("mentors_unavailable_backwards.csv", 3, "unavailable", "ends before it starts"),
    ("mentors_bad_caseload.csv", 2, "max_caseload", "'twenty' is not a whole number"),
    ("mentors_bad_hours.csv", 5, "hours_per_month", "'-5' is out of range"),
    ("mentors_bad_transport.csv", 6, "transport", "'helicopter' is not a transport"),
    ("mentors_bad_certified.csv", 4, "certified", "'perhaps' is not yes or no"),
    ("mentors_swapped_coordinates.csv", 5, "latitude", "look swapped"),
    # Changes since the plan (status, status_date, start_date, active_until).
    ("participants_bad_status.csv", 4, "status", "'pindah' is not a participant status"),
    ("participants_withdrawn_without_status_date.csv", 6, "status_date", "withdrawn participant"),
    ("participants_bad_status_date.csv", 5, "status_date", "'31/02/2027' is not a calendar"),
    ("participants_bad_start_date.csv", 7, "start_date", "'minggu depan' is not a date"),
    ("mentors_bad_active_until.csv", 3, "active_until", "'2027-13-01' is not a calendar date"),
    # Hostile or unlucky input: each crashed a later step or was read wrongly.
    ("participants_control_character_in_id.csv", 4, "participant_id", "'P\\x1f03' contains U+001F"),
    ("mentors_nul_in_id.csv", 3, "mentor_id", "'M\\x002' contains U+0000"),
    ("mentors_long_id.csv", 5, "mentor_id", "is 300 characters long; an id may have at most 64"),
    ("participants_long_value.csv", 6, "sector", "... (9,999 characters)' is not a sector"),
    ("participants_lenient_number.csv", 7, "longitude", "'1_15.2126' is not a number"),
    ("participants_non_ascii_digits.csv", 3, "latitude", "is not a number"),
    ("mentors_unavailable_far_future.csv", 4, "unavailable", "expected dates from 2000-01-01"),
    ("participants_utf16_without_bom.csv", None, None, "the file is UTF-16 text"),
    ("participants_title_row.xlsx", 1, None, "a title row above the header?"),
    ("participants_empty_first_sheet.xlsx", None, None, "other sheets: 'Peserta 2027'"),
    ("participants_chart_sheet_only.xlsx", None, None, "has no worksheet (only chart sheets)"),
    ("participants_bad_phone.csv", 5, "phone", "(the number is not shown here) has 5 digits"),
    ("mentors_bad_phone.csv", 3, "phone", "country code is not +62"),
]


def test_every_broken_file_is_checked():
    # A broken file without a case here would silently go untested.
    named = {name for name, *_ in BROKEN}
    files = {p.name for p in INVALID.iterdir() if p.name.startswith(("participants", "mentors"))}
    assert files == named - {"participants_missing_file.csv"}


@pytest.mark.parametrize(("name", "row", "column", "message"), BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_file_exits_2_naming_row_column_and_value(
    name, row, column, message, tmp_path, monkeypatch, capsys
):
    broken = INVALID / name
    if name.startswith("participants"):
        args = ["--participants", str(broken), "--mentors", str(VALID / "mentors.csv")]
    else:
        args = ["--participants", str(VALID / "participants.csv"), "--mentors", str(broken)]
    before = sorted(p.name for p in DATA.rglob("*"))
    monkeypatch.chdir(tmp_path)
    code = main(["validate", *args, "--lang", "en"])
    out, err = capsys.readouterr()
    assert code == 2
    assert "Traceback" not in err
    where = str(broken)
    if row is not None:
        where += f" row {row}"
    if column is not None:
        where += f" column {column}"
    line = next((ln for ln in err.splitlines() if ln.strip().startswith(where + ":")), None)
    assert line is not None, err
    assert message in line
    assert out == ""
    assert list(tmp_path.iterdir()) == []
    assert sorted(p.name for p in DATA.rglob("*")) == before


def test_every_problem_in_both_files_is_reported_at_once():
    participants = pd.read_csv(VALID / "participants.csv", dtype=str, keep_default_na=False)
    mentors = pd.read_csv(VALID / "mentors.csv", dtype=str, keep_default_na=False)
    participants.loc[0, "sector"] = "bakery"
    participants.loc[3, "latitude"] = "abc"
    participants.loc[5, "participant_id"] = "P01"
    mentors.loc[1, "working_days"] = "someday"
    with pytest.raises(InputError) as caught:
        problem_from_frames(participants, mentors, Config())
    found = {(p.file, p.row, p.column) for p in caught.value.problems}
    assert found == {
        ("participants.csv", 2, "sector"),
        ("participants.csv", 5, "latitude"),
        ("participants.csv", 7, "participant_id"),
        ("mentors.csv", 3, "working_days"),
    }


def test_empty_frames_are_an_input_error():
    participants, mentors = _frames()
    with pytest.raises(InputError, match=r"mentors\.csv: has no data rows"):
        problem_from_frames(participants, mentors.iloc[:0], Config())


def test_valid_files_build_the_problem(config):
    problem = load_problem(VALID / "participants.csv", VALID / "mentors.csv", config)
    assert len(problem.participants) == 10 and len(problem.mentors) == 5
    p01, p02 = problem.participants[:2]
    assert p01.sector is Sector.INDUSTRI_BOGA and p01.need_level is NeedLevel.HIGH
    assert p01.current_mentor_id == "M1" and p01.row == 2
    assert p01.location.province_code == "32" and p01.location.regency_code == "3273"
    assert p02.tech_literacy is TechLiteracy.LOW and p02.internet is False
    assert p02.program_months == 6 and p02.sessions_per_month is None
    m2, m3, m5 = problem.mentors[1], problem.mentors[2], problem.mentors[4]
    assert m2.max_caseload == 15 and m2.hours_per_month == 120.0
    assert m2.transport is Transport.CAR and m2.working_days == frozenset(range(6))
    assert m3.max_caseload == config.caseload.max and m3.hours_per_month is None
    assert m3.working_days == frozenset({0, 2, 3}) and m3.certified is False
    assert m5.certified is None and m5.working_days == config.work.weekdays
    assert problem.participants_source == str(VALID / "participants.csv")


def test_default_working_days_come_from_the_config():
    config = Config.load(overrides=["work.days=Mon-Sat"])
    problem = load_problem(VALID / "participants.csv", VALID / "mentors.csv", config)
    assert problem.mentors[4].working_days == frozenset(range(6))


def test_sessions_range_follows_the_config():
    config = Config.load(overrides=["sessions.max_per_month=6"])
    broken = INVALID / "participants_sessions_out_of_range.csv"
    problem = load_problem(broken, VALID / "mentors.csv", config)
    assert problem.participants[2].sessions_per_month == 6


def _frames() -> tuple[pd.DataFrame, pd.DataFrame]:
    participants = pd.read_csv(VALID / "participants.csv", dtype=str, keep_default_na=False)
    mentors = pd.read_csv(VALID / "mentors.csv", dtype=str, keep_default_na=False)
    return participants, mentors


def _warnings_of(participants: pd.DataFrame, mentors: pd.DataFrame) -> list[str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", InputWarning)
        problem_from_frames(participants, mentors, Config())
    return [str(w.message) for w in caught if issubclass(w.category, InputWarning)]


def test_no_warnings_for_clean_files():
    assert _warnings_of(*_frames()) == []


def test_province_contradicting_the_coordinates_is_a_warning():
    participants, mentors = _frames()
    participants.loc[0, "province"] = "Jawa Tengah"
    participants.loc[1, "regency"] = "Kota Bandung"
    found = _warnings_of(participants, mentors)
    assert any("row 2 column province: 'Jawa Tengah' contradicts" in w for w in found)
    assert any("row 3 column regency: 'Kota Bandung' contradicts" in w for w in found)


def test_point_in_the_sea_near_the_coast_is_moved_and_warned():
    participants, mentors = _frames()
    # About 2 km off Pantai Kuta, Bali.
    participants.loc[5, ["latitude", "longitude", "province", "regency"]] = [
        "-8.72",
        "115.145",
        "",
        "",
    ]
    found = _warnings_of(participants, mentors)
    assert any("row 7 column latitude, longitude" in w and "moved" in w for w in found)


def test_province_without_mentors_and_far_mentor_are_warnings():
    participants, mentors = _frames()
    # A mentor in Jayapura (Papua), more than 2,000 km from every participant.
    mentors.loc[4, ["latitude", "longitude", "province"]] = ["-2.5337", "140.7181", ""]
    found = _warnings_of(participants, mentors)
    assert any("Sulawesi Selatan but no mentor lives in that province" in w for w in found)
    assert any("mentor M5 lives" in w and "from the nearest participant" in w for w in found)


def test_unknown_columns_are_a_warning():
    participants, mentors = _frames()
    participants["hobi"] = "catur"
    found = _warnings_of(participants, mentors)
    assert any("hobi are not part of the participants format" in w for w in found)


def test_many_warnings_of_one_kind_are_counted():
    participants, mentors = _frames()
    many = pd.concat([participants] * 3, ignore_index=True)
    many["participant_id"] = [f"X{i}" for i in range(len(many))]
    many["province"] = "Papua"
    found = _warnings_of(many, mentors)
    assert len([w for w in found if w.startswith("participants.csv row")]) == 20
    assert any(w.startswith("... and 10 more rows") for w in found)


# Property tests: whatever the cells hold, validation returns a Problem or raises InputError.
COLUMNS = [
    "participant_id",
    "latitude",
    "longitude",
    "sector",
    "tech_literacy",
    "internet",
    "need_level",
    "sessions_per_month",
    "program_months",
    "pinned_mentor_id",
    "excluded_mentor_ids",
    "province",
    "regency",
]
GOOD = {
    "participant_id": st.sampled_from(["P1", "P2", "P3", " P4 "]),
    "latitude": st.sampled_from(["-6.9175", "-6,9", "-8.67", "5.5", "-7.2"]),
    "longitude": st.sampled_from(["107.6191", "115.21", "106.8", "95.3"]),
    "sector": st.sampled_from(["Industri Boga", "pertanian", "fisheries", "perdagangan_jasa"]),
    "tech_literacy": st.sampled_from(["", "mahir", "low"]),
    "internet": st.sampled_from(["", "ya", "0"]),
    "need_level": st.sampled_from(["", "tinggi", "low"]),
    "sessions_per_month": st.sampled_from(["", "2", "4"]),
    "program_months": st.sampled_from(["", "3", "12"]),
    "pinned_mentor_id": st.sampled_from(["", "M1"]),
    "excluded_mentor_ids": st.sampled_from(["", "M2", "M1;M2"]),
    "province": st.sampled_from(["", "Jawa Barat", "Bali", "32", "Atlantis"]),
    "regency": st.sampled_from(["", "Kota Bandung", "Bandung", "9999"]),
}
ANY_TEXT = st.one_of(
    st.text(max_size=12),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.integers(-(10**6), 10**6).map(str),
    st.sampled_from(["", " ", "nan", "inf", "1e400", "-0", "0x10", "١٢", "None", ";", ".."]),
)


@st.composite
def participant_frames(draw):
    columns = draw(st.lists(st.sampled_from(COLUMNS), unique=True, min_size=1))
    n = draw(st.integers(1, 6))
    rows = []
    for _ in range(n):
        rows.append(
            {
                c: draw(st.one_of(GOOD[c], ANY_TEXT) if draw(st.booleans()) else GOOD[c])
                for c in columns
            }
        )
    return pd.DataFrame(rows, columns=columns)


MENTORS = pd.DataFrame(
    {
        "mentor_id": ["M1", "M2"],
        "latitude": ["-6.91", "-8.65"],
        "longitude": ["107.61", "115.22"],
        "sectors": ["boga;pertanian", "trade"],
    }
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(participants=participant_frames())
def test_random_participants_never_crash_validation(participants):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InputWarning)
        try:
            problem = problem_from_frames(participants, MENTORS, Config())
        except InputError as error:
            assert error.problems
            assert all(p.file == "participants.csv" for p in error.problems)
        else:
            assert isinstance(problem, Problem)
            assert len(problem.participants) == len(participants)


@settings(max_examples=60, deadline=None)
@given(
    cells=st.dictionaries(
        st.sampled_from(
            [
                "sectors",
                "certified",
                "max_caseload",
                "hours_per_month",
                "transport",
                "working_days",
                "unavailable",
            ]
        ),
        ANY_TEXT,
    )
)
def test_random_mentor_cells_never_crash_validation(cells):
    mentors = MENTORS.copy()
    for column, value in cells.items():
        mentors.loc[0, column] = value
    participants = pd.DataFrame(
        {"participant_id": ["P1"], "latitude": ["-6.9"], "longitude": ["107.6"], "sector": ["boga"]}
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InputWarning)
        try:
            problem = problem_from_frames(participants, mentors, Config())
        except InputError as error:
            assert all(p.file == "mentors.csv" and p.row == 2 for p in error.problems)
        else:
            assert problem.mentors[0].sectors


def test_control_characters_in_names_crash_the_writers_and_print_them():
    # Defect: 'Siti\x0bNurhaliza Privatename' passed validate and crashed the workbook
    # writer, printing the name. Free text is cleaned, with a warning that never shows it.
    participants, mentors = _frames()
    participants.loc[0, "name"] = "Siti\x0bNurhaliza Privatename"
    participants.loc[1, "village"] = "Desa\u202eSukamaju\r\n"
    mentors.loc[0, "name"] = "Hendra\x00Setiawan"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", InputWarning)
        problem = problem_from_frames(participants, mentors, Config())
    said = [str(w.message) for w in caught if issubclass(w.category, InputWarning)]
    assert problem.participants[0].name == "Siti Nurhaliza Privatename"
    assert problem.participants[1].village == "Desa Sukamaju"
    assert problem.mentors[0].name == "Hendra Setiawan"
    assert any("row 2 column name: control characters (U+000B)" in w for w in said)
    assert any("row 3 column village" in w for w in said)
    assert not any("Privatename" in w or "Sukamaju" in w or "Setiawan" in w for w in said)


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("participant_id", "P\u200b01", "contains U+200B"),
        ("participant_id", "P\u202e10", "contains U+202E"),
        ("participant_id", "P" * 65, "is 65 characters long"),
    ],
)
def test_invisible_or_long_ids_pass_validation(column, value, message):
    participants, mentors = _frames()
    participants.loc[0, column] = value
    with pytest.raises(InputError) as caught:
        problem_from_frames(participants, mentors, Config())
    (found,) = [p for p in caught.value.problems if p.column == column]
    assert found.row == 2 and message in str(found.expected)


def test_long_values_are_echoed_in_full():
    participants, mentors = _frames()
    participants.loc[0, "need_level"] = "x" * 500_000
    with pytest.raises(InputError) as caught:
        problem_from_frames(participants, mentors, Config())
    text = str(caught.value)
    assert len(text) < 400 and "500,000 characters" in text


def test_phone_columns_are_read_under_indonesian_headers_and_normalised(tmp_path):
    participants = (INVALID / "participants_bad_phone.csv").read_text(encoding="utf-8")
    mentors = (INVALID / "mentors_bad_phone.csv").read_text(encoding="utf-8")
    (tmp_path / "p.csv").write_text(participants.replace("081-555", "0812 555 0101"), "utf-8")
    (tmp_path / "m.csv").write_text(mentors.replace("+60 12 345 6789", ""), "utf-8")
    problem = load_problem(tmp_path / "p.csv", tmp_path / "m.csv", Config())
    phones = {p.participant_id: p.phone for p in problem.participants}
    assert phones == {
        "P01": "+6281222334455",
        "P02": "+6281311112222",
        "P03": "",
        "P04": "+628125550101",
        "P05": "+6285712345678",
        "P06": "+62361223344",
        "P07": "",
        "P08": "+6281298765432",
        "P09": "+62811234567",
        "P10": "+6285677889900",
    }
    assert [m.phone for m in problem.mentors] == [
        "+6281311112222",
        "",
        "+6281299990000",
        "",
        "+6285211223344",
    ]


def test_a_bad_phone_number_is_never_printed(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    code = main(
        [
            "validate",
            "--participants",
            str(INVALID / "participants_bad_phone.csv"),
            "--mentors",
            str(INVALID / "mentors_bad_phone.csv"),
        ]
    )
    out, err = capsys.readouterr()
    assert code == 2
    assert "081-555" not in out + err
    assert "+60 12 345 6789" not in out + err
    assert "baris 5, kolom phone" in err and "baris 3, kolom phone" in err
