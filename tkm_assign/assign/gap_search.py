"""A compiled tabu search for the classic GAP: shifts, swaps and double shifts over an
adaptive penalty.

Where every item must be assigned (the OR-Library and Chu & Beasley instances), the hard
part is the capacity: improving plans are often reached only through infeasible ones.
:func:`tabu_search` therefore searches the penalised objective

    sum of chosen costs + sum over agents and resources of alpha[r, i] * excess[r, i]

with a weight ``alpha`` per agent and resource that grows while the agent is over its
capacity and shrinks while the whole plan fits (strategic oscillation around the boundary
of the feasible region, after Diaz and Fernandez's and Yagiura, Ibaraki and Glover's tabu
searches). Every iteration takes the best non-tabu move of the full shift (one item to
another agent) and swap (two items of different agents exchange agents) neighbourhoods
and, with one resource, of the double shifts (an item to another agent, and an item of
that agent on to a third: the shortest of Yagiura, Ibaraki and Glover's ejection chains);
an item may not go back to an agent it left for a random tenure, unless that gives a
feasible plan better than the best one found. After a long run without a new best plan,
the search goes back to the best plan and moves it half way towards an elite plan taken at
random (a step of path relinking; another search's best plan may be among them,
:meth:`TabuSearch.offer`), then a few random shifts if that moved too few items; the best
plan of each such phase is kept in a small elite pool, which
:func:`~tkm_assign.assign.cpsat.tabu_with_merging` merges with CP-SAT (the instance
restricted to the arcs the elite plans use).

The loops are compiled with numba; random numbers come from the search's own xorshift
generator, and work is counted in move evaluations, so a seed gives the same search on
every machine. The search runs in chunks so that the caller can watch the clock.
"""

from __future__ import annotations

import math

import numba
import numpy as np
import numpy.typing as npt

from tkm_assign.assign.gap import Budget, GapInstance, IntArray
from tkm_assign.xorshift import below

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

# Move evaluations per work unit (one unit is about a second of work on an ordinary
# machine, see :mod:`~tkm_assign.assign.gap`); measured on the Chu & Beasley D instances.
EVALUATIONS_PER_UNIT = 160_000_000
CHUNK_UNITS = 0.25  # work between two looks at the clock

# Counters kept in the ``counters`` array between chunks.
ITERATION = 0
BEST_COST = 1
CURRENT_COST = 2
LAST_BEST = 3  # iteration of the last new best plan
RESTARTS = 4
FEASIBLE = 5
PHASE_COST = 6  # best cost since the last restart
N_COUNTERS = 7

ALPHA_UP = 1.02  # an agent over its capacity: its weight grows by this factor per iteration
ALPHA_DOWN = 0.98  # the whole plan fits: every weight shrinks by this factor
ALPHA_MIN = 1e-3
STALL_PER_ITEM = 10  # iterations without a new best plan (per item) before a restart
SHAKE_SHIFTS = 0.05  # share of items shifted at random on a restart
RELINK = True  # restarts move half way towards an elite plan (else random shifts only)
# Double shifts (one resource): item j to agent b, and an item k of b out to its best other
# agent, the shortest ejection chain; about 2.6 times the work of an iteration on n = 200.
DOUBLE_SHIFTS = True
POOL_SIZE = 8  # elite plans kept (the best of each phase between two restarts)
# An item may not go back to an agent it left for a random number of iterations between
# these shares of the number of items.
TENURE_MIN = 1 / 80
TENURE_MAX = 1 / 40


@numba.njit(cache=True)
def _over(load: int, capacity: int) -> int:
    return load - capacity if load > capacity else 0


@numba.njit(cache=True)
def _total_excess(load: IntArray, capacity: IntArray) -> int:
    total = 0
    for r in range(load.shape[0]):
        for i in range(load.shape[1]):
            total += _over(load[r, i], capacity[r, i])
    return total


@numba.njit(cache=True)
def _shift(agent_of: IntArray, load: IntArray, weight: IntArray, item: int, to: int) -> None:
    here = agent_of[item]
    for r in range(load.shape[0]):
        load[r, here] -= weight[r, here, item]
        load[r, to] += weight[r, to, item]
    agent_of[item] = to


@numba.njit(cache=True)
def _tenure(rng: npt.NDArray[np.uint64], low: int, high: int) -> int:
    return low + below(rng, high - low + 1)


