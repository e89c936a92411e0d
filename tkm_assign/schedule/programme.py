"""One mentor's visits placed over the whole programme at once, visit by visit.

Months planned one after another can paint themselves into a corner: a month that places
its sessions late, or fills the days a neighbour's sessions needed, leaves the next month
too few days a spacing gap away, however the look-ahead chose its deadlines. Where the
month-by-month plan falls short, :func:`place_programme` decides every session of every
month in one CP-SAT model over all the programme's working days. Its variables are single
sessions, "participant c onsite (or online) on day d", not day trips formed beforehand, so
no grouping chosen early can block a later month. The rules, each a function below:

- a participant's sessions of a month: at most its target, onsite at most the onsite
  visits asked, online only where allowed (:func:`_add_session_counts`);
- two sessions of a participant at least ``min_days_between`` days apart, across month
  boundaries and after sessions already held (:func:`_add_spacing`);
- a day's online sessions, its onsite visits and the riding of the day's one route fit the
  working day, and a month's days fit the mentor's minutes of the month
  (:func:`_add_day_and_month`); riding never above the daily riding limit.

The riding of a day is a variable bounded below by what its onsite visits need: at least
the round trip to each of them, and, for every set of visits the search put on one day
whose shortest route rides more than that, the length of that route (a cut valid on every
day, added lazily: solve, compute each day's shortest route exactly, add a cut for every
day that rides more than the model allowed, solve again from the last solution; the cuts
of every pair of visits are there from the start, :func:`_add_pair_cuts`). The loop
ends when every day's route fits: then every solution of the model is a plan that keeps
every rule, and an ``OPTIMAL`` status proves that no placement of these sessions on these
working days serves more (routes of up to :data:`EXACT_STOPS` stops are shortest by
exhaustive search; longer ones by OR-Tools, whose cut may then be slightly too strong).

One worker, fixed seed, deterministic time limit (``schedule.programme_limit``, shared by
the rounds), so the same job gives the same plan; the search runs without the linear
relaxation, which only slowed it here (:func:`place_programme`). The month-by-month plan, with the
requests it keeps, is the first hint; each round starts from the last solution.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from tkm_assign.messages import Message
from tkm_assign.model import Mode
from tkm_assign.schedule.demand import Request, min_gap_days, priority_group, priority_key
from tkm_assign.schedule.job import MentorJob, MonthCalendar
from tkm_assign.schedule.routing import order_stops
from tkm_assign.schedule.trips import route_length

EXACT_STOPS = 8  # routes up to this many stops are shortest by exhaustive search
MAX_ROUNDS = 30  # solve-and-cut rounds before giving up (the month-by-month plan stays)


@dataclass(frozen=True)
class MonthItems:
    """What a month asks: the participants active in it and the sessions offered."""

    calendar: MonthCalendar
    active: tuple[int, ...]
    reasons: dict[int, list[Message]]
    requests: tuple[Request, ...]  # every session offered (priority order)


Days = dict[int, tuple[list[int], list[Request]]]  # day index -> (online clients, trip)


@dataclass(frozen=True)
class ProgrammePlacement:
    """The days of every month, and whether the model proved that nothing serves more."""

    months: list[Days]
    optimal: bool
    rounds: int


@dataclass
class _Model:
    """CP-SAT variables of one mentor's programme; they never leave this module."""

    model: cp_model.CpModel = field(default_factory=cp_model.CpModel)
    # (month, day index, client) -> "onsite visit that day" / "online session that day"
    onsite: dict[tuple[int, int, int], cp_model.IntVar] = field(default_factory=dict)
    online: dict[tuple[int, int, int], cp_model.IntVar] = field(default_factory=dict)
    riding: dict[tuple[int, int], cp_model.IntVar] = field(default_factory=dict)
    coverage: list[cp_model.LinearExprT] = field(default_factory=list)
    # (month, client) -> the "request kept" bools of its onsite and its other requests
    kept: dict[tuple[int, int], tuple[list[cp_model.IntVar], list[cp_model.IntVar]]] = field(
        default_factory=dict
    )
    cuts: set[frozenset[int]] = field(default_factory=set)
    # stops -> (shortest visiting order, its riding): the same sets recur day after day
    routes: dict[frozenset[int], tuple[list[int], int]] = field(default_factory=dict)


