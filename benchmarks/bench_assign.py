"""Mentor assignment: time, memory and plan quality on the national sample and beyond.

    python -m benchmarks.bench_assign [--sizes national 30000x1500 ...] [--full]
                                      [--plain-limit 120]

Instances from :mod:`benchmarks.instances` (default national and 30,000 x 1,500; ``--full``
adds 300,000 x 15,000) with candidates from the real search, road model. Each size runs in
a fresh process, so its peak memory (reading, candidates and every solve included) is its
own. With the default configuration (``assign.time_limit_s`` is a cap; searches stop
earlier on counted work or at ``assign.relative_gap``):

- the head-count model (``assign.engine = flow``): time and whether it is proven optimal;
- the hours model (``assign.engine = auto``): time, status and gap to its proven bound;
  and the same without the linear relaxation (``assign.lp_relaxation = false``, the
  Lagrangian bound and plans alone), so that the plan's and the bound's improvement are
  measured in the same run;
- against the greedy baseline (:func:`tkm_assign.assign.assign_baseline`, nearest mentor
  with space in list order, measured in the same process): participants served, travel,
  sector match and workload spread, as ratios; and the travel saved at equal service: the
  optimizer with travel weights only (sector weight 0) on exactly the participants the
  baseline serves, against the baseline's travel for them;
- against a plain CP-SAT model of the same hours problem -- whole, without warm start,
  decomposition or local search, in a fresh process of its own -- the time it needs to
  reach the plan's objective, and how far it is at the plan's own time.

Targets on 2 cores: national head-count model proven optimal < 2 s and hours model within
0.5% of its bound < 10 s; 30,000 x 1,500 within 2% < 60 s; 300,000 x 15,000 within 1%
< 10 min and < 8 GB.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from ortools.sat.python import cp_model

from benchmarks.instances import (
    NATIONAL,
    benchmark_config,
    find_instance_candidates,
    load_instance,
    prepare_instances,
    size_label,
)
from benchmarks.measure import (
    add_size_arguments,
    chosen_sizes,
    in_fresh_process,
    machine,
    peak_rss_mb,
    ratio,
)
from tkm_assign import rules
from tkm_assign.assign import assign, assign_baseline, plan_cost
from tkm_assign.assign.cpsat import build_model
from tkm_assign.assign.regions import one_region
from tkm_assign.assign.solve import _prepare, _region_instance, usable_candidates
from tkm_assign.config import Config
from tkm_assign.model import Assignment, Candidates, Problem, SolveStatus
from tkm_assign.report.assignment import assignment_table
from tkm_assign.report.figures import spread


@dataclass(frozen=True)
class Target:
    seconds: float
    gap: float | None = None  # hours model within this relative gap of its bound
    memory_gb: float | None = None
    flow_seconds: float | None = None  # head-count model proven optimal within


TARGETS = {
    NATIONAL: Target(10.0, gap=0.005, flow_seconds=2.0),
    "30000x1500": Target(60.0, gap=0.02),
    "300000x15000": Target(600.0, gap=0.01, memory_gb=8.0),
}
PLAIN_MIN_S = 30.0  # the plain model gets at least this long
PLAIN_TIMES = 10.0  # ... and up to this multiple of the plan's own time, within --plain-limit


def plan_figures(problem: Problem, candidates: Candidates, plan: Assignment) -> dict[str, Any]:
    """Served, travel, sector match, workload balance and objective of one plan.

    The objective is recomputed with the problem's own weights (:func:`plan_cost`), so that
    plans made under other weights compare on the same scale.
    """
    table = assignment_table(problem, candidates, plan)
    served = table[table["status"] == "assigned"]
    caseload = np.zeros(len(problem.mentors))
    load_min = np.zeros(len(problem.mentors))
    for mentor_id, hours in zip(served["mentor_id"], served["monthly_hours"], strict=True):
        j = problem.mentor_index[mentor_id]
        caseload[j] += 1
        load_min[j] += float(hours) * 60.0
    capacity = np.array([rules.mentor_capacity_min(m, problem.config) for m in problem.mentors])
    utilisation = np.divide(load_min, capacity, out=np.zeros_like(load_min), where=capacity > 0)
    travel = served["travel_min"].astype(float)
    mentor_of = np.array(
        [
            problem.mentor_index[m] if m is not None else -1
            for m in (plan.mentor_of[p.participant_id] for p in problem.participants)
        ],
        dtype=np.int64,
    )
    return {
        "objective": float(plan_cost(problem, usable_candidates(problem, candidates), mentor_of)),
        "served": len(served),
        "travel_h": float(travel.sum()) / 60.0,
        "mean_travel_min": float(travel.mean()) if len(served) else 0.0,
        "sector_match": float(served["sector_match"].astype(bool).mean()) if len(served) else 0.0,
        "caseload": spread(caseload),
        "utilisation": spread(utilisation),
        "travel_min_of": dict(zip(served["participant_id"], travel, strict=True)),
    }


def common_travel_h(a: dict[str, Any], b: dict[str, Any]) -> tuple[int, float, float]:
    """Participants both plans serve, and each plan's one-way travel hours over them."""
    both = a["travel_min_of"].keys() & b["travel_min_of"].keys()
    return (
        len(both),
        sum(a["travel_min_of"][pid] for pid in both) / 60.0,
        sum(b["travel_min_of"][pid] for pid in both) / 60.0,
    )


