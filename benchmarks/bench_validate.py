"""Reading and validating input files: time and peak memory per size.

    python -m benchmarks.bench_validate [--sizes national 30000x1500 ...] [--full]

For each instance of :mod:`benchmarks.instances` (the national sample's files; generated
30,000 x 1,500 and, with ``--full``, 300,000 x 15,000 files), in a fresh process:
:func:`tkm_assign.io.load_problem` on both files (reading, every check, the spatial join
placing everyone in a province, regency and island). Baselines from the same process:
reading the same participants file with plain ``pandas.read_csv`` (text only, no checks),
and the per-row cost of the national sample. Target: 300,000 participants well under a
minute.
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from collections.abc import Sequence
from typing import Any

import pandas as pd

from benchmarks.instances import NATIONAL, instance_files, parse_size, prepare_instances, size_label
from benchmarks.measure import (
    add_size_arguments,
    chosen_sizes,
    in_fresh_process,
    machine,
    peak_rss_mb,
    ratio,
)
from tkm_assign.config import Config
from tkm_assign.errors import TkmWarning
from tkm_assign.geo.regions import load_geography
from tkm_assign.io import load_problem

TARGET_S = {"300000x15000": 60.0}


def measure(size: str) -> dict[str, Any]:
    """Timings of one size; meant to run in a fresh process."""
    files = instance_files(size)
    load_geography()  # loaded once per process, not part of either measurement
    started = time.perf_counter()
    pd.read_csv(files.participants, dtype=str, keep_default_na=False)
    read_s = time.perf_counter() - started
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TkmWarning)
        started = time.perf_counter()
        problem = load_problem(files.participants, files.mentors, Config())
        validate_s = time.perf_counter() - started
    return {
        "size": size,
        "rows": len(problem.participants),
        "mentors": len(problem.mentors),
        "read_s": read_s,
        "validate_s": validate_s,
        "peak_mb": peak_rss_mb(),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.bench_validate", description=__doc__.splitlines()[0]
    )
    add_size_arguments(parser)
    args = parser.parse_args(argv)
    sizes = chosen_sizes(args)
    if NATIONAL not in sizes:
        sizes.insert(0, NATIONAL)  # the per-row baseline
    in_fresh_process(prepare_instances, sizes)
    print(machine())
    print(
        f"{'size':>26} {'load_problem s':>14} {'pandas s':>9} {'x pandas':>9} "
        f"{'per row x national':>18} {'peak MB':>8}  target"
    )
    per_row_national = 0.0
    missed = []
    for size in sizes:
        parse_size(size)
        result = in_fresh_process(measure, size)
        per_row = result["validate_s"] / result["rows"]
        if size == NATIONAL:
            per_row_national = per_row
        target = TARGET_S.get(size)
        verdict = ""
        if target is not None:
            ok = result["validate_s"] < target
            verdict = f"{'met' if ok else 'MISSED'} (< {target:g} s)"
            if not ok:
                missed.append(size)
        print(
            f"{size_label(size):>26} {result['validate_s']:14.2f} {result['read_s']:9.2f} "
            f"{ratio(result['validate_s'], result['read_s']):>9} "
            f"{ratio(per_row, per_row_national):>18} {result['peak_mb']:8.0f}  {verdict}",
            flush=True,
        )
    print("targets: " + (f"MISSED for {', '.join(missed)}" if missed else "all met"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
