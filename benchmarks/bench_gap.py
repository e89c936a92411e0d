"""GAP benchmark: the assignment's CP-SAT core on the OR-Library / Chu & Beasley instances.

    python -m benchmarks.bench_gap [FOLDER] [--full] [--time-limit S] [--only gap1 d20200]
        [--work-units U] [--no-plain]

Reads the instances under FOLDER (default ``../shared/data/bench/gap`` next to the
repository; format: ``m n``; an m x n cost matrix; an m x n weight matrix; m capacities;
minimisation), solves each with :func:`tkm_assign.assign.cpsat.solve_gap` -- the same model
and warm start the mentor assignment uses -- and with a plain CP-SAT model (no warm start,
no heuristics) under the same time limit, and prints objective, best known value, gap %
and time for both, then averages per family. The default run is short: gap1-gap12 and a
few Chu & Beasley instances (:data:`SHORT_CHU`) at 10 s each; ``--full`` runs every
instance at 60 s. ``--work-units U`` runs the core deterministically on U units of counted
work instead (figures that repeat on a loaded machine; the CPU seconds are printed beside
the wall time). When the folder is absent the benchmark prints a "skipped" line and
exits 0. The instance files carry their own licence: they are read from the folder, never
copied.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from tkm_assign.assign.cpsat import DETERMINISTIC_SHARE, GapParams, GapSolution, solve_gap
from tkm_assign.assign.gap import GapInstance
from tkm_assign.config import PROJECT_ROOT

DEFAULT_FOLDER = PROJECT_ROOT.parent / "shared" / "data" / "bench" / "gap"
SHORT_LIMIT_S = 10.0
WORK_NET_S_PER_UNIT = 20.0  # wall-clock safety net of a counted-work run, per unit
FULL_LIMIT_S = 60.0
# The default run: every OR-Library set, and one small and one large instance of each
# Chu & Beasley type (the large types C and D are the hard ones).
SHORT_CHU = ("a05100", "b10200", "c05100", "c10200", "d05100", "d10200")
SHORT_SET = tuple(f"gap{k}" for k in range(1, 13)) + SHORT_CHU


def read_orlibrary(path: Path) -> GapInstance:
    """One instance in the OR-Library GAP format, as a dense :class:`GapInstance`."""
    numbers = np.array(path.read_text().split(), dtype=np.int64)
    m, n = int(numbers[0]), int(numbers[1])
    expected = 2 + 2 * m * n + m
    if numbers.size < expected:
        raise ValueError(f"{path}: {numbers.size} numbers, expected {expected} for m={m} n={n}")
    cost = numbers[2 : 2 + m * n].reshape(m, n)
    weight = numbers[2 + m * n : 2 + 2 * m * n].reshape(m, n)
    capacity = numbers[2 + 2 * m * n : expected]
    agent, item = np.meshgrid(np.arange(m), np.arange(n), indexing="ij")
    # Arcs sorted by item, as the assignment's candidates are.
    order = np.lexsort((agent.ravel(), item.ravel()))
    return GapInstance(
        n_items=n,
        n_agents=m,
        arc_item=item.ravel()[order].astype(np.int64),
        arc_agent=agent.ravel()[order].astype(np.int64),
        arc_cost=cost.ravel()[order],
        arc_weight=weight.ravel()[order],
        agent_capacity=capacity.copy(),
    )


def best_known(folder: Path) -> dict[str, int]:
    """Instance name (e.g. ``gap1-0``, ``d20200``) -> best known value."""
    out = {}
    with (folder / "best_known.csv").open(newline="") as handle:
        for row in csv.DictReader(handle):
            out[Path(row["Path"]).name] = int(row["Best known solution value"])
    return out


def instances(folder: Path, only: Sequence[str]) -> list[Path]:
    """Instance files, OR-Library sets first, in natural order; ``only`` filters by prefix."""

    def key(path: Path) -> tuple[str, int, int, str]:
        name = path.name
        if name.startswith("gap"):
            number, _, part = name[3:].partition("-")
            return ("0", int(number), int(part or 0), name)
        return ("1", 0, 0, name)

    paths = [
        p
        for sub in ("cattrysse1994", "chu1997")
        if (folder / sub).is_dir()
        for p in (folder / sub).iterdir()
        if p.is_file()
    ]
    if only:
        paths = [p for p in paths if any(p.name == o or p.name.startswith(f"{o}-") for o in only)]
    return sorted(paths, key=key)


def core_params(time_limit_s: float, workers: int, work_units: float | None) -> GapParams:
    """The core's settings: the wall clock alone, or (``work_units``) counted work alone.

    With counted work the core runs deterministically (CP-SAT's workers interleaved, every
    step ended by its share of the work) and the wall clock is only a distant safety net,
    so the figures repeat on a loaded machine.
    """
    if work_units is None:
        return GapParams(time_limit_s=time_limit_s, workers=workers, seed=1, deterministic=False)
    return GapParams(
        time_limit_s=work_units / DETERMINISTIC_SHARE,
        workers=workers,
        seed=1,
        deterministic=True,
        wall_deadline=time.monotonic() + WORK_NET_S_PER_UNIT * work_units + 60,
    )


def run(
    folder: Path,
    time_limit_s: float,
    workers: int,
    only: Sequence[str],
    plain: bool,
    work_units: float | None = None,
) -> int:
    known = best_known(folder)
    paths = instances(folder, only)
    if not paths:
        print(f"no instances found under {folder}", file=sys.stderr)
        return 2
    print(
        f"{'instance':<10} {'best':>7} {'core':>7} {'gap%':>6} {'time_s':>7} {'cpu_s':>6}"
        f" {'status':<9}" + (f" {'plain':>7} {'gap%':>6} {'time_s':>7}" if plain else "")
    )
    gaps: dict[str, list[float]] = {}
    plain_gaps: dict[str, list[float]] = {}
    for path in paths:
        instance = read_orlibrary(path)
        cpu = time.process_time()
        ours = solve_gap(instance, core_params(time_limit_s, workers, work_units))
        cpu = time.process_time() - cpu
        best = known[path.name]
        gap = _gap(ours, best)
        group = "gap1-12" if path.name.startswith("gap") else f"type {path.name[0].upper()}"
        gaps.setdefault(group, []).append(gap)
        line = (
            f"{path.name:<10} {best:>7} {ours.objective:>7} {gap:>6.2f} {ours.solve_seconds:>7.1f}"
            f" {cpu:>6.1f} {ours.status.value:<9}"
        )
        if plain:
            started = time.monotonic()
            reference = solve_gap(
                instance,
                GapParams(
                    time_limit_s=time_limit_s,
                    workers=workers,
                    seed=1,
                    plain=True,
                    deterministic=False,
                ),
            )
            plain_gap = _gap(reference, best)
            plain_gaps.setdefault(group, []).append(plain_gap)
            line += (
                f" {reference.objective:>7} {plain_gap:>6.2f} {time.monotonic() - started:>7.1f}"
            )
        print(line, flush=True)
    print()
    print(
        f"{'group':<10} {'n':>3} {'mean gap%':>9} {'max gap%':>9} {'optimal':>8}"
        + (" plain mean gap%" if plain else "")
    )
    for group, values in gaps.items():
        line = (
            f"{group:<10} {len(values):>3} {np.mean(values):>9.3f} {np.max(values):>9.3f}"
            f" {sum(v == 0 for v in values):>8}"
        )
        if plain:
            line += f" {np.mean(plain_gaps[group]):>15.3f}"
        print(line)
    chu = [v for g, vs in gaps.items() if g.startswith("type") for v in vs]
    if chu:
        line = f"types A-D average gap: {np.mean(chu):.3f}%"
        if plain:
            chu_plain = [v for g, vs in plain_gaps.items() if g.startswith("type") for v in vs]
            ours_mean, plain_mean = float(np.mean(chu)), float(np.mean(chu_plain))
            line += (
                f" (plain CP-SAT {plain_mean:.3f}%, ratio {plain_mean / max(ours_mean, 1e-9):.1f}x)"
            )
        print(line)
    return 0


def _gap(solution: GapSolution, best: int) -> float:
    if solution.status.value == "INFEASIBLE":
        return float("inf")
    return 100.0 * (solution.objective - best) / best


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.bench_gap", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "folder",
        type=Path,
        nargs="?",
        default=DEFAULT_FOLDER,
        help="folder with best_known.csv, cattrysse1994/, chu1997/ (default: %(default)s)",
    )
    parser.add_argument(
        "--full", action="store_true", help=f"every instance at {FULL_LIMIT_S:g} s each"
    )
    parser.add_argument(
        "--time-limit",
        type=float,
        default=None,
        help=f"seconds per instance (default {SHORT_LIMIT_S:g}, {FULL_LIMIT_S:g} with --full)",
    )
    parser.add_argument("--workers", type=int, default=2, help="CP-SAT workers")
    parser.add_argument(
        "--only", nargs="*", default=[], help="instance names or prefixes, e.g. gap1 d20200"
    )
    parser.add_argument("--no-plain", action="store_true", help="skip the plain CP-SAT comparison")
    parser.add_argument(
        "--work-units",
        type=float,
        default=None,
        help="run the core deterministically on this much counted work per instance (about a"
        " CPU second each) instead of the time limit; the plain model keeps the time limit",
    )
    args = parser.parse_args(argv)
    if not (args.folder / "best_known.csv").is_file():
        print(f"skipped: GAP instances not found at {args.folder} (no best_known.csv)")
        return 0
    limit = args.time_limit or (FULL_LIMIT_S if args.full else SHORT_LIMIT_S)
    only = args.only or ([] if args.full else list(SHORT_SET))
    budget = f"{args.work_units:g} work units" if args.work_units else f"{limit:g} s"
    print(
        f"{'every instance' if not only else 'instances ' + ' '.join(only)} under "
        f"{args.folder}, {budget} each, {args.workers} workers"
    )
    return run(args.folder, limit, args.workers, only, not args.no_plain, args.work_units)


if __name__ == "__main__":
    sys.exit(main())
