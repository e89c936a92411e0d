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
from tkm_assign.messages import Message
from tkm_assign.model import Candidates, Problem

IntArray = npt.NDArray[np.int64]
NONE = -1


def working_days(day_minutes: int, problem: Problem) -> float:
    """Working-day minutes as days (``21.0``)."""
    return day_minutes / max(1, problem.config.work.end_min - problem.config.work.start_min)


@dataclass(frozen=True)
class ProvinceFigures:
    """Mentors, caseload places and participants of one province."""

    name: str
    mentors: int
    places: int
    participants: int
    limits: frozenset[int]

    def message(self) -> Message:
        """``Maluku: 3 mentors x 20 = 60 places for 71 participants``."""
        count, province = self.participants, self.name
        if self.mentors == 0:
            return Message.of("reason.places.no_mentor", province=province, count=count)
        if self.mentors == 1:
            return Message.of(
                "reason.places.one_mentor", province=province, places=self.places, count=count
            )
        if len(self.limits) == 1:
            return Message.of(
                "reason.places.same_limit",
                province=province,
                mentors=self.mentors,
                limit=next(iter(self.limits)),
                places=self.places,
                count=count,
            )
        return Message.of(
            "reason.places.mixed_limits",
            province=province,
            mentors=self.mentors,
            places=self.places,
            count=count,
        )


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
) -> tuple[dict[int, int], dict[int, Message]]:
    """Pins that can be honoured and reasons for those that cannot.

    Returns ``(pair index of each honoured pin by participant index, reason by participant
    index)``. Pins are honoured in input order while the mentor has places (and, when
    ``hours_apply``, monthly hours) left.
    """
    index = problem.mentor_index
    starts = np.searchsorted(candidates.participant_idx, np.arange(len(problem.participants) + 1))
    honoured: dict[int, int] = {}
    reasons: dict[int, Message] = {}
    count: Counter[int] = Counter()
    minutes: Counter[int] = Counter()
    day_minutes: Counter[int] = Counter()
    for i, p in enumerate(problem.participants):
        mid = p.pinned_mentor_id
        if mid is None:
            continue
        j = index.get(mid)
        if j is None:
            reasons[i] = Message.of("reason.pin.not_a_mentor", mentor_id=mid)
            continue
        if mid in p.excluded_mentor_ids:
            reasons[i] = Message.of("reason.pin.excluded", mentor_id=mid)
            continue
        pairs = np.arange(starts[i], starts[i + 1])
        found = pairs[candidates.mentor_idx[pairs] == j]
        pair = int(found[0]) if found.size else None
        if pair is None:
            reasons[i] = unreachable_pin_reason(problem, i, j)
            continue
        limit = int(data.mentor_caseload[j])
        if count[j] >= limit:
            reasons[i] = Message.of("reason.pin.full", mentor_id=mid, limit=limit)
            continue
        load = int(data.pair_load_min[pair])
        capacity = int(data.mentor_capacity_min[j])
        if hours_apply and minutes[j] + load > capacity:
            reasons[i] = Message.of(
                "reason.pin.hours_used", mentor_id=mid, capacity_min=capacity, load_min=load
            )
            continue
        day_use = int(data.pair_day_use_min[pair])
        days = int(data.mentor_day_capacity_min[j])
        if hours_apply and day_minutes[j] + day_use > days:
            reasons[i] = Message.of(
                "reason.pin.days_used", mentor_id=mid, days=working_days(days, problem)
            )
            continue
        honoured[i] = pair
        count[j] += 1
        minutes[j] += load
        day_minutes[j] += day_use
    return honoured, reasons


def unreachable_pin_reason(problem: Problem, i: int, j: int) -> Message:
    """Why a pinned mentor is not among a participant's candidates."""
    p, m = problem.participants[i], problem.mentors[j]
    config = problem.config
    geography = load_geography()
    if p.location.island_id != m.location.island_id and config.travel.cross_island == "forbid":
        return Message.of(
            "reason.pin.other_island",
            mentor_id=m.mentor_id,
            island=geography.island_name(m.location.island_id),
        )
    if (
        config.assign.province_rule == "same"
        and p.location.province_code != m.location.province_code
    ):
        return Message.of(
            "reason.pin.other_province",
            mentor_id=m.mentor_id,
            province=geography.province_name(m.location.province_code),
        )
    if config.assign.sector_rule == "hard" and p.sector not in m.sectors:
        return Message.of("reason.pin.sector", mentor_id=m.mentor_id, sector=p.sector.value)
    return Message.of(
        "reason.pin.too_far", mentor_id=m.mentor_id, limit=config.travel.max_travel_min
    )


def unassigned_reasons(
    problem: Problem,
    candidates: Candidates,
    data: PairData,
    mentor_of: IntArray,
    pin_reasons: Mapping[int, Message],
    hours_apply: bool,
    proven: bool,
) -> dict[int, Message]:
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
    reasons: dict[int, Message] = {}
    for i in (int(k) for k in np.flatnonzero(~assigned)):
        if i in pin_reasons:
            reasons[i] = pin_reasons[i]
            continue
        pairs = np.arange(starts[i], starts[i + 1])
        if pairs.size == 0:
            reasons[i] = candidates.no_candidate_reason.get(
                i, Message.of("reason.no_eligible_mentor")
            )
            continue
        places = figures[problem.participants[i].location.province_code].message()
        reasons[i] = _full_reason(
            problem,
            data,
            places,
            pairs,
            candidates,
            caseload,
            (load_min, day_min),
            hours_apply,
            proven,
        )
    return reasons


def _more(listed: list[int]) -> Message | str:
    """`` and 4 more`` beyond the first three mentors named, else nothing."""
    return Message.of("reason.and_more", count=len(listed) - 3) if len(listed) > 3 else ""


def _full_reason(
    problem: Problem,
    data: PairData,
    places: Message,
    pairs: IntArray,
    candidates: Candidates,
    caseload: IntArray,
    loads: tuple[IntArray, IntArray],
    hours_apply: bool,
    proven: bool,
) -> Message:
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
        days = tuple(
            Message.of(
                "reason.mentor_working_days",
                mentor_id=problem.mentors[j].mentor_id,
                days=working_days(int(data.mentor_day_capacity_min[j]), problem),
            )
            for j in full_days[:3]
        )
        return Message.of("reason.full.days", mentors=days, more=_more(full_days))
    hours = tuple(
        Message.of(
            "reason.mentor_hours_available",
            mentor_id=problem.mentors[j].mentor_id,
            capacity_min=int(data.mentor_capacity_min[j]),
        )
        for j in full_hours[:3]
    )
    if full_count and not full_hours and len(full_count) == pairs.size:
        return Message.of("reason.full.caseload", places=places)
    if full_hours and len(full_count) + len(full_hours) == pairs.size:
        if not full_count:
            return Message.of("reason.full.hours", mentors=hours, more=_more(full_hours))
        return Message.of(
            "reason.full.caseload_and_hours",
            by_caseload=len(full_count),
            places=places,
            by_hours=len(full_hours),
            mentors=hours,
            more=_more(full_hours),
        )
    if not proven:
        return Message.of("reason.time_limit")
    return Message.of("reason.unassigned_costs_less")
