"""The generalized assignment model in CP-SAT, one function per constraint and objective term.

The model works on a :class:`~tkm_assign.assign.gap.GapInstance` (arrays only), so the
mentor assignment and the OR-Library GAP benchmark run the very same code. A Boolean
``x[arc]`` says the arc's item goes to its agent.

Constraints: :func:`add_one_agent_per_item`, :func:`add_weight_capacity` (monthly hours),
:func:`add_item_limit` (caseload), :func:`add_fixed_arcs` (pins).
Objective terms: :func:`arc_cost_term` (sector, travel, change), :func:`skip_cost_term`
(unassigned and need), :func:`balance_term` (convex caseload cost by tangent cuts).

:func:`solve_gap` warm-starts the search: it takes a hint (the flow solution for the
assignment), repairs it to feasibility and improves it by local search, or builds one
greedily, or rounds the linear relaxation (:mod:`~tkm_assign.assign.lp`), which also gives
the bound; CP-SAT then starts from that incumbent. On the classic GAP (the OR-Library
benchmarks) a compiled tabu search (:mod:`~tkm_assign.assign.gap_search`) does most of the
search, its elite plans merged by CP-SAT (:func:`tabu_with_merging`). ``plain=True``
switches all of that off (the benchmarks' reference model).
"""

from __future__ import annotations

import logging
import math
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt
from ortools.sat.python import cp_model

from tkm_assign.assign import gap_search, lagrangian
from tkm_assign.assign.flow import priced_flow
from tkm_assign.assign.gap import (
    UNASSIGNED,
    Budget,
    GapInstance,
    IntArray,
    chosen_arcs,
    greedy,
    local_search,
    objective,
    repair,
    violations,
)
from tkm_assign.assign.gap_search import BoolArray
from tkm_assign.assign.lp import LpRelaxation, lp_bound, lp_relaxation, prune_arcs, whole_part
from tkm_assign.messages import Message
from tkm_assign.model import SolveStatus

log = logging.getLogger("tkm_assign")


@dataclass(frozen=True)
class GapParams:
    """Search settings (from ``[assign]`` and ``[solver]`` for the assignment).

    ``deterministic`` makes CP-SAT's parallel workers interleave in a fixed order so that
    the same seed gives the same result whatever the machine load (unless the wall-clock
    limit cuts the search short).
    """

    time_limit_s: float = 10.0
    workers: int = 2
    seed: int = 0
    relative_gap: float = 0.0
    deterministic: bool = True
    plain: bool = False
    require_cpsat: bool = False  # run CP-SAT even when the priced flow already meets the gap
    lp_relaxation: bool = True  # bound and start from the linear relaxation (:mod:`.lp`)
    wall_deadline: float = math.inf  # ``time.monotonic()`` value no step may run past


@dataclass(frozen=True)
class GapSolution:
    """``agent_of[i]`` agent of item i or ``UNASSIGNED``; objective and proven lower bound."""

    agent_of: IntArray
    objective: int
    bound: int
    status: SolveStatus
    solve_seconds: float
    engine: str


@dataclass
class _Model:
    model: cp_model.CpModel
    x: list[cp_model.IntVar]
    count: list[cp_model.IntVar | None]
    balance: list[cp_model.IntVar | None]


def add_one_agent_per_item(
    model: cp_model.CpModel, x: list[cp_model.IntVar], instance: GapInstance
) -> None:
    """Each item goes to at most one agent (exactly one when every item must be assigned)."""
    for arcs in instance.arcs_of_item:
        chosen = [x[a] for a in arcs]
        if instance.must_assign:
            model.add_exactly_one(chosen)
        elif len(chosen) > 1:
            model.add_at_most_one(chosen)


def add_weight_capacity(
    model: cp_model.CpModel, x: list[cp_model.IntVar], instance: GapInstance
) -> None:
    """An agent's chosen weights stay within its capacity in every resource (monthly
    minutes; working-day minutes)."""
    for weight, capacity in zip(instance.weights, instance.capacities, strict=True):
        for agent, arcs in enumerate(instance.arcs_of_agent):
            weights = weight[arcs]
            if int(weights.sum()) <= int(capacity[agent]):
                continue  # cannot bind
            model.add(
                cp_model.LinearExpr.weighted_sum([x[a] for a in arcs], [int(w) for w in weights])
                <= int(capacity[agent])
            )


def add_item_limit(
    model: cp_model.CpModel, x: list[cp_model.IntVar], instance: GapInstance
) -> list[cp_model.IntVar | None]:
    """An agent takes at most ``agent_max_items`` items; returns each agent's count variable."""
    counts: list[cp_model.IntVar | None] = []
    for agent, arcs in enumerate(instance.arcs_of_agent):
        limit = int(min(instance.max_items[agent], len(arcs)))
        if len(arcs) == 0:
            counts.append(None)
            continue
        count = model.new_int_var(0, limit, f"count_{agent}")
        model.add(count == sum(x[a] for a in arcs))
        counts.append(count)
    return counts


def add_fixed_arcs(
    model: cp_model.CpModel, x: list[cp_model.IntVar], instance: GapInstance
) -> None:
    """Pinned arcs are chosen."""
    for arc in instance.fixed_arcs:
        model.add(x[int(arc)] == 1)


def arc_cost_term(x: list[cp_model.IntVar], instance: GapInstance) -> cp_model.LinearExpr:
    """Sum of the chosen arcs' costs, minus the skip cost they avoid (see :func:`skip_cost_term`)."""
    cost = instance.arc_cost
    if instance.item_skip_cost is not None:
        cost = cost - instance.item_skip_cost[instance.arc_item]
    keep = np.flatnonzero(cost != 0)
    return cp_model.LinearExpr.weighted_sum([x[a] for a in keep], [int(c) for c in cost[keep]])


