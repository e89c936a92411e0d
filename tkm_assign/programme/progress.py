"""Progress of a programme under way: who is on track, behind or at risk, and why.

Everything is measured from the logbook (what happened) against the rules of
:mod:`tkm_assign.rules` (what each participant needs) and the plan (what is still coming):

- **per participant**: sessions held against those due by the end of the months already
  over and against the whole programme; onsite visits held against the month's and the
  programme's minimums; days since the last session; a status with its reasons (plain
  :class:`~tkm_assign.messages.Message` facts):

  - *withdrawn*: ``status`` withdrawn with a ``status_date`` on or before the as-of date;
  - *at risk*: what is left cannot be reached in the time left — more sessions needed
    than fit ``sessions.min_days_between`` apart (and ``sessions.max_per_month`` a month)
    on the mentor's working days left; onsite visits needed that neither the plan holds
    nor the mentor's free hours allow; no onsite visit yet this month with
    ``progress.last_working_days`` or fewer of the mentor's working days left; no mentor;
  - *behind*: fewer sessions held than due by the months already over, no session for more
    than ``progress.quiet_days`` days, or this month's onsite visit still missing and not
    planned;
  - *on track* otherwise (a late joiner before its start date too).

- **per mentor**: planned, held and missed sessions and hours (sessions plus riding; the
  day routes of held visits measured like the audit measures a plan), the missed-visit
  rate, utilisation of the hours available so far, participants behind and at risk; the
  spread of actual workload across mentors (:func:`tkm_assign.report.figures.spread`).
- **programme**: sessions each participant received in the first three months of their
  programme, in the 2024 evaluation's bins (0-2 / 3-4 / more than 4), for the whole
  programme, by province and by sector.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

import pandas as pd

from tkm_assign import rules
from tkm_assign.audit.facts import build_facts, mentor_participant_minutes
from tkm_assign.config import Config
from tkm_assign.geo.regions import load_geography
from tkm_assign.geo.travel import UNREACHABLE_MIN, TravelModel
from tkm_assign.io.logbook import LogbookEntry
from tkm_assign.io.plan import HandPlan, PlannedSession
from tkm_assign.messages import Message
from tkm_assign.model import Mentor, Mode, Participant, ParticipantStatus, Problem, clock_time
from tkm_assign.programme.follow import Followed
from tkm_assign.programme.plan import CurrentPlan, PlanSession
from tkm_assign.report.figures import BASELINE_2024, FIRST_MONTHS, SESSION_BINS, province_names
from tkm_assign.report.figures import spread as spread_of
from tkm_assign.schedule.demand import spacing_capacity

__all__ = [
    "AT_RISK",
    "BEHIND",
    "ON_TRACK",
    "PARTICIPANT_COLUMNS",
    "WITHDRAWN",
    "MentorNote",
    "ProgressTables",
    "measure_progress",
    "mentor_notes",
]

ON_TRACK, BEHIND, AT_RISK, WITHDRAWN = "on_track", "behind", "at_risk", "withdrawn"
STATUSES = (AT_RISK, BEHIND, ON_TRACK, WITHDRAWN)

PARTICIPANT_COLUMNS = (
    "participant_id",
    "mentor_id",
    "province",
    "sector",
    "need_level",
    "status",
    "sessions_held",
    "sessions_due",
    "sessions_programme",
    "onsite_held",
    "onsite_programme",
    "onsite_held_this_month",
    "onsite_due_this_month",
    "sessions_missed",
    "sessions_planned_ahead",
    "last_session",
    "days_since_last",
    "reasons",
)
MENTOR_COLUMNS = (
    "mentor_id",
    "province",
    "participants",
    "sessions_planned",
    "sessions_held",
    "sessions_missed",
    "missed_rate",
    "hours_planned",
    "hours_held",
    "travel_hours_held",
    "available_hours",
    "utilisation",
    "participants_behind",
    "participants_at_risk",
)
DISTRIBUTION_COLUMNS = ("group", "name", "participants", *SESSION_BINS)


@dataclass(frozen=True)
class MentorNote:
    """What one mentor's message says: the visits of the coming days and who to catch up.

    ``visits`` are planned sessions after ``as_of`` up to ``until``; ``catch_up`` holds
    ``(participant_id, status, reasons)`` of the mentor's participants behind or at risk.
    """

    mentor_id: str
    as_of: dt.date
    until: dt.date
    visits: tuple[PlanSession, ...]
    catch_up: tuple[tuple[str, str, tuple[Message, ...]], ...]


@dataclass(frozen=True)
class ProgressTables:
    """Every figure of a progress report.

    Attributes
    ----------
    as_of
        The last day the logbook covers.
    participants
        One row per participant (:data:`PARTICIPANT_COLUMNS`); ``reasons`` holds a tuple of
        :class:`~tkm_assign.messages.Message` (render them per language);
        ``last_session`` a :class:`datetime.date` (``None`` before the first session).
    mentors
        One row per mentor (:data:`MENTOR_COLUMNS`).
    distribution
        Participants by sessions received in the first three months of their programme
        (``group`` programme / province / sector; shares in the bin columns).
    missed
        The planned sessions that were not held (uid, session_id, mentor_id,
        participant_id, ``date`` a :class:`datetime.date`, ``start`` a
        :class:`datetime.time`, mode).
    spread
        Spread measures of actual workload across mentors with participants: held hours,
        utilisation, caseload.
    summary
        JSON-ready figures: counts by status, sessions, missed rate, the distribution
        against the 2024 evaluation, the month the as-of date falls in.
    notes
        One :class:`MentorNote` per mentor with participants.
    """

    as_of: dt.date
    participants: pd.DataFrame
    mentors: pd.DataFrame
    distribution: pd.DataFrame
    missed: pd.DataFrame
    spread: Mapping[str, Mapping[str, float]]
    summary: Mapping[str, Any]
    notes: tuple[MentorNote, ...]

    @property
    def at_risk(self) -> pd.DataFrame:
        """Participants at risk (first) and behind."""
        rows = self.participants[self.participants["status"].isin((AT_RISK, BEHIND))]
        order = rows["status"].map({AT_RISK: 0, BEHIND: 1})
        return rows.assign(_o=order).sort_values(["_o", "participant_id"]).drop(columns="_o")


@dataclass
class _Person:
    """What one participant's status is computed from."""

    participant: Participant
    mentor: Mentor | None
    first: int
    last: int
    target: int
    onsite: tuple[int, ...]
    held: list[LogbookEntry]
    future: list[PlanSession]
    missed: int


