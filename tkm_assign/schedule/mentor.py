"""One mentor's calendar, month by month.

For each programme month:

1. every participant's sessions of the month become :class:`~.demand.Request` objects —
   the onsite minimum onsite, the rest online (all onsite where online is not allowed);
   a participant too far for a day trip is met online where allowed; no more sessions are
   asked than fit ``min_days_between`` apart on the mentor's working days;
2. onsite visits are grouped into day trips (:func:`~.trips.form_trips`); if riding,
   visits and online sessions need more than the mentor's minutes of the month, the
   requests served last (:func:`~.demand.priority_key`) are dropped until they fit;
3. trips and online sessions are put on days with CP-SAT (:func:`~.placement.place`); a
   trip that finds no day is split into single visits and tried again;
4. each day's stops are ordered with OR-Tools (:func:`~.routing.order_stops`) and given
   clock times: online sessions from the start of the working day, then the trip;
5. every participant-month below its target or onsite minimum becomes a
   :class:`~tkm_assign.model.Shortfall` with the reasons found on the way.

The last session date of each participant carries into the next month for the spacing.
Where the months still fall short, :func:`plan_whole_programme` places every month's trips
and online sessions at once (:mod:`~.programme`) and keeps that plan if it serves more.
Months look ahead across the boundary: each participant's sessions of a month end by a
deadline that leaves the next month room for its own sessions
(:func:`~.demand.look_ahead_deadlines`), e.g. before a month that loses a week to leave
and a holiday.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from tkm_assign.messages import Message, joined
from tkm_assign.model import Mode, Route, Session, Shortfall
from tkm_assign.schedule.demand import (
    Request,
    day_trip_problem,
    look_ahead_deadlines,
    min_gap_days,
    month_deadline,
    month_requests,
    priority_group,
    priority_key,
    spacing_capacity,
)
from tkm_assign.schedule.improve import improve_month
from tkm_assign.schedule.job import MentorJob, MonthCalendar
from tkm_assign.schedule.placement import OnlineItem, PlacementInput, TripItem, place
from tkm_assign.schedule.programme import MonthItems, place_programme, request_weights
from tkm_assign.schedule.routing import order_stops
from tkm_assign.schedule.trips import HOME, TripLimits, form_trips, route_length, trip_fits

log = logging.getLogger("tkm_assign")

# Weight ratio between neighbouring priority groups in the placement objective: one session
# of a group outweighs up to three of the next.
GROUP_RATIO = 4
GROUPS = 6


@dataclass(frozen=True)
class MentorPlan:
    """The schedule of one mentor (sessions numbered in time order)."""

    mentor_id: str
    sessions: tuple[Session, ...]
    routes: tuple[Route, ...]
    shortfalls: tuple[Shortfall, ...]


@dataclass
class MonthPlan:
    """One month of one mentor (sessions not yet numbered)."""

    sessions: list[Session] = field(default_factory=list)
    routes: list[Route] = field(default_factory=list)
    shortfalls: list[Shortfall] = field(default_factory=list)
    # Sessions that placing the month differently could still give: offered to the day
    # planning but not placed, or lost to a previous month that ended late. (Sessions the
    # mentor's hours or the month's own calendar cannot hold are not counted.)
    placeable_missing: int = 0


def plan_mentor(job: MentorJob) -> MentorPlan:
    """Schedule one mentor over all months of its participants' programmes.

    Parameters
    ----------
    job
        The mentor's participants, travel matrix, calendar and rules.

    Returns
    -------
    MentorPlan
        Sessions numbered ``<mentor_id>-001``... in time order, day routes in date order,
        shortfalls by month. Pure and deterministic: the same job gives the same plan in
        any process.
    """
    last: dict[int, dt.date] = {
        c: need.last_held for c, need in enumerate(job.clients) if need.last_held is not None
    }
    index = {c.participant_id: i for i, c in enumerate(job.clients)}
    orders: dict[frozenset[int], list[int]] = {}  # the same trips recur month after month
    roomy = client_deadlines(job, LOOK_AHEAD_SPARE)
    tight: dict[int, tuple[dt.date | None, ...]] | None = None  # computed when first needed
    plans: list[MonthPlan] = []
    for calendar in _open_months(job):
        month = plan_month(job, calendar, last, orders, _month_due(roomy, calendar))
        if month.shortfalls:
            # Roomy deadlines pull sessions earlier; where that costs this month sessions,
            # the plain look-ahead may do better.
            tight = tight if tight is not None else client_deadlines(job)
            other = plan_month(job, calendar, last, orders, _month_due(tight, calendar))
            if _sessions_missing(other) < _sessions_missing(month):
                month = other
        plans.append(month)
        for s in month.sessions:
            client = index[s.participant_id]
            last[client] = max(s.date, last.get(client, s.date))
    if (
        any(month.placeable_missing for month in plans)
        and job.params.programme_limit > 0
        and not any(need.previous for need in job.clients)  # a re-plan keeps its days
    ):
        whole = plan_whole_programme(job, plans, orders)
        if whole is not None and sum(map(_sessions_missing, whole)) < sum(
            map(_sessions_missing, plans)
        ):
            plans = whole
    sessions = [s for month in plans for s in month.sessions]
    routes = [r for month in plans for r in month.routes]
    shortfalls = [f for month in plans for f in month.shortfalls]
    return MentorPlan(
        job.mentor_id, number_sessions(job.mentor_id, sessions), tuple(routes), tuple(shortfalls)
    )


def number_sessions(mentor_id: str, sessions: Sequence[Session]) -> tuple[Session, ...]:
    """The mentor's sessions in time order, numbered ``<mentor_id>-001``, ``-002``, ..."""
    ordered = sorted(sessions, key=lambda s: (s.date, s.start_min))
    return tuple(
        Session(
            session_id=f"{mentor_id}-{k:03d}",
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
        for k, s in enumerate(ordered, start=1)
    )


def _open_months(job: MentorJob) -> list[MonthCalendar]:
    """The months to plan: all of them, or in a re-plan those not over by the as-of date
    (the past is fact: nothing is planned or reported there)."""
    return [c for c in job.months if job.as_of is None or c.end > job.as_of]


def plan_whole_programme(
    job: MentorJob, plans: Sequence[MonthPlan], orders: dict[frozenset[int], list[int]]
) -> list[MonthPlan] | None:
    """Every open month's sessions placed at once, visit by visit (:mod:`~.programme`).

    Each month offers what it would offer on its own (its targets and the spacing on its
    working days, only the first month limited by sessions already held); the model
    decides which of them fit its hours and days. The month-by-month ``plans`` are the
    starting hint. ``None`` when CP-SAT finds no plan in its limits.
    """
    months = []
    for k, calendar in enumerate(_open_months(job)):
        active = tuple(i for i, c in enumerate(job.clients) if calendar.month <= len(c.targets))
        reasons: dict[int, list[Message]] = {i: [] for i in active}
        requests = [
            r
            for i in active
            for r in client_requests(
                job, calendar, i, job.clients[i].last_held if k == 0 else None, reasons[i]
            )
        ]
        requests.sort(key=lambda r: priority_key(r, job.params))
        fit_month_budget(job, calendar, requests, reasons)  # for its reasons only
        months.append(MonthItems(calendar, active, reasons, tuple(requests)))
    index = {c.participant_id: i for i, c in enumerate(job.clients)}
    hint = {(index[s.participant_id], s.date): s.mode for month in plans for s in month.sessions}
    weights = request_weights(months, job, GROUP_RATIO, GROUPS)
    placed = place_programme(job, months, hint, weights)
    if placed is None:
        log.debug("whole-programme placement of mentor %s: no plan in the limits", job.mentor_id)
        return None
    log.debug(
        "whole-programme placement of mentor %s: %s after %d round(s) of route cuts",
        job.mentor_id,
        "proven optimal" if placed.optimal else "feasible, not proven optimal",
        placed.rounds,
    )
    out = []
    last = {c: need.last_held for c, need in enumerate(job.clients) if need.last_held is not None}
    for items, days in zip(months, placed.months, strict=True):
        for _, trip in days.values():
            if trip:
                trip[:] = _riding_order(job, trip, orders)
        month = _timed_days(job, items.calendar, days)
        offered = Counter(r.client for r in items.requests)
        month.shortfalls = _shortfalls(
            job, items.calendar, items.active, month.sessions, items.reasons, offered, last
        )
        out.append(month)
        for s in month.sessions:
            c = index[s.participant_id]
            last[c] = max(s.date, last.get(c, s.date))
    return out


# Sessions of room the look-ahead leaves the next month beyond its target: one spare day
# lets a month place its sessions around shared trips and busy days.
LOOK_AHEAD_SPARE = 1


def client_deadlines(job: MentorJob, spare: int = 0) -> dict[int, tuple[dt.date | None, ...]]:
    """Each client's look-ahead deadline per month (:func:`~.demand.look_ahead_deadlines`),
    leaving the next month room for ``spare`` sessions beyond its target."""
    months = [calendar.dates for calendar in job.months]
    gap = min_gap_days(job.params)
    return {
        c: look_ahead_deadlines(months, need.targets, gap, spare)
        for c, need in enumerate(job.clients)
    }


def _month_due(
    deadlines: Mapping[int, tuple[dt.date | None, ...]], calendar: MonthCalendar
) -> dict[int, dt.date | None]:
    return {c: ds[calendar.month - 1] for c, ds in deadlines.items() if calendar.month <= len(ds)}


def _sessions_missing(month: MonthPlan) -> int:
    return sum(s.required - s.planned for s in month.shortfalls)


def plan_month(
    job: MentorJob,
    calendar: MonthCalendar,
    last: Mapping[int, dt.date],
    orders: dict[frozenset[int], list[int]] | None = None,
    deadlines: Mapping[int, dt.date | None] | None = None,
) -> MonthPlan:
    """Sessions, routes and shortfalls of one month.

    ``last`` is each client's previous session date; ``orders`` memoises stop orders by
    the set of stops (filled in here); ``deadlines`` is each client's look-ahead deadline
    for its last session of the month (:func:`client_deadlines`), moved later here where
    it would cost the month sessions.
    """
    active = [i for i, c in enumerate(job.clients) if calendar.month <= len(c.targets)]
    if not active:
        return MonthPlan()
    reasons: dict[int, list[Message]] = {i: [] for i in active}
    requests = [
        r for i in active for r in client_requests(job, calendar, i, last.get(i), reasons[i])
    ]
    requests.sort(key=lambda r: priority_key(r, job.params))
    kept, trips = fit_month_budget(job, calendar, requests, reasons)
    offered = Counter(r.client for r in kept)
    latest = month_deadlines(job, calendar, offered, last, deadlines or {})
    days = _place_on_days(
        job, calendar, kept, trips, last, {} if orders is None else orders, latest
    )
    plan = _timed_days(job, calendar, days)
    plan.shortfalls = _shortfalls(job, calendar, active, plan.sessions, reasons, offered, last)
    placed = Counter(s.participant_id for s in plan.sessions)
    asked = Counter(r.client for r in requests)
    gap = min_gap_days(job.params)
    plan.placeable_missing = sum(
        max(0, n - placed[job.clients[c].participant_id]) for c, n in offered.items()
    ) + sum(
        max(
            0,
            min(
                job.clients[c].targets[calendar.month - 1],
                spacing_capacity(calendar.dates, None, gap),
            )
            - asked[c],
        )
        for c in active
        if c in last
    )
    return plan


def month_deadlines(
    job: MentorJob,
    calendar: MonthCalendar,
    offered: Mapping[int, int],
    last: Mapping[int, dt.date],
    deadlines: Mapping[int, dt.date | None],
) -> dict[int, dt.date]:
    """Each client's last allowed day this month, for the ``offered`` sessions.

    The look-ahead deadline, moved later where the client's offered sessions would not fit
    before it after its previous session (:func:`~.demand.month_deadline`); clients whose
    month is not limited are left out.
    """
    gap = min_gap_days(job.params)
    latest = {}
    for c, sessions in sorted(offered.items()):
        earliest = last[c] + dt.timedelta(days=gap) if c in last else None
        due = month_deadline(calendar.dates, earliest, gap, sessions, deadlines.get(c))
        if due is not None:
            latest[c] = due
    return latest


def client_requests(
    job: MentorJob,
    calendar: MonthCalendar,
    client: int,
    last: dt.date | None,
    reasons: list[Message],
) -> list[Request]:
    """The sessions one participant can be offered this month; limits go into ``reasons``."""
    need = job.clients[client]
    month = calendar.month
    target, onsite = need.targets[month - 1], need.onsite_min[month - 1]
    if not calendar.dates:
        reasons.append(Message.of("reason.no_working_day_left", month=month))
        return []
    far = day_trip_problem(job.travel_min, need.node, job.params)
    if far is not None and onsite > 0:
        reasons.append(
            far if need.online_ok else Message.of("reason.online_not_possible", reason=far)
        )
    if far is not None and not need.online_ok:
        return []
    gap = min_gap_days(job.params)
    earliest = last + dt.timedelta(days=gap) if last is not None else None
    fit = spacing_capacity(calendar.dates, earliest, gap)
    if fit < target:
        days = len(calendar.dates)
        if last is not None and spacing_capacity(calendar.dates, None, gap) > fit:
            # The month alone would hold more: the previous month ended too late (the
            # look-ahead could not move it without costing that month a session).
            reason = Message.of(
                "reason.spacing_fit_after",
                fit=fit,
                month=month,
                gap=gap,
                days=days,
                last=last.isoformat(),
            )
        else:
            reason = Message.of("reason.spacing_fit", fit=fit, month=month, gap=gap, days=days)
        reasons.append(reason)
    return month_requests(
        client, need.need_rank, min(target, fit), 0 if far else onsite, need.online_ok
    )


def fit_month_budget(
    job: MentorJob,
    calendar: MonthCalendar,
    requests: Sequence[Request],
    reasons: Mapping[int, list[Message]],
) -> tuple[list[Request], list[list[Request]]]:
    """Drop the requests served last until the month can hold the rest.

    Two limits: riding, visits and online sessions must fit the mentor's minutes of the
    month, and the day trips must fit its working days (one route a day). ``requests`` are
    in priority order. Returns the kept requests and the day trips of their onsite visits;
    each participant who loses a request gets the limit as its reason, e.g. "mentor M07
    needs 212 h in month 2, has 168 h".
    """
    capacity = min(calendar.budget_min, len(calendar.dates) * job.params.day_min)
    days = len(calendar.dates)
    kept = list(requests)
    trips = month_trips(job, kept, calendar)
    need = month_minutes(job, kept, trips)
    if need > capacity:
        reason = Message.of(
            "reason.month_hours",
            mentor_id=job.mentor_id,
            need_min=need,
            month=calendar.month,
            capacity_min=capacity,
        )
        while kept and need > capacity:
            cost = _request_minutes(job, kept, trips)
            excess = need - capacity
            while kept and excess > 0:
                dropped = kept.pop()
                excess -= cost[dropped]
                _add_reason(reasons[dropped.client], reason)
            trips = month_trips(job, kept, calendar)
            need = month_minutes(job, kept, trips)
    if len(trips) > days:
        reason = Message.of(
            "reason.month_day_trips",
            mentor_id=job.mentor_id,
            trips=len(trips),
            month=calendar.month,
            days=days,
        )
        while len(trips) > days:
            # The onsite visit served last goes; online sessions do not take a day trip.
            dropped = next(r for r in reversed(kept) if r.mode is Mode.ONSITE)
            kept.remove(dropped)
            _add_reason(reasons[dropped.client], reason)
            trips = month_trips(job, kept, calendar)
    return kept, trips


def _add_reason(reasons: list[Message], reason: Message) -> None:
    if reason not in reasons:
        reasons.append(reason)


def month_trips(
    job: MentorJob, requests: Sequence[Request], calendar: MonthCalendar | None = None
) -> list[list[Request]]:
    """Day trips over the onsite requests, each in riding order.

    In a re-plan (``calendar`` given and clients with an earlier plan), the earlier plan's
    day trips of the month are formed again first, where they still fit a day; the other
    visits are grouped with the savings algorithm.
    """
    onsite = [r for r in requests if r.mode is Mode.ONSITE]
    kept = previous_trips(job, onsite, calendar) if calendar is not None else []
    grouped = {r for trip in kept for r in trip}
    rest = [r for r in onsite if r not in grouped]
    nodes = [job.clients[r.client].node for r in rest]
    return kept + [
        [rest[i] for i in trip] for trip in form_trips(nodes, job.travel_min, _limits(job))
    ]


def previous_trips(
    job: MentorJob, onsite: Sequence[Request], calendar: MonthCalendar
) -> list[list[Request]]:
    """The earlier plan's day trips of this month over ``onsite``, in their riding order.

    Each client's onsite requests take its earlier onsite days in order; a day's group is
    kept when it still fits one working day and visits nobody twice.
    """
    by_day: dict[dt.date, list[tuple[int, Request]]] = defaultdict(list)
    mine: dict[int, list[Request]] = defaultdict(list)
    for r in onsite:
        mine[r.client].append(r)
    for c, requests in mine.items():
        before = [
            (day, start)
            for day, mode, start in job.clients[c].previous_in(calendar.start, calendar.end)
            if mode is Mode.ONSITE
        ]
        for r, (day, start) in zip(sorted(requests, key=lambda r: r.ordinal), before, strict=False):
            by_day[day].append((start, r))
    trips = []
    limits = _limits(job)
    for day in sorted(by_day):
        trip = [r for _, r in sorted(by_day[day], key=lambda x: (x[0], x[1].client))]
        clients = [r.client for r in trip]
        riding = route_length(job.travel_min, _nodes(job, trip))
        if len(set(clients)) == len(clients) and trip_fits(riding, len(trip), limits):
            trips.append(trip)
    return trips


def month_minutes(
    job: MentorJob, requests: Sequence[Request], trips: Sequence[Sequence[Request]]
) -> int:
    """Riding, visits and online sessions of the month, in minutes."""
    online = sum(1 for r in requests if r.mode is Mode.ONLINE)
    return sum(_trip_minutes(job, trip) for trip in trips) + online * job.params.online_min


def _request_minutes(
    job: MentorJob, requests: Sequence[Request], trips: Sequence[Sequence[Request]]
) -> dict[Request, int]:
    """Minutes a request is estimated to free: its session and its share of the trip's riding."""
    cost = {r: job.params.online_min for r in requests if r.mode is Mode.ONLINE}
    for trip in trips:
        riding = route_length(job.travel_min, _nodes(job, trip))
        for r in trip:
            cost[r] = job.params.onsite_min + riding // len(trip)
    return cost


def _place_on_days(
    job: MentorJob,
    calendar: MonthCalendar,
    kept: Sequence[Request],
    trips: Sequence[Sequence[Request]],
    last: Mapping[int, dt.date],
    orders: dict[frozenset[int], list[int]],
    latest: Mapping[int, dt.date],
) -> dict[int, tuple[list[int], list[Request]]]:
    """Day index -> (clients with an online session, the day's trip in riding order).

    ``latest`` is each client's last allowed day of the month (the look-ahead deadline).
    """
    gap = min_gap_days(job.params)
    earliest = {c: day + dt.timedelta(days=gap) for c, day in last.items()}
    counts: dict[int, int] = defaultdict(int)
    for r in kept:
        counts[r.client] += 1
    preferred = {
        c: _preferred_days(calendar, n, job.clients[c].phase, earliest.get(c), latest.get(c))
        for c, n in counts.items()
    }
    index = {day: d for d, day in enumerate(calendar.dates)}
    keep_onsite: dict[int, frozenset[int]] = {}
    keep_online: dict[int, frozenset[int]] = {}
    for c in counts:
        before = job.clients[c].previous_in(calendar.start, calendar.end)
        if before:
            # The earlier plan's days first: a re-plan moves as few sessions as it can.
            earlier = [float(day.toordinal()) for day, _, _ in before]
            preferred[c] = tuple(sorted(earlier[: counts[c]] + list(preferred[c][len(earlier) :])))
            keep_onsite[c] = frozenset(
                index[day] for day, mode, _ in before if day in index and mode is Mode.ONSITE
            )
            keep_online[c] = frozenset(
                index[day] for day, mode, _ in before if day in index and mode is Mode.ONLINE
            )

    def weight(r: Request) -> int:
        return GROUP_RATIO ** (GROUPS - 1 - priority_group(r, job.params))

    online: dict[int, list[Request]] = defaultdict(list)
    for r in kept:
        if r.mode is Mode.ONLINE:
            online[r.client].append(r)
    online_items = tuple(
        OnlineItem(c, tuple(sorted((weight(r) for r in rs), reverse=True)), job.params.online_min)
        for c, rs in sorted(online.items())
    )
    trips = [list(t) for t in trips]
    for attempt in range(2):
        inp = PlacementInput(
            days=calendar.dates,
            trips=tuple(
                TripItem(
                    tuple(r.client for r in t), _trip_minutes(job, t), sum(weight(r) for r in t)
                )
                for t in trips
            ),
            online=online_items,
            day_min=job.params.day_min,
            budget_min=calendar.budget_min,
            gap_days=gap,
            earliest=earliest,
            latest=latest,
            preferred=preferred,
            keep_onsite=keep_onsite,
            keep_online=keep_online,
        )
        placement = place(inp, job.params.placement_limit, job.params.seed)
        unplaced = [t for t, d in zip(trips, placement.trip_day, strict=True) if d is None]
        if attempt == 0 and any(len(t) > 1 for t in unplaced):
            # A trip that finds no day may still go as single visits on separate days.
            trips = [t for t, d in zip(trips, placement.trip_day, strict=True) if d is not None]
            trips += [[r] for t in unplaced for r in t]
            continue
        break
    days: dict[int, tuple[list[int], list[Request]]] = defaultdict(lambda: ([], []))
    for t, d in zip(trips, placement.trip_day, strict=True):
        if d is not None:
            days[d][1].extend(t)
    for c, ds in placement.online_days.items():
        for d in ds:
            days[d][0].append(c)
    if not keep_onsite and not keep_online:
        # A re-plan keeps the earlier plan's days instead of re-forming trips.
        days = defaultdict(
            lambda: ([], []), improve_month(job, calendar, days, earliest, latest, gap)
        )
    for _, trip in days.values():
        if trip:
            trip[:] = _riding_order(job, trip, orders)
    return dict(days)


def _riding_order(
    job: MentorJob, trip: Sequence[Request], orders: dict[frozenset[int], list[int]]
) -> list[Request]:
    """The trip's stops in an OR-Tools riding order, never longer than the given one."""
    nodes = _nodes(job, trip)
    key = frozenset(nodes)
    known = orders.get(key)
    # A remembered order is reused only if it rides no more than this trip's own order, on
    # which the day's length was planned.
    if known is None or route_length(job.travel_min, known) > route_length(job.travel_min, nodes):
        orders[key] = order_stops(job.travel_min, nodes, job.params.routing_time_limit_s)
    by_node = {job.clients[r.client].node: r for r in trip}
    return [by_node[node] for node in orders[key]]


def _timed_days(
    job: MentorJob, calendar: MonthCalendar, days: Mapping[int, tuple[list[int], list[Request]]]
) -> MonthPlan:
    """Clock times: online sessions from the start of the day, then the day trip.

    In a re-plan, online sessions the earlier plan had on the same day come first, in their
    earlier order, so that a session added to a day does not shift the others' times.
    """
    p, plan = job.params, MonthPlan()
    for d in sorted(days):
        date, (online, trip) = calendar.dates[d], days[d]
        clock = p.day_start_min
        for c in sorted(online, key=lambda c: _earlier_start(job, c, date)):
            plan.sessions.append(
                _session(job, calendar, c, date, clock, p.online_min, Mode.ONLINE, 0, 0)
            )
            clock += p.online_min
        if not trip:
            continue
        depart, here = clock, HOME
        for r in trip:
            node = job.clients[r.client].node
            ride, metres = int(job.travel_min[here, node]), int(job.distance_m[here, node])
            clock += ride
            plan.sessions.append(
                _session(
                    job, calendar, r.client, date, clock, p.onsite_min, Mode.ONSITE, ride, metres
                )
            )
            clock += p.onsite_min
            here = node
        clock += int(job.travel_min[here, HOME])
        nodes = _nodes(job, trip)
        plan.routes.append(
            Route(
                mentor_id=job.mentor_id,
                date=date,
                depart_min=depart,
                return_min=clock,
                stops=tuple(job.clients[r.client].participant_id for r in trip),
                travel_min=route_length(job.travel_min, nodes),
                distance_m=route_length(job.distance_m, nodes),
            )
        )
    return plan


def _earlier_start(job: MentorJob, client: int, date: dt.date) -> tuple[int, int]:
    """Sort key of an online session: its start in the earlier plan that day, else after
    every earlier one (in client order)."""
    for day, mode, start in job.clients[client].previous:
        if day == date and mode is Mode.ONLINE:
            return start, client
    return 24 * 60, client


def _shortfalls(
    job: MentorJob,
    calendar: MonthCalendar,
    active: Sequence[int],
    sessions: Sequence[Session],
    reasons: Mapping[int, list[Message]],
    offered: Mapping[int, int],
    last: Mapping[int, dt.date],
) -> list[Shortfall]:
    """Participant-months below target or onsite minimum, with every reason found.

    ``offered`` counts the sessions that went to the day planning; fewer placed ones add the
    day planning's reason (spacing, or full days).
    """
    month, gap = calendar.month, min_gap_days(job.params)
    planned: dict[str, list[Session]] = defaultdict(list)
    for s in sessions:
        planned[s.participant_id].append(s)
    out = []
    for c in active:
        need = job.clients[c]
        got = planned[need.participant_id]
        onsite = sum(1 for s in got if s.mode is Mode.ONSITE)
        required, onsite_required = need.targets[month - 1], need.onsite_min[month - 1]
        if len(got) >= required and onsite >= onsite_required:
            continue
        why = list(reasons[c])
        if len(got) < offered.get(c, 0) or not why:
            why.append(_placement_reason(job, calendar, got, last.get(c), gap))
        out.append(client_shortfall(job, c, month, len(got), onsite, why))
    return out


def client_shortfall(
    job: MentorJob, client: int, month: int, planned: int, onsite: int, why: Sequence[Message]
) -> Shortfall:
    """The client's shortfall in ``month`` with ``planned`` sessions (``onsite`` of them
    onsite) planned from the as-of date on; the sessions held count as planned and
    required."""
    need = job.clients[client]
    held, held_onsite = need.held_in(month)
    return Shortfall(
        participant_id=need.participant_id,
        mentor_id=job.mentor_id,
        month=month,
        planned=held + planned,
        required=held + need.targets[month - 1],
        onsite_planned=held_onsite + onsite,
        onsite_required=held_onsite + need.onsite_min[month - 1],
        reason=joined(why),
    )


def _placement_reason(
    job: MentorJob,
    calendar: MonthCalendar,
    got: Sequence[Session],
    last: dt.date | None,
    gap: int,
) -> Message:
    """Why the day planning left a session out: spacing, or the mentor's days are full."""
    taken = [s.date for s in got] + ([last] if last is not None else [])
    free = [day for day in calendar.dates if all(abs((day - t).days) >= gap for t in taken)]
    if not free:
        return Message.of("reason.no_spaced_day", month=calendar.month, gap=gap)
    return Message.of("reason.working_days_full", mentor_id=job.mentor_id, month=calendar.month)


def _preferred_days(
    calendar: MonthCalendar,
    sessions: int,
    phase: float,
    earliest: dt.date | None,
    latest: dt.date | None = None,
) -> tuple[float, ...]:
    """Evenly spread preferred days (date ordinals) for ``sessions`` sessions this month.

    They split the rest of the month (up to the look-ahead deadline ``latest``) into equal
    parts, shifted by the participant's ``phase`` so that different participants prefer
    different days.
    """
    first = max(calendar.start, earliest) if earliest is not None else calendar.start
    end = min(calendar.end, latest + dt.timedelta(days=1)) if latest is not None else calendar.end
    span = max((end - first).days, 1)
    return tuple(first.toordinal() + (k + phase) * span / sessions for k in range(sessions))


def _session(
    job: MentorJob,
    calendar: MonthCalendar,
    client: int,
    date: dt.date,
    start: int,
    duration: int,
    mode: Mode,
    travel_before: int,
    metres_before: int,
) -> Session:
    return Session(
        session_id="",
        mentor_id=job.mentor_id,
        participant_id=job.clients[client].participant_id,
        date=date,
        start_min=start,
        end_min=start + duration,
        mode=mode,
        month=calendar.month,
        travel_min_before=travel_before,
        distance_m_before=metres_before,
    )


def _limits(job: MentorJob) -> TripLimits:
    p = job.params
    return TripLimits(
        service_min=p.onsite_min, day_min=p.day_min, travel_day_min=p.max_travel_day_min
    )


def _nodes(job: MentorJob, trip: Sequence[Request]) -> list[int]:
    return [job.clients[r.client].node for r in trip]


def _trip_minutes(job: MentorJob, trip: Sequence[Request]) -> int:
    return route_length(job.travel_min, _nodes(job, trip)) + len(trip) * job.params.onsite_min
