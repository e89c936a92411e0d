"""``calendars/<mentor_id>.html``: a mentor's schedule as one page to print or share.

Self-contained (inline style, no images, nothing loaded from anywhere), readable on a
phone and printable to A4: the mentor's participants with their village, then every
working day with its sessions and, for onsite days, when to leave, when to be back and how
long the ride is. Places link to a map and each onsite day to its route, home - visits -
home (https map links, :mod:`tkm_assign.report.links`: they open on iPhones, Android and
desktops alike, and load nothing until tapped); a small inline map shows the mentor's
participants and day routes. Every time is the mentor's local time, and the page says which
zone (WIB, WITA or WIT). A participant's phone number links to a call (``tel:``) and, for
a mobile number, to a WhatsApp chat (``https://wa.me/...``), also on each session.
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple, TypeVar

from tkm_assign import __version__, rules
from tkm_assign.geo.regions import load_geography
from tkm_assign.io.labels import phone_display, whatsapp_link
from tkm_assign.model import Mentor, Participant, Problem, Route, Session
from tkm_assign.report.calendars import mentor_file_names, mentor_slice, time_zone, zone_label
from tkm_assign.report.figures import (
    assigned_mentor,
    participants_by_id,
    place_of,
    programme_period,
    province_names,
    regency_names,
)
from tkm_assign.report.html import environment
from tkm_assign.report.i18n import Labels
from tkm_assign.report.links import map_url, route_map_svg, route_url
from tkm_assign.report.schedule import hhmm, route_clock
from tkm_assign.report.tables import PlanTables

log = logging.getLogger("tkm_assign")
_Owned = TypeVar("_Owned", Session, Route)


def _duration(minutes: float, labels: Labels) -> str:
    hours, rest = divmod(round(minutes), 60)
    unit_h, unit_m = ("j", "m") if labels.lang == "id" else ("h", "min")
    return f"{hours} {unit_h} {rest} {unit_m}" if hours else f"{rest} {unit_m}"


@dataclass(frozen=True)
class PageContext:
    """What every mentor's page needs, looked up once for all pages."""

    people: dict[str, Participant]
    regencies: dict[str, str]
    provinces: dict[str, str]
    period: tuple[dt.date, dt.date]

    @classmethod
    def of(cls, problem: Problem) -> PageContext:
        geography = load_geography()
        return cls(
            participants_by_id(problem),
            regency_names(geography),
            province_names(geography),
            programme_period(problem),
        )


class _Person(NamedTuple):
    id: str
    name: str
    place: str
    geo: str
    phone: str
    tel: str
    whatsapp: str
    sector: str
    onsite_only: bool
    target: int


class _SessionRow(NamedTuple):
    time: str  # ``HH:MM–HH:MM``
    who: str
    mode: str
    mode_label: str
    where: str
    whatsapp: str


class _Day(NamedTuple):
    title: str
    route: str
    route_url: str
    sessions: list[_SessionRow]


class _Month(NamedTuple):
    number: int
    span: str
    days: list[_Day]


class _Card(NamedTuple):
    label: str
    big: str


