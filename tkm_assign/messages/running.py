"""Texts of the programme in motion: logbook, progress, re-plan, simulation, indicators.

Part of the catalogue (:mod:`tkm_assign.messages.catalogue` merges :data:`RUNNING`); the
same rules apply: English source text, ``section.name`` codes, Indonesian in
``locale/id/LC_MESSAGES/tkm_assign.po``.

- ``step.*``: progress steps of ``progress``, ``replan`` and ``simulate``;
- ``warning.logbook_*``: legal but suspicious logbook rows;
- ``progress.*``: statuses, reasons, labels and headings of the progress outputs;
- ``replan.*``: the kinds and reasons of every change a re-plan makes (and the warning
  ``warning.replan_pin_dropped``);
- ``whatsapp.*``: the message to each mentor, ready to paste into WhatsApp;
- ``indicator.*``: the programme's success indicators.
"""

from __future__ import annotations

from collections.abc import Mapping

STEPS = {
    "step.logbook": "Checking the logbook",
    "step.progress": "Measuring progress against the plan",
    "step.replan": "Re-planning the rest of the programme",
    "step.simulate": "Simulating the programme",
}

WARNINGS = {
    "warning.logbook_substitute": (
        "{source} row {row} column {column}: {value!r} is not the assigned mentor of "
        "{participant_id} ({assigned}): counted as a substitute's session"
    ),
    "warning.logbook_same_day": (
        "{source} row {row} column {column}: {participant_id} has more than one session on {value}"
    ),
    "warning.logbook_holiday": (
        "{source} row {row} column {column}: {value} is a public holiday ({holiday})"
    ),
    "warning.logbook_weekend": "{source} row {row} column {column}: {value} is a weekend day",
    "warning.logbook_far_visit": (
        "{source} row {row} column {column}: an onsite visit to {participant_id} by "
        "{mentor_id} rides {travel_min} min one way, beyond the travel time limit of "
        "{max_travel_min} min"
    ),
    "warning.logbook_after_withdrawal": (
        "{source} row {row} column {column}: {participant_id} withdrew on {status_date}, "
        "before this session on {value}"
    ),
    "warning.kind.logbook_substitute": "sessions by a substitute mentor",
    "warning.kind.logbook_same_day": "participants with two sessions on one day",
    "warning.kind.logbook_holiday": "sessions on public holidays",
    "warning.kind.logbook_weekend": "sessions on weekends",
    "warning.kind.logbook_far_visit": "onsite visits beyond the travel limit",
    "warning.kind.logbook_after_withdrawal": "sessions after a withdrawal",
}

PROGRESS = {
    "progress.status.on_track": "on track",
    "progress.status.behind": "behind",
    "progress.status.at_risk": "at risk",
    "progress.status.withdrawn": "withdrawn",
    "progress.reason.withdrawn": "withdrew on {date}",
    "progress.reason.not_started": "joins the programme on {date}",
    "progress.reason.no_mentor": "no mentor assigned",
    "progress.reason.behind_sessions": (
        "{held} of the {due} sessions due by the end of month {month} held"
    ),
    "progress.reason.quiet": "no session for {days} days",
    "progress.reason.no_session_yet": "no session yet, {days} days into the programme",
    "progress.reason.no_onsite_this_month": (
        "no onsite visit yet in month {month} and {days} working days left"
    ),
    "progress.reason.cannot_reach_sessions": (
        "cannot reach {needed} more sessions in the time left: {possible} fit on the "
        "mentor's {days} working days left"
    ),
    "progress.reason.cannot_reach_onsite": (
        "cannot reach {needed} onsite visits in the time left at the mentor's current load"
    ),
}

