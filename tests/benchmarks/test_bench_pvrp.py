"""The periodic VRP benchmark's reader and the routing core on a tiny instance."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.bench_pvrp import DEFAULT_FOLDER, float_cost, main, read_cordeau
from tkm_assign.schedule.periodic import PeriodicParams, solve_periodic, violations

TINY = Path(__file__).resolve().parents[1] / "data" / "pvrp_tiny.txt"


def test_reader_turns_bitmasks_into_days_with_day_one_the_highest_bit():
    case = read_cordeau(TINY)
    inst = case.instance
    assert (inst.n_visits, inst.n_days, case.vehicles_per_day) == (3, 2, 1)
    assert inst.visit_patterns == (((1,), (0,)), ((0, 1),), ((1,),))
    assert inst.visit_demand.tolist() == [4, 6, 5]
    assert inst.capacity.tolist() == [11, 11]
    assert inst.vehicle_duration is None  # duration 0: no limit
    assert inst.travel[0, 1] == 50_000  # 5.0 scaled


def test_core_solves_the_tiny_instance_to_its_optimum():
    case = read_cordeau(TINY)
    solution = solve_periodic(case.instance, PeriodicParams(work_units=0.05, seed=0))
    assert violations(case.instance, solution) == []
    # By hand: day 1 carries customers 1 and 2 (load 10), day 2 customers 2 and 3 (11).
    assert float_cost(case, solution.routes) == pytest.approx(32.649, abs=1e-3)


def test_a_missing_instance_folder_is_skipped_with_a_clear_line(tmp_path, capsys):
    assert main([str(tmp_path / "nowhere")]) == 0
    assert capsys.readouterr().out.startswith("skipped: periodic VRP instances not found at ")


def test_the_default_folder_is_the_shared_benchmark_data():
    assert DEFAULT_FOLDER.parts[-4:] == ("shared", "data", "bench", "pvrp")
