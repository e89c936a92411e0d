"""Measuring helpers shared by the benchmarks: peak memory, fresh processes, sizes.

Peak memory is the resident-set high-water mark of the current process (``VmHWM`` in
``/proc/self/status`` on Linux, else ``ru_maxrss``). Each measurement that reports memory
runs in a fresh process (:func:`in_fresh_process`), so that its peak is its own.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
import resource
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from benchmarks.instances import DEFAULT_SIZES, FULL_SIZES, parse_size

T = TypeVar("T")
STATUS = Path("/proc/self/status")
CLEAR_REFS = Path("/proc/self/clear_refs")


def peak_rss_mb() -> float:
    """Highest resident memory of this process so far, in MB (since :func:`reset_peak`)."""
    try:
        for line in STATUS.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    usage = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # kilobytes on Linux, bytes on macOS
    return usage / (1024.0**2 if sys.platform == "darwin" else 1024.0)


def reset_peak() -> bool:
    """Restart the high-water mark at the current memory (Linux); False when not possible."""
    try:
        CLEAR_REFS.write_text("5")
    except OSError:
        return False
    return True


def in_fresh_process(function: Callable[..., T], *args: Any) -> T:
    """``function(*args)`` in a new Python process (spawned, so nothing is inherited)."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        return pool.submit(function, *args).result()


def add_size_arguments(
    parser: argparse.ArgumentParser,
    default: Sequence[str] = DEFAULT_SIZES,
    full: Sequence[str] = FULL_SIZES,
) -> None:
    """``--sizes`` (default: ``default``) and ``--full`` (the sizes ``full``)."""
    parser.add_argument(
        "--sizes",
        nargs="+",
        default=None,
        help=f"national and/or PARTICIPANTSxMENTORS sizes (default: {' '.join(default)})",
    )
    parser.add_argument("--full", action="store_true", help=f"sizes {' '.join(full)}")
    parser.set_defaults(default_sizes=tuple(default), full_sizes=tuple(full))


def chosen_sizes(args: argparse.Namespace) -> list[str]:
    """Sizes from :func:`add_size_arguments`, checked."""
    sizes = list(args.sizes or (args.full_sizes if args.full else args.default_sizes))
    for name in sizes:
        try:
            parse_size(name)
        except ValueError as error:
            raise SystemExit(f"--sizes: {error}") from None
    return sizes


def machine() -> str:
    """One line on where the numbers come from."""
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (
        f"{platform.node() or 'machine'}: {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, load average {load:.1f}"
    )


def ratio(value: float, baseline: float) -> str:
    """``value / baseline`` as ``12.3x`` (``-`` without a baseline)."""
    if baseline <= 0:
        return "-"
    return f"{value / baseline:.1f}x" if value / baseline >= 10 else f"{value / baseline:.2f}x"
