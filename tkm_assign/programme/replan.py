"""Minimal-change re-planning: the past is fact, the rest of the programme is planned again.

From the day after the as-of date, in this order of importance (lexicographic, by weights):

1. **serve and meet the remaining targets, high need first.** The assignment engine
   (:func:`tkm_assign.assign.assign`) runs again on the participants still in the
   programme with the mentors still in it; its skip costs put serving first and high need
   before medium and low. The schedule (:func:`tkm_assign.schedule.schedule` with a
   :class:`~tkm_assign.schedule.replan.ReplanState`) counts the sessions held, catches up
   what the months already over lacked within ``sessions.max_per_month``, and keeps every
   rule of a fresh plan (spacing, onsite minimums, working days, holidays, leave).
2. **fewest reassignments, each explained.** Every participant keeps the mentor of the
   plan as its ``current_mentor_id`` unless something forces a change — the mentor left or
   leaves before the participant's programme ends (``active_until``), the mentor is now
   excluded, the pin names another mentor. Moving a participant (or leaving it without a
   mentor) costs ``replan.change_weight``, above serving one more participant, so nobody
   is moved only to take in someone waiting: places freed by withdrawals go to waiting
   and new participants as they are. A mentor's hours are those of the months left: a
   leave still to come lowers them in proportion (:func:`_for_assignment_mentor`); where
   they no longer hold every participant, the fewest move (forced, the mentor's leave).
3. **fewest moved future sessions.** Each mentor's earlier plan is repaired
   (:func:`tkm_assign.schedule.repair.repair_mentor`): every earlier session that still
   keeps the rules stays exactly, only what is missing is added (catch-ups, a new or
   handed-over participant's sessions, sessions displaced by leave or a holiday).
4. **travel**, inside the assignment and the day routes as in a fresh plan.

Every session keeps a stable calendar ``uid`` across re-plans while it is the same
participant, mentor and planned slot: a session kept or moved keeps its uid (a move raises
its ``sequence``); an added one gets a new uid; one no longer planned is cancelled (its uid,
``sequence`` raised, ``STATUS:CANCELLED`` in the calendar). Every reassignment and every
added, moved, cancelled and missed session is a :class:`Change` with its specific reason
(:mod:`tkm_assign.programme.reasons`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tkm_assign import notify, rules
from tkm_assign.assign import assign
from tkm_assign.audit.facts import build_facts
from tkm_assign.errors import PlanWarning
from tkm_assign.geo.candidates import find_candidates
from tkm_assign.geo.travel import TravelModel
from tkm_assign.messages import Message
from tkm_assign.model import (
    UID_DOMAIN,
    Assignment,
    Candidates,
    Mentor,
    Mode,
    Participant,
    ParticipantStatus,
    Problem,
    Schedule,
    Session,
)
from tkm_assign.programme.follow import Followed
from tkm_assign.programme.plan import HELD, PLANNED, CurrentPlan, PlanSession
from tkm_assign.programme.progress import _hand
from tkm_assign.programme.reasons import ChangeReasons
from tkm_assign.schedule import ReplanState, schedule

__all__ = [
    "ADDED",
    "CANCELLED",
    "MISSED",
    "MOVED",
    "REASSIGNED",
    "Change",
    "Replanned",
    "replan_programme",
]

REASSIGNED, ADDED, MOVED, CANCELLED, MISSED = "reassigned", "added", "moved", "cancelled", "missed"
KINDS = (REASSIGNED, ADDED, MOVED, CANCELLED, MISSED)


@dataclass(frozen=True, slots=True)
class Change:
    """One change a re-plan makes (or one missed session it reports).

    ``mentor_id`` is the new mentor (or the session's); ``previous_*`` what the earlier plan
    said. ``forced`` tells a reassignment the re-plan had to make from one it chose.
    """

    kind: str
    participant_id: str
    reason: Message
    mentor_id: str = ""
    previous_mentor_id: str = ""
    uid: str = ""
    sequence: int = 0
    date: dt.date | None = None
    start_min: int | None = None
    mode: Mode | None = None
    previous_date: dt.date | None = None
    previous_start_min: int | None = None
    previous_mode: Mode | None = None
    forced: bool = False


@dataclass(frozen=True)
class Replanned:
    """The re-planned programme.

    Attributes
    ----------
    as_of
        The last day the logbook covers; ``plan_from`` the day after it.
    problem
        The participants still to plan (not withdrawn, programme not over) and every mentor
        (those who left get no one); what the tables and outputs are written for.
    candidates, assignment
        The assignment step's candidates and result (over ``problem``).
    schedule
        Sessions held (from the logbook, ids ``log-<row>``) and sessions planned from
        ``plan_from`` on; day routes of both; shortfalls from the month holding
        ``plan_from``.
    status
        Session id -> ``held`` or ``planned``.
    sessions
        The planned sessions with their calendar identity (the next plan to follow).
    cancelled
        Sessions of the earlier plan no longer planned (``sequence`` raised).
    changes
        Every reassignment and every added, moved, cancelled and missed session.
    summary
        JSON-ready counts (``replan`` in ``summary.json``).
    """

    as_of: dt.date
    plan_from: dt.date
    problem: Problem
    candidates: Candidates
    assignment: Assignment
    schedule: Schedule
    status: Mapping[str, str]
    sessions: tuple[PlanSession, ...]
    cancelled: tuple[PlanSession, ...]
    changes: tuple[Change, ...]
    summary: Mapping[str, Any]

    def as_plan(self, source: str = "replan") -> CurrentPlan:
        """The re-planned programme as the plan to follow next."""
        return CurrentPlan(dict(self.assignment.mentor_of), self.sessions, source)


def replan_programme(
    problem: Problem,
    plan: CurrentPlan,
    followed: Followed,
    travel: TravelModel,
    *,
    keep: bool = True,
) -> Replanned:
    """Plan the rest of the programme with as few changes as the rules allow.

    Parameters
    ----------
    problem
        Participants and mentors as they are now (``status``, ``status_date``,
        ``start_date``, ``active_until``, ``unavailable``, new rows).
    plan
        The plan being followed.
    followed
        The plan matched against the logbook up to the as-of date.
    travel
        The travel model.
    keep
        ``False`` plans the rest of the programme from scratch on the same state (nobody
        keeps a current mentor, no earlier day is kept): the comparison of the benchmark.

    Returns
    -------
    Replanned
    """
    config = problem.config
    as_of = followed.as_of
    plan_from = as_of + dt.timedelta(days=1)
    horizon = max(
        [
            config.programme.longest_months,
            *(rules.programme_window(p, config)[1] for p in problem.participants),
        ]
    )
    starts = rules.month_starts(config.programme.start_date, horizon + 1)
    gone = {m.mentor_id: m for m in problem.mentors if _left_by(m, plan_from)}
    staying = tuple(m for m in problem.mentors if m.mentor_id not in gone)
    active = tuple(p for p in problem.participants if _still_in(p, plan_from, starts, config))
    forced: dict[str, Message] = {}
    sub_people = []
    for p in active:
        person, why = _for_assignment(p, plan, gone, staying, plan_from, starts, config)
        if not keep:
            person = dataclasses.replace(person, current_mentor_id=None)
        sub_people.append(person)
        if why is not None:
            forced[p.participant_id] = why
    weights = dataclasses.replace(config.assign.weights, change=config.replan.change_weight)
    sub_config = dataclasses.replace(
        config, assign=dataclasses.replace(config.assign, weights=weights)
    )
    # Every mentor stays in the problem (so that a mentor who left gets the cancellations in
    # its calendar); the assignment excludes those who left for everyone.
    for_assignment = tuple(_for_assignment_mentor(m, plan_from, config) for m in problem.mentors)
    shorter = {
        m.mentor_id: m
        for m, a in zip(problem.mentors, for_assignment, strict=True)
        if a.hours_per_month != m.hours_per_month and m.mentor_id not in gone
    }
    sub = dataclasses.replace(
        problem, participants=tuple(sub_people), mentors=for_assignment, config=sub_config
    )
    notify.progress("step.candidates", 0, 1)
    candidates = find_candidates(sub, travel)
    notify.progress("step.candidates", 1, 1)
    notify.progress("step.assign", 0, 1)
    assignment = assign(sub, candidates)
    notify.progress("step.assign", 1, 1)

    scheduled = dataclasses.replace(problem, participants=active)
    searching = dataclasses.replace(
        config,
        schedule=dataclasses.replace(
            config.schedule, placement_limit=config.replan.placement_limit
        ),
    )
    held = tuple(e.held() for e in followed.held)
    previous = tuple(
        s.as_session(rules.month_of(s.date, starts))
        for s in plan.sessions
        if s.date >= plan_from and keep
    )
    future = schedule(
        dataclasses.replace(scheduled, config=searching),
        assignment,
        travel,
        replan=ReplanState(
            plan_from,
            held,
            previous,
            repair=keep,
            plan_short_again=config.replan.plan_short_again,
        ),
    )
    future = _end_withdrawals(_renamed(future, plan_from), scheduled)
    combined, status = _with_held(scheduled, followed, future, travel)

    changes, sessions, cancelled = _changes(
        problem, plan, followed, assignment, future, forced, shorter, plan_from
    )
    summary = _summary(problem, plan, followed, active, assignment, changes, sessions, plan_from)
    return Replanned(
        as_of=as_of,
        plan_from=plan_from,
        problem=scheduled,
        candidates=candidates,
        assignment=assignment,
        schedule=combined,
        status=status,
        sessions=sessions,
        cancelled=cancelled,
        changes=changes,
        summary=summary,
    )


def _left_by(mentor: Mentor, day: dt.date) -> bool:
    return mentor.active_until is not None and mentor.active_until < day


def _still_in(p: Participant, plan_from: dt.date, starts: Sequence[dt.date], config: Any) -> bool:
    """Not withdrawn by ``plan_from`` and with programme time left from it."""
    if p.status is ParticipantStatus.WITHDRAWN and p.status_date and p.status_date <= plan_from:
        return False
    _, last = rules.programme_window(p, config)
    return starts[last] > plan_from


def _programme_end(p: Participant, starts: Sequence[dt.date], config: Any) -> dt.date:
    """The participant's last programme day."""
    _, last = rules.programme_window(p, config)
    return starts[last] - dt.timedelta(days=1)


def _for_assignment(
    p: Participant,
    plan: CurrentPlan,
    gone: Mapping[str, Mentor],
    staying: Sequence[Mentor],
    plan_from: dt.date,
    starts: Sequence[dt.date],
    config: Any,
) -> tuple[Participant, Message | None]:
    """The participant as the assignment sees it, and why it cannot keep its mentor."""
    end = _programme_end(p, starts, config)
    leaving = {
        m.mentor_id: m for m in staying if m.active_until is not None and m.active_until < end
    }
    previous = plan.mentor_of.get(p.participant_id)
    why: Message | None = None
    if previous is not None:
        if previous in gone:
            why = Message.of(
                "replan.reason.mentor_gone",
                mentor_id=previous,
                date=gone[previous].active_until,
            )
        elif previous in leaving:
            why = Message.of(
                "replan.reason.mentor_leaves",
                mentor_id=previous,
                date=leaving[previous].active_until,
                end=end,
            )
        elif previous in p.excluded_mentor_ids:
            why = Message.of("replan.reason.excluded", mentor_id=previous)
        elif p.pinned_mentor_id is not None and p.pinned_mentor_id != previous:
            why = Message.of("replan.reason.pinned", mentor_id=p.pinned_mentor_id)
    known = {m.mentor_id for m in staying}
    excluded = frozenset(p.excluded_mentor_ids | set(leaving) | set(gone))
    pinned = p.pinned_mentor_id
    if pinned is not None and (pinned not in known or pinned in excluded):
        notify.warn(
            Message.of(
                "warning.replan_pin_dropped", participant_id=p.participant_id, mentor_id=pinned
            ),
            PlanWarning,
        )
        pinned = None
    person = dataclasses.replace(
        p,
        current_mentor_id=previous if why is None else None,
        pinned_mentor_id=pinned,
        excluded_mentor_ids=excluded,
    )
    return person, why


def _for_assignment_mentor(mentor: Mentor, plan_from: dt.date, config: Any) -> Mentor:
    """The mentor as the assignment sees it: the hours of the months left.

    The assignment measures a mentor by its tightest month; in a re-plan a leave still to
    come lowers the mentor's hours in proportion to the working days it takes from the
    rest of the programme (ten days of sick leave do not halve a month's capacity and drop
    participants), leave already over counts for nothing, and leaving is a rule per
    participant (excluded where its programme runs past ``active_until``), not a shorter
    month. The schedule plans around every leave day as usual.
    """
    start = config.programme.start_date
    end = max(
        rules.add_months(start, config.programme.months),
        plan_from + dt.timedelta(days=28),
    )
    free = dataclasses.replace(mentor, active_until=None, unavailable=())
    every = rules.working_dates(free, plan_from, end, config)
    left = rules.working_dates(
        dataclasses.replace(mentor, active_until=None), plan_from, end, config
    )
    if not every or len(left) == len(every):
        return free
    monthly = min(rules.mentor_month_minutes(free, config)[: config.programme.months])
    hours = monthly * len(left) / len(every) / 60.0
    return dataclasses.replace(free, hours_per_month=max(hours, 1.0 / 60.0))


def _renamed(future: Schedule, plan_from: dt.date) -> Schedule:
    """Session ids unique across re-plans (``M07-012-r20270819``): a logbook may name the
    sessions of the plan and of every re-plan."""
    tag = f"-r{plan_from:%Y%m%d}"
    return dataclasses.replace(
        future,
        sessions=tuple(
            dataclasses.replace(s, session_id=s.session_id + tag) for s in future.sessions
        ),
    )


def _end_withdrawals(future: Schedule, problem: Problem) -> Schedule:
    """Sessions of a participant withdrawing later are planned up to its ``status_date``."""
    ends = {
        p.participant_id: p.status_date
        for p in problem.participants
        if p.status is ParticipantStatus.WITHDRAWN and p.status_date is not None
    }
    if not ends:
        return future

    def kept(s: Session) -> bool:
        end = ends.get(s.participant_id)
        return end is None or s.date < end

    sessions = tuple(s for s in future.sessions if kept(s))
    dropped = {(s.mentor_id, s.date, s.participant_id) for s in future.sessions if not kept(s)}
    routes = []
    for r in future.routes:
        stops = tuple(pid for pid in r.stops if (r.mentor_id, r.date, pid) not in dropped)
        if stops:
            routes.append(dataclasses.replace(r, stops=stops))
    return dataclasses.replace(future, sessions=sessions, routes=tuple(routes))


def _with_held(
    problem: Problem, followed: Followed, future: Schedule, travel: TravelModel
) -> tuple[Schedule, dict[str, str]]:
    """The held sessions (from the logbook) and the future ones as one schedule (the held
    sessions of participants still in the programme)."""
    starts = future.month_starts
    # The re-planned programme's tables hold the sessions of the participants still in it;
    # every held session (withdrawn participants' too) is in the logbook and in progress.
    index = problem.participant_index
    mine = [e for e in followed.held if e.participant_id in index]
    hand = _hand(problem, _all_mentors(problem, followed), held=mine)
    facts = build_facts(problem, hand, travel)
    held_sessions = []
    for s in hand.sessions or ():
        held_sessions.append(
            Session(
                session_id=_held_id(s.row),
                mentor_id=s.mentor_id,
                participant_id=s.participant_id,
                date=s.date,
                start_min=s.start_min,
                end_min=s.end_min,
                mode=s.mode,
                month=rules.month_of(s.date, starts),
                travel_min_before=facts.travel_before.get(s.session_id, 0),
            )
        )
    held_routes = [r.route() for r in facts.routes if r.reachable]
    order = {m.mentor_id: k for k, m in enumerate(problem.mentors)}
    sessions = sorted(
        [*held_sessions, *future.sessions],
        key=lambda s: (order.get(s.mentor_id, len(order)), s.date, s.start_min),
    )
    routes = sorted(
        [*held_routes, *future.routes], key=lambda r: (order.get(r.mentor_id, len(order)), r.date)
    )
    status = {s.session_id: HELD for s in held_sessions}
    status.update({s.session_id: PLANNED for s in future.sessions})
    combined = dataclasses.replace(future, sessions=tuple(sessions), routes=tuple(routes))
    return combined, status


def _all_mentors(problem: Problem, followed: Followed) -> CurrentPlan:
    """A plan naming each held session's mentor, for measuring held day routes."""
    return CurrentPlan({e.participant_id: e.mentor_id for e in followed.held}, ())


def _held_id(row: int) -> str:
    return f"log-{row}"


def new_uid(
    participant_id: str, mentor_id: str, day: dt.date, start_min: int, as_of: dt.date
) -> str:
    """The uid of a session a re-plan adds (stable: same re-plan, same uid)."""
    raw = f"{participant_id}-{mentor_id}-{day:%Y%m%d}-{start_min:04d}-r{as_of:%Y%m%d}"
    return f"{re.sub(r'[^A-Za-z0-9._-]', '_', raw)}@{UID_DOMAIN}"


def _changes(
    problem: Problem,
    plan: CurrentPlan,
    followed: Followed,
    assignment: Assignment,
    future: Schedule,
    forced: Mapping[str, Message],
    shorter: Mapping[str, Mentor],
    plan_from: dt.date,
) -> tuple[tuple[Change, ...], tuple[PlanSession, ...], tuple[PlanSession, ...]]:
    """Every change against the earlier plan, the new sessions with their uids, and the
    earlier sessions cancelled."""
    people = {p.participant_id: p for p in problem.participants}
    before: dict[str, list[PlanSession]] = defaultdict(list)
    for earlier in plan.sessions:
        if earlier.date >= plan_from:
            before[earlier.participant_id].append(earlier)
    after: dict[str, list[Session]] = defaultdict(list)
    for later in future.sessions:
        after[later.participant_id].append(later)
    why = ChangeReasons(problem, plan, followed, assignment.mentor_of, future.sessions, plan_from)
    changes: list[Change] = []
    sessions: list[PlanSession] = []
    cancelled: list[PlanSession] = []
    for miss in sorted(followed.missed, key=lambda s: (s.date, s.start_min, s.participant_id)):
        changes.append(
            Change(
                MISSED,
                miss.participant_id,
                Message.of("replan.reason.missed", date=miss.date),
                mentor_id=miss.mentor_id,
                uid=miss.uid,
                sequence=miss.sequence,
                previous_date=miss.date,
                previous_start_min=miss.start_min,
                previous_mode=miss.mode,
            )
        )
    pids = list(dict.fromkeys([*plan.mentor_of, *(p.participant_id for p in problem.participants)]))
    for pid in pids:
        old = plan.mentor_of.get(pid)
        new = assignment.mentor_of.get(pid)
        person = people.get(pid)
        if pid in assignment.mentor_of and old != new:
            reason = forced.get(pid)
            if reason is None and old is not None and old in shorter:
                reason = _fewer_hours(shorter[old], plan_from)
            changes.append(_reassignment(pid, old, new, reason, assignment))
        mine_before = sorted(before.get(pid, []), key=lambda s: (s.date, s.start_min))
        mine_after = sorted(after.get(pid, []), key=lambda s: (s.date, s.start_min))
        if new is None or old != new:
            why_gone = why.cancelled_with_mentor(person, old, new, forced.get(pid))
            for earlier in mine_before:
                cancelled.append(_cancel(earlier))
                changes.append(_cancelled(earlier, why_gone))
            why_new = (
                Message.of("replan.reason.handover", mentor_id=new, previous=old)
                if old is not None
                else Message.of("replan.reason.newly_assigned", mentor_id=new)
            )
            for later in mine_after:
                made = _made(later, followed.as_of)
                sessions.append(made)
                changes.append(_added(made, why_new))
            continue
        kept, moved, added, dropped = _match(mine_before, mine_after)
        for old_s, new_s in kept:
            sessions.append(_same(old_s, new_s))
        for old_s, new_s in moved:
            made = dataclasses.replace(_same(old_s, new_s), sequence=old_s.sequence + 1)
            sessions.append(made)
            changes.append(
                Change(
                    MOVED,
                    pid,
                    why.moved(old_s, new_s),
                    mentor_id=new,
                    previous_mentor_id=old or "",
                    uid=made.uid,
                    sequence=made.sequence,
                    date=made.date,
                    start_min=made.start_min,
                    mode=made.mode,
                    previous_date=old_s.date,
                    previous_start_min=old_s.start_min,
                    previous_mode=old_s.mode,
                )
            )
        for new_s in added:
            made = _made(new_s, followed.as_of)
            sessions.append(made)
            changes.append(_added(made, why.added(pid)))
        for old_s in dropped:
            cancelled.append(_cancel(old_s))
            changes.append(_cancelled(old_s, why.dropped(old_s)))
    sessions.sort(key=lambda s: (s.mentor_id, s.date, s.start_min))
    return tuple(changes), tuple(sessions), tuple(cancelled)


def _reassignment(
    pid: str, old: str | None, new: str | None, why: Message | None, assignment: Assignment
) -> Change:
    if new is None:
        reason = Message.of("replan.reason.no_mentor_now", why=assignment.reasons.get(pid, ""))
        return Change(REASSIGNED, pid, reason, "", old or "", forced=True)
    if old is None:
        return Change(
            REASSIGNED, pid, Message.of("replan.reason.newly_assigned", mentor_id=new), new, ""
        )
    if why is not None:
        return Change(REASSIGNED, pid, why, new, old, forced=True)
    return Change(
        REASSIGNED,
        pid,
        Message.of("replan.reason.made_room", mentor_id=new, previous=old),
        new,
        old,
        forced=False,
    )


def _fewer_hours(mentor: Mentor, plan_from: dt.date) -> Message:
    """The mentor's leave still to come leaves too few hours for all its participants."""
    first = min((a for a, b in mentor.unavailable if b >= plan_from), default=plan_from)
    return Message.of(
        "replan.reason.fewer_hours", mentor_id=mentor.mentor_id, date=max(first, plan_from)
    )


def _match(
    before: Sequence[PlanSession], after: Sequence[Session]
) -> tuple[
    list[tuple[PlanSession, Session]],
    list[tuple[PlanSession, Session]],
    list[Session],
    list[PlanSession],
]:
    """Kept (same day, time and mode), moved (the rest, paired in date order), added and
    dropped sessions of one participant with one mentor."""
    slot = {(s.date, s.start_min, s.mode): s for s in before}
    kept = []
    rest_after = []
    used = set()
    for s in after:
        old = slot.get((s.date, s.start_min, s.mode))
        if old is not None and old.uid not in used:
            kept.append((old, s))
            used.add(old.uid)
        else:
            rest_after.append(s)
    rest_before = [s for s in before if s.uid not in used]
    # The rest is paired nearest first (same mode before another mode, then the fewest days
    # apart), so a moved session names the earlier session it replaces, not one months away.
    pairs = sorted(
        (
            (o.mode != n.mode, abs((n.date - o.date).days), abs(n.start_min - o.start_min), i, j)
            for i, o in enumerate(rest_before)
            for j, n in enumerate(rest_after)
        )
    )
    taken_before: set[int] = set()
    taken_after: set[int] = set()
    moved = []
    for *_, i, j in pairs:
        if i not in taken_before and j not in taken_after:
            taken_before.add(i)
            taken_after.add(j)
            moved.append((rest_before[i], rest_after[j]))
    moved.sort(key=lambda pair: (pair[1].date, pair[1].start_min))
    added = [n for j, n in enumerate(rest_after) if j not in taken_after]
    dropped = [o for i, o in enumerate(rest_before) if i not in taken_before]
    return kept, moved, added, dropped


def _same(old: PlanSession, new: Session) -> PlanSession:
    return PlanSession.of(new, old.uid, old.sequence)


def _made(s: Session, as_of: dt.date) -> PlanSession:
    return PlanSession.of(s, new_uid(s.participant_id, s.mentor_id, s.date, s.start_min, as_of))


def _cancel(s: PlanSession) -> PlanSession:
    return dataclasses.replace(s, sequence=s.sequence + 1)


def _cancelled(s: PlanSession, reason: Message) -> Change:
    return Change(
        CANCELLED,
        s.participant_id,
        reason,
        mentor_id=s.mentor_id,
        uid=s.uid,
        sequence=s.sequence + 1,
        previous_date=s.date,
        previous_start_min=s.start_min,
        previous_mode=s.mode,
    )


def _added(s: PlanSession, reason: Message) -> Change:
    return Change(
        ADDED,
        s.participant_id,
        reason,
        mentor_id=s.mentor_id,
        uid=s.uid,
        sequence=s.sequence,
        date=s.date,
        start_min=s.start_min,
        mode=s.mode,
    )


def _summary(
    problem: Problem,
    plan: CurrentPlan,
    followed: Followed,
    active: Sequence[Participant],
    assignment: Assignment,
    changes: Sequence[Change],
    sessions: Sequence[PlanSession],
    plan_from: dt.date,
) -> dict[str, Any]:
    kinds = Counter(c.kind for c in changes)
    earlier = {s.uid: s for s in plan.sessions if s.date >= plan_from}
    moves = [c for c in changes if c.kind == REASSIGNED]
    in_plan = set(plan.mentor_of)
    withdrawn = [
        p.participant_id
        for p in problem.participants
        if p.status is ParticipantStatus.WITHDRAWN
        and p.status_date is not None
        and p.status_date <= plan_from
    ]
    return {
        "as_of": followed.as_of.isoformat(),
        "plan_from": plan_from.isoformat(),
        "participants_planned": len(active),
        "participants_withdrawn": len(withdrawn),
        "participants_new": sum(1 for p in active if p.participant_id not in in_plan),
        "participants_with_mentor": sum(1 for m in assignment.mentor_of.values() if m),
        "reassignments": sum(1 for c in moves if c.previous_mentor_id and c.mentor_id),
        "reassignments_forced": sum(
            1 for c in moves if c.forced and c.previous_mentor_id and c.mentor_id
        ),
        "reassignments_chosen": sum(
            1 for c in moves if not c.forced and c.previous_mentor_id and c.mentor_id
        ),
        "newly_assigned": sum(1 for c in moves if not c.previous_mentor_id and c.mentor_id),
        "left_without_mentor": sum(1 for c in moves if c.previous_mentor_id and not c.mentor_id),
        "sessions_planned": len(sessions),
        "sessions_kept": sum(
            1 for s in sessions if s.uid in earlier and s.sequence == earlier[s.uid].sequence
        ),
        **{f"sessions_{kind}": kinds[kind] for kind in (ADDED, MOVED, CANCELLED, MISSED)},
        "by_reason": dict(sorted(Counter(f"{c.kind}:{c.reason.code}" for c in changes).items())),
    }


def meeting_targets(
    problem: Problem,
    held: Sequence[Any],
    planned: Sequence[PlanSession],
    participants: Sequence[Participant],
) -> set[str]:
    """Participants whose sessions held and still planned reach their programme's session
    target (every month's target summed) and onsite minimum.

    ``held`` are logbook rows (participant_id, mode); ``planned`` future sessions.
    """
    config = problem.config
    sessions: Counter[str] = Counter()
    onsite: Counter[str] = Counter()
    for item in [*held, *planned]:
        sessions[item.participant_id] += 1
        onsite[item.participant_id] += item.mode is Mode.ONSITE
    out = set()
    for p in participants:
        first, last = rules.programme_window(p, config)
        want = rules.session_target(p, config) * (last - first + 1)
        need_onsite = sum(rules.onsite_required(p, config))
        if sessions[p.participant_id] >= want and onsite[p.participant_id] >= need_onsite:
            out.add(p.participant_id)
    return out


def would_happen(problem: Problem, sessions: Sequence[PlanSession]) -> list[PlanSession]:
    """The planned sessions that can still take place: not after the participant's
    withdrawal, not on a day the mentor is away or after the mentor left (doing nothing)."""
    people = {p.participant_id: p for p in problem.participants}
    mentors = {m.mentor_id: m for m in problem.mentors}
    out = []
    for s in sessions:
        p, m = people.get(s.participant_id), mentors.get(s.mentor_id)
        if p is None or m is None:
            continue
        if p.status is ParticipantStatus.WITHDRAWN and p.status_date and s.date >= p.status_date:
            continue
        if m.active_until is not None and s.date > m.active_until:
            continue
        if any(a <= s.date <= b for a, b in m.unavailable):
            continue
        out.append(s)
    return out
