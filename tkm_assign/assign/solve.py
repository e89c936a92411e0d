"""The assignment pipeline: costs, pins, regions, flow and CP-SAT, reasons, IDs.

Solver indices stay in here and the solver modules; :func:`_to_assignment` is the one
place that turns mentor indices back into IDs.
"""

from __future__ import annotations

import functools
import logging
import time
from collections import Counter
from dataclasses import dataclass, replace

import numpy as np

from tkm_assign.assign.baseline import nearest_with_space
from tkm_assign.assign.costs import PairData, pair_data, sector_match
from tkm_assign.assign.cpsat import GapParams, GapSolution, improve_gap, solve_gap
from tkm_assign.assign.explain import check_pins, unassigned_reasons
from tkm_assign.assign.flow import solve_flow
from tkm_assign.assign.gap import UNASSIGNED, GapInstance, IntArray, objective
from tkm_assign.assign.regions import (
    Region,
    effort,
    find_regions,
    one_region,
    run_parallel,
    time_shares,
)
from tkm_assign.messages import Message
from tkm_assign.model import Assignment, Candidates, Problem, SolveStatus

log = logging.getLogger("tkm_assign")

FLOW = "min-cost flow"
FLOW_NO_HOURS = "min-cost flow (monthly hours not checked)"


@dataclass(frozen=True)
class _Prepared:
    data: PairData
    pinned_pair: dict[int, int]
    pin_reasons: dict[int, Message]
    keep: IntArray  # candidate pairs the solvers may use


@dataclass(frozen=True)
class _RegionResult:
    mentor_of: IntArray  # global mentor index per region participant, or -1
    objective: int
    bound: int
    proven: bool
    engine: str


def usable_candidates(problem: Problem, candidates: Candidates) -> Candidates:
    """``candidates`` without pairs that break an exclusion or the hard sector rule.

    The candidate search applies both already; checking again here keeps the two hard
    rules true whatever produced the pairs (a warning is logged if any pair is dropped).

    Parameters
    ----------
    problem
        The problem (its exclusions and ``assign.sector_rule``).
    candidates
        Eligible pairs from the candidate search.

    Returns
    -------
    Candidates
        ``candidates`` itself when nothing is dropped, else a copy without those pairs.
    """
    bad = np.zeros(len(candidates), dtype=bool)
    if problem.config.assign.sector_rule == "hard":
        bad |= ~sector_match(problem, candidates)
    excluded = {
        i: p.excluded_mentor_ids
        for i, p in enumerate(problem.participants)
        if p.excluded_mentor_ids
    }
    if excluded:
        ids = np.array([m.mentor_id for m in problem.mentors], dtype=object)
        for k in np.flatnonzero(np.isin(candidates.participant_idx, list(excluded))):
            if ids[candidates.mentor_idx[k]] in excluded[int(candidates.participant_idx[k])]:
                bad[k] = True
    if not bad.any():
        return candidates
    log.warning(Message.of("log.pairs_dropped", count=int(bad.sum())))
    keep = ~bad
    return Candidates(
        participant_idx=candidates.participant_idx[keep],
        mentor_idx=candidates.mentor_idx[keep],
        travel_min=candidates.travel_min[keep],
        distance_m=candidates.distance_m[keep],
        no_candidate_reason=candidates.no_candidate_reason,
    )


def _prepare(problem: Problem, candidates: Candidates, hours_apply: bool) -> _Prepared:
    data = pair_data(problem, candidates)
    pinned_pair, pin_reasons = check_pins(problem, candidates, data, hours_apply)
    pidx = candidates.participant_idx
    pinned = np.full(len(problem.participants), -1, dtype=np.int64)
    for i, pair in pinned_pair.items():
        pinned[i] = pair
    blocked = np.zeros(len(problem.participants), dtype=bool)
    blocked[list(pin_reasons)] = True
    pair_ids = np.arange(len(candidates), dtype=np.int64)
    # A pinned participant may use only its pin; a pin that cannot be honoured blocks it.
    keep = ((pinned[pidx] == -1) | (pinned[pidx] == pair_ids)) & ~blocked[pidx]
    return _Prepared(data, pinned_pair, pin_reasons, np.flatnonzero(keep))