# Column headers of the progress, re-plan and indicator tables (the plan's own columns keep
# their workbook labels).
COLUMNS = {
    "progress.column.0-2": "0-2 sessions",
    "progress.column.3-4": "3-4 sessions",
    "progress.column.>4": "more than 4",
    "progress.column.group": "Group",
    "progress.column.name": "Name",
    "progress.column.sessions_held": "Sessions held",
    "progress.column.sessions_due": "Sessions due by now",
    "progress.column.sessions_programme": "Sessions in the programme",
    "progress.column.onsite_held": "Onsite visits held",
    "progress.column.onsite_programme": "Onsite visits in the programme",
    "progress.column.onsite_held_this_month": "Onsite visits this month",
    "progress.column.onsite_due_this_month": "Onsite visits due this month",
    "progress.column.sessions_missed": "Sessions missed",
    "progress.column.sessions_planned_ahead": "Sessions planned ahead",
    "progress.column.last_session": "Last session",
    "progress.column.days_since_last": "Days since the last session",
    "progress.column.reasons": "Why",
    "progress.column.sessions_planned": "Sessions planned so far",
    "progress.column.missed_rate": "Missed-visit rate",
    "progress.column.hours_planned": "Hours planned so far",
    "progress.column.hours_held": "Hours worked (sessions and travel)",
    "progress.column.travel_hours_held": "Travel hours",
    "progress.column.participants_behind": "Participants behind",
    "progress.column.participants_at_risk": "Participants at risk",
    "progress.column.turnover_growth": "Turnover grew",
    "progress.column.financial_records": "Keeps financial records",
    "progress.column.new_workers": "New workers",
    "progress.column.all_three": "All three",
    "progress.column.turnover_growth_share": "Turnover grew (share)",
    "progress.column.financial_records_share": "Keeps financial records (share)",
    "progress.column.new_workers_share": "New workers (share)",
    "progress.column.all_three_share": "All three (share)",
    "progress.column.sessions": "Sessions held in the programme",
    "progress.column.change": "Change",
    "progress.column.forced": "Forced",
    "progress.column.previous_mentor_id": "Previous mentor",
    "progress.column.previous_date": "Previous date",
    "progress.column.previous_start": "Previous start",
    "progress.column.previous_mode": "Previous mode",
    "progress.column.uid": "Calendar UID",
    "progress.column.sequence": "Calendar revision",
}

LABELS = {
    "progress.label.title": "Mentoring progress",
    "progress.label.as_of": "As of {date}: day {day} of the programme, month {month}",
    "progress.label.generated": "Made on {date}",
    "progress.label.sheet_summary": "Summary",
    "progress.label.sheet_at_risk": "At risk and behind",
    "progress.label.sheet_participants": "Participants",
    "progress.label.sheet_mentors": "Mentors",
    "progress.label.sheet_distribution": "Sessions in 3 months",
    "progress.label.sheet_missed": "Missed sessions",
    "progress.label.measure": "Measure",
    "progress.label.value": "Value",
    "progress.label.participants": "Participants",
    "progress.label.sessions_planned": "Sessions planned up to the as-of date",
    "progress.label.sessions_held": "Sessions held (logbook)",
    "progress.label.sessions_extra": "Sessions held that were not planned",
    "progress.label.sessions_missed": "Planned sessions missed",
    "progress.label.missed_rate": "Missed-visit rate",
    "progress.label.onsite_held": "Onsite visits held",
    "progress.label.hours_cv": "Spread of hours worked across mentors (coefficient of variation)",
    "progress.label.hours_max_over_mean": "Busiest mentor against the mean (hours worked)",
    "progress.label.bin_share": "Participants with {bin} sessions in their first 3 months",
    "progress.label.bin_2024": "2024 evaluation: {bin} sessions",
    "progress.label.at_risk_heading": "Participants at risk or behind",
    "progress.label.mentors_heading": "Mentors: planned against held",
    "progress.label.distribution_heading": (
        "Sessions in the first three months, against the 2024 evaluation"
    ),
    "progress.label.distribution_note": (
        "Sessions held so far in the first three months of each participant's programme "
        "(every participant counts, also those without a mentor or withdrawn). The 2024 "
        "evaluation found 31.07% with 0-2 sessions, 58.90% with 3-4 and 10.03% with more "
        "than 4."
    ),
    "progress.label.this_programme": "This programme",
    "progress.label.evaluation_2024": "2024 evaluation",
    "progress.label.provinces_heading": "By province",
    "progress.label.sectors_heading": "By sector",
    "progress.label.cut": "First {shown} of {total} rows; every row is in progress.xlsx.",
    "progress.label.none_at_risk": "No participant is at risk or behind.",
    "progress.label.missed_heading": "Missed sessions",
    "progress.label.sheet_indicators": "Success indicators",
    "progress.label.sheet_indicator_sessions": "Indicators by sessions",
    "progress.label.indicators_heading": "Success indicators",
    "progress.label.indicators_note": (
        "Of the participants with outcomes at baseline and at the end. 2024 evaluation, of "
        "3,000: turnover grew 1,296, financial records 1,839, new workers 139, all three 179 "
        "(5.97%) against a target of 34%."
    ),
    "progress.label.indicators_by_sessions": (
        "Indicators by sessions received: whether more mentoring goes with more success in "
        "these data (it does not show that one causes the other)"
    ),
    "progress.label.target": "Target",
}