def measure(size: str) -> dict[str, Any]:
    """Everything but the plain model for one size; meant to run in a fresh process."""
    out: dict[str, Any] = {"size": size}
    config = benchmark_config(cache=True)
    started = time.perf_counter()
    problem = load_instance(size, config)
    candidates = find_instance_candidates(problem)
    out["build_s"] = time.perf_counter() - started
    out["pairs"] = len(candidates)
    out["participants"] = len(problem.participants)
    out["time_limit_s"] = config.assign.time_limit_s
    out["relative_gap"] = config.assign.relative_gap

    flow = assign(_with(problem, "assign.engine=flow"), candidates)
    out["flow"] = (flow.solve_seconds, flow.status.value)
    plan = assign(problem, candidates)
    out["hours"] = (plan.solve_seconds, plan.status.value, plan.gap, plan.engine, plan.bound)
    before = assign(_with(problem, "assign.lp_relaxation=false"), candidates)
    out["without_lp"] = (before.solve_seconds, before.gap, before.objective, before.bound)
    out["with_lp"] = (plan.objective, plan.bound)
    baseline = assign_baseline(problem, candidates)
    out["baseline_s"] = baseline.solve_seconds
    for name, assignment in (("plan", plan), ("baseline", baseline)):
        out[name] = plan_figures(problem, candidates, assignment)
    out["plan_common"] = common_travel_h(out["plan"], out["baseline"])
    served = [i for i, p in enumerate(problem.participants) if baseline.mentor_of[p.participant_id]]
    same_problem, same_candidates = restrict(
        problem, candidates, served, "assign.weights.sector_mismatch=0"
    )
    same = assign(same_problem, same_candidates)
    out["same_s"] = same.solve_seconds
    out["same"] = plan_figures(same_problem, same_candidates, same)
    out["same"]["objective"] = None  # another problem: not on the same scale
    for name in ("plan", "baseline", "same"):
        del out[name]["travel_min_of"]  # large; the common figures are kept
    out["peak_mb"] = peak_rss_mb()
    return out


def _with(problem: Problem, *overrides: str) -> Problem:
    return Problem(problem.participants, problem.mentors, problem.config.replace(overrides))


def restrict(
    problem: Problem, candidates: Candidates, keep: Sequence[int], *overrides: str
) -> tuple[Problem, Candidates]:
    """The problem with only the participants ``keep`` (ascending indices), its candidates
    renumbered, and the configuration with ``overrides``."""
    index = np.full(len(problem.participants), -1, dtype=np.int64)
    index[np.asarray(keep, dtype=np.int64)] = np.arange(len(keep))
    pairs = index[candidates.participant_idx] >= 0
    subset = Problem(
        tuple(problem.participants[i] for i in keep),
        problem.mentors,
        problem.config.replace(overrides),
    )
    return subset, Candidates(
        participant_idx=index[candidates.participant_idx[pairs]].astype(np.int32),
        mentor_idx=candidates.mentor_idx[pairs],
        travel_min=candidates.travel_min[pairs],
        distance_m=candidates.distance_m[pairs],
        no_candidate_reason={
            int(index[i]): reason
            for i, reason in candidates.no_candidate_reason.items()
            if index[i] >= 0
        },
    )


class _Progress(cp_model.CpSolverSolutionCallback):
    """Every improving solution's time, and when the search first reaches ``target``."""

    def __init__(self, target: float, started: float) -> None:
        super().__init__()
        self.target = target
        self.started = started
        self.reached_s: float | None = None
        self.history: list[tuple[float, float]] = []

    def on_solution_callback(self) -> None:
        now = time.perf_counter() - self.started
        self.history.append((now, self.objective_value))
        if self.reached_s is None and self.objective_value <= self.target + 1e-6:
            self.reached_s = now
            self.stop_search()


