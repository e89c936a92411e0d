"""One test per objective term's coefficients, and the priority the default weights give."""

from __future__ import annotations

import numpy as np

from tests.conftest import BANDUNG, GARUT
from tkm_assign.assign.costs import (
    balance_cost,
    balance_marginals,
    change_cost,
    pair_data,
    pair_loads_min,
    sector_cost,
    travel_cost,
    unassigned_cost,
)
from tkm_assign.config import AssignWeights, Config
from tkm_assign.model import NeedLevel, TechLiteracy
from tkm_assign.rules import lone_ride_min, monthly_load_min, onsite_per_month, route_share


def test_unassigned_cost_grows_with_need_and_counts_a_change(make_participant):
    w = AssignWeights()
    low = make_participant("P1", BANDUNG, need_level=NeedLevel.LOW)
    medium = make_participant("P2", BANDUNG, need_level=NeedLevel.MEDIUM)
    high = make_participant("P3", BANDUNG, need_level=NeedLevel.HIGH, current_mentor_id="M1")
    assert unassigned_cost(low, w) == w.unassigned
    assert unassigned_cost(medium, w) == w.unassigned + w.need_medium
    assert unassigned_cost(high, w) == w.unassigned + w.need_high + w.change


def test_sector_cost_only_on_mismatch():
    w = AssignWeights()
    assert sector_cost(np.array([True, False]), w).tolist() == [0, w.sector_mismatch]


def test_travel_cost_per_minute():
    w = AssignWeights()
    assert travel_cost([0, 7, 240], w).tolist() == [0, 7 * w.travel_per_min, 240 * w.travel_per_min]


def test_change_cost_only_on_change():
    w = AssignWeights()
    assert change_cost(np.array([False, True]), w).tolist() == [0, w.change]


def test_balance_marginals_are_convex_and_match_the_formula():
    w = AssignWeights()
    steps = balance_marginals(20, w)
    assert (np.diff(steps) >= 0).all()
    # balance x u^2 / 100 with u = 100 % at a full caseload of 20.
    assert balance_cost(20, 20, w) == w.balance * 100 * 100 // 100
    assert balance_cost(10, 20, w) == w.balance * 50 * 50 // 100
    # Rounding never breaks convexity, even with tiny steps.
    assert (np.diff(balance_marginals(1000, AssignWeights(balance=1))) >= 0).all()


def test_pair_loads_follow_the_rules_load_formula(build, make_participant, make_mentor):
    participants = [
        make_participant("P1", BANDUNG),
        make_participant("P2", GARUT, tech_literacy=TechLiteracy.LOW, need_level=NeedLevel.HIGH),
        make_participant("P3", GARUT, sector="pertanian_peternakan", internet=False),
    ]
    problem, candidates = build(participants, [make_mentor("M1", BANDUNG)])
    loads = pair_loads_min(problem, candidates)
    for k, (i, minutes) in enumerate(
        zip(candidates.participant_idx, candidates.travel_min, strict=True)
    ):
        expected = monthly_load_min(problem.participants[i], float(minutes), problem.config)
        assert loads[k] == int(np.ceil(expected - 1e-9))


def test_a_visit_too_far_to_share_its_day_pays_its_whole_round_trip(config):
    # 08:00-16:00 and 90-minute visits: a round trip over 480 - 2 x 90 = 300 min leaves no
    # room for a second visit that day.
    assert lone_ride_min(config) == 150.0
    assert route_share(150.0, config) == config.assign.route_sharing
    assert route_share(151.0, config) == 1.0
    short_day = config.replace(["work.end=12:00"])  # 240 min: rides over 30 min are alone
    assert lone_ride_min(short_day) == 30.0


def test_pair_loads_charge_lone_rides_in_full(build, make_participant, make_mentor):
    # A half-day (08:00-12:00) makes the Bandung-Garut ride too long to share a day.
    participants = [make_participant("P1", GARUT, tech_literacy=TechLiteracy.LOW)]
    problem, candidates = build(participants, [make_mentor("M1", BANDUNG)], "work.end=12:00")
    (minutes,) = candidates.travel_min
    assert minutes > lone_ride_min(problem.config)
    p = problem.participants[0]
    at_home = monthly_load_min(p, 0.0, problem.config)
    alone = at_home + onsite_per_month(p, problem.config) * 2.0 * float(minutes)
    assert pair_loads_min(problem, candidates).tolist() == [int(np.ceil(alone - 1e-9))]
    assert monthly_load_min(p, float(minutes), problem.config) == alone


def test_pair_data_adds_the_pair_terms(build, make_participant, make_mentor):
    participants = [make_participant("P1", GARUT, current_mentor_id="M1")]
    mentors = [
        make_mentor("M1", BANDUNG),
        make_mentor("M2", BANDUNG, sectors=("industri_kreatif",)),
    ]
    problem, candidates = build(participants, mentors)
    data = pair_data(problem, candidates)
    w = problem.config.assign.weights
    travel = candidates.travel_min.astype(np.int64) * w.travel_per_min
    by_mentor = dict(zip(candidates.mentor_idx.tolist(), range(len(candidates)), strict=True))
    assert data.pair_cost[by_mentor[0]] == travel[by_mentor[0]]
    assert data.pair_cost[by_mentor[1]] == travel[by_mentor[1]] + w.sector_mismatch + w.change


def test_default_weights_honour_the_priority_order():
    config = Config()
    w = config.assign.weights
    longest_trip = config.travel.max_travel_min * w.travel_per_min
    worst_balance_step = int(balance_marginals(config.caseload.max, w).max())
    costliest_pair = w.sector_mismatch + longest_trip + w.change + worst_balance_step
    # Serving anyone beats any pair cost; high need beats medium beats low when short.
    assert w.unassigned > costliest_pair
    assert w.need_medium > costliest_pair
    assert w.need_high - w.need_medium > costliest_pair
    # A sector match is worth an hour of one-way riding, no more (the trade-off curve).
    assert w.sector_mismatch == 60 * w.travel_per_min
