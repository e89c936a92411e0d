"""assign(): one test per rule and objective term, engines, reasons, determinism."""

from __future__ import annotations

import time

import numpy as np
import pytest

from tests.assign.test_gap_core import brute_force, random_instance
from tests.conftest import AMBON, BANDUNG, DENPASAR, GARUT, JAKARTA
from tkm_assign.assign import assign, assign_baseline
from tkm_assign.assign.cpsat import GapSolution
from tkm_assign.assign.gap import UNASSIGNED, objective, violations
from tkm_assign.assign.solve import _second_round
from tkm_assign.model import Candidates, NeedLevel, SolveStatus

CIMAHI = (-6.8722, 107.5425)  # about 20 minutes from Bandung by motorcycle


def served(assignment) -> dict[str, str]:
    return {p: m for p, m in assignment.mentor_of.items() if m is not None}


# --- hard rules --------------------------------------------------------------------------


def test_caseload_is_never_exceeded(build, make_participant, make_mentor):
    participants = [make_participant(f"P{i}", BANDUNG) for i in range(3)]
    problem, candidates = build(participants, [make_mentor("M1", BANDUNG, max_caseload=2)])
    result = assign(problem, candidates)
    assert len(served(result)) == 2
    (left,) = [p for p, m in result.mentor_of.items() if m is None]
    assert str(result.reasons[left]) == (
        "every eligible mentor is full (Jawa Barat: 1 mentor with 2 places for 3 participants)"
    )


def test_programme_caseload_caps_a_mentors_own_limit(build, make_participant, make_mentor):
    participants = [make_participant(f"P{i}", BANDUNG) for i in range(3)]
    problem, candidates = build(
        participants, [make_mentor("M1", BANDUNG, max_caseload=20)], "caseload.max=1"
    )
    assert len(served(assign(problem, candidates))) == 1


def test_monthly_hours_are_never_exceeded(build, make_participant, make_mentor):
    # Each participant takes 90 + 2 x 60 = 210 min a month at zero travel; 450 min fit two.
    participants = [make_participant(f"P{i}", BANDUNG) for i in range(3)]
    mentor = make_mentor("M1", BANDUNG, hours_per_month=7.5)
    problem, candidates = build(participants, [mentor])
    result = assign(problem, candidates)
    assert len(served(result)) == 2
    assert result.status == SolveStatus.OPTIMAL
    (left,) = [p for p, m in result.mentor_of.items() if m is None]
    assert (
        str(result.reasons[left])
        == "eligible mentors' monthly hours are used up (M1: 7.5 h available)"
    )


def test_max_utilisation_keeps_slack_in_every_mentor_month(build, make_participant, make_mentor):
    # Half of 7.5 h = 225 min: room for one participant of 210 min, not two.
    participants = [make_participant(f"P{i}", BANDUNG) for i in range(3)]
    mentor = make_mentor("M1", BANDUNG, hours_per_month=7.5)
    problem, candidates = build(participants, [mentor], "assign.max_utilisation=0.5")
    result = assign(problem, candidates)
    assert len(served(result)) == 1
    (left, _) = [p for p, m in result.mentor_of.items() if m is None]
    assert "M1: 3.8 h available" in str(result.reasons[left])


def test_flow_engine_ignores_hours_and_says_so(build, make_participant, make_mentor):
    participants = [make_participant(f"P{i}", BANDUNG) for i in range(3)]
    mentor = make_mentor("M1", BANDUNG, hours_per_month=7.5)
    problem, candidates = build(participants, [mentor], "assign.engine=flow")
    result = assign(problem, candidates)
    assert len(served(result)) == 3
    assert "hours not checked" in result.engine


def test_province_rule_same_and_any(build, make_participant, make_mentor):
    participants = [make_participant("P1", JAKARTA)]
    mentors = [make_mentor("M1", BANDUNG)]
    problem, candidates = build(participants, mentors)
    result = assign(problem, candidates)
    assert result.mentor_of["P1"] is None
    assert str(result.reasons["P1"]) == "no mentor in the province"
    # Jakarta-Bandung is about 3 h 50 by haversine motorcycle: allow it for this rule.
    problem, candidates = build(
        participants, mentors, "assign.province_rule=any", "travel.max_travel_min=240"
    )
    assert assign(problem, candidates).mentor_of["P1"] == "M1"


