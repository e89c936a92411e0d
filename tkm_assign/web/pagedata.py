"""What the plan pages draw from, computed once in the worker when a plan is made.

``map.json`` holds the map's points as parallel arrays (a 30,000-participant plan stays a
few hundred kilobytes compressed); ``mentors.json`` the per-mentor workload of the
application layer's balance table. The key figures go into the job's summary in the
store. Every value is plain data: the browser writes it into the page as text, never as
markup. Reasons are kept in both languages, so the page can switch without recomputing.
"""

from __future__ import annotations

import gzip
import json
import math
import os
import tempfile
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tkm_assign.app import PlanFigures, PlanResult
from tkm_assign.geo.regions import load_geography
from tkm_assign.messages import LANGUAGES, Message, render
from tkm_assign.model import Assignment, Problem
from tkm_assign.report.tables import PlanTables

MAP_FILE = "map.json"
MENTORS_FILE = "mentors.json"
COORD_DIGITS = 5  # about 1 m


def write_json_atomic(path: Path, data: Any, packed: bool = False) -> None:
    """``data`` as compact JSON, written to a temporary file and moved into place.

    With ``packed`` a gzip copy (``<name>.gz``) is written too, so that the server sends it
    compressed without compressing it at every request.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    raw = text.encode("utf-8")
    targets = [(path, raw)]
    if packed:
        targets.insert(0, (path.with_name(path.name + ".gz"), gzip.compress(raw, 9, mtime=0)))
    for target, content in targets:
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
        with os.fdopen(handle, "wb") as out:
            out.write(content)
        os.replace(temporary, target)


def read_json(path: Path) -> Any:
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


def worded(reason: object) -> dict[str, str]:
    """A reason in every language (a catalogue message, or text written before it)."""
    if isinstance(reason, Message):
        return {lang: render(reason, lang) for lang in LANGUAGES}
    text = "" if reason is None else str(reason)
    return dict.fromkeys(LANGUAGES, text)


@dataclass(frozen=True)
class PlanView:
    """The parts of a plan the pages draw: a made plan's or an audited hand plan's."""

    problem: Problem
    assignment: Assignment
    tables: PlanTables
    measures: PlanFigures

    @classmethod
    def of(cls, result: PlanResult) -> PlanView:
        return cls(result.problem, result.assignment, result.tables, result.measures)

    @property
    def figures(self) -> Mapping[str, Any]:
        return self.measures.figures


def write_plan_page(folder: Path, result: PlanResult | PlanView) -> dict[str, Any]:
    """Write ``map.json`` and ``mentors.json`` into ``folder``; return the key figures."""
    view = result if isinstance(result, PlanView) else PlanView.of(result)
    write_json_atomic(folder / MAP_FILE, map_data(view), packed=True)
    write_json_atomic(folder / MENTORS_FILE, mentor_rows(view))
    return key_figures(view)


def map_data(result: PlanView) -> dict[str, Any]:
    """Mentors and participants as parallel arrays; ``m`` indexes mentors (-1: none)."""
    problem = result.problem
    mentor_ids = [m.mentor_id for m in problem.mentors]
    index = {mid: i for i, mid in enumerate(mentor_ids)}
    mentor_of = result.assignment.mentor_of
    reason_of = result.assignment.reasons
    reasons: dict[tuple[str, ...], int] = {}
    p_mentor, p_reason = [], []
    for p in problem.participants:
        mentor = mentor_of.get(p.participant_id)
        p_mentor.append(index.get(mentor, -1) if mentor else -1)
        if mentor or p.participant_id not in reason_of:
            p_reason.append(-1)
            continue
        words = worded(reason_of[p.participant_id])
        key = tuple(words[lang] for lang in LANGUAGES)
        p_reason.append(reasons.setdefault(key, len(reasons)))
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
        "reasons": {lang: [key[i] for key in reasons] for i, lang in enumerate(LANGUAGES)},
    }


def mentor_rows(result: PlanView) -> list[dict[str, Any]]:
    """One row per mentor from the balance table, with its sessions and province code."""
    workload = result.tables.workload
    sessions: Counter[str] = Counter()
    if workload is not None and len(workload):
        sums = workload.groupby("mentor_id")["sessions"].sum()
        sessions.update({str(k): int(v) for k, v in sums.items()})
    province = {m.mentor_id: m.location.province_code for m in result.problem.mentors}
    rows = []
    for row in result.measures.balance.to_dict("records"):
        mentor_id = str(row["mentor_id"])
        rows.append(
            {
                "mentor_id": mentor_id,
                "name": str(row["name"] or ""),
                "province": str(row["province"] or ""),
                "province_code": province.get(mentor_id, ""),
                "participants": int(row["caseload"]),
                "max_caseload": int(row["max_caseload"]),
                "sessions": sessions.get(mentor_id, 0),
                "session_hours": _number(row["session_hours"]),
                "travel_hours": _number(row["travel_hours"]),
                "travel_km": _number(row["travel_km"]),
                "utilisation": _number(row["utilisation"]),
                "peak_utilisation": _number(row["peak_utilisation"]),
                "flag": str(row["flag"] or ""),
            }
        )
    return rows


def key_figures(result: PlanView) -> dict[str, Any]:
    """The figures at the top of the plan page (stored with the job)."""
    figures = dict(result.figures)
    grouped: Counter[tuple[str, ...]] = Counter()
    for pid, reason in result.assignment.reasons.items():
        if result.assignment.mentor_of.get(pid) is None:
            words = worded(reason)
            grouped[tuple(words[lang] for lang in LANGUAGES)] += 1
    figures["reasons"] = [
        {"count": count, **dict(zip(LANGUAGES, key, strict=True))}
        for key, count in sorted(grouped.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    figures["province_names"] = province_names(result.problem)
    figures["idle_utilisation"] = result.problem.config.output.idle_utilisation
    return json.loads(json.dumps(figures, default=str))


def province_names(problem: Problem) -> list[tuple[str, str]]:
    """(code, name) of every province with participants, by code."""
    geography = load_geography()
    codes = sorted({p.location.province_code for p in problem.participants} - {""})
    return [(code, geography.province_name(code)) for code in codes]


def _number(value: Any) -> float | None:
    if value is None:
        return None
    number = float(value)
    return None if math.isnan(number) else round(number, 4)