def plain_cpsat(size: str, target: float, plan_s: float, limit_s: float) -> dict[str, Any]:
    """A plain CP-SAT model of the whole hours problem: time to reach ``target``.

    The same model as the assignment's (one function per rule and term) on a single region,
    without warm start, hint, decomposition or local search; model building counts. Runs
    in a fresh process. Returns seconds to the target (None if not reached within
    ``limit_s``), the best objective and the best objective at ``plan_s``.
    """
    config = benchmark_config(cache=True)
    problem = load_instance(size, config)
    candidates = usable_candidates(problem, find_instance_candidates(problem))
    started = time.perf_counter()
    prepared = _prepare(problem, candidates, hours_apply=True)
    pidx = candidates.participant_idx[prepared.keep].astype(np.int64)
    midx = candidates.mentor_idx[prepared.keep].astype(np.int64)
    (region,) = one_region(pidx, midx)
    instance = _region_instance(region, candidates, prepared, set(prepared.pinned_pair.values()))
    built = build_model(instance)
    build_s = time.perf_counter() - started
    # Participants without any usable pair pay their skip cost in every plan.
    outside = np.ones(len(problem.participants), dtype=bool)
    outside[region.participants] = False
    constant = float(prepared.data.participant_skip_cost[outside].sum())
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = config.assign.workers
    solver.parameters.random_seed = config.solver.seed
    solver.parameters.max_time_in_seconds = max(1.0, limit_s - build_s)
    progress = _Progress(target - constant, started)
    status = solver.solve(built.model, progress)
    at_plan_time = [value for t, value in progress.history if t <= plan_s]
    return {
        "reached_s": progress.reached_s,
        "build_s": build_s,
        "best": (min(v for _, v in progress.history) + constant) if progress.history else None,
        "at_plan_time": (min(at_plan_time) + constant) if at_plan_time else None,
        "bound": solver.best_objective_bound + constant
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
        else None,
        "limit_s": limit_s,
        "peak_mb": peak_rss_mb(),
    }


def report(result: dict[str, Any]) -> bool:
    """Print one size; True when its targets are met."""
    size = result["size"]
    target = TARGETS.get(size)
    flow_s, flow_status = result["flow"]
    hours_s, hours_status, gap, engine, _ = result["hours"]
    peak_gb = result["peak_mb"] / 1024.0
    print(
        f"== {size_label(size)}: {result['pairs']:,} candidate pairs (instance and candidates "
        f"{result['build_s']:.1f} s); assign.time_limit_s = {result['time_limit_s']:g} s (cap), "
        f"assign.relative_gap = {result['relative_gap']:g}"
    )
    met = True
    flow_verdict = ""
    if target is not None and target.flow_seconds is not None:
        ok = flow_s < target.flow_seconds and flow_status == SolveStatus.OPTIMAL.value
        met &= ok
        flow_verdict = (
            f"  target proven optimal < {target.flow_seconds:g} s: {'met' if ok else 'MISSED'}"
        )
    print(f"  head-count model (flow):  {flow_s:7.2f} s  {flow_status}{flow_verdict}")
    hours_verdict = ""
    if target is not None:
        ok = hours_s < target.seconds
        text = f"< {target.seconds:g} s"
        if target.gap is not None:
            ok &= gap <= target.gap
            text = f"within {100 * target.gap:g}% of the bound " + text
        met &= ok
        hours_verdict = f"  target {text}: {'met' if ok else 'MISSED'}"
    print(
        f"  hours model (auto):       {hours_s:7.2f} s  {hours_status}, gap {100 * gap:.3f}% "
        f"[{engine}]{hours_verdict}"
    )
    memory_verdict = ""
    if target is not None and target.memory_gb is not None:
        ok = peak_gb < target.memory_gb
        met &= ok
        memory_verdict = f"  target < {target.memory_gb:g} GB: {'met' if ok else 'MISSED'}"
    print(f"  peak memory (process):    {peak_gb:7.2f} GB{memory_verdict}")
    before_s, before_gap, before_objective, before_bound = result["without_lp"]
    objective, bound = result["with_lp"]
    print(
        f"  without the LP relaxation (assign.lp_relaxation = false, as before): {before_s:.2f} s, "
        f"gap {100 * before_gap:.3f}%; the LP step lowers the plan's objective "
        f"{before_objective:,.0f} -> {objective:,.0f} ({_change(objective, before_objective)}) "
        f"and raises the proven bound {before_bound:,.0f} -> {bound:,.0f} "
        f"({_change(bound, before_bound)})"
    )
    print(
        f"  greedy baseline:          {result['baseline_s']:7.2f} s; equal-service travel-first "
        f"plan {result['same_s']:.2f} s"
    )
    plan, base, same = result["plan"], result["baseline"], result["same"]
    print(
        f"  {'':28} {'plan':>12} {'baseline':>12} {'plan/base':>9} {'same service':>12} "
        f"{'/base':>8}"
    )
    rows = [
        ("participants served", "served", "{:,.0f}"),
        ("one-way travel, total h", "travel_h", "{:,.1f}"),
        ("one-way travel, mean min", "mean_travel_min", "{:.1f}"),
        ("sector match", "sector_match", "{:.3f}"),
        ("objective", "objective", "{:,.0f}"),
    ]
    lines = [(label, plan[key], base[key], same[key], fmt) for label, key, fmt in rows]
    for measure_name, stat in (("caseload", "cv"), ("utilisation", "cv"), ("utilisation", "max")):
        lines.append(
            (
                f"{measure_name} {stat} over mentors",
                plan[measure_name][stat],
                base[measure_name][stat],
                same[measure_name][stat],
                "{:.3f}",
            )
        )
    for label, a, b, c, fmt in lines:
        third = "-" if c is None else fmt.format(c)
        print(
            f"  {label:<28} {fmt.format(a):>12} {fmt.format(b):>12} {ratio(a, b):>9} "
            f"{third:>12} {'-' if c is None else ratio(c, b):>8}"
        )
    both, ours_h, base_h = result["plan_common"]
    print(
        f"  plan against the baseline: serves {plan['served'] - base['served']:+,d} "
        f"participants; on the {both:,d} both serve it rides {ours_h:,.1f} h one way against "
        f"{base_h:,.1f} h ({(ours_h - base_h) / max(base_h, 1e-9):+.1%}), trading travel for "
        f"sector match ({100 * (plan['sector_match'] - base['sector_match']):+.1f} points)"
    )
    saved = base["travel_h"] - same["travel_h"]
    print(
        f"  travel saved at equal service ({same['served']:,d} served of the "
        f"{base['served']:,d} the baseline serves; travel weights only): {same['travel_h']:,.1f} h against {base['travel_h']:,.1f} h "
        f"one way, {saved:,.1f} h ({saved / max(base['travel_h'], 1e-9):.1%}) less"
    )
    return met


