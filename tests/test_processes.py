"""Worker processes stop when the run stops: interrupted, or killed outright."""

from __future__ import annotations

import contextlib
import math
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from tkm_assign.processes import (
    map_with_pool,
    process_pool,
    running_pool,
    shared_pool,
    shared_pool_busy,
)

GONE_WITHIN_S = 15.0  # generous on a loaded machine; the task itself would run 120 s


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().split()[2] != "Z"
    except OSError:
        return True  # no /proc: the process exists


def _wait_gone(pids: list[int]) -> list[int]:
    deadline = time.monotonic() + GONE_WITHIN_S
    while time.monotonic() < deadline and any(_alive(p) for p in pids):
        time.sleep(0.1)
    return [p for p in pids if _alive(p)]


def _kill(pids: list[int]) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


_PARENT = textwrap.dedent(
    """
    import time
    from tkm_assign.processes import process_pool

    if __name__ == "__main__":
        with process_pool(2) as pool:
            futures = [pool.submit(time.sleep, 120) for _ in range(4)]
            while len(pool._processes) < 2:
                time.sleep(0.05)
            print(*pool._processes, flush=True)
            time.sleep(120)
    """
)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_workers_stay_alive_after_sigkill_of_the_parent(tmp_path):
    # Defect: after a SIGKILL of the main scenarios process its workers kept computing.
    script = tmp_path / "parent.py"
    script.write_text(_PARENT)
    with subprocess.Popen(
        [sys.executable, str(script)], stdout=subprocess.PIPE, text=True, cwd=tmp_path
    ) as parent:
        assert parent.stdout is not None
        workers = [int(pid) for pid in parent.stdout.readline().split()]
        assert len(workers) == 2 and all(_alive(p) for p in workers)
        parent.kill()
        parent.wait()
        try:
            assert _wait_gone(workers) == []
        finally:
            _kill(workers)


def test_interrupt_waits_for_every_queued_task():
    # Defect: Ctrl-C on scenarios took about 17 s: the pool let running and queued work
    # finish first. Now the workers are stopped at once and queued work is dropped.
    with pytest.raises(KeyboardInterrupt), process_pool(2) as pool:
        futures = [pool.submit(time.sleep, 120) for _ in range(4)]
        while len(pool._processes) < 2:
            time.sleep(0.05)
        workers = list(pool._processes)
        interrupted = time.monotonic()
        raise KeyboardInterrupt
    # Not a speed target: the running tasks would take 120 s, waiting for them is the defect.
    assert time.monotonic() - interrupted < GONE_WITHIN_S
    try:
        assert _wait_gone(workers) == []
        # The pool's own thread marks the running tasks broken once it sees their
        # workers gone, a moment after they went: wait for it, not for the 120 s tasks.
        deadline = time.monotonic() + GONE_WITHIN_S
        while time.monotonic() < deadline and not all(f.done() for f in futures):
            time.sleep(0.1)
        assert all(f.done() for f in futures)  # finished (broken) or cancelled
    finally:
        _kill(workers)


def _pid_after_a_pause(_: int) -> int:
    time.sleep(0.05)
    return os.getpid()


def _running_workers(pool, count: int) -> list[int]:
    """Work the pool until ``count`` workers have each done some: all past their start-up.

    A worker still starting (importing, before its initializer ignores SIGINT) dies of a
    signal as any process does; the pool starts its workers only as work arrives.
    """
    seen: set[int] = set()
    while len(seen) < count:
        seen.update(pool.map(_pid_after_a_pause, range(2 * count)))
    return sorted(seen)


def test_workers_ignore_ctrl_c_and_finish_normal_work():
    with process_pool(2) as pool:
        assert list(pool.map(abs, [-1, -2, 3])) == [1, 2, 3]
        pids = _running_workers(pool, 2)
        for pid in pids:
            os.kill(pid, signal.SIGINT)  # what a terminal sends the whole process group
        assert list(pool.map(abs, [-4, 5])) == [4, 5]
    assert _wait_gone(pids) == []


def _pid_of(value: int) -> tuple[int, int]:
    return value * value, os.getpid()


def test_map_with_pool_keeps_the_order_and_shares_the_items():
    with process_pool(1) as pool:
        results = list(map_with_pool(_pid_of, list(range(40)), pool, 1))
    assert [square for square, _ in results] == [k * k for k in range(40)]
    # This process took items from the back while the worker took them from the front.
    pids = {pid for _, pid in results}
    assert os.getpid() in pids
    assert results[-1][1] == os.getpid()


def test_map_with_pool_raises_what_an_item_raised():
    with pytest.raises(ValueError, match="math domain error"), process_pool(1) as pool:
        list(map_with_pool(math.sqrt, [4.0, -1.0] + [1.0] * 30, pool, 1))


def test_steps_inside_a_shared_pool_use_its_workers():
    with shared_pool(2) as shared:
        with process_pool(1) as first:
            first_pids = {pid for _, pid in first.map(_pid_of, range(8))}
        with process_pool(2) as second:
            assert second is first is shared
            second_pids = {pid for _, pid in second.map(_pid_of, range(8))}
        # A step that wants more workers than the shared pool has gets its own pool.
        with process_pool(3) as own:
            assert own is not shared
        assert shared is not None and set(shared._processes) >= first_pids | second_pids
        workers = list(shared._processes)
    # The block stopped the shared pool when it ended, not the steps.
    assert _wait_gone(workers) == []
    with shared_pool(0) as none:
        assert none is None


def test_a_running_pool_is_only_the_shared_one():
    assert running_pool(1) is None
    with shared_pool(1) as shared:
        assert running_pool(1) is shared
        assert running_pool(2) is None  # smaller than asked for
    assert running_pool(1) is None


def test_steps_in_a_busy_shared_pool_act_as_without_one():
    with shared_pool(1) as shared:
        with shared_pool_busy():
            assert running_pool(1) is None
            with process_pool(1) as own:
                assert own is not shared
        assert running_pool(1) is shared
