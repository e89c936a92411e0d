"""Scenario grids and capacity regions on a real Dask cluster give what they give here.

``dask_cluster`` (tests/conftest.py) is a scheduler with 2 worker processes started by the
test run; the code under test reaches it by its address, as ``--cluster`` does.
"""

from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
import warnings
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from tests.scenarios.conftest import SETTINGS, build, config, participants_frame
from tkm_assign import app, notify, pipeline
from tkm_assign.cli import main
from tkm_assign.config import ClusterConfig
from tkm_assign.errors import InputWarning
from tkm_assign.executor import open_executor
from tkm_assign.io import problem_from_frames
from tkm_assign.io.output import MANIFEST, RESUMABLE
from tkm_assign.scenarios.capacity import plan_capacity
from tkm_assign.scenarios.grid import expand, parse_grid, run_scenarios
from tkm_assign.scenarios.outputs import FINISHED_DIR, scenario_table

FAST = [item for setting in SETTINGS for item in ("--set", setting)]


def _cluster(dask_cluster: Any) -> ClusterConfig:
    return ClusterConfig(address=dask_cluster.scheduler_address)


def _measures(results: Any) -> pd.DataFrame:
    """The comparison table without the run times (the only column that may differ)."""
    return scenario_table(results).drop(columns=["seconds"], errors="ignore")


@pytest.fixture(scope="module")
def mentors() -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "mentor_id": "M1",
                "latitude": "-6.91470",
                "longitude": "107.60980",
                "sectors": "industri_boga;perdagangan_jasa",
            }
        ],
        dtype=object,
    )


@pytest.fixture(scope="module")
def grid(mentors: pd.DataFrame) -> tuple[list[Any], list[Any]]:
    """Four small scenarios (two readings of the files: caseload caps 4 and 8)."""
    participants = participants_frame({"3273": 6, "3205": 6}, seed=11)
    configured = expand(
        config(), [], [parse_grid("caseload.max=4,8"), parse_grid("sessions.target=2,3")]
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InputWarning)
        problems = [problem_from_frames(participants, mentors, c) for _, c in configured]
    return [s for s, _ in configured], problems


@pytest.fixture(scope="module")
def local_table(grid: tuple[list[Any], list[Any]]) -> pd.DataFrame:
    scenarios, problems = grid
    return _measures(run_scenarios(problems, scenarios, workers=1))


def test_a_grid_on_the_cluster_gives_the_local_results(grid, local_table, dask_cluster):
    scenarios, problems = grid
    steps: list[tuple[str, int, int]] = []
    with notify.collecting(lambda *step: steps.append(step)):
        results = run_scenarios(problems, scenarios, cluster=_cluster(dask_cluster))
    pd.testing.assert_frame_equal(_measures(results), local_table)
    assert [r.scenario.name for r in results] == [s.name for s in scenarios]
    # Progress per finished task, whatever order they finish in.
    assert steps == [("step.scenario", k, 4) for k in range(1, 5)]


def test_the_same_plan_on_a_worker_and_here(dask_cluster):
    problem = build(participants_frame({"3273": 8}, seed=3), _one_mentor())
    here = app.plan(problem)
    with open_executor(_cluster(dask_cluster)) as runner:
        there = runner.submit(app.plan, runner.share(problem), key="plan").result()
    assert isinstance(there, app.PlanResult)  # the application layer's typed result
    assert there.assignment.mentor_of == here.assignment.mentor_of
    assert there.schedule.sessions == here.schedule.sessions
    assert there.schedule.routes == here.schedule.routes
    pd.testing.assert_frame_equal(there.tables.workload, here.tables.workload)


def _one_mentor() -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "mentor_id": "M1",
                "latitude": "-6.9147",
                "longitude": "107.6098",
                "sectors": "industri_boga",
            }
        ],
        dtype=object,
    )


