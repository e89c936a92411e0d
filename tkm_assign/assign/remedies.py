"""What would serve the participants left without a mentor: causes, remedies, near misses.

The assignment says *that* a participant has no mentor and why in words; this module works
out, per province, *what would change it*, from the problem, the assignment and the travel
model alone (no text is parsed):

- each unserved participant gets one **cause**: ``no_mentor_in_province`` (under
  ``assign.province_rule = same``), ``across_sea`` (every mentor who may serve them lives
  on another island and the visit would need the sea), ``too_far`` (the nearest mentor
  who may serve them is beyond ``travel.max_travel_min``), ``mentors_full`` (a mentor
  within reach exists but every one is full) or ``other`` (pins and exclusions);
- the causes of a province become **remedies**, each naming who it would serve:
  ``add_mentor`` in a named town (a regency capital or district seat of the province,
  chosen to reach as many of them as possible within the travel limit), ``allow_ferry``
  to a named island (when ``travel.cross_island = ferry`` brings a mentor within reach),
  ``raise_travel_limit`` by N minutes (when the nearest mentor is at most
  :data:`MAX_RAISE_MIN` beyond the limit and has free places), and ``free_places``: a
  mentor of the province with free places who cannot reach them (moving that mentor, or
  their participants, is the coordinator's call);
- **near misses**: unserved participants whose nearest mentor is at most
  :data:`NEAR_MISS_MIN` minutes beyond the limit.

The result holds facts (ids, codes, numbers, names of places); front ends word them.
"""

from __future__ import annotations

import dataclasses
import math
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from tkm_assign.geo.models import make_travel_model
from tkm_assign.geo.regions import haversine_km, load_geography
from tkm_assign.geo.towns import load_towns
from tkm_assign.geo.travel import Points, TravelModel
from tkm_assign.model import UNREACHABLE_MIN, Mentor, Participant, Problem
from tkm_assign.rules import effective_caseload

NEAR_MISS_MIN = 30  # a participant this far beyond the travel limit is a near miss
MAX_RAISE_MIN = 60  # a raise of the travel limit is suggested up to this many minutes
RAISE_STEP_MIN = 5  # suggested raises are rounded up to this step
TOWNS_TRIED = 40  # candidate towns per group, nearest to the group's centre first
MAX_TOWNS = 3  # towns suggested per province and island
CAUSES = ("no_mentor_in_province", "across_sea", "too_far", "mentors_full", "other")
ACTIONS = ("add_mentor", "allow_ferry", "raise_travel_limit", "free_places")


@dataclass(frozen=True)
class UnservedParticipant:
    """One participant without a mentor and the nearest mentor who may serve them."""

    participant_id: str
    province_code: str
    island: str
    cause: str  # one of CAUSES
    nearest_mentor_id: str | None = None
    nearest_min: int | None = None  # one way, under the plan's travel settings
    over_limit_min: int | None = None  # nearest_min - travel.max_travel_min when positive


@dataclass(frozen=True)
class Remedy:
    """One change that would serve ``participants`` of one province.

    ``action`` is one of :data:`ACTIONS`; ``town`` and ``mentors`` (add_mentor: how many
    new mentors, at ``caseload.max`` participants each), ``island`` (allow_ferry and
    add_mentor), ``minutes`` (raise_travel_limit: by how much), ``mentor_id`` and
    ``free_places`` (free_places) say which.
    """

    action: str
    province_code: str
    participants: tuple[str, ...]
    town: str = ""
    island: str = ""
    minutes: int = 0
    mentor_id: str = ""
    free_places: int = 0
    mentors: int = 0


