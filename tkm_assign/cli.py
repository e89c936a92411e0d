"""Command line: parse, call the pipeline, write outputs, set exit codes.

This is the only module that prints. Exit codes: 0 success, 2 bad input or configuration
(each problem printed with file, row, column and value), 1 an unexpected internal error.
"""

from __future__ import annotations

import argparse
import logging
import sys
import warnings
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tkm_assign import __version__
from tkm_assign.config import Config
from tkm_assign.errors import (
    InputError,
    OutputExistsError,
    TkmError,
    TkmWarning,
    withheld_traceback,
)
from tkm_assign.report.tables import PlanTables
from tkm_assign.resources import SAMPLE_DIR

if TYPE_CHECKING:
    import pandas as pd

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
EXAMPLES: Mapping[str, tuple[str, ...]] = {
    "validate": (_SAMPLE, f"tkm-assign validate {_FILES}"),
    "generate": ("tkm-assign generate --participants 200 --mentors 10 --seed 7 --out sampel",),
    "assign": (_SAMPLE, _ASSIGN),
    "schedule": (
        _SAMPLE,
        _ASSIGN,
        f"tkm-assign schedule {_FILES} --assignments penugasan/assignments.csv --out jadwal",
    ),
    "plan": (_SAMPLE, f"tkm-assign plan {_FILES} --set caseload.max=15 --out rencana"),
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
}


def _example(command: str) -> str:
    lines = EXAMPLES[command]
    head = "example:" if len(lines) == 1 else "example (in an empty folder, line by line):"
    return "\n".join([head, *(f"  {line}" for line in lines)])


def main(argv: Sequence[str] | None = None) -> int:
    parser = _build_parser()
    args = parser.parse_args(argv)
    _configure_logging(quiet=getattr(args, "quiet", False))
    handler: Handler = args.handler
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", TkmWarning)
        try:
            code = handler(args)
        except InputError as error:
            _print_warnings(caught)
            _print_input_error(error)
            return EXIT_INPUT
        except OutputExistsError as error:
            _print_warnings(caught)
            print(f"error: {error}; choose another --out or add --force", file=sys.stderr)
            return EXIT_INPUT
        except TkmError as error:
            _print_warnings(caught)
            print(f"error: {error}", file=sys.stderr)
            return EXIT_INPUT
        except KeyboardInterrupt:
            print("interrupted; nothing was written", file=sys.stderr)
            return 130
        except Exception as error:  # an internal error: say so plainly, with the trace
            _print_warnings(caught)
            # The exception's text may quote input data (a name): only where and what.
            print(
                f"internal error: {type(error).__name__}\n"
                "nothing was written. Please report this with the command you ran; the "
                "details follow.",
                file=sys.stderr,
            )
            print(withheld_traceback(error), file=sys.stderr, end="")
            return EXIT_INTERNAL
    _print_warnings(caught)
    return code


def _configure_logging(quiet: bool) -> None:
    """Progress of the ``tkm_assign`` logger on stderr; other libraries stay quiet."""
    log = logging.getLogger("tkm_assign")
    for handler in [h for h in log.handlers if getattr(h, "tkm_cli", False)]:
        log.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    handler.tkm_cli = True  # type: ignore[attr-defined]
    log.addHandler(handler)
    log.setLevel(logging.WARNING if quiet else logging.INFO)
    log.propagate = False


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


def _read_paths(args: argparse.Namespace) -> list[Path]:
    """Every file the command reads: an output folder must neither be nor hold one."""
    names = ("participants", "mentors", "assignments", "schedule", "config", "scenarios")
    return [p for p in (getattr(args, name, None) for name in names) if isinstance(p, Path)]


def _check_out(args: argparse.Namespace, *extra: Path) -> list[Path]:
    """Refuse an unsafe output folder before any work; the inputs for ``atomic_output_dir``."""
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


