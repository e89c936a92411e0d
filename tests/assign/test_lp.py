"""The linear relaxation: a valid bound, exact in integers, and a feasible rounded plan."""

from __future__ import annotations

import time

import numpy as np
import pytest

from tests.assign.test_gap_core import brute_force, dense, random_instance
from tkm_assign.assign.cpsat import lp_rounding
from tkm_assign.assign.flow import priced_flow, solve_flow
from tkm_assign.assign.gap import UNASSIGNED, Budget, GapInstance, objective, violations
from tkm_assign.assign.lp import lp_bound, lp_relaxation, prune_arcs, whole_part


def _budget() -> Budget:
    return Budget(1.0, time.monotonic() + 60)


@pytest.mark.parametrize("skip", [True, False])
@pytest.mark.parametrize("seed", range(6))
def test_bound_is_valid_and_at_least_the_lagrangian_one(seed, skip):
    instance = random_instance(np.random.default_rng(seed), 6, 3, skip)
    relaxation = lp_relaxation(instance)
    assert relaxation is not None
    best = brute_force(instance)
    bound = lp_bound(instance, relaxation)
    assert bound <= relaxation.value + 1e-6 <= best + 1e-6
    # The duals' prices reach the relaxation's value, up to their rounding to 1/64.
    assert bound >= relaxation.value - 1.0
    assert bound >= priced_flow(instance, _budget()).bound - 1
    rounded = lp_rounding(instance, relaxation, _budget(), seed)
    if rounded is not None:
        assert violations(instance, rounded) == []
        assert objective(instance, rounded) >= best


def test_without_binding_capacities_the_relaxation_is_the_flow():
    instance = dense([[1, 5, 3], [4, 2, 4]], [[1, 1, 1], [1, 1, 1]], [9, 9])
    relaxation = lp_relaxation(instance)
    assert relaxation is not None
    agent_of, cost = solve_flow(instance)
    assert relaxation.value == pytest.approx(cost)
    assert not relaxation.prices.any()
    assert whole_part(instance, relaxation).tolist() == agent_of.tolist() == [0, 1, 0]


def test_a_binding_capacity_is_priced_and_splits_an_item():
    # One agent, room for 1.5 items by weight: the relaxation takes half of the second.
    instance = dense([[1, 2]], [[2, 2]], [3], item_skip_cost=np.array([10, 10]))
    relaxation = lp_relaxation(instance)
    assert relaxation is not None
    assert relaxation.value == pytest.approx(1 - 10 + 0.5 * (2 - 10) + 20)
    assert relaxation.prices[0, 0] > 0
    assert whole_part(instance, relaxation).tolist() == [0, UNASSIGNED]
    assert lp_bound(instance, relaxation) == 7  # the relaxation's value, from an exact flow
    rounded = lp_rounding(instance, relaxation, _budget(), 0)
    assert rounded is not None and rounded.tolist() == [0, UNASSIGNED]


def test_two_resources_both_bind():
    # Item weights (hours, days): the days row, not the hours row, keeps the second item out.
    instance = GapInstance(
        n_items=2,
        n_agents=1,
        arc_item=np.array([0, 1]),
        arc_agent=np.array([0, 0]),
        arc_cost=np.array([1, 1]),
        arc_weight=np.array([[1, 1], [5, 5]]),
        agent_capacity=np.array([[9], [9]]),
        item_skip_cost=np.array([10, 10]),
    )
    relaxation = lp_relaxation(instance)
    assert relaxation is not None
    assert relaxation.prices[1, 0] > 0 and relaxation.prices[0, 0] == 0
    assert lp_bound(instance, relaxation) <= brute_force(instance)
    rounded = lp_rounding(instance, relaxation, _budget(), 0)
    assert rounded is not None and int((rounded != UNASSIGNED).sum()) == 1


@pytest.mark.parametrize("skip", [True, False])
@pytest.mark.parametrize("seed", range(6))
def test_pruned_arcs_keep_the_optimum(seed, skip):
    instance = random_instance(np.random.default_rng(seed), 6, 3, skip)
    relaxation = lp_relaxation(instance)
    assert relaxation is not None
    known = lp_rounding(instance, relaxation, _budget(), seed)
    if known is None:
        pytest.skip("the split items found no room")
    pruned = prune_arcs(instance, relaxation, objective(instance, known), known)
    assert pruned.arc_item.size <= instance.arc_item.size
    assert violations(pruned, known) == []
    assert brute_force(pruned) == brute_force(instance)
