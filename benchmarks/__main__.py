"""Run every benchmark of this folder: ``python -m benchmarks`` (or ``make bench``).

    python -m benchmarks [--full] [--only candidates assign ...] [--gap-folder DIR]

Each ``bench_*.py`` module runs in its own process with its default arguments: the
national sample always, generated 30,000 x 1,500 instances where a benchmark has sizes,
and a short GAP run. ``--full`` (``make bench-full``) is passed on to every module: the
300,000 x 15,000 instances and every GAP instance at 60 s. The exit code is 1 if any
module failed (a missed target is printed, not a failure).
"""

from __future__ import annotations

import argparse
import pkgutil
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent


def modules() -> list[str]:
    """Names of the benchmark modules (``bench_*``), in alphabetical order."""
    return sorted(m.name for m in pkgutil.iter_modules([str(HERE)]) if m.name.startswith("bench_"))


def command(name: str, full: bool, gap_folder: Path | None) -> list[str]:
    """The command line that runs one benchmark module."""
    args = [sys.executable, "-m", f"benchmarks.{name}"]
    if name == "bench_gap" and gap_folder is not None:
        args.append(str(gap_folder))
    if full:
        args.append("--full")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--full", action="store_true", help="the large sizes and every GAP instance"
    )
    parser.add_argument(
        "--only",
        nargs="+",
        default=[],
        metavar="NAME",
        help="run only these benchmarks (e.g. candidates assign; the bench_ prefix is optional)",
    )
    parser.add_argument("--gap-folder", type=Path, help="GAP instances (default: bench_gap's)")
    args = parser.parse_args(argv)
    names = modules()
    if args.only:
        wanted = {n if n.startswith("bench_") else f"bench_{n}" for n in args.only}
        unknown = sorted(wanted - set(names))
        if unknown:
            parser.error(f"unknown benchmark(s) {', '.join(unknown)}; known: {', '.join(names)}")
        names = [n for n in names if n in wanted]
    failed = []
    for name in names:
        print(f"== benchmarks.{name}", flush=True)
        started = time.perf_counter()
        done = subprocess.run(command(name, args.full, args.gap_folder), cwd=HERE.parent)
        print(f"   ({time.perf_counter() - started:.0f} s)", flush=True)
        if done.returncode != 0:
            failed.append(name)
        print(flush=True)
    if failed:
        print("failed: " + ", ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
