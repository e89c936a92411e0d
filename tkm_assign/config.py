"""Configuration: frozen parameter objects loaded from TOML.

``configs/default.toml`` lists every key with its default and a comment. A user file given
with ``--config`` is merged over it, then ``--set section.key=value`` overrides are applied.
Unknown keys, wrongly typed values and out-of-range values raise :class:`ConfigError`
naming the key. Nothing that changes a result lives anywhere else.
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

from tkm_assign.errors import ConfigError
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


def parse_hhmm(text: str, key: str) -> int:
    """Minutes after midnight of an ``HH:MM`` time; ``key`` names it in errors."""
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", text.strip())
    if not match or int(match[1]) > 24 or int(match[2]) > 59:
        raise ConfigError(f"{key}: {text!r} is not a time of day HH:MM")
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
            raise ValueError(f"{text!r} is not a list of days like Mon-Fri or Mon;Wed;Thu")
        first, last = DAY_NAMES.index(bounds[0]), DAY_NAMES.index(bounds[-1])
        if last < first:
            raise ValueError(f"{text!r} runs backwards; write days from Mon to Sun")
        days.update(range(first, last + 1))
    if not days:
        raise ValueError(f"{text!r} names no working day")
    return frozenset(days)


@dataclass(frozen=True)
class ProgrammeConfig:
    start_date: dt.date = dt.date(2027, 7, 5)
    months: int = 3
    months_by_sector: Mapping[str, int] = field(
        default_factory=lambda: {"pertanian_peternakan": 6, "perikanan_kelautan": 6}
    )

    def __post_init__(self) -> None:
        _check_range("programme.months", self.months, 1, 24)
        for sector, months in self.months_by_sector.items():
            if sector not in SECTOR_CODES:
                raise ConfigError(
                    f"programme.months_by_sector.{sector}: unknown sector; expected one of "
                    + ", ".join(SECTOR_CODES)
                )
            _check_range(f"programme.months_by_sector.{sector}", months, 1, 24)

    def months_for(self, sector: str, override: int | None = None) -> int:
        """Programme length for a participant: own override, else sector, else default."""
        if override is not None:
            return override
        return self.months_by_sector.get(sector, self.months)

    @property
    def longest_months(self) -> int:
        return max([self.months, *self.months_by_sector.values()])


@dataclass(frozen=True)
class NeedTargets:
    low: int = 2
    medium: int = 3
    high: int = 4


@dataclass(frozen=True)
class SessionsConfig:
    min_per_month: int = 2
    max_per_month: int = 4
    min_days_between: int = 5
    onsite_duration_min: int = 90
    online_duration_min: int = 60
    target_by_need: NeedTargets = field(default_factory=NeedTargets)

    def __post_init__(self) -> None:
        _check_range("sessions.min_per_month", self.min_per_month, 1, 20)
        _check_range("sessions.max_per_month", self.max_per_month, self.min_per_month, 20)
        _check_range("sessions.min_days_between", self.min_days_between, 0, 14)
        _check_range("sessions.onsite_duration_min", self.onsite_duration_min, 60, 120)
        _check_range("sessions.online_duration_min", self.online_duration_min, 60, 120)
        for level in ("low", "medium", "high"):
            _check_range(
                f"sessions.target_by_need.{level}",
                getattr(self.target_by_need, level),
                self.min_per_month,
                self.max_per_month,
            )


@dataclass(frozen=True)
class OnsiteConfig:
    min_per_month: int = 1
    min_per_programme: int = 3
    online_needs_literacy: str = "adequate"

    def __post_init__(self) -> None:
        _check_range("onsite.min_per_month", self.min_per_month, 0, 20)
        _check_range("onsite.min_per_programme", self.min_per_programme, 0, 100)
        _check_choice(
            "onsite.online_needs_literacy",
            self.online_needs_literacy,
            ("proficient", "adequate", "low"),
        )


@dataclass(frozen=True)
class WorkConfig:
    days: str = "Mon-Fri"
    start: str = "08:00"
    end: str = "16:00"
    max_travel_min_per_day: int = 360
    holidays_country: str = "ID"
    include_cuti_bersama: bool = True

    def __post_init__(self) -> None:
        try:
            parse_days(self.days)
        except ValueError as error:
            raise ConfigError(f"work.days: {error}") from None
        if self.start_min >= self.end_min:
            raise ConfigError(
                f"work.end: {self.end!r} must be later than work.start {self.start!r}"
            )
        _check_range("work.max_travel_min_per_day", self.max_travel_min_per_day, 0, 24 * 60)

    @property
    def weekdays(self) -> frozenset[int]:
        return parse_days(self.days)

    @property
    def start_min(self) -> int:
        return parse_hhmm(self.start, "work.start")

    @property
    def end_min(self) -> int:
        return parse_hhmm(self.end, "work.end")


@dataclass(frozen=True)
class CaseloadConfig:
    max: int = 20
    hours_per_month: float = 0.0

    def __post_init__(self) -> None:
        _check_range("caseload.max", self.max, 1, 1000)
        _check_range("caseload.hours_per_month", self.hours_per_month, 0, 744)


@dataclass(frozen=True)
class TravelConfig:
    model: str = "road"
    circuity: float = 1.3
    offroad_speed_kph: float = 30.0
    cross_island: str = "forbid"
    ferry_wait_min: int = 60
    max_travel_min: int = 180
    k_nearest: int = 25
    coast_snap_km: float = 5.0
    cache_dir: str = ".cache/travel"
    speed_kph: Mapping[str, float] = field(
        default_factory=lambda: {"motorcycle": 40.0, "car": 45.0, "public": 25.0}
    )

    def __post_init__(self) -> None:
        _check_choice("travel.model", self.model, ("road", "haversine"))
        _check_choice("travel.cross_island", self.cross_island, ("forbid", "ferry"))
        _check_range("travel.circuity", self.circuity, 1.0, 5.0)
        _check_positive("travel.offroad_speed_kph", self.offroad_speed_kph)
        _check_range("travel.ferry_wait_min", self.ferry_wait_min, 0, 24 * 60)
        _check_range("travel.max_travel_min", self.max_travel_min, 1, 24 * 60)
        _check_range("travel.k_nearest", self.k_nearest, 1, 100_000)
        _check_range("travel.coast_snap_km", self.coast_snap_km, 0, 100)
        for mode, speed in self.speed_kph.items():
            if mode not in TRANSPORT_MODES:
                raise ConfigError(
                    f"travel.speed_kph.{mode}: unknown transport mode; expected one of "
                    + ", ".join(TRANSPORT_MODES)
                )
            _check_positive(f"travel.speed_kph.{mode}", speed)
        missing = [mode for mode in TRANSPORT_MODES if mode not in self.speed_kph]
        if missing:
            raise ConfigError(f"travel.speed_kph: missing speed for {', '.join(missing)}")


@dataclass(frozen=True)
class AssignWeights:
    unassigned: int = 100_000
    need_high: int = 20_000
    need_medium: int = 10_000
    sector_mismatch: int = 4_000
    travel_per_min: int = 10
    balance: int = 50
    change: int = 300

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            _check_range(f"assign.weights.{f.name}", getattr(self, f.name), 0, 10**9)


@dataclass(frozen=True)
class AssignConfig:
    province_rule: str = "same"
    sector_rule: str = "soft"
    route_sharing: float = 0.75
    max_utilisation: float = 0.9
    engine: str = "auto"
    decompose: bool = True
    time_limit_s: float = 30.0
    workers: int = 2
    relative_gap: float = 0.005
    weights: AssignWeights = field(default_factory=AssignWeights)

    def __post_init__(self) -> None:
        _check_choice("assign.province_rule", self.province_rule, ("same", "any"))
        _check_choice("assign.sector_rule", self.sector_rule, ("soft", "hard"))
        _check_choice("assign.engine", self.engine, ("auto", "flow", "cpsat"))
        _check_range("assign.route_sharing", self.route_sharing, 0.0, 1.0)
        _check_range("assign.max_utilisation", self.max_utilisation, 0.1, 1.0)
        _check_positive("assign.time_limit_s", self.time_limit_s)
        _check_range("assign.workers", self.workers, 1, 64)
        _check_range("assign.relative_gap", self.relative_gap, 0.0, 1.0)


@dataclass(frozen=True)
class SolverConfig:
    seed: int = 20240

    def __post_init__(self) -> None:
        _check_range("solver.seed", self.seed, 0, 2**31 - 1)


@dataclass(frozen=True)
class ScheduleConfig:
    time_limit_s: float = 2.0
    workers: int = 2
    placement_limit: float = 0.3
    priority: str = "minimum_first"
    improve_work: float = 0.0

    def __post_init__(self) -> None:
        _check_range("schedule.improve_work", self.improve_work, 0.0, 10.0)
        _check_positive("schedule.time_limit_s", self.time_limit_s)
        _check_range("schedule.workers", self.workers, 1, 64)
        _check_positive("schedule.placement_limit", self.placement_limit)
        _check_choice("schedule.priority", self.priority, ("minimum_first", "need_first"))


@dataclass(frozen=True)
class OutputConfig:
    lang: str = "id"
    idle_utilisation: float = 0.25

    def __post_init__(self) -> None:
        _check_choice("output.lang", self.lang, ("id", "en"))
        _check_range("output.idle_utilisation", self.idle_utilisation, 0.0, 1.0)


@dataclass(frozen=True)
class CapacityConfig:
    bases_per_participant: int = 20
    time_limit: float = 1.0
    max_rounds: int = 4
    scenario_workers: int = 2

    def __post_init__(self) -> None:
        _check_range("capacity.bases_per_participant", self.bases_per_participant, 1, 1000)
        _check_positive("capacity.time_limit", self.time_limit)
        _check_range("capacity.max_rounds", self.max_rounds, 1, 50)
        _check_range("capacity.scenario_workers", self.scenario_workers, 1, 2)


@dataclass(frozen=True)
class WebConfig:
    """Limits and the map of the coordinators' page (``tkm-assign serve``)."""

    max_upload_mb: float = 20.0
    max_rows: int = 50_000
    keep_days: int = 0
    tile_url: str = ""
    tile_attribution: str = ""

    def __post_init__(self) -> None:
        _check_range("web.max_upload_mb", self.max_upload_mb, 0.01, 1024)
        _check_range("web.max_rows", self.max_rows, 1, 10_000_000)
        _check_range("web.keep_days", self.keep_days, 0, 100_000)
        if self.tile_url and not re.fullmatch(r"https?://\S+\{z\}\S*", self.tile_url):
            raise ConfigError(
                f"web.tile_url: {self.tile_url!r} is not a tile address like "
                "https://tile.example.org/{z}/{x}/{y}.png"
            )

    @property
    def max_upload_bytes(self) -> int:
        return int(self.max_upload_mb * 1024 * 1024)


