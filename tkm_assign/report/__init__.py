"""Outputs of a plan: tables, workbook, calendars, printable schedules, report, maps, GeoPackage.

Everything is written from one :class:`~tkm_assign.report.tables.PlanTables` plus the
:class:`~tkm_assign.model.Problem` it was planned for, by :func:`write_plan_outputs`. The
caller provides an empty (staging) folder, normally from
:func:`tkm_assign.io.output.atomic_output_dir`, so an interrupted run leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import pickle
import threading
import uuid
from collections import deque
from collections.abc import Callable, Collection, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tkm_assign.io.output import write_csv, write_json
from tkm_assign.messages import rendered
from tkm_assign.model import Problem
from tkm_assign.report.tables import PlanTables, rendered_frame

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

    import pandas as pd

    from tkm_assign.assign.remedies import UnservedReview

# The writers (matplotlib, openpyxl, icalendar, jinja2) are imported when outputs are
# written, not when a solver imports ``tkm_assign.report.tables``: worker processes of the
# solvers stay light.

__all__ = [
    "FORMATS",
    "OutputInputs",
    "OutputJob",
    "PlanTables",
    "plan_summary",
    "run_output_jobs",
    "write_plan_outputs",
    "write_plan_tables",
]

log = logging.getLogger("tkm_assign")

# CSV file name -> PlanTables attribute; tables a plan does not have are not written.
CSV_FILES = {
    "assignments.csv": "assignments",
    "schedule.csv": "schedule",
    "routes.csv": "routes",
    "mentor_workload.csv": "workload",
    "shortfalls.csv": "shortfalls",
}


def write_plan_tables(folder: Path, tables: PlanTables, lang: str = "id") -> list[Path]:
    """The plan's CSV files (UTF-8 with BOM, as Excel expects), reasons in ``lang``."""
    written = []
    for name, attribute in CSV_FILES.items():
        frame = getattr(tables, attribute)
        if frame is None:
            continue
        path = folder / name
        write_csv(rendered_frame(frame, lang), path)
        written.append(path)
    return written


def plan_summary(problem: Problem, tables: PlanTables, figures: dict[str, Any]) -> dict[str, Any]:
    """``summary.json``: the assignment summary's keys at the top level (status, objective,
    ..., config), the schedule summary under ``schedule`` and the report's key figures under
    ``figures``."""
    summary = dict(tables.assignment_summary or {})
    summary.setdefault("config", problem.config.to_dict())
    if tables.schedule_summary is not None:
        summary["schedule"] = tables.schedule_summary
    summary["figures"] = figures
    summary["inputs"] = {
        "participants": problem.participants_source,
        "mentors": problem.mentors_source,
    }
    return summary


FORMATS = ("csv", "json", "xlsx", "ics", "html", "png", "gpkg")
# A plan with at least this many sessions is written by several processes when
# ``output.workers`` allows it; a smaller one is written faster here than a worker starts.
PARALLEL_FROM_SESSIONS = 3000
# Calendars, printable schedules and province maps are written in this many slices each,
# so that the processes that write them finish at about the same time.
SLICES = 3


@dataclass(frozen=True)
class OutputJob:
    """One independent piece of the outputs: a kind of file and, for the per-mentor and
    per-province files, which slice of them (``part`` k of n)."""

    kind: str  # csv | json | xlsx | ics | pages | report | country_map | province_maps | gpkg
    part: tuple[int, int] = (0, 1)


@dataclass(frozen=True)
class Measures:
    """The plan's measures the workbook, report, GeoPackage and ``summary.json`` show."""

    figures: dict[str, Any]
    balance: pd.DataFrame
    provinces: pd.DataFrame
    unserved: UnservedReview | None = None  # causes and remedies of the unserved


# Jobs that read the measures; the others need only the plan.
MEASURED = frozenset({"json", "xlsx", "report", "gpkg"})


@dataclass(frozen=True)
class OutputInputs:
    """Everything an :class:`OutputJob` needs, picklable for a worker process."""

    folder: Path
    problem: Problem
    tables: PlanTables
    lang: str
    generated: dt.datetime
    with_map: bool  # report.html embeds a small copy of the country map
    zoomed: tuple[str, ...]  # provinces with a map of their own
    title: str | None = None  # of report.html and the workbook's summary (a re-plan's)
    measures: Measures | None = None  # needed by the jobs in MEASURED


