"""What each kind of job does in its worker: read the uploads, call one command, write.

Every task takes the store, its job and the progress callback, and returns the summary the
pages show. Outputs go to ``jobs/<job_id>/outputs`` (written atomically); what the pages
draw from (the map's points, the per-mentor figures) to ``jobs/<job_id>/page``.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

from tkm_assign.config import Config
from tkm_assign.errors import InputError
from tkm_assign.io.output import atomic_output_dir
from tkm_assign.web import pagedata
from tkm_assign.web.forms import job_config
from tkm_assign.web.store import Job, Store
from tkm_assign.web.uploads import suffix_of

log = logging.getLogger("tkm_assign.web")
Progress = Callable[[str, int, int], None]
Task = Callable[[Store, Job, Progress], Mapping[str, Any]]
OUTPUTS = "outputs"
PAGE = "page"


def outputs_dir(store: Store, job_id: str) -> Path:
    return store.job_dir(job_id) / OUTPUTS


def page_dir(store: Store, job_id: str) -> Path:
    return store.job_dir(job_id) / PAGE


@contextmanager
def uploaded_files(store: Store, job: Job) -> Iterator[dict[str, Path]]:
    """The job's uploads as files in a private temporary folder, named by their role.

    The coordinator's file names are never used as paths: a file is called after its role
    and the checked suffix (``participants.csv``).
    """
    with tempfile.TemporaryDirectory(prefix="tkm-job-") as folder:
        paths, names = {}, {}
        for role, upload_id in job.inputs.items():
            upload = store.upload(upload_id)
            if upload is None:
                raise KeyError(f"upload {upload_id} of job {job.id} is gone")
            path = Path(folder) / f"{role}{suffix_of(upload.file_name)}"
            path.write_bytes(store.upload_content(upload_id))
            paths[role] = path
            names[str(path)] = upload.file_name
        try:
            yield paths
        except InputError as error:
            # Problems name the file as the coordinator called it, not the private copy.
            raise InputError(
                [replace(p, file=names.get(p.file, p.file)) for p in error.problems]
            ) from None


class _ProgressLog(logging.Handler):
    """The planner's progress lines as steps of the job (done counts the lines so far)."""

    def __init__(self, progress: Progress, expected: int) -> None:
        super().__init__(logging.INFO)
        self.progress = progress
        self.expected = expected
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1
        step = str(record.msg).split(" ", 1)[0].split(":", 1)[0]
        self.progress(step, min(self.count, self.expected - 1), self.expected)


@contextmanager
def _progress_from_log(progress: Progress, expected: int) -> Iterator[None]:
    logger = logging.getLogger("tkm_assign")
    handler = _ProgressLog(progress, expected)
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def plan(store: Store, job: Job, progress: Progress) -> Mapping[str, Any]:
    """Validate, assign, schedule and write every output of a plan."""
    from tkm_assign import pipeline
    from tkm_assign.report import write_plan_outputs

    config = _config(store, job)
    progress("read", 0, 4)
    with uploaded_files(store, job) as paths, _progress_from_log(progress, 16):
        problem = pipeline.read_problem(paths["participants"], paths["mentors"], config)
        result = pipeline.run_plan(problem)
        with atomic_output_dir(outputs_dir(store, job.id), force=True) as staging:
            write_plan_outputs(staging, problem, result.tables, job.lang)
    progress("page", 15, 16)
    summary = pagedata.write_plan_page(page_dir(store, job.id), problem, result.tables)
    progress("done", 16, 16)
    return summary


def _config(store: Store, job: Job) -> Config:
    config = job_config(job.settings)
    # Every job shares one travel cache under the data folder, wherever the server runs.
    return config.replace([f"travel.cache_dir={store.cache_dir / 'travel'}"])


TASKS: Mapping[str, Task] = {"plan": plan}
