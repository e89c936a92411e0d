"""Each command of the application layer, called with inputs in memory; no file is touched."""

from __future__ import annotations

import dataclasses
import os
import pickle
import threading
from pathlib import Path

import pandas as pd
import pytest

from tests.app.conftest import MENTOR_ROWS, PARTICIPANTS_CSV, xlsx_bytes
from tkm_assign import app
from tkm_assign.config import Config
from tkm_assign.errors import ConfigError, InputError
from tkm_assign.io.read import table_from_frame
from tkm_assign.model import Problem
from tkm_assign.report.tables import ASSIGNMENT_COLUMNS, SCHEDULE_COLUMNS


@pytest.fixture(autouse=True)
def no_files_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Every test runs in an empty folder and must leave it empty."""
    monkeypatch.chdir(tmp_path)
    yield
    assert os.listdir(tmp_path) == []


def test_validate_reads_uploads_and_names_the_file_without_its_folder(uploads, fast_config):
    result = app.validate(app.read_inputs(*uploads), fast_config)
    assert len(result.problem.participants) == 6 and len(result.problem.mentors) == 3
    assert result.problem.mentors_source == "pendamping.xlsx"
    assert result.summary.provinces["participants"].iloc[-1] == 6
    codes = [m.code for m in result.warnings]
    assert codes == ["warning.unknown_columns"]
    assert "catatan" in app.render(result.warnings[0], "en")
    assert "bukan bagian dari format" in app.render(result.warnings[0], "id")


def test_validate_reports_the_problems_of_both_uploads_at_once(fast_config):
    bad_participants = PARTICIPANTS_CSV.replace("industri_boga,high", "bakery,high", 1)
    inputs = app.read_inputs(
        app.Upload("peserta.csv", bad_participants.encode()),
        app.Upload("pendamping.xlsx", b"not a workbook"),
    )
    with pytest.raises(InputError) as caught:
        app.validate(inputs, fast_config)
    files = {p.file for p in caught.value.problems}
    assert files == {"peserta.csv", "pendamping.xlsx"}
    sector = next(p for p in caught.value.problems if p.file == "peserta.csv")
    assert (sector.row, sector.column, sector.value) == (2, "sector", "bakery")


def test_validate_without_mentors_gives_participants_only(uploads, fast_config):
    result = app.validate(app.read_inputs(uploads[0]), fast_config)
    assert len(result.problem.participants) == 6 and result.problem.mentors == ()


def test_plan_returns_every_table_and_the_figures(small_plan):
    tables = small_plan.tables
    assert tuple(tables.assignments.columns) == ASSIGNMENT_COLUMNS
    assert tables.schedule is not None and tuple(tables.schedule.columns) == SCHEDULE_COLUMNS
    assert small_plan.figures["participants"] == 6
    assert small_plan.figures["assigned"] == (tables.assignments["status"] == "assigned").sum()
    assert set(small_plan.measures.balance["mentor_id"]) == {"M1", "M2", "M3"}
    served = {p for p, m in small_plan.assignment.mentor_of.items() if m is not None}
    assert {s.participant_id for s in small_plan.schedule.sessions} == served


def test_results_pickle_whole(small_plan):
    again = pickle.loads(pickle.dumps(small_plan))
    assert again.assignment == small_plan.assignment
    pd.testing.assert_frame_equal(again.tables.schedule, small_plan.tables.schedule)


def test_assign_alone(small_problem):
    result = app.assign(small_problem)
    assert result.tables.schedule is None
    assert result.summary["assigned"] + result.summary["unassigned"] == 6
    assert set(result.assignment.mentor_of) == {
        p.participant_id for p in small_problem.participants
    }


def test_schedule_of_a_given_assignment_and_of_a_hand_plan(small_problem, small_plan):
    given = app.schedule(small_problem, small_plan.assignment)
    assert given.schedule.sessions == small_plan.schedule.sessions
    frame = pd.DataFrame(
        {"ID peserta": ["P1", "P2", "P5"], "ID pendamping": ["M1", "M1", "M2"]}
    )  # headers as the Indonesian workbook labels them
    hand = app.read_hand_plan(small_problem, table_from_frame(frame, "edited.xlsx", "assignments"))
    result = app.schedule(small_problem, hand)
    assert {s.participant_id for s in result.schedule.sessions} == {"P1", "P2", "P5"}
    assert result.summary["participants_with_mentor"] == 3


def test_audit_finds_a_rule_broken_and_compares_with_the_optimizer(small_problem):
    frame = pd.DataFrame({"participant_id": ["P1", "P5"], "mentor_id": ["M2", "M1"]})
    hand = app.read_hand_plan(small_problem, table_from_frame(frame, "hand.csv", "assignments"))
    result = app.audit(small_problem, hand, compare=True)
    assert not result.clean
    rules = set(result.violations["rule"])
    assert "province" in rules  # Bandung participant with the Bali mentor and back
    assert result.comparison is not None
    served = result.comparison.set_index("measure").loc["participants_served"]
    assert served["audited"] == 2 and served["optimised"] > 2


def test_capacity_from_scratch(uploads, fast_config):
    problem = app.validate(app.read_inputs(uploads[0]), fast_config).problem
    result = app.capacity(problem)
    assert not result.answer.existing
    assert int(result.table["participants"].sum()) == 6
    assert int(result.table["mentors_needed"].sum()) >= 2  # Java and Bali


def test_scenarios_validate_once_per_reading(uploads, fast_config, caplog):
    configured = app.expand_scenarios(
        fast_config, [], [app.parse_grid("sessions.target=2,3"), app.parse_grid("caseload.max=5")]
    )
    caplog.set_level("INFO", logger="tkm_assign")
    result = app.scenarios(app.read_inputs(*uploads), configured, workers=1)
    assert [s.name for s in result.scenarios] == [
        "sessions.target=2 caseload.max=5",
        "sessions.target=3 caseload.max=5",
    ]
    assert "2 scenarios, checked by 1 validations" in caplog.text
    assert list(result.table["scenario"]) == [s.name for s in result.scenarios]
    sessions = result.table.set_index("scenario")["sessions"]
    assert sessions.iloc[0] < sessions.iloc[1]


def test_a_config_that_reads_the_files_otherwise_is_refused(small_problem):
    other = small_problem.config.replace(["caseload.max=3"])
    with pytest.raises(ConfigError, match=r"caseload.max: .*validate the files again"):
        app.assign(small_problem, other)


def test_a_config_that_reads_the_same_plans_under_its_own_rules(small_problem):
    fewer = small_problem.config.replace(["sessions.target_by_need.high=2"])
    result = app.assign(small_problem, fewer)
    assert result.problem.config == fewer


def test_progress_reports_each_step(small_problem):
    seen: list[tuple[str, int, int]] = []
    app.plan(small_problem, progress=lambda step, done, total: seen.append((step, done, total)))
    steps = [step for step, _, _ in seen]
    assert steps[0] == "step.candidates"
    assert {"step.assign", "step.schedule", "step.tables"} <= set(steps)
    mentors = [(d, t) for s, d, t in seen if s == "step.schedule"]
    assert mentors[-1][0] == mentors[-1][1] and mentors[-1][1] >= 1
    for step in set(steps):
        assert app.render(app.Message.of(step), "id")


def test_warnings_belong_to_their_own_call_when_calls_run_at_once(fast_config):
    """Two threads validate at once; each result holds only its own file's warning."""
    inputs = {}
    for name in ("satu", "dua"):
        text = PARTICIPANTS_CSV.replace("catatan", f"kolom_{name}")
        inputs[name] = app.read_inputs(
            app.Upload(f"{name}.csv", text.encode()),
            app.Upload("m.xlsx", xlsx_bytes(MENTOR_ROWS)),
        )
    results: dict[str, app.ValidateResult] = {}
    barrier = threading.Barrier(2)

    def run(name: str) -> None:
        barrier.wait()
        for _ in range(3):
            results[name] = app.validate(inputs[name], fast_config)

    threads = [threading.Thread(target=run, args=(n,)) for n in inputs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for name, result in results.items():
        assert [m["source"] for m in result.warnings] == [f"{name}.csv"]
        assert f"kolom_{name}" in str(result.warnings[0])


def test_no_call_falls_back_to_python_warnings(uploads, fast_config):
    from tkm_assign.errors import InputWarning
    from tkm_assign.io.inputs import read_inputs

    with pytest.warns(InputWarning, match="catatan"):
        read_inputs(*uploads).problem(fast_config)


def test_problem_under_another_config_keeps_its_people(small_problem: Problem):
    config: Config = small_problem.config.replace(["sessions.target_by_need.low=3"])
    moved = dataclasses.replace(small_problem, config=config)
    assert moved.participants == small_problem.participants
