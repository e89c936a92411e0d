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
(:func:`tkm_assign.scenarios.capacity.plan_capacity`), in up to
``capacity.scenario_workers`` processes. Results come back in scenario order, so the
number of workers never changes the table.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import logging
import multiprocessing
import re
import time
import tomllib
import warnings
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tkm_assign import notify, rules
from tkm_assign.config import Config, TravelConfig, from_mapping, to_mapping
from tkm_assign.errors import ConfigError, InputError, TkmError, TkmWarning
from tkm_assign.geo.regions import load_geography
from tkm_assign.geo.travel import TravelModel, make_travel_model
from tkm_assign.io.inputs import Inputs
from tkm_assign.io.validate import reading_settings
from tkm_assign.model import Mode, Problem
from tkm_assign.pipeline import PlanResult, run_plan
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
            raise ConfigError(f"scenario {self.name!r}: {error}") from None


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
        raise ConfigError(
            f"--grid {spec!r}: expected KEY=V1,V2,... with a configuration key, "
            "e.g. caseload.max=15,20,25"
        )
    values = [_value(part) for part in _split_values(raw)]
    if any(v == "" for v in values):
        raise ConfigError(f"--grid {spec!r}: an empty value; expected V1,V2,...")
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
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: scenario file not found") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: not valid TOML ({error})") from None
    extra = sorted(set(data) - {SCENARIO_TABLE})
    if extra:
        raise ConfigError(
            f"{path}: {extra[0]!r} is not a scenario; write every scenario as [scenario.NAME]"
        )
    tables = data.get(SCENARIO_TABLE)
    if not isinstance(tables, dict) or not tables:
        raise ConfigError(f"{path}: no scenario found; write each as [scenario.NAME]")
    scenarios = []
    for name, table in tables.items():
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: scenario.{name} must be a table of settings")
        description = table.get(DESCRIPTION, "")
        if not isinstance(description, str):
            raise ConfigError(f"{path}: scenario.{name}.description must be text")
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
        raise ConfigError("two scenarios have the same name; give every scenario its own name")
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
                    f"--grid {key}: {'.'.join(parts[: k + 1])} is not a configuration key; "
                    f"known here: {', '.join(known) or 'none (a single value)'}"
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
                lines = "\n".join(f"  {p}" for p in error.problems[:50])
                raise TkmError(
                    f"scenario {scenario.name!r}: the input does not validate under its "
                    f"configuration:\n{lines}"
                ) from None
        problems.append(dataclasses.replace(validated[key], config=config))
    log.info(
        "scenarios: the input files validated %d time(s) for %d scenarios",
        len(validated),
        len(problems),
    )
    return problems


def run_scenarios(
    problems: Sequence[Problem], scenarios: Sequence[Scenario], workers: int
) -> list[ScenarioResult]:
    """Plan and size every scenario; results in scenario order.

    Parameters
    ----------
    problems
        The validated inputs of each scenario (under its configuration).
    scenarios
        The scenarios, parallel to ``problems``.
    workers
        Processes (1 or 2). With more than one, each scenario schedules in its own process
        with ``schedule.workers = 1`` (which never changes a plan).
    """
    lanes = max(1, min(workers, len(problems)))
    jobs = [_job(problem, lanes) for problem in problems]
    started = time.perf_counter()
    rows: list[dict[str, Any]] = []
    if lanes == 1:
        for job, scenario in zip(jobs, scenarios, strict=True):
            rows.append(measure_scenario(job))
            _log_done(scenario, rows[-1], len(rows), len(jobs))
    else:
        # "spawn" works the same on every platform; callers need the __main__ guard.
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=lanes, mp_context=context) as pool:
            for scenario, row in zip(scenarios, pool.map(measure_scenario, jobs), strict=True):
                rows.append(row)
                _log_done(scenario, row, len(rows), len(jobs))
    log.info("scenarios: %d planned in %.1f s", len(rows), time.perf_counter() - started)
    return [
        ScenarioResult(scenario, measures, float(measures["seconds"]))
        for scenario, measures in zip(scenarios, rows, strict=True)
    ]


def _log_done(scenario: Scenario, row: Mapping[str, Any], done: int, total: int) -> None:
    notify.progress("step.scenario", done, total)
    log.info(
        "scenario %d of %d (%s): planned and sized in %.0f s",
        done,
        total,
        scenario.name,
        row["seconds"],
    )


def _job(problem: Problem, lanes: int) -> Problem:
    if lanes == 1 or problem.config.schedule.workers == 1:
        return problem
    config = dataclasses.replace(
        problem.config, schedule=dataclasses.replace(problem.config.schedule, workers=1)
    )
    return dataclasses.replace(problem, config=config)


_TRAVEL_MODELS: dict[str, TravelModel] = {}


def _travel(config: TravelConfig) -> TravelModel:
    """One travel model per process and travel configuration (the road graph loads once)."""
    key = json.dumps(to_mapping(config), sort_keys=True)
    if key not in _TRAVEL_MODELS:
        _TRAVEL_MODELS[key] = make_travel_model(config, load_geography())
    return _TRAVEL_MODELS[key]


def measure_scenario(problem: Problem) -> dict[str, Any]:
    """Plan ``problem`` (assignment and schedule), size it, and measure both.

    Runs in a worker process: returns plain values only. Validation warnings were shown
    when the inputs were read, so they are not repeated here.
    """
    started = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TkmWarning)
        travel = _travel(problem.config.travel)
        plan = run_plan(problem, travel)
        capacity = plan_capacity(problem, travel, existing=True)
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
    if config.simulate.in_scenarios:
        measures.update(simulated_measures(plan, travel))
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

    ``meeting_2_4_share`` counts participants (with or without a mentor) who get 2 to 4
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
    workload = result.tables.workload
    first = result.tables.schedule_summary["sessions_in_first_3_months"]["percent"]
    travel_min = sum(r.travel_min for r in schedule.routes)
    return {
        "participants": n,
        "served": served,
        "served_share": round(served / n, 4) if n else 0.0,
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