def _cluster(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--cluster",
        metavar="ADDRESS",
        help="run the independent plans on this Dask scheduler's workers, e.g. "
        "tcp://10.0.0.5:8786 (default cluster.address; none: this machine)",
    )


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

    validate = sub.add_parser(
        "validate",
        epilog=_example("validate"),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        help="check the input files and summarise them",
    )
    _inputs(validate)
    _common(validate)
    validate.set_defaults(handler=_cmd_validate)

    generate = sub.add_parser(
        "generate",
        epilog=_example("generate"),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        help="write a realistic synthetic national sample",
    )
    generate.add_argument("--participants", type=int, default=3000, help="number of participants")
    generate.add_argument("--mentors", type=int, default=150, help="number of mentors")
    generate.add_argument("--seed", type=int, default=2024, help="random seed")
    _outputs(generate)
    generate.add_argument("--quiet", action="store_true", help="print only errors and warnings")
    generate.set_defaults(handler=_cmd_generate)

    assign = sub.add_parser(
        "assign",
        epilog=_example("assign"),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        help="assign mentors to participants (optimal, explained)",
    )
    _inputs(assign)
    _common(assign)
    _outputs(assign)
    assign.set_defaults(handler=_cmd_assign)

    schedule = sub.add_parser(
        "schedule",
        epilog=_example("schedule"),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        help="plan every session and day route of an assignment",
    )
    _inputs(schedule)
    schedule.add_argument(
        "--assignments", type=Path, required=True, help="assignments.csv (from assign, or by hand)"
    )
    _common(schedule)
    _outputs(schedule)
    schedule.set_defaults(handler=_cmd_schedule)

    plan = sub.add_parser(
        "plan",
        epilog=_example("plan"),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        help="validate, assign, schedule and write every output",
    )
    _inputs(plan)
    _common(plan)
    _outputs(plan)
    _lang(plan)
    plan.set_defaults(handler=_cmd_plan)

    demo = sub.add_parser(
        "demo",
        epilog=_example("demo"),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        help="the whole plan on the bundled national sample",
    )
    demo.add_argument(
        "--out", type=Path, default=DEMO_OUT, help=f"output folder (default {DEMO_OUT})"
    )
    demo.add_argument("--force", action="store_true", help="replace an existing output folder")
    _common(demo)
    _lang(demo)
    demo.set_defaults(handler=_cmd_demo)

    audit = sub.add_parser(
        "audit",
        epilog=_example("audit"),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        help="check an existing plan (e.g. made by hand) against every rule",
    )
    _inputs(audit)
    audit.add_argument("--assignments", type=Path, required=True, help="participant_id, mentor_id")
    audit.add_argument("--schedule", type=Path, help="one row per session (optional)")
    audit.add_argument(
        "--compare", action="store_true", help="also run the optimizer and show what it improves"
    )
    _common(audit)
    _outputs(audit)
    _lang(audit)
    audit.set_defaults(handler=_cmd_audit)

    capacity = sub.add_parser(
        "capacity",
        epilog=_example("capacity"),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        help="how many mentors every participant's sessions need, and where",
    )
    _inputs(capacity, mentors_required=False)
    _common(capacity)
    _cluster(capacity)
    _outputs(capacity)
    _lang(capacity)
    capacity.set_defaults(handler=_cmd_capacity)

    scenarios = sub.add_parser(
        "scenarios",
        epilog=_example("scenarios"),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        help="compare policies: the whole plan under every combination of settings",
    )
    _inputs(scenarios)
    scenarios.add_argument(
        "--grid",
        action="append",
        metavar="KEY=V1,V2,...",
        help="values of one configuration key to compare (repeatable; every combination "
        "runs), e.g. --grid caseload.max=15,20,25 --grid sessions.target=2,3,4",
    )
    scenarios.add_argument(
        "--scenarios",
        type=Path,
        metavar="FILE",
        help="named scenarios, e.g. configs/scenarios/praktik_2024_vs_rekomendasi.toml",
    )
    _common(scenarios)
    _cluster(scenarios)
    scenarios.add_argument(
        "--resume",
        action="store_true",
        help="continue a grid that was interrupted: scenarios it finished are not planned again",
    )
    _outputs(scenarios)
    _lang(scenarios)
    scenarios.set_defaults(handler=_cmd_scenarios)

    serve = sub.add_parser("serve", help="start the coordinators' page in the browser")
    serve.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)"
    )
    serve.add_argument(
        "--port", type=int, default=8050, help="port (default 8050; 0 = any free port)"
    )
    serve.add_argument(
        "--data-dir",
        type=Path,
        default=DATA_DIR_DEFAULT,
        help=f"where plans, uploads and jobs are kept (default {DATA_DIR_DEFAULT})",
    )
    serve.add_argument(
        "--token",
        help="access token (default: none on 127.0.0.1, generated and printed on any other host)",
    )
    serve.add_argument(
        "--allow-host",
        action="append",
        default=[],
        metavar="NAME",
        help="a host name the page may be reached by besides its address (repeatable)",
    )
    serve.add_argument("--workers", type=int, help="plans computed at once (default: one per core)")
    _common(serve)
    serve.set_defaults(handler=_cmd_serve)
    return parser