@dataclass(frozen=True)
class LogbookConfig:
    """How the mentoring logbook is read (``tkm-assign progress``, ``replan``)."""

    min_duration_min: int = 10
    max_duration_min: int = 480

    def __post_init__(self) -> None:
        _check_range("logbook.min_duration_min", self.min_duration_min, 1, 24 * 60)
        _check_range(
            "logbook.max_duration_min", self.max_duration_min, self.min_duration_min, 24 * 60
        )


@dataclass(frozen=True)
class ProgressConfig:
    """When a participant is behind or at risk (``tkm-assign progress``)."""

    quiet_days: int = 21
    last_working_days: int = 5
    message_days: int = 7

    def __post_init__(self) -> None:
        _check_range("progress.quiet_days", self.quiet_days, 1, 366)
        _check_range("progress.last_working_days", self.last_working_days, 0, 31)
        _check_range("progress.message_days", self.message_days, 1, 31)


@dataclass(frozen=True)
class ReplanConfig:
    """The weight that makes a re-plan keep assignments (``tkm-assign replan``)."""

    change_weight: int = 20_000
    placement_limit: float = 0.1

    def __post_init__(self) -> None:
        _check_range("replan.change_weight", self.change_weight, 0, 10**9)
        _check_positive("replan.placement_limit", self.placement_limit)