def test_sector_rule_hard_and_soft(build, make_participant, make_mentor):
    participants = [make_participant("P1", BANDUNG, sector="pertanian_peternakan")]
    mentors = [make_mentor("M1", BANDUNG, sectors=("industri_boga",))]
    problem, candidates = build(participants, mentors, "assign.sector_rule=hard")
    result = assign(problem, candidates)
    assert result.mentor_of["P1"] is None
    assert str(result.reasons["P1"]) == (
        "no mentor that can reach them covers pertanian_peternakan (the sector must match)"
    )
    problem, candidates = build(participants, mentors)
    assert assign(problem, candidates).mentor_of["P1"] == "M1"


def test_pinned_mentor_is_honoured(build, make_participant, make_mentor):
    participants = [make_participant("P1", BANDUNG, pinned_mentor_id="M2")]
    mentors = [make_mentor("M1", BANDUNG), make_mentor("M2", GARUT)]
    problem, candidates = build(participants, mentors)
    assert assign(problem, candidates).mentor_of["P1"] == "M2"
    assert assign_baseline(problem, candidates).mentor_of["P1"] == "M2"


def test_excluded_mentor_is_never_used(build, make_participant, make_mentor):
    participants = [make_participant("P1", BANDUNG, excluded_mentor_ids=frozenset({"M1"}))]
    mentors = [make_mentor("M1", BANDUNG), make_mentor("M2", GARUT)]
    problem, candidates = build(participants, mentors)
    assert assign(problem, candidates).mentor_of["P1"] == "M2"
    assert assign_baseline(problem, candidates).mentor_of["P1"] == "M2"


def test_max_travel_is_respected(build, make_participant, make_mentor):
    participants = [make_participant("P1", GARUT)]
    problem, candidates = build(
        participants, [make_mentor("M1", BANDUNG)], "travel.max_travel_min=60"
    )
    result = assign(problem, candidates)
    assert result.mentor_of["P1"] is None
    assert str(result.reasons["P1"]) == ("nearest mentor is 89 min away (travel time limit 60 min)")


# --- objective terms ---------------------------------------------------------------------


@pytest.mark.parametrize(("worth_min", "chosen"), [(60, "M1"), (120, "M2")])
def test_a_sector_match_is_worth_its_weight_in_riding_minutes(
    build, make_participant, make_mentor, worth_min, chosen
):
    # Garut to Bandung rides about 88 minutes: a detour worth a sector match of 120
    # minutes, not of 60.
    participants = [make_participant("P1", GARUT, sector="pertanian_peternakan")]
    mentors = [
        make_mentor("M1", GARUT, sectors=("industri_boga",)),
        make_mentor("M2", BANDUNG, sectors=("pertanian_peternakan",)),
    ]
    weight = worth_min * 10  # assign.weights.travel_per_min = 10
    problem, candidates = build(participants, mentors, f"assign.weights.sector_mismatch={weight}")
    detour = int(candidates.travel_min[candidates.mentor_idx == 1][0]) - int(
        candidates.travel_min[candidates.mentor_idx == 0][0]
    )
    assert 60 < detour < 120
    assert assign(problem, candidates).mentor_of["P1"] == chosen


def test_shorter_travel_is_preferred(build, make_participant, make_mentor):
    participants = [make_participant("P1", BANDUNG)]
    problem, candidates = build(
        participants, [make_mentor("M1", GARUT), make_mentor("M2", BANDUNG)]
    )
    assert assign(problem, candidates).mentor_of["P1"] == "M2"


