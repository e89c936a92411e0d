"""The catalogue: every message code with its English text (the gettext msgid).

Translations live in ``locale/<lang>/LC_MESSAGES/tkm_assign.po`` (the code is each entry's
``msgctxt``). To add a message: add ``code: "English text with {placeholders}"`` in the
section it belongs to, run ``python -m tkm_assign.messages`` (``make messages``) to merge it
into the catalogues, and write its Indonesian ``msgstr`` in ``locale/id``. Codes are
``section.name``: the section says where the text is used.

- ``joined``: several messages as one (:func:`tkm_assign.messages.joined`);
- ``step.*``: steps of a command, for progress bars (``progress(step, done, total)``);
- ``warning.*``: legal but suspicious input or plan (``result.warnings``);
- ``reason.*``: why someone has no mentor or falls short (results' reasons);
- ``finding.*``: what an audit found, by rule (:mod:`tkm_assign.audit.checks`);
- ``label.*``: titles, sheet names and texts of the report, workbook, calendars and
  printable schedules (:class:`tkm_assign.report.i18n.Labels`);
- ``column.*``: table headers by column name (the audit maps them back to columns);
- ``value.*``: codes shown as words (modes, statuses, sectors, flags, yes/no);
- ``weekday.*``, ``month_name.*``: dates in words;
- ``rule.*``: the rules an audit checks (:mod:`tkm_assign.audit.checks`);
- ``chart.*``, ``scenario_column.*``: capacity and scenario charts and workbook.
- ``web.*``: the coordinators' page (``tkm_assign/web``);
- ``cli.*``: the command line's summaries and errors (:mod:`tkm_assign.messages.cli`);
- ``cli.help.*``, ``cli.argparse.*``: its ``--help`` and argument errors
  (:mod:`tkm_assign.messages.help`);
- ``log.*``: the progress lines a command prints while it runs (:mod:`tkm_assign.messages.log`);
- ``problem.*``, ``input.*``, ``config.*``, ``output.*``: the errors people meet
  (:mod:`tkm_assign.messages.errors`);
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from tkm_assign.messages.cli import CLI
from tkm_assign.messages.errors import ERRORS
from tkm_assign.messages.help import HELP
from tkm_assign.messages.log import LOG
from tkm_assign.messages.running import RUNNING


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
    "warning.mentor_name_mismatch": (
        "{source} row {row} column mentor_name: the name is not the name of mentor {mentor_id} "
        "in {mentors}; the audit follows the id (check that the id is the mentor meant)"
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
    "warning.kind.mentor_name_mismatch": "mentor names that do not match their id",
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
    "warning.as_of_after_programme": (
        "the as-of date {given} is after the programme's last day {last}: the logbook is "
        "read up to {last}"
    ),
    "warning.round_trip_beyond_working_day": (
        "a {round_trip_min}-min round trip (2 x travel.max_travel_min) plus a {visit_min}-min "
        "visit does not fit the {day_min}-min working day ({start}-{end})"
    ),
}

# Why a participant has no mentor, a pin cannot be honoured, or a month falls short: the
# facts a plan returns (``Assignment.reasons``, ``Shortfall.reason``, capacity's
# ``unresolved``), worded at the edge.
REASONS: dict[str, str | Plural] = {
    "reason.places.no_mentor": Plural(
        "{province}: no mentor for {count} participant",
        "{province}: no mentor for {count} participants",
    ),
    "reason.places.one_mentor": Plural(
        "{province}: 1 mentor with {places} places for {count} participant",
        "{province}: 1 mentor with {places} places for {count} participants",
    ),
    "reason.places.same_limit": Plural(
        "{province}: {mentors} mentors x {limit} = {places} places for {count} participant",
        "{province}: {mentors} mentors x {limit} = {places} places for {count} participants",
    ),
    "reason.places.mixed_limits": Plural(
        "{province}: {mentors} mentors with {places} places for {count} participant",
        "{province}: {mentors} mentors with {places} places for {count} participants",
    ),
    "reason.pin.not_a_mentor": "pinned mentor {mentor_id} is not in the mentor list",
    "reason.pin.excluded": "pinned mentor {mentor_id} is also listed as excluded",
    "reason.pin.full": (
        "pinned mentor {mentor_id} is full: more participants are pinned to {mentor_id} than "
        "the caseload limit of {limit}"
    ),
    "reason.pin.hours_used": (
        "pinned mentor {mentor_id}'s monthly hours are used up by earlier pins "
        "({capacity_min:hours} h available, this participant needs {load_min:hours} h)"
    ),
    "reason.pin.days_used": (
        "pinned mentor {mentor_id}'s working days are used up by earlier pins ({days:num1} "
        "working days a month; a visit too far to share its day takes a whole day)"
    ),
    "reason.pin.other_island": (
        "pinned mentor {mentor_id} lives on another island ({island}) and ferry trips are "
        "not allowed"
    ),
    "reason.pin.other_province": (
        "pinned mentor {mentor_id} is in another province ({province}) and mentors stay in "
        "their own province"
    ),
    "reason.pin.sector": (
        "pinned mentor {mentor_id} lacks the sector {sector} and the sector must match"
    ),
    "reason.pin.too_far": (
        "pinned mentor {mentor_id} is not reachable within the travel time limit ({limit} min "
        "one way)"
    ),
    "reason.pin.cannot_travel": (
        "pinned mentor {mentor_id} cannot travel there (ferry trips are not allowed)"
    ),
    "reason.no_eligible_mentor": "no eligible mentor",
    "reason.no_mentor_in_province": "no mentor in {province}",
    "reason.no_mentor_on_island": (
        "no mentor on {island} (onsite visits across the sea are not allowed)"
    ),
    "reason.no_ferry": (
        "no mentor can reach {island}: no ferry route in geo/ferries.csv joins it to a "
        "mentor's island"
    ),
    "reason.no_sector_in_province": (
        "no mentor in {province} covers {sector} (the sector must match)"
    ),
    "reason.no_sector_in_reach": (
        "no mentor that can reach them covers {sector} (the sector must match)"
    ),
    "reason.too_far_in_province": (
        "nearest mentor in {province} is {travel_min} min away (travel time limit {limit} min)"
    ),
    "reason.too_far": ("nearest mentor is {travel_min} min away (travel time limit {limit} min)"),
    "reason.all_excluded": "every eligible mentor is excluded for this participant",
    "reason.mentor_hours_available": "{mentor_id}: {capacity_min:hours} h available",
    "reason.mentor_working_days": "{mentor_id}: {days:num1} working days",
    "reason.and_more": " and {count} more",
    "reason.full.days": (
        "eligible mentors' working days are used up by day trips, a visit too far to share "
        "its day taking a whole day ({mentors}{more})"
    ),
    "reason.full.caseload": "every eligible mentor is full ({places})",
    "reason.full.hours": "eligible mentors' monthly hours are used up ({mentors}{more})",
    "reason.full.caseload_and_hours": (
        "every eligible mentor is full: {by_caseload} by caseload ({places}), {by_hours} by "
        "monthly hours ({mentors}{more})"
    ),
    "reason.time_limit": (
        "not placed before the solver's time limit; a longer computing time may place it"
    ),
    "reason.unassigned_costs_less": (
        "leaving this participant unassigned costs less than any eligible mentor under "
        "assign.weights"
    ),
    "reason.not_in_given_assignment": "no mentor in the given assignment",
    "reason.no_mentor_assigned": "no mentor assigned",
    "reason.no_mentor_assigned_because": "no mentor assigned: {reason}",
    "reason.no_working_day_left": (
        "no working day left in month {month} after holidays and unavailable dates"
    ),
    "reason.no_land_route": (
        "no onsite visit possible: no land route from the mentor's home (another island)"
    ),
    "reason.day_trip_too_long": (
        "too far for a day trip: {travel_min} min one way, daily limit {limit_min} min round trip"
    ),
    "reason.day_trip_beyond_day": (
        "too far for a day trip: {travel_min} min one way and back plus the {visit_min}-min "
        "visit exceed the {day_min}-min working day"
    ),
    "reason.online_not_possible": "{reason}; online sessions not possible",
    "reason.spacing_fit": (
        "only {fit} session(s) fit in month {month} at least {gap} days apart on the mentor's "
        "{days} working days"
    ),
    "reason.spacing_fit_after": (
        "only {fit} session(s) fit in month {month} at least {gap} days apart on the mentor's "
        "{days} working days after the session on {last}"
    ),
    "reason.month_hours": (
        "mentor {mentor_id} needs {need_min:hours} h in month {month}, has {capacity_min:hours} h"
    ),
    "reason.month_day_trips": (
        "mentor {mentor_id} needs {trips} day trips in month {month}, has {days} working days"
    ),
    "reason.no_spaced_day": (
        "no working day in month {month} is {gap} or more days away from the participant's "
        "other sessions"
    ),
    "reason.working_days_full": "mentor {mentor_id}'s working days in month {month} are full",
    "reason.capacity_month_short": ("month {month}: {planned} of {required} sessions ({reason})"),
    "reason.capacity_hours_beyond_new_mentor": (
        "needs {load_h:.1f} h a month even from the nearest town, more than a mentor's "
        "{capacity_h:.0f} h"
    ),
    "reason.not_listed_in_plan": "not listed in the plan",
    "reason.no_mentor_given": "no mentor given",
    "reason.plan_sessions": "the plan has {planned} of {target} sessions",
    "reason.plan_onsite": "{onsite} of {need} onsite",
}

# What an audit finding says, by rule (the details of each row of violations.csv).
FINDINGS: dict[str, str | Plural] = {
    "finding.caseload": "{count} participants, cap {cap}",
    "finding.monthly_hours": "needs an estimated {need_h:.1f} h a month, has {have_h:.1f} h",
    "finding.riding_days": (
        "needs an estimated {need_days:.1f} working days a month for visits and sessions, has "
        "{have_days:.0f}"
    ),
    "finding.province": "participant in province {participant_province}, mentor in province "
    "{mentor_province}",
    "finding.sector": "sector {sector}; mentor knows {expertise}",
    "finding.pinned": "pinned to {pinned}, plan gives {given}",
    "finding.pinned_none": "pinned to {pinned}, plan gives no mentor",
    "finding.excluded": "{mentor_id} is excluded for this participant",
    "finding.unreachable": (
        "participant and mentor are on different islands; onsite visits are impossible while "
        "ferry trips are not allowed"
    ),
    "finding.max_travel": "{travel_min} min one way, limit {limit} min",
    "finding.wrong_mentor": "session with {mentor_id}; assigned mentor is {assigned}",
    "finding.wrong_mentor_none": "session with {mentor_id}; assigned mentor is none",
    "finding.outside_programme": "programme runs {first} to {last} ({months} months)",
    "finding.sessions_per_month": Plural(
        "{count} session in month {month}; allowed {low} to {high}",
        "{count} sessions in month {month}; allowed {low} to {high}",
    ),
    "finding.session_target": Plural(
        "{count} session in month {month}; target {target}",
        "{count} sessions in month {month}; target {target}",
    ),
    "finding.onsite_month": "{onsite} onsite in month {month}; at least {need}",
    "finding.onsite_programme": Plural(
        "{count} onsite visit in the programme; at least {need}",
        "{count} onsite visits in the programme; at least {need}",
    ),
    "finding.online_no_internet": "online session but no internet; visit onsite",
    "finding.online_literacy": "online session but tech literacy {literacy}; visit onsite",
    "finding.holiday": "{date} is a holiday: {holiday}",
    "finding.non_working_day": "{weekday} is not one of {mentor_id}'s working days",
    "finding.unavailable": "{mentor_id} is unavailable {first} to {last}",
    "finding.session_hours": "session {start}–{end} outside {window_start}–{window_end}",
    "finding.route_hours": (
        "leaves home {depart}, back {back}; working day {window_start}–{window_end}"
    ),
    "finding.session_length": "{duration_min} min; sessions last {low} to {high} min",
    "finding.overlap": "{start}–{end} overlaps the session with {other} ({other_start}–{other_end})",
    "finding.travel_gap": "{gap_min} min between {before} and {after}; needs {leg_min} min ride",
    "finding.travel_gap_no_way": "{gap_min} min between {before} and {after}; needs no overland way",
    "finding.spacing": "{days} days after the session of {before}; at least {need}",
    "finding.daily_travel": Plural(
        "{travel_min} min of riding for {count} visit; limit {limit} min",
        "{travel_min} min of riding for {count} visits; limit {limit} min",
    ),
    "finding.month_hours": (
        "{total_h:.1f} h planned in month {month} ({travel_h:.1f} h riding); has {have_h:.1f} h"
    ),
}


# Labels of the report, workbook, calendars and printable schedules.
LABELS = {
    "label.report_title": "TKM Lanjutan mentoring plan",
    "label.audit_title": "Mentoring plan audit",
    "label.sheet_summary": "Summary",
    "label.sheet_assignments": "Assignments",
    "label.sheet_schedule": "Schedule",
    "label.sheet_routes": "Routes",
    "label.sheet_workload": "Workload",
    "label.sheet_mentors": "Mentors",
    "label.sheet_unassigned": "Unassigned & shortfalls",
    "label.sheet_provinces": "Provinces",
    "label.sheet_violations": "Violations",
    "label.sheet_comparison": "Comparison",
    "label.sheet_scenarios": "Scenarios",
    "label.item": "Measure",
    "label.value": "Value",
    "label.period": "Programme period",
    "label.generated": "Generated",
    "label.participants_total": "Participants",
    "label.participants_served": "Participants served",
    "label.participants_unassigned": "Participants without a mentor",
    "label.mentors_total": "Mentors",
    "label.mentors_active": "Mentors with participants",
    "label.served_share": "Share of participants served",
    "label.sessions_total": "Sessions scheduled",
    "label.onsite_share": "Onsite share of sessions",
    "label.target_share": "Participants meeting their session target every month",
    "label.onsite_min_share": "Participants meeting the onsite minimums",
    "label.sector_match": "Sector match",
    "label.mean_travel_min": "Mean one-way travel (minutes)",
    "label.travel_hours_total": "Total travel hours",
    "label.travel_km_total": "Total travel distance (km)",
    "label.travel_per_visit": "Travel per onsite visit (minutes)",
    "label.caseload_range": "Caseload (min–mean–max)",
    "label.utilisation_mean": "Mean mentor utilisation",
    "label.utilisation_cv": "Coefficient of variation of utilisation (spread)",
    "label.overloaded": "Overloaded mentors",
    "label.idle": "Idle or barely used mentors",
    "label.shortfalls_count": "Shortfalls of participants with a mentor (participant × month)",
    "label.solver_status": "Quality of the assignment",
    "label.solver_engine": "How the assignment was computed",
    "label.solver_gap": "Gap to the bound",
    "label.solve_seconds": "Computing time",
    "label.seed": "Random seed",
    "label.changes_from_current": "Participants moved to another mentor",
    "label.participants_file": "Participants file",
    "label.mentors_file": "Mentors file",
    "label.language": "Language",
    "label.key_figures": "Key figures",
    "label.of": "of",
    "label.sessions_distribution": "Sessions per participant in the first 3 months",
    "label.sessions_distribution_note": "All participants are counted; participants without a mentor count as 0 sessions. Baseline: the programme's 2024 evaluation.",
    "label.baseline_2024": "2024 achieved",
    "label.this_plan": "This plan",
    "label.bin_low": "0–2 sessions",
    "label.bin_mid": "3–4 sessions",
    "label.bin_high": "> 4 sessions",
    "label.share_of_participants": "Share of participants",
    "label.workload_balance": "Workload balance",
    "label.workload_per_mentor": "Utilisation per mentor",
    "label.workload_per_province": "Workload per province",
    "label.province_chart_title": "Mentor utilisation per province: mean (dot), lowest–highest (bar); (served/participants)",
    "label.show_all": "Show all",
    "label.caseload_per_mentor": "Caseload per mentor",
    "label.mentors_sorted": "Mentors (sorted)",
    "label.utilisation_pct": "Utilisation (%)",
    "label.utilisation_note": "Utilisation = session hours + travel hours over available working hours (busiest month).",
    "label.estimated_note": "No schedule yet: load is estimated from session targets and travel times.",
    "label.spread": "Spread",
    "label.spread_measure": "Spread measure",
    "label.measure_mean": "Mean",
    "label.measure_std": "Standard deviation",
    "label.measure_cv": "Coefficient of variation",
    "label.measure_min": "Minimum",
    "label.measure_max": "Maximum",
    "label.measure_max_over_mean": "Maximum / mean",
    "label.measure_gini": "Gini index",
    "label.caseload": "Caseload",
    "label.hours": "Hours per month",
    "label.travel": "Travel",
    "label.travel_distribution": "One-way travel time, mentor home to participant",
    "label.minutes": "Minutes",
    "label.participants_count": "Number of participants",
    "label.map": "Map",
    "label.map_note": "Coloured dots: participants by mentor; stars: mentor homes; red crosses: participants without a mentor. Per-province maps are in the maps/ folder.",
    "label.map_mentor": "Mentor home",
    "label.map_participant": "Participant (colour = mentor)",
    "label.map_line": "Assignment line",
    "label.unassigned_section": "Participants without a mentor",
    "label.shortfalls_section": "Schedule shortfalls of participants with a mentor (participant × month)",
    "label.reasons": "Reasons",
    "label.count": "Count",
    "label.none": "None.",
    "label.table_truncated": "Showing {shown} of {total} rows; the full list is in plan.xlsx.",
    "label.inputs_config": "Inputs and configuration",
    "label.config_key": "Key",
    "label.full_config": "Full configuration",
    "label.provinces_table": "Per-province summary",
    "label.places": "Places (caseload capacity)",
    "label.footer": "Made with tkm_assign {version}. Boundaries: cahyadsn/wilayah_boundaries (MIT).",
    "label.mentor_schedule": "Mentoring schedule",
    "label.my_participants": "My participants",
    "label.no_sessions": "No sessions scheduled yet.",
    "label.depart": "Leave",
    "label.return": "Back",
    "label.visits": "visits",
    "label.travel_short": "travel",
    "label.week": "Week",
    "label.month": "Month",
    "label.open_map": "Open map",
    "label.whatsapp": "WhatsApp",
    "label.call": "Call",
    "label.online_only_no": "Onsite only",
    "label.sessions_per_month_target": "Sessions/month target",
    "label.print_hint": "Save as PDF or print from the browser menu; share it on WhatsApp.",
    "label.times_in": "All times are in {zone}.",
    "label.open_route": "Route on the map",
    "label.route_map": "Day routes",
    "label.style_other": "other",
    "label.style_participants": "participants by status; red crosses have no mentor",
    "label.style_mentors": "mentor homes, labelled with the mentor id",
    "label.style_assignment_lines": "from the mentor's home to the participant",
    "label.style_routes": "each day's route, home - visits - home; time: leaving to return",
    "label.style_sessions": "sessions by mode; time: start to end",
    "label.route_map_note": (
        "Red square: the mentor's home; dots: participants; lines: each visiting day's route "
        "(straight lines, coloured by month)."
    ),
    "label.home_on_map": "Home on the map",
    "label.online_location": "Online (WhatsApp/Zoom) with the participant in {place}",
    "label.online_location_phone": "Online (WhatsApp/phone {phone}) with the participant in {place}",
    "label.calendar_name": "TKM Lanjutan – {mentor}",
    "label.session_summary": "{mode}: {participant}",
    "label.reminder": "Mentoring session reminder",
    "label.coordinates": "Coordinates",
    "label.session_of": "Session {n} of {total} this month",
    "label.need_level": "Need level",
    "label.violations_section": "Rule violations",
    "label.notes_section": "Notes",
    "label.clean_plan": "The plan meets every rule checked.",
    "label.rule": "Rule",
    "label.severity": "Severity",
    "label.details": "Details",
    "label.violations_count": "Violations",
    "label.notes_count": "Notes",
    "label.comparison_section": "What the optimizer would improve",
    "label.hand_plan": "Audited plan",
    "label.optimised_plan": "Optimised plan",
    "label.change": "Change",
    "label.audit_summary_clean": "Clean plan (no violations)",
    "label.cmp_participants_served": "Participants served",
    "label.cmp_sector_matches": "Participants with a sector match",
    "label.cmp_sector_match_rate": "Sector match rate",
    "label.cmp_mean_travel_min": "Mean one-way travel (minutes)",
    "label.cmp_estimated_travel_hours_per_month": "Estimated travel hours per month",
    "label.cmp_scheduled_travel_hours": "Scheduled travel hours",
    "label.cmp_violations": "Rule violations",
    "label.cmp_target_share": "Share meeting the session target",
    "label.cmp_utilisation_cv": "Coefficient of variation of utilisation",
    "label.cmp_utilisation_max": "Highest utilisation",
    "label.cmp_caseload_cv": "Coefficient of variation of caseload",
    "label.cmp_overloaded_mentors": "Overloaded mentors",
    "label.cmp_idle_mentors": "Idle mentors",
    "label.balance_per_mentor": "Balance per mentor",
    "label.flag": "Flag",
    "label.sheet_remedies": "What would serve them",
    "label.workload_review": "Workload review per mentor",
    "label.workload_review_note": "One row per mentor, over the whole programme: session hours (without travel), total hours (with travel), distance ridden and travel allowance (km × {rate} per km{mark}). Utilisation: {basis}. Flagged mentors come first.",
    "label.basis_busiest_month": "scheduled hours of the busiest month over the working hours available that month",
    "label.basis_estimated": "estimated hours per month (no schedule yet) over the monthly capacity",
    "label.cv_explained": "Coefficient of variation = standard deviation over the mean: below {limit} the load is fairly even; above it some mentors carry much more than others.",
    "label.gini_explained": "Gini index: 0 means every mentor carries the same load, 1 that one mentor carries all of it; above {limit} the spread deserves a look.",
    "label.travel_burden_note": "Travel burden: {count} mentor(s) spend more than {share} of their working hours on the road{mark}. Consider moving their farthest participants to a closer mentor, or replacing some visits with online sessions.",
    "label.travel_cost_total": "Estimated travel allowance",
    "label.setting_footnote": "Settings that change this: {settings}.",
    "label.idr": "Rp {amount}",
    "label.unserved_causes": "Why they have no mentor",
    "label.cause_count": "{count} participant(s): {cause}",
    "label.cause_no_mentor_in_province": "no mentor lives in their province",
    "label.cause_across_sea": "every mentor who may serve them lives on another island, across the sea",
    "label.cause_too_far": "the nearest mentor is more than {limit} away, one way{mark}",
    "label.cause_mentors_full": "every mentor within reach is full{mark}",
    "label.cause_other": "a pinned or excluded mentor in the participants file prevents it",
    "label.remedies": "What would serve them, per province",
    "label.remedy_add_mentor": "add {mentors} mentor(s) in {town} ({island}): reaches {count} participant(s) within the travel limit",
    "label.remedy_allow_ferry": "allow visits by ferry to {island}{mark}: brings {count} participant(s) within reach",
    "label.remedy_raise_travel_limit": "raise the one-way travel limit by {minutes} min{mark} for these {count} participant(s): {ids}",
    "label.remedy_free_places": "{mentor} ({island}) has {places} free place(s) but cannot reach these {count} participant(s): move that mentor, or some of their participants",
    "label.near_misses": "Near misses: at most {minutes} min beyond the travel limit",
    "label.hours_minutes": "{hours} h {minutes} min",
    "label.hours_only": "{hours} h",
    "label.status_OPTIMAL": "best under the rules (proven optimal)",
    "label.status_FEASIBLE": "meets every rule; at most {gap} from the best",
    "label.status_INFEASIBLE": "no assignment meets the rules",
    "label.engine_flow": "network optimisation (min-cost flow, OR-Tools)",
    "label.engine_cpsat": "optimisation with working-hour limits (CP-SAT, OR-Tools)",
    "label.engine_given": "the given assignment (made by hand)",
    "label.engine_other": "a simple rule (nearest mentor first)",
    "label.unit_seconds": "{value} s",
    "label.utilisation_mean_busiest": "Mean utilisation, busiest scheduled month",
    "label.utilisation_mean_estimated": "Mean utilisation, estimated (no schedule yet)",
}

# Column headers, by column name of the plan tables (the audit reads them back).
COLUMNS = {
    "column.item": "Measure",
    "column.value": "Value",
    "column.participant_id": "Participant ID",
    "column.participant_name": "Participant name",
    "column.mentor_id": "Mentor ID",
    "column.mentor_name": "Mentor name",
    "column.name": "Name",
    "column.status": "Status",
    "column.reason": "Reason",
    "column.province": "Province",
    "column.province_code": "Province code",
    "column.regency": "Regency/city",
    "column.village": "Village",
    "column.latitude": "Latitude",
    "column.longitude": "Longitude",
    "column.sector": "Sector",
    "column.sectors": "Sector expertise",
    "column.need_level": "Need level",
    "column.sector_match": "Sector match",
    "column.travel_min": "Travel (min)",
    "column.distance_km": "Distance (km)",
    "column.monthly_hours": "Monthly load (h)",
    "column.session_id": "Session ID",
    "column.date": "Date",
    "column.weekday": "Day",
    "column.start": "Start",
    "column.end": "End",
    "column.mode": "Mode",
    "column.month": "Month",
    "column.month_period": "Month dates",
    "column.travel_min_before": "Travel before (min)",
    "column.depart": "Depart",
    "column.return": "Return",
    "column.stops": "Stops",
    "column.stop_names": "Participants visited",
    "column.n_stops": "Visits",
    "column.participants": "Participants",
    "column.sessions": "Sessions",
    "column.onsite": "Onsite",
    "column.online": "Online",
    "column.session_hours": "Session hours",
    "column.travel_hours": "Travel hours",
    "column.total_hours": "Total hours",
    "column.available_hours": "Available hours",
    "column.utilisation": "Utilisation",
    "column.planned": "Sessions planned",
    "column.required": "Sessions required",
    "column.onsite_planned": "Onsite planned",
    "column.onsite_required": "Onsite required",
    "column.kind": "Kind",
    "column.caseload": "Caseload",
    "column.max_caseload": "Max caseload",
    "column.monthly_hours_estimated": "Estimated load (h/month)",
    "column.capacity_hours": "Capacity (h/month)",
    "column.peak_hours": "Busiest-month hours",
    "column.peak_utilisation": "Busiest-month utilisation",
    "column.travel_km": "Travel distance (km)",
    "column.mean_travel_min": "Mean travel (min)",
    "column.flag": "Flag",
    "column.mentors": "Mentors",
    "column.assigned": "Served",
    "column.unassigned": "Unassigned",
    "column.places": "Places",
    "column.served_share": "Share served",
    "column.sector_match_rate": "Sector match",
    "column.utilisation_mean": "Mean utilisation",
    "column.utilisation_min": "Min utilisation",
    "column.utilisation_max": "Max utilisation",
    "column.rule": "Rule",
    "column.severity": "Severity",
    "column.details": "Details",
    "column.measure": "Measure",
    "column.audited": "Audited plan",
    "column.optimised": "Optimised plan",
    "column.change": "Change",
    "column.better": "Better",
    "column.transport": "Transport",
    "column.travel_share": "Share of time on the road",
    "column.travel_cost_idr": "Travel allowance (Rp)",
    "column.travel_heavy": "Travel burden",
    "column.hours_without_travel": "Hours without travel",
    "column.hours_with_travel": "Hours with travel",
    "column.nearest_mentor_id": "Nearest mentor",
    "column.nearest_min": "Minutes to the nearest mentor",
    "column.over_limit_min": "Minutes beyond the limit",
    "column.cause": "Cause",
    "column.action": "Action",
    "column.town": "Town",
    "column.island": "Island",
    "column.new_mentors": "New mentors",
    "column.raise_min": "Raise the limit by (min)",
    "column.free_places": "Free places",
    "column.participant_ids": "Participant ids",
}

# Codes shown as words (modes, statuses, sectors, need levels, flags, yes/no).
VALUES = {
    "value.onsite": "onsite",
    "value.online": "online",
    "value.assigned": "assigned",
    "value.unassigned": "unassigned",
    "value.yes": "yes",
    "value.no": "no",
    "value.low": "low",
    "value.medium": "medium",
    "value.high": "high",
    "value.pertanian_peternakan": "Agriculture & livestock",
    "value.perdagangan_jasa": "Trade in goods & services",
    "value.industri_boga": "Food industry",
    "value.industri_kreatif": "Creative industry",
    "value.perikanan_kelautan": "Fisheries & marine",
    "value.motorcycle": "motorcycle",
    "value.car": "car",
    "value.public": "public transport",
    "value.violation": "violation",
    "value.note": "note",
    "value.overloaded": "overloaded",
    "value.idle": "idle",
    "value.ok": "normal",
    "value.shortfall": "shortfall",
    "value.travel_heavy": "heavy travel",
    "value.no_mentor_in_province": "no mentor in the province",
    "value.across_sea": "across the sea",
    "value.too_far": "nearest mentor too far",
    "value.mentors_full": "mentors within reach full",
    "value.other": "pin or exclusion",
    "value.remedy_add_mentor": "add mentors",
    "value.remedy_allow_ferry": "allow ferry trips",
    "value.remedy_raise_travel_limit": "raise the travel limit",
    "value.remedy_free_places": "mentor with free places",
}

# Weekdays, Monday = 0.
WEEKDAYS = {
    "weekday.0": "Monday",
    "weekday.1": "Tuesday",
    "weekday.2": "Wednesday",
    "weekday.3": "Thursday",
    "weekday.4": "Friday",
    "weekday.5": "Saturday",
    "weekday.6": "Sunday",
}

# Calendar months, January = 1.
MONTH_NAMES = {
    "month_name.1": "January",
    "month_name.2": "February",
    "month_name.3": "March",
    "month_name.4": "April",
    "month_name.5": "May",
    "month_name.6": "June",
    "month_name.7": "July",
    "month_name.8": "August",
    "month_name.9": "September",
    "month_name.10": "October",
    "month_name.11": "November",
    "month_name.12": "December",
}

# Titles of the rules an audit checks, in the order they are reported.
RULES = {
    "rule.caseload": "Caseload above the cap",
    "rule.monthly_hours": "Estimated monthly hours above capacity",
    "rule.riding_days": "Estimated visit days above the working days",
    "rule.province": "Mentor from another province",
    "rule.sector": "Sector outside the mentor's expertise",
    "rule.pinned": "Not the pinned mentor",
    "rule.excluded": "Excluded mentor",
    "rule.unreachable": "Not reachable overland (another island)",
    "rule.max_travel": "Travel above the limit",
    "rule.unassigned": "Participant without a mentor",
    "rule.wrong_mentor": "Session with another mentor",
    "rule.outside_programme": "Session outside the programme",
    "rule.sessions_per_month": "Sessions per month out of range",
    "rule.session_target": "Monthly session target not met",
    "rule.onsite_month": "Monthly onsite minimum",
    "rule.onsite_programme": "Programme onsite minimum",
    "rule.online_not_allowed": "Online session for an onsite-only participant",
    "rule.holiday": "Session on a public holiday",
    "rule.non_working_day": "Session on a mentor's day off",
    "rule.unavailable": "Session while the mentor is unavailable",
    "rule.working_hours": "Outside working hours",
    "rule.session_length": "Session length outside 1–2 hours",
    "rule.overlap": "Overlapping sessions",
    "rule.travel_gap": "Not enough time to ride between visits",
    "rule.spacing": "Sessions too close together",
    "rule.daily_travel": "Daily travel above the limit",
    "rule.month_hours": "Monthly working hours exceeded",
}

# Words of the capacity and scenario charts.
CHARTS = {
    "chart.capacity_title": "Mentors per province: existing and needed",
    "chart.kept": "existing mentors",
    "chart.spare": "spare (could be lent)",
    "chart.add": "to add",
    "chart.bound": "lower bound",
    "chart.mentors": "mentors",
    "chart.scenarios_title": "Scenario comparison",
}

# Column headers of scenarios.xlsx.
SCENARIO_COLUMNS = {
    "scenario_column.scenario": "Scenario",
    "scenario_column.settings": "Settings",
    "scenario_column.participants": "Participants",
    "scenario_column.served": "Participants with a mentor",
    "scenario_column.served_share": "Share with a mentor",
    "scenario_column.sector_match_share": "Share with a mentor of their sector",
    "scenario_column.meeting_2_4_share": "Share with 2–4 sessions every month",
    "scenario_column.sessions_3m_0_2_pct": "% 0–2 sessions in 3 months",
    "scenario_column.sessions_3m_3_4_pct": "% 3–4 sessions in 3 months",
    "scenario_column.sessions_3m_over_4_pct": "% >4 sessions in 3 months",
    "scenario_column.sessions": "Sessions",
    "scenario_column.onsite_visits": "Onsite visits",
    "scenario_column.online_sessions": "Online sessions",
    "scenario_column.shortfall_participant_months": "Participant-months short",
    "scenario_column.mentors": "Mentors",
    "scenario_column.mentors_with_participants": "Mentors with participants",
    "scenario_column.mentor_hours": "Mentor hours",
    "scenario_column.travel_hours": "Travel hours",
    "scenario_column.travel_km": "Travel km",
    "scenario_column.mentor_months": "Mentor-months",
    "scenario_column.mentors_needed": "Mentors needed",
    "scenario_column.mentors_to_add": "Mentors to add",
    "scenario_column.participants_short_with_needed": "Participants still short (with those needed)",
    "scenario_column.cost_idr": "Cost of the plan (IDR)",
    "scenario_column.cost_full_idr": "Cost with everyone served (IDR)",
}

# The coordinators' page (tkm_assign/web): labels, buttons, refusals and errors.
WEB: dict[str, str | Plural] = {
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
    "web.job.problems": Plural(
        "{count} problem in the input files. Correct it in the spreadsheet and upload the files again.",
        "{count} problems in the input files. Correct them in the spreadsheet and upload the files again.",
    ),
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
    "web.error.other": "The request was refused (HTTP {status}). Go back and try again.",
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


# The coordinators' page, during the programme (logbook, progress, re-plan).
WEB_PROGRAMME = {
    "web.kind.progress": "Progress",
    "web.kind.replan": "Re-plan",
    "web.kind.simulate": "Simulated logbook",
    "web.role.logbook": "logbook",
    "web.new.logbook": "Logbook (sessions held)",
    "web.programme.link": "During the programme",
    "web.programme.heading": "During the programme",
    "web.programme.back": "Back to the plan",
    "web.programme.back_to": "During the programme of {title}",
    "web.programme.intro": "Upload the mentoring logbook (one row per session held: date, participant, mentor, onsite or online). See who is on track, behind or at risk, or plan the rest of the programme again: sessions held stay, assignments change only where they must, and every change is explained.",
    "web.programme.files_now": "Participants and mentors as they are now (withdrawals, late joiners, mentors leaving): leave empty to use the files of the plan.",
    "web.programme.as_of": "Logbook up to (as-of date)",
    "web.programme.start_progress": "See progress",
    "web.programme.start_replan": "Re-plan the rest",
    "web.programme.simulate_heading": "No logbook yet? Simulate one",
    "web.programme.simulate_intro": "A realistic logbook of this plan up to the date: visits missed more often far away and in the rainy season, online sessions failing where internet is poor, some participants withdrawing, a few mentors ill or leaving. For training and trying out the page.",
    "web.programme.start_simulate": "Simulate a logbook",
    "web.programme.earlier": "Reports and re-plans of this plan",
    "web.progress.as_of": "Progress on {date}: month {month} of the programme, day {days}.",
    "web.progress.on_track": "On track",
    "web.progress.behind": "Behind",
    "web.progress.at_risk": "At risk",
    "web.progress.withdrawn": "Withdrawn",
    "web.progress.held": "Sessions held",
    "web.progress.planned": "planned",
    "web.progress.missed": "Missed",
    "web.progress.so_far": "So far",
    "web.progress.then_replan": "Re-plan with this logbook",
    "web.progress.then_replan_note": "Catch-up sessions for those behind, hand-overs for mentors who left.",
    "web.progress.at_risk_heading": "Participants at risk",
    "web.progress.held_due": "Held / due",
    "web.progress.onsite_held": "Onsite held",
    "web.progress.why": "Why",
    "web.progress.none_at_risk": "Nobody is at risk.",
    "web.progress.mentors_heading": "Mentors: planned against held",
    "web.progress.held_planned": "Held / planned",
    "web.progress.hours_held": "Hours held",
    "web.progress.messages": "WhatsApp messages for every mentor (zip)",
    "web.simulate.period": "Simulated from {first} to {last} (seed {seed}).",
    "web.simulate.rows": "Sessions in the logbook",
    "web.simulate.missed": "Planned sessions not held",
    "web.simulate.sick": "Mentors on sick leave",
    "web.simulate.left": "Mentors who left",
    "web.simulate.files": "The logbook and the participants and mentors files with these changes are among the downloads; the buttons below use them directly.",
    "web.replan.heading": "Re-planned on {date}: from {start} on",
    "web.replan.previous": "Previous plan: {title}",
    "web.replan.reassigned": "Reassigned",
    "web.replan.forced": "{forced} forced, {chosen} chosen",
    "web.replan.newly_assigned": "Newly assigned",
    "web.replan.kept": "Sessions kept",
    "web.replan.moved": "Sessions moved",
    "web.replan.added": "Sessions added",
    "web.replan.cancelled": "Sessions cancelled",
    "web.replan.missed": "Missed before",
    "web.replan.calendars_note": "Import the new calendars over the old ones: changed visits are updated and cancelled ones removed, nothing is duplicated. Send each mentor the WhatsApp message on their page.",
    "web.replan.changes": "Every change and its reason ({count})",
    "web.replan.change": "Change",
    "web.replan.before": "Before",
    "web.change.reassigned": "reassigned",
    "web.change.added": "added",
    "web.change.moved": "moved",
    "web.change.cancelled": "cancelled",
    "web.mentor.message": "WhatsApp message",
    "web.mentor.message_note": "Copy it into WhatsApp; the same text is in messages/ among the downloads.",
}


MESSAGES: Mapping[str, str | Plural] = {
    **JOINED,
    **STEPS,
    **WARNINGS,
    **REASONS,
    **FINDINGS,
    **LABELS,
    **COLUMNS,
    **VALUES,
    **WEEKDAYS,
    **MONTH_NAMES,
    **RULES,
    **CHARTS,
    **SCENARIO_COLUMNS,
    **RUNNING,
    **CLI,
    **HELP,
    **LOG,
    **ERRORS,
    **WEB,
    **WEB_PROGRAMME,
}
