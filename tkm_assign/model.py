"""The domain: participants, mentors, the frozen problem and the results of each step.

Readers and validation (``tkm_assign.io``) build a :class:`Problem` once; every later step
trusts it. Solvers return :class:`Assignment` and :class:`Schedule`; writers turn them into
files. Units are in the names; times inside results are integer minutes, distances integer
metres.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from enum import StrEnum
from functools import cached_property
from typing import Any

import numpy as np
import numpy.typing as npt

from tkm_assign.config import Config
from tkm_assign.messages import Message


class Sector(StrEnum):
    """The five business sectors of TKM Lanjutan (2024 shares in the comments)."""

    PERTANIAN_PETERNAKAN = "pertanian_peternakan"  # agriculture & livestock, 36.06%
    PERDAGANGAN_JASA = "perdagangan_jasa"  # trade in goods & services, ~32%
    INDUSTRI_BOGA = "industri_boga"  # food industry, 21.1%
    INDUSTRI_KREATIF = "industri_kreatif"  # creative industry, 7.8%
    PERIKANAN_KELAUTAN = "perikanan_kelautan"  # fisheries & marine, 3.0%


class TechLiteracy(StrEnum):
    """How well a participant uses a phone and apps for online sessions (the 2024
    evaluation: 43% proficient, 31% adequate, 26% weak); low literacy needs onsite visits."""

    PROFICIENT = "proficient"
    ADEQUATE = "adequate"
    LOW = "low"


class NeedLevel(StrEnum):
    """How urgently a participant needs mentoring: sets the session target and who is served
    first when time is short."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class IncomeRole(StrEnum):
    """Whether the business is the household's main income or a side income."""

    PRIMARY = "primary"
    SECONDARY = "secondary"


class Transport(StrEnum):
    """How a mentor travels: sets the speeds of ``[travel]``."""

    MOTORCYCLE = "motorcycle"
    CAR = "car"
    PUBLIC = "public"


class Mode(StrEnum):
    """A session is an onsite visit or online (WhatsApp, Zoom)."""

    ONSITE = "onsite"
    ONLINE = "online"


class ParticipantStatus(StrEnum):
    """Whether a participant is still in the programme (a change since the plan)."""

    ACTIVE = "active"
    WITHDRAWN = "withdrawn"


LITERACY_RANK = {TechLiteracy.LOW: 0, TechLiteracy.ADEQUATE: 1, TechLiteracy.PROFICIENT: 2}
# Travel minutes at or above this mean there is no way at all (no road on the land, no
# ferry where allowed): the value travel models give such pairs.
UNREACHABLE_MIN = 10**7


@dataclass(frozen=True, slots=True)
class Location:
    """Where a person is, after validation and the spatial join.

    Attributes
    ----------
    latitude, longitude
        WGS 84 degrees (after snapping onto land).
    province_code, regency_code
        Kemendagri codes of the province (``"32"``) and regency (``"3273"``, no dot).
    island_id
        Number of the connected land part of Indonesia (see ``geo.regions``): travel
        between two islands needs a ferry.
    snapped_km
        How far a point in the sea was moved onto land (0 when on land).
    """

    latitude: float
    longitude: float
    province_code: str  # Kemendagri code, e.g. "32"
    regency_code: str  # Kemendagri code without dot, e.g. "3273"
    island_id: int
    snapped_km: float = 0.0


@dataclass(frozen=True, slots=True)
class Participant:
    """One participant (TKM Lanjutan business owner), validated.

    Attributes
    ----------
    participant_id, name
        Id from the input file (unique) and name (personal data: never logged).
    location
        Where the business is, placed on the map.
    sector
        Business sector; a mentor of the same sector is preferred or required.
    tech_literacy, internet
        Whether online sessions are possible (:func:`tkm_assign.rules.online_allowed`).
    income_role
        Main or side income, ``None`` when not given.
    need_level
        Sets the session target and the order of service when time is short.
    sessions_per_month, program_months
        The participant's own session target and programme length; ``None`` takes them
        from the configuration.
    current_mentor_id
        The mentor so far; moving away from them costs ``assign.weights.change``.
    pinned_mentor_id, excluded_mentor_ids
        A mentor who must be assigned (if possible) and mentors who must not be.
    village
        Village name for calendars and maps (``""`` when unknown).
    phone
        ``+62...`` (see :func:`tkm_assign.io.labels.phone`), ``""`` when unknown; personal
        data, never logged.
    row
        Spreadsheet row in the input file (header = 1), for messages.
    status, status_date
        Whether the participant is still in the programme, and since when (a withdrawn
        participant's first day without sessions); read by progress, replan and simulate.
    start_date
        A late joiner's first programme day (``None``: ``programme.start_date``).
    """

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
    # Changes since the plan (read by progress, replan and simulate): a withdrawn
    # participant's first day without sessions, and a late joiner's first programme day.
    status: ParticipantStatus = ParticipantStatus.ACTIVE
    status_date: dt.date | None = None
    start_date: dt.date | None = None


