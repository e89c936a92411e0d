"""``plan.gpkg``: the plan for QGIS, in EPSG:4326.

Layers:

- ``participants`` (points): id, name, village, regency and province codes and names,
  sector, need level, mentor, status, reason (its code and words), travel, sessions and
  onsite visits planned;
- ``mentors`` (points at home): id, name, province and regency codes and names, sectors,
  caseload and cap, transport, estimated and busiest-month utilisation, flag;
- ``assignment_lines`` (lines mentor home -> participant): ids, travel, distance, sector
  match;
- ``routes`` (lines home -> stops -> home, one per mentor-day with onsite visits): mentor,
  date, depart, return, stops, travel, distance;
- ``sessions`` (points at the participant, one per session): session, mentor,
  participant, mode, month, start, end, ride before.

Every code column (``sector``, ``need_level``, ``status``, ``sectors``, ``transport``,
``flag``, ``mode``) keeps its code, the same in every language, for GIS rules, joins and
the styles, and has its words in the output's language beside it (``sector_label``:
``Industri boga`` / ``Food industry``); a reason is worded in ``reason`` and coded in
``reason_code``. Dates and clock times are real date-time fields (a route's ``date`` at midnight; ``depart``,
``return``, ``start``, ``end`` in the mentor's local time, whose zone is in ``time_zone``),
so QGIS's temporal controller can play the plan day by day. Every layer is written even when
empty, so a QGIS project built on the file keeps working from plan to plan, and each has a
default style in the ``layer_styles`` table, which QGIS applies when the layer is added.

The file is GeoPackage 1.3: GDAL 3.6 (Debian 12, the QGIS long-term releases built on it)
reads 1.4 files only with a "may only be partially supported" warning.
"""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
from collections.abc import Sequence
from contextlib import closing
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from tkm_assign import rules
from tkm_assign.geo.regions import load_geography
from tkm_assign.messages import Message, render
from tkm_assign.model import Problem
from tkm_assign.report.calendars import ZONE_LABELS, time_zone
from tkm_assign.report.figures import as_float, province_names, regency_names, text, truthy
from tkm_assign.report.gpkg_styles import layer_styles
from tkm_assign.report.tables import PlanTables

log = logging.getLogger("tkm_assign")

CRS = "EPSG:4326"
LAYERS = ("participants", "mentors", "assignment_lines", "routes", "sessions")
GPKG_VERSION = "1.3"


def _at(days: Sequence[dt.date], minutes: Sequence[int]) -> pd.Series:
    """Naive local date-times (milliseconds): ``minutes[k]`` after midnight of ``days[k]``,
    computed as arrays (a national plan has tens of thousands). Days go in as day numbers:
    numpy reads a list of ``date`` objects one by one, several times slower."""
    epoch = _EPOCH.toordinal()
    numbers = np.array([d.toordinal() - epoch for d in days], dtype="int64")
    midnight = numbers.astype("datetime64[D]").astype("datetime64[ms]")
    return pd.Series(midnight + np.array(minutes, dtype="timedelta64[m]"), dtype="datetime64[ms]")


_EPOCH = dt.date(1970, 1, 1)  # day 0 of numpy's datetime64


# Code columns of each layer that get their words beside them, as ``<column>_label``.
WORDED_COLUMNS = {
    "participants": ("sector", "need_level", "status"),
    "mentors": ("sectors", "transport", "flag"),
    "sessions": ("mode",),
}


def _with_words(frame: pd.DataFrame, columns: tuple[str, ...], lang: str) -> pd.DataFrame:
    """``frame`` with ``<column>_label`` right after each code column of ``columns``: the
    code in words of ``lang`` (codes joined by ``;`` worded one by one, joined by ``; ``)."""
    from tkm_assign.report.i18n import Labels

    labels = Labels(lang)
    words: dict[str, str] = {}

    def worded(code: object) -> str:
        key = text(code)
        if key not in words:
            words[key] = "; ".join(labels.value(c) for c in key.split(";") if c)
        return words[key]

    out = frame.copy()
    for name in columns:
        out.insert(list(out.columns).index(name) + 1, f"{name}_label", out[name].map(worded))
    return out