def _region_instance(
    region: Region, candidates: Candidates, prepared: _Prepared, pinned: set[int]
) -> GapInstance:
    data = prepared.data
    pairs = prepared.keep[region.pairs]
    agent_local = np.searchsorted(region.mentors, candidates.mentor_idx[pairs])
    item_local = np.searchsorted(region.participants, candidates.participant_idx[pairs])
    pinned_pairs = np.fromiter(pinned, dtype=np.int64, count=len(pinned))
    fixed = np.flatnonzero(np.isin(pairs, pinned_pairs)).astype(np.int64)
    weight, capacity = _region_resources(data, pairs, agent_local, region.mentors)
    return GapInstance(
        n_items=int(region.participants.size),
        n_agents=int(region.mentors.size),
        arc_item=item_local.astype(np.int64),
        arc_agent=agent_local.astype(np.int64),
        arc_cost=data.pair_cost[pairs],
        arc_weight=weight,
        agent_capacity=capacity,
        item_skip_cost=data.participant_skip_cost[region.participants],
        agent_max_items=data.mentor_caseload[region.mentors],
        agent_balance=tuple(data.balance[int(j)] for j in region.mentors),
        fixed_arcs=fixed.reshape(-1),
    )


def _region_resources(
    data: PairData, pairs: IntArray, agent_local: IntArray, mentors: IntArray
) -> tuple[IntArray, IntArray]:
    """Weights and capacities of a region: monthly minutes, and working-day minutes where
    the riding-days rule can bind.

    The days row is left out when no mentor of the region can break it without breaking
    the hours row first: where every pair's share of the working days is at most its share
    of the hours (visits that share their day). A mentor for whom that holds gets a days
    capacity no plan can reach, so the solvers skip the row.
    """
    hours_w, days_w = data.pair_load_min[pairs], data.pair_day_use_min[pairs]
    hours_c, days_c = data.mentor_capacity_min[mentors], data.mentor_day_capacity_min[mentors]
    # days_w / days_c > hours_w / hours_c, in integers
    beyond = days_w * hours_c[agent_local] > hours_w * days_c[agent_local]
    binding = np.zeros(mentors.size, dtype=bool)
    binding[agent_local[beyond]] = True
    if not binding.any():
        return hours_w, hours_c
    total = np.bincount(agent_local, weights=days_w, minlength=mentors.size).astype(np.int64)
    days_c = np.where(binding, days_c, np.maximum(days_c, total))
    return np.stack([hours_w, days_w]), np.stack([hours_c, days_c])


def _hours_overrun(instance: GapInstance, agent_of: IntArray) -> float:
    """Minutes by which ``agent_of`` exceeds the agents' capacities (monthly hours and
    working days), summed over agents."""
    return float(np.maximum(instance.loads(agent_of) - instance.capacities, 0).sum())


def _hours_exceeded(instance: GapInstance, agent_of: IntArray) -> bool:
    return _hours_overrun(instance, agent_of) > 0


