"""Benchmark: visit schedules on a national-size instance.

    python -m benchmarks.bench_schedule [--participants 3000] [--mentors 150] [--workers 2]

Prints, from one run:

- the wall-clock time of ``schedule()`` (target: under 60 s on 2 cores);
- riding per onsite visit against the baseline "every visit is its own round trip from
  home" (target: at least 30% less) and against a lower bound for the same visits, per
  mentor-month the larger of two (see :func:`travel_figures`):
  neighbour bound: in any day route a visit is entered once and left once, each time from
  home or another participant of the mentor, and a leg serves at most two visits, so a
  visit costs at least half its two cheapest connections among {home, home, the mentor's
  other participants} (home twice: a lone visit rides out and back);
  radial bound: a route rides at least to its farthest stop and back (round trip r) and
  so holds at most (working day - r) // onsite visit stops; charging the farthest visit
  left for a full route of the next farthest ones, again and again, bounds the month;
- compliance (session target every month and onsite minimums) among participants whose
  mentor has enough hours by the assignment's own load estimate and who can be reached on
  a day trip (target: 100%), with the shortfall reasons found elsewhere.

The instance comes from :func:`build_instance`, isolated so it can be replaced by the
bundled national sample and the assignment solver.
"""

from __future__ import annotations

import argparse
import os
import resource
import time
from collections import Counter
from collections.abc import Sequence

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans

from tkm_assign import rules
from tkm_assign.config import PROJECT_ROOT, SECTOR_CODES, Config
from tkm_assign.geo.regions import Geography, haversine_km, load_geography
from tkm_assign.geo.travel import UNREACHABLE_MIN, HaversineTravel, Points, TravelModel
from tkm_assign.model import (
    Assignment,
    Location,
    Mentor,
    NeedLevel,
    Participant,
    Problem,
    Schedule,
    Sector,
    SolveStatus,
    TechLiteracy,
)
from tkm_assign.report.schedule import schedule_summary
from tkm_assign.schedule import schedule
from tkm_assign.schedule.demand import day_trip_problem
from tkm_assign.schedule.job import ScheduleParams

PLACES = PROJECT_ROOT / "data" / "places"
# Provinces across the main islands: dense Java, Sumatra, Sulawesi, sparse Kalimantan and
# the island provinces of Nusa Tenggara.
PROVINCES = ("32", "33", "35", "12", "16", "73", "72", "61", "52", "53")
# 2024 evaluation shares; internet access and need levels are assumptions.
SECTOR_SHARE = (0.3606, 0.32, 0.211, 0.078, 0.03)
LITERACY_SHARE = {
    TechLiteracy.PROFICIENT: 0.43,
    TechLiteracy.ADEQUATE: 0.31,
    TechLiteracy.LOW: 0.26,
}
NEED_SHARE = {NeedLevel.HIGH: 0.3, NeedLevel.MEDIUM: 0.45, NeedLevel.LOW: 0.25}
INTERNET_SHARE = 0.85
ROOM = 22  # caseload room per mentor when assigning the nearest mentor
MIN_ISLAND = 10  # participants an island needs to get mentors of its own


