"""How many new mentors, and where: a capacitated facility-location model.

Clients (participants) are served by *sites*. A site is either a candidate base town,
where any whole number of new mentors may live, or an existing mentor. Each client has arcs
to the sites that may serve it (travel within the limits), each with the one-way travel
minutes and the client's monthly load in minutes by that arc. Every client is served by
exactly one site; a base with ``k`` new mentors takes at most ``k x`` the caseload and
``k x`` the monthly minutes of one new mentor; an existing mentor takes at most its own
caseload and minutes.

Two steps:

1. **Count** (CP-SAT, :func:`fewest_new_mentors`): the fewest new mentors
   (:func:`new_mentors_term`) subject to :func:`add_one_site_per_client`,
   :func:`add_site_limits` and :func:`add_fixed_arcs`, with the counting bound of
   :func:`lower_bound` as a cut, warm-started from :func:`greedy_plan`. Interleaved search
   workers and a deterministic time limit: the same instance gives the same answer on any
   machine.
2. **Place** (:func:`improve_placement`): with that many new mentors, alternate between
   serving every client from the nearest site with room (a min-cost flow on places) and
   moving each base's mentors to the town nearest to the clients they serve
   (location-allocation), while every site keeps within its minutes.

Site and arc indices never leave this module: callers get counts per base and the site of
each client.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import numpy.typing as npt
from ortools.sat.python import cp_model

from tkm_assign.assign.flow import solve_flow
from tkm_assign.assign.gap import GapInstance

log = logging.getLogger("tkm_assign")

IntArray = npt.NDArray[np.int64]
NONE = -1
# Wall-clock guard per solve, as a multiple of the deterministic limit; only a very slow
# machine reaches it (and then the answer may differ from run to run).
WALL_CLOCK_FACTOR = 20.0
SEARCH_WORKERS = 4  # CP-SAT strategies interleaved in a fixed order (see fewest_new_mentors)
PLACEMENT_ROUNDS = 20  # location-allocation rounds at most (it usually settles in a few)


@dataclass(frozen=True)
class FacilityInstance:
    """One independent region in integers.

    Sites ``0 .. n_bases - 1`` are candidate bases for new mentors; sites ``n_bases ..
    n_bases + n_existing - 1`` are existing mentors. ``arc_*`` arrays are parallel, one per
    (client, site) pair that may be used, at most one per pair.
    """

    n_clients: int
    n_bases: int
    n_existing: int
    arc_client: IntArray
    arc_site: IntArray
    arc_travel_min: IntArray
    arc_load_min: IntArray
    new_caseload: int  # participants per new mentor
    new_capacity_min: int  # monthly minutes per new mentor
    existing_caseload: IntArray  # per existing mentor
    existing_capacity_min: IntArray  # per existing mentor
    fixed_arcs: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    @property
    def n_sites(self) -> int:
        return self.n_bases + self.n_existing

    def site_caseload(self, new_mentors: IntArray) -> IntArray:
        """Places at each site with ``new_mentors`` per base."""
        base = self.new_caseload * np.asarray(new_mentors, dtype=np.int64)
        return np.concatenate([base, self.existing_caseload.astype(np.int64)])

    def site_capacity_min(self, new_mentors: IntArray) -> IntArray:
        """Monthly minutes at each site with ``new_mentors`` per base."""
        base = self.new_capacity_min * np.asarray(new_mentors, dtype=np.int64)
        return np.concatenate([base, self.existing_capacity_min.astype(np.int64)])

    def without_existing(self) -> FacilityInstance:
        """The same clients and bases with no existing mentor (every mentor new)."""
        keep = self.arc_site < self.n_bases
        return replace(
            self,
            n_existing=0,
            arc_client=self.arc_client[keep],
            arc_site=self.arc_site[keep],
            arc_travel_min=self.arc_travel_min[keep],
            arc_load_min=self.arc_load_min[keep],
            existing_caseload=np.zeros(0, dtype=np.int64),
            existing_capacity_min=np.zeros(0, dtype=np.int64),
            fixed_arcs=np.zeros(0, dtype=np.int64),
        )


@dataclass(frozen=True)
class FacilityParams:
    """``time_limit`` is CP-SAT's deterministic time for the count (about seconds)."""

    time_limit: float = 1.0
    seed: int = 0


