"""One mentor's visits placed over the whole programme at once.

Months planned one after another can paint themselves into a corner: a month that places
its sessions late, or fills the days a neighbour's sessions needed, leaves the next month
too few days a spacing gap away, however the look-ahead chose its deadlines. Where the
month-by-month plan falls short, :func:`plan_programme` places the same day trips and
online sessions of every month in one CP-SAT model over all the programme's working days
(the rules of :mod:`~.placement`, per month: one trip a day, the working day, the month's
minutes, the spacing gap across month boundaries, the sessions asked in each month), so
no month can take what a later one needs. It starts from the month-by-month plan (a hint)
and is kept only when it serves more. One worker, fixed seed, deterministic time limit
(``schedule.programme_limit``).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from ortools.sat.python import cp_model

from tkm_assign.messages import Message
from tkm_assign.model import Mode
from tkm_assign.schedule.demand import Request, min_gap_days, priority_group, priority_key
from tkm_assign.schedule.job import MentorJob, MonthCalendar


@dataclass(frozen=True)
class MonthItems:
    """A month's requests as the month-by-month planning left them: trips and online."""

    calendar: MonthCalendar
    active: tuple[int, ...]
    reasons: dict[int, list[Message]]
    kept: tuple[Request, ...]
    trips: tuple[tuple[Request, ...], ...]


Days = dict[int, tuple[list[int], list[Request]]]  # day index -> (online clients, trip)


def place_programme(
    job: MentorJob,
    months: Sequence[MonthItems],
    hint: dict[tuple[int, int], set[dt.date]],
    weight_of: dict[Request, int],
) -> list[Days] | None:
    """Days of every month's trips and online sessions, or ``None`` without a solution.

    ``hint`` maps (client, month) to the dates the month-by-month plan used.
    """
    p = job.params
    gap = min_gap_days(p)
    first = {
        c: need.last_held + dt.timedelta(days=gap)
        for c, need in enumerate(job.clients)
        if need.last_held
    }
    model = cp_model.CpModel()
    trip_vars: dict[tuple[int, int, int], cp_model.IntVar] = {}
    trip_items: dict[tuple[int, int], tuple[Request, ...]] = {}
    online_vars: dict[tuple[int, int, int], cp_model.IntVar] = {}
    kept_vars: dict[tuple[int, int], list[cp_model.IntVar]] = {}
    by_day: dict[tuple[int, int], list[tuple[int, cp_model.IntVar]]] = defaultdict(list)
    sessions: dict[int, dict[dt.date, list[cp_model.IntVar]]] = defaultdict(
        lambda: defaultdict(list)
    )
    objective = []
    for m, items in enumerate(months):
        dates = items.calendar.dates
        month_terms = []
        # Every trip of several stops may also go as single visits on separate days.
        alternatives = [(trip, None) for trip in items.trips] + [
            ((q,), r) for r, trip in enumerate(items.trips) if len(trip) > 1 for q in trip
        ]
        whole: dict[int, list[cp_model.IntVar]] = {}
        for r, (trip, part_of) in enumerate(alternatives):
            clients = [q.client for q in trip]
            minutes = _trip_minutes(job, trip)
            placed = []
            for d, day in enumerate(dates):
                if any(c in first and day < first[c] for c in clients):
                    continue
                var = model.new_bool_var(f"t{m}_{r}_{d}")
                model.add_hint(var, all(day in hint.get((c, m), ()) for c in clients))
                trip_vars[m, r, d] = var
                placed.append(var)
                by_day[m, d].append((minutes, var))
                month_terms.append(minutes * var)
                for c in clients:
                    sessions[c][day].append(var)
            if part_of is None:
                whole[r] = placed
            elif whole.get(part_of):
                # A visit goes with its trip or alone, not both.
                model.add(sum(whole[part_of]) + sum(placed) <= 1)
            if placed:
                model.add_at_most_one(placed)
                objective.append(sum(weight_of[q] for q in trip) * sum(placed))
                trip_items[m, r] = trip
        online = Counter(q.client for q in items.kept if q.mode is Mode.ONLINE)
        weights = defaultdict(list)
        for q in items.kept:
            if q.mode is Mode.ONLINE:
                weights[q.client].append(weight_of[q])
        for c, count in sorted(online.items()):
            chosen = []
            for d, day in enumerate(dates):
                if c in first and day < first[c]:
                    continue
                var = model.new_bool_var(f"o{m}_{c}_{d}")
                model.add_hint(var, day in hint.get((c, m), ()))
                online_vars[m, c, d] = var
                chosen.append(var)
                by_day[m, d].append((p.online_min, var))
                month_terms.append(p.online_min * var)
                sessions[c][day].append(var)
            kept = [model.new_bool_var(f"k{m}_{c}_{k}") for k in range(count)]
            kept_vars[m, c] = kept
            model.add(sum(chosen) == sum(kept))
            for a, b in itertools.pairwise(kept):
                model.add_implication(b, a)
            objective.append(
                sum(w * k for w, k in zip(sorted(weights[c], reverse=True), kept, strict=True))
            )
        if month_terms:
            model.add(sum(month_terms) <= items.calendar.budget_min)
    for (m, d), terms in by_day.items():
        model.add(sum(minutes * var for minutes, var in terms) <= p.day_min)
        trips_today = [var for (mm, _, dd), var in trip_vars.items() if mm == m and dd == d]
        if len(trips_today) > 1:
            model.add_at_most_one(trips_today)
    for by_date in sessions.values():
        days = sorted(by_date)
        for i, day in enumerate(days):
            window = [v for later in days[i:] if (later - day).days < gap for v in by_date[later]]
            if len(window) > 1:
                model.add_at_most_one(window)
    model.maximize(sum(objective))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = p.seed
    solver.parameters.max_deterministic_time = p.programme_limit
    if solver.solve(model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    out: list[Days] = [defaultdict(lambda: ([], [])) for _ in months]
    for (m, r, d), var in trip_vars.items():
        if solver.boolean_value(var):
            out[m][d][1].extend(trip_items[m, r])
    for (m, c, d), var in sorted(online_vars.items()):
        if solver.boolean_value(var):
            out[m][d][0].append(c)
    return [dict(days) for days in out]


def request_weights(
    months: Sequence[MonthItems], job: MentorJob, ratio: int, groups: int
) -> dict[Request, int]:
    """Placement weight of every request: who is served first (:func:`~.demand.priority_group`)."""
    return {
        q: ratio ** (groups - 1 - priority_group(q, job.params))
        for items in months
        for q in sorted(items.kept, key=lambda q: priority_key(q, job.params))
    }


def _trip_minutes(job: MentorJob, trip: Sequence[Request]) -> int:
    from tkm_assign.schedule.trips import route_length

    nodes = [job.clients[q.client].node for q in trip]
    return route_length(job.travel_min, nodes) + len(trip) * job.params.onsite_min
