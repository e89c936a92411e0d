"""The mentoring logbook: one row per session held, validated against the problem.

Every session of TKM Lanjutan is recorded in the logbook: onsite visits, WhatsApp coaching,
Zoom calls. Coordinators export it from a spreadsheet or a form, so it is read like the
other inputs (:func:`tkm_assign.io.read.read_table` with kind ``"logbook"``: CSV or XLSX,
Indonesian or English headers) and checked once, here, by :func:`validate_logbook`:

Errors (all collected, raised together as one :class:`~tkm_assign.errors.InputError`):
an unknown participant or mentor, a date that is not a date, before the programme start or
after the as-of date, a duration out of ``[logbook]`` range, an unknown mode, a time that is
not a time, a repeated row or session id.

Warnings (legal but worth a look): a session by a mentor who is not the assigned one (a
substitute), two sessions of one participant on one day, a session on a public holiday or
a weekend, an onsite visit farther from the mentor's home than ``travel.max_travel_min``,
a session after the participant withdrew.

``notes`` are kept for the coordinator's own workbook only: never logged, never in a
message or a warning.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from tkm_assign import rules
from tkm_assign.errors import InputError
from tkm_assign.geo.travel import TravelModel
from tkm_assign.io import labels
from tkm_assign.io.labels import LabelError
from tkm_assign.io.read import Table
from tkm_assign.io.validate import _Notes, _Sheet
from tkm_assign.messages import Message
from tkm_assign.model import Mode, ParticipantStatus, Problem
from tkm_assign.schedule.replan import HeldSession

__all__ = ["Logbook", "LogbookEntry", "validate_logbook"]

# A date cell may carry the time of day (a form's timestamp): "2027-07-06 09:30".
_DATE_TIME = re.compile(r"\s*(\S+?)(?:[ T]([0-9]{1,2}[:.][0-9]{2})(?::[0-9]{2})?)?\s*")


@dataclass(frozen=True, slots=True)
class LogbookEntry:
    """One session that took place, as the logbook records it.

    ``start_min`` is ``None`` when the logbook gives no time; ``session_id`` is ``""`` when
    it names no planned session; ``row`` is the spreadsheet row (header = row 1).
    """

    row: int
    date: dt.date
    participant_id: str
    mentor_id: str
    mode: Mode
    duration_min: int
    start_min: int | None = None
    session_id: str = ""
    notes: str = field(default="", repr=False, compare=False)

    def held(self) -> HeldSession:
        """The session as the schedule's re-plan hooks count it."""
        return HeldSession(
            self.participant_id, self.mentor_id, self.date, self.mode, self.duration_min
        )


@dataclass(frozen=True)
class Logbook:
    """Validated logbook rows in date order, covering every day up to ``as_of``."""

    entries: tuple[LogbookEntry, ...]
    as_of: dt.date
    source: str = "logbook"

    def held(self) -> tuple[HeldSession, ...]:
        return tuple(e.held() for e in self.entries)

    def until(self, day: dt.date) -> Logbook:
        """The rows up to and including ``day`` (a logbook as it was on that day)."""
        return Logbook(tuple(e for e in self.entries if e.date <= day), day, self.source)


