"""``calendars/<mentor_id>.ics``: each mentor's sessions as an RFC 5545 calendar.

One VEVENT per session, with a stable UID (the same session in a re-run plan updates the
event instead of duplicating it; a re-plan keeps each session's UID, raises its
``SEQUENCE`` when it changes and writes sessions no longer planned with
``STATUS:CANCELLED``), the participant and mode in SUMMARY, the village and
coordinates in LOCATION and GEO for onsite visits, and sector, need level and the session's
place in the month in DESCRIPTION. An online session says in LOCATION how it is held and
with whom (the participant's number when the participants file has one) and, for a mobile
number, links the WhatsApp chat (URL, and in DESCRIPTION with the number to call).

Times carry the time zone of the mentor's province — WIB (Asia/Jakarta), WITA
(Asia/Makassar) or WIT (Asia/Jayapura) — with its VTIMEZONE in the file. Google Calendar,
phone calendars and Outlook then show the session at the right local hour whatever the time
zone of the calendar it is imported into; floating times would shift when a coordinator in
Jakarta imports the calendar of a mentor in Makassar. Schedules are planned in the mentor's
local time, so the mentor's province decides the zone.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import icalendar

from tkm_assign import __version__, rules
from tkm_assign.geo.regions import load_geography
from tkm_assign.io.labels import phone_display, whatsapp_link
from tkm_assign.model import Mentor, Participant, Problem, session_uid
from tkm_assign.report.figures import participants_by_id, place_of, regency_names
from tkm_assign.report.i18n import Labels
from tkm_assign.report.tables import CalendarEvent, PlanTables

log = logging.getLogger("tkm_assign")

WIB, WITA, WIT = "Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"
# Province codes (Kemendagri) by time zone; every other province is WIB.
_WITA_PROVINCES = frozenset(
    {"51", "52", "53", "63", "64", "65", "71", "72", "73", "74", "75", "76"}
)
_WIT_PREFIXES = ("8", "9")  # Maluku, Maluku Utara and the Papua provinces
PRODID = f"-//tkm_assign//TKM Lanjutan {__version__}//ID"
# Remind this long before an online session; onsite: the ride plus this margin.
ONLINE_REMINDER_MIN = 15
ONSITE_REMINDER_MARGIN_MIN = 30


# Abbreviation and UTC offset of each zone, as Indonesians write them.
ZONE_LABELS = {WIB: ("WIB", 7), WITA: ("WITA", 8), WIT: ("WIT", 9)}


def zone_label(zone_name: str) -> str:
    """``Asia/Makassar`` -> ``WITA (UTC+8)``."""
    short, offset = ZONE_LABELS[zone_name]
    return f"{short} (UTC+{offset})"


def time_zone(province_code: str) -> str:
    """IANA time zone of a province: WIB, WITA or WIT by Kemendagri province code."""
    if province_code in _WITA_PROVINCES:
        return WITA
    if province_code.startswith(_WIT_PREFIXES):
        return WIT
    return WIB


# Names Windows reserves for devices, with any extension (``CON``, ``nul.ics``, ``COM1``).
_RESERVED_NAMES = frozenset(
    {"CON", "PRN", "AUX", "NUL"}
    | {f"{port}{n}" for port in ("COM", "LPT") for n in (*"123456789", "¹", "²", "³")}
)
MAX_STEM_CHARS = 40  # the longest paths (calendars/<stem>.html) stay far below any limit


def safe_filename(identifier: str) -> str:
    """An id usable as a file name on every system (``M/01`` -> ``M_01``).

    Only ASCII letters, digits, ``.``, ``_`` and ``-``; no leading or trailing dot;
    never a name Windows reserves (``CON`` -> ``_CON``); at most :data:`MAX_STEM_CHARS`
    characters (a longer id keeps its start and gets a short hash of the whole id).
    """
    stem = re.sub(r"[^A-Za-z0-9._-]", "_", identifier).strip(".") or "_"
    if stem.split(".")[0].upper() in _RESERVED_NAMES:
        stem = "_" + stem
    if len(stem) > MAX_STEM_CHARS:
        digest = hashlib.sha256(identifier.encode("utf-8")).hexdigest()[:8]
        stem = f"{stem[: MAX_STEM_CHARS - 9].rstrip('.')}-{digest}"
    return stem


def mentor_file_names(mentor_ids: list[str]) -> dict[str, str]:
    """A distinct file name stem per mentor id (``M/1`` and ``M_1`` -> ``M_1``, ``M_1-2``).

    Distinct also where case does not count (Windows, macOS): ``m_1`` -> ``m_1-3``.
    """
    out: dict[str, str] = {}
    used: set[str] = set()
    for mentor_id in mentor_ids:
        stem = safe_filename(mentor_id)
        candidate, n = stem, 1
        while candidate.lower() in used:  # case-insensitive file systems
            n += 1
            candidate = f"{stem}-{n}"
        used.add(candidate.lower())
        out[mentor_id] = candidate
    return out


def mentor_slice(problem: Problem, part: tuple[int, int]) -> tuple[Mentor, ...]:
    """The k-th of n consecutive, nearly equal slices of the problem's mentors."""
    k, n = part
    if not 0 <= k < n:
        raise ValueError(f"part {k} of {n} does not exist")
    count = len(problem.mentors)
    return problem.mentors[k * count // n : (k + 1) * count // n]


@cache
def vtimezone(zone_name: str) -> str:
    """The VTIMEZONE block of an Indonesian zone (made by icalendar; no daylight saving)."""
    text = icalendar.Timezone.from_tzid(zone_name).to_ical().decode("utf-8")
    # Unfold, drop icalendar's note on the zone's validity years, fold again like the rest.
    lines = text.replace("\r\n ", "").replace("\r\n", "\n").strip().split("\n")
    return "\r\n".join(fold(line) for line in lines if not line.startswith("COMMENT:"))


def escape_text(value: str) -> str:
    """RFC 5545 TEXT escaping (section 3.3.11): backslash, semicolon, comma, newline."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\n")
        .replace("\n", "\\n")
    )


CRLF = "\r\n"


def fold(line: str) -> str:
    """RFC 5545 line folding (section 3.1): at most 75 octets a line, never inside a UTF-8
    character; continuation lines start with one space."""
    if line.isascii():  # one octet a character: cut the text itself
        if len(line) <= 75:  # most lines: nothing to fold
            return line
        return "\r\n ".join([line[:75], *(line[i : i + 74] for i in range(75, len(line), 74))])
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line
    parts = []
    limit = 75
    while data:
        cut = min(limit, len(data))
        while cut < len(data) and (data[cut] & 0xC0) == 0x80:
            cut -= 1
        parts.append(data[:cut].decode("utf-8"))
        data = data[cut:]
        limit = 74
    return "\r\n ".join(parts)


def _local(day: dt.date, minutes: int) -> str:
    moment = dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=minutes)
    return moment.strftime("%Y%m%dT%H%M%S")


@dataclass(frozen=True)
class _Lookups:
    people: dict[str, Participant]
    regencies: dict[str, str]


@dataclass(frozen=True)
class _Visit:
    """The lines of a participant's events that every session of one mode shares."""

    summary: str  # the SUMMARY line, folded
    place: tuple[str, ...]  # LOCATION and GEO or URL, folded
    head: str  # the start of DESCRIPTION (who, sector, need), not yet escaped
    tail: str  # its end after the month and the ride (coordinates or phone), "" for none
    onsite: bool  # DESCRIPTION has the ride before; the reminder allows for it


def _visit(
    pid: str, person: Participant | None, mode: str, labels: Labels, lookups: _Lookups
) -> _Visit:
    who = f"{person.name} ({pid})" if person and person.name else pid
    mode_word = labels.value(mode)
    summary = labels.text("session_summary", mode=mode_word.capitalize(), participant=who)
    head = [f"{labels.column('participant_name')}: {who}"]
    if person is not None:
        head += [
            f"{labels.column('sector')}: {labels.value(person.sector.value)}",
            f"{labels['need_level']}: {labels.value(person.need_level.value)}",
        ]
    tail: list[str] = []
    if mode == "onsite" and person is not None:
        lat, lon = person.location.latitude, person.location.longitude
        place = place_of(person, lookups.regencies)
        where = f"{place} ({lat:.5f}, {lon:.5f})" if place else f"{lat:.5f}, {lon:.5f}"
        tail += [
            f"{labels['coordinates']}: {lat:.5f}, {lon:.5f}",
            f"{labels['open_map']}: "
            f"https://www.google.com/maps/search/?api=1&query={lat:.5f},{lon:.5f}",
        ]
        lines = [f"LOCATION:{escape_text(where)}", f"GEO:{lat:.6f};{lon:.6f}"]
        onsite = True
    else:
        # Where the participant is, and how the session is held: a place a coordinator
        # or mentor reading the calendar can act on.
        place = place_of(person, lookups.regencies) if person is not None else ""
        phone = person.phone if person is not None else ""
        if phone:
            where = labels.text(
                "online_location_phone", phone=phone_display(phone), place=place or who
            )
        else:
            where = labels.text("online_location", place=place or who)
        lines = [f"LOCATION:{escape_text(where)}"]
        chat = whatsapp_link(phone)
        if chat:  # one tap from the calendar opens the WhatsApp chat
            lines.append(f"URL:{chat}")
            tail.append(f"WhatsApp: {chat}")
        if phone:
            tail.append(f"{labels['call']}: {phone}")
        onsite = False
    return _Visit(
        fold(f"SUMMARY:{escape_text(summary)}"),
        tuple(fold(line) for line in lines),
        "\n".join(head),
        "\n".join(tail),
        onsite,
    )


def mentor_calendar(
    problem: Problem,
    mentor: Mentor,
    events: Sequence[CalendarEvent],
    labels: Labels,
    stamp: dt.datetime,
    lookups: _Lookups | None = None,
) -> str:
    """The calendar of one mentor as iCalendar text: one VEVENT per event.

    ``stamp`` is the DTSTAMP of every event (an aware time: when the file was made).
    The text is written directly rather than through icalendar objects, which build about
    2,000 events a second — a national plan has 40,000 sessions; the VTIMEZONE comes from
    icalendar and every file is parsed back with icalendar in the tests. The lines that
    stay the same from event to event (a participant's names and place, the alarm) are
    made and folded once per file; only lines that can be long or not ASCII are folded.
    """
    if lookups is None:
        lookups = _Lookups(participants_by_id(problem), regency_names(load_geography()))
    zone_name = time_zone(mentor.location.province_code)
    dtstamp = f"DTSTAMP:{stamp.astimezone(dt.UTC).strftime('%Y%m%dT%H%M%SZ')}"
    title = labels.text("calendar_name", mentor=mentor.name or mentor.mentor_id)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        fold(f"PRODID:{PRODID}"),
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        fold(f"X-WR-CALNAME:{escape_text(title)}"),
        f"X-WR-TIMEZONE:{zone_name}",
        vtimezone(zone_name),  # a block of lines, each already folded
    ]
    ordered = sorted(
        events, key=lambda e: (e.session.date, e.session.start_min, e.session.participant_id)
    )
    # The place of each session in its participant's month ("session 2 of 3").
    month_total = Counter((e.session.participant_id, e.session.month) for e in ordered)
    seen: Counter[tuple[str, int]] = Counter()
    # Made once per file: the words and lines every event shares.
    starts = f"DTSTART;TZID={zone_name}:"
    ends = f"DTEND;TZID={zone_name}:"
    month_word = labels["month"]
    travel_word = labels.column("travel_min_before")
    categories: dict[str, str] = {}
    alarm = fold(f"DESCRIPTION:{escape_text(labels['reminder'])}")
    visits: dict[tuple[str, str], _Visit] = {}
    days: dict[dt.date, str] = {}
    for entry in ordered:
        s = entry.session
        pid = s.participant_id
        key = (pid, s.month)
        seen[key] += 1
        rank, total = seen[key], month_total[key]
        mode = s.mode.value
        visit = visits.get((pid, mode))
        if visit is None:
            visit = _visit(pid, lookups.people.get(pid), mode, labels, lookups)
            visits[pid, mode] = visit
        category = categories.get(mode)
        if category is None:
            category = categories[mode] = fold(f"CATEGORIES:{escape_text(labels.value(mode))}")
        day = days.get(s.date)
        if day is None:
            day = days[s.date] = s.date.strftime("%Y%m%dT")
        # A re-plan's sessions carry their own uid and revision (SEQUENCE); a cancelled one
        # stays in the file so that importing it again cancels the event.
        uid = entry.uid or session_uid(s.session_id, mentor.mentor_id, pid)
        lines += [
            "BEGIN:VEVENT",
            fold(f"UID:{uid}"),
            dtstamp,
            starts + _clock(day, s.date, s.start_min),
            ends + _clock(day, s.date, s.end_min),
            visit.summary,
            category,
        ]
        if entry.sequence is not None:
            lines.append(f"SEQUENCE:{entry.sequence}")
        if entry.cancelled:
            lines.append("STATUS:CANCELLED")
        lines += visit.place
        description = f"{visit.head}\n{month_word} {s.month}: " + labels.text(
            "session_of", n=rank, total=total
        )
        if visit.onsite:
            travel = s.travel_min_before if rules.reachable(s.travel_min_before) else 0
            description += f"\n{travel_word}: {travel}"
            reminder = travel + ONSITE_REMINDER_MARGIN_MIN
        else:
            reminder = ONLINE_REMINDER_MIN
        if visit.tail:
            description += "\n" + visit.tail
        lines += [
            fold(f"DESCRIPTION:{escape_text(description)}"),
            "BEGIN:VALARM",
            "ACTION:DISPLAY",
            alarm,
            f"TRIGGER:-PT{reminder}M",
            "END:VALARM",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    lines.append("")  # the file ends with a line break
    return CRLF.join(lines)


def _clock(day_text: str, day: dt.date, minutes: int) -> str:
    """``YYYYMMDDTHHMMSS`` of ``minutes`` after midnight of ``day`` (``day_text``: its
    ``YYYYMMDDT``), without date arithmetic for a time within the day."""
    if 0 <= minutes < 24 * 60:
        return f"{day_text}{minutes // 60:02d}{minutes % 60:02d}00"
    return _local(day, minutes)


def write_calendars(
    folder: Path,
    problem: Problem,
    tables: PlanTables,
    labels: Labels,
    *,
    part: tuple[int, int] = (0, 1),
    stamp: dt.datetime | None = None,
) -> list[Path]:
    """``calendars/<mentor_id>.ics`` for every mentor with at least one session.

    ``part=(k, n)`` writes only the k-th of n consecutive slices of the mentors (so that
    several processes can share the work); ``stamp`` is the DTSTAMP of every event
    (default now). The events are :meth:`PlanTables.calendar_events`: the plan's sessions,
    or a re-plan's planned and cancelled ones with their ``uid`` and ``sequence``.
    """
    mentors = mentor_slice(problem, part)
    events = tables.calendar_events({m.mentor_id for m in mentors})
    if not events:
        return []
    out_dir = folder / "calendars"
    out_dir.mkdir(exist_ok=True)
    stamp = (stamp or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).replace(microsecond=0)
    lookups = _Lookups(participants_by_id(problem), regency_names(load_geography()))
    by_mentor: dict[str, list[CalendarEvent]] = defaultdict(list)
    for event in events:
        by_mentor[event.session.mentor_id].append(event)
    stems = mentor_file_names([m.mentor_id for m in problem.mentors])
    written = []
    for mentor in mentors:
        mine = by_mentor.get(mentor.mentor_id)
        if not mine:
            continue
        calendar = mentor_calendar(problem, mentor, mine, labels, stamp, lookups)
        path = out_dir / f"{stems[mentor.mentor_id]}.ics"
        path.write_bytes(calendar.encode("utf-8"))
        written.append(path)
    log.info("calendars: %d mentors", len(written))
    return written