@dataclass(frozen=True, slots=True)
class Mentor:
    """One mentor (pendamping), validated.

    Attributes
    ----------
    mentor_id, name
        Id from the input file (unique; calendar file names are made from it) and name
        (personal data: never logged).
    location
        The mentor's home, where every day trip starts and ends.
    sectors
        Sectors the mentor knows.
    certified
        Whether the mentor holds the programme certificate, ``None`` when not given.
    max_caseload
        Most participants this mentor takes; ``caseload.max`` may lower it
        (:func:`tkm_assign.rules.effective_caseload`).
    hours_per_month
        Working hours a month; ``None`` derives them from working days and hours.
    transport
        How the mentor travels.
    working_days
        Weekdays the mentor works (0 = Monday).
    unavailable
        Inclusive date ranges of leave.
    phone
        ``+62...``, ``""`` when unknown; personal data, never logged.
    row
        Spreadsheet row in the input file (header = 1), for messages.
    active_until
        Last working day in the programme (a mentor leaving); ``None``: to the end.
    """

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
    active_until: dt.date | None = None  # last working day in the programme (None: to the end)


@dataclass(frozen=True)
class Problem:
    """Validated participants and mentors with the configuration they are planned under.

    Built only by ``tkm_assign.io.load_problem`` (or tests); trusted everywhere after.
    Array views are computed once on first use.

    Attributes
    ----------
    participants, mentors
        Every participant and mentor, in input-file order.
    config
        The configuration the problem is planned under.
    participants_source, mentors_source
        Where the rows came from (a file name), for messages.
    """

    participants: tuple[Participant, ...]
    mentors: tuple[Mentor, ...]
    config: Config
    participants_source: str = "participants"
    mentors_source: str = "mentors"

    @cached_property
    def participant_index(self) -> Mapping[str, int]:
        """Participant id -> position in ``participants``."""
        return {p.participant_id: i for i, p in enumerate(self.participants)}

    @cached_property
    def mentor_index(self) -> Mapping[str, int]:
        """Mentor id -> position in ``mentors``."""
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

    Parallel arrays sorted by participant index, then travel time.

    Attributes
    ----------
    participant_idx, mentor_idx
        Positions in ``problem.participants`` and ``problem.mentors`` of each pair.
    travel_min, distance_m
        One-way travel of each pair, mentor home to participant.
    no_candidate_reason
        Participant index -> why no mentor is eligible, for every participant without
        any pair.
    """

    participant_idx: npt.NDArray[np.int32]
    mentor_idx: npt.NDArray[np.int32]
    travel_min: npt.NDArray[np.int32]
    distance_m: npt.NDArray[np.int32]
    no_candidate_reason: Mapping[int, Message] = field(default_factory=dict)

    def __len__(self) -> int:
        return int(self.participant_idx.size)


class SolveStatus(StrEnum):
    """What a solver proved: optimal, a feasible plan (time limit), or no plan."""

    OPTIMAL = "OPTIMAL"
    FEASIBLE = "FEASIBLE"
    INFEASIBLE = "INFEASIBLE"


@dataclass(frozen=True)
class Assignment:
    """Which mentor each participant gets, and why some get none.

    Attributes
    ----------
    mentor_of
        Every participant id -> its mentor id, or ``None`` when unassigned.
    reasons
        The reason (a :class:`~tkm_assign.messages.Message`) for every unassigned
        participant.
    status
        What the solver proved (optimal, feasible at the time limit, infeasible).
    objective, bound
        The plan's cost and the best lower bound proven (equal when optimal).
    solve_seconds
        Wall time of the solve (not deterministic).
    seed
        The random seed the solver ran with.
    engine
        Which solver made it, e.g. ``"min-cost flow"``, ``"CP-SAT (warm start from
        flow)"``, ``"baseline"``.
    """

    mentor_of: Mapping[str, str | None]
    reasons: Mapping[str, Message]
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
    """One planned session of a mentor with a participant.

    Attributes
    ----------
    session_id
        Unique id within the plan (``<mentor_id>-<number>`` in a made plan).
    mentor_id, participant_id
        Who meets whom.
    date, start_min, end_min
        Local date and minutes after midnight.
    mode
        Onsite visit or online.
    month
        Programme month, 1..n counted from ``programme.start_date``.
    travel_min_before, distance_m_before
        Riding to this visit from the previous stop or home (0 online).
    """

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


def clock_time(minutes: int) -> dt.time:
    """A time of day from minutes after midnight, as tables hold clock times.

    Parameters
    ----------
    minutes
        Minutes after midnight, 0 to 1439.

    Returns
    -------
    datetime.time
        ``510`` -> ``08:30``.
    """
    return dt.time(minutes // 60, minutes % 60)


UID_DOMAIN = "tkm-assign"


def session_uid(session_id: str, mentor_id: str, participant_id: str) -> str:
    """The calendar UID of a planned session.

    The same session in a plan written again keeps it, so importing the calendar again
    updates the event instead of duplicating it.

    Parameters
    ----------
    session_id, mentor_id, participant_id
        The session and who meets whom.

    Returns
    -------
    str
        ``<session>-<mentor>-<participant>@tkm-assign`` with every character outside
        ``A-Za-z0-9._-`` replaced by ``_``.
    """
    raw = f"{session_id}-{mentor_id}-{participant_id}"
    return f"{_UID_UNSAFE.sub('_', raw)}@{UID_DOMAIN}"


_UID_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")  # compiled once: a plan has thousands of sessions


@dataclass(frozen=True, slots=True)
class Route:
    """One mentor-day with onsite visits, home to home.

    Attributes
    ----------
    mentor_id, date
        Whose day, and which.
    depart_min, return_min
        Leaving home and coming back, minutes after midnight (local time).
    stops
        Participant ids in visiting order.
    travel_min, distance_m
        Riding of the whole day, home to home.
    """

    mentor_id: str
    date: dt.date
    depart_min: int
    return_min: int
    stops: tuple[str, ...]  # participant ids in visiting order
    travel_min: int
    distance_m: int


@dataclass(frozen=True, slots=True)
class Shortfall:
    """A participant-month that misses its session target or onsite minimum.

    Attributes
    ----------
    participant_id, mentor_id
        The participant, and their mentor (``None`` when unassigned).
    month
        Programme month, 1..n.
    planned, required
        Sessions planned and the target (:func:`tkm_assign.rules.session_target`).
    onsite_planned, onsite_required
        Onsite visits planned and required (:func:`tkm_assign.rules.onsite_required`).
    reason
        Why, as a message of the catalogue (``reason.*``), rendered at the edge.
    """

    participant_id: str
    mentor_id: str | None
    month: int
    planned: int
    required: int
    onsite_planned: int
    onsite_required: int
    reason: Message


@dataclass(frozen=True)
class Schedule:
    """Sessions, day routes and every shortfall, for all mentors.

    Attributes
    ----------
    sessions, routes, shortfalls
        Every session, every mentor-day with onsite visits, and every participant-month
        that misses its target or onsite minimum.
    month_starts
        First day of programme month 1..n, and the day after the last month.
    solve_seconds
        Wall time of the solve (not deterministic).
    seed
        The random seed the scheduler ran with.
    """

    sessions: tuple[Session, ...]
    routes: tuple[Route, ...]
    shortfalls: tuple[Shortfall, ...]
    month_starts: tuple[dt.date, ...]  # first day of month 1..n (and the day after the last)
    solve_seconds: float
    seed: int

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickled by columns (a worker process receives the plan): tens of thousands of
        # sessions as a few lists pickle in a quarter of the time of one object each.
        return (
            _schedule_of_columns,
            (
                _columns(self.sessions, _SESSION_FIELDS),
                _columns(self.routes, _ROUTE_FIELDS),
                self.shortfalls,
                self.month_starts,
                self.solve_seconds,
                self.seed,
            ),
        )


_SESSION_FIELDS = tuple(f.name for f in fields(Session))
_ROUTE_FIELDS = tuple(f.name for f in fields(Route))


def _columns(rows: tuple[Any, ...], names: tuple[str, ...]) -> tuple[list[Any], ...]:
    return tuple([getattr(row, name) for row in rows] for name in names)


def _schedule_of_columns(
    sessions: tuple[list[Any], ...],
    routes: tuple[list[Any], ...],
    shortfalls: tuple[Shortfall, ...],
    month_starts: tuple[dt.date, ...],
    solve_seconds: float,
    seed: int,
) -> Schedule:
    """A :class:`Schedule` from its pickled columns (:meth:`Schedule.__reduce__`)."""
    return Schedule(
        tuple(map(Session, *sessions)) if sessions[0] else (),
        tuple(map(Route, *routes)) if routes[0] else (),
        shortfalls,
        month_starts,
        solve_seconds,
        seed,
    )