def place_programme(
    job: MentorJob,
    months: Sequence[MonthItems],
    hint: Mapping[tuple[int, dt.date], Mode],
    weight_of: Mapping[Request, int],
) -> ProgrammePlacement | None:
    """Days of every month's sessions, or ``None`` when no plan was found in the limits.

    ``hint`` maps (client, date) to the mode of the month-by-month plan's session.
    """
    m = _Model()
    _add_variables(m, job, months)
    _add_session_counts(m, job, months, weight_of)
    _add_spacing(m, job, months)
    _add_day_and_month(m, job, months)
    m.model.maximize(sum(m.coverage))
    _add_pair_cuts(m, job)
    _add_hint(m, job, months, hint)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = job.params.seed
    # Without the linear relaxation and the symmetry detection the search finds full
    # plans several times sooner: the coverage bound is already the sum of the weights
    # (the plans of the national sample keep every request, so the first such plan is
    # proven optimal at once), and the relaxation's cuts and the symmetry pass cost each
    # round most of its time. On the national sample with every mentor placed this way,
    # 121 CPU s for all 150 mentors, each proven optimal, against 68 CPU s for a fifth of
    # them with the defaults, one of which ran out of its limit three sessions short.
    solver.parameters.linearization_level = 0
    solver.parameters.symmetry_level = 0
    # ``programme_limit`` is the mentor's whole allowance, shared by every round of cuts:
    # each round re-solves the model, and a mentor whose routes keep breaking the rules
    # would otherwise spend the limit again and again.
    left = job.params.programme_limit
    for rounds in range(1, MAX_ROUNDS + 1):
        if left <= 0:
            return None
        solver.parameters.max_deterministic_time = left
        status = solver.solve(m.model)
        left -= solver.response_proto.deterministic_time
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None
        placed = _extract(solver, m, months)
        if not _add_route_cuts(m, job, months, solver, placed):
            return ProgrammePlacement(
                _with_requests(m, job, months, placed), status == cp_model.OPTIMAL, rounds
            )
        _keep_as_hint(solver, m)
    return None


def _add_variables(m: _Model, job: MentorJob, months: Sequence[MonthItems]) -> None:
    """A bool per (day, participant, mode) the participant may use; riding per day."""
    first = _first_allowed(job)
    for k, items in enumerate(months):
        onsite = {q.client for q in items.requests if q.mode is Mode.ONSITE}
        online = {q.client for q in items.requests if q.mode is Mode.ONLINE}
        for d, day in enumerate(items.calendar.dates):
            for c in sorted(onsite | online):
                if c in first and day < first[c]:
                    continue
                if c in onsite:
                    m.onsite[k, d, c] = m.model.new_bool_var(f"on{k}_{d}_{c}")
                if job.clients[c].online_ok:
                    m.online[k, d, c] = m.model.new_bool_var(f"off{k}_{d}_{c}")
            m.riding[k, d] = m.model.new_int_var(0, job.params.max_travel_day_min, f"ride{k}_{d}")


def _add_session_counts(
    m: _Model, job: MentorJob, months: Sequence[MonthItems], weight_of: Mapping[Request, int]
) -> None:
    """Sessions of a month at most those offered, onsite at most the onsite ones offered;
    each offered session kept counts its weight, an onsite one only if made onsite."""
    for k, items in enumerate(months):
        asked: dict[int, list[Request]] = defaultdict(list)
        for q in items.requests:
            asked[q.client].append(q)
        days = range(len(items.calendar.dates))
        for c, requests in sorted(asked.items()):
            onsite = [m.onsite[k, d, c] for d in days if (k, d, c) in m.onsite]
            online = [m.online[k, d, c] for d in days if (k, d, c) in m.online]
            wanted_onsite = [q for q in requests if q.mode is Mode.ONSITE]
            others = [q for q in requests if q.mode is Mode.ONLINE]
            m.model.add(sum(onsite) + sum(online) <= len(requests))
            m.model.add(sum(onsite) <= len(wanted_onsite))
            kept_onsite = _kept(m, f"ko{k}_{c}", wanted_onsite, weight_of)
            kept_other = _kept(m, f"kx{k}_{c}", others, weight_of)
            m.kept[k, c] = (kept_onsite, kept_other)
            m.model.add(sum(kept_onsite) <= sum(onsite))
            m.model.add(sum(kept_onsite) + sum(kept_other) <= sum(onsite) + sum(online))


def _kept(
    m: _Model, name: str, requests: Sequence[Request], weight_of: Mapping[Request, int]
) -> list[cp_model.IntVar]:
    """One bool per request, heaviest first, each kept only after the one before."""
    ordered = sorted(requests, key=lambda q: -weight_of[q])
    kept = [m.model.new_bool_var(f"{name}_{i}") for i in range(len(ordered))]
    for a, b in itertools.pairwise(kept):
        m.model.add_implication(b, a)
    m.coverage.extend(weight_of[q] * var for q, var in zip(ordered, kept, strict=True))
    return kept


