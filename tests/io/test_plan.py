"""Reading a hand-made plan: every problem reported at once with file, row, column and value."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from tkm_assign.errors import InputError
from tkm_assign.io.plan import normalise_headers, parse_clock, parse_date, read_plan
from tkm_assign.model import Mode


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2027-07-06", dt.date(2027, 7, 6)),
        ("2027-07-06 00:00:00", dt.date(2027, 7, 6)),
        ("2027-7-6", dt.date(2027, 7, 6)),
        ("06/07/2027", dt.date(2027, 7, 6)),  # day first, as written in Indonesia
        ("6.7.2027", dt.date(2027, 7, 6)),
        ("46574", dt.date(2027, 7, 6)),  # an Excel serial number
        ("2027-02-30", None),
        ("tomorrow", None),
        ("123", None),
    ],
)
def test_parse_date(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("09:30", 570),
        ("9:30", 570),
        ("09.30", 570),
        ("09:30:00", 570),
        ("24:00", 1440),
        ("24:30", None),
        ("9", None),
        ("09:75", None),
    ],
)
def test_parse_clock(text, expected):
    assert parse_clock(text) == expected


def test_labels_in_either_language_are_read_as_columns():
    frame = pd.DataFrame(columns=["ID Peserta", "Mentor ID", "Tanggal", "Start", "cara"])
    assert list(normalise_headers(frame).columns) == [
        "participant_id",
        "mentor_id",
        "date",
        "start",
        "mode",
    ]


def test_every_problem_is_reported_with_file_row_column_and_value(
    audit_problem, clean_assignments, clean_schedule
):
    plan = pd.concat(
        [
            clean_assignments,
            pd.DataFrame(
                [("X9", "M1"), ("A1", "M2"), ("", "")], columns=["participant_id", "mentor_id"]
            ),
        ],
        ignore_index=True,
    )
    plan.loc[1, "mentor_id"] = "M99"
    sessions = clean_schedule.copy()
    sessions.loc[0, "date"] = "2027-13-01"
    sessions.loc[1, "start"] = "1 pm"
    sessions.loc[2, "mode"] = "telepati"
    sessions.loc[3, "end"] = "07:00"
    sessions.loc[4, "participant_id"] = "Z1"
    with pytest.raises(InputError) as caught:
        read_plan(audit_problem, plan, sessions, "plan.xlsx", "jadwal.csv")
    found = {(p.file, p.row, p.column, p.value) for p in caught.value.problems}
    assert found == {
        ("plan.xlsx", 3, "mentor_id", "M99"),
        ("plan.xlsx", 8, "participant_id", "X9"),
        ("plan.xlsx", 9, "participant_id", "A1"),  # listed twice
        ("jadwal.csv", 2, "date", "2027-13-01"),
        ("jadwal.csv", 3, "start", "1 pm"),
        ("jadwal.csv", 4, "mode", "telepati"),
        ("jadwal.csv", 5, "end", "07:00"),
        ("jadwal.csv", 6, "participant_id", "Z1"),
    }
    message = str(caught.value)
    assert "jadwal.csv row 4 column mode: 'telepati' is not a session mode" in message
    assert "plan.xlsx row 9 column participant_id: 'A1' is listed twice (rows 2 and 9)" in message


def test_missing_columns_are_named(audit_problem):
    with pytest.raises(InputError, match="column mentor_id: column is missing"):
        read_plan(audit_problem, pd.DataFrame({"participant_id": ["A1"]}), None)


def test_schedule_without_mentor_column_uses_the_assigned_mentor(
    audit_problem, clean_assignments, clean_schedule
):
    plan = read_plan(audit_problem, clean_assignments, clean_schedule.drop(columns="mentor_id"))
    assert plan.sessions is not None
    assert {s.mentor_id for s in plan.sessions if s.participant_id == "B1"} == {"M2"}
    assert all(s.mode in (Mode.ONSITE, Mode.ONLINE) for s in plan.sessions)


def test_typed_cells_read_like_text(audit_problem, clean_assignments, clean_schedule):
    typed = clean_schedule.assign(date=pd.to_datetime(clean_schedule["date"]))
    plan = read_plan(audit_problem, clean_assignments, typed)
    text_plan = read_plan(audit_problem, clean_assignments, clean_schedule)
    assert plan.sessions == text_plan.sessions


def test_far_future_date_in_a_hand_schedule_exits_1(
    audit_problem, clean_assignments, clean_schedule
):
    # Same class as the far-future start date: 9999-12-31 in a hand-made schedule crashed
    # the audit (OverflowError); non-ASCII digits and control characters passed.
    sessions = clean_schedule.copy()
    sessions.loc[0, "date"] = "9999-12-31"
    sessions.loc[1, "start"] = "٠٨:٠٠"
    sessions.loc[2, "date"] = "٢٠٢٧-٠٧-٠٦"
    sessions["session_id"] = [f"S{i}" for i in range(len(sessions))]
    sessions.loc[3, "session_id"] = "S\x0b3"
    sessions.loc[4, "session_id"] = "S" * 65
    with pytest.raises(InputError) as caught:
        read_plan(audit_problem, clean_assignments, sessions, "plan.csv", "jadwal.csv")
    found = {(p.row, p.column): str(p.expected) for p in caught.value.problems}
    assert "out of range; expected dates from 2000-01-01" in found[(2, "date")]
    assert "is not a time of day" in found[(3, "start")]
    assert "is not a date" in found[(4, "date")]
    assert "U+000B" in found[(5, "session_id")]
    assert "65 characters long" in found[(6, "session_id")]


def test_a_mentor_name_that_no_longer_matches_its_id_warns(audit_problem, clean_assignments):
    import dataclasses

    from tkm_assign import notify
    from tkm_assign.messages import render

    mentors = tuple(
        dataclasses.replace(m, name=f"Pendamping {m.mentor_id}") for m in audit_problem.mentors
    )
    audit_problem = dataclasses.replace(audit_problem, mentors=mentors)
    names = {m.mentor_id: m.name for m in audit_problem.mentors}
    plan = clean_assignments.copy()
    plan["Nama pendamping"] = [names.get(m, "") for m in plan["mentor_id"]]
    # Case and spacing do not count; a retyped name with the old id does.
    plan.loc[0, "Nama pendamping"] = "  " + plan.loc[0, "Nama pendamping"].upper() + " "
    plan.loc[1, "Nama pendamping"] = "Siti Rahmawati"
    with notify.collecting() as call:
        read_plan(audit_problem, plan, None, "plan.xlsx")
    assert [m.code for m in call.warnings] == ["warning.mentor_name_mismatch"]
    shown = render(call.warnings[0], "id")
    assert shown.startswith("plan.xlsx baris 3 kolom mentor_name: ")
    assert plan.loc[1, "mentor_id"] in shown
    assert "Siti Rahmawati" not in shown  # a name is personal data: never repeated
    with notify.collecting() as call:
        read_plan(audit_problem, clean_assignments, None, "plan.xlsx")  # no name column
    assert call.warnings == ()
