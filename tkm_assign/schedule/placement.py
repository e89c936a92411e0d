"""Put one month's day trips and online sessions on the mentor's working days.

Items are day trips and online sessions; every item is optional. The rules, checked the
same way by the greedy pass and (one function each) by the CP-SAT model:

- a trip rides on at most one day, and a day has at most one trip (one route a day);
- riding, visits and online sessions of a day fit the working day;
- all of them together fit the mentor's minutes of the month;
- two sessions of one participant are at least ``gap_days`` calendar days apart, also
  after the participant's last session of the previous month (``earliest``);
- no session of a participant after its ``latest`` day (the look-ahead deadline that
  leaves the next month room for its sessions);
- a participant gets at most the online sessions asked for.

Goal: keep as much weight as possible (weights encode who is served first), on days near
each participant's preferred days (sessions evenly spread over the month).

:func:`place` first runs a fast greedy pass (trips with the fewest possible days first,
each on the possible day nearest its participants' preferred days and away from other
trips; then online sessions, heaviest first, on the nearest day that is not yet busy; then
a repair that re-places one participant's online sessions earliest-first). Only when that
leaves something out does CP-SAT search for more coverage, starting from the greedy plan
(one worker, fixed seed and a deterministic time limit, so the same input gives the same
plan). Solver variables never leave this module.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

# Preference for a day an earlier plan used, in days of distance from a preferred day: far
# more than any spreading or crowding term, so a kept day wins wherever the rules allow it.
KEEP_BONUS = 1000.0


@dataclass(frozen=True, slots=True)
class TripItem:
    clients: tuple[int, ...]  # participants visited (distinct)
    duration_min: int  # riding plus visits, home to home
    weight: int  # value of placing the trip


@dataclass(frozen=True, slots=True)
class OnlineItem:
    client: int
    weights: tuple[int, ...]  # value of the 1st, 2nd, ... online session (non-increasing)
    duration_min: int


@dataclass(frozen=True)
class PlacementInput:
    days: tuple[dt.date, ...]  # working dates of the month, ascending
    trips: tuple[TripItem, ...]
    online: tuple[OnlineItem, ...]
    day_min: int  # minutes of one working day
    budget_min: int  # minutes the mentor can work this month
    gap_days: int  # calendar days between two sessions of one participant
    earliest: Mapping[int, dt.date] = field(default_factory=dict)  # client -> first allowed day
    latest: Mapping[int, dt.date] = field(default_factory=dict)  # client -> last allowed day
    # client -> preferred days (date ordinals, one per session wanted this month)
    preferred: Mapping[int, Sequence[float]] = field(default_factory=dict)
    # client -> day indices of an earlier plan's onsite visits and online sessions (a
    # re-plan keeps them where it can)
    keep_onsite: Mapping[int, frozenset[int]] = field(default_factory=dict)
    keep_online: Mapping[int, frozenset[int]] = field(default_factory=dict)

    def weight(
        self, trip_day: Sequence[int | None], online_days: Mapping[int, Sequence[int]]
    ) -> int:
        """Total weight a placement keeps."""
        trips = sum(t.weight for t, d in zip(self.trips, trip_day, strict=True) if d is not None)
        online = sum(
            sum(item.weights[: len(online_days.get(item.client, ()))]) for item in self.online
        )
        return trips + online


@dataclass(frozen=True)
class Placement:
    trip_day: tuple[int | None, ...]  # day index of each trip, None when not placed
    online_days: Mapping[int, tuple[int, ...]]  # client -> day indices of its online sessions
    solved: bool  # False when CP-SAT found no solution in its limit (then nothing is placed)


@dataclass
class _Vars:
    trip: dict[tuple[int, int], cp_model.IntVar]  # (trip, day) -> placed
    online: dict[tuple[int, int], cp_model.IntVar]  # (client, day) -> online session
    kept: dict[int, list[cp_model.IntVar]]  # client -> "k-th online session kept"


def place(inp: PlacementInput, limit: float, seed: int) -> Placement:
    """Place trips and online sessions; see the module docstring for the rules.

    Parameters
    ----------
    inp
        Items, working days and limits of one mentor-month.
    limit
        CP-SAT deterministic time limit (roughly seconds), used only when the greedy pass
        leaves items out.
    seed
        CP-SAT random seed.
    """
    if not inp.days or (not inp.trips and not inp.online):
        return Placement((None,) * len(inp.trips), {}, solved=True)
    greedy = greedy_place(inp)
    if _everything_placed(greedy, inp):
        return greedy
    searched = search_place(inp, limit, seed, hint=greedy)
    if searched.solved and inp.weight(searched.trip_day, searched.online_days) > inp.weight(
        greedy.trip_day, greedy.online_days
    ):
        return searched
    return greedy


def greedy_place(inp: PlacementInput) -> Placement:
    """A fast, deterministic placement obeying every rule; may leave items out.

    1. Trips, always the one with the fewest possible days left (ties: more weight, then
       list order), each on the possible day nearest its participants' preferred days and
       away from other trips.
    2. Online sessions, heaviest first (ties: the participant with the fewest days left
       after the trips), on the nearest day that is not yet busy.
    3. Repairs for what is left: a participant's online sessions re-placed earliest-first
       (the most that fit a gap apart); then room made on a full day by moving other
       participants' online sessions to other days they may use.
    """
    state = _GreedyState(inp)
    waiting = set(range(len(inp.trips)))
    while waiting:
        options = {r: state.trip_days(inp.trips[r]) for r in waiting}
        r = min(waiting, key=lambda r: (len(options[r]), -inp.trips[r].weight, r))
        waiting.remove(r)
        if options[r]:
            state.put_trip(r, state.nearest_trip_day(inp.trips[r], options[r]))
    # Heaviest sessions first; among equals the client with the fewest days left after the
    # trips (counted once: recounting after every session costs more than it changes).
    room = {item.client: len(state.online_days(item)) for item in inp.online}
    queue = sorted(
        (-weight, room[item.client], item.client, k)
        for item in inp.online
        for k, weight in enumerate(item.weights)
    )
    items = {item.client: item for item in inp.online}
    for *_, client, _ in queue:
        free = state.online_days(items[client])
        if free:
            state.put_online(client, state.nearest_online_day(client, free))
    if not state.complete():
        state.repair()
    return Placement(
        tuple(state.trip_day),
        {c: tuple(sorted(ds)) for c, ds in sorted(state.online.items()) if ds},
        solved=True,
    )


class _GreedyState:
    """Days taken so far; every check mirrors one constraint of the CP-SAT model."""

    def __init__(self, inp: PlacementInput) -> None:
        self.inp = inp
        self.ordinal = [day.toordinal() for day in inp.days]
        self.online_min = {item.client: item.duration_min for item in inp.online}
        self.trip_day: list[int | None] = [None] * len(inp.trips)
        self.day_trip: list[int | None] = [None] * len(inp.days)
        self.day_used = [0] * len(inp.days)
        self.day_online: list[list[int]] = [[] for _ in inp.days]  # clients online that day
        self.month_used = 0
        self.taken: dict[int, list[int]] = defaultdict(list)  # client -> its session days
        self.online: dict[int, list[int]] = defaultdict(list)  # client -> online session days
        # Days each client can no longer use: before its earliest day, after its latest day, or
        # too close to one of its sessions.
        self.blocked: dict[int, set[int]] = defaultdict(set)
        for client in inp.earliest.keys() | inp.latest.keys():
            self.blocked[client] = self._blocked_by(client)
        self.open = {c: list(days) for c, days in inp.preferred.items()}

    # -- the rules -------------------------------------------------------------------------
    def fits(self, day: int, minutes: int) -> bool:
        return self.fits_day(day, minutes) and self.month_used + minutes <= self.inp.budget_min

    def fits_day(self, day: int, minutes: int) -> bool:
        return self.day_used[day] + minutes <= self.inp.day_min

    def trip_days(self, item: TripItem) -> list[int]:
        """Days the trip may take now: no trip yet, room, every participant spaced."""
        blocked = set().union(*(self.blocked[c] for c in item.clients))
        return [
            d
            for d in range(len(self.inp.days))
            if self.day_trip[d] is None and d not in blocked and self.fits(d, item.duration_min)
        ]

    def online_days(self, item: OnlineItem) -> list[int]:
        blocked = self.blocked[item.client]
        return [
            d
            for d in range(len(self.inp.days))
            if d not in blocked and self.fits(d, item.duration_min)
        ]

    # -- preferences -----------------------------------------------------------------------
    def distance(self, client: int, day: int, onsite: bool) -> float:
        keep = self.inp.keep_onsite if onsite else self.inp.keep_online
        if day in keep.get(client, ()):
            return -KEEP_BONUS
        wanted = self.open.get(client)
        return min(abs(self.ordinal[day] - x) for x in wanted) if wanted else 0.0

    def nearest_trip_day(self, item: TripItem, days: Sequence[int]) -> int:
        # Near the participants' preferred days, and one day further for every trip already
        # within the spacing gap: trips spread out and leave free days all over the month,
        # which the online sessions (also kept a gap apart) need.
        trips = [self.ordinal[d] for d, r in enumerate(self.day_trip) if r is not None]

        def crowding(day: int) -> int:
            return sum(1 for o in trips if abs(o - self.ordinal[day]) < self.inp.gap_days)

        return min(
            (sum(self.distance(c, d, True) for c in item.clients) + crowding(d), d) for d in days
        )[1]

    def nearest_online_day(self, client: int, days: Sequence[int]) -> int:
        # Near the preferred day, and away from days that already hold many sessions.
        def sessions(day: int) -> int:
            trip = self.day_trip[day]
            stops = len(self.inp.trips[trip].clients) if trip is not None else 0
            return stops + len(self.day_online[day])

        return min((self.distance(client, d, False) + sessions(d), d) for d in days)[1]

    # -- booking ---------------------------------------------------------------------------
    def put_trip(self, trip: int, day: int) -> None:
        item = self.inp.trips[trip]
        self.trip_day[trip], self.day_trip[day] = day, trip
        self._book(item.clients, day, item.duration_min)

    def put_online(self, client: int, day: int) -> None:
        self.online[client].append(day)
        self.day_online[day].append(client)
        self._book((client,), day, self.online_min[client])

    def take_online(self, client: int, day: int) -> None:
        """Undo :meth:`put_online` (the preferred day it used stays used)."""
        self.online[client].remove(day)
        self.day_online[day].remove(client)
        self.taken[client].remove(day)
        self.day_used[day] -= self.online_min[client]
        self.month_used -= self.online_min[client]
        self.blocked[client] = self._blocked_by(client)

    def _book(self, clients: Sequence[int], day: int, minutes: int) -> None:
        self.day_used[day] += minutes
        self.month_used += minutes
        here = self.ordinal[day]
        for c in clients:
            self.taken[c].append(day)
            self.blocked[c] |= self._near(day)
            wanted = self.open.get(c)
            if wanted:
                wanted.remove(min(wanted, key=lambda x: abs(here - x)))

    # -- repairs ---------------------------------------------------------------------------
    def complete(self) -> bool:
        return all(d is not None for d in self.trip_day) and all(
            len(self.online[item.client]) == len(item.weights) for item in self.inp.online
        )

    def repair(self) -> None:
        """Place what is left by re-placing online sessions; heaviest items first."""
        missing_trips = sorted(
            (r for r, d in enumerate(self.trip_day) if d is None),
            key=lambda r: (-self.inp.trips[r].weight, r),
        )
        for r in missing_trips:
            trip = self.inp.trips[r]
            blocked = set().union(*(self.blocked[c] for c in trip.clients))
            for d in self._by_preference(trip.clients, True):
                if (
                    self.day_trip[d] is None
                    and d not in blocked
                    and self.month_used + trip.duration_min <= self.inp.budget_min
                    and self._make_room(d, trip.duration_min, keep=trip.clients)
                ):
                    self.put_trip(r, d)
                    break
        for item in sorted(self.inp.online, key=lambda i: (-i.weights[0], i.client)):
            if len(self.online[item.client]) < len(item.weights):
                self._repack_online(item)
            while len(self.online[item.client]) < len(item.weights):
                if not self._squeeze_online(item):
                    break

    def _repack_online(self, item: OnlineItem) -> None:
        """Re-place a client's online sessions earliest-first if that fits more of them.

        Taking the earliest possible day each time fits the most sessions a gap apart, so
        this finds the client's best count with the other clients' days unchanged.
        """
        before = list(self.online[item.client])
        for d in before:
            self.take_online(item.client, d)
        packed: list[int] = []
        for d in range(len(self.inp.days)):
            if len(packed) == len(item.weights):
                break
            if d in self.blocked[item.client] or not self.fits(d, item.duration_min):
                continue
            if packed and self.ordinal[d] - self.ordinal[packed[-1]] < self.inp.gap_days:
                continue
            packed.append(d)
        for d in packed if len(packed) > len(before) else before:
            self.put_online(item.client, d)

    def _squeeze_online(self, item: OnlineItem) -> bool:
        """One more online session on a day made free by moving others' online sessions."""
        if self.month_used + item.duration_min > self.inp.budget_min:
            return False
        for d in self._by_preference((item.client,), False):
            if d not in self.blocked[item.client] and self._make_room(
                d, item.duration_min, keep=(item.client,)
            ):
                self.put_online(item.client, d)
                return True
        return False

    def _make_room(self, day: int, minutes: int, keep: Sequence[int]) -> bool:
        """Move online sessions off ``day`` (to days their clients may use) until it fits."""
        for other in sorted(self.day_online[day]):
            if self.fits_day(day, minutes):
                break
            if other in keep:
                continue
            self.take_online(other, day)
            moved = [
                d
                for d in range(len(self.inp.days))
                if d != day
                and d not in self.blocked[other]
                and self.fits_day(d, self.online_min[other])
            ]
            self.put_online(other, moved[0] if moved else day)
        return self.fits_day(day, minutes)

    def _by_preference(self, clients: Sequence[int], onsite: bool) -> list[int]:
        return sorted(
            range(len(self.inp.days)),
            key=lambda d: (sum(self.distance(c, d, onsite) for c in clients), d),
        )

    def _near(self, day: int) -> set[int]:
        here = self.ordinal[day]
        return {d for d, o in enumerate(self.ordinal) if abs(o - here) < self.inp.gap_days}

    def _blocked_by(self, client: int) -> set[int]:
        blocked = set(range(len(self.inp.days))) - set(allowed_days((client,), self.inp))
        for day in self.taken[client]:
            blocked |= self._near(day)
        return blocked


