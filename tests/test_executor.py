"""One executor interface: in this process, on threads, on a real Dask cluster.

The cluster tests use the ``dask_cluster`` fixture (a scheduler and 2 worker processes
started by the test run) and reach it by its address, as ``--cluster`` does.
"""

from __future__ import annotations

import dataclasses
import operator
import os
import re
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.app.conftest import FAST, MENTOR_ROWS, PARTICIPANTS_CSV, xlsx_bytes
from tkm_assign import app, executor, notify
from tkm_assign.config import ClusterConfig, Config
from tkm_assign.errors import ConfigError, InputError, TkmError
from tkm_assign.executor import LOCAL, LocalExecutor, open_executor

GONE_WITHIN_S = 15.0  # generous on a loaded machine; each task would run 120 s


def _inputs() -> app.Inputs:
    # ``catatan`` is not a column of the format: validating warns about it.
    return app.read_inputs(
        app.Upload("peserta.csv", PARTICIPANTS_CSV.encode()),
        app.Upload("pendamping.xlsx", xlsx_bytes(MENTOR_ROWS)),
    )


def _cluster(dask_cluster: object) -> ClusterConfig:
    return ClusterConfig(address=dask_cluster.scheduler_address)  # type: ignore[attr-defined]


def test_one_lane_runs_each_task_when_its_turn_comes():
    with open_executor(None, workers=1) as runner:
        assert isinstance(runner, LocalExecutor) and runner.lanes == 1 and not runner.remote
        tasks = [runner.submit(operator.mul, k, k, key=f"square-{k}") for k in range(4)]
        assert not any(task.done() for task in tasks)  # nothing runs before it is asked for
        seen = []
        for task in runner.as_completed(tasks):
            seen.append(task.result())
            assert sum(t.done() for t in tasks) == len(seen)
    assert seen == [0, 1, 4, 9]


def test_threads_give_every_value():
    with open_executor(None, workers=2) as runner:
        assert runner.lanes == 2 and not runner.remote
        tasks = {runner.submit(operator.mul, k, 3, key=f"t{k}"): k for k in range(6)}
        values = {tasks[t]: t.result() for t in runner.as_completed(tasks)}
    assert values == {k: 3 * k for k in range(6)}


def test_a_task_error_reaches_the_caller_whole():
    inputs = app.read_inputs(app.Upload("peserta.csv", b"participant_id\nP1\n"))
    with open_executor(None, workers=1) as runner:
        task = runner.submit(app.Inputs.problem, inputs, Config(), key="broken")
        with pytest.raises(InputError) as error:
            task.result()
    assert error.value.problems and error.value.problems[0].file == "peserta.csv"


def test_the_warnings_of_a_task_join_the_call_that_submitted_it():
    with notify.collecting() as call, open_executor(None, workers=1) as runner:
        problem = runner.submit(app.Inputs.problem, _inputs(), Config(), key="v").result()
    assert len(problem.participants) == 6
    assert [m.code for m in call.warnings] == ["warning.unknown_columns"]


def test_tasks_on_a_cluster_give_what_they_give_here(dask_cluster):
    config = Config.load(overrides=FAST)
    with notify.collecting() as here:
        local = _inputs().problem(config)
    with notify.collecting() as call, open_executor(_cluster(dask_cluster)) as runner:
        assert runner.remote and runner.lanes == 2
        assert runner.where == dask_cluster.scheduler_address
        shared = runner.share(_inputs())
        tasks = [runner.submit(app.Inputs.problem, shared, config, key=f"v{k}") for k in range(3)]
        outcomes = [task.outcome() for task in runner.as_completed(tasks)]
    for outcome in outcomes:
        assert outcome.value == local  # validated on a worker, sent back whole
        assert outcome.worker in dask_cluster.scheduler_info["workers"]
        assert outcome.worker != LOCAL
    # A task's warnings are reported once to the call, like those of the same work here.
    assert call.warnings == here.warnings and len(call.warnings) == 1


def test_an_error_on_a_worker_keeps_its_type(dask_cluster):
    inputs = app.read_inputs(app.Upload("peserta.csv", b"participant_id\nP1\n"))
    with open_executor(_cluster(dask_cluster)) as runner:
        task = runner.submit(app.Inputs.problem, inputs, Config(), key="broken")
        with pytest.raises(InputError) as error:
            task.result()
    assert error.value.problems[0].file == "peserta.csv"