def build_instance(
    config: Config, participants: int = 3000, mentors: int = 150, seed: int = 2024
) -> tuple[Problem, Assignment]:
    """A realistic problem and a nearest-mentor assignment.

    Participants live in villages of :data:`PROVINCES`, provinces weighted by the square
    root of their population and villages by their regency's population; mentors, as many
    per province as its participants need (about 20 each), live in district towns where the
    participants are (:func:`_recruit`). Each
    participant gets the nearest mentor of its province and island with room for
    :data:`ROOM`, else the nearest with room in the province.
    """
    rng = np.random.default_rng(seed)
    regencies = pd.read_csv(PLACES / "regencies.csv.gz", dtype={"id": str, "province_id": str})
    villages = pd.read_csv(PLACES / "villages.csv.gz", dtype={"id": str})
    districts = pd.read_csv(PLACES / "districts.csv.gz", dtype={"id": str, "regency_id": str})
    provinces = pd.read_csv(PLACES / "provinces.csv.gz", dtype={"id": str}).set_index("id")
    weight = np.sqrt(provinces.loc[list(PROVINCES), "population"].to_numpy(dtype=float))
    per_province = _split(participants, weight)
    mentors_per_province = _split(mentors, per_province.astype(float))
    population = regencies.set_index("id")["population"]
    villages["regency"] = villages["id"].str[:4]
    districts["regency"] = districts["regency_id"]

    geography = load_geography()
    people_rows, mentor_rows = [], []
    for code, n_people, n_mentors in zip(
        PROVINCES, per_province, mentors_per_province, strict=True
    ):
        homes = villages[villages["id"].str[:2] == code]
        chosen = homes.iloc[_draw(rng, homes, population, n_people, replace=True)].copy()
        chosen["island"] = geography.locate(chosen["latitude"], chosen["longitude"]).island_id
        towns = districts[districts["id"].str[:2] == code].copy()
        towns["island"] = geography.locate(towns["latitude"], towns["longitude"]).island_id
        people_rows.append(chosen)
        mentor_rows.append(_recruit(chosen, towns, n_mentors, seed))
    people = pd.concat(people_rows, ignore_index=True)
    towns = pd.concat(mentor_rows, ignore_index=True)
    people_at = _locations(geography, people["latitude"], people["longitude"])
    mentor_at = _locations(geography, towns["latitude"], towns["longitude"])
    sectors = rng.choice(
        len(SECTOR_CODES), size=len(people), p=np.array(SECTOR_SHARE) / sum(SECTOR_SHARE)
    )
    literacy = rng.choice(list(LITERACY_SHARE), size=len(people), p=list(LITERACY_SHARE.values()))
    need = rng.choice(list(NEED_SHARE), size=len(people), p=list(NEED_SHARE.values()))
    internet = rng.random(len(people)) < INTERNET_SHARE
    participant_list = tuple(
        Participant(
            participant_id=f"P{i + 1:04d}",
            name=str(people["name"].iat[i]),
            location=people_at[i],
            sector=Sector(SECTOR_CODES[sectors[i]]),
            tech_literacy=TechLiteracy(literacy[i]),
            internet=bool(internet[i]),
            need_level=NeedLevel(need[i]),
        )
        for i in range(len(people))
    )
    mentor_list = tuple(
        Mentor(
            mentor_id=f"M{j + 1:03d}",
            name=str(towns["name"].iat[j]),
            location=mentor_at[j],
            sectors=frozenset(Sector),
            max_caseload=ROOM,
        )
        for j in range(len(towns))
    )
    problem = Problem(participant_list, mentor_list, config)
    return problem, _nearest_with_room(problem, seed)


def _split(total: int, weight: np.ndarray) -> np.ndarray:
    """Whole numbers proportional to ``weight`` that add up to ``total`` (largest remainder)."""
    exact = total * weight / weight.sum()
    out = np.floor(exact).astype(int)
    out[np.argsort(-(exact - out), kind="stable")[: total - out.sum()]] += 1
    return np.maximum(out, 1)


def _draw(
    rng: np.random.Generator, places: pd.DataFrame, population: pd.Series, n: int, replace: bool
) -> np.ndarray:
    """Rows of ``places`` with probability proportional to regency population per place."""
    per_regency = places["regency"].map(places["regency"].value_counts())
    weight = places["regency"].map(population).fillna(0).to_numpy(float) / per_regency.to_numpy()
    return rng.choice(len(places), size=n, replace=replace, p=weight / weight.sum())


def _recruit(people: pd.DataFrame, towns: pd.DataFrame, n: int, seed: int) -> pd.DataFrame:
    """``n`` mentor towns of a province, recruited where its participants are.

    Islands with at least :data:`MIN_ISLAND` participants share the mentors by their number
    of participants; on each, mentors live in the district towns nearest to the centres of
    k-means clusters of its participants. Participants of smaller islands are left to the
    mainland's mentors (their visits cross the sea).
    """
    sizes = people["island"].value_counts()
    islands = [int(i) for i, count in sizes.items() if count >= MIN_ISLAND] or [int(sizes.index[0])]
    split = _split(n, sizes.loc[islands].to_numpy(dtype=float))
    chosen = []
    for island, count in zip(islands, split, strict=True):
        here = people[people["island"] == island]
        options = towns[towns["island"] == island]
        options = options if len(options) >= count else towns
        chosen.append(options.iloc[_towns_near(here, options, int(count), seed)])
    return pd.concat(chosen)


