"""A generalized assignment instance and the heuristics that warm-start CP-SAT on it.

:class:`GapInstance` is the solver-side form of every weighted assignment in the project:
items (participants) go to agents (mentors) along sparse arcs with a cost and a weight
per resource (monthly minutes; working-day minutes); agents have a capacity per resource
and optionally a maximum item count
(caseload) with a convex cost per item (workload balance); items may be left unassigned at
a cost, or must be assigned (the classic GAP of the OR-Library benchmarks). Arrays only:
nothing here knows about participants or mentors.

The heuristics (:func:`greedy`, :func:`repair`, :func:`local_search`) build or fix a
complete solution so that CP-SAT starts from a good incumbent instead of searching for a
first one.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]

UNASSIGNED = -1
# Work units: one unit is about a second of work on an ordinary machine. Counting work
# instead of reading the clock makes a search stop at the same point on every run.
MOVES_PER_UNIT = 200_000  # local-search move evaluations
ARCS_PER_UNIT = 1_000_000  # arcs of one min-cost flow solve


class Budget:
    """A work allowance (units, see above) with a wall-clock deadline as a safety net.

    ``work = inf`` leaves only the deadline (searches then depend on machine speed).
    """

    def __init__(self, work: float, deadline: float) -> None:
        self.left = work
        self.deadline = deadline

    def spend(self, units: float) -> None:
        """Take ``units`` of work off what is left.

        Parameters
        ----------
        units
            Work done, in the units of this module.
        """
        self.left -= units

    @property
    def exhausted(self) -> bool:
        """Whether the work is spent or the deadline has passed."""
        return self.left <= 0 or time.monotonic() > self.deadline

    def take(self, units: float) -> Budget:
        """``units`` of what is left (all of it, if less), spent now, as a budget of its own.

        Parameters
        ----------
        units
            Work to set aside (e.g. one CP-SAT run's allowance).

        Returns
        -------
        Budget
            The work taken, with this budget's deadline.
        """
        taken = min(units, self.left)
        self.spend(taken)
        return Budget(taken, self.deadline)

    def part(self, share: float, deadline: float) -> Budget:
        """A share of what is left, ending no later than ``deadline``.

        Parameters
        ----------
        share
            Fraction of the work left, 0..1.
        deadline
            A ``time.monotonic()`` time; the earlier of it and this budget's deadline is kept.

        Returns
        -------
        Budget
            A new budget; spending it does not spend this one.
        """
        return Budget(self.left * share, min(self.deadline, deadline))


@dataclass(frozen=True, eq=False)
class GapInstance:
    """Items to agents along arcs; minimise arc costs + skip costs + balance costs.

    Parameters
    ----------
    n_items, n_agents
        Sizes; items and agents are numbered from 0.
    arc_item, arc_agent, arc_cost
        Parallel arrays, one entry per allowed (item, agent) pair; at most one arc per pair.
    arc_weight
        Weight of each arc, shape ``(n_arcs,)``, or ``(n_resources, n_arcs)`` for several
        resources (the mentor assignment: monthly minutes and working-day minutes).
    agent_capacity
        Capacity per agent, shape ``(n_agents,)`` or ``(n_resources, n_agents)``: the sum of
        chosen arc weights must not exceed it in any resource.
    item_skip_cost
        Cost of leaving each item unassigned; ``None``: every item must be assigned.
    agent_max_items
        Maximum number of items per agent; ``None``: no limit other than the weights.
    agent_balance
        Per agent, the non-decreasing extra cost of its 1st, 2nd, ... item (length
        ``agent_max_items[a]``); ``None``: no balance term.
    fixed_arcs
        Arcs that must be chosen (pins).
    """

    n_items: int
    n_agents: int
    arc_item: IntArray
    arc_agent: IntArray
    arc_cost: IntArray
    arc_weight: IntArray
    agent_capacity: IntArray
    item_skip_cost: IntArray | None = None
    agent_max_items: IntArray | None = None
    agent_balance: tuple[IntArray, ...] | None = None
    fixed_arcs: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    @cached_property
    def weights(self) -> IntArray:
        """Arc weights per resource, shape ``(n_resources, n_arcs)``."""
        return np.atleast_2d(np.asarray(self.arc_weight, dtype=np.int64))

    @cached_property
    def capacities(self) -> IntArray:
        """Agent capacities per resource, shape ``(n_resources, n_agents)``."""
        return np.atleast_2d(np.asarray(self.agent_capacity, dtype=np.int64))

    def only_arcs(self, use: npt.NDArray[np.bool_]) -> GapInstance:
        """The instance with only the arcs marked in ``use`` (items and agents keep their
        numbers; the fixed arcs among them stay fixed).

        Parameters
        ----------
        use
            One flag per arc.

        Returns
        -------
        GapInstance
            The restricted instance.
        """
        arcs = np.flatnonzero(use)
        new_index = np.full(self.arc_item.size, -1, dtype=np.int64)
        new_index[arcs] = np.arange(arcs.size)
        fixed = new_index[self.fixed_arcs]
        return GapInstance(
            n_items=self.n_items,
            n_agents=self.n_agents,
            arc_item=self.arc_item[arcs],
            arc_agent=self.arc_agent[arcs],
            arc_cost=self.arc_cost[arcs],
            arc_weight=self.weights[:, arcs],
            agent_capacity=self.capacities,
            item_skip_cost=self.item_skip_cost,
            agent_max_items=self.agent_max_items,
            agent_balance=self.agent_balance,
            fixed_arcs=fixed[fixed >= 0],
        )

    @property
    def n_resources(self) -> int:
        """How many weights each arc has (1, or 2 for monthly and working-day minutes)."""
        return int(self.weights.shape[0])

    def loads(self, agent_of: IntArray) -> IntArray:
        """Weight per resource and agent of a solution, shape ``(n_resources, n_agents)``.

        Parameters
        ----------
        agent_of
            Agent of each item, ``UNASSIGNED`` (-1) for none.

        Returns
        -------
        ndarray
            Integer loads, shape ``(n_resources, n_agents)``.
        """
        arcs = chosen_arcs(self, agent_of)
        return np.stack(
            [
                np.bincount(self.arc_agent[arcs], weights=w[arcs], minlength=self.n_agents)
                for w in self.weights
            ]
        ).astype(np.int64)

    @cached_property
    def arcs_of_item(self) -> tuple[IntArray, ...]:
        """Arc indices of each item."""
        order = np.argsort(self.arc_item, kind="stable")
        counts = np.bincount(self.arc_item, minlength=self.n_items)
        return tuple(np.split(order, np.cumsum(counts)[:-1]))

    @cached_property
    def arcs_of_agent(self) -> tuple[IntArray, ...]:
        """Arc indices of each agent."""
        order = np.argsort(self.arc_agent, kind="stable")
        counts = np.bincount(self.arc_agent, minlength=self.n_agents)
        return tuple(np.split(order, np.cumsum(counts)[:-1]))

    @cached_property
    def max_items(self) -> IntArray:
        """Item limit per agent (the number of items when unlimited)."""
        if self.agent_max_items is None:
            return np.full(self.n_agents, self.n_items, dtype=np.int64)
        return np.asarray(self.agent_max_items, dtype=np.int64)

    @cached_property
    def balance_prefix(self) -> tuple[IntArray, ...]:
        """Per agent, total balance cost with 0, 1, 2, ... items."""
        if self.agent_balance is None:
            return tuple(np.zeros(int(k) + 1, dtype=np.int64) for k in self.max_items)
        return tuple(
            np.concatenate([[0], np.cumsum(m)]).astype(np.int64) for m in self.agent_balance
        )

    @cached_property
    def arc_index(self) -> dict[tuple[int, int], int]:
        """(item, agent) -> arc."""
        return {
            (int(i), int(a)): k
            for k, (i, a) in enumerate(zip(self.arc_item, self.arc_agent, strict=True))
        }

    @cached_property
    def fixed_agent(self) -> IntArray:
        """Agent an item is fixed to, or ``UNASSIGNED``."""
        out = np.full(self.n_items, UNASSIGNED, dtype=np.int64)
        out[self.arc_item[self.fixed_arcs]] = self.arc_agent[self.fixed_arcs]
        return out

    @property
    def must_assign(self) -> bool:
        """Whether every item must be assigned (no ``item_skip_cost``)."""
        return self.item_skip_cost is None


def objective(instance: GapInstance, agent_of: IntArray) -> int:
    """Objective value of a complete solution (``agent_of[i]`` agent or ``UNASSIGNED``).

    Parameters
    ----------
    instance
        The instance.
    agent_of
        Agent of each item, ``UNASSIGNED`` (-1) for none.

    Returns
    -------
    int
        Arc costs plus skip costs of unassigned items plus balance costs.

    Raises
    ------
    ValueError
        When an item is on an agent it has no arc to.
    """
    total = 0
    assigned = agent_of != UNASSIGNED
    if instance.item_skip_cost is not None:
        total += int(instance.item_skip_cost[~assigned].sum())
    arcs = chosen_arcs(instance, agent_of)
    if int(np.bincount(instance.arc_item[arcs], minlength=instance.n_items).sum()) != int(
        assigned.sum()
    ):
        raise ValueError("an item is on an agent it has no arc to")
    total += int(instance.arc_cost[arcs].sum())
    counts = np.bincount(agent_of[assigned], minlength=instance.n_agents)
    total += sum(int(p[c]) for p, c in zip(instance.balance_prefix, counts, strict=True))
    return total


def chosen_arcs(instance: GapInstance, agent_of: IntArray) -> IntArray:
    """Indices of the arcs a solution uses.

    Parameters
    ----------
    instance
        The instance.
    agent_of
        Agent of each item, ``UNASSIGNED`` (-1) for none.

    Returns
    -------
    ndarray
        Arc indices, ascending.
    """
    return np.flatnonzero(agent_of[instance.arc_item] == instance.arc_agent)


def violations(instance: GapInstance, agent_of: IntArray) -> list[str]:
    """Plain descriptions of every broken constraint (empty for a feasible solution).

    Parameters
    ----------
    instance
        The instance.
    agent_of
        Agent of each item, ``UNASSIGNED`` (-1) for none.

    Returns
    -------
    list of str
        One line per unassigned count, missing arc, capacity or item limit exceeded and
        fixed item moved.
    """
    problems = []
    assigned = agent_of != UNASSIGNED
    if instance.must_assign and not assigned.all():
        problems.append(f"{int((~assigned).sum())} items unassigned")
    for i in np.flatnonzero(assigned):
        if (int(i), int(agent_of[i])) not in instance.arc_index:
            problems.append(f"item {i} on agent {agent_of[i]} without an arc")
    load = instance.loads(agent_of)
    for r, a in zip(*np.nonzero(load > instance.capacities), strict=True):
        problems.append(
            f"agent {a} weight {load[r, a]} > {instance.capacities[r, a]}"
            + (f" (resource {r})" if instance.n_resources > 1 else "")
        )
    counts = np.bincount(agent_of[assigned], minlength=instance.n_agents)
    for a in np.flatnonzero(counts > instance.max_items):
        problems.append(f"agent {a} items {counts[a]} > {instance.max_items[a]}")
    fixed = instance.fixed_agent
    for i in np.flatnonzero((fixed != UNASSIGNED) & (agent_of != fixed)):
        problems.append(f"item {i} not on its fixed agent {fixed[i]}")
    return problems


class _State:
    """A solution with agent loads and counts kept up to date, for the heuristics."""

    def __init__(self, instance: GapInstance, agent_of: IntArray) -> None:
        self.instance = instance
        self.agent_of = agent_of.copy()
        self.arc_of = np.full(instance.n_items, -1, dtype=np.int64)
        # One load array per resource: the single-resource case stays scalar-fast.
        self.weights = list(instance.weights)
        self.capacities = list(instance.capacities)
        self.loads = [np.zeros(instance.n_agents, dtype=np.int64) for _ in self.weights]
        self.count = np.zeros(instance.n_agents, dtype=np.int64)
        for i in np.flatnonzero(self.agent_of != UNASSIGNED):
            self._add(int(i), instance.arc_index[(int(i), int(self.agent_of[i]))])

    def _add(self, item: int, arc: int) -> None:
        agent = int(self.instance.arc_agent[arc])
        self.agent_of[item] = agent
        self.arc_of[item] = arc
        for load, weight in zip(self.loads, self.weights, strict=True):
            load[agent] += weight[arc]
        self.count[agent] += 1

    def _remove(self, item: int) -> None:
        arc = int(self.arc_of[item])
        agent = int(self.instance.arc_agent[arc])
        self.agent_of[item] = UNASSIGNED
        self.arc_of[item] = -1
        for load, weight in zip(self.loads, self.weights, strict=True):
            load[agent] -= weight[arc]
        self.count[agent] -= 1

    def item_cost(self, item: int) -> int:
        """Cost of the item where it is now, without the balance term."""
        arc = int(self.arc_of[item])
        if arc < 0:
            skip = self.instance.item_skip_cost
            return int(skip[item]) if skip is not None else 10**15
        return int(self.instance.arc_cost[arc])

    def add_delta(self, agent: int, change: int) -> int:
        """Balance cost change when ``agent`` gets ``change`` (+1/-1) items."""
        prefix = self.instance.balance_prefix[agent]
        return int(prefix[self.count[agent] + change] - prefix[self.count[agent]])

    def fits(self, arc: int) -> bool:
        """Whether the arc's agent has room for it (every resource and the item limit)."""
        agent = int(self.instance.arc_agent[arc])
        if self.count[agent] + 1 > self.instance.max_items[agent]:
            return False
        return all(
            load[agent] + weight[arc] <= cap[agent]
            for load, weight, cap in zip(self.loads, self.weights, self.capacities, strict=True)
        )

    def over(self, agent: int) -> bool:
        """Whether the agent is over its item limit or a capacity."""
        return bool(self.count[agent] > self.instance.max_items[agent]) or any(
            load[agent] > cap[agent] for load, cap in zip(self.loads, self.capacities, strict=True)
        )

    def swap_fits(self, leave: int, enter: int) -> bool:
        """Whether the agent of arc ``leave`` has room for arc ``enter`` in its place."""
        agent = int(self.instance.arc_agent[leave])
        return all(
            load[agent] - weight[leave] + weight[enter] <= cap[agent]
            for load, weight, cap in zip(self.loads, self.weights, self.capacities, strict=True)
        )


def weight_share(instance: GapInstance, total: bool = False) -> npt.NDArray[np.float64]:
    """Each arc's weight as a share of its agent's capacity: the largest over resources, or
    (``total``) their sum.

    Parameters
    ----------
    instance
        The instance.
    total
        Sum the shares over resources instead of taking the largest.

    Returns
    -------
    ndarray
        One float per arc.
    """
    shares = instance.weights / np.maximum(instance.capacities[:, instance.arc_agent], 1)
    return shares.sum(axis=0) if total else shares.max(axis=0)


def greedy(instance: GapInstance, rng: np.random.Generator | None = None) -> IntArray | None:
    """A regret-based construction (Martello and Toth); ``None`` if it finds no feasible one.

    Several desirability measures are tried (cost, weight, weight share of the capacity,
    cost times weight); the best complete solution is kept.

    Parameters
    ----------
    instance
        The instance.
    rng
        Adds a randomly perturbed cost measure to the ones tried (``None``: none).

    Returns
    -------
    ndarray or None
        Agent of each item (``UNASSIGNED`` for none), or ``None``.
    """
    best: IntArray | None = None
    best_value = 0
    cost = instance.arc_cost.astype(np.float64)
    share = weight_share(instance)
    weight = instance.weights[0].astype(np.float64)
    measures = [cost, weight, share, cost * share, cost + share * cost.mean()]
    if rng is not None:
        measures.append(cost * rng.uniform(0.9, 1.1, size=cost.size))
    for measure in measures:
        found = _regret_greedy(instance, measure)
        if found is None:
            continue
        value = objective(instance, found)
        if best is None or value < best_value:
            best, best_value = found, value
    return best


def _regret_greedy(instance: GapInstance, measure: npt.NDArray[np.float64]) -> IntArray | None:
    state = _State(instance, instance.fixed_agent.copy())
    free = [i for i in range(instance.n_items) if state.agent_of[i] == UNASSIGNED]
    big = 1e18
    while free:
        best_item, best_arc, best_regret = -1, -1, -big
        for i in free:
            arcs = instance.arcs_of_item[i]
            ok = [a for a in arcs if state.fits(int(a))]
            if not ok:
                if instance.must_assign:
                    return None
                continue
            values = measure[ok]
            order = np.argsort(values, kind="stable")
            first = values[order[0]]
            skip = float(instance.item_skip_cost[i]) if instance.item_skip_cost is not None else big
            second = values[order[1]] if len(ok) > 1 else skip
            regret = second - first
            if regret > best_regret:
                best_item, best_arc, best_regret = i, int(ok[order[0]]), regret
        if best_item < 0:
            break
        state._add(best_item, best_arc)
        free.remove(best_item)
    return state.agent_of


def repair(instance: GapInstance, agent_of: IntArray) -> IntArray:
    """Make a solution feasible: unload over-full agents, then re-place what was removed.

    From each agent over its weight capacity or item limit, the items whose removal costs
    least per unit of weight freed are taken off (never fixed ones); each is then put on
    the cheapest agent with room, or left unassigned. Used on the flow solution, which
    ignores monthly hours. Needs ``item_skip_cost`` (items may be left unassigned).

    Parameters
    ----------
    instance
        The instance.
    agent_of
        Agent of each item, ``UNASSIGNED`` (-1) for none.

    Returns
    -------
    ndarray
        A feasible ``agent_of`` (a new array).

    Raises
    ------
    ValueError
        When the instance requires every item to be assigned.
    """
    if instance.must_assign:
        raise ValueError("repair needs items that may be left unassigned")
    state = _State(instance, agent_of)
    removed: list[int] = []
    fixed = instance.fixed_agent
    share = weight_share(instance, total=True)
    for agent in range(instance.n_agents):
        while state.over(agent):
            items = [i for i in np.flatnonzero(state.agent_of == agent) if fixed[i] == UNASSIGNED]
            if not items:
                break
            skip = instance.item_skip_cost
            assert skip is not None
            loss = np.array(
                [
                    (skip[i] - instance.arc_cost[state.arc_of[i]])
                    / max(float(share[state.arc_of[i]]), 1e-9)
                    for i in items
                ]
            )
            victim = int(items[int(np.argmin(loss))])
            state._remove(victim)
            removed.append(victim)
    for i in removed:
        options = [a for a in instance.arcs_of_item[i] if state.fits(int(a))]
        if options:
            best = min(
                options,
                key=lambda a: instance.arc_cost[a] + state.add_delta(int(instance.arc_agent[a]), 1),
            )
            state._add(i, int(best))
    return state.agent_of


def local_search(
    instance: GapInstance, agent_of: IntArray, budget: Budget, max_rounds: int = 50
) -> IntArray:
    """Improve a feasible solution by shifting one item and swapping two, until no gain.

    Shifts also insert unassigned items and (where allowed) take items off; every move
    keeps the solution feasible and lowers the objective. Stops when ``budget`` is spent.

    Parameters
    ----------
    instance
        The instance.
    agent_of
        A feasible solution (not changed).
    budget
        Work allowance; each move evaluated spends from it.
    max_rounds
        Most rounds of shift and swap passes.

    Returns
    -------
    ndarray
        The improved ``agent_of``.
    """
    state = _State(instance, agent_of)
    fixed = instance.fixed_agent
    movable = np.flatnonzero(fixed == UNASSIGNED)
    for _ in range(max_rounds):
        improved = _shift_pass(state, movable, budget)
        if budget.exhausted:
            break
        improved |= _swap_pass(state, movable, budget)
        if not improved or budget.exhausted:
            break
    return state.agent_of


def _shift_pass(state: _State, movable: IntArray, budget: Budget) -> bool:
    inst = state.instance
    improved = False
    for i in movable:
        i = int(i)
        here = state.item_cost(i)
        old = int(state.agent_of[i])
        leave = state.add_delta(old, -1) if old != UNASSIGNED else 0
        best_gain, best_arc = 0, -2
        if old != UNASSIGNED and inst.item_skip_cost is not None:
            gain = int(inst.item_skip_cost[i]) - here + leave
            if gain < best_gain:
                best_gain, best_arc = gain, -1
        for a in inst.arcs_of_item[i]:
            agent = int(inst.arc_agent[a])
            if agent == old:
                continue
            if not state.fits(int(a)):
                continue
            gain = int(inst.arc_cost[a]) + state.add_delta(agent, 1) - here + leave
            if gain < best_gain:
                best_gain, best_arc = gain, int(a)
        if best_arc != -2:
            if old != UNASSIGNED:
                state._remove(i)
            if best_arc >= 0:
                state._add(i, best_arc)
            improved = True
        budget.spend(len(inst.arcs_of_item[i]) / MOVES_PER_UNIT)
        if budget.exhausted:
            break
    return improved


def _swap_pass(state: _State, movable: IntArray, budget: Budget) -> bool:
    """Exchange the agents of two assigned items when both fit and the cost falls.

    Counts do not change, so the balance term stays the same.
    """
    inst = state.instance
    improved = False
    assigned = [int(i) for i in movable if state.agent_of[i] != UNASSIGNED]
    for x, i in enumerate(assigned):
        for j in assigned[x + 1 :]:
            ai, aj = int(state.agent_of[i]), int(state.agent_of[j])
            if ai == aj:
                continue
            arc_i = inst.arc_index.get((i, aj))
            arc_j = inst.arc_index.get((j, ai))
            if arc_i is None or arc_j is None:
                continue
            gain = (
                int(inst.arc_cost[arc_i])
                + int(inst.arc_cost[arc_j])
                - state.item_cost(i)
                - state.item_cost(j)
            )
            if gain >= 0:
                continue
            if not state.swap_fits(int(state.arc_of[j]), arc_i) or not state.swap_fits(
                int(state.arc_of[i]), arc_j
            ):
                continue
            state._remove(i)
            state._remove(j)
            state._add(i, arc_i)
            state._add(j, arc_j)
            improved = True
        budget.spend((len(assigned) - x) / MOVES_PER_UNIT)
        if budget.exhausted:
            break
    return improved
