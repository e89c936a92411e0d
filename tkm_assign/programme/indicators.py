"""The programme's success indicators, as the 2024 evaluation reports them.

Of the participants with outcomes: how many grew their turnover, keep simple financial
records at the end, took on new workers, and all three (2024, of 3,000: 1,296, 1,839, 139
and 179 = 5.97% against a target of 34%) — for the whole programme, by province, by
sector and by mentor; and next to the sessions each participant received, a plain table of
the indicators by the number of sessions held. It shows whether more mentoring goes with
more success in these data; it does not say that one causes the other.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from tkm_assign.geo.regions import load_geography
from tkm_assign.io.outcomes import Outcome, Outcomes
from tkm_assign.model import Problem
from tkm_assign.programme.plan import CurrentPlan
from tkm_assign.programme.progress import ProgressTables
from tkm_assign.report.figures import province_names

__all__ = ["EVALUATION_2024", "INDICATORS", "IndicatorTables", "measure_indicators"]

INDICATORS = ("turnover_growth", "financial_records", "new_workers", "all_three")
# The 2024 evaluation, of 3,000 participants; the programme's target for all three is 34%.
EVALUATION_2024 = {
    "participants": 3000,
    "turnover_growth": 1296,
    "financial_records": 1839,
    "new_workers": 139,
    "all_three": 179,
    "target_all_three_share": 0.34,
}
# Sessions held over the whole programme, binned for the table next to the indicators.
SESSION_BANDS = ((0, 2, "0-2"), (3, 4, "3-4"), (5, 8, "5-8"), (9, 12, "9-12"), (13, 10**6, ">12"))
GROUP_COLUMNS = (
    "group",
    "name",
    "participants",
    *INDICATORS,
    *(f"{k}_share" for k in INDICATORS),
)
SESSIONS_COLUMNS = ("sessions", "participants", *(f"{k}_share" for k in INDICATORS))


@dataclass(frozen=True)
class IndicatorTables:
    """The indicators by group and by sessions received.

    Attributes
    ----------
    groups
        ``group`` programme / province / sector / mentor, ``name``, participants with every
        indicator measured, the count and share of each indicator (:data:`GROUP_COLUMNS`).
    sessions
        The share of each indicator among participants by sessions held over the whole
        programme (:data:`SESSION_BANDS`).
    summary
        JSON-ready: the programme row, the 2024 evaluation and its target.
    """

    groups: pd.DataFrame
    sessions: pd.DataFrame
    summary: Mapping[str, Any]


def measure_indicators(
    problem: Problem, plan: CurrentPlan, outcomes: Outcomes, progress: ProgressTables
) -> IndicatorTables:
    """The indicators of every participant with outcomes (all four measured).

    Parameters
    ----------
    problem
        The participants (province, sector).
    plan
        Each participant's mentor (the ``mentor`` group).
    outcomes
        The validated outcomes file.
    progress
        Sessions each participant held (``progress.participants``).

    Returns
    -------
    IndicatorTables
    """
    names = province_names(load_geography())
    people = {p.participant_id: p for p in problem.participants}
    held = dict(
        zip(
            progress.participants["participant_id"],
            progress.participants["sessions_held"],
            strict=True,
        )
    )
    groups: dict[tuple[str, str], list[Outcome]] = defaultdict(list)
    bands: dict[str, list[Outcome]] = defaultdict(list)
    for o in outcomes.rows:
        if o.all_three is None or o.participant_id not in people:
            continue
        p = people[o.participant_id]
        groups["programme", ""].append(o)
        groups["province", names.get(p.location.province_code, p.location.province_code)].append(o)
        groups["sector", p.sector.value].append(o)
        groups["mentor", plan.mentor_of.get(o.participant_id) or "-"].append(o)
        bands[_band(int(held.get(o.participant_id, 0)))].append(o)
    order = {"programme": 0, "province": 1, "sector": 2, "mentor": 3}
    rows = [
        _row(group, name, members)
        for (group, name), members in sorted(
            groups.items(), key=lambda kv: (order[kv[0][0]], kv[0][1])
        )
    ]
    frame = pd.DataFrame(rows, columns=list(GROUP_COLUMNS))
    session_rows = []
    for _, _, label in SESSION_BANDS:
        members = bands.get(label, [])
        counts = _counts(members)
        session_rows.append(
            {
                "sessions": label,
                "participants": len(members),
                **{f"{k}_share": _share(counts[k], len(members)) for k in INDICATORS},
            }
        )
    whole = rows[0] if rows else _row("programme", "", [])
    summary = {
        "participants_with_outcomes": whole["participants"],
        **{k: whole[k] for k in INDICATORS},
        **{f"{k}_share": whole[f"{k}_share"] for k in INDICATORS},
        "target_all_three_share": EVALUATION_2024["target_all_three_share"],
        "evaluation_2024": dict(EVALUATION_2024),
    }
    return IndicatorTables(
        frame, pd.DataFrame(session_rows, columns=list(SESSIONS_COLUMNS)), summary
    )


def _band(sessions: int) -> str:
    return next(label for low, high, label in SESSION_BANDS if low <= sessions <= high)


def _counts(members: list[Outcome]) -> dict[str, int]:
    return {
        "turnover_growth": sum(bool(o.turnover_growth) for o in members),
        "financial_records": sum(bool(o.financial_records) for o in members),
        "new_workers": sum(bool(o.new_workers) for o in members),
        "all_three": sum(bool(o.all_three) for o in members),
    }


def _row(group: str, name: str, members: list[Outcome]) -> dict[str, Any]:
    counts = _counts(members)
    return {
        "group": group,
        "name": name,
        "participants": len(members),
        **counts,
        **{f"{k}_share": _share(counts[k], len(members)) for k in INDICATORS},
    }


def _share(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0
