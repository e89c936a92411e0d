"""Every text a person reads: structured messages and the catalogue that words them.

Library code never builds sentences for people. It returns facts: a :class:`Message` is a
code from the catalogue plus the values that go into its text,
``Message.of("warning.province_without_mentor", source="peserta.csv", count=3,
province="Maluku")``. Each front end words it in the reader's language at the edge with
:func:`render` (``render(message, "id")``), so the same result can be shown in Indonesian
and English, grouped by code, or counted, without parsing text.

The catalogue is gettext, managed with Babel:

- :mod:`tkm_assign.messages.catalogue` holds every code with its English text (the msgid;
  English is the source language), each code being the message's gettext context;
- ``locale/<lang>/LC_MESSAGES/tkm_assign.po`` holds the translations (Indonesian, and an
  English catalogue whose empty entries fall back to the source text);
- ``python -m tkm_assign.messages`` rewrites the template ``locale/tkm_assign.pot`` and
  merges new codes into every ``.po`` file (existing translations kept); a test fails when
  a code is missing from a catalogue or a translation's placeholders differ from its source.

A code without a translation renders in English, so adding a message never breaks a
language; translating it is editing one ``msgstr``.

Values are text, numbers, dates, booleans, ``None``, other messages (rendered in the same
language) or tuples of messages (rendered and joined with ``"; "``). Templates are Python
format strings; besides the usual format specs, ``{x_min:hours}`` writes minutes as hours
(``168``, ``12.5``: whole when within 0.05 h) and ``{x:num1}`` a number the same way.
:func:`to_json` and :func:`from_json` keep messages in files (the travel cache).
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import json
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any, Union

from tkm_assign.messages.catalogue import MESSAGES, Plural

__all__ = [
    "DOMAIN",
    "LANGUAGES",
    "MESSAGES",
    "Message",
    "Plural",
    "Value",
    "from_json",
    "joined",
    "placeholders",
    "render",
    "rendered",
    "template",
    "to_json",
]

LANGUAGES = ("id", "en")
DOMAIN = "tkm_assign"
SEPARATOR = "; "

Value = Union[str, int, float, bool, None, dt.date, "Message", tuple["Message", ...]]


@dataclass(frozen=True, slots=True)
class Message:
    """A code of the catalogue and the values its text needs; hashable and picklable.

    Build with :meth:`of`, which checks that the code exists and that every placeholder of
    its text has a value. ``str(message)`` is the English text (for logs and exceptions);
    people see :func:`render` in their language.
    """

    code: str
    values: tuple[tuple[str, Value], ...] = ()

    @classmethod
    def of(cls, code: str, /, **values: Value) -> Message:
        """``Message.of("reason.no_mentor_in_province", province="Maluku")``.

        Raises
        ------
        KeyError
            When ``code`` is not in the catalogue or a placeholder has no value.
        """
        entry = MESSAGES.get(code)
        if entry is None:
            raise KeyError(f"message code {code!r} is not in tkm_assign.messages.catalogue")
        missing = placeholders(entry) - set(values)
        if missing:
            raise KeyError(f"message {code!r} needs values for {', '.join(sorted(missing))}")
        return cls(code, tuple(values.items()))

    @property
    def args(self) -> dict[str, Value]:
        """The values by name."""
        return dict(self.values)

    def __getitem__(self, name: str) -> Value:
        for key, value in self.values:
            if key == name:
                return value
        raise KeyError(name)

    def __str__(self) -> str:
        return render(self, "en")


def joined(parts: Iterable[Message]) -> Message:
    """Several messages as one, rendered ``"first; second"`` (e.g. every reason of a
    shortfall); a single message is returned as it is."""
    items = tuple(dict.fromkeys(parts))
    if len(items) == 1:
        return items[0]
    return Message.of("joined", parts=items)


@functools.cache
def template(code: str, lang: str) -> str:
    """The text of ``code`` in ``lang`` with its placeholders (singular form of a plural).

    Looked up once per code and language: the catalogue does not change while a program
    runs, and outputs ask for the same labels hundreds of thousands of times."""
    entry = MESSAGES[code]
    source = entry.singular if isinstance(entry, Plural) else entry
    return _translations(lang).pgettext(code, source)


def render(message: Message, lang: str = "id") -> str:
    """The message in words: ``"id"`` (Bahasa Indonesia) or ``"en"``.

    Raises
    ------
    ValueError
        For a language other than ``"id"`` and ``"en"``.
    """
    entry = MESSAGES[message.code]
    values = message.args
    translations = _translations(lang)
    if isinstance(entry, Plural):
        count = values.get(entry.count)
        n = int(count) if isinstance(count, int | float) else 0
        text = translations.npgettext(message.code, entry.singular, entry.plural, n)
    else:
        text = template(message.code, lang)
    shown = {name: _shown(value, lang) for name, value in values.items()}
    return _FORMATTER.format(text, **shown)


def _shown(value: Value, lang: str) -> Any:
    if isinstance(value, Message):
        return render(value, lang)
    if isinstance(value, tuple):
        return SEPARATOR.join(render(part, lang) for part in value)
    return value


def one_decimal(value: float) -> str:
    """``168`` or ``12.5``: whole when within 0.05 of a whole number, else one decimal."""
    return f"{value:.0f}" if abs(value - round(value)) < 0.05 else f"{value:.1f}"


class _Formatter(string.Formatter):
    """Format specs of the catalogue: the standard ones plus ``hours`` and ``num1``."""

    def format_field(self, value: Any, format_spec: str) -> str:
        if format_spec == "hours":
            return one_decimal(float(value) / 60.0)
        if format_spec == "num1":
            return one_decimal(float(value))
        return super().format_field(value, format_spec)


_FORMATTER = _Formatter()


def placeholders(entry: str | Plural) -> set[str]:
    """Names of the ``{placeholders}`` of a catalogue entry (both forms of a plural)."""
    texts = (entry.singular, entry.plural) if isinstance(entry, Plural) else (entry,)
    return {
        field.split(".")[0].split("[")[0]
        for text in texts
        for _, field, _, _ in string.Formatter().parse(text)
        if field
    }


@functools.cache
def _translations(lang: str) -> Any:
    """The compiled catalogue of ``lang`` (a :class:`babel.support.Translations`)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    from babel.support import Translations

    if lang not in LANGUAGES:
        raise ValueError(f"language {lang!r} is not one of {', '.join(LANGUAGES)}")
    po = resources.files(__package__).joinpath("locale", lang, "LC_MESSAGES", f"{DOMAIN}.po")
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=lang, domain=DOMAIN)
    for entry in list(catalog):
        forms = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        if entry.id and not any(forms):
            # Not translated yet: left out, so it falls back to the English source (write_mo
            # would fill a plural's empty forms with the English singular).
            catalog.delete(entry.id, context=entry.context)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def rendered(data: Any, lang: str) -> Any:
    """``data`` (dicts, lists, tuples, values) with every message in it rendered in ``lang``:
    what a JSON file or a table cell shows."""
    if isinstance(data, Message):
        return render(data, lang)
    if isinstance(data, dict):
        return {key: rendered(value, lang) for key, value in data.items()}
    if isinstance(data, list | tuple):
        return [rendered(value, lang) for value in data]
    return data


