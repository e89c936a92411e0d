"""Why a re-plan added, moved or cancelled a session: the specific reason of each change.

A re-plan keeps every earlier session that still keeps the rules, so each change has a
cause the state shows: the participant withdrew or changed mentor, the mentor is on leave
that day or the day is now a public holiday, a session held since sits too close, the
month's sessions held reach ``sessions.max_per_month``, a catch-up or a participant new
to the mentor needed the room, or a participant who left the mentor's day trips changed
them. :class:`ChangeReasons` finds it from the state (no guess from the result alone).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence

from tkm_assign import rules
from tkm_assign.messages import Message
from tkm_assign.model import Mentor, Mode, Participant, ParticipantStatus, Problem, Session
from tkm_assign.programme.follow import Followed
from tkm_assign.programme.plan import CurrentPlan, PlanSession

# Reasons that name no cause the coordinator can check (a test keeps them out of a re-plan).
GENERIC_REASONS = frozenset({"replan.reason.rescheduled"})


class ChangeReasons:
    """The specific reasons of the changes of one re-plan.

    Parameters
    ----------
    problem
        Participants and mentors as they are now.
    plan
        The earlier plan.
    followed
        The earlier plan against the logbook (sessions held and missed).
    mentor_of
        The re-plan's assignment (participant -> mentor or ``None``).
    future
        The re-plan's future sessions.
    plan_from
        The first day planned again.
    """

    def __init__(
        self,
        problem: Problem,
        plan: CurrentPlan,
        followed: Followed,
        mentor_of: Mapping[str, str | None],
        future: Sequence[Session],
        plan_from: dt.date,
    ) -> None:
        self.config = problem.config
        self.plan_from = plan_from
        self.mentors = {m.mentor_id: m for m in problem.mentors}
        self.people = {p.participant_id: p for p in problem.participants}
        last = max((s.date for s in future), default=plan_from) + dt.timedelta(days=1)
        self.holidays = rules.holiday_dates(plan_from, last, self.config)
        self.starts = rules.month_starts(
            self.config.programme.start_date, self.config.programme.longest_months + 12
        )
        self.held: dict[str, list[dt.date]] = defaultdict(list)
        self.held_per_month: Counter[tuple[str, int]] = Counter()
        for e in followed.held:
            self.held[e.participant_id].append(e.date)
            self.held_per_month[e.participant_id, rules.month_of(e.date, self.starts)] += 1
        self.missed = Counter(s.participant_id for s in followed.missed)
        # Per mentor: participants new to it, participants it lost, participants behind.
        self.gained: dict[str, list[str]] = defaultdict(list)
        self.lost: dict[str, list[str]] = defaultdict(list)
        for pid in dict.fromkeys([*plan.mentor_of, *mentor_of]):
            old, new = plan.mentor_of.get(pid), mentor_of.get(pid)
            if new is not None and old != new:
                self.gained[new].append(pid)
            if old is not None and (old != new or pid not in mentor_of):
                self.lost[old].append(pid)
        self.behind: dict[str, list[str]] = defaultdict(list)
        for pid, mentor_id in mentor_of.items():
            if mentor_id is not None and self.missed[pid]:
                self.behind[mentor_id].append(pid)

    # -- per session -------------------------------------------------------------------

    def moved(self, old: PlanSession, new: Session) -> Message:
        """Why a session kept its identity but not its slot."""
        if old.date == new.date and old.mode != new.mode:
            online = new.mode is Mode.ONLINE
            return Message.of("replan.reason.now_online" if online else "replan.reason.now_onsite")
        day = self.day_lost(old)
        if day is not None:
            return day
        return self.mentor_changed(new.mentor_id, old.participant_id)

    def dropped(self, old: PlanSession) -> Message:
        """Why a session of a participant who keeps its mentor is no longer planned."""
        person = self.people.get(old.participant_id)
        if (
            person is not None
            and person.status is ParticipantStatus.WITHDRAWN
            and person.status_date is not None
            and old.date >= person.status_date
        ):
            return Message.of("replan.reason.withdrawn", date=person.status_date)
        day = self.day_lost(old)
        if day is not None:
            return day
        return Message.of("replan.reason.not_needed")

    def added(self, pid: str) -> Message:
        """Why a participant who keeps its mentor gets a session more."""
        lacking = self.missed[pid]
        if lacking:
            return Message.of("replan.reason.catch_up", count=lacking)
        return Message.of("replan.reason.to_target")

    def day_lost(self, old: PlanSession) -> Message | None:
        """Why the earlier slot itself no longer holds, or ``None`` when it still would."""
        mentor = self.mentors.get(old.mentor_id)
        if mentor is not None:
            if any(a <= old.date <= b for a, b in mentor.unavailable):
                return Message.of(
                    "replan.reason.on_leave", mentor_id=mentor.mentor_id, date=old.date
                )
            if mentor.active_until is not None and old.date > mentor.active_until:
                return Message.of(
                    "replan.reason.mentor_gone",
                    mentor_id=mentor.mentor_id,
                    date=mentor.active_until,
                )
            if old.date.weekday() not in mentor.working_days:
                return Message.of("replan.reason.day_off", date=old.date)
        if old.date in self.holidays:
            return Message.of("replan.reason.holiday", date=old.date, name=self.holidays[old.date])
        gap = max(self.config.sessions.min_days_between, 1)
        close = [d for d in self.held[old.participant_id] if abs((old.date - d).days) < gap]
        if close:
            return Message.of("replan.reason.near_held", date=max(close), gap=gap)
        month = rules.month_of(old.date, self.starts)
        held = self.held_per_month[old.participant_id, month]
        if held >= self.config.sessions.max_per_month:
            return Message.of("replan.reason.month_full", month=month, count=held)
        return None

    def mentor_changed(self, mentor_id: str, pid: str) -> Message:
        """What changed in the mentor's calendar that moved a session of ``pid``."""
        others = [p for p in self.gained.get(mentor_id, ()) if p != pid]
        if others:
            return Message.of("replan.reason.room_for_new", participants=_ids(others))
        behind = [p for p in self.behind.get(mentor_id, ()) if p != pid]
        if pid in self.behind.get(mentor_id, ()) or behind:
            return Message.of("replan.reason.room_for_catch_up", participants=_ids(behind or [pid]))
        lost = self.lost.get(mentor_id, ())
        if lost:
            return Message.of("replan.reason.trips_after_leaving", participants=_ids(lost))
        return Message.of("replan.reason.rescheduled")

    # -- per participant ---------------------------------------------------------------

    def cancelled_with_mentor(
        self,
        person: Participant | None,
        old: str | None,
        new: str | None,
        forced: Message | None,
        gone: Mapping[str, Mentor],
    ) -> Message:
        """Why the sessions with the earlier mentor are cancelled."""
        plan_from = self.plan_from
        if person is None or (
            person.status is ParticipantStatus.WITHDRAWN
            and person.status_date is not None
            and person.status_date <= plan_from
        ):
            day = person.status_date if person is not None else plan_from
            return Message.of("replan.reason.withdrawn", date=day)
        if new is None:
            if forced is not None:
                return Message.of("replan.reason.no_mentor_because", why=forced)
            return Message.of("replan.reason.no_mentor_left")
        if forced is not None:
            return Message.of("replan.reason.handed_over_because", why=forced, mentor_id=new)
        return Message.of("replan.reason.reassigned", mentor_id=new, previous=old)


def _ids(pids: Sequence[str], most: int = 3) -> str:
    """``A, B, C`` or ``A, B, C +2``: participant ids, short enough for one row."""
    shown = ", ".join(sorted(pids)[:most])
    return shown if len(pids) <= most else f"{shown} +{len(pids) - most}"
