"""The logbook: every defect found at once, Indonesian headers and labels, warnings."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import openpyxl
import pytest

from tkm_assign.cli import main
from tkm_assign.config import Config
from tkm_assign.errors import InputError
from tkm_assign.io import labels, load_problem
from tkm_assign.io.labels import LabelError
from tkm_assign.io.logbook import validate_logbook
from tkm_assign.io.read import Upload, read_table
from tkm_assign.model import Mode
from tkm_assign.notify import collecting

DATA = Path(__file__).parents[1] / "data"
VALID = DATA / "valid"
INVALID = DATA / "invalid"
AS_OF = "2027-08-15"
FAST = [
    "--set", 'travel.model="haversine"',
    "--set", 'travel.cache_dir=""',
    "--set", "schedule.placement_limit=0.05",
    "--set", "schedule.time_limit_s=0.2",
    "--set", "schedule.workers=1",
]  # fmt: skip

# Each broken logbook: (row, column, what the message says), as in tests/io/test_validate.py.
BROKEN = [
    ("logbook_unknown_participant.csv", 5, "participant_id", "'P99' is not a participant"),
    ("logbook_unknown_mentor.csv", 6, "mentor_id", "'M9' is not a mentor"),
    ("logbook_missing_participant.csv", 8, "participant_id", "is empty"),
    ("logbook_bad_date.csv", 3, "date", "'kemarin' is not a date"),
    ("logbook_before_start.csv", 2, "date", "is before the programme start 2027-07-05"),
    ("logbook_after_as_of.csv", 9, "date", "is after the as-of date 2027-08-15"),
    ("logbook_duplicate_row.csv", 5, None, "repeats row 3"),
    ("logbook_duplicate_session_id.csv", 3, "session_id", "'S1' is used twice"),
    ("logbook_duration_out_of_range.csv", 7, "duration_min", "'600' is out of range"),
    ("logbook_unknown_mode.csv", 4, "mode", "'surat' is not a session mode"),
    ("logbook_bad_time.csv", 7, "start", "'25:00' is not a time of day"),
    ("logbook_missing_column.csv", 1, "mode", "required column is missing"),
]


@pytest.fixture(scope="module")
def plan_dir(tmp_path_factory) -> Path:
    """A plan of the valid pair, made once for every logbook test."""
    out = tmp_path_factory.mktemp("plan") / "plan"
    args = ["plan", "--participants", str(VALID / "participants.csv")]
    args += ["--mentors", str(VALID / "mentors.csv"), "--out", str(out), "--quiet", *FAST]
    assert main(args) == 0
    return out


def test_every_broken_logbook_is_checked():
    named = {name for name, *_ in BROKEN}
    assert {p.name for p in INVALID.glob("logbook_*")} == named


@pytest.mark.parametrize(("name", "row", "column", "message"), BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_logbook_exits_2_naming_row_column_and_value(
    name, row, column, message, plan_dir, tmp_path, monkeypatch, capsys
):
    broken = INVALID / name
    monkeypatch.chdir(tmp_path)
    before = sorted(p.name for p in DATA.rglob("*"))
    args = ["progress", "--plan", str(plan_dir), "--logbook", str(broken), "--as-of", AS_OF]
    code = main([*args, "--out", "progress", *FAST, "--lang", "en"])
    _, err = capsys.readouterr()
    assert code == 2, err
    assert "Traceback" not in err
    where = str(broken) + (f" row {row}" if row is not None else "")
    where += f" column {column}" if column is not None else ""
    line = next((ln for ln in err.splitlines() if ln.strip().startswith(where + ":")), None)
    assert line is not None, err
    assert message in line
    assert list(tmp_path.iterdir()) == []
    assert sorted(p.name for p in DATA.rglob("*")) == before


@pytest.fixture(scope="module")
def problem():
    return load_problem(VALID / "participants.csv", VALID / "mentors.csv", Config())


def test_every_problem_is_reported_at_once(problem):
    text = (VALID / "logbook.csv").read_text().splitlines()
    text[1] = text[1].replace("P01", "P77")
    text[4] = text[4].replace("daring", "merpati")
    text[6] = text[6].replace("2027-07-15", "2027-13-01")
    table = read_table(Upload("log.csv", "\n".join(text).encode()), "logbook")
    with pytest.raises(InputError) as caught:
        validate_logbook(table, problem, as_of=dt.date(2027, 8, 15))
    assert {(p.row, p.column) for p in caught.value.problems} == {
        (2, "participant_id"),
        (5, "mode"),
        (7, "date"),
    }


def _xlsx(rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Buku Log"
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_indonesian_workbook_reads_like_the_csv(problem):
    csv_book = validate_logbook(
        read_table(VALID / "logbook.csv", "logbook"), problem, as_of=dt.date(2027, 8, 15)
    )
    rows: list[list[object]] = [
        ["Tanggal", "ID Peserta", "ID Pendamping", "Moda", "Durasi (menit)", "Jam mulai", "Catatan"]
    ]
    for e in csv_book.entries:
        clock = None if e.start_min is None else dt.time(e.start_min // 60, e.start_min % 60)
        word = {Mode.ONSITE: "Tatap muka", Mode.ONLINE: "Daring (WA)"}[e.mode]
        rows.append([e.date, e.participant_id, e.mentor_id, word, e.duration_min, clock, ""])
    table = read_table(Upload("logbook.xlsx", _xlsx(rows)), "logbook")
    xlsx_book = validate_logbook(table, problem, as_of=dt.date(2027, 8, 15))
    fields = ("date", "participant_id", "mentor_id", "mode", "duration_min", "start_min")
    assert [tuple(getattr(e, f) for f in fields) for e in xlsx_book.entries] == [
        tuple(getattr(e, f) for f in fields) for e in csv_book.entries
    ]


@pytest.mark.parametrize(
    ("text", "mode"),
    [
        ("onsite", Mode.ONSITE),
        ("Luring", Mode.ONSITE),
        ("tatap muka", Mode.ONSITE),
        ("Kunjungan lapangan", Mode.ONSITE),
        ("daring", Mode.ONLINE),
        ("WA", Mode.ONLINE),
        ("WhatsApp", Mode.ONLINE),
        ("zoom", Mode.ONLINE),
        ("Telepon", Mode.ONLINE),
        ("Daring (WA)", Mode.ONLINE),
        ("video call / zoom", Mode.ONLINE),
    ],
)
def test_session_modes_in_either_language(text, mode):
    assert labels.session_mode(text) is mode


@pytest.mark.parametrize("text", ["surat", "tatap muka / zoom", ""])
def test_a_mode_that_is_not_one_is_refused(text):
    with pytest.raises(LabelError):
        labels.session_mode(text)


def test_suspicious_rows_are_warned_and_notes_never_shown(problem):
    from tkm_assign.pipeline import travel_model

    rows = [
        "date,participant_id,mentor_id,mode,duration_min,notes",
        "2027-07-06,P01,M2,onsite,90,rahasia-1",  # a substitute (P01 is M1's)
        "2027-07-06,P01,M1,online,60,rahasia-2",  # a second session that day
        "2027-08-17,P09,M1,online,60,rahasia-3",  # Independence Day
        "2027-07-10,P09,M1,online,60,rahasia-4",  # a Saturday
        "2027-07-12,P07,M1,onsite,90,rahasia-5",  # Mataram from Bandung: across the sea
    ]
    table = read_table(Upload("log.csv", "\n".join(rows).encode()), "logbook")
    with collecting() as call:
        book = validate_logbook(
            table,
            problem,
            as_of=dt.date(2027, 8, 20),
            mentor_of={"P01": "M1", "P09": "M1", "P07": "M1"},
            travel=travel_model(problem.config),
        )
    codes = [m.code for m in call.warnings]
    assert codes.count("warning.logbook_substitute") == 1
    assert codes.count("warning.logbook_same_day") == 2
    assert "warning.logbook_holiday" in codes and "warning.logbook_weekend" in codes
    assert "warning.logbook_far_visit" in codes
    assert "rahasia" not in " ".join(str(m) for m in call.warnings)
    assert "rahasia" not in repr(book.entries)
    assert book.entries[0].notes.startswith("rahasia")


def test_a_form_timestamp_gives_the_time_of_day(problem):
    rows = ["tanggal,peserta,pendamping,jenis", "2027-07-06 09:30:00,P01,M1,kunjungan"]
    table = read_table(Upload("form.csv", "\n".join(rows).encode()), "logbook")
    (entry,) = validate_logbook(table, problem, as_of=dt.date(2027, 8, 1)).entries
    assert entry.date == dt.date(2027, 7, 6) and entry.start_min == 9 * 60 + 30
    assert entry.mode is Mode.ONSITE and entry.duration_min == 90
