"""The compiled inner loops of the periodic routing search (numba).

:mod:`~.periodic` describes the problem and the method; this module holds the loops that
run millions of times: pricing a visit's cheapest pattern and positions, removing visits,
2-opt, the ruin-and-recreate iteration with simulated-annealing acceptance, and undoing a
rejected iteration. Everything here works on the plain arrays of :class:`Arrays` (the
instance) and :class:`State` (routes and the search's bookkeeping), both named tuples of
numpy arrays so that the compiled functions can be cached on disk. Random numbers come
from the search's own xorshift generator (:mod:`tkm_assign.xorshift`), so a seed gives the same
search on every machine, and work is counted in edge evaluations (``State.work``).

Nothing outside :mod:`~.periodic` calls these functions.
"""

from __future__ import annotations

from typing import NamedTuple

import numba
import numpy as np
import numpy.typing as npt

from tkm_assign.xorshift import below, uniform

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

# Counters and prices kept in ``State.scalars`` (float64):
PRICE = 0  # of one unit of capacity or time excess
CURRENT = 1  # priced cost of the current solution
WORK = 2  # edge evaluations spent so far
TOTAL = 3  # edge evaluations of the whole search (the temperature follows the share spent)
T_START = 4
T_END = 5
BEST_KEY = 6  # 0: the best is feasible, 1: not yet
BEST_COST = 7
FEASIBLE_RUN = 8  # current solutions feasible in this window of iterations
WINDOW = 9  # iterations in this window
MIN_PRICE = 10
N_SCALARS = 11

BLINK = 0.01  # chance to skip an insertion position (SISR's blinks)
MAX_STRING = 10  # longest string one ruin removes from one route (SISR's L_max)
PRICE_WINDOW = 100  # iterations between price updates
FEW_FEASIBLE = 0.15  # below this share of feasible current solutions, excess costs more
MANY_FEASIBLE = 0.6  # above it, excess costs less
PRICE_STEP = 1.3
CALL_EDGES = 20  # the fixed cost of one insertion or 2-opt pass, in edge evaluations


class Arrays(NamedTuple):
    """An instance as flat arrays (built by :func:`tkm_assign.schedule.periodic._arrays`)."""

    n_homes: int
    n_days: int
    travel: IntArray  # (nodes, nodes)
    pattern_start: IntArray  # patterns of visit v: pattern_start[v] .. pattern_start[v+1]-1
    day_start: IntArray  # days of pattern p: days[day_start[p] .. day_start[p+1]-1]
    days: IntArray
    frequency: IntArray  # per visit, days of its longest pattern
    home_start: IntArray  # homes of visit v: homes[home_start[v] .. home_start[v+1]-1]
    homes: IntArray
    service: IntArray
    demand: IntArray
    vehicle_home: IntArray
    capacity: IntArray
    duration: IntArray
    travel_cap: IntArray
    fleet_start: IntArray  # vehicles of (day d, home h): fleet[fleet_start[d*H+h] ..]
    fleet: IntArray
    optional: bool
    skip: IntArray  # cost of leaving each visit out (0 when every visit is required)
    neighbours: IntArray  # (visits, visits): all visits by increasing riding, itself first
    far: IntArray  # riding from the nearest allowed home, per visit


class State(NamedTuple):
    """Routes, their totals, each visit's pattern and vehicles, the undo log and the best."""

    routes: IntArray  # (vehicles, visits): route k is routes[k, :length[k]]
    length: IntArray
    load: IntArray
    riding: IntArray
    serv: IntArray
    pattern: IntArray  # per visit, its pattern (global index) or -1 when not routed
    home: IntArray
    vehicle_of: IntArray  # (visits, days): the vehicle making the visit that day, or -1
    saved: BoolArray  # vehicles backed up in this iteration
    saved_list: IntArray
    saved_routes: IntArray
    saved_length: IntArray
    saved_load: IntArray
    saved_riding: IntArray
    saved_serv: IntArray
    kept: BoolArray  # visits backed up in this iteration
    kept_list: IntArray
    kept_pattern: IntArray
    kept_home: IntArray
    kept_vehicle_of: IntArray
    counts: IntArray  # [vehicles saved, visits kept, removed, iterations]
    removed: IntArray  # visits taken out by the last ruin
    day_cost: FloatArray  # scratch: cheapest insertion per day for one visit and home
    day_vehicle: IntArray
    day_position: IntArray
    chosen_vehicle: IntArray  # scratch: the chosen pattern's vehicle and position per day
    chosen_position: IntArray
    best_routes: IntArray
    best_length: IntArray
    best_pattern: IntArray
    best_home: IntArray
    scalars: FloatArray
    rng: npt.NDArray[np.uint64]


