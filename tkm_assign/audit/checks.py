"""The rules a plan is checked against: one function per rule, each returning its findings.

A finding is a :class:`Finding` with a rule code, a severity (``violation`` breaks a rule of
the programme or the configuration; ``note`` is allowed but worth a look, e.g. a sector
mismatch under the soft sector rule), the mentor, participant, date and month concerned and
plain-words details with the numbers. :data:`ASSIGNMENT_CHECKS` run on every plan;
:data:`SCHEDULE_CHECKS` when the plan has sessions.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from tkm_assign import rules
from tkm_assign.audit.facts import PlanFacts
from tkm_assign.geo.travel import UNREACHABLE_MIN
from tkm_assign.messages import MESSAGES, Message, Value
from tkm_assign.model import Mode

VIOLATION = "violation"
NOTE = "note"

# Rule codes in the order they are reported; their titles are the catalogue's ``rule.*``.
RULES: tuple[str, ...] = tuple(
    code.removeprefix("rule.") for code in MESSAGES if code.startswith("rule.")
)
# Sessions shorter or longer than this are outside the recommended 1–2 hours.
SESSION_MIN_MIN, SESSION_MAX_MIN = 60, 120


@dataclass(frozen=True, slots=True)
class Finding:
    rule: str
    severity: str
    mentor_id: str
    participant_id: str
    date: dt.date | None
    month: int | None
    details: Message


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def check_caseload(facts: PlanFacts) -> list[Finding]:
    """More participants than the mentor's caseload limit (:func:`rules.effective_caseload`:
    own ``max_caseload`` capped by ``caseload.max``, the limit the assignment keeps)."""
    out = []
    for mid, pids in facts.caseload.items():
        cap = rules.effective_caseload(facts.mentors[mid], facts.config)
        if len(pids) > cap:
            out.append(
                Finding(
                    "caseload",
                    VIOLATION,
                    mid,
                    "",
                    None,
                    None,
                    Message.of("finding.caseload", count=len(pids), cap=cap),
                )
            )
    return out


def check_monthly_hours(facts: PlanFacts) -> list[Finding]:
    """Estimated monthly load (rules.monthly_load_min) above the mentor's monthly capacity."""
    out = []
    for mid, pids in facts.caseload.items():
        if not pids:
            continue
        need = sum(facts.estimated_load_min(pid) for pid in pids)
        have = rules.mentor_capacity_min(facts.mentors[mid], facts.config)
        if need > have:
            out.append(
                Finding(
                    "monthly_hours",
                    VIOLATION,
                    mid,
                    "",
                    None,
                    None,
                    Message.of("finding.monthly_hours", need_h=need / 60, have_h=have / 60),
                )
            )
    return out


def check_riding_days(facts: PlanFacts) -> list[Finding]:
    """Working days the assignment needs above those the mentor has in the tightest month:
    the riding-days rule of the assignment (:func:`rules.monthly_day_use_min` against
    :func:`rules.working_day_capacity_min`; a visit too far to share its day takes a day)."""
    out = []
    for mid, pids in facts.caseload.items():
        if not pids:
            continue
        need = sum(facts.estimated_day_use_min(pid) for pid in pids)
        have = rules.working_day_capacity_min(facts.mentors[mid], facts.config)
        if need > have:
            day = rules.daily_minutes(facts.config)
            out.append(
                Finding(
                    "riding_days",
                    VIOLATION,
                    mid,
                    "",
                    None,
                    None,
                    Message.of("finding.riding_days", need_days=need / day, have_days=have / day),
                )
            )
    return out


def check_province(facts: PlanFacts) -> list[Finding]:
    """Mentor and participant in different provinces under ``province_rule = "same"``
    (:func:`rules.province_rule_holds`; a pin to the mentor is allowed, as in planning)."""
    out = []
    for pid, mid in facts.plan.mentor_of.items():
        if mid is None:
            continue
        person, mentor = facts.people[pid], facts.mentors[mid]
        p_code = person.location.province_code
        m_code = mentor.location.province_code
        if not rules.province_rule_holds(person, mentor, facts.config):
            out.append(
                Finding(
                    "province",
                    VIOLATION,
                    mid,
                    pid,
                    None,
                    None,
                    Message.of(
                        "finding.province", participant_province=p_code, mentor_province=m_code
                    ),
                )
            )
    return out


