"""The GAP core: each CP-SAT constraint and term, the flow, the heuristics, the LNS."""

from __future__ import annotations

import itertools
import time

import numpy as np
import pytest
from ortools.sat.python import cp_model

from tkm_assign.assign import cpsat
from tkm_assign.assign.cpsat import (
    CPSAT_PARTS,
    GapParams,
    add_fixed_arcs,
    add_item_limit,
    add_one_agent_per_item,
    add_weight_capacity,
    arc_cost_term,
    balance_term,
    build_model,
    improve_gap,
    large_neighbourhood_search,
    skip_cost_term,
    solve_gap,
)
from tkm_assign.assign.flow import priced_flow, solve_flow
from tkm_assign.assign.gap import (
    UNASSIGNED,
    Budget,
    GapInstance,
    greedy,
    local_search,
    objective,
    repair,
    violations,
)
from tkm_assign.model import SolveStatus


def dense(cost, weight, capacity, **kw) -> GapInstance:
    cost, weight = np.asarray(cost), np.asarray(weight)
    m, n = cost.shape
    agent, item = np.meshgrid(np.arange(m), np.arange(n), indexing="ij")
    order = np.lexsort((agent.ravel(), item.ravel()))
    return GapInstance(
        n_items=n,
        n_agents=m,
        arc_item=item.ravel()[order].astype(np.int64),
        arc_agent=agent.ravel()[order].astype(np.int64),
        arc_cost=cost.ravel()[order].astype(np.int64),
        arc_weight=weight.ravel()[order].astype(np.int64),
        agent_capacity=np.asarray(capacity, dtype=np.int64),
        **kw,
    )


def brute_force(instance: GapInstance) -> int:
    """Best objective by enumeration (tiny instances only)."""
    options = (
        [-1, *range(instance.n_agents)] if not instance.must_assign else range(instance.n_agents)
    )
    best = None
    for combo in itertools.product(options, repeat=instance.n_items):
        agent_of = np.array(combo, dtype=np.int64)
        if violations(instance, agent_of):
            continue
        value = objective(instance, agent_of)
        best = value if best is None else min(best, value)
    assert best is not None
    return best


def random_instance(rng: np.random.Generator, n: int, m: int, skip: bool) -> GapInstance:
    cost = rng.integers(1, 50, size=(m, n))
    weight = rng.integers(5, 25, size=(m, n))
    capacity = np.full(m, int(weight.sum() / m * 0.7))
    kw = {}
    if skip:
        kw = {
            "item_skip_cost": rng.integers(40, 120, size=n),
            "agent_max_items": np.full(m, 2),
            "agent_balance": tuple(np.array([3, 9]) for _ in range(m)),
        }
    return dense(cost, weight, capacity, **kw)


def solve_model(model: cp_model.CpModel, x: list[cp_model.IntVar]) -> list[int]:
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    assert solver.solve(model) == cp_model.OPTIMAL
    return [int(solver.value(v)) for v in x]


def test_one_agent_per_item_exactly_one_when_all_must_be_assigned():
    instance = dense([[1, 1], [1, 1]], [[1, 1], [1, 1]], [9, 9])
    model = cp_model.CpModel()
    x = [model.new_bool_var("") for _ in range(4)]
    add_one_agent_per_item(model, x, instance)
    model.minimize(sum(x))
    assert sum(solve_model(model, x)) == 2


def test_one_agent_per_item_at_most_one_with_skips():
    instance = dense([[1, 1]], [[1, 1]], [9], item_skip_cost=np.array([5, 5]))
    model = cp_model.CpModel()
    x = [model.new_bool_var("") for _ in range(2)]
    add_one_agent_per_item(model, x, instance)
    model.maximize(sum(x))
    assert sum(solve_model(model, x)) == 2
    model2 = cp_model.CpModel()
    y = [model2.new_bool_var("") for _ in range(2)]
    add_one_agent_per_item(model2, y, instance)
    model2.minimize(sum(y))
    assert sum(solve_model(model2, y)) == 0


def test_weight_capacity_limits_the_chosen_weight():
    instance = dense([[1, 1, 1]], [[4, 4, 4]], [9])
    model = cp_model.CpModel()
    x = [model.new_bool_var("") for _ in range(3)]
    add_weight_capacity(model, x, instance)
    model.maximize(sum(x))
    assert sum(solve_model(model, x)) == 2


def test_item_limit_caps_the_count():
    instance = dense([[1, 1, 1]], [[1, 1, 1]], [9], agent_max_items=np.array([1]))
    model = cp_model.CpModel()
    x = [model.new_bool_var("") for _ in range(3)]
    counts = add_item_limit(model, x, instance)
    model.maximize(sum(x))
    assert sum(solve_model(model, x)) == 1
    assert counts[0] is not None