def validate_logbook(
    table: Table,
    problem: Problem,
    *,
    as_of: dt.date,
    mentor_of: Mapping[str, str | None] | None = None,
    travel: TravelModel | None = None,
) -> Logbook:
    """Check every row of a logbook; raise every problem at once.

    Parameters
    ----------
    table
        ``read_table(path_or_upload, "logbook")``: ``date``, ``participant_id``,
        ``mentor_id``, ``mode`` (required), ``duration_min``, ``start``, ``session_id``,
        ``notes`` (optional; Indonesian headers accepted).
    problem
        The participants and mentors the sessions refer to; ``problem.config`` gives the
        programme start, the default durations (``sessions.*_duration_min``) and the allowed
        range (``[logbook]``).
    as_of
        The last day the logbook covers: a later date is an error.
    mentor_of
        Each participant's assigned mentor in the plan; a session by another mentor is
        warned about as a substitute.
    travel
        The travel model, to warn about onsite visits beyond ``travel.max_travel_min``.

    Returns
    -------
    Logbook
        Entries sorted by date, start and row.

    Raises
    ------
    InputError
        Listing every problem with file, row, column, value and what was expected.
    """
    config = problem.config
    notes = _Notes()
    sheet = _Sheet(table, notes)
    start = config.programme.start_date
    dates, times = _dates(sheet, start, as_of)
    participants = _known(sheet, "participant_id", problem.participant_index, problem)
    mentors = _known(sheet, "mentor_id", problem.mentor_index, problem)
    modes = sheet.parse(
        "mode", labels.session_mode, None, required=_required("input.expect.session_mode")
    )
    book = config.logbook
    durations = sheet.parse(
        "duration_min", _duration(book.min_duration_min, book.max_duration_min), None
    )
    starts = sheet.parse("start", labels.clock, None)
    session_ids = [str(v).strip() for v in sheet.text("session_id")]
    text_notes = sheet.text("notes")
    _check_repeats(sheet, dates, participants, mentors, modes, starts, durations, session_ids)
    if sheet.problems:
        notes.emit()
        raise InputError(sorted(sheet.problems, key=lambda p: -1 if p.row is None else p.row))
    entries = []
    defaults = {
        Mode.ONSITE: config.sessions.onsite_duration_min,
        Mode.ONLINE: config.sessions.online_duration_min,
    }
    for i in range(sheet.n):
        mode = modes[i]
        assert mode is not None  # no problem: every row has a mode
        begin = starts[i] if starts[i] is not None else times[i]
        entries.append(
            LogbookEntry(
                row=int(sheet.rows[i]),
                date=dates[i],
                participant_id=participants[i],
                mentor_id=mentors[i],
                mode=mode,
                duration_min=durations[i] or defaults[mode],
                start_min=begin,
                session_id=session_ids[i],
                notes=str(text_notes[i]),
            )
        )
    entries.sort(key=lambda e: (e.date, -1 if e.start_min is None else e.start_min, e.row))
    _warn(sheet, problem, entries, mentor_of, travel)
    notes.emit()
    return Logbook(tuple(entries), as_of, table.source)


def _required(what: str) -> Message:
    return Message.of("input.empty_expected", expected=Message.of(what))


def _dates(sheet: _Sheet, start: dt.date, as_of: dt.date) -> tuple[list[dt.date], list[int | None]]:
    """Each row's date (and the time of day a timestamp carries)."""

    def parse(text: str) -> tuple[dt.date, int | None]:
        match = _DATE_TIME.fullmatch(text)
        day_text, clock_text = (match[1], match[2]) if match else (text, None)
        try:
            day = labels.date(day_text)
        except LabelError:
            day = labels.date(text)  # the plain date message, for the whole cell
        if day < start:
            raise LabelError(Message.of("input.before_start", start=start.isoformat()))
        if day > as_of:
            raise LabelError(Message.of("input.after_as_of", as_of=as_of.isoformat()))
        # A midnight time is how a spreadsheet writes a date without a time.
        minutes = labels.clock(clock_text) if clock_text and clock_text != "00:00" else None
        return day, minutes

    parsed = sheet.parse("date", parse, None, required=_required("input.expect.session_date"))
    days = [p[0] if isinstance(p, tuple) else start for p in parsed]
    times = [p[1] if isinstance(p, tuple) else None for p in parsed]
    return days, times


def _known(sheet: _Sheet, column: str, index: Mapping[str, int], problem: Problem) -> list[str]:
    """Ids that name a participant or mentor of the problem."""
    source = problem.participants_source if column == "participant_id" else problem.mentors_source
    person = "participant" if column == "participant_id" else "mentor"

    def parse(text: str) -> str:
        value = text.strip()
        if value not in index:
            raise LabelError(Message.of(f"input.not_{person}", source=source))
        return value

    required = _required(f"input.expect.session_{person}")
    values = sheet.parse(column, parse, "", required=required)
    return [v if isinstance(v, str) else "" for v in values]


