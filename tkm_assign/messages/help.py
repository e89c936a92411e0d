"""Texts of the command line's ``--help`` and of its argument errors (``tkm_assign.cli``).

Part of the catalogue (:mod:`tkm_assign.messages.catalogue` merges :data:`HELP`); the same
rules apply: English source text, ``section.name`` codes, Indonesian in
``locale/id/LC_MESSAGES/tkm_assign.po``. The help texts pass through argparse, which
expands ``%(...)s``: a literal percent sign is written ``%%`` by the command line, not here.

- ``cli.help.*``: what each command does, each option's help, the placeholders of option
  values (``metavar.*``) and the worked examples' headings;
- ``cli.argparse.*``: argparse's own words (``usage:``, ``options``, the errors for a
  missing option or an invalid choice), matched against argparse's English templates and
  worded again by the command line.
"""

from __future__ import annotations

from collections.abc import Mapping

COMMANDS = {
    "cli.help.description": (
        "Assign mentors (pendamping) to TKM Lanjutan participants and plan their visits."
    ),
    "cli.help.command.validate": "check the input files and summarise them",
    "cli.help.command.generate": "write a realistic synthetic national sample",
    "cli.help.command.assign": "assign mentors to participants (optimal, explained)",
    "cli.help.command.schedule": "plan every session and day route of an assignment",
    "cli.help.command.plan": "validate, assign, schedule and write every output",
    "cli.help.command.demo": "the whole plan on the bundled national sample",
    "cli.help.command.audit": "check an existing plan (e.g. made by hand) against every rule",
    "cli.help.command.capacity": "how many mentors every participant's sessions need, and where",
    "cli.help.command.scenarios": (
        "compare policies: the whole plan under every combination of settings"
    ),
    "cli.help.command.progress": (
        "who is on track, behind or at risk: the logbook against the plan"
    ),
    "cli.help.command.replan": (
        "plan the rest of the programme again from the logbook, changing as little as possible"
    ),
    "cli.help.command.simulate": (
        "a realistic logbook of a plan up to a date (missed visits, withdrawals, leave)"
    ),
    "cli.help.command.serve": "start the coordinators' page in the browser",
    "cli.help.example": "example:",
    "cli.help.example_steps": "example (in an empty folder, line by line):",
    "cli.help.serve_then": "then open {url} in a browser",
}

