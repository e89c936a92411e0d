"""Charts for the HTML report and audit, rendered by matplotlib to inline SVG text.

Figures are built with :class:`matplotlib.figure.Figure` (no pyplot, no global state).
The SVG is cleaned for inlining into an offline HTML page: no XML prolog, no DOCTYPE, no
metadata and no namespace URLs, so the page holds no external reference of any kind.
Text stays text (``svg.fonttype = none``): smaller files, crisp at any zoom.
"""

from __future__ import annotations

import functools
import html
import io
import math
import re
from collections.abc import Sequence
from typing import Any

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator, PercentFormatter
from matplotlib.transforms import blended_transform_factory

from tkm_assign.report.figures import BASELINE_2024, SESSION_BINS, balance_utilisation
from tkm_assign.report.i18n import Labels

TEAL = "#0f766e"
TEAL_LIGHT = "#5eead4"
GREY = "#9ca3af"
AMBER = "#f59e0b"
RED = "#dc2626"
INK = "#1f2937"
# Charts are drawn narrow enough for a phone; their text stays at least MIN_TEXT_PX on
# screen: an SVG gets a CSS min-width at which its smallest text is that size (a wider
# chart, e.g. one bar per mentor of a national plan, scrolls sideways on a phone).
WIDTH_IN = 7.5
MIN_TEXT_PX = 10.0
SMALL_PT = 8  # tick labels, bar labels, legends: the smallest text of any chart
BAR_IN = 0.16  # width per bar of the per-mentor charts (room for a rotated id)
# Margins of the per-mentor charts (inches): room for the y axis' ticks and label, for the
# title and legend above the bars, the gap between a bar and its id, and the edges.
MENTOR_LEFT_IN = 0.7
MENTOR_TOP_IN = 0.45
MENTOR_ID_GAP_IN = 0.05
MENTOR_MARGIN_IN = 0.1

# Every text drawn on a chart or map is plain text: ids and names may hold "$", which
# matplotlib would otherwise read as maths (and fail on, or silently draw as formulas).
# Text objects read this when created, tick labels when drawn: build and save inside it.
PLAIN_TEXT: Any = {"text.parse_math": False, "text.usetex": False}

# Ids, names and scenario names drawn on a chart or map are cut: a long one would squeeze
# the drawing to nothing (a 5,000-character name in a legend collapses the map).
MAX_LABEL_CHARS = 24


def chart_text(text: object, limit: int = MAX_LABEL_CHARS) -> str:
    """``text`` as a chart or map draws it: at most ``limit`` characters (then an ellipsis),
    and ``?`` for a character the charts' font cannot draw (e.g. Chinese script)."""
    drawable = _drawable()
    shown = "".join(c if ord(c) in drawable else "?" for c in str(text))
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


@functools.cache
def _drawable() -> frozenset[int]:
    """Code points of the charts' font (DejaVu Sans, which matplotlib ships)."""
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    with mpl.rc_context(_STYLE):
        path = font_manager.findfont(font_manager.FontProperties(family=["sans-serif"]))
    return frozenset(FT2Font(path).get_charmap())


_STYLE: Any = {
    **PLAIN_TEXT,
    "svg.fonttype": "none",
    "svg.hashsalt": "tkm_assign",  # stable element ids: same plan, same file
    "font.family": "sans-serif",  # DejaVu Sans (bundled) first, browser fonts as fallback
    "font.size": 9,
    "axes.edgecolor": "#d1d5db",
    "axes.labelcolor": INK,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "xtick.color": "#4b5563",
    "ytick.color": "#4b5563",
    "axes.titleweight": "bold",
    "axes.titlesize": 10,
    "axes.grid": True,
    "grid.color": "#eef0f3",
    "axes.axisbelow": True,
}


def figure(width_in: float = 8.0, height_in: float = 3.2) -> Figure:
    with mpl.rc_context(_STYLE):
        return Figure(figsize=(width_in, height_in), layout="constrained")


def to_svg(fig: Figure, tips: dict[str, str] | None = None) -> str:
    """Inline SVG text of ``fig`` without prolog, metadata or namespace URLs.

    ``tips`` maps the gid of an artist (``patch.set_gid``) to its tooltip, shown when the
    pointer rests on it or it is tapped (an SVG ``<title>``). The SVG gets a CSS
    ``min-width`` at which its smallest text is :data:`MIN_TEXT_PX` on screen.
    """
    buffer = io.StringIO()
    with mpl.rc_context(_STYLE):
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r"<metadata>.*?</metadata>", "", svg, flags=re.DOTALL)
    # The HTML parser knows the SVG and xlink namespaces; the URLs are not needed inline.
    svg = re.sub(r'\s+xmlns(:\w+)?="[^"]*"', "", svg)
    for gid, tip in (tips or {}).items():
        svg = svg.replace(f'<g id="{gid}">', f'<g id="{gid}"><title>{html.escape(tip)}</title>', 1)
    sizes = [float(size) for size in re.findall(r"font-size: ([0-9.]+)px", svg)]
    box = re.search(r'viewBox="0 0 ([0-9.]+) ', svg)
    style = ""
    if sizes and box:
        style = f' style="min-width: {math.ceil(float(box.group(1)) * MIN_TEXT_PX / min(sizes))}px"'
    return svg.replace("<svg ", f'<svg role="img"{style} ', 1)