def check_sector(facts: PlanFacts) -> list[Finding]:
    """Participant's sector not among the mentor's (:func:`rules.sector_match`): a violation
    where the hard rule does not hold (:func:`rules.sector_rule_holds`), else a note."""
    out = []
    for pid, mid in facts.plan.mentor_of.items():
        if mid is None:
            continue
        person, mentor = facts.people[pid], facts.mentors[mid]
        sector = person.sector
        if not rules.sector_match(person, mentor):
            holds = rules.sector_rule_holds(person, mentor, facts.config)
            severity = NOTE if holds else VIOLATION
            expertise = ", ".join(sorted(s.value for s in facts.mentors[mid].sectors))
            out.append(
                Finding(
                    "sector",
                    severity,
                    mid,
                    pid,
                    None,
                    None,
                    Message.of("finding.sector", sector=sector.value, expertise=expertise),
                )
            )
    return out


def check_pinned_excluded(facts: PlanFacts) -> list[Finding]:
    """A pinned participant with another mentor (or none); an excluded mentor assigned."""
    out = []
    for pid, mid in facts.plan.mentor_of.items():
        person = facts.people[pid]
        if person.pinned_mentor_id and mid != person.pinned_mentor_id:
            out.append(
                Finding(
                    "pinned",
                    VIOLATION,
                    mid or "",
                    pid,
                    None,
                    None,
                    Message.of("finding.pinned", pinned=person.pinned_mentor_id, given=mid)
                    if mid
                    else Message.of("finding.pinned_none", pinned=person.pinned_mentor_id),
                )
            )
        if mid is not None and rules.excluded(person, facts.mentors[mid]):
            out.append(
                Finding(
                    "excluded",
                    VIOLATION,
                    mid,
                    pid,
                    None,
                    None,
                    Message.of("finding.excluded", mentor_id=mid),
                )
            )
    return out


def check_travel_limit(facts: PlanFacts) -> list[Finding]:
    """One-way travel above ``travel.max_travel_min``, or no overland way at all
    (:func:`rules.travel_limit_holds`; a pinned mentor needs only to be reachable)."""
    limit = facts.config.travel.max_travel_min
    out = []
    for pid, minutes in facts.travel_min.items():
        mid = facts.plan.mentor_of[pid] or ""
        person, mentor = facts.people[pid], facts.mentors[mid]
        if rules.travel_limit_holds(person, mentor, minutes, facts.config):
            continue
        if not rules.reachable(minutes):
            out.append(
                Finding(
                    "unreachable",
                    VIOLATION,
                    mid,
                    pid,
                    None,
                    None,
                    Message.of("finding.unreachable"),
                )
            )
        else:
            out.append(
                Finding(
                    "max_travel",
                    VIOLATION,
                    mid,
                    pid,
                    None,
                    None,
                    Message.of("finding.max_travel", travel_min=minutes, limit=limit),
                )
            )
    return out


def check_unassigned(facts: PlanFacts) -> list[Finding]:
    """Participants the plan leaves without a mentor (or does not list)."""
    out = []
    for pid, mid in facts.plan.mentor_of.items():
        if mid is None:
            why = (
                Message.of("reason.not_listed_in_plan")
                if pid in facts.plan.not_listed
                else Message.of("reason.no_mentor_given")
            )
            out.append(Finding("unassigned", NOTE, "", pid, None, None, why))
    return out


def check_session_mentor(facts: PlanFacts) -> list[Finding]:
    """Sessions held by a mentor other than the participant's assigned mentor."""
    out = []
    for s in facts.sessions:
        assigned = facts.plan.mentor_of.get(s.participant_id)
        if assigned != s.mentor_id:
            out.append(
                Finding(
                    "wrong_mentor",
                    VIOLATION,
                    s.mentor_id,
                    s.participant_id,
                    s.date,
                    facts.month_of(s.date),
                    Message.of("finding.wrong_mentor", mentor_id=s.mentor_id, assigned=assigned)
                    if assigned
                    else Message.of("finding.wrong_mentor_none", mentor_id=s.mentor_id),
                )
            )
    return out


def check_programme_window(facts: PlanFacts) -> list[Finding]:
    """Sessions before the programme starts or after the participant's programme ends."""
    out = []
    for s in facts.sessions:
        month = facts.month_of(s.date)
        months = rules.programme_months(facts.people[s.participant_id], facts.config)
        if not 1 <= month <= months:
            end = facts.month_starts[min(months, len(facts.month_starts) - 1)]
            out.append(
                Finding(
                    "outside_programme",
                    VIOLATION,
                    s.mentor_id,
                    s.participant_id,
                    s.date,
                    None,
                    Message.of(
                        "finding.outside_programme",
                        first=facts.month_starts[0].isoformat(),
                        last=(end - dt.timedelta(days=1)).isoformat(),
                        months=months,
                    ),
                )
            )
    return out


