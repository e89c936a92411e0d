"""Scenario grids: parsing, expansion, scenario files, deterministic parallel runs, outputs."""

from __future__ import annotations

import dataclasses
import warnings
from pathlib import Path

import pandas as pd
import pytest

from tests.scenarios.conftest import config, participants_frame
from tkm_assign.config import PROJECT_ROOT, Config, CostConfig
from tkm_assign.errors import ConfigError, InputWarning
from tkm_assign.io import problem_from_frames
from tkm_assign.scenarios.grid import (
    Scenario,
    expand,
    parse_grid,
    read_scenario_file,
    run_scenarios,
)
from tkm_assign.scenarios.outputs import SCENARIO_COLUMNS, scenario_table, write_scenario_outputs

POLICY_FILE = PROJECT_ROOT / "configs" / "scenarios" / "praktik_2024_vs_rekomendasi.toml"


@pytest.mark.parametrize(
    ("spec", "key", "values"),
    [
        ("caseload.max=15,20,25", "caseload.max", [15, 20, 25]),
        ("programme.months=3, 6", "programme.months", [3, 6]),
        ("work.days=Mon-Fri,Mon-Sat", "work.days", ["Mon-Fri", "Mon-Sat"]),
        ("travel.circuity=1.2,1.4", "travel.circuity", [1.2, 1.4]),
        ('work.days="Mon,Wed",Mon-Fri', "work.days", ["Mon,Wed", "Mon-Fri"]),
        ("assign.decompose=true,false", "assign.decompose", [True, False]),
    ],
)
def test_parse_grid(spec: str, key: str, values: list[object]):
    assert parse_grid(spec) == (key, values)


@pytest.mark.parametrize("spec", ["caseload.max", "caseload=15", "caseload.max=", "x.y=1,,2"])
def test_parse_grid_rejects_what_is_not_key_values(spec: str):
    with pytest.raises(ConfigError, match="grid") as caught:
        parse_grid(spec)
    assert "--grid" not in str(caught.value)  # the library names settings, not options


def test_expand_crosses_every_value_first_key_slowest():
    grid = [parse_grid("caseload.max=15,20"), parse_grid("programme.months=3,6")]
    out = expand(Config(), [], grid)
    assert [s.name for s, _ in out] == [
        "caseload.max=15 programme.months=3",
        "caseload.max=15 programme.months=6",
        "caseload.max=20 programme.months=3",
        "caseload.max=20 programme.months=6",
    ]
    assert [(c.caseload.max, c.programme.months) for _, c in out] == [
        (15, 3),
        (15, 6),
        (20, 3),
        (20, 6),
    ]


def test_sessions_target_sets_every_need_level():
    out = expand(Config(), [], [parse_grid("sessions.target=2,4")])
    targets = [c.sessions.target_by_need for _, c in out]
    assert [(t.low, t.medium, t.high) for t in targets] == [(2, 2, 2), (4, 4, 4)]


def test_an_unknown_grid_key_is_named():
    with pytest.raises(ConfigError, match=r"caseload\.maks is not a configuration key") as error:
        expand(Config(), [], [parse_grid("caseload.maks=15,20")])
    assert "max" in str(error.value) and "hours_per_month" in str(error.value)
    with pytest.raises(ConfigError, match="caseloads is not a configuration key"):
        expand(Config(), [], [parse_grid("caseloads.max=1")])


def test_a_value_out_of_range_names_the_scenario_and_the_key():
    with pytest.raises(ConfigError, match=r"scenario 'caseload.max=0': .*caseload.max\)?: 0"):
        expand(Config(), [], [parse_grid("caseload.max=15,0")])
    with pytest.raises(ConfigError, match=r"sessions.target_by_need.low: 5 is out of range"):
        expand(Config(), [], [parse_grid("sessions.target=5")])


def test_the_policy_file_compares_2024_practice_with_the_recommendation():
    scenarios = read_scenario_file(POLICY_FILE)
    assert [s.name for s in scenarios] == ["praktik_2024", "rekomendasi"]
    assert all(s.description for s in scenarios)
    (practice, practice_config), (recommended, recommended_config) = expand(Config(), scenarios, [])
    assert practice.name == "praktik_2024" and recommended.name == "rekomendasi"
    assert practice_config.caseload.max == 20
    assert practice_config.programme.longest_months == 3  # every sector 3 months
    assert (practice_config.sessions.min_per_month, practice_config.sessions.max_per_month) == (
        1,
        2,
    )
    assert practice_config.onsite.min_per_programme == 3
    assert recommended_config == Config()  # the recommended policy is the default


