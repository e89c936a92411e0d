"""argparse in the language of the command line: help, usage and argument errors.

argparse words its own texts in English through gettext (``usage:``, ``options``, "the
following arguments are required"). :class:`Parser` and :class:`HelpFormatter` take every
one of them from the message catalogue instead (``cli.argparse.*``): the headings through
argparse's own hooks (the usage prefix, the group titles, the help option), the errors by
matching argparse's English template and wording its values again. Exit code 2 for an
argument error, as argparse has it.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any, NoReturn

from tkm_assign.messages import LANGUAGES, Message, render

__all__ = ["HelpFormatter", "Parser", "early_options", "reworded"]

# argparse's English templates (CPython 3.11-3.13 ``argparse``), each with the catalogue
# code that words it. Tried in order: the outer "argument X: ..." first.
TEMPLATES: tuple[tuple[str, str], ...] = (
    ("cli.argparse.argument", "argument %(argument_name)s: %(message)s"),
    ("cli.argparse.required", "the following arguments are required: %(names)s"),
    ("cli.argparse.invalid_choice", "invalid choice: %(value)s (choose from %(choices)s)"),
    ("cli.argparse.invalid_value", "invalid %(type)s value: %(value)s"),
    ("cli.argparse.expected_one", "expected one argument"),
    ("cli.argparse.expected_at_most_one", "expected at most one argument"),
    ("cli.argparse.expected_at_least_one", "expected at least one argument"),
    ("cli.argparse.expected_n", "expected %(count)s arguments?"),
    ("cli.argparse.unrecognized", "unrecognized arguments: %(names)s"),
    ("cli.argparse.ambiguous", "ambiguous option: %(option)s could match %(matches)s"),
    ("cli.argparse.not_allowed_with", "not allowed with argument %(name)s"),
    ("cli.argparse.one_required", "one of the arguments %(names)s is required"),
    ("cli.argparse.ignored_explicit", "ignored explicit argument %(value)s"),
    ("cli.argparse.cannot_open", "can't open %(filename)s: %(error)s"),
)
TYPE_NAMES = {"int": "cli.argparse.type.int", "float": "cli.argparse.type.float"}


def _pattern(template: str) -> re.Pattern[str]:
    text = re.escape(template).replace(r"arguments\?", "arguments?")
    return re.compile(re.sub(r"%\\\(([a-z_]+)\\\)s", r"(?P<\1>.*?)", text), re.DOTALL)


_PATTERNS = tuple((code, _pattern(template)) for code, template in TEMPLATES)


def reworded(message: str, lang: str) -> str:
    """An argparse error message in ``lang`` (``argument --lang: invalid choice: ...``).

    A message that matches none of argparse's templates (the command line's own texts,
    already in ``lang``) is returned as it is.
    """
    for code, pattern in _PATTERNS:
        found = pattern.fullmatch(message)
        if found is None:
            continue
        values: dict[str, Any] = dict(found.groupdict())
        if "message" in values:
            values["message"] = reworded(values["message"], lang)
        if "type" in values:
            values["type"] = render(
                Message.of(TYPE_NAMES.get(values["type"], "cli.argparse.type.other")), lang
            )
        return render(Message.of(code, **values), lang)
    return message


def words(lang: str) -> Callable[..., str]:
    """``text(code, **values)``: the catalogue's text of ``code`` in ``lang``."""

    def text(code: str, **values: Any) -> str:
        return render(Message.of(code, **values), lang)

    return text


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """argparse's help layout with the ``usage:`` heading in ``lang``; descriptions and
    epilogs (the worked examples) are shown as written."""

    def __init__(self, prog: str, *, lang: str = "id", **kwargs: Any) -> None:
        super().__init__(prog, **kwargs)
        self.lang = lang

    def add_usage(
        self,
        usage: str | None,
        actions: Any,
        groups: Any,
        prefix: str | None = None,
    ) -> None:
        """The usage line, headed ``usage:`` in the formatter's language."""
        if prefix is None:
            prefix = words(self.lang)("cli.argparse.usage") + " "
        super().add_usage(usage, actions, groups, prefix)


class Parser(argparse.ArgumentParser):
    """An :class:`argparse.ArgumentParser` whose own words are in ``lang``.

    Parameters
    ----------
    lang
        ``"id"`` or ``"en"``; subcommands made with ``add_subparsers().add_parser`` get it
        when it is passed to them.
    **kwargs
        As for :class:`argparse.ArgumentParser` (``add_help`` and ``formatter_class`` are
        set here).
    """

    def __init__(self, *args: Any, lang: str = "id", **kwargs: Any) -> None:
        kwargs["add_help"] = False
        kwargs["formatter_class"] = partial(HelpFormatter, lang=lang)
        super().__init__(*args, **kwargs)
        self.lang = lang
        text = words(lang)
        self._positionals.title = text("cli.argparse.commands")
        self._optionals.title = text("cli.argparse.options")
        self.add_argument(
            "-h",
            "--help",
            action="help",
            default=argparse.SUPPRESS,
            help=text("cli.help.option.help"),
        )

    def error(self, message: str) -> NoReturn:
        """Print the usage and ``message`` in the parser's language on stderr; exit 2."""
        self.print_usage(sys.stderr)
        text = words(self.lang)
        said = text("cli.argparse.error", prog=self.prog, message=reworded(message, self.lang))
        self.exit(2, said + "\n")


def early_options(argv: Sequence[str]) -> argparse.Namespace:
    """``--lang``, ``--config`` and ``--set`` of ``argv``, read before the full parser is
    built so that its help is worded in the right language; missing or unreadable ones
    are ``None`` (the full parser then says what is wrong)."""
    early = argparse.ArgumentParser(add_help=False, exit_on_error=False)
    early.add_argument("--lang")
    early.add_argument("--config")
    early.add_argument("--set", action="append")
    try:
        known, _ = early.parse_known_args(list(argv))
    except argparse.ArgumentError:
        return argparse.Namespace(lang=None, config=None, set=None)
    if known.lang not in LANGUAGES:
        known.lang = None
    return known