def _towns_near(people: pd.DataFrame, towns: pd.DataFrame, n: int, seed: int) -> list[int]:
    """Rows of ``towns`` nearest to the centres of ``n`` k-means clusters of ``people``."""
    scale = np.cos(np.radians(people["latitude"].astype(float).mean()))
    xy = np.column_stack(
        [people["longitude"].astype(float) * scale, people["latitude"].astype(float)]
    )
    n = min(n, len(people))
    centres = KMeans(n_clusters=n, random_state=seed, n_init=4).fit(xy).cluster_centers_
    town_xy = np.column_stack(
        [towns["longitude"].astype(float) * scale, towns["latitude"].astype(float)]
    )
    rows: list[int] = []
    for centre in centres:
        order = np.argsort(((town_xy - centre) ** 2).sum(axis=1), kind="stable")
        rows.append(int(next(i for i in order if i not in rows)))
    return rows


def _locations(geography: Geography, latitude: pd.Series, longitude: pd.Series) -> list[Location]:
    found = geography.locate(latitude.to_numpy(float), longitude.to_numpy(float))
    return [
        Location(
            float(found.latitude[i]),
            float(found.longitude[i]),
            str(found.province_code[i]),
            str(found.regency_code[i]),
            int(found.island_id[i]),
            float(found.snapped_km[i]),
        )
        for i in range(len(found.island_id))
    ]


def _nearest_with_room(problem: Problem, seed: int) -> Assignment:
    km = haversine_km(
        problem.participant_lat_lon[:, :1],
        problem.participant_lat_lon[:, 1:],
        problem.mentor_lat_lon[:, 0][None, :],
        problem.mentor_lat_lon[:, 1][None, :],
    )
    p_prov = np.array([p.location.province_code for p in problem.participants])
    m_prov = np.array([m.location.province_code for m in problem.mentors])
    p_isl = np.array([p.location.island_id for p in problem.participants])
    m_isl = np.array([m.location.island_id for m in problem.mentors])
    km = np.where(p_prov[:, None] == m_prov[None, :], km, np.inf)
    # Another island only when no mentor of the participant's own island has room.
    penalty = np.where(p_isl[:, None] == m_isl[None, :], 0.0, 1e6)
    cost = km + penalty
    room = np.full(len(problem.mentors), ROOM)
    mentor_of: dict[str, str | None] = {p.participant_id: None for p in problem.participants}
    for flat in np.argsort(cost, axis=None, kind="stable"):
        i, j = divmod(int(flat), len(problem.mentors))
        pid = problem.participants[i].participant_id
        if not np.isfinite(cost[i, j]) or mentor_of[pid] is not None or room[j] == 0:
            continue
        mentor_of[pid] = problem.mentors[j].mentor_id
        room[j] -= 1
    reasons = {
        pid: "no mentor with room in the province" for pid, m in mentor_of.items() if m is None
    }
    return Assignment(
        mentor_of, reasons, SolveStatus.FEASIBLE, 0.0, 0.0, 0.0, seed, "nearest mentor with room"
    )