def _monthly_counts(facts: PlanFacts) -> dict[str, tuple[Counter[int], Counter[int]]]:
    """Assigned participant -> (sessions per month, onsite sessions per month)."""
    out = {}
    for pid, mid in facts.plan.mentor_of.items():
        if mid is None:
            continue
        every: Counter[int] = Counter()
        onsite: Counter[int] = Counter()
        for s in facts.sessions_by_participant.get(pid, []):
            month = facts.month_of(s.date)
            every[month] += 1
            onsite[month] += s.mode == Mode.ONSITE
        out[pid] = (every, onsite)
    return out


def check_sessions_per_month(facts: PlanFacts) -> list[Finding]:
    """Per assigned participant and programme month: count within [min, max] (violation),
    and at least the participant's target (``rules.session_target``; a note when missed
    but within range)."""
    low, high = facts.config.sessions.min_per_month, facts.config.sessions.max_per_month
    out = []
    for pid, (every, _) in _monthly_counts(facts).items():
        person = facts.people[pid]
        mid = facts.plan.mentor_of[pid] or ""
        target = rules.session_target(person, facts.config)
        for month in range(1, rules.programme_months(person, facts.config) + 1):
            n = every[month]
            if not low <= n <= high:
                out.append(
                    Finding(
                        "sessions_per_month",
                        VIOLATION,
                        mid,
                        pid,
                        None,
                        month,
                        Message.of(
                            "finding.sessions_per_month", count=n, month=month, low=low, high=high
                        ),
                    )
                )
            elif n < target:
                out.append(
                    Finding(
                        "session_target",
                        NOTE,
                        mid,
                        pid,
                        None,
                        month,
                        Message.of("finding.session_target", count=n, month=month, target=target),
                    )
                )
    return out


def check_onsite_minimums(facts: PlanFacts) -> list[Finding]:
    """The two onsite rules: :func:`rules.onsite_minimum_per_month` in every programme month
    and :func:`rules.onsite_minimum_per_programme` over the programme (the rules
    :func:`rules.onsite_required` plans to). Which month gets an extra visit is the
    planner's choice, so only the two minimums are violations; the shortfall table measures
    each month against :func:`rules.onsite_required`, as the plan's does."""
    out = []
    for pid, (_, onsite) in _monthly_counts(facts).items():
        person = facts.people[pid]
        mid = facts.plan.mentor_of[pid] or ""
        months = rules.programme_months(person, facts.config)
        per_month = rules.onsite_minimum_per_month(person, facts.config)
        for month in range(1, months + 1):
            if onsite[month] < per_month:
                out.append(
                    Finding(
                        "onsite_month",
                        VIOLATION,
                        mid,
                        pid,
                        None,
                        month,
                        Message.of(
                            "finding.onsite_month",
                            onsite=onsite[month],
                            month=month,
                            need=per_month,
                        ),
                    )
                )
        total = sum(onsite[m] for m in range(1, months + 1))
        need_total = rules.onsite_minimum_per_programme(person, facts.config)
        if total < need_total:
            out.append(
                Finding(
                    "onsite_programme",
                    VIOLATION,
                    mid,
                    pid,
                    None,
                    None,
                    Message.of("finding.onsite_programme", count=total, need=need_total),
                )
            )
    return out


def check_online_allowed(facts: PlanFacts) -> list[Finding]:
    """Online sessions only for participants with internet and enough tech literacy."""
    out = []
    for s in facts.sessions:
        person = facts.people[s.participant_id]
        if s.mode == Mode.ONLINE and not rules.online_allowed(person, facts.config):
            why = (
                Message.of("finding.online_no_internet")
                if not person.internet
                else Message.of("finding.online_literacy", literacy=person.tech_literacy.value)
            )
            out.append(
                Finding(
                    "online_not_allowed",
                    VIOLATION,
                    s.mentor_id,
                    s.participant_id,
                    s.date,
                    facts.month_of(s.date),
                    why,
                )
            )
    return out


