"""Command line: parse arguments, call the application layer, render, set exit codes.

Each command reads its files into the layer's inputs, calls one function of
:mod:`tkm_assign.app`, prints what it returned (warnings, the key figures) and writes the
result with :func:`tkm_assign.app.write_outputs`. This is the only module that prints, and
the only one that speaks of command-line options. Exit codes: 0 success, 2 bad input or
configuration (each problem printed with file, row, column and value), 1 an unexpected
internal error.

What it prints comes from the message catalogue (``cli.*`` codes), in the language of
``--lang``, else ``output.lang`` of the configuration in use (Indonesian by default), with
numbers written for that language (``3.000``, ``85,5%``).
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import sys
import time
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tkm_assign import __version__
from tkm_assign.cliparse import Parser, early_options, words
from tkm_assign.config import Config
from tkm_assign.errors import (
    InputError,
    OutputExistsError,
    TkmError,
    TkmWarning,
    withheld_traceback,
)
from tkm_assign.messages import LANGUAGES, Message, render
from tkm_assign.report.tables import PlanTables
from tkm_assign.resources import SAMPLE_DIR
from tkm_assign.web.texts import filled, number, percent

if TYPE_CHECKING:
    import pandas as pd

    from tkm_assign.app import Inputs, ValidateResult
    from tkm_assign.scenarios.grid import ScenarioResult

EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_INPUT = 2
MAX_PROBLEMS_PRINTED = 200  # then the rest are counted by file and column
DEMO_OUT = Path("outputs") / "demo"
DATA_DIR_DEFAULT = Path.home() / "tkm_assign"

Handler = Callable[[argparse.Namespace], int]

# A worked example under every command's --help: the lines run in order in an empty folder
# (tests/test_cli_help.py runs each of them). A small synthetic sample comes first.
_SAMPLE = "tkm-assign generate --participants 60 --mentors 6 --out contoh"
_FILES = "--participants contoh/participants.csv --mentors contoh/mentors.csv"
_ASSIGN = f"tkm-assign assign {_FILES} --out penugasan"
_PLAN = f"tkm-assign plan {_FILES} --set caseload.max=15 --out rencana"
_SIMULATE = "tkm-assign simulate --plan rencana --as-of 2027-08-15 --out simulasi"
_RUNNING = (
    "--plan rencana --logbook simulasi/logbook.csv --participants simulasi/participants.csv "
    "--mentors simulasi/mentors.csv --as-of 2027-08-15"
)
EXAMPLES: Mapping[str, tuple[str, ...]] = {
    "validate": (_SAMPLE, f"tkm-assign validate {_FILES}"),
    "generate": ("tkm-assign generate --participants 200 --mentors 10 --seed 7 --out sampel",),
    "assign": (_SAMPLE, _ASSIGN),
    "schedule": (
        _SAMPLE,
        _ASSIGN,
        f"tkm-assign schedule {_FILES} --assignments penugasan/assignments.csv --out jadwal",
    ),
    "plan": (_SAMPLE, _PLAN),
    "demo": ("tkm-assign demo --out demo --lang en",),
    "audit": (
        _SAMPLE,
        _ASSIGN,
        f"tkm-assign audit {_FILES} --assignments penugasan/assignments.csv --out pemeriksaan",
    ),
    "capacity": (
        _SAMPLE,
        "tkm-assign capacity --participants contoh/participants.csv --set caseload.max=15 "
        "--out kapasitas",
    ),
    "scenarios": (
        _SAMPLE,
        f"tkm-assign scenarios {_FILES} --grid caseload.max=15,20 "
        "--grid sessions.target=2,3 --out skenario",
    ),
    "serve": ("tkm-assign serve --data-dir halaman --port 8050",),
    "simulate": (_SAMPLE, _PLAN, _SIMULATE),
    "progress": (_SAMPLE, _PLAN, _SIMULATE, f"tkm-assign progress {_RUNNING} --out kemajuan"),
    "replan": (_SAMPLE, _PLAN, _SIMULATE, f"tkm-assign replan {_RUNNING} --out rencana-baru"),
}


def _example(command: str, lang: str = "id") -> str:
    lines = EXAMPLES[command]
    text = words(lang)
    head = text("cli.help.example" if len(lines) == 1 else "cli.help.example_steps")
    return "\n".join([head, *(f"  {line}" for line in lines)])


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = _build_parser(_first_language(early_options(argv)))
    args = parser.parse_args(argv)
    handler: Handler = args.handler
    # The running commands change it to their plan's language once they have read it.
    args.cli_lang = _first_language(args)
    with _logging_to_stderr(getattr(args, "quiet", False), lambda: str(args.cli_lang)):
        return _run(args, handler)


def _run(args: argparse.Namespace, handler: Handler) -> int:
    """The command's handler; its errors printed in the command's language, exit code."""
    # Warnings of library code called outside the application layer still reach the user.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", TkmWarning)
        try:
            code = handler(args)
        except InputError as error:
            _print_messages(args.cli_lang, error.warnings)
            _print_python_warnings(args.cli_lang, caught)
            _print_input_error(args.cli_lang, error)
            return EXIT_INPUT
        except OutputExistsError as error:
            _print_python_warnings(args.cli_lang, caught)
            _err(args.cli_lang, "cli.output_exists", text=error.render(args.cli_lang))
            return EXIT_INPUT
        except TkmError as error:
            _print_messages(args.cli_lang, error.warnings)
            _print_python_warnings(args.cli_lang, caught)
            _err(args.cli_lang, "cli.error", text=error.render(args.cli_lang))
            return EXIT_INPUT
        except KeyboardInterrupt:
            _err(args.cli_lang, "cli.interrupted")
            return 130
        except Exception as error:  # an internal error: say so plainly, with the trace
            _print_python_warnings(args.cli_lang, caught)
            # The exception's text may quote input data (a name): only where and what.
            _err(args.cli_lang, "cli.internal_error", kind=type(error).__name__)
            print(withheld_traceback(error), file=sys.stderr, end="")
            return EXIT_INTERNAL
    _print_python_warnings(args.cli_lang, caught)
    return code


def _text(lang: str, code: str, **values: Any) -> str:
    """The catalogue's text of ``code`` in ``lang``; numbers written for the language.

    Values that are not numbers for counting (seeds, dates, percentages) are passed as text.
    """
    shown: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, Path):
            value = str(value)
        elif hasattr(value, "item"):  # a NumPy number from a table
            value = value.item()
        shown[key] = value
    return filled(code, shown, lang)


def _say(lang: str, code: str, **values: Any) -> None:
    """Print the text of ``code`` on standard output."""
    print(_text(lang, code, **values))


def _err(lang: str, code: str, **values: Any) -> None:
    """Print the text of ``code`` on standard error."""
    print(_text(lang, code, **values), file=sys.stderr)


def _share(lang: str, value: float | None, digits: int = 1) -> str:
    """A share as a percentage in the language (``85,5%`` / ``85.5%``)."""
    return percent(value, digits, lang)


def _first_language(args: argparse.Namespace) -> str:
    """``--lang``, else ``output.lang`` of ``--config`` and ``--set``; Indonesian when the
    configuration itself is wrong (that error is then printed in Indonesian)."""
    if getattr(args, "lang", None):
        return str(args.lang)
    try:
        config = getattr(args, "config", None)
        return Config.load(
            None if config is None else Path(config), getattr(args, "set", None) or ()
        ).output.lang
    except (TkmError, OSError):
        return "id"


@contextlib.contextmanager
def _logging_to_stderr(quiet: bool, lang: Callable[[], str]) -> Iterator[None]:
    """Progress of the ``tkm_assign`` logger on stderr while the command runs, worded in
    ``lang()`` (the command's language, which a running command changes to its plan's);
    other libraries stay quiet. The logger is as it was afterwards (a command run in
    process leaves no handler on a stream that may close)."""
    log = logging.getLogger("tkm_assign")
    level, propagate = log.level, log.propagate
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_Worded(lang))
    handler.addFilter(_for_people)
    log.addHandler(handler)
    log.setLevel(logging.WARNING if quiet else logging.INFO)
    log.propagate = False
    try:
        yield
    finally:
        log.removeHandler(handler)
        log.setLevel(level)
        log.propagate = propagate


def _for_people(record: logging.LogRecord) -> bool:
    """A record people read: a catalogue message, or any warning or error. Plain-text
    progress records are developers' details (``logging.DEBUG`` shows them)."""
    return isinstance(record.msg, Message) or record.levelno >= logging.WARNING