@dataclass(frozen=True)
class UnservedReview:
    """Every unserved participant with its cause, the remedies per province, near misses."""

    unserved: tuple[UnservedParticipant, ...]
    remedies: tuple[Remedy, ...]
    limit_min: int

    @property
    def near_misses(self) -> tuple[UnservedParticipant, ...]:
        """Unserved participants at most :data:`NEAR_MISS_MIN` beyond the travel limit."""
        return tuple(
            u
            for u in self.unserved
            if u.over_limit_min is not None and 0 < u.over_limit_min <= NEAR_MISS_MIN
        )

    def by_cause(self) -> dict[str, list[UnservedParticipant]]:
        """Unserved participants grouped by cause, in the order of :data:`CAUSES`."""
        groups: dict[str, list[UnservedParticipant]] = {c: [] for c in CAUSES}
        for u in self.unserved:
            groups[u.cause].append(u)
        return {cause: group for cause, group in groups.items() if group}


def review_unserved(
    problem: Problem, mentor_of: Mapping[str, str | None], travel: TravelModel
) -> UnservedReview:
    """Causes and remedies for every participant ``mentor_of`` leaves without a mentor.

    Parameters
    ----------
    problem
        The validated problem.
    mentor_of
        Participant id -> mentor id or ``None`` (an assignment's, or a hand plan's).
    travel
        The plan's travel model (the one its candidates were found with).

    Returns
    -------
    UnservedReview
    """
    config = problem.config
    limit = config.travel.max_travel_min
    unserved_people = [p for p in problem.participants if mentor_of.get(p.participant_id) is None]
    if not unserved_people:
        return UnservedReview((), (), limit)
    geography = load_geography()
    load = Counter(m for m in mentor_of.values() if m is not None)
    free = {m.mentor_id: effective_caseload(m, config) - load[m.mentor_id] for m in problem.mentors}
    people = _Group(unserved_people, travel)
    mentors = _Group(problem.mentors, travel)
    allowed = _may_serve(problem, unserved_people)  # (m, n): province, sector, exclusions
    reach = mentors.reach[:, None] == people.reach[None, :]
    minutes = _minutes(travel, problem.mentors, mentors.points, people.points, allowed & reach)
    unserved: list[UnservedParticipant] = []
    for k, person in enumerate(unserved_people):
        island = geography.island_name(int(person.location.island_id))
        code = person.location.province_code
        mine = allowed[:, k]
        reachable = mine & reach[:, k]
        base = UnservedParticipant(person.participant_id, code, island, "other")
        if config.assign.province_rule == "same" and not any(
            m.location.province_code == code for m in problem.mentors
        ):
            unserved.append(dataclasses.replace(base, cause="no_mentor_in_province"))
            continue
        if not reachable.any():
            unserved.append(
                dataclasses.replace(base, cause="across_sea" if mine.any() else "other")
            )
            continue
        j = int(np.argmin(np.where(reachable, minutes[:, k], np.iinfo(np.int64).max)))
        nearest = int(minutes[j, k])
        within = reachable & (minutes[:, k] <= limit)
        if nearest > limit:
            cause = "too_far"
        elif within.any():
            cause = "mentors_full"
        else:
            cause = "other"
        unserved.append(
            dataclasses.replace(
                base,
                cause=cause,
                nearest_mentor_id=problem.mentors[j].mentor_id,
                nearest_min=nearest,
                over_limit_min=nearest - limit if nearest > limit else None,
            )
        )
    remedies = _remedies(problem, unserved, free, minutes, allowed, travel)
    return UnservedReview(tuple(unserved), tuple(remedies), limit)


@dataclass
class _Group:
    """Points of people (participants or mentors) and the class of land they can reach."""

    points: Points
    reach: npt.NDArray[np.int32]

    def __init__(self, people: Sequence[Participant] | Sequence[Mentor], travel: TravelModel):
        self.points = Points.of(
            [p.location.latitude for p in people],
            [p.location.longitude for p in people],
            [p.location.island_id for p in people],
        )
        self.reach = travel.reach_class(self.points.island_id)


