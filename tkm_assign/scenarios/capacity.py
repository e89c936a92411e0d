"""Capacity planning: the fewest mentors with which every participant gets their sessions.

:func:`plan_capacity` works per independent region -- a province under
``assign.province_rule = "same"``, split by land (or ferry-joined lands) so that nobody is
planned across the sea under ``travel.cross_island = "forbid"``:

1. **Bases.** Candidate homes for new mentors are real towns of the region (district seats
   and regency capitals, :mod:`tkm_assign.geo.towns`). A participant may be served
   from its ``capacity.bases_per_participant`` fastest towns and from every regency
   capital, as long as the ride (motorcycle, the travel model of the plan) stays within
   ``travel.max_travel_min`` and a visit fits a working day. A participant with no town
   in reach gets its own village as a base.
2. **Model.** A capacitated facility-location model
   (:mod:`tkm_assign.scenarios.facility`): participants go to a base or to an existing
   mentor among their candidates (the same candidate search as ``plan``); a base with k new
   mentors takes k times a mentor's caseload (``caseload.max``) and monthly hours; loads are
   the assignment's (:func:`tkm_assign.rules.monthly_load_min`: session targets by need,
   onsite minimums, riding). The fewest new mentors, then placed to ride least. A region
   that needs no new mentor is also counted from scratch (every mentor new): what it has
   beyond that is *spare*.
3. **Check.** The real plan (:func:`tkm_assign.pipeline.run_plan`: assignment and
   schedule) runs with the existing and suggested mentors. Where a participant is left
   without a mentor or short of sessions, a mentor is added at the base that reaches most
   such participants, and the region is planned again, up to ``capacity.max_rounds``
   times. When any mentor was added this way, the whole plan is run once more at the end,
   so the plan returned is exactly the plan of the mentors suggested.

Participants no number of mentors can serve -- a pin that cannot be honoured, a monthly
load above a mentor's hours, or a shortfall that persists after a mentor was added for
them (e.g. their mentor's leave) -- are reported in ``CapacityResult.unresolved``.

Pure: reads only the bundled place lists, prints nothing.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections import Counter
from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components
from sklearn.neighbors import BallTree

from tkm_assign import notify, rules
from tkm_assign.assign.costs import PairData, pair_data, pair_loads_min
from tkm_assign.assign.explain import check_pins
from tkm_assign.assign.solve import usable_candidates
from tkm_assign.config import ClusterConfig
from tkm_assign.executor import open_executor
from tkm_assign.geo.candidates import find_candidates
from tkm_assign.geo.regions import EARTH_RADIUS_KM
from tkm_assign.geo.towns import Place, Towns, load_towns, village_base
from tkm_assign.geo.travel import Points, TravelModel
from tkm_assign.messages import Message
from tkm_assign.model import (
    Candidates,
    Location,
    Mentor,
    Participant,
    Problem,
    Sector,
    Transport,
)
from tkm_assign.pipeline import PlanResult, run_plan, shared_travel_model
from tkm_assign.scenarios.facility import (
    FacilityInstance,
    FacilityParams,
    FacilitySolution,
    fewest_new_mentors,
    lower_bound,
    solve_facility,
)

log = logging.getLogger("tkm_assign")

IntArray = npt.NDArray[np.int64]
NEW_MENTOR_PREFIX = "BARU"  # ids of suggested mentors: BARU-32-01 (province code, number)
NEW_TRANSPORT = Transport.MOTORCYCLE  # most mentors ride motorcycles


@dataclass(frozen=True)
class SuggestedMentor:
    """A new mentor to recruit: the mentor as it would be planned, and where it came from.

    Attributes
    ----------
    mentor
        The mentor as planned (home at the town, sectors of the participants served).
    base
        Name of the town (district seat or regency capital).
    latitude, longitude
        The town's coordinates, as written to ``suggested_mentors.csv``.
    step
        ``"model"`` for the facility-location answer, ``"check k"`` for a mentor added
        after verification round k.
    region
        Index into :attr:`CapacityResult.regions`.
    """

    mentor: Mentor
    base: str
    latitude: float
    longitude: float
    step: str
    region: int  # index into CapacityResult.regions


@dataclass(frozen=True)
class RegionCapacity:
    """The answer for one independent region (a province's land, or a merged group).

    Attributes
    ----------
    provinces, islands
        Province codes and island ids of its participants and mentors.
    participants, mentors_now
        Participants, and existing mentors living in the region.
    lower_bound
        Mentors any plan needs by counting alone (all new, anywhere).
    added_by_model, added_by_checks
        Mentors the facility-location model adds, and those the verification rounds add.
    needed_alone
        Mentors from scratch (counted only when nothing is added), else ``None``.
    proven
        Whether the number the model adds is proven minimal.
    """

    provinces: tuple[str, ...]  # province codes of its participants and mentors
    islands: tuple[int, ...]
    participants: int
    mentors_now: int  # existing mentors living in the region
    lower_bound: int  # mentors any plan needs by counting alone (all new, anywhere)
    added_by_model: int
    added_by_checks: int
    needed_alone: int | None  # mentors from scratch (counted only when nothing is added)
    proven: bool  # the number added by the model is proven minimal

    @property
    def added(self) -> int:
        """Mentors to add: by the model and by the checks."""
        return self.added_by_model + self.added_by_checks

    @property
    def needed(self) -> int:
        """Mentors the region needs: those it has (when kept) and those to add."""
        return self.mentors_now + self.added

    @property
    def spare(self) -> int:
        """Existing mentors beyond what the region would need on its own (0 when it needs
        more): mentors that could be lent, if the others take over their participants."""
        if self.added or self.needed_alone is None:
            return 0
        return max(0, self.mentors_now - self.needed_alone)


@dataclass(frozen=True)
class CapacityResult:
    """What :func:`plan_capacity` found.

    Attributes
    ----------
    problem
        The participants with the mentors planned: the existing ones when ``existing``,
        then the suggested ones.
    existing, mentors_given
        Whether the existing mentors were kept, and those mentors.
    suggested
        The new mentors to recruit, by region.
    regions
        The answer of each independent region.
    plan
        The verified plan of exactly ``problem``.
    unresolved
        Every participant the suggestion still leaves without a mentor or short of
        sessions, with the reason (a message, e.g. a pin that cannot be honoured).
    rounds, seconds
        Verification rounds run and the time taken.
    """

    problem: Problem
    existing: bool
    mentors_given: tuple[Mentor, ...]
    suggested: tuple[SuggestedMentor, ...]
    regions: tuple[RegionCapacity, ...]
    plan: PlanResult
    unresolved: Mapping[str, Message]
    rounds: int
    seconds: float


@dataclass(frozen=True)
class _Region:
    """Global indices of one region's participants, existing mentors and towns."""

    participants: IntArray
    mentors: IntArray
    towns: IntArray
    provinces: tuple[str, ...]
    islands: tuple[int, ...]


@dataclass(frozen=True)
class _Model:
    """One region's facility instance with its bases and the solution."""

    region: _Region
    clients: IntArray  # global indices of the participants in the model
    skipped: dict[int, Message]  # participants no new mentor could take, with the reason
    bases: tuple[Place, ...]
    capital: tuple[bool, ...]
    instance: FacilityInstance
    solution: FacilitySolution
    lower_bound: int  # mentors any plan needs by counting alone, all of them new
    # Mentors from scratch (all new, at the best towns); counted only where no new mentor
    # is needed (elsewhere nothing is spare).
    alone: int | None


def plan_capacity(
    problem: Problem,
    travel: TravelModel,
    existing: bool = True,
    *,
    cluster: ClusterConfig | None = None,
) -> CapacityResult:
    """The fewest mentors with which every participant gets their monthly sessions.

    Parameters
    ----------
    problem
        Validated participants and mentors; ``problem.config`` holds every rule (session
        targets, onsite minimums, caseload cap, hours, travel limits, the province and island
        rules) and the ``[capacity]`` settings.
    travel
        The travel model ``plan`` uses.
    existing
        Keep the problem's mentors where they live and add new ones (true), or plan every
        mentor from scratch, ignoring the mentors given (false; pins, current mentors and
        exclusions are then ignored too).
    cluster
        ``[cluster]`` settings: with an address, each region's model is a task on that Dask
        cluster; otherwise on ``assign.workers`` threads here (the same answer).

    Returns
    -------
    CapacityResult
        Suggested new mentors at named towns, per-region counts, spare existing mentors and
        the verified plan with every mentor.
    """
    started = time.perf_counter()
    config = problem.config
    given = problem.mentors
    base_problem = problem if existing else _without_mentors(problem)
    towns = load_towns(config.travel.coast_snap_km)
    candidates = usable_candidates(base_problem, find_candidates(base_problem, travel))
    data = pair_data(base_problem, candidates)
    pinned_pair, pin_reasons = check_pins(base_problem, candidates, data, hours_apply=True)
    unresolved = {base_problem.participants[i].participant_id: r for i, r in pin_reasons.items()}
    regions = find_capacity_regions(base_problem, travel, towns, candidates)
    log.info(Message.of("log.capacity_regions", regions=len(regions)))
    new_mentor = _new_mentor_template(base_problem)
    shared = RegionInputs(
        base_problem, candidates, data, pinned_pair, frozenset(pin_reasons), new_mentor
    )
    # Tasks that run in this process use the caller's travel model; workers build their own.
    shared_travel_model(config.travel, given=travel)
    models = solve_regions(shared, regions, cluster)
    numbers: Counter[str] = Counter()
    taken = {m.mentor_id for m in given}
    suggested: list[SuggestedMentor] = []
    for k, model in enumerate(models):
        suggested += _suggestions(base_problem, model, k, numbers, taken, new_mentor)
    log.info(
        Message.of(
            "log.capacity_added",
            mentors=len(suggested),
            seconds=round(time.perf_counter() - started, 1),
        )
    )
    for model in models:
        unresolved.update(
            {base_problem.participants[i].participant_id: why for i, why in model.skipped.items()}
        )
    checked = _verify(base_problem, travel, models, suggested, numbers, taken, new_mentor)
    unresolved.update({pid: why for pid, why in checked.failures.items() if pid not in unresolved})
    results = tuple(
        _region_result(model, checked.added_per_region.get(k, 0)) for k, model in enumerate(models)
    )
    seconds = time.perf_counter() - started
    log.info(
        Message.of(
            "log.capacity_done",
            mentors=len(checked.suggested),
            rounds=int(checked.rounds),
            unresolved=len(unresolved),
            seconds=round(seconds, 1),
        )
    )
    return CapacityResult(
        problem=checked.plan.problem,
        existing=existing,
        mentors_given=tuple(given),
        suggested=tuple(checked.suggested),
        regions=results,
        plan=checked.plan,
        unresolved=unresolved,
        rounds=checked.rounds,
        seconds=seconds,
    )


def _without_mentors(problem: Problem) -> Problem:
    """The participants alone: no mentors, and no pins, current mentors or exclusions."""
    participants = tuple(
        dataclasses.replace(
            p, current_mentor_id=None, pinned_mentor_id=None, excluded_mentor_ids=frozenset()
        )
        for p in problem.participants
    )
    return Problem(
        participants, (), problem.config, problem.participants_source, problem.mentors_source
    )


def _new_mentor_template(problem: Problem) -> Mentor:
    """A new mentor with the defaults a mentors file row with empty cells gets (id, name,
    place and sectors are filled in for each suggestion)."""
    config = problem.config
    return Mentor(
        mentor_id="",
        name="",
        location=Location(0.0, 0.0, "", "", -1),
        sectors=frozenset(Sector),
        max_caseload=config.caseload.max,
        transport=NEW_TRANSPORT,
        working_days=config.work.weekdays,
    )


# --- regions -------------------------------------------------------------------------------


def region_keys(
    province_code: Sequence[str], island_id: Sequence[int], travel: TravelModel, same: bool
) -> list[tuple[str, int]]:
    """``(province or "", reach class)`` of each point: points with different keys can
    never share a mentor under the province and island rules.

    Parameters
    ----------
    province_code, island_id
        Of each point (participant or mentor).
    travel
        Which islands a ferry links (the reach classes).
    same
        Whether ``assign.same_province`` applies (else the province part is ``""``).

    Returns
    -------
    list of tuple
        One key per point.
    """
    classes = travel.reach_class(np.asarray(island_id, dtype=np.int32)).reshape(-1).tolist()
    return [(str(p) if same else "", int(c)) for p, c in zip(province_code, classes, strict=True)]


def find_capacity_regions(
    problem: Problem, travel: TravelModel, towns: Towns, candidates: Candidates
) -> list[_Region]:
    """Independent regions: participants and mentors by key, joined where a candidate pair
    (a pin across a province border) links two keys. Sorted by their smallest key.

    Parameters
    ----------
    problem
        The problem being sized.
    travel
        Which islands a ferry links.
    towns
        The gazetteer's towns, the possible bases of new mentors.
    candidates
        Eligible pairs with the existing mentors.

    Returns
    -------
    list of _Region
        The regions, each solved on its own.
    """
    same = problem.config.assign.province_rule == "same"
    p_keys = region_keys(
        [p.location.province_code for p in problem.participants],
        [p.location.island_id for p in problem.participants],
        travel,
        same,
    )
    m_keys = region_keys(
        [m.location.province_code for m in problem.mentors],
        [m.location.island_id for m in problem.mentors],
        travel,
        same,
    )
    t_keys = region_keys(list(towns.province_code), list(towns.island_id), travel, same)
    keys = sorted(set(p_keys) | set(m_keys))
    index = {key: k for k, key in enumerate(keys)}
    p_node = np.array([index[k] for k in p_keys], dtype=np.int64).reshape(-1)
    m_node = np.array([index[k] for k in m_keys], dtype=np.int64).reshape(-1)
    a = p_node[candidates.participant_idx] if len(candidates) else np.zeros(0, np.int64)
    b = m_node[candidates.mentor_idx] if len(candidates) else np.zeros(0, np.int64)
    graph = sp.coo_matrix((np.ones(a.size), (a, b)), shape=(len(keys), len(keys)))
    _, label = connected_components(graph, directed=False)
    t_node = np.array([index.get(k, -1) for k in t_keys], dtype=np.int64)
    regions = []
    for group in sorted({int(x) for x in label}, key=lambda g: int(np.flatnonzero(label == g)[0])):
        members = np.flatnonzero(label == group)
        provinces = tuple(sorted({keys[k][0] for k in members if keys[k][0]}))
        participants = np.flatnonzero(np.isin(p_node, members)).astype(np.int64)
        mentors = np.flatnonzero(np.isin(m_node, members)).astype(np.int64)
        islands = {problem.participants[i].location.island_id for i in participants.tolist()}
        islands |= {problem.mentors[j].location.island_id for j in mentors.tolist()}
        regions.append(
            _Region(
                participants=participants,
                mentors=mentors,
                towns=np.flatnonzero(np.isin(t_node, members) & (t_node >= 0)).astype(np.int64),
                provinces=provinces
                or tuple(
                    sorted({problem.participants[i].location.province_code for i in participants})
                ),
                islands=tuple(sorted(islands)),
            )
        )
    return regions


# --- the regions' models, as tasks -----------------------------------------------------------


@dataclass(frozen=True)
class RegionInputs:
    """What every region's model needs, sent to the workers once (picklable).

    Attributes
    ----------
    problem
        The problem being sized.
    candidates, data
        Its eligible (participant, existing mentor) pairs and their costs and loads.
    pinned_pair
        Participant index -> the candidate pair its pin requires.
    blocked
        Participants whose pin cannot be honoured (left out of every model).
    new_mentor
        The mentor every proposed new mentor is modelled on (caseload, hours, transport).
    """

    problem: Problem
    candidates: Candidates
    data: PairData
    pinned_pair: Mapping[int, int]
    blocked: frozenset[int]
    new_mentor: Mentor


def region_model(inputs: RegionInputs, region: _Region) -> _Model:
    """The solved facility model of one region (a task: runs here or on a worker).

    Parameters
    ----------
    inputs
        What every region shares.
    region
        The region's participants, mentors and towns.

    Returns
    -------
    _Model
        The region's bases, arcs and solution.
    """
    config = inputs.problem.config
    return build_region_model(
        inputs.problem,
        shared_travel_model(config.travel),
        load_towns(config.travel.coast_snap_km),
        inputs.candidates,
        inputs.data,
        inputs.pinned_pair,
        inputs.blocked,
        region,
        inputs.new_mentor,
    )


def solve_regions(
    inputs: RegionInputs, regions: Sequence[_Region], cluster: ClusterConfig | None
) -> list[_Model]:
    """Every region's model, one task each; in region order whatever order they finish.

    Parameters
    ----------
    inputs
        What every region shares (sent to the workers once).
    regions
        From :func:`find_capacity_regions`.
    cluster
        ``cluster.address`` set: the tasks run on that Dask cluster; else a local pool of
        ``assign.workers`` processes.

    Returns
    -------
    list of _Model
        One per region, in the order of ``regions``.
    """
    models: dict[int, _Model] = {}
    workers = inputs.problem.config.assign.workers
    with open_executor(cluster, workers=min(workers, len(regions))) as executor:
        shared = executor.share(inputs)
        tasks = {
            executor.submit(region_model, shared, region, key=f"region-{k + 1}"): k
            for k, region in enumerate(regions)
        }
        try:
            for task in executor.as_completed(tasks):
                models[tasks[task]] = task.result()
                notify.progress("step.capacity_region", len(models), len(regions))
        except BaseException:
            executor.cancel(tasks)
            raise
    return [models[k] for k in range(len(regions))]


# --- bases and the model of one region ---------------------------------------------------------


def base_arcs(
    problem: Problem,
    travel: TravelModel,
    bases: Sequence[Place],
    capital: Sequence[bool],
    participants: IntArray,
) -> tuple[IntArray, IntArray, IntArray]:
    """``(participant, base, minutes)``: the bases each participant may be served from.

    A base qualifies when a motorcycle ride from it is within ``travel.max_travel_min`` and
    a round trip plus an onsite visit fits a working day and the daily riding limit. Of
    those, the ``capacity.bases_per_participant`` fastest (ties by base order) and every
    regency capital are kept. Sorted by participant, then minutes, then base.

    Parameters
    ----------
    problem
        The problem (its ``travel``, ``work`` and ``capacity`` sections).
    travel
        The travel model.
    bases, capital
        The possible bases, and which of them is a regency capital.
    participants
        Global indices of the participants to serve.

    Returns
    -------
    tuple of ndarray
        Parallel arrays: participant index, base index (into ``bases``), one-way minutes.
    """
    config = problem.config
    empty = np.zeros(0, dtype=np.int64)
    if not bases or not participants.size:
        return empty, empty, empty
    p_lat_lon = problem.participant_lat_lon[participants]
    b_lat_lon = np.array([(b.location.latitude, b.location.longitude) for b in bases])
    rate = travel.min_minutes_per_km(NEW_TRANSPORT.value)
    limit = _one_way_limit_min(problem)
    if rate > 0:
        tree = BallTree(np.radians(b_lat_lon), metric="haversine")
        radius = (limit / rate + 1.0) / EARTH_RADIUS_KM
        near = tree.query_radius(np.radians(p_lat_lon), r=radius)
        pi = np.concatenate([np.full(len(n), k, dtype=np.int64) for k, n in enumerate(near)])
        bi = np.concatenate([np.asarray(n, dtype=np.int64) for n in near])
    else:
        pi, bi = (
            a.reshape(-1) for a in np.divmod(np.arange(p_lat_lon.shape[0] * len(bases)), len(bases))
        )
    if not pi.size:
        return empty, empty, empty
    p_points = Points.of(
        p_lat_lon[:, 0],
        p_lat_lon[:, 1],
        [problem.participants[i].location.island_id for i in participants.tolist()],
    )
    b_points = Points.of(b_lat_lon[:, 0], b_lat_lon[:, 1], [b.location.island_id for b in bases])
    minutes, _ = travel.pairs(
        travel.prepare(b_points), bi, travel.prepare(p_points), pi, NEW_TRANSPORT.value
    )
    minutes = minutes.astype(np.int64)
    ok = minutes <= limit
    pi, bi, minutes = pi[ok], bi[ok], minutes[ok]
    order = np.lexsort((bi, minutes, pi))
    pi, bi, minutes = pi[order], bi[order], minutes[order]
    starts = np.searchsorted(pi, pi, side="left")
    rank = np.arange(pi.size) - starts
    keep = (rank < config.capacity.bases_per_participant) | np.asarray(capital, dtype=bool)[bi]
    return participants[pi[keep]], bi[keep], minutes[keep]


def _one_way_limit_min(problem: Problem) -> int:
    """Longest one-way ride that still allows an onsite visit in a day, from the rules."""
    config = problem.config
    day = rules.daily_minutes(config) - config.sessions.onsite_duration_min
    return int(min(config.travel.max_travel_min, config.work.max_travel_min_per_day // 2, day // 2))


def build_region_model(
    problem: Problem,
    travel: TravelModel,
    towns: Towns,
    candidates: Candidates,
    data: PairData,
    pinned_pair: Mapping[int, int],
    blocked: Set[int],
    region: _Region,
    new_mentor: Mentor,
) -> _Model:
    """Bases, arcs and the solved facility model of one region.

    Participants in ``blocked`` (a pin that cannot be honoured) and participants no new
    mentor could take (a monthly load above a mentor's hours) stay out of the model: no
    number of mentors serves them, and they are reported instead.

    Parameters
    ----------
    problem, travel, towns
        As for :func:`find_capacity_regions`.
    candidates, data
        Eligible pairs with existing mentors and their costs and loads.
    pinned_pair
        Participant index -> the candidate pair its pin requires.
    blocked
        Participants whose pin cannot be honoured.
    region
        The region to model.
    new_mentor
        The mentor every proposed new mentor is modelled on.

    Returns
    -------
    _Model
        The solved model with its bases and the participants left out, with the reason.
    """
    config = problem.config
    participants = np.array(
        [i for i in region.participants.tolist() if i not in blocked], dtype=np.int64
    )
    bases = [
        Place(
            str(towns.name[t]),
            float(towns.latitude[t]),
            float(towns.longitude[t]),
            towns.location[t],
        )
        for t in region.towns.tolist()
    ]
    capital = [bool(towns.is_capital[t]) for t in region.towns.tolist()]
    pi, bi, minutes = base_arcs(problem, travel, bases, capital, participants)
    served = set(pi.tolist())
    extra_p, extra_b, extra_min = [], [], []
    for i in participants.tolist():
        if i in served:
            continue
        place = _fallback_base(problem, travel, problem.participants[i])
        bases.append(place)
        capital.append(False)
        extra_p.append(i)
        extra_b.append(len(bases) - 1)
        extra_min.append(_minutes(travel, place, problem.participants[i]))
    pi = np.concatenate([pi, np.asarray(extra_p, dtype=np.int64)])
    bi = np.concatenate([bi, np.asarray(extra_b, dtype=np.int64)])
    minutes = np.concatenate([minutes, np.asarray(extra_min, dtype=np.int64)])
    base_load = _loads(problem, pi, minutes)
    capacity = rules.mentor_capacity_min(new_mentor, config)
    # A base arc whose load alone exceeds a new mentor's hours can never be used.
    fits = base_load <= capacity
    in_region = np.flatnonzero(
        np.isin(candidates.participant_idx, participants)
        & np.isin(candidates.mentor_idx, region.mentors)
        & (data.pair_load_min <= data.mentor_capacity_min[candidates.mentor_idx])
    )
    reachable = set(pi[fits].tolist()) | set(candidates.participant_idx[in_region].tolist())
    skipped = {
        i: Message.of(
            "reason.capacity_hours_beyond_new_mentor",
            load_h=float(base_load[pi == i].min()) / 60,
            capacity_h=capacity / 60,
        )
        for i in participants.tolist()
        if i not in reachable
    }
    clients = np.array([i for i in participants.tolist() if i not in skipped], dtype=np.int64)
    local = {int(i): k for k, i in enumerate(clients.tolist())}
    pi, bi, minutes, base_load = pi[fits], bi[fits], minutes[fits], base_load[fits]
    pairs = in_region[np.isin(candidates.participant_idx[in_region], clients)]
    mentor_local = {int(j): k for k, j in enumerate(region.mentors.tolist())}
    pinned = {int(p) for p in pinned_pair.values()}
    instance = FacilityInstance(
        n_clients=int(clients.size),
        n_bases=len(bases),
        n_existing=int(region.mentors.size),
        arc_client=np.array(
            [local[int(i)] for i in [*pi.tolist(), *candidates.participant_idx[pairs].tolist()]],
            dtype=np.int64,
        ).reshape(-1),
        arc_site=np.concatenate(
            [
                bi,
                len(bases)
                + np.array(
                    [mentor_local[int(j)] for j in candidates.mentor_idx[pairs]], dtype=np.int64
                ).reshape(-1),
            ]
        ),
        arc_travel_min=np.concatenate([minutes, candidates.travel_min[pairs].astype(np.int64)]),
        arc_load_min=np.concatenate([base_load, data.pair_load_min[pairs].astype(np.int64)]),
        new_caseload=rules.effective_caseload(new_mentor, config),
        new_capacity_min=capacity,
        existing_caseload=data.mentor_caseload[region.mentors].astype(np.int64),
        existing_capacity_min=data.mentor_capacity_min[region.mentors].astype(np.int64),
        fixed_arcs=np.array(
            [pi.size + k for k, pair in enumerate(pairs.tolist()) if pair in pinned],
            dtype=np.int64,
        ).reshape(-1),
    )
    params = FacilityParams(config.capacity.time_limit, config.solver.seed)
    solution = solve_facility(instance, params)
    scratch = instance.without_existing()
    alone: int | None = None
    if not instance.n_existing:
        alone = solution.total_new
    elif solution.total_new == 0:
        # Only a region that needs no new mentor can have spare ones: how many would it
        # need from scratch?
        found, _, _, _ = fewest_new_mentors(scratch, params)
        alone = int(found.sum())
    return _Model(
        region=region,
        clients=clients,
        skipped=skipped,
        bases=tuple(bases),
        capital=tuple(capital),
        instance=instance,
        solution=solution,
        lower_bound=lower_bound(scratch),
        alone=alone,
    )


def _fallback_base(problem: Problem, travel: TravelModel, participant: Participant) -> Place:
    """The participant's village as a base; its own position if that village is too far."""
    place = village_base(participant, problem.config.travel.coast_snap_km)
    if _minutes(travel, place, participant) <= _one_way_limit_min(problem):
        return place
    where = participant.location
    name = f"{participant.village} (desa)" if participant.village else "lokasi peserta"
    return Place(name, round(where.latitude, 5), round(where.longitude, 5), where)


def _minutes(travel: TravelModel, place: Place, participant: Participant) -> int:
    a, b = place.location, participant.location
    minutes, _ = travel.between(
        Points.of(a.latitude, a.longitude, a.island_id),
        Points.of(b.latitude, b.longitude, b.island_id),
        NEW_TRANSPORT.value,
    )
    return int(minutes[0])


def _loads(problem: Problem, participants: IntArray, minutes: IntArray) -> IntArray:
    """Monthly minutes each participant takes from a mentor ``minutes`` away (as ``assign``)."""
    pairs = Candidates(
        participant_idx=participants.astype(np.int32),
        mentor_idx=np.zeros(participants.size, dtype=np.int32),
        travel_min=minutes.astype(np.int32),
        distance_m=np.zeros(participants.size, dtype=np.int32),
    )
    return pair_loads_min(problem, pairs)


# --- suggestions ------------------------------------------------------------------------------


def _ordered_sectors(participants: Sequence[Participant]) -> tuple[Sector, ...]:
    """Sectors of ``participants``, the most common first (ties in sector order)."""
    counts = Counter(p.sector for p in participants)
    order = list(Sector)
    return tuple(sorted(counts, key=lambda s: (-counts[s], order.index(s))))


def _new_mentor(
    problem: Problem,
    template: Mentor,
    place: Place,
    participants: Sequence[Participant],
    numbers: Counter[str],
    taken: set[str],
    step: str,
    region: int,
    of_base: tuple[int, int],
) -> SuggestedMentor:
    """One suggested mentor at ``place`` with the sectors of the participants it is for."""
    province = place.location.province_code
    while True:
        numbers[province] += 1
        mentor_id = f"{NEW_MENTOR_PREFIX}-{province}-{numbers[province]:02d}"
        if mentor_id not in taken:
            break
    taken.add(mentor_id)
    k, n = of_base
    town = place.name.split(",")[0]
    name = f"Pendamping baru {town}" + (f" {k}" if n > 1 else "")
    sectors = _ordered_sectors(participants) or (Sector.PERDAGANGAN_JASA,)
    mentor = dataclasses.replace(
        template,
        mentor_id=mentor_id,
        name=name,
        location=place.location,
        sectors=frozenset(sectors),
    )
    return SuggestedMentor(mentor, place.name, place.latitude, place.longitude, step, region)


def _suggestions(
    problem: Problem,
    model: _Model,
    region: int,
    numbers: Counter[str],
    taken: set[str],
    template: Mentor,
) -> list[SuggestedMentor]:
    """The model's new mentors, base by base in base order."""
    out = []
    site_of = model.solution.site_of
    for b, count in enumerate(model.solution.new_mentors.tolist()):
        if count == 0:
            continue
        clients = model.clients[np.flatnonzero(site_of == b)]
        people = [problem.participants[i] for i in clients.tolist()]
        for k in range(count):
            out.append(
                _new_mentor(
                    problem,
                    template,
                    model.bases[b],
                    people,
                    numbers,
                    taken,
                    "model",
                    region,
                    (k + 1, count),
                )
            )
    return out


def suggested_sectors(mentor: SuggestedMentor) -> tuple[Sector, ...]:
    """The suggested mentor's sectors in a stable order (for files).

    Parameters
    ----------
    mentor
        A proposed new mentor.

    Returns
    -------
    tuple of Sector
        Its sectors in the order of :class:`~tkm_assign.model.Sector`.
    """
    order = list(Sector)
    return tuple(sorted(mentor.mentor.sectors, key=order.index))


# --- verification ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Checked:
    plan: PlanResult
    suggested: list[SuggestedMentor]
    failures: dict[str, Message]
    added_per_region: dict[int, int]
    rounds: int


def plan_failures(result: PlanResult) -> dict[str, Message]:
    """Participants left without a mentor or short of sessions in a plan, with the reason.

    Parameters
    ----------
    result
        A plan of the problem with the proposed mentors added.

    Returns
    -------
    dict
        Participant id -> the reason (a :class:`~tkm_assign.messages.Message`).
    """
    out: dict[str, Message] = {}
    for pid, mentor_id in result.assignment.mentor_of.items():
        if mentor_id is None:
            out[pid] = result.assignment.reasons.get(pid, Message.of("reason.no_mentor_assigned"))
    if result.schedule is not None:
        for shortfall in result.schedule.shortfalls:
            if shortfall.mentor_id is not None and shortfall.participant_id not in out:
                out[shortfall.participant_id] = Message.of(
                    "reason.capacity_month_short",
                    month=shortfall.month,
                    planned=shortfall.planned,
                    required=shortfall.required,
                    reason=shortfall.reason,
                )
    return out


def _verify(
    problem: Problem,
    travel: TravelModel,
    models: Sequence[_Model],
    suggested: list[SuggestedMentor],
    numbers: Counter[str],
    taken: set[str],
    template: Mentor,
) -> _Checked:
    """Plan with the suggestion; add mentors where anyone falls short; repeat (bounded).

    A participant gets a mentor added for it once: if it is still short afterwards, the
    cause is not the number of mentors (e.g. its mentor's own calendar), and it is reported
    instead. Pinned participants are never a reason to add mentors.
    """
    config = problem.config
    region_of = np.full(len(problem.participants), -1, dtype=np.int64)
    for k, model in enumerate(models):
        region_of[model.region.participants] = k
    settled = {p.participant_id for p in problem.participants if p.pinned_mentor_id is not None}
    for model in models:
        settled.update(problem.participants[i].participant_id for i in model.skipped)
    suggested = list(suggested)
    added: Counter[int] = Counter()
    open_regions = set(range(len(models)))
    rounds = 0
    last: PlanResult | None = None
    for rounds in range(1, config.capacity.max_rounds + 1):
        last = run_plan(_sub_problem(problem, models, suggested, open_regions), travel)
        short = [pid for pid in plan_failures(last) if pid not in settled]
        failing: dict[int, list[int]] = {}
        for pid in short:
            i = problem.participant_index[pid]
            failing.setdefault(int(region_of[i]), []).append(i)
        log.info(
            Message.of(
                "log.capacity_check", round=int(rounds), regions=len(open_regions), short=len(short)
            )
        )
        if not failing or rounds == config.capacity.max_rounds:
            break
        for k in sorted(failing):
            more = _mentors_where_needed(
                problem, models[k], k, sorted(failing[k]), numbers, taken, template, rounds
            )
            added[k] += len(more)
            suggested += more
        settled.update(short)
        open_regions = set(failing)
    assert last is not None
    if rounds > 1:
        # Mentors were added after the first plan: plan everything once more, so the plan
        # returned is exactly the plan of the mentors suggested.
        last = run_plan(_sub_problem(problem, models, suggested, set(range(len(models)))), travel)
    return _Checked(last, suggested, plan_failures(last), dict(added), rounds)


def _sub_problem(
    problem: Problem,
    models: Sequence[_Model],
    suggested: Sequence[SuggestedMentor],
    regions: set[int],
) -> Problem:
    """The participants and mentors (existing, then suggested) of ``regions``."""
    keep_p = np.zeros(len(problem.participants), dtype=bool)
    keep_m = np.zeros(len(problem.mentors), dtype=bool)
    for k in regions:
        keep_p[models[k].region.participants] = True
        keep_m[models[k].region.mentors] = True
    mentors = [m for m, keep in zip(problem.mentors, keep_m, strict=True) if keep]
    mentors += [s.mentor for s in suggested if s.region in regions]
    return Problem(
        tuple(p for p, keep in zip(problem.participants, keep_p, strict=True) if keep),
        tuple(mentors),
        problem.config,
        problem.participants_source,
        problem.mentors_source,
    )


def _mentors_where_needed(
    problem: Problem,
    model: _Model,
    region: int,
    failing: Sequence[int],
    numbers: Counter[str],
    taken: set[str],
    template: Mentor,
    round_no: int,
) -> list[SuggestedMentor]:
    """New mentors for the participants (global indices) a plan left short.

    Greedy cover: a mentor at the base that reaches most of them (ties: least riding, then
    base order), taking up to a caseload of the nearest within a mentor's hours; repeat.
    """
    instance = model.instance
    local = {int(i): k for k, i in enumerate(model.clients.tolist())}
    left = {local[i] for i in failing if i in local}
    out: list[SuggestedMentor] = []
    while left:
        arcs = np.flatnonzero(
            np.isin(instance.arc_client, list(left)) & (instance.arc_site < instance.n_bases)
        )
        if not arcs.size:
            break
        best_key: tuple[int, int, int] | None = None
        best_take: list[int] = []
        for site in np.unique(instance.arc_site[arcs]).tolist():
            mine = arcs[instance.arc_site[arcs] == site]
            mine = mine[np.argsort(instance.arc_travel_min[mine], kind="stable")]
            loads = np.cumsum(instance.arc_load_min[mine])
            fits = int(np.searchsorted(loads, instance.new_capacity_min, side="right"))
            chosen = mine[: max(1, min(instance.new_caseload, fits))]
            key = (-chosen.size, int(instance.arc_travel_min[chosen].sum()), int(site))
            if best_key is None or key < best_key:
                best_key, best_take = key, chosen.tolist()
        assert best_key is not None
        site = best_key[2]
        clients = [int(instance.arc_client[a]) for a in best_take]
        people = [problem.participants[int(model.clients[c])] for c in clients]
        out.append(
            _new_mentor(
                problem,
                template,
                model.bases[site],
                people,
                numbers,
                taken,
                f"check {round_no}",
                region,
                (1, 1),
            )
        )
        left -= set(clients)
    return out


def _region_result(model: _Model, added_by_checks: int) -> RegionCapacity:
    region = model.region
    return RegionCapacity(
        provinces=region.provinces,
        islands=region.islands,
        participants=int(region.participants.size),
        mentors_now=int(region.mentors.size),
        lower_bound=model.lower_bound,
        added_by_model=model.solution.total_new,
        added_by_checks=added_by_checks,
        needed_alone=model.alone,
        proven=model.solution.proven,
    )