def _lang(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--lang", choices=("id", "en"), help="labels of report and workbook (default output.lang)"
    )


def _language(args: argparse.Namespace, config: Config) -> str:
    return str(args.lang or config.output.lang)


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
    inputs = _check_out(args)
    participants, mentors = generate_frames(args.participants, args.mentors, args.seed)
    with atomic_output_dir(args.out, force=args.force, inputs=inputs) as staging:
        write_csv(participants, staging / "participants.csv")
        write_csv(mentors, staging / "mentors.csv")
    print(
        f"wrote {args.out / 'participants.csv'} ({len(participants)} participants in "
        f"{participants['province'].nunique()} provinces) and {args.out / 'mentors.csv'} "
        f"({len(mentors)} mentors), seed {args.seed}"
    )
    return EXIT_OK


def _cmd_assign(args: argparse.Namespace) -> int:
    from tkm_assign import pipeline
    from tkm_assign.io.output import atomic_output_dir, write_csv, write_json
    from tkm_assign.report.assignment import assignment_summary, assignment_table

    inputs = _check_out(args)
    config = load_config(args)
    problem = pipeline.read_problem(args.participants, args.mentors, config)
    candidates, assignment = pipeline.run_assignment(problem, pipeline.travel_model(config))
    table = assignment_table(problem, candidates, assignment)
    summary = assignment_summary(problem, candidates, assignment)
    with atomic_output_dir(args.out, force=args.force, inputs=inputs) as staging:
        write_csv(table, staging / "assignments.csv")
        write_json(summary, staging / "summary.json")
    _print_assignment(summary, args.out)
    return EXIT_OK


def _print_assignment(summary: dict[str, Any], out: Path) -> None:
    total = summary["assigned"] + summary["unassigned"]
    print(
        f"assigned {summary['assigned']} of {total} participants "
        f"({summary['status']}, gap {summary['gap']:.2%}); sector match "
        f"{summary['sector_match_rate']:.1%}; mean travel {summary['mean_travel_min']:.0f} min "
        f"one way; caseload {summary['caseload']['min']:.0f}-{summary['caseload']['max']:.0f}"
    )
    if summary["unassigned"]:
        print(
            f"{summary['unassigned']} participants without a mentor: reasons in {out / 'assignments.csv'}"
        )


