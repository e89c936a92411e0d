"""The plan against the logbook: which planned sessions were held, which were missed.

A logbook row fulfils a planned session of the same participant, looked for in this
order: the planned session it names (``session_id``, or the calendar ``uid``); a session
planned on the same day (whoever held it: a substitute's session counts); a session
planned in the same programme month that no other row fulfils (held on another day of the
month). A planned session on or before the as-of date that no row fulfils is **missed**;
a row that fulfils none is an extra session (a catch-up, an urgent case). Sessions are
never moved into the past: what was missed stays missed, and the re-plan catches up.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from tkm_assign import rules
from tkm_assign.io.logbook import Logbook, LogbookEntry
from tkm_assign.programme.plan import CurrentPlan, PlanSession

__all__ = ["Followed", "follow"]


@dataclass(frozen=True)
class Followed:
    """The programme up to ``as_of``: the plan's past sessions split into held and missed.

    Attributes
    ----------
    as_of
        The last day the logbook covers.
    held
        Every logbook row up to ``as_of``, in date order.
    fulfils
        Logbook row -> uid of the planned session it fulfils (rows fulfilling none are
        extra sessions).
    missed
        Planned sessions on or before ``as_of`` that no row fulfils.
    planned_past
        Every planned session on or before ``as_of``.
    future
        Planned sessions after ``as_of``.
    """

    as_of: dt.date
    held: tuple[LogbookEntry, ...]
    fulfils: Mapping[int, str]
    missed: tuple[PlanSession, ...]
    planned_past: tuple[PlanSession, ...]
    future: tuple[PlanSession, ...]

    def held_of(self) -> dict[str, list[LogbookEntry]]:
        """Participant id -> the rows of its sessions, in date order."""
        out: dict[str, list[LogbookEntry]] = defaultdict(list)
        for e in self.held:
            out[e.participant_id].append(e)
        return out


def follow(plan: CurrentPlan, logbook: Logbook, month_starts: Sequence[dt.date]) -> Followed:
    """Match the logbook to the plan (see the module docstring).

    Parameters
    ----------
    plan
        The plan being followed.
    logbook
        The validated logbook; its ``as_of`` is the last day it covers.
    month_starts
        :func:`tkm_assign.rules.month_starts` of the programme, long enough to hold every
        session of the plan and the logbook.

    Returns
    -------
    Followed
    """
    as_of = logbook.as_of
    held = tuple(e for e in logbook.entries if e.date <= as_of)
    past = tuple(s for s in plan.sessions if s.date <= as_of)
    future = tuple(s for s in plan.sessions if s.date > as_of)
    planned_of: dict[str, list[PlanSession]] = defaultdict(list)
    for s in past:
        planned_of[s.participant_id].append(s)
    rows_of: dict[str, list[LogbookEntry]] = defaultdict(list)
    for e in held:
        rows_of[e.participant_id].append(e)
    fulfils: dict[int, str] = {}
    for pid, rows in rows_of.items():
        fulfils.update(_match(rows, planned_of.get(pid, []), month_starts))
    taken = set(fulfils.values())
    missed = tuple(s for s in past if s.uid not in taken)
    return Followed(as_of, held, fulfils, missed, past, future)


def _match(
    rows: Sequence[LogbookEntry], planned: Sequence[PlanSession], starts: Sequence[dt.date]
) -> dict[int, str]:
    """One participant's rows -> the uids of the planned sessions they fulfil."""
    out: dict[int, str] = {}
    free = {s.uid: s for s in sorted(planned, key=lambda s: (s.date, s.start_min))}
    by_name = {name: s.uid for s in planned for name in (s.session_id, s.uid)}
    for e in rows:
        uid = by_name.get(e.session_id) if e.session_id else None
        if uid is not None and uid in free:
            out[e.row] = uid
            del free[uid]
    for same in (_same_day, _same_month):
        for e in rows:
            if e.row in out:
                continue
            uid = next((u for u, s in free.items() if same(e, s, starts)), None)
            if uid is not None:
                out[e.row] = uid
                del free[uid]
    return out


def _same_day(e: LogbookEntry, s: PlanSession, starts: Sequence[dt.date]) -> bool:
    return s.date == e.date


def _same_month(e: LogbookEntry, s: PlanSession, starts: Sequence[dt.date]) -> bool:
    return rules.month_of(s.date, starts) == rules.month_of(e.date, starts)
