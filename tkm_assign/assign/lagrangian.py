"""The classic GAP's Lagrangian relaxation of the assignment constraints: one knapsack per agent.

Relaxing "every item goes to exactly one agent" with a multiplier ``u[j]`` per item leaves
one 0/1 knapsack per agent,

    L(u) = sum_j u[j] - sum_i max { sum_j (u[j] - cost[i, j]) x[j] : sum_j weight[i, j] x[j]
                                    <= capacity[i] },

and ``L(u)`` is a lower bound on the optimum for every ``u``. Its best value equals the
linear relaxation with each agent's knapsack replaced by its convex hull (Fisher, Jaikumar
and Van Wassenhove's relaxation), so it is never below the LP bound of
:mod:`~tkm_assign.assign.lp`: on the Chu & Beasley D instances it closes about a fifth to a
half of the LP's gap (d20100: 6,176 against 6,169, best known 6,185).

:func:`relax` maximises ``L`` by subgradient ascent (Held and Karp's step towards an upper
bound, its factor halved when the bound stops rising). Every few steps the knapsacks'
choices become a feasible plan (:func:`_plan_from_knapsacks`: an item several agents chose
stays with the cheapest, the items none chose are placed by regret where they fit, then
shifts and swaps while they lower the cost). Those plans start the tabu search of
:mod:`~tkm_assign.assign.gap_search`: they come from near-optimal multipliers, so on the
hard instances they start it in a better valley than the rounded linear relaxation (d20200:
0.44% above the best known after the core's minute, 0.53-0.57% from the rounded LP).

The arcs the knapsacks took in the ascent's last steps are its *kernel*
(:attr:`Relaxation.kernel`, about two arcs an item): CP-SAT searches the instance restricted
to them well (:func:`~tkm_assign.assign.cpsat.kernel_search`: d20200 from 12,370 to
12,266-12,283 in 12 s, where CP-SAT on the whole instance stays far above), and the merges of
the tabu search's elite plans keep them.

The knapsacks are solved exactly by dynamic programming over the capacity, so the
relaxation applies only where weights and capacities are small non-negative integers
(:func:`applies`). Work is counted in table cells, so a run is the same on every machine.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numba
import numpy as np

from tkm_assign.assign.gap import Budget, GapInstance, IntArray
from tkm_assign.assign.gap_search import BoolArray, FloatArray, dense_tables
from tkm_assign.assign.gap_search import applies as classic

CELLS_PER_UNIT = 1_000_000_000  # knapsack table cells per work unit (about a CPU second)
MAX_CELLS = 20_000_000  # table cells of one ascent step (all agents) above which it is not used
MAX_STEPS = 3_000
PLAN_EVERY = 5  # steps between two plans built from the knapsacks' choices
STALL_STEPS = 30  # steps without a better bound before the step factor is halved
MIN_FACTOR = 1e-4  # the ascent stops when the step factor falls below this
START_FACTOR = 2.0
PLANS_KEPT = 8
# The kernel: arcs some knapsack took in the ascent's last this many steps (about 1.8 arcs an
# item on the Chu & Beasley D instances: the choices near the best multipliers).
KERNEL_STEPS = 500


@dataclass(frozen=True)
class Relaxation:
    """What the subgradient ascent found.

    Attributes
    ----------
    bound
        A proven lower bound on every plan's cost (the best ``L(u)``, rounded up).
    multipliers
        The ``u`` that reached it, one per item.
    plans
        Distinct feasible plans (agent of each item), cheapest first, at most ``PLANS_KEPT``.
    costs
        Their costs.
    steps
        Ascent steps taken.
    kernel
        Agents x items: the arcs some knapsack took in the last ``KERNEL_STEPS`` steps.
    """

    bound: int
    multipliers: FloatArray
    plans: list[IntArray]
    costs: list[int]
    steps: int
    kernel: BoolArray


def applies(instance: GapInstance) -> bool:
    """Whether :func:`relax` handles ``instance``: the classic GAP with one resource, weights
    and capacities non-negative, and knapsack tables of at most ``MAX_CELLS`` cells a step.

    Parameters
    ----------
    instance
        The instance.

    Returns
    -------
    bool
        True where the relaxation can be solved by the knapsack tables.
    """
    if not classic(instance) or instance.weights.shape[0] != 1:
        return False
    capacity = instance.capacities[0]
    if (instance.weights < 0).any() or (capacity < 0).any():
        return False
    return int((capacity + 1).sum()) * instance.n_items <= MAX_CELLS


def relax(instance: GapInstance, upper: int, budget: Budget) -> Relaxation:
    """Maximise the Lagrangian bound by subgradient ascent and collect the plans it suggests.

    Parameters
    ----------
    instance
        A classic GAP instance with one resource (:func:`applies`).
    upper
        The cost of a known feasible plan: the ascent steps towards it (a better plan found
        on the way takes its place).
    budget
        Work allowance (table cells, ``CELLS_PER_UNIT``) and wall-clock net.

    Returns
    -------
    Relaxation
        The best bound, its multipliers and the cheapest distinct plans built on the way.
    """
    m, n = instance.n_agents, instance.n_items
    cost, allowed, weights = dense_tables(instance)
    weight = np.ascontiguousarray(weights[0])
    capacity = np.ascontiguousarray(instance.capacities[0], dtype=np.int64)
    cells = float((capacity + 1).sum()) * n
    # Start: each item worth its cheapest arc. (Starting from the item values the linear
    # relaxation's capacity prices imply reaches the same bounds on the D instances, but
    # its plans start the tabu search worse: D 0.25% against 0.19% after 60 s.)
    u = cost.min(axis=0).astype(np.float64)
    chosen = np.zeros((m, n), dtype=np.bool_)
    last_taken = np.full((m, n), -1, dtype=np.int64)  # last step a knapsack took the arc
    factor = START_FACTOR
    best_bound = -math.inf
    best_u = u.copy()
    stall = 0
    found: dict[bytes, tuple[int, IntArray]] = {}
    step = 0
    target = float(upper)
    while step < MAX_STEPS and not budget.exhausted:
        value = _lagrangian(cost, allowed, weight, capacity, u, chosen)
        budget.spend(cells / CELLS_PER_UNIT)
        last_taken[chosen] = step
        if value > best_bound + 1e-9:
            best_bound, best_u, stall = value, u.copy(), 0
        else:
            stall += 1
            if stall >= STALL_STEPS:
                factor, stall = factor / 2, 0
        if step % PLAN_EVERY == 0:
            plan = _plan_from_knapsacks(cost, allowed, weight, capacity, chosen)
            if plan[0] >= 0:
                plan_cost = int(cost[plan, np.arange(n)].sum())
                found.setdefault(plan.tobytes(), (plan_cost, plan))
                target = min(target, float(plan_cost))
        step += 1
        if best_bound >= target - 1e-9 or factor < MIN_FACTOR:
            break
        # Subgradient: 1 - (number of agents that took the item).
        slack = 1.0 - chosen.sum(axis=0)
        norm = float((slack * slack).sum())
        if norm == 0.0:
            break  # the knapsacks' choices are a plan, optimal for the relaxation
        u = u + factor * (target - value) / norm * slack
    ordered = sorted(found.values(), key=lambda entry: (entry[0], entry[1].tobytes()))[:PLANS_KEPT]
    # Rounded up (costs are integers), less a tolerance for the floating-point sums.
    bound = math.ceil(best_bound - 1e-6) if math.isfinite(best_bound) else 0
    return Relaxation(
        bound=bound,
        multipliers=best_u,
        plans=[plan for _, plan in ordered],
        costs=[plan_cost for plan_cost, _ in ordered],
        steps=step,
        kernel=last_taken >= max(step - KERNEL_STEPS, 0),
    )


@numba.njit(cache=True)
def _knapsack(profit: FloatArray, weight: IntArray, capacity: int, take: BoolArray) -> float:
    """Best total profit of a 0/1 knapsack (dynamic programming over the capacity); the
    items taken are written to ``take``."""
    n = profit.size
    table = np.zeros(capacity + 1)
    keep = np.zeros((n, capacity + 1), dtype=np.bool_)
    for j in range(n):
        p = profit[j]
        if p <= 0.0:
            continue
        w = weight[j]
        for k in range(capacity, w - 1, -1):
            value = table[k - w] + p
            if value > table[k]:
                table[k] = value
                keep[j, k] = True
    k = capacity
    for j in range(n - 1, -1, -1):
        take[j] = False
        if keep[j, k]:
            take[j] = True
            k -= weight[j]
    return table[capacity]


@numba.njit(cache=True)
def _lagrangian(
    cost: IntArray,
    allowed: BoolArray,
    weight: IntArray,
    capacity: IntArray,
    u: FloatArray,
    chosen: BoolArray,
) -> float:
    """``L(u)``; the knapsacks' choices are written to ``chosen`` (agents x items)."""
    m, n = cost.shape
    total = u.sum()
    profit = np.empty(n)
    for i in range(m):
        for j in range(n):
            profit[j] = u[j] - cost[i, j] if allowed[i, j] else -1.0
        total -= _knapsack(profit, weight[i], capacity[i], chosen[i])
    return total