def _cmd_schedule(args: argparse.Namespace) -> int:
    from tkm_assign import pipeline
    from tkm_assign.audit.plan import read_plan
    from tkm_assign.io.output import atomic_output_dir, write_csv, write_json
    from tkm_assign.io.read import read_table

    inputs = _check_out(args)
    config = load_config(args)
    problem = pipeline.read_problem(args.participants, args.mentors, config)
    given = read_table(args.assignments, "assignments")
    if given.problems:
        raise InputError(given.problems)
    hand = read_plan(problem, given.frame, None, assignments_source=given.source)
    assignment = pipeline.assignment_from_mentors(problem, hand.mentor_of)
    _, tables = pipeline.run_schedule(problem, assignment, pipeline.travel_model(config))
    summary = dict(tables.schedule_summary or {})
    summary["config"] = config.to_dict()
    with atomic_output_dir(args.out, force=args.force, inputs=inputs) as staging:
        for name, frame in (
            ("schedule.csv", tables.schedule),
            ("routes.csv", tables.routes),
            ("mentor_workload.csv", tables.workload),
            ("shortfalls.csv", tables.shortfalls),
        ):
            if frame is not None:
                write_csv(frame, staging / name)
        write_json(summary, staging / "summary.json")
    _print_schedule(tables, args.out)
    return EXIT_OK


def _print_schedule(tables: PlanTables, out: Path) -> None:
    n_sessions = 0 if tables.schedule is None else len(tables.schedule)
    shortfalls = tables.shortfalls
    with_mentor = (
        None
        if shortfalls is None or shortfalls.empty
        else shortfalls["mentor_id"].fillna("").astype(str) != ""
    )
    if shortfalls is None or with_mentor is None or not with_mentor.any():
        # Participants without a mentor are reported with the assignment.
        print(
            f"planned {n_sessions} sessions; every participant with a mentor meets their "
            "target every month"
        )
        return
    people = shortfalls.loc[with_mentor, "participant_id"].nunique()
    print(
        f"planned {n_sessions} sessions; {people} participants with a mentor are short of "
        f"their target in {int(with_mentor.sum())} participant-months; reasons in "
        f"{out / 'shortfalls.csv'}"
    )


def _cmd_plan(args: argparse.Namespace) -> int:
    inputs = _check_out(args)
    config = load_config(args)
    return _plan(
        args.participants,
        args.mentors,
        config,
        args.out,
        args.force,
        _language(args, config),
        inputs,
    )


def _cmd_demo(args: argparse.Namespace) -> int:
    inputs = _check_out(args, SAMPLE_DIR / "participants.csv", SAMPLE_DIR / "mentors.csv")
    config = load_config(args)
    log = logging.getLogger("tkm_assign")
    log.info("demo: the bundled national sample in %s", SAMPLE_DIR)
    return _plan(
        SAMPLE_DIR / "participants.csv",
        SAMPLE_DIR / "mentors.csv",
        config,
        args.out,
        args.force,
        _language(args, config),
        inputs,
    )


def _plan(
    participants: Path,
    mentors: Path,
    config: Config,
    out: Path,
    force: bool,
    lang: str,
    inputs: Sequence[Path],
) -> int:
    from tkm_assign import pipeline
    from tkm_assign.io.output import atomic_output_dir
    from tkm_assign.report import write_plan_outputs

    problem = pipeline.read_problem(participants, mentors, config)
    with atomic_output_dir(out, force=force, inputs=inputs) as staging:
        result = pipeline.run_plan(problem)
        written = write_plan_outputs(staging, problem, result.tables, lang)
    _print_assignment(result.tables.assignment_summary, out)
    _print_schedule(result.tables, out)
    print(f"wrote {len(written)} files to {out}; open {out / 'report.html'} or {out / 'plan.xlsx'}")
    return EXIT_OK


