"""A realistic logbook: what would have happened under a plan, up to a date.

The behaviour is set in ``[simulate]`` and calibrated so that the 2024 practice reproduces
the 2024 evaluation (README, *The programme in motion*):

- a planned **onsite visit** does not happen with probability ``onsite_miss``, plus
  ``onsite_miss_per_hour`` per hour of one-way travel from the mentor's home (distance is a
  major obstacle), plus ``rainy_miss`` in the rainy season (``rainy_first_month`` to
  ``rainy_last_month``);
- a planned **online session** fails with a probability by the participant's tech literacy
  (``online_fail_proficient`` / ``_adequate`` / ``_low``), plus ``online_fail_no_internet``
  without reliable internet;
- a share ``withdraw_share`` of participants **withdraw** on a uniform day of their
  programme (no session from that day), ``sick_share`` of mentors fall **ill** once for
  ``sick_days`` days and ``leave_share`` **leave** the programme (their sessions in those
  days do not happen; the coordinator's files record the leave and the last day);
- mentors prioritise **urgent cases**: a high-need participant gets an unplanned extra
  session in a month with probability ``extra_high_need``.

Every draw is a hash of ``simulate.seed`` and the thing drawn for (a participant, a mentor,
a session's participant, date and mode), not a stream of random numbers: the same seed gives
the same logbook, a participant withdraws on the same day whatever plan is followed, and a
simulation continued from an earlier logbook (``since``) keeps that logbook and the events
it knew. Two policies simulated with one seed meet the same fortunes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from tkm_assign import rules
from tkm_assign.audit.facts import mentor_participant_minutes
from tkm_assign.config import SimulateConfig
from tkm_assign.geo.travel import UNREACHABLE_MIN, TravelModel
from tkm_assign.io.logbook import Logbook, LogbookEntry
from tkm_assign.model import (
    Mentor,
    Mode,
    NeedLevel,
    Participant,
    ParticipantStatus,
    Problem,
    TechLiteracy,
)
from tkm_assign.programme.plan import CurrentPlan, PlanSession

__all__ = ["Events", "Simulated", "events_of", "simulate_logbook", "with_events"]

# Causes of a planned session that did not happen, as counted in the summary.
CAUSES = ("far_or_missed_visit", "online_failed", "mentor_away", "withdrawn")


@dataclass(frozen=True)
class Events:
    """What happened to people, up to the as-of date.

    ``withdrawn`` participant -> first day without sessions; ``sick`` mentor -> the leave
    (first, last day); ``left`` mentor -> last working day.
    """

    withdrawn: Mapping[str, dt.date]
    sick: Mapping[str, tuple[dt.date, dt.date]]
    left: Mapping[str, dt.date]


@dataclass(frozen=True)
class Simulated:
    """A simulated logbook and what the coordinator's files say on the as-of date.

    Attributes
    ----------
    logbook
        One row per session held, up to ``logbook.as_of``.
    events
        Withdrawals, sick leaves and mentors leaving known by the as-of date.
    problem
        The problem with those changes applied (``status``/``status_date``,
        ``unavailable``, ``active_until``), as if the files were read again.
    summary
        JSON-ready counts: sessions planned, held, missed by cause, extra; events.
    """

    logbook: Logbook
    events: Events
    problem: Problem
    summary: Mapping[str, Any]


def draw(seed: int, *keys: object) -> float:
    """A uniform number in [0, 1) from the seed and the keys (stable across runs and
    processes)."""
    text = "|".join(str(k) for k in (seed, *keys)).encode("utf-8")
    value = int.from_bytes(hashlib.blake2b(text, digest_size=8).digest(), "big")
    return value / 2.0**64


def events_of(problem: Problem, until: dt.date) -> Events:
    """Withdrawals, sick leaves and departures that happened on or before ``until``."""
    config = problem.config
    behaviour = config.simulate
    seed = behaviour.seed
    start = config.programme.start_date
    base_end = rules.add_months(start, config.programme.months)
    span = (base_end - start).days
    withdrawn: dict[str, dt.date] = {}
    for p in problem.participants:
        if p.status is ParticipantStatus.WITHDRAWN and p.status_date is not None:
            if p.status_date <= until:
                withdrawn[p.participant_id] = p.status_date
            continue
        if draw(seed, "withdraw", p.participant_id) < behaviour.withdraw_share:
            first, last = rules.programme_window(p, config)
            starts = rules.month_starts(start, last)
            a, b = starts[first - 1], starts[last]
            day = a + dt.timedelta(
                days=int(draw(seed, "withdraw-day", p.participant_id) * (b - a).days)
            )
            if day <= until:
                withdrawn[p.participant_id] = day
    sick: dict[str, tuple[dt.date, dt.date]] = {}
    left: dict[str, dt.date] = {}
    for m in problem.mentors:
        if draw(seed, "sick", m.mentor_id) < behaviour.sick_share:
            begin = start + dt.timedelta(days=int(draw(seed, "sick-day", m.mentor_id) * span))
            if begin <= until:
                sick[m.mentor_id] = (begin, begin + dt.timedelta(days=behaviour.sick_days - 1))
        if m.active_until is not None:
            if m.active_until < until:
                left[m.mentor_id] = m.active_until
        elif draw(seed, "leave", m.mentor_id) < behaviour.leave_share:
            day = start + dt.timedelta(days=1 + int(draw(seed, "leave-day", m.mentor_id) * span))
            if day <= until:
                left[m.mentor_id] = day - dt.timedelta(days=1)
    return Events(withdrawn, sick, left)


def with_events(problem: Problem, events: Events) -> Problem:
    """The problem as the coordinator's files say it after ``events``."""
    people = tuple(
        dataclasses.replace(
            p, status=ParticipantStatus.WITHDRAWN, status_date=events.withdrawn[p.participant_id]
        )
        if p.participant_id in events.withdrawn
        else p
        for p in problem.participants
    )
    mentors = []
    for m in problem.mentors:
        if m.mentor_id in events.sick and events.sick[m.mentor_id] not in m.unavailable:
            m = dataclasses.replace(
                m, unavailable=tuple(sorted((*m.unavailable, events.sick[m.mentor_id])))
            )
        if m.mentor_id in events.left:
            m = dataclasses.replace(m, active_until=events.left[m.mentor_id])
        mentors.append(m)
    return dataclasses.replace(problem, participants=people, mentors=tuple(mentors))