def new_state(a: Arrays, seed: int, price: float) -> State:
    """An empty solution (nothing routed) with its scratch space."""
    k, v, d = len(a.vehicle_home), len(a.service), a.n_days
    ints = np.int64
    scalars = np.zeros(N_SCALARS)
    scalars[PRICE] = price
    scalars[MIN_PRICE] = price / 100.0
    scalars[BEST_KEY] = 2.0  # no best yet
    # xorshift needs a non-zero state; spread nearby seeds apart (golden-ratio step).
    start = (seed * 0x9E3779B97F4A7C15 + 0x2545F4914F6CDD1D) % 2**64
    rng = np.array([start or 1], dtype=np.uint64)
    return State(
        routes=np.zeros((k, max(v, 1)), dtype=ints),
        length=np.zeros(k, dtype=ints),
        load=np.zeros(k, dtype=ints),
        riding=np.zeros(k, dtype=ints),
        serv=np.zeros(k, dtype=ints),
        pattern=np.full(v, -1, dtype=ints),
        home=np.full(v, -1, dtype=ints),
        vehicle_of=np.full((v, d), -1, dtype=ints),
        saved=np.zeros(k, dtype=np.bool_),
        saved_list=np.zeros(k, dtype=ints),
        saved_routes=np.zeros((k, max(v, 1)), dtype=ints),
        saved_length=np.zeros(k, dtype=ints),
        saved_load=np.zeros(k, dtype=ints),
        saved_riding=np.zeros(k, dtype=ints),
        saved_serv=np.zeros(k, dtype=ints),
        kept=np.zeros(v, dtype=np.bool_),
        kept_list=np.zeros(v, dtype=ints),
        kept_pattern=np.zeros(v, dtype=ints),
        kept_home=np.zeros(v, dtype=ints),
        kept_vehicle_of=np.zeros((v, d), dtype=ints),
        counts=np.zeros(4, dtype=ints),
        removed=np.zeros(v, dtype=ints),
        day_cost=np.zeros(d),
        day_vehicle=np.zeros(d, dtype=ints),
        day_position=np.zeros(d, dtype=ints),
        chosen_vehicle=np.zeros(d, dtype=ints),
        chosen_position=np.zeros(d, dtype=ints),
        best_routes=np.zeros((k, max(v, 1)), dtype=ints),
        best_length=np.zeros(k, dtype=ints),
        best_pattern=np.full(v, -1, dtype=ints),
        best_home=np.full(v, -1, dtype=ints),
        scalars=scalars,
        rng=rng,
    )


# -- costs ------------------------------------------------------------------------------------
@numba.njit(cache=True)
def _excess(a: Arrays, k: int, load: int, riding: int, serv: int) -> int:
    over = 0
    if load > a.capacity[k]:
        over += load - a.capacity[k]
    if riding > a.travel_cap[k]:
        over += riding - a.travel_cap[k]
    if riding + serv > a.duration[k]:
        over += riding + serv - a.duration[k]
    return over


@numba.njit(cache=True)
def penalty(a: Arrays, s: State) -> int:
    """Capacity and time excess over all routes."""
    total = 0
    for k in range(len(s.length)):
        total += _excess(a, k, s.load[k], s.riding[k], s.serv[k])
    return total


@numba.njit(cache=True)
def objective(a: Arrays, s: State) -> int:
    """Riding plus the cost of visits left out."""
    total = 0
    for k in range(len(s.length)):
        total += s.riding[k]
    if a.optional:
        for v in range(len(s.pattern)):
            if s.pattern[v] < 0:
                total += a.skip[v]
    return total


