"""Files of an audit: violations, mentor balance, summary, workbook and HTML report."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol

import pandas as pd
from markupsafe import Markup

from tkm_assign.audit.checks import VIOLATION
from tkm_assign.io.output import write_csv, write_json
from tkm_assign.messages import MESSAGES, rendered, template
from tkm_assign.model import Problem
from tkm_assign.report.figures import key_figures, province_table, text
from tkm_assign.report.html import MAX_TABLE_ROWS, environment, render_report
from tkm_assign.report.i18n import Labels
from tkm_assign.report.tables import PlanTables, rendered_frame
from tkm_assign.report.workbook import (
    INTEGER,
    Sheet,
    frame_sheet,
    plan_sheets,
    summary_rows,
    write_workbook,
)

log = logging.getLogger("tkm_assign")


class AuditedPlan(Protocol):
    """What the audit's writers read: :class:`tkm_assign.audit.AuditResult` or the
    application layer's :class:`tkm_assign.app.AuditResult`."""

    @property
    def violations(self) -> pd.DataFrame: ...
    @property
    def balance(self) -> pd.DataFrame: ...
    @property
    def summary(self) -> Mapping[str, Any]: ...
    @property
    def tables(self) -> PlanTables: ...
    @property
    def clean(self) -> bool: ...


PERCENT_MEASURES = frozenset({"sector_match_rate", "target_share", "utilisation_max"})


def rule_title(rule: str, labels: Labels) -> str:
    """The title of an audit rule in the labels' language (the code when it has none)."""
    code = f"rule.{rule}"
    return template(code, labels.lang) if code in MESSAGES else rule


def _rule_rows(result: AuditedPlan, labels: Labels) -> list[dict[str, Any]]:
    return [
        {
            "title": rule_title(rule, labels),
            "severity": labels.value(severity),
            "severity_code": severity,
            "count": labels.number(n),
        }
        for rule, severity, n in rule_counts(result)
    ]


def rule_counts(result: AuditedPlan) -> list[tuple[str, str, int]]:
    """(rule, severity, findings) in report order."""
    counts = result.violations.groupby(["rule", "severity"], sort=False).size()
    return [
        (str(key[0]), str(key[1]), int(n)) for key, n in counts.items() if isinstance(key, tuple)
    ]


def _comparison_rows(comparison: pd.DataFrame | None, labels: Labels) -> list[dict[str, Any]]:
    if comparison is None:
        return []
    rows = []
    for record in comparison.to_dict("records"):
        measure = str(record["measure"])

        def shown(value: float, measure: str = measure, signed: bool = False) -> str:
            if measure in PERCENT_MEASURES:
                text = labels.percent(value, 1)
            elif float(value).is_integer():
                text = labels.number(value)
            else:
                text = labels.number(value, 2)
            return f"+{text}" if signed and value > 0 else text

        rows.append(
            {
                "label": labels[f"cmp_{measure}"],
                "audited": shown(record["audited"]),
                "optimised": shown(record["optimised"]),
                "change": shown(record["change"], signed=True),
                "better": bool(record["better"]),
            }
        )
    return rows


def comparison_lines(comparison: pd.DataFrame, lang: str) -> list[str]:
    """What the optimizer would improve, one line per measure it improves, in words:
    ``Peserta terlayani: 410 -> 412 (+2)``."""
    labels = Labels(lang)
    better = comparison[comparison["better"].astype(bool)]
    return [
        f"{row['label']}: {row['audited']} -> {row['optimised']} ({row['change']})"
        for row in _comparison_rows(better, labels)
    ]


def audit_sections(result: AuditedPlan, labels: Labels, comparison: pd.DataFrame | None) -> Markup:
    """The audit's own sections of ``audit.html``: findings by rule, details, comparison."""
    violations = result.violations
    heads = [
        labels.column(c)
        for c in ("rule", "severity", "mentor_id", "participant_id", "date", "month", "details")
    ]
    rows = [
        [
            rule_title(str(r.rule), labels),
            labels.value(r.severity),
            r.mentor_id,
            r.participant_id,
            r.date or "",
            text(r.month),
            labels.message(r.details),
        ]
        for r in violations.head(MAX_TABLE_ROWS).itertuples()
    ]
    truncated = ""
    if len(violations) > len(rows):
        truncated = labels.text("table_truncated", shown=len(rows), total=len(violations))
        truncated = truncated.replace("plan.xlsx", "audit.xlsx")
    html = (
        environment()
        .get_template("audit_sections.html.j2")
        .render(
            L=labels,
            clean=result.clean,
            rule_rows=_rule_rows(result, labels),
            heads=heads,
            rows=rows,
            total=len(violations),
            truncated=truncated,
            comparison=_comparison_rows(comparison, labels),
        )
    )
    return Markup(html)


