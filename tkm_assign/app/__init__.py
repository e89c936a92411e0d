"""The application layer: one function per command, for every front end.

The command line (:mod:`tkm_assign.cli`), the web page and cluster workers call these
functions and nothing below them. A command takes in-memory inputs and a configuration and
returns a frozen, picklable result; it never prints and never writes a file. Writing is
one separate call, :func:`write_outputs`. People's words come from the message catalogue
(:mod:`tkm_assign.messages`): results hold :class:`Message` facts (a code plus values) and
the front end renders them in the reader's language with :func:`render`.

Reading and validating (the door)
---------------------------------
::

    from tkm_assign import app
    from tkm_assign.config import Config

    config = Config.load("configs/examples/kepulauan.toml", ["caseload.max=15"])
    inputs = app.read_inputs(participants, mentors)    # paths or app.Upload(name, data)
    checked = app.validate(inputs, config)             # raises InputError (every problem)
    problem = checked.problem                          # frozen, trusted from here on

- ``read_inputs(participants, mentors=None) -> Inputs`` reads paths or uploads
  (``Upload(name: str, data: bytes)``, never written to disk; CSV, XLSX, GeoPackage,
  GeoJSON) into text cells and never raises for a bad file; ``validate`` reports the
  problems of both files together: ``InputError.problems`` is a tuple of
  ``InputProblem(file, row, column, value, expected)``.
- ``validate(inputs, config) -> ValidateResult(problem, summary, warnings)``; without a
  mentors file the problem has participants only (for :func:`capacity`).
- ``read_table(path_or_upload, "assignments" | "schedule")`` then
  ``read_hand_plan(problem, assignments, schedule=None) -> HandPlan`` reads a plan made or
  edited by hand (headers may be workbook labels in either language).

Commands
--------
Every command has the keyword-only ``progress: Callable[[str, int, int], None] | None``:
it is called as ``progress(step, done, total)`` where ``step`` is a ``step.*`` code of the
catalogue (``render(Message.of(step), lang)`` words it). Every result has
``warnings: tuple[Message, ...]``: the warnings of that call only (collected with
:mod:`contextvars`, so two calls running at once in one process never mix them). The
optional ``config`` defaults to ``problem.config``; a different one may change anything
except the settings the files were read with (:func:`tkm_assign.io.validate.reading_settings`,
else :class:`~tkm_assign.errors.ConfigError`: validate again).

- ``plan(problem, config=None) -> PlanResult``: assignment and schedule with every table
  (``result.tables``: :class:`~tkm_assign.report.tables.PlanTables`) and the figures every
  output shows (``result.measures``: key figures, mentor balance, provinces).
- ``assign(problem, config=None) -> AssignResult``: the assignment alone.
- ``schedule(problem, assignment, config=None) -> ScheduleResult``: sessions and day routes
  of a given :class:`~tkm_assign.model.Assignment` or :class:`HandPlan`.
- ``audit(problem, hand, config=None, *, compare=False) -> AuditResult``: every rule checked
  (``result.violations``), workload balance, and with ``compare`` what the optimizer would
  improve (``result.comparison``).
- ``capacity(problem, config=None, *, existing=None) -> CapacityResult``: the fewest mentors
  with which every participant gets their sessions, and the towns where new ones live.
- ``scenarios(inputs, configured, *, workers=None) -> ScenariosResult``: every scenario
  (``expand_scenarios(config, named, grid)`` builds ``configured`` from a scenario file's
  :class:`Scenario` list and ``parse_grid("caseload.max=15,20,25")`` pairs) planned and
  sized; the files are validated once per distinct reading setting.

The programme in motion
-----------------------
The plan being followed is a :class:`~tkm_assign.programme.plan.CurrentPlan` (each
participant's mentor and the planned sessions with their calendar ``uid`` and
``sequence``): ``read_current_plan(problem, assignments, schedule)`` reads it back from a
plan folder's ``assignments.csv`` and ``schedule.csv`` (``read_table(..., "assignments")``,
``read_table(..., "schedule")``); ``plan_from_schedule(result.assignment, result.schedule)``
(:mod:`tkm_assign.programme.plan`) takes it from a :class:`PlanResult` in memory. The
problem is validated from the participants and mentors files as they are now: their
optional columns ``status`` / ``status_date`` / ``start_date`` (participants) and
``active_until`` (mentors) and new rows are the changes since the plan.

- ``read_table(path_or_upload, "logbook")`` reads the logbook (CSV/XLSX, Indonesian or
  English headers); ``read_logbook(problem, table, *, as_of, plan=None) -> Logbook``
  validates it (every problem in one ``InputError``); the commands below also take the
  ``Table`` and validate it inside the call, so its warnings land in the result.
- ``programme_as_of(config, today=None) -> date``: the default as-of date (today, clamped
  to the programme); ``checked_as_of(config, day)`` refuses a given date before the
  programme start (``ConfigError``), as ``progress``, ``replan`` and ``simulate`` do.
- ``progress(problem, plan, logbook, config=None, *, as_of=None, outcomes=None,
  progress=None) -> ProgressResult``: ``result.tables`` (:class:`~tkm_assign.programme.
  progress.ProgressTables`) holds ``participants`` (status on_track / behind / at_risk /
  withdrawn with ``reasons``, a tuple of :class:`Message`), ``at_risk``, ``mentors``
  (planned against held sessions and hours, missed-visit rate, utilisation),
  ``distribution`` (first three months in the 2024 bins, by province and sector),
  ``missed``, ``spread``, ``summary`` and ``notes`` (each mentor's WhatsApp message as
  facts); ``result.indicators`` the success indicators when ``outcomes``
  (``read_table(..., "outcomes")``) are given. ``write_outputs`` writes ``progress.xlsx``,
  ``progress.html``, ``at_risk.csv``, ``progress.json`` and ``messages/<mentor_id>.txt``.
- ``replan(problem, plan, logbook, config=None, *, as_of=None, progress=None) ->
  ReplanResult``: the rest of the programme planned again from the day after ``as_of``
  with as few changes as the rules allow (:mod:`tkm_assign.programme.replan`).
  ``result.plan`` is the next :class:`CurrentPlan` to follow (pass it to the next
  ``progress``/``replan``); ``result.changes`` (``changes_table``) one row per
  reassignment and per added, moved, cancelled and missed session with its ``reason``
  (a :class:`Message`); ``result.summary`` the counts (reassignments forced and chosen,
  sessions kept, moved, added, cancelled, missed, by reason); ``result.tables`` the plan
  tables of the re-planned programme (``schedule`` with ``status`` held | planned,
  ``uid`` and ``sequence``; ``calendar`` the planned and cancelled sessions) and
  ``result.measures`` its figures; ``result.progress`` the progress on ``as_of`` (with the
  mentors' messages for the new plan). ``write_outputs`` writes every output of a plan
  (calendars that update the earlier ones: same ``UID``, raised ``SEQUENCE``,
  ``STATUS:CANCELLED``), ``changes.csv`` and ``messages/``.
- ``simulate(problem, plan, config=None, *, as_of, since=None, inputs=None,
  progress=None) -> SimulateResult``: a realistic logbook of ``plan`` up to ``as_of``
  under ``config.simulate`` (:mod:`tkm_assign.programme.simulate`); ``result.logbook``,
  ``result.problem`` (with the withdrawals, sick leave and departures applied),
  ``result.participants``/``result.mentors`` (the input tables with the changes written
  in, when ``inputs`` from :func:`read_inputs` are given), ``result.distribution`` (the
  first three months in the 2024 bins) and ``result.summary``. ``since`` continues an
  earlier simulated logbook (e.g. after a re-plan).

Writing
-------
``write_outputs(result, folder, *, formats=None, lang=None, force=False) -> list[Path]``
writes any result atomically (a temporary sibling folder renamed at the end; an existing
``folder`` only with ``force``); ``formats`` picks file kinds by extension for a plan
(``{"csv", "json", "xlsx", "ics", "html", "png", "gpkg"}``), ``lang`` defaults to
``output.lang``. :func:`tkm_assign.io.output.check_output_dir` fails early, before a long
command runs, for a folder that ``write_outputs`` would refuse.

Messages
--------
``Message(code, values)`` is hashable and picklable; ``render(message, "id" | "en")`` words
it; ``message.code`` groups it (e.g. every ``reason.*`` of the unassigned). Add a message
in :mod:`tkm_assign.messages.catalogue`, run ``python -m tkm_assign.messages`` and write its
Indonesian text in ``tkm_assign/messages/locale/id/LC_MESSAGES/tkm_assign.po``.

Work that leaves the process
----------------------------
Results, problems, configurations and messages pickle. :func:`scenarios` (one task per
scenario) and :func:`capacity` (one task per region's model) submit their work through
:mod:`tkm_assign.executor` with picklable arguments only: worker processes here, or the
Dask cluster of ``cluster.address`` (``--cluster``; the web page's jobs use the server's
configuration), with the same results. ``scenarios(..., finished=..., on_result=...)``
skips scenarios an interrupted run finished and reports each one as it finishes.
Library code reports warnings through :func:`tkm_assign.notify.warn` and progress through
:func:`tkm_assign.notify.progress`; code running on threads inside a call wraps its tasks
with :func:`tkm_assign.notify.in_call` to keep the call's context.
"""

