"""Texts of the command line: its summaries, errors and notes (``tkm_assign.cli``).

Part of the catalogue (:mod:`tkm_assign.messages.catalogue` merges :data:`CLI`); the same
rules apply: English source text, ``section.name`` codes, Indonesian in
``locale/id/LC_MESSAGES/tkm_assign.po``. Numbers and percentages arrive already written
for the language (``1.234``, ``85,5%``), so placeholders carry no format specs.

- ``cli.*``: the frame of what the command line prints (``error:``, ``warning:``, the
  input problems, an interruption, an internal error);
- ``cli.status.*``: what the solver proved, in words;
- ``cli.<command>.*``: each command's summary lines and its own errors.
"""

from __future__ import annotations

from collections.abc import Mapping

CLI: Mapping[str, str] = {
    "cli.error": "error: {text}",
    "cli.warning": "warning: {text}",
    "cli.output_exists": "error: {text}; choose another --out or add --force",
    "cli.interrupted": "interrupted; nothing was written",
    "cli.internal_error": (
        "internal error: {kind}\nnothing was written. Please report this with the command "
        "you ran; the details follow."
    ),
    "cli.input_problem": "problem in the input:",
    "cli.input_problems": "{count} problems in the input:",
    "cli.more_problems": "... and {count} more:",
    "cli.more_problems_in": "{count} in {file} column {column}",
    "cli.status.OPTIMAL": "optimal plan, proven",
    "cli.status.FEASIBLE": "feasible plan, not proven optimal",
    "cli.status.INFEASIBLE": "no plan meets every rule",
    "cli.validate.valid": (
        "valid: {participants} participants ({participants_source}) and {mentors} mentors "
        "({mentors_source}) in {provinces} provinces"
    ),
    "cli.validate.islands": (
        "note: {participants} participants on {islands} islands where no mentor lives "
        "(travel.cross_island = {cross_island})"
    ),
    "cli.validate.islands_province": (
        "note: {participants} participants on {islands} islands where no mentor of their "
        "province lives (travel.cross_island = {cross_island})"
    ),
    "cli.generate.too_few": "--participants and --mentors must be at least 1",
    "cli.generate.bad_seed": "--seed {seed}: expected a whole number 0 or greater",
    "cli.generate.wrote": (
        "wrote {participants_file} ({participants} participants in {provinces} provinces) "
        "and {mentors_file} ({mentors} mentors), seed {seed}"
    ),
    "cli.assign.summary": (
        "assigned {assigned} of {total} participants ({status}; gap {gap}); sector match "
        "{sector_match}; mean travel {travel} min one way; caseload {low}-{high}"
    ),
    "cli.assign.unassigned": "{count} participants without a mentor: reasons in {file}",
    "cli.schedule.all_met": (
        "planned {sessions} sessions; every participant with a mentor meets their target "
        "every month"
    ),
    "cli.schedule.short": (
        "planned {sessions} sessions; {participants} participants with a mentor are short of "
        "their target in {months} participant-months; reasons in {file}"
    ),
    "cli.plan.wrote": "wrote {count} files to {folder}; open {report} or {workbook}",
    "cli.demo.simulated": (
        "day {day} ({date}): simulated logbook of {rows} sessions, {missed} of {planned} "
        "planned not held, {withdrawn} withdrawn, {sick} mentors on sick leave, {left} left "
        "({folder})"
    ),
    "cli.demo.progress": (
        "  progress: {on_track} on track, {behind} behind, {at_risk} at risk ({file})"
    ),
    "cli.demo.replan": (
        "  re-plan: {reassigned} reassigned, {kept} sessions kept, {moved} moved, {added} "
        "added, {cancelled} cancelled ({file})"
    ),
    "cli.audit.summary": (
        "audit: {verdict}, {notes} notes; overloaded mentors: {overloaded}, idle: {idle}; "
        "details in {folder}"
    ),
    "cli.audit.clean": "clean",
    "cli.audit.violations": "{count} violations",
    "cli.audit.optimizer": "  optimizer: {line}",
    "cli.capacity.summary": (
        "capacity: {participants} participants in {provinces} provinces; {mentors}; add "
        "{to_add} at {towns} towns in {adding} provinces; lower bound {lower_bound}"
    ),
    "cli.capacity.mentors_existing": "mentors now {now}, needed {needed}",
    "cli.capacity.mentors_new": "mentors needed {needed} (all new)",
    "cli.capacity.most": "  most to add: {provinces}",
    "cli.capacity.spare": "  spare mentors: {provinces}",
    "cli.capacity.spare_none": "  spare mentors: none",
    "cli.capacity.checked_short": (
        "  checked by planning with every mentor: {count} participants still short; reasons "
        "in {file}"
    ),
    "cli.capacity.checked_ok": (
        "  checked by planning with every mentor: every participant gets their sessions"
    ),
    "cli.capacity.wrote": (
        "wrote {count} files to {folder}; open {table} or {chart}; new mentors in {mentors}"
    ),
    "cli.scenarios.nothing": (
        "nothing to compare: give --grid KEY=V1,V2,... and/or --scenarios FILE"
    ),
    "cli.scenarios.interrupted": (
        "interrupted; {count} finished scenario(s) are kept: run the same command with "
        "--resume to continue"
    ),
    "cli.scenarios.row": (
        "{scenario}: with a mentor {served}, 2-4 sessions every month {meeting}, onsite "
        "visits {onsite}, mentor hours {mentor_hours}, travel hours {travel_hours}; mentors "
        "needed {needed} (+{to_add})"
    ),
    "cli.scenarios.row_cost": "{row}, cost with everyone served Rp {cost}",
    "cli.scenarios.wrote": "wrote {count} files to {folder}; open {workbook}",
    "cli.running.no_summary": "{file}: not a summary.json written by tkm-assign",
    "cli.running.no_plan_file": "{folder}: no {name}; give the output folder of plan or replan",
    "cli.running.input_missing": (
        "give --{kind}: the {kind} file the plan was made from ({file}) is not found"
    ),
    "cli.running.input_unrecorded": (
        "give --{kind}: the {kind} file the plan was made from is not recorded in its summary.json"
    ),
    "cli.progress.summary": (
        "progress on {date} (month {month}): {on_track} on track, {behind} behind, {at_risk} "
        "at risk, {withdrawn} withdrawn; {held} sessions held, {missed} of {planned} planned "
        "missed ({missed_share}); first 3 months so far: 0-2 {low}, 3-4 {target}, >4 {high}"
    ),
    "cli.progress.wrote": (
        "wrote {count} files to {folder}; open {report} or {at_risk}; WhatsApp messages in "
        "{messages}"
    ),
    "cli.replan.summary": (
        "re-planned from {date}: {with_mentor} of {planned} participants with a mentor; "
        "{reassigned} reassigned ({forced} forced, {chosen} chosen), {new} newly assigned, "
        "{withdrawn} withdrawn; sessions {kept} kept, {moved} moved, {added} added, "
        "{cancelled} cancelled; {missed} missed before"
    ),
    "cli.replan.wrote": (
        "wrote {count} files to {folder}; every change and its reason in {changes}; import "
        "the new calendars over the old ones"
    ),
    "cli.simulate.no_as_of": "give --as-of DATE: the last day to simulate",
    "cli.simulate.summary": (
        "simulated {start} to {end} (seed {seed}): {rows} sessions in the logbook; {missed} "
        "of {planned} planned not held ({missed_share}), {extra} extra; {withdrawn} "
        "withdrawn, {sick} mentors on sick leave, {left} left; first 3 months: 0-2 {low}, "
        "3-4 {target}, >4 {high}"
    ),
    "cli.simulate.wrote": "wrote {count} files to {folder}; try: {command}",
    "cli.serve.bad_port": "--port {port}: expected 0..65535",
    "cli.serve.bad_workers": "--workers {workers}: expected 1 or more",
    "cli.serve.bad_data_dir": (
        "--data-dir {folder}: cannot be used as the folder for plans ({why}); choose another folder"
    ),
    "cli.serve.open": "tkm_assign page: open {url} in a browser (Ctrl+C stops it)",
    "cli.serve.data_dir": "plans are kept in {folder}",
}
