"""Measuring helpers: peak memory, size arguments, ratios, and the benchmark runner."""

from __future__ import annotations

import argparse
import sys

import numpy as np
import pytest

from benchmarks import __main__ as runner
from benchmarks.measure import (
    add_size_arguments,
    chosen_sizes,
    in_fresh_process,
    peak_rss_mb,
    ratio,
)


def test_peak_memory_grows_with_a_large_array():
    before = peak_rss_mb()
    block = np.ones(40_000_000 // 8)  # 40 MB, touched
    assert block.sum() > 0
    assert peak_rss_mb() >= before
    assert peak_rss_mb() > 10


def test_a_fresh_process_runs_a_function_and_returns_its_result():
    assert in_fresh_process(sorted, [3, 1, 2]) == [1, 2, 3]


def parser(**kw: object) -> argparse.ArgumentParser:
    made = argparse.ArgumentParser()
    add_size_arguments(made, **kw)  # type: ignore[arg-type]
    return made


def test_sizes_default_to_national_and_30k_and_full_adds_300k():
    assert chosen_sizes(parser().parse_args([])) == ["national", "30000x1500"]
    assert chosen_sizes(parser().parse_args(["--full"]))[-1] == "300000x15000"
    assert chosen_sizes(parser().parse_args(["--sizes", "100x5"])) == ["100x5"]
    own = parser(default=("national",), full=("national", "30000x1500"))
    assert chosen_sizes(own.parse_args([])) == ["national"]
    assert chosen_sizes(own.parse_args(["--full"])) == ["national", "30000x1500"]


def test_a_bad_size_is_refused_with_its_text():
    with pytest.raises(SystemExit, match="'big' is not a size"):
        chosen_sizes(parser().parse_args(["--sizes", "big"]))


def test_ratios_read_plainly():
    assert ratio(3.0, 2.0) == "1.50x"
    assert ratio(120.0, 2.0) == "60.0x"
    assert ratio(1.0, 0.0) == "-"


def test_the_runner_finds_every_benchmark_and_passes_full_and_the_gap_folder(tmp_path):
    names = runner.modules()
    assert {
        "bench_assign",
        "bench_candidates",
        "bench_demo",
        "bench_gap",
        "bench_report",
        "bench_schedule",
        "bench_validate",
    } <= set(names)
    assert runner.command("bench_assign", False, tmp_path) == [
        sys.executable,
        "-m",
        "benchmarks.bench_assign",
    ]
    assert runner.command("bench_gap", True, tmp_path)[-2:] == [str(tmp_path), "--full"]
