"""Configuration: frozen parameter objects loaded from TOML.

``configs/default.toml`` lists every key with its default and a comment. A user file given
with ``--config`` is merged over it, then ``--set section.key=value`` overrides are applied.
Unknown keys, wrongly typed values and out-of-range values raise :class:`ConfigError`
naming the key. Every number and date has a finite range, declared once on its field
(:func:`_ranged`), checked on creation and listed by :func:`documented_ranges` (the README
and ``configs/default.toml`` show the same ranges; a test compares them). Nothing that
changes a result lives anywhere else.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import tomllib
import types
import typing
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Self

from tkm_assign.errors import ConfigError, quoted
from tkm_assign.messages import MESSAGES, Message, Value
from tkm_assign.resources import DEFAULT_CONFIG

# The repository checkout (tests and benchmarks); the program finds its own files through
# tkm_assign.resources, which also works in an installed wheel.
PROJECT_ROOT = Path(__file__).resolve().parents[1]

SECTOR_CODES = (
    "pertanian_peternakan",
    "perdagangan_jasa",
    "industri_boga",
    "industri_kreatif",
    "perikanan_kelautan",
)
TRANSPORT_MODES = ("motorcycle", "car", "public")
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# Dates a plan may use (programme start, mentors' unavailable dates): far enough for any
# real programme, near enough that date arithmetic never leaves the calendar.
DATE_RANGE = (dt.date(2000, 1, 1), dt.date(2099, 12, 31))


def _ranged(default: Any = dataclasses.MISSING, low: Any = 0, high: Any = 0, **kw: Any) -> Any:
    """A field whose value (or every value of its table) must lie in ``low..high``."""
    return field(default=default, metadata={"range": (low, high)}, **kw)


def _check_fields(obj: Any, section: str) -> None:
    """Check every ranged field of the config dataclass ``obj``."""
    for f in dataclasses.fields(obj):
        bounds = f.metadata.get("range")
        if bounds is None:
            continue
        value = getattr(obj, f.name)
        if isinstance(value, Mapping):
            for key, item in value.items():
                _check_range(f"{section}.{f.name}.{key}", item, *bounds)
        else:
            _check_range(f"{section}.{f.name}", value, *bounds)


def documented_ranges(cls: type[Any] | None = None, prefix: str = "") -> dict[str, tuple[Any, Any]]:
    """``{"caseload.max": (1, 1000), "travel.speed_kph.*": (1, 150), ...}`` for every ranged key."""
    cls = Config if cls is None else cls
    out: dict[str, tuple[Any, Any]] = {}
    hints = typing.get_type_hints(cls)
    for f in dataclasses.fields(cls):
        hint = hints[f.name]
        if dataclasses.is_dataclass(hint):
            out.update(documented_ranges(typing.cast(type, hint), f"{prefix}{f.name}."))
        elif "range" in f.metadata:
            star = ".*" if typing.get_origin(hint) in (Mapping, dict) else ""
            out[f"{prefix}{f.name}{star}"] = f.metadata["range"]
    return out


def setting_error(key: str, code: str, **values: Value) -> ConfigError:
    """A :class:`ConfigError` about setting ``key``: the catalogue's ``code`` with ``values``,
    after the setting's name in words where the catalogue has one (``Participants per mentor
    (caseload.max): ...``), else after its key."""
    return ConfigError(Message.of("config.at", key=setting(key), text=Message.of(code, **values)))


def setting(key: str) -> Value:
    """Setting ``key`` as messages name it: its words and the key, or the key alone."""
    words = f"web.setting.{key}"
    if words in MESSAGES:
        return Message.of("config.setting", name=Message.of(words), key=key)
    return key


def format_range(low: Any, high: Any) -> str:
    """``1..1,000``, ``0.1..86,400``, ``2000-01-01..2099-12-31``: as the docs show a range."""
    return f"{_format_bound(low)}..{_format_bound(high)}"


def _format_bound(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:g}"


def parse_hhmm(text: str, key: str) -> int:
    """Minutes after midnight of an ``HH:MM`` time.

    Parameters
    ----------
    text
        ``"08:00"``.
    key
        The setting it comes from, named in the error.

    Returns
    -------
    int
        Minutes after midnight (``480``).

    Raises
    ------
    ConfigError
        When ``text`` is not a time of day.
    """
    match = re.fullmatch(r"([0-9]{1,2}):([0-9]{2})", text.strip())
    if not match or int(match[1]) > 24 or int(match[2]) > 59:
        raise setting_error(key, "config.not_clock", value=quoted(text))
    return int(match[1]) * 60 + int(match[2])


def parse_days(text: str) -> frozenset[int]:
    """Weekdays (0 = Monday) from ``Mon-Fri``, ``Mon-Sat`` or ``Mon;Wed;Thu``.

    Raises ``ValueError`` with a plain message for anything else; callers add the location.
    """
    days: set[int] = set()
    for part in re.split(r"[;,]", text.strip().lower()):
        part = part.strip()
        if not part:
            continue
        bounds = [b.strip()[:3] for b in part.split("-")]
        if len(bounds) > 2 or any(b not in DAY_NAMES for b in bounds):
            raise ValueError(f"{quoted(text)} is not a list of days like Mon-Fri or Mon;Wed;Thu")
        first, last = DAY_NAMES.index(bounds[0]), DAY_NAMES.index(bounds[-1])
        if last < first:
            raise ValueError(f"{quoted(text)} runs backwards; write days from Mon to Sun")
        days.update(range(first, last + 1))
    if not days:
        raise ValueError(f"{quoted(text)} names no working day")
    return frozenset(days)


@dataclass(frozen=True)
class ProgrammeConfig:
    """``[programme]``: when the mentoring period starts and how long it lasts.

    Attributes
    ----------
    start_date
        first day of the mentoring period (YYYY-MM-DD); month 1 starts here; range
        2000-01-01..2099-12-31.
    months
        programme length in calendar months (2024 practice: 3); range 1..24.
    months_by_sector
        ``[programme.months_by_sector]``: per-sector length; the evaluation
        recommends longer programmes.
    """

    # _ranged returns a dataclasses.field (ruff knows only dataclasses.field by name).
    start_date: dt.date = _ranged(dt.date(2027, 7, 5), *DATE_RANGE)  # noqa: RUF009
    months: int = _ranged(3, 1, 24)
    months_by_sector: Mapping[str, int] = _ranged(
        low=1,
        high=24,
        default_factory=lambda: {"pertanian_peternakan": 6, "perikanan_kelautan": 6},
    )

    def __post_init__(self) -> None:
        for sector in self.months_by_sector:
            if sector not in SECTOR_CODES:
                raise setting_error(
                    f"programme.months_by_sector.{sector}",
                    "config.unknown_sector",
                    choices=", ".join(SECTOR_CODES),
                )
        _check_fields(self, "programme")

    def months_for(self, sector: str, override: int | None = None) -> int:
        """Programme length for a participant: own override, else sector, else default.

        Parameters
        ----------
        sector
            The participant's sector code.
        override
            The participant's own length (``program_months``), ``None`` when not given.

        Returns
        -------
        int
            Months.
        """
        if override is not None:
            return override
        return self.months_by_sector.get(sector, self.months)

    @property
    def longest_months(self) -> int:
        """The longest programme any sector (or the default) has, in months."""
        return max([self.months, *self.months_by_sector.values()])


@dataclass(frozen=True)
class NeedTargets:
    """``[sessions.target_by_need]``: monthly session target by need level.

    Attributes
    ----------
    low
        participants with low need; range 1..20, within
        min_per_month..max_per_month.
    medium
        medium need (the default need level); range 1..20, within
        min_per_month..max_per_month.
    high
        high need: urgent cases get the most sessions; range 1..20, within
        min_per_month..max_per_month.
    """

    low: int = _ranged(2, 1, 20)
    medium: int = _ranged(3, 1, 20)
    high: int = _ranged(4, 1, 20)

    def __post_init__(self) -> None:
        _check_fields(self, "sessions.target_by_need")


@dataclass(frozen=True)
class SessionsConfig:
    """``[sessions]``: how many sessions a participant gets, how long and how far apart.

    Attributes
    ----------
    min_per_month
        recommended minimum sessions per participant per month; range 1..20.
    max_per_month
        recommended maximum sessions per participant per month; range 1..20 and at
        least min_per_month.
    min_days_between
        at least this many days between two sessions of one participant; range
        0..14.
    onsite_duration_min
        length of an onsite session; range 60..120.
    online_duration_min
        length of an online (WhatsApp/Zoom) session; range 60..120.
    target_by_need
        ``[sessions.target_by_need]``: monthly session target by need level (within
        min..max).
    """

    min_per_month: int = _ranged(2, 1, 20)
    max_per_month: int = _ranged(4, 1, 20)
    min_days_between: int = _ranged(5, 0, 14)
    onsite_duration_min: int = _ranged(90, 60, 120)
    online_duration_min: int = _ranged(60, 60, 120)
    target_by_need: NeedTargets = field(default_factory=NeedTargets)

    def __post_init__(self) -> None:
        _check_fields(self, "sessions")
        _check_range("sessions.max_per_month", self.max_per_month, self.min_per_month, 20)
        for level in ("low", "medium", "high"):
            _check_range(
                f"sessions.target_by_need.{level}",
                getattr(self.target_by_need, level),
                self.min_per_month,
                self.max_per_month,
            )


@dataclass(frozen=True)
class OnsiteConfig:
    """``[onsite]``: the onsite visits every participant must get, and who may take online sessions.

    Attributes
    ----------
    min_per_month
        at least one onsite visit every month; range 0..20.
    min_per_programme
        and at least three over the whole programme; range 0..100.
    online_needs_literacy
        lowest tech literacy that can take online sessions
        (proficient|adequate|low).
    """

    min_per_month: int = _ranged(1, 0, 20)
    min_per_programme: int = _ranged(3, 0, 100)
    online_needs_literacy: str = "adequate"

    def __post_init__(self) -> None:
        _check_fields(self, "onsite")
        _check_choice(
            "onsite.online_needs_literacy",
            self.online_needs_literacy,
            ("proficient", "adequate", "low"),
        )


@dataclass(frozen=True)
class WorkConfig:
    """``[work]``: a mentor's working days, hours, daily riding and holidays.

    Attributes
    ----------
    days
        default working days of a mentor (Mon-Fri, Mon-Sat, Mon;Wed;Thu).
    start
        working day starts (local time).
    end
        working day ends.
    max_travel_min_per_day
        daily riding limit (minutes, home to home); 2 x travel.max_travel_min + a
        visit fits a day; range 0..1,440.
    holidays_country
        public holidays from the `holidays` package (Indonesia).
    include_cuti_bersama
        also keep collective leave days (cuti bersama) free.
    """

    days: str = "Mon-Fri"
    start: str = "08:00"
    end: str = "16:00"
    max_travel_min_per_day: int = _ranged(360, 0, 24 * 60)
    holidays_country: str = "ID"
    include_cuti_bersama: bool = True

    def __post_init__(self) -> None:
        try:
            parse_days(self.days)
        except ValueError as error:
            raise setting_error("work.days", "config.days", why=str(error)) from None
        if self.start_min >= self.end_min:
            raise setting_error(
                "work.end", "config.end_before_start", end=self.end, start=self.start
            )
        _check_fields(self, "work")

    @property
    def weekdays(self) -> frozenset[int]:
        """The working days of ``days`` (0 = Monday)."""
        return parse_days(self.days)

    @property
    def start_min(self) -> int:
        """``start`` in minutes after midnight."""
        return parse_hhmm(self.start, "work.start")

    @property
    def end_min(self) -> int:
        """``end`` in minutes after midnight."""
        return parse_hhmm(self.end, "work.end")


@dataclass(frozen=True)
class CaseloadConfig:
    """``[caseload]``: how many participants a mentor takes and their monthly hours.

    Attributes
    ----------
    max
        participants per mentor (2024 practice: about 20); range 1..1,000.
    hours_per_month
        mentor hours per month; 0 = working days x daily hours of the month; range
        0..744.
    """

    max: int = _ranged(20, 1, 1000)
    hours_per_month: float = _ranged(0.0, 0, 744)

    def __post_init__(self) -> None:
        _check_fields(self, "caseload")


@dataclass(frozen=True)
class TravelConfig:
    """``[travel]``: the travel model, speeds, the sea and the limits on a visit's ride.

    Attributes
    ----------
    model
        road (trunk road graph + off-road legs) | haversine (straight line x
        circuity).
    circuity
        straight-line to road distance factor for off-road legs and the haversine
        model; range 1..5.
    offroad_speed_kph
        speed on village and district roads (off the trunk network); range 1..150.
    cross_island
        forbid: no onsite visit across the sea | ferry: use the ferry routes in
        geo/ferries.csv.
    ferry_wait_min
        fixed waiting and boarding time added to every ferry crossing; range
        0..1,440.
    max_travel_min
        one-way limit, mentor home to participant: a visit must fit a day trip;
        range 1..1,440.
    k_nearest
        candidate mentors kept per participant (by travel time); range 1..100,000.
    coast_snap_km
        points in the sea this close to land are snapped to it (warned when > 1 km);
        range 0..100.
    cache_dir
        on-disk travel cache ("" disables it).
    speed_kph
        ``[travel.speed_kph]``: speed on trunk roads (road model) or over circuity-
        distance (haversine model).
    """

    model: str = "road"
    circuity: float = _ranged(1.3, 1.0, 5.0)
    offroad_speed_kph: float = _ranged(30.0, 1, 150)
    cross_island: str = "forbid"
    ferry_wait_min: int = _ranged(60, 0, 24 * 60)
    max_travel_min: int = _ranged(180, 1, 24 * 60)
    k_nearest: int = _ranged(25, 1, 100_000)
    coast_snap_km: float = _ranged(5.0, 0, 100)
    cache_dir: str = ".cache/travel"
    speed_kph: Mapping[str, float] = _ranged(
        low=1,
        high=150,
        default_factory=lambda: {"motorcycle": 40.0, "car": 45.0, "public": 25.0},
    )

    def __post_init__(self) -> None:
        _check_choice("travel.model", self.model, ("road", "haversine"))
        _check_choice("travel.cross_island", self.cross_island, ("forbid", "ferry"))
        for mode in self.speed_kph:
            if mode not in TRANSPORT_MODES:
                raise setting_error(
                    f"travel.speed_kph.{mode}",
                    "config.unknown_mode",
                    choices=", ".join(TRANSPORT_MODES),
                )
        _check_fields(self, "travel")
        missing = [mode for mode in TRANSPORT_MODES if mode not in self.speed_kph]
        if missing:
            raise setting_error(
                "travel.speed_kph", "config.missing_speed", modes=", ".join(missing)
            )


@dataclass(frozen=True)
class AssignWeights:
    """``[assign.weights]``: the assignment's objective weights, in priority order.

    Attributes
    ----------
    unassigned
        per participant left without a mentor; range 0..1,000,000,000.
    need_high
        extra per high-need participant left without a mentor; range
        0..1,000,000,000.
    need_medium
        extra per medium-need participant left without a mentor; range
        0..1,000,000,000.
    sector_mismatch
        per participant whose mentor lacks the sector expertise: a match is worth 60
        min of one-way riding (README: Travel against sector match); range
        0..1,000,000,000.
    travel_per_min
        per minute of one-way travel, mentor home to participant; range
        0..1,000,000,000.
    balance
        convex workload balance cost per (caseload share %)^2 / 100, per mentor;
        range 0..1,000,000,000.
    change
        per participant moved away from current_mentor_id; range 0..1,000,000,000.
    """

    unassigned: int = _ranged(100_000, 0, 10**9)
    need_high: int = _ranged(20_000, 0, 10**9)
    need_medium: int = _ranged(10_000, 0, 10**9)
    sector_mismatch: int = _ranged(600, 0, 10**9)
    travel_per_min: int = _ranged(10, 0, 10**9)
    balance: int = _ranged(50, 0, 10**9)
    change: int = _ranged(300, 0, 10**9)

    def __post_init__(self) -> None:
        _check_fields(self, "assign.weights")


@dataclass(frozen=True)
class AssignConfig:
    """``[assign]``: the assignment's rules, engine and limits.

    Attributes
    ----------
    province_rule
        same: mentor and participant in one province | any.
    sector_rule
        soft: mismatch allowed with a penalty | hard: only mentors with the sector.
    route_sharing
        share of a visit's round trip charged to it: day routes ride about 0.7 of
        separate round trips (national sample); range 0..1.
    max_utilisation
        plan at most this share of a mentor's monthly hours (slack for day packing
        and urgent cases); range 0.1..1.
    engine
        auto: flow when the head-count model suffices, else CP-SAT | flow | cpsat.
    decompose
        solve independent regions (provinces or islands) separately and in parallel.
    time_limit_s
        work for each of the assignment's two rounds, about seconds (counted, so plans
        repeat; a wall-clock net of 3x stops a round on an overloaded machine); searches
        stop earlier at relative_gap; range 0.1..86,400.
    workers
        CP-SAT search workers / parallel regions; range 1..64.
    relative_gap
        stop CP-SAT once within this relative gap of the bound; range 0..1.
    lp_relaxation
        solve the linear relaxation where hours bind: a stronger bound and a plan
        rounded from it.
    weights
        ``[assign.weights]``: objective weights, applied in this priority order (see
        README).
    """

    province_rule: str = "same"
    sector_rule: str = "soft"
    route_sharing: float = _ranged(0.75, 0.0, 1.0)
    max_utilisation: float = _ranged(0.9, 0.1, 1.0)
    engine: str = "auto"
    decompose: bool = True
    time_limit_s: float = _ranged(30.0, 0.1, 86_400)
    workers: int = _ranged(2, 1, 64)
    relative_gap: float = _ranged(0.005, 0.0, 1.0)
    lp_relaxation: bool = True
    weights: AssignWeights = field(default_factory=AssignWeights)

    def __post_init__(self) -> None:
        _check_choice("assign.province_rule", self.province_rule, ("same", "any"))
        _check_choice("assign.sector_rule", self.sector_rule, ("soft", "hard"))
        _check_choice("assign.engine", self.engine, ("auto", "flow", "cpsat"))
        _check_fields(self, "assign")


@dataclass(frozen=True)
class SolverConfig:
    """``[solver]``: the seed every solver uses (same seed, same plan).

    Attributes
    ----------
    seed
        random seed: same inputs, config and seed give the same plan; range
        0..2,147,483,647.
    """

    seed: int = _ranged(20240, 0, 2**31 - 1)

    def __post_init__(self) -> None:
        _check_fields(self, "solver")


@dataclass(frozen=True)
class ScheduleConfig:
    """``[schedule]``: the schedule's searches and its order of service.

    Attributes
    ----------
    time_limit_s
        routing search limit per mentor-day (OR-Tools), seconds; range 0.01..600.
    workers
        mentors scheduled in parallel; range 1..64.
    placement_limit
        CP-SAT deterministic time limit per mentor-month for putting visits on days
        (about seconds; deterministic so plans repeat); range 0.01..600.
    priority
        when time is short: minimum_first (everyone's monthly minimum, high need
        first, then extra sessions) | need_first (high need fully, then medium, then
        low).
    improve_work
        work units (about seconds, counted so plans repeat) per mentor-month for the
        routing core to cut riding after visits are on days; 0 = off (national
        sample: 0.02 cuts riding by 0.1%); range 0..10.
    programme_limit
        CP-SAT deterministic time (about seconds; deterministic so plans repeat) per
        mentor to place every month's visits at once where the month-by-month plan
        falls short; 0 = off; range 0..600.
    """

    time_limit_s: float = _ranged(2.0, 0.01, 600)
    workers: int = _ranged(2, 1, 64)
    placement_limit: float = _ranged(0.3, 0.01, 600)
    priority: str = "minimum_first"
    improve_work: float = _ranged(0.0, 0.0, 10.0)
    programme_limit: float = _ranged(6.0, 0.0, 600.0)

    def __post_init__(self) -> None:
        _check_fields(self, "schedule")
        _check_choice("schedule.priority", self.priority, ("minimum_first", "need_first"))


@dataclass(frozen=True)
class OutputConfig:
    """``[output]``: the language of the outputs and the idle threshold of the workload review.

    Attributes
    ----------
    lang
        report and workbook labels: id (Bahasa Indonesia) | en.
    idle_utilisation
        mentors below this share of their hours are flagged idle in reports and
        audits; range 0..1.
    workers
        processes writing a large plan's outputs (workbook, calendars, maps side by side;
        the files are the same); range 1..16.
    travel_share_flag
        mentors whose riding takes more than this share of their scheduled hours are flagged
        for travel burden; range 0..1.
    """

    lang: str = "id"
    idle_utilisation: float = _ranged(0.25, 0.0, 1.0)
    workers: int = _ranged(2, 1, 16)
    travel_share_flag: float = _ranged(0.5, 0.0, 1.0)

    def __post_init__(self) -> None:
        _check_choice("output.lang", self.lang, ("id", "en"))
        _check_fields(self, "output")


@dataclass(frozen=True)
class CapacityConfig:
    """``[capacity]``: the capacity planner's search.

    Attributes
    ----------
    bases_per_participant
        candidate base towns for new mentors per participant, fastest first (regency
        capitals within reach are always added); range 1..1,000.
    time_limit
        CP-SAT deterministic time per region for the fewest new mentors (about
        seconds; deterministic so answers repeat); range 0.01..3,600.
    max_rounds
        plans run to check the suggestion: where anyone is left short, mentors are
        added and the region planned again; range 1..50.
    scenario_workers
        scenarios planned in parallel processes (1..2: the planning itself uses both
        cores); range 1..2.
    """

    bases_per_participant: int = _ranged(20, 1, 1000)
    time_limit: float = _ranged(1.0, 0.01, 3600)
    max_rounds: int = _ranged(4, 1, 50)
    scenario_workers: int = _ranged(2, 1, 2)

    def __post_init__(self) -> None:
        _check_fields(self, "capacity")


@dataclass(frozen=True)
class ClusterConfig:
    """Where scenario grids and capacity regions run: this machine or a Dask cluster.

    Never changes a result: the same tasks run either way.

    Attributes
    ----------
    address
        Dask scheduler, e.g. tcp://10.0.0.5:8786 ("" = this machine); tkm-assign
        scenarios/capacity --cluster.
    connect_timeout_s
        seconds to reach the scheduler and find a worker there; range 0.1..3,600.
    """

    address: str = ""
    connect_timeout_s: float = _ranged(30.0, 0.1, 3600)

    def __post_init__(self) -> None:
        if self.address and not re.fullmatch(
            r"(?:(?:tcp|tls|ws|wss|ucx)://)?[A-Za-z0-9_.\-\[\]:]+", self.address
        ):
            raise setting_error("cluster.address", "config.bad_address", value=quoted(self.address))
        _check_fields(self, "cluster")


@dataclass(frozen=True)
class WebConfig:
    """Limits and the map of the coordinators' page (``tkm-assign serve``).

    Attributes
    ----------
    max_upload_mb
        largest file one upload may carry, megabytes; range 0.01..1,024.
    max_rows
        most rows an uploaded table may have; range 1..10,000,000.
    keep_days
        plans finished more than this many days ago are removed when the server
        starts (0 = keep every plan); range 0..100,000.
    tile_url
        online map tiles under the polygons, e.g.
        https://tile.openstreetmap.org/{z}/{x}/{y}.png ("" = offline, polygons
        only).
    tile_attribution
        credit line the tile provider asks for, shown on the map.
    """

    max_upload_mb: float = _ranged(20.0, 0.01, 1024)
    max_rows: int = _ranged(50_000, 1, 10_000_000)
    keep_days: int = _ranged(0, 0, 100_000)
    tile_url: str = ""
    tile_attribution: str = ""

    def __post_init__(self) -> None:
        _check_fields(self, "web")
        if self.tile_url and not re.fullmatch(r"https?://\S+\{z\}\S*", self.tile_url):
            raise setting_error("web.tile_url", "config.bad_tile_url", value=quoted(self.tile_url))

    @property
    def max_upload_bytes(self) -> int:
        """``max_upload_mb`` in bytes."""
        return int(self.max_upload_mb * 1024 * 1024)


@dataclass(frozen=True)
class LogbookConfig:
    """``[logbook]``: how the mentoring logbook is read (``tkm-assign progress``, ``replan``).

    Attributes
    ----------
    min_duration_min
        shortest session a logbook row may record (minutes); shorter rows are errors; range
        1..1,440
    max_duration_min
        longest session a logbook row may record (minutes); range 1..1,440.
    """

    min_duration_min: int = _ranged(10, 1, 24 * 60)
    max_duration_min: int = _ranged(480, 1, 24 * 60)

    def __post_init__(self) -> None:
        _check_fields(self, "logbook")
        _check_range(
            "logbook.max_duration_min", self.max_duration_min, self.min_duration_min, 24 * 60
        )


@dataclass(frozen=True)
class ProgressConfig:
    """``[progress]``: when a participant is behind or at risk (``tkm-assign progress``).

    Attributes
    ----------
    quiet_days
        a participant without any session for longer than this (days) is behind; range
        1..366
    last_working_days
        a month's onsite visit not yet held with this many of the mentor's working days left
        (or fewer) puts the participant at risk; range 0..31.
    message_days
        each mentor's WhatsApp message lists the visits of this many days after the as-of
        date; range 1..31.
    """

    quiet_days: int = _ranged(21, 1, 366)
    last_working_days: int = _ranged(5, 0, 31)
    message_days: int = _ranged(7, 1, 31)

    def __post_init__(self) -> None:
        _check_fields(self, "progress")


@dataclass(frozen=True)
class ReplanConfig:
    """``[replan]``: how a re-plan keeps assignments and days (``tkm-assign replan``).

    Attributes
    ----------
    placement_limit
        schedule.placement_limit of a re-plan: the earlier plan's days are kept where they
        fit, so less search is needed (about seconds per mentor-month, deterministic); range
        0.01..600.
    change_weight
        assignment cost of moving a participant to another mentor (or leaving it without
        one): above serving one more participant (assign.weights.unassigned plus need_high),
        so a participant keeps its mentor unless the mentor leaves, is excluded, a pin names
        another or its hours left no longer hold everyone; range 0..1,000,000,000.
    plan_short_again
        also plan again with the full planner each mentor whose repaired plan (earlier
        sessions kept, what is missing added) leaves sessions short, and take its plan where
        it meets more monthly targets: many more sessions moved, several times slower.
    """

    placement_limit: float = _ranged(0.1, 0.01, 600)
    change_weight: int = _ranged(1_000_000, 0, 10**9)
    plan_short_again: bool = False

    def __post_init__(self) -> None:
        _check_fields(self, "replan")


@dataclass(frozen=True)
class SimulateConfig:
    """How the programme behaves in a simulated logbook (``tkm-assign simulate``).

    Probabilities are per planned session unless said otherwise; calibrated so that the
    2024 practice reproduces the 2024 evaluation (see the README).

    Attributes
    ----------
    seed
        same plan, date, behaviour and seed give the same logbook; range 0..2,147,483,647.
    onsite_miss
        chance a planned onsite visit near the mentor's home does not happen; range 0..1.
    onsite_miss_per_hour
        extra chance per hour of one-way travel (distance is a major obstacle); range 0..1.
    rainy_miss
        extra chance for an onsite visit in the rainy season; range 0..1.
    rainy_first_month
        rainy season from this calendar month (November) ...; range 1..12.
    rainy_last_month
        ... to this one (March), inclusive; range 1..12.
    online_fail_proficient
        chance a planned online session fails: proficient participant; range 0..1.
    online_fail_adequate
        adequate tech literacy; range 0..1.
    online_fail_low
        low tech literacy; range 0..1.
    online_fail_no_internet
        extra chance when the participant has no reliable internet; range 0..1.
    extra_high_need
        chance a month that a high-need participant gets an unplanned extra session (mentors
        prioritise urgent cases); range 0..1.
    withdraw_share
        share of participants who withdraw during their programme (on a uniform day of it);
        range 0..1.
    sick_share
        share of mentors who fall ill once during the programme; range 0..1.
    sick_days
        calendar days of a sick leave; range 1..366.
    leave_share
        share of mentors who leave the programme (on a uniform day); range 0..1.
    in_scenarios
        scenario grids also simulate each plan's first 3 months: followed as planned, and
        re-planned on days 30 and 60
    """

    seed: int = _ranged(2024, 0, 2**31 - 1)
    onsite_miss: float = _ranged(0.04, 0, 1)
    onsite_miss_per_hour: float = _ranged(0.05, 0, 1)
    rainy_miss: float = _ranged(0.1, 0, 1)
    rainy_first_month: int = _ranged(11, 1, 12)
    rainy_last_month: int = _ranged(3, 1, 12)
    online_fail_proficient: float = _ranged(0.55, 0, 1)
    online_fail_adequate: float = _ranged(0.7, 0, 1)
    online_fail_low: float = _ranged(0.8, 0, 1)
    online_fail_no_internet: float = _ranged(0.2, 0, 1)
    extra_high_need: float = _ranged(0.05, 0, 1)
    withdraw_share: float = _ranged(0.05, 0, 1)
    sick_share: float = _ranged(0.05, 0, 1)
    sick_days: int = _ranged(10, 1, 366)
    leave_share: float = _ranged(0.02, 0, 1)
    in_scenarios: bool = True

    def __post_init__(self) -> None:
        _check_fields(self, "simulate")

    def rainy(self, month: int) -> bool:
        """Whether a calendar month is in the rainy season.

        Parameters
        ----------
        month
            Calendar month, 1..12.

        Returns
        -------
        bool
            ``True`` from ``rainy_first_month`` to ``rainy_last_month`` (across the new year).
        """
        first, last = self.rainy_first_month, self.rainy_last_month
        return first <= month <= last if first <= last else month >= first or month <= last


@dataclass(frozen=True)
class CostConfig:
    """``[cost]``: the prices the scenario tables cost plans with (0: no cost columns).

    Attributes
    ----------
    mentor_month_idr
        honorarium per mentor per month, rupiah; range 0..1,000,000,000,000.
    per_km_idr
        travel allowance per km, rupiah; range 0..1,000,000,000.
    """

    mentor_month_idr: float = _ranged(0.0, 0, 10**12)
    per_km_idr: float = _ranged(1000.0, 0, 10**9)

    def __post_init__(self) -> None:
        _check_fields(self, "cost")


@dataclass(frozen=True)
class Config:
    """The whole configuration; one attribute per TOML section.

    Attributes
    ----------
    programme
        ``[programme]``, :class:`ProgrammeConfig`.
    sessions
        ``[sessions]``, :class:`SessionsConfig`.
    onsite
        ``[onsite]``, :class:`OnsiteConfig`.
    work
        ``[work]``, :class:`WorkConfig`.
    caseload
        ``[caseload]``, :class:`CaseloadConfig`.
    travel
        ``[travel]``, :class:`TravelConfig`.
    assign
        ``[assign]``, :class:`AssignConfig`.
    solver
        ``[solver]``, :class:`SolverConfig`.
    schedule
        ``[schedule]``, :class:`ScheduleConfig`.
    output
        ``[output]``, :class:`OutputConfig`.
    capacity
        ``[capacity]``, :class:`CapacityConfig`.
    cost
        ``[cost]``, :class:`CostConfig`.
    cluster
        ``[cluster]``, :class:`ClusterConfig`.
    web
        ``[web]``, :class:`WebConfig`.
    logbook
        ``[logbook]``, :class:`LogbookConfig`.
    progress
        ``[progress]``, :class:`ProgressConfig`.
    replan
        ``[replan]``, :class:`ReplanConfig`.
    simulate
        ``[simulate]``, :class:`SimulateConfig`.
    """

    programme: ProgrammeConfig = field(default_factory=ProgrammeConfig)
    sessions: SessionsConfig = field(default_factory=SessionsConfig)
    onsite: OnsiteConfig = field(default_factory=OnsiteConfig)
    work: WorkConfig = field(default_factory=WorkConfig)
    caseload: CaseloadConfig = field(default_factory=CaseloadConfig)
    travel: TravelConfig = field(default_factory=TravelConfig)
    assign: AssignConfig = field(default_factory=AssignConfig)
    solver: SolverConfig = field(default_factory=SolverConfig)
    schedule: ScheduleConfig = field(default_factory=ScheduleConfig)
    output: OutputConfig = field(default_factory=OutputConfig)
    capacity: CapacityConfig = field(default_factory=CapacityConfig)
    cost: CostConfig = field(default_factory=CostConfig)
    cluster: ClusterConfig = field(default_factory=ClusterConfig)
    web: WebConfig = field(default_factory=WebConfig)
    logbook: LogbookConfig = field(default_factory=LogbookConfig)
    progress: ProgressConfig = field(default_factory=ProgressConfig)
    replan: ReplanConfig = field(default_factory=ReplanConfig)
    simulate: SimulateConfig = field(default_factory=SimulateConfig)

    @classmethod
    def load(cls, path: str | Path | None = None, overrides: Iterable[str] = ()) -> Self:
        """Defaults, then the file at ``path`` (if any), then ``section.key=value`` overrides.

        Parameters
        ----------
        path
            A TOML file with the keys it changes (``configs/examples/*.toml``), or ``None``.
        overrides
            ``section.key=value`` settings applied last, e.g. ``caseload.max=15``.

        Returns
        -------
        Config
            The validated configuration.

        Raises
        ------
        ConfigError
            For an unreadable file, an unknown key, a wrongly typed value or a value out of
            its range, naming the key.
        """
        data = _read_toml(DEFAULT_CONFIG)
        if path is not None:
            _merge(data, _read_toml(Path(path)), prefix="")
        for override in overrides:
            _merge(data, parse_override(override), prefix="")
        return from_mapping(cls, data, "")

    def replace(self, overrides: Iterable[str]) -> Config:
        """A copy with ``section.key=value`` overrides applied (used by scenario grids).

        Parameters
        ----------
        overrides
            ``section.key=value`` settings.

        Returns
        -------
        Config
            The new configuration; this one is unchanged.

        Raises
        ------
        ConfigError
            For an unknown key or a bad value, naming the key.
        """
        data = to_mapping(self)
        for override in overrides:
            _merge(data, parse_override(override), prefix="")
        return from_mapping(Config, data, "")

    def to_dict(self) -> dict[str, Any]:
        """Plain, JSON-ready view (dates as ISO text), e.g. for ``summary.json``.

        Returns
        -------
        dict
            One nested dict per section, keys as in ``configs/default.toml``.
        """
        return _jsonable(to_mapping(self))


def parse_override(text: str) -> dict[str, Any]:
    """``section.key=value`` -> nested dict. The value is read as TOML, else as text.

    Parameters
    ----------
    text
        One setting, e.g. ``caseload.max=15`` or ``work.days=Mon-Sat``.

    Returns
    -------
    dict
        ``{"caseload": {"max": 15}}``.

    Raises
    ------
    ConfigError
        When ``text`` is not ``section.key=value``.
    """
    key, sep, raw = text.partition("=")
    key = key.strip()
    if not sep or not re.fullmatch(r"[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)+", key):
        raise ConfigError(Message.of("config.bad_setting", value=quoted(text)))
    try:
        value: Any = tomllib.loads(f"v = {raw.strip()}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw.strip()
    nested: dict[str, Any] = {}
    cursor = nested
    parts = key.split(".")
    for part in parts[:-1]:
        cursor = cursor.setdefault(part, {})
    cursor[parts[-1]] = value
    return nested


def from_mapping(cls: type[Any], data: Mapping[str, Any], prefix: str) -> Any:
    """Build dataclass ``cls`` from ``data``, rejecting unknown keys and wrong types."""
    hints = typing.get_type_hints(cls)
    names = {f.name for f in dataclasses.fields(cls)}
    unknown = sorted(set(data) - names)
    if unknown:
        key = f"{prefix}{unknown[0]}"
        raise setting_error(key, "config.unknown_key", known=", ".join(sorted(names)))
    kwargs = {name: _coerce(hints[name], value, f"{prefix}{name}") for name, value in data.items()}
    return cls(**kwargs)


def to_mapping(obj: Any) -> dict[str, Any]:
    """Nested plain dicts of a config dataclass (inverse of :func:`from_mapping`)."""
    out: dict[str, Any] = {}
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        if dataclasses.is_dataclass(value):
            out[f.name] = to_mapping(value)
        elif isinstance(value, Mapping):
            out[f.name] = dict(value)
        else:
            out[f.name] = value
    return out


def _coerce(hint: Any, value: Any, key: str) -> Any:
    origin = typing.get_origin(hint)
    if dataclasses.is_dataclass(hint):
        if not isinstance(value, Mapping):
            raise setting_error(key, "config.expected_table", value=quoted(value))
        return from_mapping(typing.cast(type, hint), value, f"{key}.")
    if origin in (Mapping, dict) or origin is typing.get_origin(Mapping[str, int]):
        if not isinstance(value, Mapping):
            raise setting_error(key, "config.expected_table", value=quoted(value))
        _, value_hint = typing.get_args(hint)
        return {str(k): _coerce(value_hint, v, f"{key}.{k}") for k, v in value.items()}
    if isinstance(hint, types.UnionType):
        raise setting_error(key, "config.unsupported", hint=str(hint))  # pragma: no cover
    if hint is bool:
        if not isinstance(value, bool):
            raise setting_error(key, "config.expected_bool", value=quoted(value))
        return value
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise setting_error(key, "config.expected_int", value=quoted(value))
        return value
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise setting_error(key, "config.expected_float", value=quoted(value))
        return float(value)
    if hint is str:
        if not isinstance(value, str):
            raise setting_error(key, "config.expected_text", value=quoted(value))
        return value
    if hint is dt.date:
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        text = str(value)
        try:
            if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
                raise ValueError(text)
            return dt.date.fromisoformat(text)
        except ValueError:
            raise setting_error(key, "config.expected_date", value=quoted(value)) from None
    raise setting_error(key, "config.unsupported", hint=str(hint))  # pragma: no cover


def _read_toml(path: Path) -> dict[str, Any]:
    return read_toml_file(path, "config.what.configuration")


def read_toml_file(path: Path, what: str) -> dict[str, Any]:
    """A TOML file's tables; every way it can fail is a :class:`ConfigError` naming it.

    ``what`` names the file in messages: a catalogue code (``"config.what.configuration"``,
    ``"config.what.scenarios"``).
    """
    kind = Message.of(what)

    def failed(code: str, **values: Value) -> ConfigError:
        return ConfigError(Message.of("config.at", key=str(path), text=Message.of(code, **values)))

    if path.is_dir():
        raise failed("config.file_folder", what=kind)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise failed("config.file_missing", what=kind) from None
    except OSError as error:
        raise failed("config.file_unreadable", what=kind, why=str(error.strerror)) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        byte = raw[error.start : error.start + 1].hex().upper()
        raise failed("config.file_not_utf8", what=kind, byte=byte, position=error.start) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise failed("config.file_not_toml", why=str(error)) from None


def _merge(base: dict[str, Any], extra: Mapping[str, Any], prefix: str) -> None:
    for key, value in extra.items():
        if isinstance(value, Mapping) and isinstance(base.get(key), dict):
            _merge(base[key], value, f"{prefix}{key}.")
        else:
            base[key] = value


def _jsonable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _check_range(key: str, value: Any, low: Any, high: Any) -> None:
    if not low <= value <= high:
        shown = value.isoformat() if isinstance(value, dt.date) else quoted(value)
        raise setting_error(key, "config.out_of_range", value=shown, range=format_range(low, high))


def _check_choice(key: str, value: str, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise setting_error(
            key, "config.not_one_of", value=quoted(value), choices=", ".join(choices)
        )