def to_json(message: Message) -> str:
    """The message as JSON text (code and values; nested messages and dates kept)."""
    return json.dumps(_data(message), ensure_ascii=False, sort_keys=False)


def from_json(text: str) -> Message:
    """The message :func:`to_json` wrote.

    Raises
    ------
    ValueError
        When the text is not such a message (or names a code the catalogue lacks).
    """
    try:
        return _message(json.loads(text))
    except (KeyError, TypeError, IndexError, json.JSONDecodeError) as error:
        raise ValueError(f"not a message: {error}") from None


def _data(value: Value) -> Any:
    if isinstance(value, Message):
        return {"code": value.code, "values": [[k, _data(v)] for k, v in value.values]}
    if isinstance(value, tuple):
        return {"messages": [_data(v) for v in value]}
    if isinstance(value, dt.date):
        return {"date": value.isoformat()}
    return value


def _message(data: Any) -> Message:
    code = data["code"]
    if code not in MESSAGES:
        raise KeyError(code)
    return Message(code, tuple((str(k), _value(v)) for k, v in data["values"]))


def _value(data: Any) -> Value:
    if isinstance(data, dict):
        if "code" in data:
            return _message(data)
        if "messages" in data:
            return tuple(_message(d) for d in data["messages"])
        return dt.date.fromisoformat(data["date"])
    if data is None or isinstance(data, str | int | float | bool):
        return data
    raise TypeError(f"unexpected value {data!r}")


def catalogue_codes(prefix: str) -> Mapping[str, str | Plural]:
    """Every code starting with ``prefix`` (e.g. ``"column."``) and its English entry."""
    return {code: entry for code, entry in MESSAGES.items() if code.startswith(prefix)}
