"""The linear relaxation of a :class:`~tkm_assign.assign.gap.GapInstance`: a bound and a start.

The relaxation (HiGHS dual simplex through :func:`scipy.optimize.linprog`) lets every arc
take a share between 0 and 1; a caseload place is a variable per agent and place, priced
with the balance marginals (convex, so the cheapest places fill first, as in the flow). Its
value is the best bound the Lagrangian prices of :func:`~tkm_assign.assign.flow.priced_flow`
can reach, which subgradient steps approach only slowly where many mentors' hours bind:

- :func:`lp_bound` turns the relaxation's hours prices (the duals of the capacity rows) into
  an exact integer bound: one min-cost flow at those prices
  (:func:`~tkm_assign.assign.flow.priced_bound`), so no floating-point value of the LP is
  ever reported as proven;
- :func:`lp_rounding` keeps every arc the relaxation takes whole and places the few items
  it splits (about one per binding capacity) with CP-SAT on that small remainder.

The simplex stops after a number of iterations proportional to the model's size, so a run
is the same on every machine.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from scipy.optimize import linprog

from tkm_assign.assign.flow import PRICE_SCALE, priced_bound
from tkm_assign.assign.gap import UNASSIGNED, GapInstance, IntArray

log = logging.getLogger("tkm_assign")

FloatArray = npt.NDArray[np.float64]

# Simplex iterations allowed per variable: the relaxations of the assignment need well
# under one; the cap only keeps a pathological model from running on.
ITERATIONS_PER_VARIABLE = 4
WHOLE = 1.0 - 1e-6  # an arc share this close to 1 counts as taken whole


@dataclass(frozen=True)
class LpRelaxation:
    """The relaxation's optimum: each arc's share, the value and the capacity prices.

    ``prices`` has one row per resource and one column per agent, in 1/PRICE_SCALE cost
    units per unit of weight, ready for :func:`~tkm_assign.assign.flow.priced_bound`.
    """

    arc_share: FloatArray
    value: float
    prices: IntArray
    arc_reduced_cost: FloatArray  # what taking an arc the relaxation leaves at 0 adds, at least


def lp_relaxation(instance: GapInstance) -> LpRelaxation | None:
    """Solve the linear relaxation of ``instance``; ``None`` if the simplex did not finish."""
    n_arcs, n_agents = instance.arc_item.size, instance.n_agents
    # Caseload places: one variable per agent and place, where a limit or a balance cost
    # applies (the classic GAP has neither).
    place_agent, place_cost = [], []
    for agent in range(n_agents):
        top = int(min(instance.max_items[agent], len(instance.arcs_of_agent[agent])))
        limited = top < len(instance.arcs_of_agent[agent])
        if instance.agent_balance is None and not limited:
            continue
        place_agent.append(np.full(top, agent, dtype=np.int64))
        costs = instance.agent_balance[agent][:top] if instance.agent_balance is not None else 0
        place_cost.append(np.broadcast_to(np.asarray(costs, dtype=np.float64), (top,)))
    places = np.concatenate(place_agent) if place_agent else np.zeros(0, dtype=np.int64)
    n_places = places.size
    n_vars = n_arcs + n_places
    arc_cost = instance.arc_cost.astype(np.float64)
    if instance.item_skip_cost is not None:
        arc_cost = arc_cost - instance.item_skip_cost[instance.arc_item]
    cost = np.concatenate([arc_cost, *place_cost]) if place_cost else arc_cost
    columns = np.arange(n_arcs)
    items = sp.csr_matrix(
        (np.ones(n_arcs), (instance.arc_item, columns)), shape=(instance.n_items, n_vars)
    )
    # Capacity rows only where they can bind.
    rows, bounds, resource_of = [], [], []
    for r, (weight, capacity) in enumerate(zip(instance.weights, instance.capacities, strict=True)):
        total = np.bincount(instance.arc_agent, weights=weight, minlength=n_agents)
        binding = np.flatnonzero(total > capacity)
        if binding.size == 0:
            continue
        row_of = np.full(n_agents, -1, dtype=np.int64)
        row_of[binding] = np.arange(binding.size)
        use = row_of[instance.arc_agent] >= 0
        rows.append(
            sp.csr_matrix(
                (weight[use].astype(np.float64), (row_of[instance.arc_agent[use]], columns[use])),
                shape=(binding.size, n_vars),
            )
        )
        bounds.append(capacity[binding].astype(np.float64))
        resource_of.append((r, binding))
    count = sp.csr_matrix(
        (
            np.concatenate([np.ones(n_arcs), -np.ones(n_places)]),
            (np.concatenate([instance.arc_agent, places]), np.arange(n_vars)),
        ),
        shape=(n_agents, n_vars),
    )
    has_places = np.zeros(n_agents, dtype=bool)
    has_places[places] = True
    item_rhs = np.ones(instance.n_items)
    # Items: exactly one agent each in the classic GAP, at most one where they may be left.
    ub = ([] if instance.must_assign else [(items, item_rhs)]) + list(
        zip(rows, bounds, strict=True)
    )
    eq = ([(items, item_rhs)] if instance.must_assign else []) + [
        (count[np.flatnonzero(has_places)], np.zeros(int(has_places.sum())))
    ]
    eq = [(m, b) for m, b in eq if m.shape[0]]
    lower = np.zeros(n_vars)
    lower[instance.fixed_arcs] = 1.0  # pins
    result = linprog(
        cost,
        A_ub=sp.vstack([m for m, _ in ub]) if ub else None,
        b_ub=np.concatenate([b for _, b in ub]) if ub else None,
        A_eq=sp.vstack([m for m, _ in eq]) if eq else None,
        b_eq=np.concatenate([b for _, b in eq]) if eq else None,
        bounds=np.column_stack([lower, np.ones(n_vars)]),
        method="highs-ds",
        options={"maxiter": ITERATIONS_PER_VARIABLE * n_vars, "presolve": True},
    )
    if result.status != 0:
        log.info("LP relaxation stopped: %s", result.message)
        return None
    prices = np.zeros(instance.capacities.shape, dtype=np.int64)
    if resource_of:
        # Marginals of <= rows are <= 0 when minimising: the price is their negative.
        duals = -result.ineqlin.marginals[0 if instance.must_assign else instance.n_items :]
        start = 0
        for r, binding in resource_of:
            prices[r, binding] = np.rint(
                np.maximum(duals[start : start + binding.size], 0) * PRICE_SCALE
            )
            start += binding.size
    constant = float(instance.item_skip_cost.sum()) if instance.item_skip_cost is not None else 0.0
    return LpRelaxation(
        arc_share=np.clip(result.x[:n_arcs], 0.0, 1.0),
        value=float(result.fun) + constant,
        prices=prices,
        arc_reduced_cost=np.maximum(result.lower.marginals[:n_arcs], 0.0),
    )


def lp_bound(instance: GapInstance, relaxation: LpRelaxation) -> int:
    """An exact lower bound from the relaxation's capacity prices (one priced flow)."""
    _, value = priced_bound(instance, relaxation.prices)
    return math.ceil(value - 1e-6)