@numba.njit(cache=True)
def priced(a: Arrays, s: State) -> float:
    return objective(a, s) + s.scalars[PRICE] * penalty(a, s)


# -- undo log ---------------------------------------------------------------------------------
@numba.njit(cache=True)
def _save_route(s: State, k: int) -> None:
    if s.saved[k]:
        return
    s.saved[k] = True
    s.saved_list[s.counts[0]] = k
    s.counts[0] += 1
    n = s.length[k]
    s.saved_routes[k, :n] = s.routes[k, :n]
    s.saved_length[k] = n
    s.saved_load[k] = s.load[k]
    s.saved_riding[k] = s.riding[k]
    s.saved_serv[k] = s.serv[k]


@numba.njit(cache=True)
def _keep_visit(s: State, v: int) -> None:
    if s.kept[v]:
        return
    s.kept[v] = True
    s.kept_list[s.counts[1]] = v
    s.counts[1] += 1
    s.kept_pattern[v] = s.pattern[v]
    s.kept_home[v] = s.home[v]
    s.kept_vehicle_of[v, :] = s.vehicle_of[v, :]


@numba.njit(cache=True)
def commit(s: State) -> None:
    """Forget the undo log: the iteration's changes stay."""
    for i in range(s.counts[0]):
        s.saved[s.saved_list[i]] = False
    for i in range(s.counts[1]):
        s.kept[s.kept_list[i]] = False
    s.counts[0] = 0
    s.counts[1] = 0


@numba.njit(cache=True)
def undo(s: State) -> None:
    """Put back every route and visit the iteration changed."""
    for i in range(s.counts[0]):
        k = s.saved_list[i]
        n = s.saved_length[k]
        s.routes[k, :n] = s.saved_routes[k, :n]
        s.length[k] = n
        s.load[k] = s.saved_load[k]
        s.riding[k] = s.saved_riding[k]
        s.serv[k] = s.saved_serv[k]
        s.saved[k] = False
    for i in range(s.counts[1]):
        v = s.kept_list[i]
        s.pattern[v] = s.kept_pattern[v]
        s.home[v] = s.kept_home[v]
        s.vehicle_of[v, :] = s.kept_vehicle_of[v, :]
        s.kept[v] = False
    s.counts[0] = 0
    s.counts[1] = 0


# -- moves ------------------------------------------------------------------------------------
@numba.njit(cache=True)
def _node(a: Arrays, s: State, k: int, position: int) -> int:
    """Node at ``position`` of route k; the home before the first and after the last stop."""
    if position < 0 or position >= s.length[k]:
        return a.vehicle_home[k]
    return a.n_homes + s.routes[k, position]


@numba.njit(cache=True)
def put(a: Arrays, s: State, v: int, k: int, position: int, day: int) -> None:
    """Insert visit v into route k before ``position`` (logged)."""
    _save_route(s, k)
    t, x = a.travel, a.n_homes + v
    before, after = _node(a, s, k, position - 1), _node(a, s, k, position)
    s.riding[k] += t[before, x] + t[x, after] - t[before, after]
    n = s.length[k]
    for i in range(n, position, -1):
        s.routes[k, i] = s.routes[k, i - 1]
    s.routes[k, position] = v
    s.length[k] = n + 1
    s.load[k] += a.demand[v]
    s.serv[k] += a.service[v]
    s.vehicle_of[v, day] = k


@numba.njit(cache=True)
def take(a: Arrays, s: State, v: int) -> None:
    """Remove visit v from every route it is on (logged)."""
    _keep_visit(s, v)
    t, x = a.travel, a.n_homes + v
    for day in range(a.n_days):
        k = s.vehicle_of[v, day]
        if k < 0:
            continue
        _save_route(s, k)
        n = s.length[k]
        at = 0
        while s.routes[k, at] != v:
            at += 1
        before, after = _node(a, s, k, at - 1), _node(a, s, k, at + 1)
        s.riding[k] += t[before, after] - t[before, x] - t[x, after]
        for i in range(at, n - 1):
            s.routes[k, i] = s.routes[k, i + 1]
        s.length[k] = n - 1
        s.load[k] -= a.demand[v]
        s.serv[k] -= a.service[v]
        s.vehicle_of[v, day] = -1
    s.pattern[v] = -1
    s.home[v] = -1


