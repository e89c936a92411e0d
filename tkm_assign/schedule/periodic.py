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
and time excess are allowed during the search at a price that follows the share of
feasible solutions (penalised infeasibility), and never in the result. The loops run
compiled (:mod:`~.periodic_search`, numba). Work is counted in edge evaluations
(:data:`EDGES_PER_UNIT` per work unit), so the same instance, seed and work give the same
solution on any machine; the wall-clock limit is only a safety net.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property

import numpy as np
import numpy.typing as npt

from tkm_assign.schedule import periodic_search as ps

IntArray = npt.NDArray[np.int64]
Pattern = tuple[int, ...]  # days of one pattern, ascending

FREE_HOME = -1
NO_LIMIT = np.iinfo(np.int64).max // 4
# Edge evaluations (insertion positions and 2-opt pairs) per work unit: about a second of
# the compiled search on one core (measured on the 2-core development machine).
EDGES_PER_UNIT = 15_000_000
CHUNKS = 64  # pieces of the counted work between two looks at the wall clock
# OR-Tools local-search solutions per work unit (:func:`polish`).
SOLUTIONS_PER_UNIT = 100


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
        """Number of visits (participants to serve over the period)."""
        return len(self.visit_patterns)

    @property
    def n_vehicles(self) -> int:
        """Number of vehicles (one per mentor-day, or per home and day)."""
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
        """Whether visits may be left out at their ``visit_skip_cost``."""
        return self.visit_skip_cost is not None


