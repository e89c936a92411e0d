"""Plain-words reasons: why a participant has no mentor, and which pins cannot be honoured.

Every unassigned participant gets one specific reason, in this order: a pin that cannot
be honoured; no eligible mentor at all (the reason the candidate search gave); every
eligible mentor full, by caseload, monthly hours or working days for day trips, with the
province's places against
its participants (e.g. "Maluku: 3 mentors x 20 = 60 places for 71 participants").
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from tkm_assign.assign.costs import PairData
from tkm_assign.geo.regions import load_geography
from tkm_assign.model import Candidates, Problem

IntArray = npt.NDArray[np.int64]
NONE = -1


def hours_text(minutes: float) -> str:
    """Minutes as hours for people: ``168 h``, ``12.5 h``."""
    hours = minutes / 60.0
    return f"{hours:.0f} h" if abs(hours - round(hours)) < 0.05 else f"{hours:.1f} h"


def days_text(day_minutes: int, problem: Problem) -> str:
    """Working-day minutes as days for people: ``21 working days``."""
    days = day_minutes / max(1, problem.config.work.end_min - problem.config.work.start_min)
    return (
        f"{days:.0f} working days" if abs(days - round(days)) < 0.05 else f"{days:.1f} working days"
    )


@dataclass(frozen=True)
class ProvinceFigures:
    """Mentors, caseload places and participants of one province."""

    name: str
    mentors: int
    places: int
    participants: int
    limits: frozenset[int]

    def text(self) -> str:
        """``Maluku: 3 mentors x 20 = 60 places for 71 participants``."""
        noun = "participant" if self.participants == 1 else "participants"
        if self.mentors == 0:
            head = "no mentor"
        elif self.mentors == 1:
            head = f"1 mentor with {self.places} places"
        elif len(self.limits) == 1:
            head = f"{self.mentors} mentors x {next(iter(self.limits))} = {self.places} places"
        else:
            head = f"{self.mentors} mentors with {self.places} places"
        return f"{self.name}: {head} for {self.participants} {noun}"


def province_figures(problem: Problem, data: PairData) -> dict[str, ProvinceFigures]:
    """Figures for every province with participants or mentors, by province code."""
    geography = load_geography()
    participants = Counter(p.location.province_code for p in problem.participants)
    mentors: dict[str, list[int]] = {}
    for j, m in enumerate(problem.mentors):
        mentors.setdefault(m.location.province_code, []).append(int(data.mentor_caseload[j]))
    return {
        code: ProvinceFigures(
            name=geography.province_name(code),
            mentors=len(mentors.get(code, [])),
            places=sum(mentors.get(code, [])),
            participants=participants.get(code, 0),
            limits=frozenset(mentors.get(code, [])),
        )
        for code in sorted(set(participants) | set(mentors))
    }


def check_pins(
    problem: Problem, candidates: Candidates, data: PairData, hours_apply: bool
) -> tuple[dict[int, int], dict[int, str]]:
    """Pins that can be honoured and reasons for those that cannot.

    Returns ``(pair index of each honoured pin by participant index, reason by participant
    index)``. Pins are honoured in input order while the mentor has places (and, when
    ``hours_apply``, monthly hours) left.
    """
    index = problem.mentor_index
    starts = np.searchsorted(candidates.participant_idx, np.arange(len(problem.participants) + 1))
    honoured: dict[int, int] = {}
    reasons: dict[int, str] = {}
    count: Counter[int] = Counter()
    minutes: Counter[int] = Counter()
    day_minutes: Counter[int] = Counter()
    for i, p in enumerate(problem.participants):
        mid = p.pinned_mentor_id
        if mid is None:
            continue
        j = index.get(mid)
        if j is None:
            reasons[i] = f"pinned mentor {mid} is not in the mentor list"
            continue
        if mid in p.excluded_mentor_ids:
            reasons[i] = f"pinned mentor {mid} is also listed as excluded"
            continue
        pairs = np.arange(starts[i], starts[i + 1])
        found = pairs[candidates.mentor_idx[pairs] == j]
        pair = int(found[0]) if found.size else None
        if pair is None:
            reasons[i] = unreachable_pin_text(problem, i, j)
            continue
        limit = int(data.mentor_caseload[j])
        if count[j] >= limit:
            reasons[i] = (
                f"pinned mentor {mid} is full: more participants are pinned to {mid} "
                f"than the caseload limit of {limit}"
            )
            continue
        load = int(data.pair_load_min[pair])
        capacity = int(data.mentor_capacity_min[j])
        if hours_apply and minutes[j] + load > capacity:
            reasons[i] = (
                f"pinned mentor {mid}'s monthly hours are used up by earlier pins "
                f"({hours_text(capacity)} available, this participant needs {hours_text(load)})"
            )
            continue
        day_use = int(data.pair_day_use_min[pair])
        days = int(data.mentor_day_capacity_min[j])
        if hours_apply and day_minutes[j] + day_use > days:
            reasons[i] = (
                f"pinned mentor {mid}'s working days are used up by earlier pins "
                f"({days_text(days, problem)} a month; a visit too far to share its day "
                "takes a whole day)"
            )
            continue
        honoured[i] = pair
        count[j] += 1
        minutes[j] += load
        day_minutes[j] += day_use
    return honoured, reasons


def unreachable_pin_text(problem: Problem, i: int, j: int) -> str:
    """Why a pinned mentor is not among a participant's candidates."""
    p, m = problem.participants[i], problem.mentors[j]
    config = problem.config
    geography = load_geography()
    if p.location.island_id != m.location.island_id and config.travel.cross_island == "forbid":
        return (
            f"pinned mentor {m.mentor_id} lives on another island "
            f"({geography.island_name(m.location.island_id)}) and travel.cross_island is forbid"
        )
    if (
        config.assign.province_rule == "same"
        and p.location.province_code != m.location.province_code
    ):
        return (
            f"pinned mentor {m.mentor_id} is in another province "
            f"({geography.province_name(m.location.province_code)}) and assign.province_rule is same"
        )
    if config.assign.sector_rule == "hard" and p.sector not in m.sectors:
        return (
            f"pinned mentor {m.mentor_id} lacks the sector {p.sector.value} "
            "and assign.sector_rule is hard"
        )
    return (
        f"pinned mentor {m.mentor_id} is not reachable within travel.max_travel_min "
        f"({config.travel.max_travel_min} min one way)"
    )


