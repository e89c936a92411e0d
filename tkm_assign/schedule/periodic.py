"""Periodic routing on plain arrays: visits with frequencies and day patterns, routes per day.

:class:`PeriodicInstance` is the solver-side form of every visit-routing problem in the
project and of the periodic vehicle routing benchmark (Cordeau, Gendreau and Laporte 1997):

- visits (participants, customers) with a service time, a demand and a list of allowed
  *patterns*, each a set of days on which the visit is made (its frequency is the pattern's
  size); a visit may be optional, at a cost when left out;
- vehicles (a mentor on one working day, a truck on one day), each with its day and its
  own home; a route leaves home and comes back, and holds at most ``capacity`` demand, at
  most ``travel_limit`` riding and at most ``duration_limit`` riding plus service;
- the home of a visit either fixed (``visit_home``, as after an assignment) or free: then
  all visits of one participant come from one home, chosen with the pattern.

Goal: least total riding plus the cost of optional visits left out. Arrays and plain
integers only: nothing here knows about participants or mentors; node 0..H-1 of
``travel`` are the homes, H.. the visits.

:func:`solve_periodic` is a ruin-and-recreate search (string removals around a seed visit,
greedy reinsertion with blinks, in the manner of Christiaens and Vanden Berghe's SISR),
where reinsertion chooses a visit's pattern and home together with its positions, each
changed route is improved with 2-opt, and acceptance follows simulated annealing. Capacity
and time excess are allowed during the search at an adaptive price and never in the result.
Work is counted (:class:`~tkm_assign.assign.gap.Budget` units), so the same instance, seed
and work give the same solution on any machine; the wall-clock limit is only a safety net.
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import numpy.typing as npt

from tkm_assign.assign.gap import Budget

IntArray = npt.NDArray[np.int64]
Pattern = tuple[int, ...]  # days of one pattern, ascending

FREE_HOME = -1
NO_LIMIT = np.iinfo(np.int64).max // 4
# Edge evaluations (insertion positions and 2-opt pairs) per work unit: about a second of
# this module's work on an ordinary machine.
EDGES_PER_UNIT = 10_000_000
# OR-Tools local-search solutions per work unit (:func:`polish`).
SOLUTIONS_PER_UNIT = 100
CALL_EDGES = 300  # the fixed cost of one vectorised pass, in edge evaluations


@dataclass(frozen=True, eq=False)
class PeriodicInstance:
    """Visits with allowed day patterns, vehicles with a day and a home; arrays only.

    Parameters
    ----------
    n_homes
        Homes are nodes ``0..n_homes-1`` of ``travel``; visit ``v`` is node ``n_homes + v``.
    n_days
        Days are numbered ``0..n_days-1``.
    travel
        Riding (minutes, or scaled distance) between all nodes; need not be symmetric.
    visit_patterns
        Per visit, the allowed patterns (each a non-empty ascending tuple of days).
    visit_service
        Minutes at each stop of the visit (counts toward ``duration_limit``).
    visit_demand
        Load of each stop of the visit (counts toward ``capacity``).
    vehicle_day, vehicle_home
        Per vehicle (one route), its day and its home.
    vehicle_capacity, vehicle_duration, vehicle_travel
        Per vehicle: most demand, most riding plus service, most riding; ``None``: no limit.
    visit_home
        Per visit, the home it must come from (:data:`FREE_HOME`: any, one for all its days);
        ``None``: all free.
    visit_skip_cost
        Per visit, the cost of leaving it out; ``None``: every visit must be made.
    """

    n_homes: int
    n_days: int
    travel: IntArray
    visit_patterns: tuple[tuple[Pattern, ...], ...]
    visit_service: IntArray
    visit_demand: IntArray
    vehicle_day: IntArray
    vehicle_home: IntArray
    vehicle_capacity: IntArray | None = None
    vehicle_duration: IntArray | None = None
    vehicle_travel: IntArray | None = None
    visit_home: IntArray | None = None
    visit_skip_cost: IntArray | None = None

    def __post_init__(self) -> None:
        n = self.n_homes + self.n_visits
        if self.travel.shape != (n, n):
            raise ValueError(f"travel is {self.travel.shape}, expected ({n}, {n})")
        for v, patterns in enumerate(self.visit_patterns):
            for pattern in patterns:
                if not pattern or list(pattern) != sorted(set(pattern)):
                    raise ValueError(f"visit {v}: pattern {pattern} is not ascending days")
                if pattern[0] < 0 or pattern[-1] >= self.n_days:
                    raise ValueError(f"visit {v}: pattern {pattern} outside 0..{self.n_days - 1}")

    @property
    def n_visits(self) -> int:
        return len(self.visit_patterns)

    @property
    def n_vehicles(self) -> int:
        return len(self.vehicle_day)

    def _limit(self, values: IntArray | None) -> IntArray:
        if values is None:
            return np.full(self.n_vehicles, NO_LIMIT, dtype=np.int64)
        return np.asarray(values, dtype=np.int64)

    @cached_property
    def capacity(self) -> IntArray:
        return self._limit(self.vehicle_capacity)

    @cached_property
    def duration(self) -> IntArray:
        return self._limit(self.vehicle_duration)

    @cached_property
    def travel_cap(self) -> IntArray:
        return self._limit(self.vehicle_travel)

    @cached_property
    def homes_of(self) -> tuple[tuple[int, ...], ...]:
        """Homes each visit may come from."""
        every = tuple(sorted({int(h) for h in self.vehicle_home}))
        if self.visit_home is None:
            return (every,) * self.n_visits
        return tuple(every if h == FREE_HOME else (int(h),) for h in self.visit_home)

    @cached_property
    def vehicles_of_day(self) -> tuple[IntArray, ...]:
        return tuple(
            np.flatnonzero(self.vehicle_day == d).astype(np.int64) for d in range(self.n_days)
        )

    @cached_property
    def neighbours(self) -> IntArray:
        """Per visit, all visits by increasing riding between them (itself first)."""
        nodes = self.n_homes + np.arange(self.n_visits)
        legs = np.minimum(self.travel, self.travel.T)[np.ix_(nodes, nodes)]
        return np.argsort(legs, axis=1, kind="stable").astype(np.int64)

    @property
    def optional(self) -> bool:
        return self.visit_skip_cost is not None


@dataclass(frozen=True)
class PeriodicSolution:
    """Routes per vehicle (visit indices in riding order) and each visit's pattern.

    ``pattern[v]`` is the index into ``visit_patterns[v]``, -1 when the visit is left out;
    ``home[v]`` is the home it comes from (-1 when left out).
    """

    routes: tuple[tuple[int, ...], ...]
    pattern: tuple[int, ...]
    home: tuple[int, ...]
    travel: int  # total riding
    skipped_cost: int
    feasible: bool
    iterations: int
    work_units: float
    seconds: float

    @property
    def objective(self) -> int:
        return self.travel + self.skipped_cost


@dataclass(frozen=True, slots=True)
class PeriodicParams:
    """Search limits: work units (deterministic), a wall-clock safety net, the seed.

    ``initial`` optionally gives routes to start from (one tuple of visits per vehicle).
    """

    work_units: float = 5.0
    time_limit_s: float = 60.0
    seed: int = 0
    max_removed: int = 10  # average visits removed by one ruin step (SISR's c-bar)
    polish_share: float = 0.0  # share of the work for OR-Tools local search at the end
    initial: tuple[tuple[int, ...], ...] | None = field(default=None, compare=False)


def route_travel(instance: PeriodicInstance, vehicle: int, route: Sequence[int]) -> int:
    """Riding of one route, home to home."""
    path = _path(instance, vehicle, route)
    return int(instance.travel[path[:-1], path[1:]].sum())


def _path(instance: PeriodicInstance, vehicle: int, route: Sequence[int]) -> IntArray:
    """Nodes of home -> route -> home."""
    home = int(instance.vehicle_home[vehicle])
    path = np.empty(len(route) + 2, dtype=np.int64)
    path[0] = path[-1] = home
    path[1:-1] = np.asarray(route, dtype=np.int64) + instance.n_homes
    return path


def violations(instance: PeriodicInstance, solution: PeriodicSolution) -> list[str]:
    """Every rule a solution breaks, in words (empty when it is feasible)."""
    out = []
    days_of: dict[int, list[int]] = {}
    home_of: dict[int, set[int]] = {}
    for k, route in enumerate(solution.routes):
        day, home = int(instance.vehicle_day[k]), int(instance.vehicle_home[k])
        if len(set(route)) < len(route):
            out.append(f"vehicle {k} visits a stop twice")
        for v in route:
            days_of.setdefault(v, []).append(day)
            home_of.setdefault(v, set()).add(home)
        load = int(instance.visit_demand[list(route)].sum()) if route else 0
        riding = route_travel(instance, k, route)
        service = int(instance.visit_service[list(route)].sum()) if route else 0
        if load > instance.capacity[k]:
            out.append(f"vehicle {k}: load {load} > capacity {instance.capacity[k]}")
        if riding > instance.travel_cap[k]:
            out.append(f"vehicle {k}: riding {riding} > {instance.travel_cap[k]}")
        if route and riding + service > instance.duration[k]:
            out.append(f"vehicle {k}: duration {riding + service} > {instance.duration[k]}")
    for v in range(instance.n_visits):
        days = tuple(sorted(days_of.get(v, [])))
        if not days:
            if not instance.optional:
                out.append(f"visit {v} is not made")
            continue
        if days not in instance.visit_patterns[v]:
            out.append(f"visit {v}: days {days} are not an allowed pattern")
        homes = home_of[v]
        if len(homes) > 1 or not homes <= set(instance.homes_of[v]):
            out.append(f"visit {v}: homes {sorted(homes)} not allowed")
    return out


def solve_periodic(instance: PeriodicInstance, params: PeriodicParams) -> PeriodicSolution:
    """Least riding (plus skipped cost) routes; see the module docstring.

    Parameters
    ----------
    instance
        Visits, patterns and vehicles.
    params
        Work units, wall-clock safety net, seed, optional starting routes.

    Returns
    -------
    PeriodicSolution
        The best feasible solution found; when none was found, the least infeasible one
        with ``feasible=False`` (the caller decides what to drop).
    """
    started = time.monotonic()
    deadline = started + params.time_limit_s
    share = min(max(params.polish_share, 0.0), 1.0)
    work = params.work_units * (1.0 - share)
    # The search leaves the OR-Tools finish its share of the wall-clock limit too.
    budget = Budget(work * EDGES_PER_UNIT, started + params.time_limit_s * (1.0 - share))
    search = _Search(instance, np.random.default_rng(params.seed), budget, params.max_removed)
    if params.initial is not None:
        search.start_from(params.initial)
    for k in sorted(search.fill()):
        search.two_opt(k)
    iterations = search.run()
    found = search.result(iterations, work - budget.left / EDGES_PER_UNIT, started)
    solutions = round(params.work_units * share * SOLUTIONS_PER_UNIT)
    if solutions > 0 and time.monotonic() < deadline:
        found = polish(instance, found, solutions, deadline - time.monotonic())
        found = dataclasses.replace(
            found, work_units=params.work_units, seconds=time.monotonic() - started
        )
    return found


class _Search:
    """Routes, their loads and riding, and the ruin-and-recreate loop.

    Each day keeps its routes' edges as arrays (from-node, to-node, riding, vehicle,
    position), rebuilt only when one of its routes changes, so that pricing a visit on a
    day is one vectorised pass over that day's edges. Changes of one iteration are logged
    so that a rejected iteration is undone by restoring only the routes it touched.
    """

    def __init__(
        self, instance: PeriodicInstance, rng: np.random.Generator, budget: Budget, removed: int
    ) -> None:
        self.inst = instance
        self.rng = rng
        self.budget = budget
        self.removed = max(1, removed)
        k = instance.n_vehicles
        self.routes: list[list[int]] = [[] for _ in range(k)]
        self.load = np.zeros(k, dtype=np.int64)
        self.riding = np.zeros(k, dtype=np.int64)
        self.service = np.zeros(k, dtype=np.int64)
        self.pattern = [-1] * instance.n_visits
        self.home = [-1] * instance.n_visits
        self.where: list[list[int]] = [[] for _ in range(instance.n_visits)]  # vehicles of v
        scale = float(np.median(instance.travel)) if instance.travel.size else 1.0
        self.price = max(scale, 1.0)  # of one unit of capacity or time excess
        self.skip = (
            np.asarray(instance.visit_skip_cost, dtype=np.int64)
            if instance.visit_skip_cost is not None
            else None
        )
        self.max_patterns = [max(len(p) for p in ps) for ps in instance.visit_patterns]
        self.cache: tuple[IntArray, ...] | None = None  # :meth:`edges`
        self.by_day = np.argsort(instance.vehicle_day, kind="stable").astype(np.int64)
        self.paths = [(_path(instance, j, ()), np.zeros(1, dtype=np.int64)) for j in range(k)]
        for j in range(k):
            self._refresh(j)
        self.log: dict[int, list[int]] | None = None  # vehicle -> route before this iteration
        self.visit_log: dict[int, tuple[int, int, list[int]]] = {}
        # (infeasible?, objective or priced cost), routes, patterns, homes
        self.best: tuple[tuple[int, float], list[list[int]], list[int], list[int]] | None = None

    # -- state -----------------------------------------------------------------------------
    def excess_of(
        self, k: IntArray, load: IntArray, riding: IntArray, service: IntArray
    ) -> IntArray:
        inst = self.inst
        over = np.zeros(len(k), dtype=np.int64)
        if inst.vehicle_capacity is not None:
            over += np.maximum(0, load - inst.capacity[k])
        if inst.vehicle_travel is not None:
            over += np.maximum(0, riding - inst.travel_cap[k])
        if inst.vehicle_duration is not None:
            over += np.maximum(0, riding + service - inst.duration[k])
        return over

    def penalty(self) -> int:
        every = np.arange(self.inst.n_vehicles)
        return int(self.excess_of(every, self.load, self.riding, self.service).sum())

    def skipped(self) -> int:
        if self.skip is None:
            return 0
        out = np.fromiter((p < 0 for p in self.pattern), dtype=bool, count=len(self.pattern))
        return int(self.skip[out].sum())

    def cost(self) -> float:
        return float(self.riding.sum()) + self.skipped() + self.price * self.penalty()

    def _changing(self, k: int) -> None:
        if self.log is not None and k not in self.log:
            self.log[k] = list(self.routes[k])

    def _visit_changing(self, v: int) -> None:
        if self.log is not None and v not in self.visit_log:
            self.visit_log[v] = (self.pattern[v], self.home[v], list(self.where[v]))

    def _refresh(self, k: int) -> None:
        inst, route = self.inst, self.routes[k]
        path = _path(inst, k, route)
        legs = inst.travel[path[:-1], path[1:]]
        self.paths[k] = (path, legs)
        self.riding[k] = int(legs.sum())
        self.load[k] = int(inst.visit_demand[route].sum()) if route else 0
        self.service[k] = int(inst.visit_service[route].sum()) if route else 0
        self.cache = None

    def edges(self) -> tuple[IntArray, ...]:
        """Every route's edges, by day: from-node, to-node, riding, vehicle, insertion
        position, home, the vehicle's load, riding, service and current excess, and where
        each day's edges start (``n_days + 1`` offsets)."""
        if self.cache is not None:
            return self.cache
        order = self.by_day
        paths = [self.paths[int(k)] for k in order]
        lengths = np.array([len(p) - 1 for p, _ in paths], dtype=np.int64)
        vehicle = np.repeat(order, lengths)
        load, riding, service = self.load[vehicle], self.riding[vehicle], self.service[vehicle]
        per_day = np.bincount(
            self.inst.vehicle_day[order], weights=lengths, minlength=self.inst.n_days
        ).astype(np.int64)
        self.cache = (
            np.concatenate([p[:-1] for p, _ in paths]),
            np.concatenate([p[1:] for p, _ in paths]),
            np.concatenate([legs for _, legs in paths]),
            vehicle,
            np.concatenate([np.arange(n, dtype=np.int64) for n in lengths]),
            self.inst.vehicle_home[vehicle],
            load,
            riding,
            service,
            self.excess_of(vehicle, load, riding, service),
            np.concatenate([[0], np.cumsum(per_day)]).astype(np.int64),
        )
        return self.cache

    def start_from(self, routes: Sequence[Sequence[int]]) -> None:
        """Start from given routes (their patterns are read back from the days)."""
        inst = self.inst
        for k, route in enumerate(routes):
            self.routes[k] = list(route)
            for v in route:
                self.where[v].append(k)
                self.home[v] = int(inst.vehicle_home[k])
            self._refresh(k)
        for v in range(inst.n_visits):
            if self.where[v]:
                days = tuple(sorted(int(inst.vehicle_day[k]) for k in self.where[v]))
                patterns = inst.visit_patterns[v]
                if days in patterns:
                    self.pattern[v] = patterns.index(days)
                else:
                    self.remove(v)

    def remove(self, v: int) -> None:
        self._visit_changing(v)
        for k in self.where[v]:
            self._changing(k)
            self.routes[k].remove(v)
            self._refresh(k)
        self.where[v] = []
        self.pattern[v] = -1
        self.home[v] = -1

    # -- insertion -------------------------------------------------------------------------
    def priced(self, v: int, home: int, blink: float) -> tuple[npt.NDArray[np.float64], IntArray]:
        """Priced cost of inserting ``v`` on every edge (from ``home``), and the day offsets."""
        inst = self.inst
        a, b, ab, vehicle, _, homes, load, riding, service, before, starts = self.edges()
        node = inst.n_homes + v
        delta = inst.travel[a, node] + inst.travel[node, b] - ab
        self.budget.spend(len(a) + CALL_EDGES)
        after = self.excess_of(
            vehicle,
            load + int(inst.visit_demand[v]),
            riding + delta,
            service + int(inst.visit_service[v]),
        )
        value = (delta + self.price * (after - before)).astype(np.float64)
        if inst.n_homes > 1:
            value[homes != home] = math.inf
        if blink > 0:
            value[self.rng.random(len(value)) < blink] = math.inf
        return value, starts

    def insert(self, v: int, blink: float = 0.0, force: bool = False) -> bool:
        """Put ``v`` on its cheapest pattern and home; False when it stays out.

        An optional visit stays out when that is cheaper, unless ``force`` (visits that
        only pay off together get their chance that way).
        """
        inst = self.inst
        choice: tuple[float, int, int, list[tuple[int, int]]] | None = None
        _, _, _, vehicle, position, *_ = self.edges()
        for home in inst.homes_of[v]:
            value, starts = self.priced(v, home, blink)
            by_day: dict[int, tuple[float, int, int]] = {}
            for p, pattern in enumerate(inst.visit_patterns[v]):
                total, places = 0.0, []
                for day in pattern:
                    if day not in by_day:
                        by_day[day] = (math.inf, -1, -1)
                        first, last = int(starts[day]), int(starts[day + 1])
                        if last > first:
                            at = first + int(np.argmin(value[first:last]))
                            if math.isfinite(float(value[at])):
                                by_day[day] = (
                                    float(value[at]),
                                    int(vehicle[at]),
                                    int(position[at]),
                                )
                    cost, k, pos = by_day[day]
                    if k < 0:
                        break
                    total += cost
                    places.append((k, pos))
                else:
                    if choice is None or total < choice[0]:
                        choice = (total, home, p, places)
        if choice is None:
            return False
        if self.skip is not None and not force and choice[0] >= int(self.skip[v]):
            return False
        _, home, p, places = choice
        self._visit_changing(v)
        for k, pos in places:
            self._changing(k)
            self.routes[k].insert(pos, v)
            self.where[v].append(k)
            self._refresh(k)
        self.pattern[v], self.home[v] = p, home
        return True

    def fill(self) -> set[int]:
        """Insert every visit not yet routed: most days first, then farthest from home.

        Returns the vehicles whose routes changed.
        """
        inst = self.inst
        out = [v for v in range(inst.n_visits) if self.pattern[v] < 0]
        far = [-min(int(inst.travel[h, inst.n_homes + v]) for h in inst.homes_of[v]) for v in out]
        freq = [-self.max_patterns[v] for v in out]
        touched: set[int] = set()
        for _, _, v in sorted(zip(freq, far, out, strict=True)):
            if self.insert(v):
                touched.update(self.where[v])
        return touched

    # -- improvement -----------------------------------------------------------------------
    def two_opt(self, k: int) -> None:
        """Reverse segments of route ``k`` while that shortens it (best move first)."""
        route = self.routes[k]
        if len(route) < 3:
            return
        inst = self.inst
        home = int(inst.vehicle_home[k])
        changed = False
        while True:
            path = np.array([home, *(inst.n_homes + x for x in route), home], dtype=np.int64)
            a, b = path[:-1], path[1:]
            # Reversing path[i+1..j] replaces edges (a_i, b_i), (a_j, b_j) by (a_i, a_j),
            # (b_i, b_j) (for a symmetric matrix; the inner edges' direction is checked below).
            ab = inst.travel[a, b]
            gain = (
                ab[:, None]
                + ab[None, :]
                - inst.travel[a[:, None], a[None, :]]
                - inst.travel[b[:, None], b[None, :]]
            )
            self.budget.spend(gain.size + CALL_EDGES)
            gain = np.triu(gain, 2)
            i, j = (int(x) for x in np.unravel_index(int(np.argmax(gain)), gain.shape))
            if gain[i, j] <= 0:
                break
            candidate = route[:i] + route[i:j][::-1] + route[j:]
            if route_travel(inst, k, candidate) >= route_travel(inst, k, route):
                break  # an asymmetric matrix: the reversed inner part costs more
            if not changed:
                self._changing(k)
                changed = True
            route[:] = candidate
        if changed:
            self._refresh(k)

    def ruin(self) -> list[int]:
        """String removals around a random seed visit (SISR): whole visits, all their days."""
        inst = self.inst
        seed = int(self.rng.integers(inst.n_visits))
        for _ in range(inst.n_visits):
            if self.pattern[seed] >= 0:
                break
            seed = (seed + 1) % inst.n_visits
        else:
            return sorted(v for v in range(inst.n_visits) if self.inst.optional)
        strings = max(1, int(self.rng.integers(1, 2 * self.removed + 1)) // 5)
        length = max(1, int(self.rng.integers(1, 6)))
        removed: set[int] = set()
        touched: set[int] = set()
        for v in inst.neighbours[seed]:
            v = int(v)
            if len(touched) >= strings:
                break
            if self.pattern[v] < 0 or v in removed:
                continue
            k = self.where[v][int(self.rng.integers(len(self.where[v])))]
            if k in touched:
                continue
            touched.add(k)
            route = self.routes[k]
            n = min(length, len(route))
            at = route.index(v)
            start = max(0, min(at - int(self.rng.integers(n)), len(route) - n))
            removed.update(route[start : start + n])
        if self.inst.optional and self.rng.random() < 0.5:
            # Left-out visits get another chance now and then.
            removed.update(
                v for v in range(inst.n_visits) if self.pattern[v] < 0 and self.rng.random() < 0.5
            )
        out = sorted(removed)
        for v in out:
            if self.pattern[v] >= 0:
                self.remove(v)
        return out

    def recreate(self, removed: list[int]) -> None:
        inst = self.inst
        order = int(self.rng.integers(4))
        if order == 0:
            self.rng.shuffle(removed)
        elif order == 1:
            removed.sort(key=lambda v: -int(inst.visit_demand[v]))
        elif order == 2:
            removed.sort(key=lambda v: -int(inst.travel[inst.homes_of[v][0], inst.n_homes + v]))
        else:
            removed.sort(key=lambda v: -self.max_patterns[v])
        touched: set[int] = set()
        force = self.inst.optional and self.rng.random() < 0.3
        for v in removed:
            if self.insert(v, blink=0.01, force=force):
                touched.update(self.where[v])
        if not self.inst.optional:
            touched |= self.fill()  # a visit priced out of every pattern tries again
        for k in sorted(touched):
            self.two_opt(k)

    def begin(self) -> None:
        self.log, self.visit_log = {}, {}

    def undo(self) -> None:
        """Put back every route and visit the iteration changed."""
        assert self.log is not None
        for k, route in self.log.items():
            self.routes[k] = route
            self._refresh(k)
        for v, (pattern, home, where) in self.visit_log.items():
            self.pattern[v], self.home[v], self.where[v] = pattern, home, where
        self.log, self.visit_log = None, {}

    def run(self) -> int:
        """Ruin and recreate with simulated-annealing acceptance until the work is spent."""
        current = self.cost()
        self._keep_best(current)
        visits = max(1, sum(len(r) for r in self.routes) + self.pattern.count(-1))
        scale = (float(self.riding.sum()) + self.skipped()) / visits
        start_t, end_t = 0.1 * scale, 0.001 * scale
        total = self.budget.left
        iterations = 0
        infeasible_run = 0
        while not self.budget.exhausted and self.inst.n_visits:
            iterations += 1
            spent = 1.0 - self.budget.left / total if math.isfinite(total) and total > 0 else 0.0
            temperature = start_t * (end_t / start_t) ** min(1.0, spent) if start_t > 0 else 0.0
            self.begin()
            self.recreate(self.ruin())
            candidate = self.cost()
            threshold = current - temperature * math.log(max(self.rng.random(), 1e-12))
            if candidate < threshold:
                current = candidate
                self.log, self.visit_log = None, {}
                self._keep_best(current)
            else:
                self.undo()
            # Price excess up while the search stays infeasible.
            if self.penalty() > 0:
                infeasible_run += 1
                if infeasible_run >= 20:
                    self.price *= 1.5
                    infeasible_run = 0
                    current = self.cost()
            else:
                infeasible_run = 0
        return iterations

    def _keep_best(self, current: float) -> None:
        feasible = self.penalty() == 0
        key = (0, float(self.riding.sum()) + self.skipped()) if feasible else (1, current)
        if self.best is None or key < self.best[0]:
            routes = [list(r) for r in self.routes]
            self.best = (key, routes, list(self.pattern), list(self.home))

    def result(self, iterations: int, work: float, started: float) -> PeriodicSolution:
        assert self.best is not None
        (infeasible, _), routes, pattern, home = self.best
        return _solution(
            self.inst, routes, pattern, home, infeasible == 0, iterations, work, started
        )


def _solution(
    inst: PeriodicInstance,
    routes: Sequence[Sequence[int]],
    pattern: Sequence[int],
    home: Sequence[int],
    feasible: bool,
    iterations: int,
    work: float,
    started: float,
) -> PeriodicSolution:
    """A result with its riding and skipped cost counted from the routes and patterns."""
    skipped = 0
    if inst.visit_skip_cost is not None:
        skipped = int(sum(int(inst.visit_skip_cost[v]) for v, p in enumerate(pattern) if p < 0))
    return PeriodicSolution(
        routes=tuple(tuple(r) for r in routes),
        pattern=tuple(pattern),
        home=tuple(home),
        travel=sum(route_travel(inst, k, r) for k, r in enumerate(routes)),
        skipped_cost=skipped,
        feasible=feasible,
        iterations=iterations,
        work_units=work,
        seconds=time.monotonic() - started,
    )


def polish(
    instance: PeriodicInstance, solution: PeriodicSolution, solutions: int, time_limit_s: float
) -> PeriodicSolution:
    """Improve routes with OR-Tools local search (guided), keeping multi-day patterns.

    One OR-Tools vehicle per vehicle of the instance, each from its home. A visit made on
    one day may move to any vehicle of its allowed days (and, when its home is free, any
    home); a visit made on several days keeps the days and home of ``solution`` (moving one
    of its days alone would break its pattern). Capacity, riding and duration limits are
    dimensions; optional visits may be dropped at their cost. The search starts from
    ``solution`` and stops after ``solutions`` accepted solutions (deterministic) or the
    wall-clock limit; the better of the two is returned. OR-Tools indices stay in here.
    """
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2

    inst = instance
    if solutions <= 0 or not solution.feasible or inst.n_visits == 0:
        return solution
    # Routing nodes: 0..H-1 homes, then one node per (visit, stop).
    stops: list[int] = []  # routing node - H -> visit
    node_of: dict[tuple[int, int], int] = {}  # (visit, vehicle in solution) -> node
    for k, route in enumerate(solution.routes):
        for v in route:
            node_of[v, k] = inst.n_homes + len(stops)
            stops.append(v)
    skipped = [v for v in range(inst.n_visits) if solution.pattern[v] < 0]
    for v in skipped:  # optional, left out: may come back on one of its one-day patterns
        if any(len(p) == 1 for p in inst.visit_patterns[v]):
            node_of[v, -1] = inst.n_homes + len(stops)
            stops.append(v)
    nodes = list(range(inst.n_homes)) + [inst.n_homes + v for v in stops]
    matrix = inst.travel[np.ix_(nodes, nodes)]
    k_all = inst.n_vehicles
    homes = [int(h) for h in inst.vehicle_home]
    manager = pywrapcp.RoutingIndexManager(len(nodes), k_all, homes, homes)
    routing = pywrapcp.RoutingModel(manager)
    riding = routing.RegisterTransitMatrix(matrix.tolist())
    routing.SetArcCostEvaluatorOfAllVehicles(riding)
    service = [0] * inst.n_homes + [int(inst.visit_service[v]) for v in stops]
    timed = (matrix + np.array(service)[:, None]).tolist()
    demand = [0] * inst.n_homes + [int(inst.visit_demand[v]) for v in stops]
    if inst.vehicle_capacity is not None:
        load = routing.RegisterUnaryTransitVector(demand)
        routing.AddDimensionWithVehicleCapacity(
            load, 0, [int(c) for c in inst.capacity], True, "load"
        )
    if inst.vehicle_travel is not None:
        routing.AddDimensionWithVehicleCapacity(
            riding, 0, [int(c) for c in inst.travel_cap], True, "riding"
        )
    if inst.vehicle_duration is not None:
        duration = routing.RegisterTransitMatrix(timed)
        routing.AddDimensionWithVehicleCapacity(
            duration, 0, [int(c) for c in inst.duration], True, "duration"
        )
    for (v, k), node in node_of.items():
        index = manager.NodeToIndex(node)
        if k >= 0 and len(inst.visit_patterns[v][solution.pattern[v]]) > 1:
            day, home = int(inst.vehicle_day[k]), solution.home[v]
            allowed = [
                int(j) for j in inst.vehicles_of_day[day] if int(inst.vehicle_home[j]) == home
            ]
        else:
            days = {p[0] for p in inst.visit_patterns[v] if len(p) == 1}
            allowed = [
                j
                for j in range(k_all)
                if int(inst.vehicle_day[j]) in days
                and int(inst.vehicle_home[j]) in inst.homes_of[v]
            ]
        single = k < 0 or len(inst.visit_patterns[v][solution.pattern[v]]) == 1
        skip_cost = inst.visit_skip_cost
        droppable = skip_cost is not None and single
        if skip_cost is not None and single:
            routing.AddDisjunction([index], int(skip_cost[v]))
        # (SetAllowedVehiclesForIndex does not accept a list in some OR-Tools builds.)
        routing.VehicleVar(index).SetValues(([-1] if droppable else []) + allowed)
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    )
    params.solution_limit = solutions
    params.time_limit.FromMilliseconds(max(1, round(time_limit_s * 1000)))
    routing.CloseModelWithParameters(params)
    start = [[node_of[v, k] for v in route] for k, route in enumerate(solution.routes)]
    initial = routing.ReadAssignmentFromRoutes(start, True)
    if initial is None:
        return solution
    found = routing.SolveFromAssignmentWithParameters(initial, params)
    if found is None:
        return solution
    routes: list[list[int]] = []
    for k in range(k_all):
        stops_of: list[int] = []
        at = found.Value(routing.NextVar(routing.Start(k)))
        while not routing.IsEnd(at):
            stops_of.append(stops[manager.IndexToNode(at) - inst.n_homes])
            at = found.Value(routing.NextVar(at))
        routes.append(stops_of)
    better = _from_routes(inst, routes, solution)
    if better is None or better.objective >= solution.objective or violations(inst, better):
        return solution
    return better


def _from_routes(
    inst: PeriodicInstance, routes: list[list[int]], like: PeriodicSolution
) -> PeriodicSolution | None:
    pattern, home = [-1] * inst.n_visits, [-1] * inst.n_visits
    days: dict[int, list[int]] = {}
    for k, route in enumerate(routes):
        for v in route:
            days.setdefault(v, []).append(int(inst.vehicle_day[k]))
            home[v] = int(inst.vehicle_home[k])
    for v, ds in days.items():
        key = tuple(sorted(ds))
        if key not in inst.visit_patterns[v]:
            return None
        pattern[v] = inst.visit_patterns[v].index(key)
    started = time.monotonic() - like.seconds
    return _solution(inst, routes, pattern, home, True, like.iterations, like.work_units, started)
