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
from collections.abc import Hashable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from tkm_assign import __version__, rules
from tkm_assign.geo.regions import load_geography
from tkm_assign.io.labels import phone_display, whatsapp_link
from tkm_assign.model import Mentor, Participant, Problem
from tkm_assign.report.calendars import mentor_file_names, mentor_slice, time_zone, zone_label
from tkm_assign.report.figures import (
    assigned_mentor,
    participants_by_id,
    place_of,
    programme_period,
    province_names,
    regency_names,
    text,
)
from tkm_assign.report.html import environment
from tkm_assign.report.i18n import Labels
from tkm_assign.report.links import map_url, route_map_svg, route_url
from tkm_assign.report.tables import SCHEDULE_COLUMNS, PlanTables

log = logging.getLogger("tkm_assign")


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


def render_mentor_page(
    problem: Problem,
    mentor: Mentor,
    participant_ids: list[str],
    sessions: pd.DataFrame,
    routes: pd.DataFrame | None,
    labels: Labels,
    page: PageContext | None = None,
) -> str:
    """The printable page of one mentor (see the module docstring)."""
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
            {
                "id": pid,
                "name": person.name or pid,
                "place": place_of(person, regencies),
                "geo": map_url(lat, lon),
                "phone": phone_display(person.phone),
                "tel": f"tel:{person.phone}" if person.phone else "",
                "whatsapp": whatsapp_link(person.phone),
                "sector": labels.value(person.sector.value),
                "onsite_only": not rules.online_allowed(person, config),
                "target": rules.session_target(person, config),
            }
        )
    route_of: dict[str, dict[Hashable, Any]] = {}
    if routes is not None:
        for record in routes.to_dict("records"):
            route_of[text(record["date"])[:10]] = record
    starts = rules.month_starts(config.programme.start_date, config.programme.longest_months)
    ordered = sessions.assign(
        _date=sessions["date"].map(lambda v: text(v)[:10]), _start=sessions["start"].map(text)
    ).sort_values(["_date", "_start"], kind="stable")
    months = []
    onsite = 0
    home = (mentor.location.latitude, mentor.location.longitude)
    day_routes: list[tuple[int, list[tuple[float, float]]]] = []
    for month, in_month in itertools.groupby(
        ordered.to_dict("records"), key=lambda r: int(float(text(r["month"]) or 0))
    ):
        days = []
        for day_text, in_day in itertools.groupby(in_month, key=lambda r: r["_date"]):
            day = dt.date.fromisoformat(day_text)
            rows = []
            for record in in_day:
                pid = text(record["participant_id"])
                who = people.get(pid)
                mode = text(record["mode"])
                onsite += mode == "onsite"
                rows.append(
                    {
                        "start": text(record["start"]),
                        "end": text(record["end"]),
                        "who": f"{who.name or pid} ({pid})" if who else pid,
                        "mode": mode,
                        "mode_label": labels.value(mode),
                        "where": place_of(who, regencies)
                        if who and mode == "onsite"
                        else labels.value(mode).capitalize(),
                        # Online sessions happen on WhatsApp: one tap opens the chat.
                        "whatsapp": whatsapp_link(who.phone) if who else "",
                    }
                )
            route = route_of.get(day_text)
            route_text = link = ""
            if route is not None:
                stops = [s for s in text(route["stops"]).split(";") if s]
                n_stops = len(stops)
                places = [people[s].location for s in stops if s in people]
                link = route_url(home, [(p.latitude, p.longitude) for p in places])
                day_routes.append((month, [(p.latitude, p.longitude) for p in places]))
                route_text = (
                    f"{labels['depart']} {text(route['depart'])} · {labels['return']} "
                    f"{text(route['return'])} · {n_stops} {labels['visits']} · "
                    f"{_duration(float(text(route['travel_min']) or 0), labels)} "
                    f"{labels['travel_short']}"
                )
            days.append(
                {
                    "title": labels.long_date(day),
                    "route": route_text,
                    "route_url": link,
                    "sessions": rows,
                }
            )
        span = ""
        if 1 <= month < len(starts):
            span = (
                f"{labels.short_date(starts[month - 1])} – "
                f"{labels.short_date(starts[month] - dt.timedelta(days=1))}"
            )
        months.append({"number": month, "span": span, "days": days})
    travel_min = 0.0
    if routes is not None and len(routes):
        travel_min = float(pd.to_numeric(routes["travel_min"], errors="coerce").fillna(0).sum())
    cards = [
        {"label": labels["participants_total"], "big": labels.number(len(person_rows))},
        {"label": labels["sessions_total"], "big": labels.number(len(sessions))},
        {"label": labels.column("onsite"), "big": labels.number(onsite)},
        {"label": labels["travel_hours_total"], "big": labels.number(travel_min / 60.0, 1)},
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


def _by_mentor(frame: pd.DataFrame | None) -> dict[str, pd.DataFrame]:
    """Rows of a table per mentor id (one pass, not one filter per mentor)."""
    if frame is None or not len(frame):
        return {}
    return {str(k): v for k, v in frame.groupby(frame["mentor_id"].map(text), sort=False)}


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
    schedule = tables.schedule
    empty = pd.DataFrame(columns=list(SCHEDULE_COLUMNS))
    sessions_of = _by_mentor(schedule)
    routes_of = _by_mentor(tables.routes)
    out_dir = folder / "calendars"
    context = PageContext.of(problem)
    stems = mentor_file_names([m.mentor_id for m in problem.mentors])
    written = []
    for mentor in mentor_slice(problem, part):
        mid = mentor.mentor_id
        sessions = sessions_of.get(mid, empty)
        if mid not in theirs and not len(sessions):
            continue
        routes = routes_of.get(mid) if tables.routes is not None else None
        html = render_mentor_page(
            problem, mentor, theirs.get(mid, []), sessions, routes, labels, context
        )
        out_dir.mkdir(exist_ok=True)
        path = out_dir / f"{stems[mid]}.html"
        path.write_text(html, encoding="utf-8")
        written.append(path)
    log.info("printable schedules: %d mentors", len(written))
    return written