def measure_progress(
    problem: Problem, plan: CurrentPlan, followed: Followed, travel: TravelModel
) -> ProgressTables:
    """Progress of every participant and mentor on ``followed.as_of``.

    Parameters
    ----------
    problem
        Participants and mentors as they are now (with the changes since the plan).
    plan
        The plan being followed.
    followed
        The plan matched against the logbook (:func:`tkm_assign.programme.follow.follow`).
    travel
        The travel model (riding of held visits, a visit's cost for the mentor's hours).

    Returns
    -------
    ProgressTables
    """
    config = problem.config
    as_of = followed.as_of
    horizon = max(
        [
            config.programme.longest_months,
            *(rules.programme_window(p, config)[1] for p in problem.participants),
        ]
    )
    starts = rules.month_starts(config.programme.start_date, horizon)
    mentors = {m.mentor_id: m for m in problem.mentors}
    held_of = followed.held_of()
    future_of: dict[str, list[PlanSession]] = defaultdict(list)
    for s in followed.future:
        future_of[s.participant_id].append(s)
    missed_of = Counter(s.participant_id for s in followed.missed)
    one_way = _one_way_min(problem, plan, travel)
    free_min = _free_minutes(problem, followed, starts, one_way)
    names = province_names(load_geography())
    rows = []
    for p in problem.participants:
        pid = p.participant_id
        mentor_id = plan.mentor_of.get(pid)
        first, last = rules.programme_window(p, config)
        person = _Person(
            participant=p,
            mentor=mentors.get(mentor_id) if mentor_id else None,
            first=first,
            last=last,
            target=rules.session_target(p, config),
            onsite=rules.onsite_required(p, config),
            held=held_of.get(pid, []),
            future=future_of.get(pid, []),
            missed=missed_of[pid],
        )
        rows.append(
            _participant_row(person, config, as_of, starts, one_way.get(pid), free_min, names)
        )
    participants = pd.DataFrame(rows, columns=list(PARTICIPANT_COLUMNS))
    mentor_rows = _mentor_rows(problem, plan, followed, participants, travel, starts, names)
    held_hours = [r["hours_held"] for r in mentor_rows if r["participants"]]
    utilisation = [r["utilisation"] for r in mentor_rows if r["participants"]]
    caseload = [r["participants"] for r in mentor_rows if r["participants"]]
    spread = {
        "hours_held": spread_of(held_hours),
        "utilisation": spread_of(utilisation),
        "caseload": spread_of(caseload),
    }
    distribution = _distribution(problem, followed, starts, names)
    summary = _summary(problem, followed, participants, distribution, starts, spread)
    return ProgressTables(
        as_of=as_of,
        participants=participants,
        mentors=pd.DataFrame(mentor_rows, columns=list(MENTOR_COLUMNS)),
        distribution=distribution,
        missed=_missed_table(followed.missed),
        spread=spread,
        summary=summary,
        notes=mentor_notes(problem, plan.after(as_of), participants, as_of, config),
    )