@dataclass(frozen=True)
class SimulateConfig:
    """How the programme behaves in a simulated logbook (``tkm-assign simulate``).

    Probabilities are per planned session unless said otherwise; calibrated so that the
    2024 practice reproduces the 2024 evaluation (see the README).
    """

    seed: int = 2024
    onsite_miss: float = 0.04
    onsite_miss_per_hour: float = 0.05
    rainy_miss: float = 0.1
    rainy_first_month: int = 11
    rainy_last_month: int = 3
    online_fail_proficient: float = 0.55
    online_fail_adequate: float = 0.7
    online_fail_low: float = 0.8
    online_fail_no_internet: float = 0.2
    extra_high_need: float = 0.05
    withdraw_share: float = 0.05
    sick_share: float = 0.05
    sick_days: int = 10
    leave_share: float = 0.02
    in_scenarios: bool = True

    def __post_init__(self) -> None:
        _check_range("simulate.seed", self.seed, 0, 2**31 - 1)
        for name in (
            "onsite_miss",
            "onsite_miss_per_hour",
            "rainy_miss",
            "online_fail_proficient",
            "online_fail_adequate",
            "online_fail_low",
            "online_fail_no_internet",
            "extra_high_need",
            "withdraw_share",
            "sick_share",
            "leave_share",
        ):
            _check_range(f"simulate.{name}", getattr(self, name), 0.0, 1.0)
        _check_range("simulate.rainy_first_month", self.rainy_first_month, 1, 12)
        _check_range("simulate.rainy_last_month", self.rainy_last_month, 1, 12)
        _check_range("simulate.sick_days", self.sick_days, 1, 366)

    def rainy(self, month: int) -> bool:
        """Whether calendar month ``month`` (1..12) is in the rainy season."""
        first, last = self.rainy_first_month, self.rainy_last_month
        return first <= month <= last if first <= last else month >= first or month <= last