@numba.njit(cache=True)
def _shift_delta(
    cost: IntArray,
    weight: IntArray,
    capacity: IntArray,
    agent_of: IntArray,
    load: IntArray,
    alpha: FloatArray,
    j: int,
    b: int,
) -> tuple[int, float, int]:
    """Cost change, weighted and plain excess change of moving item ``j`` to agent ``b``."""
    a = agent_of[j]
    dp = 0.0
    dx = 0
    for r in range(load.shape[0]):
        la = load[r, a]
        lb = load[r, b]
        xa = _over(la - weight[r, a, j], capacity[r, a]) - _over(la, capacity[r, a])
        xb = _over(lb + weight[r, b, j], capacity[r, b]) - _over(lb, capacity[r, b])
        dp += alpha[r, a] * xa + alpha[r, b] * xb
        dx += xa + xb
    return cost[b, j] - cost[a, j], dp, dx


@numba.njit(cache=True)
def _keep_elite(plan: IntArray, value: int, pool: IntArray, pool_cost: IntArray) -> None:
    """Put ``plan`` into the pool in place of its worst member, if better and new."""
    worst = 0
    for e in range(pool_cost.size):
        if pool_cost[e] == value:
            same = True
            for j in range(plan.size):
                if pool[e, j] != plan[j]:
                    same = False
                    break
            if same:
                return
        if pool_cost[e] > pool_cost[worst]:
            worst = e
    if value < pool_cost[worst]:
        pool[worst] = plan
        pool_cost[worst] = value


@numba.njit(cache=True)
def _towards_elite(
    agent_of: IntArray,
    load: IntArray,
    weight: IntArray,
    pool: IntArray,
    pool_cost: IntArray,
    rng: npt.NDArray[np.uint64],
) -> int:
    """Move the plan half way towards an elite plan taken at random: each item where they
    differ takes the elite plan's agent with probability 1/2. Returns the items moved."""
    kept = 0
    for e in range(pool_cost.size):
        if pool_cost[e] < np.iinfo(np.int64).max:
            kept += 1
    if kept == 0:
        return 0
    pick = below(rng, kept)
    target = 0
    for e in range(pool_cost.size):
        if pool_cost[e] < np.iinfo(np.int64).max:
            if pick == 0:
                target = e
                break
            pick -= 1
    moved = 0
    for j in range(agent_of.size):
        b = pool[target, j]
        if b != agent_of[j] and below(rng, 2) == 0:
            _shift(agent_of, load, weight, j, b)
            moved += 1
    return moved


@numba.njit(cache=True)
def _choose_full(
    cost: IntArray,
    allowed: BoolArray,
    weight: IntArray,
    capacity: IntArray,
    agent_of: IntArray,
    load: IntArray,
    tabu: IntArray,
    alpha: FloatArray,
    rng: npt.NDArray[np.uint64],
    it: int,
    current: int,
    best_cost: int,
    excess: int,
    move_item: IntArray,
    move_to: IntArray,
) -> tuple[int, float, int]:
    """The best non-tabu shift or swap, every move scored in full (the plain reading of the
    rules; :func:`_choose` must choose exactly as this does). Returns the move's length,
    its value and how many moves tied with it (for the double shifts that follow)."""
    n_resources, n_agents, n_items = weight.shape
    best_value = np.inf
    ties = 0
    move_len = 0
    # Shifts.
    for j in range(n_items):
        a = agent_of[j]
        for b in range(n_agents):
            if b == a or not allowed[b, j]:
                continue
            dc, dp, dx = _shift_delta(cost, weight, capacity, agent_of, load, alpha, j, b)
            value = dc + dp
            if tabu[b, j] > it and not (excess + dx == 0 and current + dc < best_cost):
                continue
            if value < best_value - 1e-9:
                best_value, ties = value, 1
            elif value <= best_value + 1e-9:
                ties += 1
                if below(rng, ties) != 0:
                    continue
            else:
                continue
            move_len, move_item[0], move_to[0] = 1, j, b
    # Swaps.
    for j in range(n_items):
        a = agent_of[j]
        for k in range(j + 1, n_items):
            b = agent_of[k]
            if b == a or not allowed[b, j] or not allowed[a, k]:
                continue
            dc = cost[b, j] + cost[a, k] - cost[a, j] - cost[b, k]
            dp = 0.0
            dx = 0
            for r in range(n_resources):
                la = load[r, a]
                lb = load[r, b]
                xa = _over(la - weight[r, a, j] + weight[r, a, k], capacity[r, a]) - _over(
                    la, capacity[r, a]
                )
                xb = _over(lb - weight[r, b, k] + weight[r, b, j], capacity[r, b]) - _over(
                    lb, capacity[r, b]
                )
                dp += alpha[r, a] * xa + alpha[r, b] * xb
                dx += xa + xb
            value = dc + dp
            if (tabu[b, j] > it or tabu[a, k] > it) and not (
                excess + dx == 0 and current + dc < best_cost
            ):
                continue
            if value < best_value - 1e-9:
                best_value, ties = value, 1
            elif value <= best_value + 1e-9:
                ties += 1
                if below(rng, ties) != 0:
                    continue
            else:
                continue
            move_len = 2
            move_item[0], move_to[0], move_item[1], move_to[1] = j, b, k, a
    return move_len, best_value, ties