def test_balance_spreads_the_load(build, make_participant, make_mentor):
    participants = [make_participant(f"P{i}", BANDUNG) for i in range(4)]
    problem, candidates = build(
        participants, [make_mentor("M1", BANDUNG), make_mentor("M2", BANDUNG)]
    )
    result = assign(problem, candidates)
    mentors = list(served(result).values())
    assert mentors.count("M1") == mentors.count("M2") == 2
    problem, candidates = build(
        participants,
        [make_mentor("M1", BANDUNG), make_mentor("M2", BANDUNG)],
        "assign.weights.balance=0",
    )
    assert len(served(assign(problem, candidates))) == 4


def test_continuity_keeps_the_current_mentor_unless_much_worse(
    build, make_participant, make_mentor
):
    mentors = [make_mentor("M1", BANDUNG), make_mentor("M2", CIMAHI), make_mentor("M3", GARUT)]
    stays = make_participant("P1", BANDUNG, current_mentor_id="M2")  # 20 min more: stays
    moves = make_participant("P2", BANDUNG, current_mentor_id="M3")  # 89 min more: moves
    problem, candidates = build([stays, moves], mentors, "assign.weights.balance=0")
    result = assign(problem, candidates)
    assert result.mentor_of == {"P1": "M2", "P2": "M1"}


def test_high_need_is_served_first_when_places_are_short(build, make_participant, make_mentor):
    participants = [
        make_participant("P1", BANDUNG, need_level=NeedLevel.LOW),
        make_participant("P2", GARUT, need_level=NeedLevel.HIGH),
    ]
    problem, candidates = build(participants, [make_mentor("M1", BANDUNG, max_caseload=1)])
    result = assign(problem, candidates)
    assert result.mentor_of == {"P1": None, "P2": "M1"}


# --- reasons -----------------------------------------------------------------------------


def test_reason_no_mentor_in_the_province(build, make_participant, make_mentor):
    problem, candidates = build([make_participant("P1", AMBON)], [make_mentor("M1", BANDUNG)])
    assert {k: str(v) for k, v in assign(problem, candidates).reasons.items()} == {
        "P1": "no mentor in the province"
    }


def test_reason_pinned_mentor_on_another_island(build, make_participant, make_mentor):
    participants = [make_participant("P1", BANDUNG, pinned_mentor_id="M2")]
    mentors = [make_mentor("M1", BANDUNG), make_mentor("M2", DENPASAR)]
    problem, candidates = build(participants, mentors, "assign.province_rule=any")
    result = assign(problem, candidates)
    assert result.mentor_of["P1"] is None
    assert str(result.reasons["P1"]).startswith("pinned mentor M2 lives on another island (Bali")


def test_reason_pinned_mentor_in_another_province(build, make_participant, make_mentor):
    participants = [make_participant("P1", BANDUNG, pinned_mentor_id="M2")]
    mentors = [make_mentor("M1", BANDUNG), make_mentor("M2", JAKARTA)]
    problem, candidates = build(participants, mentors)
    assert str(assign(problem, candidates).reasons["P1"]) == (
        "pinned mentor M2 is in another province (Daerah Khusus Ibukota Jakarta) "
        "and mentors stay in their own province"
    )


def test_reason_pinned_mentor_full_and_unknown(build, make_participant, make_mentor):
    participants = [
        make_participant("P1", BANDUNG, pinned_mentor_id="M1"),
        make_participant("P2", BANDUNG, pinned_mentor_id="M1"),
        make_participant("P3", BANDUNG, pinned_mentor_id="M9"),
    ]
    problem, candidates = build(participants, [make_mentor("M1", BANDUNG, max_caseload=1)])
    result = assign(problem, candidates)
    assert result.mentor_of["P1"] == "M1"
    assert str(result.reasons["P2"]).startswith("pinned mentor M1 is full")
    assert str(result.reasons["P3"]) == "pinned mentor M9 is not in the mentor list"


def test_reason_full_names_the_province_capacity(build, make_participant, make_mentor):
    participants = [make_participant(f"P{i}", AMBON) for i in range(5)]
    mentors = [make_mentor(f"M{j}", AMBON, max_caseload=2) for j in range(2)]
    problem, candidates = build(participants, mentors)
    result = assign(problem, candidates)
    assert len(served(result)) == 4
    assert {str(r) for r in result.reasons.values()} == {
        "every eligible mentor is full (Maluku: 2 mentors x 2 = 4 places for 5 participants)"
    }


