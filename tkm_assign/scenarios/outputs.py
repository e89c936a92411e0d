"""Files of ``tkm-assign capacity`` and ``tkm-assign scenarios``: tables, charts, workbook.

Writers take a staging folder (normally from :func:`tkm_assign.io.output.atomic_output_dir`)
and return the paths they wrote. Charts are drawn with :class:`matplotlib.figure.Figure`
(no pyplot, no global state); their words follow ``output.lang``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator, PercentFormatter

from tkm_assign.io.output import write_csv, write_json
from tkm_assign.scenarios.capacity import CapacityResult
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

WORDS: Mapping[str, Mapping[str, str]] = {
    "id": {
        "capacity_title": "Pendamping per provinsi: yang ada dan yang dibutuhkan",
        "kept": "pendamping yang ada",
        "spare": "cadangan (bisa dipinjamkan)",
        "add": "perlu ditambah",
        "bound": "batas bawah",
        "mentors": "pendamping",
        "scenarios_title": "Perbandingan skenario",
    },
    "en": {
        "capacity_title": "Mentors per province: existing and needed",
        "kept": "existing mentors",
        "spare": "spare (could be lent)",
        "add": "to add",
        "bound": "lower bound",
        "mentors": "mentors",
        "scenarios_title": "Scenario comparison",
    },
}


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
    write_json(capacity_summary(result, table), paths[2])
    capacity_chart(table, lang).savefig(paths[3], dpi=DPI, facecolor="white", bbox_inches="tight")
    return paths


def capacity_chart(table: pd.DataFrame, lang: str) -> Figure:
    """Horizontal bars per province: existing mentors kept, spare ones, mentors to add, and
    the counting lower bound as a tick."""
    words = WORDS[lang]
    rows = table.iloc[::-1]  # first province at the top
    y = np.arange(len(rows))
    kept = (rows["mentors_needed"] - rows["to_add"]).to_numpy(dtype=float)
    spare = rows["spare"].to_numpy(dtype=float)
    add = rows["to_add"].to_numpy(dtype=float)
    with mpl.rc_context(_STYLE):
        fig = Figure(figsize=(8.0, 0.28 * len(rows) + 1.4), layout="constrained")
        ax = fig.add_subplot()
        ax.barh(y, kept, color=TEAL, label=words["kept"])
        ax.barh(y, add, left=kept, color=AMBER, label=words["add"])
        ax.barh(y, spare, left=kept + add, color=GREY, label=words["spare"])
        ax.scatter(
            rows["lower_bound"], y, marker="|", s=120, color=INK, label=words["bound"], zorder=3
        )
        ax.set_yticks(y, list(rows["province"]))
        ax.set_xlabel(words["mentors"])
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.grid(axis="y", visible=False)
        ax.set_title(words["capacity_title"])
        ax.legend(frameon=False, loc="lower right", fontsize=8)
        if len(rows):
            ax.set_ylim(-0.6, len(rows) - 0.4)
    return fig


def scenario_chart(
    table: pd.DataFrame, measures: Sequence[tuple[str, str, bool]], lang: str
) -> Figure:
    """Small multiples: one panel per measure ``(column, title, is_share)``, one bar per
    scenario."""
    words = WORDS[lang]
    names = list(table["scenario"])
    shown = [m for m in measures if m[0] in table.columns and table[m[0]].notna().any()]
    cols = 3
    n_rows = max(1, -(-len(shown) // cols))
    with mpl.rc_context(_STYLE):
        fig = Figure(figsize=(11.0, 2.6 * n_rows + 0.6), layout="constrained")
        fig.suptitle(words["scenarios_title"], fontweight="bold")
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
    return fig


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
