"""Texts of the errors people meet: input problems, configuration, output folders.

Part of the catalogue (:mod:`tkm_assign.messages.catalogue` merges :data:`ERRORS`); the same
rules apply: English source text, ``section.name`` codes, Indonesian in
``locale/id/LC_MESSAGES/tkm_assign.po``. Each error of :mod:`tkm_assign.errors` carries one
of these as a :class:`~tkm_assign.messages.Message`; ``str(error)`` is its English text,
front ends render it in the reader's language.

- ``problem.*``: the frame of an input problem (file, row, column, the value received);
- ``input.*``: what was expected of a file or a cell (``io/``: reading, validation,
  labels, hand plans, logbook, outcomes);
- ``config.*``: a configuration key that is unknown, wrongly typed or out of range;
- ``output.*``: an output folder that cannot be written.
"""

from __future__ import annotations

from collections.abc import Mapping

PROBLEM = {
    "problem.text": "{text}",
    "problem.at_file": "{file}: {text}",
    "problem.at_row": "{file} row {row}: {text}",
    "problem.at_column": "{file} column {column}: {text}",
    "problem.at_row_column": "{file} row {row} column {column}: {text}",
    "problem.value": "{value!r} {expected}",
    "problem.one": "problem in the input:",
    "problem.many": "{count} problem(s) in the input:",
}

# Reading a file (io/read.py).
READ = {
    "input.not_found": "file not found",
    "input.folder": "is a folder; expected a CSV, XLSX, GeoPackage or GeoJSON file",
    "input.not_regular": "is not a regular file (a device or a pipe?); expected a saved file",
    "input.permission": "cannot be read (permission denied)",
    "input.unreadable": "cannot be read ({why})",
    "input.old_format": "{suffix} files are not read; save the sheet as .xlsx or as CSV UTF-8",
    "input.file_type": (
        "file type {suffix!r} is not supported; expected .csv, .xlsx, .gpkg or .geojson"
    ),
    "input.upload_type": (
        "file type {suffix!r} is not supported for uploads; expected .csv, .xlsx, .gpkg or .geojson"
    ),
    "input.duplicate_column": (
        "means the same column as {other!r} ({column}); keep only one of them"
    ),
    "input.empty_file": "the file is empty; expected a header row and one row per person",
    "input.empty_in_sheet": ("{what}; expected a header row and one row per person{in_sheet}"),
    "input.sheet_empty": "the sheet is empty",
    "input.in_sheet": (
        " (sheet {sheet!r}; the sheet read is the one named {kind} or {fallback}, else the first)"
    ),
    "input.in_sheet_others": (
        " (sheet {sheet!r}; other sheets: {others}; the sheet read is the one named {kind} or "
        "{fallback}, else the first)"
    ),
    "input.not_csv": "cannot be read as CSV ({why})",
    "input.resave_hint": (
        "in Excel use File > Save As > 'CSV UTF-8 (Comma delimited) (*.csv)'; in LibreOffice "
        "tick 'Edit filter settings' and choose 'Unicode (UTF-8)'"
    ),
    "input.utf16": "the file is UTF-16 text; expected UTF-8: {hint}",
    "input.not_utf8": (
        "the file is not UTF-8 text (byte 0x{byte} on line {line}; probably a Windows-1252 "
        "export from Excel): {hint}"
    ),
    "input.not_xlsx": "cannot be read as an XLSX workbook ({why})",
    "input.no_worksheet": "has no worksheet (only chart sheets); expected a sheet with the table",
    "input.title_row": (
        "holds {width} column name(s) but {rows} row(s) below have up to {cells} cells: a "
        "title row above the header?{in_sheet} The first row with content must hold the column "
        "names; delete the rows above them"
    ),
    "input.too_many_cells_separator": (
        "has {cells} cells but the header has {width} columns (a separator inside a value "
        "that is not in quotes?)"
    ),
    "input.too_many_cells": (
        "has {cells} cells but the header has {width} columns (a value beyond the last named "
        "column?)"
    ),
    "input.not_geo": "cannot be read as GeoPackage/GeoJSON ({why})",
    "input.no_features": "the file has no features; expected one point per person",
    "input.geometry_missing": ("is missing; expected one point per row (the person's location)"),
    "input.geometry_not_point": ("is {kind}; expected one point per row (the person's location)"),
    "input.no_data_rows": "has no data rows",
    "input.header_only": "has a header row but no data rows{in_sheet}",
    "input.geometry.line": "a line",
    "input.geometry.ring": "a ring",
    "input.geometry.polygon": "a polygon",
    "input.geometry.points": "several points",
    "input.geometry.lines": "several lines",
    "input.geometry.polygons": "several polygons",
    "input.geometry.collection": "a geometry collection",
    "input.geometry.other": "not a point",
}