class _Worded(logging.Formatter):
    """A record whose message is a :class:`Message` in the command line's language, numbers
    written for it; plain records as they are."""

    def __init__(self, lang: Callable[[], str]) -> None:
        super().__init__("%(message)s")
        self.lang = lang

    def format(self, record: logging.LogRecord) -> str:
        message = record.msg
        if isinstance(message, Message):
            return _text(self.lang(), message.code, **message.args)
        return super().format(record)


def _print_messages(lang: str, messages: Iterable[Message]) -> None:
    """The warnings of a call, each once, in the command line's language."""
    for text in dict.fromkeys(render(m, lang) for m in messages):
        _err(lang, "cli.warning", text=text)


def _print_python_warnings(lang: str, caught: list[warnings.WarningMessage]) -> None:
    seen: set[str] = set()
    for item in caught:
        if not issubclass(item.category, TkmWarning):
            continue
        warning = item.message
        message = getattr(warning, "message", None)
        text = render(message, lang) if isinstance(message, Message) else str(warning)
        if text not in seen:
            seen.add(text)
            _err(lang, "cli.warning", text=text)


def _print_input_error(lang: str, error: InputError) -> None:
    """Every problem (file, row, column, value, expected); a long list is cut and counted."""
    problems = error.problems
    if len(problems) > 1:
        head = _text(lang, "cli.input_problems", count=len(problems))
    else:
        head = _text(lang, "cli.input_problem")
    _err(lang, "cli.error", text=head)
    for problem in problems[:MAX_PROBLEMS_PRINTED]:
        print(f"  {problem.render(lang)}", file=sys.stderr)
    rest = problems[MAX_PROBLEMS_PRINTED:]
    if rest:
        counts: dict[tuple[str, str], int] = {}
        for problem in rest:
            where = (problem.file, problem.column or "-")
            counts[where] = counts.get(where, 0) + 1
        print("  " + _text(lang, "cli.more_problems", count=len(rest)), file=sys.stderr)
        for (file, column), count in sorted(counts.items(), key=lambda kv: -kv[1]):
            text = _text(lang, "cli.more_problems_in", count=count, file=file, column=column)
            print(f"    {text}", file=sys.stderr)


def _read_paths(args: argparse.Namespace) -> list[Path]:
    """Every file the command reads: an output folder must neither be nor hold one."""
    names = (
        "participants",
        "mentors",
        "assignments",
        "schedule",
        "config",
        "scenarios",
        "logbook",
        "outcomes",
        "plan",
    )
    return [p for p in (getattr(args, name, None) for name in names) if isinstance(p, Path)]


def _check_out(args: argparse.Namespace, *extra: Path) -> list[Path]:
    """Refuse an unsafe output folder before any work; the inputs for ``write_outputs``."""
    from tkm_assign.io.output import check_output_dir

    inputs = [*_read_paths(args), *extra]
    check_output_dir(args.out, force=args.force, inputs=inputs)
    return inputs


def load_config(args: argparse.Namespace) -> Config:
    """Defaults, then ``--config``, then every ``--set`` (and ``--cluster``)."""
    config = Config.load(args.config, args.set or ())
    address = getattr(args, "cluster", None)
    if address is not None:
        from dataclasses import replace

        config = replace(config, cluster=replace(config.cluster, address=address.strip()))
    return config


