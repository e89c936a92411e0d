"""Outputs of a plan: tables, workbook, calendars, printable schedules, report, maps, GeoPackage.

Everything is written from one :class:`~tkm_assign.report.tables.PlanTables` plus the
:class:`~tkm_assign.model.Problem` it was planned for, by :func:`write_plan_outputs`. The
caller provides an empty (staging) folder, normally from
:func:`tkm_assign.io.output.atomic_output_dir`, so an interrupted run leaves nothing behind.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Collection
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tkm_assign.io.output import write_csv, write_json
from tkm_assign.messages import rendered
from tkm_assign.model import Problem
from tkm_assign.report.tables import PlanTables, rendered_frame

if TYPE_CHECKING:
    import pandas as pd

    from tkm_assign.assign.remedies import UnservedReview

# The writers (matplotlib, openpyxl, icalendar, jinja2) are imported when outputs are
# written, not when a solver imports ``tkm_assign.report.tables``: worker processes of the
# solvers stay light.

__all__ = ["FORMATS", "PlanTables", "plan_summary", "write_plan_outputs", "write_plan_tables"]

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
    title
        The title of ``report.html`` and the first line of the workbook's summary (a
        re-plan names its as-of date); the plan's own title when ``None``.

    Returns
    -------
    list of Path
        Every file written: the CSVs, ``summary.json``, ``plan.xlsx``,
        ``calendars/<mentor_id>.ics`` and ``.html``, ``map.png``, ``maps/<code>.png``,
        ``report.html`` and ``plan.gpkg``.

    Raises
    ------
    ValueError
        For a format not in :data:`FORMATS`.
    """
    from tkm_assign.report.calendars import write_calendars
    from tkm_assign.report.figures import key_figures, mentor_balance, province_table
    from tkm_assign.report.gpkg import write_geopackage
    from tkm_assign.report.html import render_report
    from tkm_assign.report.i18n import Labels
    from tkm_assign.report.maps import write_maps
    from tkm_assign.report.printable import write_printables
    from tkm_assign.report.workbook import summary_rows, write_plan_workbook

    wanted = set(FORMATS if formats is None else formats)
    unknown = sorted(wanted - set(FORMATS))
    if unknown:
        raise ValueError(f"unknown output format {unknown[0]!r}; expected one of {FORMATS}")
    labels = Labels(lang)
    generated = dt.datetime.now().astimezone().replace(microsecond=0)
    if balance is None:
        balance = mentor_balance(problem, tables)
    if provinces is None:
        provinces = province_table(problem, tables, balance)
    if figures is None:
        figures = key_figures(problem, tables, balance)

    written = write_plan_tables(folder, tables, lang) if "csv" in wanted else []
    if "json" in wanted:
        write_json(rendered(plan_summary(problem, tables, figures), lang), folder / "summary.json")
        written.append(folder / "summary.json")

    if unserved is None and ("xlsx" in wanted or "html" in wanted):
        unserved = _review_unserved(problem, tables)
    if "xlsx" in wanted:
        log.info("writing plan.xlsx")
        workbook = folder / "plan.xlsx"
        rows = summary_rows(problem, figures, labels, generated)
        if title:
            rows.insert(0, (title, "", None))
        write_plan_workbook(workbook, problem, tables, labels, rows, balance, provinces, unserved)
        written.append(workbook)

    if "ics" in wanted or "html" in wanted:
        log.info("writing calendars and printable schedules")
    if "ics" in wanted:
        written += write_calendars(folder, problem, tables, labels)
    if "html" in wanted:
        written += write_printables(folder, problem, tables, labels)

    preview = None
    if "png" in wanted:
        log.info("drawing maps")
        maps, preview = write_maps(folder, problem, tables, labels)
        written += maps

    if "html" in wanted:
        log.info("writing report.html")
        report = folder / "report.html"
        page = render_report(
            problem,
            tables,
            labels,
            figures,
            balance,
            provinces,
            preview,
            generated,
            title,
            unserved=unserved,
        )
        report.write_text(page, encoding="utf-8")
        written.append(report)

    if "gpkg" in wanted:
        log.info("writing plan.gpkg")
        gpkg = folder / "plan.gpkg"
        write_geopackage(gpkg, problem, tables, balance, lang)
        written.append(gpkg)
    return written


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