from tkm_assign.app.commands import (
    assign,
    audit,
    capacity,
    generate,
    plan,
    plan_figures,
    read_hand_plan,
    scenarios,
    schedule,
    validate,
)
from tkm_assign.app.outputs import FORMATS, write_into, write_outputs
from tkm_assign.app.results import (
    AssignResult,
    AuditResult,
    CapacityResult,
    PlanFigures,
    PlanResult,
    SampleResult,
    ScenariosResult,
    ScheduleResult,
    ValidateResult,
    Written,
)
from tkm_assign.app.running import (
    ProgressResult,
    ReplanResult,
    SimulateResult,
    changes_table,
    checked_as_of,
    programme_as_of,
    progress,
    read_current_plan,
    read_logbook,
    replan,
    simulate,
)
from tkm_assign.io.inputs import Inputs, read_inputs
from tkm_assign.io.plan import HandPlan
from tkm_assign.io.read import Upload, read_table
from tkm_assign.messages import Message, render
from tkm_assign.notify import ProgressCallback
from tkm_assign.scenarios.grid import Scenario, parse_grid, read_scenario_file
from tkm_assign.scenarios.grid import expand as expand_scenarios

__all__ = [
    "FORMATS",
    "AssignResult",
    "AuditResult",
    "CapacityResult",
    "HandPlan",
    "Inputs",
    "Message",
    "PlanFigures",
    "PlanResult",
    "ProgressCallback",
    "ProgressResult",
    "ReplanResult",
    "SampleResult",
    "Scenario",
    "ScenariosResult",
    "ScheduleResult",
    "SimulateResult",
    "Upload",
    "ValidateResult",
    "Written",
    "assign",
    "audit",
    "capacity",
    "changes_table",
    "checked_as_of",
    "expand_scenarios",
    "generate",
    "parse_grid",
    "plan",
    "plan_figures",
    "programme_as_of",
    "progress",
    "read_current_plan",
    "read_hand_plan",
    "read_inputs",
    "read_logbook",
    "read_scenario_file",
    "read_table",
    "render",
    "replan",
    "scenarios",
    "schedule",
    "simulate",
    "validate",
    "write_into",
    "write_outputs",
]