def _help(lang: str) -> Callable[..., str]:
    """``text(code, **values)`` for help texts: the catalogue in ``lang``, ``%`` kept for
    argparse (which expands ``%(...)s`` in help)."""
    text = words(lang)

    def helped(code: str, **values: Any) -> str:
        return text(code, **values).replace("%", "%%")

    return helped


def _metavar(lang: str, name: str) -> str:
    return words(lang)(f"cli.help.metavar.{name}")


def _command(sub: Any, name: str, lang: str, handler: Handler, epilog: str = "") -> Parser:
    """A subcommand: its help line (also the description of its ``--help``), the worked
    example under it, the handler it runs."""
    text = _help(lang)
    parser: Parser = sub.add_parser(
        name,
        lang=lang,
        help=text(f"cli.help.command.{name}"),
        description=words(lang)(f"cli.help.command.{name}"),
        epilog=_example(name, lang) + epilog,
    )
    parser.set_defaults(handler=handler)
    return parser


def _cluster(parser: argparse.ArgumentParser, lang: str) -> None:
    parser.add_argument(
        "--cluster", metavar=_metavar(lang, "address"), help=_help(lang)("cli.help.option.cluster")
    )


def _common(parser: argparse.ArgumentParser, lang: str, *, config: bool = True) -> None:
    text = _help(lang)
    if config:
        parser.add_argument(
            "--config",
            type=Path,
            metavar=_metavar(lang, "file"),
            help=text("cli.help.option.config"),
        )
        parser.add_argument(
            "--set",
            action="append",
            metavar=_metavar(lang, "setting"),
            help=text("cli.help.option.set"),
        )
    parser.add_argument("--quiet", action="store_true", help=text("cli.help.option.quiet"))
    parser.add_argument("--lang", choices=LANGUAGES, help=text("cli.help.option.lang"))


def _inputs(parser: argparse.ArgumentParser, lang: str, mentors_required: bool = True) -> None:
    text, file = _help(lang), _metavar(lang, "file")
    parser.add_argument(
        "--participants",
        type=Path,
        required=True,
        metavar=file,
        help=text("cli.help.option.participants"),
    )
    parser.add_argument(
        "--mentors",
        type=Path,
        required=mentors_required,
        metavar=file,
        help=text("cli.help.option.mentors"),
    )


def _outputs(parser: argparse.ArgumentParser, lang: str, default: Path | None = None) -> None:
    text, folder = _help(lang), _metavar(lang, "folder")
    if default is None:
        parser.add_argument(
            "--out", type=Path, required=True, metavar=folder, help=text("cli.help.option.out")
        )
    else:
        parser.add_argument(
            "--out",
            type=Path,
            default=default,
            metavar=folder,
            help=text("cli.help.option.out_default", folder=str(default)),
        )
    parser.add_argument("--force", action="store_true", help=text("cli.help.option.force"))


def _build_parser(lang: str = "id") -> Parser:
    """The parser of ``tkm-assign`` and every subcommand, its words in ``lang``."""
    text, metavar = _help(lang), partial(_metavar, lang)
    parser = Parser(prog="tkm-assign", lang=lang, description=words(lang)("cli.help.description"))
    parser.add_argument(
        "--version",
        action="version",
        version=f"tkm-assign {__version__}",
        help=text("cli.help.option.version"),
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar=metavar("command"))

    validate = _command(sub, "validate", lang, _cmd_validate)
    _inputs(validate, lang)
    _common(validate, lang)

    generate = _command(sub, "generate", lang, _cmd_generate)
    number = metavar("number")
    generate.add_argument(
        "--participants",
        type=int,
        default=3000,
        metavar=number,
        help=text("cli.help.option.generate_participants"),
    )
    generate.add_argument(
        "--mentors",
        type=int,
        default=150,
        metavar=number,
        help=text("cli.help.option.generate_mentors"),
    )
    generate.add_argument(
        "--seed", type=int, default=2024, metavar=number, help=text("cli.help.option.seed")
    )
    _outputs(generate, lang)
    _common(generate, lang, config=False)

    for name, handler in (("assign", _cmd_assign), ("plan", _cmd_plan)):
        command = _command(sub, name, lang, handler)
        _inputs(command, lang)
        _common(command, lang)
        _outputs(command, lang)

    schedule = _command(sub, "schedule", lang, _cmd_schedule)
    _inputs(schedule, lang)
    schedule.add_argument(
        "--assignments",
        type=Path,
        required=True,
        metavar=metavar("file"),
        help=text("cli.help.option.assignments"),
    )
    _common(schedule, lang)
    _outputs(schedule, lang)

    demo = _command(sub, "demo", lang, _cmd_demo)
    _outputs(demo, lang, default=DEMO_OUT)
    _common(demo, lang)

    audit = _command(sub, "audit", lang, _cmd_audit)
    _inputs(audit, lang)
    audit.add_argument(
        "--assignments",
        type=Path,
        required=True,
        metavar=metavar("file"),
        help=text("cli.help.option.audit_assignments"),
    )
    audit.add_argument(
        "--schedule",
        type=Path,
        metavar=metavar("file"),
        help=text("cli.help.option.audit_schedule"),
    )
    audit.add_argument("--compare", action="store_true", help=text("cli.help.option.compare"))
    _common(audit, lang)
    _outputs(audit, lang)

    capacity = _command(sub, "capacity", lang, _cmd_capacity)
    _inputs(capacity, lang, mentors_required=False)
    _common(capacity, lang)
    _cluster(capacity, lang)
    _outputs(capacity, lang)

    scenarios = _command(sub, "scenarios", lang, _cmd_scenarios)
    _inputs(scenarios, lang)
    scenarios.add_argument(
        "--grid", action="append", metavar=metavar("grid"), help=text("cli.help.option.grid")
    )
    scenarios.add_argument(
        "--scenarios", type=Path, metavar=metavar("file"), help=text("cli.help.option.scenarios")
    )
    _common(scenarios, lang)
    _cluster(scenarios, lang)
    scenarios.add_argument("--resume", action="store_true", help=text("cli.help.option.resume"))
    _outputs(scenarios, lang)
    _add_running_commands(sub, lang)

    then = words(lang)("cli.help.serve_then", url="http://127.0.0.1:8050")
    serve = _command(sub, "serve", lang, _cmd_serve, epilog=f"\n  {then}")
    serve.add_argument(
        "--host", default="127.0.0.1", metavar=metavar("address"), help=text("cli.help.option.host")
    )
    serve.add_argument(
        "--port",
        type=int,
        default=8050,
        metavar=metavar("number"),
        help=text("cli.help.option.port"),
    )
    serve.add_argument(
        "--data-dir",
        type=Path,
        default=DATA_DIR_DEFAULT,
        metavar=metavar("folder"),
        help=text("cli.help.option.data_dir", folder=str(DATA_DIR_DEFAULT)),
    )
    serve.add_argument("--token", metavar=metavar("text"), help=text("cli.help.option.token"))
    serve.add_argument(
        "--allow-host",
        action="append",
        default=[],
        metavar=metavar("name"),
        help=text("cli.help.option.allow_host"),
    )
    serve.add_argument(
        "--workers", type=int, metavar=metavar("number"), help=text("cli.help.option.workers")
    )
    _common(serve, lang)
    return parser


