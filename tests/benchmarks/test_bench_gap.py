"""The GAP benchmark's reader and the GAP core on a tiny instance."""

from __future__ import annotations

import time
from pathlib import Path

from benchmarks.bench_gap import DEFAULT_FOLDER, SHORT_SET, core_params, main, read_orlibrary
from tkm_assign.assign.cpsat import DETERMINISTIC_SHARE, GapParams, solve_gap
from tkm_assign.model import SolveStatus

TINY = Path(__file__).resolve().parents[1] / "data" / "gap_tiny.txt"


def test_reader_builds_a_dense_instance_sorted_by_item():
    instance = read_orlibrary(TINY)
    assert (instance.n_agents, instance.n_items) == (2, 4)
    assert instance.arc_item.tolist() == [0, 0, 1, 1, 2, 2, 3, 3]
    assert instance.arc_agent.tolist() == [0, 1] * 4
    assert instance.arc_cost.tolist() == [3, 6, 8, 2, 5, 7, 9, 4]
    assert instance.arc_weight.tolist() == [4, 5, 5, 4, 3, 4, 6, 5]
    assert instance.agent_capacity.tolist() == [10, 9]
    assert instance.must_assign


def test_core_solves_the_tiny_instance_to_its_optimum():
    instance = read_orlibrary(TINY)
    solution = solve_gap(instance, GapParams(time_limit_s=5, workers=1))
    # By hand: items 0, 2 on agent 0 (weight 7 <= 10, cost 8), 1, 3 on agent 1 (9 <= 9, 6).
    assert solution.status == SolveStatus.OPTIMAL
    assert solution.objective == 14
    assert solution.agent_of.tolist() == [0, 1, 0, 1]


def test_a_missing_instance_folder_is_skipped_with_a_clear_line(tmp_path, capsys):
    assert main([str(tmp_path / "nowhere")]) == 0
    assert capsys.readouterr().out.startswith("skipped: GAP instances not found at ")


def test_the_short_run_keeps_every_or_library_set_and_a_few_chu_instances():
    assert SHORT_SET[:12] == tuple(f"gap{k}" for k in range(1, 13))
    assert 0 < len(SHORT_SET) - 12 <= 8
    assert DEFAULT_FOLDER.parts[-4:] == ("shared", "data", "bench", "gap")


def test_work_units_make_the_core_deterministic_on_that_much_counted_work():
    timed = core_params(60.0, 2, None)
    assert not timed.deterministic and timed.time_limit_s == 60.0
    counted = core_params(60.0, 2, 30.0)
    assert counted.deterministic
    assert counted.time_limit_s * DETERMINISTIC_SHARE == 30.0
    # The wall clock is only a distant net, beyond what the work takes.
    assert counted.wall_deadline > time.monotonic() + 30.0
