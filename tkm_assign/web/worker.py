"""The worker process of one job: run its task, report progress and the outcome.

Started by :class:`tkm_assign.web.jobs.JobRunner` with the ``spawn`` method, so it shares
nothing with the server but the store. It leads its own process group (so that a cancel
ends the processes it starts, too) and ends itself when the server that started it is gone.
"""

from __future__ import annotations

import logging
import os
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path

from tkm_assign.errors import ConfigError, InputError, TkmError
from tkm_assign.messages import Message, to_json
from tkm_assign.web.store import Store

log = logging.getLogger("tkm_assign.web")
PROGRESS_EVERY_S = 0.25  # at most this often a progress report is written to the store
ORPHAN_CHECK_S = 1.0


def run_job(data_dir: str, job_id: str) -> None:
    """Entry point of a worker process (picklable arguments only)."""
    if hasattr(os, "setpgrp"):
        os.setpgrp()
    _stop_when_orphaned(os.getppid())
    store = Store(Path(data_dir))
    job = store.job(job_id)
    if job is None or job.status != "running":
        return
    from tkm_assign.web.tasks import TASKS

    try:
        summary = TASKS[job.kind](store, job, _progress(store, job_id))
    except InputError as error:
        store.finish(job_id, "failed", error=input_error(error))
    except (ConfigError, TkmError) as error:
        store.finish(job_id, "failed", error=tkm_error(error))
    except Exception as error:
        # The trace names code, not data; the message may quote a cell, so only the page
        # (to the coordinator who uploaded it) shows it, never the log.
        frames = "".join(traceback.format_tb(error.__traceback__))
        log.error(Message.of("log.web.internal", job=str(job_id), kind=type(error).__name__))
        log.debug("job %s: internal error traceback\n%s", job_id, frames)
        store.finish(
            job_id,
            "failed",
            error={"code": "web.internal", "type": type(error).__name__, "text": str(error)},
        )
    else:
        store.finish(job_id, "done", summary=summary)


def input_error(error: InputError) -> dict[str, object]:
    """The problems of an input error as plain values for the store and the page: what was
    expected in English and as its message (``message``, JSON), which the page words in its
    language."""
    return {
        "code": "web.input",
        "problems": [
            {
                "file": p.file,
                "row": p.row,
                "column": p.column,
                "value": p.value,
                "expected": str(p.expected),
                "message": to_json(p.expected),
            }
            for p in error.problems
        ],
    }


def tkm_error(error: TkmError) -> dict[str, object]:
    """Any other error people can act on, for the store and the page: its English text and,
    when it has one, its message (JSON), which the page words in its language."""
    stored: dict[str, object] = {"code": "web.error", "text": str(error)}
    if error.message is not None:
        stored["message"] = to_json(error.message)
    return stored


def _progress(store: Store, job_id: str) -> Callable[[str, int, int], None]:
    """The progress callback of the application layer, written to the store now and then."""
    last_at = [0.0]
    last_step = [""]

    def report(step: str, done: int, total: int) -> None:
        now = time.monotonic()
        if step != last_step[0] or done >= total or now - last_at[0] >= PROGRESS_EVERY_S:
            last_at[0], last_step[0] = now, step
            store.report_progress(job_id, step, done, total)

    return report


def _stop_when_orphaned(parent: int) -> None:
    """End this process group once the server that started it has gone."""

    def watch() -> None:
        while True:
            time.sleep(ORPHAN_CHECK_S)
            if os.getppid() != parent:
                if hasattr(os, "killpg"):
                    os.killpg(os.getpgrp(), 15)
                os._exit(1)

    threading.Thread(target=watch, name="tkm-orphan-watch", daemon=True).start()
