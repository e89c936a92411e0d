"""Integer objective coefficients of the assignment, one function per term.

The objective is a weighted sum (weights in ``[assign.weights]``, see the README):

- ``unassigned_cost``: per participant left without a mentor, plus an extra for medium and
  high need, plus the change penalty when the participant had a current mentor;
- ``sector_cost``: per participant whose mentor lacks the participant's sector;
- ``travel_cost``: per minute of one-way travel, mentor home to participant;
- ``change_cost``: per participant moved away from ``current_mentor_id``;
- ``balance_marginals``: a convex cost on each mentor's caseload share.

Every function returns integers (numpy ``int64``) so that the flow and CP-SAT models, and
the cross-checks in the tests, optimise exactly the same numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from tkm_assign.config import AssignWeights, Config
from tkm_assign.model import Candidates, Mentor, NeedLevel, Participant, Problem, Sector
from tkm_assign.rules import (
    assignable_min,
    effective_caseload,
    monthly_day_use_min,
    monthly_load_min,
    working_day_capacity_min,
)

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


def unassigned_cost(participant: Participant, weights: AssignWeights) -> int:
    """Cost of leaving ``participant`` without a mentor.

    ``unassigned`` plus ``need_high`` or ``need_medium`` by need level (so that high-need
    participants are served first when places are short), plus ``change`` when the
    participant had a current mentor (leaving them without one is a change too).
    """
    extra = {
        NeedLevel.HIGH: weights.need_high,
        NeedLevel.MEDIUM: weights.need_medium,
        NeedLevel.LOW: 0,
    }[participant.need_level]
    moved = weights.change if participant.current_mentor_id is not None else 0
    return weights.unassigned + extra + moved


def sector_cost(sector_match: BoolArray, weights: AssignWeights) -> IntArray:
    """``sector_mismatch`` for every pair whose mentor lacks the participant's sector."""
    return np.where(sector_match, 0, weights.sector_mismatch).astype(np.int64)


def travel_cost(travel_min: npt.ArrayLike, weights: AssignWeights) -> IntArray:
    """``travel_per_min`` per minute of one-way travel, mentor home to participant."""
    return np.asarray(travel_min, dtype=np.int64) * weights.travel_per_min


def change_cost(is_change: BoolArray, weights: AssignWeights) -> IntArray:
    """``change`` for every pair that moves a participant away from its current mentor."""
    return np.where(is_change, weights.change, 0).astype(np.int64)


def balance_marginals(max_caseload: int, weights: AssignWeights) -> IntArray:
    """Extra cost of a mentor's k-th participant, k = 1..max_caseload (non-decreasing).

    The balance cost of a mentor with k participants is ``balance x u^2 / 100`` with
    ``u = 100 k / max_caseload`` the caseload share in percent; the k-th participant adds
    ``balance x 100 x (2k - 1) / max_caseload^2``. Steps are differences of the rounded-down
    totals (so totals are exact to the unit), kept non-decreasing, i.e. the cost convex,
    which the flow model needs (parallel unit arcs are filled cheapest first) and the
    CP-SAT model reproduces exactly with tangent cuts.
    """
    k = np.arange(0, max_caseload + 1, dtype=np.int64)
    totals = (weights.balance * 100 * k * k) // (max_caseload * max_caseload)
    return np.maximum.accumulate(np.diff(totals)).astype(np.int64)


def balance_cost(caseload: int, max_caseload: int, weights: AssignWeights) -> int:
    """Total balance cost of a mentor with ``caseload`` participants."""
    return int(balance_marginals(max_caseload, weights)[:caseload].sum())


@dataclass(frozen=True)
class PairData:
    """Everything the solvers need about the candidate pairs, integer and index-based.

    Arrays named ``pair_*`` are parallel to the candidates; ``participant_*`` and
    ``mentor_*`` are indexed by participant and mentor index.
    """

    pair_cost: IntArray  # sector + travel + change, per pair
    pair_load_min: IntArray  # the participant's estimated monthly minutes with this mentor
    pair_day_use_min: IntArray  # working-day minutes in the busiest month (riding-days rule)
    pair_sector_match: BoolArray
    participant_skip_cost: IntArray  # cost of leaving the participant unassigned
    mentor_caseload: IntArray  # caseload limit per mentor
    mentor_capacity_min: IntArray  # monthly minutes per mentor
    mentor_day_capacity_min: IntArray  # working-day minutes of the tightest month per mentor
    balance: Sequence[IntArray]  # per mentor: balance marginals for participants 1..caseload


def sector_match(problem: Problem, candidates: Candidates) -> BoolArray:
    """Whether each candidate mentor has the participant's sector."""
    codes = {sector: k for k, sector in enumerate(Sector)}
    has = np.zeros((len(problem.mentors), len(codes)), dtype=np.bool_)
    for j, m in enumerate(problem.mentors):
        has[j, [codes[s] for s in m.sectors]] = True
    sector = np.array([codes[p.sector] for p in problem.participants], dtype=np.int64)
    return has[candidates.mentor_idx, sector[candidates.participant_idx]].reshape(-1)


