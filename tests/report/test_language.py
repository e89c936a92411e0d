"""Each language throughout: no English (or configuration key) in the Indonesian outputs,
no Indonesian in the English ones.

The small plan is written in both languages: report, workbook, GeoPackage and audit; then
followed (a simulated logbook) and written again as progress (``progress.html``,
``progress.xlsx``, ``at_risk.csv``, the WhatsApp messages) and as a re-plan (its report,
workbook and ``changes.csv``). Their text a person reads (page text without markup,
workbook cells, CSV cells and GeoPackage attribute values other than codes, the worded
columns of codes always, messages) is searched for every phrase of the other language that
the catalogue of labels and messages holds, and for configuration keys; and it must hold
phrases of its own language, so an output with nothing worded fails too. Settings keys may appear only where the
reader is told which setting to change: the footnotes and the appendix of the
configuration. Ids, names and places are the same in both languages and are not searched.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import string
from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import openpyxl
import pandas as pd
import pyogrio
import pytest

from tkm_assign import app
from tkm_assign.audit import audit_plan, write_audit_outputs
from tkm_assign.config import Config
from tkm_assign.geo.travel import HaversineTravel
from tkm_assign.messages import LANGUAGES, MESSAGES, Plural, template
from tkm_assign.programme.plan import plan_from_schedule
from tkm_assign.report import write_plan_outputs
from tkm_assign.report.html import flatten

OTHER = {"id": "en", "en": "id"}
# Words both languages write the same way, and brand or unit names.
SHARED = {
    "whatsapp",
    "zoom",
    "or-tools",
    "cp-sat",
    "gini",
    "rp",
    "km",
    "id",
    "ok",
    "min",
    "transport",
}
# Parts of official place names (Kabupaten Badung, Kota Bandung), the same in English.
SHARED |= {"kabupaten", "kota", "kecamatan", "desa"}


CODE = re.compile(r"[a-z0-9_;]+")


def _fragments(text: str) -> Iterator[str]:
    """The fixed parts of a template (between its placeholders), as searchable phrases."""
    for literal, *_ in string.Formatter().parse(text):
        for part in re.split(r"[();:,/·=×–\-\d%{}]+", literal):
            words = part.split()
            if len(words) >= 2 or (len(words) == 1 and len(words[0]) >= 6):
                yield " ".join(words)


def phrases(lang: str) -> set[str]:
    """Phrases of ``lang`` in the catalogue that the other language words differently."""
    found: set[str] = set()
    for code, entry in MESSAGES.items():
        if code.startswith("web."):
            continue  # the page's own texts; the outputs here are files
        mine, theirs = template(code, lang), template(code, OTHER[lang])
        if mine == theirs:
            continue
        found |= set(_fragments(mine))
        if isinstance(entry, Plural) and lang == "en":
            found |= set(_fragments(entry.plural))
    others = {f.lower() for f in _all_fragments(OTHER[lang])}
    return {f for f in found if f.lower() not in SHARED and f.lower() not in others}


def _all_fragments(lang: str) -> set[str]:
    """Every phrase of ``lang`` (a phrase both languages write is no sign of either)."""
    return {f for code in MESSAGES for f in _fragments(template(code, lang))}


def config_keys() -> set[str]:
    return {key for key, _ in flatten(Config().to_dict())}


def page_text(path: Path) -> str:
    """What a person reads on a page: no markup, no style, no footnotes or settings table."""
    page = path.read_text(encoding="utf-8")
    page = re.sub(r"<(style|script)\b.*?</\1>", " ", page, flags=re.DOTALL)
    page = re.sub(r'<p class="note footnote">.*?</p>', " ", page, flags=re.DOTALL)
    page = re.sub(r"<details class=\"settings\">.*?</details>", " ", page, flags=re.DOTALL)
    page = re.sub(
        r"<svg\b.*?</svg>",
        lambda m: " ".join(re.findall(r">([^<]+)<", m.group(0))),
        page,
        flags=re.DOTALL,
    )
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def workbook_text(path: Path) -> str:
    book = openpyxl.load_workbook(path, read_only=True)
    return "\n".join(
        str(value)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if isinstance(value, str)
    )


def geopackage_text(path: Path) -> str:
    texts = []
    for name, _ in pyogrio.list_layers(path):
        frame = gpd.read_file(path, layer=name)
        for column in frame.columns:
            values = frame[column].dropna().tolist() if column != "geometry" else []
            if column == "styleQML":  # QGIS's XML: codes and field names; its legend is read
                values = [label for qml in values for label in re.findall(r'label="([^"]*)"', qml)]
            # Codes (status "assigned", sector "industri_boga") are identifiers for GIS
            # rules and joins, the same in every language; what is worded is searched,
            # the words of a code column always ("terlayani" is one word, like a code).
            worded = column.endswith("_label") or column == "reason"
            texts += [v for v in values if isinstance(v, str) and (worded or not CODE.fullmatch(v))]
    return "\n".join(texts)


def csv_text(path: Path) -> str:
    """The cells of a CSV file but its header (table column names, the same in every
    language) and codes."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    values = [str(v) for column in frame.columns for v in frame[column]]
    return "\n".join(v for v in values if v and not CODE.fullmatch(v))


