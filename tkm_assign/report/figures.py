"""Key figures, per-mentor balance and per-province tables computed from a plan's tables.

Every output (workbook, HTML report, audit) shows the same numbers because they all come
from here. Figures are computed from :class:`~tkm_assign.report.tables.PlanTables` and the
:class:`~tkm_assign.model.Problem`, so a plan made by a solver and a plan typed by hand are
measured the same way; solver-only facts (status, gap, engine) are taken from the summary
dictionaries when present.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from tkm_assign import rules
from tkm_assign.geo.regions import Geography, load_geography
from tkm_assign.model import Mentor, Mode, Participant, Problem
from tkm_assign.report.tables import PlanTables

if TYPE_CHECKING:
    from tkm_assign.report.i18n import Labels

# Sessions per participant in the first three months, as binned by the 2024 evaluation.
BASELINE_2024 = {"0-2": 0.3107, "3-4": 0.5890, ">4": 0.1003}
SESSION_BINS = ("0-2", "3-4", ">4")
FIRST_MONTHS = 3
# Utilisation this far above 1 still counts as full, not overloaded (rounding of hours).
OVERLOAD_TOLERANCE = 1e-6
# Above these the workload spread over mentors is shown as uneven (amber) and explained.
CV_UNEVEN = 0.3
GINI_UNEVEN = 0.2

BALANCE_COLUMNS = (
    "mentor_id",
    "name",
    "province",
    "caseload",
    "max_caseload",
    "monthly_hours_estimated",
    "capacity_hours",
    "utilisation",
    "sessions",
    "onsite",
    "session_hours",
    "travel_hours",
    "travel_km",
    "total_hours",
    "travel_share",
    "travel_cost_idr",
    "peak_hours",
    "peak_utilisation",
    "flag",
    "travel_heavy",
)
PROVINCE_COLUMNS = (
    "province_code",
    "province",
    "participants",
    "assigned",
    "unassigned",
    "served_share",
    "mentors",
    "places",
    "sector_match_rate",
    "mean_travel_min",
    "utilisation_mean",
    "utilisation_min",
    "utilisation_max",
)


def text(value: object) -> str:
    """A table cell as text: ``""`` for None and NaN, otherwise ``str(value).strip()``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if value is pd.NA or value is pd.NaT:
        return ""
    return str(value).strip()


def as_float(value: object) -> float | None:
    """A cell as a number; ``None`` for empty cells, text that is not a number, and NaN."""
    shown = text(value)
    if not shown:
        return None
    try:
        number = float(shown)
    except ValueError:
        return None
    return None if math.isnan(number) else number


def truthy(value: object) -> bool:
    """``True``, ``"true"``, ``"ya"``, ``1`` ... as a bool (cells may come back as text)."""
    if isinstance(value, bool | np.bool_):
        return bool(value)
    return text(value).lower() in {"true", "1", "1.0", "yes", "ya", "y"}


def spread(values: Iterable[float]) -> dict[str, float]:
    """Balance measures of a set of per-mentor values.

    Returns mean, std (population), cv (std / mean; 0 when the mean is 0), min, max,
    max_over_mean and gini (0 = perfectly equal, towards 1 = all on one mentor). Empty input
    gives zeros.
    """
    x = np.asarray([float(v) for v in values], dtype=np.float64)
    x = x[~np.isnan(x)]
    if x.size == 0:
        return dict.fromkeys(("mean", "std", "cv", "min", "max", "max_over_mean", "gini"), 0.0)
    mean = float(x.mean())
    std = float(x.std())
    total = float(x.sum())
    if total > 0:
        # Gini from the sorted values: sum_i (2i - n - 1) x_i / (n sum x), i = 1..n.
        ordered = np.sort(x)
        ranks = np.arange(1, x.size + 1)
        gini = float(((2 * ranks - x.size - 1) * ordered).sum() / (x.size * total))
    else:
        gini = 0.0
    return {
        "mean": mean,
        "std": std,
        "cv": std / mean if mean > 0 else 0.0,
        "min": float(x.min()),
        "max": float(x.max()),
        "max_over_mean": float(x.max()) / mean if mean > 0 else 0.0,
        "gini": gini,
    }


def participants_by_id(problem: Problem) -> dict[str, Participant]:
    return {p.participant_id: p for p in problem.participants}


def mentors_by_id(problem: Problem) -> dict[str, Mentor]:
    return {m.mentor_id: m for m in problem.mentors}


