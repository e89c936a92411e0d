"""The instances every benchmark runs on, and their candidate mentors.

- :func:`national`: the bundled national sample ``data/sample/`` (3,000 participants, 150
  mentors) read with :func:`tkm_assign.io.load_problem` -- the files a coordinator would
  hand over, validated the same way.
- :func:`synthetic`: larger national instances (30,000 x 1,500, 300,000 x 15,000) made by
  the sample generator itself, :func:`tkm_assign.sample.generate_frames`: participants at
  real villages weighted by regency population in the 31 sample provinces, placed on their
  island by ``Geography.locate``, with the 2024 sector, literacy and need shares; mentors in
  towns near demand per province and island. The tables are written as CSV files to
  ``.cache/bench/`` (generating 300,000 participants takes one to two minutes) and read back
  with ``load_problem``, so a larger instance goes through exactly the reading and
  validation a real file does.
- :func:`find_instance_candidates`: candidate mentors from the real
  :func:`tkm_assign.geo.candidates.find_candidates` with the real travel model
  (:func:`tkm_assign.geo.models.make_travel_model`), road model by default.

Instances are named by size: ``national`` or ``PARTICIPANTSxMENTORS`` (e.g. ``30000x1500``).

    python -m benchmarks.instances [SIZE ...]

generates the named instances into the cache ahead of a run (benchmarks that measure
memory do so, so that generating never counts towards a measurement).
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import tempfile
import time
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from tkm_assign.config import PROJECT_ROOT, Config
from tkm_assign.errors import TkmWarning
from tkm_assign.geo.candidates import find_candidates
from tkm_assign.geo.models import make_travel_model
from tkm_assign.geo.regions import load_geography
from tkm_assign.geo.travel import TravelModel
from tkm_assign.io import load_problem
from tkm_assign.io.output import write_csv
from tkm_assign.model import Candidates, Problem
from tkm_assign.sample import generate_frames

SAMPLE_DIR = PROJECT_ROOT / "data" / "sample"
CACHE_DIR = PROJECT_ROOT / ".cache" / "bench"
NATIONAL = "national"
NATIONAL_SIZE = (3000, 150)  # the bundled sample
MEDIUM = "30000x1500"
LARGE = "300000x15000"
DEFAULT_SIZES = (NATIONAL, MEDIUM)
FULL_SIZES = (NATIONAL, MEDIUM, LARGE)
SYNTHETIC_SEED = 1
# What the generated tables depend on besides the size and seed; a change to any of these
# files makes a fresh cache entry.
GENERATOR_INPUTS = (
    PROJECT_ROOT / "tkm_assign" / "sample.py",
    PROJECT_ROOT / "tkm_assign" / "io" / "read.py",
    PROJECT_ROOT / "data" / "places" / "provinces.csv.gz",
    PROJECT_ROOT / "data" / "places" / "regencies.csv.gz",
    PROJECT_ROOT / "data" / "places" / "districts.csv.gz",
    PROJECT_ROOT / "data" / "places" / "villages.csv.gz",
)


@dataclass(frozen=True)
class Files:
    """The two input files of an instance."""

    participants: Path
    mentors: Path


def parse_size(name: str) -> tuple[int, int]:
    """(participants, mentors) of ``national`` or ``PARTICIPANTSxMENTORS``.

    Raises
    ------
    ValueError
        For anything else, naming the text received.
    """
    if name == NATIONAL:
        return NATIONAL_SIZE
    left, sep, right = name.lower().partition("x")
    if not sep or not left.isdigit() or not right.isdigit() or int(left) < 1 or int(right) < 1:
        raise ValueError(f"{name!r} is not a size; expected national or e.g. 30000x1500")
    return int(left), int(right)


def size_label(name: str) -> str:
    """``national (3,000 x 150)`` or ``30,000 x 1,500`` for tables."""
    n, m = parse_size(name)
    text = f"{n:,} x {m:,}"
    return f"national ({text})" if name == NATIONAL else text


def national(config: Config | None = None) -> Problem:
    """The bundled national sample, read and validated like a coordinator's files."""
    return _load(national_files(), config)