def skip_cost_term(instance: GapInstance) -> int:
    """Every item's skip cost, as a constant.

    Leaving an item unassigned costs ``skip``; writing that as ``skip x (1 - sum x)`` folds
    it into the arc costs (``cost - skip`` per arc) plus this constant, with no extra
    variables.
    """
    if instance.item_skip_cost is None:
        return 0
    return int(instance.item_skip_cost.sum())


def balance_term(
    model: cp_model.CpModel, counts: list[cp_model.IntVar | None], instance: GapInstance
) -> tuple[cp_model.LinearExpr, list[cp_model.IntVar | None]]:
    """Convex balance cost of every agent's item count, exact at whole counts.

    For marginals m_1 <= m_2 <= ... the cost of k items is B(k) = m_1 + ... + m_k; a
    variable ``b >= B(t) + m_{t+1} (k - t)`` for every t is the tightest convex bound and
    equals B(k) at the optimum (only slopes that change need a cut).
    """
    variables: list[cp_model.IntVar | None] = []
    terms = []
    if instance.agent_balance is None:
        return cp_model.LinearExpr.sum([]), [None] * instance.n_agents
    for agent, count in enumerate(counts):
        marginals = instance.agent_balance[agent]
        if count is None or not marginals.any():
            variables.append(None)
            continue
        prefix = instance.balance_prefix[agent]
        top = int(min(instance.max_items[agent], len(instance.arcs_of_agent[agent])))
        b = model.new_int_var(0, int(prefix[top]), f"balance_{agent}")
        for t in range(top):
            if t > 0 and marginals[t] == marginals[t - 1]:
                continue
            model.add(b >= int(prefix[t]) + int(marginals[t]) * (count - t))
        variables.append(b)
        terms.append(b)
    return cp_model.LinearExpr.sum(terms), variables


def build_model(instance: GapInstance) -> _Model:
    """The whole CP-SAT model of ``instance``."""
    model = cp_model.CpModel()
    x = [model.new_bool_var(f"x_{a}") for a in range(instance.arc_item.size)]
    add_one_agent_per_item(model, x, instance)
    add_weight_capacity(model, x, instance)
    counts = add_item_limit(model, x, instance)
    add_fixed_arcs(model, x, instance)
    balance_expr, balance_vars = balance_term(model, counts, instance)
    model.minimize(arc_cost_term(x, instance) + balance_expr + skip_cost_term(instance))
    return _Model(model, x, counts, balance_vars)


def add_hint(built: _Model, instance: GapInstance, agent_of: IntArray) -> None:
    """Hint every variable with the values of a complete solution."""
    chosen = agent_of[instance.arc_item] == instance.arc_agent
    for x, value in zip(built.x, chosen, strict=True):
        built.model.add_hint(x, bool(value))
    counts = np.bincount(agent_of[agent_of != UNASSIGNED], minlength=instance.n_agents)
    for agent, var in enumerate(built.count):
        if var is not None:
            built.model.add_hint(var, int(counts[agent]))
    for agent, balance in enumerate(built.balance):
        if balance is not None:
            built.model.add_hint(balance, int(instance.balance_prefix[agent][counts[agent]]))


def warm_start(
    instance: GapInstance, hint: IntArray | None, budget: Budget, seed: int
) -> IntArray | None:
    """A feasible starting solution: the hint repaired and improved, else a greedy one."""
    start: IntArray | None = None
    if hint is not None and not instance.must_assign:
        start = repair(instance, hint)
    elif hint is not None and not violations(instance, hint):
        start = hint.copy()
    if start is None:
        start = greedy(instance, np.random.default_rng(seed))
    if start is None:
        return None
    return local_search(instance, start, budget)


def lp_rounding(
    instance: GapInstance, relaxation: LpRelaxation, budget: Budget, seed: int
) -> IntArray | None:
    """A plan from the linear relaxation: its whole arcs kept, its split items placed by CP-SAT.

    The relaxation splits few items (about one per binding capacity); CP-SAT places them
    optimally in the room the whole arcs leave, and local search polishes the result.
    ``None`` when the split items do not fit (possible only where every item must be
    assigned).
    """
    agent_of = whole_part(instance, relaxation)
    free = agent_of == UNASSIGNED
    if not free.any():
        return local_search(instance, agent_of, budget)
    sub, items, agents = sub_instance(instance, agent_of, free, np.arange(instance.n_agents))
    params = GapParams(workers=1, seed=seed)
    placed = _solve_whole(sub, params, None, budget, time.monotonic(), CPSAT_FROM_FLOW)
    if placed.status == SolveStatus.INFEASIBLE:
        return None
    chosen = placed.agent_of
    agent_of[items] = np.where(chosen == UNASSIGNED, UNASSIGNED, agents[np.maximum(chosen, 0)])
    if violations(instance, agent_of):
        return None
    return local_search(instance, agent_of, Budget(ROUNDING_WORK, budget.deadline))