def travel_figures(
    problem: Problem, assignment: Assignment, plan: Schedule, travel: TravelModel
) -> dict[str, float]:
    """Riding minutes per onsite visit: the plan, the round-trip baseline, the lower bounds.

    Lower bounds per mentor-month, for any plan that makes the same onsite visits:

    - neighbour bound: every visit is entered once and left once, from home or another
      participant of the mentor, and a leg serves at most two visits; so a visit costs at
      least half its two cheapest connections among {home, home, other participants};
    - radial bound: a day route rides at least out to its farthest stop and back, round
      trip r (triangle inequality), so it holds at most ``floor((working day - r) / visit)``
      stops; see :func:`_radial_bound`.

    The larger of the two counts for the month.
    """
    config = problem.config
    day_min = config.work.end_min - config.work.start_min
    visits: dict[tuple[str, int], list[str]] = {}
    for s in plan.sessions:
        if s.mode.value == "onsite":
            visits.setdefault((s.mentor_id, s.month), []).append(s.participant_id)
    members: dict[str, list[Participant]] = {}
    for p in problem.participants:
        mentor_id = assignment.mentor_of.get(p.participant_id)
        if mentor_id is not None:
            members.setdefault(mentor_id, []).append(p)
    baseline = neighbour = radial = bound = 0.0
    for mentor in problem.mentors:
        group = members.get(mentor.mentor_id, [])
        if not group:
            continue
        located = [mentor.location, *(p.location for p in group)]
        points = Points.of(
            [x.latitude for x in located],
            [x.longitude for x in located],
            [x.island_id for x in located],
        )
        minutes, _ = travel.matrix(points, mentor.transport.value)
        legs = np.minimum(minutes, minutes.T).astype(float)
        node = {p.participant_id: i for i, p in enumerate(group, start=1)}
        for month in range(1, len(plan.month_starts)):
            nodes = [node[pid] for pid in visits.get((mentor.mentor_id, month), [])]
            if not nodes:
                continue
            round_trip = np.array([float(minutes[0, n] + minutes[n, 0]) for n in nodes])
            near = 0.0
            for n in nodes:
                others = np.delete(legs[n], [0, n])
                near += np.sort(np.concatenate([[legs[n, 0]] * 2, others]))[:2].sum() / 2
            far = _radial_bound(round_trip, day_min, config.sessions.onsite_duration_min)
            baseline += float(round_trip.sum())
            neighbour += near
            radial += far
            bound += max(near, far)
    count = sum(len(v) for v in visits.values())
    riding = sum(r.travel_min for r in plan.routes)
    return {
        "visits": count,
        "plan": riding / count,
        "baseline": baseline / count,
        "neighbour": neighbour / count,
        "radial": radial / count,
        "bound": bound / count,
    }