def _cmd_audit(args: argparse.Namespace) -> int:
    from tkm_assign import pipeline
    from tkm_assign.audit import audit_plan, compare_tables, write_audit_outputs
    from tkm_assign.io.output import atomic_output_dir
    from tkm_assign.io.read import read_table

    inputs = _check_out(args)
    config = load_config(args)
    problem = pipeline.read_problem(args.participants, args.mentors, config)
    assignments = read_table(args.assignments, "assignments")
    schedule = read_table(args.schedule, "schedule") if args.schedule else None
    problems = [*assignments.problems, *(schedule.problems if schedule else ())]
    if problems:
        raise InputError(problems)
    travel = pipeline.travel_model(config)
    result = audit_plan(
        problem,
        assignments.frame,
        schedule.frame if schedule else None,
        travel,
        assignments_source=assignments.source,
        schedule_source=schedule.source if schedule else "schedule",
    )
    comparison = None
    if args.compare:
        optimized = pipeline.run_plan(problem, travel, with_schedule=schedule is not None)
        comparison = compare_tables(result, optimized.tables)
    with atomic_output_dir(args.out, force=args.force, inputs=inputs) as staging:
        write_audit_outputs(staging, problem, result, _language(args, config), comparison)
    summary = result.summary
    verdict = "clean" if result.clean else f"{summary['violations']} violations"
    print(
        f"audit: {verdict}, {summary['notes']} notes; overloaded mentors: "
        f"{len(summary['overloaded'])}, idle: {len(summary['idle'])}; details in {args.out}"
    )
    if comparison is not None:
        better = comparison[comparison["better"].astype(bool)]
        for row in better.itertuples():
            print(f"  optimizer: {row.measure}: {row.audited} -> {row.optimised}")
    return EXIT_OK


def _cmd_capacity(args: argparse.Namespace) -> int:
    from tkm_assign import pipeline
    from tkm_assign.io import load_participants
    from tkm_assign.io.output import atomic_output_dir
    from tkm_assign.scenarios.capacity import plan_capacity
    from tkm_assign.scenarios.outputs import write_capacity_outputs
    from tkm_assign.scenarios.tables import capacity_table

    inputs = _check_out(args)
    config = load_config(args)
    existing = args.mentors is not None
    if existing:
        problem = pipeline.read_problem(args.participants, args.mentors, config)
    else:
        problem = load_participants(args.participants, config)
    with atomic_output_dir(args.out, force=args.force, inputs=inputs) as staging:
        result = plan_capacity(
            problem, pipeline.travel_model(config), existing=existing, cluster=config.cluster
        )
        written = write_capacity_outputs(staging, result, _language(args, config))
    _print_capacity(capacity_table(result), result.unresolved, existing)
    print(
        f"wrote {len(written)} files to {args.out}; open {args.out / 'capacity.csv'} or "
        f"{args.out / 'capacity.png'}; new mentors in {args.out / 'suggested_mentors.csv'}"
    )
    return EXIT_OK


def _print_capacity(table: pd.DataFrame, unresolved: Mapping[str, str], existing: bool) -> None:
    towns = sum(len(b.split("; ")) for b in table["suggested_bases"] if b)
    adding = table[table["to_add"] > 0]
    now = int(table["mentors_now"].sum())
    head = (
        f"mentors now {now}, needed {int(table['mentors_needed'].sum())}"
        if existing
        else (f"mentors needed {int(table['mentors_needed'].sum())} (all new)")
    )
    print(
        f"capacity: {int(table['participants'].sum())} participants in {len(table)} provinces; "
        f"{head}; add {int(table['to_add'].sum())} at {towns} towns in {len(adding)} provinces; "
        f"lower bound {int(table['lower_bound'].sum())}"
    )
    most = adding.sort_values(["to_add", "province_code"], ascending=[False, True]).head(8)
    if len(most):
        print("  most to add: " + ", ".join(f"{r.province} +{r.to_add}" for r in most.itertuples()))
    spare = table[table["spare"] > 0]
    if existing:
        listed = ", ".join(f"{r.province} {r.spare}" for r in spare.itertuples())
        print(f"  spare mentors: {listed or 'none'}")
    if unresolved:
        print(
            f"  checked by planning with every mentor: {len(unresolved)} participants still "
            "short; reasons in capacity_summary.json"
        )
    else:
        print("  checked by planning with every mentor: every participant gets their sessions")