def sub_instance(
    instance: GapInstance, agent_of: IntArray, free: npt.NDArray[np.bool_], agents: IntArray
) -> tuple[GapInstance, IntArray, IntArray]:
    """The part of ``instance`` in which the ``free`` items are re-placed among ``agents``.

    Fixed (pinned) items never move; all other items stay where they are and use up part of
    their agent's room. Returns the sub-instance, the original index of each of its items
    and of each of its agents. Capacities, item limits and balance costs are what the
    items that stay leave over.
    """
    free = free & (instance.fixed_agent == UNASSIGNED)
    in_set = np.zeros(instance.n_agents, dtype=bool)
    in_set[agents] = True
    items = np.flatnonzero(free)
    item_new = np.full(instance.n_items, -1, dtype=np.int64)
    item_new[items] = np.arange(items.size)
    agent_new = np.full(instance.n_agents, -1, dtype=np.int64)
    agent_new[agents] = np.arange(agents.size)
    arcs = np.flatnonzero(free[instance.arc_item] & in_set[instance.arc_agent])
    stay = np.flatnonzero(~free & (agent_of != UNASSIGNED))
    stay_arcs = np.array(
        [instance.arc_index[(int(i), int(agent_of[i]))] for i in stay], dtype=np.int64
    )
    used_weight = np.stack(
        [
            np.bincount(
                instance.arc_agent[stay_arcs], weights=w[stay_arcs], minlength=instance.n_agents
            )
            for w in instance.weights
        ]
    ).astype(np.int64)
    used_count = np.bincount(instance.arc_agent[stay_arcs], minlength=instance.n_agents)
    balance = None
    if instance.agent_balance is not None:
        balance = tuple(instance.agent_balance[a][used_count[a] :] for a in agents)
    sub = GapInstance(
        n_items=int(items.size),
        n_agents=int(agents.size),
        arc_item=item_new[instance.arc_item[arcs]],
        arc_agent=agent_new[instance.arc_agent[arcs]],
        arc_cost=instance.arc_cost[arcs],
        arc_weight=instance.weights[:, arcs],
        agent_capacity=instance.capacities[:, agents] - used_weight[:, agents],
        item_skip_cost=None if instance.item_skip_cost is None else instance.item_skip_cost[items],
        agent_max_items=instance.max_items[agents] - used_count[agents],
        agent_balance=balance,
    )
    return sub, items, agents


def large_neighbourhood_search(
    instance: GapInstance, start: IntArray, budget: Budget, seed: int
) -> IntArray:
    """Improve a feasible solution by re-solving small parts exactly with CP-SAT.

    Two kinds of part alternate: the items of a few related agents re-placed among those
    agents, and a few dozen related items re-placed among all agents. Each part is solved
    with the rest fixed; a better sub-solution is kept. Parts grow while steps stop
    improving. Each part spends its CP-SAT deterministic time (plus a fixed share for
    building it) from ``budget``, so the loop is the same on every run for a seed.
    """
    if instance.n_agents < 2 or instance.n_items < 2:
        return start
    rng = np.random.default_rng(seed)
    best = start.copy()
    n_agents, n_items = 2, min(20, instance.n_items)
    failures = [0, 0]
    step = 0
    while not budget.exhausted:
        kind = step % 2
        step += 1
        if kind == 0:
            agents = _related_agents(instance, best, n_agents, rng)
            free = np.isin(best, agents)
            if not instance.must_assign:
                reaches = np.zeros(instance.n_items, dtype=bool)
                reaches[instance.arc_item[np.isin(instance.arc_agent, agents)]] = True
                free |= (best == UNASSIGNED) & reaches
        else:
            agents = np.arange(instance.n_agents, dtype=np.int64)
            free = _related_items(instance, best, n_items, rng)
        sub, items, agent_ids = sub_instance(instance, best, free, agents)
        improved = sub.n_items > 0 and _improve_part(sub, best, items, agent_ids, budget, rng)
        if improved:
            failures[kind] = 0
            continue
        failures[kind] += 1
        if failures[kind] > 2 * instance.n_agents:
            failures[kind] = 0
            if kind == 0 and n_agents < min(8, instance.n_agents):
                n_agents += 1
            elif kind == 1 and n_items < min(120, instance.n_items):
                n_items = min(n_items + 10, instance.n_items)
    return best


def _improve_part(
    sub: GapInstance,
    best: IntArray,
    items: IntArray,
    agent_ids: IntArray,
    budget: Budget,
    rng: np.random.Generator,
) -> bool:
    """Solve one part; write a better solution into ``best`` and say so."""
    position = np.full(int(agent_ids.max()) + 1, UNASSIGNED, dtype=np.int64)
    position[agent_ids] = np.arange(agent_ids.size)
    on = best[items]
    current = np.where(on == UNASSIGNED, UNASSIGNED, position[np.maximum(on, 0)])
    before = objective(sub, current)
    built = build_model(sub)
    add_hint(built, sub, current)
    solver = cp_model.CpSolver()
    p = solver.parameters
    p.random_seed = int(rng.integers(0, 2**31 - 1))
    p.num_workers = 1
    p.max_deterministic_time = max(0.001, min(PART_DETERMINISTIC_S, budget.left))
    p.max_time_in_seconds = max(
        0.01, min(5 * PART_DETERMINISTIC_S, budget.deadline - time.monotonic())
    )
    status = solver.solve(built.model)
    budget.spend(
        PART_DETERMINISTIC_FACTOR * solver.response_proto.deterministic_time + PART_OVERHEAD
    )
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return False
    chosen = np.array([solver.boolean_value(v) for v in built.x], dtype=bool)
    new = np.full(sub.n_items, UNASSIGNED, dtype=np.int64)
    new[sub.arc_item[chosen]] = sub.arc_agent[chosen]
    if objective(sub, new) >= before:
        return False
    best[items] = np.where(new == UNASSIGNED, UNASSIGNED, agent_ids[np.maximum(new, 0)])
    return True