@numba.njit(cache=True)
def _plan_from_knapsacks(
    cost: IntArray, allowed: BoolArray, weight: IntArray, capacity: IntArray, chosen: BoolArray
) -> IntArray:
    """A feasible plan from the knapsacks' choices, or all -1 when an item fits nowhere.

    An item taken by several agents stays with the cheapest of them (dropping items keeps
    every knapsack within its capacity); the items none took are placed one at a time, the
    one with the largest regret (second-cheapest minus cheapest agent with room) first; then
    shifts and swaps while one lowers the cost and fits.
    """
    m, n = cost.shape
    plan = -np.ones(n, dtype=np.int64)
    load = np.zeros(m, dtype=np.int64)
    for j in range(n):
        keep = -1
        for i in range(m):
            if chosen[i, j] and (keep < 0 or cost[i, j] < cost[keep, j]):
                keep = i
        if keep >= 0:
            plan[j] = keep
            load[keep] += weight[keep, j]
    while True:
        pick = -1
        pick_to = -1
        pick_regret = -1.0
        for j in range(n):
            if plan[j] >= 0:
                continue
            first = np.inf
            second = np.inf
            to = -1
            for i in range(m):
                if allowed[i, j] and load[i] + weight[i, j] <= capacity[i]:
                    c = float(cost[i, j])
                    if c < first:
                        second, first, to = first, c, i
                    elif c < second:
                        second = c
            if to < 0:
                return -np.ones(n, dtype=np.int64)
            regret = second - first
            if regret > pick_regret:
                pick, pick_to, pick_regret = j, to, regret
        if pick < 0:
            break
        plan[pick] = pick_to
        load[pick_to] += weight[pick_to, pick]
    improved = True
    while improved:
        improved = False
        for j in range(n):
            here = plan[j]
            for i in range(m):
                if (
                    i != here
                    and allowed[i, j]
                    and cost[i, j] < cost[here, j]
                    and load[i] + weight[i, j] <= capacity[i]
                ):
                    load[here] -= weight[here, j]
                    load[i] += weight[i, j]
                    plan[j] = i
                    here = i
                    improved = True
        for j in range(n):
            for k in range(j + 1, n):
                p = plan[j]
                q = plan[k]
                if p == q or not (allowed[q, j] and allowed[p, k]):
                    continue
                if cost[q, j] + cost[p, k] < cost[p, j] + cost[q, k]:
                    load_p = load[p] - weight[p, j] + weight[p, k]
                    load_q = load[q] - weight[q, k] + weight[q, j]
                    if load_p <= capacity[p] and load_q <= capacity[q]:
                        load[p], load[q] = load_p, load_q
                        plan[j], plan[k] = q, p
                        improved = True
    return plan