OPTIONS = {
    "cli.help.option.help": "show this help and exit",
    "cli.help.option.version": "show the version of tkm-assign and exit",
    "cli.help.option.config": "TOML file merged over configs/default.toml",
    "cli.help.option.set": (
        "override one configuration key (repeatable), e.g. --set caseload.max=15"
    ),
    "cli.help.option.quiet": "print only errors, warnings and the result",
    "cli.help.option.lang": (
        "language of what is printed (this help too) and of the outputs' labels: id (Bahasa "
        "Indonesia) or en (default output.lang, id)"
    ),
    "cli.help.option.participants": "the participants file: CSV, XLSX, GeoPackage or GeoJSON",
    "cli.help.option.mentors": "the mentors file: CSV, XLSX, GeoPackage or GeoJSON",
    "cli.help.option.out": "output folder (must not exist)",
    "cli.help.option.out_default": "output folder (default {folder})",
    "cli.help.option.force": "replace an existing output folder",
    "cli.help.option.cluster": (
        "run the independent plans on this Dask scheduler's workers, e.g. "
        "tcp://10.0.0.5:8786 (default cluster.address; none: this machine)"
    ),
    "cli.help.option.generate_participants": "number of participants",
    "cli.help.option.generate_mentors": "number of mentors",
    "cli.help.option.seed": "random seed (the same seed writes the same sample)",
    "cli.help.option.assignments": "assignments.csv (from assign, or by hand)",
    "cli.help.option.audit_assignments": (
        "the plan to check: one row per participant with participant_id and mentor_id"
    ),
    "cli.help.option.audit_schedule": "one row per session (optional)",
    "cli.help.option.compare": "also run the optimizer and show what it improves",
    "cli.help.option.grid": (
        "values of one configuration key to compare (repeatable; every combination runs), "
        "e.g. --grid caseload.max=15,20,25 --grid sessions.target=2,3,4"
    ),
    "cli.help.option.scenarios": (
        "named scenarios, e.g. configs/scenarios/praktik_2024_vs_rekomendasi.toml"
    ),
    "cli.help.option.resume": (
        "continue a grid that was interrupted: scenarios it finished are not planned again"
    ),
    "cli.help.option.host": "address to listen on (default 127.0.0.1)",
    "cli.help.option.port": "port (default 8050; 0 = any free port)",
    "cli.help.option.data_dir": "where plans, uploads and jobs are kept (default {folder})",
    "cli.help.option.token": (
        "access token (default: none on 127.0.0.1, generated and printed on any other host)"
    ),
    "cli.help.option.allow_host": (
        "a host name the page may be reached by besides its address (repeatable)"
    ),
    "cli.help.option.workers": "plans computed at once (default: one per core)",
    "cli.help.option.plan": "output folder of plan or replan",
    "cli.help.option.logbook": "the mentoring logbook (CSV or XLSX), one row per session held",
    "cli.help.option.as_of": (
        "last day the logbook covers, YYYY-MM-DD (default: today, within the programme)"
    ),
    "cli.help.option.outcomes": "success indicators per participant (baseline and end)",
    "cli.help.option.participants_now": (
        "participants file as it is now (default: the one the plan was made from)"
    ),
    "cli.help.option.mentors_now": "mentors file as it is now (default: the plan's)",
    "cli.help.bad_date": "{value} is not a date; expected YYYY-MM-DD, e.g. 2027-08-15",
}

# Placeholders of option values in the usage lines (``--out FOLDER``).
METAVARS = {
    "cli.help.metavar.command": "COMMAND",
    "cli.help.metavar.file": "FILE",
    "cli.help.metavar.folder": "FOLDER",
    "cli.help.metavar.number": "N",
    "cli.help.metavar.date": "DATE",
    "cli.help.metavar.address": "ADDRESS",
    "cli.help.metavar.name": "NAME",
    "cli.help.metavar.text": "TEXT",
    "cli.help.metavar.setting": "SECTION.KEY=VALUE",
    "cli.help.metavar.grid": "KEY=V1,V2,...",
}

# argparse's own words. ``cli.argparse.*`` codes named after an argparse template match its
# English text (tkm_assign.cli keeps the templates); placeholders are argparse's names.
ARGPARSE = {
    "cli.argparse.usage": "usage:",
    "cli.argparse.options": "options",
    "cli.argparse.commands": "commands",
    "cli.argparse.error": "{prog}: error: {message}",
    "cli.argparse.argument": "argument {argument_name}: {message}",
    "cli.argparse.required": "the following arguments are required: {names}",
    "cli.argparse.invalid_choice": "invalid choice: {value} (choose from {choices})",
    "cli.argparse.invalid_value": "{value} is not {type}",
    "cli.argparse.type.int": "a whole number",
    "cli.argparse.type.float": "a number",
    "cli.argparse.type.other": "a valid value",
    "cli.argparse.expected_one": "expected one value",
    "cli.argparse.expected_at_most_one": "expected at most one value",
    "cli.argparse.expected_at_least_one": "expected at least one value",
    "cli.argparse.expected_n": "expected {count} values",
    "cli.argparse.unrecognized": "unrecognized arguments: {names}",
    "cli.argparse.ambiguous": "ambiguous option: {option} could match {matches}",
    "cli.argparse.not_allowed_with": "not allowed with argument {name}",
    "cli.argparse.one_required": "one of the arguments {names} is required",
    "cli.argparse.ignored_explicit": "ignored explicit argument {value}",
    "cli.argparse.cannot_open": "cannot open {filename}: {error}",
}

HELP: Mapping[str, str] = {**COMMANDS, **OPTIONS, **METAVARS, **ARGPARSE}
