"""What each kind of job does in its worker: read the uploads, call one command, write.

Every task takes the store, its job and the progress callback, calls the application
layer (:mod:`tkm_assign.app`) and returns the summary the pages show. Outputs go to
``jobs/<job_id>/outputs`` (written atomically by :func:`tkm_assign.app.write_outputs`);
what the pages draw from (the map's points, the per-mentor figures) to
``jobs/<job_id>/page``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from tkm_assign import app
from tkm_assign.config import Config
from tkm_assign.messages import Message
from tkm_assign.resources import SCENARIOS_DIR
from tkm_assign.web import pagedata
from tkm_assign.web.forms import job_config
from tkm_assign.web.store import Job, Store

Progress = Callable[[str, int, int], None]
Task = Callable[[Store, Job, Progress], Mapping[str, Any]]
OUTPUTS = "outputs"
PAGE = "page"
ROWS_KEPT = 2000  # rows of a result table kept for its page; the files hold every row


def outputs_dir(store: Store, job_id: str) -> Path:
    return store.job_dir(job_id) / OUTPUTS


def page_dir(store: Store, job_id: str) -> Path:
    return store.job_dir(job_id) / PAGE


def upload(store: Store, job: Job, role: str) -> app.Upload | None:
    """The job's file of ``role`` in memory, named as the coordinator named it."""
    upload_id = job.inputs.get(role)
    if upload_id is None:
        return None
    stored = store.upload(upload_id)
    if stored is None:
        raise KeyError(f"upload {upload_id} of job {job.id} is gone")
    return app.Upload(stored.file_name, store.upload_content(upload_id))


def inputs_of(store: Store, job: Job) -> app.Inputs:
    """The job's participants (and mentors, if uploaded) read in memory."""
    participants = upload(store, job, "participants")
    if participants is None:
        raise KeyError(f"job {job.id} has no participants file")
    return app.read_inputs(participants, upload(store, job, "mentors"))


def validated(store: Store, job: Job, progress: Progress) -> app.ValidateResult:
    """The job's files checked under its configuration (``InputError`` lists every problem)."""
    return app.validate(inputs_of(store, job), job_config_for(store, job), progress=progress)


def write(store: Store, job: Job, result: Any, progress: Progress) -> None:
    """Every output file of a command's result into the job's folder, atomically."""
    progress("step.write", 0, 1)
    app.write_outputs(result, outputs_dir(store, job.id), lang=job.lang, force=True)
    progress("step.write", 1, 1)


def worded(*warnings: Iterable[Message]) -> list[dict[str, str]]:
    """Every warning of the calls, in both languages."""
    return [pagedata.worded(w) for group in warnings for w in group]


def plan(store: Store, job: Job, progress: Progress) -> Mapping[str, Any]:
    """Validate, assign, schedule and write every output of a plan."""
    checked = validated(store, job, progress)
    result = app.plan(checked.problem, progress=progress)
    write(store, job, result, progress)
    summary = pagedata.write_plan_page(page_dir(store, job.id), result)
    summary["warnings"] = worded(checked.warnings, result.warnings)
    return summary


def job_config_for(store: Store, job: Job) -> Config:
    """The job's configuration; every job shares one travel cache under the data folder."""
    config = job_config(job.settings)
    return config.replace([f"travel.cache_dir={store.cache_dir / 'travel'}"])


def records(frame: pd.DataFrame | None, limit: int = ROWS_KEPT) -> list[dict[str, Any]]:
    """The first ``limit`` rows of a table as JSON values (messages in both languages)."""
    if frame is None:
        return []
    rows = []
    for row in frame.head(limit).to_dict("records"):
        rows.append({str(k): _value(v) for k, v in row.items()})
    return rows


def _value(value: object) -> object:
    if isinstance(value, Message):
        return pagedata.worded(value)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, bool | int | float | str):
        return value
    if pd.isna(value):  # type: ignore[call-overload]
        return None
    return str(value)


def audit(store: Store, job: Job, progress: Progress) -> Mapping[str, Any]:
    """Check an edited plan against every rule (and, if asked, against the optimizer)."""
    assignments = upload(store, job, "assignments")
    if assignments is None:
        raise KeyError(f"job {job.id} has no assignments file")
    checked = validated(store, job, progress)
    schedule = upload(store, job, "schedule")
    hand = app.read_hand_plan(
        checked.problem,
        app.read_table(assignments, "assignments"),
        app.read_table(schedule, "schedule") if schedule is not None else None,
    )
    result = app.audit(
        checked.problem, hand, compare=bool(job.settings.get("compare")), progress=progress
    )
    write(store, job, result, progress)
    return {
        "summary": json.loads(json.dumps(dict(result.summary), default=str)),
        "violations": records(result.violations),
        "violation_count": len(result.violations),
        "comparison": records(result.comparison),
        "warnings": worded(checked.warnings, result.warnings),
    }


def capacity(store: Store, job: Job, progress: Progress) -> Mapping[str, Any]:
    """How many mentors every participant's sessions need, and where."""
    checked = validated(store, job, progress)
    result = app.capacity(checked.problem, progress=progress)
    write(store, job, result, progress)
    return {"table": records(result.table), "warnings": worded(checked.warnings, result.warnings)}


def scenarios(store: Store, job: Job, progress: Progress) -> Mapping[str, Any]:
    """Plan the whole programme under every scenario and compare them side by side."""
    named = str(job.settings.get("scenarios") or "")
    file_scenarios = app.read_scenario_file(scenario_files()[named]) if named else []
    grid = [app.parse_grid(spec) for spec in job.settings.get("grid", ())]
    configured = app.expand_scenarios(job_config_for(store, job), file_scenarios, grid)
    result = app.scenarios(inputs_of(store, job), configured, progress=progress)
    write(store, job, result, progress)
    return {"table": records(result.table), "warnings": worded(result.warnings)}


def scenario_files() -> dict[str, Path]:
    """The ready-made scenario files of ``configs/scenarios`` by name (without ``.toml``)."""
    return {path.stem: path for path in sorted(SCENARIOS_DIR.glob("*.toml"))}


TASKS: Mapping[str, Task] = {
    "plan": plan,
    "audit": audit,
    "capacity": capacity,
    "scenarios": scenarios,
}