@dataclass(frozen=True)
class PeriodicSolution:
    """Routes per vehicle (visit indices in riding order) and each visit's pattern.

    Attributes
    ----------
    routes
        Per vehicle, the visits in riding order.
    pattern
        Per visit, the index into ``visit_patterns[v]`` of the days it is made on, -1 when
        left out.
    home
        Per visit, the home it is made from, -1 when left out.
    travel
        Total riding of every route.
    skipped_cost
        Sum of ``visit_skip_cost`` of the visits left out.
    feasible
        Whether every rule holds (see :func:`violations`).
    iterations, work_units, seconds
        Search iterations, counted work (deterministic) and wall time (not).
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
        """Riding plus the cost of the visits left out."""
        return self.travel + self.skipped_cost


@dataclass(frozen=True, slots=True)
class PeriodicParams:
    """Search limits: work units (deterministic), a wall-clock safety net, the seed.

    Attributes
    ----------
    work_units
        Counted work the search may do (deterministic: the same units give the same
        solution on any machine).
    time_limit_s
        Wall-clock safety net, seconds.
    seed
        Random seed of the search.
    max_removed
        Average visits removed by one ruin step (SISR's c-bar).
    polish_share
        Share of the work for OR-Tools local search at the end (0: none).
    initial
        Routes to start from (one tuple of visits per vehicle), or ``None``.
    """

    work_units: float = 5.0
    time_limit_s: float = 60.0
    seed: int = 0
    max_removed: int = 10  # average visits removed by one ruin step (SISR's c-bar)
    polish_share: float = 0.0  # share of the work for OR-Tools local search at the end
    initial: tuple[tuple[int, ...], ...] | None = field(default=None, compare=False)


def route_travel(instance: PeriodicInstance, vehicle: int, route: Sequence[int]) -> int:
    """Riding of one route, home to home.

    Parameters
    ----------
    instance
        The instance.
    vehicle
        Which vehicle (its home and day).
    route
        Visits in riding order.

    Returns
    -------
    int
        Riding in the instance's travel units.
    """
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
    """Every rule a solution breaks, in words (empty when it is feasible).

    Parameters
    ----------
    instance
        The instance.
    solution
        Routes and patterns to check.

    Returns
    -------
    list of str
        One line per broken rule: a stop made twice, load, riding or duration over a
        vehicle's limit, a required visit not made, days that are not an allowed pattern,
        a visit made from more than one home or a home it may not come from.
    """
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
    _compile_search()
    return _search(instance, params)


def _search(instance: PeriodicInstance, params: PeriodicParams) -> PeriodicSolution:
    """:func:`solve_periodic` once the compiled search is ready."""
    started = time.monotonic()
    deadline = started + params.time_limit_s
    share = min(max(params.polish_share, 0.0), 1.0)
    work = max(params.work_units, 0.0) * (1.0 - share)
    arrays = _arrays(instance)
    scale = float(np.median(instance.travel)) if instance.travel.size else 1.0
    state = ps.new_state(arrays, params.seed, max(scale, 1.0))
    if params.initial is not None:
        _start_from(instance, arrays, state, params.initial)
    ps.fill(arrays, state, _fill_order(instance))
    sc = state.scalars
    sc[ps.CURRENT] = ps.priced(arrays, state)
    ps.keep_best(arrays, state)
    visits = max(1, int(state.length.sum()) + int((state.pattern < 0).sum()))
    per_visit = ps.objective(arrays, state) / visits
    sc[ps.T_START], sc[ps.T_END] = 0.1 * per_visit, 0.001 * per_visit
    sc[ps.TOTAL] = total = sc[ps.WORK] + work * EDGES_PER_UNIT
    # Chunks of the counted work, so the wall-clock safety net (leaving the OR-Tools
    # finish its share) can stop a search on an overloaded machine.
    search_deadline = started + params.time_limit_s * (1.0 - share)
    step = max((total - sc[ps.WORK]) / CHUNKS, 1.0)
    iterations = 0
    while sc[ps.WORK] < total and instance.n_visits and time.monotonic() < search_deadline:
        iterations += ps.search(
            arrays, state, min(total, sc[ps.WORK] + step), float(max(1, params.max_removed))
        )
    found = _best(instance, state, iterations, sc[ps.WORK] / EDGES_PER_UNIT, started)
    solutions = round(params.work_units * share * SOLUTIONS_PER_UNIT)
    if solutions > 0 and time.monotonic() < deadline:
        found = polish(instance, found, solutions, deadline - time.monotonic())
        found = dataclasses.replace(
            found, work_units=params.work_units, seconds=time.monotonic() - started
        )
    return found


@cache
def _compile_search() -> None:
    """Run the compiled search once on a tiny instance, so that numba's compilation (or
    loading its cache) in a fresh process is not counted against a search's wall-clock
    net: on a busy machine the first compilation alone outlasted a short net and left
    the first search with its penalised, infeasible start."""
    tiny = PeriodicInstance(
        n_homes=1,
        n_days=2,
        travel=np.array([[0, 3, 4], [3, 0, 2], [4, 2, 0]], dtype=np.int64),
        visit_patterns=(((0,), (1,)), ((0, 1),)),
        visit_service=np.array([1, 1], dtype=np.int64),
        visit_demand=np.array([1, 1], dtype=np.int64),
        vehicle_day=np.array([0, 1], dtype=np.int64),
        vehicle_home=np.array([0, 0], dtype=np.int64),
        vehicle_capacity=np.array([2, 2], dtype=np.int64),
    )
    _search(tiny, PeriodicParams(work_units=1e-4, time_limit_s=float("inf")))


def _arrays(inst: PeriodicInstance) -> ps.Arrays:
    """The instance as the compiled search's flat arrays."""
    pattern_start, day_start, days = [0], [0], list[int]()
    for patterns in inst.visit_patterns:
        for pattern in patterns:
            days.extend(pattern)
            day_start.append(len(days))
        pattern_start.append(len(day_start) - 1)
    home_start, homes = [0], list[int]()
    for allowed in inst.homes_of:
        homes.extend(allowed)
        home_start.append(len(homes))
    fleet_start, fleet = [0], list[int]()
    for day in range(inst.n_days):
        for home in range(inst.n_homes):
            fleet.extend(
                int(k) for k in inst.vehicles_of_day[day] if int(inst.vehicle_home[k]) == home
            )
            fleet_start.append(len(fleet))
    far = [
        min(int(inst.travel[h, inst.n_homes + v]) for h in inst.homes_of[v])
        for v in range(inst.n_visits)
    ]

    def ints(values: Sequence[int] | IntArray) -> IntArray:
        return np.ascontiguousarray(values, dtype=np.int64)

    return ps.Arrays(
        n_homes=inst.n_homes,
        n_days=inst.n_days,
        travel=ints(inst.travel),
        pattern_start=ints(pattern_start),
        day_start=ints(day_start),
        days=ints(days),
        frequency=ints([max(len(p) for p in ps_) for ps_ in inst.visit_patterns]),
        home_start=ints(home_start),
        homes=ints(homes),
        service=ints(inst.visit_service),
        demand=ints(inst.visit_demand),
        vehicle_home=ints(inst.vehicle_home),
        capacity=ints(inst.capacity),
        duration=ints(inst.duration),
        travel_cap=ints(inst.travel_cap),
        fleet_start=ints(fleet_start),
        fleet=ints(fleet),
        optional=inst.optional,
        skip=ints(
            inst.visit_skip_cost if inst.visit_skip_cost is not None else [0] * inst.n_visits
        ),
        neighbours=ints(inst.neighbours),
        far=ints(far),
    )


