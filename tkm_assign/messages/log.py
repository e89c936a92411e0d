"""Texts of the progress lines a command prints while it runs (the ``tkm_assign`` logger).

Part of the catalogue (:mod:`tkm_assign.messages.catalogue` merges :data:`LOG`); the same
rules apply: English source text, ``section.name`` codes, Indonesian in
``locale/id/LC_MESSAGES/tkm_assign.po``. Library code logs facts, a
:class:`~tkm_assign.messages.Message` as the record's message
(``log.info(Message.of("log.read", ...))``); the command line's handler words it in the
language of ``--lang`` with numbers written for it (``3.000``, ``2,5``), so placeholders
carry no format specs. Records that are plain text are developers' details: the command
line does not show them below the warning level. Values never hold personal data.
"""

from __future__ import annotations

from collections.abc import Mapping

LOG: Mapping[str, str] = {
    "log.read": "read {participants} participants and {mentors} mentors in {seconds} s",
    "log.demo": "demo: the bundled national sample in {folder}",
    "log.writing": "writing the outputs to {folder}",
    "log.generated": (
        "generated {participants} participants in {provinces} provinces and {mentors} "
        "mentors; {on_islands} participants live on islands without a mentor"
    ),
    "log.generated_fisheries_short": (
        "only {placed} of {wanted} fisheries participants could be placed in coastal villages"
    ),
    "log.candidates": (
        "candidate mentors: {pairs} pairs for {participants} participants; {without} "
        "without any candidate"
    ),
    "log.assignment": (
        "assignment: {assigned} of {total} participants assigned in {regions} regions, {seconds} s"
    ),
    "log.pairs_dropped": (
        "{count} candidate pairs that break an exclusion or the sector rule were left out"
    ),
    "log.no_solution_in_time": (
        "the assignment solver found no plan within {seconds} s; a longer computing time "
        "(assign.time_limit_s) may find one"
    ),
    "log.scheduled": (
        "scheduled {mentors} mentors in {seconds} s: {sessions} sessions, {routes} day "
        "routes, {shortfalls} shortfalls"
    ),
    "log.repaired": (
        "re-plan: {repaired} of {mentors} mentors' earlier plans repaired, {again} planned again"
    ),
    "log.audit": "audit: {violations} violations, {notes} notes over {rules} rules",
    "log.capacity_regions": "capacity: {regions} regions",
    "log.capacity_added": "capacity: the facility model adds {mentors} mentors ({seconds} s)",
    "log.capacity_check": (
        "capacity check {round}: {regions} regions planned, {short} participants short"
    ),
    "log.capacity_done": (
        "capacity: {mentors} new mentors, {rounds} rounds of checks, {unresolved} "
        "participants unresolved, {seconds} s"
    ),
    "log.scenarios": "scenarios: {count} to plan",
    "log.scenarios_resumed": "resuming: {count} finished scenarios kept by the interrupted run",
    "log.scenarios_validated": (
        "scenarios: {scenarios} scenarios, checked by {times} validations of the input files"
    ),
    "log.scenarios_kept": "scenarios: {done} of {total} already planned, kept",
    "log.scenarios_planned": "scenarios: {count} planned in {seconds} s",
    "log.scenario_done": ("scenario {done} of {total} ({name}): planned and sized in {seconds} s"),
    "log.unreadable_record": "ignored an unreadable finished-scenario record {file}",
    "log.tasks_on": "tasks run on {where} ({lanes} at once)",
    "log.local_workers": "{count} worker processes of this machine",
    "log.scheduler": "the Dask scheduler {address}",
    "log.tasks_on_dashboard": "tasks run on {where} ({lanes} at once); dashboard {dashboard}",
    "log.islands_missing": "{file} is missing; building the islands from the regencies (slow)",
    "log.cache_unreadable": "ignored an unreadable travel cache file {file} ({why})",
    "log.cache_unwritable": "could not write the travel cache in {folder} ({why})",
    "log.web.jobs_removed": "removed {count} jobs older than {days} days",
    "log.web.interrupted": "job {job} was running when the server stopped; marked failed",
    "log.web.queued": "job {job} ({kind}) queued",
    "log.web.started": "job {job} ({kind}) started in process {pid}",
    "log.web.cancelled_waiting": "job {job} cancelled before it started",
    "log.web.finished": "job {job}: {status}",
    "log.web.crashed": "job {job}: the worker ended with exit code {exit_code}",
    "log.web.internal": "job {job}: internal error {kind}",
    "log.web.request_failed": "request {path} failed: {kind}",
    "log.web.refused_host": "refused a request for another host name",
    "log.web.refused_token": "refused a request without a valid access token",
}