def _radial_bound(round_trip: np.ndarray, day_min: int, visit_min: int) -> float:
    """Least riding of any split of the visits into day routes, counting only far ends.

    A route costs at least the round trip r of its farthest stop and holds at most
    ``(day_min - r) // visit_min`` stops. Taking the farthest visit left and filling its
    route with the next farthest ones is optimal for this relaxation: whichever route holds
    the farthest visit pays its round trip, and removing the next farthest visits leaves
    the cheapest rest.
    """
    ordered = np.sort(round_trip)[::-1]
    total, i = 0.0, 0
    while i < len(ordered):
        total += float(ordered[i])
        i += max(1, int((day_min - ordered[i]) // visit_min))
    return total


def compliance(
    problem: Problem,
    assignment: Assignment,
    plan: Schedule,
    travel: TravelModel,
    load_share: float = 1.0,
) -> dict[str, int]:
    """Targets and onsite minimums met where the mentor has enough hours.

    "Enough hours": the assignment's own monthly load estimate
    (:func:`tkm_assign.rules.monthly_load_min`) of the mentor's participants is at most
    ``load_share`` of the mentor's monthly minutes. Participants beyond a day trip are left
    out (distance, not hours, is what they lack).
    """
    config = problem.config
    params = ScheduleParams.of(config)
    home = {m.mentor_id: m for m in problem.mentors}
    people = [p for p in problem.participants if assignment.mentor_of.get(p.participant_id)]
    load: dict[str, float] = {}
    reachable = {}
    for p in people:
        m = home[str(assignment.mentor_of[p.participant_id])]
        out, back = (
            int(
                travel.between(
                    Points.of(a.latitude, a.longitude, a.island_id),
                    Points.of(b.latitude, b.longitude, b.island_id),
                    m.transport.value,
                )[0][0]
            )
            for a, b in ((m.location, p.location), (p.location, m.location))
        )
        load[m.mentor_id] = load.get(m.mentor_id, 0.0) + rules.monthly_load_min(
            p, out if out < UNREACHABLE_MIN else 0.0, config
        )
        pair = np.array([[0, out], [back, 0]], dtype=np.int64)
        reachable[p.participant_id] = day_trip_problem(pair, 1, params) is None
    enough = {
        m.mentor_id
        for m in problem.mentors
        if m.mentor_id in load
        and load[m.mentor_id] <= load_share * rules.mentor_capacity_min(m, config)
    }
    short = {s.participant_id for s in plan.shortfalls}
    eligible = [
        p.participant_id
        for p in people
        if assignment.mentor_of[p.participant_id] in enough and reachable[p.participant_id]
    ]
    return {
        "mentors_with_enough_hours": len(enough),
        "mentors_with_participants": len(load),
        "eligible_participants": len(eligible),
        "eligible_met": sum(1 for pid in eligible if pid not in short),
        "unreachable_participants": sum(1 for v in reachable.values() if not v),
    }


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=3000)
    parser.add_argument("--mentors", type=int, default=150)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args(argv)
    config = Config.load(overrides=[f"schedule.workers={args.workers}"])
    started = time.perf_counter()
    problem, assignment = build_instance(config, args.participants, args.mentors, args.seed)
    built = time.perf_counter() - started
    travel = HaversineTravel(config.travel)
    started, cpu_started = time.perf_counter(), _cpu_seconds()
    plan = schedule(problem, assignment, travel)
    elapsed, cpu = time.perf_counter() - started, _cpu_seconds() - cpu_started
    summary = schedule_summary(problem, assignment, plan)
    figures = travel_figures(problem, assignment, plan, travel)
    months = Counter(rules.programme_months(p, config) for p in problem.participants)
    print(
        f"instance: {len(problem.participants)} participants, {len(problem.mentors)} mentors, "
        f"{sum(1 for v in assignment.mentor_of.values() if v)} assigned, programme months {dict(months)} "
        f"(built in {built:.1f} s)"
    )
    print(
        f"schedule: {elapsed:.1f} s with {args.workers} workers (target < 60 s; "
        f"{cpu:.1f} CPU s in all processes, load average {os.getloadavg()[0]:.1f}); "
        f"{summary['sessions']} sessions ({summary['onsite_sessions']} onsite), "
        f"{summary['day_routes']} day routes, {len(plan.shortfalls)} shortfalls"
    )
    print(
        f"riding per onsite visit: plan {figures['plan']:.1f} min, "
        f"round trips {figures['baseline']:.1f} min, lower bound {figures['bound']:.1f} min "
        f"(neighbour {figures['neighbour']:.1f}, radial {figures['radial']:.1f})"
    )
    print(
        f"  plan / round trips = {figures['plan'] / figures['baseline']:.3f} "
        f"({100 * (1 - figures['plan'] / figures['baseline']):.1f}% less; target >= 30%)"
    )
    print(f"  plan / lower bound = {figures['plan'] / figures['bound']:.3f}")
    for share in (1.0, 0.9):
        comp = compliance(problem, assignment, plan, travel, load_share=share)
        rate = comp["eligible_met"] / max(comp["eligible_participants"], 1)
        print(
            f"compliance where the assignment's load estimate is <= {share:.0%} of the "
            f"mentor's hours ({comp['mentors_with_enough_hours']}/"
            f"{comp['mentors_with_participants']} mentors) and a day trip reaches the "
            f"participant: {comp['eligible_met']}/{comp['eligible_participants']} = "
            f"{100 * rate:.2f}% (target 100%)"
        )
    print(f"  participants beyond a day trip: {comp['unreachable_participants']}")
    print(
        f"all participants with a mentor: target every month {summary['meeting_target_every_month_share']:.3f}, "
        f"onsite every month {summary['meeting_onsite_every_month_share']:.3f}, "
        f"onsite programme {summary['meeting_onsite_programme_share']:.3f}"
    )
    print(
        f"sessions in the first 3 months (% of participants): {summary['sessions_in_first_3_months']['percent']} "
        f"vs 2024 {summary['sessions_in_first_3_months']['evaluation_2024_percent']}"
    )
    reasons = Counter(_reason_kind(s.reason) for s in plan.shortfalls)
    print(f"shortfall reasons: {dict(reasons.most_common())}")


def _cpu_seconds() -> float:
    """CPU time of this process and of its finished worker processes."""
    own, workers = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime


def _reason_kind(reason: str) -> str:
    return reason.split(":")[0].split(" needs ")[0].split(" in month")[0][:60]


if __name__ == "__main__":
    main()