def search_place(
    inp: PlacementInput, limit: float, seed: int, hint: Placement | None = None
) -> Placement:
    """CP-SAT placement maximising kept weight (starting from ``hint`` when given)."""
    model = cp_model.CpModel()
    v = _variables(model, inp)
    _add_trip_once(model, v, inp)
    _add_one_trip_a_day(model, v, inp)
    _add_online_count(model, v, inp)
    _add_day_length(model, v, inp)
    _add_month_budget(model, v, inp)
    _add_spacing(model, v, inp)
    # Coverage only: the greedy hint brings near-preferred days, and proving the best
    # closeness as well costs far more search than it is worth in these crowded months.
    model.maximize(_coverage(v, inp))
    if hint is not None:
        _add_hint(model, v, inp, hint)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = seed
    solver.parameters.max_deterministic_time = limit
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return Placement((None,) * len(inp.trips), {}, solved=False)
    return _extract(solver, v, inp)


def _everything_placed(placement: Placement, inp: PlacementInput) -> bool:
    return all(d is not None for d in placement.trip_day) and all(
        len(placement.online_days.get(item.client, ())) == len(item.weights) for item in inp.online
    )


def allowed_days(clients: Sequence[int], inp: PlacementInput) -> list[int]:
    """Day indices between every client's earliest and latest allowed day."""
    first = max((inp.earliest[c] for c in clients if c in inp.earliest), default=None)
    last = min((inp.latest[c] for c in clients if c in inp.latest), default=None)
    return [
        d
        for d, day in enumerate(inp.days)
        if (first is None or day >= first) and (last is None or day <= last)
    ]


