"""Benchmark: a scenario grid on a Dask cluster against a plain local process pool.

    python -m benchmarks.bench_cluster [--scenarios 16] [--workers 2]

On the bundled national sample (3,000 participants, 150 mentors, default configuration,
road travel model) a grid of ``--scenarios`` scenarios (caseload cap x session target x
programme length, 16 by default) is planned and sized twice in this run:

- the baseline: a plain ``concurrent.futures`` pool of ``--workers`` spawned processes
  mapping :func:`tkm_assign.scenarios.grid.measure_scenario` over the scenarios (how grids
  ran before the executor);
- the cluster: a real ``dask scheduler`` and ``--workers`` ``dask worker`` processes
  (``--nthreads 1``) started here from the command line, reached by their address as
  ``tkm-assign scenarios --cluster`` does (:func:`tkm_assign.scenarios.grid.run_scenarios`).

It checks that both give the same table, and prints the cluster's wall time against the
pool's (about 1 expected on one machine: the same work on the same cores), the overhead
per task (lane time not spent inside a task, per task; and the round trip of an empty task),
the per-scenario cost (time inside a task), and the data sent per task (the validated
people, sent once per reading of the files; the configuration of each task; the result).
From these it projects the wall time of this grid and of a 90-scenario grid on 8, 32 and
128 workers (one core each), the figures the README quotes.
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import multiprocessing
import pickle
import socket
import statistics
import subprocess
import sys
import time
import warnings
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from tkm_assign.config import PROJECT_ROOT, ClusterConfig, Config
from tkm_assign.errors import TkmWarning
from tkm_assign.executor import DaskExecutor, open_executor
from tkm_assign.io.inputs import read_inputs
from tkm_assign.scenarios.grid import (
    ScenarioResult,
    expand,
    measure_scenario,
    parse_grid,
    run_scenarios,
    validate_scenarios,
)
from tkm_assign.scenarios.outputs import scenario_table

SAMPLE = PROJECT_ROOT / "data" / "sample"
GRID = ("caseload.max=15,20,25,30", "sessions.target=2,3", "programme.months=3,6")
PROJECTED_WORKERS = (8, 32, 128)
PROJECTED_GRIDS = (16, 90)  # the example: 5 caps x 3 policies x 3 lengths x 2 rules
LAN_BYTES_PER_S = 100e6  # a 1 Gbit/s office network, for the projection
EMPTY_TASKS = 50


def grid_specs(count: int) -> list[str]:
    """The first ``count`` scenarios of :data:`GRID` (16 = all of it), as ``--grid`` values."""
    if count >= 16:
        return list(GRID)
    caps = ["15", "20", "25", "30"][: max(1, min(4, count))]
    return [f"caseload.max={','.join(caps)}"] + (["sessions.target=2,3"] if count > 4 else [])


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Cluster:
    """``dask scheduler`` and ``dask worker`` processes, as a user starts them."""

    def __init__(self, workers: int, folder: Path) -> None:
        self.address = f"tcp://127.0.0.1:{_free_port()}"
        dask = [sys.executable, "-m", "distributed.cli.dask_scheduler"]
        port = self.address.rsplit(":", 1)[1]
        self.logs = [open(folder / "scheduler.log", "w")]  # noqa: SIM115 - closed in stop()
        self.processes = [
            subprocess.Popen(
                [*dask, "--host", "127.0.0.1", "--port", port, "--dashboard-address", ":0"],
                stdout=self.logs[0],
                stderr=subprocess.STDOUT,
                cwd=folder,
            )
        ]
        for k in range(workers):
            log = open(folder / f"worker{k}.log", "w")  # noqa: SIM115 - closed in stop()
            self.logs.append(log)
            self.processes.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "distributed.cli.dask_worker",
                        self.address,
                        "--nthreads",
                        "1",
                        "--nworkers",
                        "1",
                        "--memory-limit",
                        "0",
                        "--no-dashboard",
                    ],
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    cwd=PROJECT_ROOT,  # the same travel cache as this process
                )
            )

    def stop(self) -> None:
        for process in reversed(self.processes):
            process.terminate()
        for process in self.processes:
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for log in self.logs:
            log.close()


def pool_run(problems: Sequence[Any], workers: int) -> list[dict[str, Any]]:
    """The baseline: a spawned process pool mapping the scenario measurement."""
    jobs = [
        dataclasses.replace(
            p,
            config=dataclasses.replace(
                p.config, schedule=dataclasses.replace(p.config.schedule, workers=1)
            ),
        )
        for p in problems
    ]
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        return list(pool.map(measure_scenario, jobs))


def empty_task_s(address: str) -> float:
    """Mean round trip of an empty task on the cluster (submit to result, one at a time)."""
    import operator

    with open_executor(ClusterConfig(address=address)) as runner:
        runner.submit(operator.add, 0, 0, key="warm").result()
        started = time.perf_counter()
        for k in range(EMPTY_TASKS):
            runner.submit(operator.add, k, 1, key=f"empty-{k}").result()
        return (time.perf_counter() - started) / EMPTY_TASKS


def table_of(results: Sequence[ScenarioResult]) -> Any:
    return scenario_table(results).drop(columns=["seconds"], errors="ignore")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_cluster")
    parser.add_argument("--scenarios", type=int, default=16, help="grid size (16 = the full grid)")
    parser.add_argument("--workers", type=int, default=2, help="pool processes and dask workers")
    parser.add_argument("--participants", type=Path, default=SAMPLE / "participants.csv")
    parser.add_argument("--mentors", type=Path, default=SAMPLE / "mentors.csv")
    parser.add_argument("--full", action="store_true", help="(the same run: one size only)")
    parser.add_argument(
        "--folder", type=Path, default=PROJECT_ROOT / ".cache" / "bench" / "cluster"
    )
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore", TkmWarning)
    args.folder.mkdir(parents=True, exist_ok=True)
    config = Config.load()
    configured = expand(config, [], [parse_grid(spec) for spec in grid_specs(args.scenarios)])
    configured = configured[: args.scenarios]
    inputs = read_inputs(args.participants, args.mentors)
    problems = validate_scenarios(inputs, configured)
    scenarios = [s for s, _ in configured]
    n, lanes = len(problems), args.workers
    print(f"grid: {n} scenarios of {len(problems[0].participants)} participants, {lanes} workers")

    started = time.perf_counter()
    pool_rows = pool_run(problems, lanes)
    pool_s = time.perf_counter() - started
    print(f"baseline: process pool of {lanes}: {pool_s:.1f} s")
    sys.stdout.flush()

    cluster = Cluster(lanes, args.folder)
    try:
        started = time.perf_counter()
        with open_executor(ClusterConfig(address=cluster.address, connect_timeout_s=120)) as r:
            assert isinstance(r, DaskExecutor)
            # Workers register one by one: plan only when all of them are there.
            r.client.wait_for_workers(lanes, timeout=120)
            connect_s = time.perf_counter() - started
        started = time.perf_counter()
        results = run_scenarios(problems, scenarios, cluster=ClusterConfig(address=cluster.address))
        cluster_s = time.perf_counter() - started
        empty_s = empty_task_s(cluster.address)
    finally:
        cluster.stop()

    pool_results = [
        ScenarioResult(s, m, float(m["seconds"])) for s, m in zip(scenarios, pool_rows, strict=True)
    ]
    ours, theirs = table_of(results), table_of(pool_results)
    same = ours.equals(theirs)
    differ = [c for c in ours.columns if not ours[c].equals(theirs[c])]
    task_s = [r.seconds for r in results]
    overhead_s = (lanes * cluster_s - sum(task_s)) / n
    print(
        f"cluster: {lanes} dask workers: {cluster_s:.1f} s ({cluster_s / pool_s:.2f} x the pool; "
        f"same table: {'yes' if same else 'NO: ' + ', '.join(differ)}); connecting "
        f"{connect_s:.1f} s"
    )
    print(
        f"  overhead per task: {overhead_s:.2f} s of lane time outside tasks (idle tail "
        f"included); an empty task's round trip {empty_s * 1000:.1f} ms"
    )
    print(
        f"  per scenario (inside its task): mean {statistics.mean(task_s):.1f} s, "
        f"min {min(task_s):.1f} s, max {max(task_s):.1f} s"
    )
    people = pickle.dumps(dataclasses.replace(problems[0], config=Config()), protocol=5)
    per_task = statistics.mean(len(pickle.dumps(p.config, protocol=5)) for p in problems)
    result_b = statistics.mean(len(pickle.dumps(dict(r.measures), protocol=5)) for r in results)
    readings = len({(id(p.participants), id(p.mentors)) for p in problems})
    print(
        f"  data: the validated people {len(people) / 1e6:.2f} MB once per reading "
        f"({readings} readings for {n} scenarios), then {per_task / 1e3:.1f} kB of "
        f"configuration per task; {result_b / 1e3:.1f} kB back per task"
    )
    mean_s = statistics.mean(task_s)
    for size in PROJECTED_GRIDS:
        cells = []
        for workers in PROJECTED_WORKERS:
            rounds = math.ceil(size / workers)
            send_s = readings * len(people) * min(workers, size) / LAN_BYTES_PER_S
            total_s = connect_s + send_s + rounds * (mean_s + max(overhead_s, 0.0))
            cells.append(f"{workers} workers {total_s / 60:.1f} min")
        print(f"  projection, {size} scenarios: " + ", ".join(cells))
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
