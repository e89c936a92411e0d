"""One way to run independent tasks: in this process, or on a Dask cluster.

Scenario grids and the capacity search hand their independent pieces of work (one scenario,
one region's facility model) to an :class:`Executor`, in the style of Dask's
``Client.submit`` and ``as_completed``::

    with open_executor(config.cluster, workers=2, processes=True) as executor:
        people = executor.share(problem)               # sent once, used by many tasks
        tasks = [executor.submit(measure, people, c) for c in configs]
        for task in executor.as_completed(tasks):      # in the order they finish
            value = task.result()

Two implementations stand behind that interface:

- :class:`LocalExecutor` runs the tasks in this process, one after the other (they run as
  :meth:`~Executor.as_completed` reaches them) or on threads;
- :class:`DaskExecutor` runs them on a Dask distributed cluster: an existing scheduler given
  by its address (``cluster.address``), or a :class:`distributed.LocalCluster` of worker
  processes that it starts on this machine and stops at the end.

A task is a module-level function of picklable arguments and returns a picklable value, so
the same task gives the same value wherever it runs; the caller puts the values in its own
order. Warnings a task reports with :func:`tkm_assign.notify.warn` travel back with its
value and join the warnings of the call that submitted it when :meth:`Task.result` is
read; progress inside a task stays there (callers report progress per finished task).

Faults: when a worker dies during a task (killed, out of memory, a lost machine), the Dask
scheduler runs the task again on another worker, up to its
``distributed.scheduler.allowed-failures`` (3 by default) before the task fails with
:class:`~tkm_assign.errors.TkmError`. Shared values are kept as tasks too (not scattered),
so the scheduler can rebuild one that was held by a worker that died.

Stopping: leaving :func:`open_executor` by an exception (Ctrl-C included) cancels the
tasks not finished. Worker processes of a cluster started here are killed at once and end by
themselves when this process dies; tasks already running on an external cluster finish
there and their results are dropped.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import as_completed as futures_completed
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from tkm_assign import __version__, notify
from tkm_assign.errors import TkmError
from tkm_assign.messages import Message

if TYPE_CHECKING:
    from distributed import Client, LocalCluster

    from tkm_assign.config import ClusterConfig

log = logging.getLogger("tkm_assign")

T = TypeVar("T")
LOCAL = "this process"  # where a task ran when it ran here


@dataclass(frozen=True)
class Outcome(Generic[T]):
    """What a task sends back: its value, its warnings, where and how long it ran."""

    value: T
    warnings: tuple[Message, ...]
    worker: str
    seconds: float


def run_task(fn: Callable[..., T], *args: Any) -> Outcome[T]:
    """Run ``fn(*args)`` as one call of its own, wherever this is (a worker or here)."""
    started = time.perf_counter()
    with notify.collecting() as call:
        value = fn(*args)
    return Outcome(value, call.warnings, _worker_address(), time.perf_counter() - started)


def _worker_address() -> str:
    try:
        from distributed import get_worker

        return str(get_worker().address)
    except (ImportError, ValueError):
        return LOCAL


def _identity(value: T) -> T:
    return value


def _has_bokeh() -> bool:
    import importlib.util

    return importlib.util.find_spec("bokeh") is not None


class Task(Generic[T]):
    """A submitted task: :meth:`result` waits for its value (and re-raises its error)."""

    def __init__(self, key: str, future: Any) -> None:
        self.key = key
        self._future = future
        self._reported = False

    def done(self) -> bool:
        """Whether the task has finished (successfully or not)."""
        return bool(self._future.done())

    def outcome(self) -> Outcome[T]:
        """The value with its warnings, worker and run time; waits when not finished."""
        outcome = self._wait()
        if not self._reported:
            # The task's warnings belong to the call that submitted it (once).
            self._reported = True
            for message in outcome.warnings:
                notify.warn(message)
        return outcome

    def result(self) -> T:
        """The task's value; waits when not finished."""
        return self.outcome().value

    def _wait(self) -> Outcome[T]:
        outcome: Outcome[T] = self._future.result()
        return outcome


class _DaskTask(Task[T]):
    def _wait(self) -> Outcome[T]:
        from distributed.scheduler import KilledWorker

        try:
            outcome: Outcome[T] = self._future.result()
        except KilledWorker:
            raise TkmError(Message.of("cluster.task_workers_died", key=str(self.key))) from None
        return outcome


class Executor(Protocol):
    """Where independent tasks run (see the module documentation)."""

    @property
    def lanes(self) -> int:
        """Tasks that can run at the same time."""
        ...

    @property
    def where(self) -> str:
        """Words for the log: ``"this process"``, ``"2 local worker processes"``, an address."""
        ...

    @property
    def remote(self) -> bool:
        """Whether tasks run in other processes (their arguments are pickled and sent)."""
        ...

    def share(self, value: T) -> Any:
        """``value`` as an argument many tasks receive, sent to the workers once."""
        ...

    def submit(self, fn: Callable[..., T], *args: Any, key: str) -> Task[T]:
        """Start ``fn(*args)``; ``key`` names the task (unique within one executor)."""
        ...

    def as_completed(self, tasks: Iterable[Task[T]]) -> Iterator[Task[T]]:
        """``tasks`` in the order they finish."""
        ...

    def cancel(self, tasks: Iterable[Task[Any]]) -> None:
        """Drop tasks that have not finished."""
        ...