def _variables(model: cp_model.CpModel, inp: PlacementInput) -> _Vars:
    trip = {
        (r, d): model.new_bool_var(f"trip{r}_d{d}")
        for r, item in enumerate(inp.trips)
        for d in allowed_days(item.clients, inp)
    }
    online = {
        (item.client, d): model.new_bool_var(f"online{item.client}_d{d}")
        for item in inp.online
        for d in allowed_days((item.client,), inp)
    }
    kept = {
        item.client: [
            model.new_bool_var(f"kept{item.client}_{k}") for k in range(len(item.weights))
        ]
        for item in inp.online
    }
    return _Vars(trip, online, kept)


def _add_trip_once(model: cp_model.CpModel, v: _Vars, inp: PlacementInput) -> None:
    by_trip = defaultdict(list)
    for (r, _), var in v.trip.items():
        by_trip[r].append(var)
    for variables in by_trip.values():
        model.add_at_most_one(variables)


def _add_one_trip_a_day(model: cp_model.CpModel, v: _Vars, inp: PlacementInput) -> None:
    by_day = defaultdict(list)
    for (_, d), var in v.trip.items():
        by_day[d].append(var)
    for variables in by_day.values():
        model.add_at_most_one(variables)


def _add_online_count(model: cp_model.CpModel, v: _Vars, inp: PlacementInput) -> None:
    """Online sessions of a client = the kept ones; the k-th is kept only after the (k-1)-th."""
    by_client = defaultdict(list)
    for (c, _), var in v.online.items():
        by_client[c].append(var)
    for item in inp.online:
        kept = v.kept[item.client]
        model.add(sum(by_client[item.client]) == sum(kept))
        for first, second in itertools.pairwise(kept):
            model.add_implication(second, first)


