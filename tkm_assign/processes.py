"""Worker processes that never outlive the run that started them.

:func:`process_pool` is the one way tkm_assign starts worker processes (schedules of many
mentors, scenario grids). Its workers

- start with ``spawn``, the same on every platform (callers need the ``__main__`` guard);
- ignore Ctrl-C: the parent alone decides, and on any interruption or error it stops them
  at once and drops the queued work, instead of waiting for every queued task;
- exit by themselves within about a second when the parent dies without cleaning up
  (``SIGKILL``, a crash), so no orphan keeps computing or holding memory.

A run of several parallel steps (the demo: schedule, outputs, re-plan, its outputs) keeps
one pool for all of them with :func:`shared_pool`: each step's :func:`process_pool` hands
out that pool instead of spawning and importing anew. :func:`map_with_pool` runs a step's
items on this process and the pool's workers side by side.
"""

from __future__ import annotations

import contextvars
import multiprocessing
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from typing import TypeVar

PARENT_CHECK_S = 0.5  # how often a worker looks whether its parent is still alive
STOP_WAIT_S = 2.0  # how long a stopped worker may take to exit before it is killed

T = TypeVar("T")
R = TypeVar("R")

# The pool of the innermost shared_pool block of this thread (or task), and its size.
_SHARED: contextvars.ContextVar[tuple[ProcessPoolExecutor, int] | None] = contextvars.ContextVar(
    "tkm_shared_pool", default=None
)


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
        workers and cancels what has not started. Inside a :func:`shared_pool` block of at
        least ``max_workers`` workers it is that block's pool, which the block stops.
    """
    shared = _SHARED.get()
    if shared is not None and max_workers <= shared[1]:
        yield shared[0]
        return
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


@contextmanager
def shared_pool(max_workers: int) -> Iterator[ProcessPoolExecutor | None]:
    """One pool of ``max_workers`` processes for every :func:`process_pool` in the block.

    The workers start (and import) once instead of once a step; they are stopped as by
    :func:`process_pool` when the block ends. With ``max_workers`` < 1 nothing is started
    and each step starts its own pool as before (yields ``None``).
    """
    if max_workers < 1:
        yield None
        return
    with process_pool(max_workers) as pool:
        token = _SHARED.set((pool, max_workers))
        try:
            yield pool
        finally:
            _SHARED.reset(token)


@contextmanager
def shared_pool_busy() -> Iterator[None]:
    """Inside the block the steps act as outside any :func:`shared_pool`: its workers are
    busy with work of the caller's, and a step must not queue behind it."""
    token = _SHARED.set(None)
    try:
        yield
    finally:
        _SHARED.reset(token)


def running_pool(max_workers: int) -> ProcessPoolExecutor | None:
    """The :func:`shared_pool` of at least ``max_workers`` workers the caller is in, or
    ``None``: for work too quick to be worth starting processes for, but worth handing
    to workers already running."""
    shared = _SHARED.get()
    return shared[0] if shared is not None and max_workers <= shared[1] else None


def map_with_pool(
    fn: Callable[[T], R], items: Sequence[T], pool: ProcessPoolExecutor, workers: int
) -> Iterator[R]:
    """``fn`` of each item, in the order of ``items``, by ``workers`` of ``pool``'s
    processes and this one side by side.

    The workers take items from the front, each as soon as it is free, and this process
    from the back; results are yielded in order as soon as they and those before them are
    done. ``fn`` and the items must pickle; the results do not depend on who ran what.
    """
    queue = deque(range(len(items)))
    lock = threading.Lock()
    futures: dict[int, Future[R]] = {}
    done: dict[int, R] = {}

    def feed(_: object = None) -> None:
        with lock:  # once this process finds the queue empty, every taken item is in futures
            if not queue:
                return
            index = queue.popleft()
            try:
                future = pool.submit(fn, items[index])
            except RuntimeError:  # the pool was stopped (an error elsewhere)
                queue.appendleft(index)
                return
            futures[index] = future
        future.add_done_callback(feed)

    for _ in range(workers):
        feed()
    following = 0
    while True:
        with lock:
            index = queue.pop() if queue else None
        if index is None:
            break
        done[index] = fn(items[index])
        while following in done or (following in futures and futures[following].done()):
            yield done.pop(following) if following in done else futures.pop(following).result()
            following += 1
    for index in range(following, len(items)):
        yield done.pop(index) if index in done else futures.pop(index).result()


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