def simulate_logbook(
    problem: Problem,
    plan: CurrentPlan,
    travel: TravelModel,
    as_of: dt.date,
    since: Logbook | None = None,
) -> Simulated:
    """The logbook of ``plan`` up to ``as_of`` under the ``[simulate]`` behaviour.

    Parameters
    ----------
    problem
        Participants and mentors (``problem.config.simulate`` the behaviour).
    plan
        The plan followed (a fresh plan, or a re-plan from ``since.as_of``).
    travel
        The travel model (a visit's one-way travel makes a miss likelier).
    as_of
        The last day simulated.
    since
        An earlier simulated logbook: its rows are kept and the simulation goes on from
        the day after its as-of date.

    Returns
    -------
    Simulated
    """
    config = problem.config
    behaviour = config.simulate
    seed = behaviour.seed
    first_day = (
        since.as_of + dt.timedelta(days=1) if since is not None else config.programme.start_date
    )
    events = events_of(problem, as_of)
    people = {p.participant_id: p for p in problem.participants}
    mentors = {m.mentor_id: m for m in problem.mentors}
    one_way = _one_way(problem, plan, travel)
    kept = list(since.entries) if since is not None else []
    row = max((e.row for e in kept), default=1) + 1
    causes: Counter[str] = Counter()
    planned = 0
    entries: list[LogbookEntry] = []
    busy: dict[str, set[dt.date]] = defaultdict(set)
    for e in kept:
        busy[e.participant_id].add(e.date)
    for s in sorted(plan.sessions, key=lambda s: (s.date, s.start_min, s.mentor_id)):
        if not first_day <= s.date <= as_of or s.participant_id not in people:
            continue
        planned += 1
        cause = _fate(
            s, people[s.participant_id], mentors.get(s.mentor_id), events, one_way, behaviour, seed
        )
        if cause is not None:
            causes[cause] += 1
            continue
        entries.append(
            LogbookEntry(
                row,
                s.date,
                s.participant_id,
                s.mentor_id,
                s.mode,
                s.duration_min,
                s.start_min,
                s.session_id,
            )
        )
        busy[s.participant_id].add(s.date)
        row += 1
    extra = _extra_sessions(problem, plan, events, first_day, as_of, busy, row)
    entries += extra
    book = Logbook(
        tuple(
            sorted(
                [*kept, *entries],
                key=lambda e: (e.date, -1 if e.start_min is None else e.start_min, e.row),
            )
        ),
        as_of,
        "simulated logbook",
    )
    summary = {
        "from": first_day.isoformat(),
        "as_of": as_of.isoformat(),
        "seed": seed,
        "sessions_planned": planned,
        "sessions_held_as_planned": planned - sum(causes.values()),
        "sessions_extra": len(extra),
        "sessions_missed": sum(causes.values()),
        "missed_by_cause": {c: causes[c] for c in CAUSES},
        "missed_share": round(sum(causes.values()) / planned, 4) if planned else 0.0,
        "participants_withdrawn": len(events.withdrawn),
        "mentors_sick": len(events.sick),
        "mentors_left": len(events.left),
        "logbook_rows": len(book.entries),
    }
    return Simulated(book, events, with_events(problem, events), summary)


