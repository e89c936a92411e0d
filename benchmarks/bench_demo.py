"""End to end: the national demo (``tkm-assign demo``), stage by stage and as a whole.

    python -m benchmarks.bench_demo [--repeat 1]

Two measurements, both with the travel cache off (a first run on a new machine):

- the stages of ``tkm-assign demo`` called one after the other in a fresh process, as the
  command line calls them (:mod:`tkm_assign.pipeline` and
  :func:`tkm_assign.report.write_plan_outputs`): read and validate, travel model and
  candidates, assignment, schedule, tables, every output; the assignment is compared with
  the greedy baseline (:func:`tkm_assign.assign.assign_baseline`) timed in the same process;
- the command itself, ``python -m tkm_assign demo --quiet``, timed from the outside
  (interpreter start and imports included, and the demo's look at day 45: simulated
  logbook, progress, re-plan and their outputs), wall-clock and CPU seconds of all its
  processes, with the load average of the machine before and after (the machine may be
  shared: CPU seconds say more than wall-clock ones there).

Target (issue 16): the whole demo under 30 s on 2 cores.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks.instances import national_files
from benchmarks.measure import in_fresh_process, machine, peak_rss_mb, ratio
from tkm_assign import pipeline
from tkm_assign.assign import assign, assign_baseline
from tkm_assign.config import PROJECT_ROOT, Config
from tkm_assign.geo.candidates import find_candidates
from tkm_assign.report import write_plan_outputs
from tkm_assign.report.assignment import assignment_summary, assignment_table

TARGET_S = 30.0
NO_CACHE = 'travel.cache_dir=""'


def stages() -> dict[str, Any]:
    """Seconds per stage of the demo; meant to run in a fresh process."""
    config = Config.load(overrides=[NO_CACHE])
    files = national_files()
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    problem = pipeline.read_problem(files.participants, files.mentors, config)
    seconds["read and validate"] = time.perf_counter() - started
    started = time.perf_counter()
    travel = pipeline.travel_model(config)
    candidates = find_candidates(problem, travel)
    seconds["travel model and candidates"] = time.perf_counter() - started
    started = time.perf_counter()
    assignment = assign(problem, candidates)
    seconds["assignment"] = time.perf_counter() - started
    started = time.perf_counter()
    _, tables = pipeline.run_schedule(problem, assignment, travel)
    seconds["schedule"] = time.perf_counter() - started
    started = time.perf_counter()
    tables = dataclasses.replace(
        tables,
        assignments=assignment_table(problem, candidates, assignment),
        assignment_summary=assignment_summary(problem, candidates, assignment),
    )
    seconds["tables"] = time.perf_counter() - started
    with tempfile.TemporaryDirectory(prefix="bench_demo.") as folder:
        started = time.perf_counter()
        written = write_plan_outputs(Path(folder), problem, tables, config.output.lang)
        seconds["every output"] = time.perf_counter() - started
    started = time.perf_counter()
    assign_baseline(problem, candidates)
    baseline_s = time.perf_counter() - started
    return {
        "seconds": seconds,
        "baseline_s": baseline_s,
        "files": len(written),
        "peak_mb": peak_rss_mb(),
    }


def _children_cpu_s() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def command() -> tuple[float, float, int, str]:
    """Wall-clock and CPU seconds (every process) of ``python -m tkm_assign demo``, its
    exit code and last line."""
    with tempfile.TemporaryDirectory(prefix="bench_demo.") as folder:
        cpu = _children_cpu_s()
        started = time.perf_counter()
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "tkm_assign",
                "demo",
                "--quiet",
                "--out",
                str(Path(folder) / "demo"),
                "--set",
                NO_CACHE,
            ],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        elapsed = time.perf_counter() - started
        cpu = _children_cpu_s() - cpu
    lines = (done.stdout + done.stderr).replace(folder, "<out>").strip().splitlines()
    return elapsed, cpu, done.returncode, lines[-1] if lines else ""


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.bench_demo", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--full", action="store_true", help="same as the default (national only)")
    parser.parse_args(argv)
    print(machine())
    result = in_fresh_process(stages)
    total = sum(result["seconds"].values())
    print("stages of the national demo (3,000 x 150, road model, travel cache off):")
    for name, seconds in result["seconds"].items():
        extra = ""
        if name == "assignment":
            extra = (
                f"  (greedy baseline {result['baseline_s']:.2f} s; optimal assignment = "
                f"{ratio(seconds, result['baseline_s'])} the baseline)"
            )
        print(f"  {name:<28} {seconds:6.1f} s  {seconds / total:4.0%}{extra}")
    print(
        f"  {'total':<28} {total:6.1f} s  ({result['files']} files, peak "
        f"{result['peak_mb']:.0f} MB)"
    )
    load_before = os.getloadavg()[0]
    elapsed, cpu, code, last = command()
    load_after = os.getloadavg()[0]
    ok = code == 0 and elapsed < TARGET_S
    print(
        f"python -m tkm_assign demo: {elapsed:.1f} s wall = {elapsed / TARGET_S:.0%} of the "
        f"{TARGET_S:g} s target ({'met' if ok else 'MISSED'}), {cpu:.1f} CPU s in all its "
        f"processes ({ratio(elapsed, total)} the stages in one process above), load average "
        f"{load_before:.1f} before, {load_after:.1f} after; exit code {code}; {last}"
    )
    print("targets: " + ("all met" if ok else "MISSED"))
    return 0 if code == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
