"""Each mentor's .ics parses with icalendar and holds exactly one event per session."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import icalendar
import pytest

from tkm_assign.report.calendars import escape_text, fold, session_uid, time_zone


def _events(path):
    calendar = icalendar.Calendar.from_ical(path.read_bytes())
    return calendar, calendar.walk("VEVENT")


def test_one_event_per_session_of_each_mentor(outputs, small_tables):
    schedule = small_tables.schedule
    for mentor_id in ("M01", "M02"):
        _, events = _events(outputs / "calendars" / f"{mentor_id}.ics")
        mine = schedule[schedule["mentor_id"] == mentor_id]
        assert len(events) == len(mine)
        uids = {str(e["UID"]) for e in events}
        assert uids == {
            session_uid(s, mentor_id, p)
            for s, p in zip(mine["session_id"], mine["participant_id"], strict=True)
        }


def test_every_line_is_folded_once_and_the_time_zone_block_is_intact(outputs):
    raw = (outputs / "calendars" / "M01.ics").read_bytes()
    lines = raw.split(b"\r\n")
    assert all(len(line) <= 75 for line in lines)
    assert b"" not in lines[:-1]  # no empty lines (a block folded a second time makes some)
    for line in (b"BEGIN:VTIMEZONE", b"END:STANDARD", b"END:VTIMEZONE"):
        assert line in lines


def test_times_are_local_to_the_mentors_province(outputs):
    _, events = _events(outputs / "calendars" / "M02.ics")  # Bali: WITA
    first = min(events, key=lambda e: e.decoded("DTSTART"))
    start = first.decoded("DTSTART")
    assert start == dt.datetime(2027, 7, 6, 8, 5, tzinfo=ZoneInfo("Asia/Makassar"))
    assert start.utcoffset() == dt.timedelta(hours=8)
    assert first.decoded("DTEND") - start == dt.timedelta(minutes=90)
    calendar, events = _events(outputs / "calendars" / "M01.ics")  # Jawa Barat: WIB
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Asia/Jakarta"]
    assert events[0].decoded("DTSTART").utcoffset() == dt.timedelta(hours=7)


def test_onsite_events_have_village_and_coordinates_online_do_not(outputs, small_problem):
    _, events = _events(outputs / "calendars" / "M01.ics")
    by_uid = {str(e["UID"]).split("-")[0]: e for e in events}
    onsite = by_uid["S0001"]
    assert str(onsite["SUMMARY"]) == "Tatap muka: Siti Rahmawati (P01)"
    assert str(onsite["LOCATION"]).startswith("Cipaganti, Kota Bandung (-6.9")
    p01 = small_problem.participants[0].location
    assert onsite["GEO"].latitude == pytest.approx(p01.latitude, abs=1e-6)
    assert onsite["GEO"].longitude == pytest.approx(p01.longitude, abs=1e-6)
    description = str(onsite["DESCRIPTION"])
    assert (
        "Sektor: Industri boga" in description and "Bulan 1: Sesi 1 dari 1 bulan ini" in description
    )
    online = by_uid["S0003"]
    assert str(online["SUMMARY"]) == "Daring: Budi Santoso (P02)" and "GEO" not in online
    # An online event says how it is held and where the participant is.
    assert str(online["LOCATION"]).startswith("Daring (WhatsApp/Zoom) dengan peserta di ")
    assert "URL" not in online  # P02 has no phone number
    # P01 has a mobile number: the online event names it and opens the WhatsApp chat.
    chat = by_uid["S0007"]
    assert str(chat["LOCATION"]).startswith("Daring (WhatsApp/telepon 0812 3456 7890) ")
    assert str(chat["URL"]) == "https://wa.me/6281234567890"
    assert "WhatsApp: https://wa.me/6281234567890" in str(chat["DESCRIPTION"])
    assert "URL" not in onsite
    assert onsite.walk("VALARM")


def test_english_calendar(outputs_en):
    _, events = _events(outputs_en / "calendars" / "M01.ics")
    assert {str(e["SUMMARY"]).split(":")[0] for e in events} == {"Onsite", "Online"}


def test_no_calendar_without_sessions(tmp_path, small_problem, assignment_only_tables):
    from tkm_assign.report.calendars import write_calendars
    from tkm_assign.report.i18n import Labels

    assert write_calendars(tmp_path, small_problem, assignment_only_tables, Labels("id")) == []


@pytest.mark.parametrize(
    ("province", "zone"),
    [
        ("32", "Asia/Jakarta"),
        ("61", "Asia/Jakarta"),
        ("51", "Asia/Makassar"),
        ("64", "Asia/Makassar"),
        ("73", "Asia/Makassar"),
        ("81", "Asia/Jayapura"),
        ("94", "Asia/Jayapura"),
    ],
)
def test_time_zone_of_province(province, zone):
    assert time_zone(province) == zone


def test_escaping_and_folding_round_trip():
    text = "Kunjungan; bawa contoh produk, label\nDesa Sukamaju – Kabupaten Garut " * 3
    line = fold(f"DESCRIPTION:{escape_text(text)}")
    assert all(len(part.encode()) <= 75 for part in line.split("\r\n"))
    event = icalendar.Event.from_ical(f"BEGIN:VEVENT\r\n{line}\r\nEND:VEVENT\r\n")
    assert str(event["DESCRIPTION"]) == text


@pytest.mark.parametrize(
    "line",
    [
        "DESCRIPTION:" + "a" * 63,  # 75 octets: stays one line
        "DESCRIPTION:" + "a" * 64,
        "DESCRIPTION:" + "abc;def " * 40,  # ASCII, several continuation lines
        "SUMMARY:Kunjungan – Desa Sukamaju" * 4,  # a three-octet dash now and then
        "LOCATION:" + "é" * 80,  # two-octet characters that a cut must not split
    ],
)
def test_folded_lines_are_full_and_unfold_to_the_line(line):
    parts = fold(line).split("\r\n")
    data = [part.encode("utf-8") for part in parts]
    assert all(len(part) <= 75 for part in data)
    assert all(part.startswith(b" ") for part in data[1:])
    # Each cut is as late as the 75 octets allow: the next character would not fit.
    for part, after in zip(data, parts[1:], strict=False):
        assert len(part) + len(after[1].encode("utf-8")) > 75
    assert "".join([parts[0], *(part[1:] for part in parts[1:])]) == line