def _duration(low: int, high: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        value = labels.whole_number(text)
        if not low <= value <= high:
            raise LabelError(Message.of("input.duration_range", low=low, high=high))
        return value

    return parse


def _check_repeats(
    sheet: _Sheet,
    dates: list[dt.date],
    participants: list[str],
    mentors: list[str],
    modes: Sequence[object],
    starts: Sequence[object],
    durations: Sequence[object],
    session_ids: list[str],
) -> None:
    """A row repeating an earlier one, and a session id used twice, are errors."""
    first: dict[tuple[object, ...], int] = {}
    first_id: dict[str, int] = {}
    for i in range(sheet.n):
        row = int(sheet.rows[i])
        key = (dates[i], participants[i], mentors[i], modes[i], starts[i], durations[i])
        if sheet.ok[i] and key in first:
            sheet.add(
                i,
                None,
                None,
                Message.of("input.repeats_row", first=first[key]),
            )
        first.setdefault(key, row)
        sid = session_ids[i]
        if sid:
            if sid in first_id:
                used = Message.of("input.used_twice", first=first_id[sid], row=row)
                sheet.add(i, "session_id", sid, used)
            first_id.setdefault(sid, row)


def _warn(
    sheet: _Sheet,
    problem: Problem,
    entries: list[LogbookEntry],
    mentor_of: Mapping[str, str | None] | None,
    travel: TravelModel | None,
) -> None:
    """Legal but suspicious rows: substitutes, same-day sessions, holidays, far visits."""
    config = problem.config
    position = {int(r): k for k, r in enumerate(sheet.rows)}
    people = problem.participants
    p_index = problem.participant_index
    day_count = Counter((e.participant_id, e.date) for e in entries)
    if entries:
        first = min(e.date for e in entries)
        last = max(e.date for e in entries)
        off = rules.holiday_dates(first, last + dt.timedelta(days=1), config)
    else:
        off = {}
    for e in entries:
        k = position[e.row]
        person = people[p_index[e.participant_id]]
        assigned = mentor_of.get(e.participant_id) if mentor_of is not None else None
        if assigned is not None and assigned != e.mentor_id:
            sheet.warn(
                "warning.logbook_substitute",
                k,
                "mentor_id",
                e.mentor_id,
                participant_id=e.participant_id,
                assigned=assigned,
            )
        if day_count[e.participant_id, e.date] > 1:
            sheet.warn(
                "warning.logbook_same_day",
                k,
                "date",
                e.date.isoformat(),
                participant_id=e.participant_id,
            )
        if e.date in off:
            sheet.warn(
                "warning.logbook_holiday", k, "date", e.date.isoformat(), holiday=off[e.date]
            )
        elif e.date.weekday() >= 5:
            sheet.warn("warning.logbook_weekend", k, "date", e.date.isoformat())
        if (
            person.status is ParticipantStatus.WITHDRAWN
            and person.status_date is not None
            and e.date >= person.status_date
        ):
            sheet.warn(
                "warning.logbook_after_withdrawal",
                k,
                "date",
                e.date.isoformat(),
                participant_id=e.participant_id,
                status_date=person.status_date,
            )
    if travel is not None:
        _warn_far_visits(sheet, problem, entries, travel, position)


def _warn_far_visits(
    sheet: _Sheet,
    problem: Problem,
    entries: list[LogbookEntry],
    travel: TravelModel,
    position: Mapping[int, int],
) -> None:
    from tkm_assign.audit.facts import mentor_participant_minutes

    limit = problem.config.travel.max_travel_min
    onsite = [e for e in entries if e.mode is Mode.ONSITE]
    pairs = sorted({(e.participant_id, e.mentor_id) for e in onsite})
    if not pairs:
        return
    minutes = mentor_participant_minutes(problem, travel, pairs)
    far = {pair: t for pair, t in zip(pairs, minutes, strict=True) if t > limit}
    for e in onsite:
        one_way = far.get((e.participant_id, e.mentor_id))
        if one_way is not None:
            sheet.warn(
                "warning.logbook_far_visit",
                position[e.row],
                "mode",
                e.mode.value,
                participant_id=e.participant_id,
                mentor_id=e.mentor_id,
                travel_min=min(one_way, 99_999),
                max_travel_min=limit,
            )
