"""Candidate generation: time and peak memory on national-like synthetic instances.

    python -m benchmarks.bench_candidates [--sizes 3000x150 30000x1500 300000x15000]
                                          [--models road haversine] [--seed 1]

Each (size, model) runs in its own process so that its peak memory (``ru_maxrss``) is its
own; the instance is built first (see :mod:`benchmarks.instances`), then the travel model,
then :func:`find_candidates` with the cache off. Baselines measured in the same run: one
pass of :meth:`Geography.locate` over the participants, and a naive dense haversine
participants x mentors matrix with a k-smallest selection (small size only). Targets on 2
cores: the national sample (3,000 x 150) under 5 s; 300,000 x 15,000 under 5 min in 4 GB.
The road / straight-line distance ratios of the national sample are printed as a sanity
report.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from collections.abc import Sequence
from typing import Any

import numpy as np

from benchmarks.instances import load_places, synthetic_problem
from tkm_assign.config import PROJECT_ROOT, Config
from tkm_assign.geo.candidates import find_candidates
from tkm_assign.geo.regions import haversine_km, load_geography
from tkm_assign.geo.travel import UNREACHABLE_MIN, Points, make_travel_model

SIZES = ("3000x150", "30000x1500", "300000x15000")
MODELS = ("road", "haversine")
TARGETS_S = {"3000x150": 5.0, "300000x15000": 300.0}
TARGET_MB = 4096.0
QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_candidates")
    parser.add_argument("--sizes", nargs="+", default=list(SIZES), help="PARTICIPANTSxMENTORS")
    parser.add_argument("--models", nargs="+", default=list(MODELS), choices=MODELS)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--one", nargs=2, metavar=("SIZE", "MODEL"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(_run_one(args.one[0], args.one[1], args.seed)))
        return 0
    baseline = _baselines(args.seed)
    print("baselines (same machine, same run):")
    print(f"  locate 3,000 participants      {baseline['locate_s']:8.3f} s")
    print(f"  dense haversine 3,000 x 150    {baseline['dense_s']:8.3f} s  (matrix + k smallest)")
    print()
    header = (
        f"{'size':>14} {'model':>9} {'build s':>8} {'search s':>9} {'x locate':>9} "
        f"{'x dense':>8} {'peak MB':>8} {'pairs':>10} {'no cand.':>8}  target"
    )
    print(header)
    failed = False
    for size in args.sizes:
        for model in args.models:
            result = _in_subprocess(size, model, args.seed)
            if result is None:
                failed = True
                print(f"{size:>14} {model:>9}  failed")
                continue
            target = TARGETS_S.get(size)
            verdict = ""
            if target is not None:
                ok = result["search_s"] + result["build_s"] < target
                ok &= result["peak_mb"] < TARGET_MB
                verdict = f"{'met' if ok else 'MISSED'} (< {target:g} s, < {TARGET_MB:g} MB)"
            print(
                f"{size:>14} {model:>9} {result['build_s']:8.2f} {result['search_s']:9.2f} "
                f"{result['search_s'] / baseline['locate_s']:9.1f} "
                f"{result['search_s'] / baseline['dense_s']:8.1f} {result['peak_mb']:8.0f} "
                f"{result['pairs']:10d} {result['unserved']:8d}  {verdict}"
            )
            if "ratios" in result:
                ratios = result["ratios"]
                print(
                    "      road / straight-line distance, candidate pairs (quantiles "
                    + ", ".join(f"{q:.0%}" for q in QUANTILES)
                    + "): "
                    + ", ".join(f"{r:.2f}" for r in ratios["candidates"])
                )
                print(
                    "      same for random same-land pairs of participants: "
                    + ", ".join(f"{r:.2f}" for r in ratios["random"])
                    + f"  (share on the road network {ratios['road_share']:.0%})"
                )
    return 1 if failed else 0


def _in_subprocess(size: str, model: str, seed: int) -> dict[str, Any] | None:
    command = [
        sys.executable,
        "-m",
        "benchmarks.bench_candidates",
        "--one",
        size,
        model,
        "--seed",
        str(seed),
    ]
    done = subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        return None
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _run_one(size: str, model: str, seed: int) -> dict[str, Any]:
    n_p, n_m = (int(x) for x in size.lower().split("x"))
    config = Config.load(overrides=[f"travel.model={model}", 'travel.cache_dir=""'])
    geography = load_geography()
    problem = synthetic_problem(n_p, n_m, seed=seed, config=config, geography=geography)
    start = time.perf_counter()
    travel = make_travel_model(config.travel, geography)
    build_s = time.perf_counter() - start
    start = time.perf_counter()
    found = find_candidates(problem, travel)
    search_s = time.perf_counter() - start
    result: dict[str, Any] = {
        "build_s": build_s,
        "search_s": search_s,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
        "pairs": len(found),
        "unserved": len(found.no_candidate_reason),
    }
    if model == "road" and n_p <= 5000:
        result["ratios"] = _ratios(problem, travel, found, seed)
    return result


def _ratios(problem: Any, travel: Any, found: Any, seed: int) -> dict[str, Any]:
    """Road distance over great circle: candidate pairs and random same-land pairs."""
    p_ll, m_ll = problem.participant_lat_lon, problem.mentor_lat_lon
    p_i, m_i = found.participant_idx, found.mentor_idx
    straight = haversine_km(p_ll[p_i, 0], p_ll[p_i, 1], m_ll[m_i, 0], m_ll[m_i, 1])
    far = straight > 1.0
    candidates = found.distance_m[far] / 1000.0 / straight[far]
    rng = np.random.default_rng(seed)
    n = len(problem.participants)
    a, b = rng.integers(0, n, size=(2, 20_000))
    island = np.array([p.location.island_id for p in problem.participants], dtype=np.int32)
    points = Points(p_ll[:, 0].copy(), p_ll[:, 1].copy(), island)
    prepared = travel.prepare(points)
    minutes, metres = travel.pairs(prepared, a, prepared, b, "motorcycle")
    gc = haversine_km(p_ll[a, 0], p_ll[a, 1], p_ll[b, 0], p_ll[b, 1])
    ok = (minutes < UNREACHABLE_MIN) & (gc > 1.0)
    random = metres[ok] / 1000.0 / gc[ok]
    direct = np.abs(metres[ok] / 1000.0 - gc[ok] * travel.config.circuity) < 0.002
    return {
        "candidates": np.quantile(candidates, QUANTILES).tolist(),
        "random": np.quantile(random, QUANTILES).tolist(),
        "road_share": float(1.0 - direct.mean()),
    }


def _baselines(seed: int) -> dict[str, float]:
    geography = load_geography()
    places = load_places()
    rng = np.random.default_rng(seed)
    pick = rng.choice(places.village_lat.size, size=3000, p=places.village_weight)
    lat, lon = places.village_lat[pick], places.village_lon[pick]
    start = time.perf_counter()
    geography.locate(lat, lon)
    locate_s = time.perf_counter() - start
    towns = rng.choice(places.town_lat.size, size=150, p=places.town_weight)
    start = time.perf_counter()
    dense = haversine_km(
        lat[:, None], lon[:, None], places.town_lat[towns][None, :], places.town_lon[towns][None, :]
    )
    np.argpartition(dense, 25, axis=1)[:, :25]
    dense_s = time.perf_counter() - start
    return {"locate_s": locate_s, "dense_s": max(dense_s, 1e-6)}


if __name__ == "__main__":
    sys.exit(main())
