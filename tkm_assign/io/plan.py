"""Reading a plan made or edited by hand: assignment and schedule frames -> a :class:`HandPlan`.

Frames arrive as a spreadsheet gives them: text cells, lower-case headers. Headers may be
the plan-table column names (``participant_id``) or the workbook's labels in either
language (``ID peserta``), so a sheet of ``plan.xlsx`` edited by a coordinator can be
audited as it is. Every problem (unknown id, bad date, bad time, unknown mode, a
participant listed twice, an end before its start) is collected first and raised together
as one :class:`~tkm_assign.errors.InputError` naming file, row, column and value.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

from tkm_assign import notify
from tkm_assign.config import DATE_RANGE
from tkm_assign.errors import InputError, InputProblem
from tkm_assign.io import labels
from tkm_assign.io.labels import MAX_ID_CHARS, MODE_WORDS, NO_MENTOR, column_aliases
from tkm_assign.messages import Message
from tkm_assign.model import Mode, Problem

# Excel stores dates as days since 1899-12-30; a plain number in this range is such a date.
EXCEL_EPOCH = dt.date(1899, 12, 30)
EXCEL_SERIAL_RANGE = (20_000, 80_000)


@dataclass(frozen=True, slots=True)
class PlannedSession:
    """One session row of the plan, parsed; ``row`` is its spreadsheet row (header = 1)."""

    row: int
    session_id: str
    mentor_id: str
    participant_id: str
    date: dt.date
    start_min: int
    end_min: int
    mode: Mode

    @property
    def duration_min(self) -> int:
        return self.end_min - self.start_min


@dataclass(frozen=True)
class HandPlan:
    """A validated plan: who mentors whom, and (optionally) its sessions.

    ``mentor_of`` holds every participant of the problem: the mentor id, or ``None`` when
    the plan gives none (or does not list the participant; those are in ``not_listed``).
    """

    mentor_of: Mapping[str, str | None]
    not_listed: frozenset[str]
    sessions: tuple[PlannedSession, ...] | None
    assignment_rows: Mapping[str, int]
    assignments_source: str = "assignments"
    schedule_source: str = "schedule"


def normalise_headers(frame: pd.DataFrame) -> pd.DataFrame:
    """Columns renamed to plan-table names where a header is a known name or label."""
    aliases = column_aliases()
    renamed = {}
    for column in frame.columns:
        key = str(column).strip().lower()
        renamed[column] = aliases.get(key, key.replace(" ", "_"))
    return frame.rename(columns=renamed)


def spreadsheet_rows(frame: pd.DataFrame) -> list[int]:
    """Row numbers as a spreadsheet shows them: the reader's ``row`` index, else 2, 3, ..."""
    if frame.index.name == "row":
        return [int(r) for r in frame.index]
    return list(range(2, len(frame) + 2))


