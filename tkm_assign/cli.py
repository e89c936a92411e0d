"""Command line: parse, call the pipeline, write outputs, set exit codes.

This is the only module that prints. Exit codes: 0 success, 2 bad input or configuration
(each problem printed with file, row, column and value), 1 an unexpected internal error.
"""

from __future__ import annotations

import argparse
import logging
import sys
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path

from tkm_assign import __version__
from tkm_assign.config import Config
from tkm_assign.errors import InputError, TkmError, TkmWarning

EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_INPUT = 2
MAX_PROBLEMS_PRINTED = 200  # then the rest are counted by file and column

Handler = Callable[[argparse.Namespace], int]


def main(argv: Sequence[str] | None = None) -> int:
    parser = _build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.WARNING if getattr(args, "quiet", False) else logging.INFO,
        format="%(message)s",
        stream=sys.stderr,
    )
    handler: Handler = args.handler
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", TkmWarning)
        try:
            code = handler(args)
        except InputError as error:
            _print_warnings(caught)
            _print_input_error(error)
            return EXIT_INPUT
        except TkmError as error:
            _print_warnings(caught)
            print(f"error: {error}", file=sys.stderr)
            return EXIT_INPUT
        except KeyboardInterrupt:
            print("interrupted; nothing was written", file=sys.stderr)
            return 130
    _print_warnings(caught)
    return code


def _print_warnings(caught: list[warnings.WarningMessage]) -> None:
    seen: set[str] = set()
    for item in caught:
        text = str(item.message)
        if issubclass(item.category, TkmWarning) and text not in seen:
            seen.add(text)
            print(f"warning: {text}", file=sys.stderr)


def _print_input_error(error: InputError) -> None:
    """Every problem (file, row, column, value, expected); a long list is cut and counted."""
    problems = error.problems
    head = (
        f"{len(problems)} problems in the input:" if len(problems) > 1 else "problem in the input:"
    )
    print(f"error: {head}", file=sys.stderr)
    for problem in problems[:MAX_PROBLEMS_PRINTED]:
        print(f"  {problem}", file=sys.stderr)
    rest = problems[MAX_PROBLEMS_PRINTED:]
    if rest:
        counts: dict[str, int] = {}
        for problem in rest:
            where = f"{problem.file} column {problem.column or '-'}"
            counts[where] = counts.get(where, 0) + 1
        print(f"  ... and {len(rest)} more:", file=sys.stderr)
        for where, count in sorted(counts.items(), key=lambda kv: -kv[1]):
            print(f"    {count} in {where}", file=sys.stderr)


def load_config(args: argparse.Namespace) -> Config:
    """Defaults, then ``--config``, then every ``--set``."""
    return Config.load(args.config, args.set or ())


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", type=Path, help="TOML file merged over configs/default.toml")
    parser.add_argument(
        "--set",
        action="append",
        metavar="SECTION.KEY=VALUE",
        help="override one configuration key (repeatable), e.g. --set caseload.max=15",
    )
    parser.add_argument("--quiet", action="store_true", help="print only errors and warnings")


def _inputs(parser: argparse.ArgumentParser, mentors_required: bool = True) -> None:
    parser.add_argument(
        "--participants", type=Path, required=True, help="CSV, XLSX, GeoPackage or GeoJSON"
    )
    parser.add_argument(
        "--mentors", type=Path, required=mentors_required, help="CSV, XLSX, GeoPackage or GeoJSON"
    )


def _outputs(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, required=True, help="output folder (must not exist)")
    parser.add_argument("--force", action="store_true", help="replace an existing output folder")


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tkm-assign",
        description="Assign mentors (pendamping) to TKM Lanjutan participants and plan their visits.",
    )
    parser.add_argument("--version", action="version", version=f"tkm-assign {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    validate = sub.add_parser("validate", help="check the input files and summarise them")
    _inputs(validate)
    _common(validate)
    validate.set_defaults(handler=_cmd_validate)

    generate = sub.add_parser("generate", help="write a realistic synthetic national sample")
    generate.add_argument("--participants", type=int, default=3000, help="number of participants")
    generate.add_argument("--mentors", type=int, default=150, help="number of mentors")
    generate.add_argument("--seed", type=int, default=2024, help="random seed")
    _outputs(generate)
    generate.add_argument("--quiet", action="store_true", help="print only errors and warnings")
    generate.set_defaults(handler=_cmd_generate)
    return parser


def _cmd_validate(args: argparse.Namespace) -> int:
    from tkm_assign.geo.regions import load_geography
    from tkm_assign.io import load_problem
    from tkm_assign.io.summary import summarise

    config = load_config(args)
    problem = load_problem(args.participants, args.mentors, config)
    summary = summarise(problem, load_geography())
    if not args.quiet:
        print(summary.provinces.to_string(index=False, na_rep="-"))
        print()
    provinces = len(summary.provinces) - 1
    print(
        f"valid: {len(problem.participants)} participants ({problem.participants_source}) and "
        f"{len(problem.mentors)} mentors ({problem.mentors_source}) in {provinces} provinces"
    )
    if summary.on_islands_without_mentor:
        rule = " of their province" if config.assign.province_rule == "same" else ""
        print(
            f"note: {summary.on_islands_without_mentor} participants on "
            f"{summary.islands_without_mentor} islands where no mentor{rule} lives "
            f"(travel.cross_island = {config.travel.cross_island})"
        )
    return EXIT_OK


def _cmd_generate(args: argparse.Namespace) -> int:
    from tkm_assign.io.output import atomic_output_dir, write_csv
    from tkm_assign.sample import generate_frames

    if args.participants < 1 or args.mentors < 1:
        raise TkmError("--participants and --mentors must be at least 1")
    if args.seed < 0:
        raise TkmError(f"--seed {args.seed}: expected a whole number 0 or greater")
    participants, mentors = generate_frames(args.participants, args.mentors, args.seed)
    with atomic_output_dir(args.out, force=args.force) as staging:
        write_csv(participants, staging / "participants.csv")
        write_csv(mentors, staging / "mentors.csv")
    print(
        f"wrote {args.out / 'participants.csv'} ({len(participants)} participants in "
        f"{participants['province'].nunique()} provinces) and {args.out / 'mentors.csv'} "
        f"({len(mentors)} mentors), seed {args.seed}"
    )
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