@numba.njit(cache=True)
def _cheapest_on_day(a: Arrays, s: State, v: int, day: int, home: int, blink: float) -> int:
    """Cheapest insertion of v on ``day`` from ``home`` into s.day_*[day]; edges priced."""
    t, x, price = a.travel, a.n_homes + v, s.scalars[PRICE]
    best, best_k, best_at = np.inf, -1, -1
    edges = CALL_EDGES
    group = day * a.n_homes + home
    for f in range(a.fleet_start[group], a.fleet_start[group + 1]):
        k = a.fleet[f]
        n = s.length[k]
        was = _excess(a, k, s.load[k], s.riding[k], s.serv[k])
        load, serv = s.load[k] + a.demand[v], s.serv[k] + a.service[v]
        before = a.vehicle_home[k]
        for at in range(n + 1):
            after = a.n_homes + s.routes[k, at] if at < n else a.vehicle_home[k]
            if blink > 0.0 and uniform(s.rng) < blink:
                before = after
                continue
            delta = t[before, x] + t[x, after] - t[before, after]
            cost = delta + price * (_excess(a, k, load, s.riding[k] + delta, serv) - was)
            if cost < best:
                best, best_k, best_at = cost, k, at
            before = after
        edges += n + 1
    s.day_cost[day], s.day_vehicle[day], s.day_position[day] = best, best_k, best_at
    return edges


@numba.njit(cache=True)
def insert(a: Arrays, s: State, v: int, blink: float, force: bool) -> bool:
    """Insert v with its cheapest home, pattern and positions; False when it stays out.

    An optional visit stays out when every choice costs at least its skip cost (unless
    ``force``); a required one goes in at any price.
    """
    best, best_p, best_h = np.inf, -1, -1
    edges = 0
    for hi in range(a.home_start[v], a.home_start[v + 1]):
        home = a.homes[hi]
        s.day_vehicle[:] = -2  # not priced yet for this home
        for p in range(a.pattern_start[v], a.pattern_start[v + 1]):
            total = 0.0
            for j in range(a.day_start[p], a.day_start[p + 1]):
                day = a.days[j]
                if s.day_vehicle[day] == -2:
                    edges += _cheapest_on_day(a, s, v, day, home, blink)
                if s.day_vehicle[day] < 0:
                    total = np.inf
                    break
                total += s.day_cost[day]
            if total < best:
                best, best_p, best_h = total, p, home
                for j in range(a.day_start[p], a.day_start[p + 1]):
                    day = a.days[j]
                    s.chosen_vehicle[day] = s.day_vehicle[day]
                    s.chosen_position[day] = s.day_position[day]
    s.scalars[WORK] += edges
    if best_p < 0:
        return False
    if a.optional and not force and best >= a.skip[v]:
        return False
    _keep_visit(s, v)
    for j in range(a.day_start[best_p], a.day_start[best_p + 1]):
        day = a.days[j]
        put(a, s, v, s.chosen_vehicle[day], s.chosen_position[day], day)
    s.pattern[v] = best_p
    s.home[v] = best_h
    return True


