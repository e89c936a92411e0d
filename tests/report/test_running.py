"""Progress outputs: workbook, page, at-risk list and WhatsApp messages."""

from __future__ import annotations

import dataclasses
import datetime as dt

import openpyxl
import pytest

from tests.programme.factory import config, logbook, people, plan_of, session
from tkm_assign import app
from tkm_assign.io.outcomes import Outcome, Outcomes

BANDUNG = (-6.9175, 107.6191)
CIMAHI = (-6.8722, 107.5425)


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    cfg = config()
    problem = people(
        [
            (
                "P1",
                "<script>alert(1)</script>",
                *BANDUNG,
                "industri_boga",
                "adequate",
                "medium",
                "",
                "",
                "",
            ),
            ("P2", '=HYPERLINK("x")', *CIMAHI, "industri_boga", "adequate", "low", "", "", ""),
        ],
        [("../../M/1", "Hendra", -6.9147, 107.6098, "industri_boga")],
        cfg,
    )
    mid = "../../M/1"
    plan = plan_of(
        {"P1": mid, "P2": mid},
        [
            session("P1", mid, "2027-07-06", "onsite", 540),
            session("P1", mid, "2027-07-13"),
            session("P2", mid, "2027-07-07", "onsite", 600),
            session("P2", mid, "2027-08-23", "onsite", 600),
            session("P1", mid, "2027-08-24"),
        ],
    )
    book = logbook([("P1", mid, "2027-07-06", "onsite")], "2027-08-20")
    secret = dataclasses.replace(book.entries[0], notes="RAHASIA catatan")
    book = dataclasses.replace(book, entries=(secret,))
    outcomes = Outcomes(
        (Outcome("P1", 1e6, 2e6, False, True, 0, 1), Outcome("P2", 1e6, 1e6, True, True, 1, 1))
    )
    result = app.progress(problem, plan, book, outcomes=outcomes)
    out = tmp_path_factory.mktemp("progress") / "out"
    paths = app.write_outputs(result, out, lang="id")
    return result, out, paths


def test_every_file_is_written(written):
    _, out, paths = written
    names = sorted(str(p.relative_to(out)) for p in paths)
    assert names == [
        "at_risk.csv",
        "messages/_.._M_1.txt",
        "progress.html",
        "progress.json",
        "progress.xlsx",
    ]


def test_names_are_text_and_notes_stay_in_the_logbook(written):
    _, out, paths = written
    page = (out / "progress.html").read_text(encoding="utf-8")
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    for path in paths:
        if path.suffix in (".html", ".csv", ".txt", ".json"):
            assert "RAHASIA" not in path.read_text(encoding="utf-8"), path
    book = openpyxl.load_workbook(out / "progress.xlsx")
    cells = [c.value for ws in book for row in ws.iter_rows() for c in row]
    assert not any(isinstance(v, str) and "RAHASIA" in v for v in cells)
    # A name that looks like a formula is written as text.
    ws = book["Peserta"]
    (cell,) = [c for row in ws.iter_rows() for c in row if c.value == '=HYPERLINK("x")']
    assert cell.data_type == "s"


def test_the_page_is_light_and_indonesian(written):
    _, out, _ = written
    page = (out / "progress.html").read_text(encoding="utf-8")
    assert '<html lang="id">' in page and "Kemajuan Pendampingan" in page
    assert "Indikator keberhasilan" in page
    assert "http" not in page.replace("http-equiv", "")  # nothing loaded from anywhere
    assert len(page.encode()) < 100_000


def test_the_message_lists_the_coming_visits_in_indonesian(written):
    _, out, _ = written
    text = (out / "messages" / "_.._M_1.txt").read_text(encoding="utf-8")
    assert text.startswith("Halo Hendra, jadwal pendampingan Anda Sab 21 Agu s.d. Jum 27 Agu:")
    assert '- Sen 23 Agu 10:00 kunjungan: =HYPERLINK("x") (P2)' in text
    assert "- Sel 24 Agu 08:00 daring: <script>alert(1)</script> (P1)" in text
    assert "Mohon dikejar:" in text