def check_holidays(facts: PlanFacts) -> list[Finding]:
    """No session on a public holiday (or cuti bersama when configured)."""
    if not facts.sessions:
        return []
    first = min(s.date for s in facts.sessions)
    last = max(s.date for s in facts.sessions)
    off = rules.holiday_dates(first, last + dt.timedelta(days=1), facts.config)
    return [
        Finding(
            "holiday",
            VIOLATION,
            s.mentor_id,
            s.participant_id,
            s.date,
            facts.month_of(s.date),
            Message.of("finding.holiday", date=s.date.isoformat(), holiday=off[s.date]),
        )
        for s in facts.sessions
        if s.date in off
    ]


def check_working_days(facts: PlanFacts) -> list[Finding]:
    """Sessions on a mentor's day off or inside one of the mentor's unavailable ranges."""
    out = []
    for s in facts.sessions:
        mentor = facts.mentors[s.mentor_id]
        if s.date.weekday() not in mentor.working_days:
            out.append(
                Finding(
                    "non_working_day",
                    VIOLATION,
                    s.mentor_id,
                    s.participant_id,
                    s.date,
                    facts.month_of(s.date),
                    Message.of(
                        "finding.non_working_day",
                        weekday=Message.of(f"weekday.{s.date.weekday()}"),
                        mentor_id=s.mentor_id,
                    ),
                )
            )
        for a, b in mentor.unavailable:
            if a <= s.date <= b:
                out.append(
                    Finding(
                        "unavailable",
                        VIOLATION,
                        s.mentor_id,
                        s.participant_id,
                        s.date,
                        facts.month_of(s.date),
                        Message.of(
                            "finding.unavailable",
                            mentor_id=s.mentor_id,
                            first=a.isoformat(),
                            last=b.isoformat(),
                        ),
                    )
                )
    return out


def check_working_hours(facts: PlanFacts) -> list[Finding]:
    """Sessions, and onsite days from leaving home to coming back, within working hours."""
    start, end = facts.config.work.start_min, facts.config.work.end_min
    window = {"window_start": _hhmm(start), "window_end": _hhmm(end)}
    out = []
    for s in facts.sessions:
        if s.start_min < start or s.end_min > end:
            out.append(
                Finding(
                    "working_hours",
                    VIOLATION,
                    s.mentor_id,
                    s.participant_id,
                    s.date,
                    facts.month_of(s.date),
                    Message.of(
                        "finding.session_hours",
                        start=_hhmm(s.start_min),
                        end=_hhmm(s.end_min),
                        **window,
                    ),
                )
            )
    for route in facts.routes:
        if not route.reachable:
            continue
        inside = all(start <= v.start_min and v.end_min <= end for v in route.visits)
        if inside and (route.depart_min < start or route.return_min > end):
            out.append(
                Finding(
                    "working_hours",
                    VIOLATION,
                    route.mentor_id,
                    "",
                    route.date,
                    facts.month_of(route.date),
                    Message.of(
                        "finding.route_hours",
                        depart=_hhmm(route.depart_min),
                        back=_hhmm(route.return_min),
                        **window,
                    ),
                )
            )
    return out


def check_session_length(facts: PlanFacts) -> list[Finding]:
    """Sessions of 1 to 2 hours, as the programme recommends."""
    return [
        Finding(
            "session_length",
            VIOLATION,
            s.mentor_id,
            s.participant_id,
            s.date,
            facts.month_of(s.date),
            Message.of(
                "finding.session_length",
                duration_min=s.duration_min,
                low=SESSION_MIN_MIN,
                high=SESSION_MAX_MIN,
            ),
        )
        for s in facts.sessions
        if not SESSION_MIN_MIN <= s.duration_min <= SESSION_MAX_MIN
    ]


def check_overlaps(facts: PlanFacts) -> list[Finding]:
    """Two sessions of one mentor at the same time."""
    out = []
    for mid, sessions in facts.sessions_by_mentor.items():
        for _, day in itertools.groupby(sessions, key=lambda s: s.date):
            busy_until, busy_with = -1, None
            for s in day:
                if busy_with is not None and s.start_min < busy_until:
                    out.append(
                        Finding(
                            "overlap",
                            VIOLATION,
                            mid,
                            s.participant_id,
                            s.date,
                            facts.month_of(s.date),
                            Message.of(
                                "finding.overlap",
                                start=_hhmm(s.start_min),
                                end=_hhmm(s.end_min),
                                other=busy_with.participant_id,
                                other_start=_hhmm(busy_with.start_min),
                                other_end=_hhmm(busy_with.end_min),
                            ),
                        )
                    )
                if s.end_min > busy_until:
                    busy_until, busy_with = s.end_min, s
    return out


