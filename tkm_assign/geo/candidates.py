"""Candidate mentors for each participant: the eligible ones, the fastest first.

A mentor is eligible for a participant when all of these hold:

1. same province, when ``assign.province_rule = "same"``;
2. reachable: on the same land, or -- under ``travel.cross_island = "ferry"`` -- on a land
   joined to it by the ferry routes (the island rule of :mod:`tkm_assign.geo.travel`);
3. the participant's sector is among the mentor's sectors, when ``assign.sector_rule = "hard"``;
4. one-way travel, mentor home to participant with the mentor's transport, is at most
   ``travel.max_travel_min``;
5. the mentor is not in the participant's ``excluded_mentor_ids``.

Of the eligible mentors the ``travel.k_nearest`` fastest are kept (ties by mentor order).
Two more are always added: the participant's ``pinned_mentor_id`` whenever it is reachable at
all -- a pin is an explicit coordinator decision, so it overrides rules 1, 3, 4 and 5 and the
k limit -- and ``current_mentor_id`` when it is eligible, even beyond the k fastest, so that
continuity can be scored. A participant left without any candidate gets a reason in plain
words: the first rule, in the order above, that removed the last mentor.

Search. Participants and mentors are grouped by the rules that do not depend on travel
(province, reachability class, sector). In each group a ball tree of mentor homes (haversine
metric) returns the nearest mentors by great circle; their travel times are computed and the
query is widened until no farther mentor could still be among the k fastest: every model
gives ``travel_min >= great_circle_km * travel.min_minutes_per_km(transport)``. No dense
participants x mentors matrix is built.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from sklearn.neighbors import BallTree

from tkm_assign.config import TRANSPORT_MODES
from tkm_assign.geo.cache import load_candidates, store_candidates, travel_cache_key
from tkm_assign.geo.regions import EARTH_RADIUS_KM, Geography, load_geography
from tkm_assign.geo.travel import UNREACHABLE_MIN, Points, PreparedPoints, TravelModel
from tkm_assign.messages import Message, joined
from tkm_assign.model import Candidates, Problem

log = logging.getLogger("tkm_assign")

IntArray = npt.NDArray[np.int32]
IndexArray = npt.NDArray[np.int64]
# Mentors fetched per participant in the first query, beyond k_nearest and exclusions.
EXTRA_FIRST_QUERY = 8
BOUND_MARGIN_MIN = 1.0


@dataclass(frozen=True)
class _People:
    """Array views of participants and mentors used by the search."""

    p_points: Points
    m_points: Points
    p_province: npt.NDArray[np.str_]
    m_province: npt.NDArray[np.str_]
    p_class: IntArray
    m_class: IntArray
    p_sector: npt.NDArray[np.str_]
    m_sectors: tuple[frozenset[str], ...]
    m_mode: npt.NDArray[np.int8]  # index into TRANSPORT_MODES
    excluded: frozenset[int]  # participant * n_mentors + mentor


def find_candidates(problem: Problem, travel: TravelModel) -> Candidates:
    """Eligible mentors of every participant, at most ``travel.k_nearest`` each plus pins.

    Parameters
    ----------
    problem
        Participants, mentors and the configuration (``[travel]`` limits, ``[assign]``
        province and sector rules).
    travel
        The travel model; minutes are one-way, mentor home to participant.

    Returns
    -------
    Candidates
        Parallel arrays sorted by participant, then travel minutes, then mentor index, and
        a reason for every participant without any candidate. With ``travel.cache_dir`` set,
        a result computed before for the same inputs and configuration is read from disk.
    """
    cache_dir = problem.config.travel.cache_dir
    key = travel_cache_key(problem, travel) if cache_dir else None
    if key is not None:
        cached = load_candidates(cache_dir, key, len(problem.participants), len(problem.mentors))
        if cached is not None:
            log.debug("candidate mentors read from the travel cache (%s)", cache_dir)
            return cached
    result = _find(problem, travel)
    if key is not None:
        store_candidates(cache_dir, key, result)
    return result


def _find(problem: Problem, travel: TravelModel) -> Candidates:
    people = _people(problem, travel)
    n_p, n_m = len(problem.participants), len(problem.mentors)
    p_prep = travel.prepare(people.p_points)
    m_prep = travel.prepare(people.m_points)
    found: list[tuple[IndexArray, IndexArray, IntArray, IntArray]] = []
    if n_p and n_m:
        for p_idx, m_idx in _eligibility_groups(problem, people):
            found.append(_nearest_in_group(problem, travel, people, p_prep, m_prep, p_idx, m_idx))
    found.append(_pins_and_current(problem, travel, people, p_prep, m_prep))
    p_all = np.concatenate([f[0] for f in found]) if found else np.zeros(0, np.int64)
    m_all = np.concatenate([f[1] for f in found]) if found else np.zeros(0, np.int64)
    t_all = np.concatenate([f[2] for f in found]) if found else np.zeros(0, np.int32)
    d_all = np.concatenate([f[3] for f in found]) if found else np.zeros(0, np.int32)
    order = np.lexsort((m_all, t_all, p_all))
    p_all, m_all, t_all, d_all = p_all[order], m_all[order], t_all[order], d_all[order]
    # A pin or current mentor may also be among the k fastest: keep one row per pair.
    _, first_at = np.unique(p_all * max(n_m, 1) + m_all, return_index=True)
    keep = np.sort(first_at)
    p_all, m_all, t_all, d_all = p_all[keep], m_all[keep], t_all[keep], d_all[keep]
    served = np.zeros(n_p, dtype=bool)
    served[p_all] = True
    unserved = np.flatnonzero(~served)
    reasons = _reasons(problem, travel, people, p_prep, m_prep, unserved) if unserved.size else {}
    log.info(
        Message.of(
            "log.candidates",
            pairs=int(p_all.size),
            participants=int(n_p),
            without=int(unserved.size),
        )
    )
    return Candidates(
        participant_idx=p_all.astype(np.int32),
        mentor_idx=m_all.astype(np.int32),
        travel_min=t_all.astype(np.int32),
        distance_m=d_all.astype(np.int32),
        no_candidate_reason=reasons,
    )


def _people(problem: Problem, travel: TravelModel) -> _People:
    participants, mentors = problem.participants, problem.mentors
    p_island = np.array([p.location.island_id for p in participants], dtype=np.int32)
    m_island = np.array([m.location.island_id for m in mentors], dtype=np.int32)
    p_ll, m_ll = problem.participant_lat_lon, problem.mentor_lat_lon
    index = problem.mentor_index
    n_m = len(mentors)
    excluded = frozenset(
        i * n_m + index[mid]
        for i, p in enumerate(participants)
        for mid in p.excluded_mentor_ids
        if mid in index
    )
    return _People(
        p_points=Points(p_ll[:, 0].copy(), p_ll[:, 1].copy(), p_island),
        m_points=Points(m_ll[:, 0].copy(), m_ll[:, 1].copy(), m_island),
        p_province=np.array([p.location.province_code for p in participants], dtype=str),
        m_province=np.array([m.location.province_code for m in mentors], dtype=str),
        p_class=travel.reach_class(p_island),
        m_class=travel.reach_class(m_island),
        p_sector=np.array([p.sector.value for p in participants], dtype=str),
        m_sectors=tuple(frozenset(s.value for s in m.sectors) for m in mentors),
        m_mode=np.array([TRANSPORT_MODES.index(m.transport.value) for m in mentors], dtype=np.int8),
        excluded=excluded,
    )


def _eligibility_groups(problem: Problem, people: _People) -> list[tuple[IndexArray, IndexArray]]:
    """(participants, mentors) sharing the rules that do not depend on travel."""
    same_province = problem.config.assign.province_rule == "same"
    hard_sector = problem.config.assign.sector_rule == "hard"
    keys: dict[tuple[str, int, str], list[int]] = {}
    for i in range(len(problem.participants)):
        key = (
            str(people.p_province[i]) if same_province else "",
            int(people.p_class[i]),
            str(people.p_sector[i]) if hard_sector else "",
        )
        keys.setdefault(key, []).append(i)
    groups = []
    for (province, reach, sector), members in sorted(keys.items()):
        mask = people.m_class == reach
        if same_province:
            mask &= people.m_province == province
        if hard_sector:
            mask &= np.array([sector in s for s in people.m_sectors], dtype=bool)
        mentors = np.flatnonzero(mask)
        if mentors.size:
            groups.append((np.array(members, dtype=np.int64), mentors.astype(np.int64)))
    return groups


def _nearest_in_group(
    problem: Problem,
    travel: TravelModel,
    people: _People,
    p_prep: PreparedPoints,
    m_prep: PreparedPoints,
    p_idx: IndexArray,
    m_idx: IndexArray,
) -> tuple[IndexArray, IndexArray, IntArray, IntArray]:
    """The k fastest eligible mentors among ``m_idx`` for each participant of ``p_idx``."""
    k = problem.config.travel.k_nearest
    limit = problem.config.travel.max_travel_min
    n_m = len(problem.mentors)
    modes = np.unique(people.m_mode[m_idx])
    rate = min(travel.min_minutes_per_km(TRANSPORT_MODES[mode]) for mode in modes)
    tree = BallTree(
        np.radians(
            np.column_stack([people.m_points.latitude[m_idx], people.m_points.longitude[m_idx]])
        ),
        metric="haversine",
    )
    p_rad = np.radians(
        np.column_stack([people.p_points.latitude[p_idx], people.p_points.longitude[p_idx]])
    )
    n_excluded = np.array(
        [len(problem.participants[i].excluded_mentor_ids) for i in p_idx], dtype=np.int64
    )
    out: list[tuple[IndexArray, IndexArray, IntArray, IntArray]] = []
    pending = np.arange(p_idx.size)
    query = np.minimum(m_idx.size, k + n_excluded + EXTRA_FIRST_QUERY)
    while pending.size:
        # Participants asking for the same number of neighbours are queried together.
        next_pending = []
        for size in np.unique(query[pending]):
            rows = pending[query[pending] == size]
            dist_rad, near = tree.query(p_rad[rows], k=int(size))
            participants = np.repeat(p_idx[rows], size)
            mentors = m_idx[near.reshape(-1)]
            minutes, metres = _travel(travel, people, m_prep, mentors, p_prep, participants)
            minutes = minutes.reshape(rows.size, size)
            metres = metres.reshape(rows.size, size)
            ok = minutes <= limit
            if people.excluded:
                codes = participants * n_m + mentors
                ok &= ~np.isin(codes, np.fromiter(people.excluded, dtype=np.int64)).reshape(
                    rows.size, size
                )
            # Sort each row by (minutes, mentor index); rejected pairs go last.
            sort_key = np.where(ok, minutes.astype(np.int64), np.int64(UNREACHABLE_MIN) + 1)
            sort_key = sort_key * (n_m + 1) + mentors.reshape(rows.size, size)
            order = np.argsort(sort_key, axis=1, kind="stable")
            minutes = np.take_along_axis(minutes, order, axis=1)
            metres = np.take_along_axis(metres, order, axis=1)
            ok = np.take_along_axis(ok, order, axis=1)
            chosen = np.take_along_axis(mentors.reshape(rows.size, size), order, axis=1)
            count = ok.sum(axis=1)
            kth = np.where(
                count >= k, minutes[:, min(k, size) - 1], limit
            )  # the time a farther mentor would have to beat
            farthest_km = dist_rad[:, -1] * EARTH_RADIUS_KM
            # Minutes are rounded (up to 0.5 below the bound) and the road projections carry
            # float noise, hence a one-minute margin before a farther mentor is ruled out.
            done = (size >= m_idx.size) | (farthest_km * rate > kth + BOUND_MARGIN_MIN)
            keep = ok & (np.arange(size)[None, :] < k) & done[:, None]
            r, c = np.nonzero(keep)
            out.append(
                (
                    p_idx[rows[r]].astype(np.int64),
                    chosen[r, c].astype(np.int64),
                    minutes[r, c],
                    metres[r, c],
                )
            )
            widen = rows[~done]
            query[widen] = np.minimum(m_idx.size, query[widen] * 2)
            next_pending.append(widen)
        pending = np.concatenate(next_pending) if next_pending else np.zeros(0, np.int64)
    return (
        np.concatenate([o[0] for o in out]),
        np.concatenate([o[1] for o in out]),
        np.concatenate([o[2] for o in out]).astype(np.int32),
        np.concatenate([o[3] for o in out]).astype(np.int32),
    )


def _travel(
    travel: TravelModel,
    people: _People,
    m_prep: PreparedPoints,
    mentors: IndexArray,
    p_prep: PreparedPoints,
    participants: IndexArray,
) -> tuple[IntArray, IntArray]:
    """One-way travel, mentor home to participant, each mentor with their own transport."""
    modes = people.m_mode[mentors]
    if not modes.size or (modes == modes[0]).all():
        mode = TRANSPORT_MODES[int(modes[0])] if modes.size else TRANSPORT_MODES[0]
        return travel.pairs(m_prep, mentors, p_prep, participants, mode)
    minutes = np.empty(mentors.size, dtype=np.int32)
    metres = np.empty(mentors.size, dtype=np.int32)
    for code, mode in enumerate(TRANSPORT_MODES):
        sel = np.flatnonzero(modes == code)
        if sel.size:
            minutes[sel], metres[sel] = travel.pairs(
                m_prep, mentors[sel], p_prep, participants[sel], mode
            )
    return minutes, metres


def _pins_and_current(
    problem: Problem,
    travel: TravelModel,
    people: _People,
    p_prep: PreparedPoints,
    m_prep: PreparedPoints,
) -> tuple[IndexArray, IndexArray, IntArray, IntArray]:
    """Pinned mentors when reachable at all; current mentors when otherwise eligible."""
    index = problem.mentor_index
    n_m = len(problem.mentors)
    participants, mentors, pinned = [], [], []
    for i, p in enumerate(problem.participants):
        for mentor_id, pin in ((p.pinned_mentor_id, True), (p.current_mentor_id, False)):
            if mentor_id is not None and mentor_id in index:
                participants.append(i)
                mentors.append(index[mentor_id])
                pinned.append(pin)
    p_idx = np.array(participants, dtype=np.int64)
    m_idx = np.array(mentors, dtype=np.int64)
    is_pin = np.array(pinned, dtype=bool)
    if not p_idx.size:
        return p_idx, m_idx, np.zeros(0, np.int32), np.zeros(0, np.int32)
    minutes, metres = _travel(travel, people, m_prep, m_idx, p_prep, p_idx)
    reachable = minutes < UNREACHABLE_MIN
    eligible = (
        reachable
        & (people.p_class[p_idx] == people.m_class[m_idx])
        & (minutes <= problem.config.travel.max_travel_min)
    )
    if problem.config.assign.province_rule == "same":
        eligible &= people.p_province[p_idx] == people.m_province[m_idx]
    if problem.config.assign.sector_rule == "hard":
        eligible &= np.array(
            [people.p_sector[i] in people.m_sectors[m] for i, m in zip(p_idx, m_idx, strict=True)],
            dtype=bool,
        )
    eligible &= ~np.isin(p_idx * n_m + m_idx, np.fromiter(people.excluded, dtype=np.int64))
    keep = np.where(is_pin, reachable, eligible)
    return p_idx[keep], m_idx[keep], minutes[keep], metres[keep]


def _reasons(
    problem: Problem,
    travel: TravelModel,
    people: _People,
    p_prep: PreparedPoints,
    m_prep: PreparedPoints,
    unserved: IndexArray,
) -> dict[int, Message]:
    """Why each participant in ``unserved`` has no candidate: the first rule that empties it."""
    geography = load_geography()
    province_names = {
        str(code): geography.province_name(str(code)) for code in np.unique(people.p_province)
    }
    reasons = {}
    for i in unserved.tolist():
        why = _rule_reason(problem, travel, people, p_prep, m_prep, i, geography, province_names)
        pinned = problem.participants[i].pinned_mentor_id
        if pinned is not None and pinned in problem.mentor_index:
            why = joined([why, Message.of("reason.pin.cannot_travel", mentor_id=pinned)])
        reasons[i] = why
    return reasons


def _rule_reason(
    problem: Problem,
    travel: TravelModel,
    people: _People,
    p_prep: PreparedPoints,
    m_prep: PreparedPoints,
    i: int,
    geography: Geography,
    province_names: dict[str, str],
) -> Message:
    config = problem.config
    same_province = config.assign.province_rule == "same"
    limit = config.travel.max_travel_min
    province_name = province_names[str(people.p_province[i])]
    pool = np.arange(len(problem.mentors))
    if same_province:
        pool = pool[people.m_province[pool] == people.p_province[i]]
        if not pool.size:
            return Message.of("reason.no_mentor_in_province", province=province_name)
    pool = pool[people.m_class[pool] == people.p_class[i]]
    if not pool.size:
        island = geography.island_name(int(people.p_points.island_id[i]))
        if config.travel.cross_island == "forbid":
            return Message.of("reason.no_mentor_on_island", island=island)
        return Message.of("reason.no_ferry", island=island)
    if config.assign.sector_rule == "hard":
        sector = str(people.p_sector[i])
        pool = pool[np.array([sector in people.m_sectors[m] for m in pool], dtype=bool)]
        if not pool.size:
            if same_province:
                return Message.of(
                    "reason.no_sector_in_province", province=province_name, sector=sector
                )
            return Message.of("reason.no_sector_in_reach", sector=sector)
    minutes, _ = _travel(travel, people, m_prep, pool, p_prep, np.full(pool.size, i))
    nearest = int(minutes.min())
    if nearest > limit:
        if same_province:
            return Message.of(
                "reason.too_far_in_province",
                province=province_name,
                travel_min=nearest,
                limit=limit,
            )
        return Message.of("reason.too_far", travel_min=nearest, limit=limit)
    return Message.of("reason.all_excluded")