def _fill_order(inst: PeriodicInstance) -> IntArray:
    """Construction order: most days first, then farthest from home."""
    far = [
        -min(int(inst.travel[h, inst.n_homes + v]) for h in inst.homes_of[v])
        for v in range(inst.n_visits)
    ]
    most = [-max(len(p) for p in ps_) for ps_ in inst.visit_patterns]
    return np.array(
        [v for *_, v in sorted(zip(most, far, range(inst.n_visits), strict=True))],
        dtype=np.int64,
    )


def _start_from(
    inst: PeriodicInstance,
    arrays: ps.Arrays,
    state: ps.State,
    routes: Sequence[Sequence[int]],
) -> None:
    """Load starting routes; visits whose days form no allowed pattern stay out."""
    days: dict[int, list[int]] = {}
    homes: dict[int, set[int]] = {}
    for k, route in enumerate(routes):
        for v in route:
            days.setdefault(v, []).append(int(inst.vehicle_day[k]))
            homes.setdefault(v, set()).add(int(inst.vehicle_home[k]))
    usable: dict[int, int] = {}
    for v, ds in days.items():
        key = tuple(sorted(ds))
        if (
            key in inst.visit_patterns[v]
            and len(homes[v]) == 1
            and homes[v] <= set(inst.homes_of[v])
        ):
            usable[v] = int(arrays.pattern_start[v]) + inst.visit_patterns[v].index(key)
    for k, route in enumerate(routes):
        for v in route:
            if v in usable:
                ps.put(arrays, state, v, k, int(state.length[k]), int(inst.vehicle_day[k]))
    for v, p in usable.items():
        state.pattern[v] = p
        state.home[v] = next(iter(homes[v]))
    ps.commit(state)


def _best(
    inst: PeriodicInstance, state: ps.State, iterations: int, work: float, started: float
) -> PeriodicSolution:
    """The best solution the search kept, in the instance's terms."""
    routes = [
        [int(v) for v in state.best_routes[k, : state.best_length[k]]]
        for k in range(inst.n_vehicles)
    ]
    starts = [0]
    for patterns in inst.visit_patterns:
        starts.append(starts[-1] + len(patterns))
    pattern = [int(p) - starts[v] if p >= 0 else -1 for v, p in enumerate(state.best_pattern)]
    home = [int(h) for h in state.best_home]
    feasible = state.scalars[ps.BEST_KEY] == 0.0
    return _solution(inst, routes, pattern, home, feasible, iterations, work, started)


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

    Parameters
    ----------
    instance
        The instance.
    solution
        A feasible solution to start from.
    solutions
        Accepted solutions after which OR-Tools stops (0: no polishing).
    time_limit_s
        Wall-clock limit of the OR-Tools search.

    Returns
    -------
    PeriodicSolution
        ``solution`` or a better one.
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