# Checking the participants and mentors (io/validate.py) and each cell's label (io/labels.py).
VALIDATE = {
    "input.required_column": "required column is missing; columns found: {found}",
    "input.required_point": (
        "required column is missing (or give a point geometry in a GeoPackage); columns "
        "found: {found}"
    ),
    "input.phone_hidden": "(the number is not shown here) {expected}",
    "input.id_empty": "is empty; every {what} needs a unique {column}",
    "input.what.participant": "participant",
    "input.what.mentor": "mentor",
    "input.id_control": (
        "contains {characters} (control or invisible characters), which an id may not hold; "
        "retype the id"
    ),
    "input.id_long": "is {length} characters long; an id may have at most {limit}",
    "input.id_repeated": "is used more than once; {column} must be unique (first used on row {first})",
    "input.latitude_range": "is out of range; expected -90 to 90",
    "input.longitude_range": "is out of range; expected -180 to 180",
    "input.latitude_range_swapped": (
        "is out of range; expected -90 to 90; latitude and longitude look swapped"
    ),
    "input.longitude_range_swapped": (
        "is out of range; expected -180 to 180; latitude and longitude look swapped"
    ),
    "input.outside_indonesia": (
        "lies outside Indonesia (latitude -11.5 to 6.5, longitude 94.5 to 141.5)"
    ),
    "input.outside_indonesia_swapped": (
        "lies outside Indonesia (latitude -11.5 to 6.5, longitude 94.5 to 141.5); latitude "
        "and longitude look swapped"
    ),
    "input.at_sea": (
        "is not on land in Indonesia: about {km} km from the nearest Indonesian land (points "
        "in the sea within travel.coast_snap_km = {snap_km} km of the coast are moved onto "
        "land)"
    ),
    "input.empty_expected": "is empty; expected {expected}",
    "input.expect.latitude": "the latitude in decimal degrees, e.g. -6.9175",
    "input.expect.longitude": "the longitude in decimal degrees, e.g. 107.6191",
    "input.expect.sector": "a sector, e.g. pertanian_peternakan or 'Industri Boga'",
    "input.expect.sectors": (
        "at least one sector, e.g. 'industri_boga' or 'pertanian_peternakan;perdagangan_jasa'"
    ),
    "input.expect.session_date": "the date of the session",
    "input.expect.session_participant": "the participant_id of the session",
    "input.expect.session_mentor": "the mentor_id of the session",
    "input.expect.session_mode": "a session mode",
    "input.withdrawn_undated": (
        "is empty; a withdrawn participant needs status_date, the first day without sessions "
        "(YYYY-MM-DD)"
    ),
    "input.pinned_excluded": (
        "is also listed in excluded_mentor_ids; a participant cannot be pinned to a mentor "
        "they must not get"
    ),
    "input.whole_range": "is out of range; expected a whole number from {low} to {high} ({what})",
    "input.range.sessions": "sessions.min_per_month..sessions.max_per_month",
    "input.range.months": "months",
    "input.range.participants": "participants",
    "input.hours_range": ("is out of range; expected hours per month above 0 and at most {high}"),
    "input.not_mentor_id": "is not a mentor_id in {source}",
    "input.not_mentor_ids": "are not mentor_ids in {source}",
    "input.not_one_of": "is not {what}; expected one of {choices}",
    "input.what.tech_literacy": "a tech literacy level",
    "input.what.need_level": "a need level",
    "input.what.income_role": "an income role",
    "input.what.transport": "a transport mode",
    "input.what.status": "a participant status",
    "input.not_sector": (
        "is not a sector; expected one of {choices} (or a label such as 'Pertanian dan "
        "Peternakan', 'Industri Boga', 'fisheries')"
    ),
    "input.no_sector": "names no sector; expected at least one sector, e.g. 'industri_boga'",
    "input.contains": "contains {part!r}, which {expected}",
    "input.not_mode": (
        "is not a session mode; expected onsite (luring, tatap muka, kunjungan) or online "
        "(daring, WA/WhatsApp, Zoom, telepon)"
    ),
    "input.not_date": "is not a date; expected YYYY-MM-DD (or DD/MM/YYYY)",
    "input.not_calendar_date": "is not a calendar date; expected YYYY-MM-DD (or DD/MM/YYYY)",
    "input.date_range": "is out of range; expected a date from {low} to {high}",
    "input.not_clock": "is not a time of day; expected HH:MM, e.g. 09:30",
    "input.not_boolean": "is not yes or no; expected yes/no, ya/tidak, true/false or 1/0",
    "input.not_days": (
        "is not a list of working days; expected e.g. Mon-Fri, Mon-Sat, Mon;Wed;Thu or Senin-Jumat"
    ),
    "input.not_date_range": (
        "is not a date range; expected YYYY-MM-DD..YYYY-MM-DD (or one day YYYY-MM-DD), "
        "several separated by ';'"
    ),
    "input.not_iso_date": "is not a calendar date; expected YYYY-MM-DD",
    "input.ends_before_start": "ends before it starts",
    "input.dates_range": "is out of range; expected dates from {low} to {high}",
    "input.not_number": "is not a number",
    "input.not_finite": "is not a finite number",
    "input.not_whole": "is not a whole number",
    "input.phone_expected": (
        "expected an Indonesian phone number such as 0812-3456-7890, +62 812 3456 7890 or "
        "62812...; one number per cell"
    ),
    "input.phone_several": "holds more than one number; {expected}",
    "input.phone_foreign": "is not an Indonesian number (country code is not +62); {expected}",
    "input.phone_scientific": (
        "is a number in scientific notation, which has lost digits; format the column as "
        "text and type the number again; {expected}"
    ),
    "input.phone_not_number": (
        "is not a phone number ({digits} digits and other characters); {expected}"
    ),
    "input.phone_digits": (
        "has {digits} digits after the country code or leading 0, expected {low} to {high}; "
        "{expected}"
    ),
    "input.not_province": (
        "is not a province of Indonesia; expected a Kemendagri code such as 32 or a name such "
        "as Jawa Barat"
    ),
    "input.not_regency": (
        "is not a regency or city of Indonesia; expected a Kemendagri code such as 3273 or a "
        "name such as Kota Bandung or Kabupaten Garut"
    ),
}