def participants_layer(problem: Problem, tables: PlanTables, lang: str = "id") -> gpd.GeoDataFrame:
    geography = load_geography()
    provinces, regencies = province_names(geography), regency_names(geography)
    by_pid = {
        text(record["participant_id"]): record for record in tables.assignments.to_dict("records")
    }
    sessions = onsite = pd.Series(dtype=int)
    if tables.schedule is not None and len(tables.schedule):
        pids = tables.schedule["participant_id"].map(text)
        sessions = pids.value_counts()
        onsite = pids[tables.schedule["mode"].map(text) == "onsite"].value_counts()
    rows = []
    for p in problem.participants:
        pid = p.participant_id
        record = by_pid.get(pid)
        rows.append(
            {
                "participant_id": pid,
                "name": p.name,
                "village": p.village,
                "province_code": p.location.province_code,
                "province_name": provinces.get(p.location.province_code, ""),
                "regency_code": p.location.regency_code,
                "regency_name": regencies.get(p.location.regency_code, ""),
                "sector": p.sector.value,
                "need_level": p.need_level.value,
                "mentor_id": text(record["mentor_id"]) if record is not None else "",
                "status": text(record["status"]) if record is not None else "unassigned",
                "reason_code": _reason_code(record["reason"]) if record is not None else "",
                "reason": _reason(record["reason"], lang) if record is not None else "",
                "travel_min": _float(record["travel_min"]) if record is not None else None,
                "sessions": int(sessions.get(pid, 0)),
                "onsite": int(onsite.get(pid, 0)),
            }
        )
    lat_lon = problem.participant_lat_lon
    frame = pd.DataFrame(rows, columns=_PARTICIPANT_COLUMNS)
    return gpd.GeoDataFrame(
        _with_words(frame, WORDED_COLUMNS["participants"], lang),
        geometry=shapely.points(lat_lon[:, 1], lat_lon[:, 0]),
        crs=CRS,
    )


_PARTICIPANT_COLUMNS = [
    "participant_id",
    "name",
    "village",
    "province_code",
    "province_name",
    "regency_code",
    "regency_name",
    "sector",
    "need_level",
    "mentor_id",
    "status",
    "reason_code",
    "reason",
    "travel_min",
    "sessions",
    "onsite",
]


def _reason(value: object, lang: str) -> str:
    return render(value, lang) if isinstance(value, Message) else text(value)


def _reason_code(value: object) -> str:
    """The catalogue code of a reason (``reason.all_full``), ``""`` for none."""
    return value.code if isinstance(value, Message) else ""


def _float(value: object) -> float | None:
    return as_float(value)


def mentors_layer(problem: Problem, balance: pd.DataFrame, lang: str = "id") -> gpd.GeoDataFrame:
    geography = load_geography()
    provinces, regencies = province_names(geography), regency_names(geography)
    by_id = {str(r["mentor_id"]): r for r in balance.to_dict("records")}
    rows = []
    for m in problem.mentors:
        b = by_id[m.mentor_id]
        rows.append(
            {
                "mentor_id": m.mentor_id,
                "name": m.name,
                "province_code": m.location.province_code,
                "province_name": provinces.get(m.location.province_code, ""),
                "regency_code": m.location.regency_code,
                "regency_name": regencies.get(m.location.regency_code, ""),
                "sectors": ";".join(sorted(s.value for s in m.sectors)),
                "transport": m.transport.value,
                "caseload": int(b["caseload"]),
                "max_caseload": rules.effective_caseload(m, problem.config),
                "utilisation": float(b["utilisation"]),
                "peak_utilisation": _float(b["peak_utilisation"]),
                "travel_hours": _float(b["travel_hours"]),
                "flag": str(b["flag"]),
            }
        )
    lat_lon = problem.mentor_lat_lon
    columns = [
        "mentor_id",
        "name",
        "province_code",
        "province_name",
        "regency_code",
        "regency_name",
        "sectors",
        "transport",
        "caseload",
        "max_caseload",
        "utilisation",
        "peak_utilisation",
        "travel_hours",
        "flag",
    ]
    return gpd.GeoDataFrame(
        _with_words(pd.DataFrame(rows, columns=columns), WORDED_COLUMNS["mentors"], lang),
        geometry=shapely.points(lat_lon[:, 1], lat_lon[:, 0]),
        crs=CRS,
    )