def _related_agents(
    instance: GapInstance, agent_of: IntArray, size: int, rng: np.random.Generator
) -> IntArray:
    """A random agent and the ``size - 1`` agents its items have the cheapest other arcs to."""
    used = np.flatnonzero(
        np.bincount(agent_of[agent_of != UNASSIGNED], minlength=instance.n_agents)
    )
    pool = used if used.size else np.arange(instance.n_agents)
    first = int(rng.choice(pool))
    score = np.zeros(instance.n_agents)
    for i in np.flatnonzero(agent_of == first):
        arcs = instance.arcs_of_item[int(i)]
        cost = instance.arc_cost[arcs]
        # Cheaper alternative arcs relate agents more; noise keeps neighbourhoods varied.
        score[instance.arc_agent[arcs]] += 1.0 / (1.0 + cost - cost.min())
    score += rng.uniform(0, max(score.max(), 1.0), size=instance.n_agents)
    score[first] = -np.inf
    others = np.argsort(-score, kind="stable")[: size - 1]
    return np.sort(np.concatenate([[first], others]).astype(np.int64))


def _related_items(
    instance: GapInstance, agent_of: IntArray, size: int, rng: np.random.Generator
) -> npt.NDArray[np.bool_]:
    """``size`` items: a random one and those most similar in cost across agents."""
    first = int(rng.integers(instance.n_items))
    free = np.zeros(instance.n_items, dtype=bool)
    if instance.n_items <= size:
        free[:] = True
        return free
    # Items whose cheapest agents overlap with the first item's compete for the same room.
    arcs = instance.arcs_of_item[first]
    near = instance.arc_agent[arcs[np.argsort(instance.arc_cost[arcs], kind="stable")[:3]]]
    candidates = np.unique(instance.arc_item[np.isin(instance.arc_agent, near)])
    if agent_of is not None:
        candidates = np.union1d(candidates, np.flatnonzero(np.isin(agent_of, near)))
    pick = rng.permutation(candidates)[: size - 1]
    free[pick] = True
    free[first] = True
    return free


# With ``deterministic``, the searches run on work budgets worth this share of the time
# limit, so that on an ordinary machine they end by work (the same on every run), well
# before the wall clock, which stays as a safety limit.
DETERMINISTIC_SHARE = 0.3
PART_DETERMINISTIC_S = 0.5  # CP-SAT deterministic time per large-neighbourhood part
# Small CP-SAT runs spend several wall seconds per deterministic second (presolve and
# model building are counted little or not at all): charge parts accordingly.
PART_DETERMINISTIC_FACTOR = 3.0
PART_OVERHEAD = 0.05  # work units charged for building one part
# Placing the items the linear relaxation splits is a small model (about one item per
# binding capacity) that CP-SAT solves to optimality well within this much work; the
# rounded plan is the best start the later steps get, so it has its own allowance.
ROUNDING_WORK = 0.6

# Work shares of the priced flow. Where items may stay unassigned (the mentor assignment),
# its repaired plans are good and each step is cheap, while whole-model CP-SAT runs
# rarely beat them within their time: it gets all of the work. For the classic GAP
# (repair by shifting often fails) CP-SAT does the work.
PRICED_SHARE = 1.0
PRICED_SHARE_MUST_ASSIGN = 0.3
WHOLE_MODEL_MAX_ARCS = 50_000  # above this, CP-SAT on parts only (see _parts_only)
# Share of :func:`improve_gap`'s work for its fresh search (measured on 30,000 x 1,500 by
# counted work: half and half took the assignment's gap to 1.88% where the warm-started
# search alone reached 2.07%, with 10% less CPU time: from scratch CP-SAT proves small
# hours-tight regions optimal sooner).
FRESH_SHARE = 0.5

PRICED_FLOW = "min-cost flow with hours prices"
CPSAT_PARTS = "CP-SAT on parts (warm start from flow)"
CPSAT_FROM_FLOW = "CP-SAT (warm start from flow)"
TABU_CPSAT = "tabu search with CP-SAT merges"
# Share of the work (and, without ``deterministic``, of the time) for the tabu search on the
# classic GAP (:mod:`~tkm_assign.assign.gap_search`).
TABU_SHARE = 0.85
# Share of the work (and of the time) for the knapsack relaxation of the classic GAP
# (:mod:`~tkm_assign.assign.lagrangian`; 0.4-1.8 CPU s on the Chu & Beasley D instances).
LAGRANGIAN_SHARE = 0.1
# CP-SAT on the knapsack relaxation's kernel (:func:`kernel_search`): a share of the work,
# or (wall clock) until this share of the time limit. On d20200 it takes the start from
# 12,370 to 12,266-12,283 in 12 s, where the tabu search from the knapsack plan stays at
# 12,303-12,319 however long it runs (until 40% of the limit: no better, and less time left
# for the tabu search, which does better on d20100).
KERNEL_SHARE = 0.3
KERNEL_END = 0.25
MERGE_PERIOD = 3.0  # work units of tabu search between two merges of its elite plans
MERGE_WORK = 1.0  # CP-SAT work of one merge
SEARCH_SEED_STEP = 7919  # seeds of the side-by-side tabu searches: seed, seed + this, ...
# A cycle: after this many rounds (``MERGE_PERIOD`` units each) without a better plan, CP-SAT
# on the kernel improves the relaxation's next plan (``CYCLE_WORK``) and one search goes on
# from it, the other staying in its valley; each cycle's best plan joins every later merge.
# Measured at 60 s (2026-12-04, seeds 1-10): d20200 mean 12,271.1 against 12,277.4 without
# cycles (seeds 1-5), d20100 6,198.2 against 6,202.0; after 1 round both were worse.
CYCLE_AFTER = 2
CYCLE_WORK = 4.0  # CP-SAT work of a cycle's kernel search (about 3 s on 2 workers on d20200)