def whole_part(instance: GapInstance, relaxation: LpRelaxation) -> IntArray:
    """The items the relaxation assigns whole, on their agents; every other item unassigned."""
    whole = np.flatnonzero(relaxation.arc_share >= WHOLE)
    agent_of = np.full(instance.n_items, UNASSIGNED, dtype=np.int64)
    agent_of[instance.arc_item[whole]] = instance.arc_agent[whole]
    return agent_of


def prune_arcs(
    instance: GapInstance, relaxation: LpRelaxation, upper: int, keep: IntArray
) -> GapInstance:
    """``instance`` without the arcs no solution better than ``upper`` can use.

    Taking an arc raises the relaxation's value by at least its reduced cost, so an arc
    whose value plus reduced cost reaches ``upper`` (the objective of a known solution)
    is in no better solution (reduced-cost fixing). The arcs of the solution ``keep`` and
    the fixed arcs stay, so ``keep`` remains a solution of the smaller instance; items and
    agents keep their numbers.
    """
    # The simplex's tolerances, scaled to the objective, keep every arc in doubt.
    tolerance = 1e-6 * max(1.0, abs(relaxation.value))
    use = relaxation.arc_reduced_cost < upper - relaxation.value + tolerance
    use[instance.fixed_arcs] = True
    use[np.flatnonzero(keep[instance.arc_item] == instance.arc_agent)] = True
    if use.all():
        return instance
    return instance.only_arcs(use)