def assignment_lines_layer(problem: Problem, tables: PlanTables) -> gpd.GeoDataFrame:
    people = problem.participant_index
    mentors = problem.mentor_index
    p_ll, m_ll = problem.participant_lat_lon, problem.mentor_lat_lon
    rows, ends = [], []
    for record in tables.assignments.to_dict("records"):
        pid, mid = text(record["participant_id"]), text(record["mentor_id"])
        if not mid or pid not in people or mid not in mentors:
            continue
        ends.append((mentors[mid], people[pid]))
        rows.append(
            {
                "participant_id": pid,
                "mentor_id": mid,
                "travel_min": _float(record["travel_min"]),
                "distance_km": _float(record["distance_km"]),
                "sector_match": truthy(record["sector_match"]),
            }
        )
    columns = ["participant_id", "mentor_id", "travel_min", "distance_km", "sector_match"]
    # Every line at once: (mentor home, participant) as (lon, lat) pairs.
    j, i = np.array(ends, dtype=int).reshape(-1, 2).T
    coords = np.stack([m_ll[j][:, ::-1], p_ll[i][:, ::-1]], axis=1)
    return gpd.GeoDataFrame(
        pd.DataFrame(rows, columns=columns),
        geometry=gpd.GeoSeries(shapely.linestrings(coords), crs=CRS),
        crs=CRS,
    )


def routes_layer(problem: Problem, tables: PlanTables) -> gpd.GeoDataFrame:
    """One line per mentor-day, home - visits - home, with real date-times."""
    people = problem.participant_index
    mentors = problem.mentor_index
    p_ll, m_ll = problem.participant_lat_lon, problem.mentor_lat_lon
    rows: list[dict[str, object]] = []
    days, departs, backs = [], [], []
    # The lines' points as rows of the stacked home and participant coordinates, with
    # the number of the line each belongs to: all lines are made at once.
    points: list[int] = []
    line_of: list[int] = []
    n_mentors = len(m_ll)
    for route in tables.plan.routes if tables.plan is not None else ():
        mid = route.mentor_id
        stops = [s for s in route.stops if s in people]
        if mid not in mentors or not stops:
            continue
        home = mentors[mid]
        points += [home, *(n_mentors + people[s] for s in stops), home]
        line_of += [len(rows)] * (len(stops) + 2)
        zone = time_zone(problem.mentors[mentors[mid]].location.province_code)
        reachable = rules.reachable(route.travel_min)
        # A day with no way at all has no clock times: its departure and return are the day.
        depart = max(route.depart_min, 0) if reachable else 0
        back = min(route.return_min, 24 * 60) if reachable else 0
        days.append(route.date)
        departs.append(depart)
        backs.append(back)
        rows.append(
            {
                "mentor_id": mid,
                "time_zone": ZONE_LABELS[zone][0],
                "stops": ";".join(stops),
                "n_stops": len(stops),
                "travel_min": float(route.travel_min) if reachable else None,
                "distance_km": round(route.distance_m / 1000, 1) if reachable else None,
            }
        )
    columns = [
        "mentor_id",
        "date",
        "depart",
        "return",
        "time_zone",
        "stops",
        "n_stops",
        "travel_min",
        "distance_km",
    ]
    frame = pd.DataFrame(
        rows, columns=[c for c in columns if c not in ("date", "depart", "return")]
    )
    frame.insert(1, "date", _at(days, [0] * len(days)))
    frame.insert(2, "depart", _at(days, departs))
    frame.insert(3, "return", _at(days, backs))
    lon_lat = np.concatenate([m_ll, p_ll])[:, ::-1]
    lines = (
        shapely.linestrings(lon_lat[np.array(points, dtype=int)], indices=line_of) if rows else []
    )
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(lines, crs=CRS), crs=CRS)


