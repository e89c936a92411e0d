"""Maps of a plan: the country view ``map.png`` and per-province zooms ``maps/<code>.png``.

Province (and, in zooms, regency) outlines come from :func:`load_geography`; mentors are
stars at their homes, participants dots coloured by their mentor, joined to the mentor by a
thin assignment line; participants without a mentor are red crosses.

Colours: neighbouring mentors (each mentor and its nearest mentors) get different colours
by greedy graph colouring, so a small palette keeps adjacent caseloads apart.

A province gets its own zoom when the country view is too coarse for it: when it has
participants and its extent (participants, their mentors and the province outline) is less
than a quarter of the country view's width — which, across Indonesia's 5,000 km, is
nearly every province.
"""

from __future__ import annotations

import io
import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import matplotlib as mpl
import networkx as nx
import numpy as np
import numpy.typing as npt
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from tkm_assign.geo.regions import Geography, haversine_km, load_geography
from tkm_assign.model import Problem
from tkm_assign.report.charts import PLAIN_TEXT, chart_text
from tkm_assign.report.figures import assigned_mentor
from tkm_assign.report.i18n import Labels
from tkm_assign.report.tables import PlanTables

log = logging.getLogger("tkm_assign")

# Qualitative palette without red (reserved for participants without a mentor) and grey.
PALETTE = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#17becf",
    "#bcbd22",
    "#0f766e",
    "#4338ca",
    "#b45309",
    "#be185d",
)
LAND = "#f4f1ea"
SEA = "#dbeaf5"
BORDER = "#9ca3af"
UNASSIGNED = "#dc2626"
COUNTRY_DPI = 150
PROVINCE_DPI = 120
PREVIEW_DPI = 80  # the copy embedded in report.html
# Zoom a province whose extent is below this share of the country view's width.
ZOOM_BELOW_SHARE = 0.25
# Province maps list their mentors (colour, id, name, caseload) up to this many.
MAX_MENTOR_LEGEND = 16
# Outline simplification for the country view, degrees (~1 km; invisible at that scale).
COUNTRY_SIMPLIFY_DEG = 0.01


@dataclass(frozen=True)
class _Layers:
    """Plan points as arrays, in problem order."""

    p_lat: npt.NDArray[np.float64]
    p_lon: npt.NDArray[np.float64]
    p_province: npt.NDArray[np.str_]
    p_mentor: npt.NDArray[np.int64]  # mentor index or -1
    m_lat: npt.NDArray[np.float64]
    m_lon: npt.NDArray[np.float64]
    m_colour: tuple[str, ...]


def _layers(problem: Problem, tables: PlanTables) -> _Layers:
    mentor_of = assigned_mentor(tables)
    index = problem.mentor_index
    p_mentor = np.array(
        [index.get(mentor_of.get(p.participant_id, ""), -1) for p in problem.participants],
        dtype=np.int64,
    )
    return _Layers(
        p_lat=problem.participant_lat_lon[:, 0],
        p_lon=problem.participant_lat_lon[:, 1],
        p_province=np.array([p.location.province_code for p in problem.participants], dtype=str),
        p_mentor=p_mentor,
        m_lat=problem.mentor_lat_lon[:, 0],
        m_lon=problem.mentor_lat_lon[:, 1],
        m_colour=mentor_colours(problem.mentor_lat_lon),
    )


def mentor_colours(lat_lon: npt.NDArray[np.float64], neighbours: int = 6) -> tuple[str, ...]:
    """A palette colour per mentor such that each mentor differs from its nearest mentors."""
    n = len(lat_lon)
    if n == 0:
        return ()
    graph = nx.Graph()
    graph.add_nodes_from(range(n))
    for i in range(n):
        km = haversine_km(lat_lon[i, 0], lat_lon[i, 1], lat_lon[:, 0], lat_lon[:, 1])
        for j in np.argsort(km, kind="stable")[1 : neighbours + 1]:
            graph.add_edge(i, int(j))
    colouring = nx.greedy_color(graph, strategy="largest_first")
    return tuple(PALETTE[colouring[i] % len(PALETTE)] for i in range(n))