def unassigned_reasons(
    problem: Problem,
    candidates: Candidates,
    data: PairData,
    mentor_of: IntArray,
    pin_reasons: Mapping[int, str],
    hours_apply: bool,
    proven: bool,
) -> dict[int, str]:
    """A reason for every participant index with ``mentor_of == -1``."""
    n, m = len(problem.participants), len(problem.mentors)
    assigned = mentor_of != NONE
    caseload = np.bincount(mentor_of[assigned], minlength=m)
    # The load each mentor carries, from the chosen pairs.
    chosen = np.flatnonzero(mentor_of[candidates.participant_idx] == candidates.mentor_idx)
    load_min = np.bincount(
        candidates.mentor_idx[chosen], weights=data.pair_load_min[chosen], minlength=m
    ).astype(np.int64)
    day_min = np.bincount(
        candidates.mentor_idx[chosen], weights=data.pair_day_use_min[chosen], minlength=m
    ).astype(np.int64)
    starts = np.searchsorted(candidates.participant_idx, np.arange(n + 1))
    figures = province_figures(problem, data)
    reasons: dict[int, str] = {}
    for i in (int(k) for k in np.flatnonzero(~assigned)):
        if i in pin_reasons:
            reasons[i] = pin_reasons[i]
            continue
        pairs = np.arange(starts[i], starts[i + 1])
        if pairs.size == 0:
            reasons[i] = candidates.no_candidate_reason.get(i, "no eligible mentor")
            continue
        province = figures[problem.participants[i].location.province_code].text()
        reasons[i] = _full_text(
            problem,
            data,
            province,
            pairs,
            candidates,
            caseload,
            (load_min, day_min),
            hours_apply,
            proven,
        )
    return reasons


def _full_text(
    problem: Problem,
    data: PairData,
    province: str,
    pairs: IntArray,
    candidates: Candidates,
    caseload: IntArray,
    loads: tuple[IntArray, IntArray],
    hours_apply: bool,
    proven: bool,
) -> str:
    load_min, day_min = loads
    full_count, full_hours, full_days = [], [], []
    for k in pairs:
        j = int(candidates.mentor_idx[k])
        if caseload[j] >= data.mentor_caseload[j]:
            full_count.append(j)
        elif hours_apply and load_min[j] + data.pair_load_min[k] > data.mentor_capacity_min[j]:
            full_hours.append(j)
        elif (
            hours_apply and day_min[j] + data.pair_day_use_min[k] > data.mentor_day_capacity_min[j]
        ):
            full_days.append(j)
    if full_days and len(full_count) + len(full_hours) + len(full_days) == pairs.size:
        days = "; ".join(
            f"{problem.mentors[j].mentor_id}: {days_text(int(data.mentor_day_capacity_min[j]), problem)}"
            for j in full_days[:3]
        )
        more = f" and {len(full_days) - 3} more" if len(full_days) > 3 else ""
        return (
            "eligible mentors' working days are used up by day trips, a visit too far to "
            f"share its day taking a whole day ({days}{more})"
        )
    hours = "; ".join(
        f"{problem.mentors[j].mentor_id}: {hours_text(int(data.mentor_capacity_min[j]))} available"
        for j in full_hours[:3]
    )
    more = f" and {len(full_hours) - 3} more" if len(full_hours) > 3 else ""
    if full_count and not full_hours and len(full_count) == pairs.size:
        return f"every eligible mentor is full ({province})"
    if full_hours and len(full_count) + len(full_hours) == pairs.size:
        if not full_count:
            return f"eligible mentors' monthly hours are used up ({hours}{more})"
        return (
            f"every eligible mentor is full: {len(full_count)} by caseload ({province}), "
            f"{len(full_hours)} by monthly hours ({hours}{more})"
        )
    if not proven:
        return (
            "not placed before the solver's time limit; a longer assign.time_limit_s may place it"
        )
    return "leaving this participant unassigned costs less than any eligible mentor under assign.weights"