REPLAN = {
    "replan.title": "Mentoring plan, re-planned from {date} (sessions held up to {as_of})",
    "replan.kind.reassigned": "reassigned",
    "replan.kind.added": "added",
    "replan.kind.moved": "moved",
    "replan.kind.cancelled": "cancelled",
    "replan.kind.missed": "missed",
    "replan.reassignment.forced": "forced",
    "replan.reassignment.chosen": "chosen",
    "replan.reason.mentor_gone": "mentor {mentor_id} left the programme on {date}",
    "replan.reason.mentor_leaves": (
        "mentor {mentor_id} leaves on {date}, before the participant's programme ends on {end}"
    ),
    "replan.reason.excluded": "mentor {mentor_id} is now excluded for this participant",
    "replan.reason.pinned": "the participant is now pinned to mentor {mentor_id}",
    "replan.reason.fewer_hours": (
        "mentor {mentor_id} is on leave from {date}: the hours left no longer hold every "
        "participant"
    ),
    "replan.reason.made_room": (
        "moved from {previous} to {mentor_id} to make room at {previous} for participants "
        "without a mentor"
    ),
    "replan.reason.newly_assigned": "now gets mentor {mentor_id} (a new participant or a place freed)",
    "replan.reason.no_mentor_now": "no mentor can take the participant now: {why}",
    "replan.reason.handover": "handed over from {previous} to {mentor_id}",
    "replan.reason.reassigned": "the participant moves to mentor {mentor_id}",
    "replan.reason.no_mentor_left": "the participant has no mentor now",
    "replan.reason.withdrawn": "the participant withdrew on {date}",
    "replan.reason.catch_up": "catch-up for {count} missed session(s)",
    "replan.reason.to_target": (
        "the earlier plan fell short of the participant's session target or onsite minimum: "
        "added now"
    ),
    "replan.reason.rescheduled": (
        "the earlier day or time no longer fits (leave, a holiday, a catch-up or a day route "
        "formed again)"
    ),
    "replan.reason.retimed": "same day, another time: the day's route was formed again",
    "replan.reason.now_onsite": "same day, now an onsite visit",
    "replan.reason.now_online": "same day, now an online session",
    "replan.reason.day_off": "{date} is no longer a working day of the mentor (leave or a holiday)",
    "replan.reason.room_for_catch_up": (
        "moved to make room for catch-up sessions of missed visits ({participants})"
    ),
    "replan.reason.room_for_new": (
        "moved to make room for participants now with this mentor ({participants})"
    ),
    "replan.reason.trips_after_leaving": (
        "the mentor's day trips changed: participants left its calendar ({participants})"
    ),
    "replan.reason.on_leave": "mentor {mentor_id} is on leave on {date}",
    "replan.reason.holiday": "{date} is now a public holiday ({name})",
    "replan.reason.near_held": (
        "a session held on {date} is less than {gap} days away (spacing between sessions)"
    ),
    "replan.reason.month_full": (
        "the {count} sessions held in month {month} already reach the monthly maximum"
    ),
    "replan.reason.no_mentor_because": "{why}; no other mentor can take the participant now",
    "replan.reason.handed_over_because": "{why}; handed over to {mentor_id}",
    "replan.reason.not_needed": "no longer needed: the target is met with the sessions held",
    "replan.reason.missed": "planned for {date}, not in the logbook",
    "warning.replan_pin_dropped": (
        "{participant_id} is pinned to mentor {mentor_id}, who is no longer in the programme "
        "for the participant's remaining months: the pin is not kept"
    ),
}

WHATSAPP = {
    "whatsapp.greeting": "Hello {name}, your mentoring sessions from {first} to {last}:",
    "whatsapp.onsite": "- {day} {time} visit: {participant} ({participant_id}){place}",
    "whatsapp.online": "- {day} {time} online: {participant} ({participant_id})",
    "whatsapp.no_visits": "- no session planned in these days",
    "whatsapp.catch_up": "Please catch up with:",
    "whatsapp.catch_up_item": "- {participant} ({participant_id}), {status}: {reasons}",
    "whatsapp.closing": "Thank you. Your calendar file (.ics) has every session.",
}

# The scenario table's simulated columns (tkm_assign.scenarios.grid.simulated_measures).
SIMULATED_COLUMNS = {
    "scenario_column.simulated_followed_0_2_pct": "Simulated, plan followed: % 0–2 sessions",
    "scenario_column.simulated_followed_3_4_pct": "Simulated, plan followed: % 3–4 sessions",
    "scenario_column.simulated_followed_over_4_pct": "Simulated, plan followed: % >4 sessions",
    "scenario_column.simulated_replanned_0_2_pct": (
        "Simulated, re-planned on days 30 and 60: % 0–2 sessions"
    ),
    "scenario_column.simulated_replanned_3_4_pct": (
        "Simulated, re-planned on days 30 and 60: % 3–4 sessions"
    ),
    "scenario_column.simulated_replanned_over_4_pct": (
        "Simulated, re-planned on days 30 and 60: % >4 sessions"
    ),
}

RUNNING: Mapping[str, str] = {
    **STEPS,
    **WARNINGS,
    **PROGRESS,
    **COLUMNS,
    **LABELS,
    **REPLAN,
    **WHATSAPP,
    **SIMULATED_COLUMNS,
}