@numba.njit(cache=True)
def _swaps_one_resource(
    cost: IntArray,
    cost_t: IntArray,
    allowed: BoolArray,
    weight: IntArray,
    weight_t: IntArray,
    capacity: IntArray,
    agent_of: IntArray,
    load: IntArray,
    tabu: IntArray,
    alpha: FloatArray,
    rng: npt.NDArray[np.uint64],
    it: int,
    current: int,
    best_cost: int,
    excess: int,
    move_item: IntArray,
    move_to: IntArray,
    here_cost: IntArray,
    here_weight: IntArray,
    over_now: IntArray,
    best_value: float,
    ties: int,
    move_len: int,
) -> tuple[float, int, int]:
    """The swaps of :func:`_choose` where there is one resource (the classic GAP): the
    terms of the item that moves in are laid out by item, so the inner loop reads memory
    in order but for two look-ups by agent."""
    n_items = agent_of.size
    # Room left at item k's agent once k leaves it (negative: over), its excess and weight.
    room = np.empty(n_items, dtype=np.int64)
    over_k = np.empty(n_items, dtype=np.int64)
    alpha_k = np.empty(n_items, dtype=np.float64)
    for k in range(n_items):
        b = agent_of[k]
        room[k] = capacity[0, b] - load[0, b] + here_weight[0, k]
        over_k[k] = over_now[0, b]
        alpha_k[k] = alpha[0, b]
    for j in range(n_items):
        a = agent_of[j]
        room_a = capacity[0, a] - load[0, a] + here_weight[0, j]
        over_a = over_now[0, a]
        alpha_a = alpha[0, a]
        cost_j = cost_t[j]
        weight_j = weight_t[0, j]
        cost_a = cost[a]
        weight_a = weight[0, a]
        base = here_cost[j]
        limit = best_value + 1e-9
        for k in range(j + 1, n_items):
            b = agent_of[k]
            dc = cost_j[b] + cost_a[k] - base - here_cost[k]
            xa = max(weight_a[k] - room_a, 0) - over_a
            xb = max(weight_j[b] - room[k], 0) - over_k[k]
            value = dc + (alpha_a * xa + alpha_k[k] * xb)
            if value > limit or b == a or not allowed[b, j] or not allowed[a, k]:
                continue
            if (tabu[b, j] > it or tabu[a, k] > it) and not (
                excess + xa + xb == 0 and current + dc < best_cost
            ):
                continue
            if value < best_value - 1e-9:
                best_value, ties = value, 1
                limit = best_value + 1e-9
            else:
                ties += 1
                if below(rng, ties) != 0:
                    continue
            move_len = 2
            move_item[0], move_to[0], move_item[1], move_to[1] = j, b, k, a
    return best_value, ties, move_len


