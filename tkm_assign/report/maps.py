"""Maps of a plan: the country view ``map.png`` and per-province zooms ``maps/<name>.png``
(written by :func:`write_country_map` and :func:`write_province_maps`).

Province (and, in zooms, regency) outlines come from :func:`load_geography`; mentors are
stars at their homes, participants dots coloured by their mentor, joined to the mentor by a
thin assignment line; participants without a mentor are red crosses. Province maps are
named by the province (``maps/jawa-barat.png``).

Colours: on the country view neighbouring mentors (each mentor and its nearest mentors) get
different colours by greedy graph colouring, so a small palette keeps adjacent caseloads
apart. On a province map every mentor shown has a colour of its own
(:func:`distinct_colours`, far apart in CIELAB) and a legend line with id, name and
caseload.

Rendering is kept cheap: outlines are one compound path per layer (not one patch per
polygon), and figures are laid out by hand, so saving draws each figure once (no
constrained layout or tight bounding box pass).

A province gets its own zoom when the country view is too coarse for it: when it has
participants and its extent (participants, their mentors and the province outline) is less
than a quarter of the country view's width — which, across Indonesia's 5,000 km, is
nearly every province.
"""

from __future__ import annotations

import io
import logging
import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cache, partial
from pathlib import Path
from typing import Any

import geopandas as gpd
import matplotlib as mpl
import networkx as nx
import numpy as np
import numpy.typing as npt
import shapely
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import PathPatch
from matplotlib.path import Path as DrawPath
from matplotlib.transforms import Transform, offset_copy
from PIL import Image

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
# Province maps list their mentors (colour, id, name, caseload) up to this many, and give
# each a colour of its own up to this many (the national sample's largest province map,
# Jawa Barat, shows 27 mentors).
MAX_MENTOR_LEGEND = 40
PROVINCE_COLOURS = 40
# Colours of a province map keep at least this CIELAB distance (CIE76) from one another and
# from the land, sea and the red of participants without a mentor.
MIN_COLOUR_DELTA_E = 20.0
TITLE_IN = 0.45  # height of the title band above a map, inches
MARGIN_IN = 0.12  # white margin around a map, inches
LEGEND_IN = 3.2  # width of the mentor legend beside a province map, inches
# Outline simplification for the country view, degrees (~1 km; invisible at that scale).
COUNTRY_SIMPLIFY_DEG = 0.01
# Text of the maps is drawn without font hinting: FreeType runs the font's hinting program
# for every glyph each time a text is measured, shaped and drawn, and that was about half
# the time of a province map; at the maps' 6-13 pt the unhinted glyphs look the same
# (their advances are a little narrower, so a legend is a little more compact).
MAP_STYLE: Any = {**PLAIN_TEXT, "font.family": "sans-serif", "text.hinting": "no_hinting"}


@dataclass(frozen=True)
class _Outlines:
    """The geography's provinces and regencies as arrays: a plan draws dozens of maps,
    and filtering the GeoDataFrames again for each costs more than drawing them."""

    province_code: npt.NDArray[np.object_]
    province_shape: npt.NDArray[np.object_]  # shapely geometries
    province_bounds: npt.NDArray[np.float64]  # (n, 4): west, south, east, north
    regency_province: npt.NDArray[np.object_]
    regency_shape: npt.NDArray[np.object_]
    regency_name: npt.NDArray[np.object_]
    regency_point: npt.NDArray[np.float64]  # (n, 2): a point inside each, lon and lat


_OUTLINES: dict[int, tuple[Geography, _Outlines]] = {}


def _outlines(geography: Geography) -> _Outlines:
    """:class:`_Outlines` of ``geography``, made once per geography."""
    cached = _OUTLINES.get(id(geography))
    if cached is not None and cached[0] is geography:
        return cached[1]
    provinces, regencies = geography.provinces, geography.regencies
    province_shape = np.asarray(provinces.geometry.values)
    regency_shape = np.asarray(regencies.geometry.values)
    outlines = _Outlines(
        province_code=provinces["province_code"].to_numpy(dtype=object),
        province_shape=province_shape,
        province_bounds=shapely.bounds(province_shape),
        regency_province=regencies["province_code"].to_numpy(dtype=object),
        regency_shape=regency_shape,
        regency_name=regencies["regency_name"].to_numpy(dtype=object),
        regency_point=shapely.get_coordinates(shapely.point_on_surface(regency_shape)),
    )
    _OUTLINES[id(geography)] = (geography, outlines)
    return outlines


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


def _srgb_to_lab(rgb: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """CIELAB (D65) of sRGB colours in 0..1, rows of three."""
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    xyz = (
        linear
        @ np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]).T
    )
    xyz /= np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.column_stack(
        [116 * f[:, 1] - 16, 500 * (f[:, 0] - f[:, 1]), 200 * (f[:, 1] - f[:, 2])]
    )


