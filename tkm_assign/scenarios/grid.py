"""Scenario grids: the whole plan under every combination of configuration values.

A scenario is a name and a set of configuration overrides. They come from a scenario file
(``configs/scenarios/*.toml``, one ``[scenario.NAME]`` table each, see the README) and/or
from ``--grid KEY=V1,V2,...`` options; the grid's combinations are crossed with the file's
scenarios. KEY is any configuration key (``caseload.max``, ``programme.months``, ...) or
the convenience key ``sessions.target``, which sets ``sessions.target_by_need.low``,
``.medium`` and ``.high`` together (one monthly session target for everyone).

The input files are read once and validated once per distinct set of reading settings
(:func:`tkm_assign.io.validate.reading_settings`: defaults such as the caseload cap are
applied at validation, so a grid over ``caseload.max`` validates once per value; a grid over
anything else validates once). Each scenario then runs the full plan
(:func:`tkm_assign.pipeline.run_plan`) and the capacity analysis
(:func:`tkm_assign.scenarios.capacity.plan_capacity`) as one task of an executor
(:mod:`tkm_assign.executor`): in this process, in ``capacity.scenario_workers`` worker
processes, or on a Dask cluster (``cluster.address``). The validated people go to the
workers once per reading, each task carries its configuration, and results come back in
scenario order, so neither the number of workers nor where they run changes the table.
A finished scenario is identified by :func:`scenario_key`, so that an interrupted grid
can be resumed without planning it again.
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import itertools
import json
import logging
import re
import time
import tomllib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tkm_assign import __version__, notify, rules
from tkm_assign.config import ClusterConfig, Config, from_mapping, read_toml_file, to_mapping
from tkm_assign.errors import ConfigError, InputError, TkmError
from tkm_assign.executor import Executor, Task, open_executor
from tkm_assign.geo.travel import TravelModel
from tkm_assign.io.inputs import Inputs
from tkm_assign.io.validate import reading_settings
from tkm_assign.messages import Message
from tkm_assign.model import Mode, Problem
from tkm_assign.pipeline import PlanResult, run_plan, shared_travel_model
from tkm_assign.scenarios.capacity import plan_capacity

log = logging.getLogger("tkm_assign")

TARGET_KEY = "sessions.target"  # convenience: one monthly session target for every need level
NEED_LEVELS = ("low", "medium", "high")
RECOMMENDED_SESSIONS = (2, 4)  # the evaluation's recommended sessions per month
SCENARIO_TABLE = "scenario"
DESCRIPTION = "description"


@dataclass(frozen=True)
class Scenario:
    """A named set of overrides: ``settings`` maps dotted keys to values, in order."""

    name: str
    settings: tuple[tuple[str, Any], ...] = ()
    description: str = ""

    def config(self, base: Config) -> Config:
        """``base`` with this scenario's settings; :class:`ConfigError` names the key."""
        try:
            return apply_settings(base, self.settings)
        except ConfigError as error:
            inner = error.message if error.message is not None else str(error)
            raise ConfigError(
                Message.of("config.in_scenario", name=self.name, error=inner)
            ) from None


def apply_settings(base: Config, settings: Sequence[tuple[str, Any]]) -> Config:
    """``base`` with every ``(dotted key, value)`` applied in order (``sessions.target``
    expanded), validated like a configuration file."""
    data = to_mapping(base)
    for key, value in settings:
        for real_key, real_value in expand_key(key, value):
            _set(data, real_key, real_value)
    config: Config = from_mapping(Config, data, "")
    return config


def expand_key(key: str, value: Any) -> list[tuple[str, Any]]:
    """Real configuration keys for a grid key: ``sessions.target`` -> the three need levels."""
    if key == TARGET_KEY:
        return [(f"sessions.target_by_need.{level}", value) for level in NEED_LEVELS]
    return [(key, value)]


def _set(data: dict[str, Any], key: str, value: Any) -> None:
    """Set a dotted key in nested dicts; unknown sections are left for validation to name."""
    parts = key.split(".")
    cursor = data
    for part in parts[:-1]:
        nxt = cursor.get(part)
        if not isinstance(nxt, dict):
            nxt = {}
            cursor[part] = nxt
        cursor = nxt
    cursor[parts[-1]] = value


# --- reading grids and scenario files ------------------------------------------------------