# --- engines, regions, determinism, baseline ---------------------------------------------


def test_auto_uses_the_flow_when_hours_do_not_bind(build, make_participant, make_mentor):
    participants = [make_participant(f"P{i}", BANDUNG) for i in range(3)]
    problem, candidates = build(participants, [make_mentor("M1", BANDUNG)])
    result = assign(problem, candidates)
    assert result.engine == "min-cost flow"
    assert result.status == SolveStatus.OPTIMAL
    assert result.gap == 0.0


def test_cpsat_engine_runs_cpsat(build, make_participant, make_mentor):
    participants = [make_participant(f"P{i}", BANDUNG) for i in range(3)]
    problem, candidates = build(participants, [make_mentor("M1", BANDUNG)], "assign.engine=cpsat")
    result = assign(problem, candidates)
    assert result.engine.startswith("CP-SAT")
    assert result.status == SolveStatus.OPTIMAL


@pytest.mark.parametrize("engine", ["auto", "cpsat"])
def test_regions_solved_apart_give_the_same_optimum(build, make_participant, make_mentor, engine):
    participants = [
        *(make_participant(f"B{i}", BANDUNG, need_level=NeedLevel.LOW) for i in range(3)),
        *(make_participant(f"A{i}", AMBON) for i in range(3)),
    ]
    mentors = [
        make_mentor("MB", BANDUNG, hours_per_month=7.5),
        make_mentor("MA", AMBON, max_caseload=2),
    ]
    problem, candidates = build(participants, mentors, f"assign.engine={engine}")
    together, _ = build(participants, mentors, f"assign.engine={engine}", "assign.decompose=false")
    apart = assign(problem, candidates)
    whole = assign(together, candidates)
    assert apart.status == whole.status == SolveStatus.OPTIMAL
    assert apart.objective == whole.objective


def test_same_seed_gives_the_same_plan(build, make_participant, make_mentor):
    spots = [BANDUNG, GARUT, CIMAHI]
    participants = [
        make_participant(f"P{i}", spots[i % 3], need_level=list(NeedLevel)[i % 3])
        for i in range(12)
    ]
    mentors = [make_mentor(f"M{j}", spots[j], hours_per_month=14.0) for j in range(3)]
    problem, candidates = build(participants, mentors, "assign.engine=cpsat")
    first, second = assign(problem, candidates), assign(problem, candidates)
    assert first.mentor_of == second.mentor_of
    assert first.objective == second.objective
    assert first.seed == problem.config.solver.seed


def test_baseline_takes_the_nearest_mentor_with_space_in_list_order(
    build, make_participant, make_mentor
):
    participants = [make_participant("P1", GARUT), make_participant("P2", BANDUNG)]
    mentors = [make_mentor("M1", BANDUNG, max_caseload=1), make_mentor("M2", GARUT, max_caseload=1)]
    problem, candidates = build(participants, mentors)
    baseline = assign_baseline(problem, candidates)
    assert baseline.mentor_of == {"P1": "M2", "P2": "M1"}
    assert baseline.engine == "baseline"
    # Order matters by hand: P1 in Bandung comes first and takes the only Bandung place.
    participants = [make_participant("P1", BANDUNG), make_participant("P2", BANDUNG)]
    problem, candidates = build(participants, mentors)
    assert assign_baseline(problem, candidates).mentor_of == {"P1": "M1", "P2": "M2"}


def test_baseline_respects_hours(build, make_participant, make_mentor):
    participants = [make_participant(f"P{i}", BANDUNG) for i in range(3)]
    problem, candidates = build(participants, [make_mentor("M1", BANDUNG, hours_per_month=7.5)])
    baseline = assign_baseline(problem, candidates)
    assert baseline.mentor_of == {"P0": "M1", "P1": "M1", "P2": None}
    assert baseline.objective >= assign(problem, candidates).objective