def _violations_sheet(result: AuditedPlan, labels: Labels) -> Sheet:
    frame = rendered_frame(result.violations, labels.lang).assign(
        rule=[rule_title(r, labels) for r in result.violations["rule"]]
    )
    return frame_sheet(labels["sheet_violations"], frame)


def _comparison_sheet(comparison: pd.DataFrame, labels: Labels) -> Sheet:
    rows = [
        [labels[f"cmp_{r.measure}"], r.audited, r.optimised, r.change, labels.value(bool(r.better))]
        for r in comparison.itertuples()
    ]
    return Sheet(
        labels["sheet_comparison"], ["measure", "audited", "optimised", "change", "better"], rows
    )


def write_audit_outputs(
    folder: Path,
    problem: Problem,
    result: AuditedPlan,
    lang: str,
    comparison: pd.DataFrame | None = None,
    *,
    figures: dict[str, Any] | None = None,
    provinces: pd.DataFrame | None = None,
) -> list[Path]:
    """Write an audit into ``folder`` (an existing, normally empty staging folder).

    Parameters
    ----------
    folder
        Output folder.
    problem
        The problem the plan was audited against.
    result
        From :func:`tkm_assign.audit.audit_plan`.
    lang
        ``"id"`` or ``"en"``.
    comparison
        From :func:`tkm_assign.audit.compare_tables` when a comparison was asked.
    figures, provinces
        The audited plan's key figures and per-province table; computed when not given.

    Returns
    -------
    list of Path
        ``violations.csv``, ``mentor_balance.csv``, ``audit_summary.json``, ``audit.xlsx``,
        ``audit.html`` and, with a comparison, ``comparison.csv``.
    """
    labels = Labels(lang)
    generated = dt.datetime.now().astimezone().replace(microsecond=0)
    tables = result.tables
    balance = result.balance
    if provinces is None:
        provinces = province_table(problem, tables, balance)
    if figures is None:
        figures = key_figures(problem, tables, balance)

    written = []
    for name, frame in (("violations.csv", result.violations), ("mentor_balance.csv", balance)):
        write_csv(rendered_frame(frame, lang), folder / name)
        written.append(folder / name)
    summary = dict(result.summary)
    summary["figures"] = figures
    if comparison is not None:
        write_csv(comparison, folder / "comparison.csv")
        written.append(folder / "comparison.csv")
        summary["comparison"] = comparison.to_dict("records")
    write_json(rendered(summary, lang), folder / "audit_summary.json")
    written.append(folder / "audit_summary.json")

    head: list[tuple[str, Any, str | None]] = [
        (labels["audit_summary_clean"], labels.value(result.clean), None),
        (labels["violations_count"], result.summary["violations"], INTEGER),
        (labels["notes_count"], result.summary["notes"], INTEGER),
    ]
    head += [
        (f"{rule_title(rule, labels)} ({labels.value(severity)})", n, INTEGER)
        for rule, severity, n in rule_counts(result)
    ]
    rows = head + summary_rows(problem, figures, labels, generated)
    sheets = plan_sheets(problem, tables, labels, rows, balance, provinces)
    sheets.insert(1, _violations_sheet(result, labels))
    if comparison is not None:
        sheets.insert(2, _comparison_sheet(comparison, labels))
    workbook = folder / "audit.xlsx"
    write_workbook(workbook, sheets, labels)
    written.append(workbook)

    page = render_report(
        problem,
        tables,
        labels,
        figures,
        balance,
        provinces,
        map_png=None,
        generated=generated,
        title=labels["audit_title"],
        extra_sections=[audit_sections(result, labels, comparison)],
    )
    (folder / "audit.html").write_text(page, encoding="utf-8")
    written.append(folder / "audit.html")
    n_violations = int((result.violations["severity"] == VIOLATION).sum())
    log.info("audit outputs written: %d violations", n_violations)
    return written