def regency_names(geography: Geography) -> dict[str, str]:
    return dict(
        zip(geography.regencies["regency_code"], geography.regencies["regency_name"], strict=True)
    )


def province_names(geography: Geography) -> dict[str, str]:
    return dict(
        zip(geography.provinces["province_code"], geography.provinces["province_name"], strict=True)
    )


def place_of(participant: Participant, regencies: Mapping[str, str]) -> str:
    """``Desa Sukamaju, Kabupaten Garut`` style place name (village when known)."""
    regency = regencies.get(participant.location.regency_code, "")
    parts = [p for p in (participant.village, regency) if p]
    return ", ".join(parts)


def assigned_mentor(tables: PlanTables) -> dict[str, str]:
    """participant id -> mentor id for every assigned participant."""
    frame = tables.assignments
    out: dict[str, str] = {}
    for pid, mid in zip(frame["participant_id"], frame["mentor_id"], strict=True):
        mentor = text(mid)
        if mentor:
            out[text(pid)] = mentor
    return out


def sessions_first_months(problem: Problem, tables: PlanTables) -> dict[str, Any]:
    """Participants by sessions received in the first three months, in the 2024 bins.

    Every participant of the problem counts; one without a mentor or without sessions
    counts as 0. Returns ``{"counts": {...}, "shares": {...}, "participants": n}``.
    """
    counts = dict.fromkeys((p.participant_id for p in problem.participants), 0)
    if tables.plan is not None:  # the typed sessions the schedule table was made from
        held = Counter(s.participant_id for s in tables.plan.sessions if s.month <= FIRST_MONTHS)
        for pid, n in held.items():
            if pid in counts:
                counts[pid] = n
    elif tables.schedule is not None and len(tables.schedule):
        schedule = tables.schedule
        early = schedule[pd.to_numeric(schedule["month"], errors="coerce") <= FIRST_MONTHS]
        for key, n in early["participant_id"].map(text).value_counts().items():
            if key in counts:
                counts[str(key)] = int(n)
    binned = dict.fromkeys(SESSION_BINS, 0)
    for n in counts.values():
        binned["0-2" if n <= 2 else "3-4" if n <= 4 else ">4"] += 1
    total = len(counts)
    shares = {k: (v / total if total else 0.0) for k, v in binned.items()}
    return {"counts": binned, "shares": shares, "participants": total}


def mentor_balance(problem: Problem, tables: PlanTables) -> pd.DataFrame:
    """One row per mentor: caseload, estimated and scheduled hours, travel, utilisation, flag.

    ``utilisation`` is the estimated monthly load (sum of the assignments' ``monthly_hours``)
    over the mentor's monthly capacity (:func:`tkm_assign.rules.mentor_capacity_min`).
    With a schedule, ``peak_hours``/``peak_utilisation`` are the busiest month of the
    workload table and sessions, session/travel hours and kilometres are programme totals;
    ``travel_share`` is travel hours over session plus travel hours, ``travel_cost_idr`` the
    travel allowance (``travel_km x cost.per_km_idr``). ``flag`` is ``overloaded`` (over the
    caseload cap or above 100 % in either measure), ``idle`` (no participant, or utilisation
    below ``output.idle_utilisation``) or empty; ``travel_heavy`` is true when riding takes
    more than ``output.travel_share_flag`` of the mentor's scheduled hours.
    """
    config = problem.config
    names = province_names(load_geography())
    frame = tables.assignments
    mentor_col = frame["mentor_id"].map(text)
    caseload = mentor_col[mentor_col != ""].value_counts()
    hours = pd.to_numeric(frame["monthly_hours"], errors="coerce").fillna(0.0)
    est_hours = hours.groupby(mentor_col).sum()
    per_mentor = _scheduled_per_mentor(tables)
    rows = []
    for mentor in problem.mentors:
        mid = mentor.mentor_id
        capacity_h = rules.mentor_capacity_min(mentor, config) / 60.0
        est = float(est_hours.get(mid, 0.0))
        row: dict[str, Any] = {
            "mentor_id": mid,
            "name": mentor.name,
            "province": names.get(mentor.location.province_code, mentor.location.province_code),
            "caseload": int(caseload.get(mid, 0)),
            "max_caseload": rules.effective_caseload(mentor, config),
            "monthly_hours_estimated": round(est, 2),
            "capacity_hours": round(capacity_h, 2),
            "utilisation": round(est / capacity_h, 4) if capacity_h > 0 else 0.0,
        }
        for column, (values, empty, digits) in per_mentor.items():
            value = values.get(mid, empty)
            row[column] = value if value != value else round(float(value), digits)
        total = row["total_hours"]
        share = row["travel_hours"] / total if total == total and total > 0 else np.nan
        row["travel_share"] = share if share != share else round(share, 4)
        km = row["travel_km"]
        row["travel_cost_idr"] = km if km != km else round(km * config.cost.per_km_idr)
        row["flag"] = _flag(row, config.output.idle_utilisation)
        row["travel_heavy"] = bool(share == share and share > config.output.travel_share_flag)
        rows.append(row)
    return pd.DataFrame(rows, columns=list(BALANCE_COLUMNS))


