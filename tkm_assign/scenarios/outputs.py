"""Files of ``tkm-assign capacity`` and ``tkm-assign scenarios``: tables, charts, workbook.

Writers take a staging folder (normally from :func:`tkm_assign.io.output.atomic_output_dir`)
and return the paths they wrote. Charts are drawn with :class:`matplotlib.figure.Figure`
(no pyplot, no global state); their words follow ``output.lang``.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator, PercentFormatter

from tkm_assign.config import Config
from tkm_assign.io.output import write_csv, write_json
from tkm_assign.messages import MESSAGES, Message, rendered, template
from tkm_assign.report.charts import PLAIN_TEXT, chart_text
from tkm_assign.scenarios.capacity import CapacityResult
from tkm_assign.scenarios.grid import RECOMMENDED_SESSIONS, Scenario, ScenarioResult
from tkm_assign.scenarios.tables import (
    capacity_summary,
    capacity_table,
    suggested_mentors_frame,
)

log = logging.getLogger("tkm_assign")

TEAL = "#0f766e"
AMBER = "#f59e0b"
GREY = "#cbd5e1"
INK = "#1f2937"
DPI = 120

_STYLE: Any = {
    **PLAIN_TEXT,
    "font.family": "sans-serif",
    "font.size": 9,
    "axes.edgecolor": "#d1d5db",
    "axes.labelcolor": INK,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#eef0f3",
    "axes.axisbelow": True,
    "axes.titleweight": "bold",
    "axes.titlesize": 10,
}


def _word(key: str, lang: str) -> str:
    """A word of the charts (``chart.*`` in the catalogue)."""
    return template(f"chart.{key}", lang)


def write_capacity_outputs(folder: Path, result: CapacityResult, lang: str) -> list[Path]:
    """``capacity.csv``, ``suggested_mentors.csv``, ``capacity_summary.json`` and
    ``capacity.png`` into ``folder``.

    Returns
    -------
    list of Path
        The files written.
    """
    table = capacity_table(result)
    paths = [
        folder / "capacity.csv",
        folder / "suggested_mentors.csv",
        folder / "capacity_summary.json",
        folder / "capacity.png",
    ]
    write_csv(table, paths[0])
    write_csv(suggested_mentors_frame(result), paths[1])
    write_json(rendered(capacity_summary(result, table), lang), paths[2])
    with mpl.rc_context(_STYLE):  # tick labels are made while saving
        capacity_chart(table, lang).savefig(
            paths[3], dpi=DPI, facecolor="white", bbox_inches="tight"
        )
    return paths


def capacity_chart(table: pd.DataFrame, lang: str) -> Figure:
    """Horizontal bars per province: existing mentors kept, spare ones, mentors to add, and
    the counting lower bound as a tick."""
    rows = table.iloc[::-1]  # first province at the top
    y = np.arange(len(rows))
    kept = (rows["mentors_needed"] - rows["to_add"]).to_numpy(dtype=float)
    spare = rows["spare"].to_numpy(dtype=float)
    add = rows["to_add"].to_numpy(dtype=float)
    with mpl.rc_context(_STYLE):
        fig = Figure(figsize=(8.0, 0.28 * len(rows) + 1.4), layout="constrained")
        ax = fig.add_subplot()
        ax.barh(y, kept, color=TEAL, label=_word("kept", lang))
        ax.barh(y, add, left=kept, color=AMBER, label=_word("add", lang))
        ax.barh(y, spare, left=kept + add, color=GREY, label=_word("spare", lang))
        ax.scatter(
            rows["lower_bound"],
            y,
            marker="|",
            s=120,
            color=INK,
            label=_word("bound", lang),
            zorder=3,
        )
        ax.set_yticks(y, list(rows["province"]))
        ax.set_xlabel(_word("mentors", lang))
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.grid(axis="y", visible=False)
        ax.set_title(_word("capacity_title", lang))
        ax.legend(frameon=False, loc="lower right", fontsize=8)
        if len(rows):
            ax.set_ylim(-0.6, len(rows) - 0.4)
    return fig


def scenario_chart(
    table: pd.DataFrame, measures: Sequence[tuple[str, str, bool]], lang: str
) -> Figure:
    """Small multiples: one panel per measure ``(column, title, is_share)``, one bar per
    scenario."""
    names = [chart_text(name, 40) for name in table["scenario"]]
    shown = [m for m in measures if m[0] in table.columns and table[m[0]].notna().any()]
    cols = 3
    n_rows = max(1, -(-len(shown) // cols))
    with mpl.rc_context(_STYLE):
        fig = Figure(figsize=(11.0, 2.6 * n_rows + 0.6), layout="constrained")
        fig.suptitle(_word("scenarios_title", lang), fontweight="bold")
        axes = fig.subplots(n_rows, cols, squeeze=False)
        for k, ax in enumerate(axes.flat):
            if k >= len(shown):
                ax.set_visible(False)
                continue
            column, title, is_share = shown[k]
            values = table[column].astype(float).fillna(0.0).to_numpy()
            x = np.arange(len(names))
            bars = ax.bar(x, values, color=TEAL if k % 2 == 0 else AMBER)
            labels = [f"{v:.0%}" if is_share else _short_number(float(v)) for v in values]
            ax.bar_label(bars, labels=labels, padding=2, fontsize=7)
            ax.set_xticks(
                x,
                names,
                rotation=20 if len(names) > 3 else 0,
                ha="right" if len(names) > 3 else "center",
                fontsize=7,
            )
            ax.set_title(title, fontsize=9)
            ax.grid(axis="x", visible=False)
            if is_share:
                ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
                ax.set_ylim(0, 1.12)
            else:
                ax.set_ylim(0, max(float(values.max(initial=0.0)) * 1.18, 1.0))
                ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: _tick(v)))
    return fig


def _tick(value: float) -> str:
    """Axis ticks: ``500``, ``5k``, ``2.5M``, ``1B``."""
    for size, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= size:
            return f"{value / size:g}{suffix}"
    return f"{value:g}"


def _short_number(value: float) -> str:
    """``1.2M``, ``35k``, ``214`` -- bar labels that fit."""
    size = abs(value)
    if size >= 1e9:
        return f"{value / 1e9:.1f}B"
    if size >= 1e6:
        return f"{value / 1e6:.1f}M"
    if size >= 1e4:
        return f"{value / 1e3:.0f}k"
    return f"{value:,.0f}" if size >= 10 else f"{value:.1f}".rstrip("0").rstrip(".")


# --- scenarios ---------------------------------------------------------------------------------

SCENARIO_COLUMNS = (
    "scenario",
    "settings",
    "participants",
    "served",
    "served_share",
    "sector_match_share",
    "meeting_2_4_share",
    "sessions_3m_0_2_pct",
    "sessions_3m_3_4_pct",
    "sessions_3m_over_4_pct",
    "simulated_followed_0_2_pct",
    "simulated_followed_3_4_pct",
    "simulated_followed_over_4_pct",
    "simulated_replanned_0_2_pct",
    "simulated_replanned_3_4_pct",
    "simulated_replanned_over_4_pct",
    "sessions",
    "onsite_visits",
    "online_sessions",
    "shortfall_participant_months",
    "mentors",
    "mentors_with_participants",
    "mentor_hours",
    "travel_hours",
    "travel_km",
    "mentor_months",
    "mentors_needed",
    "mentors_to_add",
    "participants_short_with_needed",
    "cost_idr",
    "cost_full_idr",
)
SHARE_COLUMNS = frozenset({"served_share", "sector_match_share", "meeting_2_4_share"})
CHART_COLUMNS = (
    "served_share",
    "sector_match_share",
    "meeting_2_4_share",
    "onsite_visits",
    "mentor_hours",
    "travel_hours",
    "mentors_needed",
    "cost_full_idr",
)


def scenario_header(column: str, lang: str) -> str:
    """Header of a scenario table column (``scenario_column.*`` in the catalogue)."""
    code = f"scenario_column.{column}"
    return template(code, lang) if code in MESSAGES else column


def chart_measures(lang: str) -> tuple[tuple[str, str, bool], ...]:
    """(column, title, is a share) of each measure the scenario chart draws."""
    return tuple((c, scenario_header(c, lang), c in SHARE_COLUMNS) for c in CHART_COLUMNS)


def scenario_table(results: Sequence[ScenarioResult]) -> pd.DataFrame:
    """``scenarios.csv``: one row per scenario in run order; cost columns only when
    ``[cost]`` rates are set."""
    rows = []
    for result in results:
        row: dict[str, Any] = {
            "scenario": result.scenario.name,
            "settings": "; ".join(f"{k}={_setting(v)}" for k, v in result.scenario.settings),
        }
        row.update({k: v for k, v in result.measures.items() if k != "seconds"})
        rows.append(row)
    table = pd.DataFrame(rows)
    columns = [c for c in SCENARIO_COLUMNS if c in table.columns]
    return table[columns] if len(table) else pd.DataFrame(columns=columns)


def _setting(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def write_scenario_outputs(
    folder: Path, results: Sequence[ScenarioResult], configs: Sequence[Config], lang: str
) -> list[Path]:
    """``scenarios.csv``, ``scenarios.xlsx``, ``scenarios.png`` and
    ``scenarios_summary.json`` (every scenario's settings, full configuration and run time).
    """
    from tkm_assign.report.i18n import Labels
    from tkm_assign.report.workbook import Sheet, write_workbook

    table = scenario_table(results)
    paths = [
        folder / "scenarios.csv",
        folder / "scenarios.xlsx",
        folder / "scenarios.png",
        folder / "scenarios_summary.json",
    ]
    write_csv(table, paths[0])
    headers = [scenario_header(c, lang) for c in table.columns]
    formats = {
        j: ("0.0%" if c in SHARE_COLUMNS else "#,##0.0" if table[c].dtype.kind == "f" else "#,##0")
        for j, c in enumerate(table.columns)
        if c not in ("scenario", "settings")
    }
    rows = table.astype(object).where(table.notna(), None).values.tolist()
    sheet = Sheet(
        title=Labels(lang)["sheet_scenarios"],
        columns=headers,
        rows=rows,
        cell_formats={(i, j): fmt for i in range(len(rows)) for j, fmt in formats.items()},
    )
    write_workbook(paths[1], [sheet], Labels(lang))
    with mpl.rc_context(_STYLE):  # tick labels are made while saving
        fig = scenario_chart(table, chart_measures(lang), lang)
        fig.savefig(paths[2], dpi=DPI, facecolor="white", bbox_inches="tight")
    write_json(
        {
            "scenarios": [
                {
                    "name": r.scenario.name,
                    "description": r.scenario.description,
                    "settings": dict(r.scenario.settings),
                    "measures": dict(r.measures),
                    "config": config.to_dict(),
                }
                for r, config in zip(results, configs, strict=True)
            ],
            "recommended_sessions_per_month": list(RECOMMENDED_SESSIONS),
        },
        paths[3],
    )
    return paths


# --- finished scenarios of a grid still running (for --resume) -------------------------------

FINISHED_DIR = ".finished"  # inside the staging folder; removed before the folder is moved


def save_finished(folder: Path, index: int, key: str, result: ScenarioResult) -> Path:
    """Keep one finished scenario in ``folder`` (a staging folder) as it arrives.

    Written to a temporary name and renamed, so a run killed while writing leaves either
    the whole record or none.

    Parameters
    ----------
    folder
        The output's staging folder.
    index
        The scenario's place in the grid (names the file).
    key
        :func:`tkm_assign.scenarios.grid.scenario_key` of the scenario.
    result
        Its measures.

    Returns
    -------
    Path
        The record written.
    """
    records = folder / FINISHED_DIR
    records.mkdir(exist_ok=True)
    data = {
        "key": key,
        "scenario": result.scenario.name,
        "measures": dict(result.measures),
        "seconds": result.seconds,
    }
    path = records / f"{index + 1:05d}.json"
    partial = path.with_suffix(".json.partial")
    partial.write_text(json.dumps(data, default=_plain_number, allow_nan=False), "utf-8")
    os.replace(partial, path)
    return path


def load_finished(folder: Path) -> dict[str, ScenarioResult]:
    """The scenarios :func:`save_finished` kept in ``folder``, by key.

    A record that cannot be read (cut short, edited) is ignored: its scenario is planned
    again. The results carry only their measures; the caller puts its scenario in.
    """
    out: dict[str, ScenarioResult] = {}
    records = folder / FINISHED_DIR
    if not records.is_dir():
        return out
    for path in sorted(records.glob("*.json")):
        try:
            data = json.loads(path.read_text("utf-8"))
            key, measures = str(data["key"]), dict(data["measures"])
            out[key] = ScenarioResult(
                Scenario(str(data["scenario"])), measures, float(data["seconds"])
            )
        except (OSError, ValueError, KeyError, TypeError):
            log.warning(Message.of("log.unreadable_record", file=path.name))
    return out


def drop_finished(folder: Path) -> None:
    """Remove the records of finished scenarios: the outputs hold everything they held."""
    shutil.rmtree(folder / FINISHED_DIR, ignore_errors=True)


def _plain_number(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"{type(value).__name__} is not a measure")