def _add_spacing(m: _Model, job: MentorJob, months: Sequence[MonthItems]) -> None:
    """Any ``min_days_between`` consecutive calendar days hold at most one session of a
    participant, across month boundaries."""
    gap = min_gap_days(job.params)
    by_client: dict[int, dict[dt.date, list[cp_model.IntVar]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for variables in (m.onsite, m.online):
        for (k, d, c), var in variables.items():
            by_client[c][months[k].calendar.dates[d]].append(var)
    for by_date in by_client.values():
        dates = sorted(by_date)
        for i, day in enumerate(dates):
            window = [v for later in dates[i:] if (later - day).days < gap for v in by_date[later]]
            if len(window) > 1:
                m.model.add_at_most_one(window)


def _add_day_and_month(m: _Model, job: MentorJob, months: Sequence[MonthItems]) -> None:
    """Each day: online sessions, onsite visits and riding fit the working day, riding at
    least the round trip of every visit; each month: all of it fits the mentor's minutes."""
    p = job.params
    terms: dict[tuple[int, int], list[cp_model.LinearExprT]] = defaultdict(list)
    for (k, d, c), var in m.onsite.items():
        terms[k, d].append(p.onsite_min * var)
        m.model.add(m.riding[k, d] >= _round_trip(job, c) * var)
    for (k, d, _), var in m.online.items():
        terms[k, d].append(p.online_min * var)
    for k, items in enumerate(months):
        month_terms: list[cp_model.LinearExprT] = []
        for d in range(len(items.calendar.dates)):
            day = [m.riding[k, d], *terms[k, d]]
            m.model.add(sum(day) <= p.day_min)
            month_terms += day
        m.model.add(sum(month_terms) <= items.calendar.budget_min)


def _add_route_cuts(
    m: _Model,
    job: MentorJob,
    months: Sequence[MonthItems],
    solver: cp_model.CpSolver,
    placed: list[dict[int, tuple[list[int], list[int]]]],
) -> bool:
    """Cuts where the shortest routes break a rule; True when any was added.

    A day breaks the rules when its shortest route rides beyond the daily limit or does not
    fit the working day with the day's sessions; a month, when its days with their shortest
    routes need more than the mentor's minutes. Each such day (every day of such a month)
    whose route rides more than the model let it gets a cut.
    """
    p = job.params
    added = False
    for k, days in enumerate(placed):
        late: list[tuple[int, frozenset[int], int]] = []
        month_min = 0
        broken = False
        for d, (online, visits) in days.items():
            stops = frozenset(visits)
            riding = shortest_route(m, job, stops)[1] if stops else 0
            minutes = riding + p.onsite_min * len(visits) + p.online_min * len(online)
            month_min += minutes
            if riding > solver.value(m.riding[k, d]):
                late.append((d, stops, riding))
                if riding > p.max_travel_day_min or minutes > p.day_min:
                    added |= _cut(m, stops, riding)
        if month_min > months[k].calendar.budget_min:
            for _, stops, riding in late:
                broken |= _cut(m, stops, riding)
        added |= broken
    return added


def _add_pair_cuts(m: _Model, job: MentorJob) -> None:
    """The cut of every two participants whose shared route rides more than either's
    round trip, added before the first solve: without them the first solutions pair
    visits freely, and the rounds of cuts then learn the pairs one day at a time."""
    clients = sorted({c for (_, _, c) in m.onsite})
    for a, b in itertools.combinations(clients, 2):
        pair = frozenset((a, b))
        riding = shortest_route(m, job, pair)[1]
        if riding > max(_round_trip(job, a), _round_trip(job, b)):
            _cut(m, pair, riding)


def _cut(m: _Model, stops: frozenset[int], riding: int) -> bool:
    """On every day: these visits together ride at least ``riding``. False if known."""
    if stops in m.cuts:
        return False
    m.cuts.add(stops)
    for (k, d), ride in m.riding.items():
        together = [m.onsite.get((k, d, c)) for c in sorted(stops)]
        if all(var is not None for var in together):
            m.model.add(ride >= riding).only_enforce_if(together)
    return True


def shortest_route(m: _Model, job: MentorJob, stops: frozenset[int]) -> tuple[list[int], int]:
    """The visiting order of ``stops`` (clients) with the least riding, and that riding.

    Exhaustive up to :data:`EXACT_STOPS` stops, OR-Tools beyond.
    """
    known = m.routes.get(stops)
    if known is not None:
        return known
    clients = sorted(stops)
    nodes = [job.clients[c].node for c in clients]
    if len(nodes) > EXACT_STOPS:
        order = order_stops(job.travel_min, nodes, job.params.routing_time_limit_s)
    else:
        order = list(
            min(
                itertools.permutations(nodes),
                key=lambda o: (route_length(job.travel_min, list(o)), o),
            )
        )
    client_of = {job.clients[c].node: c for c in clients}
    m.routes[stops] = ([client_of[n] for n in order], route_length(job.travel_min, order))
    return m.routes[stops]


def _round_trip(job: MentorJob, client: int) -> int:
    node = job.clients[client].node
    return int(job.travel_min[0, node] + job.travel_min[node, 0])


def _first_allowed(job: MentorJob) -> dict[int, dt.date]:
    gap = min_gap_days(job.params)
    return {
        c: need.last_held + dt.timedelta(days=gap)
        for c, need in enumerate(job.clients)
        if need.last_held is not None
    }


def _add_hint(
    m: _Model,
    job: MentorJob,
    months: Sequence[MonthItems],
    hint: Mapping[tuple[int, dt.date], Mode],
) -> None:
    for (k, d, c), var in m.onsite.items():
        m.model.add_hint(var, hint.get((c, months[k].calendar.dates[d])) is Mode.ONSITE)
    for (k, d, c), var in m.online.items():
        m.model.add_hint(var, hint.get((c, months[k].calendar.dates[d])) is Mode.ONLINE)
    visits: dict[tuple[int, int], set[int]] = defaultdict(set)
    for k, d, c in m.onsite:
        if hint.get((c, months[k].calendar.dates[d])) is Mode.ONSITE:
            visits[k, d].add(c)
    for (k, d), ride in m.riding.items():
        stops = frozenset(visits[k, d])
        m.model.add_hint(ride, shortest_route(m, job, stops)[1] if stops else 0)
    # The requests the hinted sessions keep, heaviest first, so that the hint is a whole
    # solution with the month-by-month plan's coverage.
    placed: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0])
    for i, variables in enumerate((m.onsite, m.online)):
        mode = (Mode.ONSITE, Mode.ONLINE)[i]
        for k, d, c in variables:
            if hint.get((c, months[k].calendar.dates[d])) is mode:
                placed[k, c][i] += 1
    for (k, c), (kept_onsite, kept_other) in m.kept.items():
        onsite, online = placed[k, c]
        n_onsite = min(len(kept_onsite), onsite)
        n_other = min(len(kept_other), onsite + online - n_onsite)
        for n, kept in ((n_onsite, kept_onsite), (n_other, kept_other)):
            for j, var in enumerate(kept):
                m.model.add_hint(var, j < n)