@dataclass(frozen=True)
class FacilitySolution:
    """New mentors per base and the site serving each client.

    ``lower_bound`` is a number of new mentors no plan can do without; ``proven`` is true
    when the number found is proven minimal (it equals the bound).
    """

    new_mentors: IntArray  # per base
    site_of: IntArray  # per client, a site index
    lower_bound: int
    proven: bool

    @property
    def total_new(self) -> int:
        return int(self.new_mentors.sum())


def lower_bound(instance: FacilityInstance) -> int:
    """New mentors any plan needs, by counting alone.

    Head count: clients beyond the existing mentors' places, over a new mentor's caseload.
    Hours: the clients' smallest possible loads (their cheapest arc) beyond the existing
    mentors' minutes, over a new mentor's minutes. The larger of the two, at least 0.
    """
    n = instance.n_clients
    if n == 0:
        return 0
    cheapest = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(cheapest, instance.arc_client, instance.arc_load_min)
    heads = n - int(instance.existing_caseload.sum())
    minutes = int(cheapest.sum()) - int(instance.existing_capacity_min.sum())
    by_heads = math.ceil(heads / instance.new_caseload) if heads > 0 else 0
    by_hours = math.ceil(minutes / instance.new_capacity_min) if minutes > 0 else 0
    return max(by_heads, by_hours, 0)


def greedy_plan(instance: FacilityInstance) -> tuple[IntArray, IntArray]:
    """A feasible plan: ``(new mentors per base, site per client)``.

    Fixed arcs first; then every client to the nearest existing mentor with a place and
    minutes left; then, while clients are left, one new mentor at the base that can take
    the most of them (ties: least travel, then lowest index), filled nearest first.

    Raises
    ------
    ValueError
        When a client left over has no arc to any base it fits (the caller guarantees one).
    """
    mentors = np.zeros(instance.n_bases, dtype=np.int64)
    count = np.zeros(instance.n_sites, dtype=np.int64)
    minutes = np.zeros(instance.n_sites, dtype=np.int64)
    site_of = np.full(instance.n_clients, NONE, dtype=np.int64)

    def take(arc: int, force: bool = False) -> bool:
        s = int(instance.arc_site[arc])
        load = int(instance.arc_load_min[arc])
        places = instance.site_caseload(mentors)[s]
        room = instance.site_capacity_min(mentors)[s]
        if not force and (count[s] + 1 > places or minutes[s] + load > room):
            return False
        count[s] += 1
        minutes[s] += load
        site_of[instance.arc_client[arc]] = s
        return True

    for arc in instance.fixed_arcs.tolist():
        take(arc, force=True)  # a pin is kept even beyond its mentor's limits
    for arc in np.lexsort((instance.arc_site, instance.arc_travel_min)).tolist():
        if instance.arc_site[arc] >= instance.n_bases and site_of[instance.arc_client[arc]] == NONE:
            take(arc)
    while (site_of == NONE).any():
        arcs = np.flatnonzero(
            (site_of[instance.arc_client] == NONE) & (instance.arc_site < instance.n_bases)
        )
        best = _best_base(instance, arcs)
        if best == NONE:
            raise ValueError("a participant has no base within reach that a mentor could serve")
        mentors[best] += 1
        mine = arcs[instance.arc_site[arcs] == best]
        for arc in mine[np.argsort(instance.arc_travel_min[mine], kind="stable")].tolist():
            take(arc)
    return mentors, site_of


def _best_base(instance: FacilityInstance, arcs: IntArray) -> int:
    """The base from which one new mentor would serve most clients of ``arcs``."""
    best, best_key = NONE, (0, 0, 0)
    for site in np.unique(instance.arc_site[arcs]).tolist():
        mine = arcs[instance.arc_site[arcs] == site]
        mine = mine[np.argsort(instance.arc_travel_min[mine], kind="stable")]
        loads = np.cumsum(instance.arc_load_min[mine])
        served = min(
            instance.new_caseload,
            int(np.searchsorted(loads, instance.new_capacity_min, side="right")),
        )
        if served == 0:
            continue
        key = (-served, int(instance.arc_travel_min[mine[:served]].sum()), site)
        if best == NONE or key < best_key:
            best, best_key = site, key
    return best


# --- the count model ---------------------------------------------------------------------


@dataclass
class FacilityModel:
    """The CP-SAT model and its variables (solver indices: only for this module and tests)."""

    model: cp_model.CpModel
    x: list[cp_model.IntVar]  # per arc: the arc serves its client
    mentors: list[cp_model.IntVar]  # per base: new mentors living there