def _change(value: float, before: float) -> str:
    return f"{(value - before) / abs(before):+.1%}" if before else "-"


def report_plain(plain: dict[str, Any], objective: float, plan_s: float, bound: float) -> None:
    def gap(value: float | None) -> str:
        if value is None:
            return "no solution"
        return f"{100 * (value - bound) / max(abs(value), 1e-9):.2f}% above the plan's bound"

    head = (
        f"  plain CP-SAT (whole, no warm start), model built in {plain['build_s']:.1f} s, "
        f"peak {plain['peak_mb'] / 1024:.2f} GB: "
    )
    if plain["reached_s"] is not None:
        print(
            head + f"reached the plan's objective after {plain['reached_s']:.1f} s = "
            f"{ratio(plain['reached_s'], plan_s)} the plan's time"
        )
    else:
        print(
            head + f"did not reach the plan's objective in {plain['limit_s']:.0f} s "
            f"(> {ratio(plain['limit_s'], plan_s)} the plan's time); best "
            f"{gap(plain['best'])} (plan {gap(objective)})"
        )
    print(
        f"    at the plan's own time ({plan_s:.1f} s) the plain model was {gap(plain['at_plan_time'])}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.bench_assign", description=__doc__.splitlines()[0]
    )
    add_size_arguments(parser)
    parser.add_argument(
        "--plain-limit",
        type=float,
        default=120.0,
        help="at most this many seconds for the plain CP-SAT model (0: skip it)",
    )
    parser.add_argument(
        "--plain-max-participants",
        type=int,
        default=50_000,
        help="skip the plain CP-SAT model above this many participants",
    )
    args = parser.parse_args(argv)
    sizes = chosen_sizes(args)
    in_fresh_process(prepare_instances, sizes)
    print(machine())
    settings = Config().assign
    print(
        f"default configuration: assign.engine = {settings.engine}, assign.time_limit_s = "
        f"{settings.time_limit_s:g} (cap), assign.relative_gap = {settings.relative_gap:g}, "
        f"assign.workers = {settings.workers}, travel.model = road"
    )
    missed = []
    for size in sizes:
        result = in_fresh_process(measure, size)
        if not report(result):
            missed.append(size)
        sys.stdout.flush()
        hours_s = result["hours"][0]
        if args.plain_limit <= 0:
            print("  plain CP-SAT: skipped (--plain-limit 0)")
        elif result["participants"] > args.plain_max_participants:
            print(
                f"  plain CP-SAT: skipped above {args.plain_max_participants:,} participants "
                "(--plain-max-participants); its memory grows with the whole model"
            )
        else:
            limit = min(args.plain_limit, max(PLAIN_MIN_S, PLAIN_TIMES * hours_s))
            plain = in_fresh_process(plain_cpsat, size, result["plan"]["objective"], hours_s, limit)
            report_plain(plain, result["plan"]["objective"], hours_s, result["hours"][4])
        sys.stdout.flush()
    print("targets: " + (f"MISSED for {', '.join(missed)}" if missed else "all met"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
