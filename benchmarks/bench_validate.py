"""Validation speed on a national-scale file (target: 300,000 participants well under a minute).

    python -m benchmarks.validate_large [--copies 100]

Builds participants and mentors files by repeating the bundled national sample with fresh
ids (100 copies: 300,000 participants, 15,000 mentors), then times ``load_problem`` on
them. Ratios are printed against baselines measured in the same run: reading the same CSV
with plain pandas, and validating the 3,000-participant sample (per-row cost). Nothing is
asserted; the numbers are for people.
"""

from __future__ import annotations

import argparse
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from tkm_assign.config import PROJECT_ROOT, Config
from tkm_assign.errors import InputWarning
from tkm_assign.geo.regions import load_geography
from tkm_assign.io import load_problem
from tkm_assign.io.output import write_csv

SAMPLE = PROJECT_ROOT / "data" / "sample"


def build(copies: int, folder: Path) -> tuple[Path, Path]:
    """Write ``copies`` copies of the sample with ids suffixed ``-k``; return both paths."""
    participants = pd.read_csv(SAMPLE / "participants.csv", dtype=str, keep_default_na=False)
    mentors = pd.read_csv(SAMPLE / "mentors.csv", dtype=str, keep_default_na=False)
    p_parts, m_parts = [], []
    for k in range(copies):
        p = participants.copy()
        p["participant_id"] += f"-{k}"
        p["excluded_mentor_ids"] = p["excluded_mentor_ids"].map(
            lambda v, k=k: f"{v}-{k}" if v else ""
        )
        m = mentors.copy()
        m["mentor_id"] += f"-{k}"
        p_parts.append(p)
        m_parts.append(m)
    p_path, m_path = folder / "participants.csv", folder / "mentors.csv"
    write_csv(pd.concat(p_parts, ignore_index=True), p_path)
    write_csv(pd.concat(m_parts, ignore_index=True), m_path)
    return p_path, m_path


def timed(what: str, action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    seconds = time.perf_counter() - start
    print(f"  {what:<44} {seconds:8.2f} s")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=100, help="copies of the 3,000 sample")
    args = parser.parse_args()
    config = Config.load()
    load_geography()  # loaded once per process; not part of either measurement
    warnings.simplefilter("ignore", InputWarning)
    with tempfile.TemporaryDirectory(prefix="tkm-bench-") as tmp:
        p_path, m_path = build(args.copies, Path(tmp))
        rows = 3000 * args.copies
        print(f"validation of {rows:,} participants and {150 * args.copies:,} mentors")
        read_s = timed(
            "baseline: pandas.read_csv (text only)",
            lambda: pd.read_csv(p_path, dtype=str, keep_default_na=False),
        )
        small_s = timed(
            "baseline: validate the 3,000 sample",
            lambda: load_problem(SAMPLE / "participants.csv", SAMPLE / "mentors.csv", config),
        )
        large_s = timed(
            f"validate {rows:,} participants", lambda: load_problem(p_path, m_path, config)
        )
    print(f"  ratio to plain pandas read: {large_s / read_s:.1f}x")
    print(f"  per-row cost against the 3,000 sample: {large_s / rows / (small_s / 3000):.2f}x")
    print(f"  target: well under 60 s ({'met' if large_s < 60 else 'NOT met'})")


if __name__ == "__main__":
    main()
