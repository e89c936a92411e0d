"""What each participant needs in a month, and who is served first when time is short.

A participant's month is a list of :class:`Request` (one per wanted session): the onsite
minimum first, then online sessions. Requests are kept in the order of :func:`priority_key`;
when the mentor's time runs out, the last ones are dropped first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from tkm_assign.geo.travel import UNREACHABLE_MIN
from tkm_assign.messages import Message
from tkm_assign.model import Mode
from tkm_assign.schedule.job import IntMatrix, ScheduleParams

NEED_LEVELS = 3  # high, medium, low
TIERS = 2  # within the monthly minimum, above it


@dataclass(frozen=True, slots=True)
class Request:
    """One session a participant should get this month."""

    client: int  # index into MentorJob.clients
    mode: Mode
    ordinal: int  # 0-based position among the participant's sessions of the month
    need_rank: int  # 0 high, 1 medium, 2 low


def month_requests(
    client: int, need_rank: int, sessions: int, onsite: int, online_ok: bool
) -> list[Request]:
    """``sessions`` requests: ``onsite`` onsite first, the rest online (or onsite if not allowed).

    Only the onsite minimum is planned onsite: online sessions cost no riding.
    """
    onsite = sessions if not online_ok else min(onsite, sessions)
    return [
        Request(client, Mode.ONSITE if i < onsite else Mode.ONLINE, i, need_rank)
        for i in range(sessions)
    ]


def priority_group(request: Request, params: ScheduleParams) -> int:
    """0 (kept first) .. 5 (dropped first).

    ``minimum_first``: every participant's sessions up to ``sessions.min_per_month`` (high
    need, then medium, then low), then the sessions above the minimum by need.
    ``need_first``: high-need participants completely, then medium, then low.
    """
    tier = 0 if request.ordinal < params.min_per_month else 1
    if params.priority == "need_first":
        return request.need_rank * TIERS + tier
    return tier * NEED_LEVELS + request.need_rank


def priority_key(request: Request, params: ScheduleParams) -> tuple[int, int, int]:
    """Sort key: lower is served first; ties go to the participant listed first."""
    return (priority_group(request, params), request.ordinal, request.client)


def min_gap_days(params: ScheduleParams) -> int:
    """Days between two sessions of one participant; never two on the same day."""
    return max(params.min_days_between, 1)


def spacing_capacity(dates: Sequence[dt.date], earliest: dt.date | None, gap_days: int) -> int:
    """Most sessions that fit on ``dates`` at least ``gap_days`` apart, none before ``earliest``.

    Taking the earliest allowed date each time is optimal for this count.
    """
    count, next_ok = 0, earliest
    for day in dates:
        if next_ok is None or day >= next_ok:
            count += 1
            next_ok = day + dt.timedelta(days=gap_days)
    return count


def packed_dates(
    dates: Sequence[dt.date], earliest: dt.date | None, gap_days: int, sessions: int
) -> list[dt.date]:
    """The first ``sessions`` dates of the earliest-first packing (fewer if no more fit).

    Its last date is the earliest day on which the last of ``sessions`` sessions can be.
    """
    out: list[dt.date] = []
    next_ok = earliest
    for day in dates:
        if len(out) == sessions:
            break
        if next_ok is None or day >= next_ok:
            out.append(day)
            next_ok = day + dt.timedelta(days=gap_days)
    return out


def latest_start(dates: Sequence[dt.date], sessions: int, gap_days: int) -> dt.date | None:
    """Latest first session from which ``sessions`` sessions fit on ``dates`` a gap apart.

    Taking the latest allowed date each time, from the end backwards, is optimal (the
    mirror of :func:`spacing_capacity`). ``None`` when they do not fit at all.
    """
    if sessions <= 0:
        return None
    count, next_ok = 0, None
    for day in reversed(dates):
        if next_ok is None or day <= next_ok:
            count += 1
            if count == sessions:
                return day
            next_ok = day - dt.timedelta(days=gap_days)
    return None


def look_ahead_deadlines(
    months: Sequence[Sequence[dt.date]], targets: Sequence[int], gap_days: int, spare: int = 0
) -> tuple[dt.date | None, ...]:
    """Latest date of each month's last session that still lets the next month fit its sessions.

    Months are planned one after another, and a session late in month k pushes month k+1's
    first session forward by the spacing gap. When month k+1 loses days (holidays, an
    unavailable week), its sessions only fit if they start early, so month k's last session
    must be earlier still: the deadline is the latest start of month k+1's sessions
    (:func:`latest_start`) less ``gap_days``. Month k+1 is asked for its target plus
    ``spare`` sessions (room to move its sessions around a shared trip or a busy day), or as
    many as fit its working dates at all; its own deadline counts too, but never below the
    earliest day its sessions could end (a deadline never costs a month its own sessions).
    Computed backwards from the last month.

    Parameters
    ----------
    months
        The mentor's working dates of months 1..n, each ascending.
    targets
        The participant's sessions wanted in months 1..m (m <= n).
    gap_days
        Days between two sessions of the participant.
    spare
        Extra sessions month k+1 should have room for.

    Returns
    -------
    tuple of date or None
        One per month of ``targets``; ``None`` where the next month sets no limit (the last
        month, or a next month without sessions).
    """
    deadlines: list[dt.date | None] = [None] * len(targets)
    for k in reversed(range(len(targets) - 1)):
        following = list(months[k + 1])
        wanted = min(targets[k + 1] + spare, spacing_capacity(following, None, gap_days))
        if wanted <= 0:
            continue
        own = deadlines[k + 1]
        if own is not None:
            own = max(own, packed_dates(following, None, gap_days, wanted)[-1])
            following = [day for day in following if day <= own]
        first = latest_start(following, wanted, gap_days)
        if first is not None:
            deadlines[k] = first - dt.timedelta(days=gap_days)
    return tuple(deadlines)


def month_deadline(
    dates: Sequence[dt.date],
    earliest: dt.date | None,
    gap_days: int,
    sessions: int,
    deadline: dt.date | None,
) -> dt.date | None:
    """The look-ahead ``deadline`` for this month, moved later where it would cost sessions.

    ``sessions`` (those asked this month) must still fit between ``earliest`` and the
    deadline a gap apart; the deadline moves to the earliest day they can end if not.
    ``None`` when nothing limits the month (no deadline, or one after its last working date).
    """
    if deadline is None or not dates:
        return None
    packed = packed_dates(dates, earliest, gap_days, sessions)
    if packed:
        deadline = max(deadline, packed[-1])
    return deadline if deadline < dates[-1] else None


def day_trip_problem(travel_min: IntMatrix, node: int, params: ScheduleParams) -> Message | None:
    """Why the mentor cannot visit ``node`` even alone in one day, or ``None`` if it can."""
    out, back = int(travel_min[0, node]), int(travel_min[node, 0])
    if out >= UNREACHABLE_MIN or back >= UNREACHABLE_MIN:
        return Message.of("reason.no_land_route")
    if out + back > params.max_travel_day_min:
        return Message.of(
            "reason.day_trip_too_long", travel_min=out, limit_min=params.max_travel_day_min
        )
    if out + back + params.onsite_min > params.day_min:
        return Message.of(
            "reason.day_trip_beyond_day",
            travel_min=out,
            visit_min=params.onsite_min,
            day_min=params.day_min,
        )
    return None
