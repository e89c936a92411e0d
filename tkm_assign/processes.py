"""Worker processes that never outlive the run that started them.

:func:`process_pool` is the one way tkm_assign starts worker processes (schedules of many
mentors, scenario grids). Its workers

- start with ``spawn``, the same on every platform (callers need the ``__main__`` guard);
- ignore Ctrl-C: the parent alone decides, and on any interruption or error it stops them
  at once and drops the queued work, instead of waiting for every queued task;
- exit by themselves within about a second when the parent dies without cleaning up
  (``SIGKILL``, a crash), so no orphan keeps computing or holding memory.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager

PARENT_CHECK_S = 0.5  # how often a worker looks whether its parent is still alive
STOP_WAIT_S = 2.0  # how long a stopped worker may take to exit before it is killed


@contextmanager
def process_pool(max_workers: int) -> Iterator[ProcessPoolExecutor]:
    """A ``spawn`` process pool whose workers die with the parent; stopped on any exception.

    Parameters
    ----------
    max_workers
        Processes to start.

    Yields
    ------
    ProcessPoolExecutor
        Submit or map work on it inside the ``with`` block. Leaving the block normally
        waits for the work; leaving it by an exception (Ctrl-C included) terminates the
        workers and cancels what has not started.
    """
    pool = ProcessPoolExecutor(
        max_workers=max_workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_watch_parent,
        initargs=(os.getpid(),),
    )
    try:
        yield pool
    except BaseException:
        _stop(pool)
        raise
    pool.shutdown(wait=True)


def _stop(pool: ProcessPoolExecutor) -> None:
    """Terminate the workers now and drop queued work (Python 3.14: ``terminate_workers``)."""
    # The pool keeps its processes in ``_processes``; there is no public way before 3.14.
    processes = list(getattr(pool, "_processes", {}).values())
    for process in processes:
        if process.is_alive():
            process.terminate()
    pool.shutdown(wait=False, cancel_futures=True)
    deadline = time.monotonic() + STOP_WAIT_S
    for process in processes:
        process.join(max(0.0, deadline - time.monotonic()))
        if process.is_alive():
            process.kill()
            process.join(STOP_WAIT_S)


def _watch_parent(parent_pid: int) -> None:
    """Worker start-up: ignore Ctrl-C, and exit as soon as the parent is gone."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def watch() -> None:
        while True:
            if os.getppid() != parent_pid:
                os._exit(1)  # the parent died: nothing will read this worker's results
            time.sleep(PARENT_CHECK_S)

    threading.Thread(target=watch, name="tkm-parent-watch", daemon=True).start()