@numba.njit(cache=True)
def _double_shifts_one_resource(
    cost_t: IntArray,
    allowed: BoolArray,
    weight_t: IntArray,
    capacity: IntArray,
    agent_of: IntArray,
    load: IntArray,
    tabu: IntArray,
    alpha: FloatArray,
    rng: npt.NDArray[np.uint64],
    it: int,
    move_item: IntArray,
    move_to: IntArray,
    here_cost: IntArray,
    here_weight: IntArray,
    over_now: IntArray,
    best_value: float,
    ties: int,
    move_len: int,
) -> tuple[float, int, int]:
    """The double shifts of an iteration where there is one resource: item ``j`` to agent
    ``b`` (not tabu) and an item ``k`` of ``b`` on to a third agent ``c`` (not tabu), ``j``
    first; chosen like the other moves, by the penalised cost, ties broken at random.

    The change at ``c`` does not depend on ``j``, so for each ``k`` only its two best other
    agents by that change are kept (the second for when the best is ``j``'s own agent), and
    the scan is exact over every double shift of three different agents. The best value,
    ties and move length so far come in and the updated ones go out.
    """
    n_agents = capacity.shape[1]
    n_items = agent_of.size
    # Each item's two best other agents by the change of moving it there alone.
    best1 = np.full(n_items, -1, dtype=np.int64)
    best2 = np.full(n_items, -1, dtype=np.int64)
    v1 = np.full(n_items, np.inf)
    v2 = np.full(n_items, np.inf)
    for k in range(n_items):
        b = agent_of[k]
        for c in range(n_agents):
            if c == b or not allowed[c, k] or tabu[c, k] > it:
                continue
            v = (cost_t[k, c] - here_cost[k]) + alpha[0, c] * (
                max(load[0, c] + weight_t[0, k, c] - capacity[0, c], 0) - over_now[0, c]
            )
            if v < v1[k]:
                v2[k], best2[k] = v1[k], best1[k]
                v1[k], best1[k] = v, c
            elif v < v2[k]:
                v2[k], best2[k] = v, c
    # Items by agent.
    count = np.zeros(n_agents + 1, dtype=np.int64)
    for k in range(n_items):
        count[agent_of[k] + 1] += 1
    for i in range(n_agents):
        count[i + 1] += count[i]
    members = np.empty(n_items, dtype=np.int64)
    fill = count[:n_agents].copy()
    for k in range(n_items):
        members[fill[agent_of[k]]] = k
        fill[agent_of[k]] += 1
    for j in range(n_items):
        a = agent_of[j]
        xa = max(load[0, a] - here_weight[0, j] - capacity[0, a], 0) - over_now[0, a]
        pa = alpha[0, a] * xa
        for b in range(n_agents):
            if b == a or not allowed[b, j] or tabu[b, j] > it:
                continue
            lb = load[0, b] + weight_t[0, j, b]
            base = cost_t[j, b] - here_cost[j] + pa
            for q in range(count[b], count[b + 1]):
                k = members[q]
                c = best1[k]
                if c == a:
                    c = best2[k]
                if c < 0:
                    continue
                xb = max(lb - here_weight[0, k] - capacity[0, b], 0) - over_now[0, b]
                xc = max(load[0, c] + weight_t[0, k, c] - capacity[0, c], 0) - over_now[0, c]
                value = base + cost_t[k, c] - here_cost[k] + alpha[0, b] * xb + alpha[0, c] * xc
                if value < best_value - 1e-9:
                    best_value, ties = value, 1
                elif value <= best_value + 1e-9:
                    ties += 1
                    if below(rng, ties) != 0:
                        continue
                else:
                    continue
                move_len = 2
                move_item[0], move_to[0], move_item[1], move_to[1] = j, b, k, c
    return best_value, ties, move_len


@numba.njit(cache=True)
def _fill_here(
    cost_t: IntArray,
    weight_t: IntArray,
    capacity: IntArray,
    agent_of: IntArray,
    load: IntArray,
    here_cost: IntArray,
    here_weight: IntArray,
    over_now: IntArray,
) -> None:
    """Each item's cost and weights at its agent, and each agent's excess, for an iteration."""
    n_resources, n_items, n_agents = weight_t.shape
    for j in range(n_items):
        a = agent_of[j]
        here_cost[j] = cost_t[j, a]
        for r in range(n_resources):
            here_weight[r, j] = weight_t[r, j, a]
    for r in range(n_resources):
        for i in range(n_agents):
            over_now[r, i] = _over(load[r, i], capacity[r, i])