# Hand plans, logbooks and outcomes (io/plan.py, io/logbook.py, io/outcomes.py).
PLANS = {
    "input.column_missing": "column is missing",
    "input.is_empty": "is empty",
    "input.not_participant": "is not a participant in {source}",
    "input.not_a_participant": "is not a participant",
    "input.not_a_mentor": "is not a mentor",
    "input.not_held_planned": "is not held or planned",
    "input.wrong_island": "lies on {found}, not on {given} as {side}_island says",
    "input.not_link_kind": "is not ferry or bridge",
    "input.not_number_in": "is not a number {low}..{high}",
    "input.ferry_positive": "must be > 0 for a ferry",
    "input.not_mentor": "is not a mentor in {source}",
    "input.listed_twice": (
        "is listed twice (rows {first} and {row}); give each participant one row"
    ),
    "input.no_mentor_for_session": (
        "is empty and the participant has no mentor in the assignments"
    ),
    "input.not_plan_mode": (
        "is not a session mode; expected onsite (tatap muka) or online (daring)"
    ),
    "input.not_after_start": "is not after the start {start}",
    "input.session_id_control": "contains {characters}, which an id may not hold",
    "input.used_twice": "is used twice (rows {first} and {row})",
    "input.before_start": "is before the programme start {start}",
    "input.after_as_of": (
        "is after the as-of date {as_of}: the logbook holds sessions that took place"
    ),
    "input.duration_range": (
        "is out of range; expected a whole number of minutes from {low} to {high} "
        "(logbook.min_duration_min..logbook.max_duration_min)"
    ),
    "input.repeats_row": (
        "repeats row {first} (same date, participant, mentor, mode and time); remove one of them"
    ),
    "input.not_rupiah": "is not an amount in rupiah; expected e.g. 2500000",
    "input.turnover_range": "is out of range; expected a monthly turnover of 0 rupiah or more",
    "input.workers_range": "is out of range; expected a number of workers from 0 to {high}",
}