def _participant_row(
    person: _Person,
    config: Config,
    as_of: dt.date,
    starts: Sequence[dt.date],
    one_way_min: int | None,
    free_min: Mapping[str, float],
    names: Mapping[str, str],
) -> dict[str, Any]:
    p = person.participant
    now = rules.month_of(as_of, starts)  # programme month holding the as-of date
    months = range(person.first, person.last + 1)
    done = [k for k in months if starts[k] <= as_of + dt.timedelta(days=1)]
    onsite_month = Counter(
        rules.month_of(e.date, starts) for e in person.held if e.mode is Mode.ONSITE
    )
    held = len(person.held)
    onsite_held = sum(onsite_month.values())
    due = person.target * len(done)
    programme = person.target * len(months)
    onsite_programme = sum(person.onsite)
    in_window = person.first <= now <= person.last
    onsite_due_now = person.onsite[now - person.first] if in_window else 0
    last_day = max((e.date for e in person.held), default=None)
    begin = max(config.programme.start_date, p.start_date or config.programme.start_date)
    quiet = (as_of - (last_day or begin)).days
    status, reasons = _status(
        person,
        config,
        as_of,
        starts,
        now,
        done,
        held,
        due,
        onsite_held,
        onsite_due_now,
        onsite_month[now],
        last_day,
        quiet,
        one_way_min,
        free_min,
    )
    return {
        "participant_id": p.participant_id,
        "mentor_id": person.mentor.mentor_id if person.mentor else "",
        "province": names.get(p.location.province_code, p.location.province_code),
        "sector": p.sector.value,
        "need_level": p.need_level.value,
        "status": status,
        "sessions_held": held,
        "sessions_due": due,
        "sessions_programme": programme,
        "onsite_held": onsite_held,
        "onsite_programme": onsite_programme,
        "onsite_held_this_month": onsite_month[now] if in_window else 0,
        "onsite_due_this_month": onsite_due_now,
        "sessions_missed": person.missed,
        "sessions_planned_ahead": len(person.future),
        "last_session": last_day,
        "days_since_last": quiet if last_day else None,
        "reasons": reasons,
    }