def solve_gap(
    instance: GapInstance, params: GapParams, hint: IntArray | None = None
) -> GapSolution:
    """Solve ``instance`` within ``params.time_limit_s`` (model building included).

    Unless ``params.plain``:

    1. :func:`~tkm_assign.assign.flow.priced_flow` (``PRICED_SHARE`` of the work) gives a lower
       bound and a feasible plan; with ``params.lp_relaxation`` the linear relaxation
       (:mod:`~tkm_assign.assign.lp`) gives the bound its capacity prices reach and a plan
       rounded from it (:func:`lp_rounding`); on the classic GAP the knapsack relaxation
       (:mod:`~tkm_assign.assign.lagrangian`) gives a stronger bound and its plans, and
       CP-SAT on its kernel (:func:`kernel_search`, ``KERNEL_SHARE``) improves the start; a
       ``hint`` (e.g. the plain flow plan) is repaired too, and the best plan is polished
       by local search. If plan and bound are already within ``params.relative_gap``,
       that is the answer.
    2. CP-SAT on the whole model, warm-started from that plan (until 50% of the time) --
       or, on a large model where items may stay unassigned, only step 3 without its last
       whole-model run (:func:`_parts_only`);
    3. if still not within the gap, :func:`large_neighbourhood_search` improves the plan
       and a last CP-SAT run, warm-started again, uses the remaining time.

    The classic GAP (every item assigned, no caseload or balance terms:
    :func:`~tkm_assign.assign.gap_search.applies`) replaces steps 2 and 3 by
    :func:`tabu_with_merging` (``TABU_SHARE`` of the work; its cycles start from the
    relaxation's other plans) and one CP-SAT run on the whole model from its plan for the
    rest; the mentor assignment never takes that path.

    The best plan and the best bound of all steps are returned.
    """
    started = time.monotonic()
    limit = params.time_limit_s
    work = _work_budget(params, started)
    deadline = work.deadline

    def at(share: float) -> float:
        """Wall-clock end of a step: a share of the limit, or the safety net only."""
        return deadline if params.deterministic else started + share * limit

    if params.plain:
        return _solve_whole(instance, params, None, Budget(math.inf, deadline), started, "CP-SAT")
    priced_share = PRICED_SHARE_MUST_ASSIGN if instance.must_assign else PRICED_SHARE
    priced = priced_flow(instance, work.part(priced_share, at(0.3)))
    bound = priced.bound
    start = priced.agent_of
    # The relaxation is needed only where the priced flow leaves a gap (most small regions
    # of the national sample close it alone).
    closed = start is not None and _within_gap(
        GapSolution(start, priced.objective, bound, SolveStatus.FEASIBLE, 0.0, PRICED_FLOW),
        params.relative_gap,
    )
    use_lp = params.lp_relaxation and not (closed and not params.require_cpsat)
    relaxation = lp_relaxation(instance) if use_lp else None
    kernel: BoolArray | None = None  # arcs the knapsack relaxation suggests (classic GAP)
    restarts: list[IntArray] = []
    if relaxation is not None:
        bound = max(bound, lp_bound(instance, relaxation))
        rounded = lp_rounding(instance, relaxation, Budget(ROUNDING_WORK, deadline), params.seed)
        if rounded is not None and (
            start is None or objective(instance, rounded) < objective(instance, start)
        ):
            start = rounded
        if lagrangian.applies(instance):
            # The classic GAP: the knapsack relaxation proves a stronger bound, and its
            # plans start the tabu search in a better valley than the rounded relaxation.
            upper = objective(instance, start) if start is not None else _cost_ceiling(instance)
            relaxed = lagrangian.relax(
                instance, upper, work.part(LAGRANGIAN_SHARE, at(LAGRANGIAN_SHARE))
            )
            bound = max(bound, relaxed.bound)
            if relaxed.plans and (start is None or relaxed.costs[0] < objective(instance, start)):
                start = relaxed.plans[0]
            kernel = relaxed.kernel
            restarts = relaxed.plans[1:]
            if start is not None:
                part = work.part(KERNEL_SHARE, at(KERNEL_END))
                start = kernel_search(instance, kernel, start, params, part)
                if math.isfinite(part.left):
                    work.spend(part.left)
    if hint is not None:
        repaired = warm_start(instance, hint, work.part(0.05, at(0.35)), params.seed)
        if repaired is not None and (
            start is None or objective(instance, repaired) < objective(instance, start)
        ):
            start = repaired
    if start is None:
        start = warm_start(instance, None, work.part(0.05, at(0.4)), params.seed)
    if start is not None:
        value = objective(instance, start)
        early = GapSolution(start, value, min(bound, value), SolveStatus.FEASIBLE, 0.0, PRICED_FLOW)
        if _within_gap(early, params.relative_gap) and not params.require_cpsat:
            proven = bound >= value
            return GapSolution(
                start,
                value,
                value if proven else bound,
                SolveStatus.OPTIMAL if proven else SolveStatus.FEASIBLE,
                time.monotonic() - started,
                PRICED_FLOW,
            )
    searched = instance
    if relaxation is not None and start is not None:
        # Reduced-cost fixing: the searches below look only at arcs a better plan may use.
        searched = prune_arcs(instance, relaxation, objective(instance, start), start)
    if start is not None and _parts_only(searched, params):
        improved = large_neighbourhood_search(
            searched, start, work.part(0.5, deadline), params.seed
        )
        value = objective(searched, improved)
        return _with_bound(
            GapSolution(improved, value, min(bound, value), SolveStatus.FEASIBLE, 0.0, CPSAT_PARTS),
            bound,
            started,
        )
    if start is not None and gap_search.applies(searched):
        # The classic GAP: the tabu search with merges of its elite plans, then CP-SAT on
        # the whole model from its plan for the rest (it proves small instances optimal).
        tabu_work = work.part(TABU_SHARE, at(TABU_SHARE))
        given = tabu_work.left
        found = tabu_with_merging(searched, start, tabu_work, params, bound, kernel, restarts)
        # The last CP-SAT run gets what the search left of the whole work (it proves the
        # small instances optimal; on the large ones more of it finds nothing).
        work.spend(given - max(tabu_work.left, 0.0))
        last = _solve_whole(searched, params, found, work.part(1.0, deadline), started, TABU_CPSAT)
        value = objective(searched, found)
        if last.status == SolveStatus.INFEASIBLE or last.objective > value:
            last = GapSolution(
                found, value, min(bound, value), SolveStatus.FEASIBLE, 0.0, TABU_CPSAT
            )
        return _with_bound(last, bound, started)
    engine = CPSAT_FROM_FLOW
    first = _solve_whole(searched, params, start, work.part(0.2, at(0.5)), started, engine)
    first = _with_bound(first, bound, started)
    if first.status != SolveStatus.FEASIBLE or _within_gap(first, params.relative_gap):
        return first
    now = time.monotonic()
    lns_end = deadline if params.deterministic else now + 0.6 * (deadline - now)
    improved = large_neighbourhood_search(
        searched, first.agent_of, work.part(0.3, lns_end), params.seed
    )
    last = _solve_whole(searched, params, improved, work.part(0.15, deadline), started, engine)
    if last.status not in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE):
        return first
    best = last if last.objective <= first.objective else first
    return _with_bound(
        GapSolution(
            best.agent_of,
            best.objective,
            max(first.bound, min(last.bound, best.objective)),
            best.status,
            0.0,
            engine,
        ),
        bound,
        started,
    )


