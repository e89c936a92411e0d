"""Candidate mentors: time and peak memory of the real search, road and haversine models.

    python -m benchmarks.bench_candidates [--sizes national 30000x1500 ...] [--full]
                                          [--models road haversine]

Instances: the national sample and generated national instances (:mod:`benchmarks.instances`;
default national and 30,000 x 1,500, ``--full`` adds 300,000 x 15,000). Each (size, model)
runs in a fresh process, so its peak memory (resident high-water mark, reading and
validating the files included) is its own; the travel cache is off, so roads and travel
are computed, not read.

Measured per (size, model): building the travel model (the road graph and its shortest
road distances), and :func:`tkm_assign.geo.candidates.find_candidates`. Baselines from the
same process: one :meth:`Geography.locate` pass over the same participants (the cheapest
thing any geography step does), and -- up to 30,000 participants -- the naive search that
evaluates every same-province pair with the same travel model and keeps the k fastest;
the two must agree pair for pair. Targets on 2 cores: the national sample under 5 s
(model and search); 300,000 x 15,000 under 5 minutes in under 4 GB. The road /
straight-line distance ratios of the national sample are printed as a sanity report.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from typing import Any

import numpy as np

from benchmarks.instances import (
    NATIONAL,
    benchmark_config,
    load_instance,
    parse_size,
    prepare_instances,
    size_label,
)
from benchmarks.measure import (
    add_size_arguments,
    chosen_sizes,
    in_fresh_process,
    machine,
    peak_rss_mb,
    ratio,
)
from tkm_assign.config import TRANSPORT_MODES
from tkm_assign.geo.candidates import find_candidates
from tkm_assign.geo.models import make_travel_model
from tkm_assign.geo.regions import haversine_km, load_geography
from tkm_assign.geo.travel import UNREACHABLE_MIN, Points, TravelModel
from tkm_assign.model import Candidates, Problem

MODELS = ("road", "haversine")
TARGET_S = {NATIONAL: 5.0, "300000x15000": 300.0}
TARGET_MB = 4096.0
DENSE_MAX_PARTICIPANTS = 30_000
QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
RANDOM_PAIRS = 20_000
PAIR_BATCH = 500_000


def measure(size: str, model: str) -> dict[str, Any]:
    """Every figure of one (size, model); meant to run in a fresh process."""
    config = benchmark_config(model=model)
    geography = load_geography()
    started = time.perf_counter()
    problem = load_instance(size, config)
    read_s = time.perf_counter() - started
    lat_lon = problem.participant_lat_lon
    started = time.perf_counter()
    geography.locate(lat_lon[:, 0], lat_lon[:, 1])
    locate_s = time.perf_counter() - started
    started = time.perf_counter()
    travel = make_travel_model(config.travel, geography)
    build_s = time.perf_counter() - started
    started = time.perf_counter()
    found = find_candidates(problem, travel)
    search_s = time.perf_counter() - started
    result: dict[str, Any] = {
        "size": size,
        "model": model,
        "read_s": read_s,
        "locate_s": locate_s,
        "build_s": build_s,
        "search_s": search_s,
        "peak_mb": peak_rss_mb(),
        "pairs": len(found),
        "unserved": len(found.no_candidate_reason),
    }
    if len(problem.participants) <= DENSE_MAX_PARTICIPANTS:
        started = time.perf_counter()
        dense = dense_candidates(problem, travel)
        result["dense_s"] = time.perf_counter() - started
        result["agree"] = agreement(found, dense)
    if model == "road" and size == NATIONAL:
        result["ratios"] = distance_ratios(problem, travel, found)
    return result


def dense_candidates(problem: Problem, travel: TravelModel) -> set[tuple[int, int]]:
    """The naive search: every same-province pair evaluated, the k fastest kept.

    Same rules as the real search with the default configuration (same province, same
    land, within ``travel.max_travel_min``, exclusions; ties by mentor order); pins and
    current mentors are not modelled (the instances have none). Returns (participant,
    mentor) index pairs.
    """
    config = problem.config
    k, limit = config.travel.k_nearest, config.travel.max_travel_min
    p_ll, m_ll = problem.participant_lat_lon, problem.mentor_lat_lon
    p_points = Points.of(
        p_ll[:, 0], p_ll[:, 1], [p.location.island_id for p in problem.participants]
    )
    m_points = Points.of(m_ll[:, 0], m_ll[:, 1], [m.location.island_id for m in problem.mentors])
    p_prep, m_prep = travel.prepare(p_points), travel.prepare(m_points)
    p_province = np.array([p.location.province_code for p in problem.participants])
    m_province = np.array([m.location.province_code for m in problem.mentors])
    m_mode = np.array([TRANSPORT_MODES.index(m.transport.value) for m in problem.mentors])
    index = problem.mentor_index
    excluded = {
        (i, index[mid])
        for i, p in enumerate(problem.participants)
        for mid in p.excluded_mentor_ids
        if mid in index
    }
    chosen: set[tuple[int, int]] = set()
    for province in np.unique(p_province):
        people = np.flatnonzero(p_province == province)
        mentors = np.flatnonzero(m_province == province)
        if not mentors.size:
            continue
        a = np.repeat(people, mentors.size)
        b = np.tile(mentors, people.size)
        minutes = np.empty(a.size, dtype=np.int64)
        for code, mode in enumerate(TRANSPORT_MODES):
            for start in range(0, a.size, PAIR_BATCH):
                part = np.arange(start, min(start + PAIR_BATCH, a.size))
                part = part[m_mode[b[part]] == code]
                if part.size:
                    minutes[part] = travel.pairs(m_prep, b[part], p_prep, a[part], mode)[0]
        table = minutes.reshape(people.size, mentors.size)
        for row, i in enumerate(people):
            ok = np.flatnonzero(table[row] <= limit)
            ok = ok[[(int(i), int(mentors[c])) not in excluded for c in ok]]
            order = np.lexsort((mentors[ok], table[row, ok]))[:k]
            chosen.update((int(i), int(mentors[c])) for c in ok[order])
    return chosen


def agreement(found: Candidates, dense: set[tuple[int, int]]) -> float:
    """Share of the naive search's pairs that the real search returns too."""
    if not dense:
        return 1.0
    ours = set(zip(found.participant_idx.tolist(), found.mentor_idx.tolist(), strict=True))
    return len(ours & dense) / len(dense)