def _status(
    person: _Person,
    config: Config,
    as_of: dt.date,
    starts: Sequence[dt.date],
    now: int,
    done: Sequence[int],
    held: int,
    due: int,
    onsite_held: int,
    onsite_due_now: int,
    onsite_now: int,
    last_day: dt.date | None,
    quiet: int,
    one_way_min: int | None,
    free_min: Mapping[str, float],
) -> tuple[str, tuple[Message, ...]]:
    """The status and its reasons (see the module docstring)."""
    p = person.participant
    if (
        p.status is ParticipantStatus.WITHDRAWN
        and p.status_date is not None
        and p.status_date <= as_of
    ):
        return WITHDRAWN, (Message.of("progress.reason.withdrawn", date=p.status_date),)
    if p.start_date is not None and p.start_date > as_of:
        return ON_TRACK, (Message.of("progress.reason.not_started", date=p.start_date),)
    end = starts[min(person.last, len(starts) - 1)]
    risk: list[Message] = []
    behind: list[Message] = []
    if person.mentor is None:
        if as_of < end:
            risk.append(Message.of("progress.reason.no_mentor"))
    else:
        risk += _reach(person, config, as_of, starts, now, held, onsite_held, one_way_min, free_min)
        if person.first <= now <= person.last and onsite_now < onsite_due_now:
            planned_now = sum(
                1
                for s in person.future
                if s.mode is Mode.ONSITE and rules.month_of(s.date, starts) == now
            )
            if not planned_now:
                left = len(
                    rules.working_dates(
                        person.mentor, as_of + dt.timedelta(days=1), starts[now], config
                    )
                )
                message = Message.of("progress.reason.no_onsite_this_month", month=now, days=left)
                (risk if left <= config.progress.last_working_days else behind).append(message)
    if held < due:
        behind.append(
            Message.of("progress.reason.behind_sessions", held=held, due=due, month=max(done))
        )
    if quiet > config.progress.quiet_days and as_of < end:
        code = "progress.reason.quiet" if last_day else "progress.reason.no_session_yet"
        behind.append(Message.of(code, days=quiet))
    if risk:
        return AT_RISK, tuple(risk + behind)
    if behind:
        return BEHIND, tuple(behind)
    return ON_TRACK, ()


def _reach(
    person: _Person,
    config: Config,
    as_of: dt.date,
    starts: Sequence[dt.date],
    now: int,
    held: int,
    onsite_held: int,
    one_way_min: int | None,
    free_min: Mapping[str, float],
) -> list[Message]:
    """Whether the sessions and onsite visits still needed fit the time left."""
    assert person.mentor is not None
    months = range(max(now, person.first), person.last + 1)
    needed = person.target * (person.last - person.first + 1) - held
    out: list[Message] = []
    if needed <= 0 and onsite_held >= sum(person.onsite):
        return out
    gap = max(config.sessions.min_days_between, 1)
    last = max((e.date for e in person.held), default=None)
    earliest = last + dt.timedelta(days=gap) if last else None
    held_month = Counter(rules.month_of(e.date, starts) for e in person.held)
    tomorrow = as_of + dt.timedelta(days=1)
    possible, days_left = 0, 0
    for k in months:
        if k >= len(starts):
            break
        dates = rules.working_dates(person.mentor, max(starts[k - 1], tomorrow), starts[k], config)
        days_left += len(dates)
        fit = spacing_capacity(dates, earliest, gap)
        room = max(0, config.sessions.max_per_month - held_month[k])
        take = min(fit, room)
        possible += take
        if take:
            # Optimistic across months: the next month may start its spacing afresh.
            earliest = None
    if needed > possible:
        out.append(
            Message.of(
                "progress.reason.cannot_reach_sessions",
                needed=needed,
                possible=possible,
                days=days_left,
            )
        )
    onsite_needed = sum(person.onsite) - onsite_held
    planned_onsite = sum(1 for s in person.future if s.mode is Mode.ONSITE)
    extra = onsite_needed - planned_onsite
    if extra > 0 and one_way_min is not None:
        ride = 2.0 * one_way_min * rules.route_share(one_way_min, config)
        cost = extra * (config.sessions.onsite_duration_min + ride)
        if one_way_min >= UNREACHABLE_MIN or cost > free_min.get(person.mentor.mentor_id, 0.0):
            out.append(Message.of("progress.reason.cannot_reach_onsite", needed=onsite_needed))
    return out


