"""The compiled tabu search of the classic GAP and the CP-SAT merges of its elite plans."""

from __future__ import annotations

import time

import numpy as np
import pytest

from tests.assign.test_gap_core import brute_force, dense, random_instance
from tkm_assign.assign import cpsat, gap_search, lagrangian
from tkm_assign.assign.cpsat import (
    PRICED_FLOW,
    TABU_CPSAT,
    GapParams,
    kernel_search,
    merged_instance,
    solve_gap,
    tabu_with_merging,
)
from tkm_assign.assign.gap import (
    Budget,
    GapInstance,
    chosen_arcs,
    greedy,
    objective,
    violations,
)
from tkm_assign.model import SolveStatus


def type_d(rng: np.random.Generator, n: int, m: int) -> GapInstance:
    """A Chu & Beasley type D instance: heavier arcs are cheaper; 80% of the room needed."""
    weight = rng.integers(1, 101, size=(m, n))
    cost = 111 - weight + rng.integers(-10, 11, size=(m, n))
    capacity = (0.8 * weight.sum(axis=1) / m).astype(np.int64)
    return dense(cost, weight, capacity)


def _budget(units: float) -> Budget:
    # Counted work ends the search; the distant wall clock never does, even on a busy machine.
    return Budget(units, time.monotonic() + 600)


@pytest.mark.parametrize("seed", range(4))
def test_tabu_search_reaches_the_brute_force_optimum(seed):
    rng = np.random.default_rng(seed)
    instance = random_instance(rng, n=8, m=3, skip=False)
    start = greedy(instance)
    assert start is not None
    found = gap_search.tabu_search(instance, start, _budget(0.05), seed)
    assert not violations(instance, found)
    assert objective(instance, found) == brute_force(instance)


def test_tabu_search_never_worsens_and_is_the_same_for_the_same_seed():
    rng = np.random.default_rng(11)
    instance = random_instance(rng, n=60, m=6, skip=False)
    start = greedy(instance)
    assert start is not None
    runs = [gap_search.tabu_search(instance, start, _budget(0.1), seed=3) for _ in range(2)]
    assert runs[0].tolist() == runs[1].tolist()
    assert not violations(instance, runs[0])
    assert objective(instance, runs[0]) <= objective(instance, start)


def test_tabu_search_applies_to_the_classic_gap_only():
    rng = np.random.default_rng(1)
    assert gap_search.applies(random_instance(rng, n=6, m=3, skip=False))
    assert not gap_search.applies(random_instance(rng, n=6, m=3, skip=True))


def test_the_search_keeps_feasible_distinct_elite_plans():
    rng = np.random.default_rng(2)
    instance = random_instance(rng, n=40, m=5, skip=False)
    start = greedy(instance)
    assert start is not None
    search = gap_search.TabuSearch(instance, start, seed=1)
    best = search.run(_budget(0.2))
    elite = search.elite()
    assert elite, "restarts keep the best plan of each phase"
    assert len({tuple(plan) for plan in elite}) == len(elite)
    for plan in elite:
        assert not violations(instance, plan)
        assert objective(instance, plan) >= objective(instance, best) == search.best_cost


def test_a_search_restarts_towards_an_offered_plan():
    rng = np.random.default_rng(4)
    instance = type_d(rng, n=30, m=4)
    start = greedy(instance)
    assert start is not None
    search = gap_search.TabuSearch(instance, start, seed=1)
    other = gap_search.tabu_search(instance, start, _budget(0.05), seed=9)
    search.offer(other, objective(instance, other))
    assert any(plan.tolist() == other.tolist() for plan in search.elite())
    search.run(_budget(0.1))
    assert not violations(instance, search.best_of)
    assert search.best_cost <= objective(instance, start)


def test_merged_instance_keeps_exactly_the_arcs_of_the_plans():
    rng = np.random.default_rng(3)
    instance = random_instance(rng, n=10, m=4, skip=False)
    plans = [np.arange(10) % 4, (np.arange(10) + 1) % 4]
    merged = merged_instance(instance, plans)
    pairs = set(zip(merged.arc_item.tolist(), merged.arc_agent.tolist(), strict=True))
    assert pairs == {(i, int(p[i])) for p in plans for i in range(10)}
    for plan in plans:
        assert objective(merged, plan) == objective(instance, plan)