def national_files() -> Files:
    return Files(SAMPLE_DIR / "participants.csv", SAMPLE_DIR / "mentors.csv")


def synthetic(
    n_participants: int,
    n_mentors: int,
    seed: int = SYNTHETIC_SEED,
    config: Config | None = None,
) -> Problem:
    """A generated national instance of the given size, read back from its CSV files.

    Parameters
    ----------
    n_participants, n_mentors
        Sizes; about one mentor per 20 participants matches the programme.
    seed
        Generator seed (same seed, same instance).
    config
        Configuration the problem is validated and planned under (default: defaults).
    """
    return _load(synthetic_files(n_participants, n_mentors, seed), config)


def synthetic_files(n_participants: int, n_mentors: int, seed: int = SYNTHETIC_SEED) -> Files:
    """The CSV files of a generated instance, generating them on first use."""
    folder = CACHE_DIR / f"synthetic-{n_participants}x{n_mentors}-seed{seed}-{generator_key()}"
    files = Files(folder / "participants.csv", folder / "mentors.csv")
    if files.participants.exists() and files.mentors.exists():
        return files
    participants, mentors = generate_frames(n_participants, n_mentors, seed)
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    # Written next to the final folder and renamed, so that a run cut short or a second
    # benchmark generating the same instance never leaves half a file behind.
    staging = Path(tempfile.mkdtemp(prefix=".synthetic-", dir=CACHE_DIR))
    write_csv(participants, staging / "participants.csv")
    write_csv(mentors, staging / "mentors.csv")
    try:
        staging.rename(folder)
    except OSError:  # another process finished first: its files are the same
        for path in staging.iterdir():
            path.unlink()
        staging.rmdir()
    return files


def generator_key() -> str:
    """Short hash of everything the generated tables depend on besides size and seed."""
    digest = hashlib.sha256()
    for path in GENERATOR_INPUTS:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def instance_files(name: str) -> Files:
    """Input files of the instance ``name`` (``national`` or a size)."""
    if name == NATIONAL:
        return national_files()
    return synthetic_files(*parse_size(name))


def prepare_instances(names: Sequence[str]) -> None:
    """Generate (or find cached) the files of every instance in ``names``.

    Benchmarks run this in a process of their own so that generating never counts towards
    a measurement.
    """
    for name in names:
        instance_files(name)


def load_instance(name: str, config: Config | None = None) -> Problem:
    """The instance ``name``: the national sample or a generated one."""
    return _load(instance_files(name), config)


def travel_for(config: Config) -> TravelModel:
    """The configured travel model on the bundled geography (what the pipeline uses)."""
    return make_travel_model(config.travel, load_geography())


def find_instance_candidates(problem: Problem, travel: TravelModel | None = None) -> Candidates:
    """Candidate mentors by the real search and travel model of ``problem.config``."""
    return find_candidates(problem, travel or travel_for(problem.config))


def benchmark_config(*overrides: str, model: str = "road", cache: bool = False) -> Config:
    """Default configuration with ``travel.model`` and the travel cache set.

    The cache is off by default so that travel is computed, not read, in every timing.
    """
    cache_dir = Config().travel.cache_dir if cache else ""
    return Config.load(
        overrides=[f"travel.model={model}", f'travel.cache_dir="{cache_dir}"', *overrides]
    )


def _load(files: Files, config: Config | None) -> Problem:
    with warnings.catch_warnings():
        # Generated instances carry the suspicious-but-legal cases a real list has (people
        # on islands without a mentor); the benchmarks report results, not warnings.
        warnings.simplefilter("ignore", TkmWarning)
        return load_problem(files.participants, files.mentors, config or Config())


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.instances",
        description="generate benchmark instances into the cache ahead of a run",
    )
    parser.add_argument("sizes", nargs="*", default=list(FULL_SIZES[1:]), help="NxM sizes")
    args = parser.parse_args(argv)
    for name in args.sizes:
        if name == NATIONAL:
            continue
        started = time.perf_counter()
        files = synthetic_files(*parse_size(name))
        print(
            f"{size_label(name)}: {files.participants.parent.name} "
            f"({time.perf_counter() - started:.1f} s)",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