def _one_way_min(problem: Problem, plan: CurrentPlan, travel: TravelModel) -> dict[str, int]:
    """One-way minutes from each assigned participant's mentor's home (road model)."""
    p_index, m_index = problem.participant_index, problem.mentor_index
    pairs = [
        (pid, mid)
        for pid, mid in plan.mentor_of.items()
        if mid is not None and pid in p_index and mid in m_index
    ]
    minutes = mentor_participant_minutes(problem, travel, pairs)
    return {pid: t for (pid, _), t in zip(pairs, minutes, strict=True)}


def _free_minutes(
    problem: Problem, followed: Followed, starts: Sequence[dt.date], one_way: Mapping[str, int]
) -> dict[str, float]:
    """Mentor -> minutes left after the as-of date that the plan does not fill yet."""
    config = problem.config
    tomorrow = followed.as_of + dt.timedelta(days=1)
    months = len(starts) - 1
    planned: dict[str, float] = defaultdict(float)
    for s in followed.future:
        ride = 0.0
        if s.mode is Mode.ONSITE:
            t = min(one_way.get(s.participant_id, 0), UNREACHABLE_MIN)
            ride = 2.0 * t * rules.route_share(t, config)
        planned[s.mentor_id] += s.duration_min + ride
    out = {}
    for mentor in problem.mentors:
        budgets = rules.mentor_month_minutes(mentor, config, months=months)
        left = 0.0
        for k in range(1, months + 1):
            if starts[k] <= tomorrow:
                continue
            whole = rules.working_dates(mentor, starts[k - 1], starts[k], config)
            rest = [d for d in whole if d >= tomorrow]
            if whole:
                left += budgets[k - 1] * len(rest) / len(whole)
        out[mentor.mentor_id] = left - planned[mentor.mentor_id]
    return out


def _mentor_rows(
    problem: Problem,
    plan: CurrentPlan,
    followed: Followed,
    participants: pd.DataFrame,
    travel: TravelModel,
    starts: Sequence[dt.date],
    names: Mapping[str, str],
) -> list[dict[str, Any]]:
    """Planned against held per mentor; riding measured as the audit measures a plan."""
    config = problem.config
    held_facts = build_facts(problem, _hand(problem, plan, held=followed.held), travel)
    planned_facts = build_facts(
        problem, _hand(problem, plan, planned=followed.planned_past), travel
    )
    held_travel = _route_minutes(held_facts.routes)
    planned_travel = _route_minutes(planned_facts.routes)
    caseload = Counter(m for m in plan.mentor_of.values() if m)
    status = participants.groupby(["mentor_id", "status"]).size()
    planned = Counter(s.mentor_id for s in followed.planned_past)
    planned_min: Counter[str] = Counter()
    for s in followed.planned_past:
        planned_min[s.mentor_id] += s.duration_min
    held = Counter(e.mentor_id for e in followed.held)
    held_min: Counter[str] = Counter()
    for e in followed.held:
        held_min[e.mentor_id] += e.duration_min
    missed = Counter(s.mentor_id for s in followed.missed)
    first = config.programme.start_date
    tomorrow = followed.as_of + dt.timedelta(days=1)
    rows = []
    for m in problem.mentors:
        mid = m.mentor_id
        available = _available_minutes(m, config, first, tomorrow, starts)
        hours_held = (held_min[mid] + held_travel[mid]) / 60.0
        rows.append(
            {
                "mentor_id": mid,
                "province": names.get(m.location.province_code, m.location.province_code),
                "participants": caseload[mid],
                "sessions_planned": planned[mid],
                "sessions_held": held[mid],
                "sessions_missed": missed[mid],
                "missed_rate": round(missed[mid] / planned[mid], 4) if planned[mid] else 0.0,
                "hours_planned": round((planned_min[mid] + planned_travel[mid]) / 60.0, 2),
                "hours_held": round(hours_held, 2),
                "travel_hours_held": round(held_travel[mid] / 60.0, 2),
                "available_hours": round(available / 60.0, 2),
                "utilisation": round(hours_held * 60.0 / available, 4) if available else 0.0,
                "participants_behind": int(status.get((mid, BEHIND), 0)),
                "participants_at_risk": int(status.get((mid, AT_RISK), 0)),
            }
        )
    return rows