def _style_axes(ax: Axes) -> None:
    ax.set_facecolor(SEA)
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_edgecolor(BORDER)


def _draw_plan(ax: Axes, layers: _Layers, keep: npt.NDArray[np.bool_], size: float) -> None:
    """Assignment lines, participant dots, unassigned crosses and the mentors they use."""
    served = keep & (layers.p_mentor >= 0)
    idx = np.flatnonzero(served)
    mentor = layers.p_mentor[idx]
    colours = [layers.m_colour[m] for m in mentor]
    segments = np.stack(
        [
            np.column_stack([layers.m_lon[mentor], layers.m_lat[mentor]]),
            np.column_stack([layers.p_lon[idx], layers.p_lat[idx]]),
        ],
        axis=1,
    )
    ax.add_collection(
        LineCollection(list(segments), colors=colours, linewidths=0.35 * size, alpha=0.55, zorder=2)
    )
    ax.scatter(layers.p_lon[idx], layers.p_lat[idx], s=5 * size, c=colours, linewidths=0, zorder=3)
    lost = np.flatnonzero(keep & (layers.p_mentor < 0))
    ax.scatter(
        layers.p_lon[lost],
        layers.p_lat[lost],
        s=14 * size,
        marker="x",
        c=UNASSIGNED,
        linewidths=0.9,
        zorder=4,
    )


def _draw_mentors(ax: Axes, layers: _Layers, which: Sequence[int], size: float) -> None:
    which = list(which)
    ax.scatter(
        layers.m_lon[which],
        layers.m_lat[which],
        s=60 * size,
        marker="*",
        c=[layers.m_colour[i] for i in which],
        edgecolors="#111827",
        linewidths=0.5,
        zorder=5,
    )


def _scale_bar(ax: Axes, x0: float, y0: float, x1: float, y1: float) -> None:
    """A plain ``0 — N km`` bar in the lower right corner (N about a fifth of the width)."""
    lat = (y0 + y1) / 2
    km_per_deg = float(haversine_km(lat, x0, lat, x0 + 1.0))
    width_km = (x1 - x0) * km_per_deg
    length_km = next((n for n in (500, 200, 100, 50, 20, 10, 5, 2, 1) if n <= width_km / 5), 1)
    length_deg = length_km / km_per_deg
    right = x1 - (x1 - x0) * 0.04
    base = y0 + (y1 - y0) * 0.04
    ax.plot(
        [right - length_deg, right],
        [base, base],
        color="#111827",
        linewidth=2.5,
        solid_capstyle="butt",
        zorder=7,
    )
    ax.annotate(
        f"{length_km} km",
        ((2 * right - length_deg) / 2, base),
        xytext=(0, 4),
        textcoords="offset points",
        ha="center",
        fontsize=8,
        zorder=7,
    )


def _legend(ax: Axes, labels: Labels) -> None:
    handles = [
        Line2D(
            [],
            [],
            marker="*",
            linestyle="",
            markersize=11,
            markerfacecolor=PALETTE[0],
            markeredgecolor="#111827",
            label=labels["map_mentor"],
        ),
        Line2D(
            [],
            [],
            marker="o",
            linestyle="",
            markersize=5,
            markerfacecolor=PALETTE[1],
            markeredgewidth=0,
            label=labels["map_participant"],
        ),
        Line2D(
            [],
            [],
            marker="x",
            linestyle="",
            markersize=7,
            color=UNASSIGNED,
            label=labels["participants_unassigned"],
        ),
        Line2D([], [], color=PALETTE[2], linewidth=1.0, label=labels["map_line"]),
    ]
    legend = ax.legend(handles=handles, loc="lower left", fontsize=8, framealpha=0.9)
    ax.add_artist(legend)
    ax.set_xlabel("")
    ax.set_ylabel("")