def _language(args: argparse.Namespace, config: Config) -> str:
    return str(getattr(args, "lang", None) or config.output.lang)


def _read(
    args: argparse.Namespace,
    config: Config,
    participants: Path,
    mentors: Path | None,
    announce: bool = True,
) -> ValidateResult:
    """The input files validated under ``config``, their warnings printed."""
    from tkm_assign import app

    started = time.perf_counter()
    checked = app.validate(app.read_inputs(participants, mentors), config)
    _print_messages(args.cli_lang, checked.warnings)
    if announce:
        logging.getLogger("tkm_assign").info(
            Message.of(
                "log.read",
                participants=len(checked.problem.participants),
                mentors=len(checked.problem.mentors),
                seconds=round(time.perf_counter() - started, 1),
            )
        )
    return checked


def _write(
    result: Any, args: argparse.Namespace, inputs: Sequence[Path], lang: str | None = None
) -> list[Path]:
    from tkm_assign import app

    _print_messages(args.cli_lang, result.warnings)
    logging.getLogger("tkm_assign").info(Message.of("log.writing", folder=str(args.out)))
    written = app.write_outputs(result, args.out, lang=lang, force=args.force, inputs=inputs)
    _print_messages(args.cli_lang, written.warnings)
    return list(written)


def _cmd_validate(args: argparse.Namespace) -> int:
    config = load_config(args)
    lang = args.cli_lang
    checked = _read(args, config, args.participants, args.mentors, announce=False)
    problem, summary = checked.problem, checked.summary
    if not args.quiet:
        print(summary.provinces.to_string(index=False, na_rep="-"))
        print()
    _say(
        lang,
        "cli.validate.valid",
        participants=len(problem.participants),
        participants_source=problem.participants_source,
        mentors=len(problem.mentors),
        mentors_source=problem.mentors_source,
        provinces=len(summary.provinces) - 1,
    )
    if summary.on_islands_without_mentor:
        same = config.assign.province_rule == "same"
        _say(
            lang,
            "cli.validate.islands_province" if same else "cli.validate.islands",
            participants=summary.on_islands_without_mentor,
            islands=summary.islands_without_mentor,
            cross_island=str(config.travel.cross_island),
        )
    return EXIT_OK


def _cmd_generate(args: argparse.Namespace) -> int:
    from tkm_assign import app

    lang = args.cli_lang
    if args.participants < 1 or args.mentors < 1:
        raise TkmError(_text(lang, "cli.generate.too_few"))
    if args.seed < 0:
        raise TkmError(_text(lang, "cli.generate.bad_seed", seed=str(args.seed)))
    inputs = _check_out(args)
    result = app.generate(args.participants, args.mentors, args.seed)
    _write(result, args, inputs)
    participants, mentors = result.participants, result.mentors
    _say(
        lang,
        "cli.generate.wrote",
        participants_file=args.out / "participants.csv",
        participants=len(participants),
        provinces=participants["province"].nunique(),
        mentors_file=args.out / "mentors.csv",
        mentors=len(mentors),
        seed=str(args.seed),
    )
    return EXIT_OK


def _cmd_assign(args: argparse.Namespace) -> int:
    from tkm_assign import app

    inputs = _check_out(args)
    config = load_config(args)
    problem = _read(args, config, args.participants, args.mentors).problem
    result = app.assign(problem)
    _write(result, args, inputs)
    _print_assignment(args.cli_lang, result.summary, args.out)
    return EXIT_OK


def _print_assignment(lang: str, summary: Mapping[str, Any], out: Path) -> None:
    caseload = summary["caseload"]
    _say(
        lang,
        "cli.assign.summary",
        assigned=summary["assigned"],
        total=summary["assigned"] + summary["unassigned"],
        status=_text(lang, f"cli.status.{summary['status']}"),
        gap=_share(lang, summary["gap"], 2),
        sector_match=_share(lang, summary["sector_match_rate"]),
        travel=number(summary["mean_travel_min"], 0, lang),
        low=round(caseload["min"]),
        high=round(caseload["max"]),
    )
    if summary["unassigned"]:
        _say(
            lang,
            "cli.assign.unassigned",
            count=summary["unassigned"],
            file=out / "assignments.csv",
        )