def test_fixed_arcs_are_chosen():
    instance = dense([[1, 1]], [[1, 1]], [9], fixed_arcs=np.array([1]))
    model = cp_model.CpModel()
    x = [model.new_bool_var("") for _ in range(2)]
    add_fixed_arcs(model, x, instance)
    model.minimize(sum(x))
    assert solve_model(model, x) == [0, 1]


def test_cost_terms_fold_the_skip_cost_into_the_arcs():
    instance = dense([[3, 4]], [[1, 1]], [9], item_skip_cost=np.array([10, 2]))
    model = cp_model.CpModel()
    x = [model.new_bool_var("") for _ in range(2)]
    add_one_agent_per_item(model, x, instance)
    model.minimize(arc_cost_term(x, instance) + skip_cost_term(instance))
    solver = cp_model.CpSolver()
    assert solver.solve(model) == cp_model.OPTIMAL
    # Item 0 is served (3 < 10); item 1 is skipped (2 < 4): 3 + 2.
    assert solver.objective_value == 5


@pytest.mark.parametrize("count", [0, 1, 2, 3])
def test_balance_term_equals_the_convex_cost_at_every_count(count):
    marginals = np.array([1, 4, 9])
    instance = dense(
        [[0, 0, 0]], [[1, 1, 1]], [9], agent_max_items=np.array([3]), agent_balance=(marginals,)
    )
    model = cp_model.CpModel()
    x = [model.new_bool_var("") for _ in range(3)]
    counts = add_item_limit(model, x, instance)
    model.add(sum(x) == count)
    expr, _ = balance_term(model, counts, instance)
    model.minimize(expr)
    solver = cp_model.CpSolver()
    assert solver.solve(model) == cp_model.OPTIMAL
    assert solver.objective_value == marginals[:count].sum()


@pytest.mark.parametrize("seed", range(6))
def test_cpsat_and_brute_force_agree(seed):
    rng = np.random.default_rng(seed)
    instance = random_instance(rng, n=6, m=3, skip=seed % 2 == 0)
    solution = solve_gap(instance, GapParams(time_limit_s=5, workers=1, seed=seed))
    assert solution.status == SolveStatus.OPTIMAL
    assert not violations(instance, solution.agent_of)
    assert solution.objective == brute_force(instance) == objective(instance, solution.agent_of)


@pytest.mark.parametrize("seed", range(4))
def test_flow_is_optimal_for_the_head_count_model(seed):
    rng = np.random.default_rng(seed)
    instance = random_instance(rng, n=6, m=3, skip=True)
    relaxed = GapInstance(**{**instance.__dict__, "agent_capacity": np.full(3, 10**9)})
    agent_of, cost = solve_flow(relaxed)
    assert cost == objective(relaxed, agent_of) == brute_force(relaxed)
    # With hours, the flow bounds the optimum from below and the prices keep it a bound.
    priced = priced_flow(instance, Budget(1.0, time.monotonic() + 10))
    assert cost <= priced.bound <= brute_force(instance)
    assert priced.agent_of is not None and not violations(instance, priced.agent_of)


def test_flow_honours_fixed_arcs():
    instance = dense(
        [[1, 50]], [[1, 1]], [9], item_skip_cost=np.array([10, 10]), fixed_arcs=np.array([1])
    )
    agent_of, _ = solve_flow(instance)
    assert agent_of.tolist() == [0, 0]


def test_repair_makes_an_overfull_plan_feasible_and_keeps_fixed_items():
    instance = dense(
        [[1, 1, 1], [5, 5, 5]],
        [[5, 5, 5], [5, 5, 5]],
        [10, 5],
        item_skip_cost=np.array([100, 100, 100]),
        fixed_arcs=np.array([0]),  # item 0 on agent 0
    )
    fixed = repair(instance, np.array([0, 0, 0]))
    assert not violations(instance, fixed)
    assert fixed[0] == 0
    assert (fixed != UNASSIGNED).sum() == 3


def test_greedy_and_local_search_give_feasible_plans():
    rng = np.random.default_rng(3)
    instance = random_instance(rng, n=12, m=3, skip=False)
    start = greedy(instance)
    assert start is not None and not violations(instance, start)
    better = local_search(instance, start, Budget(1.0, time.monotonic() + 10))
    assert not violations(instance, better)
    assert objective(instance, better) <= objective(instance, start)


def test_lns_never_worsens_and_stays_feasible():
    rng = np.random.default_rng(4)
    instance = random_instance(rng, n=30, m=5, skip=False)
    start = greedy(instance)
    assert start is not None
    better = large_neighbourhood_search(instance, start, Budget(0.5, time.monotonic() + 10), seed=1)
    assert not violations(instance, better)
    assert objective(instance, better) <= objective(instance, start)