def test_capacity_regions_on_the_cluster_give_the_local_answer(
    participants_df, mentors_df, dask_cluster
):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InputWarning)  # Bali has no mentor: that is the point
        problem = build(participants_df, mentors_df)
    travel = pipeline.travel_model(problem.config)
    with notify.collecting() as local_call:
        here = plan_capacity(problem, travel)
    with notify.collecting() as cluster_call:
        there = plan_capacity(problem, travel, cluster=_cluster(dask_cluster))
    assert cluster_call.warnings == local_call.warnings
    assert [s.mentor for s in there.suggested] == [s.mentor for s in here.suggested]
    assert there.regions == here.regions and there.unresolved == here.unresolved
    assert there.plan.assignment.mentor_of == here.plan.assignment.mentor_of


@pytest.mark.slow
def test_a_worker_killed_during_a_grid_changes_nothing(grid, local_table):
    """A worker process is killed while it plans a scenario; the grid still completes."""
    import logging

    from distributed import Client, LocalCluster

    scenarios, problems = grid
    # A cluster of its own: this test kills one of its workers.
    with (
        LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            dashboard_address=":0",  # any free port: never "already in use"
            memory_limit=0,
            silence_logs=logging.ERROR,
        ) as cluster,
        Client(cluster, set_as_default=False) as client,
    ):
        killed: list[str] = []

        def kill_one_busy_worker() -> None:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline and not killed:
                for worker, keys in client.processing().items():
                    if any("scenario" in str(key) for key in keys):
                        pid = client.run(os.getpid, workers=[worker])[worker]
                        os.kill(pid, signal.SIGKILL)
                        killed.append(worker)
                        return
                time.sleep(0.05)

        killer = threading.Thread(target=kill_one_busy_worker)
        killer.start()
        results = run_scenarios(
            problems, scenarios, cluster=ClusterConfig(address=cluster.scheduler_address)
        )
        killer.join()
    assert killed, "no worker was seen planning a scenario"
    pd.testing.assert_frame_equal(_measures(results), local_table)


# --- interrupted and resumed on the command line --------------------------------------------

# The user's Ctrl-C, sent by the process itself right after the first scenario is kept: a
# real SIGINT at a fixed point of the grid, so no run of the suite finishes the grid first.
_RUN = textwrap.dedent(
    """
    import os, signal, sys
    from tkm_assign.cli import main
    from tkm_assign.scenarios import outputs

    def save_then_interrupt(*args, save=outputs.save_finished):
        path = save(*args)
        os.kill(os.getpid(), signal.SIGINT)
        return path

    if __name__ == "__main__":
        signal.signal(signal.SIGINT, signal.default_int_handler)
        outputs.save_finished = save_then_interrupt
        sys.exit(main(sys.argv[1:]))
    """
)


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory, mentors: pd.DataFrame) -> list[str]:
    folder = tmp_path_factory.mktemp("inputs")
    participants_frame({"3273": 5, "3205": 5}, seed=5).to_csv(folder / "p.csv", index=False)
    mentors.to_csv(folder / "m.csv", index=False)
    return ["--participants", str(folder / "p.csv"), "--mentors", str(folder / "m.csv")]


def _staging(out: Path) -> list[Path]:
    return sorted(out.parent.glob(f".{out.name}.tkm-*.partial"))