@numba.njit(cache=True)
def _choose(
    cost: IntArray,
    cost_t: IntArray,
    allowed: BoolArray,
    weight: IntArray,
    weight_t: IntArray,
    capacity: IntArray,
    agent_of: IntArray,
    load: IntArray,
    tabu: IntArray,
    alpha: FloatArray,
    rng: npt.NDArray[np.uint64],
    it: int,
    current: int,
    best_cost: int,
    excess: int,
    move_item: IntArray,
    move_to: IntArray,
    here_cost: IntArray,
    here_weight: IntArray,
    over_now: IntArray,
) -> tuple[int, float, int]:
    """The move :func:`_choose_full` chooses, found faster; returns what it returns.

    Every move is scored without a branch (the cost change and the weighted excess change
    from the items' costs and weights at their agents, kept for the iteration) and only a
    move at least as good as the best so far goes on to the rare checks (the move exists,
    its arcs are allowed, it is not tabu or it aspires), in the same order as the full
    scoring, so ties are broken with the same random numbers. ``cost_t`` and ``weight_t``
    are ``cost`` and ``weight`` item-major; ``here_*`` and ``over_now`` are filled here
    (:func:`_fill_here`).
    """
    n_resources, n_agents, n_items = weight.shape
    _fill_here(cost_t, weight_t, capacity, agent_of, load, here_cost, here_weight, over_now)
    best_value = np.inf
    ties = 0
    move_len = 0
    # Shifts.
    for j in range(n_items):
        a = agent_of[j]
        for b in range(n_agents):
            dc = cost_t[j, b] - here_cost[j]
            dp = 0.0
            for r in range(n_resources):
                xa = _over(load[r, a] - here_weight[r, j], capacity[r, a]) - over_now[r, a]
                xb = _over(load[r, b] + weight_t[r, j, b], capacity[r, b]) - over_now[r, b]
                dp += alpha[r, a] * xa + alpha[r, b] * xb
            value = dc + dp
            if value > best_value + 1e-9 or b == a or not allowed[b, j]:
                continue
            if tabu[b, j] > it:
                dx = 0
                for r in range(n_resources):
                    dx += _over(load[r, a] - here_weight[r, j], capacity[r, a]) - over_now[r, a]
                    dx += _over(load[r, b] + weight_t[r, j, b], capacity[r, b]) - over_now[r, b]
                if not (excess + dx == 0 and current + dc < best_cost):
                    continue
            if value < best_value - 1e-9:
                best_value, ties = value, 1
            else:
                ties += 1
                if below(rng, ties) != 0:
                    continue
            move_len, move_item[0], move_to[0] = 1, j, b
    # Swaps.
    if n_resources == 1:
        best_value, ties, move_len = _swaps_one_resource(
            cost,
            cost_t,
            allowed,
            weight,
            weight_t,
            capacity,
            agent_of,
            load,
            tabu,
            alpha,
            rng,
            it,
            current,
            best_cost,
            excess,
            move_item,
            move_to,
            here_cost,
            here_weight,
            over_now,
            best_value,
            ties,
            move_len,
        )
        return move_len, best_value, ties
    for j in range(n_items):
        a = agent_of[j]
        for k in range(j + 1, n_items):
            b = agent_of[k]
            dc = cost_t[j, b] + cost[a, k] - here_cost[j] - here_cost[k]
            dp = 0.0
            for r in range(n_resources):
                xa = (
                    _over(load[r, a] - here_weight[r, j] + weight[r, a, k], capacity[r, a])
                    - over_now[r, a]
                )
                xb = (
                    _over(load[r, b] - here_weight[r, k] + weight_t[r, j, b], capacity[r, b])
                    - over_now[r, b]
                )
                dp += alpha[r, a] * xa + alpha[r, b] * xb
            value = dc + dp
            if value > best_value + 1e-9 or b == a or not allowed[b, j] or not allowed[a, k]:
                continue
            if tabu[b, j] > it or tabu[a, k] > it:
                dx = 0
                for r in range(n_resources):
                    dx += (
                        _over(load[r, a] - here_weight[r, j] + weight[r, a, k], capacity[r, a])
                        - over_now[r, a]
                    )
                    dx += (
                        _over(load[r, b] - here_weight[r, k] + weight_t[r, j, b], capacity[r, b])
                        - over_now[r, b]
                    )
                if not (excess + dx == 0 and current + dc < best_cost):
                    continue
            if value < best_value - 1e-9:
                best_value, ties = value, 1
            else:
                ties += 1
                if below(rng, ties) != 0:
                    continue
            move_len = 2
            move_item[0], move_to[0], move_item[1], move_to[1] = j, b, k, a
    return move_len, best_value, ties