def assign(problem: Problem, candidates: Candidates) -> Assignment:
    """Give every participant the best affordable mentor; explain who is left without one.

    All settings come from ``problem.config``: ``assign.engine`` (``auto``: the min-cost
    flow, and CP-SAT warm-started from it in every region where the flow overruns a
    mentor's monthly hours; ``flow``: the flow only, monthly hours not enforced;
    ``cpsat``: CP-SAT in every region), ``assign.decompose``, ``assign.time_limit_s``,
    ``assign.workers``, ``assign.relative_gap``, ``solver.seed``, ``[assign.weights]`` and
    the caseload and hours rules. Pure: reads no files, prints nothing.

    Parameters
    ----------
    problem
        Validated participants, mentors and configuration.
    candidates
        Eligible pairs (province, island, travel, sector and exclusion rules applied).

    Returns
    -------
    Assignment
        Mentor per participant, a reason for each one left without, the objective and a
        proven lower bound; status OPTIMAL only when the optimum is proven.
    """
    started = time.monotonic()
    config = problem.config
    settings = config.assign
    engine = settings.engine
    hours_apply = engine != "flow"
    candidates = usable_candidates(problem, candidates)
    prepared = _prepare(problem, candidates, hours_apply)
    pidx = candidates.participant_idx[prepared.keep].astype(np.int64)
    midx = candidates.mentor_idx[prepared.keep].astype(np.int64)
    n, m = len(problem.participants), len(problem.mentors)
    regions = find_regions(n, m, pidx, midx) if settings.decompose else one_region(pidx, midx)
    pinned = set(prepared.pinned_pair.values())
    instances = [_region_instance(r, candidates, prepared, pinned) for r in regions]

    flows = [solve_flow(inst) for inst in instances]
    results: list[_RegionResult | None] = []
    needs_cpsat = []
    for k, (inst, (agent_of, cost)) in enumerate(zip(instances, flows, strict=True)):
        if engine == "flow" or (engine == "auto" and not _hours_exceeded(inst, agent_of)):
            name = FLOW if engine != "flow" else FLOW_NO_HOURS
            mentors = np.where(
                agent_of >= 0, regions[k].mentors[np.maximum(agent_of, 0)], UNASSIGNED
            )
            results.append(_RegionResult(mentors, cost, cost, True, name))
        else:
            results.append(None)
            needs_cpsat.append(k)

    if needs_cpsat:
        solved = _solve_hours_regions(
            [instances[k] for k in needs_cpsat],
            [flows[k] for k in needs_cpsat],
            [regions[k] for k in needs_cpsat],
            problem,
            # The round's wall-clock net starts with the round: on 300,000 participants
            # the flows alone take longer than the limit.
            time.monotonic() + NET_FACTOR * settings.time_limit_s,
        )
        for k, result in zip(needs_cpsat, solved, strict=True):
            results[k] = result

    mentor_of = np.full(n, UNASSIGNED, dtype=np.int64)
    total = 0
    bound = 0
    proven = True
    for region, maybe in zip(regions, results, strict=True):
        assert maybe is not None
        result = maybe
        mentor_of[region.participants] = result.mentor_of
        total += result.objective
        bound += result.bound
        proven &= result.proven
    # Participants outside every region (no usable pair) pay their skip cost in any plan.
    outside = np.ones(n, dtype=bool)
    for region in regions:
        outside[region.participants] = False
    constant = int(prepared.data.participant_skip_cost[outside].sum())
    engine_text = _engine_text(results)
    reasons = unassigned_reasons(
        problem, candidates, prepared.data, mentor_of, prepared.pin_reasons, hours_apply, proven
    )
    log.info(
        Message.of(
            "log.assignment",
            assigned=int((mentor_of >= 0).sum()),
            total=int(n),
            regions=len(regions),
            seconds=round(time.monotonic() - started, 1),
        )
    )
    log.debug("assignment engines: %s", engine_text)
    return _to_assignment(
        problem,
        mentor_of,
        reasons,
        SolveStatus.OPTIMAL if proven else SolveStatus.FEASIBLE,
        total + constant,
        bound + constant,
        time.monotonic() - started,
        engine_text,
    )


def _solve_hours_regions(
    instances: list[GapInstance],
    flows: list[tuple[IntArray, int]],
    regions: list[Region],
    problem: Problem,
    deadline: float,
) -> list[_RegionResult]:
    """The hours model in each region, warm-started from its flow plan, in parallel.

    Regions share ``assign.workers`` lanes and get shares of ``assign.time_limit_s`` by
    size and by the hours their flow plan overruns (:func:`~tkm_assign.assign.regions.effort`;
    shares of the configured limit, not of the time left, so that the work each region does
    is the same on every run); none runs past ``deadline``. The flow's optimum
    stays a valid bound (it only drops the hours rule).

    Most regions close their gap in that first round well within their share (the large
    ones through the priced flow), while the hours-tight ones, often small, keep a gap of
    several percent. A second round (:func:`_second_round`) gives those the same amount of
    work again, split by the gap each has left.
    """
    settings = problem.config.assign
    lanes = min(settings.workers, len(instances))
    weights = effort(
        [inst.arc_item.size for inst in instances],
        [
            _hours_overrun(inst, agent_of)
            for inst, (agent_of, _) in zip(instances, flows, strict=True)
        ],
    )
    shares = time_shares(weights, settings.time_limit_s, lanes)

    def task(k: int, share: float) -> GapSolution:
        agent_of, flow_cost = flows[k]
        solution = solve_gap(
            instances[k], _region_params(problem, share, lanes, deadline), agent_of
        )
        if solution.status == SolveStatus.INFEASIBLE:  # pragma: no cover - skipping is feasible
            raise RuntimeError("the hours model was found infeasible")
        return _raise_bound(solution, flow_cost)

    solutions = run_parallel(
        [functools.partial(task, k, share) for k, share in enumerate(shares)], lanes
    )
    solutions = _second_round(instances, solutions, problem, deadline)
    results = []
    for region, solution in zip(regions, solutions, strict=True):
        chosen = solution.agent_of
        mentors = np.where(chosen >= 0, region.mentors[np.maximum(chosen, 0)], UNASSIGNED)
        results.append(
            _RegionResult(
                mentors,
                solution.objective,
                solution.bound,
                solution.bound >= solution.objective,
                solution.engine,
            )
        )
    return results