@pytest.mark.slow
def test_an_interrupted_grid_resumes_without_planning_finished_scenarios_again(
    files, tmp_path: Path, dask_cluster, capsys
):
    grid = ["--grid", "caseload.max=4,6,8", "--set", "capacity.scenario_workers=1"]
    args = ["scenarios", *files, *grid, *FAST]
    out = tmp_path / "grid"
    script = tmp_path / "run.py"
    script.write_text(_RUN)
    run = subprocess.Popen(
        [sys.executable, str(script), *args, "--out", str(out), "--lang", "en"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
    )
    try:
        _, err = run.communicate(timeout=300)
    finally:
        run.kill()
        run.communicate()
    assert run.returncode == 130, err
    assert "finished scenario(s) are kept" in err and "--resume" in err
    assert not out.exists()  # nothing appears until the whole grid is done
    [kept] = _staging(out)
    assert (kept / RESUMABLE).is_file()
    done_before = len(list((kept / FINISHED_DIR).glob("*.json")))
    assert done_before == 1

    # Resumed on the cluster: the finished scenarios are not planned again.
    code = main([*args, "--cluster", dask_cluster.scheduler_address, "--resume", "--out", str(out)])
    printed, err = capsys.readouterr()
    assert code == 0, err
    assert printed.count(": punya pendamping") == 3
    # The progress lines speak the command's language (Indonesian by default).
    assert f"{done_before} dari 3 sudah direncanakan" in err
    assert err.count("direncanakan dan dihitung kebutuhannya dalam") == 3 - done_before
    assert "; dasbor http://" in err  # printed when the scheduler serves one
    assert _staging(out) == []
    assert FINISHED_DIR not in os.listdir(out) and MANIFEST in os.listdir(out)
    resumed = pd.read_csv(out / "scenarios.csv", encoding="utf-8-sig")

    fresh = tmp_path / "fresh"
    assert main([*args, "--out", str(fresh)]) == 0
    capsys.readouterr()
    again = pd.read_csv(fresh / "scenarios.csv", encoding="utf-8-sig")
    pd.testing.assert_frame_equal(
        resumed.drop(columns=["seconds"], errors="ignore"),
        again.drop(columns=["seconds"], errors="ignore"),
    )
    assert sorted(os.listdir(out)) == sorted(os.listdir(fresh))


def test_without_resume_the_kept_folder_is_removed_and_said(files, tmp_path: Path, capsys):
    out = tmp_path / "grid"
    kept = tmp_path / ".grid.tkm-abcd1234.partial"
    (kept / FINISHED_DIR).mkdir(parents=True)
    (kept / RESUMABLE).write_text("kept\n")
    (kept / FINISHED_DIR / "00001.json").write_text('{"key": "old"}')
    args = ["scenarios", *files, "--grid", "caseload.max=4", *FAST, "--out", str(out)]
    code = main([*args, "--lang", "en"])
    err = capsys.readouterr().err
    assert code == 0, err
    assert "warning:" in err and "removed 1 unfinished output folder" in err
    assert not kept.exists() and (out / "scenarios.csv").is_file()


def test_a_record_of_other_settings_is_not_reused(grid, tmp_path: Path):
    from tkm_assign.scenarios.outputs import load_finished, save_finished

    scenarios, problems = grid
    saved: dict[str, Any] = {}
    first = run_scenarios(
        problems[:1], scenarios[:1], on_result=lambda k, key, r: saved.update({key: r})
    )
    [(key, result)] = saved.items()
    save_finished(tmp_path, 0, key, result)
    loaded = load_finished(tmp_path)
    assert loaded[key].measures == dict(first[0].measures)  # exact after the file round trip
    # The same scenario under a setting that changes plans gets a key of its own.
    other = dataclasses.replace(
        problems[0], config=problems[0].config.replace(["assign.weights.sector_mismatch=9"])
    )
    calls: list[int] = []
    run_scenarios([other], scenarios[:1], finished=loaded, on_result=lambda k, *_: calls.append(k))
    assert calls == [0]
    # A setting that never changes a plan keeps the key.
    moved = dataclasses.replace(
        problems[0], config=problems[0].config.replace(["schedule.workers=2"])
    )
    run_scenarios([moved], scenarios[:1], finished=loaded, on_result=lambda k, *_: calls.append(k))
    assert calls == [0]


@pytest.mark.parametrize("command", [["scenarios", "--grid", "caseload.max=4"], ["capacity"]])
def test_an_unreachable_cluster_is_named_on_the_command_line(
    command: list[str], files, tmp_path: Path, capsys
):
    out = tmp_path / "never"
    args = [*command[:1], *files, *command[1:], *FAST, "--set", "cluster.connect_timeout_s=1"]
    code = main([*args, "--cluster", "tcp://127.0.0.1:9", "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2 and "tcp://127.0.0.1:9" in err and "Traceback" not in err
    assert not out.exists() and not list(tmp_path.glob(".never.*"))
