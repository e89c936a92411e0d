"""The assignment benchmark's helpers: a problem restricted to some participants, plan figures."""

from __future__ import annotations

from benchmarks.bench_assign import common_travel_h, plan_figures, restrict
from benchmarks.instances import benchmark_config, travel_for
from tests.conftest import BANDUNG, BOGOR, GARUT
from tkm_assign.assign import assign, assign_baseline
from tkm_assign.geo.candidates import find_candidates
from tkm_assign.model import Problem


def test_a_restricted_problem_keeps_its_participants_candidates_renumbered(
    make_participant, make_mentor
):
    config = benchmark_config(model="haversine")
    people = tuple(
        make_participant(f"P{i}", where) for i, where in enumerate((BANDUNG, GARUT, BOGOR))
    )
    problem = Problem(people, (make_mentor("M1", BANDUNG), make_mentor("M2", BOGOR)), config)
    candidates = find_candidates(problem, travel_for(config))
    subset, pairs = restrict(problem, candidates, [0, 2], "assign.weights.sector_mismatch=0")
    assert [p.participant_id for p in subset.participants] == ["P0", "P2"]
    assert subset.config.assign.weights.sector_mismatch == 0
    assert set(pairs.participant_idx.tolist()) == {0, 1}
    assert len(pairs) == len(candidates) - int((candidates.participant_idx == 1).sum())
    plan = assign(subset, pairs)
    assert plan.mentor_of == {"P0": "M1", "P2": "M2"}


def test_plan_figures_and_travel_over_participants_both_plans_serve(make_participant, make_mentor):
    config = benchmark_config(model="haversine")
    people = tuple(
        make_participant(f"P{i}", where) for i, where in enumerate((BANDUNG, GARUT, BOGOR))
    )
    problem = Problem(people, (make_mentor("M1", BANDUNG), make_mentor("M2", BOGOR)), config)
    candidates = find_candidates(problem, travel_for(config))
    ours = plan_figures(problem, candidates, assign(problem, candidates))
    theirs = plan_figures(problem, candidates, assign_baseline(problem, candidates))
    assert ours["served"] == 3
    assert ours["sector_match"] == 1.0
    assert ours["caseload"]["max"] == 2
    both, a_h, b_h = common_travel_h(ours, theirs)
    assert both == theirs["served"]
    assert a_h <= b_h + 1e-9
