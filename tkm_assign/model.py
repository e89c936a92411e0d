"""The domain: participants, mentors, the frozen problem and the results of each step.

Readers and validation (``tkm_assign.io``) build a :class:`Problem` once; every later step
trusts it. Solvers return :class:`Assignment` and :class:`Schedule`; writers turn them into
files. Units are in the names; times inside results are integer minutes, distances integer
metres.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property

import numpy as np
import numpy.typing as npt

from tkm_assign.config import Config


class Sector(StrEnum):
    """The five business sectors of TKM Lanjutan (2024 shares in the comments)."""

    PERTANIAN_PETERNAKAN = "pertanian_peternakan"  # agriculture & livestock, 36.06%
    PERDAGANGAN_JASA = "perdagangan_jasa"  # trade in goods & services, ~32%
    INDUSTRI_BOGA = "industri_boga"  # food industry, 21.1%
    INDUSTRI_KREATIF = "industri_kreatif"  # creative industry, 7.8%
    PERIKANAN_KELAUTAN = "perikanan_kelautan"  # fisheries & marine, 3.0%


class TechLiteracy(StrEnum):
    PROFICIENT = "proficient"
    ADEQUATE = "adequate"
    LOW = "low"


class NeedLevel(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class IncomeRole(StrEnum):
    PRIMARY = "primary"
    SECONDARY = "secondary"


class Transport(StrEnum):
    MOTORCYCLE = "motorcycle"
    CAR = "car"
    PUBLIC = "public"


class Mode(StrEnum):
    ONSITE = "onsite"
    ONLINE = "online"


LITERACY_RANK = {TechLiteracy.LOW: 0, TechLiteracy.ADEQUATE: 1, TechLiteracy.PROFICIENT: 2}


@dataclass(frozen=True, slots=True)
class Location:
    """Where a person is, after validation and the spatial join.

    ``island_id`` numbers the connected land parts of Indonesia (see ``geo.regions``);
    ``snapped_km`` is how far a point in the sea was moved onto land (0 when on land).
    """

    latitude: float
    longitude: float
    province_code: str  # Kemendagri code, e.g. "32"
    regency_code: str  # Kemendagri code without dot, e.g. "3273"
    island_id: int
    snapped_km: float = 0.0


@dataclass(frozen=True, slots=True)
class Participant:
    participant_id: str
    name: str
    location: Location
    sector: Sector
    tech_literacy: TechLiteracy = TechLiteracy.ADEQUATE
    internet: bool = True
    income_role: IncomeRole | None = None
    need_level: NeedLevel = NeedLevel.MEDIUM
    sessions_per_month: int | None = None
    program_months: int | None = None
    current_mentor_id: str | None = None
    pinned_mentor_id: str | None = None
    excluded_mentor_ids: frozenset[str] = frozenset()
    village: str = ""  # village name for calendars and maps ("" when unknown)
    phone: str = ""  # +62... (see io.labels.phone); "" when unknown. Never logged.
    row: int = 0  # spreadsheet row in the input file, for messages


@dataclass(frozen=True, slots=True)
class Mentor:
    mentor_id: str
    name: str
    location: Location
    sectors: frozenset[Sector]
    certified: bool | None = None
    max_caseload: int = 20
    hours_per_month: float | None = None  # None: derived from working days and hours
    transport: Transport = Transport.MOTORCYCLE
    working_days: frozenset[int] = frozenset({0, 1, 2, 3, 4})  # 0 = Monday
    unavailable: tuple[tuple[dt.date, dt.date], ...] = ()  # inclusive date ranges
    phone: str = ""  # +62... (see io.labels.phone); "" when unknown. Never logged.
    row: int = 0


@dataclass(frozen=True)
class Problem:
    """Validated participants and mentors with the configuration they are planned under.

    Built only by ``tkm_assign.io.load_problem`` (or tests); trusted everywhere after.
    Array views are computed once on first use.
    """

    participants: tuple[Participant, ...]
    mentors: tuple[Mentor, ...]
    config: Config
    participants_source: str = "participants"
    mentors_source: str = "mentors"

    @cached_property
    def participant_index(self) -> Mapping[str, int]:
        return {p.participant_id: i for i, p in enumerate(self.participants)}

    @cached_property
    def mentor_index(self) -> Mapping[str, int]:
        return {m.mentor_id: i for i, m in enumerate(self.mentors)}

    @cached_property
    def participant_lat_lon(self) -> npt.NDArray[np.float64]:
        """(n, 2) array of participant latitude, longitude in degrees."""
        return np.array(
            [(p.location.latitude, p.location.longitude) for p in self.participants],
            dtype=np.float64,
        ).reshape(-1, 2)

    @cached_property
    def mentor_lat_lon(self) -> npt.NDArray[np.float64]:
        """(m, 2) array of mentor home latitude, longitude in degrees."""
        return np.array(
            [(m.location.latitude, m.location.longitude) for m in self.mentors],
            dtype=np.float64,
        ).reshape(-1, 2)


@dataclass(frozen=True)
class Candidates:
    """Eligible (participant, mentor) pairs with one-way travel, mentor home to participant.

    Parallel arrays sorted by participant index, then travel time. Participants without any
    eligible mentor appear in ``no_candidate_reason`` (participant index -> plain words).
    """

    participant_idx: npt.NDArray[np.int32]
    mentor_idx: npt.NDArray[np.int32]
    travel_min: npt.NDArray[np.int32]
    distance_m: npt.NDArray[np.int32]
    no_candidate_reason: Mapping[int, str] = field(default_factory=dict)

    def __len__(self) -> int:
        return int(self.participant_idx.size)


class SolveStatus(StrEnum):
    OPTIMAL = "OPTIMAL"
    FEASIBLE = "FEASIBLE"
    INFEASIBLE = "INFEASIBLE"


@dataclass(frozen=True)
class Assignment:
    """Which mentor each participant gets, and why some get none.

    ``mentor_of`` maps every participant id to a mentor id or ``None``; ``reasons`` holds a
    plain-words reason for every unassigned participant.
    """

    mentor_of: Mapping[str, str | None]
    reasons: Mapping[str, str]
    status: SolveStatus
    objective: float
    bound: float
    solve_seconds: float
    seed: int
    engine: str  # e.g. "min-cost flow", "CP-SAT (warm start from flow)", "baseline"

    @property
    def gap(self) -> float:
        """Relative gap between objective and bound (0 when proven optimal)."""
        if self.objective == 0:
            return 0.0 if self.bound == 0 else 1.0
        return abs(self.objective - self.bound) / abs(self.objective)


@dataclass(frozen=True, slots=True)
class Session:
    session_id: str
    mentor_id: str
    participant_id: str
    date: dt.date
    start_min: int  # minutes after midnight, local time
    end_min: int
    mode: Mode
    month: int  # 1..n counted from the programme start
    travel_min_before: int  # 0 online; onsite: from previous stop or home
    distance_m_before: int = 0


@dataclass(frozen=True, slots=True)
class Route:
    """One mentor-day with onsite visits, home to home."""

    mentor_id: str
    date: dt.date
    depart_min: int
    return_min: int
    stops: tuple[str, ...]  # participant ids in visiting order
    travel_min: int
    distance_m: int


@dataclass(frozen=True, slots=True)
class Shortfall:
    participant_id: str
    mentor_id: str | None
    month: int
    planned: int
    required: int
    onsite_planned: int
    onsite_required: int
    reason: str


@dataclass(frozen=True)
class Schedule:
    """Sessions, day routes and every shortfall, for all mentors."""

    sessions: tuple[Session, ...]
    routes: tuple[Route, ...]
    shortfalls: tuple[Shortfall, ...]
    month_starts: tuple[dt.date, ...]  # first day of month 1..n (and the day after the last)
    solve_seconds: float
    seed: int