CONFIG = {
    "config.at": "{key}: {text}",
    "config.setting": "{name} ({key})",
    "config.in_scenario": "scenario {name!r}: {error}",
    "config.not_clock": "{value} is not a time of day HH:MM",
    "config.unknown_sector": "unknown sector; expected one of {choices}",
    "config.days": "{why}",
    "config.end_before_start": "{end!r} must be later than work.start {start!r}",
    "config.unknown_mode": "unknown transport mode; expected one of {choices}",
    "config.missing_speed": "missing speed for {modes}",
    "config.bad_address": "{value} is not a scheduler address like tcp://10.0.0.5:8786",
    "config.bad_tile_url": (
        "{value} is not a tile address like https://tile.example.org/{{z}}/{{x}}/{{y}}.png"
    ),
    "config.bad_setting": "setting {value}: expected section.key=value, e.g. caseload.max=15",
    "config.unknown_key": "unknown configuration key; known keys here: {known}",
    "config.expected_table": "expected a table of keys, got {value}",
    "config.expected_bool": "expected true or false, got {value}",
    "config.expected_int": "expected a whole number, got {value}",
    "config.expected_float": "expected a number, got {value}",
    "config.expected_text": "expected text, got {value}",
    "config.expected_date": "expected a date YYYY-MM-DD, got {value}",
    "config.unsupported": "unsupported type {hint}",
    "config.file_folder": "is a folder; expected a {what} (TOML)",
    "config.file_missing": "{what} not found",
    "config.file_unreadable": "the {what} cannot be read ({why})",
    "config.file_not_utf8": (
        "the {what} is not UTF-8 text (byte 0x{byte} at position {position}); save it as UTF-8"
    ),
    "config.file_not_toml": "not valid TOML ({why})",
    "config.what.configuration": "configuration file",
    "config.what.scenarios": "scenario file",
    "config.out_of_range": "{value} is out of range; expected {range}",
    "config.not_one_of": "{value} is not one of {choices}",
    "config.range.between": "{low} to {high}",
    "config.range.at_least": "at least {low}",
    "config.range.at_most": "at most {high}",
    "config.not_form_date": "{value!r} is not a date YYYY-MM-DD",
    "config.not_form_whole": "{value!r} is not a whole number",
    "config.form_range": "{value} is outside {low}..{high}",
    "config.as_of_before_programme": "{day} is before the programme, {first} to {last}",
    "config.as_of_before_start": (
        "the as-of date {as_of} is before the programme start {start} (programme.start_date): "
        "nothing has happened yet"
    ),
    "config.grid_form": (
        "grid {spec!r}: expected KEY=V1,V2,... with a configuration key, e.g. caseload.max=15,20,25"
    ),
    "config.grid_empty": "grid {spec!r}: an empty value; expected V1,V2,...",
    "config.grid_unknown_key": "grid {spec}: {key} is not a configuration key; known here: {known}",
    "config.grid_no_keys": "none (a single value)",
    "config.scenario_extra": (
        "{file}: {name!r} is not a scenario; write every scenario as [scenario.NAME]"
    ),
    "config.scenario_none": "{file}: no scenario found; write each as [scenario.NAME]",
    "config.scenario_not_table": "{file}: scenario.{name} must be a table of settings",
    "config.scenario_description": "{file}: scenario.{name}.description must be text",
    "config.scenario_same_name": (
        "two scenarios have the same name; give every scenario its own name"
    ),
    "config.scenario_invalid": (
        "scenario {name!r}: the input does not validate under its configuration: {problems}"
    ),
    "config.scenarios_nothing": (
        "scenarios: choose a scenario file or give a line such as caseload.max=15,20,25"
    ),
    "config.logbook_not_up_to": (
        "the logbook was checked up to {checked}, not up to the as-of date {as_of}"
    ),
}