def kernel_search(
    instance: GapInstance, kernel: BoolArray, start: IntArray, params: GapParams, budget: Budget
) -> IntArray:
    """CP-SAT on ``instance`` restricted to the arcs of ``kernel`` and of ``start``.

    The kernel is what the knapsacks of the Lagrangian relaxation chose near its best
    multipliers (:attr:`~tkm_assign.assign.lagrangian.Relaxation.kernel`): about two arcs an
    item, among which the good plans mostly lie, and few enough for CP-SAT to search well
    (on the whole instance it does not get near them).

    Parameters
    ----------
    instance
        A classic GAP instance.
    kernel
        Agents x items: the arcs to keep.
    start
        A feasible plan (its arcs are kept too, and it is CP-SAT's hint).
    params
        Seed and CP-SAT workers.
    budget
        CP-SAT's work (deterministic time) and deadline.

    Returns
    -------
    ndarray
        The best plan found, ``start`` when none is cheaper.
    """
    restricted = merged_instance(instance, [start], kernel)
    if restricted.arc_item.size == instance.n_items or budget.exhausted:
        return start  # nothing to choose
    found = _solve_whole(restricted, params, start, budget, time.monotonic(), CPSAT_FROM_FLOW)
    if found.status in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE) and found.objective < (
        objective(instance, start)
    ):
        return found.agent_of
    return start


def _cost_ceiling(instance: GapInstance) -> int:
    """More than any complete plan costs: every item on its dearest arc, plus one."""
    dearest = np.full(instance.n_items, np.iinfo(np.int64).min, dtype=np.int64)
    np.maximum.at(dearest, instance.arc_item, instance.arc_cost)
    return int(dearest[dearest > np.iinfo(np.int64).min].sum()) + 1


def merged_instance(
    instance: GapInstance, plans: list[IntArray], kernel: BoolArray | None = None
) -> GapInstance:
    """``instance`` with only the arcs some plan of ``plans`` uses (items keep their numbers).

    Where the plans agree, an item has one arc left and is in effect fixed; where they
    differ, CP-SAT chooses among their agents.

    Parameters
    ----------
    instance
        The instance.
    plans
        Complete plans (agent of each item).
    kernel
        Agents x items: arcs kept as well (``None``: none).

    Returns
    -------
    GapInstance
        The restricted instance.
    """
    use = np.zeros(instance.arc_item.size, dtype=bool)
    if kernel is not None:
        use |= kernel[instance.arc_agent, instance.arc_item]
    for plan in plans:
        use[chosen_arcs(instance, plan)] = True
    return instance.only_arcs(use)