@pytest.mark.parametrize("workers", [1, 2])
def test_tabu_with_merging_never_worsens_and_stays_feasible(workers):
    rng = np.random.default_rng(5)
    instance = random_instance(rng, n=50, m=5, skip=False)
    start = greedy(instance)
    assert start is not None
    # With two workers, two searches run side by side in threads: the result must not
    # depend on how the threads were scheduled.
    params = GapParams(workers=workers, seed=2)
    found = tabu_with_merging(instance, start, _budget(0.5), params)
    assert not violations(instance, found)
    assert objective(instance, found) <= objective(instance, start)
    again = tabu_with_merging(instance, start, _budget(0.5), params)
    assert again.tolist() == found.tolist()


@pytest.mark.parametrize("seed", range(3))
def test_solve_gap_on_the_classic_gap_uses_the_tabu_search_and_proves_small_optima(seed):
    rng = np.random.default_rng(20 + seed)
    instance = random_instance(rng, n=7, m=3, skip=False)
    solution = solve_gap(instance, GapParams(time_limit_s=5, workers=1, seed=seed))
    # (The priced flow answers alone where its plan meets the bound.)
    assert solution.engine in (TABU_CPSAT, PRICED_FLOW)
    assert solution.status == SolveStatus.OPTIMAL
    assert solution.objective == brute_force(instance)
    larger = type_d(rng, n=40, m=5)
    params = GapParams(time_limit_s=2, workers=1, seed=seed, wall_deadline=time.monotonic() + 600)
    assert solve_gap(larger, params).engine == TABU_CPSAT


def test_tabu_with_merging_stops_once_the_plan_meets_the_bound():
    rng = np.random.default_rng(6)
    instance = type_d(rng, n=30, m=5)
    start = greedy(instance)
    assert start is not None
    budget = _budget(5.0)
    found = tabu_with_merging(
        instance, start, budget, GapParams(workers=1), objective(instance, start)
    )
    assert found.tolist() == start.tolist()
    assert budget.left == 5.0


def test_a_stalled_tabu_search_starts_a_cycle_from_the_next_relaxation_plan(monkeypatch):
    # After CYCLE_AFTER rounds without a better plan, CP-SAT on the kernel improves the
    # relaxation's next plan and the first search goes on from there.
    instance = type_d(np.random.default_rng(8), n=60, m=5)
    relaxed = lagrangian.relax(instance, 100_000, _budget(5.0))
    assert len(relaxed.plans) >= 3
    start = relaxed.plans[0]
    starts: list[np.ndarray] = []
    real = cpsat.kernel_search

    def counted(instance, kernel, plan, params, budget):
        starts.append(plan.copy())
        return real(instance, kernel, plan, params, budget)

    monkeypatch.setattr(cpsat, "kernel_search", counted)
    # Many short rounds, merges and cycles within the budget.
    monkeypatch.setattr(cpsat, "MERGE_PERIOD", 0.01)
    monkeypatch.setattr(cpsat, "MERGE_WORK", 0.01)
    monkeypatch.setattr(cpsat, "CYCLE_WORK", 0.02)
    params = GapParams(workers=1, seed=4)
    restarts = relaxed.plans[1:]
    found = tabu_with_merging(instance, start, _budget(0.3), params, 0, relaxed.kernel, restarts)
    assert not violations(instance, found)
    assert objective(instance, found) <= objective(instance, start)
    assert len(starts) >= 2
    for k, plan in enumerate(starts):
        assert plan.tolist() == restarts[k % len(restarts)].tolist()
    cycles = len(starts)
    again = tabu_with_merging(instance, start, _budget(0.3), params, 0, relaxed.kernel, restarts)
    assert again.tolist() == found.tolist()
    assert len(starts) == 2 * cycles
    # Without plans to restart from there is no cycle.
    tabu_with_merging(instance, start, _budget(0.3), params, 0, relaxed.kernel)
    assert len(starts) == 2 * cycles
    # A plan on an arc the instance no longer has (pruned by reduced cost) is left out.
    arc = np.setdiff1d(chosen_arcs(instance, restarts[0]), chosen_arcs(instance, start))[0]
    keep = np.ones(instance.arc_item.size, dtype=bool)
    keep[arc] = False
    pruned = instance.only_arcs(keep)
    starts.clear()
    found = tabu_with_merging(pruned, start, _budget(0.3), params, 0, relaxed.kernel, restarts)
    assert not violations(pruned, found)
    assert len(starts) >= 2
    for k, plan in enumerate(starts):
        assert plan.tolist() == restarts[1 + k % (len(restarts) - 1)].tolist()


