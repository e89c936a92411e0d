"""Programme rules shared by assignment, scheduling, audit and capacity planning.

One place answers: how long is a participant's programme, how many sessions a month do
they need, how many of those must be onsite, may they be met online, how many
participants may a mentor take, which mentor may take whom, how much of a mentor's month
does a participant take, and which days may a mentor work.

The planner and the audit both ask these functions, so a plan the planner makes and the
same plan typed into a spreadsheet get the same verdict (``tests/test_rules.py`` runs both
views on the same plans, one test per rule). A new rule goes here, with the planner's
constraint and the audit's check (:mod:`tkm_assign.audit.checks`) both calling it.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import math
from collections.abc import Mapping, Sequence
from functools import cache, lru_cache

import holidays

from tkm_assign.config import Config
from tkm_assign.model import (
    LITERACY_RANK,
    UNREACHABLE_MIN,
    Mentor,
    NeedLevel,
    Participant,
    TechLiteracy,
)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, clamped to the month's end (31 Jan + 1 = 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last))


def month_starts(start: dt.date, months: int) -> tuple[dt.date, ...]:
    """First day of months 1..n and the day after the last: month k is [s[k-1], s[k])."""
    return tuple(add_months(start, k) for k in range(months + 1))


def programme_months(participant: Participant, config: Config) -> int:
    """Own ``program_months``, else the sector's length, else ``programme.months``."""
    return config.programme.months_for(participant.sector.value, participant.program_months)


def programme_window(participant: Participant, config: Config) -> tuple[int, int]:
    """First and last programme month (1-based, inclusive) of a participant's mentoring.

    Months 1..:func:`programme_months`; a late joiner (``start_date`` after the programme
    start) starts in the programme month holding its start date and keeps its full length.
    """
    months = programme_months(participant, config)
    start = config.programme.start_date
    joined = participant.start_date
    if joined is None or joined <= start:
        return 1, months
    first = 1
    while add_months(start, first) <= joined:
        first += 1
    return first, first + months - 1


def planned_months(participants: Sequence[Participant], config: Config) -> int:
    """Months a plan covers: the last programme month among ``participants`` (a late
    joiner's programme ends later; the default ``programme.months`` when there are none). Schedules, their tables and the audit's
    month numbering all span these months from ``programme.start_date``."""
    lengths = [programme_window(p, config)[1] for p in participants]
    return max(lengths, default=config.programme.months)


def session_target(participant: Participant, config: Config) -> int:
    """Sessions per month: explicit target, else by need level; always within min..max."""
    sessions = config.sessions
    if participant.sessions_per_month is not None:
        target = participant.sessions_per_month
    else:
        by_need = sessions.target_by_need
        target = {
            NeedLevel.LOW: by_need.low,
            NeedLevel.MEDIUM: by_need.medium,
            NeedLevel.HIGH: by_need.high,
        }[participant.need_level]
    return min(max(target, sessions.min_per_month), sessions.max_per_month)


def online_allowed(participant: Participant, config: Config) -> bool:
    """Online sessions need internet access and at least the configured tech literacy."""
    needed = LITERACY_RANK[TechLiteracy(config.onsite.online_needs_literacy)]
    return participant.internet and LITERACY_RANK[participant.tech_literacy] >= needed


def onsite_minimum_per_month(participant: Participant, config: Config) -> int:
    """The monthly onsite rule: at least ``onsite.min_per_month`` onsite visits in every
    month of the programme, capped by the participant's session target."""
    return min(config.onsite.min_per_month, session_target(participant, config))


def onsite_minimum_per_programme(participant: Participant, config: Config) -> int:
    """The programme onsite rule: at least ``onsite.min_per_programme`` onsite visits over
    the programme, capped by all the sessions it has (target x months)."""
    months = programme_months(participant, config)
    return min(config.onsite.min_per_programme, session_target(participant, config) * months)


def onsite_required(participant: Participant, config: Config) -> tuple[int, ...]:
    """Onsite sessions the plan needs in each month of the participant's programme.

    Every month gets :func:`onsite_minimum_per_month`; the rest of
    :func:`onsite_minimum_per_programme` is met by adding visits to the earliest months (a
    first visit early matters most). Participants who cannot be met online
    (:func:`online_allowed`) are visited onsite every time, i.e. their whole monthly
    target. The scheduler plans to these numbers and both the plan's and the audit's
    shortfall tables measure against them.
    """
    months = programme_months(participant, config)
    target = session_target(participant, config)
    if not online_allowed(participant, config):
        return (target,) * months
    per_month = [onsite_minimum_per_month(participant, config)] * months
    missing = onsite_minimum_per_programme(participant, config) - sum(per_month)
    month = 0
    while missing > 0 and any(v < target for v in per_month):
        if per_month[month] < target:
            per_month[month] += 1
            missing -= 1
        month = (month + 1) % months
    return tuple(per_month)


