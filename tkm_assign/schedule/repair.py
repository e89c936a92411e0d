"""A mentor's earlier plan repaired instead of planned again (a programme under way).

Most of a programme under way still holds: a withdrawal, a missed visit or a day of leave
touches a few sessions of a mentor, not its whole calendar. :func:`repair_mentor` keeps
every session of the earlier plan that still keeps the rules and adds only what is
missing:

1. **keep**: each earlier session on a working day of the mentor (not on leave, not a
   holiday, not after the as-of date's past), at least ``sessions.min_days_between`` days
   from the participant's other sessions (the held ones included), within
   ``sessions.max_per_month`` with the sessions held that month; a day trip keeps its
   stops in their order and times where the riding between them still fits;
2. **add**: what each participant still lacks in each month (its remaining target and
   onsite minimum: catch-up for the months over, a handed-over or new participant's whole
   remaining programme, a session displaced by leave), high need first and onsite visits
   first, on the day farthest from the participant's other sessions where the mentor's
   day has room: an online session in a free slot, an onsite visit as a new day trip or
   added to the end or the start of the day's trip, within the day's riding limit and the
   month's minutes;
3. what finds no room is a shortfall; the caller then tries the full planner
   (:func:`~.mentor.plan_mentor`) for that mentor and keeps whichever plan serves more.

Nothing kept changes day, time or mode, so a mentor whose participants need nothing new
keeps its calendar exactly. Pure and deterministic, like :func:`~.mentor.plan_mentor`.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from tkm_assign.messages import Message
from tkm_assign.model import Mode, Route, Session, Shortfall
from tkm_assign.schedule.demand import day_trip_problem, min_gap_days
from tkm_assign.schedule.job import MentorJob, MonthCalendar
from tkm_assign.schedule.mentor import MentorPlan
from tkm_assign.schedule.trips import HOME, route_length

__all__ = ["repair_mentor", "sessions_missing"]


@dataclass(slots=True)
class _Visit:
    """One session being kept or added (client index, day, clock, mode)."""

    client: int
    date: dt.date
    start_min: int
    end_min: int
    mode: Mode


@dataclass(slots=True)
class _Day:
    """A mentor-day: online sessions and the day trip's visits in visiting order."""

    online: list[_Visit] = field(default_factory=list)
    trip: list[_Visit] = field(default_factory=list)


def sessions_missing(plan: MentorPlan) -> int:
    """Sessions below target over a mentor's shortfalls (what a plan fails to serve)."""
    return sum(s.required - s.planned for s in plan.shortfalls)


def repair_mentor(job: MentorJob) -> MentorPlan:
    """The earlier plan of a re-plan job, kept where it holds, completed where it lacks.

    Parameters
    ----------
    job
        A re-plan job (``job.as_of`` set; each client's ``previous`` sessions from it on).

    Returns
    -------
    MentorPlan
        Sessions numbered ``<mentor_id>-001``... in time order, day routes, and a shortfall
        for each participant-month still below its target or onsite minimum.
    """
    if job.as_of is None:
        raise ValueError("repair_mentor needs a re-plan job (as_of set)")
    gap = min_gap_days(job.params)
    months = [c for c in job.months if c.end > job.as_of]
    calendar_of = {d: c for c in months for d in c.dates}
    days: dict[dt.date, _Day] = defaultdict(_Day)
    for v in _kept_visits(job, calendar_of, gap):
        day = days[v.date]
        (day.trip if v.mode is Mode.ONSITE else day.online).append(v)
    for day in days.values():
        day.trip.sort(key=lambda v: v.start_min)
        _drop_unfit_trip_tail(job, day)
    # Every session date of each client, the last held one included (for the spacing); a
    # visit dropped from its trip is not kept (it is planned again below).
    kept_now = [v for day in days.values() for v in (*day.online, *day.trip)]
    dates = {
        c: ([need.last_held] if need.last_held is not None else [])
        + [v.date for v in kept_now if v.client == c]
        for c, need in enumerate(job.clients)
    }
    used = {c.month: _month_minutes(job, days, c) for c in months}
    unmet: dict[tuple[int, int], list[Message]] = defaultdict(list)
    order = sorted(range(len(job.clients)), key=lambda c: (job.clients[c].need_rank, c))
    # Sessions a month could not hold go to the next month of the participant's programme,
    # within its monthly maximum (what counts is reaching the programme's target).
    carry: dict[tuple[int, Mode], int] = defaultdict(int)
    for calendar in months:
        for mode in (Mode.ONSITE, Mode.ONLINE):
            # Only client c's own sessions change while c is served.
            visits = _month_visits(calendar, days)
            for c in order:
                need = job.clients[c]
                if calendar.month > len(need.targets):
                    continue
                have = visits.get(c, [])
                want, want_onsite = _wanted(job, c, calendar, have)
                count = want_onsite if mode is Mode.ONSITE else want - want_onsite
                count = min(count + carry.pop((c, mode), 0), _room(job, c, calendar, have))
                if count <= 0:
                    continue
                placed = 0
                for aim in _aims(calendar, dates[c], gap, count):
                    if not _add(
                        job, c, calendar, mode, days, dates, used, gap, aim
                    ) and not _respread(job, c, calendar, mode, days, dates, used, gap):
                        unmet[c, calendar.month].append(
                            _why_not(job, c, calendar, dates[c], gap, used[calendar.month])
                        )
                        break
                    placed += 1
                if calendar.month < len(need.targets):
                    carry[c, mode] += count - placed
    return _plan(job, months, days, unmet)