def check_travel_gaps(facts: PlanFacts) -> list[Finding]:
    """Enough time between consecutive onsite visits of a day to ride from one to the next."""
    out = []
    for route in facts.routes:
        for before, after, leg in zip(
            route.visits, route.visits[1:], route.leg_min[1:], strict=False
        ):
            gap = after.start_min - before.end_min
            if gap < 0:
                continue  # reported as an overlap
            where: dict[str, Value] = {
                "gap_min": gap,
                "before": before.participant_id,
                "after": after.participant_id,
            }
            if leg >= UNREACHABLE_MIN:
                details = Message.of("finding.travel_gap_no_way", **where)
            elif leg > gap:
                details = Message.of("finding.travel_gap", leg_min=leg, **where)
            else:
                continue
            out.append(
                Finding(
                    "travel_gap",
                    VIOLATION,
                    route.mentor_id,
                    after.participant_id,
                    route.date,
                    facts.month_of(route.date),
                    details,
                )
            )
    return out


def check_spacing(facts: PlanFacts) -> list[Finding]:
    """At least ``sessions.min_days_between`` days between two sessions of a participant."""
    need = facts.config.sessions.min_days_between
    out = []
    for pid, sessions in facts.sessions_by_participant.items():
        for before, after in itertools.pairwise(sessions):
            days = (after.date - before.date).days
            if days < need:
                out.append(
                    Finding(
                        "spacing",
                        VIOLATION,
                        after.mentor_id,
                        pid,
                        after.date,
                        facts.month_of(after.date),
                        Message.of(
                            "finding.spacing", days=days, before=before.date.isoformat(), need=need
                        ),
                    )
                )
    return out


def check_daily_travel(facts: PlanFacts) -> list[Finding]:
    """Riding per day, home to home, within ``work.max_travel_min_per_day``."""
    limit = facts.config.work.max_travel_min_per_day
    return [
        Finding(
            "daily_travel",
            VIOLATION,
            route.mentor_id,
            "",
            route.date,
            facts.month_of(route.date),
            Message.of(
                "finding.daily_travel",
                travel_min=route.travel_min,
                count=len(route.visits),
                limit=limit,
            ),
        )
        for route in facts.routes
        if route.reachable and route.travel_min > limit
    ]


def month_minutes(facts: PlanFacts) -> dict[tuple[str, int], tuple[int, int]]:
    """(mentor, month) -> (session minutes, travel minutes) of the plan."""
    used: dict[tuple[str, int], list[int]] = defaultdict(lambda: [0, 0])
    for s in facts.sessions:
        used[(s.mentor_id, facts.month_of(s.date))][0] += s.duration_min
    for route in facts.routes:
        if route.reachable:
            used[(route.mentor_id, facts.month_of(route.date))][1] += route.travel_min
    return {key: (v[0], v[1]) for key, v in used.items()}


def check_month_hours(facts: PlanFacts) -> list[Finding]:
    """Scheduled session + travel hours per mentor and month within the month's working hours."""
    out = []
    available = {
        m.mentor_id: rules.mentor_month_minutes(m, facts.config) for m in facts.problem.mentors
    }
    for (mid, month), (session_min, travel_min) in sorted(month_minutes(facts).items()):
        months = available[mid]
        if not 1 <= month <= len(months):
            continue
        if session_min + travel_min > months[month - 1]:
            out.append(
                Finding(
                    "month_hours",
                    VIOLATION,
                    mid,
                    "",
                    None,
                    month,
                    Message.of(
                        "finding.month_hours",
                        total_h=(session_min + travel_min) / 60,
                        month=month,
                        travel_h=travel_min / 60,
                        have_h=months[month - 1] / 60,
                    ),
                )
            )
    return out


Check = Callable[[PlanFacts], list[Finding]]

ASSIGNMENT_CHECKS: tuple[Check, ...] = (
    check_caseload,
    check_monthly_hours,
    check_riding_days,
    check_province,
    check_sector,
    check_pinned_excluded,
    check_travel_limit,
    check_unassigned,
)
SCHEDULE_CHECKS: tuple[Check, ...] = (
    check_session_mentor,
    check_programme_window,
    check_sessions_per_month,
    check_onsite_minimums,
    check_online_allowed,
    check_holidays,
    check_working_days,
    check_working_hours,
    check_session_length,
    check_overlaps,
    check_travel_gaps,
    check_spacing,
    check_daily_travel,
    check_month_hours,
)