def parse_grid(spec: str) -> tuple[str, list[Any]]:
    """``caseload.max=15,20,25`` -> ``("caseload.max", [15, 20, 25])``.

    Values are read as TOML (numbers, true/false, quoted text, arrays) or else as text;
    commas inside brackets or quotes do not split.

    Raises
    ------
    ConfigError
        When the option is not ``KEY=V1,V2,...``.
    """
    key, sep, raw = spec.partition("=")
    key = key.strip()
    if not sep or not re.fullmatch(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)+", key) or not raw.strip():
        raise ConfigError(Message.of("config.grid_form", spec=spec))
    values = [_value(part) for part in _split_values(raw)]
    if any(v == "" for v in values):
        raise ConfigError(Message.of("config.grid_empty", spec=spec))
    return key, values


def _split_values(raw: str) -> list[str]:
    parts, depth, quote, start = [], 0, "", 0
    for k, char in enumerate(raw):
        if quote:
            if char == quote:
                quote = ""
        elif char in "\"'":
            quote = char
        elif char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append(raw[start:k])
            start = k + 1
    parts.append(raw[start:])
    return [p.strip() for p in parts]


def _value(text: str) -> Any:
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text


def read_scenario_file(path: str | Path) -> list[Scenario]:
    """Scenarios of a TOML file: one ``[scenario.NAME]`` table each, in file order.

    A scenario table holds an optional ``description`` and configuration keys, as in a
    configuration file (``caseload.max = 20`` or a ``[scenario.NAME.caseload]`` table).

    Raises
    ------
    ConfigError
        When the file is missing or not TOML, has no scenario, or holds anything else.
    """
    path = Path(path)
    data = read_toml_file(path, "config.what.scenarios")
    extra = sorted(set(data) - {SCENARIO_TABLE})
    if extra:
        raise ConfigError(Message.of("config.scenario_extra", file=str(path), name=extra[0]))
    tables = data.get(SCENARIO_TABLE)
    if not isinstance(tables, dict) or not tables:
        raise ConfigError(Message.of("config.scenario_none", file=str(path)))
    scenarios = []
    for name, table in tables.items():
        if not isinstance(table, dict):
            raise ConfigError(Message.of("config.scenario_not_table", file=str(path), name=name))
        description = table.get(DESCRIPTION, "")
        if not isinstance(description, str):
            raise ConfigError(Message.of("config.scenario_description", file=str(path), name=name))
        settings = tuple(_flatten({k: v for k, v in table.items() if k != DESCRIPTION}))
        scenarios.append(Scenario(str(name), settings, description))
    return scenarios


