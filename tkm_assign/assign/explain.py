"""Plain-words reasons: why a participant has no mentor, and which pins cannot be honoured.

Every unassigned participant gets one specific reason, in this order: a pin that cannot
be honoured; no eligible mentor at all (the reason the candidate search gave); every
eligible mentor full, by caseload and/or monthly hours, with the province's places against
its participants (e.g. "Maluku: 3 mentors x 20 = 60 places for 71 participants").
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

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


def province_capacity_text(problem: Problem, data: PairData, province_code: str) -> str:
    """``Maluku: 3 mentors x 20 = 60 places for 71 participants`` for one province."""
    name = load_geography().province_name(province_code)
    mentors = [
        j for j, m in enumerate(problem.mentors) if m.location.province_code == province_code
    ]
    participants = sum(1 for p in problem.participants if p.location.province_code == province_code)
    limits = {int(data.mentor_caseload[j]) for j in mentors}
    places = int(sum(int(data.mentor_caseload[j]) for j in mentors))
    noun = "participant" if participants == 1 else "participants"
    if len(mentors) == 1:
        head = f"1 mentor with {places} places"
    elif len(limits) == 1:
        head = f"{len(mentors)} mentors x {limits.pop()} = {places} places"
    else:
        head = f"{len(mentors)} mentors with {places} places"
    return f"{name}: {head} for {participants} {noun}"


def check_pins(
    problem: Problem, candidates: Candidates, data: PairData, hours_apply: bool
) -> tuple[dict[int, int], dict[int, str]]:
    """Pins that can be honoured and reasons for those that cannot.

    Returns ``(pair index of each honoured pin by participant index, reason by participant
    index)``. Pins are honoured in input order while the mentor has places (and, when
    ``hours_apply``, monthly hours) left.
    """
    index = problem.mentor_index
    pair_of: dict[tuple[int, int], int] = {
        (int(p), int(m)): k
        for k, (p, m) in enumerate(
            zip(candidates.participant_idx, candidates.mentor_idx, strict=True)
        )
    }
    honoured: dict[int, int] = {}
    reasons: dict[int, str] = {}
    count: Counter[int] = Counter()
    minutes: Counter[int] = Counter()
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
        pair = pair_of.get((i, j))
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
        honoured[i] = pair
        count[j] += 1
        minutes[j] += load
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
    pair_of = {
        (int(p), int(j)): k
        for k, (p, j) in enumerate(
            zip(candidates.participant_idx, candidates.mentor_idx, strict=True)
        )
    }
    load_min = np.zeros(m, dtype=np.int64)
    for served in np.flatnonzero(assigned):
        j = int(mentor_of[served])
        load_min[j] += data.pair_load_min[pair_of[(int(served), j)]]
    starts = np.searchsorted(candidates.participant_idx, np.arange(n + 1))
    reasons: dict[int, str] = {}
    for i in (int(k) for k in np.flatnonzero(~assigned)):
        if i in pin_reasons:
            reasons[i] = pin_reasons[i]
            continue
        pairs = np.arange(starts[i], starts[i + 1])
        if pairs.size == 0:
            reasons[i] = candidates.no_candidate_reason.get(i, "no eligible mentor")
            continue
        reasons[i] = _full_text(
            problem, data, i, pairs, candidates, caseload, load_min, hours_apply, proven
        )
    return reasons


def _full_text(
    problem: Problem,
    data: PairData,
    i: int,
    pairs: IntArray,
    candidates: Candidates,
    caseload: IntArray,
    load_min: IntArray,
    hours_apply: bool,
    proven: bool,
) -> str:
    full_count, full_hours = [], []
    for k in pairs:
        j = int(candidates.mentor_idx[k])
        if caseload[j] >= data.mentor_caseload[j]:
            full_count.append(j)
        elif hours_apply and load_min[j] + data.pair_load_min[k] > data.mentor_capacity_min[j]:
            full_hours.append(j)
    province = province_capacity_text(problem, data, problem.participants[i].location.province_code)
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