def _kept_visits(
    job: MentorJob, calendar_of: dict[dt.date, MonthCalendar], gap: int
) -> list[_Visit]:
    """The earlier sessions that still keep the rules, client by client."""
    p = job.params
    cap = p.max_per_month
    out = []
    for c, need in enumerate(job.clients):
        last = need.last_held
        per_month: dict[int, int] = defaultdict(int)
        far = day_trip_problem(job.travel_min, need.node, p) is not None
        for day, mode, start in sorted(need.previous):
            calendar = calendar_of.get(day)
            if calendar is None or calendar.month > len(need.targets):
                continue  # not a working day any more (leave, holiday) or after the programme
            if mode is Mode.ONSITE and far:
                continue
            if mode is Mode.ONLINE and not need.online_ok:
                continue
            if last is not None and (day - last).days < gap:
                continue
            held, _ = need.held_in(calendar.month)
            if cap and held + per_month[calendar.month] >= cap:
                continue
            duration = p.onsite_min if mode is Mode.ONSITE else p.online_min
            if start < p.day_start_min or start + duration > p.day_end_min:
                continue
            per_month[calendar.month] += 1
            last = day
            out.append(_Visit(c, day, start, start + duration, mode))
    return _without_overlaps(out)


def _without_overlaps(visits: list[_Visit]) -> list[_Visit]:
    """Visits of one mentor never overlap: the later of two overlapping ones goes."""
    out: list[_Visit] = []
    by_day: dict[dt.date, list[_Visit]] = defaultdict(list)
    for v in sorted(visits, key=lambda v: (v.date, v.start_min, v.client)):
        if all(v.start_min >= o.end_min or v.end_min <= o.start_min for o in by_day[v.date]):
            by_day[v.date].append(v)
            out.append(v)
    return out


def _drop_unfit_trip_tail(job: MentorJob, day: _Day) -> None:
    """Keep the day trip's visits while the riding between them still fits their times,
    the day and the riding limit; the rest of the trip is planned again."""
    keep: list[_Visit] = []
    for v in day.trip:
        trial = [*keep, v]
        if _trip_times_fit(job, trial) and not _clashes_online(job, day.online, trial):
            keep.append(v)
    day.trip = keep


def _trip_times_fit(job: MentorJob, trip: Sequence[_Visit]) -> bool:
    p = job.params
    if not trip:
        return True
    nodes = [job.clients[v.client].node for v in trip]
    if trip[0].start_min - int(job.travel_min[HOME, nodes[0]]) < p.day_start_min:
        return False
    for (a, na), (b, nb) in itertools.pairwise(zip(trip, nodes, strict=True)):
        if b.start_min < a.end_min + int(job.travel_min[na, nb]):
            return False
    if trip[-1].end_min + int(job.travel_min[nodes[-1], HOME]) > p.day_end_min:
        return False
    return _riding(job, nodes) <= p.max_travel_day_min


def _riding(job: MentorJob, nodes: Sequence[int]) -> int:
    return route_length(job.travel_min, nodes)


def _span(job: MentorJob, trip: Sequence[_Visit]) -> tuple[int, int]:
    """Departure and return of a day trip."""
    first, last = job.clients[trip[0].client].node, job.clients[trip[-1].client].node
    return (
        trip[0].start_min - int(job.travel_min[HOME, first]),
        trip[-1].end_min + int(job.travel_min[last, HOME]),
    )


def _clashes_online(job: MentorJob, online: Sequence[_Visit], trip: Sequence[_Visit]) -> bool:
    if not trip:
        return False
    depart, back = _span(job, trip)
    return any(v.start_min < back and v.end_min > depart for v in online)