def effective_caseload(mentor: Mentor, config: Config) -> int:
    """A mentor's caseload limit: the mentor's own ``max_caseload``, capped by ``caseload.max``."""
    return min(mentor.max_caseload, config.caseload.max)


def pinned_to(participant: Participant, mentor: Mentor) -> bool:
    """Whether the participant is pinned to this mentor (a coordinator's decision, which
    the province, sector and travel-limit rules give way to; see :mod:`geo.candidates`)."""
    return participant.pinned_mentor_id == mentor.mentor_id


def province_rule_holds(participant: Participant, mentor: Mentor, config: Config) -> bool:
    """``assign.province_rule = "same"``: mentor and participant in one province (or a pin)."""
    return (
        config.assign.province_rule != "same"
        or participant.location.province_code == mentor.location.province_code
        or pinned_to(participant, mentor)
    )


def sector_match(participant: Participant, mentor: Mentor) -> bool:
    """Whether the mentor knows the participant's sector."""
    return participant.sector in mentor.sectors


def sector_rule_holds(participant: Participant, mentor: Mentor, config: Config) -> bool:
    """``assign.sector_rule = "hard"``: the mentor knows the sector (or a pin); the soft rule
    always holds (a mismatch only costs)."""
    return (
        config.assign.sector_rule != "hard"
        or sector_match(participant, mentor)
        or pinned_to(participant, mentor)
    )


def reachable(one_way_travel_min: float) -> bool:
    """Whether there is any way to visit (overland, or by ferry where allowed)."""
    return one_way_travel_min < UNREACHABLE_MIN


def travel_limit_holds(
    participant: Participant, mentor: Mentor, one_way_travel_min: float, config: Config
) -> bool:
    """One-way travel, mentor home to participant, within ``travel.max_travel_min`` (or a
    pin, which needs only to be reachable)."""
    if not reachable(one_way_travel_min):
        return False
    return one_way_travel_min <= config.travel.max_travel_min or pinned_to(participant, mentor)


def excluded(participant: Participant, mentor: Mentor) -> bool:
    """Whether the participant must not get this mentor (``excluded_mentor_ids``)."""
    return mentor.mentor_id in participant.excluded_mentor_ids


def may_assign(
    participant: Participant, mentor: Mentor, one_way_travel_min: float, config: Config
) -> bool:
    """Every pair rule at once: the planner's candidate search gives exactly these pairs
    (before keeping the ``travel.k_nearest`` fastest)."""
    return (
        province_rule_holds(participant, mentor, config)
        and sector_rule_holds(participant, mentor, config)
        and travel_limit_holds(participant, mentor, one_way_travel_min, config)
        and not excluded(participant, mentor)
    )


def onsite_per_month(participant: Participant, config: Config) -> float:
    """Onsite visits a month, the programme average of :func:`onsite_required`."""
    months = onsite_required(participant, config)
    return sum(months) / len(months)


def lone_ride_min(config: Config) -> float:
    """One-way ride above which a visit cannot share its day with a second visit.

    A day with two visits rides at least the farther one's round trip, so that round trip
    and two onsite visits must fit the working day, and the round trip the daily riding
    limit: with 08:00-16:00, 90-minute visits and 360 riding minutes a day, rides longer
    than min((480 - 2 x 90) / 2, 360 / 2) = 150 min ride alone.
    """
    day = config.work.end_min - config.work.start_min
    return min(
        (day - 2 * config.sessions.onsite_duration_min) / 2.0,
        config.work.max_travel_min_per_day / 2.0,
    )


def rides_alone(one_way_travel_min: float, config: Config) -> bool:
    """Whether a visit this far from the mentor's home takes a day trip of its own."""
    return one_way_travel_min > lone_ride_min(config)


def route_share(one_way_travel_min: float, config: Config) -> float:
    """Share of its round trip charged to a visit: ``assign.route_sharing`` (visits on one day
    share the ride), or all of it when the visit rides alone (:func:`lone_ride_min`)."""
    if rides_alone(one_way_travel_min, config):
        return 1.0
    return config.assign.route_sharing