def _cmd_schedule(args: argparse.Namespace) -> int:
    from tkm_assign import app

    inputs = _check_out(args)
    config = load_config(args)
    problem = _read(args, config, args.participants, args.mentors).problem
    hand = app.read_hand_plan(problem, app.read_table(args.assignments, "assignments"))
    result = app.schedule(problem, hand)
    _write(result, args, inputs)
    _print_schedule(args.cli_lang, result.tables, args.out)
    return EXIT_OK


def _print_schedule(lang: str, tables: PlanTables, out: Path) -> None:
    n_sessions = 0 if tables.schedule is None else len(tables.schedule)
    shortfalls = tables.shortfalls
    with_mentor = (
        None
        if shortfalls is None or shortfalls.empty
        else shortfalls["mentor_id"].fillna("").astype(str) != ""
    )
    if shortfalls is None or with_mentor is None or not with_mentor.any():
        # Participants without a mentor are reported with the assignment.
        _say(lang, "cli.schedule.all_met", sessions=n_sessions)
        return
    _say(
        lang,
        "cli.schedule.short",
        sessions=n_sessions,
        participants=shortfalls.loc[with_mentor, "participant_id"].nunique(),
        months=int(with_mentor.sum()),
        file=out / "shortfalls.csv",
    )


def _cmd_plan(args: argparse.Namespace) -> int:
    inputs = _check_out(args)
    return _plan(args, args.participants, args.mentors, inputs)


def _cmd_demo(args: argparse.Namespace) -> int:
    participants, mentors = SAMPLE_DIR / "participants.csv", SAMPLE_DIR / "mentors.csv"
    inputs = _check_out(args, participants, mentors)
    logging.getLogger("tkm_assign").info(Message.of("log.demo", folder=str(SAMPLE_DIR)))
    return _plan(args, participants, mentors, inputs, middle=True)


def _plan(
    args: argparse.Namespace,
    participants: Path,
    mentors: Path,
    inputs: Sequence[Path],
    middle: bool = False,
) -> int:
    from tkm_assign import app
    from tkm_assign.pipeline import WARM_UP_FROM_PARTICIPANTS, warm_up_worker
    from tkm_assign.processes import running_pool, shared_pool, shared_pool_busy

    config = load_config(args)
    problem = _read(args, config, participants, mentors).problem
    out = args.out
    lang = _language(args, config)
    lines: list[str] = []
    # One pool of worker processes for the schedule, the outputs and (demo) the re-plan:
    # they start and import once (started only when a step has work for them).
    others = max(config.schedule.workers, config.output.workers) - 1
    with shared_pool(others) as shared:
        if shared is not None and len(problem.participants) >= WARM_UP_FROM_PARTICIPANTS:
            for _ in range(others):
                shared.submit(warm_up_worker)
        result = app.plan(problem)
        if middle:
            from tkm_assign.io.output import atomic_output_dir

            _print_messages(lang, result.warnings)
            with atomic_output_dir(out, force=args.force, inputs=inputs) as staging:
                pool = running_pool(1)
                if pool is None:
                    written = app.write_into(result, staging, lang=lang)
                    written += _programme_middle(
                        staging, out, problem, result, participants, mentors, lang, lines
                    )
                else:
                    # A worker writes the plan's outputs while this process works out
                    # day 45 and writes its outputs: about the same work each.
                    plan_files = pool.submit(app.write_into, result, staging, lang=lang, workers=1)
                    with shared_pool_busy():
                        middle_files = _programme_middle(
                            staging,
                            out,
                            problem,
                            result,
                            participants,
                            mentors,
                            lang,
                            lines,
                            workers=1,
                        )
                    written = plan_files.result() + middle_files
        else:
            written = _write(result, args, inputs, lang)
    _print_assignment(lang, result.tables.assignment_summary, out)
    _print_schedule(lang, result.tables, out)
    for line in lines:
        print(line)
    _say(
        lang,
        "cli.plan.wrote",
        count=len(written),
        folder=out,
        report=out / "report.html",
        workbook=out / "plan.xlsx",
    )
    return EXIT_OK


DEMO_DAY = 45  # the demo's look at the middle of the programme


def _programme_middle(
    staging: Path,
    out: Path,
    problem: Any,
    result: Any,
    participants: Path,
    mentors: Path,
    lang: str,
    lines: list[str],
    *,
    workers: int | None = None,
) -> list[Path]:
    """The demo at day 45: a simulated logbook, then progress and a re-plan (``day45/``),
    its outputs written by ``workers`` processes (default ``output.workers``)."""
    import datetime as dt

    from tkm_assign import app
    from tkm_assign.programme.plan import plan_from_schedule

    as_of = problem.config.programme.start_date + dt.timedelta(days=DEMO_DAY - 1)
    plan = plan_from_schedule(result.assignment, result.schedule)
    tables = app.read_inputs(participants, mentors)
    simulated = app.simulate(problem, plan, as_of=as_of, inputs=tables)
    now = simulated.problem
    progressed = app.progress(now, plan, simulated.logbook, as_of=as_of)
    replanned = app.replan(now, plan, simulated.logbook, as_of=as_of, measured=progressed)
    _print_messages(lang, [*simulated.warnings, *progressed.warnings, *replanned.warnings])
    folder = staging / f"day{DEMO_DAY}"
    for part in ("simulated", "progress", "replan"):
        (folder / part).mkdir(parents=True)
    written = app.write_into(simulated, folder / "simulated")
    written += app.write_into(progressed, folder / "progress", lang=lang)
    formats = ["csv", "json", "xlsx", "ics", "html", "txt"]
    written += app.write_into(
        replanned, folder / "replan", formats=formats, lang=lang, workers=workers
    )
    s, p, r = simulated.summary, progressed.tables.summary, replanned.summary
    shown = out / f"day{DEMO_DAY}"
    lines += [
        _text(
            lang,
            "cli.demo.simulated",
            day=str(DEMO_DAY),
            date=as_of.isoformat(),
            rows=s["logbook_rows"],
            missed=s["sessions_missed"],
            planned=s["sessions_planned"],
            withdrawn=s["participants_withdrawn"],
            sick=s["mentors_sick"],
            left=s["mentors_left"],
            folder=shown / "simulated",
        ),
        _text(
            lang,
            "cli.demo.progress",
            on_track=p["status"]["on_track"],
            behind=p["status"]["behind"],
            at_risk=p["status"]["at_risk"],
            file=shown / "progress" / "progress.html",
        ),
        _text(
            lang,
            "cli.demo.replan",
            reassigned=r["reassignments"],
            kept=r["sessions_kept"],
            moved=r["sessions_moved"],
            added=r["sessions_added"],
            cancelled=r["sessions_cancelled"],
            file=shown / "replan" / "changes.csv",
        ),
    ]
    return written