def colour_distance(a: str, b: str) -> float:
    """CIE76 distance (Delta E) of two colours; about 2.3 is just noticeable."""
    lab = _srgb_to_lab(np.array([to_rgb(a), to_rgb(b)]))
    return float(np.linalg.norm(lab[0] - lab[1]))


@cache
def distinct_colours(n: int) -> tuple[str, ...]:
    """``n`` colours that stay apart from each other and from the map's own colours.

    Greedy farthest-point choice in CIELAB over a 16-level sRGB grid, starting from the
    country view's first colour; greys, very light and very dark colours are left out,
    and every choice keeps away from the land, the sea and the red of participants
    without a mentor. Deterministic: the same ``n`` gives the same colours.
    """
    levels = np.linspace(0.0, 1.0, 16)
    grid = np.array(np.meshgrid(levels, levels, levels, indexing="ij")).reshape(3, -1).T
    lab = _srgb_to_lab(grid)
    chroma = np.hypot(lab[:, 1], lab[:, 2])
    usable = (chroma >= 30) & (lab[:, 0] >= 30) & (lab[:, 0] <= 85)
    grid, lab = grid[usable], lab[usable]
    reserved = _srgb_to_lab(np.array([to_rgb(c) for c in (LAND, SEA, UNASSIGNED, "#111827")]))
    nearest = np.min(np.linalg.norm(lab[:, None, :] - reserved[None, :, :], axis=2), axis=1)
    nearest[nearest < MIN_COLOUR_DELTA_E * 1.5] = 0.0  # never close to the reserved ones
    chosen: list[int] = []
    start = _srgb_to_lab(np.array([to_rgb(PALETTE[0])]))[0]
    first = int(np.argmin(np.linalg.norm(lab - start, axis=1)))
    while len(chosen) < min(n, len(grid)):
        pick = first if not chosen else int(np.argmax(nearest))
        chosen.append(pick)
        nearest = np.minimum(nearest, np.linalg.norm(lab - lab[pick], axis=1))
    return tuple("#{:02x}{:02x}{:02x}".format(*(round(255 * v) for v in grid[i])) for i in chosen)


def province_file_stem(name: str, code: str) -> str:
    """``Jawa Barat`` -> ``jawa-barat``: a province map's file name (its code if no name)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    stem = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    return stem or re.sub(r"[^A-Za-z0-9]+", "_", code) or "province"


def _outline(
    ax: Axes,
    geometries: gpd.GeoSeries | npt.NDArray[np.object_],
    face: str,
    edge: str,
    width: float,
    z: float,
) -> None:
    """Every polygon of ``geometries`` as one compound path: one patch to draw, not one a
    polygon (geopandas' ``plot``), with the same rings."""
    shapes = np.asarray(geometries.values if isinstance(geometries, gpd.GeoSeries) else geometries)
    rings = shapely.get_rings(shapely.get_parts(shapes))
    rings = rings[~shapely.is_empty(rings)]
    if not len(rings):
        return
    coords, ring = shapely.get_coordinates(rings, return_index=True)
    codes = np.full(len(coords), DrawPath.LINETO, dtype=DrawPath.code_type)
    starts = np.flatnonzero(np.r_[True, np.diff(ring) != 0])
    codes[starts] = DrawPath.MOVETO
    codes[np.r_[starts[1:] - 1, len(coords) - 1]] = DrawPath.CLOSEPOLY
    # add_artist, not add_patch: the view is set by hand, and add_patch would walk every
    # vertex to widen the data limits (the slowest step of a map).
    ax.add_artist(
        PathPatch(
            DrawPath(coords, codes),
            facecolor=face,
            edgecolor=edge,
            linewidth=width,
            zorder=z,
        )
    )


def save_png(fig: Figure, target: Path | io.BytesIO, dpi: float) -> None:
    """``fig`` as a 256-colour PNG: a map has few colours, so the palette image looks the
    same as a true-colour one at about a third of the size, and compresses faster."""
    raw = io.BytesIO()
    fig.savefig(raw, format="rgba", dpi=dpi, facecolor="white")
    pixels = np.frombuffer(raw.getbuffer(), dtype=np.uint8)
    # The Agg canvas is the figure's size in pixels, cut to whole pixels.
    exact = fig.get_figwidth() * dpi
    width = next(w for w in (int(exact), round(exact)) if len(pixels) % (4 * w) == 0)
    rgba = pixels.reshape(-1, width, 4)
    # Fast octree quantisation reads RGBA directly; the figure is opaque (white face).
    image = Image.fromarray(rgba, mode="RGBA").quantize(
        colors=256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE
    )
    image.save(target, format="png")


def _box(
    fig: Figure, left_in: float, bottom_in: float, width_in: float, height_in: float
) -> tuple[float, float, float, float]:
    """An axes rectangle in figure shares from inches."""
    fig_w, fig_h = fig.get_size_inches()
    return (left_in / fig_w, bottom_in / fig_h, width_in / fig_w, height_in / fig_h)


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
    ax.text(
        (2 * right - length_deg) / 2,
        base,
        f"{length_km} km",
        transform=_offset(ax, 0, 4),
        ha="center",
        fontsize=8,
        zorder=7,
    )


def _offset(ax: Axes, x_pt: float, y_pt: float) -> Transform:
    """Data coordinates shifted by (``x_pt``, ``y_pt``) points: a label beside its point.

    A plain text on this transform looks as an annotation with an offset does, at a
    fraction of the cost of drawing one (a map draws dozens).
    """
    fig = ax.get_figure(root=True)
    assert isinstance(fig, Figure)
    return offset_copy(ax.transData, fig=fig, x=x_pt, y=y_pt, units="points")


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
    ax.legend(handles=handles, loc="lower left", fontsize=8, framealpha=0.9)
    ax.set_xlabel("")
    ax.set_ylabel("")


def _mentor_legend(
    fig: Figure, problem: Problem, layers: _Layers, which: Sequence[int], left: float
) -> None:
    """Which colour is which mentor, with caseload, beside the map (from ``left``, a share
    of the figure's width), when the list stays readable."""
    if not 0 < len(which) <= MAX_MENTOR_LEGEND:
        return
    caseload = np.bincount(layers.p_mentor[layers.p_mentor >= 0], minlength=len(layers.m_lat))
    handles = []
    for i in which:
        mentor = problem.mentors[i]
        name = chart_text(f"{mentor.mentor_id} {mentor.name}".strip(), 28)
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
    fig.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(left, 1.0 - 0.02),
        fontsize=7,
        frameon=False,
        ncol=1 if len(handles) <= 20 else 2,
        columnspacing=0.6,
        handletextpad=0.2,
        borderaxespad=0.0,
    )


