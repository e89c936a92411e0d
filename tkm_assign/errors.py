"""Errors and warnings people can act on.

Every message names where the problem is (file, row, column or config key), the value
received and what was expected. Library code raises these; only the command line prints
them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tkm_assign.messages import Message


class TkmError(Exception):
    """Base class of every error tkm_assign raises on purpose."""


@dataclass(frozen=True, slots=True)
class InputProblem:
    """One problem found in an input file.

    ``row`` is the 1-based data row as a spreadsheet shows it (the header is row 1, so the
    first data row is row 2); ``None`` when the problem concerns the whole file or a column.
    """

    file: str
    row: int | None
    column: str | None
    value: str | None
    expected: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f" row {self.row}"
        if self.column:
            where += f" column {self.column}"
        if self.value is None:
            return f"{where}: {self.expected}"
        return f"{where}: {self.value!r} {self.expected}"


class InputError(TkmError):
    """One or more problems in the input files, all collected before raising."""

    def __init__(self, problems: Sequence[InputProblem]) -> None:
        self.problems = tuple(problems)
        lines = [str(p) for p in self.problems]
        head = (
            f"{len(lines)} problem(s) in the input:" if len(lines) > 1 else "problem in the input:"
        )
        super().__init__("\n".join([head, *(f"  {line}" for line in lines)]))

    def __reduce__(self) -> tuple[type[InputError], tuple[tuple[InputProblem, ...]]]:
        # Exceptions pickle their message; rebuild from the problems instead, so that an
        # error raised in a worker process arrives whole.
        return (type(self), (self.problems,))


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