def _minutes(
    travel: TravelModel,
    mentors: Sequence[Mentor],
    homes: Points,
    people: Points,
    wanted: npt.NDArray[np.bool_],
) -> npt.NDArray[np.int64]:
    """One-way minutes from each mentor's home to each person where ``wanted`` (mentor,
    person), by the mentor's transport; the other pairs are left unreachable."""
    out = np.full(wanted.shape, UNREACHABLE_MIN, dtype=np.int64)
    transport = np.array([mentor.transport.value for mentor in mentors])
    rows, cols = np.nonzero(wanted)
    for mode in sorted(set(transport[rows].tolist())):
        mine = transport[rows] == mode
        found, _ = travel.between(homes.take(rows[mine]), people.take(cols[mine]), mode)
        out[rows[mine], cols[mine]] = np.asarray(found, dtype=np.int64)
    return out


def _may_serve(problem: Problem, people: Sequence[Participant]) -> npt.NDArray[np.bool_]:
    """(mentor, person): the province rule, a hard sector rule and exclusions allow it."""
    config = problem.config
    same_province = config.assign.province_rule == "same"
    hard_sector = config.assign.sector_rule == "hard"
    out = np.ones((len(problem.mentors), len(people)), dtype=bool)
    for j, mentor in enumerate(problem.mentors):
        for k, person in enumerate(people):
            out[j, k] = not (
                (same_province and mentor.location.province_code != person.location.province_code)
                or (hard_sector and person.sector not in mentor.sectors)
                or mentor.mentor_id in person.excluded_mentor_ids
            )
    return out


def _remedies(
    problem: Problem,
    unserved: list[UnservedParticipant],
    free: Mapping[str, int],
    minutes: npt.NDArray[np.int64],
    allowed: npt.NDArray[np.bool_],
    travel: TravelModel,
) -> list[Remedy]:
    config = problem.config
    limit = config.travel.max_travel_min
    column = {u.participant_id: k for k, u in enumerate(unserved)}
    person = problem.participant_index
    remedies: list[Remedy] = []
    left: dict[tuple[str, str], list[UnservedParticipant]] = defaultdict(list)
    # Raise the travel limit where the nearest mentor is a little too far and has room.
    raises: dict[str, list[UnservedParticipant]] = defaultdict(list)
    for u in unserved:
        if (
            u.cause == "too_far"
            and u.over_limit_min is not None
            and u.over_limit_min <= MAX_RAISE_MIN
            and u.nearest_mentor_id is not None
            and free[u.nearest_mentor_id] > 0
        ):
            raises[u.province_code].append(u)
        elif u.cause in ("no_mentor_in_province", "too_far", "mentors_full", "across_sea"):
            left[u.province_code, u.island].append(u)
    for code, group in sorted(raises.items()):
        worst = max(u.over_limit_min or 0 for u in group)
        by = int(math.ceil(worst / RAISE_STEP_MIN) * RAISE_STEP_MIN)
        remedies.append(
            Remedy(
                "raise_travel_limit",
                code,
                tuple(u.participant_id for u in group),
                minutes=by,
            )
        )
    ferry = _ferry_reach(problem, [u for u in unserved if u.cause == "across_sea"], travel)
    for (code, island), group in sorted(left.items()):
        across = [u for u in group if u.cause == "across_sea" and u.participant_id in ferry]
        if across:
            remedies.append(
                Remedy(
                    "allow_ferry",
                    code,
                    tuple(u.participant_id for u in across),
                    island=island,
                )
            )
            group = [u for u in group if u not in across]
        if not group:
            continue
        # A mentor of the province with free places who cannot reach this group.
        for j, mentor in enumerate(problem.mentors):
            if mentor.location.province_code != code or free[mentor.mentor_id] <= 0:
                continue
            ks = [column[u.participant_id] for u in group]
            if not (allowed[j, ks] & (minutes[j, ks] <= limit)).any():
                remedies.append(
                    Remedy(
                        "free_places",
                        code,
                        tuple(u.participant_id for u in group),
                        island=load_geography().island_name(int(mentor.location.island_id)),
                        mentor_id=mentor.mentor_id,
                        free_places=free[mentor.mentor_id],
                    )
                )
        people = [problem.participants[person[u.participant_id]] for u in group]
        per_mentor = max(1, config.caseload.max)
        for town, served in _towns_for(people, travel, limit):
            remedies.append(
                Remedy(
                    "add_mentor",
                    code,
                    served,
                    town=town,
                    island=island,
                    mentors=math.ceil(len(served) / per_mentor),
                )
            )
    return remedies