def _mentor_legend(ax: Axes, problem: Problem, layers: _Layers, which: Sequence[int]) -> None:
    """Which colour is which mentor, with caseload, when the list stays readable."""
    if not 0 < len(which) <= MAX_MENTOR_LEGEND:
        return
    caseload = np.bincount(layers.p_mentor[layers.p_mentor >= 0], minlength=len(layers.m_lat))
    handles = []
    for i in which:
        mentor = problem.mentors[i]
        name = chart_text(f"{mentor.mentor_id} {mentor.name}".strip(), 40)
        handles.append(
            Line2D(
                [],
                [],
                marker="*",
                linestyle="",
                markersize=10,
                markerfacecolor=layers.m_colour[i],
                markeredgecolor="#111827",
                label=f"{name} ({caseload[i]})",
            )
        )
    ax.legend(handles=handles, loc="upper right", fontsize=7, framealpha=0.9)


def render_country_map(
    problem: Problem, tables: PlanTables, labels: Labels, layers: _Layers | None = None
) -> Figure:
    """The whole country: provinces, mentors, participants coloured by mentor, lines."""
    geography = load_geography()
    layers = layers or _layers(problem, tables)
    west, south, east, north = _country_bounds(geography)
    fig = Figure(figsize=(16.0, 16.0 * (north - south) / (east - west) + 0.9), layout="constrained")
    ax = fig.add_subplot()
    _style_axes(ax)
    outlines = geography.provinces.geometry.simplify(COUNTRY_SIMPLIFY_DEG)
    gpd.GeoSeries(outlines, crs=4326).plot(
        ax=ax, color=LAND, edgecolor=BORDER, linewidth=0.35, zorder=1
    )
    keep = np.ones(len(layers.p_lat), dtype=bool)
    _draw_plan(ax, layers, keep, size=1.0)
    _draw_mentors(ax, layers, range(len(layers.m_lat)), size=1.0)
    ax.set_xlim(west, east)
    ax.set_ylim(south, north)
    ax.set_aspect("equal")
    served = int((layers.p_mentor >= 0).sum())
    ax.set_title(
        f"{labels['report_title']} — {labels.number(served)} / "
        f"{labels.number(len(layers.p_lat))} {labels['participants_total'].lower()}, "
        f"{labels.number(len(layers.m_lat))} {labels['mentors_total'].lower()}",
        fontsize=13,
        loc="left",
    )
    _legend(ax, labels)
    return fig


def _country_bounds(geography: Geography) -> tuple[float, float, float, float]:
    west, south, east, north = geography.provinces.total_bounds
    return float(west) - 0.5, float(south) - 0.5, float(east) + 0.5, float(north) + 0.5


def provinces_to_zoom(
    problem: Problem, tables: PlanTables, layers: _Layers | None = None
) -> list[str]:
    """Province codes that get their own map (see the module docstring), sorted."""
    geography = load_geography()
    layers = layers or _layers(problem, tables)
    west, _, east, _ = _country_bounds(geography)
    limit = ZOOM_BELOW_SHARE * (east - west)
    out = []
    for code in sorted(set(layers.p_province.tolist())):
        if not code:
            continue
        x0, y0, x1, y1 = _province_extent(geography, layers, code)
        if max(x1 - x0, y1 - y0) < limit:
            out.append(code)
    return out


def _province_extent(
    geography: Geography, layers: _Layers, code: str
) -> tuple[float, float, float, float]:
    keep = layers.p_province == code
    mentors = np.unique(layers.p_mentor[keep & (layers.p_mentor >= 0)])
    lon = np.concatenate([layers.p_lon[keep], layers.m_lon[mentors]])
    lat = np.concatenate([layers.p_lat[keep], layers.m_lat[mentors]])
    outline = geography.provinces[geography.provinces["province_code"] == code]
    if len(outline):
        x0, y0, x1, y1 = outline.total_bounds
        lon = np.concatenate([lon, [x0, x1]])
        lat = np.concatenate([lat, [y0, y1]])
    return float(lon.min()), float(lat.min()), float(lon.max()), float(lat.max())