OUTPUT = {
    "output.at": "{folder}: {text}",
    "output.root": "is the root of the file system; choose an output folder",
    "output.is_input": (
        "the output folder is the input {input}; the inputs are never overwritten: choose an "
        "output folder outside the inputs' folders"
    ),
    "output.holds_input": (
        "the output folder holds the input {input}; the inputs are never overwritten: choose "
        "an output folder outside the inputs' folders"
    ),
    "output.current_folder": (
        "is the current folder (or holds it), which cannot be replaced; choose a new output folder"
    ),
    "output.link": "is a link; give the folder it points to, or a new folder",
    "output.not_folder": "exists and is not a folder; choose another output folder",
    "output.exists": "output folder already exists",
    "output.cannot_create": "cannot create the output folder ({why})",
    "output.foreign": (
        "holds {count} file(s) that tkm_assign did not write{origin}: {listed}{more}; nothing "
        "was deleted: move them away, delete the folder yourself, or choose another output "
        "folder"
    ),
    "output.foreign_more": " and {count} more",
    "output.no_manifest": " (it has no {manifest}: tkm_assign did not write it, or an older version did)",
    "output.read_only": (
        "cannot be replaced: {folder} is read-only or immutable (permission denied); choose "
        "another output folder"
    ),
    "output.parent_not_folder": "cannot create the output folder: {folder} is not a folder",
    "output.parent_read_only": (
        "cannot create the output folder: {folder} is read-only or immutable (permission "
        "denied); choose another output folder"
    ),
    "output.cannot_move": (
        "cannot move the finished output into place ({why}); the previous folder, if any, is "
        "unchanged"
    ),
}

# The rest of the library: a sample's size, settings that change how files are read, travel
# modes, the package's own folders, a Dask cluster (executor.py).
OTHER = {
    "config.sample_size": "a sample needs at least 1 participant and 1 mentor",
    "config.sample_seed": "seed {seed}: expected a whole number 0 or greater",
    "config.reading_changed": (
        "{keys}: these settings change how the input files are read; validate the files "
        "again with the new configuration"
    ),
    "config.no_scenario": "no scenario to plan",
    "config.unknown_transport": (
        "no speed for transport {transport!r}; known transport modes: {known}"
    ),
    "install.folder_missing": (
        "the folder {name!r} that tkm_assign needs is neither inside the installed package "
        "({bundle}/{name}) nor beside it; reinstall tkm_assign from its wheel"
    ),
    "cluster.task_workers_died": (
        "task {key}: every worker that ran it died (it was tried on several in turn); the "
        "workers may lack memory for it"
    ),
    "cluster.unreachable": (
        "cluster.address {address!r}: cannot reach a Dask scheduler there within {seconds} s "
        "({why}); start one with `dask scheduler` and check the address"
    ),
    "cluster.no_worker": (
        "cluster.address {address!r}: the scheduler has no worker after {seconds} s; start "
        "workers with `dask worker {address}`"
    ),
    "cluster.worker_broken": (
        "cluster {address}: a worker cannot run tkm_assign ({why}); install tkm_assign "
        "{version} on every worker"
    ),
    "cluster.worker_version": (
        "cluster {address}: worker {worker} runs tkm_assign {other}, this machine {version}; "
        "install the same version everywhere so that plans agree"
    ),
}

ERRORS: Mapping[str, str] = {
    **PROBLEM,
    **READ,
    **VALIDATE,
    **PLANS,
    **CONFIG,
    **OUTPUT,
    **OTHER,
}