def _cmd_audit(args: argparse.Namespace) -> int:
    from tkm_assign import app

    inputs = _check_out(args)
    config = load_config(args)
    lang = _language(args, config)
    problem = _read(args, config, args.participants, args.mentors).problem
    assignments = app.read_table(args.assignments, "assignments")
    schedule = app.read_table(args.schedule, "schedule") if args.schedule else None
    hand = app.read_hand_plan(problem, assignments, schedule)
    result = app.audit(problem, hand, compare=args.compare)
    _write(result, args, inputs, lang)
    summary = result.summary
    verdict = (
        _text(lang, "cli.audit.clean")
        if result.clean
        else _text(lang, "cli.audit.violations", count=summary["violations"])
    )
    _say(
        lang,
        "cli.audit.summary",
        verdict=verdict,
        notes=summary["notes"],
        overloaded=len(summary["overloaded"]),
        idle=len(summary["idle"]),
        folder=args.out,
    )
    comparison = result.comparison
    if comparison is not None:
        from tkm_assign.audit.outputs import comparison_lines

        for line in comparison_lines(comparison, lang):
            _say(lang, "cli.audit.optimizer", line=line)
    return EXIT_OK


def _cmd_capacity(args: argparse.Namespace) -> int:
    from tkm_assign import app

    inputs = _check_out(args)
    config = load_config(args)
    lang = _language(args, config)
    existing = args.mentors is not None
    problem = _read(args, config, args.participants, args.mentors).problem
    result = app.capacity(problem, existing=existing)
    written = _write(result, args, inputs, lang)
    _print_capacity(lang, result.table, result.answer.unresolved, existing)
    _say(
        lang,
        "cli.capacity.wrote",
        count=len(written),
        folder=args.out,
        table=args.out / "capacity.csv",
        chart=args.out / "capacity.png",
        mentors=args.out / "suggested_mentors.csv",
    )
    return EXIT_OK


def _print_capacity(
    lang: str, table: pd.DataFrame, unresolved: Mapping[str, Any], existing: bool
) -> None:
    towns = sum(len(b.split("; ")) for b in table["suggested_bases"] if b)
    adding = table[table["to_add"] > 0]
    needed = int(table["mentors_needed"].sum())
    mentors = (
        _text(
            lang,
            "cli.capacity.mentors_existing",
            now=int(table["mentors_now"].sum()),
            needed=needed,
        )
        if existing
        else _text(lang, "cli.capacity.mentors_new", needed=needed)
    )
    _say(
        lang,
        "cli.capacity.summary",
        participants=int(table["participants"].sum()),
        provinces=len(table),
        mentors=mentors,
        to_add=int(table["to_add"].sum()),
        towns=towns,
        adding=len(adding),
        lower_bound=int(table["lower_bound"].sum()),
    )
    most = adding.sort_values(["to_add", "province_code"], ascending=[False, True]).head(8)
    if len(most):
        listed = ", ".join(f"{r.province} +{r.to_add}" for r in most.itertuples())
        _say(lang, "cli.capacity.most", provinces=listed)
    spare = table[table["spare"] > 0]
    if existing:
        listed = ", ".join(f"{r.province} {r.spare}" for r in spare.itertuples())
        if listed:
            _say(lang, "cli.capacity.spare", provinces=listed)
        else:
            _say(lang, "cli.capacity.spare_none")
    if unresolved:
        _say(
            lang,
            "cli.capacity.checked_short",
            count=len(unresolved),
            file="capacity_summary.json",
        )
    else:
        _say(lang, "cli.capacity.checked_ok")


def _cmd_scenarios(args: argparse.Namespace) -> int:
    from tkm_assign import app
    from tkm_assign.io.output import atomic_output_dir
    from tkm_assign.scenarios.outputs import drop_finished, load_finished, save_finished

    inputs = _check_out(args)
    config = load_config(args)
    lang = _language(args, config)
    grid = [app.parse_grid(spec) for spec in args.grid or ()]
    named = app.read_scenario_file(args.scenarios) if args.scenarios else []
    if not grid and not named:
        raise TkmError(_text(lang, "cli.scenarios.nothing"))
    configured = app.expand_scenarios(config, named, grid)
    log = logging.getLogger("tkm_assign")
    log.info(Message.of("log.scenarios", count=len(configured)))
    files: Inputs = app.read_inputs(args.participants, args.mentors)
    kept: list[int] = []
    finished: dict[str, ScenarioResult] = {}

    def keep(index: int, key: str, result: ScenarioResult) -> None:
        save_finished(staging, index, key, result)
        kept.append(index)

    # Each finished scenario is saved in the staging folder as it arrives, so that an
    # interrupted grid continues with --resume; the folder still appears only when complete.
    try:
        with atomic_output_dir(
            args.out, force=args.force, inputs=inputs, resumable=True, resume=args.resume
        ) as staging:
            finished = load_finished(staging)
            if args.resume:
                log.info(Message.of("log.scenarios_resumed", count=len(finished)))
            result = app.scenarios(
                files,
                configured,
                workers=config.capacity.scenario_workers,
                finished=finished,
                on_result=keep,
            )
            _print_messages(lang, result.warnings)
            drop_finished(staging)
            written = app.write_into(result, staging, lang=lang)
    except KeyboardInterrupt:
        _err(lang, "cli.scenarios.interrupted", count=len(finished) + len(kept))
        return 130
    for row in result.table.to_dict("records"):
        line = _text(
            lang,
            "cli.scenarios.row",
            scenario=row["scenario"],
            served=_share(lang, row["served_share"]),
            meeting=_share(lang, row["meeting_2_4_share"]),
            onsite=int(row["onsite_visits"]),
            mentor_hours=round(row["mentor_hours"]),
            travel_hours=round(row["travel_hours"]),
            needed=int(row["mentors_needed"]),
            to_add=int(row["mentors_to_add"]),
        )
        if "cost_full_idr" in row:
            line = _text(lang, "cli.scenarios.row_cost", row=line, cost=round(row["cost_full_idr"]))
        print(line)
    _say(
        lang,
        "cli.scenarios.wrote",
        count=len(written),
        folder=args.out,
        workbook=args.out / "scenarios.xlsx",
    )
    return EXIT_OK