def _fate(
    s: PlanSession,
    person: Participant,
    mentor: Mentor | None,
    events: Events,
    one_way: Mapping[tuple[str, str], int],
    behaviour: SimulateConfig,
    seed: int,
) -> str | None:
    """Why the planned session did not happen, or ``None`` when it was held."""
    out = events.withdrawn.get(s.participant_id)
    if out is not None and s.date >= out:
        return "withdrawn"
    if mentor is None:
        return "mentor_away"
    left = events.left.get(s.mentor_id)
    sick = events.sick.get(s.mentor_id)
    if (left is not None and s.date > left) or (sick is not None and sick[0] <= s.date <= sick[1]):
        return "mentor_away"
    u = draw(seed, "session", s.participant_id, s.date.isoformat(), s.mode.value)
    if s.mode is Mode.ONSITE:
        travel = min(one_way.get((s.participant_id, s.mentor_id), 0), 24 * 60)
        chance = behaviour.onsite_miss + behaviour.onsite_miss_per_hour * travel / 60.0
        if behaviour.rainy(s.date.month):
            chance += behaviour.rainy_miss
        return "far_or_missed_visit" if u < chance else None
    chance = {
        TechLiteracy.PROFICIENT: behaviour.online_fail_proficient,
        TechLiteracy.ADEQUATE: behaviour.online_fail_adequate,
        TechLiteracy.LOW: behaviour.online_fail_low,
    }[person.tech_literacy]
    if not person.internet:
        chance += behaviour.online_fail_no_internet
    return "online_failed" if u < chance else None


def _extra_sessions(
    problem: Problem,
    plan: CurrentPlan,
    events: Events,
    first_day: dt.date,
    as_of: dt.date,
    busy: Mapping[str, set[dt.date]],
    row: int,
) -> list[LogbookEntry]:
    """Unplanned sessions of high-need participants (mentors prioritise urgent cases)."""
    config = problem.config
    behaviour = config.simulate
    seed = behaviour.seed
    mentors = {m.mentor_id: m for m in problem.mentors}
    horizon = max(
        [
            config.programme.longest_months,
            *(rules.programme_window(p, config)[1] for p in problem.participants),
        ]
    )
    starts = rules.month_starts(config.programme.start_date, horizon)
    out = []
    for p in problem.participants:
        mentor = mentors.get(plan.mentor_of.get(p.participant_id) or "")
        if mentor is None or p.need_level is not NeedLevel.HIGH:
            continue
        first, last = rules.programme_window(p, config)
        for k in range(first, last + 1):
            a, b = max(starts[k - 1], first_day), min(starts[k], as_of + dt.timedelta(days=1))
            if a >= b or draw(seed, "extra", p.participant_id, k) >= behaviour.extra_high_need:
                continue
            dates = [
                d
                for d in rules.working_dates(mentor, a, b, config)
                if d not in busy.get(p.participant_id, set())
                and not _away(mentor.mentor_id, d, events)
                and (
                    p.participant_id not in events.withdrawn
                    or d < events.withdrawn[p.participant_id]
                )
            ]
            if not dates:
                continue
            day = dates[int(draw(seed, "extra-day", p.participant_id, k) * len(dates))]
            mode = Mode.ONLINE if rules.online_allowed(p, config) else Mode.ONSITE
            length = (
                config.sessions.online_duration_min
                if mode is Mode.ONLINE
                else config.sessions.onsite_duration_min
            )
            out.append(
                LogbookEntry(row, day, p.participant_id, mentor.mentor_id, mode, length, None, "")
            )
            row += 1
    return out


