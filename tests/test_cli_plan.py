"""The planning commands end to end: assign, schedule, plan, demo and audit."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from tkm_assign.cli import EXAMPLES, SAMPLE_DIR, _print_schedule, main
from tkm_assign.report.tables import (
    ASSIGNMENT_COLUMNS,
    ROUTE_COLUMNS,
    SCHEDULE_COLUMNS,
    WORKLOAD_COLUMNS,
    PlanTables,
)

VALID = Path(__file__).parent / "data" / "valid"
INPUTS = [
    "--participants",
    str(VALID / "participants.csv"),
    "--mentors",
    str(VALID / "mentors.csv"),
]
# No cache in the repository; keep the solvers quick.
FAST = ["--set", 'travel.cache_dir=""', "--set", "assign.time_limit_s=5", "--quiet"]


def _csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def assigned(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("assign") / "out"
    assert main(["assign", *INPUTS, *FAST, "--out", str(out)]) == 0
    return out


def test_assign_writes_the_table_and_summary(assigned: Path):
    table = _csv(assigned / "assignments.csv")
    assert tuple(table.columns) == ASSIGNMENT_COLUMNS
    assert len(table) == 10
    pinned = table.set_index("participant_id").loc["P04"]
    assert pinned["mentor_id"] == "M2"  # pinned in the input
    # P06 excluded M3, the only Bali mentor: unassigned with a reason.
    p06 = table.set_index("participant_id").loc["P06"]
    assert p06["status"] == "unassigned" and p06["reason"]
    summary = json.loads((assigned / "summary.json").read_text())
    for key in ("status", "objective", "bound", "gap", "solve_seconds", "assigned", "unassigned"):
        assert key in summary
    assert summary["assigned"] + summary["unassigned"] == 10
    assert summary["seed"] == 20240 and summary["config"]["caseload"]["max"] == 20


def test_schedule_from_an_assignments_file(assigned: Path, tmp_path: Path):
    out = tmp_path / "sched"
    given = str(assigned / "assignments.csv")
    code = main(["schedule", *INPUTS, "--assignments", given, *FAST, "--out", str(out)])
    assert code == 0
    sessions = _csv(out / "schedule.csv")
    assert tuple(sessions.columns) == SCHEDULE_COLUMNS
    assert tuple(_csv(out / "routes.csv").columns) == ROUTE_COLUMNS
    assert tuple(_csv(out / "mentor_workload.csv").columns) == WORKLOAD_COLUMNS
    assert "2027-08-17" not in set(sessions["date"])  # Independence Day
    assigned_ids = set(
        _csv(assigned / "assignments.csv").query("status == 'assigned'")["participant_id"]
    )
    assert set(sessions["participant_id"]) == assigned_ids
    summary = json.loads((out / "summary.json").read_text())
    assert "shortfalls" in summary and "config" in summary


def test_schedule_rejects_an_unknown_mentor_in_the_assignment(tmp_path: Path, capsys):
    bad = tmp_path / "assignments.csv"
    bad.write_text("participant_id,mentor_id\nP01,M1\nP02,M99\n", encoding="utf-8")
    out = tmp_path / "out"
    code = main(["schedule", *INPUTS, "--assignments", str(bad), *FAST, "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2
    assert "assignments.csv baris 3, kolom mentor_id: 'M99' bukan pendamping" in err
    assert not out.exists()


def test_plan_writes_every_output(tmp_path: Path):
    out = tmp_path / "plan"
    assert main(["plan", *INPUTS, *FAST, "--out", str(out), "--lang", "en"]) == 0
    for name in (
        "assignments.csv",
        "schedule.csv",
        "routes.csv",
        "mentor_workload.csv",
        "summary.json",
        "plan.xlsx",
        "report.html",
        "map.png",
        "plan.gpkg",
    ):
        assert (out / name).is_file(), name
    assert sorted(p.stem for p in (out / "calendars").glob("*.ics")) == [
        "M1",
        "M2",
        "M3",
        "M4",
        "M5",
    ]
    book = openpyxl.load_workbook(out / "plan.xlsx", read_only=True)
    assert "Assignments" in book.sheetnames  # English labels with --lang en
    summary = json.loads((out / "summary.json").read_text())
    assert summary["schedule"]["participants"] == 10


def test_plan_is_deterministic(tmp_path: Path):
    for name in ("a", "b"):
        assert main(["plan", *INPUTS, *FAST, "--out", str(tmp_path / name)]) == 0
    for table in ("assignments.csv", "schedule.csv", "routes.csv"):
        assert (tmp_path / "a" / table).read_bytes() == (tmp_path / "b" / table).read_bytes()


def test_existing_output_folder_is_kept_without_force(tmp_path: Path, capsys):
    out = tmp_path / "plan"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    assert main(["assign", *INPUTS, *FAST, "--out", str(out), "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert "output folder already exists" in err and "add --force" in err  # the CLI's words
    assert [p.name for p in out.iterdir()] == ["keep.txt"]
    # --force replaces only what tkm_assign wrote: a file of the user's is never deleted.
    assert main(["assign", *INPUTS, *FAST, "--out", str(out), "--force"]) == 2
    assert "keep.txt; tidak ada yang dihapus" in capsys.readouterr().err
    (out / "keep.txt").unlink()
    assert main(["assign", *INPUTS, *FAST, "--out", str(out), "--force"]) == 0
    assert (out / "assignments.csv").exists()
    assert main(["assign", *INPUTS, *FAST, "--out", str(out), "--force"]) == 0


def test_bad_override_names_the_key(tmp_path: Path, capsys):
    code = main(["plan", *INPUTS, "--set", "caseload.maximum=3", "--out", str(tmp_path / "x")])
    assert code == 2
    assert "caseload.maximum" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()


def test_inputs_are_never_modified(tmp_path: Path):
    before = {p: p.read_bytes() for p in VALID.iterdir()}
    assert main(["plan", *INPUTS, *FAST, "--out", str(tmp_path / "p")]) == 0
    assert {p: p.read_bytes() for p in VALID.iterdir()} == before


def test_audit_finds_a_planted_violation_and_compares(tmp_path: Path):
    plan = tmp_path / "hand.csv"
    # P08 lives in Makassar; M1 lives in Bandung: another province and island.
    plan.write_text("participant_id,mentor_id\nP01,M1\nP08,M1\nP05,M3\n", encoding="utf-8")
    out = tmp_path / "audit"
    code = main(
        ["audit", *INPUTS, "--assignments", str(plan), "--compare", *FAST, "--out", str(out)]
    )
    assert code == 0
    violations = _csv(out / "violations.csv")
    found = set(violations.loc[violations["participant_id"] == "P08", "rule"])
    assert "province" in found
    assert (out / "comparison.csv").is_file()
    summary = json.loads((out / "audit_summary.json").read_text())
    assert summary["clean"] is False


@pytest.mark.slow
def test_demo_runs_the_national_sample_end_to_end(tmp_path: Path, monkeypatch):
    # The example of `tkm-assign demo --help`, as a reader would type it.
    (example,) = EXAMPLES["demo"]
    monkeypatch.chdir(tmp_path)
    assert main([*shlex.split(example)[1:], "--set", 'travel.cache_dir=""', "--quiet"]) == 0
    out = tmp_path / "demo"
    summary = json.loads((out / "summary.json").read_text())
    assert summary["assigned"] + summary["unassigned"] == 3000
    assert summary["assigned"] >= 2700
    assert summary["schedule"]["meeting_target_every_month_share"] >= 0.95
    table = _csv(out / "assignments.csv")
    unassigned = table[table["status"] == "unassigned"]
    assert (unassigned["reason"] != "").all()
    assert len(list((out / "calendars").glob("*.ics"))) == 150
    assert (SAMPLE_DIR / "participants.csv").exists()


def test_schedule_line_counts_only_participants_with_a_mentor(capsys, tmp_path):
    sessions = pd.DataFrame({"session_id": ["M1-001", "M1-002"]})
    nobody = pd.DataFrame(
        {"participant_id": ["P9"], "mentor_id": [None], "reason": ["no mentor assigned: ..."]}
    )
    _print_schedule("en", PlanTables(pd.DataFrame(), {}, sessions, shortfalls=nobody), tmp_path)
    assert capsys.readouterr().out.strip() == (
        "planned 2 sessions; every participant with a mentor meets their target every month"
    )
    short = pd.concat(
        [nobody, pd.DataFrame({"participant_id": ["P1"], "mentor_id": ["M1"], "reason": ["x"]})]
    )
    _print_schedule("en", PlanTables(pd.DataFrame(), {}, sessions, shortfalls=short), tmp_path)
    assert "1 participants with a mentor are short of their target in 1 participant-months" in (
        capsys.readouterr().out
    )