def _cmd_scenarios(args: argparse.Namespace) -> int:
    from tkm_assign.io.inputs import read_inputs
    from tkm_assign.io.output import atomic_output_dir
    from tkm_assign.scenarios.grid import (
        ScenarioResult,
        expand,
        parse_grid,
        read_scenario_file,
        run_scenarios,
        validate_scenarios,
    )
    from tkm_assign.scenarios.outputs import (
        drop_finished,
        load_finished,
        save_finished,
        scenario_table,
        write_scenario_outputs,
    )

    inputs = _check_out(args)
    config = load_config(args)
    grid = [parse_grid(spec) for spec in args.grid or ()]
    named = read_scenario_file(args.scenarios) if args.scenarios else []
    if not grid and not named:
        raise TkmError("nothing to compare: give --grid KEY=V1,V2,... and/or --scenarios FILE")
    configured = expand(config, named, grid)
    log = logging.getLogger("tkm_assign")
    log.info("scenarios: %d to plan", len(configured))
    problems = validate_scenarios(read_inputs(args.participants, args.mentors), configured)
    scenarios = [scenario for scenario, _ in configured]
    kept: list[int] = []
    finished: dict[str, ScenarioResult] = {}

    def keep(index: int, key: str, result: ScenarioResult) -> None:
        save_finished(staging, index, key, result)
        kept.append(index)

    try:
        with atomic_output_dir(
            args.out, force=args.force, inputs=inputs, resumable=True, resume=args.resume
        ) as staging:
            finished = load_finished(staging)
            if args.resume:
                log.info(
                    "resuming: %d finished scenario(s) kept by the interrupted run", len(finished)
                )
            results = run_scenarios(
                problems,
                scenarios,
                config.capacity.scenario_workers,
                cluster=config.cluster,
                finished=finished,
                on_result=keep,
            )
            drop_finished(staging)
            written = write_scenario_outputs(
                staging, results, [c for _, c in configured], _language(args, config)
            )
    except KeyboardInterrupt:
        print(
            f"interrupted; {len(finished) + len(kept)} finished scenario(s) are kept: run the "
            "same command with --resume to continue",
            file=sys.stderr,
        )
        return 130
    for row in scenario_table(results).to_dict("records"):
        cost = (
            f", cost with everyone served Rp {row['cost_full_idr']:,.0f}"
            if "cost_full_idr" in row
            else ""
        )
        print(
            f"{row['scenario']}: with a mentor {row['served_share']:.1%}, 2-4 sessions every "
            f"month {row['meeting_2_4_share']:.1%}, onsite visits {row['onsite_visits']:,}, "
            f"mentor hours {row['mentor_hours']:,.0f}, travel hours {row['travel_hours']:,.0f}; "
            f"mentors needed {row['mentors_needed']} (+{row['mentors_to_add']}){cost}"
        )
    print(f"wrote {len(written)} files to {args.out}; open {args.out / 'scenarios.xlsx'}")
    return EXIT_OK


def _cmd_serve(args: argparse.Namespace) -> int:
    from tkm_assign.web.app import Options
    from tkm_assign.web.server import serve

    config = load_config(args)
    if not 0 <= args.port <= 65535:
        raise TkmError(f"--port {args.port}: expected 0..65535")
    if args.workers is not None and args.workers < 1:
        raise TkmError(f"--workers {args.workers}: expected 1 or more")
    try:
        args.data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise TkmError(
            f"--data-dir {args.data_dir}: cannot be used as the folder for plans "
            f"({error.strerror}); choose another folder"
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
        print(f"tkm_assign page: open {url} in a browser (Ctrl+C stops it)", flush=True)
        print(f"plans are kept in {args.data_dir}", flush=True)

    serve(options, announce)
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
