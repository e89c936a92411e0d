"""The programme in motion from the command line: simulate, progress, replan, again."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from tkm_assign.cli import main

VALID = Path(__file__).parent / "data" / "valid"
FAST = [
    "--set", 'travel.model="haversine"',
    "--set", 'travel.cache_dir=""',
    "--set", "assign.time_limit_s=2",
    "--set", "schedule.placement_limit=0.05",
    "--set", "schedule.time_limit_s=0.2",
    "--set", "schedule.workers=1",
]  # fmt: skip
INPUTS = [
    "--participants",
    str(VALID / "participants.csv"),
    "--mentors",
    str(VALID / "mentors.csv"),
]


@pytest.fixture(scope="module")
def folders(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("running")
    out = {name: root / name for name in ("plan", "sim", "progress", "replan", "sim2", "replan2")}
    assert main(["plan", *INPUTS, *FAST, "--out", str(out["plan"]), "--quiet"]) == 0
    args = [
        "simulate",
        "--plan",
        str(out["plan"]),
        "--as-of",
        "2027-08-15",
        "--out",
        str(out["sim"]),
    ]
    assert main([*args, "--set", "simulate.withdraw_share=0.3", "--quiet"]) == 0
    changed = ["--participants", str(out["sim"] / "participants.csv")]
    changed += ["--mentors", str(out["sim"] / "mentors.csv")]
    logbook = ["--logbook", str(out["sim"] / "logbook.csv"), "--as-of", "2027-08-15"]
    base = ["--plan", str(out["plan"]), *logbook, *changed, "--quiet"]
    assert main(["progress", *base, "--out", str(out["progress"])]) == 0
    assert main(["replan", *base, "--out", str(out["replan"])]) == 0
    # A month later, from the re-plan: simulate on, then re-plan again.
    args = ["simulate", "--plan", str(out["replan"]), *changed, "--as-of", "2027-09-15"]
    args += ["--logbook", str(out["sim"] / "logbook.csv"), "--out", str(out["sim2"]), "--quiet"]
    assert main(args) == 0
    again = ["--plan", str(out["replan"]), "--logbook", str(out["sim2"] / "logbook.csv")]
    again += ["--as-of", "2027-09-15", *changed, "--out", str(out["replan2"]), "--quiet"]
    assert main(["replan", *again]) == 0
    return out


def test_simulate_writes_the_logbook_and_the_changed_files(folders):
    sim = folders["sim"]
    assert {p.name for p in sim.iterdir() if not p.name.startswith(".")} == {
        "logbook.csv",
        "participants.csv",
        "mentors.csv",
        "simulation.json",
    }
    logbook = pd.read_csv(sim / "logbook.csv", dtype=str, keep_default_na=False)
    assert (logbook["date"] <= "2027-08-15").all() and len(logbook) > 10
    people = pd.read_csv(sim / "participants.csv", dtype=str, keep_default_na=False)
    withdrawn = people[people["status"] == "withdrawn"]
    assert len(withdrawn) and (withdrawn["status_date"] <= "2027-08-15").all()
    summary = json.loads((sim / "simulation.json").read_text())
    assert summary["behaviour"]["withdraw_share"] == 0.3


def test_progress_outputs(folders):
    progress = folders["progress"]
    names = {p.name for p in progress.iterdir() if not p.name.startswith(".")}
    assert {"progress.xlsx", "progress.html", "at_risk.csv", "progress.json", "messages"} == names
    summary = json.loads((progress / "progress.json").read_text())
    assert summary["as_of"] == "2027-08-15" and summary["status"]["withdrawn"] > 0


def test_replan_outputs_every_plan_output_with_changes(folders):
    replan = folders["replan"]
    for name in ("assignments.csv", "schedule.csv", "changes.csv", "plan.xlsx", "report.html"):
        assert (replan / name).is_file(), name
    schedule = pd.read_csv(replan / "schedule.csv", dtype=str, keep_default_na=False)
    assert set(schedule["status"]) == {"held", "planned"}
    assert (schedule.loc[schedule["status"] == "held", "date"] <= "2027-08-15").all()
    assert (schedule.loc[schedule["status"] == "planned", "date"] > "2027-08-15").all()
    changes = pd.read_csv(replan / "changes.csv", dtype=str, keep_default_na=False)
    assert "missed" in set(changes["change_code"]) and (changes["reason"] != "").all()
    # Every coded value in words of the output's language (Indonesian), its code next to it.
    missed = changes[changes["change_code"] == "missed"]
    assert set(missed["change"]) == {"terlewat"}
    assert set(changes["kind"]) <= {"", "terpaksa", "dipilih"}
    assert set(changes["mode"]) | set(changes["previous_mode"]) <= {"", "tatap muka", "daring"}
    assert not changes.isin(["True", "False", "onsite", "online"]).any().any()
    assert changes["reason_code"].str.startswith("replan.reason.").all()
    assert changes["sequence"].str.fullmatch(r"\d*").all()  # whole numbers, as in the calendars
    summary = json.loads((replan / "summary.json").read_text())
    assert summary["replan"]["plan_from"] == "2027-08-16"
    page = (replan / "report.html").read_text(encoding="utf-8")
    assert "disusun ulang mulai" in page  # marked with the as-of date


def test_the_second_replan_keeps_the_calendar_identities(folders):
    first = pd.read_csv(folders["replan"] / "schedule.csv", dtype=str, keep_default_na=False)
    second = pd.read_csv(folders["replan2"] / "schedule.csv", dtype=str, keep_default_na=False)
    later = first[(first["status"] == "planned") & (first["date"] > "2027-09-15")]
    kept = set(later["uid"]) & set(second["uid"])
    assert kept and len(kept) >= len(later) // 2
    ics = next((folders["replan2"] / "calendars").glob("*.ics")).read_text(encoding="utf-8")
    assert "SEQUENCE:" in ics


def test_a_plan_folder_without_its_files_is_refused(tmp_path, capsys):
    empty = tmp_path / "empty"
    empty.mkdir()
    args = ["progress", "--plan", str(empty), "--logbook", str(VALID / "logbook.csv"), *INPUTS]
    assert main([*args, "--as-of", "2027-08-15", "--out", str(tmp_path / "out")]) == 2
    assert "tidak ada assignments.csv" in capsys.readouterr().err
