"""Long work off the request: one worker process per job, as many at once as cores.

The server records a job in the store (status ``queued``) and wakes the runner. The runner
starts a fresh process for the oldest queued job whenever fewer than ``workers`` run;
the rest wait in the queue. A worker reports progress and its outcome through the store
(SQLite, WAL), so the pages read both without talking to the worker. Cancelling a queued
job only marks it; cancelling a running one ends its process group (the worker and the
processes it started itself), so no orphan keeps computing.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Mapping
from multiprocessing.process import BaseProcess
from typing import Any

from tkm_assign.messages import Message
from tkm_assign.web.store import Job, Store

log = logging.getLogger("tkm_assign.web")
POLL_S = 0.5


class JobRunner:
    """Starts queued jobs in worker processes and watches them.

    Parameters
    ----------
    store
        Where jobs are queued and report back.
    workers
        Jobs running at once (default: the machine's cores).
    """

    def __init__(self, store: Store, workers: int | None = None) -> None:
        self.store = store
        self.workers = max(1, workers or os.cpu_count() or 1)
        self._context = multiprocessing.get_context("spawn")
        self._running: dict[str, BaseProcess] = {}
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Mark jobs a previous server left running as failed, then begin taking jobs."""
        for job_id in self.store.interrupted():
            log.warning(Message.of("log.web.interrupted", job=str(job_id)))
        self._thread = threading.Thread(target=self._loop, name="tkm-jobs", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """End every running worker (their jobs are marked cancelled) and stop taking jobs."""
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        with self._lock:
            running = list(self._running)
        for job_id in running:
            self._end(job_id, status="cancelled", error={"code": "web.stopped"})

    def submit(
        self,
        kind: str,
        title: str,
        inputs: Mapping[str, str],
        settings: Mapping[str, Any],
        lang: str,
        base_id: str | None = None,
    ) -> Job:
        """Queue a job; it starts as soon as a worker is free."""
        job = self.store.add_job(kind, title, inputs, settings, lang, base_id)
        log.info(Message.of("log.web.queued", job=str(job.id), kind=str(kind)))
        self._wake.set()
        return job

    def cancel(self, job_id: str) -> bool:
        """Cancel a queued or running job; false when it had already finished."""
        with self._lock:
            running = job_id in self._running
        if running:
            return self._end(job_id, status="cancelled", error=None)
        cancelled = self.store.finish(job_id, "cancelled")
        if cancelled:
            log.info(Message.of("log.web.cancelled_waiting", job=str(job_id)))
        return cancelled

    def running(self) -> list[str]:
        with self._lock:
            return list(self._running)

    def _end(self, job_id: str, status: str, error: Mapping[str, Any] | None) -> bool:
        # Record first: a worker finishing in the meantime cannot overwrite a cancellation.
        recorded = self.store.finish(job_id, status, error=error)
        with self._lock:
            process = self._running.pop(job_id, None)
        if process is not None:
            _kill_group(process)
            log.info(Message.of("log.web.finished", job=str(job_id), status=str(status)))
        return recorded

    def _loop(self) -> None:
        while not self._stopping.is_set():
            try:
                self._reap()
                self._fill()
            except Exception:  # keep serving; the next round retries
                log.exception("job runner")
            self._wake.wait(POLL_S)
            self._wake.clear()

    def _reap(self) -> None:
        with self._lock:
            ended = [(j, p) for j, p in self._running.items() if not p.is_alive()]
            for job_id, _ in ended:
                del self._running[job_id]
        for job_id, process in ended:
            process.join()
            # A worker records its own outcome; one that died before doing so crashed.
            if self.store.finish(
                job_id, "failed", error={"code": "web.crashed", "exit_code": process.exitcode}
            ):
                log.error(
                    Message.of("log.web.crashed", job=str(job_id), exit_code=str(process.exitcode))
                )

    def _fill(self) -> None:
        while not self._stopping.is_set():
            with self._lock:
                if len(self._running) >= self.workers:
                    return
            job = self.store.claim_next()
            if job is None:
                return
            from tkm_assign.web.worker import run_job

            process = self._context.Process(
                target=run_job, args=(str(self.store.data_dir), job.id), name=f"tkm-job-{job.id}"
            )
            process.start()
            with self._lock:
                self._running[job.id] = process
            log.info(
                Message.of(
                    "log.web.started", job=str(job.id), kind=str(job.kind), pid=str(process.pid)
                )
            )


def _kill_group(process: BaseProcess, grace_s: float = 5.0) -> None:
    """End a worker and the processes it started (it leads its own process group)."""
    pid = process.pid
    if pid is None:
        return
    if hasattr(os, "killpg"):
        try:
            os.killpg(pid, signal.SIGTERM)
        except (ProcessLookupError, PermissionError):
            process.terminate()
    else:  # pragma: no cover - Windows has no process groups of this kind
        process.terminate()
    deadline = time.monotonic() + grace_s
    process.join(timeout=grace_s)
    if process.is_alive() and time.monotonic() >= deadline:
        if hasattr(os, "killpg"):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)
        else:  # pragma: no cover
            process.kill()
        process.join(timeout=grace_s)


def wait_for(store: Store, job_id: str, timeout_s: float) -> Job:
    """The job once finished (for tests and scripts); raises ``TimeoutError`` otherwise."""
    deadline = time.monotonic() + timeout_s
    while True:
        job = store.job(job_id)
        if job is None:
            raise KeyError(job_id)
        if job.finished:
            return job
        if time.monotonic() > deadline:
            raise TimeoutError(f"job {job_id} still {job.status} after {timeout_s} s")
        time.sleep(0.2)
