"""The head-count assignment as a min-cost flow (OR-Tools ``SimpleMinCostFlow``).

Network: source -> participant (capacity 1) -> candidate mentor (the pair cost) -> sink,
where each mentor reaches the sink through one unit arc per caseload place, priced with
the balance marginals (non-decreasing, so the cheapest places fill first and the flow
pays exactly the convex balance cost); and participant -> sink directly (the unassigned
cost). A pinned participant has only the arc to its pinned mentor and no way around it.

Monthly hours are not part of the network: the flow is exact for the head-count model,
and a lower bound (a relaxation) for the hours model. :func:`priced_flow` tightens that
bound and finds hours-feasible plans by pricing each mentor's minutes (a Lagrangian
relaxation of the hours rule, solved by subgradient steps, one flow per step). Works on a
:class:`~tkm_assign.assign.gap.GapInstance` (items = participants, agents = mentors).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from ortools.graph.python import min_cost_flow

from tkm_assign.assign.gap import (
    ARCS_PER_UNIT,
    UNASSIGNED,
    Budget,
    GapInstance,
    IntArray,
    local_search,
    objective,
    repair,
    violations,
    weight_share,
)

# Prices are kept in 1/PRICE_SCALE cost units per minute so that priced costs stay integer.
PRICE_SCALE = 64


class FlowError(RuntimeError):
    """The min-cost flow solver did not reach an optimum (a modelling bug, never input)."""


def solve_flow(
    instance: GapInstance, arc_cost: IntArray | None = None, scale: int = 1
) -> tuple[IntArray, int]:
    """Optimal head-count assignment (weights ignored): ``agent_of`` per item and the cost.

    ``arc_cost`` replaces the instance's arc costs (e.g. with hours prices added) and
    ``scale`` multiplies the skip and balance costs to match them. Without
    ``item_skip_cost`` every item must be assigned. The fixed arcs must fit the places.
    """
    n, m = instance.n_items, instance.n_agents
    cost_of_arc = instance.arc_cost if arc_cost is None else arc_cost
    source, sink = n + m, n + m + 1
    fixed = instance.fixed_agent
    pinned = fixed != UNASSIGNED
    keep = ~pinned[instance.arc_item] | (fixed[instance.arc_item] == instance.arc_agent)
    pair_arcs = np.flatnonzero(keep)
    skippable = ~pinned if instance.item_skip_cost is not None else np.zeros(n, dtype=bool)
    skip_cost = (
        instance.item_skip_cost[skippable] * scale
        if instance.item_skip_cost is not None
        else np.zeros(0, dtype=np.int64)
    )

    tails: list[npt.NDArray[Any]] = [
        np.full(n, source),
        np.flatnonzero(skippable),
        instance.arc_item[pair_arcs],
    ]
    heads: list[npt.NDArray[Any]] = [
        np.arange(n),
        np.full(int(skippable.sum()), sink),
        n + instance.arc_agent[pair_arcs],
    ]
    costs: list[npt.NDArray[Any]] = [np.zeros(n), skip_cost, cost_of_arc[pair_arcs]]
    for agent in range(m):
        places = int(min(instance.max_items[agent], len(instance.arcs_of_agent[agent])))
        tails.append(np.full(places, n + agent))
        heads.append(np.full(places, sink))
        if instance.agent_balance is None:
            costs.append(np.zeros(places))
        else:
            costs.append(instance.agent_balance[agent][:places] * scale)

    tail = np.concatenate(tails).astype(np.int32)
    head = np.concatenate(heads).astype(np.int32)
    cost = np.concatenate(costs).astype(np.int64)
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(tail, head, np.ones(tail.size, dtype=np.int64), cost)
    supplies = np.zeros(n + m + 2, dtype=np.int64)
    supplies[source], supplies[sink] = n, -n
    flow.set_nodes_supplies(np.arange(n + m + 2, dtype=np.int32), supplies)
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise FlowError(f"min-cost flow ended with status {status}")
    first_pair = n + int(skippable.sum())
    used = flow.flows(np.arange(first_pair, first_pair + pair_arcs.size, dtype=np.int32)) > 0
    agent_of = np.full(n, UNASSIGNED, dtype=np.int64)
    agent_of[instance.arc_item[pair_arcs[used]]] = instance.arc_agent[pair_arcs[used]]
    return agent_of, int(flow.optimal_cost())


def priced_bound(instance: GapInstance, mu: IntArray) -> tuple[IntArray, float]:
    """The flow at weight prices ``mu`` (integer, 1/PRICE_SCALE cost units per unit of
    weight, one row per resource) and its Lagrangian value, a lower bound on the optimum.

    ``L(mu) = flow cost with priced arcs - sum(mu x capacity)``: any prices >= 0 give a
    valid bound, computed exactly in integers.
    """
    priced = instance.arc_cost * PRICE_SCALE + (mu[:, instance.arc_agent] * instance.weights).sum(
        axis=0
    )
    agent_of, cost = solve_flow(instance, priced, PRICE_SCALE)
    return agent_of, (cost - float((mu * instance.capacities).sum())) / PRICE_SCALE


@dataclass(frozen=True)
class PricedFlow:
    """Result of :func:`priced_flow`: the best hours-feasible plan found and a lower bound."""

    agent_of: IntArray | None  # None when no feasible plan was found
    objective: int
    bound: int
    steps: int


def priced_flow(instance: GapInstance, budget: Budget, max_steps: int = 200) -> PricedFlow:
    """Lagrangian relaxation of the weight (hours) capacities, one flow per step.

    Each agent's weight gets a price ``mu >= 0`` per unit; the flow with priced arc costs
    gives ``L(mu) = flow cost - sum(mu x capacity)``, a lower bound on the optimum, and a
    plan that is repaired to feasibility (:func:`~tkm_assign.assign.gap.repair`) as a
    candidate solution. Prices move along the capacity overrun (subgradient steps of the
    Polyak size towards the best plan). Stops when ``budget`` is spent (each flow counts its
    arcs), after ``max_steps``, or when bound and plan meet.
    """
    cap = instance.capacities.astype(np.float64)
    # One price per resource and agent, in 1/PRICE_SCALE cost units per unit of weight.
    price = np.zeros(cap.shape, dtype=np.float64)
    best: IntArray | None = None
    best_value = math.inf
    bound = -math.inf
    theta = 0.5
    stall = 0
    steps = 0
    for steps in range(1, max_steps + 1):  # noqa: B007 - steps is reported
        mu = np.rint(price).astype(np.int64)
        agent_of, value_l = priced_bound(instance, mu)
        budget.spend((instance.arc_item.size + instance.n_items) / ARCS_PER_UNIT)
        if value_l > bound + 1e-9:
            bound, stall = value_l, 0
        else:
            stall += 1
            if stall >= 5:
                theta, stall = theta / 2.0, 0
        overrun = instance.loads(agent_of) - cap
        candidate: IntArray | None
        if not (overrun > 0).any():
            candidate = agent_of
        elif instance.item_skip_cost is not None:
            candidate = repair(instance, agent_of)
        else:
            candidate = _shift_to_fit(instance, agent_of)
        if candidate is not None and not violations(instance, candidate):
            value = objective(instance, candidate)
            if value < best_value:
                best, best_value = candidate, value
        if best_value - math.ceil(bound - 1e-9) <= 0 or budget.exhausted:
            break
        # Complementary slackness: an unpriced agent with room needs no step down.
        direction = np.where((price <= 0) & (overrun < 0), 0.0, overrun)
        norm = float((direction * direction).sum())
        if norm == 0:
            break
        # Aim a little above the bound (early plans are poor and would make steps far too
        # long), or a tenth above it while there is no plan yet; the step factor halves
        # whenever the bound stalls.
        if math.isfinite(best_value):
            target = min(best_value, bound + 0.005 * abs(bound) + 1.0)
        else:
            target = bound + 0.1 * abs(bound) + 1.0
        step = theta * max(target - bound, 1e-6) / norm
        price = np.maximum(0.0, price + step * PRICE_SCALE * direction)
        if budget.exhausted or theta < 1e-4:
            break
    if best is not None:
        best = local_search(instance, best, budget)
        best_value = objective(instance, best)
    return PricedFlow(
        best,
        int(best_value) if best is not None else 0,
        math.ceil(bound - 1e-6) if math.isfinite(bound) else 0,
        steps,
    )


def _shift_to_fit(instance: GapInstance, agent_of: IntArray) -> IntArray | None:
    """Move items off over-full agents onto the cheapest agents with room (all must stay)."""
    out = agent_of.copy()
    load = instance.loads(out)
    cap = instance.capacities
    weights = instance.weights
    share = weight_share(instance, total=True)
    fixed = instance.fixed_agent
    for agent in (int(a) for a in np.flatnonzero((load > cap).any(axis=0))):
        items = [int(i) for i in np.flatnonzero(out == agent) if fixed[i] == UNASSIGNED]
        # Cheapest moves per unit of weight freed first.
        moves = []
        for i in items:
            here = instance.arc_index[(i, agent)]
            for a in instance.arcs_of_item[i]:
                other = int(instance.arc_agent[a])
                if other != agent:
                    extra = int(instance.arc_cost[a] - instance.arc_cost[here])
                    moves.append((extra / max(float(share[here]), 1e-9), i, int(a)))
        moves.sort()
        moved: set[int] = set()
        for _, i, a in moves:
            if (load[:, agent] <= cap[:, agent]).all():
                break
            if i in moved:
                continue
            other = int(instance.arc_agent[a])
            if (load[:, other] + weights[:, a] > cap[:, other]).any():
                continue
            here = instance.arc_index[(i, agent)]
            load[:, agent] -= weights[:, here]
            load[:, other] += weights[:, a]
            out[i] = other
            moved.add(i)
        if (load[:, agent] > cap[:, agent]).any():
            return None
    return out
