"""Outputs and audit: time to audit a hand-made plan and to write every output.

    python -m benchmarks.bench_report [--sizes national ...] [--full] [--out DIR]

On the national sample (:mod:`benchmarks.instances`; ``--full`` adds 30,000 x 1,500) a plan
is made the way a coordinator would by hand: the greedy baseline assignment
(:func:`tkm_assign.assign.assign_baseline`, nearest mentor with space in list order, on the
real candidates, road model) and sessions spread over each month with the first visit of
the month onsite (:func:`spread_schedule`). It is audited with
:func:`tkm_assign.audit.audit_plan` and written with
:func:`tkm_assign.report.write_plan_outputs`. Timings are printed as ratios against a
baseline from the same run: writing the plan's CSV files only. Every output is written
twice: by this process alone (``workers=1``) and with ``output.workers`` processes (the
default, 2), wall-clock and CPU seconds (this process and its worker processes) for each;
the files are the same. Target (issue 16): every output of the national plan in under 8 s
on 2 cores.
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from tkm_assign import rules
from tkm_assign.model import Mode
from tkm_assign.report import write_plan_outputs, write_plan_tables

if TYPE_CHECKING:
    from tkm_assign.model import Assignment, Problem

# The worker processes that write the outputs start by importing this module (their
# parent's main module), as those of ``tkm-assign`` import the command line: so it imports
# only what writing needs, and the instances, the assignment and the audit (about 3 CPU s
# of imports a worker would pay before its first file) inside the functions that use them.
NATIONAL = "national"  # benchmarks.instances.NATIONAL, not imported here (see above)
DEMO_BUDGET_S = 180.0
OUTPUTS_TARGET_S = 8.0


def cpu_s() -> float:
    """CPU seconds of this process and of its finished child processes."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def hand_assignments(problem: Problem, assignment: Assignment) -> pd.DataFrame:
    """``participant_id, mentor_id`` as a coordinator's sheet holds them (empty: none)."""
    return pd.DataFrame(
        [
            (p.participant_id, assignment.mentor_of.get(p.participant_id) or "")
            for p in problem.participants
        ],
        columns=["participant_id", "mentor_id"],
    )