def _scheduled_per_mentor(
    tables: PlanTables,
) -> dict[str, tuple[Mapping[Any, float], float, int]]:
    """Balance column -> (value per mentor id, value for a mentor without rows, decimals).

    Scheduled columns are NaN for every mentor when the plan has no schedule."""
    out: dict[str, tuple[Mapping[Any, float], float, int]] = {}
    workload, routes = tables.workload, tables.routes
    if workload is None:
        for column in (
            "sessions",
            "onsite",
            "session_hours",
            "travel_hours",
            "total_hours",
            "peak_hours",
            "peak_utilisation",
        ):
            out[column] = ({}, np.nan, 2)
    else:
        by = workload.assign(
            _mid=workload["mentor_id"].map(text),
            _session=_num(workload["session_hours"]),
            _travel=_num(workload["travel_hours"]),
            _total=_num(workload["total_hours"]),
            _util=_num(workload["utilisation"]),
            _sessions=_num(workload["sessions"]),
            _onsite=_num(workload["onsite"]),
        ).groupby("_mid")
        out["sessions"] = (by["_sessions"].sum().to_dict(), 0.0, 0)
        out["onsite"] = (by["_onsite"].sum().to_dict(), 0.0, 0)
        out["session_hours"] = (by["_session"].sum().to_dict(), 0.0, 2)
        out["travel_hours"] = (by["_travel"].sum().to_dict(), 0.0, 2)
        out["total_hours"] = (by["_total"].sum().to_dict(), 0.0, 2)
        out["peak_hours"] = (by["_total"].max().to_dict(), 0.0, 2)
        out["peak_utilisation"] = (by["_util"].max().to_dict(), 0.0, 4)
    if routes is None:
        out["travel_km"] = ({}, np.nan, 1)
    else:
        km = _num(routes["distance_km"]).groupby(routes["mentor_id"].map(text)).sum()
        out["travel_km"] = (km.to_dict(), 0.0, 1)
    return out


def _num(series: pd.Series) -> pd.Series:
    return pd.to_numeric(series, errors="coerce").fillna(0.0)


def _flag(row: Mapping[str, Any], idle_below: float) -> str:
    peak = row["peak_utilisation"]
    peak = 0.0 if peak is None or (isinstance(peak, float) and math.isnan(peak)) else float(peak)
    if (
        row["caseload"] > row["max_caseload"]
        or row["utilisation"] > 1.0 + OVERLOAD_TOLERANCE
        or peak > 1.0 + OVERLOAD_TOLERANCE
    ):
        return "overloaded"
    if row["caseload"] == 0 or max(row["utilisation"], peak) < idle_below:
        return "idle"
    return ""


def balance_utilisation(balance: pd.DataFrame) -> pd.Series:
    """The utilisation each mentor is judged by: busiest scheduled month, else the estimate."""
    peak = pd.to_numeric(balance["peak_utilisation"], errors="coerce")
    return peak.where(peak.notna(), balance["utilisation"]).astype(float)