def render_country_map(
    problem: Problem, tables: PlanTables, labels: Labels, layers: _Layers | None = None
) -> Figure:
    """The whole country: provinces, mentors, participants coloured by mentor, lines."""
    geography = load_geography()
    layers = layers or _layers(problem, tables)
    west, south, east, north = _country_bounds(geography)
    width = 16.0
    map_height = width * (north - south) / (east - west)
    fig = Figure(figsize=(width + 2 * MARGIN_IN, map_height + TITLE_IN + MARGIN_IN))
    ax = fig.add_axes(_box(fig, MARGIN_IN, MARGIN_IN, width, map_height))
    _style_axes(ax)
    outlines = geography.provinces.geometry.simplify(COUNTRY_SIMPLIFY_DEG, preserve_topology=False)
    _outline(ax, outlines, LAND, BORDER, 0.35, 1)
    keep = np.ones(len(layers.p_lat), dtype=bool)
    _draw_plan(ax, layers, keep, size=1.0)
    _draw_mentors(ax, layers, range(len(layers.m_lat)), size=1.0)
    ax.set_xlim(west, east)
    ax.set_ylim(south, north)
    ax.set_aspect("equal", adjustable="datalim")
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
    outlines = _outlines(geography)
    bounds = outlines.province_bounds[outlines.province_code == code]
    if len(bounds):
        lon = np.concatenate([lon, bounds[:, 0], bounds[:, 2]])
        lat = np.concatenate([lat, bounds[:, 1], bounds[:, 3]])
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
    map_height = min(max(width * ratio, 4.0), 13.0)
    # A very tall or wide province: the view widens to the figure's proportions rather
    # than leaving blank bands (and the neighbours drawn cover the wider view).
    target = map_height / width
    if ratio > target:
        centre, half = (x0 + x1) / 2, (y1 - y0) * aspect / target / 2
        x0, x1 = centre - half, centre + half
    elif ratio < target:
        centre, half = (y0 + y1) / 2, (x1 - x0) * target / aspect / 2
        y0, y1 = centre - half, centre + half
    keep = layers.p_province == code
    used = set(np.unique(layers.p_mentor[keep & (layers.p_mentor >= 0)]).tolist())
    home = {
        problem.mentor_index[m.mentor_id]
        for m in problem.mentors
        if m.location.province_code == code
    }
    mentors = sorted(used | home)
    layers = _province_colours(layers, mentors)
    legend_in = LEGEND_IN * (2 if len(mentors) > 20 else 1) if mentors else 0.0
    legend_in = legend_in if len(mentors) <= MAX_MENTOR_LEGEND else 0.0
    fig_w, fig_h = width + legend_in + 2 * MARGIN_IN, map_height + TITLE_IN + MARGIN_IN
    fig = Figure(figsize=(fig_w, fig_h))
    ax = fig.add_axes(_box(fig, MARGIN_IN, MARGIN_IN, width, map_height))
    _style_axes(ax)
    # Outlines simplified to about a pixel of the zoom: same picture, far fewer vertices.
    tolerance = max(x1 - x0, y1 - y0) / 1500.0
    outlines = _outlines(geography)
    # The provinces the view touches (their boxes first, then exactly, as geopandas' cx).
    west, south, east, north = outlines.province_bounds.T
    near = np.flatnonzero((west <= x1) & (east >= x0) & (south <= y1) & (north >= y0))
    view = shapely.box(x0, y0, x1, y1)
    near = near[shapely.intersects(outlines.province_shape[near], view)]
    # Douglas-Peucker without topology repair: a drawing needs no valid polygons.
    simplify = partial(shapely.simplify, tolerance=tolerance, preserve_topology=False)
    _outline(ax, simplify(outlines.province_shape[near]), "#e5e7eb", BORDER, 0.5, 0)
    mine = np.flatnonzero(outlines.regency_province == code)
    _outline(ax, simplify(outlines.regency_shape[mine]), LAND, "#c7c2b8", 0.4, 1)
    for name, (x, y) in zip(outlines.regency_name[mine], outlines.regency_point[mine], strict=True):
        if x0 <= x <= x1 and y0 <= y <= y1:
            ax.text(
                x,
                y,
                str(name).replace("Kabupaten ", "Kab. "),
                fontsize=6,
                color="#6b7280",
                ha="center",
                zorder=1.5,
            )
    _draw_plan(ax, layers, keep, size=3.0)
    _draw_mentors(ax, layers, mentors, size=2.5)
    for i in mentors:
        ax.text(
            layers.m_lon[i],
            layers.m_lat[i],
            chart_text(problem.mentors[i].mentor_id),
            transform=_offset(ax, 5, 5),
            fontsize=7,
            fontweight="bold",
            color="#111827",
            zorder=6,
        )
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    # The view widens to the figure's proportions rather than leaving blank bands.
    ax.set_aspect(aspect, adjustable="datalim")
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
    _mentor_legend(fig, problem, layers, mentors, (MARGIN_IN + width + 0.1) / fig_w)
    return fig


