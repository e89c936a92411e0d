"""Outputs and audit at national size: time to audit a plan and to write every output.

    python -m benchmarks.bench_report [--participants 3000] [--mentors 150] [--out DIR]

A national-size plan is built the way a coordinator would by hand (nearest mentor in the
province with room; sessions spread over each month, first visit of the month onsite),
audited with :func:`tkm_assign.audit.audit_plan`, and written with
:func:`tkm_assign.report.write_plan_outputs`. Timings are printed as ratios against a
baseline measured in the same run: writing the plan's CSV files only. The national demo
must finish end to end in under 3 minutes on 2 cores, so the outputs should take a small
share of that.
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from tkm_assign import rules
from tkm_assign.audit import audit_plan
from tkm_assign.config import PROJECT_ROOT, Config
from tkm_assign.geo.regions import haversine_km, load_geography
from tkm_assign.geo.travel import HaversineTravel
from tkm_assign.model import (
    Location,
    Mentor,
    Mode,
    NeedLevel,
    Participant,
    Problem,
    Sector,
    TechLiteracy,
)
from tkm_assign.report import write_plan_outputs, write_plan_tables

PLACES = PROJECT_ROOT / "data" / "places"
# 31 provinces, as in the 2024 programme: the newest Papua provinces, Kalimantan Utara and
# Sulawesi Barat are left out.
LEFT_OUT = {"65", "76", "92", "93", "94", "95", "96"}
SECTOR_SHARES = {
    "pertanian_peternakan": 0.3606,
    "perdagangan_jasa": 0.3204,
    "industri_boga": 0.211,
    "industri_kreatif": 0.078,
    "perikanan_kelautan": 0.030,
}
NAMES = (
    "Siti",
    "Budi",
    "Dewi",
    "Agus",
    "Rina",
    "Made",
    "Komang",
    "Ketut",
    "Yusuf",
    "Nur",
    "Ahmad",
    "Sri",
    "Wayan",
    "Putri",
    "Hendra",
    "Lestari",
    "Rahmat",
    "Indah",
)


def build_plan(
    n_participants: int, n_mentors: int, seed: int = 2024
) -> tuple[Problem, pd.DataFrame, pd.DataFrame]:
    """A national problem and a hand-style plan for it (assignments and schedule frames)."""
    rng = np.random.default_rng(seed)
    config = Config.load(overrides=["travel.model=haversine"])
    geography = load_geography()
    villages = pd.read_csv(PLACES / "villages.csv.gz", dtype={"id": str})
    regencies = pd.read_csv(PLACES / "regencies.csv.gz", dtype={"id": str, "province_id": str})
    districts = pd.read_csv(PLACES / "districts.csv.gz", dtype={"id": str, "regency_id": str})
    villages["regency"] = villages["id"].str[:4]
    villages = villages[~villages["regency"].str[:2].isin(LEFT_OUT)]
    weight = villages["regency"].map(
        regencies.set_index("id")["population"] / villages.groupby("regency").size()
    )
    chosen = villages.sample(n_participants, weights=weight.fillna(0), random_state=seed)
    found = geography.locate(chosen["latitude"], chosen["longitude"])
    keep = found.province_code != ""
    sectors = rng.choice(list(SECTOR_SHARES), size=len(chosen), p=list(SECTOR_SHARES.values()))
    literacy = rng.choice(["proficient", "adequate", "low"], size=len(chosen), p=[0.43, 0.31, 0.26])
    need = rng.choice(["low", "medium", "high"], size=len(chosen), p=[0.25, 0.5, 0.25])
    participants = []
    for k in np.flatnonzero(keep):
        location = Location(
            float(found.latitude[k]),
            float(found.longitude[k]),
            str(found.province_code[k]),
            str(found.regency_code[k]),
            int(found.island_id[k]),
        )
        participants.append(
            Participant(
                f"P{len(participants) + 1:04d}",
                f"{rng.choice(NAMES)} {rng.choice(NAMES)}",
                location,
                Sector(sectors[k]),
                tech_literacy=TechLiteracy(literacy[k]),
                internet=bool(literacy[k] != "low" or rng.random() < 0.5),
                need_level=NeedLevel(need[k]),
                village=str(chosen["name"].iloc[k]),
            )
        )
    # Mentors: per province in proportion to participants, at the district seat nearest to
    # a randomly drawn participant of that province.
    by_province: dict[str, list[Participant]] = {}
    for p in participants:
        by_province.setdefault(p.location.province_code, []).append(p)
    seats = districts.assign(province=districts["regency_id"].str[:2])
    mentors: list[Mentor] = []
    for code, people in sorted(by_province.items()):
        count = max(1, round(n_mentors * len(people) / len(participants)))
        towns = seats[seats["province"] == code]
        for anchor in rng.choice(len(people), size=min(count, len(people)), replace=False):
            person = people[int(anchor)]
            km = haversine_km(
                person.location.latitude,
                person.location.longitude,
                towns["latitude"].to_numpy(),
                towns["longitude"].to_numpy(),
            )
            town = towns.iloc[int(np.argmin(km))]
            spot = geography.locate([town["latitude"]], [town["longitude"]])
            if spot.province_code[0] != code:
                spot = geography.locate([person.location.latitude], [person.location.longitude])
            mentors.append(
                Mentor(
                    f"M{len(mentors) + 1:03d}",
                    f"{rng.choice(NAMES)} {rng.choice(NAMES)}",
                    Location(
                        float(spot.latitude[0]),
                        float(spot.longitude[0]),
                        code,
                        str(spot.regency_code[0]),
                        int(spot.island_id[0]),
                    ),
                    frozenset(Sector(s) for s in rng.choice(list(SECTOR_SHARES), size=2)),
                )
            )
    problem = Problem(
        tuple(participants), tuple(mentors), config, "sample participants", "sample mentors"
    )
    return (
        problem,
        _nearest_assignment(problem),
        _spread_schedule(problem, _nearest_assignment(problem)),
    )


def _nearest_assignment(problem: Problem) -> pd.DataFrame:
    """Nearest mentor in the province and on the island with room, in list order."""
    left = {m.mentor_id: m.max_caseload for m in problem.mentors}
    rows = []
    for p in problem.participants:
        options = [
            m
            for m in problem.mentors
            if m.location.province_code == p.location.province_code
            and m.location.island_id == p.location.island_id
            and left[m.mentor_id] > 0
        ]
        if not options:
            rows.append((p.participant_id, ""))
            continue
        km = [
            float(
                haversine_km(
                    p.location.latitude,
                    p.location.longitude,
                    m.location.latitude,
                    m.location.longitude,
                )
            )
            for m in options
        ]
        best = options[int(np.argmin(km))]
        left[best.mentor_id] -= 1
        rows.append((p.participant_id, best.mentor_id))
    return pd.DataFrame(rows, columns=["participant_id", "mentor_id"])


def _spread_schedule(problem: Problem, assignments: pd.DataFrame) -> pd.DataFrame:
    """Each participant's monthly target spread over the month; the first visit onsite."""
    config = problem.config
    people = {p.participant_id: p for p in problem.participants}
    mentors = {m.mentor_id: m for m in problem.mentors}
    starts = rules.month_starts(config.programme.start_date, config.programme.longest_months)
    rows = []
    theirs = assignments[assignments["mentor_id"] != ""].groupby("mentor_id")["participant_id"]
    for mid, pids in theirs:
        mentor = mentors[str(mid)]
        busy: dict[object, int] = {}
        for month, (a, b) in enumerate(itertools.pairwise(starts), start=1):
            days = rules.working_dates(mentor, a, b, config)
            for i, pid in enumerate(pids):
                person = people[pid]
                if month > rules.programme_months(person, config):
                    continue
                target = rules.session_target(person, config)
                step = max(len(days) // target, 1)
                for k in range(target):
                    day = days[min(i % step + k * step, len(days) - 1)]
                    onsite = k == 0 or not rules.online_allowed(person, config)
                    length = config.sessions.onsite_duration_min if onsite else 60
                    start = busy.get(day, 8 * 60 + 30)
                    busy[day] = start + length + (45 if onsite else 15)
                    rows.append(
                        (
                            f"S{len(rows) + 1:05d}",
                            str(mid),
                            pid,
                            day.isoformat(),
                            f"{start // 60:02d}:{start % 60:02d}",
                            f"{(start + length) // 60:02d}:{(start + length) % 60:02d}",
                            (Mode.ONSITE if onsite else Mode.ONLINE).value,
                        )
                    )
    return pd.DataFrame(
        rows, columns=["session_id", "mentor_id", "participant_id", "date", "start", "end", "mode"]
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=3000)
    parser.add_argument("--mentors", type=int, default=150)
    parser.add_argument("--out", type=Path, help="keep the outputs in this folder")
    args = parser.parse_args(argv)

    t0 = time.perf_counter()
    problem, assignments, schedule = build_plan(args.participants, args.mentors)
    t_build = time.perf_counter() - t0
    print(
        f"instance: {len(problem.participants)} participants, {len(problem.mentors)} mentors, "
        f"{len(schedule)} sessions (built in {t_build:.1f} s)"
    )

    travel = HaversineTravel(problem.config.travel)
    t0 = time.perf_counter()
    result = audit_plan(problem, assignments.astype(str), schedule.astype(str), travel)
    t_audit = time.perf_counter() - t0

    folder = args.out or Path(tempfile.mkdtemp(prefix="bench_report."))
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    t0 = time.perf_counter()
    write_plan_tables(folder, result.tables)
    t_csv = time.perf_counter() - t0
    t0 = time.perf_counter()
    files = write_plan_outputs(folder, problem, dataclasses.replace(result.tables), "id")
    t_all = time.perf_counter() - t0
    size_mb = sum(f.stat().st_size for f in files) / 1e6
    print(
        f"audit: {t_audit:6.1f} s  ({result.summary['violations']} violations, "
        f"{result.summary['notes']} notes)"
    )
    print(f"baseline, CSV files only: {t_csv:6.2f} s")
    print(
        f"every output:             {t_all:6.1f} s  = {t_all / max(t_csv, 1e-9):.0f} x baseline; "
        f"{len(files)} files, {size_mb:.1f} MB"
    )
    print(f"audit + outputs: {t_audit + t_all:.1f} s of the 180 s end-to-end demo budget")
    if args.out is None:
        shutil.rmtree(folder)


if __name__ == "__main__":
    main()
