"""The assignment as a table and a summary (``assignments.csv`` and ``summary.json``).

Both are built from the problem, its candidates and an :class:`~tkm_assign.model.Assignment`
(from :func:`tkm_assign.assign.assign` or the baseline), so every output and report reads
the same figures.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np
import pandas as pd

from tkm_assign.assign.costs import mentor_capacities_min
from tkm_assign.geo.regions import load_geography
from tkm_assign.model import Assignment, Candidates, Problem
from tkm_assign.report.tables import ASSIGNMENT_COLUMNS
from tkm_assign.rules import effective_caseload, monthly_load_min


def _chosen_pairs(problem: Problem, candidates: Candidates, assignment: Assignment) -> np.ndarray:
    """Candidate pair index of each participant's mentor, -1 when unassigned."""
    mentor_index = problem.mentor_index
    wanted = np.array(
        [
            mentor_index[m] if (m := assignment.mentor_of.get(p.participant_id)) else -1
            for p in problem.participants
        ],
        dtype=np.int64,
    ).reshape(-1)
    pair = np.full(len(problem.participants), -1, dtype=np.int64)
    hit = np.flatnonzero(wanted[candidates.participant_idx] == candidates.mentor_idx)
    pair[candidates.participant_idx[hit]] = hit
    missing = [
        problem.participants[i].participant_id for i in np.flatnonzero((wanted >= 0) & (pair < 0))
    ]
    if missing:
        raise ValueError(f"assignment uses pairs that are not candidates: {', '.join(missing[:5])}")
    return pair


def assignment_table(
    problem: Problem, candidates: Candidates, assignment: Assignment
) -> pd.DataFrame:
    """One row per participant with exactly ``report.tables.ASSIGNMENT_COLUMNS``.

    ``mentor_id`` and ``reason`` are empty text when not applicable; ``sector_match``,
    ``travel_min``, ``distance_km`` and ``monthly_hours`` are empty (NA) for participants
    without a mentor. ``monthly_hours`` is the participant's estimated load on the mentor
    (:func:`tkm_assign.rules.monthly_load_min`), in hours.
    """
    geography = load_geography()
    names: dict[str, str] = {}
    pair = _chosen_pairs(problem, candidates, assignment)
    rows: list[tuple[object, ...]] = []
    for i, p in enumerate(problem.participants):
        code = p.location.province_code
        if code not in names:
            names[code] = geography.province_name(code)
        k = int(pair[i])
        mentor_id = assignment.mentor_of.get(p.participant_id)
        if k >= 0 and mentor_id is not None:
            mentor = problem.mentors[problem.mentor_index[mentor_id]]
            travel = int(candidates.travel_min[k])
            rows.append(
                (
                    p.participant_id,
                    mentor_id,
                    "assigned",
                    "",
                    names[code],
                    p.sector.value,
                    p.sector in mentor.sectors,
                    travel,
                    round(int(candidates.distance_m[k]) / 1000.0, 1),
                    round(monthly_load_min(p, travel, problem.config) / 60.0, 2),
                )
            )
        else:
            rows.append(
                (
                    p.participant_id,
                    "",
                    "unassigned",
                    assignment.reasons.get(p.participant_id, ""),
                    names[code],
                    p.sector.value,
                    pd.NA,
                    pd.NA,
                    np.nan,
                    np.nan,
                )
            )
    frame = pd.DataFrame(rows, columns=list(ASSIGNMENT_COLUMNS))
    return frame.astype(
        {
            "sector_match": "boolean",
            "travel_min": "Int64",
            "distance_km": "float64",
            "monthly_hours": "float64",
        }
    )


def _stats(values: np.ndarray, digits: int) -> dict[str, float]:
    if values.size == 0:
        return {"min": 0.0, "mean": 0.0, "max": 0.0}
    return {
        "min": round(float(values.min()), digits),
        "mean": round(float(values.mean()), digits),
        "max": round(float(values.max()), digits),
    }


def assignment_summary(
    problem: Problem, candidates: Candidates, assignment: Assignment
) -> dict[str, Any]:
    """JSON-ready figures of a plan for ``summary.json`` and reports.

    Keys: status, objective, bound, gap, solve_seconds, assigned, unassigned,
    sector_match_rate (share of assigned participants whose mentor has their sector),
    mean_travel_min (assigned participants, one way), caseload and utilisation
    {min, mean, max} over all mentors (utilisation = estimated monthly load / monthly
    capacity), changes_from_current, seed, engine, provinces (per province: participants,
    mentors, places, assigned) and config (the effective configuration).
    """
    table = assignment_table(problem, candidates, assignment)
    served = table[table["status"] == "assigned"]
    m = len(problem.mentors)
    caseload = np.zeros(m, dtype=np.int64)
    load_min = np.zeros(m, dtype=np.float64)
    for mentor_id, hours in zip(served["mentor_id"], served["monthly_hours"], strict=True):
        j = problem.mentor_index[mentor_id]
        caseload[j] += 1
        load_min[j] += float(hours) * 60.0
    capacity = mentor_capacities_min(problem).astype(np.float64)
    utilisation = np.divide(load_min, capacity, out=np.zeros(m), where=capacity > 0)
    changes = sum(
        1
        for p in problem.participants
        if p.current_mentor_id is not None
        and assignment.mentor_of.get(p.participant_id) != p.current_mentor_id
    )
    geography = load_geography()
    participants = Counter(p.location.province_code for p in problem.participants)
    assigned_by = Counter(
        p.location.province_code
        for p in problem.participants
        if assignment.mentor_of.get(p.participant_id) is not None
    )
    mentors_by: Counter[str] = Counter()
    places_by: Counter[str] = Counter()
    for mentor in problem.mentors:
        mentors_by[mentor.location.province_code] += 1
        places_by[mentor.location.province_code] += effective_caseload(mentor, problem.config)
    provinces = [
        {
            "province_code": code,
            "province": geography.province_name(code),
            "participants": participants[code],
            "mentors": mentors_by[code],
            "places": places_by[code],
            "assigned": assigned_by[code],
        }
        for code in sorted(set(participants) | set(mentors_by))
    ]
    n_served = len(served)
    return {
        "status": assignment.status.value,
        "objective": assignment.objective,
        "bound": assignment.bound,
        "gap": round(assignment.gap, 6),
        "solve_seconds": round(assignment.solve_seconds, 3),
        "engine": assignment.engine,
        "assigned": n_served,
        "unassigned": len(table) - n_served,
        "sector_match_rate": round(float(served["sector_match"].mean()), 4) if n_served else 0.0,
        "mean_travel_min": round(float(served["travel_min"].mean()), 1) if n_served else 0.0,
        "caseload": _stats(caseload.astype(np.float64), 2),
        "utilisation": _stats(utilisation, 3),
        "changes_from_current": changes,
        "seed": assignment.seed,
        "provinces": provinces,
        "config": problem.config.to_dict(),
    }