def _mentor_width(n: int) -> float:
    """Width of a chart with one bar per mentor: every id readable, at least the page's."""
    return max(WIDTH_IN, BAR_IN * n + 1.2)


def _mentor_figure(ids: Sequence[str], height_in: float) -> Figure:
    """The figure of a chart with one bar per mentor, its axes placed by hand.

    A national plan has 150 bars and ids; matplotlib's constrained layout would measure
    every id and tick again on each pass. The margins here are fixed but for the bottom
    one, which fits the longest id drawn upright (each id is measured once).
    """
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    width_in = _mentor_width(len(ids))
    with mpl.rc_context(_STYLE):
        font = FontProperties(size=SMALL_PT)
        measure = TextToPath()
        longest_pt = max(
            (measure.get_text_width_height_descent(i, font, ismath=False)[0] for i in ids),
            default=0.0,
        )
        fig = Figure(figsize=(width_in, height_in))
    bottom_in = MENTOR_ID_GAP_IN + longest_pt / 72.0 + MENTOR_MARGIN_IN
    fig.subplots_adjust(
        left=MENTOR_LEFT_IN / width_in,
        right=1.0 - MENTOR_MARGIN_IN / width_in,
        bottom=min(bottom_in / height_in, 0.6),
        top=1.0 - MENTOR_TOP_IN / height_in,
    )
    return fig


def sessions_chart(shares: dict[str, float], labels: Labels) -> str:
    """Share of participants per sessions-in-three-months bin: 2024 against this plan."""
    fig = figure(WIDTH_IN, 3.4)
    with mpl.rc_context(_STYLE):
        ax = fig.add_subplot()
        x = np.arange(len(SESSION_BINS))
        width = 0.38
        base = [BASELINE_2024[b] for b in SESSION_BINS]
        plan = [shares.get(b, 0.0) for b in SESSION_BINS]
        bars_base = ax.bar(x - width / 2, base, width, color=GREY, label=labels["baseline_2024"])
        bars_plan = ax.bar(x + width / 2, plan, width, color=TEAL, label=labels["this_plan"])
        for bars, values in ((bars_base, base), (bars_plan, plan)):
            ax.bar_label(
                bars, labels=[labels.percent(v) for v in values], padding=2, fontsize=SMALL_PT
            )
        ax.set_xticks(x, [labels["bin_low"], labels["bin_mid"], labels["bin_high"]])
        ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        ax.set_ylim(0, max([*base, *plan, 0.1]) * 1.15)
        ax.set_ylabel(labels["share_of_participants"])
        ax.legend(frameon=False, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2)
        ax.grid(axis="x", visible=False)
    return to_svg(fig)


def _few_bars(ax: Axes, n: int) -> None:
    """Keep bars slim when there are only a few mentors."""
    ax.set_xlim(-0.6, max(n, 16) - 0.4)


def _mentor_bars(
    ax: Axes,
    values: Any,
    colours: Sequence[str],
    ids: Sequence[str],
    name: str,
    tips: Sequence[str],
) -> dict[str, str]:
    """One bar per mentor, ``ids`` (as drawn) under each, and each bar's tooltip (by its
    gid)."""
    x = np.arange(len(values))
    bars = ax.bar(x, values, width=0.85, color=colours, linewidth=0)
    for k, patch in enumerate(bars):
        patch.set_gid(f"{name}-{k}")
    _few_bars(ax, len(values))
    # Each id as a plain text under its bar, not a tick: a tick is four artists, and the
    # figure's margins already fit the ids (_mentor_figure).
    ax.set_xticks([])
    under = blended_transform_factory(ax.transData, ax.transAxes)
    fig = ax.get_figure(root=True)
    assert isinstance(fig, Figure)
    gap = -MENTOR_ID_GAP_IN / ax.get_position().height / fig.get_figheight()
    for k, i in enumerate(ids):
        ax.text(k, gap, i, rotation=90, fontsize=SMALL_PT, ha="center", va="top", transform=under)
    return {f"{name}-{k}": tip for k, tip in enumerate(tips)}


