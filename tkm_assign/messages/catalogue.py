"""The catalogue: every message code with its English text (the gettext msgid).

Translations live in ``locale/<lang>/LC_MESSAGES/tkm_assign.po`` (the code is each entry's
``msgctxt``). To add a message: add ``code: "English text with {placeholders}"`` in the
section it belongs to, run ``python -m tkm_assign.messages`` (``make messages``) to merge it
into the catalogues, and write its Indonesian ``msgstr`` in ``locale/id``. Codes are
``section.name``: the section says where the text is used.

- ``joined``: several messages as one (:func:`tkm_assign.messages.joined`);
- ``step.*``: steps of a command, for progress bars (``progress(step, done, total)``);
- ``warning.*``: legal but suspicious input or plan (``result.warnings``);
- ``web.*``: the coordinators' page (``tkm_assign/web``);
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Plural:
    """A text with a singular and a plural form, chosen by the value named ``count``."""

    singular: str
    plural: str
    count: str = "count"


JOINED = {"joined": "{parts}"}

# Steps of the commands, as reported to progress callbacks.
STEPS = {
    "step.read": "Reading the input files",
    "step.validate": "Checking the input files",
    "step.candidates": "Finding candidate mentors",
    "step.assign": "Assigning mentors",
    "step.schedule": "Scheduling visits",
    "step.tables": "Building the plan's tables",
    "step.audit": "Checking the plan against every rule",
    "step.compare": "Planning with the optimizer for comparison",
    "step.capacity": "Sizing the mentor force",
    "step.capacity_region": "Sizing the regions",
    "step.scenario": "Planning the scenarios",
    "step.write": "Writing the outputs",
}

# Warnings: the run goes on; front ends list them (grouped by code when many).
WARNINGS = {
    "warning.unknown_columns": (
        "{source}: column(s) {columns} are not part of the {kind} format and are ignored"
    ),
    "warning.mentor_references_ignored": (
        "{source}: column {column} is ignored: there is no mentors file to refer to"
    ),
    "warning.point_moved_onto_land": (
        "{source} row {row} column {column}: {value!r} lies in the sea; moved {km:.1f} km onto "
        "the nearest land"
    ),
    "warning.region_name_unknown": (
        "{source} row {row} column {column}: {value!r} is not a known {column} name or code; "
        "the coordinates place it in {place}"
    ),
    "warning.region_name_contradicts": (
        "{source} row {row} column {column}: {value!r} contradicts the coordinates, which lie "
        "in {place}; the coordinates are used"
    ),
    "warning.province_without_mentor": (
        "{source}: {count} participant(s) in {province} but no mentor lives in that province"
    ),
    "warning.mentor_far_from_participants": (
        "{source} row {row} column latitude, longitude: mentor {mentor_id} lives {km:.0f} km "
        "from the nearest participant"
    ),
    "warning.control_characters_removed": (
        "{source} row {row} column {column}: control characters ({characters}) replaced by "
        "spaces (the text is not shown here)"
    ),
    "warning.formula_without_result": (
        "{source} row {row} column {column}: holds a formula without a saved result, read as "
        "empty: open the workbook in Excel or LibreOffice and save it, or type the value"
    ),
    "warning.more_rows": "... and {count} more rows: {kind}",
    "warning.kind.unknown_columns": "unknown columns",
    "warning.kind.mentor_references_ignored": "mentor references without a mentors file",
    "warning.kind.point_moved_onto_land": "points in the sea moved onto land",
    "warning.kind.region_name_unknown": "{column} names not recognised",
    "warning.kind.region_name_contradicts": "{column} contradicts the coordinates",
    "warning.kind.province_without_mentor": "provinces without mentors",
    "warning.kind.mentor_far_from_participants": "mentors far from every participant",
    "warning.kind.control_characters_removed": "control characters removed",
    "warning.kind.formula_without_result": "formulas without a saved result",
    "warning.output_leftovers_removed": (
        "{folder}: removed {count} unfinished output folder(s) left by an interrupted earlier "
        "run: {names}"
    ),
    "warning.previous_output_kept": "{folder}: could not remove the previous output, kept in {kept}",
    "warning.round_trip_beyond_daily_travel": (
        "travel.max_travel_min = {max_travel_min} allows round trips of {round_trip_min} min "
        "but work.max_travel_min_per_day = {max_travel_min_per_day}: the farthest assigned "
        "participants cannot be visited onsite"
    ),
    "warning.round_trip_beyond_working_day": (
        "a {round_trip_min}-min round trip (2 x travel.max_travel_min) plus a {visit_min}-min "
        "visit does not fit the {day_min}-min working day ({start}-{end})"
    ),
}

# The coordinators' page (tkm_assign/web): labels, buttons, refusals and errors.
WEB = {
    "web.title": "TKM Lanjutan mentor planning",
    "web.nav.plans": "Plans",
    "web.nav.new_plan": "New plan",
    "web.nav.help": "Help",
    "web.nav.language": "Bahasa Indonesia",
    "web.home.heading": "Plans",
    "web.home.empty": "No plan yet. Start with a new plan: upload the participant and mentor lists.",
    "web.home.other_jobs": "Other work",
    "web.col.title": "Name",
    "web.col.created": "Created",
    "web.col.status": "Status",
    "web.col.served": "Served",
    "web.status.queued": "waiting",
    "web.status.running": "running",
    "web.status.done": "done",
    "web.status.failed": "failed",
    "web.status.cancelled": "cancelled",
    "web.new.heading": "New plan",
    "web.new.intro": "Upload the participant and mentor lists (CSV, XLSX or GeoPackage), choose a preset and check the few settings below, then start the plan.",
    "web.new.participants": "Participants file",
    "web.new.mentors": "Mentors file",
    "web.new.drop": "Drop a file here or choose one",
    "web.new.limits": "At most {mb} MB and {rows} rows per file.",
    "web.new.title": "Name of the plan (optional)",
    "web.new.preset": "Preset",
    "web.new.preset_default": "Recommended policy (default)",
    "web.new.settings": "Settings",
    "web.new.start": "Start the plan",
    "web.preset.kepulauan": "Archipelagic provinces: onsite visits across the sea by ferry",
    "web.preset.laptop_cepat": "Quick first look on a weak laptop (straight-line travel)",
    "web.preset.praktik_2024": "The programme as it ran in 2024",
    "web.setting.programme.start_date": "Programme start",
    "web.setting.programme.months": "Programme months",
    "web.setting.caseload.max": "Participants per mentor",
    "web.setting.sessions.min_per_month": "Sessions per month, at least",
    "web.setting.sessions.max_per_month": "Sessions per month, at most",
    "web.setting.assign.sector_rule": "Sector rule",
    "web.setting.travel.cross_island": "Onsite visits across the sea",
    "web.choice.soft": "prefer a mentor of the sector",
    "web.choice.hard": "only mentors of the sector",
    "web.choice.forbid": "not allowed",
    "web.choice.ferry": "by ferry on the known routes",
    "web.upload.missing": "Choose the {role} file.",
    "web.upload.empty": "{file} is empty.",
    "web.upload.too_large": "{file} is {size_mb} MB; at most {limit_mb} MB can be uploaded.",
    "web.upload.request_too_large": "The files are too large; at most {limit_mb} MB per file can be uploaded.",
    "web.upload.type": "{file}: files of type {suffix} are not read; upload CSV, XLSX, GeoPackage or GeoJSON.",
    "web.upload.content": "{file} is not a {suffix} file inside.",
    "web.upload.too_many_rows": "{file} has {rows} rows; at most {limit} can be uploaded.",
    "web.settings": "Setting not accepted: {text}",
    "web.role.participants": "participants",
    "web.role.mentors": "mentors",
    "web.job.heading": "Planning",
    "web.job.waiting": "Waiting for a free worker; {running} jobs are running.",
    "web.job.cancel": "Cancel",
    "web.job.delete": "Delete",
    "web.job.files": "Files",
    "web.job.failed": "The plan could not be made.",
    "web.job.cancelled": "The plan was cancelled.",
    "web.job.problems": "{count} problems in the input files. Correct them in the spreadsheet and upload the files again.",
    "web.job.try_again": "New plan with corrected files",
    "web.problem.file": "File",
    "web.problem.row": "Row",
    "web.problem.column": "Column",
    "web.problem.value": "Value",
    "web.problem.expected": "Expected",
    "web.error.web.interrupted": "The server stopped while this job ran; start it again.",
    "web.error.web.stopped": "The server was stopped.",
    "web.error.web.crashed": "The worker stopped unexpectedly (exit code {exit_code}).",
    "web.error.web.internal": "Internal error ({type}): {text}. Please report it with the files you used.",
    "web.error.web.error": "{text}",
    "web.plan.served": "Participants with a mentor",
    "web.plan.unassigned": "Without a mentor",
    "web.plan.mentors": "Mentors",
    "web.plan.sector_match": "Mentor of the same sector",
    "web.plan.travel": "Mean travel, one way",
    "web.plan.minutes": "{value} min",
    "web.plan.onsite_share": "Onsite sessions",
    "web.plan.target": "Meeting their target every month",
    "web.plan.sessions": "Sessions planned",
    "web.plan.first3": "Sessions in the first 3 months, against the 2024 evaluation",
    "web.plan.this_plan": "This plan",
    "web.plan.evaluation": "2024 evaluation",
    "web.plan.reasons": "Why participants have no mentor",
    "web.plan.count": "Participants",
    "web.plan.reason": "Reason",
    "web.plan.map": "Map",
    "web.plan.all_provinces": "All provinces",
    "web.plan.province": "Province",
    "web.plan.legend_mentor": "mentor",
    "web.plan.legend_unserved": "without a mentor",
    "web.plan.workload": "Workload per mentor",
    "web.plan.overloaded": "overloaded",
    "web.plan.idle": "idle",
    "web.plan.overloaded_count": "Overloaded mentors",
    "web.plan.idle_count": "Idle mentors",
    "web.plan.utilisation_mean": "Mean utilisation",
    "web.plan.assignments": "Assignments",
    "web.plan.search": "Search participant or mentor id",
    "web.plan.any_status": "Everyone",
    "web.plan.page": "Page {page} of {pages} ({total} rows)",
    "web.plan.previous": "Previous",
    "web.plan.next": "Next",
    "web.plan.downloads": "Downloads",
    "web.plan.all_calendars": "All calendars (.zip)",
    "web.plan.other_files": "Every file",
    "web.col.participant": "Participant",
    "web.col.mentor": "Mentor",
    "web.col.sector": "Sector",
    "web.col.travel_min": "Travel (min)",
    "web.col.participants": "Participants",
    "web.col.sessions": "Sessions",
    "web.col.hours": "Hours",
    "web.col.travel_hours": "Travel hours",
    "web.col.utilisation": "Utilisation",
    "web.col.date": "Date",
    "web.col.time": "Time",
    "web.col.mode": "Mode",
    "web.col.stops": "Visits",
    "web.mode.onsite": "onsite",
    "web.mode.online": "online",
    "web.mentor.heading": "Mentor {mentor}",
    "web.mentor.calendar": "Calendar (.ics)",
    "web.mentor.printable": "Printable schedule",
    "web.mentor.sessions": "Sessions",
    "web.mentor.routes": "Day routes",
    "web.mentor.back": "Back to the plan",
    "web.error.heading": "Something went wrong",
    "web.error.404": "This page does not exist (any more).",
    "web.error.403": "Not allowed.",
    "web.error.500": "An internal error; the server is still running. Go back and try again.",
    "web.back_home": "Back to the plans",
    "web.offline_map": "Offline map: province and regency outlines.",
    "web.plan.more_reasons": "{count} more reasons",
    "web.plan.spread": "Spread of utilisation (CV)",
    "web.plan.spread_note": "0 is perfectly even; above 0.3 the workload is uneven",
    "web.plan.workload_note": "Share of the mentor's monthly hours the assigned participants need. Above 100% is overloaded, below {idle} is idle.",
    "web.nav.audit": "Check a plan",
    "web.nav.capacity": "Capacity and scenarios",
    "web.form.optional": "optional",
    "web.new.assignments": "Assignments file (edited)",
    "web.new.schedule": "Schedule file",
    "web.role.assignments": "assignments",
    "web.role.schedule": "schedule",
    "web.audit.heading": "Check a plan",
    "web.audit.intro": "Upload the participant and mentor lists with an assignments file edited by hand (e.g. plan.xlsx or assignments.csv changed in Excel), and if you have it the schedule. Every rule is checked and the workload is measured.",
    "web.audit.compare": "Also show what the optimizer would improve (takes longer)",
    "web.audit.start": "Check the plan",
    "web.audit.violations": "Rules broken",
    "web.audit.notes": "Notes",
    "web.audit.clean": "The plan keeps every rule.",
    "web.audit.not_clean": "The plan breaks rules: see the findings below.",
    "web.audit.optimizer": "What the optimizer would improve",
    "web.audit.measure": "Measure",
    "web.audit.audited": "This plan",
    "web.audit.optimised": "Optimizer",
    "web.audit.better": "Better",
    "web.audit.findings": "Findings",
    "web.audit.rule": "Rule",
    "web.audit.severity": "Kind",
    "web.audit.details": "Details",
    "web.result.more_rows": "The first {shown} of {total} rows; the downloads hold every row.",
    "web.capacity.heading": "Capacity and scenarios",
    "web.capacity.sizing": "How many mentors are needed",
    "web.capacity.intro": "Upload the participant list (and the mentors you have): the page says how many mentors each province needs so that everyone gets their sessions, and in which towns new ones should live.",
    "web.capacity.start": "Size the mentor force",
    "web.scenarios.heading": "Compare policies",
    "web.scenarios.intro": "The whole plan under several settings, side by side: a ready-made comparison and/or values of one setting per line.",
    "web.scenarios.file": "Ready-made comparison",
    "web.scenarios.none": "none",
    "web.scenarios.grid": "More values to compare (one setting per line)",
    "web.scenarios.grid_hint": "For example caseload.max=15,20,25: every combination is planned.",
    "web.scenarios.start": "Compare",
    "web.scenario_file.praktik_2024_vs_rekomendasi": "The 2024 practice against the recommended policy",
    "web.scenario_file.sektor_vs_perjalanan": "Sector match against riding time",
    "web.kind.plan": "Plan",
    "web.kind.audit": "Plan check",
    "web.kind.capacity": "Capacity",
    "web.kind.scenarios": "Scenarios",
    "web.col.kind": "Kind",
    "web.job.starting": "Starting",
}


MESSAGES: Mapping[str, str | Plural] = {
    **JOINED,
    **STEPS,
    **WARNINGS,
    **WEB,
}
