"""What the plan pages draw from, computed once in the worker when a plan is made.

``map.json`` holds the map's points as parallel arrays (a 30,000-participant plan stays a
few hundred kilobytes compressed); ``mentors.json`` the per-mentor workload. The key
figures go into the job's summary in the store. Every value is plain data: the browser
writes it into the page as text, never as markup.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import pandas as pd

from tkm_assign.geo.regions import load_geography
from tkm_assign.model import Problem
from tkm_assign.report.tables import PlanTables

MAP_FILE = "map.json"
MENTORS_FILE = "mentors.json"
COORD_DIGITS = 5  # about 1 m


def write_json_atomic(path: Path, data: Any) -> None:
    """``data`` as compact JSON, written to a temporary file and moved into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        json.dump(data, out, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    os.replace(temporary, path)


def read_json(path: Path) -> Any:
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


def write_plan_page(folder: Path, problem: Problem, tables: PlanTables) -> dict[str, Any]:
    """Write ``map.json`` and ``mentors.json`` into ``folder``; return the key figures."""
    mentors = mentor_rows(problem, tables)
    write_json_atomic(folder / MAP_FILE, map_data(problem, tables))
    write_json_atomic(folder / MENTORS_FILE, mentors)
    return key_figures(problem, tables, mentors)


def map_data(problem: Problem, tables: PlanTables) -> dict[str, Any]:
    """Mentors and participants as parallel arrays; ``m`` indexes mentors (-1: none)."""
    mentor_ids = [m.mentor_id for m in problem.mentors]
    index = {mid: i for i, mid in enumerate(mentor_ids)}
    assignments = tables.assignments.set_index("participant_id")
    mentor_of = assignments["mentor_id"].fillna("").astype(str).to_dict()
    reason_of = assignments["reason"].fillna("").astype(str).to_dict()
    reasons: dict[str, int] = {}
    p_mentor, p_reason = [], []
    for p in problem.participants:
        mentor = mentor_of.get(p.participant_id, "")
        p_mentor.append(index.get(mentor, -1))
        reason = reason_of.get(p.participant_id, "") if not mentor else ""
        p_reason.append(reasons.setdefault(reason, len(reasons)) if reason else -1)
    return {
        "mentors": {
            "id": mentor_ids,
            "lat": [round(m.location.latitude, COORD_DIGITS) for m in problem.mentors],
            "lon": [round(m.location.longitude, COORD_DIGITS) for m in problem.mentors],
            "province": [m.location.province_code for m in problem.mentors],
        },
        "participants": {
            "id": [p.participant_id for p in problem.participants],
            "lat": [round(p.location.latitude, COORD_DIGITS) for p in problem.participants],
            "lon": [round(p.location.longitude, COORD_DIGITS) for p in problem.participants],
            "province": [p.location.province_code for p in problem.participants],
            "m": p_mentor,
            "reason": p_reason,
        },
        "reasons": list(reasons),
    }


def mentor_rows(problem: Problem, tables: PlanTables) -> list[dict[str, Any]]:
    """One row per mentor: caseload, sessions, hours, utilisation of the busiest month."""
    caseload = Counter(tables.assignments["mentor_id"].dropna().astype(str))
    workload = tables.workload if tables.workload is not None else pd.DataFrame()
    by_mentor: dict[str, pd.DataFrame] = (
        {str(key): group for key, group in workload.groupby("mentor_id")} if len(workload) else {}
    )
    rows = []
    for m in problem.mentors:
        months = by_mentor.get(m.mentor_id)
        rows.append(
            {
                "mentor_id": m.mentor_id,
                "name": m.name,
                "province_code": m.location.province_code,
                "participants": int(caseload.get(m.mentor_id, 0)),
                "max_caseload": int(m.max_caseload),
                "sessions": 0 if months is None else int(months["sessions"].sum()),
                "onsite": 0 if months is None else int(months["onsite"].sum()),
                "session_hours": _number(None if months is None else months["session_hours"].sum()),
                "travel_hours": _number(None if months is None else months["travel_hours"].sum()),
                "utilisation": _number(None if months is None else months["utilisation"].max()),
            }
        )
    return rows


def key_figures(
    problem: Problem, tables: PlanTables, mentors: list[dict[str, Any]]
) -> dict[str, Any]:
    """The figures at the top of the plan page (stored with the job)."""
    assignments = tables.assignments
    unassigned = assignments[assignments["status"] != "assigned"]
    reasons = Counter(unassigned["reason"].fillna("").astype(str))
    schedule = tables.schedule_summary or {}
    idle = problem.config.output.idle_utilisation
    utilisation = [m["utilisation"] for m in mentors if m["utilisation"] is not None]
    return {
        "participants": len(problem.participants),
        "mentors": len(problem.mentors),
        "assigned": int((assignments["status"] == "assigned").sum()),
        "unassigned": len(unassigned),
        "reasons": [{"reason": r, "count": n} for r, n in reasons.most_common()],
        "sector_match_rate": _number(tables.assignment_summary.get("sector_match_rate")),
        "mean_travel_min": _number(tables.assignment_summary.get("mean_travel_min")),
        "sessions": schedule.get("sessions"),
        "onsite_share": schedule.get("onsite_share"),
        "first_3_months": schedule.get("sessions_in_first_3_months"),
        "target_share": schedule.get("meeting_target_every_month_share"),
        "travel_hours": schedule.get("travel_hours"),
        "overloaded": sum(1 for u in utilisation if u > 1.0),
        "idle": sum(1 for u in utilisation if u < idle),
        "utilisation_mean": _number(sum(utilisation) / len(utilisation)) if utilisation else None,
        "provinces": province_names(problem),
    }


def _number(value: Any) -> float | None:
    if value is None:
        return None
    number = float(value)
    return None if math.isnan(number) else round(number, 4)


def province_names(problem: Problem) -> list[tuple[str, str]]:
    """(code, name) of every province with participants, by code."""
    geography = load_geography()
    codes = sorted({p.location.province_code for p in problem.participants} - {""})
    return [(code, geography.province_name(code)) for code in codes]