# The programme in motion: progress, replan, simulate (tkm_assign.app.running).


def _add_running_commands(sub: Any, lang: str) -> None:
    text = _help(lang)
    progress = _command(sub, "progress", lang, _cmd_progress)
    _plan_folder(progress, lang)
    progress.add_argument(
        "--outcomes",
        type=Path,
        metavar=_metavar(lang, "file"),
        help=text("cli.help.option.outcomes"),
    )
    _common(progress, lang)
    _outputs(progress, lang)

    replan = _command(sub, "replan", lang, _cmd_replan)
    _plan_folder(replan, lang)
    _common(replan, lang)
    _outputs(replan, lang)

    simulate = _command(sub, "simulate", lang, _cmd_simulate)
    _plan_folder(simulate, lang, logbook_required=False)
    _common(simulate, lang)
    _outputs(simulate, lang)


def _plan_folder(parser: argparse.ArgumentParser, lang: str, logbook_required: bool = True) -> None:
    text, file = _help(lang), _metavar(lang, "file")
    parser.add_argument(
        "--plan",
        type=Path,
        required=True,
        metavar=_metavar(lang, "folder"),
        help=text("cli.help.option.plan"),
    )
    parser.add_argument(
        "--logbook",
        type=Path,
        required=logbook_required,
        metavar=file,
        help=text("cli.help.option.logbook"),
    )
    parser.add_argument(
        "--as-of",
        dest="as_of",
        type=partial(_iso_date, lang=lang),
        metavar=_metavar(lang, "date"),
        help=text("cli.help.option.as_of"),
    )
    parser.add_argument(
        "--participants", type=Path, metavar=file, help=text("cli.help.option.participants_now")
    )
    parser.add_argument(
        "--mentors", type=Path, metavar=file, help=text("cli.help.option.mentors_now")
    )


def _iso_date(text: str, lang: str = "id") -> Any:
    import datetime as dt

    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            words(lang)("cli.help.bad_date", value=repr(text))
        ) from None


def _plan_summary(args: argparse.Namespace, folder: Path) -> dict[str, Any]:
    import json

    path = folder / "summary.json"
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise TkmError(_text(args.cli_lang, "cli.running.no_summary", file=path)) from None
    return data if isinstance(data, dict) else {}


def _running_config(args: argparse.Namespace, summary: Mapping[str, Any]) -> Config:
    """``--config`` and ``--set`` when given a file; else the plan's own configuration (from
    its summary.json) with every ``--set`` on top."""
    from tkm_assign.config import from_mapping

    recorded = summary.get("config")
    if args.config is not None or not isinstance(recorded, dict):
        return load_config(args)
    config: Config = from_mapping(Config, recorded, "")
    return config.replace(args.set or ())


def _plan_file(args: argparse.Namespace, folder: Path, name: str) -> Path:
    path = folder / name
    if not path.is_file():
        raise TkmError(_text(args.cli_lang, "cli.running.no_plan_file", folder=folder, name=name))
    return path


def _input_file(args: argparse.Namespace, summary: Mapping[str, Any], kind: str) -> Path:
    given = getattr(args, kind)
    if given is not None:
        return Path(given)
    recorded = (summary.get("inputs") or {}).get(kind)
    if recorded and Path(recorded).is_file():
        return Path(recorded)
    if recorded:
        raise TkmError(_text(args.cli_lang, "cli.running.input_missing", kind=kind, file=recorded))
    raise TkmError(_text(args.cli_lang, "cli.running.input_unrecorded", kind=kind))


def _running_inputs(args: argparse.Namespace) -> tuple[Any, Any, Config, Path, Path]:
    """The problem as it is now, the plan it follows, the configuration and the two files."""
    problem, plan, config, participants, mentors, _ = _running_tables(args)
    return problem, plan, config, participants, mentors


def _running_tables(args: argparse.Namespace) -> tuple[Any, Any, Config, Path, Path, Any]:
    """:func:`_running_inputs` and the input tables as read.

    From here on the command speaks the language of the plan's configuration (unless
    ``--lang`` says otherwise).
    """
    from tkm_assign import app

    summary = _plan_summary(args, args.plan)
    config = _running_config(args, summary)
    args.cli_lang = _language(args, config)
    participants = _input_file(args, summary, "participants")
    mentors = _input_file(args, summary, "mentors")
    tables = app.read_inputs(participants, mentors)
    problem = app.validate(tables, config).problem
    plan = app.read_current_plan(
        problem,
        app.read_table(_plan_file(args, args.plan, "assignments.csv"), "assignments"),
        app.read_table(_plan_file(args, args.plan, "schedule.csv"), "schedule"),
    )
    return problem, plan, config, participants, mentors, tables