def is_change(problem: Problem, candidates: Candidates) -> BoolArray:
    """Whether each pair moves a participant with a current mentor to another mentor."""
    index = problem.mentor_index
    # -2: no current mentor (never a change); -1: a current mentor not in the mentor list.
    current = np.array(
        [
            -2 if p.current_mentor_id is None else index.get(p.current_mentor_id, -1)
            for p in problem.participants
        ],
        dtype=np.int64,
    ).reshape(-1)
    wanted = current[candidates.participant_idx]
    return (wanted != -2) & (wanted != candidates.mentor_idx)


def _per_pair(
    problem: Problem,
    candidates: Candidates,
    rule: Callable[[Participant, float, Config], float],
) -> IntArray:
    """``rule(participant, one_way_travel_min, config)`` for every pair, in whole minutes.

    Loads depend on the participant only through a few fields and on the pair only
    through the travel time (whole minutes), so the rule runs once per kind of participant
    and travel time present. Rounded up so that a plan within a limit in whole minutes is
    within it exactly.
    """
    config = problem.config
    kinds: dict[tuple[object, ...], int] = {}
    kind = np.empty(len(problem.participants), dtype=np.int64)
    example: list[Participant] = []
    for i, p in enumerate(problem.participants):
        key = (
            p.sector,
            p.need_level,
            p.sessions_per_month,
            p.program_months,
            p.tech_literacy,
            p.internet,
        )
        if key not in kinds:
            kinds[key] = len(example)
            example.append(p)
        kind[i] = kinds[key]
    travel = candidates.travel_min.astype(np.int64)
    width = int(travel.max(initial=0)) + 1
    code = kind[candidates.participant_idx] * width + travel
    unique, position = np.unique(code, return_inverse=True)
    values = np.array(
        [rule(example[int(c) // width], float(c % width), config) for c in unique],
        dtype=np.float64,
    )
    # A hair below the next integer counts as that integer: float noise must not round up.
    return np.ceil(values[position.reshape(-1)] - 1e-9).astype(np.int64)


def pair_loads_min(problem: Problem, candidates: Candidates) -> IntArray:
    """Monthly load in whole minutes of each pair, by :func:`tkm_assign.rules.monthly_load_min`."""
    return _per_pair(problem, candidates, monthly_load_min)


def pair_day_use_min(problem: Problem, candidates: Candidates) -> IntArray:
    """Working-day minutes of each pair in its busiest month, by
    :func:`tkm_assign.rules.monthly_day_use_min` (a visit too far to share its day takes
    the whole day)."""
    return _per_pair(problem, candidates, monthly_day_use_min)


def mentor_capacities_min(problem: Problem) -> IntArray:
    """Monthly minutes the assignment may fill per mentor (:func:`tkm_assign.rules.assignable_min`:
    ``assign.max_utilisation`` of the tightest month's working time)."""
    return _per_mentor(problem, assignable_min)


def mentor_day_capacities_min(problem: Problem) -> IntArray:
    """Working-day minutes per mentor in the tightest month
    (:func:`tkm_assign.rules.working_day_capacity_min`)."""
    return _per_mentor(problem, working_day_capacity_min)


def _per_mentor(problem: Problem, rule: Callable[[Mentor, Config], int]) -> IntArray:
    config = problem.config
    seen: dict[tuple[object, ...], int] = {}
    out = np.empty(len(problem.mentors), dtype=np.int64)
    for j, m in enumerate(problem.mentors):
        key = (m.hours_per_month, m.working_days, m.unavailable, m.active_until)
        if key not in seen:
            seen[key] = rule(m, config)
        out[j] = seen[key]
    return out


def pair_data(problem: Problem, candidates: Candidates) -> PairData:
    """All integer coefficients for one problem and its candidates."""
    config = problem.config
    weights = config.assign.weights
    match = sector_match(problem, candidates)
    cost = (
        sector_cost(match, weights)
        + travel_cost(candidates.travel_min, weights)
        + change_cost(is_change(problem, candidates), weights)
    )
    caseload = np.array(
        [effective_caseload(m, config) for m in problem.mentors], dtype=np.int64
    ).reshape(-1)
    marginals: dict[int, IntArray] = {}
    balance = []
    for c in caseload:
        if int(c) not in marginals:
            marginals[int(c)] = balance_marginals(int(c), weights)
        balance.append(marginals[int(c)])
    return PairData(
        pair_cost=cost,
        pair_load_min=pair_loads_min(problem, candidates),
        pair_day_use_min=pair_day_use_min(problem, candidates),
        pair_sector_match=match,
        participant_skip_cost=np.array(
            [unassigned_cost(p, weights) for p in problem.participants], dtype=np.int64
        ).reshape(-1),
        mentor_caseload=caseload,
        mentor_capacity_min=mentor_capacities_min(problem),
        mentor_day_capacity_min=mentor_day_capacities_min(problem),
        balance=balance,
    )
