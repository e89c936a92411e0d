"""What each kind of job does in its worker: read the uploads, call one command, write.

Every task takes the store, its job and the progress callback, calls the application
layer (:mod:`tkm_assign.app`) and returns the summary the pages show. Outputs go to
``jobs/<job_id>/outputs`` (written atomically by :func:`tkm_assign.app.write_outputs`);
what the pages draw from (the map's points, the per-mentor figures) to
``jobs/<job_id>/page``.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from tkm_assign import app
from tkm_assign.config import Config
from tkm_assign.io.read import Table
from tkm_assign.messages import Message
from tkm_assign.model import Problem
from tkm_assign.programme.plan import CurrentPlan
from tkm_assign.resources import SCENARIOS_DIR
from tkm_assign.web import pagedata
from tkm_assign.web.forms import job_config
from tkm_assign.web.store import Job, Store
from tkm_assign.web.uploads import count_rows

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
    if isinstance(value, tuple | list) and value and all(isinstance(v, Message) for v in value):
        each = [pagedata.worded(v) for v in value]
        return {lang: "; ".join(words[lang] for words in each) for lang in each[0]}
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


# The programme in motion (page 5): a job of these kinds follows a plan or re-plan job,
# its ``base_id``. Its inputs are the logbook (simulate: none) and the participants and
# mentors files as they are now (by default the base plan's); ``settings`` are the base
# plan's with ``as_of``.


def as_of(job: Job) -> dt.date:
    """The last day a job of the programme in motion covers (checked when it was queued)."""
    return dt.date.fromisoformat(str(job.settings["as_of"]))


def base_plan(store: Store, job: Job) -> Job:
    """The finished plan (or re-plan) a job of the programme in motion follows."""
    base = store.job(job.base_id) if job.base_id else None
    if base is None or base.status != "done":
        raise KeyError(f"job {job.id}: the plan it follows is gone")
    return base


def current_plan(store: Store, job: Job, problem: Problem) -> CurrentPlan:
    """The plan being followed, read back from the base job's ``assignments.csv`` and
    ``schedule.csv`` (a re-plan's schedule carries each session's calendar identity)."""
    folder = outputs_dir(store, base_plan(store, job).id)
    return app.read_current_plan(
        problem,
        app.read_table(folder / "assignments.csv", "assignments"),
        app.read_table(folder / "schedule.csv", "schedule"),
    )


def following(
    store: Store, job: Job, report: Progress
) -> tuple[app.ValidateResult, CurrentPlan, Table]:
    """The files as they are now (validated), the plan being followed and the logbook."""
    checked = validated(store, job, report)
    found = upload(store, job, "logbook")
    if found is None:
        raise KeyError(f"job {job.id} has no logbook")
    return checked, current_plan(store, job, checked.problem), app.read_table(found, "logbook")


def progress(store: Store, job: Job, report: Progress) -> Mapping[str, Any]:
    """Who is on track, behind or at risk on the as-of date, and each mentor's message."""
    checked, followed, table = following(store, job, report)
    result = app.progress(checked.problem, followed, table, as_of=as_of(job), progress=report)
    write(store, job, result, report)
    tables = result.tables
    return {
        "figures": _plain(tables.summary),
        "at_risk": records(tables.at_risk),
        "at_risk_count": len(tables.at_risk),
        "mentors": records(tables.mentors.sort_values("participants_at_risk", ascending=False)),
        "warnings": worded(checked.warnings, result.warnings),
    }


def replan(store: Store, job: Job, report: Progress) -> Mapping[str, Any]:
    """The rest of the programme planned again; the page of a plan shows it."""
    checked, followed, table = following(store, job, report)
    result = app.replan(checked.problem, followed, table, as_of=as_of(job), progress=report)
    write(store, job, result, report)
    view = pagedata.PlanView(
        result.problem, result.replanned.assignment, result.tables, result.measures
    )
    summary = pagedata.write_plan_page(page_dir(store, job.id), view)
    summary["replan"] = _plain(result.summary)
    changes = result.changes[result.changes["change"] != "missed"]
    summary["changes"] = records(changes.drop(columns=["uid", "sequence"]))
    summary["changes_count"] = len(changes)
    summary["at_risk_before"] = int((result.progress.participants["status"] == "at_risk").sum())
    summary["warnings"] = worded(checked.warnings, result.warnings)
    return summary


def simulate(store: Store, job: Job, report: Progress) -> Mapping[str, Any]:
    """A realistic logbook of the base plan up to the as-of date, with the participants and
    mentors files as they would be then; kept as uploads, ready for progress or re-plan."""
    checked = validated(store, job, report)
    followed = current_plan(store, job, checked.problem)
    result = app.simulate(
        checked.problem, followed, as_of=as_of(job), inputs=inputs_of(store, job), progress=report
    )
    write(store, job, result, report)
    folder = outputs_dir(store, job.id)
    made = {}
    for role in ("logbook", "participants", "mentors"):
        content = (folder / f"{role}.csv").read_bytes()
        made[role] = store.add_upload(role, f"{role}.csv", content, count_rows(".csv", content)).id
    return {
        "figures": _plain(result.summary),
        "uploads": made,
        "warnings": worded(checked.warnings, result.warnings),
    }


def _plain(data: Mapping[str, Any]) -> dict[str, Any]:
    """A summary as JSON values (dates as text)."""
    plain: dict[str, Any] = json.loads(json.dumps(dict(data), default=str))
    return plain


TASKS: Mapping[str, Task] = {
    "plan": plan,
    "audit": audit,
    "capacity": capacity,
    "scenarios": scenarios,
    "progress": progress,
    "replan": replan,
    "simulate": simulate,
}
FOLLOWING = ("progress", "replan", "simulate")
