"""Small assignment problems: a plain candidate builder and problem factory for the tests.

The real candidate search lives in ``tkm_assign.geo.candidates``; this one applies the same
rules in the simplest way (haversine travel, province rule, hard sector rule, exclusions,
max travel) so the solver tests do not depend on it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pytest

from tkm_assign.config import Config
from tkm_assign.geo.travel import HaversineTravel, Points
from tkm_assign.messages import Message
from tkm_assign.model import Candidates, Mentor, Participant, Problem

Build = Callable[..., tuple[Problem, Candidates]]


def simple_candidates(problem: Problem) -> Candidates:
    """Every rule-abiding pair, sorted by participant then travel, with reasons for none."""
    config = problem.config
    travel = HaversineTravel(config.travel)
    rows: list[tuple[int, int, int, int]] = []
    reasons: dict[int, Message] = {}
    for i, p in enumerate(problem.participants):
        found = []
        in_province = 0
        nearest = 10**9
        for j, m in enumerate(problem.mentors):
            if (
                config.assign.province_rule == "same"
                and m.location.province_code != p.location.province_code
            ):
                continue
            in_province += 1
            if m.mentor_id in p.excluded_mentor_ids:
                continue
            if config.assign.sector_rule == "hard" and p.sector not in m.sectors:
                continue
            a = Points.of(m.location.latitude, m.location.longitude, m.location.island_id)
            b = Points.of(p.location.latitude, p.location.longitude, p.location.island_id)
            minutes, metres = travel.between(a, b, m.transport.value)
            nearest = min(nearest, int(minutes[0]))
            if int(minutes[0]) > config.travel.max_travel_min:
                continue
            found.append((int(minutes[0]), j, int(metres[0])))
        if not found:
            if in_province == 0:
                reasons[i] = Message.of("reason.no_mentor_in_province", province="the province")
            elif config.assign.sector_rule == "hard":
                reasons[i] = Message.of("reason.no_sector_in_reach", sector=p.sector.value)
            else:
                reasons[i] = Message.of(
                    "reason.too_far", travel_min=nearest, limit=config.travel.max_travel_min
                )
        for minutes, j, metres in sorted(found):
            rows.append((i, j, minutes, metres))
    arr = np.array(rows, dtype=np.int64).reshape(-1, 4)
    return Candidates(
        participant_idx=arr[:, 0].astype(np.int32),
        mentor_idx=arr[:, 1].astype(np.int32),
        travel_min=arr[:, 2].astype(np.int32),
        distance_m=arr[:, 3].astype(np.int32),
        no_candidate_reason=reasons,
    )


@pytest.fixture(scope="session")
def build(config: Config) -> Build:
    """``build(participants, mentors, "assign.engine=cpsat", ...)`` -> (problem, candidates)."""

    def make(
        participants: Sequence[Participant], mentors: Sequence[Mentor], *overrides: str
    ) -> tuple[Problem, Candidates]:
        # Full hours unless a test says otherwise: the numbers in tests stay readable.
        settings = ["assign.time_limit_s=5", "assign.max_utilisation=1.0", *overrides]
        problem = Problem(tuple(participants), tuple(mentors), config.replace(settings))
        return problem, simple_candidates(problem)

    return make