def render_mentor_page(
    problem: Problem,
    mentor: Mentor,
    participant_ids: list[str],
    sessions: Sequence[Session],
    routes: Sequence[Route],
    labels: Labels,
    page: PageContext | None = None,
) -> str:
    """The printable page of one mentor (see the module docstring).

    The rows handed to the template are named tuples, whose fields Jinja reads at once
    (a dict's keys it finds only after a failed attribute lookup), and the text a
    participant's sessions share (who, where, the chat link), a day route's link and the
    clock times are made once per page: a national plan has 40,000 sessions.
    """
    config = problem.config
    page = page or PageContext.of(problem)
    regencies = page.regencies
    people = page.people
    first, last = page.period
    person_rows = []
    for pid in participant_ids:
        person = people[pid]
        lat, lon = person.location.latitude, person.location.longitude
        person_rows.append(
            _Person(
                id=pid,
                name=person.name or pid,
                place=place_of(person, regencies),
                geo=map_url(lat, lon),
                phone=phone_display(person.phone),
                tel=f"tel:{person.phone}" if person.phone else "",
                whatsapp=whatsapp_link(person.phone),
                sector=labels.value(person.sector.value),
                onsite_only=not rules.online_allowed(person, config),
                target=rules.session_target(person, config),
            )
        )
    route_of = {r.date: r for r in routes}
    starts = rules.month_starts(config.programme.start_date, config.programme.longest_months)
    ordered = sorted(sessions, key=lambda s: (s.date, s.start_min))
    months = []
    onsite = 0
    home = (mentor.location.latitude, mentor.location.longitude)
    day_routes: list[tuple[int, list[tuple[float, float]]]] = []
    # The same participant in the same mode reads the same, and a day route often repeats
    # an earlier day's stops: made once per page.
    shared_of: dict[tuple[str, str], tuple[str, str, str, str, str]] = {}
    links: dict[tuple[str, ...], str] = {}
    times: dict[tuple[int, int], str] = {}
    for month, in_month in itertools.groupby(ordered, key=lambda s: s.month):
        days = []
        for day, in_day in itertools.groupby(in_month, key=lambda s: s.date):
            rows = []
            for session in in_day:
                pid = session.participant_id
                mode = session.mode.value
                onsite += mode == "onsite"
                clock = (session.start_min, session.end_min)
                time = times.get(clock)
                if time is None:
                    time = times[clock] = f"{hhmm(clock[0])}–{hhmm(clock[1])}"
                shared = shared_of.get((pid, mode))
                if shared is None:
                    shared = shared_of[pid, mode] = _shared_of_session(
                        people.get(pid), pid, mode, labels, regencies
                    )
                rows.append(_SessionRow(time, *shared))
            route = route_of.get(day)
            route_text = link = ""
            if route is not None:
                places = [people[s].location for s in route.stops if s in people]
                stops = tuple(s for s in route.stops if s in people)
                known = links.get(stops)
                if known is None:
                    known = links[stops] = route_url(
                        home, [(p.latitude, p.longitude) for p in places]
                    )
                link = known
                day_routes.append((month, [(p.latitude, p.longitude) for p in places]))
                depart, back = route_clock(route)
                route_text = (
                    f"{labels['depart']} {depart} · {labels['return']} "
                    f"{back} · {len(route.stops)} {labels['visits']} · "
                    f"{_duration(_route_travel_min(route), labels)} "
                    f"{labels['travel_short']}"
                )
            days.append(_Day(labels.long_date(day), route_text, link, rows))
        span = ""
        if 1 <= month < len(starts):
            span = (
                f"{labels.short_date(starts[month - 1])} – "
                f"{labels.short_date(starts[month] - dt.timedelta(days=1))}"
            )
        months.append(_Month(month, span, days))
    travel_min = float(sum(_route_travel_min(r) for r in routes))
    cards = [
        _Card(labels["participants_total"], labels.number(len(person_rows))),
        _Card(labels["sessions_total"], labels.number(len(sessions))),
        _Card(labels.column("onsite"), labels.number(onsite)),
        _Card(labels["travel_hours_total"], labels.number(travel_min / 60.0, 1)),
    ]
    context = {
        "lang": labels.lang,
        "L": labels,
        "mentor": {
            "id": mentor.mentor_id,
            "name": mentor.name or mentor.mentor_id,
            "province": page.provinces.get(
                mentor.location.province_code, mentor.location.province_code
            ),
        },
        "period": f"{labels.short_date(first)} – {labels.short_date(last)}",
        "zone": zone_label(time_zone(mentor.location.province_code)),
        "home_url": map_url(*home),
        "route_map": route_map_svg(
            home,
            [
                (pid, (people[pid].location.latitude, people[pid].location.longitude))
                for pid in participant_ids
            ],
            day_routes,
            labels["route_map"],
        )
        if person_rows
        else "",
        "cards": cards,
        "people": person_rows,
        "months": months,
        "footer": labels.text("footer", version=__version__),
    }
    return environment().get_template("mentor.html.j2").render(context)


def _shared_of_session(
    who: Participant | None, pid: str, mode: str, labels: Labels, regencies: dict[str, str]
) -> tuple[str, str, str, str, str]:
    """The fields of :class:`_SessionRow` after its time: the same in every session of
    ``pid`` in ``mode``."""
    return (
        f"{who.name or pid} ({pid})" if who else pid,
        mode,
        labels.value(mode),
        place_of(who, regencies) if who and mode == "onsite" else labels.value(mode).capitalize(),
        # Online sessions happen on WhatsApp: one tap opens the chat.
        whatsapp_link(who.phone) if who else "",
    )


def _route_travel_min(route: Route) -> int:
    """Riding of a day route; 0 for one with no way at all (an audited visit across the sea)."""
    return route.travel_min if rules.reachable(route.travel_min) else 0


def _by_mentor(items: Iterable[_Owned]) -> dict[str, list[_Owned]]:
    """Sessions or routes per mentor id (one pass, not one filter per mentor)."""
    out: dict[str, list[_Owned]] = defaultdict(list)
    for item in items:
        out[item.mentor_id].append(item)
    return out


def write_printables(
    folder: Path,
    problem: Problem,
    tables: PlanTables,
    labels: Labels,
    *,
    part: tuple[int, int] = (0, 1),
) -> list[Path]:
    """``calendars/<mentor_id>.html`` for every mentor with participants or sessions
    (``part=(k, n)``: only the k-th of n slices of the mentors, as in
    :func:`~tkm_assign.report.calendars.write_calendars`)."""
    mentor_of = assigned_mentor(tables)
    theirs: dict[str, list[str]] = {}
    for pid in (p.participant_id for p in problem.participants):
        if pid in mentor_of:
            theirs.setdefault(mentor_of[pid], []).append(pid)
    plan = tables.plan
    sessions_of = _by_mentor(plan.sessions if plan is not None else ())
    routes_of = _by_mentor(plan.routes if plan is not None else ())
    out_dir = folder / "calendars"
    context = PageContext.of(problem)
    stems = mentor_file_names([m.mentor_id for m in problem.mentors])
    written = []
    for mentor in mentor_slice(problem, part):
        mid = mentor.mentor_id
        sessions = sessions_of.get(mid, [])
        if mid not in theirs and not sessions:
            continue
        routes = routes_of.get(mid, [])
        html = render_mentor_page(
            problem, mentor, theirs.get(mid, []), sessions, routes, labels, context
        )
        out_dir.mkdir(exist_ok=True)
        path = out_dir / f"{stems[mid]}.html"
        path.write_text(html, encoding="utf-8")
        written.append(path)
    log.info("printable schedules: %d mentors", len(written))
    return written