def _month_minutes(job: MentorJob, days: dict[dt.date, _Day], calendar: MonthCalendar) -> int:
    """Minutes of sessions and riding the kept days use in the month."""
    total = 0
    for date, day in days.items():
        if calendar.start <= date < calendar.end:
            total += sum(v.end_min - v.start_min for v in (*day.online, *day.trip))
            if day.trip:
                total += _riding(job, [job.clients[v.client].node for v in day.trip])
    return total


def _month_visits(calendar: MonthCalendar, days: dict[dt.date, _Day]) -> dict[int, list[_Visit]]:
    """Each client's sessions this month (every session is on one of its working days)."""
    out: dict[int, list[_Visit]] = defaultdict(list)
    for date in calendar.dates:
        day = days.get(date)
        if day is not None:
            for v in (*day.online, *day.trip):
                out[v.client].append(v)
    return out


def _room(job: MentorJob, c: int, calendar: MonthCalendar, have: Sequence[_Visit]) -> int:
    """Sessions the client may still get this month: ``sessions.max_per_month`` less those
    held and planned (no limit without one)."""
    cap = job.params.max_per_month
    if not cap:
        return 1 << 30
    held, _ = job.clients[c].held_in(calendar.month)
    return max(0, cap - held - len(have))


def _wanted(
    job: MentorJob, c: int, calendar: MonthCalendar, have: Sequence[_Visit]
) -> tuple[int, int]:
    """Sessions and onsite visits the client still lacks this month (beyond those kept or
    added): never above ``sessions.max_per_month`` with the held ones."""
    need = job.clients[c]
    month = calendar.month
    onsite_have = sum(1 for v in have if v.mode is Mode.ONSITE)
    far = day_trip_problem(job.travel_min, need.node, job.params) is not None
    target, onsite = need.targets[month - 1], need.onsite_min[month - 1]
    if far:
        if not need.online_ok:
            return 0, 0
        onsite = 0
    want = max(0, target - len(have))
    want_onsite = max(0, onsite - onsite_have)
    if not need.online_ok:
        want_onsite = want
    want = max(want, want_onsite)
    cap = job.params.max_per_month
    if cap:
        held, _ = need.held_in(month)
        room = max(0, cap - held - len(have))
        want = min(want, room)
        want_onsite = min(want_onsite, want)
    return want, want_onsite


def _add(
    job: MentorJob,
    c: int,
    calendar: MonthCalendar,
    mode: Mode,
    days: dict[dt.date, _Day],
    dates: dict[int, list[dt.date]],
    used: dict[int, int],
    gap: int,
    aim: dt.date | None = None,
) -> bool:
    """One more session of client ``c`` this month, on the day with room nearest ``aim``
    (:func:`_aims`; the earliest allowed without one)."""
    taken = dates[c]
    free = _free_days(calendar, taken, gap)
    if aim is not None:
        free.sort(key=lambda d: (abs((d - aim).days), d))
    budget = calendar.budget_min - used[calendar.month]
    for date in free:
        day = days.get(date) or _Day()
        added = _fit(job, c, date, mode, day, budget)
        if added is None:
            continue
        visit, minutes = added
        days[date] = day
        (day.trip if mode is Mode.ONSITE else day.online).append(visit)
        day.trip.sort(key=lambda v: v.start_min)
        day.online.sort(key=lambda v: v.start_min)
        taken.append(date)
        used[calendar.month] += minutes
        return True
    return False


def _free_days(calendar: MonthCalendar, taken: Sequence[dt.date], gap: int) -> list[dt.date]:
    """The month's working days at least ``gap`` days from every date in ``taken``."""
    low, high = calendar.start - dt.timedelta(days=gap), calendar.end + dt.timedelta(days=gap)
    near = [t for t in taken if low < t < high]
    return [d for d in calendar.dates if all(abs((d - t).days) >= gap for t in near)]