@numba.njit(cache=True, nogil=True)
def _search(
    cost: IntArray,
    allowed: BoolArray,
    weight: IntArray,
    capacity: IntArray,
    agent_of: IntArray,
    load: IntArray,
    tabu: IntArray,
    alpha: FloatArray,
    best_of: IntArray,
    counters: IntArray,
    rng: npt.NDArray[np.uint64],
    max_evaluations: int,
    tenure_low: int,
    tenure_high: int,
    phase_of: IntArray,
    pool: IntArray,
    pool_cost: IntArray,
    stall: int,
    shake: int,
    relink: bool,
    fast: bool,
    double: bool,
) -> int:
    """Run iterations until ``max_evaluations`` moves are evaluated; returns the count.

    ``fast`` chooses each move by :func:`_choose`, else by :func:`_choose_full` (the same
    moves, slower); ``double`` adds the double shifts where there is one resource."""
    n_resources, n_agents, n_items = weight.shape
    evaluations = 0
    cost_t = np.ascontiguousarray(cost.T)
    weight_t = np.ascontiguousarray(weight.transpose(0, 2, 1))
    here_cost = np.zeros(n_items, dtype=np.int64)
    here_weight = np.zeros((n_resources, n_items), dtype=np.int64)
    over_now = np.zeros(capacity.shape, dtype=np.int64)
    excess = _total_excess(load, capacity)
    move_item = np.zeros(2, dtype=np.int64)  # a move is one or two shifts
    move_to = np.zeros(2, dtype=np.int64)
    while evaluations < max_evaluations:
        it = counters[ITERATION]
        current = counters[CURRENT_COST]
        best_cost = counters[BEST_COST]
        if fast:
            move_len, best_value, ties = _choose(
                cost,
                cost_t,
                allowed,
                weight,
                weight_t,
                capacity,
                agent_of,
                load,
                tabu,
                alpha,
                rng,
                it,
                current,
                best_cost,
                excess,
                move_item,
                move_to,
                here_cost,
                here_weight,
                over_now,
            )
        else:
            move_len, best_value, ties = _choose_full(
                cost,
                allowed,
                weight,
                capacity,
                agent_of,
                load,
                tabu,
                alpha,
                rng,
                it,
                current,
                best_cost,
                excess,
                move_item,
                move_to,
            )
        evaluations += n_items * n_agents + n_items * (n_items - 1) // 2
        if double and n_resources == 1:
            # After the shifts and swaps, so ties are broken in that order on both paths.
            if not fast:
                _fill_here(
                    cost_t, weight_t, capacity, agent_of, load, here_cost, here_weight, over_now
                )
            best_value, ties, move_len = _double_shifts_one_resource(
                cost_t,
                allowed,
                weight_t,
                capacity,
                agent_of,
                load,
                tabu,
                alpha,
                rng,
                it,
                move_item,
                move_to,
                here_cost,
                here_weight,
                over_now,
                best_value,
                ties,
                move_len,
            )
            evaluations += n_items * n_items
        # Apply the move: its shifts in order; each item may not go back for a while.
        for step in range(move_len):
            j, b = move_item[step], move_to[step]
            a = agent_of[j]
            current += cost[b, j] - cost[a, j]
            tabu[a, j] = it + _tenure(rng, tenure_low, tenure_high)
            _shift(agent_of, load, weight, j, b)
        excess = _total_excess(load, capacity)
        # Adapt the weights: up where an agent is over, down everywhere when all fit.
        if excess == 0:
            counters[FEASIBLE] += 1
            for r in range(n_resources):
                for i in range(n_agents):
                    alpha[r, i] = max(ALPHA_MIN, alpha[r, i] * ALPHA_DOWN)
            if current < best_cost:
                best_cost = current
                best_of[:] = agent_of
                counters[BEST_COST] = best_cost
                counters[LAST_BEST] = it
            if current < counters[PHASE_COST]:
                counters[PHASE_COST] = current
                phase_of[:] = agent_of
        else:
            for r in range(n_resources):
                for i in range(n_agents):
                    if load[r, i] > capacity[r, i]:
                        alpha[r, i] *= ALPHA_UP
        counters[CURRENT_COST] = current
        counters[ITERATION] = it + 1
        if it - counters[LAST_BEST] > stall:
            # Keep the phase's best plan among the elite, then restart from the best plan,
            # shaken by a few random shifts.
            _keep_elite(phase_of, counters[PHASE_COST], pool, pool_cost)
            counters[PHASE_COST] = np.iinfo(np.int64).max
            agent_of[:] = best_of
            load[:] = 0
            for j in range(n_items):
                for r in range(n_resources):
                    load[r, agent_of[j]] += weight[r, agent_of[j], j]
            moved = 0
            if relink:
                moved = _towards_elite(agent_of, load, weight, pool, pool_cost, rng)
            for _ in range(max(0, shake - moved)):
                j = below(rng, n_items)
                b = below(rng, n_agents)
                if allowed[b, j] and b != agent_of[j]:
                    _shift(agent_of, load, weight, j, b)
            current = 0
            for j in range(n_items):
                current += cost[agent_of[j], j]
            counters[CURRENT_COST] = current
            counters[LAST_BEST] = it
            counters[RESTARTS] += 1
            tabu[:] = 0
            excess = _total_excess(load, capacity)
    return evaluations