def province_table(problem: Problem, tables: PlanTables, balance: pd.DataFrame) -> pd.DataFrame:
    """One row per province with participants or mentors: demand, capacity, service, load."""
    names = province_names(load_geography())
    assigned = assigned_mentor(tables)
    frame = tables.assignments.assign(_pid=tables.assignments["participant_id"].map(text))
    match = dict(zip(frame["_pid"], frame["sector_match"].map(truthy), strict=True))
    travel = dict(
        zip(frame["_pid"], pd.to_numeric(frame["travel_min"], errors="coerce"), strict=True)
    )
    util = dict(zip(balance["mentor_id"], balance_utilisation(balance), strict=True))
    codes = sorted(
        {p.location.province_code for p in problem.participants}
        | {m.location.province_code for m in problem.mentors}
    )
    rows = []
    for code in codes:
        people = [p for p in problem.participants if p.location.province_code == code]
        served = [p for p in people if p.participant_id in assigned]
        mentors = [m for m in problem.mentors if m.location.province_code == code]
        loads = [util[m.mentor_id] for m in mentors]
        travel_served = [travel.get(p.participant_id, np.nan) for p in served]
        travel_served = [t for t in travel_served if not math.isnan(t)]
        rows.append(
            {
                "province_code": code,
                "province": names.get(code, code),
                "participants": len(people),
                "assigned": len(served),
                "unassigned": len(people) - len(served),
                "served_share": round(len(served) / len(people), 4) if people else np.nan,
                "mentors": len(mentors),
                "places": sum(rules.effective_caseload(m, problem.config) for m in mentors),
                "sector_match_rate": (
                    round(sum(match.get(p.participant_id, False) for p in served) / len(served), 4)
                    if served
                    else np.nan
                ),
                "mean_travel_min": (
                    round(float(np.mean(travel_served)), 1) if travel_served else np.nan
                ),
                "utilisation_mean": round(float(np.mean(loads)), 4) if loads else np.nan,
                "utilisation_min": round(float(np.min(loads)), 4) if loads else np.nan,
                "utilisation_max": round(float(np.max(loads)), 4) if loads else np.nan,
            }
        )
    return pd.DataFrame(rows, columns=list(PROVINCE_COLUMNS))


def key_figures(problem: Problem, tables: PlanTables, balance: pd.DataFrame) -> dict[str, Any]:
    """The plan's headline numbers, JSON-ready; ``None`` where the plan has no such part.

    Computed from the tables (so hand-made plans get the same figures); the solver's status,
    engine, gap, solve time, seed and changes come from ``tables.assignment_summary``.
    """
    frame = tables.assignments
    mentor_col = frame["mentor_id"].map(text)
    is_assigned = mentor_col != ""
    n_participants = len(problem.participants)
    n_assigned = int(is_assigned.sum())
    travel = pd.to_numeric(frame.loc[is_assigned, "travel_min"], errors="coerce").dropna()
    match = frame.loc[is_assigned, "sector_match"].map(truthy)
    figures: dict[str, Any] = {
        "participants": n_participants,
        "assigned": n_assigned,
        "unassigned": n_participants - n_assigned,
        "served_share": n_assigned / n_participants if n_participants else 0.0,
        "mentors": len(problem.mentors),
        "mentors_active": int(mentor_col[is_assigned].nunique()),
        "sector_match_rate": float(match.mean()) if len(match) else None,
        "mean_travel_min": float(travel.mean()) if len(travel) else None,
        "sessions_first_3_months": sessions_first_months(problem, tables),
        "baseline_2024": dict(BASELINE_2024),
    }
    caseloads = balance["caseload"].astype(float)
    figures["caseload"] = {
        "min": float(caseloads.min()) if len(caseloads) else 0.0,
        "mean": float(caseloads.mean()) if len(caseloads) else 0.0,
        "max": float(caseloads.max()) if len(caseloads) else 0.0,
    }
    figures["utilisation_spread"] = spread(balance_utilisation(balance))
    figures["caseload_spread"] = spread(caseloads)
    figures["overloaded"] = balance.loc[balance["flag"] == "overloaded", "mentor_id"].tolist()
    figures["idle"] = balance.loc[balance["flag"] == "idle", "mentor_id"].tolist()
    figures["utilisation_basis"] = "busiest_month" if tables.workload is not None else "estimated"

    schedule = tables.schedule
    figures["sessions"] = None if schedule is None else len(schedule)
    figures["onsite_share"] = None
    if tables.plan is not None and tables.plan.sessions:
        onsite = sum(1 for s in tables.plan.sessions if s.mode is Mode.ONSITE)
        figures["onsite_share"] = onsite / len(tables.plan.sessions)
    elif schedule is not None and len(schedule):
        figures["onsite_share"] = float((schedule["mode"].map(text) == "onsite").mean())
    figures.update(_compliance(tables, n_assigned))
    figures.update(_travel_totals(tables))
    summary = tables.assignment_summary or {}
    for key in ("status", "engine", "gap", "solve_seconds", "seed", "changes_from_current"):
        figures[key] = summary.get(key)
    return figures


