"""The candidate benchmark's naive search agrees with the real one, pair for pair."""

from __future__ import annotations

from benchmarks.bench_candidates import agreement, dense_candidates
from benchmarks.instances import benchmark_config, travel_for
from tests.conftest import BANDUNG, BOGOR, DENPASAR, GARUT, JAKARTA
from tkm_assign.geo.candidates import find_candidates
from tkm_assign.model import Problem


def test_naive_all_pairs_search_finds_the_same_k_fastest(make_participant, make_mentor):
    config = benchmark_config("travel.k_nearest=2", model="haversine")
    participants = tuple(
        make_participant(f"P{i}", where)
        for i, where in enumerate((BANDUNG, GARUT, BOGOR, JAKARTA, DENPASAR))
    )
    mentors = (
        make_mentor("M1", BANDUNG),
        make_mentor("M2", GARUT),
        make_mentor("M3", BOGOR),
        make_mentor("M4", DENPASAR),
    )
    problem = Problem(participants, mentors, config)
    travel = travel_for(config)
    found = find_candidates(problem, travel)
    dense = dense_candidates(problem, travel)
    # Jakarta is its own province without a mentor; Bali has one mentor.
    assert {i for i, _ in dense} == {0, 1, 2, 4}
    assert len([pair for pair in dense if pair[0] == 0]) == 2
    assert agreement(found, dense) == 1.0
    assert agreement(found, {(0, 3)}) == 0.0
