"""Assignment benchmark: time, memory and plan quality at national scale and beyond.

    python -m benchmarks.bench_assign [3000x150 30000x1500 300000x15000] [--plain-limit 120]

For every size (participants x mentors, synthetic: :mod:`benchmarks.synthetic`), in a
fresh process so that peak memory is the size's own:

- the head-count model (``assign.engine = flow``): time and status;
- the hours model (``assign.engine = auto``): time, status and gap to its bound;
- the manual baseline (nearest mentor with space, in list order): participants served,
  travel, sector match and workload spread against the plan;
- a plain CP-SAT model of the same hours problem -- whole, no warm start, no
  decomposition -- and the time it needs to reach the plan's objective (capped).

Ratios are printed from this one run. Targets (2 cores): 3,000 x 150 head-count model
proven optimal < 2 s and hours model within 0.5% of its bound < 10 s; 30,000 x 1,500
< 30 s; 300,000 x 15,000 < 10 min and < 8 GB.
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import sys
import time
from collections.abc import Sequence
from typing import Any

import numpy as np
from ortools.sat.python import cp_model

from benchmarks.synthetic import build_instance
from tkm_assign.assign import assign, assign_baseline
from tkm_assign.assign.cpsat import build_model
from tkm_assign.assign.regions import one_region
from tkm_assign.assign.solve import _prepare, _region_instance
from tkm_assign.config import Config
from tkm_assign.model import Candidates, Problem
from tkm_assign.report.assignment import assignment_summary

# Wall-clock limit of the hours model per size (assign.time_limit_s).
TIME_LIMITS = {3_000: 10.0, 30_000: 25.0, 300_000: 300.0}


class _FirstAtOrBelow(cp_model.CpSolverSolutionCallback):
    """Records when the search first reaches an objective at or below a target."""

    def __init__(self, target: float) -> None:
        super().__init__()
        self.target = target
        self.started = time.monotonic()
        self.reached_s: float | None = None
        self.best = float("inf")

    def on_solution_callback(self) -> None:
        self.best = min(self.best, self.objective_value)
        if self.reached_s is None and self.objective_value <= self.target + 1e-6:
            self.reached_s = time.monotonic() - self.started
            self.stop_search()


def plain_time_to(
    problem: Problem, candidates: Candidates, target: float, limit_s: float, workers: int
) -> tuple[float | None, float, float]:
    """Seconds a plain whole CP-SAT model needs to reach ``target`` (None: not in time).

    Returns (seconds or None, best objective found, model building seconds).
    """
    started = time.monotonic()
    prepared = _prepare(problem, candidates, hours_apply=True)
    pidx = candidates.participant_idx[prepared.keep].astype(np.int64)
    midx = candidates.mentor_idx[prepared.keep].astype(np.int64)
    (region,) = one_region(pidx, midx)
    instance = _region_instance(region, candidates, prepared, set(prepared.pinned_pair.values()))
    built = build_model(instance)
    build_s = time.monotonic() - started
    # Participants with no pair pay their skip cost in any plan: add it to compare totals.
    outside = np.ones(len(problem.participants), dtype=bool)
    outside[region.participants] = False
    constant = float(prepared.data.participant_skip_cost[outside].sum())
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = workers
    solver.parameters.max_time_in_seconds = limit_s
    solver.parameters.random_seed = problem.config.solver.seed
    callback = _FirstAtOrBelow(target - constant)
    solver.solve(built.model, callback)
    return callback.reached_s, callback.best + constant, build_s


def measure(n: int, m: int, plain_limit_s: float, workers: int) -> dict[str, Any]:
    """Everything for one size; runs in its own process."""
    out: dict[str, Any] = {"size": f"{n}x{m}"}
    started = time.monotonic()
    limit = TIME_LIMITS.get(n, max(10.0, n / 1000.0))
    base = Config.load(overrides=[f"assign.time_limit_s={limit}", f"assign.workers={workers}"])
    problem, candidates = build_instance(n, m, seed=1, config=base)
    out["build_s"] = time.monotonic() - started
    out["pairs"] = len(candidates)

    flow_problem = Problem(
        problem.participants, problem.mentors, base.replace(["assign.engine=flow"])
    )
    flow = assign(flow_problem, candidates)
    out["flow"] = (flow.solve_seconds, flow.status.value, flow.gap)

    plan = assign(problem, candidates)
    out["hours"] = (plan.solve_seconds, plan.status.value, plan.gap, plan.engine)
    started = time.monotonic()
    baseline = assign_baseline(problem, candidates)
    out["baseline_s"] = time.monotonic() - started
    # The same plan with travel first (no sector weight) shows what pure routing saves.
    travel_problem = Problem(
        problem.participants,
        problem.mentors,
        base.replace(["assign.weights.sector_mismatch=0"]),
    )
    travel_first = assign(travel_problem, candidates)
    ours = assignment_summary(problem, candidates, plan)
    theirs = assignment_summary(problem, candidates, baseline)
    travel = assignment_summary(problem, candidates, travel_first)
    for name, summary, assignment in (
        ("plan", ours, plan),
        ("baseline", theirs, baseline),
        ("travel_first", travel, travel_first),
    ):
        out[name] = {
            "objective": assignment.objective,
            "assigned": summary["assigned"],
            "mean_travel_min": summary["mean_travel_min"],
            "total_travel_h": summary["mean_travel_min"] * summary["assigned"] / 60.0,
            "sector_match_rate": summary["sector_match_rate"],
            "caseload": summary["caseload"],
            "utilisation": summary["utilisation"],
        }
    if plain_limit_s > 0:
        reached, best, build_s = plain_time_to(
            problem, candidates, plan.objective, plain_limit_s, workers
        )
        out["plain"] = (reached, best, build_s)
        out["plain_limit_s"] = plain_limit_s
    out["peak_rss_gb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    return out


def _run_one(args: tuple[int, int, float, int]) -> dict[str, Any]:
    return measure(*args)


def report(result: dict[str, Any]) -> None:
    plan, base, travel = result["plan"], result["baseline"], result["travel_first"]
    flow_s, flow_status, _ = result["flow"]
    hours_s, hours_status, gap, engine = result["hours"]
    print(
        f"== {result['size']} ({result['pairs']:,} candidate pairs, built in {result['build_s']:.1f} s)"
    )
    print(f"  head-count model (flow): {flow_s:7.2f} s  {flow_status}")
    print(
        f"  hours model (auto):      {hours_s:7.2f} s  {hours_status}  gap {100 * gap:.3f}%  [{engine}]"
    )
    print(f"  peak memory:             {result['peak_rss_gb']:7.2f} GB")
    print(f"  {'':22} {'plan':>14} {'baseline':>14} {'ratio':>6} {'travel-first':>14} {'ratio':>6}")

    def spread(x: dict[str, Any]) -> float:
        return float(x["utilisation"]["max"] - x["utilisation"]["min"])

    rows = [
        ("participants served", "assigned"),
        ("mean travel, min", "mean_travel_min"),
        ("total travel, h", "total_travel_h"),
        ("sector match rate", "sector_match_rate"),
        ("objective", "objective"),
    ]
    lines = [(name, plan[key], base[key], travel[key]) for name, key in rows]
    lines.append(
        (
            "caseload max",
            plan["caseload"]["max"],
            base["caseload"]["max"],
            travel["caseload"]["max"],
        )
    )
    lines.append(("utilisation spread", spread(plan), spread(base), spread(travel)))
    for name, a, b, c in lines:
        ratio_a = f"{a / b:.3f}" if b else "-"
        ratio_c = f"{c / b:.3f}" if b else "-"
        print(f"  {name:<22} {a:>14,.3f} {b:>14,.3f} {ratio_a:>6} {c:>14,.3f} {ratio_c:>6}")
    saved_min = base["mean_travel_min"] - travel["mean_travel_min"]
    print(
        f"  travel-first plan against the baseline: {saved_min:+.1f} min one-way travel saved per "
        f"served participant ({travel['mean_travel_min']:.1f} vs {base['mean_travel_min']:.1f}) "
        f"while serving {travel['assigned'] - base['assigned']:+,d} participants"
    )
    if "plain" in result:
        reached, best, build_s = result["plain"]
        if reached is None:
            print(
                f"  plain CP-SAT (whole, no warm start): did not reach the plan's objective in "
                f"{result['plain_limit_s']:.0f} s (> {result['plain_limit_s'] / max(hours_s, 1e-3):.0f}x "
                f"the plan's time; best {best:,.0f} vs {plan['objective']:,.0f}; model built in "
                f"{build_s:.1f} s)"
            )
        else:
            total = reached + build_s
            print(
                f"  plain CP-SAT (whole, no warm start): reached the plan's objective after "
                f"{total:.1f} s (build {build_s:.1f} s) = {total / max(hours_s, 1e-3):.1f}x the plan's time"
            )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_assign", description=__doc__)
    parser.add_argument("sizes", nargs="*", default=["3000x150", "30000x1500"], help="NxM sizes")
    parser.add_argument(
        "--plain-limit", type=float, default=120.0, help="seconds for the plain CP-SAT (0: skip)"
    )
    parser.add_argument(
        "--plain-max-participants",
        type=int,
        default=50_000,
        help="skip the plain CP-SAT above this many participants",
    )
    parser.add_argument("--workers", type=int, default=2, help="CP-SAT workers")
    args = parser.parse_args(argv)
    context = multiprocessing.get_context("spawn")
    for size in args.sizes:
        n, _, m = size.lower().partition("x")
        plain = args.plain_limit if int(n) <= args.plain_max_participants else 0.0
        with context.Pool(1) as pool:
            result = pool.apply(_run_one, ((int(n), int(m), plain, args.workers),))
        report(result)
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