def dense_tables(instance: GapInstance) -> tuple[IntArray, BoolArray, IntArray]:
    """Agents x items tables of ``instance``: cost, whether the arc exists, and weight per
    resource. A missing arc costs more than any complete plan and weighs nothing.

    Parameters
    ----------
    instance
        The instance.

    Returns
    -------
    tuple of ndarray
        ``cost`` (agents x items), ``allowed`` (agents x items) and ``weight`` (resources x
        agents x items).
    """
    m, n = instance.n_agents, instance.n_items
    big = int(np.abs(instance.arc_cost).max()) * n + 1 if instance.arc_cost.size else 1
    cost = np.full((m, n), big, dtype=np.int64)
    allowed = np.zeros((m, n), dtype=np.bool_)
    weight = np.zeros((instance.weights.shape[0], m, n), dtype=np.int64)
    cost[instance.arc_agent, instance.arc_item] = instance.arc_cost
    allowed[instance.arc_agent, instance.arc_item] = True
    weight[:, instance.arc_agent, instance.arc_item] = instance.weights
    return cost, allowed, weight


def applies(instance: GapInstance) -> bool:
    """Whether :func:`tabu_search` handles ``instance``: the classic GAP, every item assigned,
    no item limit or balance cost, no pins.

    Parameters
    ----------
    instance
        The instance.

    Returns
    -------
    bool
        True for the classic GAP form.
    """
    return (
        instance.must_assign
        and instance.agent_max_items is None
        and instance.agent_balance is None
        and instance.fixed_arcs.size == 0
        and instance.n_agents > 1
    )