def cell(value: object) -> str:
    """A cell as stripped text (``""`` for empty cells, ``"7"`` for a float 7.0)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, float):
        if value != value:
            return ""
        if value.is_integer():
            return str(int(value))
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    return str(value).strip()


def parse_date(text: str) -> dt.date | None:
    """``2027-07-06``, ``2027-07-06 00:00:00``, ``6/7/2027`` (day first) or an Excel serial."""
    text = text.strip()
    # ASCII digits only: Python's int() would also read other scripts' digits.
    match = re.fullmatch(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:[ T]00:00(?::00)?)?", text)
    if match:
        year, month, day = (int(g) for g in match.groups())
    else:
        match = re.fullmatch(r"([0-9]{1,2})[/.-]([0-9]{1,2})[/.-]([0-9]{4})", text)
        if match:
            day, month, year = (int(g) for g in match.groups())
        elif re.fullmatch(r"[0-9]{5}(\.0+)?", text):
            serial = int(float(text))
            if not EXCEL_SERIAL_RANGE[0] <= serial <= EXCEL_SERIAL_RANGE[1]:
                return None
            return EXCEL_EPOCH + dt.timedelta(days=serial)
        else:
            return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def parse_clock(text: str) -> int | None:
    """Minutes after midnight of ``09:00``, ``9.00`` or ``09:00:00``; ``None`` if not a time."""
    match = re.fullmatch(r"([0-9]{1,2})[:.]([0-9]{2})(?::[0-9]{2})?", text.strip())
    if not match:
        return None
    hours, minutes = int(match[1]), int(match[2])
    if hours > 24 or minutes > 59 or hours * 60 + minutes > 24 * 60:
        return None
    return hours * 60 + minutes


def _same_name(a: str, b: str) -> bool:
    """Names equal up to case and spacing (``Siti  aminah`` is ``Siti Aminah``)."""
    return " ".join(a.casefold().split()) == " ".join(b.casefold().split())


def _warn_names_not_matching_ids(problem: Problem, frame: pd.DataFrame, source: str) -> None:
    """Warn where a row's mentor name is not its mentor id's name (a coordinator who
    retyped the name but not the id); the id decides. Names themselves are never quoted."""
    names = {m.mentor_id: m.name for m in problem.mentors}
    for row, raw_mid, raw_name in zip(
        spreadsheet_rows(frame), frame["mentor_id"], frame["mentor_name"], strict=True
    ):
        mid, given = cell(raw_mid), cell(raw_name)
        known = names.get(mid)
        if known and given and not _same_name(given, known):
            notify.warn(
                Message.of(
                    "warning.mentor_name_mismatch",
                    source=source,
                    row=row,
                    mentor_id=mid,
                    mentors=problem.mentors_source,
                )
            )


def _missing_columns(
    frame: pd.DataFrame, required: Iterable[str], source: str
) -> list[InputProblem]:
    return [
        InputProblem(source, None, name, None, Message.of("input.column_missing"))
        for name in required
        if name not in frame.columns
    ]


def read_plan(
    problem: Problem,
    assignments: pd.DataFrame,
    schedule: pd.DataFrame | None,
    assignments_source: str = "assignments",
    schedule_source: str = "schedule",
) -> HandPlan:
    """Validate the plan's frames against the problem; raise every problem at once.

    Parameters
    ----------
    problem
        The validated participants and mentors the plan is for.
    assignments
        One row per participant: ``participant_id`` and ``mentor_id`` (empty or ``-`` for
        none); other columns are ignored.
    schedule
        One row per session: ``participant_id``, ``date``, ``start``, ``end``, ``mode`` and
        optionally ``mentor_id`` (else the assigned mentor) and ``session_id``.
    assignments_source, schedule_source
        File names used in messages.

    Raises
    ------
    InputError
        Listing every problem with file, row, column and value.
    """
    problems: list[InputProblem] = []
    frame = normalise_headers(assignments)
    problems += _missing_columns(frame, ("participant_id", "mentor_id"), assignments_source)
    sched = normalise_headers(schedule) if schedule is not None else None
    if sched is not None:
        needed = ("participant_id", "date", "start", "end", "mode")
        problems += _missing_columns(sched, needed, schedule_source)
    if problems:
        raise InputError(problems)

    participants = problem.participant_index
    mentors = problem.mentor_index
    mentor_of: dict[str, str | None] = {}
    rows: dict[str, int] = {}
    for row, raw_pid, raw_mid in zip(
        spreadsheet_rows(frame), frame["participant_id"], frame["mentor_id"], strict=True
    ):
        pid, mid = cell(raw_pid), cell(raw_mid)
        if not pid:
            if mid.lower() not in NO_MENTOR:
                problems.append(
                    InputProblem(
                        assignments_source, row, "participant_id", "", Message.of("input.is_empty")
                    )
                )
            continue
        if pid not in participants:
            problems.append(
                InputProblem(
                    assignments_source,
                    row,
                    "participant_id",
                    pid,
                    Message.of("input.not_participant", source=problem.participants_source),
                )
            )
            continue
        if pid in rows:
            problems.append(
                InputProblem(
                    assignments_source,
                    row,
                    "participant_id",
                    pid,
                    Message.of("input.listed_twice", first=rows[pid], row=row),
                )
            )
            continue
        rows[pid] = row
        if mid.lower() in NO_MENTOR:
            mentor_of[pid] = None
        elif mid not in mentors:
            problems.append(
                InputProblem(
                    assignments_source,
                    row,
                    "mentor_id",
                    mid,
                    Message.of("input.not_mentor", source=problem.mentors_source),
                )
            )
        else:
            mentor_of[pid] = mid
    not_listed = frozenset(p.participant_id for p in problem.participants) - set(rows)
    for pid in not_listed:
        mentor_of[pid] = None
    if "mentor_name" in frame.columns:
        _warn_names_not_matching_ids(problem, frame, assignments_source)

    sessions = None
    if sched is not None:
        sessions, session_problems = _read_sessions(problem, sched, mentor_of, schedule_source)
        problems += session_problems
    if problems:
        raise InputError(problems)
    ordered = {p.participant_id: mentor_of[p.participant_id] for p in problem.participants}
    return HandPlan(ordered, not_listed, sessions, rows, assignments_source, schedule_source)


def _read_sessions(
    problem: Problem,
    frame: pd.DataFrame,
    mentor_of: Mapping[str, str | None],
    source: str,
) -> tuple[tuple[PlannedSession, ...], list[InputProblem]]:
    problems: list[InputProblem] = []
    sessions = []
    participants = problem.participant_index
    mentors = problem.mentor_index
    has_mentor = "mentor_id" in frame.columns
    has_id = "session_id" in frame.columns
    seen_ids: dict[str, int] = {}
    for row, record in zip(spreadsheet_rows(frame), frame.to_dict("records"), strict=True):
        values = {k: cell(v) for k, v in record.items()}
        if not any(values.get(k) for k in ("participant_id", "date", "start", "end", "mode")):
            continue  # an empty line in the sheet
        found: list[InputProblem] = []
        pid = values["participant_id"]
        if pid not in participants:
            found.append(
                InputProblem(
                    source,
                    row,
                    "participant_id",
                    pid,
                    Message.of("input.not_participant", source=problem.participants_source),
                )
            )
        mid = values.get("mentor_id", "") if has_mentor else ""
        if not mid and pid in participants:
            mid = mentor_of.get(pid) or ""
            if not mid:
                found.append(
                    InputProblem(
                        source,
                        row,
                        "mentor_id",
                        "",
                        Message.of("input.no_mentor_for_session"),
                    )
                )
        elif mid and mid not in mentors:
            found.append(
                InputProblem(
                    source,
                    row,
                    "mentor_id",
                    mid,
                    Message.of("input.not_mentor", source=problem.mentors_source),
                )
            )
        day = parse_date(values["date"])
        if day is None:
            found.append(
                InputProblem(
                    source,
                    row,
                    "date",
                    values["date"],
                    Message.of("input.not_date"),
                )
            )
        elif not DATE_RANGE[0] <= day <= DATE_RANGE[1]:
            found.append(
                InputProblem(
                    source,
                    row,
                    "date",
                    values["date"],
                    Message.of(
                        "input.dates_range",
                        low=DATE_RANGE[0].isoformat(),
                        high=DATE_RANGE[1].isoformat(),
                    ),
                )
            )
            day = None
        start = parse_clock(values["start"])
        end = parse_clock(values["end"])
        for name, parsed in (("start", start), ("end", end)):
            if parsed is None:
                found.append(
                    InputProblem(
                        source,
                        row,
                        name,
                        values[name],
                        Message.of("input.not_clock"),
                    )
                )
        if start is not None and end is not None and end <= start:
            found.append(
                InputProblem(
                    source,
                    row,
                    "end",
                    values["end"],
                    Message.of("input.not_after_start", start=values["start"]),
                )
            )
        mode = MODE_WORDS.get(values["mode"].lower())
        if mode is None:
            found.append(
                InputProblem(
                    source,
                    row,
                    "mode",
                    values["mode"],
                    Message.of("input.not_plan_mode"),
                )
            )
        session_id = values.get("session_id", "") if has_id else ""
        session_id = session_id or f"R{row}"
        hidden = labels.control_characters(session_id, in_id=True)
        if hidden or len(session_id) > MAX_ID_CHARS:
            found.append(
                InputProblem(
                    source,
                    row,
                    "session_id",
                    session_id,
                    Message.of("input.session_id_control", characters=", ".join(hidden))
                    if hidden
                    else Message.of(
                        "input.id_long", length=f"{len(session_id):,}", limit=MAX_ID_CHARS
                    ),
                )
            )
        if session_id in seen_ids:
            found.append(
                InputProblem(
                    source,
                    row,
                    "session_id",
                    session_id,
                    Message.of("input.used_twice", first=seen_ids[session_id], row=row),
                )
            )
        seen_ids.setdefault(session_id, row)
        if found:
            problems += found
            continue
        assert day is not None and start is not None and end is not None and mode is not None
        sessions.append(PlannedSession(row, session_id, mid, pid, day, start, end, mode))
    return tuple(sessions), problems
