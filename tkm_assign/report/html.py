"""``report.html``: the plan's key figures in one self-contained, offline HTML file.

Charts are inline SVG, the map an embedded PNG (``data:`` URI), the style sheet inline;
the page loads nothing from anywhere, so it opens the same on a laptop without internet or
after being forwarded on WhatsApp. Templates live in ``tkm_assign/report/templates``.
"""

from __future__ import annotations

import base64
import datetime as dt
import logging
from collections.abc import Mapping, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

import jinja2
import numpy as np
import pandas as pd
from markupsafe import Markup

from tkm_assign import __version__
from tkm_assign.model import Problem
from tkm_assign.report import charts
from tkm_assign.report.figures import (
    BASELINE_2024,
    CV_UNEVEN,
    GINI_UNEVEN,
    SESSION_BINS,
    assigned_mentor,
    balance_utilisation,
    engine_words,
    participants_by_id,
    programme_period,
    reason_counts,
    status_words,
    text,
    unassigned_rows,
)
from tkm_assign.report.i18n import Labels
from tkm_assign.report.tables import PlanTables

if TYPE_CHECKING:
    from tkm_assign.assign.remedies import UnservedReview

log = logging.getLogger("tkm_assign")

# Long lists are cut in the page (the workbook has them all): the page stays light.
MAX_TABLE_ROWS = 300


