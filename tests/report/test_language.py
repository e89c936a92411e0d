"""Each language throughout: no English (or configuration key) in the Indonesian outputs,
no Indonesian in the English ones.

The small plan is written in both languages: report, workbook, GeoPackage and audit. Their
text a person reads (page text without markup, workbook cells, GeoPackage attribute
values other than codes) is searched for every phrase of the other language that the catalogue of labels
and messages holds, and for configuration keys. Settings keys may appear only where the
reader is told which setting to change: the footnotes and the appendix of the
configuration. Ids, names and places are the same in both languages and are not searched.
"""

from __future__ import annotations

import html
import re
import string
from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import openpyxl
import pyogrio
import pytest

from tkm_assign.audit import audit_plan, write_audit_outputs
from tkm_assign.config import Config
from tkm_assign.geo.travel import HaversineTravel
from tkm_assign.messages import LANGUAGES, MESSAGES, Plural, template
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
            # rules and joins, the same in every language; what is worded is searched.
            texts += [v for v in values if isinstance(v, str) and not CODE.fullmatch(v)]
    return "\n".join(texts)


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
    path = folder / name
    if path.suffix == ".html":
        text = page_text(path)
    elif path.suffix == ".xlsx":
        text = workbook_text(path)
    else:
        text = geopackage_text(path)
    assert leaks(text, lang) == []