def test_plain_model_is_the_same_model():
    rng = np.random.default_rng(5)
    instance = random_instance(rng, n=8, m=3, skip=True)
    plain = solve_gap(instance, GapParams(time_limit_s=5, workers=1, plain=True))
    ours = solve_gap(instance, GapParams(time_limit_s=5, workers=1))
    assert plain.status == ours.status == SolveStatus.OPTIMAL
    assert plain.objective == ours.objective
    assert build_model(instance).model.validate() == ""


def test_large_models_with_skips_are_searched_in_parts(monkeypatch):
    monkeypatch.setattr(cpsat, "WHOLE_MODEL_MAX_ARCS", 100)
    rng = np.random.default_rng(0)
    n, m = 60, 6  # 360 arcs; room for about a third of the weight
    instance = dense(
        rng.integers(1, 50, size=(m, n)),
        rng.integers(5, 40, size=(m, n)),
        np.full(m, 120),
        item_skip_cost=rng.integers(200, 400, size=n),
        agent_max_items=np.full(m, 10),
    )
    hint = np.arange(n, dtype=np.int64) % m  # overfull: needs repair
    # Counted work ends the search; the distant wall clock never does, even on a busy machine.
    params = GapParams(
        time_limit_s=5, workers=1, relative_gap=0.0, wall_deadline=time.monotonic() + 600
    )
    solution = solve_gap(instance, params, hint=hint)
    assert solution.engine == CPSAT_PARTS
    assert not violations(instance, solution.agent_of)
    assert solution.bound <= solution.objective
    assert solution.objective <= objective(instance, repair(instance, hint))
    again = solve_gap(instance, params, hint=hint)
    assert again.agent_of.tolist() == solution.agent_of.tolist()
    # Every item assigned (the classic GAP): the whole model is still searched.
    whole = random_instance(rng, n=30, m=5, skip=False)
    assert solve_gap(whole, params).engine != CPSAT_PARTS


def test_lns_is_the_same_for_the_same_seed():
    rng = np.random.default_rng(6)
    instance = random_instance(rng, n=30, m=5, skip=True)
    start = np.full(instance.n_items, UNASSIGNED, dtype=np.int64)
    runs = [
        large_neighbourhood_search(instance, start, Budget(0.3, time.monotonic() + 30), seed=2)
        for _ in range(2)
    ]
    assert runs[0].tolist() == runs[1].tolist()


def test_budget_spends_work_and_watches_the_clock():
    budget = Budget(1.0, time.monotonic() + 60)
    part = budget.part(0.25, time.monotonic() + 60)
    assert part.left == 0.25 and not part.exhausted
    part.spend(0.25)
    assert part.exhausted
    assert Budget(float("inf"), time.monotonic() - 1).exhausted
    # A fixed allowance is spent at once, never more than is left; the clock alone stays so.
    whole = Budget(1.5, time.monotonic() + 60)
    assert whole.take(1.0).left == 1.0 and whole.left == 0.5
    assert whole.take(1.0).left == 0.5 and whole.exhausted
    clock = Budget(float("inf"), time.monotonic() + 60)
    taken = clock.take(1.0)
    assert taken.left == 1.0 and taken.deadline == clock.deadline and clock.left == float("inf")


@pytest.mark.parametrize("seed", range(3))
def test_improve_gap_reaches_the_brute_force_optimum_from_a_poor_plan(seed):
    rng = np.random.default_rng(20 + seed)
    instance = random_instance(rng, n=7, m=3, skip=True)
    start = np.full(instance.n_items, UNASSIGNED, dtype=np.int64)  # nobody served: feasible
    params = GapParams(time_limit_s=5, workers=1, wall_deadline=time.monotonic() + 600)
    found = improve_gap(instance, start, params)
    best = brute_force(instance)
    assert not violations(instance, found.agent_of)
    assert found.objective == best < objective(instance, start)
    assert found.bound == best and found.status == SolveStatus.OPTIMAL


def test_improve_gap_on_a_large_model_searches_parts_and_never_worsens(monkeypatch):
    monkeypatch.setattr(cpsat, "WHOLE_MODEL_MAX_ARCS", 10)
    rng = np.random.default_rng(8)
    instance = random_instance(rng, n=12, m=3, skip=True)
    start = np.full(instance.n_items, UNASSIGNED, dtype=np.int64)
    params = GapParams(time_limit_s=1, workers=1, wall_deadline=time.monotonic() + 600)
    found = improve_gap(instance, start, params)
    assert found.engine == CPSAT_PARTS
    assert not violations(instance, found.agent_of)
    assert found.objective == objective(instance, found.agent_of) < objective(instance, start)
    assert found.bound == 0  # parts prove nothing about the whole
