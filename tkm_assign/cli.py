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
from tkm_assign.errors import TkmError, TkmWarning

EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_INPUT = 2

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
    raise TkmError("validate is not available yet")


def _cmd_generate(args: argparse.Namespace) -> int:
    raise TkmError("generate is not available yet")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