def output_text(path: Path) -> str:
    """What a person reads in one output file (or the files of a folder)."""
    if path.is_dir():
        return "\n".join(output_text(p) for p in sorted(path.iterdir()))
    if path.suffix == ".html":
        return page_text(path)
    if path.suffix == ".xlsx":
        return workbook_text(path)
    if path.suffix == ".csv":
        return csv_text(path)
    if path.suffix == ".txt":
        return path.read_text(encoding="utf-8")
    return geopackage_text(path)


def own_phrases(text: str, lang: str) -> list[str]:
    """Phrases of ``lang`` found in ``text`` (at least one: something is worded)."""
    lowered = " ".join(text.split()).lower()
    return [p for p in sorted(phrases(lang)) if p.lower() in lowered]


def leaks(text: str, lang: str) -> list[str]:
    """Phrases of the other language and configuration keys found in ``text``."""
    found = []
    lowered = " ".join(text.split()).lower()
    for phrase in sorted(phrases(OTHER[lang])):
        # Not inside a file name (participants.csv) or a settings key (travel.circuity).
        if re.search(rf"(?<![\w.-]){re.escape(phrase.lower())}(?![\w.-])", lowered):
            found.append(phrase)
    for key in sorted(config_keys()):
        if re.search(rf"(?<![\w.]){re.escape(key)}(?![\w])", text):
            found.append(key)
    return found


@pytest.fixture(scope="module", params=LANGUAGES)
def written(request, tmp_path_factory, small_problem, small_tables) -> tuple[str, Path]:
    lang = request.param
    folder = tmp_path_factory.mktemp(f"language_{lang}")
    (folder / "plan").mkdir()
    write_plan_outputs(folder / "plan", small_problem, small_tables, lang)
    (folder / "audit").mkdir()
    travel = HaversineTravel(small_problem.config.travel)
    result = audit_plan(small_problem, small_tables.assignments, small_tables.schedule, travel)
    write_audit_outputs(folder / "audit", small_problem, result, lang, None)
    return lang, folder


@pytest.fixture(scope="module")
def followed(tmp_path_factory, small_problem) -> dict[str, Path]:
    """The small plan followed for 45 days (a simulated logbook) then reported and
    re-planned, written in each language: ``{lang: folder}``."""
    config = small_problem.config.replace(
        [
            'travel.model="haversine"',
            'travel.cache_dir=""',
            "assign.time_limit_s=2",
            "schedule.time_limit_s=0.5",
            "schedule.workers=1",
        ]
    )
    made = app.plan(small_problem, config)
    plan = plan_from_schedule(made.assignment, made.schedule)
    as_of = config.programme.start_date + dt.timedelta(days=44)
    logbook = app.simulate(made.problem, plan, as_of=as_of).simulated.logbook
    progress = app.progress(made.problem, plan, logbook)
    replan = app.replan(made.problem, plan, logbook)
    folders = {}
    for lang in LANGUAGES:
        folder = tmp_path_factory.mktemp(f"followed_{lang}")
        app.write_outputs(progress, folder / "progress", lang=lang)
        app.write_outputs(replan, folder / "replan", lang=lang)
        folders[lang] = folder
    return folders


@pytest.mark.parametrize(
    "name",
    [
        "plan/report.html",
        "plan/plan.xlsx",
        "plan/plan.gpkg",
        "audit/audit.html",
        "audit/audit.xlsx",
        "plan/calendars/M01.html",
    ],
)
def test_every_output_speaks_one_language(written, name: str):
    lang, folder = written
    text = output_text(folder / name)
    assert leaks(text, lang) == []
    assert own_phrases(text, lang), f"{name}: nothing worded in {lang}"


PROGRAMME_OUTPUTS = [
    (lang, name)
    for lang in LANGUAGES
    for name in (
        "progress/progress.html",
        "progress/progress.xlsx",
        "progress/at_risk.csv",
        "progress/messages",
        "replan/report.html",
        "replan/plan.xlsx",
        "replan/plan.gpkg",
        "replan/changes.csv",
        "replan/messages",
    )
]


@pytest.mark.parametrize(("lang", "name"), PROGRAMME_OUTPUTS)
def test_the_programme_outputs_speak_one_language(followed, lang: str, name: str):
    path = followed[lang] / name
    text = output_text(path)
    assert leaks(text, lang) == [], name
    assert own_phrases(text, lang), f"{name}: nothing worded in {lang}"
