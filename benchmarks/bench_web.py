"""The coordinators' page: server time and weight of the plan page.

    python -m benchmarks.bench_web [--sizes national 30000x1500] [--full]

For each size a plan is put in a fresh data folder the way the page keeps one (a job in
the SQLite store, its output tables and page data); the national sample is planned by
:func:`tkm_assign.app.plan`, larger instances are planned the way a coordinator would by
hand (the greedy baseline and spread sessions of :mod:`benchmarks.bench_report`, audited
with :func:`tkm_assign.app.audit`: a full optimized plan of 30,000 participants takes far
longer than the page it feeds). Then everything a browser asks for when it opens the plan
page is requested from the real application in process, with gzip accepted: the page, its
styles and scripts, the province outlines, the map's points and the first page of the
assignments table. Printed per size: the time the server spends once at start building
the outlines, the server time of the first visit after that and of a second visit, and bytes transferred, each as a ratio against a
baseline from the same run: downloading the plan's ``assignments.csv``. Targets for the
national sample: under 1 s server time and under 2 MB transferred.
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from benchmarks.bench_report import hand_assignments, spread_schedule
from benchmarks.instances import (
    NATIONAL,
    benchmark_config,
    find_instance_candidates,
    load_instance,
    prepare_instances,
    size_label,
    travel_for,
)
from benchmarks.measure import add_size_arguments, chosen_sizes, in_fresh_process, machine, ratio
from tkm_assign import app
from tkm_assign.assign import assign_baseline
from tkm_assign.io.output import write_csv
from tkm_assign.io.read import Kind, Table
from tkm_assign.model import Assignment, SolveStatus
from tkm_assign.web import geodata, pagedata, tasks
from tkm_assign.web.app import Options, create_app
from tkm_assign.web.store import Store

TARGET_SERVER_S = 1.0
TARGET_MB = 2.0
STATIC = (
    "/static/app.css",
    "/static/vendor/leaflet/leaflet.css",
    "/static/vendor/htmx/htmx.min.js",
    "/static/app.js",
    "/static/vendor/leaflet/leaflet.js",
    "/static/map.js",
)


def make_plan(size: str, data_dir: Path) -> tuple[str, int]:
    """A finished plan job of ``size`` in a store at ``data_dir``: (job id, participants)."""
    config = benchmark_config(cache=True)
    problem = load_instance(size, config)
    if size == NATIONAL:
        view = pagedata.PlanView.of(app.plan(problem))
    else:
        candidates = find_instance_candidates(problem, travel_for(config))
        baseline = assign_baseline(problem, candidates)
        assignments = hand_assignments(problem, baseline)
        sessions = spread_schedule(problem, assignments)
        hand = app.read_hand_plan(
            problem, _table(assignments, "assignments"), _table(sessions, "schedule")
        )
        audited = app.audit(problem, hand)
        assignment = Assignment(
            mentor_of=dict(baseline.mentor_of),
            reasons=dict(baseline.reasons),
            status=SolveStatus.FEASIBLE,
            objective=0.0,
            bound=0.0,
            solve_seconds=0.0,
            seed=config.solver.seed,
            engine="baseline",
        )
        view = pagedata.PlanView(problem, assignment, audited.tables, audited.measures)
    store = Store(data_dir)
    job = store.add_job("plan", size, {}, {}, "id")
    store.claim_next()
    outputs = tasks.outputs_dir(store, job.id)
    outputs.mkdir(parents=True)
    write_csv(view.tables.assignments, outputs / "assignments.csv")
    summary = pagedata.write_plan_page(tasks.page_dir(store, job.id), view)
    store.finish(job.id, "done", summary=summary)
    return job.id, len(problem.participants)


def _table(frame: pd.DataFrame, kind: Kind) -> Table:
    buffer = io.BytesIO()
    frame.astype(str).to_csv(buffer, index=False)
    return app.read_table(app.Upload(f"{kind}.csv", buffer.getvalue()), kind)


def visit(client: Any, job_id: str) -> tuple[float, int, dict[str, float]]:
    """(seconds, bytes transferred, seconds per request) of one visit of the plan page."""
    paths = [
        f"/plans/{job_id}",
        *STATIC,
        "/geo/provinces.json",
        f"/plans/{job_id}/map.json",
        f"/plans/{job_id}/assignments",
    ]
    each: dict[str, float] = {}
    transferred = 0
    for path in paths:
        started = time.perf_counter()
        answer = client.get(path, headers={"accept-encoding": "gzip"})
        each[path.replace(job_id, "ID")] = time.perf_counter() - started
        assert answer.status_code == 200, (path, answer.status_code)
        transferred += answer.num_bytes_downloaded
    return sum(each.values()), transferred, each


def measure(size: str) -> dict[str, Any]:
    """Plan, then two visits of its page and the baseline download; a fresh process."""
    from starlette.testclient import TestClient

    with tempfile.TemporaryDirectory(prefix="bench_web.") as folder:
        started = time.perf_counter()
        job_id, participants = make_plan(size, Path(folder))
        built_s = time.perf_counter() - started
        web_app = create_app(Options(data_dir=Path(folder), workers=1))
        with TestClient(web_app, base_url="http://127.0.0.1:8050") as client:
            started = time.perf_counter()
            geodata.warm_up()  # what the server does when it starts, before any visit
            warm_s = time.perf_counter() - started
            first_s, first_bytes, first_each = visit(client, job_id)
            second_s, second_bytes, second_each = visit(client, job_id)
            started = time.perf_counter()
            download = client.get(
                f"/jobs/{job_id}/files/assignments.csv", headers={"accept-encoding": "gzip"}
            )
            baseline_s = time.perf_counter() - started
            baseline_bytes = download.num_bytes_downloaded
            html = client.get(f"/plans/{job_id}", headers={"accept-encoding": "gzip"})
    return {
        "size": size,
        "participants": participants,
        "built_s": built_s,
        "warm_s": warm_s,
        "requests": len(first_each),
        "slowest_first": sorted(first_each.items(), key=lambda kv: -kv[1])[:3],
        "slowest_second": sorted(second_each.items(), key=lambda kv: -kv[1])[:3],
        "first_s": first_s,
        "second_s": second_s,
        "first_mb": first_bytes / 1e6,
        "second_mb": second_bytes / 1e6,
        "html_kb": html.num_bytes_downloaded / 1e3,
        "baseline_s": baseline_s,
        "baseline_mb": baseline_bytes / 1e6,
    }


def report(result: dict[str, Any]) -> None:
    print(
        f"== {size_label(result['size'])}: plan page of {result['participants']:,} participants "
        f"(plan made in {result['built_s']:.0f} s)"
    )
    print(f"  at server start, outlines built once: {result['warm_s']:.1f} s")
    print(
        f"  baseline, assignments.csv download: {result['baseline_s']:6.3f} s, "
        f"{result['baseline_mb']:6.2f} MB"
    )
    for visit_name, key in (("first visit", "first"), ("second visit", "second")):
        seconds, megabytes = result[f"{key}_s"], result[f"{key}_mb"]
        print(
            f"  {visit_name:12s} ({result['requests']} requests): {seconds:6.3f} s = "
            f"{ratio(seconds, result['baseline_s'])} the baseline; {megabytes:6.2f} MB = "
            f"{ratio(megabytes, result['baseline_mb'])} the baseline (page itself "
            f"{result['html_kb']:.0f} kB)"
        )
        slowest = ", ".join(f"{path} {s:.3f} s" for path, s in result[f"slowest_{key}"])
        print(f"    slowest: {slowest}")
    if result["size"] == NATIONAL:
        for name, value, target, unit in (
            ("server time, first visit", result["first_s"], TARGET_SERVER_S, "s"),
            ("transferred, first visit", result["first_mb"], TARGET_MB, "MB"),
        ):
            verdict = "meets" if value < target else "MISSES"
            print(f"  {name}: {value:.2f} {unit} {verdict} the target < {target:g} {unit}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.bench_web", description=__doc__.splitlines()[0]
    )
    add_size_arguments(parser, default=(NATIONAL, "30000x1500"), full=(NATIONAL, "30000x1500"))
    args = parser.parse_args(argv)
    sizes = chosen_sizes(args)
    in_fresh_process(prepare_instances, sizes)
    print(machine())
    for size in sizes:
        report(in_fresh_process(measure, size))
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