class TabuSearch:
    """The search's state between runs: plan, loads, weights, tabu list, best plan, elite.

    Parameters
    ----------
    instance
        The instance; :func:`applies` must hold.
    start
        A feasible plan (agent of each item).
    seed
        Seed of the search's random numbers.
    pool_size
        How many elite plans (the best of each phase between restarts) are kept.
    """

    def __init__(
        self, instance: GapInstance, start: IntArray, seed: int, pool_size: int = POOL_SIZE
    ) -> None:
        n = instance.n_items
        weights = instance.weights
        self.cost, self.allowed, self.weight = dense_tables(instance)
        self.capacity = np.ascontiguousarray(instance.capacities, dtype=np.int64)
        self.counters = np.zeros(N_COUNTERS, dtype=np.int64)
        self.pool = np.zeros((pool_size, n), dtype=np.int64)
        self.pool_cost = np.full(pool_size, np.iinfo(np.int64).max, dtype=np.int64)
        self.phase_of = np.zeros(n, dtype=np.int64)
        # Initial weights: one unit of excess costs about what one unit of weight is worth.
        scale = float(np.abs(instance.arc_cost).mean()) / max(float(weights.mean()), 1.0)
        self.alpha = np.full(self.capacity.shape, max(scale, ALPHA_MIN), dtype=np.float64)
        self.rng = np.array([(seed * 0x9E3779B97F4A7C15 | 1) % 2**64], dtype=np.uint64)
        self.tenure_low = max(1, int(n * TENURE_MIN))
        self.tenure_high = max(self.tenure_low + 1, int(n * TENURE_MAX))
        self.stall = STALL_PER_ITEM * n
        self.shake = max(1, int(SHAKE_SHIFTS * n))
        self.relink = RELINK
        self.double_shifts = DOUBLE_SHIFTS
        self.fast = True  # moves chosen by the faster scoring (False: the full one, for tests)
        self.work_done = 0.0  # units of move evaluations over all runs
        self.adopt(np.asarray(start, dtype=np.int64))

    def adopt(self, plan: IntArray) -> None:
        """Continue from ``plan`` (feasible, e.g. a better one found elsewhere) as the best.

        Parameters
        ----------
        plan
            Agent of each item.
        """
        n = plan.size
        self.agent_of = plan.astype(np.int64).copy()
        self.best_of = plan.astype(np.int64).copy()
        self.load = np.zeros_like(self.capacity)
        for r in range(self.weight.shape[0]):
            self.load[r] = np.bincount(
                plan, weights=self.weight[r, plan, np.arange(n)], minlength=self.capacity.shape[1]
            )
        value = int(self.cost[plan, np.arange(n)].sum())
        self.counters[BEST_COST] = value
        self.counters[CURRENT_COST] = value
        self.counters[LAST_BEST] = self.counters[ITERATION]
        self.counters[PHASE_COST] = np.iinfo(np.int64).max
        self.tabu = np.zeros_like(self.cost)

    def offer(self, plan: IntArray, value: int) -> None:
        """Keep ``plan`` among the elite in place of a worse one (e.g. another search's best).

        Parameters
        ----------
        plan
            A feasible plan (agent of each item).
        value
            Its cost.
        """
        _keep_elite(np.asarray(plan, dtype=np.int64), int(value), self.pool, self.pool_cost)

    @property
    def best_cost(self) -> int:
        """Cost of the best feasible plan found."""
        return int(self.counters[BEST_COST])

    def elite(self) -> list[IntArray]:
        """The elite plans kept so far.

        Returns
        -------
        list of ndarray
            Copies of the feasible plans in the pool, in no particular order.
        """
        return [
            self.pool[e].copy() for e in np.flatnonzero(self.pool_cost < np.iinfo(np.int64).max)
        ]

    def run(self, budget: Budget, units: float = math.inf, bound: int | None = None) -> IntArray:
        """Search until ``units`` of work are done, ``budget`` is spent or the best plan
        costs no more than ``bound``.

        Parameters
        ----------
        budget
            Work allowance; each chunk of move evaluations spends from it.
        units
            Most work of this run.
        bound
            A proven lower bound (``None``: none).

        Returns
        -------
        ndarray
            The best feasible plan found so far (a copy).
        """
        chunk = int(CHUNK_UNITS * EVALUATIONS_PER_UNIT)
        done_units = 0.0
        floor = -math.inf if bound is None else bound
        while not budget.exhausted and done_units < units and self.best_cost > floor:
            allowance = chunk
            left = min(budget.left, units - done_units)
            if left < CHUNK_UNITS:
                allowance = int(max(left, 0.0) * EVALUATIONS_PER_UNIT) + 1
            done = _search(
                self.cost,
                self.allowed,
                self.weight,
                self.capacity,
                self.agent_of,
                self.load,
                self.tabu,
                self.alpha,
                self.best_of,
                self.counters,
                self.rng,
                allowance,
                self.tenure_low,
                self.tenure_high,
                self.phase_of,
                self.pool,
                self.pool_cost,
                self.stall,
                self.shake,
                self.relink,
                self.fast,
                self.double_shifts,
            )
            budget.spend(done / EVALUATIONS_PER_UNIT)
            done_units += done / EVALUATIONS_PER_UNIT
            self.work_done += done / EVALUATIONS_PER_UNIT
        return self.best_of.copy()


def tabu_search(instance: GapInstance, start: IntArray, budget: Budget, seed: int) -> IntArray:
    """Improve a feasible plan of a classic GAP instance (see the module's description).

    Parameters
    ----------
    instance
        The instance; :func:`applies` must hold.
    start
        A feasible plan (agent of each item).
    budget
        Work allowance; each chunk of move evaluations spends from it.
    seed
        Seed of the search's random numbers.

    Returns
    -------
    ndarray
        The best feasible plan found (``start`` when nothing better is), a new array.
    """
    return TabuSearch(instance, start, seed).run(budget)