def render_province_map(
    problem: Problem,
    tables: PlanTables,
    code: str,
    labels: Labels,
    layers: _Layers | None = None,
) -> Figure:
    """One province: regency outlines and names, its participants and their mentors."""
    geography = load_geography()
    layers = layers or _layers(problem, tables)
    x0, y0, x1, y1 = _province_extent(geography, layers, code)
    pad = max(x1 - x0, y1 - y0) * 0.06 + 0.05
    x0, y0, x1, y1 = x0 - pad, y0 - pad, x1 + pad, y1 + pad
    aspect = 1.0 / max(math.cos(math.radians((y0 + y1) / 2)), 0.2)
    ratio = (y1 - y0) * aspect / (x1 - x0)
    width = 9.0
    fig = Figure(figsize=(width, min(max(width * ratio, 4.0), 13.0) + 1.2), layout="constrained")
    ax = fig.add_subplot()
    _style_axes(ax)
    # Outlines simplified to about a pixel of the zoom: same picture, far fewer vertices.
    tolerance = max(x1 - x0, y1 - y0) / 1500.0
    provinces = geography.provinces.cx[x0:x1, y0:y1]
    provinces.geometry.simplify(tolerance).plot(
        ax=ax, color="#e5e7eb", edgecolor=BORDER, linewidth=0.5, zorder=0
    )
    regencies = geography.regencies[geography.regencies["province_code"] == code]
    regencies.geometry.simplify(tolerance).plot(
        ax=ax, color=LAND, edgecolor="#c7c2b8", linewidth=0.4, zorder=1
    )
    for name, point in zip(
        regencies["regency_name"], regencies.geometry.representative_point(), strict=True
    ):
        if x0 <= point.x <= x1 and y0 <= point.y <= y1:
            ax.annotate(
                str(name).replace("Kabupaten ", "Kab. "),
                (point.x, point.y),
                fontsize=6,
                color="#6b7280",
                ha="center",
                zorder=1.5,
            )
    keep = layers.p_province == code
    _draw_plan(ax, layers, keep, size=3.0)
    used = set(np.unique(layers.p_mentor[keep & (layers.p_mentor >= 0)]).tolist())
    home = {
        problem.mentor_index[m.mentor_id]
        for m in problem.mentors
        if m.location.province_code == code
    }
    mentors = sorted(used | home)
    _draw_mentors(ax, layers, mentors, size=2.5)
    for i in mentors:
        ax.annotate(
            chart_text(problem.mentors[i].mentor_id),
            (layers.m_lon[i], layers.m_lat[i]),
            xytext=(5, 5),
            textcoords="offset points",
            fontsize=7,
            fontweight="bold",
            color="#111827",
            zorder=6,
        )
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect(aspect)
    _scale_bar(ax, x0, y0, x1, y1)
    name = geography.province_name(code)
    n_people = int(keep.sum())
    served = int((keep & (layers.p_mentor >= 0)).sum())
    ax.set_title(
        f"{name} — {labels.number(served)} / {labels.number(n_people)} "
        f"{labels['participants_total'].lower()}, {len(mentors)} {labels['mentors_total'].lower()}",
        fontsize=12,
        loc="left",
    )
    _legend(ax, labels)
    _mentor_legend(ax, problem, layers, mentors)
    return fig


def write_maps(
    folder: Path, problem: Problem, tables: PlanTables, labels: Labels
) -> tuple[list[Path], bytes]:
    """Write ``map.png`` and ``maps/<province_code>.png``.

    Returns the files written and a small PNG of the country map for the HTML report.
    """
    written = []
    with mpl.rc_context({**PLAIN_TEXT, "font.family": "sans-serif"}):
        layers = _layers(problem, tables)
        country = render_country_map(problem, tables, labels, layers)
        path = folder / "map.png"
        country.savefig(
            path, dpi=COUNTRY_DPI, facecolor="white", bbox_inches="tight", pad_inches=0.15
        )
        written.append(path)
        preview = io.BytesIO()
        country.savefig(
            preview, format="png", dpi=PREVIEW_DPI, facecolor="white", bbox_inches="tight"
        )
        codes = provinces_to_zoom(problem, tables, layers)
        if codes:
            (folder / "maps").mkdir(exist_ok=True)
        for code in codes:
            fig = render_province_map(problem, tables, code, labels, layers)
            path = folder / "maps" / f"{code}.png"
            fig.savefig(
                path, dpi=PROVINCE_DPI, facecolor="white", bbox_inches="tight", pad_inches=0.15
            )
            written.append(path)
    log.info("maps: map.png and %d province maps", len(codes))
    return written, preview.getvalue()
