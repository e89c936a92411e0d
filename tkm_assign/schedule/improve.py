"""Less riding in a month already on days: the mentor's month as a periodic routing problem.

Once a month's trips and online sessions are on days (:mod:`~.placement`), the onsite
visits are handed to the routing core (:mod:`~.periodic`) as one vehicle a working day
from the mentor's home, each day limited to the working day less its online sessions and
to the daily riding limit; each participant's visits may move to any set of days that
keeps every rule of its month: between its earliest and latest allowed day, at least the
spacing gap from each other, from its online sessions and from its last session before
the month. Online sessions stay where they are. The core starts from the placed trips and
keeps them unless it finds less riding, so the month's minutes never grow and no session
is lost. This is the step where visits of neighbouring participants that the day planning
put on different days come together again.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Mapping, Sequence

import numpy as np

from tkm_assign.schedule.demand import Request
from tkm_assign.schedule.job import MentorJob, MonthCalendar
from tkm_assign.schedule.periodic import (
    Pattern,
    PeriodicInstance,
    PeriodicParams,
    solve_periodic,
)
from tkm_assign.schedule.trips import route_length

Days = dict[int, tuple[list[int], list[Request]]]  # day -> (online clients, trip in order)
# Patterns are listed in full for up to this many visits a month; more visits move one
# day at a time from where they are.
FULL_PATTERNS_UP_TO = 2
TIME_CAP_S = 30.0  # wall-clock safety net; the counted work ends the search first


def improve_month(
    job: MentorJob,
    calendar: MonthCalendar,
    days: Mapping[int, tuple[list[int], list[Request]]],
    earliest: Mapping[int, dt.date],
    latest: Mapping[int, dt.date],
    gap_days: int,
) -> Days:
    """The month's days with trips re-formed for less riding (or unchanged).

    Parameters
    ----------
    job, calendar
        The mentor and the month.
    days
        Day index -> (clients with an online session, the day's trip in riding order).
    earliest, latest
        Each client's first and last allowed day this month (spacing after the previous
        month, look-ahead deadline).
    gap_days
        Days between two sessions of one participant.
    """
    out: Days = {d: (list(online), list(trip)) for d, (online, trip) in days.items()}
    work = job.params.improve_work
    if work <= 0 or sum(1 for _, trip in days.values() if trip) < 2:
        return out
    visiting = sorted({r.client for _, trip in days.values() for r in trip})
    onsite_days = {
        c: sorted(d for d, (_, t) in days.items() for r in t if r.client == c) for c in visiting
    }
    online_days = {c: [d for d, (online, _) in days.items() if c in online] for c in visiting}
    dates = calendar.dates
    patterns = tuple(
        _patterns(dates, onsite_days[c], online_days[c], earliest.get(c), latest.get(c), gap_days)
        for c in visiting
    )
    p = job.params
    free = [
        p.day_min - p.online_min * len(days[d][0]) if d in days else p.day_min
        for d in range(len(dates))
    ]
    nodes = [0, *(job.clients[c].node for c in visiting)]
    position = {c: v for v, c in enumerate(visiting)}
    instance = PeriodicInstance(
        n_homes=1,
        n_days=len(dates),
        travel=np.ascontiguousarray(job.travel_min[np.ix_(nodes, nodes)]),
        visit_patterns=patterns,
        visit_service=np.full(len(visiting), p.onsite_min, dtype=np.int64),
        visit_demand=np.zeros(len(visiting), dtype=np.int64),
        vehicle_day=np.arange(len(dates), dtype=np.int64),
        vehicle_home=np.zeros(len(dates), dtype=np.int64),
        vehicle_duration=np.array(free, dtype=np.int64),
        vehicle_travel=np.full(len(dates), p.max_travel_day_min, dtype=np.int64),
    )
    initial = tuple(
        tuple(position[r.client] for r in days[d][1]) if d in days else ()
        for d in range(len(dates))
    )
    before = sum(
        route_length(job.travel_min, [job.clients[r.client].node for r in t])
        for _, t in days.values()
    )
    solution = solve_periodic(
        instance,
        PeriodicParams(work_units=work, time_limit_s=TIME_CAP_S, seed=p.seed, initial=initial),
    )
    if not solution.feasible or solution.travel >= before:
        return out
    requests = {
        c: sorted(
            (r for _, t in days.values() for r in t if r.client == c), key=lambda r: r.ordinal
        )
        for c in visiting
    }
    given: dict[tuple[int, int], Request] = {}  # (client, day) -> its request on that day
    for c in visiting:
        chosen = [d for d, route in enumerate(solution.routes) if position[c] in route]
        for r, d in zip(requests[c], chosen, strict=True):
            given[c, d] = r
    for d in list(out):
        out[d] = (out[d][0], [])
    for d, route in enumerate(solution.routes):
        if route:
            online = out.get(d, ([], []))[0]
            out[d] = (online, [given[visiting[v], d] for v in route])
    return {d: v for d, v in out.items() if v[0] or v[1]}


def _patterns(
    dates: Sequence[dt.date],
    current: Sequence[int],
    online: Sequence[int],
    earliest: dt.date | None,
    latest: dt.date | None,
    gap_days: int,
) -> tuple[Pattern, ...]:
    """Day sets the client's onsite visits may take; the current one is always among them."""
    ordinal = [d.toordinal() for d in dates]

    def clear(day: int) -> bool:
        if earliest is not None and dates[day] < earliest:
            return False
        if latest is not None and dates[day] > latest:
            return False
        return all(abs(ordinal[day] - ordinal[o]) >= gap_days and day != o for o in online)

    def spaced(days: Sequence[int]) -> bool:
        return all(ordinal[b] - ordinal[a] >= gap_days for a, b in itertools.pairwise(days))

    allowed = [d for d in range(len(dates)) if clear(d)]
    mine = tuple(sorted(current))
    if len(mine) <= FULL_PATTERNS_UP_TO:
        found = {c for c in itertools.combinations(allowed, len(mine)) if spaced(c)}
    else:
        found = set()
        for k in range(len(mine)):
            for d in allowed:
                moved = tuple(sorted({*mine[:k], d, *mine[k + 1 :]}))
                if len(moved) == len(mine) and spaced(moved):
                    found.add(moved)
    found.add(mine)
    return tuple(sorted(found))
