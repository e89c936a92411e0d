"""Capacity results as tables: ``capacity.csv``, ``suggested_mentors.csv`` and the summary.

Columns of ``capacity.csv`` (one row per province with participants or mentors):

- ``province_code``, ``province``, ``participants``;
- ``mentors_now``: mentors living in the province in the mentors file (0 without one);
- ``mentors_needed``: mentors the province needs so that everyone gets their sessions --
  the mentors it has (when they are kept) plus ``to_add``;
- ``to_add``: new mentors suggested; ``suggested_bases`` where, as ``town: count`` joined
  by ``;``;
- ``spare``: mentors beyond what the province would need on its own (all at the best
  towns), where it needs no new mentor -- mentors that could be lent;
- ``lower_bound``: mentors no plan can do with fewer (participants over the caseload cap,
  minimum monthly hours over a mentor's hours, per land);
- ``utilisation``: hours planned over hours available, for the province's mentors in the
  months of the base programme, in the checked plan;
- ``unresolved``: participants still without a mentor or short of sessions in that plan.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

import pandas as pd

from tkm_assign.geo.regions import load_geography
from tkm_assign.io.read import MENTOR_COLUMNS
from tkm_assign.scenarios.capacity import CapacityResult, suggested_sectors

CAPACITY_COLUMNS = (
    "province_code",
    "province",
    "participants",
    "mentors_now",
    "mentors_needed",
    "to_add",
    "spare",
    "lower_bound",
    "suggested_bases",
    "utilisation",
    "unresolved",
)


def capacity_table(result: CapacityResult) -> pd.DataFrame:
    """``capacity.csv``: one row per province, by province code."""
    geography = load_geography()
    participants = Counter(p.location.province_code for p in result.problem.participants)
    now = Counter(m.location.province_code for m in result.mentors_given)
    added = Counter(s.mentor.location.province_code for s in result.suggested)
    bases: dict[str, Counter[str]] = defaultdict(Counter)
    for s in result.suggested:
        bases[s.mentor.location.province_code][s.base] += 1
    bound: Counter[str] = Counter()
    spare: Counter[str] = Counter()
    for region in result.regions:
        if region.provinces:
            # A region spanning provinces (a pin across a border) counts where it starts.
            bound[region.provinces[0]] += region.lower_bound
            spare[region.provinces[0]] += region.spare
    unresolved = Counter(
        result.problem.participants[result.problem.participant_index[pid]].location.province_code
        for pid in result.unresolved
    )
    hours = _utilisation(result)
    rows = []
    for code in sorted(set(participants) | set(now)):
        kept = now[code] if result.existing else 0
        needed = kept + added[code]
        rows.append(
            {
                "province_code": code,
                "province": geography.province_name(code),
                "participants": participants[code],
                "mentors_now": now[code],
                "mentors_needed": needed,
                "to_add": added[code],
                "spare": spare[code] if result.existing else max(0, now[code] - needed),
                "lower_bound": bound[code],
                "suggested_bases": "; ".join(
                    f"{town}: {count}" for town, count in bases[code].items()
                ),
                "utilisation": hours.get(code, 0.0),
                "unresolved": unresolved[code],
            }
        )
    return pd.DataFrame(rows, columns=list(CAPACITY_COLUMNS))


def _utilisation(result: CapacityResult) -> dict[str, float]:
    """Hours planned over hours available per province of the mentors' homes, months
    1..``programme.months`` of the checked plan."""
    workload = result.plan.tables.workload
    if workload is None or workload.empty:
        return {}
    months = result.problem.config.programme.months
    province_of = {m.mentor_id: m.location.province_code for m in result.problem.mentors}
    base = workload[workload["month"] <= months]
    grouped = (
        base.assign(province=base["mentor_id"].map(province_of))
        .groupby("province")[["total_hours", "available_hours"]]
        .sum()
    )
    return {
        str(code): round(float(row.total_hours) / float(row.available_hours), 3)
        if row.available_hours
        else 0.0
        for code, row in grouped.iterrows()
    }


def suggested_mentors_frame(result: CapacityResult) -> pd.DataFrame:
    """``suggested_mentors.csv``: the new mentors in the mentors input format.

    Empty cells take the defaults when the file is read (caseload ``caseload.max``, hours
    from the working days, ``work.days``), exactly as the capacity plan assumed, so the
    rows can be appended to a mentors file and planned with ``tkm-assign plan``.
    """
    geography = load_geography()
    rows = [
        {
            "mentor_id": s.mentor.mentor_id,
            "name": s.mentor.name,
            "latitude": f"{s.latitude:.5f}",
            "longitude": f"{s.longitude:.5f}",
            "province": geography.province_name(s.mentor.location.province_code),
            "sectors": ";".join(sector.value for sector in suggested_sectors(s)),
            "certified": "",
            "max_caseload": "",
            "hours_per_month": "",
            "transport": s.mentor.transport.value,
            "working_days": "",
            "unavailable": "",
            "phone": "",
        }
        for s in result.suggested
    ]
    return pd.DataFrame(rows, columns=list(MENTOR_COLUMNS), dtype=object)


def capacity_summary(result: CapacityResult, table: pd.DataFrame) -> dict[str, Any]:
    """``capacity_summary.json``: totals, the check of the plan, every region, the config."""
    plan = result.plan
    mentor_of = plan.assignment.mentor_of
    shortfalls = plan.schedule.shortfalls if plan.schedule is not None else ()
    return {
        "mode": "add to existing mentors" if result.existing else "all mentors new",
        "participants": len(result.problem.participants),
        "mentors_now": int(table["mentors_now"].sum()),
        "mentors_needed": int(table["mentors_needed"].sum()),
        "to_add": len(result.suggested),
        "spare": int(table["spare"].sum()),
        "lower_bound": int(table["lower_bound"].sum()),
        "provinces_to_add": int((table["to_add"] > 0).sum()),
        "provinces_with_spare": int((table["spare"] > 0).sum()),
        "check": {
            "rounds": result.rounds,
            "participants_with_mentor": sum(m is not None for m in mentor_of.values()),
            "participants_without_mentor": sum(m is None for m in mentor_of.values()),
            "shortfall_participant_months": sum(s.mentor_id is not None for s in shortfalls),
            "all_served": not result.unresolved,
        },
        "unresolved": [
            {"participant_id": pid, "reason": why} for pid, why in result.unresolved.items()
        ],
        "regions": [
            {
                "provinces": list(r.provinces),
                "islands": [load_geography().island_name(i) for i in r.islands],
                "participants": r.participants,
                "mentors_now": r.mentors_now,
                "lower_bound": r.lower_bound,
                "added_by_model": r.added_by_model,
                "added_by_checks": r.added_by_checks,
                "needed_alone": r.needed_alone,
                "spare": r.spare,
                "model_count_proven_minimal": r.proven,
            }
            for r in result.regions
        ],
        "suggested": [
            {
                "mentor_id": s.mentor.mentor_id,
                "base": s.base,
                "step": s.step,
                "sectors": [sector.value for sector in suggested_sectors(s)],
            }
            for s in result.suggested
        ],
        "seconds": round(result.seconds, 1),
        "seed": result.problem.config.solver.seed,
        "config": result.problem.config.to_dict(),
        "inputs": {
            "participants": result.problem.participants_source,
            "mentors": result.problem.mentors_source if result.mentors_given else None,
        },
    }