def _add_day_length(model: cp_model.CpModel, v: _Vars, inp: PlacementInput) -> None:
    online_min = {item.client: item.duration_min for item in inp.online}
    minutes: dict[int, list[cp_model.LinearExprT]] = defaultdict(list)
    for (r, d), var in v.trip.items():
        minutes[d].append(inp.trips[r].duration_min * var)
    for (c, d), var in v.online.items():
        minutes[d].append(online_min[c] * var)
    for terms in minutes.values():
        model.add(sum(terms) <= inp.day_min)


def _add_month_budget(model: cp_model.CpModel, v: _Vars, inp: PlacementInput) -> None:
    online_min = {item.client: item.duration_min for item in inp.online}
    terms = [inp.trips[r].duration_min * var for (r, _), var in v.trip.items()]
    terms += [online_min[c] * var for (c, _), var in v.online.items()]
    if terms:
        model.add(sum(terms) <= inp.budget_min)


def _add_spacing(model: cp_model.CpModel, v: _Vars, inp: PlacementInput) -> None:
    """Any ``gap_days`` consecutive calendar days hold at most one session of a client."""
    sessions: dict[int, dict[int, list[cp_model.IntVar]]] = defaultdict(lambda: defaultdict(list))
    for (r, d), var in v.trip.items():
        for c in inp.trips[r].clients:
            sessions[c][d].append(var)
    for (c, d), var in v.online.items():
        sessions[c][d].append(var)
    ordinal = [day.toordinal() for day in inp.days]
    for by_day in sessions.values():
        days = sorted(by_day)
        for i, first in enumerate(days):
            window = [
                var
                for later in days[i:]
                if ordinal[later] - ordinal[first] < inp.gap_days
                for var in by_day[later]
            ]
            if len(window) > 1:
                model.add_at_most_one(window)