@numba.njit(cache=True)
def two_opt(a: Arrays, s: State, k: int) -> None:
    """Reverse segments of route k while that shortens it (best move first; exact on an
    asymmetric matrix: both directions' sums are kept as prefix sums)."""
    n = s.length[k]
    if n < 2:
        return
    t = a.travel
    path = np.empty(n + 2, dtype=np.int64)
    forward = np.empty(n + 2, dtype=np.int64)
    backward = np.empty(n + 2, dtype=np.int64)
    while True:
        path[0] = path[n + 1] = a.vehicle_home[k]
        for i in range(n):
            path[i + 1] = a.n_homes + s.routes[k, i]
        forward[0] = backward[0] = 0
        for i in range(n + 1):
            forward[i + 1] = forward[i] + t[path[i], path[i + 1]]
            backward[i + 1] = backward[i] + t[path[i + 1], path[i]]
        best, best_i, best_j = 0, -1, -1
        # Reversing path[i+1..j] replaces edges (i, i+1) and (j, j+1) by (i, j) and (i+1, j+1)
        # and turns the edges in between around.
        for i in range(n):
            for j in range(i + 2, n + 1):
                inner = forward[j] - forward[i + 1]
                turned = backward[j] - backward[i + 1]
                gain = (
                    t[path[i], path[i + 1]]
                    + t[path[j], path[j + 1]]
                    + inner
                    - t[path[i], path[j]]
                    - t[path[i + 1], path[j + 1]]
                    - turned
                )
                if gain > best:
                    best, best_i, best_j = gain, i, j
        s.scalars[WORK] += CALL_EDGES + n * n // 2
        if best <= 0:
            return
        _save_route(s, k)
        lo, hi = best_i, best_j - 1  # route positions of path[i+1..j]
        while lo < hi:
            s.routes[k, lo], s.routes[k, hi] = s.routes[k, hi], s.routes[k, lo]
            lo += 1
            hi -= 1
        s.riding[k] -= best


@numba.njit(cache=True)
def fill(a: Arrays, s: State, order: IntArray) -> None:
    """Insert the visits of ``order`` not yet routed, in that order, then 2-opt every route."""
    for v in order:
        if s.pattern[v] < 0:
            insert(a, s, v, 0.0, False)
    for k in range(len(s.length)):
        two_opt(a, s, k)
    commit(s)


# -- ruin and recreate ------------------------------------------------------------------------
@numba.njit(cache=True)
def _ruin(a: Arrays, s: State, mean_removed: float) -> int:
    """String removals around a random routed visit (SISR); whole visits, all their days.

    Returns how many visits were removed (in ``s.removed``).
    """
    visits = len(s.pattern)
    seed = below(s.rng, visits)
    for _ in range(visits):
        if s.pattern[seed] >= 0:
            break
        seed = (seed + 1) % visits
    count = 0
    if s.pattern[seed] >= 0:
        stops, used = 0, 0
        for k in range(len(s.length)):
            if s.length[k] > 0:
                stops += s.length[k]
                used += 1
        longest = min(float(MAX_STRING), stops / max(used, 1))
        most_strings = 4.0 * mean_removed / (1.0 + longest) - 1.0
        strings = int(uniform(s.rng) * most_strings) + 1
        done = np.zeros(len(s.length), dtype=np.bool_)
        marked = np.zeros(visits, dtype=np.bool_)
        found = 0
        for i in range(visits):
            if found >= strings:
                break
            u = a.neighbours[seed, i]
            if s.pattern[u] < 0 or marked[u]:
                continue
            # one of u's days at random
            options = 0
            for day in range(a.n_days):
                if s.vehicle_of[u, day] >= 0:
                    options += 1
            pick = below(s.rng, options)
            k = -1
            for day in range(a.n_days):
                if s.vehicle_of[u, day] >= 0:
                    if pick == 0:
                        k = s.vehicle_of[u, day]
                        break
                    pick -= 1
            if done[k]:
                continue
            done[k] = True
            found += 1
            n = s.length[k]
            size = int(uniform(s.rng) * min(float(n), longest)) + 1
            size = min(size, n)
            at = 0
            while s.routes[k, at] != u:
                at += 1
            start = at - below(s.rng, size)
            start = max(0, min(start, n - size))
            for j in range(start, start + size):
                w = s.routes[k, j]
                if not marked[w]:
                    marked[w] = True
                    s.removed[count] = w
                    count += 1
        if a.optional and uniform(s.rng) < 0.5:
            # Left-out visits get another chance now and then.
            for v in range(visits):
                if s.pattern[v] < 0 and not marked[v] and uniform(s.rng) < 0.5:
                    marked[v] = True
                    s.removed[count] = v
                    count += 1
        for j in range(count):
            if s.pattern[s.removed[j]] >= 0:
                take(a, s, s.removed[j])
    elif a.optional:
        for v in range(visits):
            s.removed[count] = v
            count += 1
    return count


