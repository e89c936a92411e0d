"""``plan.gpkg``: the plan for QGIS, in EPSG:4326.

Layers:

- ``participants`` (points): id, name, village, regency and province codes, sector, need
  level, mentor, status, reason, travel, sessions and onsite visits planned;
- ``mentors`` (points at home): id, name, province, sectors, caseload and cap, transport,
  estimated and busiest-month utilisation, flag;
- ``assignment_lines`` (lines mentor home -> participant): ids, travel, distance, sector
  match;
- ``routes`` (lines home -> stops -> home, one per mentor-day with onsite visits): mentor,
  date, depart, return, stops, travel, distance.

Every layer is written even when empty, so a QGIS project built on the file keeps working
from plan to plan.
"""

from __future__ import annotations

import logging
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from tkm_assign import rules
from tkm_assign.messages import Message, render
from tkm_assign.model import Problem
from tkm_assign.report.figures import as_float, text, truthy
from tkm_assign.report.tables import PlanTables

log = logging.getLogger("tkm_assign")

CRS = "EPSG:4326"
LAYERS = ("participants", "mentors", "assignment_lines", "routes")


def participants_layer(problem: Problem, tables: PlanTables, lang: str = "id") -> gpd.GeoDataFrame:
    frame = tables.assignments.assign(_pid=tables.assignments["participant_id"].map(text))
    by_pid = frame.set_index("_pid")
    sessions = onsite = pd.Series(dtype=int)
    if tables.schedule is not None and len(tables.schedule):
        pids = tables.schedule["participant_id"].map(text)
        sessions = pids.value_counts()
        onsite = pids[tables.schedule["mode"].map(text) == "onsite"].value_counts()
    rows = []
    for p in problem.participants:
        pid = p.participant_id
        record = by_pid.loc[pid] if pid in by_pid.index else None
        rows.append(
            {
                "participant_id": pid,
                "name": p.name,
                "village": p.village,
                "province_code": p.location.province_code,
                "regency_code": p.location.regency_code,
                "sector": p.sector.value,
                "need_level": p.need_level.value,
                "mentor_id": text(record["mentor_id"]) if record is not None else "",
                "status": text(record["status"]) if record is not None else "unassigned",
                "reason": _reason(record["reason"], lang) if record is not None else "",
                "travel_min": _float(record["travel_min"]) if record is not None else None,
                "sessions": int(sessions.get(pid, 0)),
                "onsite": int(onsite.get(pid, 0)),
            }
        )
    lat_lon = problem.participant_lat_lon
    return gpd.GeoDataFrame(
        pd.DataFrame(rows, columns=_PARTICIPANT_COLUMNS),
        geometry=shapely.points(lat_lon[:, 1], lat_lon[:, 0]),
        crs=CRS,
    )


_PARTICIPANT_COLUMNS = [
    "participant_id",
    "name",
    "village",
    "province_code",
    "regency_code",
    "sector",
    "need_level",
    "mentor_id",
    "status",
    "reason",
    "travel_min",
    "sessions",
    "onsite",
]


def _reason(value: object, lang: str) -> str:
    return render(value, lang) if isinstance(value, Message) else text(value)


def _float(value: object) -> float | None:
    return as_float(value)


def mentors_layer(problem: Problem, balance: pd.DataFrame) -> gpd.GeoDataFrame:
    by_id = {str(r["mentor_id"]): r for r in balance.to_dict("records")}
    rows = []
    for m in problem.mentors:
        b = by_id[m.mentor_id]
        rows.append(
            {
                "mentor_id": m.mentor_id,
                "name": m.name,
                "province_code": m.location.province_code,
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
        pd.DataFrame(rows, columns=columns),
        geometry=shapely.points(lat_lon[:, 1], lat_lon[:, 0]),
        crs=CRS,
    )


def assignment_lines_layer(problem: Problem, tables: PlanTables) -> gpd.GeoDataFrame:
    people = problem.participant_index
    mentors = problem.mentor_index
    p_ll, m_ll = problem.participant_lat_lon, problem.mentor_lat_lon
    rows, lines = [], []
    for record in tables.assignments.to_dict("records"):
        pid, mid = text(record["participant_id"]), text(record["mentor_id"])
        if not mid or pid not in people or mid not in mentors:
            continue
        i, j = people[pid], mentors[mid]
        lines.append(shapely.LineString([(m_ll[j, 1], m_ll[j, 0]), (p_ll[i, 1], p_ll[i, 0])]))
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
    return gpd.GeoDataFrame(
        pd.DataFrame(rows, columns=columns),
        geometry=gpd.GeoSeries(lines, crs=CRS),
        crs=CRS,
    )


def routes_layer(problem: Problem, tables: PlanTables) -> gpd.GeoDataFrame:
    people = problem.participant_index
    mentors = problem.mentor_index
    p_ll, m_ll = problem.participant_lat_lon, problem.mentor_lat_lon
    rows, lines = [], []
    routes = tables.routes if tables.routes is not None else pd.DataFrame()
    for record in routes.to_dict("records"):
        mid = text(record["mentor_id"])
        stops = [s for s in text(record["stops"]).split(";") if s in people]
        if mid not in mentors or not stops:
            continue
        home = (m_ll[mentors[mid], 1], m_ll[mentors[mid], 0])
        points = [home, *((p_ll[people[s], 1], p_ll[people[s], 0]) for s in stops), home]
        lines.append(shapely.LineString(points))
        rows.append(
            {
                "mentor_id": mid,
                "date": text(record["date"]),
                "depart": text(record["depart"]),
                "return": text(record["return"]),
                "stops": ";".join(stops),
                "n_stops": len(stops),
                "travel_min": _float(record["travel_min"]),
                "distance_km": _float(record["distance_km"]),
            }
        )
    columns = [
        "mentor_id",
        "date",
        "depart",
        "return",
        "stops",
        "n_stops",
        "travel_min",
        "distance_km",
    ]
    return gpd.GeoDataFrame(
        pd.DataFrame(rows, columns=columns),
        geometry=gpd.GeoSeries(lines, crs=CRS),
        crs=CRS,
    )


def write_geopackage(
    path: Path, problem: Problem, tables: PlanTables, balance: pd.DataFrame, lang: str = "id"
) -> None:
    """Write the four layers of ``plan.gpkg`` (see the module docstring), reasons in ``lang``."""
    layers = {
        "participants": (participants_layer(problem, tables, lang), "Point"),
        "mentors": (mentors_layer(problem, balance), "Point"),
        "assignment_lines": (assignment_lines_layer(problem, tables), "LineString"),
        "routes": (routes_layer(problem, tables), "LineString"),
    }
    for name, (layer, geometry_type) in layers.items():
        layer.to_file(
            path, layer=name, driver="GPKG", engine="pyogrio", geometry_type=geometry_type
        )
    log.info("geopackage: %s", ", ".join(f"{k} {len(v[0])}" for k, v in layers.items()))
