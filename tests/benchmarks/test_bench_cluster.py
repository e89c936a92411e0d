"""The cluster benchmark's grid and the scheduler and workers it starts like a user."""

from __future__ import annotations

import operator
from pathlib import Path

import pytest

from benchmarks.bench_cluster import Cluster, grid_specs
from tkm_assign.config import ClusterConfig, Config
from tkm_assign.executor import open_executor
from tkm_assign.scenarios.grid import expand, parse_grid


@pytest.mark.parametrize("count", [1, 4, 8, 16])
def test_the_grid_has_the_scenarios_asked_for(count: int):
    configured = expand(Config(), [], [parse_grid(spec) for spec in grid_specs(count)])
    assert len(configured) >= count
    assert len({s.name for s, _ in configured}) == len(configured)
    if count == 16:
        assert len(configured) == 16


def test_dask_scheduler_and_workers_from_the_command_line(tmp_path: Path):
    cluster = Cluster(2, tmp_path)
    try:
        with open_executor(ClusterConfig(address=cluster.address, connect_timeout_s=120)) as r:
            r.client.wait_for_workers(2, timeout=120)
            assert r.lanes == 2
            assert r.submit(operator.mul, 6, 7, key="answer").result() == 42
    finally:
        cluster.stop()
    assert all(p.poll() is not None for p in cluster.processes)