def _two_resources(rng: np.random.Generator, n: int, m: int) -> GapInstance:
    """A type D instance with a second resource and a fifth of its arcs removed."""
    base = type_d(rng, n, m)
    second = rng.integers(1, 60, size=base.arc_item.size)
    second_capacity = np.full(m, int(0.9 * second.sum() / m))
    both = GapInstance(
        n_items=n,
        n_agents=m,
        arc_item=base.arc_item,
        arc_agent=base.arc_agent,
        arc_cost=base.arc_cost,
        arc_weight=np.vstack([base.arc_weight, second]),
        agent_capacity=np.vstack([base.agent_capacity, second_capacity]),
    )
    keep = rng.random(both.arc_item.size) < 0.8
    keep[both.arc_agent == 0] = True  # every item keeps an agent
    return both.only_arcs(keep)


@pytest.mark.parametrize("kind", ["type_d", "two_resources"])
def test_pruned_moves_leave_the_search_exactly_as_the_full_rescoring(kind):
    # Dropping a move by its bound must never change which move is chosen (nor the random
    # numbers drawn to break ties): the whole search, with its restarts, repeats exactly.
    rng = np.random.default_rng(7)
    instance = type_d(rng, n=40, m=5) if kind == "type_d" else _two_resources(rng, n=40, m=5)
    start = greedy(instance)
    assert start is not None
    runs = []
    for prune in (True, False):
        search = gap_search.TabuSearch(instance, start, seed=5)
        search.stall = 200  # restarts within the run
        search.fast = prune
        search.run(_budget(0.05))
        runs.append(search)
    pruned, full = runs
    assert pruned.counters[gap_search.RESTARTS] > 0
    assert pruned.counters.tolist() == full.counters.tolist()
    assert pruned.agent_of.tolist() == full.agent_of.tolist()
    assert pruned.best_of.tolist() == full.best_of.tolist()
    assert np.array_equal(pruned.alpha, full.alpha)
    assert pruned.pool.tolist() == full.pool.tolist()


def _penalised(search: gap_search.TabuSearch, agent_of: np.ndarray) -> float:
    """Cost plus weighted excess of a plan, from scratch."""
    items = np.arange(agent_of.size)
    load = np.bincount(
        agent_of, weights=search.weight[0, agent_of, items], minlength=search.capacity.shape[1]
    )
    excess = np.maximum(load - search.capacity[0], 0)
    return float(search.cost[agent_of, items].sum() + (search.alpha[0] * excess).sum())


