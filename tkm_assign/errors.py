"""Errors and warnings people can act on.

Every message names where the problem is (file, row, column or config key), the value
received and what was expected. Library code raises these with a catalogue message
(:class:`~tkm_assign.messages.Message`: a code and its values); front ends show
``error.render(lang)`` in the reader's language (the command line in ``--lang``, the web
page in the page's language). ``str(error)`` is English, the library's language for logs
and tracebacks, as ``str(message)`` is.
"""

from __future__ import annotations

import traceback
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from tkm_assign.messages import Message, render

MAX_SHOWN_CHARS = 80  # a value longer than this is cut in messages


def shorten(text: str, limit: int = MAX_SHOWN_CHARS) -> str:
    """``text`` cut to about ``limit`` characters for a message, saying how long it was."""
    if len(text) <= limit:
        return text
    return f"{text[: limit - 20]}... ({len(text):,} characters)"


def quoted(value: object) -> str:
    """``value`` as a message shows it: quoted (``repr``) and cut when long."""
    if isinstance(value, str):
        return repr(shorten(value))
    return shorten(repr(value))


def withheld_traceback(error: BaseException) -> str:
    """The traceback of an unexpected error, without the exceptions' texts.

    An exception's text may quote the data it failed on (a participant's name, a phone
    number); personal data never reaches a terminal or a log, so only where the error
    happened and its type are shown: enough to find the defect, nothing to leak.
    """
    chain: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and all(current is not seen for seen in chain):
        chain.append(current)
        current = current.__cause__ or (
            None if current.__suppress_context__ else current.__context__
        )
    parts: list[str] = []
    for item in reversed(chain):
        if parts:
            parts.append("\nwhich led to:\n")
        parts.append("Traceback (most recent call last):\n")
        parts.extend(traceback.format_tb(item.__traceback__))
        kind = type(item)
        parts.append(
            f"{kind.__module__}.{kind.__qualname__} (its text is withheld: it may quote data)\n"
        )
    return "".join(parts)


class TkmError(Exception):
    """Base class of every error tkm_assign raises on purpose.

    ``message`` says what went wrong as a :class:`~tkm_assign.messages.Message` (``None``
    for an error raised with plain text); front ends show :meth:`render` in the reader's
    language. ``str(error)`` is the English text, as for every message of the library in
    logs, tracebacks and tests. ``warnings`` holds the warnings the failed application call
    had collected before the error (e.g. validation warnings of the rows that did parse),
    for front ends to show.
    """

    warnings: tuple[Message, ...] = ()

    def __init__(self, message: Message | str = "") -> None:
        self.message: Message | None = None if isinstance(message, str) else message
        super().__init__(str(message))

    def render(self, lang: str) -> str:
        """The error in words in ``lang`` (``"id"`` or ``"en"``).

        Raises
        ------
        ValueError
            For a language other than ``"id"`` and ``"en"``.
        """
        return str(self) if self.message is None else render(self.message, lang)

    def __reduce__(self) -> tuple[Any, ...]:
        # Rebuilt from the message (not its English text), with the warnings, so that an
        # error raised in a worker process or on a Dask worker arrives whole.
        given = self.message if self.message is not None else str(self)
        return (type(self), (given,), dict(self.__dict__))


@dataclass(frozen=True, slots=True)
class InputProblem:
    """One problem found in an input file.

    ``row`` is the 1-based data row as a spreadsheet shows it (the header is row 1, so the
    first data row is row 2); ``None`` when the problem concerns the whole file or a column.
    ``expected`` says what the value should have been, a catalogue message (``input.*``);
    plain text given by a caller is kept as it is (``problem.text``). :meth:`render` words
    the whole problem in a language; ``str(problem)`` is its English text.
    """

    file: str
    row: int | None
    column: str | None
    value: str | None
    expected: Message

    def __post_init__(self) -> None:
        if isinstance(self.expected, str):
            object.__setattr__(self, "expected", Message.of("problem.text", text=self.expected))
        # A whole pasted document in one cell is not repeated in the message.
        if self.value is not None and len(self.value) > MAX_SHOWN_CHARS:
            object.__setattr__(self, "value", shorten(self.value))

    @property
    def message(self) -> Message:
        """The whole problem as one message: where, the value received, what was expected."""
        text = (
            self.expected
            if self.value is None
            else Message.of("problem.value", value=self.value, expected=self.expected)
        )
        if self.row is not None and self.column:
            return Message.of(
                "problem.at_row_column", file=self.file, row=self.row, column=self.column, text=text
            )
        if self.row is not None:
            return Message.of("problem.at_row", file=self.file, row=self.row, text=text)
        if self.column:
            return Message.of("problem.at_column", file=self.file, column=self.column, text=text)
        return Message.of("problem.at_file", file=self.file, text=text)

    def render(self, lang: str) -> str:
        """The problem in words in ``lang`` (``"id"`` or ``"en"``)."""
        return render(self.message, lang)

    def __str__(self) -> str:
        return render(self.message, "en")


class InputError(TkmError):
    """One or more problems in the input files, all collected before raising.

    ``str(error)`` is a heading and one line per problem in English; :meth:`render` the
    same in another language.
    """

    def __init__(self, problems: Sequence[InputProblem]) -> None:
        self.problems = tuple(problems)
        count = len(self.problems)
        head = Message.of("problem.many", count=count) if count > 1 else Message.of("problem.one")
        super().__init__(head)
        self.args = (self.render("en"),)

    def render(self, lang: str) -> str:
        """The heading and every problem, one per line, in ``lang``."""
        assert self.message is not None
        lines = [render(self.message, lang), *(f"  {p.render(lang)}" for p in self.problems)]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.render("en")

    def __reduce__(
        self,
    ) -> tuple[type[InputError], tuple[tuple[InputProblem, ...]], dict[str, object]]:
        # Exceptions pickle their message; rebuild from the problems instead, so that an
        # error raised in a worker process arrives whole (with its warnings).
        return (type(self), (self.problems,), {"warnings": self.warnings})


class ConfigError(TkmError):
    """A configuration key is unknown, wrongly typed or out of range."""


class OutputError(TkmError):
    """An output folder cannot be written (exists, is not writable, ...)."""


class OutputExistsError(OutputError):
    """The output folder exists and replacing it was not asked for."""


class TkmWarning(UserWarning):
    """Legal but suspicious input or result; the run continues.

    Raised by :func:`tkm_assign.notify.warn` outside an application call; ``message`` is
    the structured :class:`~tkm_assign.messages.Message` (``None`` for a plain text).
    """

    def __init__(self, message: Message | str) -> None:
        self.message: Message | None = None if isinstance(message, str) else message
        super().__init__(str(message))

    def __reduce__(self) -> tuple[type[TkmWarning], tuple[Message | str]]:
        return (type(self), (self.message if self.message is not None else str(self),))


class InputWarning(TkmWarning):
    """Suspicious input value, e.g. a province that contradicts the coordinates."""


class PlanWarning(TkmWarning):
    """Suspicious plan, e.g. a province with participants but no mentors."""


class OutputWarning(TkmWarning):
    """Something about an output folder worth knowing, e.g. leftovers of a killed run removed."""