@dataclass(frozen=True)
class CostConfig:
    mentor_month_idr: float = 0.0
    per_km_idr: float = 0.0

    def __post_init__(self) -> None:
        _check_range("cost.mentor_month_idr", self.mentor_month_idr, 0, 10**12)
        _check_range("cost.per_km_idr", self.per_km_idr, 0, 10**9)


@dataclass(frozen=True)
class Config:
    """The whole configuration; one attribute per TOML section."""

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
    web: WebConfig = field(default_factory=WebConfig)
    logbook: LogbookConfig = field(default_factory=LogbookConfig)
    progress: ProgressConfig = field(default_factory=ProgressConfig)
    replan: ReplanConfig = field(default_factory=ReplanConfig)
    simulate: SimulateConfig = field(default_factory=SimulateConfig)

    @classmethod
    def load(cls, path: str | Path | None = None, overrides: Iterable[str] = ()) -> Self:
        """Defaults, then the file at ``path`` (if any), then ``section.key=value`` overrides."""
        data = _read_toml(DEFAULT_CONFIG)
        if path is not None:
            _merge(data, _read_toml(Path(path)), prefix="")
        for override in overrides:
            _merge(data, parse_override(override), prefix="")
        return from_mapping(cls, data, "")

    def replace(self, overrides: Iterable[str]) -> Config:
        """A copy with ``section.key=value`` overrides applied (used by scenario grids)."""
        data = to_mapping(self)
        for override in overrides:
            _merge(data, parse_override(override), prefix="")
        return from_mapping(Config, data, "")

    def to_dict(self) -> dict[str, Any]:
        """Plain, JSON-ready view (dates as ISO text), e.g. for ``summary.json``."""
        return _jsonable(to_mapping(self))


def parse_override(text: str) -> dict[str, Any]:
    """``section.key=value`` -> nested dict. The value is read as TOML, else as text."""
    key, sep, raw = text.partition("=")
    key = key.strip()
    if not sep or not re.fullmatch(r"[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)+", key):
        raise ConfigError(f"--set {text!r}: expected section.key=value, e.g. caseload.max=15")
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
        raise ConfigError(
            f"{key}: unknown configuration key; known keys here: {', '.join(sorted(names))}"
        )
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
            raise ConfigError(f"{key}: expected a table of keys, got {value!r}")
        return from_mapping(typing.cast(type, hint), value, f"{key}.")
    if origin in (Mapping, dict) or origin is typing.get_origin(Mapping[str, int]):
        if not isinstance(value, Mapping):
            raise ConfigError(f"{key}: expected a table of keys, got {value!r}")
        _, value_hint = typing.get_args(hint)
        return {str(k): _coerce(value_hint, v, f"{key}.{k}") for k, v in value.items()}
    if isinstance(hint, types.UnionType):
        raise ConfigError(f"{key}: unsupported type {hint}")  # pragma: no cover
    if hint is bool:
        if not isinstance(value, bool):
            raise ConfigError(f"{key}: expected true or false, got {value!r}")
        return value
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{key}: expected a whole number, got {value!r}")
        return value
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(f"{key}: expected a number, got {value!r}")
        return float(value)
    if hint is str:
        if not isinstance(value, str):
            raise ConfigError(f"{key}: expected text, got {value!r}")
        return value
    if hint is dt.date:
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            raise ConfigError(f"{key}: expected a date YYYY-MM-DD, got {value!r}") from None
    raise ConfigError(f"{key}: unsupported type {hint}")  # pragma: no cover


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(f"{path}: configuration file not found") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML ({error})") from None


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


def _check_range(key: str, value: float, low: float, high: float) -> None:
    if not low <= value <= high:
        raise ConfigError(f"{key}: {value!r} is out of range; expected {low} to {high}")


def _check_positive(key: str, value: float) -> None:
    if not value > 0:
        raise ConfigError(f"{key}: {value!r} must be greater than 0")


def _check_choice(key: str, value: str, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise ConfigError(f"{key}: {value!r} is not one of {', '.join(choices)}")