def _aims(calendar: MonthCalendar, taken: Sequence[dt.date], gap: int, count: int) -> list[dt.date]:
    """Days to aim ``count`` new sessions at: the part of the month the spacing leaves open
    after the client's sessions so far, split evenly from its first day (the first as early
    as allowed, so that a short month still holds them all)."""
    free = _free_days(calendar, taken, gap)
    if not free or count <= 0:
        return [calendar.start] * max(count, 0)
    span = (calendar.end - free[0]).days
    return [free[0] + dt.timedelta(days=span * k // count) for k in range(count)]


def _respread(
    job: MentorJob,
    c: int,
    calendar: MonthCalendar,
    mode: Mode,
    days: dict[dt.date, _Day],
    dates: dict[int, list[dt.date]],
    used: dict[int, int],
    gap: int,
) -> bool:
    """One more session of client ``c`` this month by placing the client's own sessions of
    the month again with it (the spacing left no day between them); nothing changes when
    they do not all fit. Other participants' sessions stay."""
    month_days = [d for d in calendar.dates if d in days]
    saved = {d: (list(days[d].online), list(days[d].trip)) for d in month_days}
    saved_dates, saved_used = list(dates[c]), used[calendar.month]
    mine = [v for d in month_days for v in (*days[d].online, *days[d].trip) if v.client == c]
    if not mine:
        return False
    for v in mine:
        day = days[v.date]
        if v.mode is Mode.ONSITE:
            before = _riding(job, [job.clients[x.client].node for x in day.trip])
            day.trip.remove(v)
            after = _riding(job, [job.clients[x.client].node for x in day.trip])
            if day.trip and not _trip_times_fit(job, day.trip):
                break
            used[calendar.month] -= v.end_min - v.start_min + before - after
        else:
            day.online.remove(v)
            used[calendar.month] -= v.end_min - v.start_min
        dates[c].remove(v.date)
    else:
        modes = sorted([*(v.mode for v in mine), mode], key=lambda m: m is not Mode.ONSITE)
        aims = _aims(calendar, dates[c], gap, len(modes))
        if all(
            _add(job, c, calendar, m, days, dates, used, gap, a)
            for m, a in zip(modes, aims, strict=True)
        ):
            return True
    for d, (online, trip) in saved.items():
        days[d].online, days[d].trip = online, trip
    for d in [d for d in calendar.dates if d in days and d not in saved]:
        del days[d]
    dates[c][:] = saved_dates
    used[calendar.month] = saved_used
    return False


def _fit(
    job: MentorJob, c: int, date: dt.date, mode: Mode, day: _Day, budget: int
) -> tuple[_Visit, int] | None:
    """The session placed in the day without moving anything there, and the minutes it adds;
    ``None`` when the day has no room."""
    p = job.params
    busy = [(v.start_min, v.end_min) for v in day.online]
    if day.trip:
        busy.append(_span(job, day.trip))
    if mode is Mode.ONLINE:
        if p.online_min > budget:
            return None
        start = _free_slot(busy, p.online_min, p.day_start_min, p.day_end_min)
        if start is None:
            return None
        return _Visit(c, date, start, start + p.online_min, mode), p.online_min
    node = job.clients[c].node
    if not day.trip:
        out, back = int(job.travel_min[HOME, node]), int(job.travel_min[node, HOME])
        if out + back > p.max_travel_day_min or out + back + p.onsite_min > budget:
            return None
        depart = _free_slot(busy, out + p.onsite_min + back, p.day_start_min, p.day_end_min)
        if depart is None:
            return None
        start = depart + out
        return _Visit(c, date, start, start + p.onsite_min, mode), out + back + p.onsite_min
    nodes = [job.clients[v.client].node for v in day.trip]
    riding = _riding(job, nodes)
    options = []
    # At the end of the trip: after the last visit, riding on before going home.
    last = nodes[-1]
    start = day.trip[-1].end_min + int(job.travel_min[last, node])
    extra = _riding(job, [*nodes, node]) - riding
    options.append((extra, 1, _Visit(c, date, start, start + p.onsite_min, mode)))
    # At the start: before the first visit, leaving home earlier.
    first = nodes[0]
    start = day.trip[0].start_min - int(job.travel_min[node, first]) - p.onsite_min
    extra = _riding(job, [node, *nodes]) - riding
    options.append((extra, 0, _Visit(c, date, start, start + p.onsite_min, mode)))
    for extra, at_end, visit in sorted(options, key=lambda o: (o[0], -o[1])):
        trip = [*day.trip, visit] if at_end else [visit, *day.trip]
        if riding + extra > p.max_travel_day_min or extra + p.onsite_min > budget:
            continue
        if not _trip_times_fit(job, trip) or _clashes_online(job, day.online, trip):
            continue
        return visit, extra + p.onsite_min
    return None


def _free_slot(busy: Sequence[tuple[int, int]], length: int, start: int, end: int) -> int | None:
    """The earliest start of ``length`` free minutes in ``[start, end)`` around ``busy``."""
    clock = start
    for a, b in sorted(busy):
        if clock + length <= a:
            return clock
        clock = max(clock, b)
    return clock if clock + length <= end else None


def _why_not(
    job: MentorJob,
    c: int,
    calendar: MonthCalendar,
    taken: Sequence[dt.date],
    gap: int,
    used: int,
) -> Message:
    """Why a session found no day: spacing, the month's minutes, or full days."""
    if not _free_days(calendar, taken, gap):
        return Message.of("reason.no_spaced_day", month=calendar.month, gap=gap)
    if used >= calendar.budget_min:
        return Message.of(
            "reason.month_hours",
            mentor_id=job.mentor_id,
            need_min=used,
            month=calendar.month,
            capacity_min=calendar.budget_min,
        )
    return Message.of("reason.working_days_full", mentor_id=job.mentor_id, month=calendar.month)


def _plan(
    job: MentorJob,
    months: Sequence[MonthCalendar],
    days: dict[dt.date, _Day],
    unmet: dict[tuple[int, int], list[Message]],
) -> MentorPlan:
    """Sessions, routes and shortfalls of the repaired calendar."""
    month_of = {d: c.month for c in months for d in c.dates}
    sessions: list[Session] = []
    routes: list[Route] = []
    for date in sorted(days):
        day = days[date]
        for v in day.online:
            sessions.append(_session(job, v, month_of[date], 0, 0))
        if not day.trip:
            continue
        here = HOME
        nodes = []
        for v in day.trip:
            node = job.clients[v.client].node
            ride, metres = int(job.travel_min[here, node]), int(job.distance_m[here, node])
            sessions.append(_session(job, v, month_of[date], ride, metres))
            nodes.append(node)
            here = node
        depart, back = _span(job, day.trip)
        routes.append(
            Route(
                mentor_id=job.mentor_id,
                date=date,
                depart_min=depart,
                return_min=back,
                stops=tuple(job.clients[v.client].participant_id for v in day.trip),
                travel_min=_riding(job, nodes),
                distance_m=route_length(job.distance_m, nodes),
            )
        )
    sessions.sort(key=lambda s: (s.date, s.start_min))
    numbered = tuple(
        Session(
            session_id=f"{job.mentor_id}-{k:03d}",
            mentor_id=s.mentor_id,
            participant_id=s.participant_id,
            date=s.date,
            start_min=s.start_min,
            end_min=s.end_min,
            mode=s.mode,
            month=s.month,
            travel_min_before=s.travel_min_before,
            distance_m_before=s.distance_m_before,
        )
        for k, s in enumerate(sessions, start=1)
    )
    return MentorPlan(job.mentor_id, numbered, tuple(routes), _shortfalls(job, months, days, unmet))


def _session(job: MentorJob, v: _Visit, month: int, ride: int, metres: int) -> Session:
    return Session(
        session_id="",
        mentor_id=job.mentor_id,
        participant_id=job.clients[v.client].participant_id,
        date=v.date,
        start_min=v.start_min,
        end_min=v.end_min,
        mode=v.mode,
        month=month,
        travel_min_before=ride,
        distance_m_before=metres,
    )


def _shortfalls(
    job: MentorJob,
    months: Sequence[MonthCalendar],
    days: dict[dt.date, _Day],
    unmet: dict[tuple[int, int], list[Message]],
) -> tuple[Shortfall, ...]:
    """Participant-months below target or onsite minimum (held sessions counted)."""
    out = []
    visits = {calendar.month: _month_visits(calendar, days) for calendar in months}
    for c, need in enumerate(job.clients):
        for calendar in months:
            month = calendar.month
            if month > len(need.targets):
                continue
            got = visits[month].get(c, [])
            onsite = sum(1 for v in got if v.mode is Mode.ONSITE)
            required, onsite_required = need.targets[month - 1], need.onsite_min[month - 1]
            if len(got) >= required and onsite >= onsite_required:
                continue
            why = unmet.get((c, month)) or [_limit_reason(job, c, calendar)]
            held, held_onsite = need.held_in(month)
            out.append(
                Shortfall(
                    participant_id=need.participant_id,
                    mentor_id=job.mentor_id,
                    month=month,
                    planned=held + len(got),
                    required=held + required,
                    onsite_planned=held_onsite + onsite,
                    onsite_required=held_onsite + onsite_required,
                    reason=why[0],
                )
            )
    return tuple(out)


def _limit_reason(job: MentorJob, c: int, calendar: MonthCalendar) -> Message:
    """Why a month is short without a failed placement: the participant is too far for a
    visit, or the monthly maximum with the sessions held."""
    far = day_trip_problem(job.travel_min, job.clients[c].node, job.params)
    if far is not None:
        return (
            far
            if job.clients[c].online_ok
            else Message.of("reason.online_not_possible", reason=far)
        )
    if not calendar.dates:
        return Message.of("reason.no_working_day_left", month=calendar.month)
    return Message.of("reason.working_days_full", mentor_id=job.mentor_id, month=calendar.month)