def sessions_layer(problem: Problem, tables: PlanTables, lang: str = "id") -> gpd.GeoDataFrame:
    """One point per session at the participant's place (online sessions too: where the
    participant is), with real date-time fields for QGIS's temporal controller."""
    columns = [
        "session_id",
        "mentor_id",
        "participant_id",
        "mode",
        "month",
        "start",
        "end",
        "time_zone",
        "travel_min_before",
    ]
    people = problem.participant_index
    zones = {
        m.mentor_id: ZONE_LABELS[time_zone(m.location.province_code)][0] for m in problem.mentors
    }
    sessions = [
        s
        for s in (tables.plan.sessions if tables.plan is not None else ())
        if s.participant_id in people and s.mentor_id in zones
    ]
    travel = [
        s.travel_min_before if rules.reachable(s.travel_min_before) else None for s in sessions
    ]
    out = pd.DataFrame(
        {
            "session_id": [s.session_id for s in sessions],
            "mentor_id": [s.mentor_id for s in sessions],
            "participant_id": [s.participant_id for s in sessions],
            "mode": [s.mode.value for s in sessions],
            "month": pd.array([s.month for s in sessions], dtype="Int64"),
            "start": _at([s.date for s in sessions], [s.start_min for s in sessions]),
            "end": _at([s.date for s in sessions], [s.end_min for s in sessions]),
            "time_zone": [zones[s.mentor_id] for s in sessions],
            "travel_min_before": pd.array(travel, dtype="Int64" if None in travel else "int64"),
        },
        columns=columns,
    )
    index = np.array([people[s.participant_id] for s in sessions], dtype=int)
    lat_lon = problem.participant_lat_lon[index] if len(index) else problem.participant_lat_lon[:0]
    geometry = shapely.points(lat_lon[:, 1], lat_lon[:, 0])
    out = _with_words(out, WORDED_COLUMNS["sessions"], lang)
    return gpd.GeoDataFrame(out, geometry=gpd.GeoSeries(geometry, crs=CRS), crs=CRS)


def write_geopackage(
    path: Path, problem: Problem, tables: PlanTables, balance: pd.DataFrame, lang: str = "id"
) -> None:
    """Write the layers of ``plan.gpkg`` and their styles (see the module docstring),
    reasons and the words of codes in ``lang``; a file at ``path`` is replaced."""
    layers = {
        "participants": (participants_layer(problem, tables, lang), "Point"),
        "mentors": (mentors_layer(problem, balance, lang), "Point"),
        "assignment_lines": (assignment_lines_layer(problem, tables), "LineString"),
        "routes": (routes_layer(problem, tables), "LineString"),
        "sessions": (sessions_layer(problem, tables, lang), "Point"),
    }
    # A new file each time: written over an old one, the layers would be replaced but its
    # styles added to again.
    path.unlink(missing_ok=True)
    for n, (name, (layer, geometry_type)) in enumerate(layers.items()):
        # The version is the file's: set when the first layer creates it. Sessions are
        # many small points QGIS draws fast without an R-tree, which would double the file.
        options: dict[str, str] = {"VERSION": GPKG_VERSION} if n == 0 else {}
        if name == "sessions":
            options["SPATIAL_INDEX"] = "NO"
        layer.to_file(
            path,
            layer=name,
            driver="GPKG",
            engine="pyogrio",
            # Through Arrow: the columns go to GDAL as whole arrays, not field by field
            # (about half the GeoPackage's writing time on a national plan).
            use_arrow=True,
            geometry_type=geometry_type,
            **options,
        )
    write_layer_styles(path, lang)
    log.info("geopackage: %s", ", ".join(f"{k} {len(v[0])}" for k, v in layers.items()))


def write_layer_styles(path: Path, lang: str = "id") -> None:
    """The ``layer_styles`` table QGIS reads: one default style (QML) per layer, its legend
    and description in ``lang``."""
    from tkm_assign.report.i18n import Labels

    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    with closing(sqlite3.connect(path)) as db, db:
        db.execute(
            """CREATE TABLE IF NOT EXISTS layer_styles (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                f_table_catalog TEXT(256), f_table_schema TEXT(256), f_table_name TEXT(256),
                f_geometry_column TEXT(256), styleName TEXT(30), styleQML TEXT,
                styleSLD TEXT, useAsDefault BOOLEAN, description TEXT, owner TEXT(30),
                ui TEXT(30), update_time DATETIME DEFAULT CURRENT_TIMESTAMP)"""
        )
        db.executemany(
            "INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, "
            "f_geometry_column, styleName, styleQML, styleSLD, useAsDefault, description, "
            "owner, ui, update_time) VALUES ('', '', ?, 'geom', ?, ?, '', 1, ?, '', '', ?)",
            [
                (name, name, qml, description, stamp)
                for name, qml, description in layer_styles(Labels(lang))
            ],
        )
