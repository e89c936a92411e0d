"""The knapsack relaxation of the classic GAP: its bound, its plans and where it applies."""

from __future__ import annotations

import itertools
import time

import numpy as np
import pytest

from tests.assign.test_gap_core import brute_force, dense, random_instance
from tests.assign.test_gap_search import type_d
from tkm_assign.assign import gap_search, lagrangian
from tkm_assign.assign.cpsat import GapParams, solve_gap
from tkm_assign.assign.gap import Budget, GapInstance, objective, violations
from tkm_assign.assign.lp import lp_bound, lp_relaxation
from tkm_assign.model import SolveStatus


def _budget(units: float = 50.0) -> Budget:
    return Budget(units, time.monotonic() + 600)


def _sparse() -> GapInstance:
    """Item 0 may go to agent 1 only, item 1 to agent 0 only; the cheap arcs are absent."""
    return GapInstance(
        n_items=3,
        n_agents=2,
        arc_item=np.array([0, 1, 2, 2], dtype=np.int64),
        arc_agent=np.array([1, 0, 0, 1], dtype=np.int64),
        arc_cost=np.array([9, 8, 1, 5], dtype=np.int64),
        arc_weight=np.array([2, 2, 2, 2], dtype=np.int64),
        agent_capacity=np.array([4, 4], dtype=np.int64),
    )


@pytest.mark.parametrize("seed", range(6))
def test_the_knapsack_table_finds_the_best_subset(seed):
    rng = np.random.default_rng(seed)
    profit = rng.uniform(-3, 10, size=9)
    weight = rng.integers(0, 12, size=9).astype(np.int64)
    capacity = int(rng.integers(5, 40))
    take = np.zeros(9, dtype=np.bool_)
    value = lagrangian._knapsack(profit, weight, capacity, take)
    best = max(
        sum(profit[j] for j in range(9) if pick[j])
        for pick in itertools.product((0, 1), repeat=9)
        if sum(weight[j] for j in range(9) if pick[j]) <= capacity
    )
    assert value == pytest.approx(best)
    assert weight[take].sum() <= capacity
    assert profit[take].sum() == pytest.approx(value)


@pytest.mark.parametrize("seed", range(4))
def test_the_bound_never_exceeds_the_brute_force_optimum(seed):
    instance = random_instance(np.random.default_rng(seed), n=7, m=3, skip=False)
    optimum = brute_force(instance)
    relaxed = lagrangian.relax(instance, optimum + 50, _budget())
    assert relaxed.bound <= optimum
    for plan, cost in zip(relaxed.plans, relaxed.costs, strict=True):
        assert not violations(instance, plan)
        assert objective(instance, plan) == cost >= optimum


@pytest.mark.parametrize("seed", range(3))
def test_on_type_d_the_bound_is_at_least_the_linear_relaxation_and_below_cp_sat(seed):
    # Type D is where the knapsacks' convex hulls cut deep into the LP: the ascent must
    # reach the LP's bound and stay below the optimum CP-SAT proves.
    instance = type_d(np.random.default_rng(seed), n=30, m=4)
    exact = solve_gap(instance, GapParams(time_limit_s=60, workers=2, seed=1, plain=True))
    assert exact.status == SolveStatus.OPTIMAL
    relaxed = lagrangian.relax(instance, exact.objective + 100, _budget())
    assert lp_bound(instance, lp_relaxation(instance)) <= relaxed.bound <= exact.objective
    assert relaxed.plans, "the ascent builds feasible plans on the way"
    assert relaxed.costs == sorted(relaxed.costs)
    assert len({plan.tobytes() for plan in relaxed.plans}) == len(relaxed.plans)
    for plan in relaxed.plans:
        assert not violations(instance, plan)


def test_plans_use_only_the_instance_arcs():
    instance = _sparse()
    relaxed = lagrangian.relax(instance, 100, _budget())
    assert relaxed.bound <= 18 == brute_force(instance)
    assert relaxed.plans and relaxed.plans[0].tolist() == [1, 0, 0]
    assert relaxed.costs[0] == 18