def tabu_with_merging(
    instance: GapInstance,
    start: IntArray,
    budget: Budget,
    params: GapParams,
    bound: int = 0,
    kernel: BoolArray | None = None,
    restarts: list[IntArray] | None = None,
) -> IntArray:
    """The tabu search of :mod:`~tkm_assign.assign.gap_search`, its elite plans merged by CP-SAT.

    ``params.workers`` searches with their own seeds run side by side (one thread each: the
    compiled search releases the interpreter's lock), ``MERGE_PERIOD`` units each between
    two merges. A merge is CP-SAT on the instance restricted to the arcs the best plan and
    every search's elite plans use, and the ``kernel``'s (items on which they all agree are
    fixed), warm-started from the best plan; a better plan found there becomes every
    search's best. Each search counts its own work and they meet only at the merges, so the
    result does not depend on how the threads were scheduled. A round of side-by-side
    searches spends its units once from ``budget`` (it is wall-clock work: the CPU time is
    that times the searches).

    When ``CYCLE_AFTER`` rounds bring no better plan, a cycle starts: CP-SAT on the
    ``kernel`` (:func:`kernel_search`, ``CYCLE_WORK``) improves the next plan of
    ``restarts``, and the first search goes on from it while the others stay where they
    are; the best plan of the cycle that ended joins every later merge. The tabu search
    alone stalls within seconds on the large type D instances; a plan from another valley
    of the relaxation, merged with the best, moves it on.

    Parameters
    ----------
    instance
        A classic GAP instance (:func:`~tkm_assign.assign.gap_search.applies`).
    start
        A feasible plan.
    budget
        Work allowance (search and merges).
    params
        Seed, CP-SAT workers and the number of searches.
    bound
        A proven lower bound: the search stops once its best plan meets it.
    kernel
        Agents x items: arcs every merge keeps as well (the knapsack relaxation's kernel,
        :func:`kernel_search`), so that CP-SAT may also move items onto arcs no elite plan
        uses; ``None``: none.
    restarts
        Plans the cycles start from in turn (the knapsack relaxation's plans after its
        best); those not feasible on ``instance`` are left out; ``None`` or empty: no cycles.

    Returns
    -------
    ndarray
        The best plan found.
    """
    searches = [
        gap_search.TabuSearch(instance, start, params.seed + SEARCH_SEED_STEP * k)
        for k in range(max(1, params.workers))
    ]
    # A plan may use an arc the caller pruned from ``instance`` (by reduced cost).
    restarts = [plan for plan in restarts or [] if not violations(instance, plan)]
    best = start.copy()
    best_cost = objective(instance, best)
    stall, cycles, cycle_best = 0, 0, best_cost
    finds: list[IntArray] = []
    with ThreadPoolExecutor(len(searches)) as threads:
        while not budget.exhausted and best_cost > bound:
            units = min(MERGE_PERIOD, budget.left)

            def run(
                search: gap_search.TabuSearch,
                units: float = units,
                deadline: float = budget.deadline,
            ) -> float:
                before = search.work_done
                search.run(Budget(units, deadline), units, bound)
                return search.work_done - before

            done = list(threads.map(run, searches)) if len(searches) > 1 else [run(searches[0])]
            budget.spend(max(done))
            leader = min(searches, key=lambda search: search.best_cost)
            if leader.best_cost < best_cost:
                best, best_cost = leader.best_of.copy(), leader.best_cost
            if leader.best_cost < cycle_best:
                stall, cycle_best = 0, leader.best_cost
            else:
                stall += 1
            if budget.exhausted or best_cost <= bound:
                break
            if kernel is not None and restarts and stall >= CYCLE_AFTER:
                # A cycle: a new good plan from another valley of the relaxation.
                finds.append(leader.best_of.copy())
                plan = restarts[cycles % len(restarts)]
                cycles += 1
                fresh = kernel_search(
                    instance,
                    kernel,
                    plan,
                    replace(params, seed=params.seed + cycles),
                    budget.take(CYCLE_WORK),
                )
                cycle_best, stall = objective(instance, fresh), 0
                searches[0].adopt(fresh)
                if cycle_best < best_cost:
                    best, best_cost = fresh.copy(), cycle_best
                continue
            # Each search may restart towards the others' best plans.
            for search in searches:
                for other in searches:
                    if other is not search:
                        search.offer(other.best_of, other.best_cost)
            plans = [best, *finds, *(plan for search in searches for plan in search.elite())]
            merged = merged_instance(instance, plans, kernel)
            if merged.arc_item.size == instance.n_items:
                continue  # the elite all agree
            part = budget.take(MERGE_WORK)
            found = _solve_whole(merged, params, best, part, time.monotonic(), CPSAT_FROM_FLOW)
            if found.status in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE) and (
                found.objective < best_cost
            ):
                best, best_cost = found.agent_of, found.objective
                for search in searches:
                    search.adopt(best)
    return best


def improve_gap(instance: GapInstance, start: IntArray, params: GapParams) -> GapSolution:
    """A further search from the feasible plan ``start``, with all of the work of ``params``.

    Two CP-SAT runs on the whole model share the work (``FRESH_SHARE``): one warm-started
    from ``start``, and one fresh search without it, which the first round's plan cannot
    steer back into the same valley and which often proves a better bound; the better plan
    and the better bound are kept. On a large model where items may stay unassigned, parts
    only (:func:`large_neighbourhood_search`, no bound: 0). Never worse than ``start``.
    Meant for a second round on the regions a first :func:`solve_gap` left with a gap.

    Parameters
    ----------
    instance
        The instance (a region of the mentor assignment).
    start
        A feasible solution: agent of each item, ``UNASSIGNED`` for none.
    params
        Work (``time_limit_s``, see ``DETERMINISTIC_SHARE``), seed, workers and the
        wall-clock net (``wall_deadline``).

    Returns
    -------
    GapSolution
        The better of ``start`` and what the searches found, with the best bound they
        proved (OPTIMAL once it meets the objective).
    """
    started = time.monotonic()
    work = _work_budget(params, started)
    if _parts_only(instance, params):
        improved = large_neighbourhood_search(instance, start, work, params.seed)
        return GapSolution(
            improved,
            objective(instance, improved),
            0,
            SolveStatus.FEASIBLE,
            time.monotonic() - started,
            CPSAT_PARTS,
        )
    value = objective(instance, start)
    best = GapSolution(start, value, 0, SolveStatus.FEASIBLE, 0.0, CPSAT_FROM_FLOW)
    bound = 0
    for hint, share in ((True, 1.0 - FRESH_SHARE), (False, FRESH_SHARE)):
        found = _solve_whole(
            instance, params, start, work.part(share, work.deadline), started, CPSAT_FROM_FLOW, hint
        )
        bound = max(bound, found.bound)
        if found.status != SolveStatus.INFEASIBLE and found.objective < best.objective:
            best = found
    return _with_bound(best, bound, started)