def _ferry_reach(
    problem: Problem, group: list[UnservedParticipant], travel: TravelModel
) -> set[str]:
    """Ids in ``group`` that a mentor who may serve them reaches within the limit by ferry."""
    config = problem.config
    if not group or config.travel.cross_island == "ferry":
        return set()
    ferry_config = dataclasses.replace(config.travel, cross_island="ferry", cache_dir="")
    ferry = make_travel_model(ferry_config, load_geography())
    people = [problem.participants[problem.participant_index[u.participant_id]] for u in group]
    allowed = _may_serve(problem, people)
    homes, there = _Group(problem.mentors, ferry), _Group(people, ferry)
    wanted = allowed & (homes.reach[:, None] == there.reach[None, :])
    minutes = _minutes(ferry, problem.mentors, homes.points, there.points, wanted)
    ok = wanted & (minutes <= config.travel.max_travel_min)
    reached = np.asarray(ok.any(axis=0), dtype=bool).tolist()
    return {u.participant_id for u, hit in zip(group, reached, strict=True) if hit}


def _towns_for(
    people: list[Participant], travel: TravelModel, limit: int
) -> list[tuple[str, tuple[str, ...]]]:
    """Towns of the group's province and island where a new mentor reaches most of them.

    Greedy: the town reaching the most people within ``limit`` (then the least riding per
    person, then a regency capital), then the same for those still left, at most
    :data:`MAX_TOWNS` towns. People no town reaches are left out.
    """
    towns = load_towns()
    code = people[0].location.province_code
    island = people[0].location.island_id
    here = np.flatnonzero((towns.province_code == code) & (towns.island_id == island))
    if not here.size:
        return []
    found: list[tuple[str, tuple[str, ...]]] = []
    left = list(people)
    for _ in range(MAX_TOWNS):
        if not left:
            break
        lat = float(np.mean([p.location.latitude for p in left]))
        lon = float(np.mean([p.location.longitude for p in left]))
        km = haversine_km(towns.latitude[here], towns.longitude[here], lat, lon)
        tried = here[np.argsort(km, kind="stable")[:TOWNS_TRIED]]
        n = len(left)
        # Each town and person prepared once (finding road access is the costly part),
        # then every (town, person) pair by index.
        a = Points.of(towns.latitude[tried], towns.longitude[tried], towns.island_id[tried])
        b = Points.of(
            [p.location.latitude for p in left],
            [p.location.longitude for p in left],
            [p.location.island_id for p in left],
        )
        rows, cols = np.divmod(np.arange(tried.size * n), n)
        found_min, _ = travel.pairs(travel.prepare(a), rows, travel.prepare(b), cols, "motorcycle")
        mins = np.asarray(found_min, dtype=np.int64).reshape(tried.size, n)
        reached = mins <= limit
        # Most people reached, then the least riding (to the quarter hour per person), then
        # a regency capital (where a mentor more likely lives) over a district seat.
        score = [
            (
                -int(reached[t].sum()),
                int(np.where(reached[t], mins[t], 0).sum()) // (15 * max(1, int(reached[t].sum()))),
                not bool(towns.is_capital[tried[t]]),
                t,
            )
            for t in range(tried.size)
        ]
        best = min(score)
        if best[0] == 0:
            break
        t = best[3]
        served = tuple(p.participant_id for p, ok in zip(left, reached[t], strict=True) if ok)
        found.append((str(towns.name[tried[t]]), served))
        left = [p for p, ok in zip(left, reached[t], strict=True) if not ok]
    return found
