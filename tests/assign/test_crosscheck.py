"""Optimality cross-check against an independent solver (scipy's MILP) on small random cases.

Cases near Bandung bind caseload and hours; cases with participants about 160 minutes away
(visits that ride alone) bind the mentors' working days too.

The MILP is written from the pair coefficients directly -- a binary per pair and one per
caseload place, priced with the balance steps -- not from the project's solver models.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import lil_matrix

from tests.assign.test_day_trips import FAR
from tests.conftest import BANDUNG
from tkm_assign.assign import assign
from tkm_assign.assign.costs import pair_data
from tkm_assign.model import Candidates, NeedLevel, Problem, SolveStatus, TechLiteracy

SECTORS = ("industri_boga", "pertanian_peternakan", "perdagangan_jasa")


def milp_optimum(problem: Problem, candidates: Candidates, days: bool = True) -> int:
    """The optimum by MILP; ``days=False`` leaves the riding-days rule out."""
    data = pair_data(problem, candidates)
    n_pairs = len(candidates)
    slots = [(j, t) for j, c in enumerate(data.mentor_caseload) for t in range(int(c))]
    n_vars = n_pairs + len(slots)
    skip = data.participant_skip_cost
    cost = np.concatenate(
        [
            data.pair_cost - skip[candidates.participant_idx],
            [data.balance[j][t] for j, t in slots],
        ]
    ).astype(float)
    n, m = len(problem.participants), len(problem.mentors)
    rows = lil_matrix((n + 3 * m, n_vars))
    low, high = np.zeros(n + 3 * m), np.zeros(n + 3 * m)
    for k, (i, j) in enumerate(zip(candidates.participant_idx, candidates.mentor_idx, strict=True)):
        rows[i, k] = 1  # at most one mentor per participant
        rows[n + j, k] = 1  # pairs of mentor j ...
        rows[n + m + j, k] = data.pair_load_min[k]  # monthly minutes of mentor j
        rows[n + 2 * m + j, k] = data.pair_day_use_min[k]  # working-day minutes of mentor j
    for s, (j, _) in enumerate(slots):
        rows[n + j, n_pairs + s] = -1  # ... equal the places used
    low[:n], high[:n] = -np.inf, 1
    high[n + m : n + 2 * m] = data.mentor_capacity_min
    high[n + 2 * m :] = data.mentor_day_capacity_min if days else np.inf
    low[n + m :] = -np.inf
    result = milp(
        cost,
        constraints=LinearConstraint(rows.tocsr(), low, high),
        integrality=np.ones(n_vars),
        bounds=Bounds(0, 1),
    )
    assert result.status == 0
    return round(result.fun + skip.sum())


def random_case(seed, build, make_participant, make_mentor, *overrides):
    rng = np.random.default_rng(seed)
    mentors = [
        make_mentor(
            f"M{j}",
            (BANDUNG[0] + rng.uniform(-0.15, 0.15), BANDUNG[1] + rng.uniform(-0.15, 0.15)),
            sectors=tuple(rng.choice(SECTORS, size=int(rng.integers(1, 3)), replace=False)),
            max_caseload=int(rng.integers(2, 5)),
            hours_per_month=float(rng.integers(8, 20)),
        )
        for j in range(3)
    ]
    participants = [
        make_participant(
            f"P{i}",
            (BANDUNG[0] + rng.uniform(-0.2, 0.2), BANDUNG[1] + rng.uniform(-0.2, 0.2)),
            sector=str(rng.choice(SECTORS)),
            need_level=list(NeedLevel)[int(rng.integers(3))],
            current_mentor_id=f"M{rng.integers(3)}" if rng.random() < 0.3 else None,
        )
        for i in range(10)
    ]
    return build(participants, mentors, *overrides)


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("engine", ["auto", "cpsat"])
def test_hours_model_optimum_matches_milp(seed, engine, build, make_participant, make_mentor):
    problem, candidates = random_case(
        seed, build, make_participant, make_mentor, f"assign.engine={engine}"
    )
    result = assign(problem, candidates)
    assert result.status == SolveStatus.OPTIMAL
    assert result.objective == milp_optimum(problem, candidates)


@pytest.mark.parametrize("seed", range(3))
def test_head_count_flow_optimum_matches_milp(seed, build, make_participant, make_mentor):
    problem, candidates = random_case(
        seed, build, make_participant, make_mentor, "caseload.hours_per_month=500"
    )
    # Generous hours on every mentor: the flow alone is exact.
    roomy = Problem(
        tuple(problem.participants),
        tuple(m.__class__(**{**_fields(m), "hours_per_month": 500.0}) for m in problem.mentors),
        problem.config,
    )
    result = assign(roomy, candidates)
    assert result.engine == "min-cost flow"
    assert result.objective == milp_optimum(roomy, candidates)


def far_case(seed, build, make_participant, make_mentor, *overrides):
    """Low-literacy participants far away (lone visits) and a few near ones, one mentor."""
    rng = np.random.default_rng(seed)
    # A caseload for everyone: only the hours and the working days limit the mentor.
    mentors = [make_mentor("M0", BANDUNG, sectors=SECTORS, max_caseload=12)]
    far = rng.permutation(len(FAR))[:9]
    participants = [
        make_participant(
            f"P{k}",
            FAR[int(a)],
            sector=str(rng.choice(SECTORS)),
            tech_literacy=TechLiteracy.LOW,
            need_level=(NeedLevel.LOW, NeedLevel.MEDIUM)[int(rng.integers(2))],
        )
        for k, a in enumerate(far)
    ] + [make_participant(f"Q{k}", BANDUNG) for k in range(3)]
    return build(participants, mentors, *overrides)


@pytest.mark.parametrize("seed", range(4))
def test_riding_days_optimum_matches_milp(seed, build, make_participant, make_mentor):
    problem, candidates = far_case(seed, build, make_participant, make_mentor)
    result = assign(problem, candidates)
    assert result.status == SolveStatus.OPTIMAL
    assert result.objective == milp_optimum(problem, candidates)
    # The case is one the riding-days rule decides: hours alone would allow a cheaper plan.
    assert milp_optimum(problem, candidates, days=False) < result.objective


def _fields(mentor) -> dict:
    return {name: getattr(mentor, name) for name in mentor.__slots__}
