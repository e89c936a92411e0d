"""Benchmark: the national capacity analysis on the bundled sample.

    python -m benchmarks.bench_capacity [--mode existing|scratch|both] [--participants P --mentors M]

Runs, in one process, with the default configuration (road travel model):

- the baseline: one plain ``run_plan`` of the same inputs (assignment and schedule), the
  unit every capacity check costs;
- ``plan_capacity`` with the existing mentors kept (as ``tkm-assign capacity --mentors``)
  and/or from scratch (as ``tkm-assign capacity`` without mentors).

Prints the wall-clock time of each (target: the national analysis under 5 minutes on
2 cores) and its ratio to the baseline, the mentors now / needed / to add against the
counting lower bound, the regions whose count the model proved minimal, the rounds of
checks and how many participants the checked plan still leaves short.
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from collections.abc import Sequence
from pathlib import Path

from tkm_assign import pipeline
from tkm_assign.config import PROJECT_ROOT, Config
from tkm_assign.errors import TkmWarning
from tkm_assign.io import load_participants
from tkm_assign.scenarios.capacity import CapacityResult, plan_capacity
from tkm_assign.scenarios.tables import capacity_table

SAMPLE = PROJECT_ROOT / "data" / "sample"
TARGET_S = 300.0


def report(name: str, result: CapacityResult, seconds: float, baseline_s: float) -> None:
    table = capacity_table(result)
    regions = [r for r in result.regions if r.participants]
    proven = sum(r.proven for r in regions)
    status = "ok" if seconds < TARGET_S else "SLOW"
    print(
        f"{name}: {seconds:6.1f} s ({seconds / baseline_s:.2f} x one plan; target < "
        f"{TARGET_S:.0f} s: {status})"
    )
    print(
        f"  participants {int(table['participants'].sum())}, mentors now "
        f"{int(table['mentors_now'].sum())}, needed {int(table['mentors_needed'].sum())}, "
        f"to add {int(table['to_add'].sum())} (checks added "
        f"{sum(r.added_by_checks for r in regions)}), spare {int(table['spare'].sum())}"
    )
    needed = int(table["mentors_needed"].sum())
    bound = int(table["lower_bound"].sum())
    print(
        f"  counting lower bound {bound} (needed / bound {needed / max(bound, 1):.3f}); "
        f"model count proven minimal in {proven} of {len(regions)} regions"
    )
    print(
        f"  checks: {result.rounds} rounds; participants still short in the checked plan: "
        f"{len(result.unresolved)}"
    )
    for pid, why in list(result.unresolved.items())[:5]:
        print(f"    {pid}: {why}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_capacity")
    parser.add_argument("--participants", type=Path, default=SAMPLE / "participants.csv")
    parser.add_argument("--mentors", type=Path, default=SAMPLE / "mentors.csv")
    parser.add_argument("--mode", choices=("existing", "scratch", "both"), default="existing")
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore", TkmWarning)
    config = Config.load()
    problem = pipeline.read_problem(args.participants, args.mentors, config)
    travel = pipeline.travel_model(config)
    started = time.perf_counter()
    pipeline.run_plan(problem, travel)
    baseline_s = time.perf_counter() - started
    print(f"baseline: one plan of {len(problem.participants)} participants in {baseline_s:.1f} s")
    modes = ("existing", "scratch") if args.mode == "both" else (args.mode,)
    for mode in modes:
        if mode == "scratch":
            problem = load_participants(args.participants, config)
        started = time.perf_counter()
        result = plan_capacity(problem, travel, existing=mode == "existing")
        report(mode, result, time.perf_counter() - started, baseline_s)
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
