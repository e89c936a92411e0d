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
    "SampleResult",
    "Scenario",
    "ScenariosResult",
    "ScheduleResult",
    "Upload",
    "ValidateResult",
    "Written",
    "assign",
    "audit",
    "capacity",
    "expand_scenarios",
    "generate",
    "parse_grid",
    "plan",
    "plan_figures",
    "read_hand_plan",
    "read_inputs",
    "read_scenario_file",
    "read_table",
    "render",
    "scenarios",
    "schedule",
    "validate",
    "write_into",
    "write_outputs",
]