def _work_budget(params: GapParams, started: float) -> Budget:
    """The work of a search: ``DETERMINISTIC_SHARE`` of the time limit in work units, or
    (not ``deterministic``) the clock; the wall-clock deadline that ends it in any case."""
    limit = params.time_limit_s
    deadline = min(started + limit, params.wall_deadline)
    if not params.deterministic:
        return Budget(math.inf, deadline)
    if math.isfinite(params.wall_deadline):
        # Work decides where each step ends; the caller's deadline is only a safety net.
        deadline = params.wall_deadline
    return Budget(limit * DETERMINISTIC_SHARE, deadline)


def _parts_only(instance: GapInstance, params: GapParams) -> bool:
    """Whether CP-SAT works on parts only: a large model where items may stay unassigned.

    On such models (the mentor assignment of a large region) the whole-model search spends
    seconds in presolve and rarely improves on the priced flow's plan within its time;
    re-solving parts does as well in a fraction of the time. The classic GAP (every item
    assigned) keeps the whole-model search, which does the work there.
    """
    return (
        not instance.must_assign
        and not params.require_cpsat
        and instance.arc_item.size > WHOLE_MODEL_MAX_ARCS
    )


def _with_bound(solution: GapSolution, bound: int, started: float) -> GapSolution:
    """``solution`` with the better of its bound and ``bound``; OPTIMAL once they meet."""
    if solution.status == SolveStatus.INFEASIBLE:
        return solution
    best_bound = max(solution.bound, bound)
    proven = solution.status == SolveStatus.OPTIMAL or best_bound >= solution.objective
    return GapSolution(
        solution.agent_of,
        solution.objective,
        solution.objective if proven else best_bound,
        SolveStatus.OPTIMAL if proven else SolveStatus.FEASIBLE,
        time.monotonic() - started,
        solution.engine,
    )


def _within_gap(solution: GapSolution, relative_gap: float) -> bool:
    if solution.objective == 0:
        return solution.bound == 0
    return (solution.objective - solution.bound) / abs(solution.objective) <= relative_gap


LINEARIZATION_LEVEL = 2


def _solve_whole(
    instance: GapInstance,
    params: GapParams,
    start: IntArray | None,
    budget: Budget,
    started: float,
    engine: str,
    hint: bool = True,
) -> GapSolution:
    """CP-SAT on the whole model; ``start`` (a feasible plan) is its hint unless not ``hint``,
    and what is returned when CP-SAT finds nothing better within ``budget``."""
    built = build_model(instance)
    if start is not None and hint:
        add_hint(built, instance, start)
    solver = cp_model.CpSolver()
    p = solver.parameters
    p.random_seed = params.seed
    p.num_workers = params.workers
    p.max_time_in_seconds = max(0.05, budget.deadline - time.monotonic())
    if math.isfinite(budget.left):
        p.max_deterministic_time = max(0.01, budget.left)
    p.relative_gap_limit = params.relative_gap
    p.log_search_progress = False
    p.linearization_level = LINEARIZATION_LEVEL
    if params.deterministic and params.workers > 1 and not params.plain:
        p.interleave_search = True
    status = solver.solve(built.model)
    seconds = time.monotonic() - started
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        chosen = np.array([solver.boolean_value(v) for v in built.x], dtype=bool)
        agent_of = np.full(instance.n_items, UNASSIGNED, dtype=np.int64)
        agent_of[instance.arc_item[chosen]] = instance.arc_agent[chosen]
        value = objective(instance, agent_of)
        # CP-SAT's objective may exceed the true one only through a balance variable left
        # above its cuts in a not yet optimal solution; never below it.
        assert value <= round(solver.objective_value), (value, solver.objective_value)
        bound = min(math.ceil(solver.best_objective_bound - 1e-6), value)
        proven = status == cp_model.OPTIMAL or bound >= value
        return GapSolution(
            agent_of,
            value,
            value if proven else bound,
            SolveStatus.OPTIMAL if proven else SolveStatus.FEASIBLE,
            seconds,
            engine,
        )
    if status == cp_model.INFEASIBLE:
        return GapSolution(
            np.full(instance.n_items, UNASSIGNED, dtype=np.int64),
            0,
            0,
            SolveStatus.INFEASIBLE,
            seconds,
            engine,
        )
    # No solution within the limit: fall back on the warm start, if any.
    bound = (
        math.ceil(solver.best_objective_bound - 1e-6)
        if math.isfinite(solver.best_objective_bound)
        else 0
    )
    if start is not None:
        value = objective(instance, start)
        return GapSolution(start, value, min(bound, value), SolveStatus.FEASIBLE, seconds, engine)
    log.warning(Message.of("log.no_solution_in_time", seconds=float(params.time_limit_s)))
    return GapSolution(
        np.full(instance.n_items, UNASSIGNED, dtype=np.int64),
        0,
        bound,
        SolveStatus.INFEASIBLE,
        seconds,
        engine,
    )
