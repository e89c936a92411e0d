"""Planning a programme under way: the past is fact, the future is plan.

:class:`ReplanState` tells :func:`tkm_assign.schedule.schedule` what happened before an
as-of date and what an earlier plan said about the time after it:

- no session is planned before ``as_of``: a planned session that was not held is missed,
  never moved into the past;
- sessions ``held`` count toward their month's target and onsite minimum and toward the
  programme's onsite minimum, and the spacing rule keeps new sessions at least
  ``sessions.min_days_between`` days after the last held one;
- a participant behind (past months below target) gets catch-up sessions in the earliest
  remaining months, never above ``sessions.max_per_month`` in a month
  (:func:`tkm_assign.rules.remaining_targets`); onsite visits the programme still lacks
  come first (:func:`tkm_assign.rules.remaining_onsite`);
- sessions of the ``previous`` plan from ``as_of`` on are kept where they were when the
  rules allow: their day trips are formed again as they were and placed on the same days,
  so a re-plan with nothing changed moves no session;
- with ``repair``, each mentor's earlier plan is repaired instead
  (:func:`~.repair.repair_mentor`: every earlier session that keeps the rules stays as it
  was, only what is missing is added); with ``plan_short_again`` too, the full planner
  runs for each mentor whose repaired plan still falls short, and its plan is taken where
  it serves more.

The schedule returned holds only the sessions planned from ``as_of`` on; shortfalls cover
the months from the one holding ``as_of``, with held sessions counted in ``planned``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

from tkm_assign.model import Mode, Session


@dataclass(frozen=True, slots=True)
class HeldSession:
    """A session that took place (a logbook row)."""

    participant_id: str
    mentor_id: str
    date: dt.date
    mode: Mode
    duration_min: int


@dataclass(frozen=True)
class ReplanState:
    """What a re-plan starts from; see the module docstring.

    Parameters
    ----------
    as_of
        First day still to plan; every held session is before it.
    held
        Sessions that took place, any mentor (a substitute's session counts for the
        participant).
    previous
        Sessions of an earlier plan; those from ``as_of`` on are kept where possible.
    repair
        Repair each mentor's earlier plan (keep what holds, add what is missing) rather
        than plan it again; see the module docstring.
    plan_short_again
        With ``repair``: plan again in full each mentor whose repaired plan falls short.
    """

    as_of: dt.date
    held: tuple[HeldSession, ...] = ()
    previous: tuple[Session, ...] = ()
    repair: bool = False
    plan_short_again: bool = False

    def __post_init__(self) -> None:
        late = [h for h in self.held if h.date >= self.as_of]
        if late:
            raise ValueError(
                f"{len(late)} held session(s) on or after the as-of date {self.as_of}, "
                f"first on {late[0].date}"
            )

    def held_of(self, participant_id: str) -> list[HeldSession]:
        return list(self._held_by_participant.get(participant_id, ()))

    def held_by(self, mentor_id: str) -> list[HeldSession]:
        """The sessions this mentor held (its own, not a substitute's for its participants)."""
        return list(self._held_by_mentor.get(mentor_id, ()))

    def future_of(self, participant_id: str, mentor_id: str) -> list[Session]:
        """The earlier plan's sessions of this participant with this mentor from ``as_of`` on."""
        return list(self._future_by_pair.get((participant_id, mentor_id), ()))

    @cached_property
    def _held_by_participant(self) -> dict[str, list[HeldSession]]:
        out: dict[str, list[HeldSession]] = defaultdict(list)
        for h in self.held:
            out[h.participant_id].append(h)
        return dict(out)

    @cached_property
    def _held_by_mentor(self) -> dict[str, list[HeldSession]]:
        out: dict[str, list[HeldSession]] = defaultdict(list)
        for h in self.held:
            out[h.mentor_id].append(h)
        return dict(out)

    @cached_property
    def _future_by_pair(self) -> dict[tuple[str, str], list[Session]]:
        out: dict[tuple[str, str], list[Session]] = defaultdict(list)
        for s in self.previous:
            if s.date >= self.as_of:
                out[s.participant_id, s.mentor_id].append(s)
        return {k: sorted(v, key=lambda s: (s.date, s.start_min)) for k, v in out.items()}


def held_by_month(
    held: Sequence[HeldSession], starts: Sequence[dt.date], months: int
) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Held sessions and held onsite visits in each of ``months`` programme months."""
    sessions, onsite = [0] * months, [0] * months
    for h in held:
        for k in range(months):
            if starts[k] <= h.date < starts[k + 1]:
                sessions[k] += 1
                onsite[k] += h.mode is Mode.ONSITE
    return tuple(sessions), tuple(onsite)
