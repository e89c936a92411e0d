"""Labels of the report, workbook, calendars and printable schedules, from the catalogue.

Every word here is a message of :mod:`tkm_assign.messages` (``label.*``, ``column.*``,
``value.*``, ``weekday.*``, ``month_name.*``), translated in the gettext catalogues.
Table columns are labelled by their column name (the names in
:mod:`tkm_assign.report.tables`), so a workbook header read back by the audit can be mapped
to its column again (:func:`tkm_assign.io.labels.column_aliases`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tkm_assign.messages import LANGUAGES, MESSAGES, Message, render, template

__all__ = ["LANGUAGES", "Labels"]


@dataclass(frozen=True)
class Labels:
    """Labels in one language: ``labels["report_title"]``, ``labels.column("date")``."""

    lang: str

    def __post_init__(self) -> None:
        if self.lang not in LANGUAGES:
            raise ValueError(f"language {self.lang!r} is not one of {', '.join(LANGUAGES)}")

    def __getitem__(self, key: str) -> str:
        """The label ``label.<key>`` of the catalogue."""
        return template(f"label.{key}", self.lang)

    def text(self, key: str, **fields: object) -> str:
        """A label with ``{placeholders}`` filled in."""
        return self[key].format(**fields)

    def message(self, message: object) -> str:
        """A message (a reason, a finding) in this language; other values as text; ``""``
        for none."""
        if isinstance(message, Message):
            return render(message, self.lang)
        return "" if message is None else str(message)

    def column(self, name: str) -> str:
        """Header of a table column; the column name itself when it has no label."""
        code = f"column.{name}"
        return template(code, self.lang) if code in MESSAGES else name

    def value(self, code: object) -> str:
        """A code (mode, status, sector, need level, yes/no) in words; other values as text."""
        if isinstance(code, bool):
            code = "yes" if code else "no"
        key = f"value.{code}"
        if key in MESSAGES:
            return template(key, self.lang)
        return "" if code is None else str(code)

    def weekday(self, day: dt.date) -> str:
        return template(f"weekday.{day.weekday()}", self.lang)

    def month_name(self, month: int) -> str:
        """``Juli`` / ``July`` of a calendar month (1 = January)."""
        return template(f"month_name.{month}", self.lang)

    def long_date(self, day: dt.date) -> str:
        """``Senin, 5 Juli 2027`` / ``Monday, 5 July 2027``."""
        return f"{self.weekday(day)}, {day.day} {self.month_name(day.month)} {day.year}"

    def short_date(self, day: dt.date) -> str:
        """``5 Jul 2027``."""
        return f"{day.day} {self.month_name(day.month)[:3]} {day.year}"

    def percent(self, share: float | None, digits: int = 1) -> str:
        """``58,9 %`` in Indonesian, ``58.9%`` in English; ``–`` when unknown."""
        if share is None or share != share:
            return "–"
        text = self.number(100.0 * share, digits)
        return f"{text} %" if self.lang == "id" else f"{text}%"

    def number(self, value: float | None, digits: int = 0) -> str:
        """Thousands and decimal separators of the language (``3.000,5`` / ``3,000.5``), by
        Babel's locale data; ``–`` when unknown."""
        if value is None or value != value:
            return "–"
        from babel.numbers import format_decimal

        rounded = round(float(value), digits) or 0.0  # no "-0"
        pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
        return str(format_decimal(rounded, format=pattern, locale=self.lang))
