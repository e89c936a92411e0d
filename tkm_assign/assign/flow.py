"""The head-count assignment as a min-cost flow (OR-Tools ``SimpleMinCostFlow``).

Network: source -> participant (capacity 1) -> candidate mentor (the pair cost) -> sink,
where each mentor reaches the sink through one unit arc per caseload place, priced with
the balance marginals (non-decreasing, so the cheapest places fill first and the flow
pays exactly the convex balance cost); and participant -> sink directly (the unassigned
cost). A pinned participant has only the arc to its pinned mentor and no way around it.

Monthly hours are not part of the network: the flow is exact for the head-count model,
and a lower bound (a relaxation) for the hours model. Works on a
:class:`~tkm_assign.assign.gap.GapInstance` (items = participants, agents = mentors).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
from ortools.graph.python import min_cost_flow

from tkm_assign.assign.gap import UNASSIGNED, GapInstance, IntArray


class FlowError(RuntimeError):
    """The min-cost flow solver did not reach an optimum (a modelling bug, never input)."""


def solve_flow(instance: GapInstance) -> tuple[IntArray, int]:
    """Optimal head-count assignment (weights ignored): ``agent_of`` per item and the cost.

    Needs ``item_skip_cost`` (every item can stay unassigned) and a feasible set of fixed
    arcs (no agent with more fixed items than places).
    """
    if instance.item_skip_cost is None:
        raise ValueError("the flow model needs a skip cost for every item")
    n, m = instance.n_items, instance.n_agents
    source, sink = n + m, n + m + 1
    fixed = instance.fixed_agent
    pinned = fixed != UNASSIGNED
    keep = ~pinned[instance.arc_item] | (fixed[instance.arc_item] == instance.arc_agent)
    pair_arcs = np.flatnonzero(keep)

    tails: list[npt.NDArray[Any]] = [
        np.full(n, source),
        np.arange(n)[~pinned],
        instance.arc_item[pair_arcs],
    ]
    heads: list[npt.NDArray[Any]] = [
        np.arange(n),
        np.full(int((~pinned).sum()), sink),
        n + instance.arc_agent[pair_arcs],
    ]
    costs: list[npt.NDArray[Any]] = [
        np.zeros(n),
        instance.item_skip_cost[~pinned],
        instance.arc_cost[pair_arcs],
    ]
    places_tail: list[npt.NDArray[Any]] = []
    places_cost: list[npt.NDArray[Any]] = []
    for agent in range(m):
        places = int(min(instance.max_items[agent], len(instance.arcs_of_agent[agent])))
        places_tail.append(np.full(places, n + agent))
        if instance.agent_balance is None:
            places_cost.append(np.zeros(places))
        else:
            places_cost.append(instance.agent_balance[agent][:places])
    tails.append(np.concatenate(places_tail) if places_tail else np.zeros(0))
    heads.append(np.full(tails[-1].size, sink))
    costs.append(np.concatenate(places_cost) if places_cost else np.zeros(0))

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
    first_pair = n + int((~pinned).sum())
    used = flow.flows(np.arange(first_pair, first_pair + pair_arcs.size, dtype=np.int32)) > 0
    agent_of = np.full(n, UNASSIGNED, dtype=np.int64)
    agent_of[instance.arc_item[pair_arcs[used]]] = instance.arc_agent[pair_arcs[used]]
    return agent_of, int(flow.optimal_cost())