def _cmd_progress(args: argparse.Namespace) -> int:
    from tkm_assign import app

    inputs = _check_out(args)
    problem, plan, config, participants, mentors = _running_inputs(args)
    lang = args.cli_lang
    as_of = args.as_of or app.programme_as_of(config)
    result = app.progress(
        problem,
        plan,
        app.read_table(args.logbook, "logbook"),
        as_of=as_of,
        outcomes=app.read_table(args.outcomes, "outcomes") if args.outcomes else None,
    )
    _print_messages(lang, result.warnings)
    written = app.write_outputs(
        result, args.out, lang=lang, force=args.force, inputs=[*inputs, participants, mentors]
    )
    s = result.tables.summary
    status = s["status"]
    shares = s["sessions_in_first_3_months"]["shares"]
    _say(
        lang,
        "cli.progress.summary",
        date=str(result.tables.as_of),
        month=str(s["month"]),
        on_track=status["on_track"],
        behind=status["behind"],
        at_risk=status["at_risk"],
        withdrawn=status["withdrawn"],
        held=s["sessions_held"],
        missed=s["sessions_missed"],
        planned=s["sessions_planned"],
        missed_share=_share(lang, s["missed_rate"]),
        low=_share(lang, shares["0-2"]),
        target=_share(lang, shares["3-4"]),
        high=_share(lang, shares[">4"]),
    )
    _say(
        lang,
        "cli.progress.wrote",
        count=len(written),
        folder=args.out,
        report=args.out / "progress.html",
        at_risk=args.out / "at_risk.csv",
        messages=args.out / "messages",
    )
    return EXIT_OK


def _cmd_replan(args: argparse.Namespace) -> int:
    from tkm_assign import app

    inputs = _check_out(args)
    problem, plan, config, participants, mentors = _running_inputs(args)
    lang = args.cli_lang
    as_of = args.as_of or app.programme_as_of(config)
    result = app.replan(problem, plan, app.read_table(args.logbook, "logbook"), as_of=as_of)
    _print_messages(lang, result.warnings)
    written = app.write_outputs(
        result, args.out, lang=lang, force=args.force, inputs=[*inputs, participants, mentors]
    )
    s = result.summary
    _say(
        lang,
        "cli.replan.summary",
        date=str(s["plan_from"]),
        with_mentor=s["participants_with_mentor"],
        planned=s["participants_planned"],
        reassigned=s["reassignments"],
        forced=s["reassignments_forced"],
        chosen=s["reassignments_chosen"],
        new=s["newly_assigned"],
        withdrawn=s["participants_withdrawn"],
        kept=s["sessions_kept"],
        moved=s["sessions_moved"],
        added=s["sessions_added"],
        cancelled=s["sessions_cancelled"],
        missed=s["sessions_missed"],
    )
    _say(
        lang,
        "cli.replan.wrote",
        count=len(written),
        folder=args.out,
        changes=args.out / "changes.csv",
    )
    return EXIT_OK


def _cmd_simulate(args: argparse.Namespace) -> int:
    from tkm_assign import app

    inputs = _check_out(args)
    if args.as_of is None:
        raise TkmError(_text(args.cli_lang, "cli.simulate.no_as_of"))
    problem, plan, config, participants, mentors, tables = _running_tables(args)
    lang = args.cli_lang
    since = None
    if args.logbook is not None:
        earlier = app.read_logbook(
            problem, app.read_table(args.logbook, "logbook"), as_of=args.as_of, plan=plan
        )
        last = max((e.date for e in earlier.entries), default=config.programme.start_date)
        since = earlier.until(last)
    result = app.simulate(problem, plan, as_of=args.as_of, since=since, inputs=tables)
    _print_messages(lang, result.warnings)
    written = app.write_outputs(
        result, args.out, force=args.force, inputs=[*inputs, participants, mentors]
    )
    s = result.summary
    shares = result.distribution
    _say(
        lang,
        "cli.simulate.summary",
        start=str(s["from"]),
        end=str(s["as_of"]),
        seed=str(s["seed"]),
        rows=s["logbook_rows"],
        missed=s["sessions_missed"],
        planned=s["sessions_planned"],
        missed_share=_share(lang, s["missed_share"]),
        extra=s["sessions_extra"],
        withdrawn=s["participants_withdrawn"],
        sick=s["mentors_sick"],
        left=s["mentors_left"],
        low=_share(lang, shares["0-2"]),
        target=_share(lang, shares["3-4"]),
        high=_share(lang, shares[">4"]),
    )
    command = (
        f"tkm-assign progress --plan {args.plan} --logbook {args.out / 'logbook.csv'} "
        f"--participants {args.out / 'participants.csv'} --mentors "
        f"{args.out / 'mentors.csv'} --as-of {args.as_of.isoformat()} --out ..."
    )
    _say(lang, "cli.simulate.wrote", count=len(written), folder=args.out, command=command)
    return EXIT_OK


def _cmd_serve(args: argparse.Namespace) -> int:
    from tkm_assign.web.app import Options
    from tkm_assign.web.server import serve

    config = load_config(args)
    lang = args.cli_lang
    if not 0 <= args.port <= 65535:
        raise TkmError(_text(lang, "cli.serve.bad_port", port=str(args.port)))
    if args.workers is not None and args.workers < 1:
        raise TkmError(_text(lang, "cli.serve.bad_workers", workers=str(args.workers)))
    try:
        args.data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise TkmError(
            _text(
                lang,
                "cli.serve.bad_data_dir",
                folder=args.data_dir,
                why=error.strerror or type(error).__name__,
            )
        ) from None
    options = Options(
        data_dir=args.data_dir,
        host=args.host,
        port=args.port,
        token=args.token,
        allowed_hosts=tuple(args.allow_host),
        workers=args.workers,
        config=config,
    )

    def announce(url: str) -> None:
        print(_text(lang, "cli.serve.open", url=url), flush=True)
        print(_text(lang, "cli.serve.data_dir", folder=args.data_dir), flush=True)

    serve(options, announce)
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