class _Deferred:
    """A future that runs its task when its result is first asked for (one lane)."""

    def __init__(self, fn: Callable[..., Any], args: Sequence[Any]) -> None:
        self._fn, self._args = fn, args
        self._future: Future[Any] = Future()

    def done(self) -> bool:
        return self._future.done()

    def run(self) -> None:
        if self._future.done():
            return
        try:
            self._future.set_result(run_task(self._fn, *self._args))
        except BaseException as error:
            self._future.set_exception(error)
            if not isinstance(error, Exception):
                raise  # Ctrl-C stops the run; it is not the task's result

    def result(self) -> Any:
        self.run()
        return self._future.result()

    def cancel(self) -> bool:
        return self._future.cancel()


class LocalExecutor:
    """Tasks in this process: one after the other (``workers=1``) or on threads.

    Arguments are not copied; tasks must not change them (none does: inputs are frozen).
    """

    def __init__(self, workers: int = 1) -> None:
        self._workers = max(1, workers)
        self._pool = ThreadPoolExecutor(self._workers) if self._workers > 1 else None

    @property
    def lanes(self) -> int:
        return self._workers

    @property
    def where(self) -> str:
        return LOCAL if self._workers == 1 else f"{self._workers} threads of this process"

    @property
    def remote(self) -> bool:
        return False

    def share(self, value: T) -> T:
        return value

    def submit(self, fn: Callable[..., T], *args: Any, key: str) -> Task[T]:
        if self._pool is None:
            return Task(key, _Deferred(fn, args))
        return Task(key, self._pool.submit(run_task, fn, *args))

    def as_completed(self, tasks: Iterable[Task[T]]) -> Iterator[Task[T]]:
        tasks = list(tasks)
        if self._pool is None:
            for task in tasks:
                task._future.run()
                yield task
            return
        by_future = {id(task._future): task for task in tasks}
        for future in futures_completed([task._future for task in tasks]):
            yield by_future[id(future)]

    def cancel(self, tasks: Iterable[Task[Any]]) -> None:
        for task in tasks:
            task._future.cancel()

    def close(self, *, at_once: bool = False) -> None:
        """Wait for the threads (``at_once``: only drop the queued tasks; threads cannot be
        stopped, so a running task ends by itself)."""
        if self._pool is not None:
            self._pool.shutdown(wait=not at_once, cancel_futures=True)


class DaskExecutor:
    """Tasks on a Dask distributed cluster, through a connected :class:`distributed.Client`.

    Use :func:`open_executor` to make one; ``cluster`` is the :class:`LocalCluster` when this
    executor started it (then its worker processes are stopped with it).
    """

    def __init__(self, client: Client, cluster: LocalCluster | None = None) -> None:
        self.client = client
        self.cluster = cluster
        self._number = 0
        self._lock = threading.Lock()

    @property
    def lanes(self) -> int:
        workers = self.client.scheduler_info().get("workers", {})
        return max(1, sum(int(w.get("nthreads", 1)) for w in workers.values()))

    @property
    def where(self) -> str:
        if self.cluster is not None:
            return f"{len(self.cluster.workers)} local worker processes"
        return str(self.client.scheduler_info().get("address", "a Dask cluster"))

    @property
    def remote(self) -> bool:
        return True

    @property
    def dashboard(self) -> str | None:
        """The address of the scheduler's dashboard, when it serves one.

        Without Bokeh on the scheduler's machine its web page only says that Bokeh is
        missing, so there is no dashboard to show.
        """
        services = self.client.scheduler_info().get("services", {})
        if "dashboard" not in services:
            return None
        try:
            with_bokeh = bool(self.client.run_on_scheduler(_has_bokeh))
        except Exception:  # a scheduler that cannot say: show the address anyway
            with_bokeh = True
        return str(self.client.dashboard_link) if with_bokeh else None

    def _key(self, key: str) -> str:
        with self._lock:
            self._number += 1
            # The client's id keeps keys apart when several runs share one scheduler.
            return f"tkm-{key}-{self._number}-{self.client.id}"

    def share(self, value: T) -> Any:
        # A task rather than ``scatter``: the scheduler keeps what it needs to compute the
        # value again when the worker holding it dies.
        return self.client.submit(_identity, value, key=self._key("shared"), pure=False)

    def submit(self, fn: Callable[..., T], *args: Any, key: str) -> Task[T]:
        future = self.client.submit(run_task, fn, *args, key=self._key(key), pure=False)
        return _DaskTask(key, future)

    def as_completed(self, tasks: Iterable[Task[T]]) -> Iterator[Task[T]]:
        from distributed import as_completed

        tasks = list(tasks)
        by_key = {task._future.key: task for task in tasks}
        for future in as_completed([task._future for task in tasks], loop=self.client.loop):
            yield by_key[future.key]

    def cancel(self, tasks: Iterable[Task[Any]]) -> None:
        futures = [task._future for task in tasks if not task.done()]
        if futures:
            self.client.cancel(futures)

    def close(self, *, at_once: bool = False) -> None:
        """Disconnect; stop the worker processes started here (killed ``at_once``)."""
        if self.cluster is not None and at_once:
            _kill_workers(self.cluster)
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def _kill_workers(cluster: LocalCluster) -> None:
    """End the worker processes now: a running task cannot be asked to stop."""
    for nanny in list(cluster.workers.values()):
        process = getattr(getattr(nanny, "process", None), "process", None)
        pid = getattr(process, "pid", None)
        if pid:
            with suppress(ProcessLookupError, PermissionError):
                os.kill(pid, 9)