def _province_colours(layers: _Layers, mentors: Sequence[int]) -> _Layers:
    """``layers`` with a colour of its own for each mentor of a province map (in the
    mentors' order); beyond :data:`PROVINCE_COLOURS` the country view's colouring stays."""
    if not 0 < len(mentors) <= PROVINCE_COLOURS:
        return layers
    colours = list(layers.m_colour)
    for i, colour in zip(mentors, distinct_colours(len(mentors)), strict=True):
        colours[i] = colour
    return replace(layers, m_colour=tuple(colours))


def write_country_map(
    folder: Path, problem: Problem, tables: PlanTables, labels: Labels
) -> list[Path]:
    """``map.png``."""
    with mpl.rc_context(MAP_STYLE):
        path = folder / "map.png"
        save_png(render_country_map(problem, tables, labels), path, COUNTRY_DPI)
    return [path]


def country_preview(problem: Problem, tables: PlanTables, labels: Labels) -> bytes:
    """The small copy of ``map.png`` that ``report.html`` embeds."""
    with mpl.rc_context(MAP_STYLE):
        preview = io.BytesIO()
        save_png(render_country_map(problem, tables, labels), preview, PREVIEW_DPI)
    return preview.getvalue()


def province_map_names(codes: Sequence[str]) -> dict[str, str]:
    """File name (``jawa-barat.png``) per province code, distinct (whichever provinces a
    plan maps, a province always gets the same name)."""
    geography = load_geography()
    names: dict[str, str] = {}
    used: set[str] = set()
    for code in sorted({*geography.provinces["province_code"].astype(str), *codes}):
        stem = base = province_file_stem(geography.province_name(code), code)
        n = 1
        while stem in used:
            n += 1
            stem = f"{base}-{n}"
        used.add(stem)
        names[code] = f"{stem}.png"
    return {code: names[code] for code in codes}


def write_province_maps(
    folder: Path,
    problem: Problem,
    tables: PlanTables,
    labels: Labels,
    codes: Sequence[str],
    layers: _Layers | None = None,
) -> list[Path]:
    """``maps/<province>.png`` for each of ``codes`` (see :func:`provinces_to_zoom`)."""
    if not codes:
        return []
    names = province_map_names(codes)
    (folder / "maps").mkdir(exist_ok=True)
    written = []
    with mpl.rc_context(MAP_STYLE):
        layers = layers or _layers(problem, tables)
        for code in codes:
            fig = render_province_map(problem, tables, code, labels, layers)
            path = folder / "maps" / names[code]
            save_png(fig, path, PROVINCE_DPI)
            written.append(path)
    return written