@numba.njit(cache=True)
def _recreate(a: Arrays, s: State, count: int) -> None:
    removed = s.removed[:count].copy()
    order = below(s.rng, 4)
    if order == 0:
        for i in range(count - 1, 0, -1):
            j = below(s.rng, i + 1)
            removed[i], removed[j] = removed[j], removed[i]
    else:
        key = np.empty(count)
        for i in range(count):
            v = removed[i]
            if order == 1:
                key[i] = -a.demand[v]
            elif order == 2:
                key[i] = -a.far[v]
            else:
                key[i] = -a.frequency[v]
        removed = removed[np.argsort(key, kind="mergesort")]
    force = a.optional and uniform(s.rng) < 0.3
    for i in range(count):
        insert(a, s, removed[i], BLINK, force)
    if not a.optional:
        # A visit priced out of every pattern (no vehicle on its days) tries again.
        for i in range(count):
            if s.pattern[removed[i]] < 0:
                insert(a, s, removed[i], 0.0, True)
    for i in range(s.counts[0]):
        two_opt(a, s, s.saved_list[i])


@numba.njit(cache=True)
def keep_best(a: Arrays, s: State) -> None:
    """Remember the current solution if it is the best so far (feasible before infeasible)."""
    over = penalty(a, s)
    key = 0.0 if over == 0 else 1.0
    cost = float(objective(a, s)) if over == 0 else s.scalars[CURRENT]
    if key < s.scalars[BEST_KEY] or (key == s.scalars[BEST_KEY] and cost < s.scalars[BEST_COST]):
        s.scalars[BEST_KEY] = key
        s.scalars[BEST_COST] = cost
        for k in range(len(s.length)):
            n = s.length[k]
            s.best_routes[k, :n] = s.routes[k, :n]
            s.best_length[k] = n
        s.best_pattern[:] = s.pattern
        s.best_home[:] = s.home


@numba.njit(cache=True)
def search(a: Arrays, s: State, work_until: float, mean_removed: float) -> int:
    """Ruin and recreate until ``s.scalars[WORK]`` reaches ``work_until``; iterations done.

    Acceptance is simulated annealing, the temperature falling geometrically from
    ``T_START`` to ``T_END`` over the share of ``TOTAL`` work spent. The price of excess
    follows the share of feasible current solutions (penalised infeasibility: the search
    may cross infeasible ground but is pulled back to where a fleet's limits hold).
    """
    sc = s.scalars
    iterations = 0
    while sc[WORK] < work_until and len(s.pattern) > 0:
        iterations += 1
        spent = min(1.0, sc[WORK] / sc[TOTAL]) if sc[TOTAL] > 0 else 1.0
        temperature = 0.0
        if sc[T_START] > 0:
            temperature = sc[T_START] * (sc[T_END] / sc[T_START]) ** spent
        count = _ruin(a, s, mean_removed)
        _recreate(a, s, count)
        candidate = priced(a, s)
        threshold = sc[CURRENT] - temperature * np.log(max(uniform(s.rng), 1e-12))
        if candidate < threshold:
            sc[CURRENT] = candidate
            commit(s)
            keep_best(a, s)
        else:
            undo(s)
        sc[WINDOW] += 1
        if penalty(a, s) == 0:
            sc[FEASIBLE_RUN] += 1
        if sc[WINDOW] >= PRICE_WINDOW:
            share = sc[FEASIBLE_RUN] / sc[WINDOW]
            if share < FEW_FEASIBLE:
                sc[PRICE] *= PRICE_STEP
            elif share > MANY_FEASIBLE:
                sc[PRICE] = max(sc[MIN_PRICE], sc[PRICE] / PRICE_STEP)
            sc[WINDOW] = 0
            sc[FEASIBLE_RUN] = 0
            sc[CURRENT] = priced(a, s)
    s.counts[3] += iterations
    return iterations