# The second round's work, as a share of the first round's (``assign.time_limit_s`` over
# the lanes): measured on 30,000 x 1,500, where it takes the gap from 2.6% to about 2%.
SECOND_ROUND_SHARE = 1.0
# A round's wall-clock safety net, in multiples of its work (``assign.time_limit_s``): the
# counted work is meant to end every search first, so that plans repeat. On 300,000 x
# 15,000 a round's work (model building and the linear relaxations of the large regions
# included) takes longer than the limit on a quiet 2-core machine; a net of 1x cut it
# there (gap 1.86% against 0.11% with the work alone).
NET_FACTOR = 3.0


def _second_round(
    instances: list[GapInstance],
    solutions: list[GapSolution],
    problem: Problem,
    deadline: float,
) -> list[GapSolution]:
    """Search again where the first round left a gap above ``assign.relative_gap``.

    The work is ``SECOND_ROUND_SHARE`` of the first round's, split by each region's gap
    (objective minus bound: what can still be won there); each region's search starts from
    its first-round plan (:func:`~tkm_assign.assign.cpsat.improve_gap`). A region keeps its
    better plan and its better bound. The split depends only on first-round results,
    which counted work decides, so the round is the same on every run.
    """
    settings = problem.config.assign
    still_open = [
        k
        for k, s in enumerate(solutions)
        if s.objective > s.bound
        and s.objective - s.bound > settings.relative_gap * abs(s.objective)
    ]
    if not still_open or SECOND_ROUND_SHARE <= 0:
        return solutions
    lanes = min(settings.workers, len(still_open))
    shares = time_shares(
        [float(solutions[k].objective - solutions[k].bound) for k in still_open],
        SECOND_ROUND_SHARE * settings.time_limit_s,
        lanes,
    )

    # The round has a wall-clock net of its own, as long as the first round's, from when
    # it starts (never before the first round's own net would have ended).
    deadline = (
        max(deadline, time.monotonic()) + NET_FACTOR * SECOND_ROUND_SHARE * settings.time_limit_s
    )

    def task(k: int, share: float) -> GapSolution:
        first = solutions[k]
        again = improve_gap(
            instances[k], first.agent_of, _region_params(problem, share, lanes, deadline)
        )
        best = again if again.objective < first.objective else first
        return replace(best, bound=min(max(first.bound, again.bound), best.objective))

    improved = run_parallel(
        [functools.partial(task, k, share) for k, share in zip(still_open, shares, strict=True)],
        lanes,
    )
    out = list(solutions)
    for k, solution in zip(still_open, improved, strict=True):
        out[k] = solution
    return out


