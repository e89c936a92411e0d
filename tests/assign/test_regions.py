"""Independent regions of the candidate graph and their time shares."""

from __future__ import annotations

import numpy as np

from tkm_assign.assign.regions import effort, find_regions, one_region, run_parallel, time_shares


def test_regions_are_the_connected_parts_largest_first():
    # Participants 0-2 share mentors 0-1; participant 3 only mentor 2; participant 4 nothing.
    participant = np.array([0, 0, 1, 2, 3], dtype=np.int64)
    mentor = np.array([0, 1, 1, 1, 2], dtype=np.int64)
    regions = find_regions(5, 3, participant, mentor)
    assert [r.participants.tolist() for r in regions] == [[0, 1, 2], [3]]
    assert [r.mentors.tolist() for r in regions] == [[0, 1], [2]]
    assert [r.pairs.tolist() for r in regions] == [[0, 1, 2, 3], [4]]
    (whole,) = one_region(participant, mentor)
    assert whole.participants.tolist() == [0, 1, 2, 3]


def test_time_shares_follow_size_and_never_exceed_the_total():
    shares = time_shares([90, 10], total_s=10.0, parallel=2)
    assert shares[0] == 10.0  # 18 s by size, capped at the total
    assert shares[1] == 2.0
    assert time_shares([5], total_s=3.0, parallel=4) == [3.0]


def test_effort_weighs_size_and_overrun_equally():
    # The large region's flow plan almost fits; the small one overruns by far more hours.
    weights = effort([900, 100], [1.0, 9.0])
    assert weights == [0.5 * 0.9 + 0.5 * 0.1, 0.5 * 0.1 + 0.5 * 0.9]
    assert sum(weights) == 1.0
    assert effort([300, 100], [0.0, 0.0]) == [0.75, 0.25]  # nothing overruns: size only


def test_run_parallel_keeps_task_order():
    tasks = [lambda k=k: k * k for k in range(5)]
    assert run_parallel(tasks, workers=2) == [0, 1, 4, 9, 16]