def test_no_mentors_at_all_is_a_result_not_a_crash(build, make_participant):
    problem, candidates = build([make_participant("P1", BANDUNG)], [])
    result = assign(problem, candidates)
    assert result.mentor_of == {"P1": None}
    assert result.status == SolveStatus.OPTIMAL
    assert {k: str(v) for k, v in result.reasons.items()} == {"P1": "no mentor in the province"}
    assert assign_baseline(problem, candidates).mentor_of == {"P1": None}


def test_hard_rules_hold_even_if_candidates_break_them(build, make_participant, make_mentor):
    participants = [
        make_participant("P1", BANDUNG, excluded_mentor_ids=frozenset({"M1"})),
        make_participant("P2", BANDUNG, sector="pertanian_peternakan"),
    ]
    problem, _ = build(participants, [make_mentor("M1", BANDUNG)], "assign.sector_rule=hard")
    # A sloppy candidate list that offers M1 to both.
    everything = Candidates(
        participant_idx=np.array([0, 1], dtype=np.int32),
        mentor_idx=np.array([0, 0], dtype=np.int32),
        travel_min=np.array([0, 0], dtype=np.int32),
        distance_m=np.array([0, 0], dtype=np.int32),
    )
    assert assign(problem, everything).mentor_of == {"P1": None, "P2": None}
    assert assign_baseline(problem, everything).mentor_of == {"P1": None, "P2": None}


def test_each_rounds_wall_clock_net_starts_with_the_round(
    build, make_participant, make_mentor, monkeypatch
):
    # On 300,000 participants the flows alone outlast assign.time_limit_s; a net counted
    # from the start of assign() then cut every hours search before it began.
    from tkm_assign.assign import solve

    class Clock:
        offset = 0.0

        def monotonic(self) -> float:
            return time.monotonic() + self.offset

    clock = Clock()
    monkeypatch.setattr(solve, "time", clock)
    real_flow, real_params = solve.solve_flow, solve._region_params

    def slow_flow(instance):
        clock.offset += 1000.0  # the flows take 1,000 s
        return real_flow(instance)

    margins = []

    def params(problem, share, lanes, deadline):
        margins.append(deadline - clock.monotonic())
        return real_params(problem, share, lanes, deadline)

    monkeypatch.setattr(solve, "solve_flow", slow_flow)
    monkeypatch.setattr(solve, "_region_params", params)
    participants = [make_participant(f"P{i}", BANDUNG) for i in range(3)]
    problem, candidates = build(participants, [make_mentor("M1", BANDUNG, hours_per_month=7.5)])
    result = assign(problem, candidates)
    assert margins  # the hours model ran
    net = solve.NET_FACTOR * problem.config.assign.time_limit_s
    assert all(net * 0.9 < margin <= net for margin in margins)
    assert len(served(result)) == 2


def test_second_round_searches_only_where_a_gap_is_left(build, make_participant, make_mentor):
    problem, _ = build([make_participant("P0", BANDUNG)], [make_mentor("M0", BANDUNG)])
    rng = np.random.default_rng(3)
    gapped, closed = random_instance(rng, 7, 3, skip=True), random_instance(rng, 5, 2, skip=True)

    def nobody_served(instance, bound):
        plan = np.full(instance.n_items, UNASSIGNED, dtype=np.int64)
        value = objective(instance, plan)
        status = SolveStatus.OPTIMAL if bound is None else SolveStatus.FEASIBLE
        return GapSolution(plan, value, value if bound is None else bound, status, 0.0, "first")

    # The first round left the one far from its bound and (as it claims) closed the other.
    first = [nobody_served(gapped, 0), nobody_served(closed, None)]
    runs = [_second_round([gapped, closed], first, problem, float("inf")) for _ in range(2)]
    again, untouched = runs[0]
    best = brute_force(gapped)
    assert not violations(gapped, again.agent_of)
    assert again.objective == best  # a small region: the second round proves its optimum
    assert again.bound == best
    assert untouched is first[1]  # no gap: not searched again
    assert runs[1][0].agent_of.tolist() == again.agent_of.tolist()
