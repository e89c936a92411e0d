"""The catalogue: every message code with its English text (the gettext msgid).

Translations live in ``locale/<lang>/LC_MESSAGES/tkm_assign.po`` (the code is each entry's
``msgctxt``). To add a message: add ``code: "English text with {placeholders}"`` in the
section it belongs to, run ``python -m tkm_assign.messages`` (``make messages``) to merge it
into the catalogues, and write its Indonesian ``msgstr`` in ``locale/id``. Codes are
``section.name``: the section says where the text is used.

- ``joined``: several messages as one (:func:`tkm_assign.messages.joined`);
- ``step.*``: steps of a command, for progress bars (``progress(step, done, total)``);
- ``warning.*``: legal but suspicious input or plan (``result.warnings``);
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

MESSAGES: Mapping[str, str | Plural] = {
    **JOINED,
    **STEPS,
    **WARNINGS,
}