def _compliance(tables: PlanTables, n_assigned: int) -> dict[str, Any]:
    shortfalls = tables.shortfalls
    if shortfalls is None or tables.schedule is None:
        return {"target_share": None, "onsite_min_share": None, "shortfalls": None}
    short = shortfalls.assign(
        _pid=shortfalls["participant_id"].map(text),
        _planned=_num(shortfalls["planned"]),
        _required=_num(shortfalls["required"]),
        _on_planned=_num(shortfalls["onsite_planned"]),
        _on_required=_num(shortfalls["onsite_required"]),
    )
    missed_target = set(short.loc[short["_planned"] < short["_required"], "_pid"])
    missed_onsite = set(short.loc[short["_on_planned"] < short["_on_required"], "_pid"])
    assigned_ids = set(assigned_mentor(tables))
    if not n_assigned:
        return {"target_share": None, "onsite_min_share": None, "shortfalls": len(short)}
    # Participant-months short among participants with a mentor: those without one are
    # counted (with their reasons) as unassigned, not again here.
    with_mentor = short["_pid"].isin(assigned_ids)
    return {
        "target_share": len(assigned_ids - missed_target) / n_assigned,
        "onsite_min_share": len(assigned_ids - missed_onsite) / n_assigned,
        "shortfalls": int(with_mentor.sum()),
    }


def _travel_totals(tables: PlanTables) -> dict[str, Any]:
    routes, schedule = tables.routes, tables.schedule
    if routes is None or schedule is None:
        return {"travel_hours_total": None, "travel_km_total": None, "travel_min_per_visit": None}
    if tables.plan is not None:  # the typed routes and sessions the tables were made from
        minutes = float(
            sum(r.travel_min for r in tables.plan.routes if rules.reachable(r.travel_min))
        )
        visits = sum(1 for s in tables.plan.sessions if s.mode is Mode.ONSITE)
    else:
        minutes = float(_num(routes["travel_min"]).sum())
        visits = int((schedule["mode"].map(text) == "onsite").sum())
    return {
        "travel_hours_total": minutes / 60.0,
        "travel_km_total": float(_num(routes["distance_km"]).sum()),
        "travel_min_per_visit": minutes / visits if visits else None,
    }


def unassigned_rows(problem: Problem, tables: PlanTables) -> pd.DataFrame:
    """Participants without a mentor: id, name, province, sector, reason (a message)."""
    frame = tables.assignments
    people = participants_by_id(problem)
    rows = []
    for pid, mid, reason, province in zip(
        frame["participant_id"].map(text),
        frame["mentor_id"].map(text),
        frame["reason"],
        frame["province"].map(text),
        strict=True,
    ):
        if mid:
            continue
        person = people.get(pid)
        rows.append(
            {
                "participant_id": pid,
                "participant_name": person.name if person else "",
                "province": province,
                "sector": person.sector.value if person else "",
                "reason": reason,
            }
        )
    return pd.DataFrame(
        rows, columns=["participant_id", "participant_name", "province", "sector", "reason"]
    )


def reason_counts(reasons: Iterable[str]) -> list[tuple[str, int]]:
    """Reasons grouped by their wording with the mentor/number details kept, most common first."""
    counts = pd.Series([text(r) or "–" for r in reasons], dtype=object).value_counts()
    return [(str(reason), int(n)) for reason, n in counts.items()]


def programme_period(problem: Problem) -> tuple[dt.date, dt.date]:
    """First and last day of the planned period (the longest participant programme)."""
    config = problem.config
    months = max(
        [
            config.programme.months,
            *(rules.programme_months(p, config) for p in problem.participants),
        ]
    )
    starts = rules.month_starts(config.programme.start_date, months)
    return starts[0], starts[-1] - dt.timedelta(days=1)


def status_words(status: object, gap: object, labels: Labels) -> str:
    """A solver status in words a coordinator reads (``FEASIBLE`` says how close to best)."""
    code = text(status)
    if code == "FEASIBLE":
        # The summary's gap is a number; a table read back may hold it as text.
        share = float(gap) if isinstance(gap, int | float) else as_float(gap)
        return labels.text("status_FEASIBLE", gap=labels.percent(share or 0.0, 1))
    if code in ("OPTIMAL", "INFEASIBLE"):
        return labels[f"status_{code}"]
    return code


def engine_words(engine: object, labels: Labels) -> str:
    """How the assignment was computed, in words (the exact engine is in summary.json)."""
    name = text(engine)
    if "CP-SAT" in name or "hours model" in name:
        return labels["engine_cpsat"]
    if "flow" in name:
        return labels["engine_flow"]
    if name == "given":
        return labels["engine_given"]
    return labels["engine_other"] if name else ""
