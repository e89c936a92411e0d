"""Group a month's onsite visits into day trips from the mentor's home (savings algorithm).

Every visit starts as its own round trip home -> participant -> home. Joining the end of one
trip to the start of another saves ``t(a, home) + t(home, b) - t(a, b)`` minutes of riding;
joins are made in order of the largest saving (Clarke and Wright) as long as the joined trip
still fits one working day (riding plus visits), stays within the daily riding limit, and
does not visit one participant twice. A join that saves no riding still saves a day: a
participant at the mentor's home (0 minutes away) saves nothing, yet shares a day. The visiting order inside each trip is improved later
with OR-Tools (:mod:`tkm_assign.schedule.routing`).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from tkm_assign.schedule.job import IntMatrix

HOME = 0


@dataclass(frozen=True, slots=True)
class TripLimits:
    service_min: int  # minutes spent at each stop
    day_min: int  # riding plus visits must fit in this many minutes
    travel_day_min: int  # riding limit of one day, home to home


def route_length(matrix: IntMatrix, nodes: Sequence[int]) -> int:
    """Sum of ``matrix`` (minutes or metres) along home -> nodes... -> home."""
    path = [HOME, *nodes, HOME]
    return int(sum(int(matrix[a, b]) for a, b in itertools.pairwise(path)))


def trip_fits(travel: int, stops: int, limits: TripLimits) -> bool:
    """A day trip with ``travel`` riding minutes and ``stops`` visits fits one working day."""
    return travel <= limits.travel_day_min and travel + stops * limits.service_min <= limits.day_min


def form_trips(nodes: Sequence[int], travel_min: IntMatrix, limits: TripLimits) -> list[list[int]]:
    """Group visits into day trips from home (Clarke and Wright savings).

    Parameters
    ----------
    nodes
        ``nodes[i]`` is the matrix node of visit i. One participant may have several visits;
        they always end up in different trips. Every visit must fit a day on its own.
    travel_min
        Minutes between all nodes; node 0 is the mentor's home.
    limits
        Minutes at each stop, of the working day and of riding a day.

    Returns
    -------
    list of list of int
        Trips as positions into ``nodes``, each in riding order; deterministic (ties in
        saving go to the lower visit position).
    """
    count = len(nodes)
    if count == 0:
        return []
    node = np.asarray(nodes, dtype=np.int64)
    to_home = travel_min[node, HOME]
    from_home = travel_min[HOME, node]
    saving = to_home[:, None] + from_home[None, :] - travel_min[np.ix_(node, node)]
    same = node[:, None] == node[None, :]
    # saving >= 0: a join that saves no riding still frees a working day.
    candidates = np.argwhere(~same & (saving >= 0))
    order = np.lexsort(
        (candidates[:, 1], candidates[:, 0], -saving[candidates[:, 0], candidates[:, 1]])
    )

    trips: dict[int, list[int]] = {i: [i] for i in range(count)}
    trip_of = list(range(count))
    travel = {i: int(to_home[i] + from_home[i]) for i in range(count)}
    members = {i: {int(node[i])} for i in range(count)}
    for a, b in candidates[order]:
        ta, tb = trip_of[a], trip_of[b]
        if ta == tb or trips[ta][-1] != a or trips[tb][0] != b:
            continue
        if members[ta] & members[tb]:
            continue
        joined = travel[ta] + travel[tb] - int(saving[a, b])
        if not trip_fits(joined, len(trips[ta]) + len(trips[tb]), limits):
            continue
        trips[ta].extend(trips.pop(tb))
        travel[ta] = joined
        members[ta] |= members.pop(tb)
        del travel[tb]
        for visit in trips[ta]:
            trip_of[visit] = ta
    return [trips[key] for key in sorted(trips)]