def _flatten(data: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    for key, value in data.items():
        if isinstance(value, Mapping):
            yield from _flatten(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}", value


def expand(
    base: Config, scenarios: Sequence[Scenario], grid: Sequence[tuple[str, list[Any]]]
) -> list[tuple[Scenario, Config]]:
    """Every combination: each file scenario (or the base configuration alone) crossed with
    the grid's values, first key slowest. Every configuration is validated here.

    Raises
    ------
    ConfigError
        Naming the scenario and the key, for an unknown key or a value out of range.
    """
    for key, _ in grid:
        _check_key(base, key)
    starts = list(scenarios) or [Scenario("base")]
    out = []
    for start in starts:
        for combo in itertools.product(*(values for _, values in grid)):
            pairs = tuple((key, value) for (key, _), value in zip(grid, combo, strict=True))
            label = " ".join(f"{key}={_text(value)}" for key, value in pairs)
            name = " ".join(part for part in (start.name if scenarios else "", label) if part)
            name = name or start.name
            scenario = Scenario(name, start.settings + pairs, start.description)
            out.append((scenario, scenario.config(base)))
    names = [s.name for s, _ in out]
    if len(set(names)) != len(names):
        raise ConfigError(Message.of("config.scenario_same_name"))
    return out


def _check_key(base: Config, key: str) -> None:
    """An unknown grid key is named before anything runs."""
    data = to_mapping(base)
    for real_key, _ in expand_key(key, None):
        cursor: Any = data
        parts = real_key.split(".")
        for k, part in enumerate(parts):
            if not isinstance(cursor, dict) or part not in cursor:
                known = sorted(cursor) if isinstance(cursor, dict) else []
                if k == 0:
                    known.append(TARGET_KEY)
                raise ConfigError(
                    Message.of(
                        "config.grid_unknown_key",
                        spec=key,
                        key=".".join(parts[: k + 1]),
                        known=", ".join(known) if known else Message.of("config.grid_no_keys"),
                    )
                )
            cursor = cursor[part]


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# --- running -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScenarioResult:
    """One row of the comparison: the scenario, its settings and its measures."""

    scenario: Scenario
    measures: Mapping[str, Any]
    seconds: float


def validate_scenarios(
    inputs: Inputs, configured: Sequence[tuple[Scenario, Config]]
) -> list[Problem]:
    """Validate the input files for every scenario, once per way of reading them.

    Scenarios whose configurations agree on
    :func:`~tkm_assign.io.validate.reading_settings` share one validation; each gets the
    validated people under its own configuration.

    Parameters
    ----------
    inputs
        The files as read (:func:`tkm_assign.io.inputs.read_inputs`).
    configured
        Each scenario with its configuration.

    Returns
    -------
    list of Problem
        Parallel to ``configured``.

    Raises
    ------
    TkmError
        Naming the scenario, with every problem, when a file does not validate under it.
    """
    validated: dict[str, Problem] = {}
    problems = []
    for scenario, config in configured:
        key = json.dumps(reading_settings(config), sort_keys=True, default=str)
        if key not in validated:
            try:
                validated[key] = inputs.problem(config)
            except InputError as error:
                lines = tuple(p.message for p in error.problems[:50])
                raise TkmError(
                    Message.of("config.scenario_invalid", name=scenario.name, problems=lines)
                ) from None
        problems.append(dataclasses.replace(validated[key], config=config))
    log.info(Message.of("log.scenarios_validated", times=len(validated), scenarios=len(problems)))
    return problems


# Settings that never change a plan: a finished scenario is reused across them.
RUN_SETTINGS = ("cluster", "capacity.scenario_workers", "schedule.workers")

ResultCallback = Callable[[int, str, ScenarioResult], None]


def scenario_key(problem: Problem) -> str:
    """What a scenario's measures depend on, as a short digest.

    The tkm_assign version, the validated participants and mentors, and the configuration
    except :data:`RUN_SETTINGS`; equal keys give equal measures, so a finished scenario
    with the same key (an interrupted grid's) can be reused.
    """
    settings = to_mapping(problem.config)
    for dotted in RUN_SETTINGS:
        *path, last = dotted.split(".")
        cursor = settings
        for part in path:
            cursor = cursor.get(part, {})
        cursor.pop(last, None)
    digest = hashlib.sha256()
    digest.update(__version__.encode())
    digest.update(people_digest(problem).encode())
    digest.update(json.dumps(settings, sort_keys=True, default=str).encode())
    return digest.hexdigest()[:32]


def people_digest(problem: Problem) -> str:
    """A digest of the validated participants and mentors, the same in every process."""
    digest = hashlib.sha256()
    for person in (*problem.participants, *problem.mentors):
        digest.update(json.dumps(_plain(person), sort_keys=True, default=str).encode())
        digest.update(b"\n")
    return digest.hexdigest()


def _plain(value: Any) -> Any:
    """Plain JSON-ready values of a frozen model object (sets sorted, enums by value)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, frozenset | set):
        return sorted((_plain(v) for v in value), key=repr)
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, enum.Enum):
        return value.value
    return value


def run_scenarios(
    problems: Sequence[Problem],
    scenarios: Sequence[Scenario],
    workers: int = 1,
    *,
    cluster: ClusterConfig | None = None,
    finished: Mapping[str, ScenarioResult] | None = None,
    on_result: ResultCallback | None = None,
) -> list[ScenarioResult]:
    """Plan and size every scenario; results in scenario order.

    Each scenario is one task of an executor (:mod:`tkm_assign.executor`): the validated
    people go to the workers once per distinct reading, each task carries its
    configuration, and the measures come back as they finish.

    Parameters
    ----------
    problems
        The validated inputs of each scenario (under its configuration).
    scenarios
        The scenarios, parallel to ``problems``.
    workers
        Scenarios at once on this machine: 1 (in this process) or more (worker processes
        of a :class:`distributed.LocalCluster`).
    cluster
        ``[cluster]`` settings: with an address, the scenarios run on that Dask cluster
        instead. With more than one lane each plan schedules in one process
        (``schedule.workers = 1``, which never changes a plan).
    finished
        Results already computed, by :func:`scenario_key` (an interrupted grid's): a
        scenario whose key is there is not planned again.
    on_result
        Called as ``on_result(index, key, result)`` for every scenario planned here, as it
        finishes (e.g. to save it).
    """
    keys = [scenario_key(problem) for problem in problems]
    done: dict[int, ScenarioResult] = {}
    for k, key in enumerate(keys):
        if finished and key in finished:
            done[k] = dataclasses.replace(finished[key], scenario=scenarios[k])
    if done:
        log.info(Message.of("log.scenarios_kept", done=len(done), total=len(problems)))
        notify.progress("step.scenario", len(done), len(problems))
    todo = [k for k in range(len(problems)) if k not in done]
    started = time.perf_counter()
    if todo:
        with open_executor(cluster, workers=min(workers, len(todo)), processes=True) as runner:
            _run(runner, problems, scenarios, keys, todo, done, on_result)
    seconds = round(time.perf_counter() - started, 1)
    log.info(Message.of("log.scenarios_planned", count=len(todo), seconds=seconds))
    return [done[k] for k in range(len(problems))]


def _run(
    runner: Executor,
    problems: Sequence[Problem],
    scenarios: Sequence[Scenario],
    keys: Sequence[str],
    todo: Sequence[int],
    done: dict[int, ScenarioResult],
    on_result: ResultCallback | None,
) -> None:
    """Submit every scenario of ``todo``, collect each as it finishes."""
    one_process = runner.remote or runner.lanes > 1
    people: dict[tuple[int, int], Any] = {}
    tasks: dict[Task[dict[str, Any]], int] = {}
    for k in todo:
        problem = problems[k]
        group = (id(problem.participants), id(problem.mentors))
        if group not in people:
            people[group] = runner.share(problem)
        config = _job_config(problem.config, one_process)
        task = runner.submit(measure_scenario_of, people[group], config, key=f"scenario-{k + 1}")
        tasks[task] = k
    try:
        for task in runner.as_completed(tasks):
            k = tasks[task]
            outcome = task.outcome()
            measures = outcome.value
            result = ScenarioResult(scenarios[k], measures, float(measures["seconds"]))
            done[k] = result
            if on_result is not None:
                on_result(k, keys[k], result)
            _log_done(result, len(done), len(problems), outcome.worker)
    except BaseException:
        runner.cancel(tasks)
        raise


def _log_done(result: ScenarioResult, done: int, total: int, worker: str) -> None:
    notify.progress("step.scenario", done, total)
    log.info(
        Message.of(
            "log.scenario_done",
            done=int(done),
            total=int(total),
            name=str(result.scenario.name),
            seconds=round(result.seconds),
        )
    )
    log.debug("scenario %d ran on %s", done, worker)


def _job_config(config: Config, one_process: bool) -> Config:
    """With several lanes (or on a cluster, whose workers start no processes) each plan
    schedules in one process; that never changes a plan."""
    if not one_process or config.schedule.workers == 1:
        return config
    return dataclasses.replace(config, schedule=dataclasses.replace(config.schedule, workers=1))


def measure_scenario_of(people: Problem, config: Config) -> dict[str, Any]:
    """:func:`measure_scenario` of ``people`` under ``config`` (a task of a grid)."""
    return measure_scenario(dataclasses.replace(people, config=config))


def measure_scenario(problem: Problem) -> dict[str, Any]:
    """Plan ``problem`` (assignment and schedule), size it, and measure both.

    Returns plain values only (it may run on another machine). Validation warnings were
    reported when the inputs were read, so the warnings of planning are not repeated here.
    """
    started = time.perf_counter()
    with notify.collecting():
        travel = shared_travel_model(problem.config.travel)
        plan = run_plan(problem, travel)
        capacity = plan_capacity(problem, travel, existing=True)
        simulated = simulated_measures(plan, travel) if problem.config.simulate.in_scenarios else {}
    measures = plan_measures(plan)
    full = plan_measures(capacity.plan)
    config = problem.config
    measures.update(
        mentors_needed=len(problem.mentors) + len(capacity.suggested),
        mentors_to_add=len(capacity.suggested),
        participants_short_with_needed=len(capacity.unresolved),
    )
    rates = config.cost
    if rates.mentor_month_idr > 0 or rates.per_km_idr > 0:
        measures["cost_idr"] = round(
            measures["mentor_months"] * rates.mentor_month_idr
            + measures["travel_km"] * rates.per_km_idr
        )
        measures["cost_full_idr"] = round(
            full["mentor_months"] * rates.mentor_month_idr + full["travel_km"] * rates.per_km_idr
        )
    measures.update(simulated)
    measures["seconds"] = round(time.perf_counter() - started, 1)
    return measures


def simulated_measures(plan: PlanResult, travel: TravelModel) -> dict[str, Any]:
    """The first three months simulated under ``[simulate]``: followed as planned, and
    re-planned on days 30 and 60 (:func:`tkm_assign.programme.course.simulated_course`),
    in percent of participants by the 2024 evaluation's bins."""
    from tkm_assign.programme.course import simulated_course
    from tkm_assign.programme.plan import plan_from_schedule

    assert plan.schedule is not None
    course = simulated_course(
        plan.problem, plan_from_schedule(plan.assignment, plan.schedule), travel
    )
    out = {}
    for name in ("followed", "replanned"):
        shares = course[name]
        out[f"simulated_{name}_0_2_pct"] = round(100 * shares["0-2"], 2)
        out[f"simulated_{name}_3_4_pct"] = round(100 * shares["3-4"], 2)
        out[f"simulated_{name}_over_4_pct"] = round(100 * shares[">4"], 2)
    return out


def plan_measures(result: PlanResult) -> dict[str, Any]:
    """Served, sessions, onsite visits, hours and travel of a planned and scheduled result.

    ``sector_match_share`` is the share of served participants whose mentor has their
    sector. ``meeting_2_4_share`` counts participants (with or without a mentor) who get 2 to 4
    sessions in every month of their programme -- the evaluation's recommendation, the same
    yardstick for every scenario whatever its own session settings.
    """
    problem = result.problem
    config = problem.config
    assignment, schedule = result.assignment, result.schedule
    assert schedule is not None and result.tables.workload is not None
    assert result.tables.schedule_summary is not None
    n = len(problem.participants)
    served = sum(m is not None for m in assignment.mentor_of.values())
    per_month: dict[tuple[str, int], int] = {}
    onsite = 0
    for s in schedule.sessions:
        per_month[s.participant_id, s.month] = per_month.get((s.participant_id, s.month), 0) + 1
        onsite += s.mode is Mode.ONSITE
    low, high = RECOMMENDED_SESSIONS
    in_range = sum(
        all(
            low <= per_month.get((p.participant_id, k), 0) <= high
            for k in range(1, rules.programme_months(p, config) + 1)
        )
        for p in problem.participants
    )
    matched = sum(
        p.sector in problem.mentors[problem.mentor_index[mentor_id]].sectors
        for p in problem.participants
        if (mentor_id := assignment.mentor_of[p.participant_id]) is not None
    )
    workload = result.tables.workload
    first = result.tables.schedule_summary["sessions_in_first_3_months"]["percent"]
    travel_min = sum(r.travel_min for r in schedule.routes)
    return {
        "participants": n,
        "served": served,
        "served_share": round(served / n, 4) if n else 0.0,
        "sector_match_share": round(matched / served, 4) if served else 0.0,
        "meeting_2_4_share": round(in_range / n, 4) if n else 0.0,
        "sessions_3m_0_2_pct": first["0-2"],
        "sessions_3m_3_4_pct": first["3-4"],
        "sessions_3m_over_4_pct": first["more_than_4"],
        "sessions": len(schedule.sessions),
        "onsite_visits": onsite,
        "online_sessions": len(schedule.sessions) - onsite,
        "shortfall_participant_months": sum(s.mentor_id is not None for s in schedule.shortfalls),
        "mentors": len(problem.mentors),
        "mentors_with_participants": len({m for m in assignment.mentor_of.values() if m}),
        "mentor_hours": round(float(workload["total_hours"].sum()), 1),
        "travel_hours": round(travel_min / 60, 1),
        "travel_km": round(sum(r.distance_m for r in schedule.routes) / 1000, 1),
        "mentor_months": int((workload["participants"] > 0).sum()),
    }