def worker_version() -> str:
    """The tkm_assign version a worker runs (to check a cluster before sending work)."""
    return __version__


@contextmanager
def open_executor(
    cluster: ClusterConfig | None, *, workers: int = 1, processes: bool = False
) -> Iterator[Executor]:
    """An executor for independent tasks, closed (and its tasks cancelled) at the end.

    Parameters
    ----------
    cluster
        ``[cluster]`` settings: with an ``address``, the tasks run on that Dask scheduler's
        workers; with none (or ``None``) they run on this machine.
    workers
        On this machine: tasks at once. With ``processes`` and more than one, a
        :class:`distributed.LocalCluster` of that many single-threaded worker processes;
        otherwise threads of this process (or this process alone for one).
    processes
        Whether local tasks need processes of their own (whole plans: they hold the GIL)
        rather than threads (solver calls that release it).

    Yields
    ------
    Executor

    Raises
    ------
    TkmError
        When the scheduler cannot be reached within ``cluster.connect_timeout_s``, has no
        worker, or its workers run another tkm_assign version (or none).
    """
    if cluster is not None and cluster.address:
        executor: LocalExecutor | DaskExecutor = _connect(
            cluster.address, cluster.connect_timeout_s
        )
    elif processes and workers > 1:
        executor = _local_cluster(workers)
    else:
        executor = LocalExecutor(workers)
    if isinstance(executor, DaskExecutor):
        dashboard = executor.dashboard
        lanes = int(executor.lanes)
        if executor.cluster is not None:
            where = Message.of("log.local_workers", count=len(executor.cluster.workers))
        else:
            where = Message.of("log.scheduler", address=executor.where)
        log.info(
            Message.of("log.tasks_on_dashboard", where=where, lanes=lanes, dashboard=dashboard)
            if dashboard
            else Message.of("log.tasks_on", where=where, lanes=lanes)
        )
    try:
        yield executor
    except BaseException:
        executor.close(at_once=True)
        raise
    executor.close()


def _connect(address: str, timeout_s: float) -> DaskExecutor:
    from distributed import Client

    try:
        client = Client(address, timeout=timeout_s, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as error:
        raise TkmError(
            Message.of("cluster.unreachable", address=address, seconds=timeout_s, why=str(error))
        ) from None
    try:
        try:
            client.wait_for_workers(1, timeout=timeout_s)
        except TimeoutError:
            raise TkmError(
                Message.of("cluster.no_worker", address=address, seconds=timeout_s)
            ) from None
        _check_workers(client, address)
    except BaseException:
        client.close()
        raise
    return DaskExecutor(client)


def _check_workers(client: Client, address: str) -> None:
    """Every worker must run this tkm_assign version: they plan with the same code."""
    try:
        versions = client.run(worker_version)
    except Exception as error:
        raise TkmError(
            Message.of(
                "cluster.worker_broken",
                address=address,
                why=f"{type(error).__name__}: {error}",
                version=__version__,
            )
        ) from None
    other = {worker: v for worker, v in versions.items() if v != __version__}
    if other:
        worker, version = sorted(other.items())[0]
        raise TkmError(
            Message.of(
                "cluster.worker_version",
                address=address,
                worker=worker,
                other=version,
                version=__version__,
            )
        )


def _local_cluster(workers: int) -> DaskExecutor:
    from distributed import Client, LocalCluster

    cluster = LocalCluster(
        n_workers=workers,
        threads_per_worker=1,
        processes=True,
        dashboard_address=":0",  # any free port: never "already in use"
        # As many processes as the pool before it, and no memory limit of Dask's own (a
        # worker near its limit would be paused or restarted).
        memory_limit=0,
        silence_logs=logging.ERROR,
    )
    try:
        client = Client(cluster, set_as_default=False)
    except BaseException:
        cluster.close()
        raise
    return DaskExecutor(client, cluster)