def model_variables(instance: FacilityInstance) -> FacilityModel:
    """An empty model with its variables; each ``add_*`` function adds one rule."""
    model = cp_model.CpModel()
    x = [model.new_bool_var(f"x{a}") for a in range(instance.arc_client.size)]
    most = _most_mentors(instance)
    mentors = [model.new_int_var(0, int(most[b]), f"y{b}") for b in range(instance.n_bases)]
    return FacilityModel(model, x, mentors)


def build_model(instance: FacilityInstance) -> FacilityModel:
    """Variables and every constraint of the count model (no objective)."""
    built = model_variables(instance)
    add_one_site_per_client(built, _arcs_by(instance.arc_client, instance.n_clients))
    add_site_limits(built, instance, _arcs_by(instance.arc_site, instance.n_sites))
    add_open_bases_only(built, instance)
    add_fixed_arcs(built, instance)
    return built


def _most_mentors(instance: FacilityInstance) -> IntArray:
    """Upper bound of new mentors per base: enough for every client it can serve, by
    caseload and by minutes."""
    arcs = np.bincount(instance.arc_site, minlength=instance.n_sites)[: instance.n_bases]
    minutes = np.bincount(
        instance.arc_site, weights=instance.arc_load_min, minlength=instance.n_sites
    )[: instance.n_bases]
    by_minutes = np.ceil(minutes / instance.new_capacity_min).astype(np.int64)
    return np.maximum.reduce([np.ones_like(arcs), -(-arcs // instance.new_caseload), by_minutes])


def _arcs_by(key: IntArray, n: int) -> list[IntArray]:
    order = np.argsort(key, kind="stable")
    bounds = np.searchsorted(key[order], np.arange(n + 1))
    return [order[bounds[k] : bounds[k + 1]] for k in range(n)]


def add_one_site_per_client(built: FacilityModel, arcs_of: Sequence[IntArray]) -> None:
    """Every client is served by exactly one of its arcs."""
    for arcs in arcs_of:
        built.model.add_exactly_one(built.x[a] for a in arcs.tolist())


def add_site_limits(
    built: FacilityModel, instance: FacilityInstance, arcs_at: Sequence[IntArray]
) -> None:
    """Caseload and monthly minutes at each site: per new mentor at a base, or the
    existing mentor's own."""
    for s, arcs in enumerate(arcs_at):
        if not arcs.size:
            continue
        chosen = [built.x[a] for a in arcs.tolist()]
        heads = cp_model.LinearExpr.sum(chosen)
        minutes = cp_model.LinearExpr.weighted_sum(chosen, instance.arc_load_min[arcs].tolist())
        if s < instance.n_bases:
            built.model.add(heads <= instance.new_caseload * built.mentors[s])
            built.model.add(minutes <= instance.new_capacity_min * built.mentors[s])
        else:
            f = s - instance.n_bases
            built.model.add(heads <= int(instance.existing_caseload[f]))
            built.model.add(minutes <= int(instance.existing_capacity_min[f]))


def add_open_bases_only(built: FacilityModel, instance: FacilityInstance) -> None:
    """A client is served from a base only when a new mentor lives there.

    Implied by the limits, but it tightens the linear relaxation a great deal (the bound
    then sees that far-apart clients cannot share a mentor), which is what proves counts.
    """
    for a, s in enumerate(instance.arc_site.tolist()):
        if s < instance.n_bases:
            built.model.add(built.mentors[s] >= 1).only_enforce_if(built.x[a])


def add_fixed_arcs(built: FacilityModel, instance: FacilityInstance) -> None:
    """Pinned participants keep their pinned mentor."""
    for a in instance.fixed_arcs.tolist():
        built.model.add(built.x[a] == 1)


def new_mentors_term(built: FacilityModel) -> cp_model.LinearExpr:
    """Number of new mentors (the objective)."""
    return cp_model.LinearExpr.sum(built.mentors)


def _add_hint(
    built: FacilityModel, instance: FacilityInstance, mentors: IntArray, site_of: IntArray
) -> None:
    chosen = site_of[instance.arc_client] == instance.arc_site
    for var, value in zip(built.x, chosen.tolist(), strict=True):
        built.model.add_hint(var, bool(value))
    for var, value in zip(built.mentors, mentors.tolist(), strict=True):
        built.model.add_hint(var, int(value))


def _read(
    solver: cp_model.CpSolver, built: FacilityModel, instance: FacilityInstance
) -> tuple[IntArray, IntArray]:
    """The one place where CP-SAT values become counts per base and the site of each client."""
    mentors = np.array([solver.value(v) for v in built.mentors], dtype=np.int64).reshape(-1)
    chosen = np.array([solver.boolean_value(v) for v in built.x], dtype=bool).reshape(-1)
    site_of = np.full(instance.n_clients, NONE, dtype=np.int64)
    site_of[instance.arc_client[chosen]] = instance.arc_site[chosen]
    return mentors, site_of


def fewest_new_mentors(
    instance: FacilityInstance, params: FacilityParams
) -> tuple[IntArray, IntArray, int, bool]:
    """``(new mentors per base, site per client, lower bound, proven)`` of the count step.

    Starts from :func:`greedy_plan`; CP-SAT runs only when that plan is above
    :func:`lower_bound`. Never worse than the greedy plan.
    """
    bound = lower_bound(instance)
    mentors, site_of = greedy_plan(instance)
    if int(mentors.sum()) <= bound:
        return mentors, site_of, int(mentors.sum()), True
    built = build_model(instance)
    count = new_mentors_term(built)
    built.model.add(count >= bound)
    built.model.add(count <= int(mentors.sum()))
    _add_hint(built, instance, mentors, site_of)
    built.model.minimize(count)
    solver = cp_model.CpSolver()
    p = solver.parameters
    # Several search strategies, interleaved in a fixed order: deterministic whatever the
    # machine load, and far stronger than a single strategy on these models.
    p.num_workers = SEARCH_WORKERS
    p.interleave_search = True
    p.random_seed = params.seed
    p.max_deterministic_time = params.time_limit
    p.max_time_in_seconds = max(1.0, params.time_limit * WALL_CLOCK_FACTOR)
    status = solver.solve(built.model)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        found, found_site = _read(solver, built, instance)
        if found.sum() <= mentors.sum():
            mentors, site_of = found, found_site
        bound = max(bound, math.ceil(solver.best_objective_bound - 1e-6))
    elif status == cp_model.INFEASIBLE:  # pragma: no cover - the greedy plan is feasible
        raise RuntimeError("the facility model was found infeasible")
    total = int(mentors.sum())
    return mentors, site_of, min(bound, total), status == cp_model.OPTIMAL or total <= bound


# --- placement ---------------------------------------------------------------------------------


def improve_placement(
    instance: FacilityInstance, mentors: IntArray, site_of: IntArray
) -> tuple[IntArray, IntArray]:
    """Less riding with the same number of new mentors (location-allocation).

    Alternates (a) moving the mentors of each base, in base order, to the base with arcs to
    all their clients that minimises those clients' travel within the mentors' minutes, and
    (b) serving every client from the nearest site with places (a min-cost flow), kept only
    when every site stays within its minutes. Stops when travel no longer falls.
    """
    mentors, site_of = mentors.copy(), site_of.copy()
    arc_of = {
        (int(c), int(s)): a
        for a, (c, s) in enumerate(zip(instance.arc_client, instance.arc_site, strict=True))
    }
    best = _travel(instance, site_of, arc_of)
    for _ in range(PLACEMENT_ROUNDS):
        moved_mentors, moved_site = _relocate(instance, mentors, site_of, arc_of)
        flowed = _allocate(instance, moved_mentors, moved_site)
        if flowed is not None:
            moved_site = flowed
        travel = _travel(instance, moved_site, arc_of)
        if travel >= best:
            break
        mentors, site_of, best = moved_mentors, moved_site, travel
    return mentors, site_of


def _travel(
    instance: FacilityInstance, site_of: IntArray, arc_of: dict[tuple[int, int], int]
) -> int:
    return sum(
        int(instance.arc_travel_min[arc_of[(c, int(s))]]) for c, s in enumerate(site_of.tolist())
    )


def _relocate(
    instance: FacilityInstance,
    mentors: IntArray,
    site_of: IntArray,
    arc_of: dict[tuple[int, int], int],
) -> tuple[IntArray, IntArray]:
    """Each base's mentors move to the base nearest (in total) to the clients they serve."""
    mentors, site_of = mentors.copy(), site_of.copy()
    sites_of_client = _arcs_by(instance.arc_client, instance.n_clients)
    for base in range(instance.n_bases):
        if mentors[base] == 0:
            continue
        clients = np.flatnonzero(site_of == base)
        if not clients.size:
            mentors[base] = 0
            continue
        # Bases every one of these clients has an arc to.
        common = set(instance.arc_site[sites_of_client[int(clients[0])]].tolist())
        for c in clients[1:].tolist():
            common &= set(instance.arc_site[sites_of_client[c]].tolist())
        best, best_key = base, None
        for target in sorted(s for s in common if s < instance.n_bases):
            arcs = [arc_of[(int(c), target)] for c in clients.tolist()]
            load = int(instance.arc_load_min[arcs].sum())
            heads, together = int(clients.size), int(mentors[base])
            if target != base:
                # Mentors already at the target keep their own clients and minutes.
                others = np.flatnonzero(site_of == target).tolist()
                load += sum(int(instance.arc_load_min[arc_of[(c, target)]]) for c in others)
                heads += len(others)
                together += int(mentors[target])
            if (
                load > instance.new_capacity_min * together
                or heads > instance.new_caseload * together
            ):
                continue
            key = (int(instance.arc_travel_min[arcs].sum()), target)
            if best_key is None or key < best_key:
                best, best_key = target, key
        if best != base:
            mentors[best] += mentors[base]
            mentors[base] = 0
            site_of[clients] = best
    return mentors, site_of


def _allocate(instance: FacilityInstance, mentors: IntArray, site_of: IntArray) -> IntArray | None:
    """Every client to a site with places, least total travel; ``None`` if a site would
    exceed its minutes (then the current allocation is kept). Pins stay."""
    gap = GapInstance(
        n_items=instance.n_clients,
        n_agents=instance.n_sites,
        arc_item=instance.arc_client,
        arc_agent=instance.arc_site,
        arc_cost=instance.arc_travel_min,
        arc_weight=instance.arc_load_min,
        agent_capacity=instance.site_capacity_min(mentors),
        agent_max_items=instance.site_caseload(mentors),
        fixed_arcs=instance.fixed_arcs,
    )
    if (np.bincount(site_of, minlength=instance.n_sites) > gap.max_items).any():
        return None  # pins beyond a mentor's caseload: the flow could not place them
    agent_of, _ = solve_flow(gap)
    chosen = agent_of[instance.arc_client] == instance.arc_site
    load = np.bincount(
        instance.arc_site[chosen], weights=instance.arc_load_min[chosen], minlength=instance.n_sites
    )
    if (agent_of == NONE).any() or (load > gap.agent_capacity).any():
        return None
    return agent_of


def solve_facility(instance: FacilityInstance, params: FacilityParams) -> FacilitySolution:
    """The fewest new mentors, placed to ride least.

    Parameters
    ----------
    instance
        One region; every client must have at least one arc to a base it fits (so that
        serving everyone is always possible).
    params
        Deterministic time limit of the count and seed.

    Returns
    -------
    FacilitySolution
        Never more new mentors than :func:`greedy_plan`; ``proven`` when the count is
        proven minimal.
    """
    if instance.n_clients == 0:
        return FacilitySolution(
            np.zeros(instance.n_bases, dtype=np.int64), np.zeros(0, dtype=np.int64), 0, True
        )
    mentors, site_of, bound, proven = fewest_new_mentors(instance, params)
    mentors, site_of = improve_placement(instance, mentors, site_of)
    return FacilitySolution(
        new_mentors=_mentors_needed(instance, site_of),
        site_of=site_of,
        lower_bound=bound,
        proven=proven,
    )


def _mentors_needed(instance: FacilityInstance, site_of: IntArray) -> IntArray:
    """New mentors each base needs for the clients it serves (caseload and minutes)."""
    out = np.zeros(instance.n_bases, dtype=np.int64)
    at_base = np.flatnonzero(site_of < instance.n_bases)
    if not at_base.size:
        return out
    arc_key = instance.arc_client * instance.n_sites + instance.arc_site
    order = np.argsort(arc_key)
    arcs = order[np.searchsorted(arc_key[order], at_base * instance.n_sites + site_of[at_base])]
    heads = np.bincount(site_of[at_base], minlength=instance.n_bases)
    minutes = np.bincount(
        site_of[at_base], weights=instance.arc_load_min[arcs], minlength=instance.n_bases
    )
    by_heads = -(-heads // instance.new_caseload)
    by_minutes = np.ceil(minutes / instance.new_capacity_min - 1e-9).astype(np.int64)
    return np.maximum(by_heads, by_minutes)