def _away(mentor_id: str, day: dt.date, events: Events) -> bool:
    left = events.left.get(mentor_id)
    sick = events.sick.get(mentor_id)
    return (left is not None and day > left) or (sick is not None and sick[0] <= day <= sick[1])


def _one_way(
    problem: Problem, plan: CurrentPlan, travel: TravelModel
) -> dict[tuple[str, str], int]:
    """One-way minutes, mentor home to participant, of every pair with a planned session."""
    pairs = sorted(
        {(s.participant_id, s.mentor_id) for s in plan.sessions if s.mode is Mode.ONSITE}
    )
    p_index, m_index = problem.participant_index, problem.mentor_index
    pairs = [(p, m) for p, m in pairs if p in p_index and m in m_index]
    minutes = mentor_participant_minutes(problem, travel, pairs)
    return {pair: min(t, UNREACHABLE_MIN) for pair, t in zip(pairs, minutes, strict=True)}


def changed_tables(
    participants: pd.DataFrame, mentors: pd.DataFrame, events: Events
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The coordinator's two files (text cells, canonical columns) with the events written
    into their change columns: ``status``/``status_date`` of the withdrawn, a sick leave
    added to ``unavailable``, ``active_until`` of the mentors who left."""
    people = participants.copy()
    for column in ("status", "status_date"):
        if column not in people.columns:
            people[column] = ""
    ids = people["participant_id"].astype(str).str.strip()
    for pid, day in events.withdrawn.items():
        hit = ids == pid
        people.loc[hit, "status"] = "withdrawn"
        people.loc[hit, "status_date"] = day.isoformat()
    staff = mentors.copy()
    for column in ("unavailable", "active_until"):
        if column not in staff.columns:
            staff[column] = ""
    mids = staff["mentor_id"].astype(str).str.strip()
    for mid, (a, b) in events.sick.items():
        hit = mids == mid
        leave = f"{a.isoformat()}..{b.isoformat()}"
        staff.loc[hit, "unavailable"] = [
            leave if not str(v).strip() else (v if leave in str(v) else f"{v};{leave}")
            for v in staff.loc[hit, "unavailable"]
        ]
    for mid, day in events.left.items():
        staff.loc[mids == mid, "active_until"] = day.isoformat()
    return people, staff


def logbook_frame(book: Logbook) -> pd.DataFrame:
    """The logbook in its input format (``notes`` empty)."""
    rows = [
        (
            e.date.isoformat(),
            e.participant_id,
            e.mentor_id,
            e.mode.value,
            e.duration_min,
            "" if e.start_min is None else f"{e.start_min // 60:02d}:{e.start_min % 60:02d}",
            e.session_id,
            "",
        )
        for e in book.entries
    ]
    columns = [
        "date",
        "participant_id",
        "mentor_id",
        "mode",
        "duration_min",
        "start",
        "session_id",
        "notes",
    ]
    return pd.DataFrame(rows, columns=columns)


def sessions_in_first_months(problem: Problem, book: Logbook, months: int = 3) -> dict[str, float]:
    """Shares of participants by sessions held in their first ``months`` programme months, in
    the 2024 evaluation's bins (every participant counts)."""
    from tkm_assign.programme.progress import session_bin

    config = problem.config
    horizon = max(
        [
            config.programme.longest_months,
            *(rules.programme_window(p, config)[1] for p in problem.participants),
        ]
    )
    starts = rules.month_starts(config.programme.start_date, horizon)
    first = {p.participant_id: rules.programme_window(p, config)[0] for p in problem.participants}
    counts: Counter[str] = Counter()
    for e in book.entries:
        k = rules.month_of(e.date, starts)
        f = first.get(e.participant_id)
        if f is not None and f <= k < f + months:
            counts[e.participant_id] += 1
    bins = Counter(session_bin(counts[p.participant_id]) for p in problem.participants)
    total = len(problem.participants)
    return {b: round(bins[b] / total, 4) if total else 0.0 for b in ("0-2", "3-4", ">4")}
