"""Writing a command's result: :func:`write_outputs`, the one writer every front end calls.

Files go to a temporary sibling folder that becomes ``folder`` only when everything is
written (:func:`tkm_assign.io.output.atomic_output_dir`), so an interrupted write leaves
nothing behind and an existing folder is replaced only with ``force=True``.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from pathlib import Path

from tkm_assign import notify
from tkm_assign.app.results import (
    AssignResult,
    AuditResult,
    CapacityResult,
    PlanResult,
    SampleResult,
    ScenariosResult,
    ScheduleResult,
    Written,
)
from tkm_assign.app.running import ProgressResult, ReplanResult, SimulateResult
from tkm_assign.io.output import atomic_output_dir, write_csv, write_json
from tkm_assign.messages import rendered
from tkm_assign.notify import ProgressCallback
from tkm_assign.report.tables import rendered_frame

Result = (
    AssignResult
    | ScheduleResult
    | PlanResult
    | AuditResult
    | CapacityResult
    | ScenariosResult
    | ProgressResult
    | ReplanResult
    | SimulateResult
)

# The files of each command, by format (file extension); ``write_outputs`` writes these.
FORMATS: dict[type, tuple[str, ...]] = {
    SampleResult: ("csv",),
    AssignResult: ("csv", "json"),
    ScheduleResult: ("csv", "json"),
    PlanResult: ("csv", "json", "xlsx", "ics", "html", "png", "gpkg"),
    AuditResult: ("csv", "json", "xlsx", "html"),
    CapacityResult: ("csv", "json", "png"),
    ScenariosResult: ("csv", "json", "xlsx", "png"),
    ProgressResult: ("csv", "json", "xlsx", "html", "txt"),
    ReplanResult: ("csv", "json", "xlsx", "ics", "html", "png", "gpkg", "txt"),
    SimulateResult: ("csv", "json"),
}
SCHEDULE_FILES = {
    "schedule.csv": "schedule",
    "routes.csv": "routes",
    "mentor_workload.csv": "workload",
    "shortfalls.csv": "shortfalls",
}


def write_outputs(
    result: Result,
    folder: str | Path,
    *,
    formats: Collection[str] | None = None,
    lang: str | None = None,
    force: bool = False,
    inputs: Iterable[str | Path | None] = (),
    progress: ProgressCallback | None = None,
) -> Written:
    """Write a command's result into ``folder``, atomically.

    Parameters
    ----------
    result
        What a command of :mod:`tkm_assign.app` returned.
    folder
        The output folder; it must not exist unless ``force``.
    formats
        File kinds to write, by extension (see :data:`FORMATS` for what each command
        writes; default all of them). Only :class:`PlanResult` writes a subset; the other
        commands write their small set of files whole.
    lang
        ``"id"`` or ``"en"`` for the labels of workbooks, reports, calendars and charts
        (default ``output.lang`` of the result's configuration).
    force
        Replace an existing ``folder`` (only when tkm_assign wrote every file in it).
    inputs
        The files the command read: ``folder`` must neither be nor hold one (see
        :func:`tkm_assign.io.output.check_output_dir`).
    progress
        ``progress("step.write", done, total)`` callback.

    Returns
    -------
    Written
        Every file written (inside ``folder``; ``len`` and iteration give the files) and
        the warnings of writing.

    Raises
    ------
    OutputError
        When ``folder`` exists (without ``force``), is or holds an input, or cannot be
        written.
    ValueError
        For a format the command does not write.
    """
    target = Path(folder)
    allowed = FORMATS[type(result)]
    unknown = sorted(set(allowed if formats is None else formats) - set(allowed))
    if unknown:
        raise ValueError(
            f"{type(result).__name__} has no {unknown[0]!r} output; expected one of "
            + ", ".join(allowed)
        )
    with (
        notify.collecting(progress) as call,
        atomic_output_dir(target, force=force, inputs=inputs) as staging,
    ):
        notify.progress("step.write", 0, 1)
        written = write_into(result, staging, formats=formats, lang=lang)
        notify.progress("step.write", 1, 1)
    files = tuple(target / path.relative_to(staging) for path in written)
    return Written(files, call.warnings)


def write_into(
    result: Result,
    folder: Path,
    *,
    formats: Collection[str] | None = None,
    lang: str | None = None,
    workers: int | None = None,
) -> list[Path]:
    """Write a command's result into an existing folder the caller manages.

    For front ends that hold the (staging) folder open while a command runs, e.g. a
    scenario grid that saves each finished scenario there so an interrupted run can resume;
    they create and move the folder themselves with
    :func:`tkm_assign.io.output.atomic_output_dir`. Everyone else calls
    :func:`write_outputs`.

    Parameters
    ----------
    result, formats, lang
        As for :func:`write_outputs`.
    folder
        An existing folder.
    workers
        Processes that write a plan's or re-plan's outputs (default ``output.workers``;
        1 when this runs in a worker process itself). The files do not depend on it.

    Returns
    -------
    list of Path
        Every file written.

    Raises
    ------
    ValueError
        For a format the command does not write.
    """
    allowed = FORMATS[type(result)]
    wanted = tuple(allowed if formats is None else formats)
    unknown = sorted(set(wanted) - set(allowed))
    if unknown:
        raise ValueError(
            f"{type(result).__name__} has no {unknown[0]!r} output; expected one of "
            + ", ".join(allowed)
        )
    return _write(result, Path(folder), wanted, lang or _config_lang(result), workers)


def _config_lang(result: Result) -> str:
    if isinstance(result, SampleResult):
        return "id"
    if isinstance(result, ScenariosResult):
        return result.configs[0].output.lang if result.configs else "id"
    return result.problem.config.output.lang


def _write(
    result: Result,
    staging: Path,
    formats: tuple[str, ...],
    lang: str,
    workers: int | None = None,
) -> list[Path]:
    if isinstance(result, SampleResult):
        for name, frame in (
            ("participants.csv", result.participants),
            ("mentors.csv", result.mentors),
        ):
            write_csv(frame, staging / name)
        return [staging / "participants.csv", staging / "mentors.csv"]
    if isinstance(result, PlanResult):
        from tkm_assign.report import write_plan_outputs

        measures = result.measures
        return write_plan_outputs(
            staging,
            result.problem,
            result.tables,
            lang,
            figures=dict(measures.figures),
            balance=measures.balance,
            provinces=measures.provinces,
            formats=formats,
            workers=workers,
        )
    if isinstance(result, AssignResult):
        paths = []
        if "csv" in formats:
            write_csv(rendered_frame(result.tables.assignments, lang), staging / "assignments.csv")
            paths.append(staging / "assignments.csv")
        if "json" in formats:
            write_json(rendered(result.summary, lang), staging / "summary.json")
            paths.append(staging / "summary.json")
        return paths
    if isinstance(result, ScheduleResult):
        paths = []
        if "csv" in formats:
            for name, attribute in SCHEDULE_FILES.items():
                frame = getattr(result.tables, attribute)
                if frame is not None:
                    write_csv(rendered_frame(frame, lang), staging / name)
                    paths.append(staging / name)
        if "json" in formats:
            write_json(rendered(result.summary, lang), staging / "summary.json")
            paths.append(staging / "summary.json")
        return paths
    if isinstance(result, AuditResult):
        from tkm_assign.audit.outputs import write_audit_outputs

        return write_audit_outputs(
            staging,
            result.problem,
            result,
            lang,
            result.comparison,
            figures=dict(result.measures.figures),
            provinces=result.measures.provinces,
        )
    if isinstance(result, ProgressResult):
        return _write_progress(result, staging, lang)
    if isinstance(result, ReplanResult):
        return _write_replan(result, staging, formats, lang, workers)
    if isinstance(result, SimulateResult):
        return _write_simulation(result, staging)
    if isinstance(result, CapacityResult):
        from tkm_assign.scenarios.outputs import write_capacity_outputs

        return write_capacity_outputs(staging, result.answer, lang)
    from tkm_assign.scenarios.outputs import write_scenario_outputs

    return write_scenario_outputs(staging, list(result.results), list(result.configs), lang)


def _write_progress(result: ProgressResult, staging: Path, lang: str) -> list[Path]:
    from tkm_assign.report.running import indicator_sections, write_progress_outputs

    sheets: list = []
    html: list[str] = []
    if result.indicators is not None:
        sheets, html = indicator_sections(result.indicators, lang)
    written = write_progress_outputs(
        staging, result.problem, result.tables, lang, extra_sheets=sheets, extra_html=html
    )
    write_json(result.summary, staging / "progress.json")
    return [*written, staging / "progress.json"]


def _write_replan(
    result: ReplanResult,
    staging: Path,
    formats: tuple[str, ...],
    lang: str,
    workers: int | None = None,
) -> list[Path]:
    """Every output of a plan for the re-planned programme, ``changes.csv`` and the
    mentors' messages."""
    from tkm_assign.messages import Message, render
    from tkm_assign.report import write_plan_outputs
    from tkm_assign.report.running import changes_frame, write_messages

    done = result.replanned
    title = render(Message.of("replan.title", date=done.plan_from, as_of=done.as_of), lang)
    measures = result.measures
    written = write_plan_outputs(
        staging,
        result.problem,
        result.tables,
        lang,
        figures=dict(measures.figures),
        balance=measures.balance,
        provinces=measures.provinces,
        formats=[f for f in formats if f != "txt"],
        workers=workers,
        title=title,
    )
    if "csv" in formats:
        write_csv(changes_frame(result.changes, lang), staging / "changes.csv")
        written.append(staging / "changes.csv")
    if "txt" in formats:
        written += write_messages(staging, result.problem, result.progress.notes, lang)
    return written


def _write_simulation(result: SimulateResult, staging: Path) -> list[Path]:
    """``logbook.csv``, the changed ``participants.csv`` and ``mentors.csv`` (when the
    inputs were given) and ``simulation.json``."""
    from tkm_assign.programme.simulate import logbook_frame

    written = [staging / "logbook.csv"]
    write_csv(logbook_frame(result.logbook), written[0])
    for name, frame in (("participants.csv", result.participants), ("mentors.csv", result.mentors)):
        if frame is not None:
            write_csv(frame, staging / name)
            written.append(staging / name)
    write_json(result.summary, staging / "simulation.json")
    written.append(staging / "simulation.json")
    return written