def _coverage(v: _Vars, inp: PlacementInput) -> cp_model.LinearExpr:
    variables = [var for (r, _), var in v.trip.items()]
    weights = [inp.trips[r].weight for (r, _) in v.trip]
    for item in inp.online:
        variables += v.kept[item.client]
        weights += item.weights
    return cp_model.LinearExpr.weighted_sum(variables, weights)


def _add_hint(model: cp_model.CpModel, v: _Vars, inp: PlacementInput, hint: Placement) -> None:
    for (r, d), var in v.trip.items():
        model.add_hint(var, hint.trip_day[r] == d)
    for (c, d), var in v.online.items():
        model.add_hint(var, d in hint.online_days.get(c, ()))
    for item in inp.online:
        placed = len(hint.online_days.get(item.client, ()))
        for k, var in enumerate(v.kept[item.client]):
            model.add_hint(var, k < placed)


def _extract(solver: cp_model.CpSolver, v: _Vars, inp: PlacementInput) -> Placement:
    trip_day: list[int | None] = [None] * len(inp.trips)
    for (r, d), var in v.trip.items():
        if solver.boolean_value(var):
            trip_day[r] = d
    online: dict[int, list[int]] = defaultdict(list)
    for (c, d), var in sorted(v.online.items()):
        if solver.boolean_value(var):
            online[c].append(d)
    return Placement(tuple(trip_day), {c: tuple(days) for c, days in online.items()}, solved=True)