def _available_minutes(
    mentor: Mentor, config: Config, first: dt.date, end: dt.date, starts: Sequence[dt.date]
) -> float:
    """Minutes the mentor could work in ``[first, end)``: each month's budget, prorated by
    working days."""
    months = len(starts) - 1
    budgets = rules.mentor_month_minutes(mentor, config, months=months)
    total = 0.0
    for k in range(1, months + 1):
        a, b = starts[k - 1], starts[k]
        if a >= end:
            break
        whole = rules.working_dates(mentor, a, b, config)
        if whole:
            part = [d for d in whole if first <= d < end]
            total += budgets[k - 1] * len(part) / len(whole)
    return total


def _hand(
    problem: Problem,
    plan: CurrentPlan,
    *,
    held: Sequence[LogbookEntry] = (),
    planned: Sequence[PlanSession] = (),
) -> HandPlan:
    """Sessions as a hand plan, so the audit's day routes measure them."""
    config = problem.config
    sessions = [
        PlannedSession(
            e.row,
            f"L{e.row}",
            e.mentor_id,
            e.participant_id,
            e.date,
            start,
            start + e.duration_min,
            e.mode,
        )
        for e, start in zip(held, _starts(held, config), strict=True)
    ]
    sessions += [
        PlannedSession(
            k, s.uid, s.mentor_id, s.participant_id, s.date, s.start_min, s.end_min, s.mode
        )
        for k, s in enumerate(planned)
    ]
    mentor_of = {
        p.participant_id: plan.mentor_of.get(p.participant_id) for p in problem.participants
    }
    return HandPlan(mentor_of, frozenset(), tuple(sessions), {})


def _starts(rows: Sequence[LogbookEntry], config: Config) -> list[int]:
    """Start minutes of logbook rows; rows without a time follow each other from the start of
    the working day (online first, as the planner does), each mentor-day on its own."""
    clock: dict[tuple[str, dt.date], int] = {}
    out = []
    for e in sorted(rows, key=lambda e: (e.mode is Mode.ONSITE, e.row)):
        key = (e.mentor_id, e.date)
        begin = clock.get(key, config.work.start_min)
        clock[key] = begin + e.duration_min
        out.append((e.row, begin))
    given = dict(out)
    return [e.start_min if e.start_min is not None else given[e.row] for e in rows]


def _route_minutes(routes: Sequence[Any]) -> Counter[str]:
    out: Counter[str] = Counter()
    for r in routes:
        if r.reachable:
            out[r.mentor_id] += r.travel_min
    return out


def _distribution(
    problem: Problem, followed: Followed, starts: Sequence[dt.date], names: Mapping[str, str]
) -> pd.DataFrame:
    """Participants by sessions held in the first three months of their programme."""
    config = problem.config
    counts: Counter[str] = Counter()
    first_of = {
        p.participant_id: rules.programme_window(p, config)[0] for p in problem.participants
    }
    for e in followed.held:
        first = first_of.get(e.participant_id)
        if first is None:
            continue
        month = rules.month_of(e.date, starts)
        if first <= month < first + FIRST_MONTHS:
            counts[e.participant_id] += 1
    rows = []
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for p in problem.participants:
        n = counts[p.participant_id]
        groups["programme", ""].append(n)
        groups["province", names.get(p.location.province_code, p.location.province_code)].append(n)
        groups["sector", p.sector.value].append(n)
    for (group, name), values in sorted(
        groups.items(), key=lambda kv: (_GROUP_ORDER[kv[0][0]], kv[0][1])
    ):
        bins = Counter(session_bin(n) for n in values)
        total = len(values)
        rows.append(
            {
                "group": group,
                "name": name,
                "participants": total,
                **{b: round(bins[b] / total, 4) if total else 0.0 for b in SESSION_BINS},
            }
        )
    return pd.DataFrame(rows, columns=list(DISTRIBUTION_COLUMNS))