def distance_ratios(problem: Problem, travel: TravelModel, found: Candidates) -> dict[str, Any]:
    """Road distance over great circle: candidate pairs and random same-land pairs."""
    p_ll, m_ll = problem.participant_lat_lon, problem.mentor_lat_lon
    p_i, m_i = found.participant_idx, found.mentor_idx
    straight = haversine_km(p_ll[p_i, 0], p_ll[p_i, 1], m_ll[m_i, 0], m_ll[m_i, 1])
    far = straight > 1.0
    candidates = found.distance_m[far] / 1000.0 / straight[far]
    rng = np.random.default_rng(0)
    a, b = rng.integers(0, len(problem.participants), size=(2, RANDOM_PAIRS))
    island = np.array([p.location.island_id for p in problem.participants], dtype=np.int32)
    prepared = travel.prepare(Points(p_ll[:, 0].copy(), p_ll[:, 1].copy(), island))
    minutes, metres = travel.pairs(prepared, a, prepared, b, "motorcycle")
    gc = haversine_km(p_ll[a, 0], p_ll[a, 1], p_ll[b, 0], p_ll[b, 1])
    ok = (minutes < UNREACHABLE_MIN) & (gc > 1.0)
    random = metres[ok] / 1000.0 / gc[ok]
    # A pair that never touches the trunk roads rides straight line x circuity.
    direct = np.abs(metres[ok] / 1000.0 - gc[ok] * travel.config.circuity) < 0.002
    return {
        "candidates": np.quantile(candidates, QUANTILES).tolist(),
        "random": np.quantile(random, QUANTILES).tolist(),
        "road_share": float(1.0 - direct.mean()),
    }


def report(result: dict[str, Any]) -> bool:
    """Print one row; True when the size has a target and meets it."""
    size = result["size"]
    total = result["build_s"] + result["search_s"]
    target = TARGET_S.get(size)
    verdict = ""
    met = True
    if target is not None:
        met = total < target and result["peak_mb"] < TARGET_MB
        verdict = f"{'met' if met else 'MISSED'} (< {target:g} s, < {TARGET_MB / 1024:g} GB)"
    dense = ""
    if "dense_s" in result:
        dense = f"{ratio(result['dense_s'], result['search_s']):>8} {100 * result['agree']:6.1f}%"
    else:
        dense = f"{'-':>8} {'-':>7}"
    print(
        f"{size_label(size):>26} {result['model']:>9} {result['read_s']:7.1f} "
        f"{result['build_s']:8.2f} {result['search_s']:8.2f} "
        f"{ratio(result['search_s'], result['locate_s']):>8} {dense} "
        f"{result['peak_mb']:8.0f} {result['pairs']:10,d} {result['unserved']:7,d}  {verdict}",
        flush=True,
    )
    if "ratios" in result:
        ratios = result["ratios"]
        quantiles = "/".join(f"{q:.0%}" for q in QUANTILES)
        print(
            f"      road / straight-line distance, quantiles {quantiles}: candidate pairs "
            + ", ".join(f"{r:.2f}" for r in ratios["candidates"])
            + "; random same-land pairs "
            + ", ".join(f"{r:.2f}" for r in ratios["random"])
            + f" ({ratios['road_share']:.0%} of them use the trunk roads)"
        )
    return met


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.bench_candidates", description=__doc__.splitlines()[0]
    )
    add_size_arguments(parser)
    parser.add_argument("--models", nargs="+", default=list(MODELS), choices=MODELS)
    args = parser.parse_args(argv)
    sizes = chosen_sizes(args)
    # Generated in a process of its own: generating never counts towards a measurement.
    in_fresh_process(prepare_instances, sizes)
    print(machine())
    print(
        "read = read and validate the files (not part of the target); model = build the "
        "travel model; search = find_candidates; x locate = search / one locate pass over "
        "the same participants; dense = naive all-pairs search / search (speed-up) and the "
        "share of its pairs the search returns; peak = whole process"
    )
    print(
        f"{'size':>26} {'model':>9} {'read s':>7} {'model s':>8} {'search s':>8} "
        f"{'x locate':>8} {'dense':>8} {'agree':>7} {'peak MB':>8} {'pairs':>10} "
        f"{'no cand':>7}  target"
    )
    missed = False
    for size in sizes:
        parse_size(size)
        for model in args.models:
            result = in_fresh_process(measure, size, model)
            missed |= not report(result)
    print("targets: " + ("some MISSED (see above)" if missed else "all met"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
