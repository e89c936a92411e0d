"""Periodic VRP benchmark: the schedule's routing core on Cordeau's p01-p32 instances.

    python -m benchmarks.bench_pvrp [FOLDER] [--full] [--work-units U] [--only p01 p13]

Reads the instances under FOLDER (default ``../shared/data/bench/pvrp`` next to the
repository; format: ``type m n t``; t lines ``duration capacity``; one line per node
``id x y service demand frequency n_patterns patterns...``, patterns as day bitmasks with
day 1 the highest bit; node 0 the depot; Euclidean distances), solves each with
:func:`tkm_assign.schedule.periodic.solve_periodic` -- the same core the mentor schedules
use -- and prints its cost, the best known value, the gap, and the same gap for the
baseline measured in the same run: the core's own construction (cheapest insertion of each
visit's best pattern, then 2-opt, no search; ``*`` where it overloads a vehicle), with the
solution published with each instance (its ``.res`` file) beside it.
Each instance runs ``--workers`` independent searches (seeds ``seed``, ``seed+1``, ...) in
parallel processes and keeps the best. Distances are scaled to integers
(:data:`SCALE`) for the core; costs are recomputed in floating point from the routes.

The default run is short (:data:`SHORT_SET` at :data:`SHORT_WORK` units each); ``--full``
runs all 32 at :data:`FULL_WORK` units, about 60 s each on the development machine, with
a 60-s wall-clock cap. Target: mean gap <= 3% over p01-p32 (``--full``). When the folder
is absent the benchmark prints a "skipped" line and exits 0. The instance files carry no
licence: they are read from the folder, never copied.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import math
import multiprocessing
import os
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from tkm_assign.config import PROJECT_ROOT
from tkm_assign.schedule.periodic import (
    PeriodicInstance,
    PeriodicParams,
    PeriodicSolution,
    solve_periodic,
    violations,
)

DEFAULT_FOLDER = PROJECT_ROOT.parent / "shared" / "data" / "bench" / "pvrp"
SCALE = 10_000  # distance units per integer unit of the core
SHORT_WORK = 5.0
FULL_WORK = 60.0
FULL_LIMIT_S = 1800.0  # a safety net: the counted work ends every search
TARGET_MEAN_GAP = 3.0  # percent, over all 32 instances
SHORT_SET = ("p01", "p04", "p14", "p17", "p24", "p27")


@dataclass(frozen=True)
class Cordeau:
    """One instance as read: the core's instance and the coordinates for float costs."""

    name: str
    instance: PeriodicInstance
    xy: npt.NDArray[np.float64]  # (n + 1, 2), node 0 = depot
    vehicles_per_day: int


def read_cordeau(path: Path) -> Cordeau:
    """One Cordeau PVRP file as a :class:`PeriodicInstance` with one depot."""
    rows = [line.split() for line in path.read_text().splitlines() if line.strip()]
    kind, m, n, t = (int(x) for x in rows[0])
    if kind != 1:
        raise ValueError(f"{path}: problem type {kind}, expected 1 (periodic VRP)")
    limits = [(float(a), float(b)) for a, b, *_ in rows[1 : 1 + t]]
    nodes = rows[1 + t : 1 + t + n + 1]
    if len(nodes) != n + 1:
        raise ValueError(f"{path}: {len(nodes)} node lines, expected {n + 1}")
    xy = np.array([[float(r[1]), float(r[2])] for r in nodes])
    diff = xy[:, None, :] - xy[None, :, :]
    travel = np.rint(np.sqrt((diff**2).sum(axis=2)) * SCALE).astype(np.int64)
    patterns, service, demand = [], [], []
    for r in nodes[1:]:
        count = int(r[6])
        masks = [int(x) for x in r[7 : 7 + count]]
        # Day 1 is the highest of t bits (checked against the published solutions).
        patterns.append(
            tuple(tuple(d for d in range(t) if mask >> (t - 1 - d) & 1) for mask in masks)
        )
        service.append(round(float(r[3]) * SCALE))
        demand.append(int(float(r[4])))
    duration = [a for a, _ in limits]
    instance = PeriodicInstance(
        n_homes=1,
        n_days=t,
        travel=travel,
        visit_patterns=tuple(patterns),
        visit_service=np.array(service, dtype=np.int64),
        visit_demand=np.array(demand, dtype=np.int64),
        vehicle_day=np.repeat(np.arange(t, dtype=np.int64), m),
        vehicle_home=np.zeros(t * m, dtype=np.int64),
        vehicle_capacity=np.repeat(np.array([round(b) for _, b in limits], dtype=np.int64), m),
        vehicle_duration=(
            np.repeat(np.array([round(a * SCALE) for a in duration], dtype=np.int64), m)
            if any(a > 0 for a in duration)
            else None
        ),
    )
    return Cordeau(path.stem, instance, xy, m)


def float_cost(case: Cordeau, routes: Sequence[Sequence[int]]) -> float:
    """Euclidean length of the routes (visit v is node v + 1), depot to depot."""
    total = 0.0
    for route in routes:
        path = [0, *(v + 1 for v in route), 0]
        for a, b in itertools.pairwise(path):
            total += math.dist(case.xy[a], case.xy[b])
    return total