def test_indicators_by_group_and_sessions(written):
    result, _, _ = written
    groups = result.indicators.groups
    whole = groups[groups["group"] == "programme"].iloc[0]
    assert (whole["participants"], whole["turnover_growth"], whole["all_three"]) == (2, 1, 1)
    assert whole["financial_records"] == 2 and whole["new_workers"] == 1
    sessions = result.indicators.sessions.set_index("sessions")
    assert sessions.loc["0-2", "participants"] == 2
    assert sessions.loc["0-2", "all_three_share"] == 0.5
    assert result.summary["indicators"]["target_all_three_share"] == 0.34


def test_each_line_of_the_message_links_the_participants_whatsapp_chat(written):
    from tkm_assign.messages import Message
    from tkm_assign.programme.progress import MentorNote
    from tkm_assign.report.running import mentor_message

    result, _, _ = written
    phones = {"P1": "+6281234567890", "P2": "+62227654321"}  # a mobile, a Bandung landline
    problem = dataclasses.replace(
        result.problem,
        participants=tuple(
            dataclasses.replace(p, phone=phones[p.participant_id])
            for p in result.problem.participants
        ),
    )
    mid = "../../M/1"
    note = MentorNote(
        mid,
        dt.date(2027, 8, 20),
        dt.date(2027, 8, 27),
        (session("P2", mid, "2027-08-23", "onsite", 600), session("P1", mid, "2027-08-24")),
        (("P1", "behind", (Message.of("progress.reason.no_mentor"),)),),
    )
    lines = {lang: mentor_message(note, problem, lang).splitlines() for lang in ("id", "en")}
    chat = "https://wa.me/6281234567890"
    online = [line for line in lines["id"] if " daring: " in line]
    assert online == [
        f"- Sel 24 Agu 08:00 daring: <script>alert(1)</script> (P1) · WhatsApp: {chat}"
    ]
    (visit,) = [line for line in lines["id"] if " kunjungan: " in line]
    assert visit.endswith("(P2) · Telepon: 0227654321")  # a landline: no chat, the number
    assert lines["id"][-3].endswith(f" · WhatsApp: {chat}")  # the catch-up line
    assert sum(chat in line for line in lines["en"]) == 2
    assert any(line.endswith("(P2) · Call: 0227654321") for line in lines["en"])
    # Without a number, no link (the message written above).
    assert "wa.me" not in mentor_message(note, result.problem, "id")


def test_dates_and_times_are_excel_values_and_text_stays_text(written, tmp_path):
    """The progress tables carry dates and times as values; the workbook writes them as
    Excel dates and times with their formats, and text that reads like one stays text."""
    result, _, _ = written
    missed = result.tables.missed
    assert len(missed) and isinstance(missed["date"].iloc[0], dt.date)
    assert isinstance(missed["start"].iloc[0], dt.time)
    out = tmp_path / "en"
    app.write_outputs(result, out, lang="en")
    book = openpyxl.load_workbook(out / "progress.xlsx")
    sheet = book["Missed sessions"]
    header = [c.value for c in sheet[1]]
    date = sheet.cell(row=2, column=header.index("Date") + 1)
    start = sheet.cell(row=2, column=header.index("Start") + 1)
    first = missed.iloc[0]
    assert date.value == dt.datetime.combine(first["date"], dt.time()), date.value
    assert date.number_format == "[$-409]ddd, yyyy-mm-dd"
    assert start.value == first["start"] and start.number_format == "hh:mm"
    people = book["Participants"]
    header = [c.value for c in people[1]]
    last = {
        row[header.index("Participant ID")]: people.cell(
            row=i, column=header.index("Last session") + 1
        )
        for i, row in enumerate(people.iter_rows(min_row=2, values_only=True), start=2)
    }
    assert last["P1"].value == dt.datetime(2027, 7, 6) and last["P1"].is_date
    assert last["P1"].number_format == "yyyy-mm-dd"
    assert last["P2"].value is None  # no session yet: an empty cell, not text