def test_the_same_instance_gives_the_same_relaxation():
    instance = type_d(np.random.default_rng(5), n=40, m=5)
    runs = [lagrangian.relax(instance, 10_000, _budget()) for _ in range(2)]
    assert runs[0].bound == runs[1].bound
    assert runs[0].steps == runs[1].steps
    assert [p.tolist() for p in runs[0].plans] == [p.tolist() for p in runs[1].plans]
    assert np.array_equal(runs[0].multipliers, runs[1].multipliers)


def test_the_work_budget_ends_the_ascent():
    instance = type_d(np.random.default_rng(2), n=40, m=5)
    cells = float((instance.capacities[0] + 1).sum()) * instance.n_items
    budget = _budget(10 * cells / lagrangian.CELLS_PER_UNIT)
    relaxed = lagrangian.relax(instance, 10_000, budget)
    assert relaxed.steps == 10
    assert budget.left == pytest.approx(0.0, abs=1e-12)


def test_applies_to_the_classic_gap_with_small_integer_capacities_only():
    rng = np.random.default_rng(3)
    assert lagrangian.applies(random_instance(rng, n=8, m=3, skip=False))
    # The mentor assignment's form: skip costs, caseloads and balance.
    assert not lagrangian.applies(random_instance(rng, n=8, m=3, skip=True))
    # Two resources.
    two = GapInstance(
        n_items=2,
        n_agents=2,
        arc_item=np.array([0, 0, 1, 1], dtype=np.int64),
        arc_agent=np.array([0, 1, 0, 1], dtype=np.int64),
        arc_cost=np.array([1, 2, 2, 1], dtype=np.int64),
        arc_weight=np.array([[1, 1, 1, 1], [2, 2, 2, 2]], dtype=np.int64),
        agent_capacity=np.array([[3, 3], [5, 5]], dtype=np.int64),
    )
    assert not lagrangian.applies(two)
    # Tables too large (minutes of a month as capacity on many items).
    cost = rng.integers(1, 50, size=(3, 400))
    huge = dense(cost, np.full((3, 400), 60), np.full(3, 100_000))
    assert not lagrangian.applies(huge)


def test_the_core_proves_a_better_bound_with_the_knapsack_relaxation(monkeypatch):
    instance = type_d(np.random.default_rng(7), n=60, m=6)
    params = GapParams(time_limit_s=1.0, workers=1, seed=1, deterministic=True)
    found = solve_gap(instance, params)
    assert not violations(instance, found.agent_of)
    assert found.bound <= found.objective
    monkeypatch.setattr(lagrangian, "applies", lambda instance: False)
    without = solve_gap(instance, params)
    # The LP bound and what CP-SAT proves in its last run (3,692 here) against 3,697.
    assert found.bound > without.bound


def test_the_kernel_holds_the_last_knapsack_choices_on_instance_arcs_only():
    instance = type_d(np.random.default_rng(4), n=40, m=5)
    relaxed = lagrangian.relax(instance, 10_000, _budget())
    kernel = relaxed.kernel
    assert kernel.shape == (instance.n_agents, instance.n_items)
    # Near the best multipliers the knapsacks take every item at least once and few items
    # more than a couple of times: a small set of arcs to choose among.
    assert kernel.any(axis=0).all()
    assert instance.n_items < kernel.sum() < 3 * instance.n_items
    allowed = np.zeros_like(kernel)
    allowed[instance.arc_agent, instance.arc_item] = True
    assert not (kernel & ~allowed).any()
    # The knapsacks' choices at the best multipliers are in it.
    chosen = np.zeros_like(kernel)
    cost, arcs, weights = gap_search.dense_tables(instance)
    capacity = np.ascontiguousarray(instance.capacities[0], dtype=np.int64)
    lagrangian._lagrangian(
        cost, arcs, np.ascontiguousarray(weights[0]), capacity, relaxed.multipliers, chosen
    )
    assert not (chosen & ~kernel).any()


def test_sparse_instances_keep_missing_arcs_out_of_the_kernel():
    instance = _sparse()
    kernel = lagrangian.relax(instance, 100, _budget()).kernel
    assert not kernel[0, 0] and not kernel[1, 1]