def best_known(folder: Path) -> dict[str, float]:
    with (folder / "best_known.csv").open(newline="") as handle:
        return {row["Instance Name"]: float(row["BKS"]) for row in csv.DictReader(handle)}


def solve(case: Cordeau, work: float, limit_s: float, seed: int) -> tuple[PeriodicSolution, float]:
    """The core's solution and its Euclidean cost (``inf`` when it is infeasible)."""
    solution = solve_periodic(
        case.instance,
        PeriodicParams(work_units=work, time_limit_s=limit_s, seed=seed),
    )
    if violations(case.instance, solution):
        return solution, math.inf
    return solution, float_cost(case, solution.routes)


def solve_file(path: Path, work: float, limit_s: float, seed: int) -> tuple[int, float]:
    """:func:`solve` on an instance file (for a worker process): iterations and cost."""
    solution, cost = solve(read_cordeau(path), work, limit_s, seed)
    return solution.iterations, cost


def construction_cost(case: Cordeau) -> tuple[float, bool]:
    """Cost of the core's construction alone (no search) and whether it is feasible."""
    solution = solve_periodic(case.instance, PeriodicParams(work_units=0.0, seed=0))
    return float_cost(case, solution.routes), not violations(case.instance, solution)


def published(folder: Path, name: str) -> float | None:
    """Cost of the solution published with the instance (first line of ``name.res``)."""
    path = folder / f"{name}.res"
    if not path.exists():
        return None
    return float(path.read_text().split()[0])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.bench_pvrp", description=__doc__.splitlines()[0]
    )
    parser.add_argument("folder", nargs="?", type=Path, default=DEFAULT_FOLDER)
    parser.add_argument("--full", action="store_true", help="all 32 instances, about 60 s each")
    parser.add_argument("--work-units", type=float, default=None, help="work per instance")
    parser.add_argument("--time-limit", type=float, default=FULL_LIMIT_S, help="wall-clock cap")
    parser.add_argument("--only", nargs="*", default=None, help="instance names")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--workers", type=int, default=2, help="searches per instance (seeds seed, seed+1, ...)"
    )
    args = parser.parse_args(argv)
    folder: Path = args.folder
    if not (folder / "best_known.csv").exists():
        print(f"skipped: periodic VRP instances not found at {folder}")
        return 0
    known = best_known(folder)
    names = args.only or (sorted(known) if args.full else list(SHORT_SET))
    work = args.work_units or (FULL_WORK if args.full else SHORT_WORK)
    print(
        f"periodic VRP core, {len(names)} instances, {work:g} work units each in "
        f"{args.workers} searches (seeds {args.seed}..{args.seed + args.workers - 1}, the "
        f"best kept; wall-clock cap {args.time_limit:g} s), load average "
        f"{os.getloadavg()[0]:.1f}"
    )
    print(
        f"{'instance':9} {'n':>4} {'days':>4} {'veh':>3} {'best known':>11} {'core':>10} "
        f"{'gap %':>6} {'construction':>13} {'gap %':>6} {'published':>9} {'gap %':>6} "
        f"{'iterations':>10} {'s':>6}"
    )
    gaps, base_gaps, published_gaps = [], [], []
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=max(args.workers, 1), mp_context=context) as pool:
        for name in names:
            path = folder / f"{name}.txt"
            case = read_cordeau(path)
            bks = known[name]
            started = time.perf_counter()
            runs = list(
                pool.map(
                    solve_file,
                    [path] * args.workers,
                    [work] * args.workers,
                    [args.time_limit] * args.workers,
                    range(args.seed, args.seed + args.workers),
                )
            )
            elapsed = time.perf_counter() - started
            cost = min(c for _, c in runs)
            base, feasible = construction_cost(case)
            paper = published(folder, name)
            gap, base_gap = 100 * (cost - bks) / bks, 100 * (base - bks) / bks
            gaps.append(gap)
            base_gaps.append(base_gap)
            paper_text = f"{paper:9.2f} {100 * (paper - bks) / bks:6.2f}" if paper else " " * 16
            if paper:
                published_gaps.append(100 * (paper - bks) / bks)
            inst = case.instance
            print(
                f"{name:9} {inst.n_visits:4d} {inst.n_days:4d} {case.vehicles_per_day:3d} "
                f"{bks:11.2f} {cost:10.2f} {gap:6.2f} {base:12.2f}{' ' if feasible else '*'} "
                f"{base_gap:6.2f} {paper_text} {sum(i for i, _ in runs):10d} {elapsed:6.1f}"
            )
            sys.stdout.flush()
    mean, base_mean = float(np.mean(gaps)), float(np.mean(base_gaps))
    verdict = "met" if mean <= TARGET_MEAN_GAP else "MISSED"
    scope = "" if len(names) == len(known) else f" (on {len(names)} of {len(known)} instances)"
    print(
        f"mean gap to best known {mean:.2f}% (construction {base_mean:.2f}%, * = over a "
        f"capacity; the published .res solutions {np.mean(published_gaps) if published_gaps else math.nan:.2f}%), "
        f"worst {max(gaps):.2f}%; target mean <= {TARGET_MEAN_GAP:g}%: {verdict}{scope}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