@cache
@cache
def environment() -> jinja2.Environment:
    """The template environment (templates shipped inside the package, autoescaped); one
    per process, so each template is compiled once for all the mentors' pages."""
    return jinja2.Environment(
        loader=jinja2.PackageLoader("tkm_assign.report", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )


def flatten(data: Mapping[str, Any], prefix: str = "") -> list[tuple[str, str]]:
    """``{"a": {"b": 1}}`` -> ``[("a.b", "1")]``, for showing the configuration."""
    rows: list[tuple[str, str]] = []
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            rows += flatten(value, f"{name}.")
        else:
            rows.append((name, str(value).lower() if isinstance(value, bool) else str(value)))
    return rows


def _card(label: str, big: str, sub: str = "", cls: str = "") -> dict[str, str]:
    return {"label": label, "big": big, "sub": sub, "cls": cls}


def key_cards(figures: Mapping[str, Any], labels: Labels) -> list[dict[str, str]]:
    """The headline figures as cards; a card is amber or red when the figure is worrying."""
    served = figures["served_share"]
    cards = [
        _card(
            labels["participants_served"],
            labels.number(figures["assigned"]),
            f"{labels['of']} {labels.number(figures['participants'])} ({labels.percent(served)})",
            "bad" if served < 0.8 else "warn" if served < 0.95 else "",
        )
    ]
    if figures["target_share"] is not None:
        share = figures["target_share"]
        cards.append(
            _card(
                labels["target_share"],
                labels.percent(share),
                "",
                "bad" if share < 0.8 else "warn" if share < 0.95 else "",
            )
        )
    if figures["sessions"] is not None:  # without a schedule nobody has sessions yet
        low = figures["sessions_first_3_months"]["shares"]["0-2"]
        cards.append(
            _card(
                f"{labels['sessions_distribution']}: {labels['bin_low']}",
                labels.percent(low),
                f"{labels['baseline_2024']}: {labels.percent(BASELINE_2024['0-2'], 2)}",
                "warn" if low > BASELINE_2024["0-2"] else "",
            )
        )
    if figures["onsite_share"] is not None:
        cards.append(_card(labels["onsite_share"], labels.percent(figures["onsite_share"])))
    if figures["sector_match_rate"] is not None:
        cards.append(_card(labels["sector_match"], labels.percent(figures["sector_match_rate"])))
    if figures["mean_travel_min"] is not None:
        sub = ""
        if figures["travel_hours_total"] is not None:
            sub = f"{labels['travel_hours_total']}: {labels.number(figures['travel_hours_total'])}"
        cards.append(
            _card(labels["mean_travel_min"], labels.number(figures["mean_travel_min"], 1), sub)
        )
    spread = figures["utilisation_spread"]
    n_over, n_idle = len(figures["overloaded"]), len(figures["idle"])
    basis = "busiest" if figures["utilisation_basis"] == "busiest_month" else "estimated"
    cards.append(
        _card(
            labels[f"utilisation_mean_{basis}"],
            labels.percent(spread["mean"], 0),
            f"{labels['measure_cv']} {labels.number(spread['cv'], 2)} · "
            f"{n_over} {labels.value('overloaded')} · {n_idle} {labels.value('idle')}",
            "bad" if n_over else "warn" if spread["cv"] > CV_UNEVEN else "",
        )
    )
    if figures["shortfalls"] is not None:
        cards.append(
            _card(
                labels["shortfalls_count"],
                labels.number(figures["shortfalls"]),
                "",
                "warn" if figures["shortfalls"] else "",
            )
        )
    return cards


def spread_table(
    balance: pd.DataFrame, figures: Mapping[str, Any], labels: Labels
) -> tuple[list[str], list[list[str]]]:
    """Spread measures (rows) of caseload, hours, utilisation and travel (columns)."""
    from tkm_assign.report.figures import spread

    scheduled = figures["utilisation_basis"] == "busiest_month"
    columns: list[tuple[str, pd.Series, int, bool]] = [
        (labels["caseload"], balance["caseload"].astype(float), 1, False),
        (
            labels["hours"],
            (balance["peak_hours"] if scheduled else balance["monthly_hours_estimated"]).astype(
                float
            ),
            1,
            False,
        ),
        (labels.column("utilisation"), balance_utilisation(balance), 0, True),
    ]
    if scheduled:
        columns.append(
            (labels.column("travel_hours"), balance["travel_hours"].astype(float), 1, False)
        )
    measures = [
        ("mean", "measure_mean"),
        ("std", "measure_std"),
        ("cv", "measure_cv"),
        ("min", "measure_min"),
        ("max", "measure_max"),
        ("max_over_mean", "measure_max_over_mean"),
        ("gini", "measure_gini"),
    ]
    spreads = [spread(values) for _, values, _, _ in columns]
    rows = []
    for key, label in measures:
        row = [labels[label]]
        for (_, _, digits, is_share), measured in zip(columns, spreads, strict=True):
            value = measured[key]
            if key in ("cv", "max_over_mean", "gini"):
                row.append(labels.number(value, 2))
            elif is_share:
                row.append(labels.percent(value, digits))
            else:
                row.append(labels.number(value, digits))
        rows.append(row)
    return [name for name, _, _, _ in columns], rows


def _flagged(balance: pd.DataFrame, labels: Labels) -> tuple[list[str], list[dict[str, Any]]]:
    heads = [
        labels.column("mentor_id"),
        labels.column("mentor_name"),
        labels.column("province"),
        labels.column("caseload"),
        labels.column("max_caseload"),
        labels.column("utilisation"),
    ]
    util = balance_utilisation(balance)
    order = np.argsort(-util.to_numpy(), kind="stable")
    balance = balance.iloc[order]
    util = util.iloc[order]
    groups = []
    for flag, title in (("overloaded", "overloaded"), ("idle", "idle")):
        rows = [
            [
                row.mentor_id,
                row.name,
                row.province,
                labels.number(float(str(row.caseload))),
                labels.number(float(str(row.max_caseload))),
                labels.percent(float(u), 0),
            ]
            for row, u in zip(balance.itertuples(), util, strict=True)
            if row.flag == flag
        ]
        groups.append({"title": labels[title], "rows": rows})
    return heads, groups


# Columns of the per-mentor review: (balance column, label column name, decimals).
REVIEW_COLUMNS = (
    ("mentor_id", "mentor_id", None),
    ("province", "province", None),
    ("caseload", "participants", 0),
    ("sessions", "sessions", 0),
    ("session_hours", "hours_without_travel", 0),
    ("total_hours", "hours_with_travel", 0),
    ("travel_km", "travel_km", 0),
    ("travel_share", "travel_share", None),
    ("travel_cost_idr", "travel_cost_idr", 0),
    ("utilisation", "utilisation", None),
    ("flags", "flag", None),
)


def workload_review(balance: pd.DataFrame, problem: Problem, labels: Labels) -> dict[str, Any]:
    """The per-mentor workload table for programme staff, flagged mentors first, with the
    sentences that explain its measures and a footnote naming the settings behind them."""
    config = problem.config
    util = balance_utilisation(balance).to_numpy(dtype=float)
    over = (balance["flag"] == "overloaded").to_numpy()
    heavy = balance["travel_heavy"].fillna(False).astype(bool).to_numpy()
    idle = (balance["flag"] == "idle").to_numpy()
    # Overloaded, then heavy travel, then idle, then the rest; busiest first within each.
    rank = np.where(over, 0, np.where(heavy, 1, np.where(idle, 2, 3)))
    order = np.lexsort((-util, rank))
    rows = []
    for k in order:
        record = balance.iloc[int(k)]
        cells: list[tuple[str, str]] = []
        for column, _, digits in REVIEW_COLUMNS:
            if column == "flags":
                flags = [
                    f
                    for f, on in (
                        ("overloaded", over[k]),
                        ("travel_heavy", heavy[k]),
                        ("idle", idle[k]),
                    )
                    if on
                ]
                cells.append((", ".join(labels.value(f) for f in flags), "over" if over[k] else ""))
                continue
            if column == "utilisation":
                cells.append(
                    (labels.percent(float(util[k]), 0), "over" if util[k] > 1 + 1e-6 else "")
                )
                continue
            value = record[column]
            if digits is None and column != "travel_share":
                cells.append((text(value), ""))
            elif value is None or pd.isna(value):
                cells.append(("–", ""))
            elif column == "travel_share":
                cells.append((labels.percent(float(value), 0), "warn" if heavy[k] else ""))
            else:
                cells.append((labels.number(float(value), digits or 0), ""))
        rows.append(cells)
    scheduled = balance["total_hours"].notna().any()
    rate = labels.text("idr", amount=labels.number(config.cost.per_km_idr))
    cost = pd.to_numeric(balance["travel_cost_idr"], errors="coerce")
    return {
        "heads": [labels.column(name) for _, name, _ in REVIEW_COLUMNS],
        "rows": rows,
        "note": labels.text(
            "workload_review_note",
            rate=rate,
            mark="¹",
            basis=labels["basis_busiest_month" if scheduled else "basis_estimated"],
        ),
        "travel_note": labels.text(
            "travel_burden_note",
            count=int(heavy.sum()),
            share=labels.percent(config.output.travel_share_flag, 0),
            mark="²",
        )
        if scheduled
        else "",
        "cost_total": labels.text("idr", amount=labels.number(float(cost.sum())))
        if cost.notna().any()
        else "",
        "explained": [
            labels.text("cv_explained", limit=labels.number(CV_UNEVEN, 1)),
            labels.text("gini_explained", limit=labels.number(GINI_UNEVEN, 1)),
        ],
        "footnotes": [
            f"¹ {labels.text('setting_footnote', settings='cost.per_km_idr')}",
            *(
                [f"² {labels.text('setting_footnote', settings='output.travel_share_flag')}"]
                if scheduled
                else []
            ),
        ],
    }


def _province_rows(
    provinces: pd.DataFrame, labels: Labels
) -> tuple[list[str], list[list[tuple[str, str]]]]:
    """Province table cells as (text, css class): amber when under 90 % of participants are
    served, red when the province's mentors are above 100 % on average."""
    names = [
        "province",
        "participants",
        "assigned",
        "mentors",
        "places",
        "served_share",
        "sector_match_rate",
        "mean_travel_min",
        "utilisation_mean",
    ]
    shares = {"served_share", "sector_match_rate", "utilisation_mean"}
    heads = [labels.column(n) for n in names]
    rows = []
    for record in provinces.to_dict("records"):
        cells = []
        for name in names:
            value = record[name]
            cls = ""
            if name == "province":
                shown = str(value)
            elif pd.isna(value):
                shown = "–"
            elif name in shares:
                shown = labels.percent(float(value), 0)
                if name == "served_share" and float(value) < 0.9:
                    cls = "warn"
                if name == "utilisation_mean" and float(value) > 1.0 + 1e-6:
                    cls = "over"
            elif name == "mean_travel_min":
                shown = labels.number(float(value), 0)
            else:
                shown = labels.number(float(value))
            cells.append((shown, cls))
        rows.append(cells)
    return heads, rows


def duration_words(minutes: int, labels: Labels) -> str:
    """``3 jam`` / ``2 jam 30 menit`` (``3 h`` / ``2 h 30 min``)."""
    hours, rest = divmod(int(minutes), 60)
    if not rest:
        return labels.text("hours_only", hours=hours)
    return labels.text("hours_minutes", hours=hours, minutes=rest)


def unserved_section(problem: Problem, review: UnservedReview, labels: Labels) -> dict[str, Any]:
    """The unserved in words: counts by cause, remedies per province, near misses.

    Settings a sentence depends on are marked with a number and named in a footnote."""
    from tkm_assign.assign.remedies import NEAR_MISS_MIN
    from tkm_assign.geo.regions import load_geography

    marks: dict[str, str] = {}

    def mark(setting: str) -> str:
        return marks.setdefault(setting, "¹²³⁴⁵⁶⁷⁸⁹"[len(marks)])

    limit = duration_words(review.limit_min, labels)
    causes = []
    for cause, group in review.by_cause().items():
        values: dict[str, str] = {}
        if cause == "too_far":
            values = {"limit": limit, "mark": mark("travel.max_travel_min")}
        elif cause == "mentors_full":
            values = {"mark": mark("caseload.max")}
        causes.append(
            labels.text(
                "cause_count",
                count=labels.number(len(group)),
                cause=labels.text(f"cause_{cause}", **values),
            )
        )
    geography = load_geography()
    remedies: dict[str, list[str]] = {}
    for remedy in review.remedies:
        count = labels.number(len(remedy.participants))
        if remedy.action == "add_mentor":
            line = labels.text(
                "remedy_add_mentor",
                mentors=labels.number(remedy.mentors),
                town=remedy.town,
                island=remedy.island,
                count=count,
            )
        elif remedy.action == "allow_ferry":
            line = labels.text(
                "remedy_allow_ferry",
                island=remedy.island,
                mark=mark("travel.cross_island"),
                count=count,
            )
        elif remedy.action == "raise_travel_limit":
            line = labels.text(
                "remedy_raise_travel_limit",
                minutes=labels.number(remedy.minutes),
                mark=mark("travel.max_travel_min"),
                count=count,
                ids=", ".join(remedy.participants),
            )
        else:
            line = labels.text(
                "remedy_free_places",
                mentor=remedy.mentor_id,
                island=remedy.island,
                places=labels.number(remedy.free_places),
                count=count,
            )
        remedies.setdefault(geography.province_name(remedy.province_code), []).append(line)
    people = participants_by_id(problem)
    near_rows = [
        [
            u.participant_id,
            people[u.participant_id].name if u.participant_id in people else "",
            geography.province_name(u.province_code),
            u.nearest_mentor_id or "",
            labels.number(u.nearest_min or 0),
            labels.number(u.over_limit_min or 0),
        ]
        for u in sorted(review.near_misses, key=lambda u: (u.over_limit_min, u.participant_id))
    ]
    return {
        "causes": causes,
        "remedies": sorted(remedies.items()),
        "near_title": labels.text("near_misses", minutes=NEAR_MISS_MIN),
        "near_heads": [
            labels.column(c)
            for c in (
                "participant_id",
                "participant_name",
                "province",
                "nearest_mentor_id",
                "nearest_min",
                "over_limit_min",
            )
        ],
        "near_rows": near_rows,
        "footnotes": [
            f"{m} {labels.text('setting_footnote', settings=key)}" for key, m in marks.items()
        ],
    }


def _problem_blocks(
    problem: Problem,
    tables: PlanTables,
    labels: Labels,
    unserved: UnservedReview | None = None,
) -> list[dict[str, Any]]:
    blocks = []
    lost = unassigned_rows(problem, tables)
    heads = [
        labels.column(c)
        for c in ("participant_id", "participant_name", "province", "sector", "reason")
    ]
    rows = [
        [
            r.participant_id,
            r.participant_name,
            r.province,
            labels.value(r.sector),
            labels.message(r.reason),
        ]
        for r in lost.head(MAX_TABLE_ROWS).itertuples()
    ]
    blocks.append(
        {
            "title": labels["unassigned_section"],
            "total": len(lost),
            "reasons": reason_counts(labels.message(r) for r in lost["reason"]),
            "heads": heads,
            "rows": rows,
            "truncated": _truncated(len(rows), len(lost), labels),
            "unserved": unserved_section(problem, unserved, labels)
            if unserved is not None and unserved.unserved
            else None,
        }
    )
    if tables.shortfalls is not None:
        # Months of participants without a mentor are counted with the unserved above, as
        # in the headline card: only participants with a mentor are listed here.
        with_mentor = set(assigned_mentor(tables))
        short = tables.shortfalls[tables.shortfalls["participant_id"].map(text).isin(with_mentor)]
        people = participants_by_id(problem)
        cols = [
            "participant_id",
            "participant_name",
            "mentor_id",
            "month",
            "planned",
            "required",
            "onsite_planned",
            "onsite_required",
            "reason",
        ]
        short_rows: list[list[str]] = []
        for record in short.head(MAX_TABLE_ROWS).to_dict("records"):
            pid = text(record["participant_id"])
            short_rows.append(
                [pid, people[pid].name if pid in people else ""]
                + [text(record[c]) for c in cols[2:-1]]
                + [labels.message(record["reason"])]
            )
        blocks.append(
            {
                "title": labels["shortfalls_section"],
                "total": len(short),
                "reasons": reason_counts(labels.message(r) for r in short["reason"]),
                "heads": [labels.column(c) for c in cols],
                "rows": short_rows,
                "truncated": _truncated(len(short_rows), len(short), labels),
                "unserved": None,
            }
        )
    return blocks


def _truncated(shown: int, total: int, labels: Labels) -> str:
    return labels.text("table_truncated", shown=shown, total=total) if shown < total else ""


def render_report(
    problem: Problem,
    tables: PlanTables,
    labels: Labels,
    figures: Mapping[str, Any],
    balance: pd.DataFrame,
    provinces: pd.DataFrame,
    map_png: bytes | None,
    generated: dt.datetime,
    title: str | None = None,
    extra_sections: Sequence[Markup] = (),
    unserved: UnservedReview | None = None,
) -> str:
    """The report page as HTML text (see the module docstring); ``unserved`` adds the
    causes, remedies and near misses of the participants without a mentor."""
    first, last = programme_period(problem)
    shares = figures["sessions_first_3_months"]["shares"]
    counts = figures["sessions_first_3_months"]["counts"]
    bin_labels = (labels["bin_low"], labels["bin_mid"], labels["bin_high"])
    session_bins = [
        {
            "label": label,
            "baseline": labels.percent(BASELINE_2024[key], 2),
            "plan": labels.percent(shares[key], 2),
            "count": labels.number(counts[key]),
        }
        for key, label in zip(SESSION_BINS, bin_labels, strict=True)
    ]
    assigned = tables.assignments["mentor_id"].map(text) != ""
    travel = pd.to_numeric(tables.assignments.loc[assigned, "travel_min"], errors="coerce")
    spread_heads, spread_rows = spread_table(balance, figures, labels)
    flagged_heads, flagged = _flagged(balance, labels)
    province_heads, province_rows = _province_rows(provinces, labels)
    summary = tables.assignment_summary or {}
    inputs = [
        (labels["participants_file"], problem.participants_source),
        (labels["mentors_file"], problem.mentors_source),
        (labels["participants_total"], labels.number(len(problem.participants))),
        (labels["mentors_total"], labels.number(len(problem.mentors))),
    ]
    if summary.get("status") is not None:
        inputs.append(
            (labels["solver_status"], status_words(summary["status"], summary.get("gap"), labels))
        )
    if summary.get("engine") is not None:
        inputs.append((labels["solver_engine"], engine_words(summary["engine"], labels)))
    if summary.get("seed") is not None:
        inputs.append((labels["seed"], str(summary["seed"])))
    if summary.get("solve_seconds") is not None:
        seconds = labels.number(float(summary["solve_seconds"]), 1)
        inputs.append((labels["solve_seconds"], labels.text("unit_seconds", value=seconds)))
    note = labels["utilisation_note"] if tables.workload is not None else labels["estimated_note"]
    context = {
        "lang": labels.lang,
        "L": labels,
        "title": title or labels["report_title"],
        "period": f"{labels.short_date(first)} – {labels.short_date(last)}",
        "generated": generated.strftime("%Y-%m-%d %H:%M"),
        "cards": key_cards(figures, labels),
        "charts": {
            "sessions": Markup(charts.sessions_chart(shares, labels))
            if figures["sessions"] is not None
            else "",
            "utilisation": Markup(
                charts.utilisation_chart(balance, labels, problem.config.output.idle_utilisation)
            ),
            "caseload": Markup(charts.caseload_chart(balance, labels)),
            "provinces": Markup(charts.province_chart(provinces, labels)),
            "travel": Markup(charts.travel_chart(travel.dropna().tolist(), labels)),
        },
        "session_bins": session_bins,
        "utilisation_note": note,
        "spread_heads": spread_heads,
        "spread_rows": spread_rows,
        "flagged_heads": flagged_heads,
        "flagged": flagged,
        "review": workload_review(balance, problem, labels),
        "province_heads": province_heads,
        "province_rows": province_rows,
        "map_png": base64.b64encode(map_png).decode("ascii") if map_png else "",
        "problem_blocks": _problem_blocks(problem, tables, labels, unserved),
        "inputs": inputs,
        "config_rows": flatten(problem.config.to_dict()),
        "footer": labels.text("footer", version=__version__),
        "extra_sections": list(extra_sections),
    }
    return environment().get_template("report.html.j2").render(context)