def spread_schedule(problem: Problem, assignments: pd.DataFrame) -> pd.DataFrame:
    """Sessions as a coordinator might type them: each participant's monthly target spread
    over the month's working days, the first visit of the month onsite (every visit for
    those who cannot meet online), one after the other from 08:30 with 45 min after an
    onsite visit and 15 min after an online one. A day that is full moves the session to
    the next working day with room before 16:00 (else the least busy day), so clock times
    stay valid at any caseload; rules broken on the way are for the audit to find."""
    config = problem.config
    people = {p.participant_id: p for p in problem.participants}
    mentors = {m.mentor_id: m for m in problem.mentors}
    starts = rules.month_starts(config.programme.start_date, config.programme.longest_months)
    day_end = config.work.end_min
    rows: list[tuple[str, ...]] = []
    theirs = assignments[assignments["mentor_id"] != ""].groupby("mentor_id")["participant_id"]
    for mid, pids in theirs:
        mentor = mentors[str(mid)]
        busy: dict[object, int] = {}
        for month, (a, b) in enumerate(itertools.pairwise(starts), start=1):
            days = rules.working_dates(mentor, a, b, config)
            for i, pid in enumerate(pids):
                person = people[pid]
                if month > rules.programme_months(person, config) or not days:
                    continue
                target = rules.session_target(person, config)
                step = max(len(days) // target, 1)
                for k in range(target):
                    onsite = k == 0 or not rules.online_allowed(person, config)
                    length = (
                        config.sessions.onsite_duration_min
                        if onsite
                        else config.sessions.online_duration_min
                    )
                    first = min(i % step + k * step, len(days) - 1)
                    order = [days[(first + d) % len(days)] for d in range(len(days))]
                    roomy = [d for d in order if busy.get(d, 8 * 60 + 30) + length <= day_end]
                    day = roomy[0] if roomy else min(order, key=lambda d: busy.get(d, 0))
                    start = busy.get(day, 8 * 60 + 30)
                    if start + length >= 24 * 60:  # no clock time left in the month
                        continue
                    busy[day] = start + length + (45 if onsite else 15)
                    rows.append(
                        (
                            f"S{len(rows) + 1:06d}",
                            str(mid),
                            pid,
                            day.isoformat(),
                            f"{start // 60:02d}:{start % 60:02d}",
                            f"{(start + length) // 60:02d}:{(start + length) % 60:02d}",
                            (Mode.ONSITE if onsite else Mode.ONLINE).value,
                        )
                    )
    return pd.DataFrame(
        rows, columns=["session_id", "mentor_id", "participant_id", "date", "start", "end", "mode"]
    )


def measure(size: str, out: str | None) -> dict[str, Any]:
    """Plan, audit and outputs of one size; runs in a fresh process."""
    from benchmarks.instances import (
        benchmark_config,
        find_instance_candidates,
        load_instance,
        travel_for,
    )
    from tkm_assign.assign import assign_baseline
    from tkm_assign.audit import audit_plan

    config = benchmark_config(cache=True)
    started = time.perf_counter()
    problem = load_instance(size, config)
    travel = travel_for(config)
    candidates = find_instance_candidates(problem, travel)
    assignments = hand_assignments(problem, assign_baseline(problem, candidates))
    sessions = spread_schedule(problem, assignments)
    built_s = time.perf_counter() - started

    started = time.perf_counter()
    result = audit_plan(problem, assignments.astype(str), sessions.astype(str), travel)
    audit_s = time.perf_counter() - started

    folder = Path(out) if out else Path(tempfile.mkdtemp(prefix="bench_report."))
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    try:
        started = time.perf_counter()
        write_plan_tables(folder, result.tables)
        csv_s = time.perf_counter() - started
        runs = {}
        for workers in (1, problem.config.output.workers):
            target = folder / f"workers{workers}"
            target.mkdir()
            started, cpu = time.perf_counter(), cpu_s()
            files = write_plan_outputs(
                target, problem, dataclasses.replace(result.tables), "id", workers=workers
            )
            runs[workers] = (time.perf_counter() - started, cpu_s() - cpu)
        all_s, all_cpu_s = runs[problem.config.output.workers]
        one_s, one_cpu_s = runs[1]
        size_mb = sum(f.stat().st_size for f in files) / 1e6
    finally:
        if not out:
            shutil.rmtree(folder)
    return {
        "size": size,
        "participants": len(problem.participants),
        "mentors": len(problem.mentors),
        "sessions": len(sessions),
        "built_s": built_s,
        "audit_s": audit_s,
        "violations": result.summary["violations"],
        "notes": result.summary["notes"],
        "csv_s": csv_s,
        "all_s": all_s,
        "all_cpu_s": all_cpu_s,
        "one_s": one_s,
        "one_cpu_s": one_cpu_s,
        "workers": problem.config.output.workers,
        "files": len(files),
        "size_mb": size_mb,
    }


def report(result: dict[str, Any]) -> None:
    from benchmarks.instances import size_label
    from benchmarks.measure import ratio

    print(
        f"== {size_label(result['size'])}: {result['sessions']:,} hand-planned sessions "
        f"(instance, candidates and plan {result['built_s']:.1f} s)"
    )
    print(
        f"  audit:                    {result['audit_s']:6.1f} s  ({result['violations']:,} "
        f"violations, {result['notes']:,} notes)"
    )
    print(f"  baseline, CSV files only: {result['csv_s']:6.2f} s")
    print(
        f"  every output, 1 process:  {result['one_s']:6.1f} s  ({result['one_cpu_s']:.1f} CPU s)"
    )
    met = "met" if result["all_s"] < OUTPUTS_TARGET_S else "MISSED"
    print(
        f"  every output, {result['workers']} processes: {result['all_s']:5.1f} s  "
        f"({result['all_cpu_s']:.1f} CPU s) = {ratio(result['all_s'], result['csv_s'])} the "
        f"baseline, {ratio(result['all_s'], result['one_s'])} one process; "
        f"{result['files']:,} files, {result['size_mb']:.1f} MB; < {OUTPUTS_TARGET_S:g} s: {met}"
    )
    if result["size"] == NATIONAL:
        total = result["audit_s"] + result["all_s"]
        print(
            f"  audit + outputs: {total:.1f} s = {total / DEMO_BUDGET_S:.0%} of the "
            f"{DEMO_BUDGET_S:g} s end-to-end demo budget"
        )


def main(argv: Sequence[str] | None = None) -> int:
    from benchmarks.instances import prepare_instances
    from benchmarks.measure import add_size_arguments, chosen_sizes, in_fresh_process, machine

    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.bench_report", description=__doc__.splitlines()[0]
    )
    add_size_arguments(parser, default=(NATIONAL,), full=(NATIONAL, "30000x1500"))
    parser.add_argument("--out", type=Path, help="keep the outputs in DIR/<size>")
    args = parser.parse_args(argv)
    sizes = chosen_sizes(args)
    in_fresh_process(prepare_instances, sizes)
    print(machine())
    for size in sizes:
        out = str(args.out / size) if args.out else None
        report(in_fresh_process(measure, size, out))
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