def test_an_unreachable_scheduler_is_named():
    cluster = ClusterConfig(address="tcp://127.0.0.1:9", connect_timeout_s=1)
    with pytest.raises(TkmError, match=r"tcp://127\.0\.0\.1:9.*dask scheduler") as caught:
        open_executor(cluster).__enter__()
    assert re.search(
        r"tcp://127\.0\.0\.1:9.*tidak terjangkau dalam 1 detik", caught.value.render("id")
    )


def test_workers_must_run_the_same_version(dask_cluster, monkeypatch):
    monkeypatch.setattr(executor, "__version__", "0.0.0-other")
    with pytest.raises(
        TkmError, match=r"runs tkm_assign 0\.1\.0, this machine 0\.0\.0-other"
    ) as caught:
        open_executor(_cluster(dask_cluster)).__enter__()
    assert "menjalankan tkm_assign 0.1.0, mesin ini 0.0.0-other" in caught.value.render("id")


@pytest.mark.parametrize(
    "address", ["tcp://10.0.0.5:8786", "10.0.0.5:8786", "tls://scheduler.kemnaker:8786"]
)
def test_cluster_addresses(address: str):
    assert ClusterConfig(address=address).address == address


@pytest.mark.parametrize("address", ["tcp://10.0.0.5 8786", "http://x/y", "a;b"])
def test_a_bad_cluster_address_is_refused(address: str):
    with pytest.raises(ConfigError, match=r"cluster\.address"):
        ClusterConfig(address=address)


def test_the_cluster_never_changes_what_a_config_plans():
    with_cluster = dataclasses.replace(Config(), cluster=ClusterConfig(address="10.0.0.5:8786"))
    assert with_cluster.to_dict()["cluster"]["address"] == "10.0.0.5:8786"
    assert with_cluster.assign == Config().assign and with_cluster.schedule == Config().schedule


# --- worker processes started here stop with the run (issue of the process pools too) -------

_PARENT = textwrap.dedent(
    """
    import os, signal, sys, time
    from tkm_assign.config import ClusterConfig
    from tkm_assign.executor import open_executor

    if __name__ == "__main__":
        signal.signal(signal.SIGINT, signal.default_int_handler)
        with open_executor(None, workers=2, processes=True) as runner:
            tasks = [runner.submit(time.sleep, 120, key=f"sleep-{k}") for k in range(4)]
            pids = runner.client.run(os.getpid)
            while sum(len(v) for v in runner.client.processing().values()) < 2:
                time.sleep(0.05)
            try:  # the signal may arrive as soon as the line is out
                print(*pids.values(), flush=True)
                for task in runner.as_completed(tasks):
                    task.result()
            except KeyboardInterrupt:
                print("stopped", flush=True)
                raise
    """
)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().split()[2] != "Z"
    except OSError:
        return True


def _wait_gone(pids: list[int], within_s: float = GONE_WITHIN_S) -> list[int]:
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline and any(_alive(p) for p in pids):
        time.sleep(0.05)
    return [p for p in pids if _alive(p)]


def _start_parent(tmp_path: Path) -> tuple[subprocess.Popen[str], list[int]]:
    script = tmp_path / "parent.py"
    script.write_text(_PARENT)
    parent = subprocess.Popen(
        [sys.executable, str(script)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
    )
    assert parent.stdout is not None
    line = parent.stdout.readline()
    workers = [int(pid) for pid in line.split()]
    assert len(workers) == 2 and all(_alive(p) for p in workers), parent.stderr
    return parent, workers


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_ctrl_c_stops_the_workers_at_once(tmp_path: Path):
    parent, workers = _start_parent(tmp_path)
    try:
        parent.send_signal(signal.SIGINT)
        # The tasks would sleep 120 s: the run ends without waiting for them.
        out, err = parent.communicate(timeout=GONE_WITHIN_S)
        assert parent.returncode != 0 and "stopped" in out and "KeyboardInterrupt" in err
        assert _wait_gone(workers) == []
    finally:
        parent.kill()
        parent.communicate()
        for pid in workers:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_workers_die_with_their_parent(tmp_path: Path):
    parent, workers = _start_parent(tmp_path)
    try:
        parent.kill()
        parent.communicate()
        assert _wait_gone(workers) == []
    finally:
        for pid in workers:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