def utilisation_chart(balance: pd.DataFrame, labels: Labels, idle_below: float) -> str:
    """Utilisation of every mentor, busiest first, labelled with mentor ids (a tooltip per
    bar); red over 100 %, grey when idle."""
    util = balance_utilisation(balance).to_numpy() * 100.0
    order = np.argsort(-util, kind="stable")
    util = util[order]
    ids = balance["mentor_id"].to_numpy()[order]
    provinces = balance["province"].to_numpy()[order]
    caseload = balance["caseload"].to_numpy()[order]
    colours = [
        RED if u > 100.0 + 1e-6 else AMBER if u >= 90.0 else GREY if u < idle_below * 100 else TEAL
        for u in util
    ]
    shown = [chart_text(i) for i in ids]
    fig = _mentor_figure(shown, 3.4)
    people = labels["participants_total"].lower()
    with mpl.rc_context(_STYLE):
        ax = fig.add_subplot()
        tips = _mentor_bars(
            ax,
            util,
            colours,
            shown,
            "utilisation",
            [
                f"{ids[k]} · {provinces[k]}: {labels.percent(util[k] / 100.0, 0)} · "
                f"{labels.number(float(caseload[k]))} {people}"
                for k in range(len(util))
            ],
        )
        ax.axhline(100.0, color=RED, linewidth=0.8, linestyle="--")
        ax.set_ylabel(labels["utilisation_pct"])
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_ylim(0, max(110.0, float(util.max()) * 1.08 if len(util) else 110.0))
        ax.grid(axis="x", visible=False)
        ax.set_title(labels["workload_per_mentor"], loc="left")
        bands = [
            Patch(color=RED, label="> 100 %"),
            Patch(color=AMBER, label="90–100 %"),
            Patch(color=TEAL, label=labels.value("ok")),
            Patch(color=GREY, label=f"{labels.value('idle')} (< {idle_below * 100:.0f} %)"),
        ]
        ax.legend(
            handles=bands,
            loc="lower right",
            bbox_to_anchor=(1.0, 1.0),
            frameon=False,
            ncol=4,
            fontsize=SMALL_PT,
        )
    return to_svg(fig, tips)


def caseload_chart(balance: pd.DataFrame, labels: Labels) -> str:
    """Caseload of every mentor, largest first, against each mentor's cap; labelled with
    mentor ids, a tooltip per bar, whole numbers on the axis."""
    order = np.argsort(-balance["caseload"].to_numpy(), kind="stable")
    caseload = balance["caseload"].to_numpy()[order]
    cap = balance["max_caseload"].to_numpy()[order]
    ids = balance["mentor_id"].to_numpy()[order]
    provinces = balance["province"].to_numpy()[order]
    colours = [RED if c > m else TEAL for c, m in zip(caseload, cap, strict=True)]
    shown = [chart_text(i) for i in ids]
    fig = _mentor_figure(shown, 3.0)
    people = labels["participants_total"].lower()
    with mpl.rc_context(_STYLE):
        ax = fig.add_subplot()
        tips = _mentor_bars(
            ax,
            caseload,
            colours,
            shown,
            "caseload",
            [
                f"{ids[k]} · {provinces[k]}: {labels.number(float(caseload[k]))} / "
                f"{labels.number(float(cap[k]))} {people}"
                for k in range(len(caseload))
            ],
        )
        ax.step(np.arange(len(cap)), cap, where="mid", color=INK, linewidth=0.8, linestyle=":")
        ax.set_ylabel(labels["caseload"])
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.grid(axis="x", visible=False)
        ax.set_title(labels["caseload_per_mentor"], loc="left")
    return to_svg(fig, tips)


def province_chart(provinces: pd.DataFrame, labels: Labels) -> str:
    """Per province: mean mentor utilisation with its min–max range, and participants served."""
    data = provinces.dropna(subset=["utilisation_mean"]).sort_values("utilisation_mean")
    height = max(2.2, 0.24 * len(data) + 0.9)
    fig = figure(WIDTH_IN, height)
    with mpl.rc_context(_STYLE):
        ax = fig.add_subplot()
        y = np.arange(len(data))
        mean = data["utilisation_mean"].to_numpy(dtype=float) * 100
        low = data["utilisation_min"].to_numpy(dtype=float) * 100
        high = data["utilisation_max"].to_numpy(dtype=float) * 100
        ax.hlines(y, low, high, color=TEAL_LIGHT, linewidth=4)
        ax.scatter(mean, y, color=[RED if m > 100 else TEAL for m in mean], zorder=3, s=18)
        ax.axvline(100.0, color=RED, linewidth=0.8, linestyle="--")
        names = [
            f"{name}  ({served}/{total})"
            for name, served, total in zip(
                data["province"], data["assigned"], data["participants"], strict=True
            )
        ]
        ax.set_yticks(y, names, fontsize=SMALL_PT)
        ax.set_xlabel(labels["utilisation_pct"])
        ax.set_xlim(0, max(110.0, float(high.max()) * 1.05 if len(high) else 110.0))
        ax.grid(axis="y", visible=False)
    return to_svg(fig)


def travel_chart(travel_min: Sequence[float], labels: Labels) -> str:
    """Histogram of one-way travel minutes, mentor home to participant."""
    values = np.asarray([t for t in travel_min if np.isfinite(t)], dtype=float)
    fig = figure(WIDTH_IN, 3.0)
    with mpl.rc_context(_STYLE):
        ax = fig.add_subplot()
        if values.size:
            top = max(30.0, float(np.ceil(values.max() / 15.0) * 15.0))
            ax.hist(values, bins=np.arange(0.0, top + 15.0, 15.0).tolist(), color=TEAL, rwidth=0.9)
            ax.axvline(float(np.median(values)), color=INK, linewidth=0.8, linestyle="--")
        ax.set_xlabel(labels["minutes"])
        ax.set_ylabel(labels["participants_count"])
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.grid(axis="x", visible=False)
        ax.set_title(labels["travel_distribution"], loc="left")
    return to_svg(fig)