def test_scenario_files_cross_with_the_grid():
    scenarios = read_scenario_file(POLICY_FILE)
    out = expand(Config(), scenarios, [parse_grid("caseload.max=15,25")])
    assert [s.name for s, _ in out] == [
        "praktik_2024 caseload.max=15",
        "praktik_2024 caseload.max=25",
        "rekomendasi caseload.max=15",
        "rekomendasi caseload.max=25",
    ]
    assert out[0][1].sessions.max_per_month == 2 and out[0][1].caseload.max == 15


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[scenario.a\n", "not valid TOML"),
        ("[caseload]\nmax = 3\n", "'caseload' is not a scenario"),
        ("title = 'x'\n", "'title' is not a scenario"),
        ("scenario = 3\n", "no scenario found"),
        ("[scenario]\na = 3\n", "scenario.a must be a table"),
        ("[scenario.a]\ndescription = 3\n", "description must be text"),
    ],
)
def test_broken_scenario_files_are_explained(tmp_path: Path, text: str, message: str):
    path = tmp_path / "scenarios.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        read_scenario_file(path)


def test_an_unknown_key_in_a_scenario_file_names_scenario_and_key(tmp_path: Path):
    path = tmp_path / "scenarios.toml"
    path.write_text("[scenario.strict]\ncaseload.maks = 3\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"scenario 'strict': caseload.maks: unknown"):
        expand(Config(), read_scenario_file(path), [])


def test_a_missing_scenario_file_is_named(tmp_path: Path):
    with pytest.raises(ConfigError, match="scenario file not found"):
        read_scenario_file(tmp_path / "none.toml")


@pytest.fixture(scope="module")
def two_scenarios() -> tuple[list[Scenario], list[object]]:
    participants = participants_frame({"3273": 6, "3205": 6}, seed=11)
    mentors = pd.DataFrame(
        [
            {
                "mentor_id": "M1",
                "latitude": "-6.91470",
                "longitude": "107.60980",
                "sectors": "industri_boga;perdagangan_jasa",
            }
        ]
    )
    base = config("cost.mentor_month_idr=3500000", "cost.per_km_idr=2500")
    configured = expand(base, [], [parse_grid("caseload.max=4,8")])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InputWarning)
        problems = [problem_from_frames(participants, mentors, c) for _, c in configured]
    return [s for s, _ in configured], problems


def test_scenarios_run_in_parallel_give_the_same_table_as_one_by_one(two_scenarios):
    scenarios, problems = two_scenarios
    parallel = run_scenarios(problems, scenarios, workers=2)
    serial = run_scenarios(problems, scenarios, workers=1)
    again = run_scenarios(problems, scenarios, workers=2)
    assert scenario_table(parallel).equals(scenario_table(serial))
    assert scenario_table(parallel).equals(scenario_table(again))
    table = scenario_table(parallel)
    assert list(table["scenario"]) == ["caseload.max=4", "caseload.max=8"]
    small, large = table.to_dict("records")
    assert small["mentors_needed"] >= large["mentors_needed"]
    assert small["served"] <= large["served"]
    for row in (small, large):
        assert 0 <= row["meeting_2_4_share"] <= row["served_share"] <= 1
        assert 0 <= row["sector_match_share"] <= 1
        assert row["sessions"] == row["onsite_visits"] + row["online_sessions"]
        assert row["cost_full_idr"] > 0 and row["cost_idr"] > 0


def test_scenario_outputs(two_scenarios, tmp_path: Path):
    scenarios, problems = two_scenarios
    results = run_scenarios(problems, scenarios, workers=1)
    written = write_scenario_outputs(tmp_path, results, [p.config for p in problems], "en")
    assert [p.name for p in written] == [
        "scenarios.csv",
        "scenarios.xlsx",
        "scenarios.png",
        "scenarios_summary.json",
    ]
    table = pd.read_csv(tmp_path / "scenarios.csv", encoding="utf-8-sig")
    assert list(table.columns) == list(SCENARIO_COLUMNS)
    workbook = pd.read_excel(tmp_path / "scenarios.xlsx")
    assert workbook.columns[0] == "Scenario" and len(workbook) == 2


def test_cost_columns_only_when_rates_are_set(two_scenarios):
    scenarios, problems = two_scenarios
    free = dataclasses.replace(problems[0].config, cost=CostConfig(per_km_idr=0.0))
    results = run_scenarios([dataclasses.replace(problems[0], config=free)], scenarios[:1], 1)
    table = scenario_table(results)
    assert "cost_idr" not in table.columns and "cost_full_idr" not in table.columns
