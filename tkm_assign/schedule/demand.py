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


def day_trip_problem(travel_min: IntMatrix, node: int, params: ScheduleParams) -> str | None:
    """Why the mentor cannot visit ``node`` even alone in one day, or ``None`` if it can."""
    out, back = int(travel_min[0, node]), int(travel_min[node, 0])
    if out >= UNREACHABLE_MIN or back >= UNREACHABLE_MIN:
        return "no onsite visit possible: no land route from the mentor's home (another island)"
    if out + back > params.max_travel_day_min:
        return (
            f"too far for a day trip: {out} min one way, "
            f"daily limit {params.max_travel_day_min} min round trip"
        )
    if out + back + params.onsite_min > params.day_min:
        return (
            f"too far for a day trip: {out} min one way and back plus the "
            f"{params.onsite_min}-min visit exceed the {params.day_min}-min working day"
        )
    return None
