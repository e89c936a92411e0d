"""write_outputs: every command's files, atomically, in the language asked."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from tkm_assign import app
from tkm_assign.errors import OutputError
from tkm_assign.io.output import MANIFEST
from tkm_assign.io.read import table_from_frame


def _names(folder: Path) -> set[str]:
    """Files written, without the list of them that every output folder keeps."""
    return {
        str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file() and p.name != MANIFEST
    }


def test_a_plan_writes_every_output(small_plan, tmp_path: Path):
    out = tmp_path / "plan"
    written = app.write_outputs(small_plan, out)
    assert {str(p.relative_to(out)) for p in written} == _names(out)
    names = _names(out)
    for name in (
        "assignments.csv",
        "schedule.csv",
        "summary.json",
        "plan.xlsx",
        "report.html",
        "plan.gpkg",
        "map.png",
    ):
        assert name in names
    assert any(n.startswith("calendars/") and n.endswith(".ics") for n in names)
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["figures"]["participants"] == 6


def test_a_plan_writes_only_the_formats_asked(small_plan, tmp_path: Path):
    out = tmp_path / "plan"
    app.write_outputs(small_plan, out, formats=("csv", "json"), lang="en")
    assert all(n.endswith((".csv", ".json")) for n in _names(out))
    with pytest.raises(ValueError, match="'pdf'"):
        app.write_outputs(small_plan, tmp_path / "x", formats=("pdf",))
    assert not (tmp_path / "x").exists()


def test_an_existing_folder_is_kept_unless_forced(small_plan, tmp_path: Path):
    out = tmp_path / "plan"
    app.write_outputs(small_plan, out, formats=("csv",))
    with pytest.raises(OutputError, match="already exists") as caught:
        app.write_outputs(small_plan, out, formats=("json",))
    assert "--force" not in str(caught.value)  # the library speaks of folders, not flags
    assert "summary.json" not in _names(out)
    app.write_outputs(small_plan, out, formats=("json",), force=True)
    assert _names(out) == {"summary.json"}


def test_the_output_folder_never_holds_an_input(small_plan, tmp_path: Path):
    source = tmp_path / "in" / "peserta.csv"
    source.parent.mkdir()
    source.write_text("x", encoding="utf-8")
    with pytest.raises(OutputError, match="input"):
        app.write_outputs(small_plan, tmp_path / "in", force=True, inputs=[source])
    assert source.read_text(encoding="utf-8") == "x"


def test_each_command_writes_its_files(small_problem, small_plan, tmp_path: Path):
    assigned = app.assign(small_problem)
    app.write_outputs(assigned, tmp_path / "a")
    assert _names(tmp_path / "a") == {"assignments.csv", "summary.json"}
    scheduled = app.schedule(small_problem, small_plan.assignment)
    app.write_outputs(scheduled, tmp_path / "s")
    assert _names(tmp_path / "s") == {
        "schedule.csv",
        "routes.csv",
        "mentor_workload.csv",
        "shortfalls.csv",
        "summary.json",
    }
    frame = small_plan.tables.assignments[["participant_id", "mentor_id"]]
    hand = app.read_hand_plan(small_problem, table_from_frame(frame, "a.csv", "assignments"))
    audited = app.audit(small_problem, hand)
    app.write_outputs(audited, tmp_path / "audit", lang="en")
    assert _names(tmp_path / "audit") == {
        "violations.csv",
        "mentor_balance.csv",
        "audit_summary.json",
        "audit.xlsx",
        "audit.html",
    }
    html = (tmp_path / "audit" / "audit.html").read_text(encoding="utf-8")
    assert "Mentoring plan audit" in html
    balance = pd.read_csv(tmp_path / "audit" / "mentor_balance.csv", encoding="utf-8-sig")
    assert set(balance["mentor_id"]) == {"M1", "M2", "M3"}


def test_the_warnings_of_writing_are_messages_of_the_call(small_plan, tmp_path: Path):
    out = tmp_path / "plan"
    (tmp_path / ".plan.tkm-abcd1234.partial").mkdir()  # a killed run's unfinished folder
    written = app.write_outputs(small_plan, out, formats=("csv",))
    (warning,) = written.warnings
    assert warning.code == "warning.output_leftovers_removed"
    assert warning["count"] == 1 and warning["names"] == ".plan.tkm-abcd1234.partial"
    assert "removed 1 unfinished output folder" in app.render(warning, "en")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan"]
    assert app.write_outputs(small_plan, tmp_path / "again", formats=("csv",)).warnings == ()