def monthly_load_min(participant: Participant, one_way_travel_min: float, config: Config) -> float:
    """Estimated minutes a month this participant takes from a mentor.

    ``load = onsite x onsite_duration + online x online_duration
    + onsite x 2 x one_way_travel x share``, with the monthly session target split into
    onsite visits (:func:`onsite_per_month`) and online sessions. ``share`` is
    :func:`route_share`: ``route_sharing`` charges each visit only part of a round trip
    because visits on one day share the ride, except a visit too far to share its day,
    which pays its whole round trip.
    """
    target = session_target(participant, config)
    onsite = onsite_per_month(participant, config)
    online = target - onsite
    s = config.sessions
    return (
        onsite * s.onsite_duration_min
        + online * s.online_duration_min
        + monthly_travel_min(participant, one_way_travel_min, config)
    )


def monthly_travel_min(
    participant: Participant, one_way_travel_min: float, config: Config
) -> float:
    """The riding part of :func:`monthly_load_min`: onsite x 2 x one_way_travel x share."""
    onsite = onsite_per_month(participant, config)
    return onsite * 2.0 * one_way_travel_min * route_share(one_way_travel_min, config)


def monthly_day_use_min(
    participant: Participant, one_way_travel_min: float, config: Config
) -> float:
    """Working-day minutes this participant takes from a mentor in its busiest month.

    The riding-days rule of the assignment: a visit too far to share its day
    (:func:`rides_alone`) takes the whole working day, however short the ride leaves it;
    every other visit its session and its share of the ride (as in
    :func:`monthly_load_min`), every online session its length. Compared with
    :func:`working_day_capacity_min`, this says whether the month has enough working days
    for the day trips a mentor's participants need: with 08:00-16:00, 21 working days
    hold 21 lone visits however much of each day the ride leaves free. The busiest month
    of :func:`onsite_required` counts, so the rule holds in every month.
    """
    target = session_target(participant, config)
    onsite = max(onsite_required(participant, config))
    s = config.sessions
    if rides_alone(one_way_travel_min, config):
        visit = float(daily_minutes(config))
    else:
        visit = s.onsite_duration_min + 2.0 * one_way_travel_min * config.assign.route_sharing
    return onsite * visit + (target - onsite) * s.online_duration_min


@cache
def _holidays(years: tuple[int, ...], country: str, cuti_bersama: bool) -> Mapping[dt.date, str]:
    categories = ("public", "government") if cuti_bersama else ("public",)
    try:
        found = holidays.country_holidays(country, years=list(years), categories=categories)
    except NotImplementedError:  # a country without the government category
        found = holidays.country_holidays(country, years=list(years))
    return dict(found)


def holiday_dates(start: dt.date, end: dt.date, config: Config) -> Mapping[dt.date, str]:
    """Public holidays (and cuti bersama when configured) in ``[start, end)`` with names."""
    years = tuple(range(start.year, end.year + 1))
    work = config.work
    every = _holidays(years, work.holidays_country, work.include_cuti_bersama)
    return {day: name for day, name in every.items() if start <= day < end}


def working_dates(mentor: Mentor, start: dt.date, end: dt.date, config: Config) -> list[dt.date]:
    """Dates in ``[start, end)`` the mentor works: own weekdays, no holiday, not unavailable,
    not after the mentor's ``active_until``."""
    if mentor.active_until is not None:
        end = min(end, mentor.active_until + dt.timedelta(days=1))
    work = config.work
    return list(
        _working_dates(
            mentor.working_days,
            tuple(mentor.unavailable),
            start,
            end,
            work.holidays_country,
            work.include_cuti_bersama,
        )
    )


@lru_cache(maxsize=1 << 16)
def _working_dates(
    weekdays: frozenset[int],
    unavailable: tuple[tuple[dt.date, dt.date], ...],
    start: dt.date,
    end: dt.date,
    country: str,
    cuti_bersama: bool,
) -> tuple[dt.date, ...]:
    # Memoised: progress, re-plan and the audit ask for the same mentor-months many times.
    if end <= start:
        return ()
    years = tuple(range(start.year, end.year + 1))
    off = _holidays(years, country, cuti_bersama)
    out = []
    day = start
    while day < end:
        if (
            day.weekday() in weekdays
            and day not in off
            and not any(a <= day <= b for a, b in unavailable)
        ):
            out.append(day)
        day += dt.timedelta(days=1)
    return tuple(out)


def daily_minutes(config: Config) -> int:
    """Minutes of one working day, ``work.start`` to ``work.end``."""
    return config.work.end_min - config.work.start_min