_GROUP_ORDER = {"programme": 0, "province": 1, "sector": 2}


def session_bin(sessions: int) -> str:
    """The 2024 evaluation's bin of a count of sessions in three months."""
    return "0-2" if sessions <= 2 else "3-4" if sessions <= 4 else ">4"


def _summary(
    problem: Problem,
    followed: Followed,
    participants: pd.DataFrame,
    distribution: pd.DataFrame,
    starts: Sequence[dt.date],
    spread: Mapping[str, Mapping[str, float]],
) -> dict[str, Any]:
    status = participants["status"].value_counts()
    planned = len(followed.planned_past)
    whole = distribution[distribution["group"] == "programme"].iloc[0]
    return {
        "as_of": followed.as_of.isoformat(),
        "month": rules.month_of(followed.as_of, starts),
        "days_since_start": (followed.as_of - problem.config.programme.start_date).days + 1,
        "participants": len(participants),
        "status": {s: int(status.get(s, 0)) for s in STATUSES},
        "sessions_planned": planned,
        "sessions_held": len(followed.held),
        "sessions_held_as_planned": len(followed.fulfils),
        "sessions_extra": len(followed.held) - len(followed.fulfils),
        "sessions_missed": len(followed.missed),
        "missed_rate": round(len(followed.missed) / planned, 4) if planned else 0.0,
        "onsite_held": sum(1 for e in followed.held if e.mode is Mode.ONSITE),
        "sessions_in_first_3_months": {
            "shares": {b: float(whole[b]) for b in SESSION_BINS},
            "evaluation_2024": dict(BASELINE_2024),
        },
        "spread": {k: {m: round(v, 4) for m, v in d.items()} for k, d in spread.items()},
    }


def _missed_table(missed: Sequence[PlanSession]) -> pd.DataFrame:
    rows = [
        (
            s.uid,
            s.session_id,
            s.mentor_id,
            s.participant_id,
            s.date,
            clock_time(s.start_min),
            s.mode.value,
        )
        for s in sorted(missed, key=lambda s: (s.date, s.start_min, s.mentor_id))
    ]
    return pd.DataFrame(
        rows, columns=["uid", "session_id", "mentor_id", "participant_id", "date", "start", "mode"]
    )


def mentor_notes(
    problem: Problem,
    future: Sequence[PlanSession],
    participants: pd.DataFrame,
    as_of: dt.date,
    config: Config,
) -> tuple[MentorNote, ...]:
    """The message of each mentor with participants or visits: the visits of the next
    ``progress.message_days`` days and the participants to catch up."""
    until = as_of + dt.timedelta(days=config.progress.message_days)
    visits: dict[str, list[PlanSession]] = defaultdict(list)
    for s in future:
        if as_of < s.date <= until:
            visits[s.mentor_id].append(s)
    catch: dict[str, list[tuple[str, str, tuple[Message, ...]]]] = defaultdict(list)
    late = participants[participants["status"].isin((AT_RISK, BEHIND))]
    rows = records(late)
    for row in rows:
        if row["mentor_id"]:
            catch[str(row["mentor_id"])].append(
                (str(row["participant_id"]), str(row["status"]), tuple(row["reasons"]))
            )
    active = set(participants["mentor_id"].astype(str)) | set(visits)
    return tuple(
        MentorNote(
            m.mentor_id,
            as_of,
            until,
            tuple(sorted(visits[m.mentor_id], key=lambda s: (s.date, s.start_min))),
            tuple(catch[m.mentor_id]),
        )
        for m in problem.mentors
        if m.mentor_id in active
    )


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows of a frame as dictionaries keyed by column name."""
    return cast(list[dict[str, Any]], frame.to_dict("records"))