def output_jobs(formats: Collection[str], zoomed: Sequence[str]) -> list[OutputJob]:
    """The jobs of ``formats``, the longest first (``zoomed``: provinces that get a map).

    The order is by the work each takes on the national sample (the workbook, then each
    slice of the province maps, the report, the GeoPackage, the slices of the calendars
    and of the printable pages, the country map, the tables): a worker takes jobs from
    the front and this process from the back, so the two finish close together.
    """
    jobs = []
    if "xlsx" in formats:
        jobs.append(OutputJob("xlsx"))
    if "png" in formats:
        slices = min(SLICES, len(zoomed))
        jobs += [OutputJob("province_maps", (k, slices)) for k in range(slices)]
    if "html" in formats:
        jobs.append(OutputJob("report"))
    if "gpkg" in formats:
        jobs.append(OutputJob("gpkg"))
    if "ics" in formats:
        jobs += [OutputJob("ics", (k, SLICES)) for k in range(SLICES)]
    if "html" in formats:
        jobs += [OutputJob("pages", (k, SLICES)) for k in range(SLICES)]
    if "png" in formats:
        jobs.append(OutputJob("country_map"))
    for kind in ("csv", "json"):
        if kind in formats:
            jobs.append(OutputJob(kind))
    return jobs


def run_output_job(inputs: OutputInputs, job: OutputJob) -> list[Path]:
    """Write the files of one job; returns them."""
    from tkm_assign.report.i18n import Labels

    folder, problem, tables = inputs.folder, inputs.problem, inputs.tables
    labels = Labels(inputs.lang)
    measures = inputs.measures
    if job.kind in MEASURED and measures is None:
        raise ValueError(f"output job {job.kind!r} needs the plan's measures")
    if job.kind == "csv":
        return write_plan_tables(folder, tables, inputs.lang)
    if job.kind == "json":
        assert measures is not None
        summary = rendered(plan_summary(problem, tables, measures.figures), inputs.lang)
        write_json(summary, folder / "summary.json")
        return [folder / "summary.json"]
    if job.kind == "xlsx":
        from tkm_assign.report.workbook import summary_rows, write_plan_workbook

        assert measures is not None
        workbook = folder / "plan.xlsx"
        rows = summary_rows(problem, measures.figures, labels, inputs.generated)
        if inputs.title:
            rows.insert(0, (inputs.title, "", None))
        write_plan_workbook(
            workbook,
            problem,
            tables,
            labels,
            rows,
            measures.balance,
            measures.provinces,
            measures.unserved,
        )
        return [workbook]
    if job.kind == "ics":
        from tkm_assign.report.calendars import write_calendars

        stamp = inputs.generated
        return write_calendars(folder, problem, tables, labels, part=job.part, stamp=stamp)
    if job.kind == "pages":
        from tkm_assign.report.printable import write_printables

        return write_printables(folder, problem, tables, labels, part=job.part)
    if job.kind == "report":
        from tkm_assign.report.html import render_report
        from tkm_assign.report.maps import country_preview

        assert measures is not None
        preview = country_preview(problem, tables, labels) if inputs.with_map else None
        report = folder / "report.html"
        page = render_report(
            problem,
            tables,
            labels,
            measures.figures,
            measures.balance,
            measures.provinces,
            preview,
            inputs.generated,
            inputs.title,
            unserved=measures.unserved,
        )
        report.write_text(page, encoding="utf-8")
        return [report]
    if job.kind == "country_map":
        from tkm_assign.report.maps import write_country_map

        return write_country_map(folder, problem, tables, labels)
    if job.kind == "province_maps":
        from tkm_assign.report.maps import write_province_maps

        codes = inputs.zoomed
        k, n = job.part
        mine = codes[k * len(codes) // n : (k + 1) * len(codes) // n]
        return write_province_maps(folder, problem, tables, labels, mine)
    if job.kind == "gpkg":
        from tkm_assign.report.gpkg import write_geopackage

        assert measures is not None
        gpkg = folder / "plan.gpkg"
        write_geopackage(gpkg, problem, tables, measures.balance, inputs.lang)
        return [gpkg]
    raise ValueError(f"unknown output job {job.kind!r}")


# The inputs a worker process unpickled last, by token: a worker takes several jobs of the
# same outputs, and unpickling the plan (tens of thousands of sessions) costs more than
# most jobs.
_SHIPPED: dict[str, OutputInputs] = {}


def _run_shipped(
    token: str, packed: bytes, job: OutputJob, measures: bytes | None = None
) -> list[Path]:
    """:func:`run_output_job` in a worker process, the inputs unpickled once per worker
    (``measures``: the pickled :class:`Measures`, sent with the first job that needs them)."""
    inputs = _SHIPPED.get(token)
    if inputs is None:
        _SHIPPED.clear()
        inputs = _SHIPPED[token] = pickle.loads(packed)
    if measures is not None and inputs.measures is None:
        inputs = _SHIPPED[token] = replace(inputs, measures=pickle.loads(measures))
    return run_output_job(inputs, job)


def warm_up() -> None:
    """Import the writers in a worker process while this process prepares the jobs."""
    import tkm_assign.report.calendars
    import tkm_assign.report.gpkg
    import tkm_assign.report.html
    import tkm_assign.report.maps
    import tkm_assign.report.printable
    import tkm_assign.report.workbook  # noqa: F401


def run_output_jobs(
    inputs: OutputInputs,
    jobs: Sequence[OutputJob],
    workers: int,
    *,
    pool: ProcessPoolExecutor | None = None,
    measure: Callable[[], Measures] | None = None,
) -> list[list[Path]]:
    """Every job's result, in the order of ``jobs``.

    With ``workers`` > 1 this process and ``workers - 1`` worker processes
    (:func:`tkm_assign.processes.process_pool`, or ``pool`` when given: a pool of that
    many the caller started) take the jobs from one queue, the first job first, each as
    soon as it is free; the files are the same either way. The inputs are pickled once
    here and unpickled once in each worker.

    ``measure`` (when ``inputs`` has no measures yet) works them out: this process calls
    it first, while the workers start on the jobs that need only the plan (province
    maps, calendars, ...); the jobs of :data:`MEASURED` wait for it.
    """
    if workers <= 1 or len(jobs) <= 1:
        if measure is not None:
            inputs = replace(inputs, measures=measure())
        return [run_output_job(inputs, job) for job in jobs]
    if pool is None:
        from tkm_assign.processes import process_pool

        with process_pool(workers - 1) as own:
            return run_output_jobs(inputs, jobs, workers, pool=own, measure=measure)
    packed = pickle.dumps(inputs, protocol=pickle.HIGHEST_PROTOCOL)
    token = uuid.uuid4().hex
    queue = deque(range(len(jobs)))
    lock = threading.Lock()
    futures: dict[int, Future[list[Path]]] = {}
    done: dict[int, list[Path]] = {}
    # The measures once worked out (pickled for the workers), and how many workers wait
    # for them with nothing else left to take.
    state: dict[str, Any] = {"measures": None, "waiting": 0}
    if measure is None:
        state["measures"] = pickle.dumps(inputs.measures, protocol=pickle.HIGHEST_PROTOCOL)

    def feed(_: object = None) -> None:
        # Under the lock: once this process finds the queue empty, every job taken by a
        # worker is already in ``futures``.
        with lock:
            measured = state["measures"]
            index = next(
                (i for i in queue if measured is not None or jobs[i].kind not in MEASURED),
                None,
            )
            if index is None:
                if queue:  # only jobs that need the measures are left
                    state["waiting"] += 1
                return
            job = jobs[index]
            try:
                future = pool.submit(
                    _run_shipped, token, packed, job, measured if job.kind in MEASURED else None
                )
            except RuntimeError:  # the pool was stopped (an error elsewhere)
                return
            queue.remove(index)
            futures[index] = future
        future.add_done_callback(feed)

    for _ in range(workers - 1):
        feed()
    if measure is not None:
        inputs = replace(inputs, measures=measure())
        measured = pickle.dumps(inputs.measures, protocol=pickle.HIGHEST_PROTOCOL)
        with lock:
            state["measures"] = measured
            waiting, state["waiting"] = state["waiting"], 0
        for _ in range(waiting):
            feed()
    while True:
        with lock:
            index = queue.pop() if queue else None
        if index is None:
            break
        done[index] = run_output_job(inputs, jobs[index])
    with lock:
        pending = dict(futures)
    for index, future in pending.items():
        done[index] = future.result()
    return [done[i] for i in range(len(jobs))]


def write_plan_outputs(
    folder: Path,
    problem: Problem,
    tables: PlanTables,
    lang: str,
    *,
    figures: dict[str, Any] | None = None,
    balance: pd.DataFrame | None = None,
    provinces: pd.DataFrame | None = None,
    formats: Collection[str] | None = None,
    workers: int | None = None,
    unserved: UnservedReview | None = None,
    title: str | None = None,
) -> list[Path]:
    """Write every output of a plan into ``folder`` (which must exist, normally empty).

    Parameters
    ----------
    folder
        The (staging) output folder.
    problem
        The validated problem the plan was made for (names, villages, coordinates).
    tables
        The plan's tables; parts a plan does not have (no schedule yet) are ``None`` and
        the outputs that need them are left out or shown as estimates.
    lang
        ``"id"`` (Bahasa Indonesia) or ``"en"``: labels of the report, workbook,
        calendars and printable schedules.
    figures, balance, provinces
        The plan's key figures, mentor balance and per-province table
        (:mod:`tkm_assign.report.figures`); computed from ``tables`` when not given.
    unserved
        Causes and remedies of the participants without a mentor
        (:func:`tkm_assign.assign.remedies.review_unserved`); worked out here for the
        report when not given.
    formats
        Which kinds of file to write, by extension (:data:`FORMATS`; default all):
        ``csv`` the tables, ``json`` ``summary.json``, ``xlsx`` ``plan.xlsx``, ``ics``
        the calendars, ``html`` ``report.html`` and the printable schedules, ``png`` the
        maps, ``gpkg`` ``plan.gpkg``.
    workers
        Processes that write (default ``output.workers``); a plan of fewer than
        :data:`PARALLEL_FROM_SESSIONS` sessions is always written by this process alone.
        The files do not depend on it.
    title
        The title of ``report.html`` and the first line of the workbook's summary (a
        re-plan names its as-of date); the plan's own title when ``None``.

    Returns
    -------
    list of Path
        Every file written: the CSVs, ``summary.json``, ``plan.xlsx``,
        ``calendars/<mentor_id>.ics`` and ``.html``, ``map.png``, ``maps/<province>.png``,
        ``report.html`` and ``plan.gpkg``.

    Raises
    ------
    ValueError
        For a format not in :data:`FORMATS`.
    """
    from tkm_assign.report.figures import key_figures, mentor_balance, province_table
    from tkm_assign.report.maps import provinces_to_zoom

    wanted = set(FORMATS if formats is None else formats)
    unknown = sorted(wanted - set(FORMATS))
    if unknown:
        raise ValueError(f"unknown output format {unknown[0]!r}; expected one of {FORMATS}")
    generated = dt.datetime.now().astimezone().replace(microsecond=0)
    sessions = 0 if tables.schedule is None else len(tables.schedule)
    if workers is None:
        workers = problem.config.output.workers
    if sessions < PARALLEL_FROM_SESSIONS:
        workers = 1
    with contextlib.ExitStack() as stack:
        pool = None
        if workers > 1:
            from tkm_assign.processes import process_pool

            # Started first: the workers start and import the writers while this process
            # ships them the plan and measures it.
            pool = stack.enter_context(process_pool(workers - 1))
            for _ in range(workers - 1):
                pool.submit(warm_up)
        zoomed = provinces_to_zoom(problem, tables) if "png" in wanted else []
        jobs = output_jobs(wanted, zoomed)

        def measure() -> Measures:
            nonlocal balance, provinces, figures, unserved
            if balance is None:
                balance = mentor_balance(problem, tables)
            if provinces is None:
                provinces = province_table(problem, tables, balance)
            if figures is None:
                figures = key_figures(problem, tables, balance)
            if unserved is None and ("xlsx" in wanted or "html" in wanted):
                unserved = _review_unserved(problem, tables)
            return Measures(figures, balance, provinces, unserved)

        inputs = OutputInputs(
            folder, problem, tables, lang, generated, "png" in wanted, tuple(zoomed), title
        )
        log.info("writing %d output jobs in %d processes", len(jobs), workers)
        # The measures are worked out here while the workers start on the province maps.
        needed = any(job.kind in MEASURED for job in jobs)
        written = run_output_jobs(
            inputs, jobs, workers, pool=pool, measure=measure if needed else None
        )
        results = dict(zip(jobs, written, strict=True))
    # Files listed in one order whatever wrote them: tables, summary, workbook, calendars,
    # printable schedules, maps, report, GeoPackage.
    order = ("csv", "json", "xlsx", "ics", "pages", "country_map", "province_maps", "report")
    return [
        path
        for kind in (*order, "gpkg")
        for job in jobs
        if job.kind == kind
        for path in results[job]
    ]


def _review_unserved(problem: Problem, tables: PlanTables) -> UnservedReview:
    """Causes and remedies for the participants the plan's assignment leaves without one."""
    from tkm_assign.assign.remedies import review_unserved
    from tkm_assign.geo.models import make_travel_model
    from tkm_assign.geo.regions import load_geography
    from tkm_assign.report.figures import assigned_mentor

    assigned = assigned_mentor(tables)
    mentor_of = {p.participant_id: assigned.get(p.participant_id) for p in problem.participants}
    travel = make_travel_model(problem.config.travel, load_geography())
    return review_unserved(problem, mentor_of, travel)