def working_days_per_month(mentor: Mentor, config: Config, months: int | None = None) -> list[int]:
    """The mentor's working days in each month of the longest programme (or ``months``)."""
    count = config.programme.longest_months if months is None else months
    starts = month_starts(config.programme.start_date, count)
    return [len(working_dates(mentor, a, b, config)) for a, b in itertools.pairwise(starts)]


def mentor_month_minutes(mentor: Mentor, config: Config, months: int | None = None) -> list[int]:
    """Minutes the mentor can work in each month of the longest programme.

    ``months`` counts months from the programme start instead (e.g. when a participant's
    own ``program_months`` is longer than any configured programme).
    """
    count = config.programme.longest_months if months is None else months
    if mentor.hours_per_month is not None:
        return [round(mentor.hours_per_month * 60)] * count
    if config.caseload.hours_per_month > 0:
        return [round(config.caseload.hours_per_month * 60)] * count
    per_day = daily_minutes(config)
    return [days * per_day for days in working_days_per_month(mentor, config, count)]


def whole_minutes(minutes: float) -> int:
    """Minutes rounded up to a whole minute, as the assignment's integer model counts a
    load; a hair below the next integer is that integer (float noise never rounds up)."""
    return math.ceil(minutes - 1e-9)


def working_day_capacity_min(mentor: Mentor, config: Config) -> int:
    """Working-day minutes of the mentor's tightest month of the base programme.

    Working days x :func:`daily_minutes`, whatever ``hours_per_month`` says: the
    capacity :func:`monthly_day_use_min` is measured against (a day trip takes a working
    day, however few hours the mentor is paid for).
    """
    days = working_days_per_month(mentor, config)[: config.programme.months]
    return min(days) * daily_minutes(config)


def assignable_min(mentor: Mentor, config: Config) -> int:
    """Monthly minutes the assignment may fill: ``assign.max_utilisation`` of the capacity.

    The slack absorbs what a monthly estimate cannot see — visits that do not pack into
    whole days, rides longer than average, urgent cases a mentor takes on.
    """
    return int(mentor_capacity_min(mentor, config) * config.assign.max_utilisation)


def mentor_capacity_min(mentor: Mentor, config: Config) -> int:
    """Monthly minutes the assignment may fill: the tightest month of the base programme."""
    months = mentor_month_minutes(mentor, config)[: config.programme.months]
    return min(months)


def month_of(day: dt.date, starts: Sequence[dt.date]) -> int:
    """Programme month (1..n) of ``day`` given :func:`month_starts`; 0 before the start,
    ``len(starts)`` after the end."""
    return bisect.bisect_right(starts, day) if day >= starts[0] else 0


def remaining_targets(
    targets: Sequence[int], held: Sequence[int], open_from: int, max_per_month: int
) -> tuple[int, ...]:
    """Sessions still to plan in each month of a programme under way (re-plan).

    Months before ``open_from`` (0-based; the month holding the as-of date) are past: nothing
    more is planned there. Each open month still needs its target less what was already
    held in it; what past months lacked is caught up in the earliest open months, never
    above ``max_per_month`` sessions in a month (held ones included).

    >>> remaining_targets((3, 3, 3), (1, 2, 0), open_from=1, max_per_month=4)
    (0, 2, 4)
    """
    behind = sum(max(0, t - h) for t, h in zip(targets[:open_from], held[:open_from], strict=True))
    out = [0] * len(targets)
    for k in range(open_from, len(targets)):
        out[k] = max(0, targets[k] - held[k])
        extra = min(behind, max(0, max_per_month - held[k] - out[k]))
        out[k] += extra
        behind -= extra
    return tuple(out)


def remaining_onsite(
    onsite: Sequence[int],
    held_onsite: Sequence[int],
    planned: Sequence[int],
    open_from: int,
    online_ok: bool,
) -> tuple[int, ...]:
    """Onsite visits still required in each month of a programme under way (re-plan).

    Each open month keeps its own minimum less the visits already held in it; visits the
    programme minimum still lacks (past months short of onsite visits) go to the earliest
    open months, within the sessions planned there (``planned``, from
    :func:`remaining_targets`). A participant who cannot be met online has every planned
    session onsite.
    """
    out = [0] * len(onsite)
    for k in range(open_from, len(onsite)):
        want = planned[k] if not online_ok else max(0, onsite[k] - held_onsite[k])
        out[k] = min(want, planned[k])
    lacking = sum(onsite) - sum(held_onsite) - sum(out)
    for k in range(open_from, len(onsite)):
        extra = min(max(0, lacking), planned[k] - out[k])
        out[k] += extra
        lacking -= extra
    return tuple(out)