@pytest.mark.parametrize("seed", range(3))
def test_the_double_shift_scan_finds_the_best_double_shift_of_three_agents(seed):
    # Every double shift (j from a to b, then k from b to c; a, b, c different, neither arc
    # tabu) priced from scratch: the scan's best value is the least of them, and the move it
    # returns has that value; over random plans, weights and tabu arcs.
    rng = np.random.default_rng(seed)
    instance = type_d(rng, n=14, m=4)
    start = greedy(instance)
    assert start is not None
    search = gap_search.TabuSearch(instance, start, seed=seed)
    n, m, it = instance.n_items, instance.n_agents, 5
    items = np.arange(n)
    for _ in range(30):
        agent_of = rng.integers(0, m, size=n)
        search.alpha[:] = rng.uniform(0.2, 5.0, size=search.alpha.shape)
        search.tabu[:] = 0
        search.tabu[rng.integers(0, m, size=8), rng.integers(0, n, size=8)] = it + 1
        before = _penalised(search, agent_of)
        values = []
        for j in range(n):
            for k in range(n):
                a, b = agent_of[j], agent_of[k]
                if a == b or search.tabu[b, j] > it:
                    continue
                for c in range(m):
                    if c in (a, b) or search.tabu[c, k] > it:
                        continue
                    moved = agent_of.copy()
                    moved[j], moved[k] = b, c
                    values.append(_penalised(search, moved) - before)
        load = np.bincount(agent_of, weights=search.weight[0, agent_of, items], minlength=m)
        load = load.astype(np.int64)[None, :]
        move_item = np.zeros(2, dtype=np.int64)
        move_to = np.zeros(2, dtype=np.int64)
        best, _, length = gap_search._double_shifts_one_resource(
            np.ascontiguousarray(search.cost.T),
            search.allowed,
            np.ascontiguousarray(search.weight.transpose(0, 2, 1)),
            search.capacity,
            agent_of,
            load,
            search.tabu,
            search.alpha,
            search.rng,
            it,
            move_item,
            move_to,
            search.cost[agent_of, items].copy(),
            search.weight[0, agent_of, items][None, :].copy(),
            np.maximum(load - search.capacity, 0),
            np.inf,
            0,
            0,
        )
        if not values:
            assert length == 0
            continue
        assert length == 2
        assert best == pytest.approx(min(values))
        j, b, k, c = move_item[0], move_to[0], move_item[1], move_to[1]
        assert agent_of[k] == b and len({agent_of[j], b, c}) == 3
        moved = agent_of.copy()
        moved[j], moved[k] = b, c
        assert _penalised(search, moved) - before == pytest.approx(best)


def test_kernel_search_finds_the_optimum_among_the_kernel_arcs():
    instance = type_d(np.random.default_rng(2), n=30, m=4)
    exact = solve_gap(instance, GapParams(time_limit_s=60, workers=2, seed=1, plain=True))
    assert exact.status == SolveStatus.OPTIMAL
    start = greedy(instance)
    assert start is not None and objective(instance, start) > exact.objective
    kernel = np.zeros((instance.n_agents, instance.n_items), dtype=bool)
    kernel[exact.agent_of, np.arange(instance.n_items)] = True
    found = kernel_search(instance, kernel, start, GapParams(workers=2, seed=1), _budget(30.0))
    assert not violations(instance, found)
    assert objective(instance, found) == exact.objective
    # Nothing to choose beyond the start's own arcs: the start comes back.
    kept = kernel_search(
        instance, np.zeros_like(kernel), start, GapParams(workers=2, seed=1), _budget(30.0)
    )
    assert kept.tolist() == start.tolist()


def test_merged_instance_keeps_the_kernel_arcs_too():
    rng = np.random.default_rng(3)
    instance = random_instance(rng, n=10, m=4, skip=False)
    plans = [np.arange(10) % 4]
    kernel = np.zeros((4, 10), dtype=bool)
    kernel[3, 0] = kernel[2, 5] = True
    merged = merged_instance(instance, plans, kernel)
    pairs = set(zip(merged.arc_item.tolist(), merged.arc_agent.tolist(), strict=True))
    assert pairs == {(i, i % 4) for i in range(10)} | {(0, 3), (5, 2)}


def test_the_core_searches_the_kernel_on_the_classic_gap_only(monkeypatch):
    calls = []
    original = cpsat.kernel_search

    def recording(instance, kernel, start, params, budget):
        calls.append(int(kernel.sum()))
        return original(instance, kernel, start, params, budget)

    monkeypatch.setattr(cpsat, "kernel_search", recording)
    params = GapParams(time_limit_s=1.0, workers=1, seed=1, deterministic=True)
    classic = type_d(np.random.default_rng(6), n=60, m=6)
    found = solve_gap(classic, params)
    assert not violations(classic, found.agent_of)
    assert len(calls) == 1 and calls[0] >= classic.n_items
    mentor_form = random_instance(np.random.default_rng(6), n=40, m=5, skip=True)
    solve_gap(mentor_form, params)
    assert len(calls) == 1
