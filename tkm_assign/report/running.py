"""Outputs of a programme under way: progress workbook and page, at-risk list, messages.

- ``progress.xlsx``: summary, participants at risk and behind (with the reasons in words),
  every participant, every mentor, sessions in the first three months by province and
  sector, missed sessions, and the success indicators when an outcomes file was given;
- ``progress.html``: one offline page light enough to forward on WhatsApp (inline style, no
  pictures, long lists cut);
- ``at_risk.csv``: participants at risk or behind, the reasons in words;
- ``messages/<mentor_id>.txt``: each mentor's visits of the coming days and the participants
  to catch up, ready to paste into WhatsApp; each line links the participant's WhatsApp
  chat (``https://wa.me/...``) when the participants file gives a mobile number, or names
  the number to call for a landline.

Every header, status and sentence comes from the message catalogue
(:mod:`tkm_assign.messages`); dates and numbers are formatted for the language with Babel.
Names are escaped in the page, never turned into paths (file names come from
:func:`tkm_assign.report.calendars.mentor_file_names`) and never run as formulas.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from babel.dates import format_date
from babel.numbers import format_decimal, format_percent

from tkm_assign.io.labels import phone_display, whatsapp_link
from tkm_assign.io.output import write_csv
from tkm_assign.messages import MESSAGES, Message, joined, render
from tkm_assign.model import Mode, Participant, Problem
from tkm_assign.programme.progress import (
    AT_RISK,
    BEHIND,
    MentorNote,
    ProgressTables,
    records,
)
from tkm_assign.report.calendars import mentor_file_names
from tkm_assign.report.figures import BASELINE_2024, SESSION_BINS
from tkm_assign.report.i18n import Labels

__all__ = [
    "RunningLabels",
    "mentor_message",
    "write_messages",
    "write_progress_outputs",
]

MAX_PAGE_ROWS = 300  # rows of a list in progress.html; the workbook has them all
AT_RISK_COLUMNS = (
    "participant_id",
    "participant_name",
    "mentor_id",
    "province",
    "sector",
    "status",
    "sessions_held",
    "sessions_due",
    "sessions_programme",
    "onsite_held",
    "onsite_programme",
    "sessions_missed",
    "days_since_last",
    "reasons",
)


class RunningLabels(Labels):
    """The workbook's labels, with the catalogue's words for the columns and codes of the
    progress, re-plan and indicator tables."""

    def column(self, name: str) -> str:
        code = f"progress.column.{name}"
        if code in MESSAGES:
            return render(Message.of(code), self.lang)
        return super().column(name)

    def value(self, code: object) -> str:
        for prefix in ("progress.status.", "replan.kind.", "replan.reassignment."):
            key = f"{prefix}{code}"
            if isinstance(code, str) and key in MESSAGES:
                return render(Message.of(key), self.lang)
        return super().value(code)

    def t(self, key: str, **values: Any) -> str:
        """A ``progress.label.*`` text in this language."""
        return render(Message.of(f"progress.label.{key}", **values), self.lang)

    def date(self, day: dt.date, pattern: str = "d MMM y") -> str:
        return format_date(day, pattern, locale=self.lang)

    def share(self, value: float) -> str:
        return format_percent(value, "#,##0.0%", locale=self.lang)

    def count(self, value: float, digits: int = 0) -> str:
        pattern = "#,##0" + ("." + "0" * digits if digits else "")
        return format_decimal(value, pattern, locale=self.lang)


def reasons_text(reasons: Sequence[Message], lang: str) -> str:
    """Every reason of a participant in words (``"; "`` between them)."""
    return render(joined(reasons), lang) if reasons else ""


def at_risk_frame(problem: Problem, tables: ProgressTables, lang: str) -> pd.DataFrame:
    """``at_risk.csv``: participants at risk, then behind, with their reasons in words
    (columns and status codes as in the other tables)."""
    names = {p.participant_id: p.name for p in problem.participants}
    frame = tables.at_risk.assign(
        participant_name=lambda f: f["participant_id"].map(names),
        reasons=lambda f: f["reasons"].map(lambda r: reasons_text(r, lang)),
        days_since_last=lambda f: f["days_since_last"].astype("Int64"),
    )
    return frame[list(AT_RISK_COLUMNS)]


# ``changes.csv``: each coded value in words of the output's language, its code next to it.
CHANGES_CSV_COLUMNS = (
    "change",
    "change_code",
    "participant_id",
    "mentor_id",
    "previous_mentor_id",
    "kind",
    "kind_code",
    "uid",
    "sequence",
    "date",
    "start",
    "mode",
    "previous_date",
    "previous_start",
    "previous_mode",
    "reason",
    "reason_code",
)


def changes_frame(changes: pd.DataFrame, lang: str) -> pd.DataFrame:
    """``changes.csv`` from :func:`tkm_assign.app.changes_table`: the change, whether a
    reassignment was forced or chosen (``kind``), the modes and the reason in words of
    ``lang``, each next to its code (``change_code``, ``kind_code``, ``reason_code``) for
    tools."""
    labels = RunningLabels(lang)

    def kind(forced: object) -> str:
        return "" if forced is None or forced != forced else ("forced" if forced else "chosen")

    kinds = changes["forced"].map(kind)
    frame = changes.assign(
        change_code=changes["change"],
        change=changes["change"].map(labels.value),
        kind=kinds.map(lambda k: labels.value(k) if k else ""),
        kind_code=kinds,
        mode=changes["mode"].map(lambda m: labels.value(m) if m else ""),
        previous_mode=changes["previous_mode"].map(lambda m: labels.value(m) if m else ""),
        reason=changes["reason"].map(lambda m: render(m, lang)),
        reason_code=changes["reason"].map(lambda m: m.code),
    )
    return frame[list(CHANGES_CSV_COLUMNS)]


def write_progress_outputs(
    folder: Path,
    problem: Problem,
    tables: ProgressTables,
    lang: str,
    *,
    extra_sheets: Sequence[tuple[str, pd.DataFrame]] = (),
    extra_html: Sequence[str] = (),
) -> list[Path]:
    """``progress.xlsx``, ``progress.html``, ``at_risk.csv`` and ``messages/*.txt``.

    Parameters
    ----------
    folder
        The (staging) output folder.
    problem
        The participants and mentors (names for people, provinces, villages).
    tables
        What :func:`tkm_assign.programme.progress.measure_progress` measured.
    lang
        ``"id"`` or ``"en"``.
    extra_sheets, extra_html
        More sheets (title, frame with table column names) and page sections, e.g. the
        success indicators.

    Returns
    -------
    list of Path
    """
    labels = RunningLabels(lang)
    written = []
    path = folder / "at_risk.csv"
    write_csv(at_risk_frame(problem, tables, lang), path)
    written.append(path)
    path = folder / "progress.xlsx"
    _write_workbook(path, problem, tables, labels, extra_sheets)
    written.append(path)
    path = folder / "progress.html"
    path.write_text(render_progress_page(problem, tables, labels, extra_html), encoding="utf-8")
    written.append(path)
    written += write_messages(folder, problem, tables.notes, lang)
    return written


def _write_workbook(
    path: Path,
    problem: Problem,
    tables: ProgressTables,
    labels: RunningLabels,
    extra_sheets: Sequence[tuple[str, pd.DataFrame]],
) -> None:
    from tkm_assign.report.workbook import Sheet, frame_sheet, summary_sheet, write_workbook

    lang = labels.lang
    names = {p.participant_id: p.name for p in problem.participants}
    worded = tables.participants.assign(
        participant_name=lambda f: f["participant_id"].map(names),
        reasons=lambda f: f["reasons"].map(lambda r: reasons_text(r, lang)),
    )
    columns = ["participant_id", "participant_name", *list(tables.participants.columns)[1:]]
    at_risk = worded[worded["status"].isin((AT_RISK, BEHIND))]
    at_risk = at_risk.assign(_o=at_risk["status"].map({AT_RISK: 0, BEHIND: 1})).sort_values(
        ["_o", "participant_id"]
    )
    sheets: list[Sheet] = [
        summary_sheet(labels.t("sheet_summary"), summary_rows(tables, labels)),
        frame_sheet(labels.t("sheet_at_risk"), at_risk, columns),
        frame_sheet(labels.t("sheet_participants"), worded, columns),
        frame_sheet(labels.t("sheet_mentors"), tables.mentors),
        frame_sheet(labels.t("sheet_distribution"), worded_groups(tables.distribution, labels)),
        frame_sheet(labels.t("sheet_missed"), tables.missed),
    ]
    sheets += [frame_sheet(title, frame) for title, frame in extra_sheets]
    for sheet in sheets:
        sheet.columns = list(sheet.columns)
    write_workbook(path, sheets, labels)


def worded_groups(frame: pd.DataFrame, labels: RunningLabels) -> pd.DataFrame:
    """A table by ``group`` (programme, province, sector) and ``name`` with the groups and
    the sectors' names in words."""
    words = {
        "programme": labels.t("this_programme"),
        "province": labels.column("province"),
        "sector": labels.column("sector"),
    }
    groups = [str(g) for g in frame["group"]]
    return frame.assign(
        name=[
            labels.value(n) if g == "sector" else n
            for g, n in zip(groups, frame["name"], strict=True)
        ],
        group=[words.get(g, g) for g in groups],
    )


def summary_rows(
    tables: ProgressTables, labels: RunningLabels
) -> list[tuple[str, Any, str | None]]:
    """Measure, value and number format of the summary sheet."""
    s = tables.summary
    percent = "0.0%"
    rows: list[tuple[str, Any, str | None]] = [
        (
            labels.t(
                "as_of", date=labels.date(tables.as_of), day=s["days_since_start"], month=s["month"]
            ),
            "",
            None,
        ),
        (labels.t("participants"), s["participants"], None),
    ]
    rows += [(labels.value(code), count, None) for code, count in s["status"].items()]
    rows += [
        (labels.t("sessions_planned"), s["sessions_planned"], None),
        (labels.t("sessions_held"), s["sessions_held"], None),
        (labels.t("sessions_extra"), s["sessions_extra"], None),
        (labels.t("sessions_missed"), s["sessions_missed"], None),
        (labels.t("missed_rate"), s["missed_rate"], percent),
        (labels.t("onsite_held"), s["onsite_held"], None),
        (labels.t("hours_cv"), s["spread"]["hours_held"]["cv"], "0.00"),
        (labels.t("hours_max_over_mean"), s["spread"]["hours_held"]["max_over_mean"], "0.00"),
    ]
    shares = s["sessions_in_first_3_months"]["shares"]
    for b in SESSION_BINS:
        rows.append((labels.t("bin_share", bin=_bin_words(b, labels)), shares[b], percent))
        rows.append((labels.t("bin_2024", bin=_bin_words(b, labels)), BASELINE_2024[b], percent))
    return rows


def _bin_words(b: str, labels: RunningLabels) -> str:
    return labels.column(b)


def render_progress_page(
    problem: Problem, tables: ProgressTables, labels: RunningLabels, extra_html: Sequence[str] = ()
) -> str:
    """``progress.html``: the figures and lists a coordinator acts on, in one light page."""
    from markupsafe import Markup

    from tkm_assign.report.html import environment

    lang = labels.lang
    s = tables.summary
    names = {p.participant_id: p.name for p in problem.participants}
    late = tables.at_risk
    shown = records(late.head(MAX_PAGE_ROWS))
    rows = [
        {
            "pid": r["participant_id"],
            "name": names.get(str(r["participant_id"]), ""),
            "mentor": r["mentor_id"],
            "status": str(r["status"]),
            "status_text": labels.value(r["status"]),
            "held": r["sessions_held"],
            "due": r["sessions_due"],
            "onsite": f"{r['onsite_held']}/{r['onsite_programme']}",
            "reasons": reasons_text(r["reasons"], lang),
        }
        for r in shown
    ]
    mentors = tables.mentors[tables.mentors["participants"] > 0].sort_values(
        ["participants_at_risk", "missed_rate", "mentor_id"], ascending=[False, False, True]
    )
    mentor_rows = records(mentors.head(MAX_PAGE_ROWS))
    dist = tables.distribution
    shares = s["sessions_in_first_3_months"]["shares"]
    bins = [
        {
            "label": labels.column(b),
            "now": labels.share(shares[b]),
            "then": labels.share(BASELINE_2024[b]),
            "now_pct": round(100 * shares[b], 1),
            "then_pct": round(100 * BASELINE_2024[b], 1),
        }
        for b in SESSION_BINS
    ]
    cards = [
        (labels.value(code), labels.count(count), code) for code, count in s["status"].items()
    ] + [
        (labels.t("sessions_held"), labels.count(s["sessions_held"]), ""),
        (labels.t("sessions_missed"), labels.count(s["sessions_missed"]), ""),
        (labels.t("missed_rate"), labels.share(s["missed_rate"]), ""),
    ]

    def groups(group: str) -> list[dict[str, Any]]:
        part = records(dist[dist["group"] == group])
        return [
            {
                "name": labels.value(r["name"]) if group == "sector" else r["name"],
                "n": labels.count(r["participants"]),
                "bins": [labels.share(r[b]) for b in SESSION_BINS],
            }
            for r in part
        ]

    template = environment().get_template("progress.html.j2")
    return template.render(
        lang=lang,
        title=labels.t("title"),
        subtitle=labels.t(
            "as_of", date=labels.date(tables.as_of), day=s["days_since_start"], month=s["month"]
        ),
        generated=labels.t("generated", date=labels.date(dt.date.today())),
        T=labels.t,
        C=labels.column,
        cards=cards,
        bins=bins,
        late=rows,
        late_total=len(late),
        cut=labels.t("cut", shown=len(rows), total=len(late)) if len(late) > len(rows) else "",
        mentors=[
            {
                "id": r["mentor_id"],
                "n": r["participants"],
                "planned": r["sessions_planned"],
                "held": r["sessions_held"],
                "missed": labels.share(r["missed_rate"]),
                "hours": labels.count(r["hours_held"], 1),
                "util": labels.share(r["utilisation"]),
                "behind": r["participants_behind"],
                "risk": r["participants_at_risk"],
            }
            for r in mentor_rows
        ],
        provinces=groups("province"),
        sectors=groups("sector"),
        bin_names=[labels.column(b) for b in SESSION_BINS],
        extra=[Markup(section) for section in extra_html],
    )


def _contact(person: Participant | None, labels: Labels) -> str:
    """What ends a message line about ``person``: `` · WhatsApp: https://wa.me/62...`` for
    a mobile number (one tap opens the chat), `` · Telepon: 0361...`` for a landline,
    ``""`` when no number is known."""
    if person is None or not person.phone:
        return ""
    chat = whatsapp_link(person.phone)
    if chat:
        return f" · {labels['whatsapp']}: {chat}"
    return f" · {labels['call']}: {phone_display(person.phone)}"


def mentor_message(note: MentorNote, problem: Problem, lang: str) -> str:
    """One mentor's WhatsApp message in ``lang`` (plain text, one line per item)."""
    people = {p.participant_id: p for p in problem.participants}
    mentor = next(m for m in problem.mentors if m.mentor_id == note.mentor_id)
    labels = RunningLabels(lang)

    def say(code: str, **values: Any) -> str:
        return render(Message.of(code, **values), lang)

    first = note.as_of + dt.timedelta(days=1)
    lines = [
        say(
            "whatsapp.greeting",
            name=mentor.name or mentor.mentor_id,
            first=labels.date(first, "EEE d MMM"),
            last=labels.date(note.until, "EEE d MMM"),
        )
    ]
    for s in note.visits:
        person = people.get(s.participant_id)
        who = person.name if person and person.name else s.participant_id
        day = labels.date(s.date, "EEE d MMM")
        time = f"{s.start_min // 60:02d}:{s.start_min % 60:02d}"
        if s.mode is Mode.ONSITE:
            place = f", {person.village}" if person and person.village else ""
            lines.append(
                say(
                    "whatsapp.onsite",
                    day=day,
                    time=time,
                    participant=who,
                    participant_id=s.participant_id,
                    place=place,
                )
                + _contact(person, labels)
            )
        else:
            lines.append(
                say(
                    "whatsapp.online",
                    day=day,
                    time=time,
                    participant=who,
                    participant_id=s.participant_id,
                )
                + _contact(person, labels)
            )
    if not note.visits:
        lines.append(say("whatsapp.no_visits"))
    if note.catch_up:
        lines += ["", say("whatsapp.catch_up")]
        for pid, status, reasons in note.catch_up:
            person = people.get(pid)
            lines.append(
                say(
                    "whatsapp.catch_up_item",
                    participant=person.name if person and person.name else pid,
                    participant_id=pid,
                    status=labels.value(status),
                    reasons=reasons_text(reasons, lang),
                )
                + _contact(person, labels)
            )
    lines += ["", say("whatsapp.closing")]
    return "\n".join(lines) + "\n"


def write_messages(
    folder: Path,
    problem: Problem,
    notes: Sequence[MentorNote],
    lang: str,
) -> list[Path]:
    """``messages/<mentor_id>.txt`` for every note (file names made safe from the ids)."""
    if not notes:
        return []
    out_dir = folder / "messages"
    out_dir.mkdir(exist_ok=True)
    stems = mentor_file_names([m.mentor_id for m in problem.mentors])
    written = []
    for note in notes:
        path = out_dir / f"{stems[note.mentor_id]}.txt"
        path.write_text(mentor_message(note, problem, lang), encoding="utf-8")
        written.append(path)
    return written


def indicator_sections(
    indicators: Any, lang: str
) -> tuple[list[tuple[str, pd.DataFrame]], list[str]]:
    """The success indicators as workbook sheets and a page section (table and bars)."""
    from markupsafe import escape

    from tkm_assign.programme.indicators import INDICATORS

    labels = RunningLabels(lang)
    groups, sessions = indicators.groups, indicators.sessions
    shown = groups.assign(
        name=[
            labels.value(n) if g == "sector" else n
            for g, n in zip(groups["group"], groups["name"], strict=True)
        ]
    )
    sheets = [
        (labels.t("sheet_indicators"), worded_groups(groups, labels)),
        (labels.t("sheet_indicator_sessions"), sessions),
    ]
    head = "".join(f'<th class="num">{escape(labels.column(k))}</th>' for k in INDICATORS)
    body = []
    for r in shown[shown["group"].isin(("programme", "province", "sector"))].itertuples(
        index=False
    ):
        cells = "".join(
            f'<td class="num">{labels.count(getattr(r, k))} ({labels.share(getattr(r, k + "_share"))})</td>'
            for k in INDICATORS
        )
        name = escape(r.name) if r.name else escape(labels.t("this_programme"))
        body.append(
            f'<tr><td>{name}</td><td class="num">{labels.count(r.participants)}</td>{cells}</tr>'
        )
    bars = []
    for r in sessions.itertuples(index=False):
        share = float(r.all_three_share)
        bars.append(
            f'<tr><td>{escape(r.sessions)}</td><td class="num">{labels.count(r.participants)}</td>'
            f'<td class="num">{labels.share(share)}</td>'
            f'<td><span class="bar" style="width:{round(200 * share)}px"></span></td></tr>'
        )
    html = (
        f"<h2>{escape(labels.t('indicators_heading'))}</h2>"
        f'<div class="table-wrap"><table><tr><th></th><th class="num">'
        f"{escape(labels.column('participants'))}</th>{head}</tr>{''.join(body)}</table></div>"
        f'<p class="note">{escape(labels.t("indicators_note"))}</p>'
        f"<h3>{escape(labels.t('indicators_by_sessions'))}</h3>"
        f'<div class="table-wrap"><table><tr><th>{escape(labels.column("sessions"))}</th>'
        f'<th class="num">{escape(labels.column("participants"))}</th>'
        f'<th class="num">{escape(labels.column("all_three_share"))}</th><th></th></tr>'
        f"{''.join(bars)}</table></div>"
    )
    return sheets, [html]