def _keep_as_hint(solver: cp_model.CpSolver, m: _Model) -> None:
    """The last solution (without the cut days' riding) as the next round's start."""
    m.model.clear_hints()
    for variables in (m.onsite, m.online):
        for var in variables.values():
            m.model.add_hint(var, solver.boolean_value(var))
    for kept in m.kept.values():
        for var in (*kept[0], *kept[1]):
            m.model.add_hint(var, solver.boolean_value(var))


def _extract(
    solver: cp_model.CpSolver, m: _Model, months: Sequence[MonthItems]
) -> list[dict[int, tuple[list[int], list[int]]]]:
    """Per month: day index -> (online clients, onsite clients)."""
    out: list[dict[int, tuple[list[int], list[int]]]] = [{} for _ in months]
    for (k, d, c), var in sorted(m.online.items()):
        if solver.boolean_value(var):
            out[k].setdefault(d, ([], []))[0].append(c)
    for (k, d, c), var in sorted(m.onsite.items()):
        if solver.boolean_value(var):
            out[k].setdefault(d, ([], []))[1].append(c)
    return out


def _with_requests(
    m: _Model,
    job: MentorJob,
    months: Sequence[MonthItems],
    placed: list[dict[int, tuple[list[int], list[int]]]],
) -> list[Days]:
    """Each day's onsite visits as requests in their shortest riding order."""
    out: list[Days] = []
    for items, days in zip(months, placed, strict=True):
        onsite: dict[int, list[Request]] = defaultdict(list)
        for q in items.requests:
            if q.mode is Mode.ONSITE:
                onsite[q.client].append(q)
        month: Days = {}
        for d in sorted(days):
            online, visits = days[d]
            order = shortest_route(m, job, frozenset(visits))[0] if visits else []
            trip = [onsite[c].pop(0) for c in order]
            month[d] = (sorted(online), trip)
        out.append(month)
    return out


def request_weights(
    months: Sequence[MonthItems], job: MentorJob, ratio: int, groups: int
) -> dict[Request, int]:
    """Placement weight of every request: who is served first (:func:`~.demand.priority_group`)."""
    return {
        q: ratio ** (groups - 1 - priority_group(q, job.params))
        for items in months
        for q in sorted(items.requests, key=lambda q: priority_key(q, job.params))
    }