def _region_params(problem: Problem, share: float, lanes: int, deadline: float) -> GapParams:
    """Search settings of one region's task: its share of the time, the lanes' workers."""
    settings = problem.config.assign
    return GapParams(
        time_limit_s=share,
        wall_deadline=deadline,
        workers=max(1, settings.workers // lanes),
        seed=problem.config.solver.seed,
        relative_gap=settings.relative_gap,
        require_cpsat=settings.engine == "cpsat",
        lp_relaxation=settings.lp_relaxation,
    )


def _raise_bound(solution: GapSolution, bound: int) -> GapSolution:
    """``solution`` with the better of its bound and ``bound`` (never above its objective)."""
    return replace(solution, bound=min(max(solution.bound, bound), solution.objective))


def _engine_text(results: list[_RegionResult | None]) -> str:
    """E.g. ``min-cost flow; hours model in 5 of 42 regions: CP-SAT (warm start from flow) x3,
    min-cost flow with hours prices x2``, or a single engine name when all regions agree."""
    names = Counter(r.engine for r in results if r is not None)
    if not names:
        return FLOW
    if len(names) == 1:
        return next(iter(names))
    hours = {name: count for name, count in sorted(names.items()) if name != FLOW}
    parts = ", ".join(f"{name} x{count}" for name, count in hours.items())
    return f"{FLOW}; hours model in {sum(hours.values())} of {len(results)} regions: {parts}"


def assign_baseline(problem: Problem, candidates: Candidates) -> Assignment:
    """The manual baseline: participants in input order, each to the nearest candidate
    mentor (by travel) that still has a caseload place and monthly hours left.

    Pins are honoured first-come; the objective is the same weighted sum as
    :func:`assign`, so the two can be compared. The baseline proves nothing: bound 0.

    Parameters
    ----------
    problem
        Validated participants, mentors and configuration.
    candidates
        Eligible pairs.

    Returns
    -------
    Assignment
        With engine ``"baseline"`` and status FEASIBLE.
    """
    started = time.monotonic()
    candidates = usable_candidates(problem, candidates)
    prepared = _prepare(problem, candidates, hours_apply=True)
    n = len(problem.participants)
    mentor_of = nearest_with_space(
        n, candidates, prepared.data, prepared.pinned_pair, set(prepared.pin_reasons)
    )
    reasons = unassigned_reasons(
        problem, candidates, prepared.data, mentor_of, prepared.pin_reasons, True, True
    )
    return _to_assignment(
        problem,
        mentor_of,
        reasons,
        SolveStatus.FEASIBLE,
        plan_cost(problem, candidates, mentor_of, prepared.data),
        0,
        time.monotonic() - started,
        "baseline",
    )


def plan_cost(
    problem: Problem, candidates: Candidates, mentor_of: IntArray, data: PairData | None = None
) -> int:
    """The objective of any plan (mentor index per participant, -1 none), hours ignored.

    Parameters
    ----------
    problem, candidates
        The problem and its eligible pairs.
    mentor_of
        Mentor index of each participant, -1 for none.
    data
        The pairs' costs and loads (:func:`pair_data`), computed when ``None``.

    Returns
    -------
    int
        The objective, in the solver's integer cost units.
    """
    data = data if data is not None else pair_data(problem, candidates)
    instance = GapInstance(
        n_items=len(problem.participants),
        n_agents=len(problem.mentors),
        arc_item=candidates.participant_idx.astype(np.int64),
        arc_agent=candidates.mentor_idx.astype(np.int64),
        arc_cost=data.pair_cost,
        arc_weight=data.pair_load_min,
        agent_capacity=data.mentor_capacity_min,
        item_skip_cost=data.participant_skip_cost,
        agent_max_items=data.mentor_caseload,
        agent_balance=tuple(data.balance),
    )
    return objective(instance, mentor_of)


def _to_assignment(
    problem: Problem,
    mentor_of: IntArray,
    reasons: dict[int, Message],
    status: SolveStatus,
    objective_value: int,
    bound: int,
    seconds: float,
    engine: str,
) -> Assignment:
    """The one place where solver indices become participant and mentor IDs."""
    mentors = problem.mentors
    return Assignment(
        mentor_of={
            p.participant_id: (mentors[int(j)].mentor_id if j >= 0 else None)
            for p, j in zip(problem.participants, mentor_of, strict=True)
        },
        reasons={problem.participants[i].participant_id: text for i, text in reasons.items()},
        status=status,
        objective=float(objective_value),
        bound=float(bound),
        solve_seconds=seconds,
        seed=problem.config.solver.seed,
        engine=engine,
    )
