"""The page's words and numbers: the message catalogue, per language, for the templates.

Every text of the page is a ``web.*`` code of :mod:`tkm_assign.messages.catalogue`
(Indonesian in ``locale/id``); templates call ``t(code, **values)``. Numbers and
percentages are formatted for the language with Babel (``1.234,5`` in Indonesian,
``1,234.5`` in English).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache

from babel import Locale
from babel.numbers import NumberPattern, parse_pattern

from tkm_assign.messages import LANGUAGES, MESSAGES, Message, from_json, render

__all__ = [
    "LANGUAGES",
    "filled",
    "known",
    "number",
    "percent",
    "step",
    "stored",
    "t",
    "translator",
]


def t(code: str, lang: str, **values: object) -> str:
    """The text of ``code`` in ``lang`` with ``values`` filled in."""
    return render(Message.of(code, **values), lang)  # type: ignore[arg-type]


def stored(data: Mapping[str, object], key: str, lang: str) -> str:
    """A stored error's text in ``lang``: its ``message`` (JSON of a
    :class:`~tkm_assign.messages.Message`) rendered, else the English ``data[key]`` that jobs
    stored before messages were kept."""
    message = data.get("message")
    if isinstance(message, str):
        try:
            return render(from_json(message), lang)
        except ValueError:
            pass  # a code this version no longer has
    value = data.get(key)
    return "" if value is None else str(value)


def known(code: str) -> bool:
    """Whether the catalogue has ``code`` (error codes stored with old jobs may not)."""
    return code in MESSAGES


def step(code: str, lang: str) -> str:
    """Words for a progress step code of the application layer (``step.assign``)."""
    return t(code, lang) if known(code) and code.startswith("step.") else ""


def translator(lang: str) -> Callable[..., str]:
    """``t`` for one language, as the templates call it: ``t("web.nav.plans")``."""

    def translate(code: str, **values: object) -> str:
        return t(code, lang, **values)

    return translate


def number(value: object, digits: int = 0, lang: str = "id") -> str:
    """``1234.5`` -> ``1.234,5`` (Indonesian) or ``1,234.5`` (English); ``-`` for none."""
    if value is None or value == "":
        return "-"
    return _pattern(digits).apply(float(value), _locale(lang))  # type: ignore[arg-type]


@cache
def _pattern(digits: int) -> NumberPattern:
    # Parsed once: a plan page formats thousands of numbers.
    return parse_pattern("#,##0" + ("." + "0" * digits if digits > 0 else ""))


@cache
def _locale(lang: str) -> Locale:
    return Locale.parse(lang)


def filled(code: str, values: Mapping[str, object], lang: str) -> str:
    """``t`` with numbers written for the language (``21,8``; whole numbers as ``50.000``)."""
    shown: dict[str, object] = {}
    for key, value in values.items():
        if isinstance(value, bool) or not isinstance(value, int | float):
            shown[key] = value
        elif isinstance(value, float) and not value.is_integer():
            shown[key] = number(value, 1, lang)
        else:
            shown[key] = number(value, 0, lang)
    return t(code, lang, **shown)


def percent(value: object, digits: int = 1, lang: str = "id") -> str:
    """``0.8554`` -> ``85,5%`` (Indonesian) or ``85.5%`` (English)."""
    if value is None or value == "":
        return "-"
    return number(float(value) * 100, digits, lang) + "%"  # type: ignore[arg-type]
