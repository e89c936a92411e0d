"""The periodic routing core: rules, determinism, and optimality against an exhaustive search.

The exhaustive search (:func:`brute_force`) is written from the instance's arrays directly:
every choice of home and pattern per visit, every split of a day's visits over that day's
vehicles, every visiting order -- nothing of the core's search is reused.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import math
import time

import numpy as np
import pytest

from tkm_assign.schedule.periodic import (
    FREE_HOME,
    PeriodicInstance,
    PeriodicParams,
    PeriodicSolution,
    route_travel,
    solve_periodic,
    violations,
)


def random_instance(seed: int, *, homes: int = 1, optional: bool = False) -> PeriodicInstance:
    rng = np.random.default_rng(seed)
    n_visits, n_days, per_day = 5, 3, 2
    xy = rng.uniform(0, 60, size=(homes + n_visits, 2))
    travel = np.rint(np.linalg.norm(xy[:, None] - xy[None, :], axis=2)).astype(np.int64)
    patterns = []
    for _ in range(n_visits):
        frequency = int(rng.integers(1, 3))
        every = list(itertools.combinations(range(n_days), frequency))
        keep = rng.choice(len(every), size=int(rng.integers(1, len(every) + 1)), replace=False)
        patterns.append(tuple(every[int(i)] for i in sorted(keep)))
    vehicle_home = np.array([k % homes for k in range(n_days * per_day)], dtype=np.int64)
    return PeriodicInstance(
        n_homes=homes,
        n_days=n_days,
        travel=travel,
        visit_patterns=tuple(patterns),
        visit_service=rng.integers(5, 20, size=n_visits).astype(np.int64),
        visit_demand=rng.integers(1, 4, size=n_visits).astype(np.int64),
        vehicle_day=np.repeat(np.arange(n_days, dtype=np.int64), per_day),
        vehicle_home=vehicle_home,
        vehicle_capacity=np.full(n_days * per_day, 5, dtype=np.int64),
        vehicle_duration=np.full(n_days * per_day, 200, dtype=np.int64),
        vehicle_travel=np.full(n_days * per_day, 150, dtype=np.int64),
        visit_home=(
            None
            if homes == 1
            else np.array([FREE_HOME if v % 2 else v % homes for v in range(n_visits)])
        ),
        visit_skip_cost=np.full(n_visits, 60, dtype=np.int64) if optional else None,
    )


def brute_force(inst: PeriodicInstance) -> float:
    """Least riding plus skipped cost over every feasible plan (``inf`` when none)."""
    homes = sorted({int(h) for h in inst.vehicle_home})

    @functools.cache
    def route_cost(k: int, stops: frozenset[int]) -> float:
        if not stops:
            return 0.0
        if int(inst.visit_demand[list(stops)].sum()) > inst.capacity[k]:
            return math.inf
        service = int(inst.visit_service[list(stops)].sum())
        best = math.inf
        for order in itertools.permutations(sorted(stops)):
            riding = route_travel(inst, k, order)
            if riding <= inst.travel_cap[k] and riding + service <= inst.duration[k]:
                best = min(best, riding)
        return best

    def day_cost(day: int, visits: tuple[tuple[int, int], ...]) -> float:
        vehicles = [int(k) for k in inst.vehicles_of_day[day]]
        best = math.inf
        for split in itertools.product(vehicles, repeat=len(visits)):
            if any(int(inst.vehicle_home[k]) != h for k, (_, h) in zip(split, visits, strict=True)):
                continue
            total = sum(
                route_cost(
                    k, frozenset(v for (v, _), kk in zip(visits, split, strict=True) if kk == k)
                )
                for k in vehicles
            )
            best = min(best, total)
        return best

    options = []
    for v in range(inst.n_visits):
        allowed = (
            homes
            if inst.visit_home is None or inst.visit_home[v] == FREE_HOME
            else [int(inst.visit_home[v])]
        )
        mine = [(h, p) for h in allowed for p in inst.visit_patterns[v]]
        if inst.visit_skip_cost is not None:
            mine.append(None)
        options.append(mine)
    best = math.inf
    for choice in itertools.product(*options):
        skipped = sum(
            int(inst.visit_skip_cost[v])  # type: ignore[index]
            for v, c in enumerate(choice)
            if c is None
        )
        total = float(skipped)
        for day in range(inst.n_days):
            on_day = tuple((v, c[0]) for v, c in enumerate(choice) if c is not None and day in c[1])
            total += day_cost(day, on_day)
            if total >= best:
                break
        best = min(best, total)
    return best


PARAMS = PeriodicParams(work_units=0.1, time_limit_s=30, seed=1)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize(("homes", "optional"), [(1, False), (2, False), (2, True)])
def test_the_core_finds_the_exhaustive_optimum_on_small_instances(seed, homes, optional):
    inst = random_instance(seed, homes=homes, optional=optional)
    optimum = brute_force(inst)
    # Optional visits that only pay off together take the search longer to find.
    solution = solve_periodic(
        inst, dataclasses.replace(PARAMS, work_units=0.4) if optional else PARAMS
    )
    if math.isinf(optimum):
        assert not solution.feasible
        return
    assert solution.feasible
    assert violations(inst, solution) == []
    assert solution.objective == optimum


def test_the_same_seed_gives_the_same_solution():
    inst = random_instance(3, homes=2)
    first, second = solve_periodic(inst, PARAMS), solve_periodic(inst, PARAMS)
    assert (first.routes, first.pattern, first.home) == (second.routes, second.pattern, second.home)


def test_a_fixed_home_is_kept_and_a_free_one_is_the_same_for_every_day():
    inst = random_instance(4, homes=2)
    solution = solve_periodic(inst, PARAMS)
    assert solution.feasible
    for v in range(inst.n_visits):
        homes = {int(inst.vehicle_home[k]) for k, route in enumerate(solution.routes) if v in route}
        assert homes == {solution.home[v]}
        if inst.visit_home is not None and inst.visit_home[v] != FREE_HOME:
            assert homes == {int(inst.visit_home[v])}


def test_starting_routes_are_kept_when_nothing_improves_them():
    inst = random_instance(2)
    best = solve_periodic(inst, PARAMS)
    again = solve_periodic(inst, PeriodicParams(work_units=0, seed=5, initial=best.routes))
    assert again.objective == best.objective
    assert violations(inst, again) == []


def _line(travel: list[list[int]], patterns, **limits) -> PeriodicInstance:
    n = len(patterns)
    vehicles = max(max(d for ps in patterns for p in ps for d in p) + 1, 1)
    return PeriodicInstance(
        n_homes=1,
        n_days=vehicles,
        travel=np.array(travel, dtype=np.int64),
        visit_patterns=tuple(patterns),
        visit_service=np.full(n, 10, dtype=np.int64),
        visit_demand=np.ones(n, dtype=np.int64),
        vehicle_day=np.arange(vehicles, dtype=np.int64),
        vehicle_home=np.zeros(vehicles, dtype=np.int64),
        **limits,
    )


def test_violations_name_every_rule():
    inst = _line(
        [[0, 10, 10], [10, 0, 5], [10, 5, 0]],
        [((0,), (1,)), ((0, 1),)],
        vehicle_capacity=np.array([1, 1]),
        vehicle_duration=np.array([30, 100]),
        vehicle_travel=np.array([15, 100]),
    )
    bad = PeriodicSolution(
        routes=((0, 1), (0,)),
        pattern=(0, 0),
        home=(0, 0),
        travel=0,
        skipped_cost=0,
        feasible=True,
        iterations=0,
        work_units=0,
        seconds=0,
    )
    found = " | ".join(violations(inst, bad))
    for words in (
        "load 2 > capacity 1",
        "riding 25 > 15",
        "duration 45 > 30",
        "visit 0: days (0, 1)",
    ):
        assert words in found
    missing = PeriodicSolution(((), ()), (-1, -1), (-1, -1), 0, 0, True, 0, 0, 0)
    assert "visit 1 is not made" in " | ".join(violations(inst, missing))


def test_patterns_outside_the_days_are_rejected():
    with pytest.raises(ValueError, match="outside"):
        PeriodicInstance(
            n_homes=1,
            n_days=2,
            travel=np.zeros((2, 2), dtype=np.int64),
            visit_patterns=(((2,),),),
            visit_service=np.zeros(1, dtype=np.int64),
            visit_demand=np.zeros(1, dtype=np.int64),
            vehicle_day=np.array([0, 1]),
            vehicle_home=np.array([0, 0]),
        )


def test_compiling_the_search_never_counts_against_the_wall_clock_net(monkeypatch):
    # A fresh process compiles the numba search (or loads its cache) on the first call;
    # on a busy machine that alone outlasted a short net and left the first search cut
    # after its first chunk, with its penalised infeasible start as the result.
    from pathlib import Path

    from benchmarks.bench_pvrp import read_cordeau
    from tkm_assign.schedule import periodic
    from tkm_assign.schedule import periodic_search as ps

    class Clock:
        offset = 0.0

        def monotonic(self) -> float:
            return time.monotonic() + self.offset

    clock = Clock()
    real_fill = ps.fill
    calls = []

    def first_call_compiles(*args):
        if not calls:
            clock.offset += 1000.0  # the first compiled call spends 1,000 s compiling
        calls.append(True)
        return real_fill(*args)

    monkeypatch.setattr(periodic, "time", clock)
    monkeypatch.setattr(ps, "fill", first_call_compiles)
    periodic._compile_search.cache_clear()
    tiny = read_cordeau(Path(__file__).resolve().parents[1] / "data" / "pvrp_tiny.txt")
    solution = solve_periodic(tiny.instance, PeriodicParams(work_units=0.05, seed=0))
    assert violations(tiny.instance, solution) == []
    assert solution.feasible
